#include "integrations/http_function.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "integrations/test_http_server.h"
#include "json/parse.h"

namespace sg::integrations {
namespace {

using testing::HttpRequest;
using testing::HttpResponse;
using testing::TestHttpServer;

json::Value parse(std::string_view text) { return json::parse_json(text).value(); }

// prefix + n + suffix (appends: GCC 12 misreports `"literal" + std::to_string(n)` under -Werror).
std::string cat(std::string_view prefix, int n, std::string_view suffix = "") {
  std::string s(prefix);
  s += std::to_string(n);
  s += suffix;
  return s;
}

FunctionOutcome call(HttpFunction& fn, std::string_view event, int64_t timeout_ms = 0) {
  FunctionCall c;
  c.event = event;
  c.timeout_ms = timeout_ms;
  c.request_id = "11111111-2222-4333-8444-555555555555";
  return fn.call(c);
}

TEST(HttpFunction, PostsTheEventAsJsonAndParsesTheBody) {
  HttpRequest seen;
  TestHttpServer server([&](const HttpRequest& r) {
    seen = r;
    return HttpResponse{200, R"({"echo":)" + r.body + "}"};
  });
  HttpFunction fn("my-fn", server.url("/invoke"));
  auto o = call(fn, R"({"a":1})");
  ASSERT_TRUE(o.ok) << o.error << ": " << o.cause;
  EXPECT_EQ(o.output, parse(R"({"echo":{"a":1}})"));
  EXPECT_EQ(o.payload_bytes, std::string_view(R"({"echo":{"a":1}})").size());
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/invoke");
  EXPECT_EQ(seen.header("Content-Type"), "application/json");
  EXPECT_EQ(seen.header("Expect"), "");
  EXPECT_EQ(seen.body, R"({"a":1})");
}

TEST(HttpFunction, EmptyBodyIsNullAndAny2xxSucceeds) {
  TestHttpServer server([](const HttpRequest&) { return HttpResponse{202, ""}; });
  HttpFunction fn("f", server.url());
  auto o = call(fn, "{}");
  ASSERT_TRUE(o.ok);
  EXPECT_TRUE(o.output.is_null());
}

TEST(HttpFunction, ReusesOneKeepAliveConnection) {
  TestHttpServer server([](const HttpRequest& r) { return HttpResponse{200, r.body}; });
  HttpFunction fn("f", server.url());
  for (int i = 0; i < 50; ++i) {
    auto o = call(fn, cat("{\"i\":", i, "}"));
    ASSERT_TRUE(o.ok) << o.cause;
    EXPECT_EQ(o.output.find("i")->as_int(), i);
  }
  EXPECT_EQ(server.requests(), 50);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(fn.handles_created(), 1u);
}

TEST(HttpFunction, ConcurrentCallsEachGetAHandle) {
  std::atomic<int> inside{0}, max_inside{0};
  TestHttpServer server([&](const HttpRequest& r) {
    int now = ++inside;
    int prev = max_inside.load();
    while (now > prev && !max_inside.compare_exchange_weak(prev, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --inside;
    return HttpResponse{200, r.body};
  });
  HttpFunction fn("f", server.url());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto o = call(fn, cat("{\"t\":", t, "}"));
        if (o.ok && o.output.find("t")->as_int() == t) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_GT(max_inside.load(), 1);
  EXPECT_LE(fn.handles_created(), 4u);
  EXPECT_LE(server.connections(), 4);
}

TEST(HttpFunction, FunctionErrorsByHeaderOrErrorTypeBody) {
  TestHttpServer server([](const HttpRequest& r) {
    if (r.path == "/header") {
      return HttpResponse{200,
                          R"({"errorMessage":"bad id","errorType":"Custom.BadId"})",
                          {{"X-Amz-Function-Error", "Unhandled"}}};
    }
    if (r.path == "/untyped")
      return HttpResponse{200, R"({"message":"?"})", {{"x-amz-function-error", "Handled"}}};
    return HttpResponse{200, R"({"errorType":"NotReady","errorMessage":"later"})"};
  });
  HttpFunction header("f", server.url("/header"));
  auto a = call(header, "{}");
  ASSERT_FALSE(a.ok);
  EXPECT_EQ(a.error, "Custom.BadId");
  EXPECT_EQ(a.cause, R"({"errorMessage":"bad id","errorType":"Custom.BadId"})");
  HttpFunction untyped("f", server.url("/untyped"));
  auto b = call(untyped, "{}");
  ASSERT_FALSE(b.ok);
  EXPECT_EQ(b.error, "Lambda.Unknown");
  EXPECT_EQ(b.cause, R"({"message":"?"})");
  HttpFunction body("f", server.url("/body"));
  auto c = call(body, "{}");
  ASSERT_FALSE(c.ok);
  EXPECT_EQ(c.error, "NotReady");
  EXPECT_EQ(c.cause, R"({"errorType":"NotReady","errorMessage":"later"})");
}

TEST(HttpFunction, StatusCodesMapToLambdaServiceErrors) {
  TestHttpServer server([](const HttpRequest& r) {
    int status = std::stoi(r.path.substr(1));
    return HttpResponse{status, status == 500 ? "internal failure\n" : ""};
  });
  struct Case {
    int status;
    std::string error, code;
  } cases[] = {
      {404, "Lambda.ResourceNotFoundException", "ResourceNotFoundException"},
      {429, "Lambda.TooManyRequestsException", "TooManyRequestsException"},
      {400, "Lambda.AWSLambdaException", "AWSLambdaException"},
      {500, "Lambda.ServiceException", "ServiceException"},
      {503, "Lambda.ServiceException", "ServiceException"},
  };
  for (const Case& c : cases) {
    std::string url = server.url(cat("/", c.status));
    HttpFunction fn("f", url);
    auto o = call(fn, "{}");
    ASSERT_FALSE(o.ok) << c.status;
    EXPECT_EQ(o.error, c.error);
    std::string body = c.status == 500 ? "internal failure" : "(empty body)";
    EXPECT_EQ(o.cause, "local function 'f' at " + url + " answered HTTP " + std::to_string(c.status) + ": " +
                           body + " (Service: AWSLambda; Status Code: " + std::to_string(c.status) +
                           "; Error Code: " + c.code +
                           "; Request ID: 11111111-2222-4333-8444-555555555555; Proxy: null)");
  }
}

TEST(HttpFunction, BodyThatIsNotJsonIsLambdaUnknown) {
  TestHttpServer server([](const HttpRequest&) { return HttpResponse{200, "<html>oops</html>"}; });
  HttpFunction fn("f", server.url());
  auto o = call(fn, "{}");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Lambda.Unknown");
  EXPECT_TRUE(o.cause.ends_with("): <html>oops</html>")) << o.cause;
}

TEST(HttpFunction, TimeoutIsStatesTimeout) {
  TestHttpServer server([](const HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    return HttpResponse{200, "{}"};
  });
  HttpFunction fn("f", server.url());
  auto start = std::chrono::steady_clock::now();
  auto o = call(fn, "{}", 200);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "States.Timeout");
  EXPECT_EQ(o.cause, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(800));
}

TEST(HttpFunction, ConnectionFailureIsSdkClientException) {
  int port;
  {
    TestHttpServer closed([](const HttpRequest&) { return HttpResponse{}; });
    port = closed.port();
  }  // nothing listens there any more
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  HttpFunction fn("f", url);
  auto o = call(fn, "{}");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Lambda.SdkClientException");
  EXPECT_TRUE(o.cause.starts_with("Unable to execute HTTP request: ")) << o.cause;
  EXPECT_TRUE(o.cause.ends_with("(local function 'f' at " + url + ")")) << o.cause;
}

TEST(HttpFunction, RecoversAfterTheServerClosesTheConnection) {
  TestHttpServer server([](const HttpRequest& r) { return HttpResponse{200, r.body, {}, /*close=*/true}; });
  HttpFunction fn("f", server.url());
  for (int i = 0; i < 3; ++i) {
    auto o = call(fn, cat("[", i, "]"));
    ASSERT_TRUE(o.ok) << o.cause;
    EXPECT_EQ(o.output, parse(cat("[", i, "]")));
  }
  EXPECT_EQ(server.connections(), 3);
}

TEST(HttpFunction, OneMegabyteEachWay) {
  TestHttpServer server([](const HttpRequest& r) { return HttpResponse{200, r.body}; });
  HttpFunction fn("f", server.url());
  std::string big = "{\"data\":\"" + std::string(1 << 20, 'q') + "\"}";
  auto o = call(fn, big);
  ASSERT_TRUE(o.ok) << o.cause;
  EXPECT_EQ(o.payload_bytes, big.size());
  EXPECT_EQ(o.output.find("data")->as_string().size(), size_t{1} << 20);
}

// A body cut short of its Content-Length is a transport failure, not a success.
TEST(HttpFunction, TruncatedBodyIsSdkClientException) {
  TestHttpServer server([](const HttpRequest&) {
    HttpResponse r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":1}";
    r.close = true;
    return r;
  });
  HttpFunction fn("f", server.url());
  FunctionOutcome o = fn.call(FunctionCall{"{}"});
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Lambda.SdkClientException");
}

}  // namespace
}  // namespace sg::integrations
