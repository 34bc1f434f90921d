#include "integrations/http_pipeline.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>

#include "integrations/http_response_parser.h"

namespace sg::integrations {

namespace {

// Requests waiting on one connection: enough to amortise system calls, few enough that a
// connection the server drops fails only a handful of calls.
constexpr size_t kMaxDepth = 8;
constexpr size_t kMaxIdle = 16;  // connections kept between batches
constexpr int kConnectTimeoutMs = 10000;
constexpr int kWithdrawCheckMs = 50;  // how often waiting calls look at their flags

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A pooled connection the server has closed (or that has stray bytes) is unusable.
bool still_usable(int fd) {
  char c;
  ssize_t r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

struct Conn {
  int fd = -1;
  bool proven = false;    // the server keeps connections alive
  bool pooled = false;    // taken from the idle pool
  bool answered = false;  // a response arrived in this batch
  bool lone = false;      // carries a request with a timeout
  bool dead = false;
  int64_t deadline = 0;  // lone: when the request times out
  std::string out;
  size_t out_off = 0;
  std::string in;
  size_t in_off = 0;
  std::deque<size_t> waiting;  // requests sent or queued to send, in order
  HttpResponseParser parser;
  explicit Conn(size_t max_body) : parser(max_body) {}
};

}  // namespace

std::optional<HttpPipeline> HttpPipeline::for_url(std::string_view url, size_t max_response_bytes) {
  CURLU* u = curl_url();
  if (!u) return std::nullopt;
  std::string text(url);
  std::optional<HttpPipeline> result;
  char *scheme = nullptr, *host = nullptr, *port = nullptr, *path = nullptr, *query = nullptr,
       *user = nullptr;
  if (curl_url_set(u, CURLUPART_URL, text.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK && std::strcmp(scheme, "http") == 0 &&
      curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_NO_USER &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
    std::string target = path;
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) target += std::string("?") + query;
    std::string host_name = host;
    // Bracketed IPv6 literals connect without the brackets.
    std::string connect_host = host_name;
    if (connect_host.size() > 2 && connect_host.front() == '[' && connect_host.back() == ']')
      connect_host = connect_host.substr(1, connect_host.size() - 2);
    std::string host_header = host_name;
    if (std::strcmp(port, "80") != 0) host_header += std::string(":") + port;
    std::string head = "POST " + target + " HTTP/1.1\r\nHost: " + host_header +
                       "\r\nUser-Agent: stepguard\r\nContent-Type: application/json\r\nAccept: "
                       "application/json\r\nContent-Length: ";
    result.emplace(HttpPipeline(std::move(connect_host), port, std::move(head), max_response_bytes));
  }
  for (char* p : {scheme, host, port, path, query, user}) curl_free(p);
  curl_url_cleanup(u);
  return result;
}

HttpPipeline::HttpPipeline(std::string host, std::string port, std::string head_prefix,
                           size_t max_response_bytes)
    : host_(std::move(host)),
      port_(std::move(port)),
      head_prefix_(std::move(head_prefix)),
      max_response_bytes_(max_response_bytes) {}

HttpPipeline::HttpPipeline(HttpPipeline&& o) noexcept
    : host_(std::move(o.host_)),
      port_(std::move(o.port_)),
      head_prefix_(std::move(o.head_prefix_)),
      max_response_bytes_(o.max_response_bytes_),
      idle_(std::move(o.idle_)) {
  o.idle_.clear();
}

HttpPipeline::~HttpPipeline() {
  for (int fd : idle_) close(fd);
}

// Connects to the origin (each resolved address in turn), non-blocking, TCP_NODELAY.
int HttpPipeline::connect_one(std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found);
  if (rc != 0) {
    error = "Could not resolve host: " + host_ + " (" + gai_strerror(rc) + ")";
    return -1;
  }
  int fd = -1;
  error.clear();
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    int s = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (s < 0) continue;
    int err = 0;
    if (connect(s, a->ai_addr, a->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd p{s, POLLOUT, 0};
        if (poll(&p, 1, kConnectTimeoutMs) == 1) {
          socklen_t len = sizeof err;
          getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
        } else {
          err = ETIMEDOUT;
        }
      }
    }
    if (err != 0) {
      error = "Failed to connect to " + host_ + " port " + port_ + ": " + std::strerror(err);
      close(s);
      continue;
    }
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd = s;
  }
  freeaddrinfo(found);
  if (fd < 0 && error.empty()) error = "Failed to connect to " + host_ + " port " + port_;
  return fd;
}

void HttpPipeline::post_all(std::span<const PipelinedRequest> requests,
                            std::span<PipelinedResponse> responses, size_t max_connections,
                            const std::function<void(size_t)>& done) {
  if (max_connections == 0) max_connections = 1;
  std::deque<size_t> pending;
  for (size_t i = 0; i < requests.size(); ++i) pending.push_back(i);
  std::vector<int> resends(requests.size(), 0);
  size_t remaining = requests.size();
  std::deque<Conn> conns;  // deque: references stay valid as connections are added

  auto finish = [&](size_t i, PipelinedResponse r) {
    responses[i] = std::move(r);
    --remaining;
    if (done) done(i);
  };
  auto withdrawn = [&](size_t i) {
    return requests[i].withdrawn && requests[i].withdrawn->load(std::memory_order_relaxed);
  };
  auto finish_withdrawn = [&](size_t i) {
    PipelinedResponse r;
    r.kind = PipelinedResponse::Kind::kWithdrawn;
    finish(i, std::move(r));
  };
  bool watch_withdrawals = false;
  for (const PipelinedRequest& r : requests) watch_withdrawals = watch_withdrawals || r.withdrawn;
  auto transport_error = [](std::string message) {
    PipelinedResponse r;
    r.kind = PipelinedResponse::Kind::kTransportError;
    r.error = std::move(message);
    return r;
  };
  auto kill = [&](Conn& c) {
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
    c.dead = true;
  };
  // Requests on a closing connection go back to the front of the queue, in order. After a
  // "Connection: close" answer they certainly did not run (`certain`): resending them
  // always makes progress, since every connection answers at least once before closing.
  // A stale pooled connection is retried at most twice per request.
  auto requeue = [&](Conn& c, bool certain) {
    bool again = false;
    for (auto it = c.waiting.rbegin(); it != c.waiting.rend(); ++it) {
      if (!certain && ++resends[*it] > 2) {
        finish(*it, transport_error("the connection closed before a response arrived, " +
                                    std::to_string(resends[*it]) + " times"));
      } else {
        pending.push_front(*it);
        again = true;
      }
    }
    c.waiting.clear();
    return again;
  };
  // The parsed response answers the oldest request waiting on the connection.
  auto answer_front = [&](Conn& c) {
    size_t i = c.waiting.front();
    c.waiting.pop_front();
    PipelinedResponse r;
    r.kind = PipelinedResponse::Kind::kResponse;
    r.status = c.parser.status();
    r.function_error = c.parser.function_error();
    r.body = std::move(c.parser.body());
    finish(i, std::move(r));
  };
  // The oldest waiting request ends without a response (it timed out, or its answer was
  // too large).
  auto end_front = [&](Conn& c, PipelinedResponse::Kind kind) {
    size_t i = c.waiting.front();
    c.waiting.pop_front();
    PipelinedResponse r;
    r.kind = kind;
    finish(i, std::move(r));
  };
  auto fail_waiting = [&](Conn& c, const std::string& message) {
    for (size_t i : c.waiting) finish(i, transport_error(message));
    c.waiting.clear();
  };
  auto alive_count = [&] {
    size_t n = 0;
    for (const Conn& c : conns) n += !c.dead;
    return n;
  };
  auto can_take = [&](const Conn& c, size_t i) {
    if (c.dead || c.lone) return false;
    if (c.waiting.empty()) return true;
    return requests[i].timeout_ms <= 0 && c.proven && c.waiting.size() < kMaxDepth;
  };
  auto enqueue = [&](Conn& c, size_t i) {
    const PipelinedRequest& r = requests[i];
    if (c.out_off == c.out.size()) {
      c.out.clear();
      c.out_off = 0;
    }
    c.out += head_prefix_;
    c.out += std::to_string(r.body.size());
    c.out += "\r\n\r\n";
    c.out += r.body;
    c.waiting.push_back(i);
    if (r.timeout_ms > 0) {
      c.lone = true;
      c.deadline = now_ms() + r.timeout_ms;
    }
  };

  while (remaining > 0) {
    // Withdrawn requests still queued are never sent; a connection that only waits on
    // withdrawn ones is closed.
    if (watch_withdrawals) {
      for (auto it = pending.begin(); it != pending.end();) {
        if (withdrawn(*it)) {
          finish_withdrawn(*it);
          it = pending.erase(it);
        } else {
          ++it;
        }
      }
      for (Conn& c : conns) {
        if (c.dead || c.waiting.empty()) continue;
        bool all = true;
        for (size_t i : c.waiting) all = all && withdrawn(i);
        if (!all) continue;
        kill(c);
        for (size_t i : c.waiting) finish_withdrawn(i);
        c.waiting.clear();
      }
      if (remaining == 0) break;
    }
    // Open (or take from the pool) as many connections as the queue can use.
    size_t alive = alive_count();
    size_t busy_or_queued = pending.size();
    for (const Conn& c : conns) busy_or_queued += c.dead ? 0 : c.waiting.size();
    while (!pending.empty() && alive < max_connections && alive < busy_or_queued) {
      int fd = -1;
      bool pooled = false;
      while (fd < 0 && !idle_.empty()) {
        int candidate = idle_.back();
        idle_.pop_back();
        if (still_usable(candidate)) {
          fd = candidate;
          pooled = true;
        } else {
          close(candidate);
        }
      }
      if (fd < 0) {
        std::string error;
        fd = connect_one(error);
        if (fd < 0) {
          size_t i = pending.front();
          pending.pop_front();
          finish(i, transport_error(error));
          --busy_or_queued;
          continue;
        }
      }
      Conn& c = conns.emplace_back(max_response_bytes_);
      c.fd = fd;
      c.proven = c.pooled = pooled;
      ++alive;
    }
    // Hand out queued requests round-robin.
    for (bool progress = true; progress && !pending.empty();) {
      progress = false;
      for (Conn& c : conns) {
        if (pending.empty()) break;
        if (!can_take(c, pending.front())) continue;
        enqueue(c, pending.front());
        pending.pop_front();
        progress = true;
      }
    }
    if (remaining == 0) break;

    // Write what is queued; wait for the sockets (or the nearest timeout).
    std::vector<pollfd> fds;
    std::vector<Conn*> owners;
    int64_t nearest = -1;
    for (Conn& c : conns) {
      if (c.dead) continue;
      while (c.out_off < c.out.size()) {
        ssize_t w = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
        if (w > 0) {
          c.out_off += static_cast<size_t>(w);
          continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (w < 0 && errno == EINTR) continue;
        // The server went away: nothing was answered yet on this connection for these.
        std::string why = std::string("Failed to send the request: ") + std::strerror(errno);
        kill(c);
        if (!(c.pooled && !c.answered && requeue(c, false))) fail_waiting(c, why);
        break;
      }
      if (c.dead) continue;
      if (c.waiting.empty() && c.out_off == c.out.size()) continue;
      short events = POLLIN;
      if (c.out_off < c.out.size()) events |= POLLOUT;
      fds.push_back(pollfd{c.fd, events, 0});
      owners.push_back(&c);
      if (c.lone) nearest = nearest < 0 ? c.deadline : std::min(nearest, c.deadline);
    }
    if (fds.empty()) continue;  // requeued work: go round again
    int wait_ms = -1;
    if (nearest >= 0) wait_ms = static_cast<int>(std::max<int64_t>(0, nearest - now_ms()));
    if (watch_withdrawals && (wait_ms < 0 || wait_ms > kWithdrawCheckMs)) wait_ms = kWithdrawCheckMs;
    int n = poll(fds.data(), fds.size(), wait_ms);
    if (n < 0 && errno != EINTR) {
      std::string why = std::string("poll failed: ") + std::strerror(errno);
      for (Conn* c : owners) {
        fail_waiting(*c, why);
        kill(*c);
      }
      continue;
    }
    int64_t now = now_ms();
    for (size_t k = 0; k < fds.size(); ++k) {
      Conn& c = *owners[k];
      if (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) {
        bool eof = false;
        char chunk[65536];
        for (;;) {
          ssize_t r = recv(c.fd, chunk, sizeof chunk, 0);
          if (r > 0) {
            if (c.in_off == c.in.size()) {
              c.in.clear();
              c.in_off = 0;
            }
            c.in.append(chunk, static_cast<size_t>(r));
            if (static_cast<size_t>(r) < sizeof chunk) break;
            continue;
          }
          if (r < 0 && errno == EINTR) continue;
          if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
          eof = true;
          break;
        }
        // Responses complete in arrival order, one per waiting request.
        while (!c.dead && c.in_off < c.in.size()) {
          if (c.waiting.empty()) {  // bytes nobody asked for: the connection is unusable
            kill(c);
            break;
          }
          c.in_off += c.parser.feed(std::string_view(c.in).substr(c.in_off));
          if (c.parser.failed()) break;
          if (!c.parser.done()) continue;
          c.answered = true;
          c.lone = false;
          bool keep = c.parser.keep_alive();
          answer_front(c);
          c.parser.reset();
          if (!keep) {  // the server processes nothing after this response
            kill(c);
            requeue(c, true);
          } else {
            c.proven = true;
          }
        }
        if (!c.dead && eof) {
          c.parser.finish_at_eof();
          if (c.parser.done() && !c.waiting.empty()) {
            answer_front(c);
            kill(c);
            requeue(c, true);
          } else {
            bool stale = c.pooled && !c.answered && !c.parser.started();
            kill(c);
            if (!(stale && requeue(c, false)))
              fail_waiting(c, c.parser.failed() ? c.parser.error() : "the connection closed");
          }
        }
        if (!c.dead && c.parser.failed()) {
          std::string why = c.parser.error();
          if (c.parser.too_large() && !c.waiting.empty()) end_front(c, PipelinedResponse::Kind::kTooLarge);
          kill(c);
          fail_waiting(c, "invalid HTTP response: " + why);
        }
      }
      if (!c.dead && c.lone && !c.waiting.empty() && now >= c.deadline) {
        end_front(c, PipelinedResponse::Kind::kTimeout);
        kill(c);
        fail_waiting(c, "the connection closed after a timeout");  // none: a lone request rides alone
      }
    }
    // Forget finished connections so the scans stay short.
    while (!conns.empty() && conns.front().dead) conns.pop_front();
  }
  for (Conn& c : conns) {
    if (c.dead) continue;
    if (c.proven && c.waiting.empty() && c.out_off == c.out.size() && c.in_off == c.in.size() &&
        !c.parser.started() && idle_.size() < kMaxIdle) {
      idle_.push_back(c.fd);
    } else {
      close(c.fd);
    }
  }
}

}  // namespace sg::integrations
