// TaskExecutor: how the engine runs the work of a Task state. Implemented in
// integrations/ (local functions, HTTP, ...); the interpreter only decides *that* a task
// runs and with which request, never performs it.
//
// invoke() is called once per attempt (retries call it again) and returns the task's
// result or its error. It must not throw; a failure to reach the resource is a TaskResult
// failure (e.g. error "Lambda.ServiceException").
//
// invoke_all() runs the tasks that start at the same instant (the iterations of a Map,
// the branches of a Parallel) and fills results[i] for requests[i], reporting each as it
// completes. The default calls invoke() for each in order; executors whose work can
// overlap (local functions, HTTP) run them concurrently, as AWS does. The runner may call
// invoke_all() from a thread of its own while it handles the results already reported,
// and withdraws calls whose results it no longer needs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "json/value.h"

namespace sg::engine {

struct TaskRequest {
  std::string_view resource;  // the Task's Resource ARN, as written
  json::Value parameters;     // effective input (after InputPath/Parameters)
  std::string_view state_name;
  std::string_view execution_arn;
  std::optional<int64_t> timeout_seconds;    // TimeoutSeconds(Path), if set
  std::optional<int64_t> heartbeat_seconds;  // HeartbeatSeconds(Path), if set
  std::string task_token;                    // $$.Task.Token (set for .waitForTaskToken)
  int attempt = 0;                           // 0 for the first attempt, then 1, 2, ... per retry
  // Time left before the execution's TimeoutSeconds (0: no execution timeout). An executor
  // stops the call by then, as it does for timeout_seconds, and reports States.Timeout.
  int64_t time_left_ms = 0;
  // Turns true when the runner no longer wants the result (the branch or iteration was
  // aborted, the execution ended): skip the call if it has not started, stop it if you can.
  const std::atomic<bool>* withdrawn = nullptr;
  // Mocked service integrations (Step Functions Local's mock config, see
  // integrations/mock_config.h). Set by hosts running an execution under a test case:
  // the test case (empty: none), the state machine's name, and how many times this state
  // was invoked before in this execution (zero-based; retries and Map iterations count).
  std::string test_case;
  std::string state_machine_name;
  int64_t invocation = 0;
  bool is_withdrawn() const { return withdrawn && withdrawn->load(std::memory_order_relaxed); }
};

struct TaskResult {
  bool ok = true;
  json::Value output;              // when ok
  std::string error;               // when !ok: the error name Retry/Catch match on
  std::string cause;               // when !ok
  bool has_error = true;           // false when a failure carries no error name (SendTaskFailure without one)
  bool has_cause = true;           // false when a failure carries no cause (SendTaskFailure without one)
  bool heartbeat_timeout = false;  // a States.Timeout from a missed heartbeat

  static TaskResult success(json::Value v) {
    TaskResult r;
    r.output = std::move(v);
    return r;
  }
  static TaskResult failure(std::string error, std::string cause) {
    TaskResult r;
    r.ok = false;
    r.error = std::move(error);
    r.cause = std::move(cause);
    return r;
  }
};

class TaskExecutor {
 public:
  virtual ~TaskExecutor() = default;
  virtual TaskResult invoke(const TaskRequest& request) = 0;

  // done(i) is called (from any thread, one call at a time) as soon as results[i] is
  // final, so the runner can act on it while the other calls run; it may be empty.
  using Done = std::function<void(size_t)>;
  virtual void invoke_all(std::span<const TaskRequest> requests, std::span<TaskResult> results,
                          const Done& done) {
    for (size_t i = 0; i < requests.size(); ++i) {
      results[i] = requests[i].is_withdrawn() ? withdrawn_result() : invoke(requests[i]);
      if (done) done(i);
    }
  }

  // What a withdrawn call yields (nobody reads it).
  static constexpr const char* kWithdrawnCause = "The call was withdrawn: its result is no longer needed";
  static TaskResult withdrawn_result() { return TaskResult::failure("States.Runtime", kWithdrawnCause); }
};

}  // namespace sg::engine
