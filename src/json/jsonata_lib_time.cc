// The JSONata date/time functions $now, $millis, $fromMillis and $toMillis. "Now" is the
// evaluation's instant (CallContext::now_ms), fixed for the whole evaluation.
#include <cmath>

#include "json/jsonata_lib_common.h"
#include "json/jsonata_lib_datetime.h"

namespace sg::json::jsonata {

namespace {

Outcome from_millis(double millis, const JValue& picture, const JValue& timezone) {
  if (!std::isfinite(millis) || std::fabs(millis) > lib::kMaxDateMillis) return JValue();  // Invalid Date
  std::optional<std::string_view> tz;
  if (timezone.is_string()) tz = timezone.as_string();
  std::string_view pic = picture.is_string() ? picture.as_string() : lib::kIso8601Picture;
  if (pic.size() > lib::kMaxPictureBytes) return lib::picture_too_long_error();
  std::string out;
  lib::LibError le;
  if (!lib::format_date_time(millis, pic, tz, &out, &le)) return lib::to_error(le);
  return JValue::string(std::move(out));
}

Outcome fn_now(CallContext& ctx, std::span<const JValue> args) {
  return from_millis(static_cast<double>(ctx.now_ms()), args[0], args[1]);
}

Outcome fn_millis(CallContext& ctx, std::span<const JValue>) {
  return JValue::number(static_cast<double>(ctx.now_ms()));
}

Outcome fn_from_millis(CallContext&, std::span<const JValue> args) {
  if (!args[0].is_number()) return JValue();
  return from_millis(args[0].as_number(), args[1], args[2]);
}

Outcome fn_to_millis(CallContext& ctx, std::span<const JValue> args) {
  if (!args[0].is_string()) return JValue();
  std::optional<double> ms;
  lib::LibError le;
  if (args[1].is_string() && (args[1].as_string().size() > lib::kMaxPictureBytes ||
                              args[0].as_string().size() > lib::kMaxPictureBytes))
    return lib::picture_too_long_error();
  bool ok = args[1].is_string()
                ? lib::parse_date_time(args[0].as_string(), args[1].as_string(), ctx.now_ms(), &ms, &le)
                : lib::parse_iso8601(args[0].as_string(), &ms, &le);
  if (!ok) return lib::to_error(le);
  if (!ms) return JValue();
  return JValue::number(*ms);
}

constexpr Builtin kDatetimeBuiltins[] = {
    {"now", "<s?s?:s>", fn_now},
    {"millis", "<:n>", fn_millis},
    {"fromMillis", "<n-s?s?:s>", fn_from_millis},
    {"toMillis", "<s-s?:n>", fn_to_millis},
};

}  // namespace

std::span<const Builtin> datetime_builtins() { return kDatetimeBuiltins; }

}  // namespace sg::json::jsonata
