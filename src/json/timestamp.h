// RFC 3339 timestamps as ASL uses them (Wait Timestamp, Timestamp* Choice operators,
// IsTimestamp) and ISO-8601 formatting for the Context object and history.
//
// parse_rfc3339(): "2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123+02:00"; uppercase 'T'
// and a zone ('Z' or ±HH:MM) are required; fields must be in range (Feb 29 only in leap
// years). Returns epoch milliseconds (fractions beyond ms are truncated), or nullopt.
// format_iso8601_ms(): "2019-03-26T20:14:13.192Z" (UTC, milliseconds).
// Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sg::json {

std::optional<int64_t> parse_rfc3339(std::string_view text);
std::string format_iso8601_ms(int64_t epoch_ms);
// Days since 1970-01-01 for a proleptic Gregorian date (exposed for tests and schedules).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace sg::json
