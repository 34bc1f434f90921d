// The AWS/States metrics Step Functions publishes, recorded into a MetricStore with AWS's
// names, units and dimensions (reference: guardian-and-events.md section 1).
//
// Contract
// - Execution metrics go to three kinds of series: {StateMachineArn}, the account-level
//   dimensionless series, and, for executions started through a version or an alias,
//   {StateMachineArn, Version} or {StateMachineArn, Alias}. (CloudWatch does not aggregate
//   across dimension sets, so every series a user may query is written.)
// - ExecutionsStarted follows AWS's 1-then-0 rule: value 1 when the execution starts and
//   value 0 when it closes, so Sum counts executions and SampleCount is 2 per closed
//   execution.
// - A close records Executions<Outcome> = 1 and ExecutionTime (Milliseconds); a redriven
//   execution's close also records RedrivenExecutions<Outcome> = 1 (both, as AWS does).
//   record_execution_redriven() records ExecutionsRedriven = 1.
// - Distributed Map child executions (ARN "...:stateMachine:NAME/LABEL") are recorded
//   under that labelled ARN, as AWS does; callers that group by machine use
//   parent_state_machine_arn().
// - Task metrics (activities, bare-ARN Lambda functions, service integrations) use the
//   resource dimension (ActivityArn, LambdaFunctionArn, ServiceIntegrationResourceArn) and
//   the account-level series.
// Pure; not thread-safe (writes the store it wraps).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "guardian/metric_store.h"

namespace sg::guardian {

inline constexpr std::string_view kStatesNamespace = "AWS/States";
inline constexpr std::string_view kUnitCount = "Count";
inline constexpr std::string_view kUnitMilliseconds = "Milliseconds";

// Which execution a metric is about.
struct ExecutionRef {
  std::string state_machine_arn;  // unqualified ARN
  std::string version;            // "" unless started through a version ("1")
  std::string alias;              // "" unless started through an alias ("prod")
};

enum class ExecutionOutcome { kSucceeded, kFailed, kAborted, kTimedOut };

enum class TaskKind { kActivity, kLambda, kServiceIntegration };

enum class TaskEvent { kScheduled, kStarted, kSucceeded, kFailed, kTimedOut, kHeartbeatTimedOut };

// "arn:...:stateMachine:NAME/LABEL" -> "arn:...:stateMachine:NAME"; also drops a ":version"
// or ":alias" qualifier. Other ARNs are returned unchanged.
std::string parent_state_machine_arn(std::string_view arn);

class StatesMetrics {
 public:
  explicit StatesMetrics(MetricStore& store) : store_(store) {}

  void record_execution_started(const ExecutionRef& ex, int64_t t_ms);
  void record_execution_closed(const ExecutionRef& ex, ExecutionOutcome outcome, int64_t t_ms,
                               int64_t duration_ms, bool redriven);
  void record_execution_succeeded(const ExecutionRef& ex, int64_t t_ms, int64_t duration_ms,
                                  bool redriven = false) {
    record_execution_closed(ex, ExecutionOutcome::kSucceeded, t_ms, duration_ms, redriven);
  }
  void record_execution_failed(const ExecutionRef& ex, int64_t t_ms, int64_t duration_ms,
                               bool redriven = false) {
    record_execution_closed(ex, ExecutionOutcome::kFailed, t_ms, duration_ms, redriven);
  }
  void record_execution_aborted(const ExecutionRef& ex, int64_t t_ms, int64_t duration_ms,
                                bool redriven = false) {
    record_execution_closed(ex, ExecutionOutcome::kAborted, t_ms, duration_ms, redriven);
  }
  void record_execution_timed_out(const ExecutionRef& ex, int64_t t_ms, int64_t duration_ms,
                                  bool redriven = false) {
    record_execution_closed(ex, ExecutionOutcome::kTimedOut, t_ms, duration_ms, redriven);
  }
  void record_execution_redriven(const ExecutionRef& ex, int64_t t_ms);
  // ExecutionThrottled: state transitions delayed by throttling.
  void record_execution_throttled(const ExecutionRef& ex, int64_t t_ms, double count = 1);

  // One task lifecycle event. Times in ms, recorded only when given:
  // schedule_ms -> <Kind>ScheduleTime (scheduled -> started), run_ms -> <Kind>RunTime
  // (started -> closed), total_ms -> <Kind>Time (scheduled -> closed).
  // kHeartbeatTimedOut exists only for activities (ignored for other kinds).
  void record_task(TaskKind kind, std::string_view resource_arn, TaskEvent event, int64_t t_ms,
                   std::optional<int64_t> schedule_ms = std::nullopt,
                   std::optional<int64_t> run_ms = std::nullopt,
                   std::optional<int64_t> total_ms = std::nullopt);

  // Metric names, exposed for tests and for the Prometheus/alarm layers.
  static std::string_view outcome_metric(ExecutionOutcome o);           // "ExecutionsFailed"
  static std::string_view redriven_outcome_metric(ExecutionOutcome o);  // "RedrivenExecutionsFailed"

 private:
  void put_execution(const ExecutionRef& ex, std::string_view metric, std::string_view unit, int64_t t_ms,
                     double value);
  MetricStore& store_;
};

}  // namespace sg::guardian
