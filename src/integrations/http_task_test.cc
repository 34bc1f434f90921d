// The HTTP Task (`arn:aws:states:::http:invoke`) against a local test server: request
// building (methods, query, bodies, URL encoding), connection credentials (API key, basic,
// OAuth with caching and refresh), AWS's result shape and its errors.
#include "integrations/http_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "integrations/test_http_server.h"
#include "json/parse.h"

namespace sg::integrations {
namespace {

using testing::HttpRequest;
using testing::HttpResponse;
using testing::TestHttpServer;

constexpr const char* kResource = "arn:aws:states:::http:invoke";
constexpr const char* kApiKeyArn = "arn:aws:events:us-east-1:123456789012:connection/stripe/1111";
constexpr const char* kBasicArn = "arn:aws:events:us-east-1:123456789012:connection/basic/2222";
constexpr const char* kOAuthArn = "arn:aws:events:us-east-1:123456789012:connection/crm/3333";

json::Value js(std::string_view text) {
  auto v = json::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : json::Value();
}

std::shared_ptr<const Connections> make_connections(const std::string& token_url) {
  std::string yaml = std::string(kApiKeyArn) +
                     ":\n  api_key: {name: x-api-key, value: sekret}\n  headers: {X-Tenant: acme}\n";
  yaml += std::string(kBasicArn) + ":\n  basic: {username: svc, password: 'p@ss'}\n";
  yaml += std::string(kOAuthArn) + ":\n  oauth:\n    token_url: " + token_url +
          "\n    client_id: cid\n    client_secret: csecret\n    scope: read write\n";
  auto parsed = parse_connections(YAML::Load(yaml), "test.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return std::make_shared<const Connections>(parsed.ok() ? *parsed : Connections());
}

struct Recorder {
  std::mutex mu;
  std::vector<HttpRequest> requests;
  void add(const HttpRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    requests.push_back(r);
  }
  HttpRequest last() {
    std::lock_guard<std::mutex> lock(mu);
    return requests.empty() ? HttpRequest{} : requests.back();
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return requests.size();
  }
};

engine::TaskRequest task(const json::Value& params) {
  engine::TaskRequest r;
  r.resource = kResource;
  r.parameters = params;
  r.state_name = "Call";
  return r;
}

std::string params_for(const TestHttpServer& server, std::string_view path, std::string_view method,
                       std::string_view connection, std::string_view extra = "") {
  std::string p = "{\"ApiEndpoint\":\"" + server.url(path) + "\",\"Method\":\"" + std::string(method) +
                  "\",\"Authentication\":{\"ConnectionArn\":\"" + std::string(connection) + "\"}";
  if (!extra.empty()) {
    p += ',';
    p += extra;
  }
  p += '}';
  return p;
}

TEST(HttpTaskResource, RecognisesOnlyHttpInvoke) {
  EXPECT_TRUE(is_http_task_resource("arn:aws:states:::http:invoke"));
  EXPECT_TRUE(is_http_task_resource("arn:aws-us-gov:states:::http:invoke"));
  EXPECT_FALSE(is_http_task_resource("arn:aws:states:::http:invoke.waitForTaskToken"));
  EXPECT_FALSE(is_http_task_resource("arn:aws:states:::lambda:invoke"));
}

TEST(HttpTask, GetWithQueryAndApiKeyReturnsAwsShapedResult) {
  Recorder rec;
  TestHttpServer server([&](const HttpRequest& r) {
    rec.add(r);
    HttpResponse resp;
    resp.body = R"({"customers":[{"id":"c1"}]})";
    resp.headers = {{"Content-Type", "application/json"}, {"X-Trace", "a"}, {"x-trace", "b"}};
    return resp;
  });
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  auto result = exec.invoke(task(js(params_for(server, "/v1/customers", "GET", kApiKeyArn,
                                               R"("QueryParameters":{"limit":10,"email":"a b@x.com"})"))));
  ASSERT_TRUE(result.ok) << result.error << ": " << result.cause;
  HttpRequest req = rec.last();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.path, "/v1/customers?limit=10&email=a%20b%40x.com");
  EXPECT_EQ(req.header("x-api-key"), "sekret");
  EXPECT_EQ(req.header("X-Tenant"), "acme");
  EXPECT_EQ(req.header("User-Agent"), "Amazon|StepFunctions|HttpInvoke|us-east-1");
  EXPECT_EQ(req.header("Range"), "bytes=0-262144");
  EXPECT_EQ(req.header("Content-Length"), "");

  const json::Value& out = result.output;
  EXPECT_EQ(out.members()[0].name(), "Headers");
  EXPECT_EQ(*out.find("ResponseBody"), js(R"({"customers":[{"id":"c1"}]})"));
  EXPECT_EQ(*out.find("StatusCode"), json::Value::integer(200));
  EXPECT_EQ(*out.find("StatusText"), json::Value::string("OK"));
  EXPECT_EQ(*out.find("Headers")->find("Content-Type"), js(R"(["application/json"])"));
  EXPECT_EQ(*out.find("Headers")->find("X-Trace"), js(R"(["a","b"])"));
}

TEST(HttpTask, PostsJsonBodyWithBasicAuth) {
  Recorder rec;
  TestHttpServer server([&](const HttpRequest& r) {
    rec.add(r);
    HttpResponse resp;
    resp.status = 201;
    resp.body = "created";
    resp.headers = {{"Content-Type", "text/plain"}};
    return resp;
  });
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  auto result =
      exec.invoke(task(js(params_for(server, "/items", "POST", kBasicArn,
                                     R"("RequestBody":{"name":"x","n":[1,2]},"Headers":{"X-Req":7})"))));
  ASSERT_TRUE(result.ok) << result.error << ": " << result.cause;
  HttpRequest req = rec.last();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.body, R"({"name":"x","n":[1,2]})");
  EXPECT_EQ(req.header("Content-Type"), "application/json; charset=UTF-8");
  EXPECT_EQ(req.header("Authorization"), "Basic c3ZjOnBAc3M=");  // svc:p@ss
  EXPECT_EQ(req.header("X-Req"), "7");
  EXPECT_EQ(*result.output.find("ResponseBody"), json::Value::string("created"));
  EXPECT_EQ(*result.output.find("StatusCode"), json::Value::integer(201));
  EXPECT_EQ(*result.output.find("StatusText"), json::Value::string("Created"));
}

TEST(HttpTask, SendsEveryMethod) {
  Recorder rec;
  TestHttpServer server([&](const HttpRequest& r) {
    rec.add(r);
    return HttpResponse{};
  });
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  for (const char* m : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    auto result = exec.invoke(task(js(params_for(server, "/m", m, kApiKeyArn, R"("RequestBody":{"a":1})"))));
    ASSERT_TRUE(result.ok) << m << ": " << result.cause;
    EXPECT_EQ(rec.last().method, m);
    EXPECT_EQ(rec.last().body, R"({"a":1})") << m;
  }
}

struct EncodingCase {
  const char* format;
  const char* body;
};

TEST(HttpTask, UrlEncodesBodiesInEachArrayFormat) {
  Recorder rec;
  TestHttpServer server([&](const HttpRequest& r) {
    rec.add(r);
    return HttpResponse{};
  });
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  const EncodingCase cases[] = {
      {"INDICES", "array[0]=a&array[1]=b&user[name]=Jo%20Doe"},
      {"REPEAT", "array=a&array=b&user[name]=Jo%20Doe"},
      {"COMMAS", "array=a,b&user[name]=Jo%20Doe"},
      {"BRACKETS", "array[]=a&array[]=b&user[name]=Jo%20Doe"},
  };
  for (const EncodingCase& c : cases) {
    std::string extra = R"("RequestBody":{"array":["a","b"],"user":{"name":"Jo Doe"}},)";
    extra += R"("Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":")";
    extra += c.format;
    extra += "\"}}";
    auto result = exec.invoke(task(js(params_for(server, "/form", "POST", kApiKeyArn, extra))));
    ASSERT_TRUE(result.ok) << c.format << ": " << result.cause;
    EXPECT_EQ(rec.last().body, c.body) << c.format;
    EXPECT_EQ(rec.last().header("Content-Type"), "application/x-www-form-urlencoded");
  }
  // Without RequestEncodingOptions the format is INDICES.
  auto result = exec.invoke(
      task(js(params_for(server, "/form", "POST", kApiKeyArn,
                         R"("RequestBody":{"a":["x"]},"Transform":{"RequestBodyEncoding":"URL_ENCODED"})"))));
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(rec.last().body, "a[0]=x");
}

TEST(HttpTask, NonSuccessStatusFailsWithStatusCodeError) {
  TestHttpServer server([&](const HttpRequest&) {
    HttpResponse resp;
    resp.status = 404;
    resp.body = R"({"message":"no such customer"})";
    resp.headers = {{"Content-Type", "application/json"}};
    return resp;
  });
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  auto result = exec.invoke(task(js(params_for(server, "/v1/customers/x", "GET", kApiKeyArn))));
  ASSERT_FALSE(result.ok);
  EXPECT_EQ(result.error, "States.Http.StatusCode.404");
  auto cause = json::parse_json(result.cause);
  ASSERT_TRUE(cause.ok()) << result.cause;
  EXPECT_EQ(*cause->find("StatusCode"), json::Value::integer(404));
  EXPECT_EQ(*cause->find("StatusText"), json::Value::string("Not Found"));
  EXPECT_EQ(*cause->find("ResponseBody"), js(R"({"message":"no such customer"})"));
}

TEST(HttpTask, TaskTimeoutIsStatesTimeoutAndHardLimitIsSocketError) {
  TestHttpServer server([&](const HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return HttpResponse{};
  });
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  auto req = task(js(params_for(server, "/slow", "GET", kApiKeyArn)));
  req.timeout_seconds = 1;
  auto result = exec.invoke(req);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "States.Timeout");
  EXPECT_EQ(result.cause, "");

  HttpTaskOptions options;
  options.hard_timeout_ms = 200;
  HttpTaskExecutor limited(make_connections("http://127.0.0.1:1/token"), options);
  auto socket = limited.invoke(task(js(params_for(server, "/slow", "GET", kApiKeyArn))));
  EXPECT_FALSE(socket.ok);
  EXPECT_EQ(socket.error, "States.Http.Socket");
}

TEST(HttpTask, ConnectionRefusedIsSocketError) {
  int port;
  {
    TestHttpServer closed([](const HttpRequest&) { return HttpResponse{}; });
    port = closed.port();
  }
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  std::string p = "{\"ApiEndpoint\":\"http://127.0.0.1:" + std::to_string(port) +
                  "/x\",\"Method\":\"GET\",\"Authentication\":{\"ConnectionArn\":\"" + kApiKeyArn + "\"}}";
  auto result = exec.invoke(task(js(p)));
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "States.Http.Socket");
  EXPECT_NE(result.cause.find("Unable to execute HTTP request"), std::string::npos) << result.cause;
}

TEST(HttpTask, OAuthTokenIsFetchedCachedAndRefreshed) {
  Recorder tokens;
  std::atomic<int> issued{0};
  TestHttpServer auth([&](const HttpRequest& r) {
    tokens.add(r);
    HttpResponse resp;
    resp.headers = {{"Content-Type", "application/json"}};
    resp.body = R"({"access_token":"tok)" + std::to_string(++issued) +
                R"(","token_type":"Bearer","expires_in":3600})";
    return resp;
  });
  Recorder api;
  std::atomic<bool> reject_tok1{false};
  TestHttpServer server([&](const HttpRequest& r) {
    api.add(r);
    HttpResponse resp;
    if (reject_tok1 && r.header("Authorization") == "Bearer tok1") resp.status = 401;
    return resp;
  });
  std::atomic<int64_t> now{1'000'000};
  HttpTaskOptions options;
  options.now_ms = [&] { return now.load(); };
  HttpTaskExecutor exec(make_connections(auth.url("/oauth2/token")), options);
  auto params = js(params_for(server, "/api", "GET", kOAuthArn));

  ASSERT_TRUE(exec.invoke(task(params)).ok);
  EXPECT_EQ(api.last().header("Authorization"), "Bearer tok1");
  HttpRequest tr = tokens.last();
  EXPECT_EQ(tr.method, "POST");
  EXPECT_EQ(tr.body, "grant_type=client_credentials&scope=read%20write");
  EXPECT_EQ(tr.header("Authorization"), "Basic Y2lkOmNzZWNyZXQ=");  // cid:csecret
  EXPECT_EQ(tr.header("Content-Type"), "application/x-www-form-urlencoded");

  // Cached while valid.
  now += 3000 * 1000;
  ASSERT_TRUE(exec.invoke(task(params)).ok);
  EXPECT_EQ(exec.oauth_cache().fetches(), 1);

  // Close to expiry (less than the 30 s skew left): fetched again.
  now += 590 * 1000;
  ASSERT_TRUE(exec.invoke(task(params)).ok);
  EXPECT_EQ(exec.oauth_cache().fetches(), 2);
  EXPECT_EQ(api.last().header("Authorization"), "Bearer tok2");

  // A 401 drops the token, fetches a new one and repeats the request once.
  issued = 0;                 // the next token is tok1 again, which the API now rejects
  exec.invoke(task(params));  // fetches nothing: tok2 still cached
  reject_tok1 = true;
  now += 10'000 * 1000;  // expired: next call fetches tok1 (rejected), then tok2
  size_t before = api.count();
  auto result = exec.invoke(task(params));
  ASSERT_TRUE(result.ok) << result.error << ": " << result.cause;
  EXPECT_EQ(api.count(), before + 2);
  EXPECT_EQ(api.last().header("Authorization"), "Bearer tok2");
}

TEST(HttpTask, OAuthFailureIsConnectionError) {
  TestHttpServer auth([&](const HttpRequest&) {
    HttpResponse resp;
    resp.status = 401;
    resp.body = "bad client";
    return resp;
  });
  TestHttpServer server([&](const HttpRequest&) { return HttpResponse{}; });
  HttpTaskExecutor exec(make_connections(auth.url("/token")));
  auto result = exec.invoke(task(js(params_for(server, "/api", "GET", kOAuthArn))));
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "Events.ConnectionResource.InvalidConnectionState");
  EXPECT_EQ(result.cause.find("csecret"), std::string::npos);
}

TEST(HttpTask, RejectsBadParameters) {
  TestHttpServer server([&](const HttpRequest&) { return HttpResponse{}; });
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  struct Case {
    std::string params;
    std::string error;
    std::string cause_part;
  };
  const Case cases[] = {
      {params_for(server, "/", "FETCH", kApiKeyArn), "States.Runtime", "Method"},
      {params_for(server, "/", "GET", kApiKeyArn, R"("Headers":{"Authorization":"x"})"), "States.Runtime",
       "Authorization"},
      {params_for(server, "/", "GET", kApiKeyArn, R"("Headers":{"X-Amz-Date":"x"})"), "States.Runtime",
       "X-Amz-Date"},
      {params_for(server, "/", "GET", kApiKeyArn, R"("Bogus":1)"), "States.Runtime", "Bogus"},
      {params_for(
           server, "/", "GET", kApiKeyArn,
           R"("Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"X"}})"),
       "States.Runtime", "ArrayFormat"},
      {R"({"ApiEndpoint":"ftp://x","Method":"GET","Authentication":{"ConnectionArn":"a"}})", "States.Runtime",
       "ApiEndpoint"},
      {R"({"ApiEndpoint":"https://x.example","Method":"GET"})", "States.Runtime", "ConnectionArn"},
      {params_for(server, "/", "GET", "arn:aws:events:us-east-1:123456789012:connection/none/1"),
       "Events.ConnectionResource.ResourceNotFound", "connection/none/1"},
  };
  for (const Case& c : cases) {
    auto result = exec.invoke(task(js(c.params)));
    EXPECT_FALSE(result.ok) << c.params;
    EXPECT_EQ(result.error, c.error) << c.params;
    EXPECT_NE(result.cause.find(c.cause_part), std::string::npos) << result.cause;
  }
  EXPECT_EQ(server.requests(), 0);
}

TEST(HttpTask, InvokeAllRunsConcurrently) {
  TestHttpServer server([&](const HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return HttpResponse{};
  });
  HttpTaskExecutor exec(make_connections("http://127.0.0.1:1/token"));
  json::Value params = js(params_for(server, "/p", "GET", kApiKeyArn));
  std::vector<engine::TaskRequest> requests(6, task(params));
  std::vector<engine::TaskResult> results(6);
  auto start = std::chrono::steady_clock::now();
  std::atomic<int> done{0};
  exec.invoke_all(requests, results, [&](size_t) { ++done; });
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(done.load(), 6);
  for (const auto& r : results) EXPECT_TRUE(r.ok) << r.cause;
  EXPECT_LT(ms, 1200);
}

}  // namespace
}  // namespace sg::integrations
