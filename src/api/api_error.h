// Errors of the Step Functions API, as AWS reports them: an error code (the part of
// `__type` after '#'), a message, the HTTP status and, for ValidationException, a reason.
//
// One table (api_error.cc) maps each code to its `__type` namespace and HTTP status, so
// handlers say only which error happened. Pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "json/value.h"

namespace sg::api {

struct ApiError {
  std::string code;     // "StateMachineDoesNotExist", "ValidationException", ...
  std::string message;  // AWS's wording, e.g. "State Machine Does Not Exist: '<arn>'"
  int http_status = 400;
  std::string reason;  // ValidationException only (e.g. "MISSING_REQUIRED_PARAMETER")
};

// An error with the status and namespace the table gives its code.
ApiError api_error(std::string_view code, std::string message);

// The `__type` of an error body: "com.amazonaws.swf.service.v2.model#<code>" for service
// errors, "com.amazon.coral.validate#ValidationException" for model-constraint errors,
// and the bare code for protocol errors (UnknownOperationException, SerializationException).
std::string error_type(const ApiError& e);

// The JSON body AWS sends with an error: {"__type": ..., "message": ...[, "reason": ...]}.
json::Value error_body(const ApiError& e);

// A handler's answer: the response body (a JSON object) or an error.
class ApiResult {
 public:
  ApiResult(json::Value body) : v_(std::move(body)) {}  // NOLINT: implicit by design
  ApiResult(ApiError error) : v_(std::move(error)) {}   // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  const json::Value& body() const { return std::get<0>(v_); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<json::Value, ApiError> v_;
};

}  // namespace sg::api
