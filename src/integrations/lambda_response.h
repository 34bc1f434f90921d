// The result object of `arn:aws:states:::lambda:invoke`, shaped as AWS returns it
// (reference §4.4, and AWS-recorded snapshots):
//
//   {"ExecutedVersion":"$LATEST","Payload":<output>,
//    "SdkHttpMetadata":{"AllHttpHeaders":{"X-Amz-Executed-Version":["$LATEST"],
//        "x-amzn-Remapped-Content-Length":["0"],"Connection":["keep-alive"],
//        "x-amzn-RequestId":["<id>"],"Content-Length":["<n>"],"Date":["<RFC 1123>"],
//        "X-Amzn-Trace-Id":["root=...;sampled=0"],"Content-Type":["application/json"]},
//      "HttpHeaders":{ the same headers with single string values, sorted by name },
//      "HttpStatusCode":200},
//    "SdkResponseMetadata":{"RequestId":"<id>"},"StatusCode":200}
//
// Header order and names follow the AWS recording. For Event (202) and DryRun (204)
// invocations ExecutedVersion and X-Amz-Executed-Version are left out (pass an empty
// executed_version) and Content-Length is 0 (AWS's exact headers for those are unconfirmed).
//
// Pure, except random_request_id() (thread-safe randomness).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "json/value.h"

namespace sg::integrations {

struct InvokeResponseMeta {
  int status_code = 200;                          // 200 RequestResponse, 202 Event, 204 DryRun
  std::string_view executed_version = "$LATEST";  // empty: omitted
  size_t content_length = 0;                      // bytes of the function's response
  std::string_view request_id;
  int64_t now_ms = 0;  // for the Date header
};

json::Value lambda_invoke_result(json::Value payload, const InvokeResponseMeta& meta);

// "Tue, 07 Nov 2023 12:31:47 GMT" (RFC 1123, as HTTP Date headers are written).
std::string format_http_date(int64_t epoch_ms);

// "root=1-<8 hex seconds>-<24 hex>;parent=<16 hex>;sampled=0", derived from the request id
// so that it is deterministic when the request id is.
std::string trace_id_for(std::string_view request_id, int64_t now_ms);

// A random (version 4) UUID, lowercase: "3f2b0c1e-8d4a-4b6f-9c2e-1a5d7e9f0b3c".
std::string random_request_id();

}  // namespace sg::integrations
