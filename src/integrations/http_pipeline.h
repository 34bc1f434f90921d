// HttpPipeline: POSTs a batch of JSON requests to one plain-http origin over a few
// keep-alive connections, pipelining them (RFC 9112 section 9.3.2), from one thread.
// HttpFunction uses it for batches (Map iterations, Parallel branches calling the same
// function at once): one write carries many requests and one read many responses, where
// a request per connection would pay a system call and a wake-up on each side per call.
//
// Safety rules, since the calls are not idempotent:
// - A fresh connection carries one request until its first response shows the server
//   keeps connections alive; only then are requests pipelined on it.
// - A request with a timeout travels alone on its connection, so its timeout closes no
//   connection that other requests wait on.
// - A response with "Connection: close" ends the connection; the requests sent after it
//   were not processed (the server must not read them), so they are sent again on
//   another connection.
// - A pooled connection that closes before answering anything in this batch (the server
//   dropped it while idle) is replaced and its requests sent again, as libcurl does.
// - Any other close or error fails the requests still waiting on that connection with a
//   transport error (their function may or may not have run).
//
// Idle connections are kept (up to max_idle) for the next batch. Not thread-safe: the
// owner serialises calls to post_all().
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sg::integrations {

struct PipelinedRequest {
  std::string_view body;
  int64_t timeout_ms = 0;  // 0: none
  // Turns true when the result is no longer wanted: not sent if still queued; a
  // connection whose waiting requests are all withdrawn is closed.
  const std::atomic<bool>* withdrawn = nullptr;
};

struct PipelinedResponse {
  enum class Kind { kResponse, kTimeout, kTooLarge, kTransportError, kWithdrawn };
  Kind kind = Kind::kTransportError;
  int status = 0;
  bool function_error = false;  // header X-Amz-Function-Error
  std::string body;
  std::string error;  // kTransportError: what went wrong
};

class HttpPipeline {
 public:
  // Parses an http:// URL (no user info); nullopt for anything else.
  static std::optional<HttpPipeline> for_url(std::string_view url, size_t max_response_bytes);

  HttpPipeline(HttpPipeline&& other) noexcept;
  HttpPipeline& operator=(HttpPipeline&&) = delete;
  HttpPipeline(const HttpPipeline&) = delete;
  ~HttpPipeline();

  // responses[i] for requests[i]; at most max_connections connections. done(i), when
  // given, runs (on this thread) as soon as responses[i] is final.
  void post_all(std::span<const PipelinedRequest> requests, std::span<PipelinedResponse> responses,
                size_t max_connections, const std::function<void(size_t)>& done = nullptr);

 private:
  HttpPipeline(std::string host, std::string port, std::string head_prefix, size_t max_response_bytes);
  int connect_one(std::string& error);

  std::string host_;
  std::string port_;
  std::string head_prefix_;  // "POST /path HTTP/1.1\r\nHost: ...\r\n...Content-Length: "
  size_t max_response_bytes_;
  std::vector<int> idle_;  // proven keep-alive connections
};

}  // namespace sg::integrations
