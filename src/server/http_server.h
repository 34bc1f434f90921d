// The HTTP/1.1 server of `stepguard serve`: keep-alive connections, many at once, on a
// small pool of I/O threads (Boost.Asio/Beast). Requests are handed to one Handler, which
// answers through a Responder, now or later, from any thread: a long poll holds no thread
// while it waits.
//
// The Handler runs on an I/O thread, so it must not block; work that waits keeps the
// Responder and answers later. A connection reads its next request only once the previous
// answer is written, so pipelined requests are answered in order and a client ties up at
// most one request's memory per connection.
//
// A response may also be a stream (ResponseStream, for server-sent events): its
// connection carries that one response until either side closes it; stop() closes
// streams at once rather than waiting for them.
//
// Limits: request bodies over max_body_bytes get 413, malformed requests 400, both with a
// JSON body ({"__type": ..., "message": ...}) and then a closed connection; a connection
// idle for idle_timeout is closed. Graceful shutdown: stop() closes the listener at once,
// lets requests in flight finish (up to the grace period), then closes every connection;
// its return means no Handler call is running or will run.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sg::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/healthz"
  // Header names are lower case; a header sent several times appears several times.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote;  // "127.0.0.1:53422"

  // The first value of a header (name in lower case), or empty.
  std::string header(std::string_view lower_name) const;
};

// A response body written over time (server-sent events): a handler answers with
// HttpResponse::stream set, the server sends the status line and headers at once (the body
// ends when the connection closes: no length, "Connection: close"), then whatever is
// written to the stream, in order, until either side closes it.
//
// write() never blocks: it appends to a queue of at most max_queued_bytes that the
// connection's I/O thread empties. A client too slow to keep up is dropped: the write that
// would overflow the queue fails and the connection closes. All members are thread-safe.
class ResponseStream {
 public:
  static constexpr size_t kDefaultMaxQueuedBytes = size_t{1} << 20;

  explicit ResponseStream(size_t max_queued_bytes = kDefaultMaxQueuedBytes) : max_queued_(max_queued_bytes) {}
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

  // Queues data for the client. False, with nothing queued, once the stream is closed:
  // by close(), because the client left, the server stopped or an earlier write overflowed
  // the queue, or because this write overflows it.
  bool write(std::string_view data);
  // Ends the response after the data already queued (idempotent).
  void close();
  bool closed() const;

  // For the server: the connection's wake-up (called, without the lock held, when data
  // arrives in an empty queue or the stream closes), taking the queue, and the connection
  // going away. Not for handlers.
  void attach(std::function<void()> wake);
  // Moves the queued data into *out; returns false when the stream is closed and nothing
  // is left to send.
  bool take(std::string* out);
  void detach();

 private:
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::string queue_;           // guarded by mu_
  bool closed_ = false;         // guarded by mu_
  std::function<void()> wake_;  // guarded by mu_
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  // When set, the body is this stream instead of `body` (see ResponseStream).
  std::shared_ptr<ResponseStream> stream;
};

// Call exactly once, from any thread, at any time (even after the server is destroyed);
// copies share one answer and later calls are ignored. Calling it after the server stopped,
// or after the client went away, does nothing. If every copy is destroyed uncalled, the
// client gets a 500, so a lost request never hangs its connection.
using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest&& request, Responder respond)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8083;  // 0: any free port (see HttpServer::port())
  int io_threads = 2;
  size_t max_body_bytes = 1u << 20 | 65536;  // AWS's 1 MB request limit, plus envelope
  std::chrono::seconds idle_timeout{75};
  std::chrono::milliseconds shutdown_grace{10000};
};

class HttpServer {
 public:
  HttpServer();
  ~HttpServer();  // stops if running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the I/O threads. Fails (code "LISTEN") when the address is taken or
  // cannot be resolved, with a message naming host:port and the OS error, and when the
  // server was started before (a server runs once).
  Status start(const HttpServerOptions& options, Handler handler);
  uint16_t port() const;  // the bound port, once start() succeeded
  // Graceful, see above; idempotent. Safe from any thread except the I/O threads (it waits
  // for them, so a Handler must not call it), e.g. from a thread that waits for signals.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sg::server
