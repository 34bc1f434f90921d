// What the event bus fires on a clock (docs/events.md, "Schedules"): scheduled rules
// (a rule's ScheduleExpression, UTC) and Scheduler-style schedules from the config file
// (`events: schedules:`, time zone, start/end dates, flexible window, a target and its
// input). Pure: the runtime (events_runtime.h) reads and stores the last fire times and
// performs the fires this module decides.
//
// decide_fire(schedule, salt, last, now, startup, catch_up) — one tick of one schedule:
//   - no last fire (first sight): nothing fires, `now` becomes the last fire (a rule fires
//     from its creation on; a config schedule passes last = now - 1 s so that a Scheduler
//     rate without StartDate fires at once, as on AWS);
//   - the first fire after `last` (nominal time plus its flexible-window offset, which is
//     a deterministic function of salt and the nominal time) is due when it is <= now:
//     it fires once, even when several were missed, and `now` becomes the last fire;
//   - at start-up, a due fire more than kMissedGraceMs late was missed while the server
//     was down: it fires once when catch_up is set, else it is dropped (counted);
//   - while running, a fire that late means the schedule was disabled (or its expression
//     changed) meanwhile: nothing fires, it starts again from now;
//   - next_ms: the next fire after the decision (nominal + offset), none when no fire is
//     left (an `at` that ran, past EndDate).
// All times are epoch ms on the schedule's clock (the runtime scales it by --time-scale).
//
// parse_config_schedules(node, base): the `events: schedules:` list:
//   - name: nightly                        [0-9a-zA-Z-_.]{1,64}, unique
//     expression: cron(0 2 * * ? *)        at(...) | rate(...) | cron(...)
//     timezone: Europe/Paris               IANA name; default UTC
//     start: 2026-01-01T00:00:00Z          optional, RFC 3339
//     end: 2027-01-01T00:00:00Z            optional
//     flexible_window_minutes: 15          optional, 1..1440 (0/absent: OFF)
//     target: arn:aws:states:...:stateMachine:report   or an http(s) URL
//     input: {report: daily}               a mapping/list (as JSON), or a quoted string: JSON
//                                          text (Scheduler's Input), else a JSON string; default {}
//     enabled: true
// Errors: "INVALID_CONFIG" naming the entry and the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "events/schedule_expression.h"
#include "json/value.h"

namespace sg::cli {

inline constexpr int64_t kMissedGraceMs = 60000;

struct FireDecision {
  std::optional<int64_t> fire_ms;  // nominal time of the fire to deliver now
  bool dropped = false;            // a missed fire not caught up (catch_up off)
  bool store_last = false;         // write `last_ms` as the last fire
  int64_t last_ms = 0;
  std::optional<int64_t> next_ms;  // next due time (nominal + flexible offset)
};

FireDecision decide_fire(const events::Schedule& schedule, const std::string& salt,
                         std::optional<int64_t> last_ms, int64_t now_ms, bool startup, bool catch_up);

// The due time of a nominal fire: nominal + the schedule's flexible offset (salted).
int64_t due_time(const events::Schedule& schedule, const std::string& salt, int64_t nominal_ms);

// The next `count` due times strictly after `after_ms` (fewer when the schedule ends).
std::vector<int64_t> next_fires(const events::Schedule& schedule, const std::string& salt, int64_t after_ms,
                                int count);

struct ConfigSchedule {
  std::string name;
  std::string expression;
  events::ScheduleOptions options;  // dialect kScheduler; `created` set by the runtime
  std::string target;               // state machine ARN or http(s) URL
  std::string input = "{}";         // JSON text (a JSON string when the config gave a string)
  bool enabled = true;
};

Result<std::vector<ConfigSchedule>> parse_config_schedules(const YAML::Node& node, const std::string& origin);

// Replaces Scheduler's context placeholders in a target input: <aws.scheduler.schedule-arn>,
// <aws.scheduler.scheduled-time>, <aws.scheduler.execution-id>,
// <aws.scheduler.attempt-number>.
std::string fill_scheduler_placeholders(std::string text, const std::string& schedule_arn,
                                        const std::string& scheduled_time, const std::string& execution_id,
                                        int attempt);

}  // namespace sg::cli
