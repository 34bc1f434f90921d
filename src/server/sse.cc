#include "server/sse.h"

#include <algorithm>
#include <utility>

namespace sg::server {

std::string format_sse_event(std::string_view event, std::string_view data, std::string_view id) {
  std::string out;
  out.reserve(event.size() + data.size() + 32);
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  if (!event.empty()) out.append("event: ").append(event).append("\n");
  // Each line of the data is a "data:" field; \r\n, \r and \n all end a line.
  size_t start = 0;
  for (;;) {
    size_t end = data.find_first_of("\r\n", start);
    out.append("data: ").append(data.substr(start, end == std::string_view::npos ? end : end - start));
    out.push_back('\n');
    if (end == std::string_view::npos) break;
    start = end + (data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n' ? 2 : 1);
  }
  out.push_back('\n');
  return out;
}

std::string format_sse_comment(std::string_view text) {
  std::string out = ": ";
  for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  out += "\n\n";
  return out;
}

SseHub::SseHub(SseOptions options) : options_(options) {
  heartbeat_ = std::thread([this] { heartbeat_loop(); });
}

SseHub::~SseHub() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& s : streams_) s->close();
    streams_.clear();
  }
  stop_cv_.notify_all();
  heartbeat_.join();
}

HttpResponse SseHub::open_stream() {
  HttpResponse r;
  std::lock_guard lock(mu_);
  std::erase_if(streams_, [](const auto& s) { return s->closed(); });
  if (stopping_ || streams_.size() >= options_.max_clients) {
    r.status = 503;
    r.body = R"({"message":"Too many event stream clients"})";
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  r.content_type = "text/event-stream; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");  // tells reverse proxies not to buffer
  r.stream = std::make_shared<ResponseStream>(options_.max_queued_bytes);
  std::string hello = "retry: " + std::to_string(options_.retry.count()) + "\n";
  hello += format_sse_comment("stepguard events");
  r.stream->write(hello);
  streams_.push_back(r.stream);
  return r;
}

void SseHub::broadcast(const std::string& text) {
  std::erase_if(streams_, [&](const auto& s) { return !s->write(text); });
}

void SseHub::publish(std::string_view event, std::string_view data) {
  std::string text = format_sse_event(event, data);
  std::lock_guard lock(mu_);
  ++published_;
  broadcast(text);
}

size_t SseHub::clients() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

uint64_t SseHub::published() const {
  std::lock_guard lock(mu_);
  return published_;
}

void SseHub::heartbeat_loop() {
  const std::string beat = format_sse_comment("heartbeat");
  std::unique_lock lock(mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, options_.heartbeat, [this] { return stopping_; });
    if (stopping_) break;
    broadcast(beat);
  }
}

}  // namespace sg::server
