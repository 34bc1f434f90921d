// Date/time pictures for $fromMillis, $toMillis and $now: XPath fn:format-dateTime markers
// ([Y0001]-[M01]-[D01], [FNn], [D1o], [Yw], [Z01:01t], width modifiers ",3-3", ...) as
// jsonata-js implements them, and the reverse parse of a timestamp with a picture. Time
// is never read here: callers pass "now" in. Pure, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "json/jsonata_lib_text.h"

namespace sg::json::jsonata::lib {

// The picture $fromMillis uses without one: ISO 8601 in UTC with milliseconds.
inline constexpr std::string_view kIso8601Picture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

// Largest |epoch ms| a JavaScript Date holds (+-100,000,000 days).
inline constexpr double kMaxDateMillis = 8.64e15;

// Formats `millis` (truncated to an integer; |millis| <= kMaxDateMillis) with `picture`,
// shifted to `timezone` ("+HHMM" or "-HHMM"; nullopt or unparseable: UTC). Fails with
// D3131..D3135 for a bad picture.
bool format_date_time(double millis, std::string_view picture, std::optional<std::string_view> timezone,
                      std::string* out, LibError* error);

// $toMillis(timestamp) without a picture: an ISO 8601 timestamp ("2017-10-30T15:28:34Z",
// "2018-02-01T09:42:13.123+0000", "2018-02-01"; no zone means UTC). Fails with D3110 when
// the text is not of that shape; *out is nullopt when it is of the shape but no valid date
// (month 13).
bool parse_iso8601(std::string_view text, std::optional<double>* out, LibError* error);

// $toMillis(timestamp, picture): parses `text` as `picture` describes. Components the
// picture does not give are taken from `now_ms` (the more significant ones) or set to
// their minimum (the less significant ones). *out is nullopt when the text does not match
// the picture or gives no component. Fails with D3132/D3133/D3135 for a bad picture and
// D3136 when the components cannot make a timestamp (a gap, or week-based dates).
bool parse_date_time(std::string_view text, std::string_view picture, int64_t now_ms,
                     std::optional<double>* out, LibError* error);

}  // namespace sg::json::jsonata::lib
