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
// HTTP/1.1 with keep-alive; one thread per connection. Not a general HTTP server: it reads
// Content-Length bodies only (no chunked requests).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "json/parse.h"
#include "json/value.h"

namespace {

using sg::json::Value;

std::mutex g_mu;
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
    std::lock_guard<std::mutex> lock(g_mu);
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
  {
    std::lock_guard<std::mutex> lock(g_mu);
    n = ++g_attempts[(fetch ? "fetch|" : "store|") + id_text];
  }
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

void serve_connection(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::string buf;
  char chunk[65536];
  for (;;) {
    size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t r = read(fd, chunk, sizeof chunk);
      if (r <= 0) {
        close(fd);
        return;
      }
      buf.append(chunk, static_cast<size_t>(r));
    }
    std::string_view head(buf.data(), header_end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
      close(fd);
      return;
    }
    std::string method(request_line.substr(0, sp1));
    std::string path(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    if (size_t q = path.find('?'); q != std::string::npos) path.resize(q);
    size_t content_length = 0;
    bool close_after = false;
    size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string_view::npos) e = head.size();
      std::string_view line = head.substr(pos, e - pos);
      if (iequals_prefix(line, "content-length:"))
        content_length = std::strtoul(line.data() + 15, nullptr, 10);
      if (iequals_prefix(line, "connection:") && line.find("close") != std::string_view::npos)
        close_after = true;
      pos = e + 2;
    }
    size_t total = header_end + 4 + content_length;
    while (buf.size() < total) {
      ssize_t r = read(fd, chunk, sizeof chunk);
      if (r <= 0) {
        close(fd);
        return;
      }
      buf.append(chunk, static_cast<size_t>(r));
    }
    std::string out = handle(method, path, std::string_view(buf).substr(header_end + 4, content_length));
    buf.erase(0, total);
    for (size_t off = 0; off < out.size();) {
      ssize_t w = write(fd, out.data() + off, out.size() - off);
      if (w <= 0) {
        close(fd);
        return;
      }
      off += static_cast<size_t>(w);
    }
    if (close_after) {
      close(fd);
      return;
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

  for (;;) {
    int fd = accept(lfd, nullptr, nullptr);
    if (fd < 0) continue;
    std::thread(serve_connection, fd).detach();
  }
}
