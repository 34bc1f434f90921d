#include "api/api_error.h"

#include <array>

namespace sg::api {
namespace {

// Where an error's `__type` comes from: the Step Functions service model, the Coral
// request validator, or the awsJson protocol itself (bare code, as AWS sends it).
enum class Family { kService, kValidation, kProtocol };

struct ErrorRow {
  std::string_view code;
  Family family;
  int http_status;
};

constexpr std::string_view kServiceNamespace = "com.amazonaws.swf.service.v2.model#";
constexpr std::string_view kValidationNamespace = "com.amazon.coral.validate#";

// Every error the API can answer. Statuses are the model's (ConflictException 409,
// ServiceQuotaExceededException 402) and awsJson's (InternalFailure 500); all else is 400.
constexpr std::array kErrors = {
    ErrorRow{"ActivityAlreadyExists", Family::kService, 400},
    ErrorRow{"ActivityDoesNotExist", Family::kService, 400},
    ErrorRow{"ActivityLimitExceeded", Family::kService, 400},
    ErrorRow{"ActivityWorkerLimitExceeded", Family::kService, 400},
    ErrorRow{"ConflictException", Family::kService, 409},
    ErrorRow{"ExecutionAlreadyExists", Family::kService, 400},
    ErrorRow{"ExecutionDoesNotExist", Family::kService, 400},
    ErrorRow{"ExecutionLimitExceeded", Family::kService, 400},
    ErrorRow{"ExecutionNotRedrivable", Family::kService, 400},
    ErrorRow{"InvalidArn", Family::kService, 400},
    ErrorRow{"InvalidDefinition", Family::kService, 400},
    ErrorRow{"InvalidEncryptionConfiguration", Family::kService, 400},
    ErrorRow{"InvalidExecutionInput", Family::kService, 400},
    ErrorRow{"InvalidLoggingConfiguration", Family::kService, 400},
    ErrorRow{"InvalidName", Family::kService, 400},
    ErrorRow{"InvalidOutput", Family::kService, 400},
    ErrorRow{"InvalidToken", Family::kService, 400},
    ErrorRow{"InvalidTracingConfiguration", Family::kService, 400},
    ErrorRow{"KmsAccessDeniedException", Family::kService, 400},
    ErrorRow{"KmsInvalidStateException", Family::kService, 400},
    ErrorRow{"KmsThrottlingException", Family::kService, 400},
    ErrorRow{"MissingRequiredParameter", Family::kService, 400},
    ErrorRow{"ResourceNotFound", Family::kService, 400},
    ErrorRow{"ServiceQuotaExceededException", Family::kService, 402},
    ErrorRow{"StateMachineAlreadyExists", Family::kService, 400},
    ErrorRow{"StateMachineDeleting", Family::kService, 400},
    ErrorRow{"StateMachineDoesNotExist", Family::kService, 400},
    ErrorRow{"StateMachineLimitExceeded", Family::kService, 400},
    ErrorRow{"StateMachineTypeNotSupported", Family::kService, 400},
    ErrorRow{"TaskDoesNotExist", Family::kService, 400},
    ErrorRow{"TaskTimedOut", Family::kService, 400},
    ErrorRow{"TooManyTags", Family::kService, 400},
    ErrorRow{"ValidationException", Family::kValidation, 400},
    ErrorRow{"UnknownOperationException", Family::kProtocol, 400},
    ErrorRow{"SerializationException", Family::kProtocol, 400},
    ErrorRow{"InternalFailure", Family::kProtocol, 500},
    ErrorRow{"ServiceUnavailable", Family::kProtocol, 503},
    ErrorRow{"ThrottlingException", Family::kProtocol, 400},
    ErrorRow{"AccessDeniedException", Family::kProtocol, 400},
    ErrorRow{"UnrecognizedClientException", Family::kProtocol, 400},
};

// Codes missing from the table are treated as service errors: a new model error then
// still reaches clients under the namespace SDKs expect.
const ErrorRow& row_of(std::string_view code) {
  static constexpr ErrorRow kUnlisted{"", Family::kService, 400};
  for (const ErrorRow& r : kErrors)
    if (r.code == code) return r;
  return kUnlisted;
}

}  // namespace

ApiError api_error(std::string_view code, std::string message) {
  return ApiError{std::string(code), std::move(message), row_of(code).http_status, {}};
}

std::string error_type(const ApiError& e) {
  std::string out;
  switch (row_of(e.code).family) {
    case Family::kService:
      out.append(kServiceNamespace);
      break;
    case Family::kValidation:
      out.append(kValidationNamespace);
      break;
    case Family::kProtocol:
      break;
  }
  out.append(e.code);
  return out;
}

json::Value error_body(const ApiError& e) {
  json::ObjectBuilder b(3);
  b.add("__type", json::Value::string(error_type(e)));
  b.add("message", json::Value::string(e.message));
  if (!e.reason.empty()) b.add("reason", json::Value::string(e.reason));
  return std::move(b).build();
}

}  // namespace sg::api
