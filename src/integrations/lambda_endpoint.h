// Lambda-compatible endpoints: local functions served by anything that speaks Lambda's
// Invoke REST API (`sam local start-lambda`, LocalStack, other emulators, or AWS itself
// behind a signing proxy).
//
// A call is `POST {endpoint}/2015-03-31/functions/{FunctionName}/invocations[?Qualifier=Q]`
// with the event JSON as body and no X-Amz-Invocation-Type header, which the API reads as
// RequestResponse (the Task waits for the function's answer; an `Event` Invoke in the state
// machine is still run to completion locally, see lambda_executor.h). FunctionName is the
// name in the entry's key unless the entry names another (`function_name`); Qualifier is the
// qualifier of the entry's key, if it has one.
//
// Outcomes are those of an HTTP function (http_function.h), which follow the Lambda API's:
// the body is the payload; header X-Amz-Function-Error makes it a function error named by
// its errorType (Lambda.Unknown without one); 404 is Lambda.ResourceNotFoundException, 429
// Lambda.TooManyRequestsException, 5xx Lambda.ServiceException, other statuses
// Lambda.AWSLambdaException, each with the AWS SDK's cause shape; no connection is
// Lambda.SdkClientException; a timeout States.Timeout.
//
// Configuration: `--function NAME=lambda+http://HOST:PORT` (or lambda+https://), or in a
// functions file `NAME: {lambda_endpoint: http://HOST:PORT, function_name: OTHER}`.
// Pure helpers plus a factory; the function made is thread-safe (HttpFunction).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "integrations/local_function.h"

namespace sg::integrations {

// The scheme prefix of a Lambda endpoint in `--function NAME=SPEC`.
inline constexpr std::string_view kLambdaEndpointPrefix = "lambda+";

// True when SPEC is `lambda+http://...` or `lambda+https://...` (any case).
bool is_lambda_endpoint_spec(std::string_view spec);

// The Invoke URL of `function_name` (and `qualifier`, when not empty) at `endpoint` (a base
// URL; a trailing '/' is ignored). Path and query parts are percent-encoded.
std::string lambda_invoke_url(std::string_view endpoint, std::string_view function_name,
                              std::string_view qualifier);

// A LocalFunction that invokes `function_name` at `endpoint` as described above.
std::unique_ptr<LocalFunction> make_lambda_endpoint_function(const std::string& endpoint,
                                                             const std::string& function_name,
                                                             std::string_view qualifier);

}  // namespace sg::integrations
