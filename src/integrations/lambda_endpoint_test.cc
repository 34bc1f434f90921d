// Lambda-compatible endpoints: the Invoke API request stepguard sends, the outcomes of the
// answers a Lambda API server gives, and how such functions are configured.
#include "integrations/lambda_endpoint.h"

#include <gtest/gtest.h>

#include "integrations/function_registry.h"
#include "integrations/lambda_executor.h"
#include "integrations/test_http_server.h"
#include "json/parse.h"

namespace sg::integrations {
namespace {

using testing::HttpRequest;
using testing::HttpResponse;
using testing::TestHttpServer;

json::Value parse(std::string_view text) { return json::parse_json(text).value(); }

FunctionOutcome call(LocalFunction& fn, std::string_view event) {
  FunctionCall c;
  c.event = event;
  c.request_id = "11111111-2222-4333-8444-555555555555";
  return fn.call(c);
}

TEST(LambdaEndpoint, InvokeUrlFollowsTheLambdaRestApi) {
  EXPECT_EQ(lambda_invoke_url("http://127.0.0.1:3001", "HelloWorld", ""),
            "http://127.0.0.1:3001/2015-03-31/functions/HelloWorld/invocations");
  EXPECT_EQ(lambda_invoke_url("http://h:1/", "f", "$LATEST"),
            "http://h:1/2015-03-31/functions/f/invocations?Qualifier=%24LATEST");
  EXPECT_TRUE(is_lambda_endpoint_spec("lambda+http://127.0.0.1:3001"));
  EXPECT_TRUE(is_lambda_endpoint_spec("LAMBDA+HTTPS://x"));
  EXPECT_FALSE(is_lambda_endpoint_spec("http://127.0.0.1:3001"));
}

TEST(LambdaEndpoint, PostsTheEventToTheInvocationsPathAndReturnsThePayload) {
  HttpRequest seen;
  TestHttpServer server([&](const HttpRequest& r) {
    seen = r;
    return HttpResponse{200, R"({"greeting":"hi"})"};
  });
  auto fn = make_lambda_endpoint_function(server.url(""), "HelloWorld", "prod");
  auto o = call(*fn, R"({"name":"x"})");
  ASSERT_TRUE(o.ok) << o.error << ": " << o.cause;
  EXPECT_EQ(o.output, parse(R"({"greeting":"hi"})"));
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/2015-03-31/functions/HelloWorld/invocations?Qualifier=prod");
  EXPECT_EQ(seen.body, R"({"name":"x"})");
}

TEST(LambdaEndpoint, FunctionErrorsAndServiceErrorsMapAsLambdasDo) {
  TestHttpServer server([](const HttpRequest& r) {
    if (r.path.find("/functions/Raises/") != std::string::npos) {
      return HttpResponse{200,
                          R"({"errorType":"ValueError","errorMessage":"bad input"})",
                          {{"X-Amz-Function-Error", "Unhandled"}}};
    }
    if (r.path.find("/functions/Busy/") != std::string::npos)
      return HttpResponse{429, R"({"message":"slow down"})"};
    if (r.path.find("/functions/Broken/") != std::string::npos) return HttpResponse{502, "gateway"};
    return HttpResponse{404, R"({"Type":"User","message":"Function not found"})"};
  });
  auto raises = make_lambda_endpoint_function(server.url(""), "Raises", "");
  auto o = call(*raises, "{}");
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error, "ValueError");
  EXPECT_EQ(o.cause, R"({"errorType":"ValueError","errorMessage":"bad input"})");

  auto missing = make_lambda_endpoint_function(server.url(""), "Nope", "");
  EXPECT_EQ(call(*missing, "{}").error, "Lambda.ResourceNotFoundException");
  auto busy = make_lambda_endpoint_function(server.url(""), "Busy", "");
  EXPECT_EQ(call(*busy, "{}").error, "Lambda.TooManyRequestsException");
  auto broken = make_lambda_endpoint_function(server.url(""), "Broken", "");
  auto b = call(*broken, "{}");
  EXPECT_EQ(b.error, "Lambda.ServiceException");
  EXPECT_NE(b.cause.find("Status Code: 502; Error Code: ServiceException"), std::string::npos) << b.cause;
}

TEST(LambdaEndpoint, ConfiguredOnTheCommandLineAndInAFunctionsFile) {
  auto spec = parse_function_spec("my-fn=lambda+http://127.0.0.1:3001");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->kind, FunctionSpec::Kind::kLambdaEndpoint);
  EXPECT_EQ(spec->target, "http://127.0.0.1:3001");

  auto reg = FunctionRegistry::from_yaml_text(R"(functions:
  short: lambda+http://127.0.0.1:3001
  long:
    lambda_endpoint: http://127.0.0.1:3002
    function_name: LongFunction
    timeout_seconds: 5
  cmd:
    command: cat
    max_concurrency: 3
)",
                                              "fns.yaml", "");
  ASSERT_TRUE(reg.ok()) << reg.error().message;
  const auto& e = reg->entries();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].kind, FunctionSpec::Kind::kLambdaEndpoint);
  EXPECT_EQ(e[0].target, "http://127.0.0.1:3001");
  EXPECT_EQ(e[1].kind, FunctionSpec::Kind::kLambdaEndpoint);
  EXPECT_EQ(e[1].function_name, "LongFunction");
  EXPECT_EQ(e[1].timeout_seconds, 5);
  EXPECT_EQ(e[2].max_concurrency, 3);

  auto bad =
      FunctionRegistry::from_yaml_text("functions:\n  f:\n    lambda_endpoint: ftp://x\n", "fns.yaml", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("functions.f.lambda_endpoint must be an http:// or https:// URL"),
            std::string::npos)
      << bad.error().message;
  auto misplaced = FunctionRegistry::from_yaml_text(
      "functions:\n  f:\n    url: http://x\n    max_concurrency: 2\n", "fns.yaml", "");
  ASSERT_FALSE(misplaced.ok());
  EXPECT_NE(misplaced.error().message.find("max_concurrency is for commands only"), std::string::npos);
}

TEST(LambdaEndpoint, TaskStatesInvokeTheFunctionTheKeyNames) {
  HttpRequest seen;
  TestHttpServer server([&](const HttpRequest& r) {
    seen = r;
    return HttpResponse{200, R"({"ok":true})"};
  });
  auto reg = FunctionRegistry::from_specs(
      {"arn:aws:lambda:us-east-1:123456789012:function:Greeter:live=lambda+" + server.url("")});
  ASSERT_TRUE(reg.ok()) << reg.error().message;
  LambdaExecutor ex(std::move(reg).value());
  engine::TaskRequest req;
  req.resource = "arn:aws:states:::lambda:invoke";
  req.parameters = parse(R"({"FunctionName":"Greeter:live","Payload":{"a":1}})");
  engine::TaskResult r = ex.invoke(req);
  ASSERT_TRUE(r.ok) << r.error << ": " << r.cause;
  EXPECT_EQ(r.output.find("Payload")->dump(), R"({"ok":true})");
  EXPECT_EQ(seen.path, "/2015-03-31/functions/Greeter/invocations?Qualifier=live");
  EXPECT_EQ(seen.body, R"({"a":1})");
}

}  // namespace
}  // namespace sg::integrations
