// HttpFunction: a local Lambda function served over HTTP(S).
//
// Each call POSTs the event JSON (Content-Type: application/json, no Expect: 100-continue)
// with libcurl. Easy handles are pooled per function, so sequential calls reuse one
// keep-alive connection (TCP_NODELAY and TCP keep-alive on); concurrent calls take extra
// handles from the pool.
//
// Outcomes (see local_function.h for the payload rules):
//   2xx                 the body is the payload; header X-Amz-Function-Error or an
//                       errorType object makes it a function error (error = errorType,
//                       "Lambda.Unknown" when missing)
//   404                 Lambda.ResourceNotFoundException
//   429                 Lambda.TooManyRequestsException
//   other 1xx/3xx/4xx   Lambda.AWSLambdaException
//   5xx                 Lambda.ServiceException
//   timeout             States.Timeout (empty cause)
//   no connection etc.  Lambda.SdkClientException, cause "Unable to execute HTTP request: <curl's message>
//   ..."
// Non-2xx causes follow the AWS SDK's shape: "<message> (Service: AWSLambda; Status Code: N;
// Error Code: CODE; Request ID: ID; Proxy: null)", the message quoting the body's start.
// Redirects are not followed.
//
// Batches (call_all, the calls of one instant of an execution) to a plain-http URL are
// pipelined over a few keep-alive connections by HttpPipeline, whose rules keep
// non-idempotent calls safe; other batches run call() on several threads.
//
// Thread-safe: the handle pool is guarded by a mutex; a handle is used by one call at a time.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "integrations/http_pipeline.h"
#include "integrations/local_function.h"

typedef void CURL;  // NOLINT: libcurl's own spelling of the handle type
struct curl_slist;

namespace sg::integrations {

namespace detail {
// One transfer's response as it arrives.
struct HttpExchange {
  std::string body;
  bool function_error = false;  // header X-Amz-Function-Error seen
  bool too_large = false;
  char errbuf[256];  // CURL_ERROR_SIZE
};
}  // namespace detail

class HttpFunction final : public LocalFunction {
 public:
  static constexpr size_t kMaxIdleHandles = 16;

  HttpFunction(std::string function_name, std::string url);
  ~HttpFunction() override;
  HttpFunction(const HttpFunction&) = delete;
  HttpFunction& operator=(const HttpFunction&) = delete;

  FunctionOutcome call(const FunctionCall& call) override;
  // A batch: pipelined over up to `width` keep-alive connections (http_pipeline.h) for a
  // plain-http URL with no proxy configured; otherwise up to `width` threads calling call().
  void call_all(std::span<const FunctionCall> calls, std::span<FunctionOutcome> outcomes, size_t width,
                const Done& done) override;

  // Handles created so far (tests check connection reuse with it).
  size_t handles_created() const;

 private:
  using Exchange = detail::HttpExchange;
  void prepare(CURL* h, const FunctionCall& call, Exchange& ex) const;
  FunctionOutcome outcome(CURL* h, int curl_code, const FunctionCall& call, Exchange& ex) const;
  FunctionOutcome no_client() const;
  FunctionOutcome transport_failure(std::string_view message) const;
  FunctionOutcome from_response(int status, bool function_error, std::string_view body,
                                const FunctionCall& call) const;
  CURL* acquire();
  void release(CURL* h);

  std::string function_name_;
  std::string url_;
  std::string who_;
  curl_slist* headers_ = nullptr;
  mutable std::mutex mu_;
  std::vector<CURL*> idle_;               // guarded by mu_
  size_t created_ = 0;                    // guarded by mu_
  mutable std::mutex pipeline_mu_;        // held by the call_all() using pipeline_
  std::optional<HttpPipeline> pipeline_;  // plain-http URLs only
};

}  // namespace sg::integrations
