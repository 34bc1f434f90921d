#include "cli/schedules_command.h"

#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "cli/event_schedules.h"
#include "cli/server_json_get.h"
#include "common/result.h"
#include "events/schedule_expression.h"
#include "json/parse.h"
#include "json/timestamp.h"

namespace sg::cli {

namespace {

using json::Value;

std::string str(const Value& v, std::string_view key) {
  const Value* m = v.find(key);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

Result<Value> fetch(const std::string& endpoint, int count) {
  std::string path = "/events/api/schedules?count=";
  path.append(std::to_string(count));
  return get_server_json(endpoint, path, "schedules");
}

std::string pad(const std::string& s, size_t w) {
  std::string out = s;
  if (out.size() < w) out.append(w - out.size(), ' ');
  return out;
}

std::string short_date(std::string iso) {  // 2025-02-27T18:00:00Z -> 2025-02-27 18:00:00
  if (iso.size() >= 19) {
    iso = iso.substr(0, 19);
    iso[10] = ' ';
  }
  return iso;
}

}  // namespace

std::string render_schedules_table(const Value& answer) {
  struct Row {
    std::string kind, name, expression, zone, targets, last;
    std::vector<std::string> next;
  };
  std::vector<Row> rows;
  if (const Value* list = answer.find("schedules"))
    for (const Value& s : list->items()) {
      Row r{str(s, "kind"), str(s, "name"), str(s, "expression"), str(s, "timezone"), "", "", {}};
      if (const Value* t = s.find("targets"))
        for (const Value& a : t->items()) {
          if (!r.targets.empty()) r.targets += ", ";
          r.targets += a.is_string() ? std::string(a.as_string()) : a.dump();
        }
      r.last = str(s, "last_fire");
      r.last = r.last.empty() ? "-" : short_date(r.last);
      if (const Value* n = s.find("next_fires"))
        for (const Value& f : n->items()) r.next.push_back(short_date(std::string(f.as_string())));
      rows.push_back(std::move(r));
    }
  size_t wk = 4, wn = 4, we = 10, wz = 9, wl = 9;
  for (const Row& r : rows) {
    wk = std::max(wk, r.kind.size());
    wn = std::max(wn, r.name.size());
    we = std::max(we, r.expression.size());
    wz = std::max(wz, r.zone.size());
    wl = std::max(wl, r.last.size());
  }
  std::string out = pad("KIND", wk) + "  " + pad("NAME", wn) + "  " + pad("EXPRESSION", we) + "  " +
                    pad("TIME ZONE", wz) + "  " + pad("LAST FIRE", wl) + "  NEXT FIRES (UTC)\n";
  for (const Row& r : rows) {
    out += pad(r.kind, wk) + "  " + pad(r.name, wn) + "  " + pad(r.expression, we) + "  " + pad(r.zone, wz) +
           "  " + pad(r.last, wl) + "  ";
    for (size_t i = 0; i < r.next.size(); ++i) out.append(i ? ", " : "").append(r.next[i]);
    if (r.next.empty()) out += "(none left)";
    out += "\n";
    if (!r.targets.empty()) out += pad("", wk) + "  " + pad("", wn) + "  -> " + r.targets + "\n";
  }
  if (rows.empty()) out += "(no schedules: no enabled rule has a ScheduleExpression, no events.schedules)\n";
  if (const Value* scale = answer.find("time_scale");
      scale && scale->is_number() && scale->as_double() != 1.0)
    out += "(the server runs with --time-scale " + scale->dump() + ": times above are real times)\n";
  return out;
}

int schedules_command(const std::vector<std::string>& args) {
  CLI::App app{"List schedules and their next fire times", "stepguard schedules"};
  std::string endpoint = "http://127.0.0.1:8083", expression, zone, after;
  int count = 3;
  bool rule = false;
  app.add_option("--endpoint", endpoint, "The stepguard server (default http://127.0.0.1:8083)");
  app.add_option("--count", count, "How many next fire times (default 3)")->check(CLI::Range(1, 100));
  app.add_option("--expression", expression, "No server: the fire times of this cron/rate/at expression");
  app.add_option("--timezone", zone, "With --expression: an IANA time zone (default UTC)");
  app.add_option("--after", after, "With --expression: fire times after this RFC 3339 time (default now)");
  app.add_flag("--rule", rule, "With --expression: an EventBridge rule's dialect (UTC, strict rate units)");
  std::vector<std::string> argv_rev(args.rbegin(), args.rend());
  try {
    app.parse(argv_rev);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "stepguard schedules: " << e.what() << "\n";
    return 2;
  }
  if (!expression.empty()) {
    int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    if (!after.empty()) {
      auto t = json::parse_rfc3339(after);
      if (!t) {
        std::cerr << "stepguard schedules: --after must be an RFC 3339 time, got '" << after << "'\n";
        return 2;
      }
      now = *t;
    }
    events::ScheduleOptions o;
    o.dialect = rule ? events::ScheduleDialect::kRule : events::ScheduleDialect::kScheduler;
    o.time_zone = zone;
    o.created = events::SysSeconds(std::chrono::seconds(now / 1000));
    auto s = events::Schedule::make(expression, o);
    if (!s.ok()) {
      std::cerr << "stepguard schedules: " << expression << ": " << s.error().message << "\n";
      return 1;
    }
    for (int64_t t : next_fires(*s, "", now, count))
      std::cout << json::format_iso8601_ms(t).substr(0, 19) << "Z\n";
    return 0;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  auto answer = fetch(endpoint, count);
  if (!answer.ok()) {
    std::cerr << "stepguard schedules: " << answer.error().message << "\n";
    return 1;
  }
  std::cout << render_schedules_table(*answer);
  return 0;
}

}  // namespace sg::cli
