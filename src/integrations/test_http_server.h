// TestHttpServer: a tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests of HTTP
// functions. Header-only so that it stays out of the library; tests only.
//
// - One thread accepts; one thread per connection serves requests in order, keep-alive
//   unless the client or the response asks to close. Bodies need Content-Length (what
//   libcurl sends for POSTFIELDS); no chunked requests.
// - The handler runs on the connection's thread; it may sleep to simulate slow functions.
//   Pipelined requests are answered in order. A response may be raw bytes (chunked,
//   HTTP/1.0) or a dropped connection.
// - connections() counts accepted connections (to check keep-alive reuse), requests() the
//   requests served.
// - The destructor stops accepting, shuts every connection down and joins all threads.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace sg::integrations::testing {

struct HttpRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Value of a header (case-insensitive name), or "" when absent.
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < k.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(k[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) return v;
    }
    return "";
  }
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Length
  bool close = false;                                        // close the connection after this response
  std::string raw;    // when set: sent as-is instead of the fields above (chunked, HTTP/1.0, ...)
  bool drop = false;  // close the connection without answering
};

class TestHttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~TestHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    accept_thread_.join();
    ::close(listen_fd_);
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
      threads = std::move(threads_);
    }
    for (auto& t : threads) t.join();
  }

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  int connections() const { return connections_.load(); }
  // Closes every open client connection (as a server dropping idle keep-alive connections).
  void drop_connections() {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : client_fds_)
      if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }
  int requests() const { return requests_.load(); }

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ++connections_;
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) {
        ::close(fd);
        break;
      }
      client_fds_.push_back(fd);
      threads_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string buf;
    while (true) {
      HttpRequest req;
      if (!read_request(fd, buf, req)) break;
      ++requests_;
      HttpResponse resp = handler_(req);
      if (resp.drop) break;
      if (!resp.raw.empty()) {
        if (!write_all(fd, resp.raw) || resp.close) break;
        continue;
      }
      bool close = resp.close || req.header("Connection") == "close";
      std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " " + reason(resp.status) + "\r\n";
      for (const auto& [k, v] : resp.headers) out += k + ": " + v + "\r\n";
      out += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
      if (close) out += "Connection: close\r\n";
      out += "\r\n";
      out += resp.body;
      if (!write_all(fd, out) || close) break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& c : client_fds_) {
        if (c == fd) c = -1;
      }
    }
    ::close(fd);
  }

  static const char* reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 201:
        return "Created";
      case 202:
        return "Accepted";
      case 401:
        return "Unauthorized";
      case 403:
        return "Forbidden";
      case 400:
        return "Bad Request";
      case 404:
        return "Not Found";
      case 429:
        return "Too Many Requests";
      case 500:
        return "Internal Server Error";
      case 503:
        return "Service Unavailable";
      default:
        return "Status";
    }
  }

  static bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one request; `buf` keeps bytes of the next one (pipelining).
  static bool read_request(int fd, std::string& buf, HttpRequest& req) {
    size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(fd, buf)) return false;
    }
    std::string_view head(buf.data(), header_end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.find(' ', sp1 + 1);
    req.method = std::string(request_line.substr(0, sp1));
    req.path = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string_view::npos) end = head.size();
      std::string_view line = head.substr(pos, end - pos);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        req.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
      }
      pos = end + 2;
    }
    size_t length = 0;
    std::string cl = req.header("Content-Length");
    if (!cl.empty()) length = std::stoul(cl);
    size_t body_start = header_end + 4;
    while (buf.size() < body_start + length) {
      if (!read_more(fd, buf)) return false;
    }
    req.body = buf.substr(body_start, length);
    buf.erase(0, body_start + length);
    return true;
  }

  static bool read_more(int fd, std::string& buf) {
    char chunk[65536];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<int> client_fds_;       // guarded by mu_; -1 once closed
  std::vector<std::thread> threads_;  // guarded by mu_
};

}  // namespace sg::integrations::testing
