// HTTP/1.1 clients for bench/server_bench.cc, on raw POSIX sockets over loopback.
//
// - sfn_request(): the bytes of one Step Functions API call (AWS JSON 1.0, unsigned).
// - HttpConnection: one blocking keep-alive connection for set-up and checking calls.
// - run_load(): a load generator on one thread over epoll: C keep-alive connections, each
//   with at most one request in flight (the server answers a connection's requests in
//   order anyway). Closed loop (rate 0): every connection sends its next request as soon as
//   the previous answer arrived. Open loop (rate > 0): request i is due at t0 + i/rate,
//   whatever the server does (a timerfd wakes the loop at the due time); a due request
//   waits for a free connection if all are busy, and its latency counts from its due time,
//   so queueing is included (no coordinated omission).
//
// Not a general HTTP client: responses must carry Content-Length (stepguard's do); no
// chunked bodies. Everything here is single-threaded; the caller owns the objects.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sgbench {

inline int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// CPU seconds (user + system) this process has used so far.
inline double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds the whole machine has spent busy (user, nice, system, irq, softirq) and
// stolen by the hypervisor, from /proc/stat; the difference of two readings minus this
// process and the server is what everything else on the machine used meanwhile.
struct MachineCpu {
  double busy_s = 0, steal_s = 0;
};
inline MachineCpu machine_cpu() {
  MachineCpu m;
  if (FILE* f = std::fopen("/proc/stat", "r")) {
    unsigned long long user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys, &idle, &iowait,
                    &irq, &softirq, &steal) == 8) {
      const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
      m.busy_s = static_cast<double>(user + nice + sys + irq + softirq) / hz;
      m.steal_s = static_cast<double>(steal) / hz;
    }
    std::fclose(f);
  }
  return m;
}

inline std::string sfn_request(std::string_view action, std::string_view body) {
  std::string r;
  r.reserve(160 + body.size());
  r += "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: "
       "AWSStepFunctions.";
  r += action;
  r += "\r\nContent-Length: ";
  r += std::to_string(body.size());
  r += "\r\n\r\n";
  r += body;
  return r;
}

inline const std::string& healthz_request() {
  static const std::string r = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  return r;
}

struct HttpReply {
  int status = 0;
  std::string body;
};

// Parses one response at the start of `buf`. Returns the bytes it takes (the reply is
// filled), 0 when incomplete, -1 when malformed or not Content-Length framed.
inline long parse_response(std::string_view buf, HttpReply* out) {
  size_t head_end = buf.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return buf.size() > 65536 ? -1 : 0;
  std::string_view head = buf.substr(0, head_end);
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return -1;
  size_t sp = head.find(' ');
  if (sp == std::string_view::npos || sp + 4 > head.size()) return -1;
  int status = 0;
  for (size_t i = sp + 1; i < sp + 4; ++i) {
    if (head[i] < '0' || head[i] > '9') return -1;
    status = status * 10 + (head[i] - '0');
  }
  long length = -1;
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string_view line =
        head.substr(pos + 2, (next == std::string_view::npos ? head.size() : next) - pos - 2);
    constexpr std::string_view kName = "content-length:";
    if (line.size() > kName.size()) {
      bool match = true;
      for (size_t i = 0; i < kName.size() && match; ++i)
        match = static_cast<char>(std::tolower(static_cast<unsigned char>(line[i]))) == kName[i];
      if (match) {
        length = 0;
        for (size_t i = kName.size(); i < line.size(); ++i)
          if (line[i] >= '0' && line[i] <= '9') length = length * 10 + (line[i] - '0');
      }
    }
    pos = next;
  }
  if (length < 0) return -1;
  size_t total = head_end + 4 + static_cast<size_t>(length);
  if (buf.size() < total) return 0;
  out->status = status;
  out->body.assign(buf.substr(head_end + 4, static_cast<size_t>(length)));
  return static_cast<long>(total);
}

inline int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

inline bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

class HttpConnection {
 public:
  HttpConnection() = default;
  ~HttpConnection() { close(); }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connect(uint16_t port) {
    close();
    port_ = port;
    fd_ = connect_loopback(port);
    return fd_ >= 0;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
  }
  // One request, one response; reconnects once if the kept-alive connection was closed.
  bool roundtrip(const std::string& request, HttpReply* reply) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !connect(port_)) return false;
      if (send_all(fd_, request) && read_reply(reply)) return true;
      close();
    }
    return false;
  }
  bool call(std::string_view action, std::string_view body, HttpReply* reply) {
    return roundtrip(sfn_request(action, body), reply);
  }

 private:
  bool read_reply(HttpReply* reply) {
    char chunk[65536];
    for (;;) {
      long used = parse_response(buf_, reply);
      if (used < 0) return false;
      if (used > 0) {
        buf_.erase(0, static_cast<size_t>(used));
        return true;
      }
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::string buf_;
};

struct LoadSpec {
  uint16_t port = 0;
  int connections = 1;
  double rate = 0;       // > 0: open loop at this many requests per second
  int64_t requests = 0;  // stop issuing after this many (0: by duration)
  double seconds = 0;    // stop issuing after this long (0: by count)
  // The bytes of request i (must stay valid until its answer arrives).
  std::function<const std::string&(int64_t i)> request;
  // Called for every answer (optional), e.g. to keep the execution ARNs.
  std::function<void(int64_t i, const HttpReply& reply)> on_reply;
};

struct LoadResult {
  int64_t issued = 0, ok = 0, errors = 0;
  std::string first_error;
  std::vector<int64_t> latency_ns;   // per answered request: due (or send) time to answer
  std::vector<int64_t> service_ns;   // per answered request: send time to answer
  std::vector<int64_t> due_ns;       // per answered request: due time, from the run's start
  std::vector<int64_t> send_lag_ns;  // open loop, per request sent: how late it left (client scheduling)
  int64_t first_send_wall_ms = 0;    // system clock at the first send
  double wall_s = 0;                 // first send to last answer
  double client_cpu_s = 0;
  bool io_failure = false;
};

// Nearest-rank percentile in milliseconds (sorts `v`).
inline double percentile_ms(std::vector<int64_t>& v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return static_cast<double>(v[rank - 1]) / 1e6;
}

inline LoadResult run_load(const LoadSpec& spec) {
  struct Conn {
    int fd = -1;
    bool busy = false;
    int64_t index = -1, due_ns = 0, sent_ns = 0;
    std::string in;
    size_t out_off = 0;
  };
  LoadResult res;
  const double cpu0 = self_cpu_seconds();
  std::vector<Conn> conns(static_cast<size_t>(std::max(1, spec.connections)));
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int tfd = spec.rate > 0 ? timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC) : -1;
  auto fail = [&](const std::string& why) {
    res.io_failure = true;
    if (res.first_error.empty()) res.first_error = why;
  };
  for (size_t k = 0; k < conns.size(); ++k) {
    conns[k].fd = connect_loopback(spec.port);
    if (conns[k].fd < 0) {
      fail("cannot connect: " + std::string(std::strerror(errno)));
      break;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = k;
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[k].fd, &ev);
  }
  if (tfd >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = UINT64_MAX;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
  }
  res.latency_ns.reserve(spec.requests > 0 ? static_cast<size_t>(spec.requests) : 1 << 16);
  res.service_ns.reserve(res.latency_ns.capacity());

  const int64_t t0 = mono_ns() + (spec.rate > 0 ? 2'000'000 : 0);  // open loop: start 2 ms out
  const int64_t stop_ns = spec.seconds > 0 ? t0 + static_cast<int64_t>(spec.seconds * 1e9) : INT64_MAX;
  const double period_ns = spec.rate > 0 ? 1e9 / spec.rate : 0;
  int64_t next = 0;  // next request index to issue
  int64_t in_flight = 0;
  int64_t first_send = 0, last_answer = 0;
  std::deque<std::pair<int64_t, int64_t>> due;  // open loop: (index, due time) waiting for a connection
  std::vector<size_t> idle;
  if (!res.io_failure)
    for (size_t k = conns.size(); k-- > 0;) idle.push_back(k);

  auto more = [&](int64_t now) {
    if (spec.requests > 0 && next >= spec.requests) return false;
    if (spec.seconds > 0 && now >= stop_ns) return false;
    return true;
  };
  auto send = [&](size_t k, int64_t index, int64_t due_ns, int64_t now) {
    Conn& c = conns[k];
    c.busy = true;
    c.index = index;
    c.due_ns = due_ns;
    c.sent_ns = now;
    if (!first_send) {
      first_send = now;
      res.first_send_wall_ms = wall_ms();
    }
    if (spec.rate > 0) res.send_lag_ns.push_back(now - due_ns);
    const std::string& bytes = spec.request(index);
    ssize_t n = ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN) return fail("send: " + std::string(std::strerror(errno)));
    c.out_off = n < 0 ? 0 : static_cast<size_t>(n);
    if (c.out_off < bytes.size()) {
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT;
      ev.data.u64 = k;
      epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
    }
    ++in_flight;
    ++res.issued;
  };
  auto arm_timer = [&](int64_t at_ns) {
    itimerspec its{};
    its.it_value.tv_sec = at_ns / 1'000'000'000;
    its.it_value.tv_nsec = at_ns % 1'000'000'000;
    timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, nullptr);
  };
  // Issues what can be issued now; open loop: moves due requests to the queue first.
  auto issue = [&](int64_t now) {
    if (spec.rate > 0) {
      while (more(now)) {
        int64_t at = t0 + static_cast<int64_t>(static_cast<double>(next) * period_ns);
        if (at > now) break;
        due.emplace_back(next++, at);
      }
      while (!due.empty() && !idle.empty() && !res.io_failure) {
        size_t k = idle.back();
        idle.pop_back();
        auto [index, at] = due.front();
        due.pop_front();
        send(k, index, at, now);
      }
      if (more(now)) arm_timer(t0 + static_cast<int64_t>(static_cast<double>(next) * period_ns));
    } else {
      while (!idle.empty() && more(now) && !res.io_failure) {
        size_t k = idle.back();
        idle.pop_back();
        send(k, next++, now, now);
      }
    }
  };

  if (spec.rate > 0) {
    arm_timer(t0);
  } else {
    issue(mono_ns());
  }
  epoll_event events[256];
  HttpReply reply;
  char chunk[65536];
  while (!res.io_failure) {
    int64_t now = mono_ns();
    if (in_flight == 0 && due.empty() && !more(now)) break;
    int n = epoll_wait(ep, events, 256, 30000);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fail("no answer within 30 s");
      break;
    }
    for (int e = 0; e < n && !res.io_failure; ++e) {
      if (events[e].data.u64 == UINT64_MAX) {
        uint64_t expirations;
        [[maybe_unused]] ssize_t r = ::read(tfd, &expirations, sizeof expirations);
        continue;
      }
      size_t k = events[e].data.u64;
      Conn& c = conns[k];
      if (events[e].events & EPOLLOUT) {
        const std::string& bytes = spec.request(c.index);
        ssize_t w =
            ::send(c.fd, bytes.data() + c.out_off, bytes.size() - c.out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) c.out_off += static_cast<size_t>(w);
        if (c.out_off == bytes.size()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u64 = k;
          epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        }
      }
      if (!(events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      ssize_t r = ::recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) {
        fail(r == 0 ? "the server closed a connection" : "recv: " + std::string(std::strerror(errno)));
        break;
      }
      c.in.append(chunk, static_cast<size_t>(r));
      long used = parse_response(c.in, &reply);
      if (used < 0) {
        fail("malformed response");
        break;
      }
      if (used == 0) continue;
      c.in.erase(0, static_cast<size_t>(used));
      const int64_t t = mono_ns();
      last_answer = t;
      --in_flight;
      c.busy = false;
      res.latency_ns.push_back(t - c.due_ns);
      res.service_ns.push_back(t - c.sent_ns);
      res.due_ns.push_back(c.due_ns - t0);
      if (reply.status == 200) {
        ++res.ok;
      } else {
        ++res.errors;
        if (res.first_error.empty()) res.first_error = std::to_string(reply.status) + " " + reply.body;
      }
      if (spec.on_reply) spec.on_reply(c.index, reply);
      idle.push_back(k);
    }
    issue(mono_ns());
  }
  for (Conn& c : conns)
    if (c.fd >= 0) ::close(c.fd);
  if (tfd >= 0) ::close(tfd);
  ::close(ep);
  res.wall_s = first_send && last_answer ? static_cast<double>(last_answer - first_send) / 1e9 : 0;
  res.client_cpu_s = self_cpu_seconds() - cpu0;
  return res;
}

}  // namespace sgbench
