// Execution: one execution of a loaded state machine, as an event-driven object over the
// pure interpreter. It owns the tree of frames (the root, each Parallel branch, each Map
// iteration), its timers (Wait, retry backoff, execution timeout and, when asked, task
// timeouts and heartbeats) and the tasks it waits for; its host supplies time and task
// results.
//
// Every input is a call with the current time: start(), advance(), task_done(),
// task_submitted(), activity_started(), heartbeat(), stop(). Each runs the execution
// until every frame is blocked (on time, a task or its children) and returns. The host
// then reads the tasks to perform (take_tasks()), the next timer (next_timer()) and
// whether the execution ended (done(), result()).
//
// Determinism: given the same setup (seed included) and the same sequence of inputs with
// the same times, an Execution emits the same events, tokens and tasks. The durable engine
// relies on this to rebuild open executions after a restart by replaying their journal.
//
// Not thread-safe: one host thread drives it. Never throws for anything an execution can do.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/history.h"
#include "engine/task_executor.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::asl {
class StateMachine;
struct State;
}  // namespace sg::asl

namespace sg::engine {

enum class ExecutionStatus { kRunning, kSucceeded, kFailed, kTimedOut, kAborted };
const char* execution_status_name(ExecutionStatus s);  // "RUNNING", "SUCCEEDED", ...

struct ExecutionSetup {
  std::string execution_arn;
  std::string execution_name;
  std::string state_machine_arn;
  std::string state_machine_name;
  std::string role_arn;
  std::string state_machine_alias_arn, state_machine_version_arn;  // started through these ("" none)
  std::string region = "us-east-1";
  json::Value input = json::Value::empty_object();
  std::optional<std::string> input_text;  // the input as the caller wrote it (ExecutionStarted echoes it)
  json::Value context_overrides;          // object merged (deeply) into the Context object
  HistorySink* history = nullptr;         // null: no events are built (the fast path)
  json::Entropy* entropy = nullptr;       // null: seeded from `seed`
  uint64_t seed = 0;
  // Past this many transitions the execution fails with States.Runtime (0: no limit).
  uint64_t max_transitions = 0;
  // Past this many history events the execution fails as AWS fails it (0: no limit).
  int64_t max_history_events = 0;
  // Multiplies every Wait, retry interval and timeout (test time; 1 = real durations).
  double time_scale = 1.0;
  // The execution times its tasks out itself (TimeoutSeconds, HeartbeatSeconds): for hosts
  // whose tasks run asynchronously (callbacks, activities). Otherwise the executor does.
  bool own_task_timeouts = false;
  // Activity tasks wait for a worker: ActivityStarted is recorded by activity_started().
  bool queue_activities = false;
};

// A task the execution wants performed.
struct PendingTask {
  uint64_t id = 0;  // unique within the execution, deterministic
  TaskRequest request;
  const asl::State* state = nullptr;
  bool callback = false;  // .waitForTaskToken: done after the call, by SendTask*
  bool activity = false;  // an activity ARN
};

struct ExecutionResult {
  ExecutionStatus status = ExecutionStatus::kRunning;
  json::Value output;      // when SUCCEEDED
  bool has_error = false;  // FAILED/TIMED_OUT may carry no error (a bare Fail state)
  std::string error;
  bool has_cause = false;
  std::string cause;
  uint64_t transitions = 0;  // state entries + retries (what AWS bills)
  int64_t stop_time_ms = 0;
};

class Execution {
 public:
  Execution(std::shared_ptr<const asl::StateMachine> machine, ExecutionSetup setup);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Records ExecutionStarted and runs the start state.
  void start(int64_t now_ms);
  // Fires every timer due at or before now_ms, in time order.
  void advance(int64_t now_ms);
  // The result of task `id` (ignored when the task is no longer awaited).
  void task_done(uint64_t id, TaskResult result, int64_t now_ms);
  // Local hosts: a task that timed out after `lasted_ms` of virtual time is reported then.
  void task_done_later(uint64_t id, TaskResult result, int64_t at_ms);
  // A callback task's call went out: records TaskSubmitted with the call's response.
  void task_submitted(uint64_t id, const json::Value& response, int64_t now_ms);
  // A worker took activity task `id` (ActivityStarted); its timeouts start now.
  void activity_started(uint64_t id, const std::string& worker_name, int64_t now_ms);
  // Resets the heartbeat timer of task `id`. False when the task is not awaited.
  bool heartbeat(uint64_t id, int64_t now_ms);
  // StopExecution: aborts every running state and records ExecutionAborted.
  void stop(const std::string* error, const std::string* cause, int64_t now_ms);

  // RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution runs again from the state
  // it ended in (ExecutionRedriven). A Parallel or Map state re-runs only its branches or
  // iterations that did not succeed, each from its start. False when the execution is
  // running or succeeded.
  bool redrive(int64_t now_ms);
  // Fails the execution (ExecutionFailed) from outside, e.g. a host that finds it stalled.
  void fail(const std::string& error, const std::string& cause, int64_t now_ms);

  // Tasks created since the last call, in creation order.
  std::vector<PendingTask> take_tasks();
  // True while task `id` is awaited (its frame still runs it).
  bool task_awaited(uint64_t id) const;
  // Counts frames cancelled so far: a host holding calls in flight rechecks
  // task_awaited() only when it moved.
  uint64_t cancellations() const;
  // The earliest timer, if any.
  std::optional<int64_t> next_timer() const;

  bool done() const;
  const ExecutionResult& result() const;
  int64_t events_recorded() const;  // history events so far
  int64_t start_time_ms() const;
  // Events with an id up to this one are rebuilt, not emitted (replay after a restart).
  void set_replay_until(int64_t event_id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sg::engine
