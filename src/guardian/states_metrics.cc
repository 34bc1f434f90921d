#include "guardian/states_metrics.h"

namespace sg::guardian {

namespace {

struct TaskNames {
  std::string_view dimension;
  std::string_view plural;    // "Activities": <plural>Scheduled, ...
  std::string_view singular;  // "Activity": <singular>ScheduleTime, ...
};

TaskNames task_names(TaskKind kind) {
  switch (kind) {
    case TaskKind::kActivity:
      return {"ActivityArn", "Activities", "Activity"};
    case TaskKind::kLambda:
      return {"LambdaFunctionArn", "LambdaFunctions", "LambdaFunction"};
    case TaskKind::kServiceIntegration:
      return {"ServiceIntegrationResourceArn", "ServiceIntegrations", "ServiceIntegration"};
  }
  return {};
}

std::string_view task_event_suffix(TaskEvent e) {
  switch (e) {
    case TaskEvent::kScheduled:
      return "Scheduled";
    case TaskEvent::kStarted:
      return "Started";
    case TaskEvent::kSucceeded:
      return "Succeeded";
    case TaskEvent::kFailed:
      return "Failed";
    case TaskEvent::kTimedOut:
      return "TimedOut";
    case TaskEvent::kHeartbeatTimedOut:
      return "HeartbeatTimedOut";
  }
  return {};
}

std::string concat(std::string_view a, std::string_view b) {
  std::string s(a);
  s.append(b);
  return s;
}

}  // namespace

std::string parent_state_machine_arn(std::string_view arn) {
  constexpr std::string_view kMarker = ":stateMachine:";
  size_t at = arn.find(kMarker);
  if (at == std::string_view::npos) return std::string(arn);
  size_t name_start = at + kMarker.size();
  size_t end = arn.find_first_of("/:", name_start);
  return std::string(arn.substr(0, end));
}

std::string_view StatesMetrics::outcome_metric(ExecutionOutcome o) {
  switch (o) {
    case ExecutionOutcome::kSucceeded:
      return "ExecutionsSucceeded";
    case ExecutionOutcome::kFailed:
      return "ExecutionsFailed";
    case ExecutionOutcome::kAborted:
      return "ExecutionsAborted";
    case ExecutionOutcome::kTimedOut:
      return "ExecutionsTimedOut";
  }
  return {};
}

std::string_view StatesMetrics::redriven_outcome_metric(ExecutionOutcome o) {
  switch (o) {
    case ExecutionOutcome::kSucceeded:
      return "RedrivenExecutionsSucceeded";
    case ExecutionOutcome::kFailed:
      return "RedrivenExecutionsFailed";
    case ExecutionOutcome::kAborted:
      return "RedrivenExecutionsAborted";
    case ExecutionOutcome::kTimedOut:
      return "RedrivenExecutionsTimedOut";
  }
  return {};
}

void StatesMetrics::put_execution(const ExecutionRef& ex, std::string_view metric, std::string_view unit,
                                  int64_t t_ms, double value) {
  const std::string ns(kStatesNamespace);
  const std::string name(metric);
  store_.put(MetricId::make(ns, name, {{"StateMachineArn", ex.state_machine_arn}}), unit, t_ms, value);
  store_.put(MetricId::make(ns, name, {}), unit, t_ms, value);
  if (!ex.version.empty()) {
    store_.put(MetricId::make(ns, name, {{"StateMachineArn", ex.state_machine_arn}, {"Version", ex.version}}),
               unit, t_ms, value);
  }
  if (!ex.alias.empty()) {
    store_.put(MetricId::make(ns, name, {{"StateMachineArn", ex.state_machine_arn}, {"Alias", ex.alias}}),
               unit, t_ms, value);
  }
}

void StatesMetrics::record_execution_started(const ExecutionRef& ex, int64_t t_ms) {
  put_execution(ex, "ExecutionsStarted", kUnitCount, t_ms, 1);
}

void StatesMetrics::record_execution_closed(const ExecutionRef& ex, ExecutionOutcome outcome, int64_t t_ms,
                                            int64_t duration_ms, bool redriven) {
  put_execution(ex, "ExecutionsStarted", kUnitCount, t_ms, 0);
  put_execution(ex, outcome_metric(outcome), kUnitCount, t_ms, 1);
  if (redriven) put_execution(ex, redriven_outcome_metric(outcome), kUnitCount, t_ms, 1);
  put_execution(ex, "ExecutionTime", kUnitMilliseconds, t_ms, static_cast<double>(duration_ms));
}

void StatesMetrics::record_execution_redriven(const ExecutionRef& ex, int64_t t_ms) {
  put_execution(ex, "ExecutionsRedriven", kUnitCount, t_ms, 1);
}

void StatesMetrics::record_execution_throttled(const ExecutionRef& ex, int64_t t_ms, double count) {
  put_execution(ex, "ExecutionThrottled", kUnitCount, t_ms, count);
}

void StatesMetrics::record_task(TaskKind kind, std::string_view resource_arn, TaskEvent event, int64_t t_ms,
                                std::optional<int64_t> schedule_ms, std::optional<int64_t> run_ms,
                                std::optional<int64_t> total_ms) {
  if (event == TaskEvent::kHeartbeatTimedOut && kind != TaskKind::kActivity) return;
  const TaskNames n = task_names(kind);
  const std::string ns(kStatesNamespace);
  auto put = [&](const std::string& metric, std::string_view unit, double value) {
    store_.put(MetricId::make(ns, metric, {{std::string(n.dimension), std::string(resource_arn)}}), unit,
               t_ms, value);
    store_.put(MetricId::make(ns, metric, {}), unit, t_ms, value);
  };
  put(concat(n.plural, task_event_suffix(event)), kUnitCount, 1);
  if (schedule_ms)
    put(concat(n.singular, "ScheduleTime"), kUnitMilliseconds, static_cast<double>(*schedule_ms));
  if (run_ms) put(concat(n.singular, "RunTime"), kUnitMilliseconds, static_cast<double>(*run_ms));
  if (total_ms) put(concat(n.singular, "Time"), kUnitMilliseconds, static_cast<double>(*total_ms));
}

}  // namespace sg::guardian
