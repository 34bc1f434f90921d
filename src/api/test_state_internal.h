// Internals of TestState shared by its files (not a public interface):
// - test_state.cc decodes and checks the request, loads the definition and encodes the
//   response;
// - test_state_run.cc runs the one state through the interpreter and records the
//   inspection data;
// - test_state_mock.cc checks a mocked result against the shape of the integration's
//   response (fieldValidationMode STRICT/PRESENT).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_error.h"
#include "api/test_state.h"
#include "asl/state_machine.h"
#include "asl/states_error.h"
#include "json/value.h"

namespace sg::api::test_state_detail {

// The name AWS gives the state of a single-state definition ($$.State.Name).
inline constexpr std::string_view kSingleStateName = "StateName";

enum class Status : uint8_t { kSucceeded, kFailed, kRetriable, kCaughtError };
const char* status_name(Status s);

struct Mock {
  bool present = false;
  bool has_result = false;  // else the error below
  json::Value result;
  asl::StatesError error;
};

// The checked request, as the run needs it.
struct RunSpec {
  const asl::State* state = nullptr;  // owned by the caller's StateMachine
  json::Value input;
  Mock mock;
  int64_t retrier_retry_count = 0;
  std::optional<int64_t> map_iteration_failure_count;
  json::Value context_overrides;  // the request's context object, or null
  json::Value variables;          // the request's variables (object), or null
  std::string role_arn;           // may be empty (mocked tasks need no role)
};

// inspectionData: each stage present only when the state reached it. Payloads are
// serialised as JSON strings when the response is encoded.
struct Inspection {
  std::optional<json::Value> input, after_input_path, after_parameters, after_arguments, result,
      after_result_selector, after_result_path, after_items_path, after_item_selector;
  // The variables after the state: the request's, updated with what the state assigned.
  std::optional<json::Value> variables;
  std::optional<int64_t> max_concurrency, tolerated_failure_count;
  std::optional<double> tolerated_failure_percentage;
  std::optional<int64_t> catch_index, retry_index, retry_backoff_seconds;
};

struct Outcome {
  Status status = Status::kSucceeded;
  std::optional<json::Value> output;  // SUCCEEDED and CAUGHT_ERROR
  std::optional<std::string> error, cause;
  std::string next_state;  // empty: none
  Inspection inspection;
  // A rule that can only be checked while running (a Map's mapIterationFailureCount
  // against its items): the whole call answers with this error instead.
  std::optional<ApiError> refused;
};

// Runs spec.state once (see test_state.h for the semantics).
Outcome run_state(const RunSpec& spec, const TestStateEnv& env);

// Checks a mocked result against the response shape of the Task's integration. Returns
// the ValidationException message ("Mock result schema validation error: ..."), or
// nullopt when it conforms or the integration's shape is not known. `strict` also
// requires the shape's required fields (STRICT); otherwise only present fields are
// checked (PRESENT).
std::optional<std::string> check_mock_shape(const asl::State& task, const json::Value& result, bool strict);

}  // namespace sg::api::test_state_detail
