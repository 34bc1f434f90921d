// The intrinsic function table, argument type checks, the dispatcher, and the array,
// JSON and math intrinsics (string/encoding ones are in intrinsics_text.cc).
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>

#include "json/intrinsics_ast.h"
#include "json/parse.h"

namespace sg::json::intrinsic_detail {

namespace {

using T = ArgType;

constexpr FnSpec kSpecs[] = {
    {"States.Format", Fn::kFormat, 1, kVariadic, {T::kString, T::kAny, T::kAny}, T::kAny, true},
    {"States.StringToJson", Fn::kStringToJson, 1, 1, {T::kString}, T::kAny, true},
    {"States.JsonToString", Fn::kJsonToString, 1, 1, {T::kAny}, T::kAny, true},
    {"States.Array", Fn::kArray, 0, kVariadic, {T::kAny, T::kAny, T::kAny}, T::kAny, true},
    {"States.ArrayPartition", Fn::kArrayPartition, 2, 2, {T::kArray, T::kInteger}, T::kAny, true},
    {"States.ArrayContains", Fn::kArrayContains, 2, 2, {T::kArray, T::kAny}, T::kAny, true},
    {"States.ArrayRange", Fn::kArrayRange, 3, 3, {T::kInteger, T::kInteger, T::kInteger}, T::kAny, true},
    {"States.ArrayGetItem", Fn::kArrayGetItem, 2, 2, {T::kArray, T::kInteger}, T::kAny, true},
    {"States.ArrayLength", Fn::kArrayLength, 1, 1, {T::kArray}, T::kAny, true},
    {"States.ArrayUnique", Fn::kArrayUnique, 1, 1, {T::kArray}, T::kAny, true},
    {"States.Base64Encode", Fn::kBase64Encode, 1, 1, {T::kString}, T::kAny, true},
    {"States.Base64Decode", Fn::kBase64Decode, 1, 1, {T::kString}, T::kAny, true},
    {"States.Hash", Fn::kHash, 2, 2, {T::kAny, T::kString}, T::kAny, true},
    {"States.JsonMerge", Fn::kJsonMerge, 3, 3, {T::kObject, T::kObject, T::kBool}, T::kAny, true},
    // Pure only with a seed; try_fold checks that.
    {"States.MathRandom", Fn::kMathRandom, 2, 3, {T::kNumber, T::kNumber, T::kNumber}, T::kAny, false},
    {"States.MathAdd", Fn::kMathAdd, 2, 2, {T::kNumber, T::kNumber}, T::kAny, true},
    {"States.StringSplit", Fn::kStringSplit, 2, 2, {T::kString, T::kString}, T::kAny, true},
    {"States.UUID", Fn::kUuid, 0, 0, {T::kAny}, T::kAny, false},
};

std::string_view value_kind(const Value& v) {
  switch (v.type()) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "a boolean";
    case Type::kInt:
    case Type::kDouble:
      return "a number";
    case Type::kString:
      return "a string";
    case Type::kArray:
      return "an array";
    case Type::kObject:
      return "an object";
  }
  return "a value";
}

std::string fn_prefix(const Call& c) { return std::string(c.spec->name) + ": "; }

// Java Math.round: the closest integer, ties toward positive infinity.
bool java_round(const Value& v, int64_t* out) {
  if (v.is_int()) {
    *out = v.as_int();
    return true;
  }
  double d = v.as_double();
  double f = std::floor(d);
  if (d - f >= 0.5) f += 1;
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return false;
  *out = static_cast<int64_t>(f);
  return true;
}

Result<int64_t> integer_arg(const Call& c, const Value* args, size_t i) {
  int64_t out;
  if (!args[i].integral_value(&out))
    return failure(fn_prefix(c) + "argument " + std::to_string(i + 1) + " must be an integer, but was " +
                   args[i].dump());
  return out;
}

Result<int64_t> rounded_arg(const Call& c, const Value* args, size_t i) {
  int64_t out;
  if (!java_round(args[i], &out))
    return failure(fn_prefix(c) + "argument " + std::to_string(i + 1) +
                   " is out of the integer range: " + args[i].dump());
  return out;
}

Result<Value> string_to_json(const Value& s) {
  std::string_view t = s.as_string();
  size_t b = t.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return Value();  // "" and " " give null
  auto r = parse_json(t);
  if (!r) return failure("States.StringToJson: the argument is not valid JSON: " + r.error().message);
  return std::move(r).value();
}

Value array_partition(const Value& arr, int64_t size) {
  auto items = arr.items();
  std::vector<Value> chunks;
  chunks.reserve((items.size() + size - 1) / size);
  for (size_t i = 0; i < items.size(); i += size) {
    size_t end = std::min(items.size(), i + static_cast<size_t>(size));
    chunks.push_back(Value::array(std::vector<Value>(items.begin() + i, items.begin() + end)));
  }
  return Value::array(std::move(chunks));
}

Result<Value> array_range(const Call& c, int64_t start, int64_t end, int64_t step) {
  if (step == 0) return failure(fn_prefix(c) + "the step must not be 0");
  __int128 span = static_cast<__int128>(end) - start;
  __int128 count = 0;
  if ((span >= 0 && step > 0) || (span <= 0 && step < 0)) count = span / step + 1;
  if (count > kMaxRangeItems)
    return failure(fn_prefix(c) + "the range has more than " + std::to_string(kMaxRangeItems) + " elements");
  std::vector<Value> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) out.push_back(Value::integer(start + i * step));
  return Value::array(std::move(out));
}

uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Hash consistent with Value::operator== (numbers by value, objects unordered).
uint64_t hash_value(const Value& v) {
  switch (v.type()) {
    case Type::kNull:
      return 0x1234;
    case Type::kBool:
      return v.as_bool() ? 0x5678 : 0x9abc;
    case Type::kInt:
    case Type::kDouble: {
      double d = v.as_double();
      if (d == 0) d = 0;  // -0.0 == 0.0
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return mix(bits);
    }
    case Type::kString:
      return mix(std::hash<std::string_view>()(v.as_string()));
    case Type::kArray: {
      uint64_t h = 0xa11a;
      for (const Value& it : v.items()) h = mix(h * 31 + hash_value(it));
      return h;
    }
    case Type::kObject: {
      uint64_t h = 0x0b1;
      for (const Member& m : v.members())
        h += mix(std::hash<std::string_view>()(m.name()) ^ (hash_value(m.value) * 0x9e3779b97f4a7c15ull));
      return h;
    }
  }
  return 0;
}

Value array_unique(const Value& arr) {
  auto items = arr.items();
  std::vector<Value> out;
  bool dup = false;
  if (items.size() <= 16) {
    for (const Value& it : items) {
      bool seen = false;
      for (const Value& o : out) {
        if (o == it) {
          seen = true;
          break;
        }
      }
      if (seen) {
        dup = true;
        continue;
      }
      out.push_back(it);
    }
  } else {
    std::unordered_multimap<uint64_t, size_t> index;
    index.reserve(items.size());
    for (const Value& it : items) {
      uint64_t h = hash_value(it);
      bool seen = false;
      for (auto [b, e] = index.equal_range(h); b != e; ++b) {
        if (out[b->second] == it) {
          seen = true;
          break;
        }
      }
      if (seen) {
        dup = true;
        continue;
      }
      index.emplace(h, out.size());
      out.push_back(it);
    }
  }
  return dup ? Value::array(std::move(out)) : arr;
}

Value json_merge(const Value& a, const Value& b) {
  if (b.size() == 0) return a;
  if (a.size() == 0) return b;
  std::vector<Member> out(a.members().begin(), a.members().end());
  out.reserve(a.size() + b.size());
  if (out.size() * b.size() <= 256) {
    for (const Member& m : b.members()) {
      bool replaced = false;
      for (size_t i = 0, n = a.size(); i < n; ++i) {
        if (out[i].name() == m.name()) {
          out[i].value = m.value;
          replaced = true;
          break;
        }
      }
      if (!replaced) out.push_back(m);
    }
  } else {
    std::unordered_map<std::string_view, size_t> pos;
    pos.reserve(out.size());
    for (size_t i = 0; i < out.size(); ++i) pos.emplace(out[i].name(), i);
    for (const Member& m : b.members()) {
      auto it = pos.find(m.name());
      if (it != pos.end()) {
        out[it->second].value = m.value;
      } else {
        out.push_back(m);
      }
    }
  }
  return Value::object(std::move(out));
}

Result<Value> math_random(const Call& c, const Value* args, size_t n, Entropy& entropy) {
  auto lo = rounded_arg(c, args, 0);
  if (!lo) return lo.error();
  auto hi = rounded_arg(c, args, 1);
  if (!hi) return hi.error();
  if (*lo > *hi)
    return failure(fn_prefix(c) + "the start " + std::to_string(*lo) + " is greater than the end " +
                   std::to_string(*hi));
  uint64_t r;
  if (n == 3) {
    auto seed = rounded_arg(c, args, 2);
    if (!seed) return seed.error();
    r = mix(static_cast<uint64_t>(*seed) + 0x9e3779b97f4a7c15ull);
  } else {
    r = entropy.next_u64();
  }
  // Both ends included: span = hi - lo + 1 (2^64 when the range is all of int64).
  unsigned __int128 span =
      static_cast<unsigned __int128>(static_cast<uint64_t>(*hi) - static_cast<uint64_t>(*lo)) + 1;
  uint64_t offset = static_cast<uint64_t>((static_cast<unsigned __int128>(r) * span) >> 64);
  return Value::integer(static_cast<int64_t>(static_cast<uint64_t>(*lo) + offset));
}

Result<Value> math_add(const Call& c, const Value* args) {
  if (args[0].is_int() && args[1].is_int()) {
    int64_t s;
    if (!__builtin_add_overflow(args[0].as_int(), args[1].as_int(), &s)) return Value::integer(s);
  }
  auto a = rounded_arg(c, args, 0);
  if (!a) return a.error();
  auto b = rounded_arg(c, args, 1);
  if (!b) return b.error();
  int64_t s;
  if (__builtin_add_overflow(*a, *b, &s))
    return failure(fn_prefix(c) + "the sum is out of the integer range");
  return Value::integer(s);
}

}  // namespace

Error failure(std::string message) { return Error{std::string(kFailure), std::move(message)}; }

const FnSpec* find_spec(std::string_view name) {
  for (const FnSpec& s : kSpecs)
    if (s.name == name) return &s;
  return nullptr;
}

bool type_matches(ArgType t, const Value& v) {
  switch (t) {
    case T::kAny:
      return true;
    case T::kString:
      return v.is_string();
    case T::kNumber:
    case T::kInteger:
      return v.is_number();
    case T::kBool:
      return v.is_bool();
    case T::kArray:
      return v.is_array();
    case T::kObject:
      return v.is_object();
  }
  return false;
}

std::string_view arg_type_name(ArgType t) {
  switch (t) {
    case T::kAny:
      return "any value";
    case T::kString:
      return "a string";
    case T::kNumber:
      return "a number";
    case T::kInteger:
      return "an integer";
    case T::kBool:
      return "a boolean";
    case T::kArray:
      return "an array";
    case T::kObject:
      return "an object";
  }
  return "a value";
}

Result<Value> apply(const Call& c, const Value* args, size_t n, Entropy& entropy) {
  const FnSpec& sp = *c.spec;
  for (size_t i = 0; i < n; ++i) {
    ArgType t = i < 3 ? sp.types[i] : sp.rest;
    if (!type_matches(t, args[i]))
      return failure(fn_prefix(c) + "argument " + std::to_string(i + 1) + " must be " +
                     std::string(arg_type_name(t)) + ", but was " + std::string(value_kind(args[i])));
  }
  switch (sp.fn) {
    case Fn::kFormat:
      return fn_format(c, args, n);
    case Fn::kStringToJson:
      return string_to_json(args[0]);
    case Fn::kJsonToString:
      return Value::string(args[0].dump());
    case Fn::kArray:
      return Value::array(std::vector<Value>(args, args + n));
    case Fn::kArrayPartition: {
      auto size = integer_arg(c, args, 1);
      if (!size) return size.error();
      if (*size <= 0)
        return failure(fn_prefix(c) + "the chunk size must be greater than 0, but was " +
                       std::to_string(*size));
      return array_partition(args[0], *size);
    }
    case Fn::kArrayContains:
      for (const Value& it : args[0].items())
        if (it == args[1]) return Value::boolean(true);
      return Value::boolean(false);
    case Fn::kArrayRange: {
      int64_t v[3];
      for (size_t i = 0; i < 3; ++i) {
        auto r = integer_arg(c, args, i);
        if (!r) return r.error();
        v[i] = *r;
      }
      return array_range(c, v[0], v[1], v[2]);
    }
    case Fn::kArrayGetItem: {
      auto idx = integer_arg(c, args, 1);
      if (!idx) return idx.error();
      size_t size = args[0].size();
      if (*idx < 0 || static_cast<uint64_t>(*idx) >= size)
        return failure(fn_prefix(c) + "index " + std::to_string(*idx) + " is out of bounds for an array of " +
                       std::to_string(size) + (size == 1 ? " item" : " items"));
      return args[0][static_cast<size_t>(*idx)];
    }
    case Fn::kArrayLength:
      return Value::integer(static_cast<int64_t>(args[0].size()));
    case Fn::kArrayUnique:
      return array_unique(args[0]);
    case Fn::kBase64Encode:
      return fn_base64_encode(args[0]);
    case Fn::kBase64Decode:
      return fn_base64_decode(args[0]);
    case Fn::kHash:
      return fn_hash(c, args[0], args[1]);
    case Fn::kJsonMerge:
      if (args[2].as_bool())
        return failure(fn_prefix(c) + "only shallow merging is supported; the third argument must be false");
      return json_merge(args[0], args[1]);
    case Fn::kMathRandom:
      return math_random(c, args, n, entropy);
    case Fn::kMathAdd:
      return math_add(c, args);
    case Fn::kStringSplit:
      return fn_string_split(args[0], args[1]);
    case Fn::kUuid:
      return fn_uuid(entropy);
  }
  return failure("unknown intrinsic function");
}

}  // namespace sg::json::intrinsic_detail
