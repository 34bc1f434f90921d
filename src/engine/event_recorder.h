// EventRecorder: numbers history events and, when a sink is attached, builds them in
// AWS's shapes (field names and which details member each type carries, per the
// GetExecutionHistory model). Without a sink it only counts ids, so the fast path builds
// no JSON.
//
// Each call takes the event id the new event should point back to (previousEventId) and
// returns the new event's id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "asl/state_machine.h"
#include "asl/states_error.h"
#include "engine/history.h"
#include "json/value.h"

namespace sg::engine {

class EventRecorder {
 public:
  EventRecorder(HistorySink* sink, std::string region) : sink_(sink), region_(std::move(region)) {}
  bool active() const { return sink_ != nullptr; }
  // Events with an id up to this one are numbered but not built or emitted: they exist
  // already (an execution rebuilt by replaying its journal).
  void set_replay_until(int64_t id) { replay_until_ = id; }
  int64_t last_id() const { return next_id_ - 1; }

  // input_text: the input as the caller wrote it, when known (else `input` serialised).
  // version_arn / alias_arn: the version or alias the execution was started through ("" none).
  int64_t execution_started(int64_t ts, const json::Value& input, const std::string* input_text,
                            std::string_view role_arn, std::string_view alias_arn = {},
                            std::string_view version_arn = {});
  int64_t execution_succeeded(int64_t prev, int64_t ts, const json::Value& output);
  int64_t execution_redriven(int64_t prev, int64_t ts, int64_t redrive_count);
  int64_t execution_failed(int64_t prev, int64_t ts, std::string_view type, const std::string* error,
                           const std::string* cause);

  int64_t state_entered(int64_t prev, int64_t ts, const asl::State& s, const json::Value& input);
  // `assigned`: the variables the state assigned (object of name -> value) or null; shown
  // as assignedVariables (name -> JSON text) with assignedVariablesDetails.
  int64_t state_exited(int64_t prev, int64_t ts, const asl::State& s, const json::Value& output,
                       const json::Value& assigned = json::Value());
  // A JSONata expression failed (EvaluationFailed: error, cause, location, state).
  int64_t evaluation_failed(int64_t prev, int64_t ts, const asl::State& s, const asl::StatesError& e);
  int64_t state_aborted(int64_t prev, int64_t ts, const asl::State& s);

  int64_t task_scheduled(int64_t prev, int64_t ts, const asl::State& s, const json::Value& params,
                         std::optional<int64_t> timeout, std::optional<int64_t> heartbeat);
  int64_t task_started(int64_t prev, int64_t ts, const asl::State& s);
  int64_t task_succeeded(int64_t prev, int64_t ts, const asl::State& s, const json::Value& output);
  int64_t task_failed(int64_t prev, int64_t ts, const asl::State& s, std::string_view error,
                      std::string_view cause, bool timed_out, bool has_cause = true);

  // A callback task's call went out (TaskSubmitted with the call's response).
  int64_t task_submitted(int64_t prev, int64_t ts, const asl::State& s, const json::Value& response);
  // A worker took a queued activity task (workerName omitted when empty).
  int64_t activity_started(int64_t prev, int64_t ts, const std::string& worker_name);

  // Parallel/Map lifecycle ("ParallelStateStarted", "MapStateSucceeded", ...).
  int64_t plain(int64_t prev, int64_t ts, std::string type);
  int64_t map_state_started(int64_t prev, int64_t ts, size_t length);
  int64_t map_iteration(int64_t prev, int64_t ts, std::string_view type, std::string_view map_name,
                        int64_t index);

 private:
  int64_t emit(int64_t prev, int64_t ts, std::string type, std::string details_key, json::Value details);

  HistorySink* sink_;
  std::string region_;
  int64_t next_id_ = 1;
  int64_t replay_until_ = 0;
};

}  // namespace sg::engine
