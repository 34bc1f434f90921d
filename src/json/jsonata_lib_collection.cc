// The JSONata array functions ($append $reverse $shuffle $distinct $zip) and object
// functions ($keys $lookup $spread $merge $error $assert), as in jsonata-js 2.x.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "json/jsonata_lib_common.h"

namespace sg::json::jsonata {

namespace {

Outcome fn_append(CallContext& ctx, std::span<const JValue> args) {
  const JValue& a = args[0];
  const JValue& b = args[1];
  if (a.is_undefined()) return b;
  if (b.is_undefined()) return a;
  std::vector<JValue> items;
  size_t n = (a.is_array() ? a.size() : 1) + (b.is_array() ? b.size() : 1);
  if (lib::too_large(ctx, n)) return lib::too_large_error();
  Error e;
  if (!ctx.charge(n, &e)) return e;
  items.reserve(n);
  for (const JValue* v : {&a, &b}) {
    if (v->is_array()) {
      for (size_t i = 0; i < v->size(); ++i) items.push_back(v->at(i));
    } else {
      items.push_back(*v);
    }
  }
  return JValue::array(std::move(items));
}

Outcome fn_reverse(CallContext& ctx, std::span<const JValue> args) {
  const JValue& a = args[0];
  if (!a.is_array() || a.size() <= 1) return a;
  Error e;
  if (!ctx.charge(a.size(), &e)) return e;
  std::vector<JValue> items = a.items();
  std::reverse(items.begin(), items.end());
  return JValue::array(std::move(items));
}

Outcome fn_shuffle(CallContext& ctx, std::span<const JValue> args) {
  const JValue& a = args[0];
  if (!a.is_array() || a.size() <= 1) return a;
  Error e;
  if (!ctx.charge(a.size(), &e)) return e;
  // The "inside-out" Fisher-Yates shuffle of the reference, with the evaluation's seeded
  // generator instead of Math.random().
  size_t n = a.size();
  std::vector<JValue> result(n);
  for (size_t i = 0; i < n; ++i) {
    double r = static_cast<double>(ctx.random_u64() >> 11) * 0x1.0p-53;
    size_t j = static_cast<size_t>(std::floor(r * static_cast<double>(i + 1)));
    if (i != j) result[i] = result[j];
    result[j] = a.at(i);
  }
  return JValue::array(std::move(result));
}

// A hash consistent with deep_equal (numbers by value, objects whatever their member
// order), so $distinct compares each item with its few look-alikes only.
size_t value_hash(const JValue& v, int depth = 0) {
  constexpr size_t kMix = 0x9e3779b97f4a7c15ULL;
  auto mix = [](size_t h, size_t x) { return h ^ (x + kMix + (h << 6) + (h >> 2)); };
  if (depth > 64) return 0;  // deep values share a bucket; deep_equal decides
  switch (v.kind()) {
    case JValue::Kind::kUndefined:
      return 1;
    case JValue::Kind::kNull:
      return 2;
    case JValue::Kind::kBool:
      return v.as_bool() ? 3 : 4;
    case JValue::Kind::kNumber: {
      double d = v.as_number();
      return std::hash<double>()(d == 0 ? 0.0 : d);
    }
    case JValue::Kind::kString:
      return std::hash<std::string_view>()(v.as_string());
    case JValue::Kind::kArray: {
      size_t h = 5;
      for (size_t i = 0; i < v.size(); ++i) h = mix(h, value_hash(v.at(i), depth + 1));
      return h;
    }
    case JValue::Kind::kObject: {
      size_t h = 6;
      for (size_t i = 0; i < v.member_count(); ++i)  // order-independent
        h += mix(std::hash<std::string_view>()(v.key_at(i)), value_hash(v.value_at(i), depth + 1));
      return h;
    }
    case JValue::Kind::kFunction:
      return 7;
  }
  return 0;
}

Outcome fn_distinct(CallContext& ctx, std::span<const JValue> args) {
  const JValue& a = args[0];
  if (!a.is_array() || a.size() <= 1) return a;
  std::vector<JValue> results;
  std::unordered_multimap<size_t, size_t> seen;  // hash -> index into results
  Error e;
  for (size_t i = 0; i < a.size(); ++i) {
    JValue v = a.at(i);
    size_t h = value_hash(v);
    auto [first, last] = seen.equal_range(h);
    bool dup = false;
    for (auto it = first; it != last && !dup; ++it) {
      if (!ctx.charge(1, &e)) return e;
      dup = deep_equal(v, results[it->second]);
    }
    if (!ctx.charge(1, &e)) return e;
    if (!dup) {
      seen.emplace(h, results.size());
      results.push_back(std::move(v));
    }
  }
  return a.is_sequence() ? JValue::sequence(std::move(results)) : JValue::array(std::move(results));
}

Outcome fn_zip(CallContext& ctx, std::span<const JValue> args) {
  size_t length = args.empty() ? 0 : SIZE_MAX;
  for (const JValue& a : args) length = std::min(length, a.is_array() ? a.size() : size_t{0});
  Error e;
  if (!ctx.charge(length * (args.size() + 1), &e)) return e;
  std::vector<JValue> result;
  result.reserve(length);
  for (size_t i = 0; i < length; ++i) {
    std::vector<JValue> tuple;
    tuple.reserve(args.size());
    for (const JValue& a : args) tuple.push_back(a.at(i));
    result.push_back(JValue::array(std::move(tuple)));
  }
  return JValue::array(std::move(result));
}

// Object.keys of `v`, recursing into arrays, without repeats, first seen first.
bool collect_keys(CallContext& ctx, const JValue& v, std::vector<std::string>& keys,
                  std::unordered_set<std::string>& seen, int depth, Error* error) {
  if (depth > 1000) {
    *error = make_error("U1001");
    return false;
  }
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i)
      if (!collect_keys(ctx, v.at(i), keys, seen, depth + 1, error)) return false;
  } else if (v.is_object()) {
    if (!ctx.charge(v.member_count(), error)) return false;
    for (size_t i = 0; i < v.member_count(); ++i) {
      std::string k(v.key_at(i));
      if (seen.insert(k).second) keys.push_back(std::move(k));
    }
  }
  return true;
}

Outcome fn_keys(CallContext& ctx, std::span<const JValue> args) {
  std::vector<std::string> keys;
  std::unordered_set<std::string> seen;
  Error e;
  if (!collect_keys(ctx, args[0], keys, seen, 0, &e)) return e;
  std::vector<JValue> out;
  out.reserve(keys.size());
  for (std::string& k : keys) out.push_back(JValue::string(std::move(k)));
  return JValue::sequence(std::move(out));
}

bool lookup_into(CallContext& ctx, const JValue& input, std::string_view key, std::vector<JValue>& out,
                 int depth, Error* error) {
  if (depth > 1000) {
    *error = make_error("U1001");
    return false;
  }
  if (!ctx.charge(1, error)) return false;
  if (input.is_array()) {
    for (size_t i = 0; i < input.size(); ++i) {
      JValue item = input.at(i);
      if (item.is_array()) {
        // lookup() of a nested array is a sequence, which the caller flattens.
        std::vector<JValue> inner;
        if (!lookup_into(ctx, item, key, inner, depth + 1, error)) return false;
        for (JValue& v : inner) out.push_back(std::move(v));
      } else if (item.is_object()) {
        JValue v = item.get(key);
        if (v.is_array()) {
          for (size_t k = 0; k < v.size(); ++k) out.push_back(v.at(k));
        } else if (v.is_defined()) {
          out.push_back(std::move(v));
        }
      }
    }
  }
  return true;
}

Outcome fn_lookup(CallContext& ctx, std::span<const JValue> args) {
  const JValue& input = args[0];
  std::string_view key = args[1].is_string() ? args[1].as_string() : "undefined";
  if (input.is_object()) return input.get(key);
  if (!input.is_array()) return JValue();
  std::vector<JValue> out;
  Error e;
  if (!lookup_into(ctx, input, key, out, 0, &e)) return e;
  return JValue::sequence(std::move(out));
}

bool spread_into(CallContext& ctx, const JValue& v, std::vector<JValue>& out, int depth, Error* error) {
  if (depth > 1000) {
    *error = make_error("U1001");
    return false;
  }
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i)
      if (!spread_into(ctx, v.at(i), out, depth + 1, error)) return false;
  } else if (v.is_object()) {
    if (!ctx.charge(v.member_count(), error)) return false;
    for (size_t i = 0; i < v.member_count(); ++i)
      out.push_back(JValue::object({{std::string(v.key_at(i)), v.value_at(i)}}));
  } else if (v.is_defined()) {
    out.push_back(v);
  }
  return true;
}

Outcome fn_spread(CallContext& ctx, std::span<const JValue> args) {
  const JValue& v = args[0];
  if (v.is_object()) {
    std::vector<JValue> out;
    Error e;
    if (!spread_into(ctx, v, out, 0, &e)) return e;
    return JValue::sequence(std::move(out));
  }
  if (!v.is_array()) return v;
  std::vector<JValue> out;
  Error e;
  if (!spread_into(ctx, v, out, 0, &e)) return e;
  // The reference appends onto its result, which makes a plain array once anything is
  // added (and leaves an empty sequence otherwise).
  return out.empty() ? JValue::sequence({}) : JValue::array(std::move(out));
}

Outcome fn_merge(CallContext& ctx, std::span<const JValue> args) {
  const JValue& a = args[0];
  if (a.is_undefined()) return JValue();
  std::vector<std::pair<std::string, JValue>> members;
  Error e;
  auto add = [&](const JValue& obj) {
    for (size_t i = 0; i < obj.member_count(); ++i) members.emplace_back(obj.key_at(i), obj.value_at(i));
  };
  if (a.is_array()) {
    for (size_t i = 0; i < a.size(); ++i) {
      JValue obj = a.at(i);
      if (!ctx.charge(obj.member_count() + 1, &e)) return e;
      add(obj);
    }
  } else {
    add(a);
  }
  return JValue::object(std::move(members));
}

Outcome fn_error(CallContext&, std::span<const JValue> args) {
  std::string msg = args[0].is_string() ? std::string(args[0].as_string()) : std::string();
  if (msg.empty()) msg = "$error() function evaluated";
  return lib::error_with_message("D3137", std::move(msg));
}

Outcome fn_assert(CallContext&, std::span<const JValue> args) {
  if (args[0].is_bool() && args[0].as_bool()) return JValue();
  std::string msg = args[1].is_string() ? std::string(args[1].as_string()) : std::string();
  if (msg.empty()) msg = "$assert() statement failed";
  return lib::error_with_message("D3141", std::move(msg));
}

constexpr Builtin kArrayBuiltins[] = {
    {"append", "<xx:a>", fn_append},    {"reverse", "<a:a>", fn_reverse}, {"shuffle", "<a:a>", fn_shuffle},
    {"distinct", "<x:x>", fn_distinct}, {"zip", "<a+>", fn_zip},
};

constexpr Builtin kObjectBuiltins[] = {
    {"keys", "<x-:a<s>>", fn_keys},  {"lookup", "<x-s:x>", fn_lookup}, {"spread", "<x-:a<o>>", fn_spread},
    {"merge", "<a<o>:o>", fn_merge}, {"error", "<s?:x>", fn_error},    {"assert", "<bs?:x>", fn_assert},
};

}  // namespace

std::span<const Builtin> array_builtins() { return kArrayBuiltins; }
std::span<const Builtin> object_builtins() { return kObjectBuiltins; }

}  // namespace sg::json::jsonata
