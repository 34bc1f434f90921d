// TestState: run one state of a definition in isolation, the way the AWS Step Functions
// TestState action does, and report what it did (output, error, next state, status and,
// at DEBUG/TRACE, how each processing stage transformed the data).
//
// test_state(request, env): `request` is the decoded TestStateInput (lowerCamelCase
// members: definition, roleArn, input, inspectionLevel, revealSecrets, variables,
// stateName, mock, context, stateConfiguration). Returns the TestStateOutput body
// ({output?, error?, cause?, inspectionData?, nextState?, status}) or the ApiError AWS
// answers with:
// - InvalidDefinition: the definition does not validate (the state is checked inside a
//   one-state machine whose transitions are made valid), or it is a Map/Parallel state
//   without a mock, or a task that only runs with a mock (Activity, .sync,
//   .waitForTaskToken);
// - InvalidExecutionInput: `input` is not JSON;
// - InvalidArn: `roleArn` is not an ARN;
// - ValidationException: the request breaks a TestState rule (mock on a state type that
//   takes none, a mock with both result and errorOutput, a Task without roleArn and
//   without mock, stateName not in the definition, a bad context object, ...).
// A state that fails at run time is not an ApiError: status FAILED with AWS's error and
// cause (States.Runtime for a missing path, etc.).
//
// How the state runs: through the pure interpreter (asl::enter/complete/on_error).
// Pass/Choice/Succeed/Fail decide at once; Wait returns its output and next state without
// waiting; a Task uses the mock or makes one call to env.tasks; Map and Parallel take the
// mocked result as the work's result. A failure goes through Retry and Catch once, with
// stateConfiguration.retrierRetryCount retries counted as already done: RETRIABLE when a
// retrier would retry, CAUGHT_ERROR when a catcher takes it, FAILED otherwise.
//
// Pure apart from the one env.tasks->invoke() call; no clock (env.now_ms), no globals.
// Thread-safe when env.entropy is not shared between concurrent calls.
#pragma once

#include <cstdint>
#include <string>

#include "api/api_error.h"
#include "engine/task_executor.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::api {

struct TestStateEnv {
  std::string partition = "aws";
  std::string region = "us-east-1";
  std::string account = "123456789012";
  // Performs a Task's work when no mock is given. Not owned. Null: such a Task fails with
  // States.Runtime naming the resource.
  engine::TaskExecutor* tasks = nullptr;
  int64_t now_ms = 0;  // $$.Execution.StartTime and $$.State.EnteredTime
  // Execution name, task tokens, States.UUID/MathRandom and retry jitter. Not owned.
  // Null: a deterministic source seeded with `seed`.
  json::Entropy* entropy = nullptr;
  uint64_t seed = 0;
};

// Runs the TestState action (see the comment at the top of this file).
ApiResult test_state(const json::Value& request, const TestStateEnv& env);

}  // namespace sg::api
