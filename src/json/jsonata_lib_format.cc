// The JSONata formatting functions: $formatNumber (XPath picture strings), $formatBase,
// $formatInteger and $parseInteger (format-integer pictures).
#include <cmath>

#include "json/jsonata_lib_common.h"
#include "json/jsonata_lib_integer.h"
#include "json/jsonata_lib_number.h"
#include "json/jsonata_lib_picture.h"

namespace sg::json::jsonata {

namespace {

Outcome fn_format_number(CallContext& ctx, std::span<const JValue> args) {
  if (!args[0].is_number()) return JValue();
  lib::DecimalFormat format;
  const JValue& options = args[2];
  for (size_t i = 0; i < options.member_count(); ++i) {
    JValue v = options.value_at(i);
    if (v.is_string()) format.set(options.key_at(i), v.as_string());
  }
  std::string out;
  lib::LibError le;
  std::string_view picture = args[1].is_string() ? args[1].as_string() : "";
  if (picture.size() > lib::kMaxPictureBytes) return lib::picture_too_long_error();
  if (!lib::format_number(args[0].as_number(), picture, format, &out, &le)) return lib::to_error(le);
  if (lib::too_large(ctx, out.size())) return lib::too_large_error();
  return JValue::string(std::move(out));
}

Outcome fn_format_base(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_number()) return JValue();
  double value = lib::round_half_even(args[0].as_number(), 0);
  double radix = args[1].is_number() ? lib::round_half_even(args[1].as_number(), 0) : 10;
  if (!(radix >= 2 && radix <= 36)) return make_error("D3100", {.value = JValue::number(radix)});
  return JValue::string(lib::js_integer_to_radix(value, static_cast<int>(radix)));
}

Outcome fn_format_integer(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_number()) return JValue();
  lib::IntegerPicture pic;
  lib::LibError le;
  std::string_view picture = args[1].is_string() ? args[1].as_string() : "";
  if (picture.size() > lib::kMaxPictureBytes) return lib::picture_too_long_error();
  if (!lib::analyse_integer_picture(picture, &pic, &le)) return lib::to_error(le);
  std::string out;
  if (!lib::format_integer(std::floor(args[0].as_number()), pic, &out, &le)) return lib::to_error(le);
  return JValue::string(std::move(out));
}

Outcome fn_parse_integer(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  lib::IntegerPicture pic;
  lib::LibError le;
  std::string_view picture = args[1].is_string() ? args[1].as_string() : "";
  if (picture.size() > lib::kMaxPictureBytes) return lib::picture_too_long_error();
  if (!lib::analyse_integer_picture(picture, &pic, &le)) return lib::to_error(le);
  double v = 0;
  if (!lib::parse_integer(args[0].as_string(), pic, &v, &le)) return lib::to_error(le);
  if (!std::isfinite(v)) return JValue();  // NaN in the reference: no JSON value
  return JValue::number(v);
}

constexpr Builtin kFormatBuiltins[] = {
    {"formatNumber", "<n-so?:s>", fn_format_number},
    {"formatBase", "<n-n?:s>", fn_format_base},
    {"formatInteger", "<n-s:s>", fn_format_integer},
    {"parseInteger", "<s-s:n>", fn_parse_integer},
};

}  // namespace

std::span<const Builtin> format_builtins() { return kFormatBuiltins; }

}  // namespace sg::json::jsonata
