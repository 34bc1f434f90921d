#include "api/sfn_protocol.h"

#include <algorithm>
#include <array>

#include "api/api_error_messages.h"
#include "json/parse.h"

namespace sg::api {
namespace {

constexpr std::array<std::string_view, 37> kModelActions = {
    "CreateActivity",
    "CreateStateMachine",
    "CreateStateMachineAlias",
    "DeleteActivity",
    "DeleteStateMachine",
    "DeleteStateMachineAlias",
    "DeleteStateMachineVersion",
    "DescribeActivity",
    "DescribeExecution",
    "DescribeMapRun",
    "DescribeStateMachine",
    "DescribeStateMachineAlias",
    "DescribeStateMachineForExecution",
    "GetActivityTask",
    "GetExecutionHistory",
    "ListActivities",
    "ListExecutions",
    "ListMapRuns",
    "ListStateMachineAliases",
    "ListStateMachineVersions",
    "ListStateMachines",
    "ListTagsForResource",
    "PublishStateMachineVersion",
    "RedriveExecution",
    "SendTaskFailure",
    "SendTaskHeartbeat",
    "SendTaskSuccess",
    "StartExecution",
    "StartSyncExecution",
    "StopExecution",
    "TagResource",
    "TestState",
    "UntagResource",
    "UpdateMapRun",
    "UpdateStateMachine",
    "UpdateStateMachineAlias",
    "ValidateStateMachineDefinition",
};

constexpr std::array<std::string_view, 3> kMapRunActions = {"DescribeMapRun", "ListMapRuns", "UpdateMapRun"};

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

ApiError unknown_target(std::string_view target) {
  std::string message("Unknown operation: '");
  message.append(target).append("'");
  return unknown_operation(std::move(message));
}

}  // namespace

std::span<const std::string_view> model_actions() { return kModelActions; }

bool is_model_action(std::string_view action) {
  return std::binary_search(kModelActions.begin(), kModelActions.end(), action);
}

bool is_map_run_action(std::string_view action) {
  return std::find(kMapRunActions.begin(), kMapRunActions.end(), action) != kMapRunActions.end();
}

ApiOr<SfnCall> decode_call(std::string_view http_method, std::string_view target, std::string_view body) {
  if (http_method != "POST") {
    std::string message("Unknown operation: the ");
    message.append(http_method).append(" method is not supported; Step Functions calls are POST requests");
    return unknown_operation(std::move(message));
  }
  if (target.empty()) return unknown_operation("Missing X-Amz-Target header");
  if (!target.starts_with(kTargetPrefix)) return unknown_target(target);
  std::string_view action = target.substr(kTargetPrefix.size());
  if (!is_model_action(action)) return unknown_target(target);
  if (is_map_run_action(action)) {
    std::string message(action);
    message.append(
        " is not supported yet: Map Runs come from Distributed Map states, which this engine does not run "
        "yet");
    return validation_error(std::move(message));
  }

  if (is_blank(body)) return SfnCall{std::string(action), json::Value::empty_object()};
  Result<json::Value> parsed = json::parse_json(body);
  if (!parsed.ok()) return serialization_error(parsed.error().message);
  json::Value request = std::move(parsed).value();
  if (request.is_null()) request = json::Value::empty_object();
  if (request.is_array()) return serialization_error("Start of list found where not expected.");
  if (!request.is_object()) {
    std::string message("A JSON object was expected as the request, not a ");
    message.append(json::type_name(request.type()));
    return serialization_error(std::move(message));
  }
  return SfnCall{std::string(action), std::move(request)};
}

EncodedResponse encode_result(const ApiResult& result) {
  if (!result.ok()) return encode_error(result.error());
  return EncodedResponse{200, result.body().dump()};
}

EncodedResponse encode_error(const ApiError& error) {
  return EncodedResponse{error.http_status, error_body(error).dump()};
}

}  // namespace sg::api
