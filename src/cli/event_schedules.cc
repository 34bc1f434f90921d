#include "cli/event_schedules.h"

#include <regex>
#include <set>

#include "cli/guardian_config.h"
#include "engine/seeded_entropy.h"
#include "json/parse.h"
#include "json/timestamp.h"

namespace sg::cli {

namespace {

using std::chrono::seconds;

events::SysSeconds to_sys(int64_t ms) {
  return events::SysSeconds(seconds(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000)));
}
int64_t to_ms(events::SysSeconds s) { return static_cast<int64_t>(s.time_since_epoch().count()) * 1000; }

// The first nominal fire strictly after `ms` (callers walk nominal times: due times,
// shifted by the window, need not be in order).
std::optional<int64_t> nominal_after(const events::Schedule& s, int64_t ms) {
  auto n = s.next_fire_after(to_sys(ms));
  if (!n) return std::nullopt;
  return to_ms(*n);
}

}  // namespace

int64_t due_time(const events::Schedule& schedule, const std::string& salt, int64_t nominal_ms) {
  std::string seed_text = salt;
  seed_text.append("@").append(std::to_string(nominal_ms));
  engine::SeededEntropy entropy(engine::SeededEntropy::seed_from(seed_text));
  return to_ms(schedule.flexible_fire(to_sys(nominal_ms), entropy));
}

FireDecision decide_fire(const events::Schedule& schedule, const std::string& salt,
                         std::optional<int64_t> last_ms, int64_t now_ms, bool startup, bool catch_up) {
  FireDecision d;
  if (!last_ms) {
    d.store_last = true;
    d.last_ms = now_ms;
    if (auto n = nominal_after(schedule, now_ms)) d.next_ms = due_time(schedule, salt, *n);
    return d;
  }
  d.last_ms = *last_ms;
  std::optional<int64_t> nominal = nominal_after(schedule, *last_ms);
  if (nominal) {
    int64_t due = due_time(schedule, salt, *nominal);
    if (due <= now_ms) {
      bool late = now_ms - due > kMissedGraceMs;
      d.store_last = true;
      d.last_ms = now_ms;
      if (!late || (startup && catch_up))
        d.fire_ms = *nominal;
      else if (startup)
        d.dropped = true;
      // else: late while running: the schedule was disabled or changed meanwhile; it
      // starts again from now (AWS does not replay fires of a disabled rule).
      nominal = nominal_after(schedule, now_ms);
    }
  }
  if (nominal) d.next_ms = due_time(schedule, salt, *nominal);
  return d;
}

std::vector<int64_t> next_fires(const events::Schedule& schedule, const std::string& salt, int64_t after_ms,
                                int count) {
  std::vector<int64_t> out;
  int64_t t = after_ms;
  while (static_cast<int>(out.size()) < count) {
    auto n = nominal_after(schedule, t);
    if (!n) break;
    out.push_back(due_time(schedule, salt, *n));
    t = *n;
  }
  return out;
}

Result<std::vector<ConfigSchedule>> parse_config_schedules(const YAML::Node& node,
                                                           const std::string& origin) {
  std::vector<ConfigSchedule> out;
  if (!node || node.IsNull()) return out;
  auto fail = [&](const std::string& where, const std::string& m) {
    std::string text = origin;
    text.append(": events.schedules");
    text.append(where).append(": ").append(m);
    return Error{"INVALID_CONFIG", std::move(text)};
  };
  if (!node.IsSequence()) return fail("", "must be a list of schedules");
  static const std::regex kName("[0-9a-zA-Z_.-]{1,64}");
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node& e = node[i];
    std::string where = "[" + std::to_string(i) + "]";
    if (!e.IsMap()) return fail(where, "must be a mapping");
    ConfigSchedule s;
    s.options.dialect = events::ScheduleDialect::kScheduler;
    try {
      for (const auto& kv : e) {
        std::string key = kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        if (key == "name") {
          s.name = v.as<std::string>();
        } else if (key == "expression") {
          s.expression = v.as<std::string>();
        } else if (key == "timezone") {
          s.options.time_zone = v.as<std::string>();
        } else if (key == "start" || key == "end") {
          auto ms = json::parse_rfc3339(v.as<std::string>());
          if (!ms) return fail(where + "." + key, "must be an RFC 3339 date such as 2026-01-01T00:00:00Z");
          (key == "start" ? s.options.start : s.options.end) = to_sys(*ms);
        } else if (key == "flexible_window_minutes") {
          s.options.flexible_window_minutes = v.as<int>();
          if (s.options.flexible_window_minutes < 0 ||
              s.options.flexible_window_minutes > events::kMaxFlexibleWindowMinutes)
            return fail(where + "." + key, "must be between 1 and 1440 (0: no window)");
        } else if (key == "target") {
          s.target = v.as<std::string>();
        } else if (key == "input") {
          if (v.IsScalar() && v.Tag() == "!") {
            // A quoted string is Scheduler's Input text: JSON as written, else a JSON string.
            std::string text = v.as<std::string>();
            auto parsed = json::parse_json(text);
            s.input = parsed.ok() ? parsed->dump() : json::Value::string(text).dump();
          } else {
            auto j = yaml_to_json(v);
            if (!j.ok()) return fail(where + ".input", j.error().message);
            s.input = j->dump();
          }
        } else if (key == "enabled") {
          s.enabled = v.as<bool>();
        } else {
          return fail(where + "." + key,
                      "unknown key (known: name, expression, timezone, start, end, "
                      "flexible_window_minutes, target, input, enabled)");
        }
      }
    } catch (const YAML::Exception& x) {
      return fail(where, x.what());
    }
    if (!std::regex_match(s.name, kName)) return fail(where + ".name", "must match [0-9a-zA-Z-_.]{1,64}");
    if (!names.insert(s.name).second) return fail(where + ".name", "'" + s.name + "' is used twice");
    if (s.target.empty())
      return fail(where + ".target", "is required (a state machine ARN or an http(s) URL)");
    auto made = events::Schedule::make(s.expression, s.options);
    if (!made.ok()) return fail(where + ".expression", "'" + s.expression + "': " + made.error().message);
    out.push_back(std::move(s));
  }
  return out;
}

std::string fill_scheduler_placeholders(std::string text, const std::string& schedule_arn,
                                        const std::string& scheduled_time, const std::string& execution_id,
                                        int attempt) {
  const std::pair<std::string_view, std::string> subs[] = {
      {"<aws.scheduler.schedule-arn>", schedule_arn},
      {"<aws.scheduler.scheduled-time>", scheduled_time},
      {"<aws.scheduler.execution-id>", execution_id},
      {"<aws.scheduler.attempt-number>", std::to_string(attempt)},
  };
  for (const auto& [from, to] : subs) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace sg::cli
