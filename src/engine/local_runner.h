// The in-process runner behind `stepguard run`, the benchmarks and the library API: runs
// one execution of a loaded state machine to its end, on a virtual clock (Wait and Retry
// intervals cost no wall time unless real_time is set). In virtual time a task takes no
// time; with real_time the clock follows the wall clock, tasks included.
//
// It drives the pure interpreter (asl/interpreter.h) as a discrete-event simulation:
// Parallel branches and Map iterations advance concurrently in virtual time, respecting
// MaxConcurrency; timers (Wait, retry backoff, state and execution timeouts) fire in time
// order. Task work goes to the injected TaskExecutor.
//
// run_local() never throws for anything an execution can do; bad definitions are
// rejected earlier, by the validator and asl::load_state_machine().
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/execution.h"
#include "engine/history.h"
#include "engine/task_executor.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::asl {
class StateMachine;
}

namespace sg::engine {

struct ExecutionIdentity {
  std::string state_machine_name = "local";
  std::string execution_name;  // empty: a random UUID
  std::string account = "123456789012";
  std::string region = "us-east-1";
  std::string role_arn = "arn:aws:iam::123456789012:role/stepguard-local";
};

struct RunOptions {
  json::Value input = json::Value::empty_object();
  std::optional<std::string> input_text;  // the input as the caller wrote it (ExecutionStarted echoes it)
  ExecutionIdentity identity;
  json::Value context_overrides;     // object merged (deeply) into the Context object
  TaskExecutor* tasks = nullptr;     // null: every Task fails naming its resource
  HistorySink* history = nullptr;    // null: no events are built (the fast path)
  json::Entropy* entropy = nullptr;  // null: seeded from the execution name
  bool real_time = false;            // sleep through Wait/Retry intervals
  int64_t start_time_ms = 0;         // virtual start time; 0 = the wall clock at start
  // Safety net for endless loops (pure states take no virtual time, so TimeoutSeconds
  // never ends them): past this many transitions the execution fails with States.Runtime.
  // 0: no limit.
  uint64_t max_transitions = 0;
  // The mock test case the execution runs under (empty: none): each task request carries
  // it, the state machine's name and the state's invocation number (TaskRequest).
  std::string test_case;
};

struct RunResult {
  ExecutionStatus status = ExecutionStatus::kSucceeded;
  json::Value output;      // when SUCCEEDED
  bool has_error = false;  // FAILED/TIMED_OUT may carry no error (a bare Fail state)
  std::string error;
  bool has_cause = false;
  std::string cause;
  uint64_t transitions = 0;  // state entries + retries (what AWS bills)
  int64_t duration_ms = 0;   // virtual (or real) time from start to end
};

RunResult run_local(const asl::StateMachine& machine, const RunOptions& options);

}  // namespace sg::engine
