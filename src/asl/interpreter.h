// The interpreter core: pure functions from (state, input, context) to a Step, the
// decision of what happens next. No I/O, no clock (the current time is an argument), no
// threads: the engine and the in-process runner perform the effects a Step asks for.
//
// Processing order (JSONPath), as AWS applies it:
//   raw input -> InputPath -> Parameters -> [work] -> Assign ("$" is the raw result) ->
//   ResultSelector -> ResultPath (merged into the raw input) -> OutputPath -> state output.
// Choice and Wait: InputPath -> decision/wait (Assign: "$" is the effective input) ->
// OutputPath. Pass: Assign reads the result (Result, or Parameters' output). Succeed:
// InputPath -> OutputPath.
// JSONata states (interpreter_jsonata.cc): Arguments (default: the input) -> [work] ->
// Output (default: the result) and Assign, both reading $states.input (the raw input),
// $states.result, $states.context and the variables as they were when the state was
// entered. Choice: the matching rule's Output/Assign, else the state's with Default.
// Catchers: their own Output/Assign only, reading $states.errorOutput (JSONPath: Assign
// reads the Error Output as "$", ResultPath merges it into the raw input).
//
// Variables: a Step that ends a state carries `assigned`, the object of variable name ->
// value its Assign computed (null when it assigns nothing). The caller stores them in the
// frame's scope when the state exits (so every expression of the state saw the values
// from before it) and reports them in the StateExited event. JSONPath paths read
// variables ($name) and JSONata expressions read them as $name through the StateRoots'
// scope. Assign limits (256 KiB per variable and per Assign) fail with
// States.DataLimitExceeded.
//
// enter():    input processing and the state's decision. Pass/Choice/Succeed/Fail decide
//             at once; Wait returns kWait with its wake-up time; Task returns kTask with the
//             task's parameters; Parallel returns kParallel with the branch input; Map
//             returns kMap with every iteration's input.
// complete(): the work's result (task result, branch outputs, iteration outputs) through
//             ResultSelector/ResultPath/OutputPath.
// on_error(): an error raised by the state (its work or its input/output processing):
//             Retry (kRetry with the delay), Catch (kNext with caught = true) or kFail.
//             Terminal errors (States.Runtime, States.DataLimitExceeded) always fail.
// A JSONata evaluation failure is States.QueryEvaluationError with StatesError::location
// set (the engine records EvaluationFailed for it); it is retriable and catchable in Task,
// Map and Parallel states.
// Every runtime error's cause starts as AWS's does: "An error occurred while executing the
// state 'S' (entered at the event id #N). ".
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "asl/context.h"
#include "asl/state_machine.h"
#include "asl/states_error.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::asl {

constexpr size_t kMaxPayloadBytes = 262144;      // 256 KiB: inputs, outputs, results
constexpr int64_t kMaxWaitSeconds = 2147483647;  // "Wait state delay is too long."

struct Step {
  enum class Kind : uint8_t { kNext, kEnd, kFail, kWait, kTask, kParallel, kMap, kRetry };
  Kind kind = Kind::kNext;
  const State* next = nullptr;  // kNext; kWait: the state after the wait (nullptr: End)
  json::Value value;            // kNext/kEnd/kWait: output; kTask: parameters; kParallel: branch input
  json::Value assigned;         // kNext/kEnd/kWait: variables assigned on exit (object), or null
  StatesError error;            // kFail
  int64_t time_ms = 0;          // kWait: absolute wake-up time; kRetry: delay
  bool caught = false;          // kNext taken by a catcher

  // kTask
  std::optional<int64_t> timeout_seconds, heartbeat_seconds;
  // kMap
  std::vector<json::Value> items;
  int64_t max_concurrency = 0;  // 0 = unlimited
  std::optional<double> tolerated_failure_percentage;
  std::optional<int64_t> tolerated_failure_count;
};

// Where a state goes after producing `output`: kNext or kEnd.
Step transition(const State& s, json::Value output);

Step enter(const State& s, const json::Value& raw_input, StateRoots& roots, const StateEntry& entry,
           json::Entropy& entropy, int64_t now_ms);

Step complete(const State& s, const json::Value& raw_input, const json::Value& result, StateRoots& roots,
              const StateEntry& entry, json::Entropy& entropy, int64_t now_ms);

// retry_attempts has one counter per retrier of the state (sized by the caller or here).
// `roots` gives a catcher's Assign/Output the Context object and the variables.
Step on_error(const State& s, const json::Value& raw_input, StatesError error,
              std::vector<int64_t>& retry_attempts, StateRoots& roots, const StateEntry& entry,
              json::Entropy& entropy, int64_t now_ms);

// The delay before retry number `attempt` (1-based) of a retrier, before jitter.
int64_t retry_delay_ms(const Retrier& r, int64_t attempt);

// {"Error":..,"Cause":..} as Catch passes it on.
json::Value error_output(const StatesError& e);

// AWS's cause prefix for runtime errors of a state entry.
std::string cause_prefix(const StateEntry& entry);

}  // namespace sg::asl
