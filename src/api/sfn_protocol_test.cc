// The AWS JSON 1.0 framing: targets, bodies, and what goes back on the wire.
#include "api/sfn_protocol.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "api/api_error_messages.h"

namespace sg::api {
namespace {

constexpr std::string_view kCreate = "AWSStepFunctions.CreateStateMachine";

TEST(SfnProtocol, ModelHas37SortedActions) {
  std::span<const std::string_view> actions = model_actions();
  EXPECT_EQ(actions.size(), 37u);
  EXPECT_TRUE(std::is_sorted(actions.begin(), actions.end()));
  EXPECT_TRUE(is_model_action("StartSyncExecution"));
  EXPECT_TRUE(is_model_action("TestState"));
  EXPECT_FALSE(is_model_action("StartExecutions"));
}

TEST(SfnProtocol, DecodesACall) {
  ApiOr<SfnCall> call = decode_call("POST", kCreate, R"({"name":"n","definition":"{}"})");
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->action, "CreateStateMachine");
  EXPECT_EQ(call->request.dump(), R"({"name":"n","definition":"{}"})");
}

TEST(SfnProtocol, EmptyOrNullBodyIsTheEmptyRequest) {
  for (std::string_view body : {"", "  \r\n", "null"}) {
    ApiOr<SfnCall> call = decode_call("POST", "AWSStepFunctions.ListStateMachines", body);
    ASSERT_TRUE(call.ok()) << body;
    EXPECT_EQ(call->request.dump(), "{}");
  }
}

TEST(SfnProtocol, UnknownOperations) {
  struct Case {
    std::string_view method, target, message;
  };
  const Case cases[] = {
      {"GET", kCreate,
       "Unknown operation: the GET method is not supported; Step Functions calls are POST requests"},
      {"POST", "", "Missing X-Amz-Target header"},
      {"POST", "DynamoDB_20120810.GetItem", "Unknown operation: 'DynamoDB_20120810.GetItem'"},
      {"POST", "AWSStepFunctions.Nope", "Unknown operation: 'AWSStepFunctions.Nope'"},
      {"POST", "AWSStepFunctions.", "Unknown operation: 'AWSStepFunctions.'"},
  };
  for (const Case& c : cases) {
    ApiOr<SfnCall> call = decode_call(c.method, c.target, "{}");
    ASSERT_FALSE(call.ok()) << c.target;
    EXPECT_EQ(call.error().code, "UnknownOperationException");
    EXPECT_EQ(call.error().message, c.message);
    EXPECT_EQ(error_type(call.error()), "UnknownOperationException");
  }
}

TEST(SfnProtocol, MapRunActionsAreNotSupportedYet) {
  for (std::string_view action : {"ListMapRuns", "DescribeMapRun", "UpdateMapRun"}) {
    std::string target(kTargetPrefix);
    target.append(action);
    ApiOr<SfnCall> call = decode_call("POST", target, "{}");
    ASSERT_FALSE(call.ok());
    EXPECT_EQ(call.error().code, "ValidationException");
    EXPECT_NE(call.error().message.find("Distributed Map"), std::string::npos);
    EXPECT_EQ(call.error().message.find(action), 0u);
  }
}

TEST(SfnProtocol, BadBodiesAreSerializationErrors) {
  for (std::string_view body : {"{", "not json", "[1]", "\"text\"", "42", "true"}) {
    ApiOr<SfnCall> call = decode_call("POST", kCreate, body);
    ASSERT_FALSE(call.ok()) << body;
    EXPECT_EQ(call.error().code, "SerializationException") << body;
    EXPECT_EQ(call.error().http_status, 400);
  }
  EXPECT_EQ(decode_call("POST", kCreate, "[]").error().message, "Start of list found where not expected.");
}

TEST(SfnProtocol, EncodesResultsAndErrors) {
  EncodedResponse ok = encode_result(ApiResult(json::Value::empty_object()));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{}");
  EncodedResponse bad = encode_result(ApiResult(conflict("no")));
  EXPECT_EQ(bad.status, 409);
  EXPECT_EQ(bad.body, R"({"__type":"com.amazonaws.swf.service.v2.model#ConflictException","message":"no"})");
  EXPECT_EQ(encode_error(internal_failure("boom")).status, 500);
}

}  // namespace
}  // namespace sg::api
