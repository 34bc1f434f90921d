// LocalFunction: one configured stand-in for a Lambda function (a command or an HTTP URL),
// and the outcome of calling it, before the Task-level wrapping the executor adds.
//
// Outcome rules shared by every kind of function (interpret_payload):
// - The payload (stdout / response body) is JSON; empty means null.
// - A JSON object with a string "errorType", or a payload flagged as a function error
//   (HTTP header X-Amz-Function-Error), is a function error: the error name is errorType
//   ("Lambda.Unknown" when missing) and the cause is the payload in compact JSON, fields
//   kept as given (AWS's cause is the compact error payload).
// - A payload that is not JSON is error "Lambda.Unknown" (the cause quotes its start).
// - A payload over kMaxResponseBytes is error "Function.ResponseSizeTooLarge", as Lambda
//   reports a response over its 6 MB synchronous limit.
// Timeouts are error "States.Timeout" with an empty cause (AWS's TaskTimedOut has none).
//
// Implementations are thread-safe: call() may run concurrently from several threads, and
// never throws.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "json/value.h"

namespace sg::integrations {

// Lambda's limit for a synchronous response payload (the figure its error message gives).
constexpr size_t kMaxResponseBytes = 6291556;

struct FunctionOutcome {
  bool ok = false;
  json::Value output;        // when ok: the parsed payload
  size_t payload_bytes = 0;  // when ok: bytes of the raw payload (Content-Length)
  std::string error;         // when !ok
  std::string cause;         // when !ok

  static FunctionOutcome success(json::Value v, size_t bytes) {
    FunctionOutcome o;
    o.ok = true;
    o.output = std::move(v);
    o.payload_bytes = bytes;
    return o;
  }
  static FunctionOutcome failure(std::string error, std::string cause) {
    FunctionOutcome o;
    o.error = std::move(error);
    o.cause = std::move(cause);
    return o;
  }
};

struct FunctionCall {
  std::string_view event;       // the JSON payload sent to the function
  int64_t timeout_ms = 0;       // 0: no timeout
  std::string_view request_id;  // the invocation's request id, quoted by service-error causes
  // Turns true when the caller no longer wants the result (a sibling failed): a call not
  // started yet is skipped, a running one stopped where the function kind allows it.
  const std::atomic<bool>* withdrawn = nullptr;
  bool is_withdrawn() const { return withdrawn && withdrawn->load(std::memory_order_relaxed); }
};

// The outcome of a call that was withdrawn before it finished (nobody reads it).
FunctionOutcome withdrawn_outcome();

class LocalFunction {
 public:
  virtual ~LocalFunction() = default;
  virtual FunctionOutcome call(const FunctionCall& call) = 0;
  // Makes every call (outcomes[i] for calls[i]) with up to `width` of them in flight at
  // once, calls done(i) (from any thread, one at a time) as soon as outcomes[i] is final,
  // and returns when all are done. Withdrawn calls are skipped or stopped. The default runs
  // call() on up to `width` threads.
  using Done = std::function<void(size_t)>;
  virtual void call_all(std::span<const FunctionCall> calls, std::span<FunctionOutcome> outcomes,
                        size_t width, const Done& done);
};

// Applies the outcome rules above to a payload the function returned. `who` names the
// function in causes ("local function 'my-fn'").
FunctionOutcome interpret_payload(std::string_view payload, bool flagged_function_error,
                                  std::string_view who);

// The response-size failure (see above).
FunctionOutcome response_too_large();

// At most the last `max` bytes of `text`, starting on a UTF-8 character boundary.
std::string_view tail_utf8(std::string_view text, size_t max);

}  // namespace sg::integrations
