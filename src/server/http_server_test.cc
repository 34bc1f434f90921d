#include "server/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sg::server {
namespace {

using namespace std::chrono_literals;

// Raw sockets rather than libcurl: the tests need to send garbage, pipeline, and see
// exactly when the server closes, and sg_server does not link libcurl.
constexpr int kReadTimeoutMs = 3000;  // a test that waits this long has failed anyway

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response framed by Content-Length (all this server sends); nullopt on close or
  // timeout.
  std::optional<Response> read_response() {
    size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    Response r;
    std::string head = in_.substr(0, end);
    in_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
    r.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end;
    while (pos != std::string::npos && pos < head.size()) {
      size_t start = pos + 2;
      size_t next = head.find("\r\n", start);
      std::string line = head.substr(start, next == std::string::npos ? std::string::npos : next - start);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      r.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
      pos = next;
    }
    size_t length = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    while (in_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    r.body = in_.substr(0, length);
    in_.erase(0, length);
    return r;
  }

  // True when the server closes the connection (end of stream or reset) within the wait.
  bool closed_by_server(int timeout_ms = kReadTimeoutMs) {
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return false;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
      in_.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  bool fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, kReadTimeoutMs) <= 0) return false;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string in_;
};

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) + "\r\n";
}

std::string post(std::string_view target, std::string_view body, std::string_view extra_headers = "") {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: anything.example:9\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

HttpServerOptions test_options() {
  HttpServerOptions o;
  o.port = 0;
  o.idle_timeout = 5s;
  o.shutdown_grace = 2000ms;
  return o;
}

// Answers "<method> <target> <body>" at once, with the request's x-tag header echoed.
void echo(HttpRequest&& request, Responder respond) {
  HttpResponse r;
  r.content_type = "text/plain";
  r.headers.emplace_back("X-Tag", request.header("x-tag"));
  r.headers.emplace_back("X-Remote", request.remote);
  r.body = request.method + " " + request.target + " " + request.body;
  respond(std::move(r));
}

// Collects Responders so that a test decides when (and from which thread) to answer.
class Parked {
 public:
  Handler handler() {
    return [this](HttpRequest&& request, Responder respond) {
      std::lock_guard lock(mu_);
      waiting_.emplace_back(std::move(request), std::move(respond));
      cv_.notify_all();
    };
  }
  // Waits (bounded) until n requests are parked.
  bool wait_for(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 3s, [&] { return waiting_.size() >= n; });
  }
  std::vector<std::pair<HttpRequest, Responder>> take() {
    std::lock_guard lock(mu_);
    return std::move(waiting_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<HttpRequest, Responder>> waiting_;
};

HttpResponse text(std::string body) {
  HttpResponse r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

TEST(HttpServerTest, PortZeroPicksAFreePort) {
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), echo).ok());
  EXPECT_NE(server.port(), 0);
  Client c(server.port());
  EXPECT_TRUE(c.connected());
}

TEST(HttpServerTest, BindFailureNamesTheAddress) {
  HttpServer first;
  ASSERT_TRUE(first.start(test_options(), echo).ok());
  HttpServerOptions o = test_options();
  o.port = first.port();
  HttpServer second;
  Status s = second.start(o, echo);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "LISTEN");
  EXPECT_NE(s.error().message.find("127.0.0.1:" + std::to_string(o.port)), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("in use"), std::string::npos) << s.error().message;
}

TEST(HttpServerTest, EchoesGetAndPost) {
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), echo).ok());
  Client c(server.port());
  ASSERT_TRUE(c.send(get("/healthz?x=1", "X-Tag: t1\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /healthz?x=1 ");
  EXPECT_EQ(r->headers["content-type"], "text/plain");
  EXPECT_EQ(r->headers["content-length"], std::to_string(r->body.size()));
  EXPECT_EQ(r->headers["x-tag"], "t1");
  EXPECT_EQ(r->headers["x-remote"].rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(r->headers.count("connection"), 0u);

  ASSERT_TRUE(c.send(post("/", R"({"a":1})", "X-Tag: t2\r\n")));
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, R"(POST / {"a":1})");
  EXPECT_EQ(r->headers["x-tag"], "t2");
}

TEST(HttpServerTest, KeepsConnectionsAliveAndAnswersPipelinedRequestsInOrder) {
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), echo).ok());
  Client c(server.port());
  ASSERT_TRUE(c.send(get("/one")));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  ASSERT_TRUE(c.send(get("/two")));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(first->headers["x-remote"], second->headers["x-remote"]);  // same connection

  ASSERT_TRUE(c.send(get("/a") + post("/b", "bee") + get("/c")));
  for (std::string expected : {"GET /a ", "POST /b bee", "GET /c "}) {
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, expected);
  }
}

TEST(HttpServerTest, ClosesWhenTheRequestAsksFor) {
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), echo).ok());
  Client c(server.port());
  ASSERT_TRUE(c.send(get("/", "Connection: close\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServerTest, AnswersExpectContinue) {
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), echo).ok());
  Client c(server.port());
  ASSERT_TRUE(c.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("abc"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /x abc");
}

TEST(HttpServerTest, AnswersLaterFromAnotherThread) {
  HttpServer server;
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  std::mutex mu;
  ASSERT_TRUE(server
                  .start(test_options(),
                         [&](HttpRequest&& request, Responder respond) {
                           std::lock_guard lock(mu);
                           workers.emplace_back([body = request.body, respond] {
                             std::this_thread::sleep_for(300ms);
                             respond(text("late " + body));
                             respond(text("ignored"));  // a second call does nothing
                           });
                         })
                  .ok());
  Client c(server.port());
  ASSERT_TRUE(c.send(post("/", "x")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "late x");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  ASSERT_TRUE(c.send(post("/", "y")));  // the connection still works, and the extra answer is gone
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "late y");
  std::lock_guard lock(mu);
  for (auto& w : workers) w.join();
}

TEST(HttpServerTest, HoldsManyConnectionsWithPendingResponses) {
  constexpr int kClients = 200;
  Parked parked;
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), parked.handler()).ok());
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(server.port()));
    ASSERT_TRUE(clients.back()->connected());
    ASSERT_TRUE(clients.back()->send(post("/", std::to_string(i))));
  }
  ASSERT_TRUE(parked.wait_for(kClients));
  for (auto& [request, respond] : parked.take()) respond(text("answer " + request.body));
  for (int i = 0; i < kClients; ++i) {
    auto r = clients[i]->read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "answer " + std::to_string(i));
  }
}

TEST(HttpServerTest, RejectsTooLargeBodyWith413) {
  HttpServerOptions o = test_options();
  o.max_body_bytes = 1024;
  std::atomic<bool> called = false;
  HttpServer server;
  ASSERT_TRUE(server
                  .start(o,
                         [&](HttpRequest&&, Responder respond) {
                           called = true;
                           respond(text(""));
                         })
                  .ok());
  Client c(server.port());
  ASSERT_TRUE(c.send(post("/", std::string(5000, 'x'))));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->headers["content-type"], "application/json");
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_NE(r->body.find(R"("__type":"RequestEntityTooLarge")"), std::string::npos) << r->body;
  EXPECT_TRUE(c.closed_by_server());

  // A chunked body is only found too large while it is read.
  Client chunked(server.port());
  std::string chunk(800, 'y');
  ASSERT_TRUE(chunked.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk +
                           "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  r = chunked.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(chunked.closed_by_server());
  EXPECT_FALSE(called);
}

TEST(HttpServerTest, RejectsMalformedRequestsWith400) {
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), echo).ok());
  for (std::string garbage : {"\x01\x02 nonsense\r\n\r\n", "GET / HTTQ/1.1\r\n\r\n",
                              "POST / HTTP/1.1\r\nContent-Length: banana\r\n\r\n"}) {
    Client c(server.port());
    ASSERT_TRUE(c.send(garbage));
    auto r = c.read_response();
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->status, 400);
    EXPECT_NE(r->body.find(R"("__type":"BadRequest")"), std::string::npos) << r->body;
    EXPECT_TRUE(c.closed_by_server());
  }
}

TEST(HttpServerTest, ClosesIdleConnections) {
  HttpServerOptions o = test_options();
  o.idle_timeout = 1s;
  HttpServer server;
  ASSERT_TRUE(server.start(o, echo).ok());
  Client c(server.port());
  ASSERT_TRUE(c.send(get("/")));
  ASSERT_TRUE(c.read_response());
  auto idle_since = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_server(2500));
  EXPECT_GE(std::chrono::steady_clock::now() - idle_since, 900ms);
}

TEST(HttpServerTest, SurvivesAClientThatLeftBeforeItsAnswer) {
  Parked parked;
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), parked.handler()).ok());
  {
    Client gone(server.port());
    ASSERT_TRUE(gone.send(get("/gone")));
    ASSERT_TRUE(parked.wait_for(1));
  }
  std::this_thread::sleep_for(20ms);  // let the close reach the server
  for (auto& [request, respond] : parked.take()) respond(text("nobody listens"));

  Client c(server.port());
  ASSERT_TRUE(c.send(get("/next")));
  ASSERT_TRUE(parked.wait_for(1));
  for (auto& [request, respond] : parked.take()) respond(text("ok"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "ok");
}

TEST(HttpServerTest, AnswersWith500WhenTheHandlerDropsTheResponder) {
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), [](HttpRequest&&, Responder) {}).ok());
  Client c(server.port());
  ASSERT_TRUE(c.send(get("/")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("InternalFailure"), std::string::npos);
}

TEST(HttpServerTest, StopDeliversResponsesInFlightThenCloses) {
  Parked parked;
  HttpServer server;
  ASSERT_TRUE(server.start(test_options(), parked.handler()).ok());
  Client busy(server.port());
  ASSERT_TRUE(busy.send(get("/slow")));
  ASSERT_TRUE(parked.wait_for(1));
  Client idle(server.port());
  ASSERT_TRUE(idle.send(get("/warm-up")));
  ASSERT_TRUE(parked.wait_for(2));
  auto requests = parked.take();
  requests[1].second(text("warm"));
  ASSERT_TRUE(idle.read_response());

  auto stop_began = std::chrono::steady_clock::now();
  std::thread stopper([&] { server.stop(); });
  EXPECT_TRUE(idle.closed_by_server(1000));  // idle connections close at once
  std::this_thread::sleep_for(100ms);
  requests[0].second(text("finished"));
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "finished");
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(busy.closed_by_server());
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_began, 1500ms);  // did not wait out the grace
  EXPECT_FALSE(Client(server.port()).connected());
  server.stop();  // idempotent
}

TEST(HttpServerTest, ResponderCalledAfterStopDoesNothing) {
  Parked parked;
  std::vector<std::pair<HttpRequest, Responder>> late;
  {
    HttpServerOptions o = test_options();
    o.shutdown_grace = 100ms;
    HttpServer server;
    ASSERT_TRUE(server.start(o, parked.handler()).ok());
    Client first(server.port());
    Client second(server.port());
    ASSERT_TRUE(first.send(get("/never")));
    ASSERT_TRUE(second.send(get("/never")));
    ASSERT_TRUE(parked.wait_for(2));
    late = parked.take();
    server.stop();  // waits out the grace, then closes
    EXPECT_TRUE(first.closed_by_server(1000));
    EXPECT_TRUE(second.closed_by_server(1000));
    late[0].second(text("too late"));
  }
  late[1].second(text("server destroyed"));
}

}  // namespace
}  // namespace sg::server
