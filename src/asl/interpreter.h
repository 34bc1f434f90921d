// The interpreter core: pure functions from (state, input, context) to a Step, the
// decision of what happens next. No I/O, no clock (the current time is an argument), no
// threads: the engine and the in-process runner perform the effects a Step asks for.
//
// Processing order (JSONPath), as AWS applies it:
//   raw input -> InputPath -> Parameters -> [work] -> ResultSelector -> ResultPath (merged
//   into the raw input) -> OutputPath -> state output.
// Choice and Wait: InputPath -> decision/wait -> OutputPath. Succeed: InputPath -> OutputPath.
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
              const StateEntry& entry, json::Entropy& entropy);

// retry_attempts has one counter per retrier of the state (sized by the caller or here).
Step on_error(const State& s, const json::Value& raw_input, StatesError error,
              std::vector<int64_t>& retry_attempts, const StateEntry& entry, json::Entropy& entropy);

// The delay before retry number `attempt` (1-based) of a retrier, before jitter.
int64_t retry_delay_ms(const Retrier& r, int64_t attempt);

// {"Error":..,"Cause":..} as Catch passes it on.
json::Value error_output(const StatesError& e);

// AWS's cause prefix for runtime errors of a state entry.
std::string cause_prefix(const StateEntry& entry);

}  // namespace sg::asl
