// The JSONata numeric functions ($number $abs $floor $ceil $round $power $sqrt) and the
// aggregation functions ($sum $max $min $average $count), as in jsonata-js 2.x. ($random
// is Step Functions' own, with the AWS builtins.)
#include <cmath>

#include "json/jsonata_lib_common.h"
#include "json/jsonata_lib_number.h"

namespace sg::json::jsonata {

namespace {

Outcome fn_number(CallContext&, std::span<const JValue> args) {
  const JValue& v = args[0];
  if (v.is_undefined()) return JValue();
  if (v.is_number()) return v;
  if (v.is_bool()) return JValue::number(v.as_bool() ? 1 : 0);
  if (v.is_string()) {
    if (auto d = lib::js_parse_number_string(v.as_string())) return JValue::number(*d);
  }
  return make_error("D3030", {.value = v, .index = 1});
}

template <double (*kOp)(double)>
Outcome unary(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_number()) return JValue();
  double r = kOp(args[0].as_number());
  return JValue::number(r == 0 ? 0.0 : r);  // no -0 in JSON
}

double op_abs(double d) { return std::fabs(d); }
double op_floor(double d) { return std::floor(d); }
double op_ceil(double d) { return std::ceil(d); }

Outcome fn_round(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_number()) return JValue();
  double precision = args[1].is_number() ? args[1].as_number() : 0;
  // The reference shifts the decimal point in the number's text: a fractional or huge
  // precision makes that text meaningless, and the result NaN.
  if (precision != std::trunc(precision) || std::fabs(precision) > 1000) return JValue::number(NAN);
  return JValue::number(lib::round_half_even(args[0].as_number(), static_cast<int>(precision)));
}

Outcome fn_sqrt(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_number()) return JValue();
  double d = args[0].as_number();
  if (d < 0) return make_error("D3060", {.value = args[0], .index = 1});
  return JValue::number(std::sqrt(d));
}

Outcome fn_power(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_number()) return JValue();
  double base = args[0].as_number();
  double exp = lib::number_or(args[1], NAN);
  double r = std::pow(base, exp);
  // Math.pow differs from C's pow on 1 and -1 to the power NaN/infinity: both give NaN.
  if ((std::fabs(base) == 1 && !std::isfinite(exp)) || std::isnan(exp)) r = NAN;
  if (!std::isfinite(r)) {
    Error e = make_error("D3061", {.value = args[0], .value2 = args[1], .index = 1});
    // The catalogue's message quotes the exponent as {{exp}}.
    std::string msg =
        "The power function has resulted in a value that cannot be represented as a JSON number: base=";
    msg += lib::js_number_to_string(base);
    msg += ", exponent=";
    msg += lib::js_number_to_string(exp);
    e.message = std::move(msg);
    return e;
  }
  return JValue::number(r);
}

Outcome fn_sum(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_array()) return args[0].is_number() ? args[0] : JValue();
  double total = 0;
  for (size_t i = 0; i < args[0].size(); ++i) total += args[0].at(i).as_number();
  return JValue::number(total);
}

Outcome fn_count(CallContext&, std::span<const JValue> args) {
  if (args[0].is_undefined()) return JValue::number(0);
  if (!args[0].is_array()) return JValue::number(1);
  return JValue::number(static_cast<double>(args[0].size()));
}

template <bool kMax>
Outcome extreme(CallContext&, std::span<const JValue> args) {
  if (args[0].is_number()) return args[0];
  if (!args[0].is_array() || args[0].size() == 0) return JValue();
  double best = kMax ? -INFINITY : INFINITY;
  for (size_t i = 0; i < args[0].size(); ++i) {
    double d = args[0].at(i).as_number();
    if (std::isnan(d)) return JValue::number(NAN);
    best = kMax ? std::max(best, d) : std::min(best, d);
  }
  return JValue::number(best);
}

Outcome fn_average(CallContext&, std::span<const JValue> args) {
  if (args[0].is_number()) return args[0];
  if (!args[0].is_array() || args[0].size() == 0) return JValue();
  double total = 0;
  for (size_t i = 0; i < args[0].size(); ++i) total += args[0].at(i).as_number();
  return JValue::number(total / static_cast<double>(args[0].size()));
}

constexpr Builtin kNumericBuiltins[] = {
    {"number", "<(nsb)-:n>", fn_number},  {"abs", "<n-:n>", unary<op_abs>},
    {"floor", "<n-:n>", unary<op_floor>}, {"ceil", "<n-:n>", unary<op_ceil>},
    {"round", "<n-n?:n>", fn_round},      {"power", "<n-n:n>", fn_power},
    {"sqrt", "<n-:n>", fn_sqrt},
};

constexpr Builtin kAggregationBuiltins[] = {
    {"sum", "<a<n>:n>", fn_sum},         {"count", "<a:n>", fn_count},
    {"max", "<a<n>:n>", extreme<true>},  {"min", "<a<n>:n>", extreme<false>},
    {"average", "<a<n>:n>", fn_average},
};

}  // namespace

std::span<const Builtin> numeric_builtins() { return kNumericBuiltins; }
std::span<const Builtin> aggregation_builtins() { return kAggregationBuiltins; }

}  // namespace sg::json::jsonata
