#include "integrations/resource_router.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace sg::integrations {
namespace {

using engine::TaskRequest;
using engine::TaskResult;

// Answers {"by": NAME, "resource": R} and counts its calls and batches.
class Named final : public engine::TaskExecutor {
 public:
  explicit Named(std::string name) : name_(std::move(name)) {}
  TaskResult invoke(const TaskRequest& r) override {
    ++calls;
    json::ObjectBuilder b(2);
    b.add("by", json::Value::string(name_));
    b.add("resource", json::Value::string(r.resource));
    return TaskResult::success(std::move(b).build());
  }
  void invoke_all(std::span<const TaskRequest> requests, std::span<TaskResult> results,
                  const Done& done) override {
    ++batches;
    last_batch_size = requests.size();
    TaskExecutor::invoke_all(requests, results, done);
  }
  std::atomic<int> calls{0}, batches{0};
  std::atomic<size_t> last_batch_size{0};

 private:
  std::string name_;
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::shared_ptr<MockConfig> mocks(std::string_view text) {
  auto cfg = MockConfig::parse(text, "mocks.json");
  EXPECT_TRUE(cfg.ok()) << cfg.error().message;
  return std::make_shared<MockConfig>(std::move(cfg).value());
}

constexpr std::string_view kMocks = R"({
  "StateMachines": {"Order": {"TestCases": {
    "Happy": {"Charge": "ChargeOk"},
    "Retry": {"Charge": "ChargeFlaky"}}}},
  "MockedResponses": {
    "ChargeOk": {"0": {"Return": {"charged": true}}},
    "ChargeFlaky": {"0-1": {"Throw": {"Error": "Charge.Busy", "Cause": "busy"}}, "2": {"Return": {"charged": 2}}}
  }
})";

TaskRequest request(std::string_view resource, std::string_view state = "Charge") {
  TaskRequest q;
  q.resource = resource;
  q.state_name = state;
  q.parameters = json::Value::empty_object();
  return q;
}

struct Fixture {
  std::shared_ptr<Named> lambda = std::make_shared<Named>("lambda");
  std::shared_ptr<Named> http = std::make_shared<Named>("http");
  ResourceRouter router;
  Fixture() {
    auto t = std::make_shared<RouterTable>();
    t->add(
         "Lambda", [](std::string_view r) { return starts_with(r, "arn:aws:lambda:"); }, lambda)
        .add(
            "HTTP Task", [](std::string_view r) { return r == "arn:aws:states:::http:invoke"; }, http);
    t->mocks = mocks(kMocks);
    router.install(t);
  }
};

TEST(ResourceRouter, RoutesByResourceToTheFirstClaimingIntegration) {
  Fixture f;
  TaskResult a = f.router.invoke(request("arn:aws:lambda:us-east-1:123456789012:function:f"));
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.output.find("by")->as_string(), "lambda");
  TaskResult b = f.router.invoke(request("arn:aws:states:::http:invoke"));
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.output.find("by")->as_string(), "http");
}

TEST(ResourceRouter, UnknownResourceFailsWithStatesRuntimeNamingIt) {
  Fixture f;
  TaskResult r = f.router.invoke(request("arn:aws:states:::sqs:sendMessage"));
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error, "States.Runtime");
  EXPECT_NE(r.cause.find("has no integration for resource 'arn:aws:states:::sqs:sendMessage'"),
            std::string::npos)
      << r.cause;
  EXPECT_NE(r.cause.find("Lambda, HTTP Task"), std::string::npos) << r.cause;
  EXPECT_NE(r.cause.find("--mock-config"), std::string::npos) << r.cause;
}

TEST(ResourceRouter, MockComesFirstForAnyResource) {
  Fixture f;
  for (std::string_view resource : {"arn:aws:lambda:us-east-1:123456789012:function:f",
                                    "arn:aws:states:::aws-sdk:ssm:describeInstancePatches",
                                    "arn:aws:states:::sqs:sendMessage.waitForTaskToken"}) {
    TaskRequest q = request(resource);
    q.test_case = "Happy";
    q.state_machine_name = "Order";
    TaskResult r = f.router.invoke(q);
    ASSERT_TRUE(r.ok) << resource << ": " << r.cause;
    EXPECT_EQ(r.output.dump(), R"({"charged":true})");
  }
  EXPECT_EQ(f.lambda->calls.load(), 0);
}

TEST(ResourceRouter, UnmockedStatesOfATestCaseUseTheirIntegration) {
  Fixture f;
  TaskRequest q = request("arn:aws:lambda:us-east-1:123456789012:function:f", "Ship");
  q.test_case = "Happy";
  q.state_machine_name = "Order";
  TaskResult r = f.router.invoke(q);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.output.find("by")->as_string(), "lambda");
  // Another machine's execution with the same test case name is not mocked either.
  q.state_name = "Charge";
  q.state_machine_name = "Other";
  r = f.router.invoke(q);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.output.find("by")->as_string(), "lambda");
}

TEST(ResourceRouter, InvocationNumberSelectsTheResponse) {
  Fixture f;
  TaskRequest q = request("arn:aws:states:::lambda:invoke");
  q.test_case = "Retry";
  q.state_machine_name = "Order";
  for (int64_t n : {0, 1}) {
    q.invocation = n;
    TaskResult r = f.router.invoke(q);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.error, "Charge.Busy");
    EXPECT_EQ(r.cause, "busy");
  }
  q.invocation = 2;
  TaskResult ok = f.router.invoke(q);
  ASSERT_TRUE(ok.ok);
  EXPECT_EQ(ok.output.dump(), R"({"charged":2})");
  q.invocation = 3;
  TaskResult beyond = f.router.invoke(q);
  ASSERT_FALSE(beyond.ok);
  EXPECT_EQ(beyond.error, "States.Runtime");
  EXPECT_NE(beyond.cause.find("'ChargeFlaky'"), std::string::npos) << beyond.cause;
  EXPECT_NE(beyond.cause.find("invocation 3 of state 'Charge'"), std::string::npos) << beyond.cause;
  EXPECT_NE(beyond.cause.find("covers invocations 0-2"), std::string::npos) << beyond.cause;
}

TEST(ResourceRouter, BatchesAreSplitPerRouteAndEveryResultIsReportedOnce) {
  Fixture f;
  std::vector<TaskRequest> qs;
  for (int i = 0; i < 6; ++i) qs.push_back(request("arn:aws:lambda:us-east-1:123456789012:function:f", "A"));
  for (int i = 0; i < 3; ++i) qs.push_back(request("arn:aws:states:::http:invoke", "B"));
  qs.push_back(request("arn:aws:states:::sqs:sendMessage", "C"));
  TaskRequest mocked = request("arn:aws:states:::sqs:sendMessage");
  mocked.test_case = "Happy";
  mocked.state_machine_name = "Order";
  qs.push_back(mocked);
  std::vector<TaskResult> results(qs.size());
  std::mutex mu;
  std::multiset<size_t> reported;
  f.router.invoke_all(qs, results, [&](size_t i) {
    std::lock_guard<std::mutex> lock(mu);
    reported.insert(i);
  });
  ASSERT_EQ(reported.size(), qs.size());
  for (size_t i = 0; i < qs.size(); ++i) EXPECT_EQ(reported.count(i), 1u) << i;
  for (int i = 0; i < 6; ++i) EXPECT_EQ(results[i].output.find("by")->as_string(), "lambda");
  for (int i = 6; i < 9; ++i) EXPECT_EQ(results[i].output.find("by")->as_string(), "http");
  EXPECT_EQ(results[9].error, "States.Runtime");
  EXPECT_EQ(results[10].output.dump(), R"({"charged":true})");
  // Each route got its requests as one batch.
  EXPECT_EQ(f.lambda->batches.load(), 1);
  EXPECT_EQ(f.lambda->last_batch_size.load(), 6u);
  EXPECT_EQ(f.http->batches.load(), 1);
  EXPECT_EQ(f.http->last_batch_size.load(), 3u);
}

TEST(ResourceRouter, InstallSwapsTheTableWhileCallsRun) {
  Fixture f;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread caller([&] {
    while (!stop.load()) {
      TaskResult r = f.router.invoke(request("arn:aws:lambda:us-east-1:123456789012:function:f"));
      if (!r.ok) ++failures;
    }
  });
  for (int i = 0; i < 200; ++i) {
    auto t = std::make_shared<RouterTable>();
    t->add(
        "Lambda", [](std::string_view r) { return starts_with(r, "arn:aws:lambda:"); },
        std::make_shared<Named>("lambda" + std::to_string(i)));
    f.router.install(t);
  }
  stop = true;
  caller.join();
  EXPECT_EQ(failures.load(), 0);
  TaskResult r = f.router.invoke(request("arn:aws:lambda:us-east-1:123456789012:function:f"));
  EXPECT_EQ(r.output.find("by")->as_string(), "lambda199");
  // Mocks went with the old table.
  TaskRequest q = request("arn:aws:lambda:us-east-1:123456789012:function:f");
  q.test_case = "Happy";
  q.state_machine_name = "Order";
  EXPECT_FALSE(f.router.mocked(q).has_value());
}

}  // namespace
}  // namespace sg::integrations
