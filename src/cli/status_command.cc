#include "cli/status_command.h"

#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/server_json_get.h"
#include "common/result.h"
#include "json/parse.h"

namespace sg::cli {

namespace {

using json::Value;

constexpr const char* kReset = "\033[0m";

std::string str(const Value* v, std::string_view key) {
  if (!v || !v->is_object()) return {};
  const Value* m = v->find(key);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

struct Look {
  const char* symbol;
  const char* color;
};

Look look_of(const std::string& status) {
  if (status == "SUCCEEDED") return {"●", "\033[32m"};
  if (status == "FAILED" || status == "TIMED_OUT" || status == "ABORTED") return {"●", "\033[31m"};
  if (status == "RUNNING") return {"◐", "\033[34m"};
  return {"○", "\033[90m"};
}

const char* alarm_color(const std::string& s) {
  if (s == "ALARM") return "\033[31m";
  if (s == "OK") return "\033[32m";
  return "\033[90m";
}

// Display width of UTF-8 text (every code point counts one column).
size_t width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(std::string_view s, size_t w) {
  std::string out(s);
  for (size_t n = width(s); n < w; ++n) out += ' ';
  return out;
}

// "2026-11-22T01:47:23.123Z" -> "2026-11-22 01:47:23".
std::string short_date(const std::string& iso) {
  if (iso.size() < 19) return iso;
  std::string out = iso.substr(0, 19);
  out[10] = ' ';
  return out;
}

Result<Value> fetch(const std::string& endpoint) {
  return get_server_json(endpoint, "/guardian/api/state-machines", "stateMachines");
}

}  // namespace

std::string render_status_table(const Value& grid, bool color) {
  struct Row {
    std::string status, symbol, name, execution, when, alarm;
    const char* color;
  };
  std::vector<Row> rows;
  const Value* machines = grid.find("stateMachines");
  if (machines)
    for (const Value& m : machines->items()) {
      const Value* latest = m.find("latest");
      Row r;
      r.status = latest && latest->is_object() ? str(latest, "status") : std::string();
      Look l = look_of(r.status);
      r.symbol = l.symbol;
      r.color = l.color;
      r.name = str(&m, "name");
      r.execution = str(latest, "name");
      std::string stop = str(latest, "stopDate"), start = str(latest, "startDate");
      r.when = !stop.empty() ? short_date(stop) : !start.empty() ? short_date(start) : std::string();
      r.alarm = str(&m, "alarmState");
      if (r.status.empty()) r.status = "NEVER RUN";
      rows.push_back(std::move(r));
    }
  size_t wn = width("STATE MACHINE"), ws = width("STATUS"), we = width("LAST EXECUTION"),
         ww = width("STOPPED/STARTED");
  for (const Row& r : rows) {
    wn = std::max(wn, width(r.name));
    ws = std::max(ws, width(r.status));
    we = std::max(we, width(r.execution));
    ww = std::max(ww, width(r.when));
  }
  std::string out;
  auto paint = [&](const char* c, const std::string& text) {
    if (color)
      out.append(c).append(text).append(kReset);
    else
      out.append(text);
  };
  out += "  " + pad("STATE MACHINE", wn) + "  " + pad("STATUS", ws) + "  " + pad("LAST EXECUTION", we) +
         "  " + pad("STOPPED/STARTED", ww) + "  ALARM\n";
  for (const Row& r : rows) {
    paint(r.color, r.symbol);
    out += " " + pad(r.name, wn) + "  ";
    paint(r.color, pad(r.status, ws));
    out += "  " + pad(r.execution.empty() ? "-" : r.execution, we) + "  " +
           pad(r.when.empty() ? "-" : r.when, ww) + "  ";
    if (r.alarm.empty())
      out += "-";
    else
      paint(alarm_color(r.alarm), r.alarm);
    out += "\n";
  }
  if (rows.empty()) out += "  (no state machines)\n";
  out += "\n";
  const Value* counts = grid.find("counts");
  bool first = true;
  for (const char* k : {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "RUNNING", "NONE"}) {
    int64_t n = 0;
    if (counts)
      if (const Value* c = counts->find(k); c && c->is_number()) n = static_cast<int64_t>(c->as_double());
    if (!first) out += "  ";
    first = false;
    Look l = look_of(k);
    paint(l.color, l.symbol);
    out.append(" ")
        .append(std::string_view(k) == "NONE" ? "NEVER RUN" : k)
        .append(" ")
        .append(std::to_string(n));
  }
  out += "\n";
  return out;
}

int status_command(const std::vector<std::string>& args) {
  CLI::App app{"Show the latest execution status of every state machine", "stepguard status"};
  std::string endpoint = "http://127.0.0.1:8083";
  bool watch = false, no_color = false;
  app.add_option("--endpoint", endpoint, "The stepguard server (default http://127.0.0.1:8083)");
  app.add_flag("--watch", watch, "Refresh every 2 s until Ctrl-C");
  app.add_flag("--no-color", no_color, "Plain text, no ANSI colours");
  std::vector<std::string> argv_rev(args.rbegin(), args.rend());
  try {
    app.parse(argv_rev);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "stepguard status: " << e.what() << "\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  for (;;) {
    auto grid = fetch(endpoint);
    if (!grid.ok()) {
      std::cerr << "stepguard status: " << grid.error().message << "\n";
      return 1;
    }
    std::string table = render_status_table(*grid, !no_color);
    if (watch)
      std::cout << "\033[H\033[2J"
                << "stepguard status — " << endpoint << " (Ctrl-C to quit)\n\n";
    std::cout << table << std::flush;
    if (!watch) return 0;
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
}

}  // namespace sg::cli
