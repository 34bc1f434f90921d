// HttpPipeline against a real loopback server: answers land on the right requests, no
// call runs twice whatever the server does with its connections, and timeouts, closes
// and refused connections surface per request.
#include "integrations/http_pipeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "integrations/test_http_server.h"

namespace sg::integrations {
namespace {

using testing::HttpRequest;
using testing::HttpResponse;
using testing::TestHttpServer;
using Kind = PipelinedResponse::Kind;

// Counts how often each body was received: every call must run at most once.
class Ledger {
 public:
  int add(const std::string& body) {
    std::lock_guard<std::mutex> lock(mu_);
    return ++seen_[body];
  }
  int max_count() {
    std::lock_guard<std::mutex> lock(mu_);
    int m = 0;
    for (auto& [k, v] : seen_) m = std::max(m, v);
    return m;
  }
  size_t distinct() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_.size();
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> seen_;
};

std::vector<std::string> bodies(size_t n) {
  std::vector<std::string> b;
  for (size_t i = 0; i < n; ++i) b.push_back("{\"id\":" + std::to_string(i) + "}");
  return b;
}

std::vector<PipelinedResponse> post(HttpPipeline& p, const std::vector<std::string>& b, size_t conns,
                                    int64_t timeout_ms = 0) {
  std::vector<PipelinedRequest> req;
  for (const auto& x : b) req.push_back({x, timeout_ms});
  std::vector<PipelinedResponse> resp(req.size());
  p.post_all(req, resp, conns);
  return resp;
}

TEST(HttpPipeline, AnswersMatchTheirRequestsAndConnectionsAreReused) {
  Ledger ledger;
  TestHttpServer server([&](const HttpRequest& r) {
    ledger.add(r.body);
    return HttpResponse{200, "{\"echo\":" + r.body + "}"};
  });
  auto p = HttpPipeline::for_url(server.url("/fn?x=1"), 1 << 20);
  ASSERT_TRUE(p);
  auto b = bodies(300);
  auto resp = post(*p, b, 4);
  for (size_t i = 0; i < b.size(); ++i) {
    ASSERT_EQ(resp[i].kind, Kind::kResponse) << i << resp[i].error;
    EXPECT_EQ(resp[i].status, 200);
    EXPECT_EQ(resp[i].body, "{\"echo\":" + b[i] + "}");
  }
  EXPECT_LE(server.connections(), 4);
  resp = post(*p, bodies(100), 4);  // the kept connections carry the next batch
  EXPECT_EQ(resp[99].body, "{\"echo\":{\"id\":99}}");
  EXPECT_LE(server.connections(), 4);
  EXPECT_EQ(server.requests(), 400);
  EXPECT_EQ(ledger.max_count(), 2);  // bodies 0..99 were sent in both batches, once each
}

TEST(HttpPipeline, RequestsAfterConnectionCloseAreResentNotLost) {
  Ledger ledger;
  std::atomic<int> n{0};
  TestHttpServer server([&](const HttpRequest& r) {
    ledger.add(r.body);
    HttpResponse resp{200, r.body};
    resp.close = ++n % 3 == 0;  // every third answer ends its connection
    return resp;
  });
  auto p = HttpPipeline::for_url(server.url(), 1 << 20);
  auto b = bodies(60);
  auto resp = post(*p, b, 2);
  for (size_t i = 0; i < b.size(); ++i) {
    ASSERT_EQ(resp[i].kind, Kind::kResponse) << i << " " << resp[i].error;
    EXPECT_EQ(resp[i].body, b[i]);
  }
  EXPECT_EQ(server.requests(), 60);  // nothing ran twice
  EXPECT_EQ(ledger.max_count(), 1);
}

TEST(HttpPipeline, Http10ServersGetOneRequestPerConnection) {
  TestHttpServer server([](const HttpRequest& r) {
    HttpResponse resp;
    resp.raw = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + r.body;
    resp.close = true;
    return resp;
  });
  auto p = HttpPipeline::for_url(server.url(), 1 << 20);
  auto b = bodies(12);
  auto resp = post(*p, b, 3);
  for (size_t i = 0; i < b.size(); ++i) {
    ASSERT_EQ(resp[i].kind, Kind::kResponse) << resp[i].error;
    EXPECT_EQ(resp[i].body, b[i]);
  }
  EXPECT_EQ(server.connections(), 12);
  EXPECT_EQ(server.requests(), 12);
}

TEST(HttpPipeline, ChunkedAnswers) {
  TestHttpServer server([](const HttpRequest& r) {
    HttpResponse resp;
    std::string half = r.body.substr(0, 3), rest = r.body.substr(3);
    char a[16], b[16];
    std::snprintf(a, sizeof a, "%zx", half.size());
    std::snprintf(b, sizeof b, "%zx", rest.size());
    resp.raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(a) + "\r\n" + half +
               "\r\n" + b + "\r\n" + rest + "\r\n0\r\n\r\n";
    return resp;
  });
  auto p = HttpPipeline::for_url(server.url(), 1 << 20);
  auto b = bodies(40);
  auto resp = post(*p, b, 2);
  for (size_t i = 0; i < b.size(); ++i) EXPECT_EQ(resp[i].body, b[i]);
}

TEST(HttpPipeline, ATimeoutAffectsOnlyItsOwnRequest) {
  TestHttpServer server([](const HttpRequest& r) {
    if (r.body == "{\"id\":2}") std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return HttpResponse{200, r.body};
  });
  auto p = HttpPipeline::for_url(server.url(), 1 << 20);
  auto b = bodies(6);
  auto resp = post(*p, b, 3, 500);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 2) {
      EXPECT_EQ(resp[i].kind, Kind::kTimeout);
    } else {
      ASSERT_EQ(resp[i].kind, Kind::kResponse) << i << resp[i].error;
      EXPECT_EQ(resp[i].body, b[i]);
    }
  }
}

TEST(HttpPipeline, DroppedConnectionFailsWhatWaitedOnItAndRunsNothingTwice) {
  Ledger ledger;
  TestHttpServer server([&](const HttpRequest& r) {
    ledger.add(r.body);
    HttpResponse resp{200, r.body};
    resp.drop = r.body == "{\"id\":7}";
    return resp;
  });
  auto p = HttpPipeline::for_url(server.url(), 1 << 20);
  auto b = bodies(200);
  auto resp = post(*p, b, 4);
  size_t ok = 0, failed = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (resp[i].kind == Kind::kResponse) {
      EXPECT_EQ(resp[i].body, b[i]);
      ++ok;
    } else {
      EXPECT_EQ(resp[i].kind, Kind::kTransportError);
      EXPECT_FALSE(resp[i].error.empty());
      ++failed;
    }
  }
  EXPECT_EQ(resp[7].kind, Kind::kTransportError);
  EXPECT_EQ(ok + failed, b.size());
  EXPECT_LE(failed, 8u);  // at most one connection's pipeline is lost
  EXPECT_EQ(ledger.max_count(), 1);
}

TEST(HttpPipeline, IdleConnectionsTheServerDroppedAreReplaced) {
  Ledger ledger;
  TestHttpServer server([&](const HttpRequest& r) {
    ledger.add(r.body);
    return HttpResponse{200, r.body};
  });
  auto p = HttpPipeline::for_url(server.url(), 1 << 20);
  auto first = post(*p, bodies(10), 2);
  ASSERT_EQ(first[9].kind, Kind::kResponse);
  server.drop_connections();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::vector<std::string> b;
  for (int i = 0; i < 10; ++i) b.push_back("{\"second\":" + std::to_string(i) + "}");
  auto resp = post(*p, b, 2);
  for (size_t i = 0; i < b.size(); ++i) {
    ASSERT_EQ(resp[i].kind, Kind::kResponse) << resp[i].error;
    EXPECT_EQ(resp[i].body, b[i]);
  }
  EXPECT_EQ(ledger.max_count(), 1);
}

TEST(HttpPipeline, RefusedConnectionsFailEveryRequest) {
  int port;
  {
    TestHttpServer gone([](const HttpRequest&) { return HttpResponse{}; });
    port = gone.port();
  }
  auto p = HttpPipeline::for_url("http://127.0.0.1:" + std::to_string(port) + "/", 1 << 20);
  auto resp = post(*p, bodies(3), 2);
  for (const auto& r : resp) {
    EXPECT_EQ(r.kind, Kind::kTransportError);
    EXPECT_NE(r.error.find("Failed to connect to 127.0.0.1 port " + std::to_string(port)), std::string::npos)
        << r.error;
  }
}

TEST(HttpPipeline, OnlyPlainHttpUrlsWithoutUserInfo) {
  EXPECT_TRUE(HttpPipeline::for_url("http://localhost:8080/a/b", 10));
  EXPECT_TRUE(HttpPipeline::for_url("http://[::1]:8080/", 10));
  EXPECT_FALSE(HttpPipeline::for_url("https://example.com/", 10));
  EXPECT_FALSE(HttpPipeline::for_url("http://user:pw@localhost/", 10));
  EXPECT_FALSE(HttpPipeline::for_url("not a url", 10));
}

TEST(HttpPipeline, OversizedAnswersAreTooLarge) {
  TestHttpServer server([](const HttpRequest&) { return HttpResponse{200, std::string(2000, 'x')}; });
  auto p = HttpPipeline::for_url(server.url(), 1000);
  auto resp = post(*p, bodies(2), 1);
  EXPECT_EQ(resp[0].kind, Kind::kTooLarge);
}

}  // namespace
}  // namespace sg::integrations
