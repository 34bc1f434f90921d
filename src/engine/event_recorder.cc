#include "engine/event_recorder.h"

namespace sg::engine {

using json::ObjectBuilder;
using json::Value;

namespace {

Value text(const Value& v) { return Value::string(v.dump()); }

Value not_truncated() {
  static const Value kDetails = [] {
    ObjectBuilder b(1);
    b.add("truncated", Value::boolean(false));
    return std::move(b).build();
  }();
  return kDetails;
}

bool is_lambda(const asl::State& s) { return s.task_kind == asl::TaskKind::kLambdaArn; }
bool is_activity(const asl::State& s) { return s.task_kind == asl::TaskKind::kActivity; }

std::string task_prefix(const asl::State& s) {
  return is_lambda(s) ? "LambdaFunction" : is_activity(s) ? "Activity" : "Task";
}

std::string lower_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

void add_resource(ObjectBuilder& b, const asl::State& s) {
  b.add("resourceType", Value::string(s.resource_type));
  b.add("resource", Value::string(s.resource_action));
}

}  // namespace

int64_t EventRecorder::emit(int64_t prev, int64_t ts, std::string type, std::string details_key,
                            Value details) {
  int64_t id = next_id_++;
  if (sink_ && id > replay_until_) {
    HistoryEvent e;
    e.id = id;
    e.previous_event_id = prev;
    e.timestamp_ms = ts;
    e.type = std::move(type);
    e.details_key = std::move(details_key);
    e.details = std::move(details);
    sink_->on_event(e);
  }
  return id;
}

int64_t EventRecorder::execution_started(int64_t ts, const Value& input, const std::string* input_text,
                                         std::string_view role_arn, std::string_view alias_arn,
                                         std::string_view version_arn) {
  if (!sink_ || next_id_ <= replay_until_) return emit(0, ts, {}, {}, {});
  ObjectBuilder b(5);
  b.add("input", input_text ? Value::string(*input_text) : text(input));
  b.add("inputDetails", not_truncated());
  b.add("roleArn", Value::string(role_arn));
  if (!alias_arn.empty()) b.add("stateMachineAliasArn", Value::string(alias_arn));
  if (!version_arn.empty()) b.add("stateMachineVersionArn", Value::string(version_arn));
  return emit(0, ts, "ExecutionStarted", "executionStartedEventDetails", std::move(b).build());
}

int64_t EventRecorder::execution_succeeded(int64_t prev, int64_t ts, const Value& output) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(2);
  b.add("output", text(output));
  b.add("outputDetails", not_truncated());
  return emit(prev, ts, "ExecutionSucceeded", "executionSucceededEventDetails", std::move(b).build());
}

int64_t EventRecorder::execution_redriven(int64_t prev, int64_t ts, int64_t redrive_count) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(1);
  b.add("redriveCount", Value::integer(redrive_count));
  return emit(prev, ts, "ExecutionRedriven", "executionRedrivenEventDetails", std::move(b).build());
}

int64_t EventRecorder::execution_failed(int64_t prev, int64_t ts, std::string_view type,
                                        const std::string* error, const std::string* cause) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(2);
  if (error) b.add("error", Value::string(*error));
  if (cause) b.add("cause", Value::string(*cause));
  std::string t(type);
  return emit(prev, ts, t, lower_first(t) + "EventDetails", std::move(b).build());
}

int64_t EventRecorder::state_entered(int64_t prev, int64_t ts, const asl::State& s, const Value& input) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(3);
  b.add("name", Value::string(s.name));
  b.add("input", text(input));
  b.add("inputDetails", not_truncated());
  return emit(prev, ts, std::string(asl::state_type_name(s.type)) + "StateEntered",
              "stateEnteredEventDetails", std::move(b).build());
}

int64_t EventRecorder::state_exited(int64_t prev, int64_t ts, const asl::State& s, const Value& output,
                                    const Value& assigned) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(5);
  b.add("name", Value::string(s.name));
  b.add("output", text(output));
  b.add("outputDetails", not_truncated());
  if (assigned.is_object() && assigned.size() > 0) {
    ObjectBuilder vars(assigned.size());
    for (const json::Member& m : assigned.members()) vars.add(m.name(), text(m.value));
    b.add("assignedVariables", std::move(vars).build());
    b.add("assignedVariablesDetails", not_truncated());
  }
  return emit(prev, ts, std::string(asl::state_type_name(s.type)) + "StateExited", "stateExitedEventDetails",
              std::move(b).build());
}

int64_t EventRecorder::evaluation_failed(int64_t prev, int64_t ts, const asl::State& s,
                                         const asl::StatesError& e) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(4);
  b.add("error", Value::string(e.error));
  b.add("cause", Value::string(e.cause));
  b.add("location", Value::string(e.location));
  b.add("state", Value::string(s.name));
  return emit(prev, ts, "EvaluationFailed", "evaluationFailedEventDetails", std::move(b).build());
}

int64_t EventRecorder::state_aborted(int64_t prev, int64_t ts, const asl::State& s) {
  return emit(prev, ts, std::string(asl::state_type_name(s.type)) + "StateAborted", {}, {});
}

int64_t EventRecorder::task_scheduled(int64_t prev, int64_t ts, const asl::State& s, const Value& params,
                                      std::optional<int64_t> timeout, std::optional<int64_t> heartbeat) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(6);
  if (is_lambda(s) || is_activity(s)) {
    b.add("resource", Value::string(s.resource));
    b.add("input", text(params));
    b.add("inputDetails", not_truncated());
  } else {
    add_resource(b, s);
    b.add("region", Value::string(region_));
    b.add("parameters", text(params));
  }
  if (timeout) b.add("timeoutInSeconds", Value::integer(*timeout));
  if (heartbeat && !is_lambda(s)) b.add("heartbeatInSeconds", Value::integer(*heartbeat));
  std::string p = task_prefix(s);
  return emit(prev, ts, p + "Scheduled", lower_first(p) + "ScheduledEventDetails", std::move(b).build());
}

int64_t EventRecorder::task_started(int64_t prev, int64_t ts, const asl::State& s) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  if (is_lambda(s)) return emit(prev, ts, "LambdaFunctionStarted", {}, {});
  if (is_activity(s))
    return emit(prev, ts, "ActivityStarted", "activityStartedEventDetails", Value::empty_object());
  ObjectBuilder b(2);
  add_resource(b, s);
  return emit(prev, ts, "TaskStarted", "taskStartedEventDetails", std::move(b).build());
}

int64_t EventRecorder::task_succeeded(int64_t prev, int64_t ts, const asl::State& s, const Value& output) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(4);
  if (!is_lambda(s) && !is_activity(s)) add_resource(b, s);
  b.add("output", text(output));
  b.add("outputDetails", not_truncated());
  std::string p = task_prefix(s);
  return emit(prev, ts, p + "Succeeded", lower_first(p) + "SucceededEventDetails", std::move(b).build());
}

int64_t EventRecorder::task_failed(int64_t prev, int64_t ts, const asl::State& s, std::string_view error,
                                   std::string_view cause, bool timed_out, bool has_cause) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(4);
  if (!is_lambda(s) && !is_activity(s)) add_resource(b, s);
  // SendTaskFailure without an error name: AWS's TaskFailed/ActivityFailed carries none.
  if (timed_out || !error.empty()) b.add("error", Value::string(error));
  // Likewise without a cause (a timeout has none unless the executor gave one).
  if (has_cause && (!timed_out || !cause.empty())) b.add("cause", Value::string(cause));
  std::string p = task_prefix(s) + (timed_out ? "TimedOut" : "Failed");
  return emit(prev, ts, p, lower_first(p) + "EventDetails", std::move(b).build());
}

int64_t EventRecorder::task_submitted(int64_t prev, int64_t ts, const asl::State& s, const Value& response) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(4);
  add_resource(b, s);
  b.add("output", text(response));
  b.add("outputDetails", not_truncated());
  return emit(prev, ts, "TaskSubmitted", "taskSubmittedEventDetails", std::move(b).build());
}

int64_t EventRecorder::activity_started(int64_t prev, int64_t ts, const std::string& worker_name) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(1);
  if (!worker_name.empty()) b.add("workerName", Value::string(worker_name));
  return emit(prev, ts, "ActivityStarted", "activityStartedEventDetails", std::move(b).build());
}

int64_t EventRecorder::plain(int64_t prev, int64_t ts, std::string type) {
  return emit(prev, ts, std::move(type), {}, {});
}

int64_t EventRecorder::map_state_started(int64_t prev, int64_t ts, size_t length) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(1);
  b.add("length", Value::integer(static_cast<int64_t>(length)));
  return emit(prev, ts, "MapStateStarted", "mapStateStartedEventDetails", std::move(b).build());
}

int64_t EventRecorder::map_iteration(int64_t prev, int64_t ts, std::string_view type,
                                     std::string_view map_name, int64_t index) {
  if (!sink_ || next_id_ <= replay_until_) return emit(prev, ts, {}, {}, {});
  ObjectBuilder b(2);
  b.add("name", Value::string(map_name));
  b.add("index", Value::integer(index));
  std::string t(type);
  return emit(prev, ts, t, lower_first(t) + "EventDetails", std::move(b).build());
}

}  // namespace sg::engine
