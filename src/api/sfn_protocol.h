// The AWS JSON 1.0 framing of the Step Functions API (reference §6.1): which call an HTTP
// request is, its request object, and how answers and errors go back on the wire.
//
// Every call is `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>` and a JSON object
// body (empty body = {}). decode_call() checks exactly that and nothing about the members
// (request_fields.h does, per action). Pure and thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "api/api_error.h"
#include "api/api_error_or.h"
#include "json/value.h"

namespace sg::api {

inline constexpr std::string_view kTargetPrefix = "AWSStepFunctions.";
inline constexpr std::string_view kContentType = "application/x-amz-json-1.0";

// The 37 operations of the service model (botocore stepfunctions 2016-11-23), sorted.
std::span<const std::string_view> model_actions();
bool is_model_action(std::string_view action);

// The Map Run actions (ListMapRuns, DescribeMapRun, UpdateMapRun): in the model, but
// answered with a ValidationException until Distributed Map is supported.
bool is_map_run_action(std::string_view action);

struct SfnCall {
  std::string action;   // "CreateStateMachine", ...
  json::Value request;  // always a JSON object
};

// Decodes one HTTP request.
// - not POST, no X-Amz-Target, a target without the AWSStepFunctions. prefix or an
//   action the model does not have: UnknownOperationException;
// - a Map Run action: ValidationException saying Distributed Map is not supported yet;
// - a body that is not JSON, or JSON other than an object: SerializationException
//   (an empty body, or `null`, is the empty request {}).
ApiOr<SfnCall> decode_call(std::string_view http_method, std::string_view target, std::string_view body);

struct EncodedResponse {
  int status = 200;
  std::string body;  // JSON text; the content type is kContentType
};

// 200 with the body of a successful call, or the error's status with its error body.
EncodedResponse encode_result(const ApiResult& result);
// The error's status and {"__type": ..., "message": ...[, "reason": ...]}.
EncodedResponse encode_error(const ApiError& error);

}  // namespace sg::api
