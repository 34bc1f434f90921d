// Nested executions: the `arn:aws:states:::states:startExecution` integration, in the
// shapes AWS gives it. The durable engine performs the effects (starting the child in the
// batch's transaction, waiting for it, stopping it); this module holds the pure parts:
// which Tasks are nested starts, what their Parameters ask for, and every result shape.
//
// Parameters (as AWS's optimized integration takes them):
//   StateMachineArn  required string: a state machine, version or alias ARN
//   Input            optional: absent or null is {}; a string holding JSON is that JSON text,
//                    any other string is passed as a JSON string; anything else is
//                    serialised (compact)
//   Name             optional non-empty string
// AWS's convention `"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"`
// inside Input needs nothing special: it is part of the child's input, as on AWS.
//
// Results
//   request-response   {"ExecutionArn": ..., "StartDate": <epoch ms>}
//   .waitForTaskToken  the same object is the TaskSubmitted output; the result is the token's
//   .sync / .sync:2    TaskSubmitted with the StartExecution response, then the child's
//                      DescribeExecution response in PascalCase, keys in alphabetical order,
//                      dates in epoch milliseconds; Input and Output as JSON text (.sync) or
//                      as JSON (.sync:2). A child that ends FAILED, TIMED_OUT or ABORTED fails
//                      the Task with States.TaskFailed, the cause being that same object as
//                      JSON text.
//   errors of the StartExecution call: "StepFunctions.<Code>Exception", cause
//   "<message> (Service: AWSStepFunctions; Status Code: 400; Error Code: <Code>; Request ID:
//   <id>; Proxy: null)", as the AWS SDK words a service error.
//
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "engine/task_executor.h"
#include "json/value.h"

namespace sg::asl {
struct State;
}
namespace sg::store {
struct ExecutionRow;
}

namespace sg::engine {

enum class NestedMode { kRequestResponse, kSync, kSync2, kWaitForTaskToken };

// The mode of a Task that starts a nested execution; nullopt for any other Task.
std::optional<NestedMode> nested_mode(const asl::State& state);
// "rr", "sync", "sync2", "token": how a mode is written in the store.
std::string_view nested_mode_name(NestedMode mode);
std::optional<NestedMode> nested_mode_from_name(std::string_view name);

struct NestedRequest {
  std::string state_machine_arn;
  std::string name;  // empty: none given
  std::string input_text;
};

// Reads the Task's effective Parameters. A failure is the TaskResult to end the Task with
// (States.Runtime naming the bad field, as AWS fails a request it cannot serialise).
Result<NestedRequest, TaskResult> read_nested_request(const json::Value& parameters);

// A child name for a Task that gave none: a UUID derived from the parent execution and the
// task (an id unique within it, so each attempt gets its own), so the start is idempotent:
// a replay after a crash finds the child it started instead of starting a second one.
std::string derived_child_name(std::string_view parent_execution_arn, uint64_t task_id);

// {"ExecutionArn": arn, "StartDate": start_ms}
json::Value start_execution_response(std::string_view execution_arn, int64_t start_ms);

// The child's DescribeExecution response as .sync (payloads as text) or .sync:2 (as JSON)
// report it; the row must be closed (status other than RUNNING).
json::Value describe_child(const store::ExecutionRow& child, NestedMode mode);

// What a closed child means for the Task of its parent (.sync / .sync:2).
TaskResult child_result(const store::ExecutionRow& child, NestedMode mode);

// The Task failure for a StartExecution the API refused (`code` as the API names it, e.g.
// "StateMachineDoesNotExist").
TaskResult start_refused(std::string_view code, std::string_view message, std::string_view request_id);

// The cause a .sync child is stopped with when the Task waiting for it is aborted.
std::string managing_task_aborted_cause(std::string_view parent_execution_arn);

}  // namespace sg::engine
