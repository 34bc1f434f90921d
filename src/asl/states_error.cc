#include "asl/states_error.h"

namespace sg::asl {

bool StatesError::terminal() const {
  return error == errors::kRuntime || error == errors::kDataLimitExceeded;
}

namespace {

bool one_matches(std::string_view name, const StatesError& e) {
  if (name == errors::kAll) return true;
  if (name == e.error) return true;
  if (name == errors::kTaskFailed) return e.error != errors::kTimeout;
  if (name == errors::kHeartbeatTimeout) return e.heartbeat;
  return false;
}

}  // namespace

bool error_matches(const std::vector<std::string>& error_equals, const StatesError& e) {
  if (e.terminal()) return false;
  for (const std::string& name : error_equals)
    if (one_matches(name, e)) return true;
  return false;
}

bool is_predefined_error(std::string_view name) {
  static constexpr std::string_view kNames[] = {"States.ALL",
                                                "States.Timeout",
                                                "States.HeartbeatTimeout",
                                                "States.TaskFailed",
                                                "States.Permissions",
                                                "States.ResultPathMatchFailure",
                                                "States.ParameterPathFailure",
                                                "States.QueryEvaluationError",
                                                "States.BranchFailed",
                                                "States.NoChoiceMatched",
                                                "States.IntrinsicFailure",
                                                "States.ExceedToleratedFailureThreshold",
                                                "States.ItemReaderFailed",
                                                "States.ResultWriterFailed",
                                                "States.DataLimitExceeded",
                                                "States.Runtime",
                                                "States.Http.Socket"};
  for (auto n : kNames)
    if (name == n) return true;
  // States.Http.StatusCode.<nnn> (e.g. 404); digits or X wildcards.
  constexpr std::string_view kHttpStatus = "States.Http.StatusCode.";
  if (name.starts_with(kHttpStatus) && name.size() > kHttpStatus.size()) {
    for (char c : name.substr(kHttpStatus.size()))
      if (!(c >= '0' && c <= '9') && c != 'X' && c != 'x') return false;
    return true;
  }
  return false;
}

}  // namespace sg::asl
