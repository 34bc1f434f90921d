// The six fields of an EventBridge / Scheduler `cron(...)` expression and the next fire
// time they give.
//
// Fields: Minutes Hours Day-of-month Month Day-of-week Year.
//   minutes 0-59, hours 0-23, month 1-12 or JAN-DEC, year 1970-2199: `* , - /`
//   day-of-month 1-31: also `?`, `L` (last day), `LW` (last weekday), `nW` (weekday
//     nearest day n, never crossing into another month)
//   day-of-week 1-7 or SUN-SAT (1 = Sunday): also `?`, `L` (Saturday), `nL` (last weekday
//     n of the month), `n#k` (k-th weekday n; alone in its field)
//   `a-b` ranges may wrap (`20-2` hours, `FRI-MON`); `a/b` and `*/b` step from a.
// Exactly one of day-of-month and day-of-week must be `?`.
// parse() fails with code "ValidationException" and the message
// "Parameter ScheduleExpression is not valid.".
//
// next_after(t, zone) is the first fire strictly after t. The fields are read as wall
// time in `zone` (nullptr = UTC): a wall time that does not exist (spring forward) is
// skipped, one that occurs twice (fall back) fires once, at its first occurrence. Returns
// nullopt when no fire remains before the end of year 2199. Pure (the zone is data).
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string_view>

#include "common/result.h"

namespace date {
class time_zone;
}

namespace sg::events {

using SysSeconds = std::chrono::sys_seconds;

inline constexpr std::string_view kInvalidScheduleExpression = "Parameter ScheduleExpression is not valid.";

class CronExpression {
 public:
  static constexpr int kFirstYear = 1970;
  static constexpr int kLastYear = 2199;

  static Result<CronExpression> parse(std::string_view fields);

  std::optional<SysSeconds> next_after(SysSeconds t, const date::time_zone* zone) const;
  // Whether the calendar day (y, m 1-12, d 1-31) satisfies year, month and day fields.
  bool day_matches(int y, unsigned m, unsigned d) const;

 private:
  enum class DomMode : uint8_t { kAny, kList, kLast, kLastWeekday, kNearestWeekday };
  enum class DowMode : uint8_t { kAny, kList, kLastOfMonth, kNth };

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> doms_;    // index 1..31
  std::bitset<13> months_;  // index 1..12
  std::bitset<8> dows_;     // index 1..7 (1 = Sunday)
  std::bitset<kLastYear - kFirstYear + 1> years_;
  DomMode dom_mode_ = DomMode::kAny;
  DowMode dow_mode_ = DowMode::kAny;
  unsigned dom_day_ = 0;  // kNearestWeekday
  unsigned dow_day_ = 0;  // kLastOfMonth / kNth: weekday 1..7
  unsigned dow_nth_ = 0;  // kNth: 1..5
};

}  // namespace sg::events
