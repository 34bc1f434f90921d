#include "api/api_error_messages.h"

namespace sg::api {
namespace {

// "<prefix>: '<value>'", the shape of most Step Functions messages. Built with append:
// GCC 12 warns falsely (-Wrestrict) on literal + std::string.
std::string quoted(std::string_view prefix, std::string_view value) {
  std::string out(prefix);
  out.append(": '").append(value).append("'");
  return out;
}

}  // namespace

ApiError invalid_arn_prefix(std::string_view arn) {
  std::string detail("Invalid ARN prefix: ");
  detail.append(arn);
  return invalid_arn(detail);
}

ApiError invalid_arn_resource_type(std::string_view resource_type) {
  std::string detail("Resource type not valid in this context: ");
  detail.append(resource_type);
  return invalid_arn(detail);
}

ApiError invalid_arn(std::string_view detail) {
  return api_error("InvalidArn", quoted("Invalid Arn", detail));
}

ApiError invalid_name(std::string_view name) {
  return api_error("InvalidName", quoted("Invalid Name", name));
}

ApiError state_machine_does_not_exist(std::string_view arn) {
  return api_error("StateMachineDoesNotExist", quoted("State Machine Does Not Exist", arn));
}

ApiError state_machine_already_exists(std::string_view arn) {
  return api_error("StateMachineAlreadyExists", quoted("State Machine Already Exists", arn));
}

ApiError activity_does_not_exist(std::string_view arn) {
  return api_error("ActivityDoesNotExist", quoted("Activity Does Not Exist", arn));
}

ApiError activity_already_exists(std::string_view arn) {
  return api_error("ActivityAlreadyExists", quoted("Activity Already Exists", arn));
}

ApiError execution_does_not_exist(std::string_view arn) {
  return api_error("ExecutionDoesNotExist", quoted("Execution Does Not Exist", arn));
}

ApiError execution_already_exists(std::string_view arn) {
  return api_error("ExecutionAlreadyExists", quoted("Execution Already Exists", arn));
}

ApiError resource_not_found(std::string_view arn) {
  return api_error("ResourceNotFound", quoted("Resource not found", arn));
}

ApiError referenced_resource_not_found() {
  return api_error("ResourceNotFound", "Request references a resource that does not exist.");
}

ApiError too_many_tags(std::string_view arn) {
  return api_error("TooManyTags", quoted("Too Many Tags", arn));
}

ApiError invalid_token() { return api_error("InvalidToken", "Invalid Token: 'Invalid token'"); }

ApiError validation_error(std::string message, std::string_view reason) {
  ApiError e = api_error("ValidationException", std::move(message));
  e.reason = std::string(reason);
  return e;
}

ApiError labelled_arn_not_supported(std::string_view arn) {
  std::string message("This API does not support labeled ARNs: '");
  message.append(arn).append("'");
  return validation_error(std::move(message), "API_DOES_NOT_SUPPORT_LABELED_ARNS");
}

ApiError conflict(std::string message) { return api_error("ConflictException", std::move(message)); }

ApiError service_quota_exceeded(std::string message) {
  return api_error("ServiceQuotaExceededException", std::move(message));
}

ApiError unknown_operation(std::string message) {
  return api_error("UnknownOperationException", std::move(message));
}

ApiError serialization_error(std::string message) {
  return api_error("SerializationException", std::move(message));
}

ApiError internal_failure(std::string message) { return api_error("InternalFailure", std::move(message)); }

}  // namespace sg::api
