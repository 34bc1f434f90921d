#include "integrations/mock_config.h"

#include <gtest/gtest.h>

namespace sg::integrations {
namespace {

// The example of AWS's "Configuration File for Mocked Service Integrations" page.
constexpr std::string_view kAwsExample = R"({
  "StateMachines": {
    "LambdaSQSIntegration": {
      "TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "HybridPath": {"LambdaState": "MockedLambdaSuccess"}
      }
    }
  },
  "MockedResponses": {
    "MockedLambdaSuccess": {
      "0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}
    },
    "LambdaMockedResourceNotReady": {
      "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}}
    },
    "MockedSQSSuccess": {
      "0": {"Return": {"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
                       "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}}
    },
    "MockedLambdaRetry": {
      "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
      "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
      "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}
    }
  }
})";

TEST(MockConfig, ParsesAwsExample) {
  auto cfg = MockConfig::parse(kAwsExample, "MockConfigFile.json");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_TRUE(cfg->has_test_case("LambdaSQSIntegration", "HappyPath"));
  EXPECT_TRUE(cfg->has_test_case("LambdaSQSIntegration", "HybridPath"));
  EXPECT_FALSE(cfg->has_test_case("LambdaSQSIntegration", "SadPath"));
  EXPECT_FALSE(cfg->has_test_case("Other", "HappyPath"));
  EXPECT_EQ(cfg->test_cases("LambdaSQSIntegration"),
            (std::vector<std::string>{"HappyPath", "HybridPath", "RetryPath"}));

  const std::string* name = cfg->response_name("LambdaSQSIntegration", "RetryPath", "LambdaState");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(*name, "MockedLambdaRetry");
  // HybridPath does not mock SQSState: it runs for real.
  EXPECT_EQ(cfg->response_name("LambdaSQSIntegration", "HybridPath", "SQSState"), nullptr);
}

TEST(MockConfig, InvocationsSelectTheirKeyAndRanges) {
  auto cfg = MockConfig::parse(kAwsExample, "m.json");
  ASSERT_TRUE(cfg.ok());
  const MockedResponse* r = cfg->response("MockedLambdaRetry");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->count(), 4);
  const MockOutcome* o0 = r->at(0);
  ASSERT_NE(o0, nullptr);
  EXPECT_FALSE(o0->is_return);
  EXPECT_EQ(o0->error, "Lambda.ResourceNotReadyException");
  for (int64_t n : {1, 2}) {
    const MockOutcome* o = r->at(n);
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->error, "Lambda.TimeoutException");
    EXPECT_EQ(o->cause, "Lambda timed out.");
  }
  const MockOutcome* o3 = r->at(3);
  ASSERT_NE(o3, nullptr);
  EXPECT_TRUE(o3->is_return);
  EXPECT_EQ(o3->value.dump(),
            R"({"StatusCode":200,"Payload":{"StatusCode":200,"body":"Hello from Lambda!"}})");
  // Beyond the last key there is no response (the execution fails, as in Step Functions Local).
  EXPECT_EQ(r->at(4), nullptr);
  EXPECT_EQ(r->at(-1), nullptr);
}

TEST(MockConfig, KeysMayComeInAnyOrder) {
  auto cfg = MockConfig::parse(
      R"({"MockedResponses": {"R": {"2-4": {"Return": 2}, "0": {"Return": 0}, "1": {"Return": 1}}}})",
      "m.json");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  const MockedResponse* r = cfg->response("R");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->at(0)->value.dump(), "0");
  EXPECT_EQ(r->at(1)->value.dump(), "1");
  EXPECT_EQ(r->at(3)->value.dump(), "2");
  EXPECT_EQ(r->at(4)->value.dump(), "2");
  EXPECT_EQ(r->at(5), nullptr);
}

TEST(MockConfig, ThrowWithoutCause) {
  auto cfg = MockConfig::parse(R"({"MockedResponses": {"R": {"0": {"Throw": {"Error": "E"}}}}})", "m.json");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  const MockOutcome* o = cfg->response("R")->at(0);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->error, "E");
  EXPECT_FALSE(o->has_cause);
}

struct BadCase {
  std::string text;
  std::string message;
};

TEST(MockConfig, RejectsMalformedFilesNamingFileAndKey) {
  const BadCase cases[] = {
      {R"({"MockedResponses": {"X": {"1-a": {"Return": 1}}}})",
       R"(mocks.json: MockedResponses.X."1-a": invalid invocation key)"},
      {R"({"MockedResponses": {"X": {"2-1": {"Return": 1}}}})",
       R"(mocks.json: MockedResponses.X."2-1": invalid invocation key)"},
      {R"({"MockedResponses": {"X": {"-1": {"Return": 1}}}})",
       R"(mocks.json: MockedResponses.X."-1": invalid invocation key)"},
      {R"({"MockedResponses": {"X": {"0": {"Return": 1}, "2": {"Return": 1}}}})",
       R"(mocks.json: MockedResponses.X: no response for invocation 1)"},
      {R"({"MockedResponses": {"X": {"1-3": {"Return": 1}}}})",
       R"(mocks.json: MockedResponses.X: no response for invocation 0)"},
      {R"({"MockedResponses": {"X": {"0-2": {"Return": 1}, "1": {"Return": 1}}}})",
       R"(mocks.json: MockedResponses.X."1": overlaps another invocation key)"},
      {R"({"MockedResponses": {"X": {}}})", R"(mocks.json: MockedResponses.X: has no invocation keys)"},
      {R"({"MockedResponses": {"X": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}})",
       R"(mocks.json: MockedResponses.X."0": must be an object with exactly one of Return or Throw)"},
      {R"({"MockedResponses": {"X": {"0": {"Retrun": 1}}}})",
       R"(mocks.json: MockedResponses.X."0".Retrun: unknown key (expected Return or Throw))"},
      {R"({"MockedResponses": {"X": {"0": {"Throw": {"Cause": "c"}}}}})",
       R"(mocks.json: MockedResponses.X."0".Throw: has no Error)"},
      {R"({"MockedResponses": {"X": {"0": {"Throw": {"Error": 5}}}}})",
       R"(mocks.json: MockedResponses.X."0".Throw.Error: must be a string, got a number)"},
      {R"({"MockedResponses": {"X": {"0": {"Throw": {"Error": "E", "Extra": "e"}}}}})",
       R"(mocks.json: MockedResponses.X."0".Throw.Extra: unknown key (expected Error, Cause))"},
      {R"({"StateMachines": {"M": {"TestCases": {"T": {"S": "Missing"}}}}, "MockedResponses": {}})",
       R"(mocks.json: StateMachines.M.TestCases.T.S: names the mocked response 'Missing', which MockedResponses does not define)"},
      {R"({"StateMachines": {"M": {"TestCases": {"T": {"S": 3}}}}})",
       R"(mocks.json: StateMachines.M.TestCases.T.S: must name a mocked response, got a number)"},
      {R"({"StateMachines": {"M": {"Tests": {}}}})",
       R"(mocks.json: StateMachines.M.Tests: unknown key (expected TestCases))"},
      {R"({"StateMachines": []})", R"(mocks.json: StateMachines: must be an object, got an array)"},
      {R"({"Mocks": {}})", R"(mocks.json: Mocks: unknown key (expected StateMachines, MockedResponses))"},
      {R"([1])", R"(mocks.json: expected a JSON object, got an array)"},
  };
  for (const BadCase& c : cases) {
    auto cfg = MockConfig::parse(c.text, "mocks.json");
    ASSERT_FALSE(cfg.ok()) << c.text;
    EXPECT_EQ(cfg.error().code, "INVALID_MOCK_CONFIG");
    EXPECT_EQ(cfg.error().message.substr(0, c.message.size()), c.message) << cfg.error().message;
  }
}

TEST(MockConfig, RejectsInvalidJson) {
  auto cfg = MockConfig::parse("{\"StateMachines\": ", "mocks.json");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.error().message.rfind("mocks.json: invalid JSON", 0), 0u) << cfg.error().message;
}

TEST(MockConfig, MissingFileIsNamed) {
  auto cfg = read_mock_config_file("/nonexistent/mocks.json");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message.find("/nonexistent/mocks.json"), std::string::npos) << cfg.error().message;
}

}  // namespace
}  // namespace sg::integrations
