// The evaluator's own built-in families (core, higher-order)
// and the registry of every family (jsonata_functions.h).
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "json/jsonata_errors.h"
#include "json/jsonata_eval.h"
#include "json/jsonata_functions.h"
#include "json/jsonata_parser.h"

namespace sg::json::jsonata {

namespace {

JValue undefined() { return JValue(); }

// The arguments $map & co. pass: (value, index, array) cut to the function's arity.
std::vector<JValue> hof_args(const JValue& fn, JValue a1, JValue a2, JValue a3) {
  std::vector<JValue> args{std::move(a1)};
  size_t arity = fn.function_arity();
  if (arity >= 2) args.push_back(std::move(a2));
  if (arity >= 3) args.push_back(std::move(a3));
  return args;
}

// ---- core -----------------------------------------------------------------------------------

Outcome fn_string(CallContext&, std::span<const JValue> args) {
  const JValue& arg = args[0];
  if (arg.is_undefined()) return undefined();
  bool pretty = args.size() > 1 && args[1].is_bool() && args[1].as_bool();
  std::string out;
  Error e;
  if (!to_js_string(arg, pretty, &out, &e)) return e;
  return JValue::string(std::move(out));
}

Outcome fn_type(CallContext&, std::span<const JValue> args) {
  const JValue& v = args[0];
  switch (v.kind()) {
    case JValue::Kind::kUndefined:
      return undefined();
    case JValue::Kind::kNull:
      return JValue::string("null");
    case JValue::Kind::kNumber:
      return JValue::string("number");
    case JValue::Kind::kString:
      return JValue::string("string");
    case JValue::Kind::kBool:
      return JValue::string("boolean");
    case JValue::Kind::kArray:
      return JValue::string("array");
    case JValue::Kind::kFunction:
      return JValue::string("function");
    case JValue::Kind::kObject:
      return JValue::string("object");
  }
  return undefined();
}

Outcome fn_exists(CallContext&, std::span<const JValue> args) {
  return JValue::boolean(args[0].is_defined());
}

Outcome fn_boolean(CallContext&, std::span<const JValue> args) {
  if (args[0].is_undefined()) return undefined();
  return JValue::boolean(truthy(args[0]));
}

Outcome fn_not(CallContext&, std::span<const JValue> args) {
  if (args[0].is_undefined()) return undefined();
  return JValue::boolean(!truthy(args[0]));
}

// Values are immutable, so a copy is the value itself (the transform operator makes its
// own private copy).
Outcome fn_clone(CallContext&, std::span<const JValue> args) { return args[0]; }

Outcome fn_eval(CallContext& ctx, std::span<const JValue> args) {
  if (args[0].is_undefined()) return undefined();
  auto* ev = dynamic_cast<Evaluator*>(&ctx);
  if (!ev) return make_error("T1006");
  JValue input = ctx.focus();
  if (args.size() > 1 && args[1].is_defined()) {
    input = args[1];
    if (input.is_array() && !input.is_sequence())
      input = JValue::array({input}, JValue::kSequence | JValue::kOuterWrapper);
  }
  return ev->eval_text(args[0].as_string(), input);
}

// ---- higher-order -----------------------------------------------------------------------

Outcome fn_map(CallContext& ctx, std::span<const JValue> args) {
  const JValue& arr = args[0];
  const JValue& fn = args[1];
  if (arr.is_undefined()) return undefined();
  std::vector<JValue> result;
  size_t n = arr.size();
  for (size_t i = 0; i < n; ++i) {
    std::vector<JValue> a = hof_args(fn, arr.at(i), JValue::number(static_cast<double>(i)), arr);
    Outcome r = ctx.call(fn, a);
    if (!r.ok()) return r;
    if (r.value().is_defined()) result.push_back(std::move(r).value());
  }
  return JValue::sequence(std::move(result));
}

Outcome fn_filter(CallContext& ctx, std::span<const JValue> args) {
  const JValue& arr = args[0];
  const JValue& fn = args[1];
  if (arr.is_undefined()) return undefined();
  std::vector<JValue> result;
  size_t n = arr.size();
  for (size_t i = 0; i < n; ++i) {
    JValue entry = arr.at(i);
    Outcome r = ctx.call(fn, hof_args(fn, entry, JValue::number(static_cast<double>(i)), arr));
    if (!r.ok()) return r;
    if (truthy(r.value())) result.push_back(std::move(entry));
  }
  return JValue::sequence(std::move(result));
}

Outcome fn_single(CallContext& ctx, std::span<const JValue> args) {
  const JValue& arr = args[0];
  const JValue& fn = args.size() > 1 ? args[1] : JValue();
  if (arr.is_undefined()) return undefined();
  bool found = false;
  JValue result;
  size_t n = arr.size();
  for (size_t i = 0; i < n; ++i) {
    JValue entry = arr.at(i);
    bool positive = true;
    if (fn.is_defined()) {
      Outcome r = ctx.call(fn, hof_args(fn, entry, JValue::number(static_cast<double>(i)), arr));
      if (!r.ok()) return r;
      positive = truthy(r.value());
    }
    if (positive) {
      if (found) return make_error("D3138", {.index = static_cast<int64_t>(i)});
      result = std::move(entry);
      found = true;
    }
  }
  if (!found) return make_error("D3139");
  return result;
}

Outcome fn_reduce(CallContext& ctx, std::span<const JValue> args) {
  const JValue& seq = args[0];
  const JValue& fn = args[1];
  JValue init = args.size() > 2 ? args[2] : JValue();
  if (seq.is_undefined()) return undefined();
  size_t arity = fn.function_arity();
  if (arity < 2) return make_error("D3050", {.index = 1});
  JValue result;
  size_t index = 0;
  size_t n = seq.size();
  if (init.is_undefined() && n > 0) {
    result = seq.at(0);
    index = 1;
  } else {
    result = init;
  }
  for (; index < n; ++index) {
    std::vector<JValue> a{result, seq.at(index)};
    if (arity >= 3) a.push_back(JValue::number(static_cast<double>(index)));
    if (arity >= 4) a.push_back(seq);
    Outcome r = ctx.call(fn, a);
    if (!r.ok()) return r;
    result = std::move(r).value();
  }
  return result;
}

Outcome fn_sift(CallContext& ctx, std::span<const JValue> args) {
  const JValue& obj = args[0];
  const JValue& fn = args[1];
  std::vector<std::pair<std::string, JValue>> result;
  size_t n = obj.member_count();
  for (size_t i = 0; i < n; ++i) {
    JValue value = obj.value_at(i);
    Outcome r = ctx.call(fn, hof_args(fn, value, JValue::string(obj.key_at(i)), obj));
    if (!r.ok()) return r;
    if (truthy(r.value())) result.emplace_back(std::string(obj.key_at(i)), std::move(value));
  }
  if (result.empty()) return undefined();
  return JValue::object(std::move(result));
}

Outcome fn_each(CallContext& ctx, std::span<const JValue> args) {
  const JValue& obj = args[0];
  const JValue& fn = args[1];
  std::vector<JValue> result;
  size_t n = obj.member_count();
  for (size_t i = 0; i < n; ++i) {
    Outcome r = ctx.call(fn, hof_args(fn, obj.value_at(i), JValue::string(obj.key_at(i)), obj));
    if (!r.ok()) return r;
    if (r.value().is_defined()) result.push_back(std::move(r).value());
  }
  return JValue::sequence(std::move(result));
}

// The reference's merge sort (top-down, stable): `after(a, b)` true moves b before a.
template <class After>
bool merge_sort(std::vector<JValue>& v, size_t lo, size_t hi, std::vector<JValue>& tmp, After& after,
                Error* err) {
  if (hi - lo <= 1) return true;
  size_t mid = lo + (hi - lo) / 2;
  if (!merge_sort(v, lo, mid, tmp, after, err) || !merge_sort(v, mid, hi, tmp, after, err)) return false;
  size_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi) {
    int r = after(v[i], v[j], err);
    if (r < 0) return false;
    if (r)
      tmp[k++] = v[j++];
    else
      tmp[k++] = v[i++];
  }
  while (i < mid) tmp[k++] = v[i++];
  while (j < hi) tmp[k++] = v[j++];
  for (size_t x = lo; x < hi; ++x) v[x] = std::move(tmp[x]);
  return true;
}

Outcome fn_sort(CallContext& ctx, std::span<const JValue> args) {
  const JValue& arr = args[0];
  const JValue& fn = args.size() > 1 ? args[1] : JValue();
  if (arr.is_undefined()) return undefined();
  if (arr.size() <= 1) return arr;
  std::vector<JValue> items = arr.items();
  std::vector<JValue> tmp(items.size());
  Error err;
  if (fn.is_undefined()) {
    bool numbers = true, strings = true;
    for (const JValue& v : items) {
      numbers = numbers && v.is_number();
      strings = strings && v.is_string();
    }
    if (!numbers && !strings) return make_error("D3070");
    auto after = [&](const JValue& a, const JValue& b, Error*) -> int {
      return numbers ? a.as_number() > b.as_number() : a.as_string() > b.as_string();
    };
    merge_sort(items, 0, items.size(), tmp, after, &err);
  } else {
    auto after = [&](const JValue& a, const JValue& b, Error* e) -> int {
      JValue pair[2] = {a, b};
      Outcome r = ctx.call(fn, pair);
      if (!r.ok()) {
        *e = r.error();
        return -1;
      }
      return js_truthy(r.value()) ? 1 : 0;
    };
    if (!merge_sort(items, 0, items.size(), tmp, after, &err)) return err;
  }
  return JValue::array(std::move(items));
}

// The reference's $random(): a double in [0, 1) from the evaluation's seeded generator.
// (Step Functions replaces it with $random([seed]); the ASL layer passes that one in
// Environment::functions, which take precedence over built-ins.)
Outcome fn_random(CallContext& ctx, std::span<const JValue>) {
  return JValue::number(static_cast<double>(ctx.random_u64() >> 11) / 9007199254740992.0);
}

const Builtin kCore[] = {
    {"string", "<x-b?:s>", fn_string}, {"type", "<x:s>", fn_type},    {"exists", "<x:b>", fn_exists},
    {"boolean", "<x-:b>", fn_boolean}, {"not", "<x-:b>", fn_not},     {"clone", "<(oa)-:o>", fn_clone},
    {"eval", "<sx?:x>", fn_eval},      {"random", "<:n>", fn_random},
};
const Builtin kHof[] = {
    {"map", "<af>", fn_map},           {"filter", "<af>", fn_filter}, {"single", "<af?>", fn_single},
    {"reduce", "<afj?:j>", fn_reduce}, {"sift", "<o-f?:o>", fn_sift}, {"each", "<o-f:a>", fn_each},
    {"sort", "<af?:a>", fn_sort},
};
struct Registry {
  std::vector<std::unique_ptr<BuiltinInfo>> infos;
  std::unordered_map<std::string_view, const BuiltinInfo*> by_name;
};

const Registry& registry() {
  static const Registry* kRegistry = [] {
    auto* r = new Registry();
    for (auto family :
         {string_builtins(), numeric_builtins(), format_builtins(), aggregation_builtins(), array_builtins(),
          object_builtins(), datetime_builtins(), core_builtins(), hof_builtins()}) {
      for (const Builtin& b : family) {
        auto info = std::make_unique<BuiltinInfo>();
        info->builtin = b;
        Error e;
        Signature::parse(b.signature, &info->signature, &e);
        auto fn = std::make_shared<Function>();
        fn->kind = Function::Kind::kBuiltin;
        fn->builtin = info.get();
        fn->name = std::string(b.name);
        // The reference passes $map & co. as many arguments as the JavaScript function
        // declares; $string's prettify has a default value (not counted) and $zip takes
        // `arguments`.
        fn->arity = b.name == "string" ? 1 : b.name == "zip" ? 0 : info->signature.param_count();
        info->value = JValue::function(std::move(fn));
        r->by_name[info->builtin.name] = info.get();  // a later family replaces an earlier one
        r->infos.push_back(std::move(info));
      }
    }
    return r;
  }();
  return *kRegistry;
}

}  // namespace

std::span<const Builtin> core_builtins() { return kCore; }
std::span<const Builtin> hof_builtins() { return kHof; }

const BuiltinInfo* find_builtin(std::string_view name) {
  const Registry& r = registry();
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : it->second;
}

// ---- $eval (reference dialect) ----------------------------------------------------------

Outcome Evaluator::eval_text(std::string_view text, const JValue& input) {
  auto program = std::make_unique<Program>();
  program->text = std::string(text);
  Error e;
  ParseOptions options;
  options.coalescing_operators = reference_dialect_;
  program->root = parse_expression(program->text, options, &program->arena, &e);
  if (!program->root) {
    finish_error_message(&e);
    return make_error("D3120", {.value = JValue::string(e.message)});
  }
  const Node* root = program->root;
  programs_.push_back(std::move(program));
  JValue out;
  if (!eval(root, input, root_, &out)) {
    Error inner = error_;
    finish_error_message(&inner);
    return make_error("D3121", {.value = JValue::string(inner.message)});
  }
  return out;
}

}  // namespace sg::json::jsonata
