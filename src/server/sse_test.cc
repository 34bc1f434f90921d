// Server-sent events: the wire format, and ResponseStream/SseHub over a real HttpServer
// (many clients, slow clients dropped without blocking the publisher, clients leaving,
// shutdown with streams open).
#include "server/sse.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/http_server.h"

namespace sg::server {
namespace {

using namespace std::chrono_literals;

TEST(SseFormat, EventWithOneLineOfData) {
  EXPECT_EQ(format_sse_event("status", R"({"a":1})"), "event: status\ndata: {\"a\":1}\n\n");
}

TEST(SseFormat, MultiLineDataBecomesSeveralDataFields) {
  EXPECT_EQ(format_sse_event("x", "one\ntwo\r\nthree\rfour"),
            "event: x\ndata: one\ndata: two\ndata: three\ndata: four\n\n");
  EXPECT_EQ(format_sse_event("", "", "7"), "id: 7\ndata: \n\n");
}

TEST(SseFormat, CommentsStayOnOneLine) { EXPECT_EQ(format_sse_comment("a\nb"), ": a b\n\n"); }

// A raw socket client that reads what the server streams.
class StreamClient {
 public:
  explicit StreamClient(uint16_t port, int rcvbuf = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    std::string req = "GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
    ok_ = ok_ && ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size());
  }
  ~StreamClient() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool ok() const { return ok_; }

  // Reads until `text` has arrived (true) or the connection closed / 3 s passed (false).
  bool wait_for(std::string_view text, int timeout_ms = 3000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    size_t from = 0;  // only new bytes are searched: streams can be long
    while (received_.find(text, from) == std::string::npos) {
      from = received_.size() > text.size() ? received_.size() - text.size() : 0;
      if (!fill(deadline)) return false;
    }
    return true;
  }
  // True when the server closed the connection before the deadline.
  bool wait_closed(int timeout_ms = 3000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (fill(deadline)) {
    }
    return closed_;
  }
  const std::string& received() const { return received_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    received_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool ok_ = false;
  bool closed_ = false;
  std::string received_;
};

class SseServerTest : public ::testing::Test {
 protected:
  void start(SseOptions options = {}) {
    hub_ = std::make_unique<SseHub>(options);
    HttpServerOptions o;
    o.port = 0;
    o.shutdown_grace = 2000ms;
    ASSERT_TRUE(server_
                    .start(o,
                           [this](HttpRequest&& r, Responder respond) {
                             if (r.target == "/events") return respond(hub_->open_stream());
                             respond(HttpResponse{.status = 404});
                           })
                    .ok());
  }
  void TearDown() override {
    server_.stop();
    hub_.reset();
  }
  bool wait_clients(size_t n) {
    for (int i = 0; i < 300; ++i) {
      if (hub_->clients() == n) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  HttpServer server_;
  std::unique_ptr<SseHub> hub_;
};

TEST_F(SseServerTest, StreamsEventsWithHeadersAndRetry) {
  start();
  StreamClient c(server_.port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.wait_for(": stepguard events\n\n"));
  EXPECT_TRUE(c.received().starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(c.received().find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(c.received().find("Cache-Control: no-cache"), std::string::npos);
  EXPECT_NE(c.received().find("Connection: close\r\n\r\nretry: 3000\n"), std::string::npos);
  EXPECT_EQ(c.received().find("Content-Length"), std::string::npos);
  hub_->publish("status", R"({"name":"a"})");
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.wait_for("event: status\ndata: {\"name\":\"a\"}\n\n"));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);  // pushed, not polled
}

TEST_F(SseServerTest, ManyClientsEachGetEveryEventInOrder) {
  start();
  std::vector<std::unique_ptr<StreamClient>> clients;
  for (int i = 0; i < 50; ++i) clients.push_back(std::make_unique<StreamClient>(server_.port()));
  ASSERT_TRUE(wait_clients(50));
  for (int i = 0; i < 20; ++i) hub_->publish("alarm", "{\"n\":" + std::to_string(i) + "}");
  for (auto& c : clients) {
    ASSERT_TRUE(c->wait_for("data: {\"n\":19}\n\n"));
    EXPECT_LT(c->received().find("{\"n\":3}"), c->received().find("{\"n\":4}"));
  }
}

TEST_F(SseServerTest, HeartbeatCommentsKeepIdleStreamsAlive) {
  start(SseOptions{.heartbeat = 100ms});
  StreamClient c(server_.port());
  ASSERT_TRUE(c.wait_for(": heartbeat\n\n"));
}

TEST_F(SseServerTest, SlowClientIsDroppedWithoutBlockingThePublisher) {
  start(SseOptions{.max_queued_bytes = 64 * 1024});
  StreamClient slow(server_.port(), 4096);  // never reads
  StreamClient fast(server_.port());
  ASSERT_TRUE(wait_clients(2));
  // The fast client reads all the time, on a thread of its own.
  bool fast_got_all = false;
  std::thread reader([&] { fast_got_all = fast.wait_for("data: after\n\n", 20000); });
  std::string big(8 * 1024, 'x');
  auto t0 = std::chrono::steady_clock::now();
  // Far more than the socket buffers and the queue hold: the slow client's queue overflows.
  for (int i = 0; i < 4000 && hub_->clients() == 2; ++i) {
    hub_->publish("status", big);
    std::this_thread::sleep_for(1ms);  // a reader that keeps reading keeps up with this
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  EXPECT_TRUE(wait_clients(1));
  hub_->publish("status", "after");
  reader.join();
  EXPECT_TRUE(fast_got_all);
  EXPECT_TRUE(slow.wait_closed(5000));  // the slow one was cut off
}

TEST_F(SseServerTest, ClientThatLeavesIsForgotten) {
  start();
  auto c = std::make_unique<StreamClient>(server_.port());
  ASSERT_TRUE(wait_clients(1));
  ASSERT_TRUE(c->wait_for("retry:"));
  c.reset();
  bool gone = false;
  for (int i = 0; i < 300 && !gone; ++i) {
    hub_->publish("status", "{}");
    gone = hub_->clients() == 0;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone);
}

TEST_F(SseServerTest, HandlerCanCloseTheStream) {
  HttpServerOptions o;
  o.port = 0;
  auto stream = std::make_shared<ResponseStream>();
  ASSERT_TRUE(server_
                  .start(o,
                         [&](HttpRequest&&, Responder respond) {
                           HttpResponse r;
                           r.content_type = "text/plain";
                           r.stream = stream;
                           respond(std::move(r));
                         })
                  .ok());
  stream->write("before ");
  StreamClient c(server_.port());
  ASSERT_TRUE(c.wait_for("before "));
  EXPECT_TRUE(stream->write("and after"));
  stream->close();
  EXPECT_FALSE(stream->write("too late"));
  EXPECT_TRUE(c.wait_closed());
  EXPECT_NE(c.received().find("before and after"), std::string::npos);
  EXPECT_EQ(c.received().find("too late"), std::string::npos);
}

TEST_F(SseServerTest, StopClosesOpenStreamsPromptly) {
  start();
  StreamClient a(server_.port()), b(server_.port());
  ASSERT_TRUE(wait_clients(2));
  ASSERT_TRUE(a.wait_for("retry:"));
  auto t0 = std::chrono::steady_clock::now();
  server_.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);  // not the 2 s grace period
  EXPECT_TRUE(a.wait_closed());
  EXPECT_TRUE(b.wait_closed());
}

}  // namespace
}  // namespace sg::server
