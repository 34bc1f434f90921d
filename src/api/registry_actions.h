// The registry actions of the Step Functions API: state machines, versions, aliases,
// activities, tags and ValidateStateMachineDefinition (reference §6.2, §9).
//
// Each handler is thin: it reads the request as AWS's validator does (request_fields.h,
// with the botocore model's constraints), makes one Registry call, and shapes the answer
// as the model has it (dates as epoch seconds, unset members left out). Errors come back
// as the ApiError AWS answers. The execution actions (StartExecution, GetActivityTask, ...)
// are the engine's, in execution_actions.h.
// Thread safety: as the Registry's (one thread).
#pragma once

#include <span>
#include <string_view>

#include "api/api_error.h"
#include "api/registry.h"
#include "json/value.h"

namespace sg::api {

class RegistryActions {
 public:
  explicit RegistryActions(Registry& registry) : registry_(registry) {}

  // The actions handle() answers, sorted.
  static std::span<const std::string_view> actions();
  static bool handles(std::string_view action);

  // Answers one call. `request` is the decoded request object (sfn_protocol.h); an action
  // handles() does not know answers UnknownOperationException.
  ApiResult handle(std::string_view action, const json::Value& request);

 private:
  // registry_actions_state_machines.cc
  ApiResult create_state_machine(const json::Value& request);
  ApiResult describe_state_machine(const json::Value& request);
  ApiResult update_state_machine(const json::Value& request);
  ApiResult delete_state_machine(const json::Value& request);
  ApiResult list_state_machines(const json::Value& request);
  ApiResult validate_state_machine_definition(const json::Value& request);
  // registry_actions_versions.cc
  ApiResult publish_state_machine_version(const json::Value& request);
  ApiResult list_state_machine_versions(const json::Value& request);
  ApiResult delete_state_machine_version(const json::Value& request);
  ApiResult create_state_machine_alias(const json::Value& request);
  ApiResult describe_state_machine_alias(const json::Value& request);
  ApiResult update_state_machine_alias(const json::Value& request);
  ApiResult delete_state_machine_alias(const json::Value& request);
  ApiResult list_state_machine_aliases(const json::Value& request);
  // registry_actions_activities.cc
  ApiResult create_activity(const json::Value& request);
  ApiResult describe_activity(const json::Value& request);
  ApiResult delete_activity(const json::Value& request);
  ApiResult list_activities(const json::Value& request);
  ApiResult tag_resource(const json::Value& request);
  ApiResult untag_resource(const json::Value& request);
  ApiResult list_tags_for_resource(const json::Value& request);

  Registry& registry_;
};

}  // namespace sg::api
