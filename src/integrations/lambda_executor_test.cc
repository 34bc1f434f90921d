#include "integrations/lambda_executor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "integrations/lambda_response.h"
#include "integrations/test_http_server.h"
#include "json/parse.h"

namespace sg::integrations {
namespace {

using engine::TaskRequest;
using engine::TaskResult;
using testing::HttpRequest;
using testing::HttpResponse;
using testing::TestHttpServer;

constexpr const char* kRequestId = "7d2ab3c4-5e6f-4a1b-8c9d-0e1f2a3b4c5d";
constexpr int64_t kNow = 1699360307123;  // Tue, 07 Nov 2023 12:31:47 GMT
constexpr const char* kInvoke = "arn:aws:states:::lambda:invoke";
constexpr const char* kArn = "arn:aws:lambda:us-east-1:123456789012:function:";
const std::string kFixtures = std::string(STEPGUARD_SOURCE_DIR) + "/tests/data/functions";

json::Value parse(std::string_view text) { return json::parse_json(text).value(); }

LambdaExecutorOptions fixed_options() {
  LambdaExecutorOptions o;
  o.now_ms = [] { return kNow; };
  o.new_request_id = [] { return std::string(kRequestId); };
  return o;
}

LambdaExecutor executor(std::vector<std::string> specs, LambdaExecutorOptions options = fixed_options()) {
  auto registry = FunctionRegistry::from_specs(specs);
  EXPECT_TRUE(registry.ok()) << registry.error().message;
  return LambdaExecutor(std::move(registry).value(), std::move(options));
}

TaskResult invoke(LambdaExecutor& ex, std::string_view resource, std::string_view params,
                  std::optional<int64_t> timeout_seconds = std::nullopt) {
  TaskRequest r;
  r.resource = resource;
  r.parameters = parse(params);
  r.state_name = "Task";
  r.timeout_seconds = timeout_seconds;
  return ex.invoke(r);
}

// The response AWS records for lambda:invoke, with this test's request id and time.
std::string expected_invoke_result(std::string_view payload_json, size_t content_length) {
  const std::string n = std::to_string(content_length);
  const std::string trace = "root=1-654a2e33-7d2ab3c45e6f4a1b8c9d0e1f;parent=8c9d0e1f2a3b4c5d;sampled=0";
  std::string s = R"({"ExecutedVersion":"$LATEST","Payload":)";
  s += payload_json;
  s += R"(,"SdkHttpMetadata":{"AllHttpHeaders":{"X-Amz-Executed-Version":["$LATEST"],)";
  s += R"("x-amzn-Remapped-Content-Length":["0"],"Connection":["keep-alive"],)";
  s += R"("x-amzn-RequestId":["7d2ab3c4-5e6f-4a1b-8c9d-0e1f2a3b4c5d"],"Content-Length":[")" + n + R"("],)";
  s += R"("Date":["Tue, 07 Nov 2023 12:31:47 GMT"],"X-Amzn-Trace-Id":[")" + trace + R"("],)";
  s += R"("Content-Type":["application/json"]},)";
  s += R"("HttpHeaders":{"Connection":"keep-alive","Content-Length":")" + n + R"(",)";
  s += R"("Content-Type":"application/json","Date":"Tue, 07 Nov 2023 12:31:47 GMT",)";
  s += R"("X-Amz-Executed-Version":"$LATEST","x-amzn-Remapped-Content-Length":"0",)";
  s += R"("x-amzn-RequestId":"7d2ab3c4-5e6f-4a1b-8c9d-0e1f2a3b4c5d","X-Amzn-Trace-Id":")" + trace + R"("},)";
  s += R"("HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":"7d2ab3c4-5e6f-4a1b-8c9d-0e1f2a3b4c5d"},)";
  s += R"("StatusCode":200})";
  return s;
}

TEST(LambdaExecutor, ClassifiesResources) {
  EXPECT_EQ(classify_lambda_resource("arn:aws:lambda:us-east-1:123456789012:function:f"),
            LambdaResourceKind::kFunctionArn);
  EXPECT_EQ(classify_lambda_resource("arn:aws:lambda:us-east-1:123456789012:function:f:prod"),
            LambdaResourceKind::kFunctionArn);
  EXPECT_EQ(classify_lambda_resource("arn:aws:states:::lambda:invoke"), LambdaResourceKind::kInvoke);
  EXPECT_EQ(classify_lambda_resource("arn:aws-us-gov:states:::lambda:invoke"), LambdaResourceKind::kInvoke);
  EXPECT_EQ(classify_lambda_resource("arn:aws:states:::lambda:invoke.waitForTaskToken"),
            LambdaResourceKind::kInvokeWaitForTaskToken);
  for (std::string_view other :
       {"arn:aws:states:::lambda:invoke.sync", "arn:aws:states:::aws-sdk:lambda:invoke",
        "arn:aws:states:::sqs:sendMessage", "arn:aws:states:us-east-1:123456789012:activity:a",
        "arn:aws:states:::lambda:invoke:x", "my-fn", ""}) {
    EXPECT_EQ(classify_lambda_resource(other), LambdaResourceKind::kOther) << other;
  }
}

TEST(LambdaExecutor, FunctionArnResourceReturnsTheOutputAlone) {
  auto ex = executor({"echo=cat"});
  TaskResult r = invoke(ex, std::string(kArn) + "echo", R"({"order":{"id":7},"items":[1,2]})");
  ASSERT_TRUE(r.ok) << r.error << ": " << r.cause;
  EXPECT_EQ(r.output.dump(), R"({"order":{"id":7},"items":[1,2]})");
  TaskResult qualified = invoke(ex, std::string(kArn) + "echo:prod", R"("text")");
  ASSERT_TRUE(qualified.ok);
  EXPECT_EQ(qualified.output.dump(), R"("text")");
}

TEST(LambdaExecutor, InvokeResourceReturnsTheAwsResponseShape) {
  auto ex = executor({"echo=cat"});
  TaskResult r = invoke(ex, kInvoke, R"({"FunctionName":"echo","Payload":{"a":[1,"x"]}})");
  ASSERT_TRUE(r.ok) << r.error << ": " << r.cause;
  EXPECT_EQ(r.output.dump(), expected_invoke_result(R"({"a":[1,"x"]})", 13));
}

TEST(LambdaExecutor, InvokeWithoutPayloadSendsAnEmptyObject) {
  // AWS recorded: Payload null reaches the function as {} (Content-Length 2 from an echo).
  auto ex = executor({"echo=cat"});
  TaskResult absent = invoke(ex, kInvoke, R"({"FunctionName":"echo"})");
  ASSERT_TRUE(absent.ok);
  EXPECT_EQ(absent.output.dump(), expected_invoke_result("{}", 2));
  TaskResult null = invoke(ex, kInvoke, R"({"FunctionName":"echo","Payload":null})");
  ASSERT_TRUE(null.ok);
  EXPECT_EQ(null.output.dump(), expected_invoke_result("{}", 2));
}

TEST(LambdaExecutor, StringPayloadsHoldingJsonAreSentAsThatJson) {
  // AWS recorded: Payload "0" reaches an echo function as the number 0 (Content-Length 1).
  auto ex = executor({"echo=cat"});
  TaskResult number = invoke(ex, kInvoke, R"({"FunctionName":"echo","Payload":"0"})");
  ASSERT_TRUE(number.ok);
  EXPECT_EQ(number.output.dump(), expected_invoke_result("0", 1));
  TaskResult text = invoke(ex, kInvoke, R"({"FunctionName":"echo","Payload":"not json"})");
  ASSERT_TRUE(text.ok);
  EXPECT_EQ(text.output.find("Payload")->dump(), R"("not json")");
}

TEST(LambdaExecutor, FunctionNameFormsAndQualifiers) {
  auto ex = executor({"echo=cat"});
  for (std::string_view name : {"echo", "echo:prod", "123456789012:function:echo",
                                "arn:aws:lambda:us-east-1:123456789012:function:echo",
                                "arn:aws:lambda:us-east-1:123456789012:function:echo:$LATEST"}) {
    TaskResult r = invoke(ex, kInvoke, R"({"FunctionName":")" + std::string(name) + R"(","Payload":1})");
    ASSERT_TRUE(r.ok) << name << ": " << r.cause;
    EXPECT_EQ(r.output.find("Payload")->as_int(), 1);
  }
  TaskResult version = invoke(ex, kInvoke, R"({"FunctionName":"echo","Qualifier":"3","Payload":1})");
  ASSERT_TRUE(version.ok);
  EXPECT_EQ(version.output.find("ExecutedVersion")->as_string(), "3");

  TaskResult mismatch = invoke(ex, kInvoke, R"({"FunctionName":"echo:prod","Qualifier":"beta"})");
  ASSERT_FALSE(mismatch.ok);
  EXPECT_EQ(mismatch.error, "Lambda.InvalidParameterValueException");
  EXPECT_EQ(mismatch.cause,
            "The derived qualifier from the function name does not match the specified qualifier. (Service: "
            "AWSLambda; Status Code: 400; Error Code: InvalidParameterValueException; Request ID: "
            "7d2ab3c4-5e6f-4a1b-8c9d-0e1f2a3b4c5d; Proxy: null)");
}

TEST(LambdaExecutor, UnknownFunctionIsResourceNotFoundInAwsWords) {
  auto ex = executor({"echo=cat"});
  TaskResult r = invoke(ex, kInvoke, R"({"FunctionName":"missing","Payload":{}})");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error, "Lambda.ResourceNotFoundException");
  EXPECT_EQ(r.cause,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing:$LATEST (Service: "
            "AWSLambda; "
            "Status Code: 404; Error Code: ResourceNotFoundException; Request ID: "
            "7d2ab3c4-5e6f-4a1b-8c9d-0e1f2a3b4c5d; "
            "Proxy: null). No local function is configured for 'missing': pass --function missing=COMMAND or "
            "--function missing=URL, or add it to a --functions file (configured: echo).");

  auto empty = executor({});
  TaskResult legacy = invoke(empty, "arn:aws:lambda:eu-west-1:111122223333:function:gone:prod", "{}");
  ASSERT_FALSE(legacy.ok);
  EXPECT_EQ(legacy.error, "Lambda.ResourceNotFoundException");
  EXPECT_TRUE(
      legacy.cause.starts_with("Function not found: arn:aws:lambda:eu-west-1:111122223333:function:gone:prod "
                               "(Service: AWSLambda; Status "
                               "Code: 404; Error Code: ResourceNotFoundException;"))
      << legacy.cause;
  EXPECT_TRUE(legacy.cause.ends_with("add it to a --functions file.")) << legacy.cause;
}

TEST(LambdaExecutor, UnknownResourceIsStatesRuntimeNamingIt) {
  auto ex = executor({"echo=cat"});
  for (std::string_view resource :
       {"arn:aws:states:::sqs:sendMessage", "arn:aws:states:::aws-sdk:s3:getObject",
        "arn:aws:states:us-east-1:123456789012:activity:approve"}) {
    TaskResult r = invoke(ex, resource, "{}");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.error, "States.Runtime");
    EXPECT_EQ(r.cause, "stepguard run has no integration for resource '" + std::string(resource) +
                           "': only Lambda functions run here, each configured as a local function "
                           "(--function NAME=COMMAND or NAME=URL)");
  }
  LambdaExecutorOptions server = fixed_options();
  server.host = "stepguard serve";
  auto ex2 = executor({}, server);
  EXPECT_EQ(
      invoke(ex2, "arn:aws:states:::sns:publish", "{}").cause,
      "stepguard serve has no integration for resource 'arn:aws:states:::sns:publish': only Lambda functions "
      "run here, each configured as a local function (--function NAME=COMMAND or NAME=URL)");
}

TEST(LambdaExecutor, WaitForTaskTokenNeedsTheServer) {
  auto ex = executor({"echo=cat"});
  TaskResult r = invoke(ex, "arn:aws:states:::lambda:invoke.waitForTaskToken",
                        R"({"FunctionName":"echo","Payload":{"token":"t"}})");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error, "States.Runtime");
  EXPECT_EQ(
      r.cause,
      "stepguard run cannot run resource 'arn:aws:states:::lambda:invoke.waitForTaskToken': a "
      ".waitForTaskToken "
      "task completes only when SendTaskSuccess or SendTaskFailure is called with its task token, which "
      "needs "
      "the stepguard server; use 'arn:aws:states:::lambda:invoke' to take the function's own result instead");

  LambdaExecutorOptions host = fixed_options();
  host.invoke_callback_tasks = true;
  auto hosted = executor({"echo=cat"}, host);
  TaskResult submitted = invoke(hosted, "arn:aws:states:::lambda:invoke.waitForTaskToken",
                                R"({"FunctionName":"echo","Payload":{"token":"t"}})");
  ASSERT_TRUE(submitted.ok);
  EXPECT_EQ(submitted.output.dump(), expected_invoke_result(R"({"token":"t"})", 13));
}

TEST(LambdaExecutor, BadInvokeParameters) {
  auto ex = executor({"echo=cat"});
  TaskResult missing = invoke(ex, kInvoke, R"({"Payload":{}})");
  ASSERT_FALSE(missing.ok);
  EXPECT_EQ(missing.error, "States.Runtime");
  EXPECT_EQ(missing.cause,
            "The field 'FunctionName' is required but was missing from the parameters of resource "
            "'arn:aws:states:::lambda:invoke'");
  TaskResult number = invoke(ex, kInvoke, R"({"FunctionName":5})");
  EXPECT_EQ(number.error, "States.Runtime");
  EXPECT_EQ(number.cause,
            "The field 'FunctionName' of resource 'arn:aws:states:::lambda:invoke' must be a string, "
            "got number");
  TaskResult array = invoke(ex, kInvoke, "[1]");
  EXPECT_EQ(array.error, "States.Runtime");

  TaskResult bad_name = invoke(ex, kInvoke, R"({"FunctionName":"no spaces allowed"})");
  ASSERT_FALSE(bad_name.ok);
  EXPECT_EQ(bad_name.error, "Lambda.AWSLambdaException");
  EXPECT_TRUE(
      bad_name.cause.starts_with("1 validation error detected: Value 'no spaces allowed' at 'functionName' "
                                 "failed to satisfy constraint: Member must satisfy regular expression "
                                 "pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?"))
      << bad_name.cause;
  EXPECT_TRUE(
      bad_name.cause.ends_with("Error Code: ValidationException; Request ID: "
                               "7d2ab3c4-5e6f-4a1b-8c9d-0e1f2a3b4c5d; Proxy: null)"));

  TaskResult bad_type = invoke(ex, kInvoke, R"({"FunctionName":"echo","InvocationType":"Later"})");
  ASSERT_FALSE(bad_type.ok);
  EXPECT_EQ(bad_type.error, "Lambda.AWSLambdaException");
  EXPECT_TRUE(
      bad_type.cause.starts_with("1 validation error detected: Value 'Later' at 'invocationType' failed to "
                                 "satisfy constraint: Member must satisfy enum value set: [Event, "
                                 "RequestResponse, DryRun]"));
}

TEST(LambdaExecutor, EventAndDryRunInvocations) {
  namespace fs = std::filesystem;
  fs::path marker = fs::temp_directory_path() / ("sg_event_" + std::to_string(::getpid()));
  fs::remove(marker);
  auto ex = executor({"writer=cat > " + marker.string()});
  TaskResult event =
      invoke(ex, kInvoke, R"({"FunctionName":"writer","InvocationType":"Event","Payload":{"x":1}})");
  ASSERT_TRUE(event.ok) << event.cause;
  EXPECT_EQ(event.output.find("StatusCode")->as_int(), 202);
  EXPECT_EQ(event.output.find("Payload")->dump(), R"("")");
  EXPECT_EQ(event.output.find("ExecutedVersion"), nullptr);
  EXPECT_EQ(event.output.find("SdkHttpMetadata")->find("HttpStatusCode")->as_int(), 202);
  EXPECT_EQ(event.output.find("SdkHttpMetadata")->find("HttpHeaders")->find("Content-Length")->as_string(),
            "0");
  std::ifstream in(marker);
  std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, R"({"x":1})");  // the function ran
  fs::remove(marker);

  TaskResult dry =
      invoke(ex, kInvoke, R"({"FunctionName":"writer","InvocationType":"DryRun","Payload":{"x":1}})");
  ASSERT_TRUE(dry.ok);
  EXPECT_EQ(dry.output.find("StatusCode")->as_int(), 204);
  EXPECT_FALSE(fs::exists(marker));  // and this one did not
}

TEST(LambdaExecutor, FunctionErrorsFailTheTaskForBothForms) {
  auto ex = executor({R"(bad=printf '{"errorMessage":"nope","errorType":"Custom.Error","stackTrace":[]}')"});
  for (std::string_view resource : {kInvoke, "arn:aws:lambda:us-east-1:123456789012:function:bad"}) {
    TaskResult r = invoke(ex, resource, R"({"FunctionName":"bad"})");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.error, "Custom.Error");
    EXPECT_EQ(r.cause, R"({"errorMessage":"nope","errorType":"Custom.Error","stackTrace":[]})");
  }
}

TEST(LambdaExecutor, TimeoutIsTheSmallerOfEntryAndTaskTimeouts) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sg_exec_timeout_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "fns.yaml") << "functions:\n  slow:\n    command: sleep 5\n    timeout_seconds: 1\n"
                                     "  slow-no-limit: sleep 5\n";
  auto ex = make_lambda_executor({}, (dir / "fns.yaml").string(), fixed_options());
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  auto start = std::chrono::steady_clock::now();
  TaskResult entry = invoke(**ex, kInvoke, R"({"FunctionName":"slow"})", 100);
  EXPECT_EQ(entry.error, "States.Timeout");
  TaskResult task = invoke(**ex, kInvoke, R"({"FunctionName":"slow-no-limit"})", 1);
  EXPECT_EQ(task.error, "States.Timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  fs::remove_all(dir);
}

TEST(LambdaExecutor, CommandLineOverridesTheFunctionsFile) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sg_exec_merge_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "fns.yaml") << "functions:\n  a: echo '\"file-a\"'\n  b: echo '\"file-b\"'\n";
  auto ex = make_lambda_executor({"b=echo '\"cli-b\"'"}, (dir / "fns.yaml").string(), fixed_options());
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  EXPECT_EQ(invoke(**ex, std::string(kArn) + "a", "{}").output.as_string(), "file-a");
  EXPECT_EQ(invoke(**ex, std::string(kArn) + "b", "{}").output.as_string(), "cli-b");
  auto bad = make_lambda_executor({}, (dir / "missing.yaml").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "INVALID_FUNCTIONS_FILE");
  fs::remove_all(dir);
}

TEST(LambdaExecutor, HttpFunctionsThroughBothForms) {
  TestHttpServer server([](const HttpRequest& r) {
    if (r.path == "/fail") {
      return HttpResponse{200,
                          R"({"errorType":"Custom.TransientError","errorMessage":"try again"})",
                          {{"X-Amz-Function-Error", "Unhandled"}}};
    }
    return HttpResponse{200, R"({"got":)" + r.body + "}"};
  });
  auto ex = executor({"echo=" + server.url("/echo"), "fail=" + server.url("/fail")});
  TaskResult legacy = invoke(ex, std::string(kArn) + "echo", R"({"id":1})");
  ASSERT_TRUE(legacy.ok) << legacy.cause;
  EXPECT_EQ(legacy.output.dump(), R"({"got":{"id":1}})");
  TaskResult wrapped = invoke(ex, kInvoke, R"({"FunctionName":"echo","Payload":{"id":1}})");
  ASSERT_TRUE(wrapped.ok);
  EXPECT_EQ(wrapped.output.dump(), expected_invoke_result(R"({"got":{"id":1}})", 16));
  TaskResult failed = invoke(ex, kInvoke, R"({"FunctionName":"fail"})");
  ASSERT_FALSE(failed.ok);
  EXPECT_EQ(failed.error, "Custom.TransientError");
  EXPECT_EQ(server.connections(), 2);  // one kept-alive connection per function
}

// A Map's worth of calls arrives as one batch: every result belongs to its own request,
// whatever the resource form, and the calls share a few kept-alive connections.
TEST(LambdaExecutor, BatchResultsMatchTheirRequests) {
  TestHttpServer server([](const HttpRequest& r) {
    if (r.body.find("\"fail\":true") != std::string::npos) {
      return HttpResponse{
          200, R"({"errorType":"Custom.Odd","errorMessage":"odd"})", {{"X-Amz-Function-Error", "Unhandled"}}};
    }
    return HttpResponse{200, R"({"got":)" + r.body + "}"};
  });
  auto ex = executor({"fn=" + server.url("/fn")});
  std::vector<std::string> resources;
  std::vector<json::Value> params;
  for (int i = 0; i < 200; ++i) {
    std::string payload = "{\"i\":" + std::to_string(i) + (i % 7 == 0 ? ",\"fail\":true}" : "}");
    if (i % 2 == 0) {
      resources.push_back(std::string(kArn) + "fn");
      params.push_back(parse(payload));
    } else {
      resources.push_back(kInvoke);
      params.push_back(parse(R"({"FunctionName":"fn","Payload":)" + payload + "}"));
    }
  }
  resources.push_back(std::string(kArn) + "missing");
  params.push_back(parse("{}"));
  std::vector<TaskRequest> requests(resources.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].resource = resources[i];
    requests[i].parameters = params[i];
  }
  std::vector<TaskResult> results(requests.size());
  ex.invoke_all(requests, results, nullptr);
  for (int i = 0; i < 200; ++i) {
    const TaskResult& r = results[i];
    if (i % 7 == 0) {
      ASSERT_FALSE(r.ok) << i;
      EXPECT_EQ(r.error, "Custom.Odd");
      continue;
    }
    ASSERT_TRUE(r.ok) << i << " " << r.cause;
    std::string got = R"({"got":{"i":)" + std::to_string(i) + "}}";
    if (i % 2 == 0)
      EXPECT_EQ(r.output.dump(), got);
    else
      EXPECT_EQ(r.output.find("Payload")->dump(), got);
  }
  EXPECT_EQ(results[200].error, "Lambda.ResourceNotFoundException");
  EXPECT_EQ(server.requests(), 200);
  EXPECT_LE(server.connections(), ex.options().max_concurrent_calls);
}

// Calls of one batch overlap, as Lambda invocations from a Map do: each call here only
// succeeds once another call is in flight at the same time.
TEST(LambdaExecutor, BatchCallsRunConcurrently) {
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  TestHttpServer server([&](const HttpRequest&) {
    std::unique_lock<std::mutex> lock(mu);
    ++arrived;
    cv.notify_all();
    bool together = cv.wait_for(lock, std::chrono::seconds(10), [&] { return arrived >= 2; });
    return together ? HttpResponse{200, R"({"together":true})"} : HttpResponse{500, "alone"};
  });
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sg-concurrent-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // The command waits (up to 10 s) until both processes have announced themselves.
  std::string wait_for_two = "sh -c 'touch " + dir.string() + "/$$; i=0; while [ $(ls " + dir.string() +
                             " | wc -l) -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
                             "echo \"{\\\"seen\\\":$(ls " +
                             dir.string() + " | wc -l)}\"'";
  auto ex = executor({"http=" + server.url(), "cmd=" + wait_for_two});
  for (const std::string name : {"http", "cmd"}) {
    std::string resource = std::string(kArn) + name;
    std::vector<TaskRequest> requests(2);
    for (auto& r : requests) {
      r.resource = resource;
      r.parameters = parse("{}");
    }
    std::vector<TaskResult> results(2);
    ex.invoke_all(requests, results, nullptr);
    for (const TaskResult& r : results) {
      ASSERT_TRUE(r.ok) << name << ": " << r.cause;
      EXPECT_EQ(r.output.dump(), name == "http" ? R"({"together":true})" : R"({"seen":2})");
    }
  }
  fs::remove_all(dir);
}

TEST(LambdaResponse, HttpDateAndRequestIds) {
  EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_http_date(kNow), "Tue, 07 Nov 2023 12:31:47 GMT");
  EXPECT_EQ(format_http_date(951782400000), "Tue, 29 Feb 2000 00:00:00 GMT");
  std::string a = random_request_id(), b = random_request_id();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '4');                                          // version 4
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);  // RFC 4122 variant
}

TEST(LambdaExecutor, SeedFixturesThroughTheExecutor) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sg_exec_fixture_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "fns.yaml") << "functions:\n  status-checker:\n    command: python3 " << kFixtures
                                  << "/status_500_twice.py\n    environment: {COUNTER_FILE: "
                                  << (dir / "count").string() << "}\n";
  auto ex = make_lambda_executor({}, (dir / "fns.yaml").string(), fixed_options());
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  std::string params =
      R"({"Payload":{"orderId":"o-42"},"FunctionName":")" + std::string(kArn) + R"(status-checker"})";
  for (int i = 0; i < 2; ++i) {
    TaskResult r = invoke(**ex, kInvoke, params);
    ASSERT_TRUE(r.ok) << r.cause;
    EXPECT_EQ(*r.output.find("Payload"), parse(R"({"statusCode":500,"event":{"orderId":"o-42"}})"));
  }
  TaskResult third = invoke(**ex, kInvoke, params);
  EXPECT_EQ(*third.output.find("Payload"),
            parse(R"({"statusCode":200,"body":"ok","event":{"orderId":"o-42"}})"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sg::integrations
