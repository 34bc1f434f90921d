// ASL runtime errors as data: what Retry and Catch see, and what a failed execution
// reports. Also AWS's matching rules for ErrorEquals.
//
// error_matches(): true when a retrier/catcher with this ErrorEquals list handles `e`:
// - exact, case-sensitive names;
// - "States.ALL" matches every error except the terminal ones (States.Runtime,
//   States.DataLimitExceeded), which nothing can retry or catch;
// - "States.TaskFailed" matches every non-terminal error except States.Timeout;
// - "States.HeartbeatTimeout" matches a heartbeat timeout (which is *reported* as
//   States.Timeout, and also matches "States.Timeout").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sg::asl {

struct StatesError {
  std::string error;
  std::string cause;
  bool has_error = true;  // a Fail state without Error, or SendTaskFailure without one
  bool has_cause = true;
  bool heartbeat = false;  // a heartbeat timeout (reported as States.Timeout)
  // A JSONata evaluation failure: the field it happened in ("Output/result"), which the
  // history's EvaluationFailed event reports. Empty for every other error. It views text of
  // the loaded StateMachine (valid while the machine is), and is cleared once reported.
  std::string_view location;

  static StatesError make(std::string error, std::string cause) {
    StatesError e;
    e.error = std::move(error);
    e.cause = std::move(cause);
    return e;
  }
  bool terminal() const;
};

namespace errors {
inline constexpr std::string_view kAll = "States.ALL";
inline constexpr std::string_view kTimeout = "States.Timeout";
inline constexpr std::string_view kHeartbeatTimeout = "States.HeartbeatTimeout";
inline constexpr std::string_view kTaskFailed = "States.TaskFailed";
inline constexpr std::string_view kRuntime = "States.Runtime";
inline constexpr std::string_view kDataLimitExceeded = "States.DataLimitExceeded";
inline constexpr std::string_view kResultPathMatchFailure = "States.ResultPathMatchFailure";
inline constexpr std::string_view kNoChoiceMatched = "States.NoChoiceMatched";
inline constexpr std::string_view kIntrinsicFailure = "States.IntrinsicFailure";
inline constexpr std::string_view kBranchFailed = "States.BranchFailed";
inline constexpr std::string_view kExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";
inline constexpr std::string_view kQueryEvaluationError = "States.QueryEvaluationError";
}  // namespace errors

bool error_matches(const std::vector<std::string>& error_equals, const StatesError& e);

// The predefined States.* names a definition may use in ErrorEquals.
bool is_predefined_error(std::string_view name);

}  // namespace sg::asl
