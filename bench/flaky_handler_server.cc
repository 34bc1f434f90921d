// flaky_handler_server: the task-retry workloads' Lambda handlers as HTTP functions on
// loopback, for `interpreter_bench --task-url` (and `stepguard run --function NAME=URL`).
//
//   flaky_handler_server [--port N] [--max-seconds S] [--exit-on-stdin-eof]
//
// Listens on 127.0.0.1 (port 0 = any free port) and prints "listening http://127.0.0.1:PORT"
// on stdout once ready. Stops on SIGTERM, after --max-seconds (default 3600), and with
// --exit-on-stdin-eof when stdin reaches EOF (the caller closing its pipe).
//
//   POST /fetch   event {id, payload}: attempt n per id; n <= 2 fails with
//                 Custom.TransientError, then {"data": payload + "-fetched", "attempt": n}
//   POST /store   event {id, ...}: the same, then {"receipt": "stored-" + id, "attempt": n}
//   POST /reset   forgets all attempt counts (call before each execution); 200 {}
//
// A failure is answered the way an AWS Lambda Invoke reports a function error: HTTP 200,
// header X-Amz-Function-Error: Unhandled, body {"errorType": ..., "errorMessage": ...}.
// HTTP/1.1 with keep-alive (pipelined requests are answered in order), served by one
// thread over epoll. Not a general HTTP server: it reads Content-Length bodies only (no
// chunked requests).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "json/parse.h"
#include "json/value.h"

namespace {

using sg::json::Value;

std::unordered_map<std::string, int> g_attempts;  // "fetch|<id>" -> attempts so far

std::string response(int status, std::string_view body, bool function_error) {
  std::string out = "HTTP/1.1 ";
  out += status == 200 ? "200 OK" : status == 404 ? "404 Not Found" : "400 Bad Request";
  out += "\r\nContent-Type: application/json\r\nContent-Length: ";
  out += std::to_string(body.size());
  if (function_error) out += "\r\nX-Amz-Function-Error: Unhandled";
  out += "\r\n\r\n";
  out += body;
  return out;
}

std::string function_error(std::string_view type, std::string_view message) {
  std::string body = "{\"errorType\":";
  sg::json::append_json_string(type, body);
  body += ",\"errorMessage\":";
  sg::json::append_json_string(message, body);
  body += "}";
  return response(200, body, true);
}

std::string handle(std::string_view method, std::string_view path, std::string_view body) {
  if (method != "POST") return response(404, "{\"message\":\"POST only\"}", false);
  if (path == "/reset") {
    g_attempts.clear();
    return response(200, "{}", false);
  }
  const bool fetch = path == "/fetch";
  if (!fetch && path != "/store") return response(404, "{\"message\":\"no such function\"}", false);
  auto event = sg::json::parse_json(body);
  const Value* id = event.ok() ? event->find("id") : nullptr;
  if (!id) return function_error("Custom.BadEvent", "event has no id");
  std::string id_text = id->is_string() ? std::string(id->as_string()) : id->dump();
  int n = 0;
  { n = ++g_attempts[(fetch ? "fetch|" : "store|") + id_text]; }
  if (n <= 2) {
    return function_error("Custom.TransientError", std::string(fetch ? "fetch " : "store ") + id_text +
                                                       " attempt " + std::to_string(n));
  }
  std::string out;
  if (fetch) {
    const Value* payload = event->find("payload");
    out = "{\"data\":";
    std::string data(payload && payload->is_string() ? payload->as_string() : std::string_view());
    sg::json::append_json_string(data + "-fetched", out);
  } else {
    out = "{\"receipt\":";
    sg::json::append_json_string("stored-" + id_text, out);
  }
  out += ",\"attempt\":" + std::to_string(n) + "}";
  return response(200, out, false);
}

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

// Parses one complete request at the front of `buf` (header end at `header_end`); returns
// its total length, or 0 when the body has not fully arrived yet. Sets `bad` for an
// unparseable request line.
size_t parse_request(std::string_view buf, size_t header_end, std::string_view& method,
                     std::string_view& path, std::string_view& body, bool& close_after, bool& bad) {
  std::string_view head = buf.substr(0, header_end);
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  size_t sp1 = request_line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
    bad = true;
    return 0;
  }
  method = request_line.substr(0, sp1);
  path = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  size_t content_length = 0;
  close_after = false;
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string_view::npos) e = head.size();
    std::string_view line = head.substr(pos, e - pos);
    if (iequals_prefix(line, "content-length:")) content_length = std::strtoul(line.data() + 15, nullptr, 10);
    if (iequals_prefix(line, "connection:") && line.find("close") != std::string_view::npos)
      close_after = true;
    pos = e + 2;
  }
  size_t total = header_end + 4 + content_length;
  if (buf.size() < total) return 0;
  body = buf.substr(header_end + 4, content_length);
  return total;
}

struct Connection {
  std::string in;
  std::string out;
  bool close_after_write = false;
};

// Answers every complete request in c.in (clients may pipeline), appending to c.out.
// Returns false when the connection must close now.
bool answer_requests(Connection& c) {
  size_t consumed = 0;
  for (;;) {
    std::string_view rest = std::string_view(c.in).substr(consumed);
    size_t header_end = rest.find("\r\n\r\n");
    if (header_end == std::string_view::npos) break;
    std::string_view method, path, body;
    bool close_after = false, bad = false;
    size_t total = parse_request(rest, header_end, method, path, body, close_after, bad);
    if (bad) return false;
    if (total == 0) break;
    c.out += handle(method, path, body);
    consumed += total;
    if (close_after) {
      c.close_after_write = true;
      break;
    }
  }
  c.in.erase(0, consumed);
  return true;
}

// Writes what it can of c.out; false on a write error.
bool flush(int fd, Connection& c) {
  while (!c.out.empty()) {
    ssize_t w = write(fd, c.out.data(), c.out.size());
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (w <= 0) return false;
    c.out.erase(0, static_cast<size_t>(w));
  }
  return true;
}

// One thread, one epoll set: every connection is non-blocking; a readable connection is
// drained, its complete requests answered, and the answers written in one go.
void serve(int lfd) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::unordered_map<int, Connection> conns;
  std::vector<epoll_event> events(256);
  char chunk[65536];
  auto drop = [&](int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    conns.erase(fd);
  };
  for (;;) {
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == lfd) {
        for (;;) {
          int cfd = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (cfd < 0) break;
          int one = 1;
          setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN | EPOLLRDHUP;
          cev.data.fd = cfd;
          epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev);
          conns.emplace(cfd, Connection());
        }
        continue;
      }
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      Connection& c = it->second;
      bool open = true;
      if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        for (;;) {
          ssize_t r = read(fd, chunk, sizeof chunk);
          if (r > 0) {
            c.in.append(chunk, static_cast<size_t>(r));
            if (static_cast<size_t>(r) < sizeof chunk) break;
            continue;
          }
          if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
          open = false;  // EOF or error
          break;
        }
        if (!answer_requests(c)) open = false;
      }
      if (!flush(fd, c)) open = false;
      if (open && c.close_after_write && c.out.empty()) open = false;
      if (!open) {
        drop(fd);
        continue;
      }
      epoll_event mod{};
      mod.events = EPOLLIN | EPOLLRDHUP | (c.out.empty() ? 0u : static_cast<uint32_t>(EPOLLOUT));
      mod.data.fd = fd;
      epoll_ctl(ep, EPOLL_CTL_MOD, fd, &mod);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int max_seconds = 3600;
  bool stdin_eof_exit = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view k = argv[i];
    if (k == "--port" && i + 1 < argc)
      port = std::atoi(argv[++i]);
    else if (k == "--max-seconds" && i + 1 < argc)
      max_seconds = std::atoi(argv[++i]);
    else if (k == "--exit-on-stdin-eof")
      stdin_eof_exit = true;
    else {
      std::fputs("usage: flaky_handler_server [--port N] [--max-seconds S] [--exit-on-stdin-eof]\n", stderr);
      return 2;
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (lfd < 0 || bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(lfd, 64) != 0) {
    std::perror("flaky_handler_server: listen");
    return 1;
  }
  socklen_t len = sizeof addr;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("listening http://127.0.0.1:%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  // Stop when stdin closes (if asked) or the lifetime runs out; exiting ends every thread.
  if (stdin_eof_exit) {
    std::thread([] {
      char c;
      while (read(0, &c, 1) > 0) {
      }
      std::_Exit(0);
    }).detach();
  }
  std::thread([max_seconds] {
    std::this_thread::sleep_for(std::chrono::seconds(max_seconds));
    std::_Exit(0);
  }).detach();

  fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
  serve(lfd);
}
