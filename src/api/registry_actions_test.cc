// The state machine actions end to end on JSON: request checks, answers, AWS messages.
#include "api/registry_actions.h"

#include <gtest/gtest.h>

#include "api/registry_test_util.h"

namespace sg::api {
namespace {

using testing::cat;
using testing::Harness;
using testing::J;
using testing::kPass;
using testing::kPass2;
using testing::kRole;
using testing::obj;
using testing::S;
using testing::sm_arn;

// The body of a successful answer (a failing one fails the test with its message).
json::Value ok(const ApiResult& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message);
  return r.ok() ? r.body() : json::Value();
}

const ApiError& err(const ApiResult& r) {
  static const ApiError kNone{"(none)", "the call succeeded", 200, {}};
  EXPECT_FALSE(r.ok());
  return r.ok() ? kNone : r.error();
}

TEST(RegistryActions, EveryListedActionIsRouted) {
  Harness h;
  EXPECT_EQ(RegistryActions::actions().size(), 21u);
  for (std::string_view action : RegistryActions::actions()) {
    EXPECT_TRUE(RegistryActions::handles(action));
    ApiResult r = h.call(action, "{}");
    if (!r.ok()) {
      EXPECT_NE(r.error().code, "UnknownOperationException") << action;
    }
  }
  EXPECT_FALSE(RegistryActions::handles("StartExecution"));
  EXPECT_FALSE(RegistryActions::handles("GetActivityTask"));
  EXPECT_EQ(err(h.call("StartExecution", "{}")).code, "UnknownOperationException");
}

TEST(RegistryActions, CreateAndDescribe) {
  Harness h;
  json::Value created = ok(h.create_call("orders"));
  EXPECT_EQ(created,
            J(cat({R"({"stateMachineArn":")", sm_arn("orders"), R"(","creationDate":1700000000})"})));
  json::Value described = ok(h.call("DescribeStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))}})));
  EXPECT_EQ(described, obj({{"stateMachineArn", S(sm_arn("orders"))},
                            {"name", S("orders")},
                            {"status", S("ACTIVE")},
                            {"definition", S(kPass)},
                            {"roleArn", S(kRole)},
                            {"type", S("STANDARD")},
                            {"creationDate", json::Value::integer(1700000000)},
                            {"loggingConfiguration", J(R"({"level":"OFF","includeExecutionData":false})")},
                            {"tracingConfiguration", J(R"({"enabled":false})")},
                            {"encryptionConfiguration", J(R"({"type":"AWS_OWNED_KEY"})")}}));
  json::Value metadata =
      ok(h.call("DescribeStateMachine",
                obj({{"stateMachineArn", S(sm_arn("orders"))}, {"includedData", S("METADATA_ONLY")}})));
  EXPECT_EQ(metadata.find("definition")->as_string(), "{}");
}

TEST(RegistryActions, CreateWithEverything) {
  Harness h;
  json::Value request =
      obj({{"name", S("fast")},
           {"definition", S(kPass)},
           {"roleArn", S(kRole)},
           {"type", S("EXPRESS")},
           {"loggingConfiguration", J(R"({"level":"ALL","includeExecutionData":true,)"
                                      R"("destinations":[{"cloudWatchLogsLogGroup":)"
                                      R"({"logGroupArn":"arn:aws:logs:us-east-1:1:log-group:g:*"}}]})")},
           {"tracingConfiguration", J(R"({"enabled":true})")},
           {"tags", J(R"([{"key":"team","value":"a"}])")},
           {"publish", json::Value::boolean(true)},
           {"versionDescription", S("v1")},
           {"encryptionConfiguration", J(R"({"type":"AWS_OWNED_KEY"})")}});
  json::Value created = ok(h.call("CreateStateMachine", request));
  EXPECT_EQ(created.find("stateMachineVersionArn")->as_string(), cat({sm_arn("fast"), ":1"}));
  json::Value described = ok(h.call("DescribeStateMachine", obj({{"stateMachineArn", S(sm_arn("fast"))}})));
  EXPECT_EQ(described.find("type")->as_string(), "EXPRESS");
  EXPECT_EQ(*described.find("loggingConfiguration"), *request.find("loggingConfiguration"));
  EXPECT_EQ(described.find("tracingConfiguration")->dump(), R"({"enabled":true})");
  // The same request again is answered the same way.
  EXPECT_EQ(ok(h.call("CreateStateMachine", request)), created);
}

TEST(RegistryActions, CreateRequestChecks) {
  Harness h;
  EXPECT_EQ(
      err(h.call("CreateStateMachine", "{}")).message,
      "3 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be "
      "null; Value null at 'definition' failed to satisfy constraint: Member must not be null; Value null at "
      "'roleArn' failed to satisfy constraint: Member must not be null");
  ApiResult typed =
      h.call("CreateStateMachine",
             obj({{"name", S("x")}, {"definition", S(kPass)}, {"roleArn", S(kRole)}, {"type", S("BOTH")}}));
  EXPECT_EQ(
      err(typed).message,
      "1 validation error detected: Value 'BOTH' at 'type' failed to satisfy constraint: Member must satisfy "
      "enum value set: [STANDARD, EXPRESS]");
  EXPECT_EQ(err(typed).http_status, 400);
  EXPECT_EQ(error_type(err(typed)), "com.amazon.coral.validate#ValidationException");
  ApiResult wrong =
      h.call("CreateStateMachine",
             obj({{"name", S("x")}, {"definition", S(kPass)}, {"roleArn", S(kRole)}, {"publish", S("yes")}}));
  EXPECT_EQ(err(wrong).code, "SerializationException");
  EXPECT_EQ(err(h.create_call("a b")).message, "Invalid Name: 'a b'");
  EXPECT_EQ(
      err(h.create_call(std::string(81, 'n'))).message,
      cat({"1 validation error detected: Value '", std::string(81, 'n'),
           "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80"}));
  ApiResult invalid = h.create_call("x", "{}");
  EXPECT_EQ(err(invalid).code, "InvalidDefinition");
  EXPECT_EQ(
      err(invalid).message,
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States, "
      "StartAt] at /'");
  EXPECT_EQ(error_type(err(invalid)), "com.amazonaws.swf.service.v2.model#InvalidDefinition");
}

TEST(RegistryActions, CreateTwice) {
  Harness h;
  json::Value first = ok(h.create_call("orders"));
  h.now += 1000;
  EXPECT_EQ(ok(h.create_call("orders")), first);
  ApiResult clash = h.create_call("orders", kPass2);
  EXPECT_EQ(err(clash).code, "StateMachineAlreadyExists");
  EXPECT_EQ(err(clash).message, cat({"State Machine Already Exists: '", sm_arn("orders"), "'"}));
}

TEST(RegistryActions, DescribeErrors) {
  Harness h;
  ok(h.create_call("orders"));
  EXPECT_EQ(err(h.call("DescribeStateMachine", obj({{"stateMachineArn", S(sm_arn("nope"))}}))).message,
            cat({"State Machine Does Not Exist: '", sm_arn("nope"), "'"}));
  EXPECT_EQ(err(h.call("DescribeStateMachine", R"({"stateMachineArn":"not_a_valid_arn"})")).message,
            "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'");
  EXPECT_EQ(err(h.call("DescribeStateMachine",
                       R"({"stateMachineArn":"arn:aws:states:us-east-1:123456789012:execution:orders:e"})"))
                .message,
            "Invalid Arn: 'Resource type not valid in this context: execution'");
  EXPECT_EQ(
      err(h.call("DescribeStateMachine", obj({{"stateMachineArn", S(cat({sm_arn("orders"), ":3"}))}}))).code,
      "StateMachineDoesNotExist");
}

TEST(RegistryActions, UpdatePublishAndDescribeVersions) {
  Harness h;
  ok(h.create_call("orders"));
  h.now += 1500;
  json::Value updated = ok(h.call("UpdateStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))},
                                                             {"definition", S(kPass2)},
                                                             {"publish", json::Value::boolean(true)},
                                                             {"versionDescription", S("second")}})));
  std::string revision(updated.find("revisionId")->as_string());
  EXPECT_EQ(updated, obj({{"updateDate", json::Value::number(1700000001.5)},
                          {"revisionId", S(revision)},
                          {"stateMachineVersionArn", S(cat({sm_arn("orders"), ":1"}))}}));
  json::Value version =
      ok(h.call("DescribeStateMachine", obj({{"stateMachineArn", S(cat({sm_arn("orders"), ":1"}))}})));
  EXPECT_EQ(version.find("stateMachineArn")->as_string(), cat({sm_arn("orders"), ":1"}));
  EXPECT_EQ(version.find("description")->as_string(), "second");
  EXPECT_EQ(version.find("revisionId")->as_string(), revision);
  EXPECT_EQ(version.find("definition")->as_string(), kPass2);
  EXPECT_EQ(version.find("creationDate")->dump(), "1.7000000015E9");
  json::Value current = ok(h.call("DescribeStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))}})));
  EXPECT_EQ(current.find("revisionId")->as_string(), revision);
  EXPECT_EQ(current.find("description"), nullptr);

  EXPECT_EQ(err(h.call("UpdateStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))}}))).code,
            "MissingRequiredParameter");
  EXPECT_EQ(err(h.call("UpdateStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))},
                                                  {"roleArn", S(kRole)},
                                                  {"versionDescription", S("x")}})))
                .message,
            "Version description can only be set when publish is true");
  EXPECT_EQ(err(h.call("UpdateStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))},
                                                  {"loggingConfiguration", J(R"({"level":"LOUD"})")}})))
                .message,
            "1 validation error detected: Value 'LOUD' at 'loggingConfiguration.level' failed to satisfy "
            "constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]");
}

TEST(RegistryActions, Delete) {
  Harness h;
  ok(h.create_call("orders"));
  EXPECT_EQ(ok(h.call("DeleteStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))}}))).dump(), "{}");
  EXPECT_EQ(ok(h.call("DeleteStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))}}))).dump(), "{}");
  EXPECT_EQ(err(h.call("DescribeStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))}}))).code,
            "StateMachineDoesNotExist");
  ApiResult labelled =
      h.call("DeleteStateMachine", obj({{"stateMachineArn", S(cat({sm_arn("orders"), "/m"}))}}));
  EXPECT_EQ(err(labelled).code, "ValidationException");
  EXPECT_EQ(err(labelled).reason, "API_DOES_NOT_SUPPORT_LABELED_ARNS");
  EXPECT_EQ(
      err(h.call("DeleteStateMachine", obj({{"stateMachineArn", S(cat({sm_arn("orders"), ":1"}))}}))).code,
      "InvalidArn");
}

TEST(RegistryActions, ListStateMachinesPagesByName) {
  Harness h;
  for (int i = 1; i <= 12; ++i) ok(h.create_call(cat({"sm-", std::to_string(i)})));
  std::vector<std::string> names;
  json::Value request = J(R"({"maxResults":5})");
  int pages = 0;
  for (;;) {
    json::Value page = ok(h.call("ListStateMachines", request));
    ++pages;
    for (const json::Value& item : page.find("stateMachines")->items()) {
      names.emplace_back(item.find("name")->as_string());
      EXPECT_EQ(item.size(), 4u);  // stateMachineArn, name, type, creationDate
    }
    const json::Value* token = page.find("nextToken");
    if (!token) break;
    request = obj({{"maxResults", json::Value::integer(5)}, {"nextToken", *token}});
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names, std::vector<std::string>({"sm-1", "sm-10", "sm-11", "sm-12", "sm-2", "sm-3", "sm-4",
                                             "sm-5", "sm-6", "sm-7", "sm-8", "sm-9"}));
  EXPECT_EQ(ok(h.call("ListStateMachines", R"({"maxResults":0})")).find("stateMachines")->size(), 12u);

  EXPECT_EQ(
      err(h.call("ListStateMachines", R"({"maxResults":1001})")).message,
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must "
      "have value less than or equal to 1000");
  EXPECT_EQ(
      err(h.call("ListStateMachines", R"({"nextToken":""})")).message,
      "1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: Member must have "
      "length greater than or equal to 1");
  ApiResult bad = h.call("ListStateMachines", R"({"nextToken":"bm90IGEgdG9rZW4="})");
  EXPECT_EQ(err(bad).code, "InvalidToken");
  EXPECT_EQ(err(bad).message, "Invalid Token: 'Invalid token'");
  // A token expires after 24 hours.
  json::Value first = ok(h.call("ListStateMachines", R"({"maxResults":5})"));
  h.now += 24LL * 3600 * 1000 + 1;
  EXPECT_EQ(err(h.call("ListStateMachines", obj({{"nextToken", *first.find("nextToken")}}))).code,
            "InvalidToken");
}

TEST(RegistryActions, ValidateStateMachineDefinition) {
  Harness h;
  EXPECT_EQ(ok(h.call("ValidateStateMachineDefinition", obj({{"definition", S(kPass)}}))),
            J(R"({"result":"OK","diagnostics":[],"truncated":false})"));
  EXPECT_EQ(
      ok(h.call("ValidateStateMachineDefinition", R"({"definition":"{}"})")),
      J(R"({"result":"FAIL","diagnostics":[{"severity":"ERROR","code":"SCHEMA_VALIDATION_FAILED",)"
        R"("message":"These fields are required: [States, StartAt]","location":"/"}],"truncated":false})"));
  EXPECT_EQ(ok(h.call("ValidateStateMachineDefinition", R"({"definition":" "})")),
            J(R"({"result":"FAIL","diagnostics":[{"severity":"ERROR","code":"SCHEMA_VALIDATION_FAILED",)"
              R"("message":"Definition must be a valid JSON object"}],"truncated":false})"));

  constexpr std::string_view kWarned =
      R"({"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a":"$.x","b":"$.y"},"End":true}}})";
  // Warnings only with severity WARNING, and they do not fail the result.
  json::Value errors_only = ok(h.call("ValidateStateMachineDefinition", obj({{"definition", S(kWarned)}})));
  EXPECT_EQ(errors_only.find("diagnostics")->size(), 0u);
  json::Value warned = ok(h.call("ValidateStateMachineDefinition",
                                 obj({{"definition", S(kWarned)}, {"severity", S("WARNING")}})));
  EXPECT_EQ(warned.find("result")->as_string(), "OK");
  ASSERT_EQ(warned.find("diagnostics")->size(), 2u);
  EXPECT_EQ((*warned.find("diagnostics"))[0].find("code")->as_string(), "NO_DOLLAR");
  EXPECT_EQ((*warned.find("diagnostics"))[0].find("severity")->as_string(), "WARNING");
  json::Value truncated =
      ok(h.call("ValidateStateMachineDefinition", obj({{"definition", S(kWarned)},
                                                       {"severity", S("WARNING")},
                                                       {"maxResults", json::Value::integer(1)}})));
  EXPECT_EQ(truncated.find("diagnostics")->size(), 1u);
  EXPECT_TRUE(truncated.find("truncated")->as_bool());

  constexpr std::string_view kCallback =
      R"({"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",)"
      R"("Parameters":{"QueueUrl":"q","MessageBody":{"t.$":"$$.Task.Token"}},"End":true}}})";
  json::Value express = ok(
      h.call("ValidateStateMachineDefinition", obj({{"definition", S(kCallback)}, {"type", S("EXPRESS")}})));
  EXPECT_EQ(express.find("result")->as_string(), "FAIL");
  EXPECT_EQ(ok(h.call("ValidateStateMachineDefinition", obj({{"definition", S(kCallback)}})))
                .find("result")
                ->as_string(),
            "OK");
  EXPECT_EQ(
      err(h.call("ValidateStateMachineDefinition", R"({"definition":"{}","maxResults":101})")).message,
      "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must "
      "have value less than or equal to 100");
  EXPECT_EQ(
      err(h.call("ValidateStateMachineDefinition", R"({"definition":""})")).message,
      "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have "
      "length greater than or equal to 1");
}

}  // namespace
}  // namespace sg::api
