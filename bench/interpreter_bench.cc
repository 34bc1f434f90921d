// interpreter_bench: times stepguard's in-process interpreter (the library API behind
// `stepguard run`) on the shared benchmark workloads, the way bench/../shared/bench/
// run_peer_als.mjs times the peer (aws-local-stepfunctions).
//
//   interpreter_bench --workloads DIR [--only a,b] [--runs N] [--json FILE]
//                     [--task-url URL] [--handler-reset-url URL]
//
// Per workload: reads definition, input and expected output; times JSON parsing,
// validation and loading (compiling) of the definition separately; runs one warm-up
// execution (reported as first-run time); then N timed samples of `batch` sequential
// executions each (batch from manifest.json). Every execution's output is compared with
// the expected file (json::Value ==: numeric, object-order-insensitive) outside the timed
// region, and a sample whose outputs differ makes the workload fail. Reported: median
// time per execution, transitions/s = manifest transitions.total / that median, the
// transitions the runner counted, and peak RSS (getrusage ru_maxrss of this process after
// the workload: run one workload per process, as bench/run.sh does, for per-workload peaks).
//
// Workloads with `taskHandlers` (task-retry-*) need Lambda handlers. Without --task-url
// they run in-process (a TaskExecutor implementing the manifest's flaky handlers, like
// the peer's taskResourceLocalHandlers). With --task-url the Lambda functions are HTTP
// functions at that URL (served by bench/flaky_handler_server), invoked through the
// integrations layer; the server's attempt counters are reset before every execution
// (outside the timed region when batch is 1) with a POST to --handler-reset-url
// (default: the task URL's origin + "/reset").
//
// Exit code: 0 when every selected workload produced its expected output, 1 otherwise,
// 2 on bad arguments.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "asl/state_machine.h"
#include "asl/validator.h"
#include "bench_tasks.h"
#include "engine/local_runner.h"
#include "json/parse.h"
#include "json/value.h"

namespace {

using sg::json::ObjectBuilder;
using sg::json::Value;

struct Args {
  std::string workloads;
  std::vector<std::string> only;
  int runs = 5;
  std::string json_out;
  std::string task_url;
  std::string reset_url;
};

void usage() {
  std::fputs(
      "usage: interpreter_bench --workloads DIR [--only a,b] [--runs N] [--json FILE]\n"
      "                         [--task-url URL] [--handler-reset-url URL]\n",
      stderr);
}

bool parse_args(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string_view k = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (k == "-h" || k == "--help") return false;
    if (k != "--workloads" && k != "--only" && k != "--runs" && k != "--json" && k != "--task-url" &&
        k != "--handler-reset-url") {
      std::fprintf(stderr, "interpreter_bench: unknown argument %s\n", argv[i]);
      return false;
    }
    if (!(v = next())) {
      std::fprintf(stderr, "interpreter_bench: %s needs a value\n", k.data());
      return false;
    }
    if (k == "--workloads")
      a->workloads = v;
    else if (k == "--json")
      a->json_out = v;
    else if (k == "--task-url")
      a->task_url = v;
    else if (k == "--handler-reset-url")
      a->reset_url = v;
    else if (k == "--runs")
      a->runs = std::max(1, std::atoi(v));
    else {
      std::stringstream ss(v);
      std::string item;
      while (std::getline(ss, item, ','))
        if (!item.empty()) a->only.push_back(item);
    }
  }
  return !a->workloads.empty();
}

bool read_file(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

double now_ms() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux
}

long current_rss_kib() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * 4;  // 4 KiB pages
}

double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  size_t m = xs.size() / 2;
  return xs.size() % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

std::string member_string(const Value& obj, std::string_view key) {
  const Value* v = obj.find(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t member_int(const Value& obj, std::string_view key, int64_t dflt) {
  const Value* v = obj.find(key);
  int64_t out = dflt;
  if (v && v->is_number()) v->integral_value(&out);
  return out;
}

std::string shorten(std::string s, size_t n = 300) {
  if (s.size() > n) s = s.substr(0, n) + "...";
  return s;
}

// Why a run's result is not the expected output; empty when it is.
std::string check_result(const sg::engine::RunResult& r, const Value& expected) {
  if (r.status != sg::engine::ExecutionStatus::kSucceeded) {
    return std::string("execution ") + sg::engine::execution_status_name(r.status) + ": " + r.error + ": " +
           shorten(r.cause);
  }
  if (r.output != expected) return "output mismatch; got " + shorten(r.output.dump());
  return {};
}

struct WorkloadResult {
  std::string name;
  std::string error;
  double parse_ms = 0, validate_ms = 0, load_ms = 0, first_ms = 0, median_ms = 0;
  std::vector<double> samples;
  int64_t batch = 1, transitions = 0;
  uint64_t counted_transitions = 0;
  long baseline_rss_kib = 0, peak_rss_kib = 0;
  std::string task_mode;  // "", "in-process", "http"
};

Value to_json(const WorkloadResult& w) {
  ObjectBuilder b;
  b.add("name", Value::string(w.name));
  if (!w.error.empty()) {
    b.add("error", Value::string(w.error));
    return std::move(b).build();
  }
  std::vector<Value> samples;
  for (double s : w.samples) samples.push_back(Value::number(s));
  double tps = w.median_ms > 0 ? static_cast<double>(w.transitions) / (w.median_ms / 1000) : 0;
  b.add("parseMs", Value::number(w.parse_ms))
      .add("validateMs", Value::number(w.validate_ms))
      .add("loadMs", Value::number(w.load_ms))
      .add("firstMs", Value::number(w.first_ms))
      .add("medianMs", Value::number(w.median_ms))
      .add("samples", Value::array(std::move(samples)))
      .add("batch", Value::integer(w.batch))
      .add("transitions", Value::integer(w.transitions))
      .add("countedTransitions", Value::integer(static_cast<int64_t>(w.counted_transitions)))
      .add("tps", Value::number(tps))
      .add("baselineRssKiB", Value::integer(w.baseline_rss_kib))
      .add("maxRssKiB", Value::integer(w.peak_rss_kib));
  if (!w.task_mode.empty()) b.add("taskHandlers", Value::string(w.task_mode));
  return std::move(b).build();
}

WorkloadResult run_workload(const Args& args, const Value& w) {
  WorkloadResult res;
  res.name = member_string(w, "name");
  res.batch = std::max<int64_t>(1, member_int(w, "batch", 1));
  if (const Value* t = w.find("transitions")) res.transitions = member_int(*t, "total", 0);
  const std::string dir = args.workloads + "/";
  std::string def_text, input_text, expected_text;
  if (!read_file(dir + member_string(w, "definition"), &def_text) ||
      !read_file(dir + member_string(w, "input"), &input_text) ||
      !read_file(dir + member_string(w, "expected"), &expected_text)) {
    res.error = "cannot read the workload's files in " + args.workloads;
    return res;
  }

  // Definition: parse, validate, load (compile), each timed on its own.
  double t0 = now_ms();
  auto def = sg::json::parse_json(def_text);
  double t1 = now_ms();
  if (!def.ok()) {
    res.error = "definition: " + def.error().message;
    return res;
  }
  auto diags = sg::asl::validate_definition(*def);
  double t2 = now_ms();
  if (sg::asl::has_errors(diags)) {
    for (const auto& d : diags)
      if (d.severity == sg::asl::Severity::kError) {
        res.error = "invalid definition: " + d.code + ": " + d.message + " at " + d.location;
        break;
      }
    return res;
  }
  auto machine = sg::asl::load_state_machine(*def);
  double t3 = now_ms();
  if (!machine.ok()) {
    res.error = "load: " + machine.error().code + ": " + machine.error().message;
    return res;
  }
  res.parse_ms = t1 - t0;
  res.validate_ms = t2 - t1;
  res.load_ms = t3 - t2;

  auto input = sg::json::parse_json(input_text);
  auto expected = sg::json::parse_json(expected_text);
  if (!input.ok() || !expected.ok()) {
    res.error = "input or expected output is not JSON";
    return res;
  }

  std::unique_ptr<sg::bench::BenchTasks> tasks;
  if (w.find("taskHandlers")) {
    std::string err;
    tasks = args.task_url.empty() ? sg::bench::make_inprocess_tasks()
                                  : sg::bench::make_http_tasks(args.task_url, args.reset_url, &err);
    if (!tasks) {
      res.error = "task handlers: " + err;
      return res;
    }
    res.task_mode = args.task_url.empty() ? "in-process" : "http";
  }

  sg::engine::RunOptions opts;
  opts.input = *input;
  opts.tasks = tasks ? tasks->executor() : nullptr;
  res.baseline_rss_kib = current_rss_kib();

  auto reset = [&]() -> bool {
    if (!tasks) return true;
    std::string err;
    if (tasks->reset(&err)) return true;
    res.error = "handler reset: " + err;
    return false;
  };

  // Warm-up execution (also the first correctness check).
  if (!reset()) return res;
  double tw = now_ms();
  sg::engine::RunResult first = sg::engine::run_local(**machine, opts);
  res.first_ms = now_ms() - tw;
  res.counted_transitions = first.transitions;
  if (std::string why = check_result(first, *expected); !why.empty()) {
    res.error = why;
    return res;
  }

  std::vector<sg::engine::RunResult> outs(static_cast<size_t>(res.batch));
  for (int s = 0; s < args.runs; ++s) {
    if (!reset()) return res;
    double ts = now_ms();
    for (int64_t b = 0; b < res.batch; ++b) {
      if (b > 0 && !reset()) return res;  // only task workloads with batch > 1 (none today)
      outs[static_cast<size_t>(b)] = sg::engine::run_local(**machine, opts);
    }
    res.samples.push_back((now_ms() - ts) / static_cast<double>(res.batch));
    for (const auto& o : outs) {
      if (std::string why = check_result(o, *expected); !why.empty()) {
        res.error = "sample " + std::to_string(s) + ": " + why;
        return res;
      }
    }
  }
  res.median_ms = median(res.samples);
  res.peak_rss_kib = peak_rss_kib();
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, &args)) {
    usage();
    return 2;
  }
  std::string manifest_text;
  if (!read_file(args.workloads + "/manifest.json", &manifest_text)) {
    std::fprintf(stderr, "interpreter_bench: cannot read %s/manifest.json\n", args.workloads.c_str());
    return 2;
  }
  auto manifest = sg::json::parse_json(manifest_text);
  const Value* list = manifest.ok() ? manifest->find("workloads") : nullptr;
  if (!list || !list->is_array()) {
    std::fputs("interpreter_bench: manifest.json has no workloads array\n", stderr);
    return 2;
  }

  std::vector<WorkloadResult> results;
  for (const Value& w : list->items()) {
    std::string name = member_string(w, "name");
    if (!args.only.empty() && std::find(args.only.begin(), args.only.end(), name) == args.only.end())
      continue;
    results.push_back(run_workload(args, w));
  }
  for (const std::string& name : args.only) {
    bool found = std::any_of(results.begin(), results.end(), [&](const auto& r) { return r.name == name; });
    if (!found) results.push_back({.name = name, .error = "no such workload in manifest.json"});
  }

  bool ok = true;
  std::printf("%-22s %12s %14s %12s %10s %10s %10s %10s\n", "workload", "ms/exec", "transitions/s",
              "first ms", "parse ms", "valid. ms", "load ms", "peak MiB");
  for (const auto& r : results) {
    if (!r.error.empty()) {
      ok = false;
      std::printf("%-22s ERROR: %s\n", r.name.c_str(), r.error.c_str());
      continue;
    }
    double tps = r.median_ms > 0 ? static_cast<double>(r.transitions) / (r.median_ms / 1000) : 0;
    std::printf(
        "%-22s %12.4f %14.0f %12.4f %10.3f %10.3f %10.3f %10.1f%s\n", r.name.c_str(), r.median_ms, tps,
        r.first_ms, r.parse_ms, r.validate_ms, r.load_ms, static_cast<double>(r.peak_rss_kib) / 1024,
        static_cast<int64_t>(r.counted_transitions) == r.transitions ? "" : "  (transition count differs)");
  }

  if (!args.json_out.empty()) {
    std::vector<Value> ws;
    for (const auto& r : results) ws.push_back(to_json(r));
    ObjectBuilder root;
    root.add("tool", Value::string(std::string_view("stepguard")))
        .add("runs", Value::integer(args.runs))
        .add("taskUrl", Value::string(args.task_url))
        .add("workloads", Value::array(std::move(ws)));
    std::ofstream f(args.json_out, std::ios::binary);
    f << std::move(root).build().dump_pretty() << "\n";
    if (!f) {
      std::fprintf(stderr, "interpreter_bench: cannot write %s\n", args.json_out.c_str());
      return 1;
    }
  }
  return ok ? 0 : 1;
}
