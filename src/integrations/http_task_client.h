// send_http(): one HTTP request with libcurl, any method, headers and body, and the whole
// response (status line text, headers in arrival order, body). The transport under the
// HTTP Task, OAuth token requests and notification webhooks; HttpFunction keeps its own
// pooled, pipelining client because Lambda calls are POSTs of one shape.
//
// - Redirects are not followed (a 3xx is a response like any other).
// - timeout_ms bounds the whole exchange (0: none); a timeout is Kind::kTimeout.
// - A body beyond max_response_bytes stops the transfer: Kind::kTooLarge.
// - `withdrawn` turning true stops the transfer within about a second: Kind::kWithdrawn.
// - Connection failures (refused, DNS, TLS, reset) are Kind::kTransportError with curl's
//   message in `error`.
// Thread-safe: every call uses its own easy handle. Never throws except std::bad_alloc.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sg::integrations {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpCall {
  std::string method = "GET";  // GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD, ...
  std::string url;
  HeaderList headers;  // sent as given; an empty value sends "Name:" (an empty header)
  std::string body;
  bool send_body = false;  // false: no body at all (GET without Content-Length)
  int64_t timeout_ms = 0;
  size_t max_response_bytes = 1 << 20;
  const std::atomic<bool>* withdrawn = nullptr;
};

struct HttpReply {
  enum class Kind { kResponse, kTimeout, kTooLarge, kTransportError, kWithdrawn };
  Kind kind = Kind::kTransportError;
  int status = 0;
  std::string status_text;  // the reason phrase ("OK"); may be empty (HTTP/2, bare status lines)
  HeaderList headers;       // of the final response, in arrival order
  std::string body;
  std::string error;  // kTransportError: what went wrong

  bool ok_status() const { return kind == Kind::kResponse && status >= 200 && status < 300; }
  // The first header with this name (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

HttpReply send_http(const HttpCall& call);

// True when a and b are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// Standard reason phrase for a status ("Not Found"), "" when unknown.
std::string_view reason_phrase(int status);

}  // namespace sg::integrations
