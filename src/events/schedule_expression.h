// Schedule expressions (EventBridge rules and EventBridge Scheduler) and schedules built on
// them: time zone, start/end dates, flexible time window, next fire time.
//
// ScheduleExpression::parse(text, dialect)
//   cron(m h dom mon dow year)  see cron_expression.h
//   rate(N unit)                N a positive integer; unit minute(s) | hour(s) | day(s).
//                               Rules: N = 1 needs the singular, N > 1 the plural.
//                               Scheduler accepts either form (its docs use both).
//   at(yyyy-mm-ddThh:mm:ss)     Scheduler only: one time, in the schedule's time zone.
//   Failures: code "ValidationException", message
//   "Parameter ScheduleExpression is not valid.".
//
// Schedule::make(expression, dialect, time zone name, start, end, window, created)
//   - The zone is an IANA name (default UTC), looked up in the system tz database through
//     date/tz.h; rules are UTC only. An unknown zone fails with "ValidationException".
//   - next_fire_after(t): the first nominal fire strictly after t, or nullopt when none is
//     left (past an `at`, after EndDate, beyond year 2199):
//       cron: wall time in the zone (DST: a missing time is skipped, a repeated one fires
//             once, at its first occurrence); only fires within [StartDate, EndDate];
//       rate: elapsed time, fires at anchor + k * N units (so `rate(1 day)` drifts an
//             hour across DST), anchor = StartDate or the creation time; a Scheduler rate
//             fires at the anchor itself (immediately on creation), a rule's rate first at
//             anchor + N;
//       at:   that wall time in the zone, once (start/end dates are ignored).
//   - flexible_fire(nominal, entropy): nominal plus a deterministic offset drawn from the
//     injected source, uniform in [0, window) seconds; nominal when the window is off.
// Pure except for the zone lookup in make(); Schedule is immutable and thread-safe.
#pragma once

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "events/cron_expression.h"
#include "json/path_roots.h"

namespace sg::events {

enum class ScheduleDialect { kRule, kScheduler };

inline constexpr size_t kMaxScheduleExpression = 256;
inline constexpr int kMaxFlexibleWindowMinutes = 1440;

class ScheduleExpression {
 public:
  enum class Kind { kCron, kRate, kAt };

  static Result<ScheduleExpression> parse(std::string_view text, ScheduleDialect dialect);

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  std::chrono::seconds rate() const { return rate_; }    // kRate
  const CronExpression& cron() const { return *cron_; }  // kCron
  date::local_seconds at() const { return at_; }         // kAt (wall time)

 private:
  Kind kind_ = Kind::kRate;
  std::string text_;
  std::chrono::seconds rate_{0};
  std::optional<CronExpression> cron_;
  date::local_seconds at_{};
};

struct ScheduleOptions {
  ScheduleDialect dialect = ScheduleDialect::kScheduler;
  std::string time_zone;  // IANA name; empty = UTC
  std::optional<SysSeconds> start;
  std::optional<SysSeconds> end;
  int flexible_window_minutes = 0;  // 0 = Mode OFF
  SysSeconds created{};             // rate anchor without a start date
};

class Schedule {
 public:
  static Result<Schedule> make(std::string_view expression, const ScheduleOptions& options);

  const ScheduleExpression& expression() const { return expression_; }
  std::optional<SysSeconds> next_fire_after(SysSeconds t) const;
  SysSeconds flexible_fire(SysSeconds nominal, json::Entropy& entropy) const;

 private:
  Schedule(ScheduleExpression e, ScheduleOptions o) : expression_(std::move(e)), options_(std::move(o)) {}
  ScheduleExpression expression_;
  ScheduleOptions options_;
  const date::time_zone* zone_ = nullptr;  // nullptr = UTC
};

}  // namespace sg::events
