#include "guardian/prometheus.h"

#include <charconv>
#include <cmath>
#include <set>

namespace sg::guardian {

namespace {

constexpr std::string_view kClosedStatus[] = {"succeeded", "failed", "aborted",
                                              "timed_out"};  // ExecutionOutcome order

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string lower_status(ExecStatus s) {
  std::string out(exec_status_name(s));
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// arn:partition:states:region:account:stateMachine:name -> field i.
std::string_view arn_field(std::string_view arn, int index) {
  for (int i = 0; i < index; ++i) {
    size_t colon = arn.find(':');
    if (colon == std::string_view::npos) return {};
    arn.remove_prefix(colon + 1);
  }
  return arn.substr(0, arn.find(':'));
}

struct Writer {
  std::string out;
  void header(std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  void sample(std::string_view name, std::string_view labels, std::string_view value) {
    out.append(name);
    if (!labels.empty()) out.append("{").append(labels).append("}");
    out.append(" ").append(value).append("\n");
  }
};

std::string label(std::string_view name, std::string_view value) {
  std::string s(name);
  s.append("=\"").append(escape_label_value(value)).append("\"");
  return s;
}

std::string join(std::string_view a, std::string_view b) {
  std::string s(a);
  s.append(",").append(b);
  return s;
}

}  // namespace

MachineCounters& ExecutionCounters::at(std::string_view machine_arn) {
  std::string key = parent_state_machine_arn(machine_arn);
  auto it = machines_.find(key);
  if (it == machines_.end()) it = machines_.emplace(std::move(key), MachineCounters{}).first;
  return it->second;
}

void ExecutionCounters::on_started(std::string_view machine_arn) { ++at(machine_arn).started; }

void ExecutionCounters::on_redriven(std::string_view machine_arn) { ++at(machine_arn).redriven; }

void ExecutionCounters::on_closed(std::string_view machine_arn, ExecutionOutcome outcome,
                                  int64_t duration_ms) {
  MachineCounters& m = at(machine_arn);
  ++m.closed[static_cast<size_t>(outcome)];
  const double seconds = static_cast<double>(duration_ms) / 1000;
  for (size_t i = 0; i < kDurationBuckets.size(); ++i) {
    if (seconds <= kDurationBuckets[i]) {
      ++m.buckets[i];
      break;
    }
  }
  ++m.duration_count;
  m.duration_sum_seconds += seconds;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_prometheus(const ExecutionCounters& counters, const LatestStatusBoard& latest,
                              std::span<const std::string> machines, std::span<const AlarmStateSample> alarms,
                              const PrometheusOptions& options) {
  // Every machine, by its label set (sorted).
  std::set<std::string> arns;
  for (const auto& [arn, c] : counters.machines()) arns.insert(arn);
  for (const auto& [key, r] : latest.records())
    if (parent_state_machine_arn(key) == key) arns.insert(key);
  for (const std::string& arn : machines) arns.insert(parent_state_machine_arn(arn));
  std::map<std::string, std::string> by_labels;  // labels -> arn
  for (const std::string& arn : arns) {
    std::string_view name = arn_field(arn, 6);
    std::string labels = label("state_machine", name.empty() ? std::string_view(arn) : name);
    std::string_view region = arn_field(arn, 3), account = arn_field(arn, 4);
    if (!options.account.empty() && (account != options.account || region != options.region)) {
      labels = join(join(labels, label("account", account)), label("region", region));
    }
    by_labels.emplace(std::move(labels), arn);
  }
  static const MachineCounters kZero;
  auto counts = [&](const std::string& arn) -> const MachineCounters& {
    auto it = counters.machines().find(arn);
    return it == counters.machines().end() ? kZero : it->second;
  };

  Writer w;
  w.header("stepguard_executions_started_total", "counter", "Executions started.");
  for (const auto& [labels, arn] : by_labels)
    w.sample("stepguard_executions_started_total", labels, std::to_string(counts(arn).started));

  w.header("stepguard_executions_closed_total", "counter", "Executions closed, by final status.");
  for (const auto& [labels, arn] : by_labels)
    for (size_t i = 0; i < 4; ++i)
      w.sample("stepguard_executions_closed_total", join(labels, label("status", kClosedStatus[i])),
               std::to_string(counts(arn).closed[i]));

  w.header("stepguard_executions_redriven_total", "counter", "Executions redriven.");
  for (const auto& [labels, arn] : by_labels)
    w.sample("stepguard_executions_redriven_total", labels, std::to_string(counts(arn).redriven));

  w.header("stepguard_executions_open", "gauge", "Executions in progress.");
  for (const auto& [labels, arn] : by_labels) {
    const MachineCounters& c = counts(arn);
    uint64_t closed = c.closed[0] + c.closed[1] + c.closed[2] + c.closed[3];
    uint64_t opened = c.started + c.redriven;
    w.sample("stepguard_executions_open", labels, std::to_string(opened > closed ? opened - closed : 0));
  }

  w.header("stepguard_execution_duration_seconds", "histogram", "Duration of closed executions in seconds.");
  for (const auto& [labels, arn] : by_labels) {
    const MachineCounters& c = counts(arn);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kDurationBuckets.size(); ++i) {
      cumulative += c.buckets[i];
      w.sample("stepguard_execution_duration_seconds_bucket",
               join(labels, label("le", number(kDurationBuckets[i]))), std::to_string(cumulative));
    }
    w.sample("stepguard_execution_duration_seconds_bucket", join(labels, label("le", "+Inf")),
             std::to_string(c.duration_count));
    w.sample("stepguard_execution_duration_seconds_sum", labels, number(c.duration_sum_seconds));
    w.sample("stepguard_execution_duration_seconds_count", labels, std::to_string(c.duration_count));
  }

  w.header(
      "stepguard_latest_execution_status_code", "gauge",
      "Status of the latest execution: 0 none, 1 running, 2 succeeded, 3 failed, 4 timed out, 5 aborted.");
  for (const auto& [labels, arn] : by_labels) {
    const LatestExecution* r = latest.find(arn);
    w.sample("stepguard_latest_execution_status_code", labels,
             std::to_string(status_code(r ? r->status : ExecStatus::kNone)));
  }

  w.header("stepguard_latest_execution_status", "gauge",
           "1 for the status of the latest execution, 0 for the others.");
  for (const auto& [labels, arn] : by_labels) {
    const LatestExecution* r = latest.find(arn);
    for (ExecStatus s : kDisplayedStatuses)
      w.sample("stepguard_latest_execution_status", join(labels, label("status", lower_status(s))),
               r && r->status == s ? "1" : "0");
  }

  w.header("stepguard_latest_execution_start_timestamp_seconds", "gauge",
           "Start time of the latest execution (Unix seconds).");
  for (const auto& [labels, arn] : by_labels) {
    const LatestExecution* r = latest.find(arn);
    if (r)
      w.sample("stepguard_latest_execution_start_timestamp_seconds", labels,
               number(static_cast<double>(r->start_ms) / 1000));
  }

  if (!alarms.empty()) {
    w.header("stepguard_alarm_state", "gauge", "1 for the current state of the alarm, 0 for the others.");
    std::map<std::string, AlarmState> sorted;
    for (const AlarmStateSample& a : alarms) sorted[a.alarm_name] = a.state;
    for (const auto& [name, state] : sorted) {
      for (AlarmState s : {AlarmState::kOk, AlarmState::kAlarm, AlarmState::kInsufficientData}) {
        w.sample("stepguard_alarm_state", join(label("alarm", name), label("state", alarm_state_name(s))),
                 state == s ? "1" : "0");
      }
    }
  }
  return std::move(w.out);
}

}  // namespace sg::guardian
