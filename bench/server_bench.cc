// server_bench: the `stepguard serve` benchmark (issue "durable engine", point 8). Starts
// the server as a child process (a fresh data directory per scenario), drives it over
// loopback with raw HTTP/1.1 keep-alive connections (bench_http_client.h) and prints one
// table: figure, measured value, target, PASS/FAIL. See bench/README.md.
//
//   server_bench --stepguard BIN [--only a,b] [--json FILE] [--quick]
//                [--closed-seconds S] [--open-seconds S] [--rate R] [--chain-executions N]
//                [--sync-requests N] [--startup-runs N] [--waiting N] [--latency-csv PREFIX]
//                [--nice N]
//
// Scenarios (--only): startup, start-closed, start-open-full, start-open-normal,
// transitions-full, transitions-normal, sync-express, rss.
//
// Exit code: 0 every target met; 1 a scenario failed (server error, wrong answer, wrong
// count); 2 bad arguments; 3 everything ran but a target was missed.
#include <sys/resource.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_http_client.h"
#include "bench_server_process.h"
#include "json/parse.h"
#include "json/value.h"

namespace {

using sg::json::ObjectBuilder;
using sg::json::Value;
using namespace sgbench;

constexpr std::string_view kRole = "arn:aws:iam::123456789012:role/stepguard-bench";

struct Args {
  std::string stepguard;
  std::vector<std::string> only;
  std::string json_out;
  double closed_seconds = 2;
  double open_seconds = 10;
  double rate = 500;
  int64_t chain_executions = 2000;
  int64_t sync_requests = 3000;
  int startup_runs = 15;
  int64_t waiting = 100000;
  std::string latency_csv;  // prefix: each open-loop run's latencies go to PREFIX<run>.csv
  int nice = 0;             // applied to this process, so the server inherits it
};

// One line of the table. result: PASS, FAIL, info, ERROR.
struct Row {
  std::string figure, measured, target, result, note;
};

struct Report {
  std::vector<Row> rows;
  std::vector<std::pair<std::string, Value>> raw;  // scenario -> details for --json
  void add(Row r) { rows.push_back(std::move(r)); }
  void error(const std::string& figure, const std::string& why) { add({figure, "-", "-", "ERROR", why}); }
};

// Ends a chain of ObjectBuilder::add() calls on a temporary.
Value built(ObjectBuilder& b) { return std::move(b).build(); }

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  va_list ap, again;
  va_start(ap, f);
  va_copy(again, ap);
  int n = std::vsnprintf(nullptr, 0, f, ap);
  va_end(ap);
  std::string out(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  std::vsnprintf(out.data(), out.size() + 1, f, again);
  va_end(again);
  return out;
}

std::string json_string(std::string_view s) {
  std::string out;
  sg::json::append_json_string(s, out);
  return out;
}

std::string member(const Value& v, std::string_view key) {
  const Value* m = v.find(key);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

std::string pass_chain(int n) {
  std::string d = R"({"StartAt":"S1","States":{)";
  for (int i = 1; i <= n; ++i) {
    if (i > 1) d += ",";
    d += "\"S" + std::to_string(i) + "\":{\"Type\":\"Pass\",";
    d += i == n ? "\"End\":true}" : "\"Next\":\"S" + std::to_string(i + 1) + "\"}";
  }
  return d + "}}";
}

const std::string kPassDefinition = R"({"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})";

const std::string kCallbackDefinition =
    R"({"StartAt":"Park","States":{"Park":{"Type":"Task",)"
    R"("Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{)"
    R"("QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/bench",)"
    R"("MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}})";

// A blocking client with the calls the scenarios need. Errors are returned as text.
class Api {
 public:
  explicit Api(uint16_t port) { conn_.connect(port); }

  bool call(std::string_view action, const std::string& body, Value* out, std::string* error) {
    HttpReply reply;
    if (!conn_.call(action, body, &reply)) {
      *error = std::string(action) + ": no answer";
      return false;
    }
    if (reply.status != 200) {
      *error = std::string(action) + ": HTTP " + std::to_string(reply.status) + " " + reply.body;
      return false;
    }
    auto v = sg::json::parse_json(reply.body);
    if (!v.ok()) {
      *error = std::string(action) + ": answer is not JSON: " + reply.body;
      return false;
    }
    *out = std::move(*v);
    return true;
  }

  // The ARN of a new state machine, or empty with *error set.
  std::string create(const std::string& name, const std::string& definition, bool express,
                     std::string* error) {
    std::string body = "{\"name\":" + json_string(name) + ",\"roleArn\":" + json_string(kRole) +
                       ",\"definition\":" + json_string(definition) +
                       (express ? ",\"type\":\"EXPRESS\"}" : "}");
    Value v;
    if (!call("CreateStateMachine", body, &v, error)) return "";
    return member(v, "stateMachineArn");
  }

  // Counts the executions of `machine` with `status` (paging with maxResults 1000); the
  // latest stopDate (ms) goes to *max_stop_ms when given. -1 on error.
  int64_t count(const std::string& machine, std::string_view status, std::string* error,
                int64_t* max_stop_ms = nullptr) {
    int64_t n = 0;
    std::string token;
    do {
      std::string body = "{\"stateMachineArn\":" + json_string(machine) + ",\"statusFilter\":\"" +
                         std::string(status) + "\",\"maxResults\":1000";
      if (!token.empty()) body += ",\"nextToken\":" + json_string(token);
      body += "}";
      Value v;
      if (!call("ListExecutions", body, &v, error)) return -1;
      const Value* list = v.find("executions");
      if (!list || !list->is_array()) {
        *error = "ListExecutions: no executions array";
        return -1;
      }
      for (const Value& e : list->items()) {
        ++n;
        const Value* stop = e.find("stopDate");
        if (max_stop_ms && stop && stop->is_number())
          *max_stop_ms = std::max(*max_stop_ms, static_cast<int64_t>(std::llround(stop->as_double() * 1000)));
      }
      token = member(v, "nextToken");
    } while (!token.empty());
    return n;
  }

  // Whether any execution of `machine` has `status` (one ListExecutions, maxResults 1).
  int any(const std::string& machine, std::string_view status, std::string* error) {
    Value v;
    std::string body = "{\"stateMachineArn\":" + json_string(machine) + ",\"statusFilter\":\"" +
                       std::string(status) + "\",\"maxResults\":1}";
    if (!call("ListExecutions", body, &v, error)) return -1;
    const Value* list = v.find("executions");
    return list && list->is_array() && list->size() > 0 ? 1 : 0;
  }

  // Counts the history events of an execution whose type ends with `suffix`; -1 on error.
  int64_t count_events(const std::string& execution_arn, std::string_view suffix, std::string* error) {
    int64_t n = 0;
    std::string token;
    do {
      std::string body = "{\"executionArn\":" + json_string(execution_arn) + ",\"maxResults\":1000";
      if (!token.empty()) body += ",\"nextToken\":" + json_string(token);
      body += "}";
      Value v;
      if (!call("GetExecutionHistory", body, &v, error)) return -1;
      const Value* events = v.find("events");
      if (!events || !events->is_array()) {
        *error = "GetExecutionHistory: no events array";
        return -1;
      }
      for (const Value& e : events->items()) {
        std::string type = member(e, "type");
        if (type.size() >= suffix.size() &&
            type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0)
          ++n;
      }
      token = member(v, "nextToken");
    } while (!token.empty());
    return n;
  }

 private:
  HttpConnection conn_;
};

std::string start_body(const std::string& machine) {
  return "{\"stateMachineArn\":" + json_string(machine) + ",\"input\":\"{\\\"n\\\":1}\"}";
}

// Latency percentiles of a run, in ms.
struct Latency {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
Latency summarize(std::vector<int64_t> v) {
  Latency l;
  l.p50 = percentile_ms(v, 0.50);
  l.p90 = percentile_ms(v, 0.90);
  l.p99 = percentile_ms(v, 0.99);
  l.max = percentile_ms(v, 1.0);
  return l;
}

Value latency_json(const Latency& l) {
  return built(ObjectBuilder()
                   .add("p50Ms", Value::number(l.p50))
                   .add("p90Ms", Value::number(l.p90))
                   .add("p99Ms", Value::number(l.p99))
                   .add("maxMs", Value::number(l.max)));
}

// CPU used over a measured window, in cores: the server's, this client's, everything
// else's on the machine (other people's builds: the figures are only as quiet as that),
// and what the hypervisor stole.
struct CpuUse {
  double wall_s = 0, server = 0, client = 0, others = 0, steal = 0;
  int64_t server_wrote = 0;  // bytes
  // "server wrote 12.3 KB/request; " for `n` requests.
  std::string wrote_per(int64_t n) const {
    return n > 0 ? fmt("server wrote %.1f KB/request; ", static_cast<double>(server_wrote) / 1024 / n) : "";
  }
  std::string note() const {
    return fmt("CPU cores: server %.2f, client %.2f, others %.2f, steal %.2f", server, client, others, steal);
  }
  Value json() const {
    return built(ObjectBuilder()
                     .add("seconds", Value::number(wall_s))
                     .add("server", Value::number(server))
                     .add("client", Value::number(client))
                     .add("others", Value::number(others))
                     .add("steal", Value::number(steal))
                     .add("serverWroteBytes", Value::integer(server_wrote)));
  }
};

class CpuMeter {
 public:
  explicit CpuMeter(const ServerProcess& s)
      : s_(s),
        t0_(mono_ns()),
        server0_(s.cpu_seconds()),
        client0_(self_cpu_seconds()),
        machine0_(machine_cpu()),
        wrote0_(s.written_bytes()) {}
  CpuUse read() const {
    CpuUse u;
    u.wall_s = static_cast<double>(mono_ns() - t0_) / 1e9;
    if (u.wall_s <= 0) return u;
    const double server = s_.cpu_seconds() - server0_, client = self_cpu_seconds() - client0_;
    const MachineCpu m = machine_cpu();
    u.server = server / u.wall_s;
    u.client = client / u.wall_s;
    u.others = std::max(0.0, (m.busy_s - machine0_.busy_s - server - client) / u.wall_s);
    u.steal = (m.steal_s - machine0_.steal_s) / u.wall_s;
    u.server_wrote = s_.written_bytes() - wrote0_;
    return u;
  }

 private:
  const ServerProcess& s_;
  int64_t t0_;
  double server0_, client0_;
  MachineCpu machine0_;
  int64_t wrote0_;
};

int64_t directory_bytes(const std::string& dir) {
  std::error_code ec;
  int64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file(ec)) total += static_cast<int64_t>(e.file_size(ec));
  return total;
}

// One line per answer: due time (ms from the run's start), latency from due, from send.
void write_latency_csv(const std::string& prefix, const std::string& scenario, const std::string& label,
                       const LoadResult& res) {
  std::string name = prefix + scenario + "-" + label + ".csv";
  for (char& c : name)
    if (c == ' ' || c == '(' || c == ')') c = '_';
  std::ofstream f(name);
  f << "due_ms,latency_ms,send_to_answer_ms\n";
  for (size_t i = 0; i < res.latency_ns.size(); ++i)
    f << static_cast<double>(res.due_ns[i]) / 1e6 << "," << static_cast<double>(res.latency_ns[i]) / 1e6
      << "," << static_cast<double>(res.service_ns[i]) / 1e6 << "\n";
}

bool start_server(ServerProcess& s, const Args& a, const std::vector<std::string>& extra, Report& r,
                  const std::string& scenario) {
  std::string error;
  if (s.start(a.stepguard, extra, &error)) return true;
  r.error(scenario, "server did not start: " + error);
  return false;
}

// Stops the server, reporting an unclean exit as an error row.
void stop_server(ServerProcess& s, Report& r, const std::string& scenario) {
  double took = 0;
  int code = s.stop(60, &took);
  if (code != 0)
    r.error(scenario + ": shutdown", fmt("exit status %d (log tail: %s)", code, s.log_tail(600).c_str()));
}

// 1. StartExecution, closed loop at increasing concurrency.
void scenario_start_closed(const Args& a, Report& r) {
  ServerProcess s;
  if (!start_server(s, a, {}, r, "start-closed")) return;
  Api api(s.port());
  std::string error;
  struct Machine {
    std::string label, arn;
  };
  std::vector<Machine> machines = {
      {"Pass", api.create("bench-pass", kPassDefinition, false, &error)},
      {"callback", api.create("bench-callback", kCallbackDefinition, false, &error)}};
  for (auto& m : machines)
    if (m.arn.empty()) return r.error("start-closed", "CreateStateMachine failed: " + error);
  std::vector<Value> raw;
  for (const Machine& m : machines) {
    const std::string req = sfn_request("StartExecution", start_body(m.arn));
    for (int c : {1, 4, 16, 64}) {
      LoadSpec spec;
      spec.port = s.port();
      spec.connections = c;
      spec.request = [&req](int64_t) -> const std::string& { return req; };
      spec.seconds = 0.3;  // warm-up, not reported
      run_load(spec);
      spec.seconds = a.closed_seconds;
      CpuMeter meter(s);
      LoadResult res = run_load(spec);
      const CpuUse cpu = meter.read();
      std::string figure = fmt("StartExecution (%s), closed loop, %d conn", m.label.c_str(), c);
      if (res.io_failure || res.errors) {
        r.error(figure, fmt("%" PRId64 " errors: %s", res.errors, res.first_error.c_str()));
        continue;
      }
      double tput = static_cast<double>(res.ok) / res.wall_s;
      Latency l = summarize(res.latency_ns);
      r.add({figure, fmt("%.0f req/s, p50 %.2f ms, p99 %.2f ms", tput, l.p50, l.p99), "-", "info",
             cpu.wrote_per(res.ok) + cpu.note()});
      raw.push_back(built(ObjectBuilder()
                              .add("machine", Value::string(m.label))
                              .add("connections", Value::integer(c))
                              .add("requests", Value::integer(res.ok))
                              .add("seconds", Value::number(res.wall_s))
                              .add("perSecond", Value::number(tput))
                              .add("latency", latency_json(l))
                              .add("cpuCores", cpu.json())));
    }
  }
  r.raw.emplace_back("start-closed", Value::array(std::move(raw)));
  stop_server(s, r, "start-closed");
}

// 1. StartExecution at a fixed offered rate (open loop). With --durability full (the
// target) and, for information, normal. GET /healthz at the same rate is the control: the
// same HTTP server and client with no store work, so the floor of this machine's latency.
void scenario_start_open(const Args& a, Report& r, const std::string& durability) {
  const std::string scenario = "start-open-" + durability;
  const bool graded_run = durability == "full";
  ServerProcess s;
  if (!start_server(s, a, {"--durability", durability}, r, scenario)) return;
  Api api(s.port());
  std::string error;
  struct Target {
    std::string label, arn;  // arn empty: the /healthz control
  };
  std::vector<Target> targets;
  if (graded_run) targets.push_back({"GET /healthz (control)", ""});
  targets.push_back({"Pass", api.create("bench-pass", kPassDefinition, false, &error)});
  if (graded_run)
    targets.push_back({"callback", api.create("bench-callback", kCallbackDefinition, false, &error)});
  for (const Target& t : targets)
    if (t.arn.empty() && t.label != targets.front().label)
      return r.error(scenario, "CreateStateMachine failed: " + error);
  std::vector<Value> raw;
  for (const Target& t : targets) {
    const bool control = t.arn.empty();
    const std::string req = control ? healthz_request() : sfn_request("StartExecution", start_body(t.arn));
    LoadSpec spec;
    spec.port = s.port();
    spec.connections = 32;
    spec.request = [&req](int64_t) -> const std::string& { return req; };
    spec.requests = 200;  // warm-up, not reported
    run_load(spec);
    spec.requests = static_cast<int64_t>(a.open_seconds * a.rate);
    spec.rate = a.rate;
    CpuMeter meter(s);
    LoadResult res = run_load(spec);
    const CpuUse cpu = meter.read();
    std::string figure =
        control ? fmt("%s, open loop %.0f req/s for %.0f s: p99 (p50, max)", t.label.c_str(), a.rate,
                      a.open_seconds)
                : fmt("StartExecution (%s), open loop %.0f req/s for %.0f s, --durability %s: p99 (p50, max)",
                      t.label.c_str(), a.rate, a.open_seconds, durability.c_str());
    if (res.io_failure || res.errors) {
      r.error(figure, fmt("%" PRId64 " errors: %s", res.errors, res.first_error.c_str()));
      continue;
    }
    if (!a.latency_csv.empty()) write_latency_csv(a.latency_csv, scenario, t.label, res);
    Latency l = summarize(res.latency_ns);
    Latency svc = summarize(res.service_ns);
    Latency lag = summarize(res.send_lag_ns);
    const bool graded = graded_run && !control;
    r.add({figure, fmt("p99 %.2f ms (p50 %.2f, max %.1f)", l.p99, l.p50, l.max), graded ? "p99 <= 5 ms" : "-",
           !graded        ? "info"
           : l.p99 <= 5.0 ? "PASS"
                          : "FAIL",
           fmt("%.0f req/s achieved; send-to-answer p99 %.2f ms; client sent late by p99 %.2f, max %.1f ms; ",
               static_cast<double>(res.ok) / res.wall_s, svc.p99, lag.p99, lag.max) +
               cpu.wrote_per(res.ok) + cpu.note()});
    raw.push_back(built(ObjectBuilder()
                            .add("target", Value::string(t.label))
                            .add("durability", Value::string(durability))
                            .add("rate", Value::number(a.rate))
                            .add("requests", Value::integer(res.ok))
                            .add("seconds", Value::number(res.wall_s))
                            .add("latencyFromDue", latency_json(l))
                            .add("latencyFromSend", latency_json(svc))
                            .add("clientSendLag", latency_json(lag))
                            .add("cpuCores", cpu.json())));
  }
  r.raw.emplace_back(scenario, Value::array(std::move(raw)));
  stop_server(s, r, scenario);
}

// 2. Durable transitions per second: a 100-state Pass chain started many times at once.
void scenario_transitions(const Args& a, Report& r, const std::string& durability) {
  const std::string scenario = "transitions-" + durability;
  ServerProcess s;
  if (!start_server(s, a, {"--durability", durability}, r, scenario)) return;
  Api api(s.port());
  std::string error;
  const std::string definition = pass_chain(100);
  std::string warm = api.create("bench-chain-warm", definition, false, &error);
  std::string chain = warm.empty() ? "" : api.create("bench-chain", definition, false, &error);
  if (chain.empty()) return r.error(scenario, "CreateStateMachine failed: " + error);
  const std::string figure = fmt("durable transitions/s, 100-state Pass chain x %" PRId64 ", --durability %s",
                                 a.chain_executions, durability.c_str());

  LoadSpec spec;
  spec.port = s.port();
  spec.connections = 16;
  const std::string warm_req = sfn_request("StartExecution", start_body(warm));
  spec.request = [&warm_req](int64_t) -> const std::string& { return warm_req; };
  spec.requests = 50;  // warm-up on another state machine, not counted
  run_load(spec);

  const std::string req = sfn_request("StartExecution", start_body(chain));
  std::string last_arn;
  spec.request = [&req](int64_t) -> const std::string& { return req; };
  spec.requests = a.chain_executions;
  spec.on_reply = [&last_arn](int64_t, const HttpReply& reply) {
    if (reply.status != 200) return;
    auto v = sg::json::parse_json(reply.body);
    if (v.ok()) last_arn = member(*v, "executionArn");
  };
  CpuMeter meter(s);
  LoadResult res = run_load(spec);
  if (res.io_failure || res.errors)
    return r.error(figure, fmt("%" PRId64 " start errors: %s", res.errors, res.first_error.c_str()));
  // Wait for the last RUNNING execution to close.
  const int64_t give_up = mono_ns() + 600'000'000'000;
  for (;;) {
    int running = api.any(chain, "RUNNING", &error);
    if (running < 0) return r.error(figure, error);
    if (running == 0) break;
    if (mono_ns() > give_up) return r.error(figure, "still RUNNING after 10 min");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int64_t seen_done_wall = wall_ms();
  const CpuUse cpu = meter.read();
  int64_t max_stop = 0;
  int64_t succeeded = api.count(chain, "SUCCEEDED", &error, &max_stop);
  if (succeeded < 0) return r.error(figure, error);
  if (succeeded != a.chain_executions)
    return r.error(figure,
                   fmt("%" PRId64 " of %" PRId64 " executions SUCCEEDED", succeeded, a.chain_executions));
  int64_t entered = api.count_events(last_arn, "StateEntered", &error);
  if (entered != 100)
    return r.error(figure, fmt("an execution entered %" PRId64 " states, not 100", entered));
  const int64_t transitions = a.chain_executions * entered;
  const double seconds = static_cast<double>(max_stop - res.first_send_wall_ms) / 1000.0;
  const double seen_seconds = static_cast<double>(seen_done_wall - res.first_send_wall_ms) / 1000.0;
  const double rate = static_cast<double>(transitions) / seconds;
  r.add({figure, fmt("%.0f /s (%" PRId64 " in %.2f s)", rate, transitions, seconds), ">= 20000 /s",
         rate >= 20000 ? "PASS" : "FAIL",
         fmt("starts answered after %.2f s; seen done by polling after %.2f s; ", res.wall_s, seen_seconds) +
             cpu.wrote_per(a.chain_executions) + cpu.note()});
  r.raw.emplace_back(scenario, built(ObjectBuilder()
                                         .add("executions", Value::integer(a.chain_executions))
                                         .add("transitions", Value::integer(transitions))
                                         .add("secondsFirstStartToLastStop", Value::number(seconds))
                                         .add("secondsStartsAnswered", Value::number(res.wall_s))
                                         .add("secondsSeenDone", Value::number(seen_seconds))
                                         .add("transitionsPerSecond", Value::number(rate))
                                         .add("startLatency", latency_json(summarize(res.latency_ns)))
                                         .add("cpuCores", cpu.json())));
  stop_server(s, r, scenario);
}

// 3. StartSyncExecution of a 10-state Express machine, one request at a time.
void scenario_sync_express(const Args& a, Report& r) {
  ServerProcess s;
  if (!start_server(s, a, {}, r, "sync-express")) return;
  Api api(s.port());
  std::string error;
  std::string arn = api.create("bench-express-10", pass_chain(10), true, &error);
  if (arn.empty()) return r.error("sync-express", "CreateStateMachine failed: " + error);
  const std::string req = sfn_request("StartSyncExecution", start_body(arn));
  int64_t not_succeeded = 0;
  std::string first_bad;
  LoadSpec spec;
  spec.port = s.port();
  spec.connections = 1;
  spec.request = [&req](int64_t) -> const std::string& { return req; };
  spec.on_reply = [&](int64_t, const HttpReply& reply) {
    if (reply.body.find("\"status\":\"SUCCEEDED\"") == std::string::npos) {
      if (!not_succeeded++) first_bad = reply.body;
    }
  };
  spec.requests = 300;  // warm-up
  run_load(spec);
  spec.requests = a.sync_requests;
  CpuMeter meter(s);
  LoadResult res = run_load(spec);
  const CpuUse cpu = meter.read();
  const std::string figure = "StartSyncExecution, Express 10 Pass states, 1 conn: p50 (p99)";
  if (res.io_failure || res.errors || not_succeeded)
    return r.error(figure, fmt("%" PRId64 " errors, %" PRId64 " not SUCCEEDED: %s", res.errors, not_succeeded,
                               (res.first_error.empty() ? first_bad : res.first_error).c_str()));
  Latency l = summarize(res.latency_ns);
  r.add({figure, fmt("p50 %.3f ms (p99 %.3f)", l.p50, l.p99), "p50 <= 1 ms", l.p50 <= 1.0 ? "PASS" : "FAIL",
         fmt("%.0f req/s; ", static_cast<double>(res.ok) / res.wall_s) + cpu.note()});
  r.raw.emplace_back("sync-express", built(ObjectBuilder()
                                               .add("requests", Value::integer(res.ok))
                                               .add("latency", latency_json(l))
                                               .add("seconds", Value::number(res.wall_s))));
  stop_server(s, r, "sync-express");
}

// 4. Time from process start to serving.
void scenario_startup(const Args& a, Report& r) {
  std::vector<double> healthy, ready;
  for (int i = 0; i <= a.startup_runs; ++i) {  // run 0 warms the page cache
    ServerProcess s;
    if (!start_server(s, a, {}, r, "startup")) return;
    std::optional<double> logged = s.ready_ms_logged();
    if (!logged) return r.error("startup", "no ready_ms in the log: " + s.log_tail(600));
    if (i > 0) {
      healthy.push_back(s.healthy_ms());
      ready.push_back(*logged);
    }
    stop_server(s, r, "startup");
  }
  auto stats = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return std::make_tuple(v[v.size() / 2], v.front(), v.back());
  };
  auto [hm, hmin, hmax] = stats(healthy);
  auto [rm, rmin, rmax] = stats(ready);
  r.add({fmt("process start to first OK /healthz (median of %d, polled every 0.1 ms)", a.startup_runs),
         fmt("%.1f ms (min %.1f, max %.1f)", hm, hmin, hmax), "<= 100 ms", hm <= 100 ? "PASS" : "FAIL",
         "fresh data dir each; fork() to answer"});
  r.add({fmt("ready_ms logged by the server (median of %d)", a.startup_runs),
         fmt("%.1f ms (min %.1f, max %.1f)", rm, rmin, rmax), "<= 100 ms", rm <= 100 ? "PASS" : "FAIL",
         "main() entry to listening"});
  std::vector<Value> hv, rv;
  for (double d : healthy) hv.push_back(Value::number(d));
  for (double d : ready) rv.push_back(Value::number(d));
  r.raw.emplace_back("startup", built(ObjectBuilder()
                                          .add("healthyMs", Value::array(std::move(hv)))
                                          .add("readyMsLogged", Value::array(std::move(rv)))));
}

// 5. RSS idle and with N executions parked on callbacks.
void scenario_rss(const Args& a, Report& r) {
  ServerProcess s;
  if (!start_server(s, a, {}, r, "rss")) return;
  Api api(s.port());
  std::string error;
  std::string arn = api.create("bench-callback", kCallbackDefinition, false, &error);
  if (arn.empty()) return r.error("rss", "CreateStateMachine failed: " + error);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int64_t idle_kb = s.rss_kb();
  const std::string req = sfn_request("StartExecution", start_body(arn));
  std::string last_arn;
  LoadSpec spec;
  spec.port = s.port();
  spec.connections = 32;
  spec.requests = a.waiting;
  spec.request = [&req](int64_t) -> const std::string& { return req; };
  spec.on_reply = [&last_arn, n = a.waiting](int64_t i, const HttpReply& reply) {
    if (i + 1 == n && reply.status == 200) {
      auto v = sg::json::parse_json(reply.body);
      if (v.ok()) last_arn = member(*v, "executionArn");
    }
  };
  CpuMeter meter(s);
  LoadResult res = run_load(spec);
  const CpuUse cpu = meter.read();
  const std::string figure = fmt("RSS per execution waiting on a callback, %" PRId64 " waiting", a.waiting);
  if (res.io_failure || res.errors)
    return r.error(figure, fmt("%" PRId64 " start errors: %s", res.errors, res.first_error.c_str()));
  // Every submission was posted to the service loop before the last answer left; one more
  // call through the loop runs after all of them.
  if (api.any(arn, "RUNNING", &error) < 0) return r.error(figure, error);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int64_t with_kb = s.rss_kb();
  const int64_t hwm_kb = s.hwm_kb();
  int64_t running = api.count(arn, "RUNNING", &error);
  int64_t submitted = last_arn.empty() ? -1 : api.count_events(last_arn, "TaskSubmitted", &error);
  if (running != a.waiting || submitted != 1)
    return r.error(
        figure, fmt("%" PRId64 " RUNNING of %" PRId64 "; last one has %" PRId64 " TaskSubmitted %s", running,
                    a.waiting, submitted, error.c_str()));
  const double per_exec = static_cast<double>(with_kb - idle_kb) * 1024.0 / static_cast<double>(a.waiting);
  r.add({"server RSS idle (after CreateStateMachine)", fmt("%.1f MB", static_cast<double>(idle_kb) / 1024),
         "-", "info", ""});
  r.add(
      {fmt("server RSS with %" PRId64 " executions waiting", a.waiting),
       fmt("%.1f MB (peak %.1f MB)", static_cast<double>(with_kb) / 1024, static_cast<double>(hwm_kb) / 1024),
       "-", "info",
       fmt("started at %.0f /s over 32 conns; ", static_cast<double>(res.ok) / res.wall_s) + cpu.note()});
  const int64_t db_bytes = directory_bytes(s.dir() + "/data");
  // The issue's target is for 100,000 waiting; fewer leave fixed costs (SQLite's page cache)
  // spread over too few executions to compare.
  const bool graded = a.waiting >= 100000;
  r.add({figure, fmt("%.0f B", per_exec), graded ? "<= 2048 B" : "-",
         !graded            ? "info"
         : per_exec <= 2048 ? "PASS"
                            : "FAIL",
         fmt("(RSS_with - RSS_idle) / executions; data dir %.1f MB on disk (SQLite's page cache, "
             "cache_size 64 MB, is part of the RSS)",
             static_cast<double>(db_bytes) / 1048576)});
  // For information: shutting down and resuming with that many open executions.
  double stop_ms = 0;
  int code = s.stop(120, &stop_ms);
  if (code != 0) return r.error("rss: shutdown", fmt("exit status %d", code));
  if (!start_server(s, a, {}, r, "rss: restart")) return;
  std::optional<double> ready = s.ready_ms_logged();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int64_t resumed_kb = s.rss_kb();
  Api after(s.port());
  const int64_t still_running = after.count(arn, "RUNNING", &error);
  if (still_running != a.waiting)
    return r.error("rss: restart", fmt("%" PRId64 " RUNNING after the restart, not %" PRId64 " %s",
                                       still_running, a.waiting, error.c_str()));
  r.add({fmt("shutdown with %" PRId64 " waiting (SIGTERM to exit)", a.waiting), fmt("%.0f ms", stop_ms), "-",
         "info", ""});
  r.add({fmt("restart resuming %" PRId64 " waiting: first OK /healthz (ready_ms)", a.waiting),
         fmt("%.0f ms (%.0f ms)", s.healthy_ms(), ready.value_or(-1)), "-", "info",
         fmt("RSS 1 s after resuming %.1f MB, (RSS - RSS_idle) / executions %.0f B; all still RUNNING",
             static_cast<double>(resumed_kb) / 1024,
             static_cast<double>(resumed_kb - idle_kb) * 1024.0 / static_cast<double>(a.waiting))});
  r.raw.emplace_back(
      "rss", built(ObjectBuilder()
                       .add("waiting", Value::integer(a.waiting))
                       .add("idleKb", Value::integer(idle_kb))
                       .add("withKb", Value::integer(with_kb))
                       .add("peakKb", Value::integer(hwm_kb))
                       .add("bytesPerExecution", Value::number(per_exec))
                       .add("dataDirBytes", Value::integer(db_bytes))
                       .add("startsPerSecond", Value::number(static_cast<double>(res.ok) / res.wall_s))
                       .add("shutdownMs", Value::number(stop_ms))
                       .add("restartHealthyMs", Value::number(s.healthy_ms()))
                       .add("restartReadyMs", Value::number(ready.value_or(-1)))
                       .add("resumedKb", Value::integer(resumed_kb))));
  stop_server(s, r, "rss: restart");
}

double loadavg1() {
  double l = -1;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &l) != 1) l = -1;
    std::fclose(f);
  }
  return l;
}

void print_table(const Report& r) {
  size_t w[4] = {6, 8, 6, 6};
  for (const Row& row : r.rows) {
    w[0] = std::max(w[0], row.figure.size());
    w[1] = std::max(w[1], row.measured.size());
    w[2] = std::max(w[2], row.target.size());
    w[3] = std::max(w[3], row.result.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                  const std::string& e) {
    std::printf("| %-*s | %-*s | %-*s | %-*s | %s |\n", static_cast<int>(w[0]), a.c_str(),
                static_cast<int>(w[1]), b.c_str(), static_cast<int>(w[2]), c.c_str(), static_cast<int>(w[3]),
                d.c_str(), e.c_str());
  };
  line("figure", "measured", "target", "result", "notes");
  std::printf("|%s|%s|%s|%s|---|\n", std::string(w[0] + 2, '-').c_str(), std::string(w[1] + 2, '-').c_str(),
              std::string(w[2] + 2, '-').c_str(), std::string(w[3] + 2, '-').c_str());
  for (const Row& row : r.rows) line(row.figure, row.measured, row.target, row.result, row.note);
}

void usage() {
  std::fputs(
      "usage: server_bench --stepguard BIN [--only a,b] [--json FILE] [--quick]\n"
      "                    [--closed-seconds S] [--open-seconds S] [--rate R] [--chain-executions N]\n"
      "                    [--sync-requests N] [--startup-runs N] [--waiting N] [--latency-csv PREFIX]\n"
      "                    [--nice N]\n"
      "scenarios: startup, start-closed, start-open-full, start-open-normal, transitions-full,\n"
      "           transitions-normal, sync-express, rss\n",
      stderr);
}

bool parse_args(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string_view k = argv[i];
    if (k == "-h" || k == "--help") return false;
    if (k == "--quick") {
      a->closed_seconds = 1;
      a->open_seconds = 4;
      a->chain_executions = 300;
      a->sync_requests = 1000;
      a->startup_runs = 5;
      a->waiting = 20000;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "server_bench: %s needs a value\n", argv[i]);
      return false;
    }
    const char* v = argv[++i];
    if (k == "--stepguard")
      a->stepguard = v;
    else if (k == "--nice")
      a->nice = std::atoi(v);
    else if (k == "--latency-csv")
      a->latency_csv = v;
    else if (k == "--json")
      a->json_out = v;
    else if (k == "--closed-seconds")
      a->closed_seconds = std::atof(v);
    else if (k == "--open-seconds")
      a->open_seconds = std::atof(v);
    else if (k == "--rate")
      a->rate = std::atof(v);
    else if (k == "--chain-executions")
      a->chain_executions = std::max<int64_t>(1, std::atoll(v));
    else if (k == "--sync-requests")
      a->sync_requests = std::max<int64_t>(1, std::atoll(v));
    else if (k == "--startup-runs")
      a->startup_runs = std::max(1, std::atoi(v));
    else if (k == "--waiting")
      a->waiting = std::max<int64_t>(1, std::atoll(v));
    else if (k == "--only") {
      std::stringstream ss(v);
      std::string item;
      while (std::getline(ss, item, ','))
        if (!item.empty()) a->only.push_back(item);
    } else {
      std::fprintf(stderr, "server_bench: unknown argument %s\n", argv[i - 1]);
      return false;
    }
  }
  return !a->stepguard.empty() && a->rate > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, &args)) {
    usage();
    return 2;
  }
  const std::vector<std::string> all = {
      "startup",          "start-closed",       "start-open-full", "start-open-normal",
      "transitions-full", "transitions-normal", "sync-express",    "rss"};
  for (const std::string& o : args.only)
    if (std::find(all.begin(), all.end(), o) == all.end()) {
      std::fprintf(stderr, "server_bench: unknown scenario %s\n", o.c_str());
      usage();
      return 2;
    }
  auto selected = [&](const std::string& name) {
    return args.only.empty() || std::find(args.only.begin(), args.only.end(), name) != args.only.end();
  };
  if (args.nice != 0 && ::setpriority(PRIO_PROCESS, 0, args.nice) != 0) {
    std::fprintf(stderr, "server_bench: cannot set nice %d: %s\n", args.nice, std::strerror(errno));
    return 2;
  }
  Report report;
  const double load_start = loadavg1();
  const int64_t t0 = mono_ns();
  for (const std::string& name : all) {
    if (!selected(name)) continue;
    const int64_t s0 = mono_ns();
    std::fprintf(stderr, "[server_bench] %s ...\n", name.c_str());
    if (name == "startup")
      scenario_startup(args, report);
    else if (name == "start-closed")
      scenario_start_closed(args, report);
    else if (name == "start-open-full")
      scenario_start_open(args, report, "full");
    else if (name == "start-open-normal")
      scenario_start_open(args, report, "normal");
    else if (name == "transitions-full")
      scenario_transitions(args, report, "full");
    else if (name == "transitions-normal")
      scenario_transitions(args, report, "normal");
    else if (name == "sync-express")
      scenario_sync_express(args, report);
    else if (name == "rss")
      scenario_rss(args, report);
    std::fprintf(stderr, "[server_bench] %s took %.1f s\n", name.c_str(),
                 static_cast<double>(mono_ns() - s0) / 1e9);
  }
  const double load_end = loadavg1();
  utsname u{};
  uname(&u);
  std::printf("stepguard serve benchmark: %s, %u CPUs, kernel %s; load average %.2f -> %.2f; %.0f s\n",
              args.stepguard.c_str(), std::thread::hardware_concurrency(), u.release, load_start, load_end,
              static_cast<double>(mono_ns() - t0) / 1e9);
  if (args.nice != 0) std::printf("Server and client ran at nice %d.\n", args.nice);
  std::printf("No peer baseline: the targets are the issue's absolute figures.\n\n");
  print_table(report);

  bool error = false, missed = false;
  for (const Row& row : report.rows) {
    error |= row.result == "ERROR";
    missed |= row.result == "FAIL";
  }
  if (!args.json_out.empty()) {
    std::vector<Value> rows;
    for (const Row& row : report.rows)
      rows.push_back(built(ObjectBuilder()
                               .add("figure", Value::string(row.figure))
                               .add("measured", Value::string(row.measured))
                               .add("target", Value::string(row.target))
                               .add("result", Value::string(row.result))
                               .add("notes", Value::string(row.note))));
    ObjectBuilder details;
    for (auto& [k, v] : report.raw) details.add(k, v);
    Value root = built(ObjectBuilder()
                           .add("cpus", Value::integer(std::thread::hardware_concurrency()))
                           .add("loadavgStart", Value::number(load_start))
                           .add("loadavgEnd", Value::number(load_end))
                           .add("rows", Value::array(std::move(rows)))
                           .add("details", std::move(details).build()));
    std::ofstream f(args.json_out, std::ios::binary);
    f << root.dump_pretty() << "\n";
    if (!f) std::fprintf(stderr, "server_bench: cannot write %s\n", args.json_out.c_str());
  }
  return error ? 1 : missed ? 3 : 0;
}
