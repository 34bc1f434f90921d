// The HTTP Task's Parameters (`arn:aws:states:::http:invoke`) turned into the request to
// send, and the response turned into AWS's result object. Pure: no I/O, no clock.
//
// Parameters (names as AWS spells them):
//   ApiEndpoint       required string: an http:// or https:// URL (AWS allows only https;
//                     local endpoints are usually plain http, so both are accepted)
//   Method            required: GET, POST, PUT, DELETE, PATCH, OPTIONS or HEAD
//   Authentication    {ConnectionArn}: required (InvocationConfig {ConnectionArn}, AWS's
//                     form for private APIs, is accepted as well)
//   Headers           object of header names to strings, numbers or booleans (arrays are
//                     joined with commas)
//   QueryParameters   object, URL-encoded as Transform's ArrayFormat says (INDICES by
//                     default) and appended to the endpoint's query
//   RequestBody       any JSON: sent as compact JSON (Content-Type application/json;
//                     charset=UTF-8 unless Headers set one); a string is sent as it is
//                     (Content-Type text/plain; charset=UTF-8 unless set)
//   Transform         {RequestBodyEncoding: NONE | URL_ENCODED,
//                      RequestEncodingOptions: {ArrayFormat: INDICES|REPEAT|COMMAS|BRACKETS}}
//                     URL_ENCODED sends an object RequestBody form-encoded
//                     (url_encoding.h) with Content-Type application/x-www-form-urlencoded
// Any other parameter is rejected.
//
// Headers the definition may not set (the request fails before anything is sent):
// Authorization, Host, Content-Length, Connection, Cookie, Date, Expect, From, Origin,
// Referer, Range, TE, Trailer, Transfer-Encoding, Upgrade, Via, Warning, Max-Forwards,
// Proxy-Authorization, Accept-Charset, Accept-Encoding, Content-Encoding, Content-MD5,
// Forwarded, Cache-Control, Pragma, If-*, and any X-Amz-*, X-Amzn-* or X-Forwarded-*.
// stepguard sets `User-Agent: Amazon|StepFunctions|HttpInvoke|<region>` and
// `Range: bytes=0-262144`, as AWS does.
//
// The connection (connections.h) adds its headers, query and body parameters where the
// definition does not set the same name (the definition wins), then its credentials
// (added by the executor, which owns the OAuth cache).
//
// Every invalid parameter is error "States.Runtime" with a cause naming the parameter.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "integrations/connections.h"
#include "integrations/http_task_client.h"
#include "json/value.h"

namespace sg::integrations {

struct TaskFailure {
  std::string error;
  std::string cause;
};

struct HttpTaskRequest {
  std::string connection_arn;
  HttpCall call;  // method, url, headers, body (no credentials yet, no timeout)
};

// Checks Parameters and builds the request (connection may be null: nothing merged).
Result<HttpTaskRequest, TaskFailure> build_http_task_request(const json::Value& parameters,
                                                             const Connection* connection,
                                                             std::string_view region);

// The ConnectionArn named in Parameters ("" when missing or not a string).
std::string_view http_task_connection_arn(const json::Value& parameters);

// True for a header name the definition may not set.
bool is_forbidden_http_task_header(std::string_view name);

// {"Headers": {name: [values...]}, "ResponseBody": <JSON when the content type is JSON and
//  the body parses, else the text>, "StatusCode": n, "StatusText": "..."}.
// Header names keep the case the server sent; repeated names gather their values.
json::Value http_task_result(const HttpReply& reply);

}  // namespace sg::integrations
