// AWS's wording for the errors the Step Functions API answers, in one place, so every
// handler (registry actions, the engine's execution actions, TestState) says the same
// thing the same way. Each function returns a ready ApiError (code, status, message).
//
// Quoted forms come from recorded AWS responses (reference §6.2, "Extra behaviour
// observed on AWS"); the few marked "ours" have no recorded AWS wording.
#pragma once

#include <string>
#include <string_view>

#include "api/api_error.h"

namespace sg::api {

// InvalidArn "Invalid Arn: 'Invalid ARN prefix: <arn>'": not an ARN of this service,
// partition, region and account.
ApiError invalid_arn_prefix(std::string_view arn);
// InvalidArn "Invalid Arn: 'Resource type not valid in this context: <type>'".
ApiError invalid_arn_resource_type(std::string_view resource_type);
// InvalidArn "Invalid Arn: '<detail>'" (ours for details AWS never showed).
ApiError invalid_arn(std::string_view detail);

ApiError invalid_name(std::string_view name);                 // "Invalid Name: '<name>'"
ApiError state_machine_does_not_exist(std::string_view arn);  // "State Machine Does Not Exist: '<arn>'"
ApiError state_machine_already_exists(std::string_view arn);  // "State Machine Already Exists: '<arn>'"
ApiError activity_does_not_exist(std::string_view arn);       // "Activity Does Not Exist: '<arn>'"
ApiError activity_already_exists(std::string_view arn);       // "Activity Already Exists: '<arn>'" (ours)
ApiError execution_does_not_exist(std::string_view arn);      // "Execution Does Not Exist: '<arn>'"
ApiError execution_already_exists(std::string_view arn);      // "Execution Already Exists: '<arn>'"
ApiError resource_not_found(std::string_view arn);            // "Resource not found: '<arn>'" (tags)
ApiError referenced_resource_not_found();  // "Request references a resource that does not exist." (aliases)
ApiError too_many_tags(std::string_view arn);  // "Too Many Tags: '<arn>'" (ours)
ApiError invalid_token();                      // "Invalid Token: 'Invalid token'"

// ValidationException with a message and, when given, a reason
// (API_DOES_NOT_SUPPORT_LABELED_ARNS, MISSING_REQUIRED_PARAMETER, ...).
ApiError validation_error(std::string message, std::string_view reason = {});
// A Distributed Map "labelled" state machine ARN (name/label) where the action takes none.
ApiError labelled_arn_not_supported(std::string_view arn);

ApiError conflict(std::string message);                // ConflictException (409)
ApiError service_quota_exceeded(std::string message);  // ServiceQuotaExceededException (402)
ApiError unknown_operation(std::string message);       // UnknownOperationException
ApiError serialization_error(std::string message);     // SerializationException
ApiError internal_failure(std::string message);        // InternalFailure (500)

}  // namespace sg::api
