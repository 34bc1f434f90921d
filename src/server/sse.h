// Server-sent events (the text/event-stream format browsers read with EventSource) for many
// clients at once: the guardian's live feed to the dashboard.
//
// Contract
// - format_sse_event() / format_sse_comment(): the wire format. Data with line breaks
//   becomes several "data:" lines, which the browser joins back with "\n".
// - SseHub::open_stream(): the HttpResponse to answer a subscription with: status 200,
//   text/event-stream, no caching, first a "retry:" line (reconnection delay); then every
//   published event. At max_clients open streams it answers 503 instead.
// - publish(): formats the event once and queues it on every open stream; never blocks.
//   A client whose queue (max_queued_bytes) is full is dropped (its connection closes; a
//   browser reconnects after the retry delay). Callable from any thread, e.g. the service
//   loop after a commit.
// - A comment line goes to every client each heartbeat interval, so proxies and browsers
//   keep idle connections open and dead ones are noticed; closed streams are forgotten then
//   and on publish().
// - The destructor ends every stream and stops the heartbeat thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "server/http_server.h"

namespace sg::server {

std::string format_sse_event(std::string_view event, std::string_view data, std::string_view id = {});
std::string format_sse_comment(std::string_view text);

struct SseOptions {
  std::chrono::milliseconds heartbeat{15000};
  std::chrono::milliseconds retry{3000};
  size_t max_queued_bytes = size_t{512} << 10;
  size_t max_clients = 1000;
};

class SseHub {
 public:
  explicit SseHub(SseOptions options = {});
  ~SseHub();
  SseHub(const SseHub&) = delete;
  SseHub& operator=(const SseHub&) = delete;

  HttpResponse open_stream();
  void publish(std::string_view event, std::string_view data);
  // Open streams (closed ones are counted until the next publish or heartbeat).
  size_t clients() const;
  // Events published so far.
  uint64_t published() const;

 private:
  void broadcast(const std::string& text);  // mu_ held
  void heartbeat_loop();

  const SseOptions options_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;                                 // guarded by mu_
  std::vector<std::shared_ptr<ResponseStream>> streams_;  // guarded by mu_
  uint64_t published_ = 0;                                // guarded by mu_
  std::thread heartbeat_;
};

}  // namespace sg::server
