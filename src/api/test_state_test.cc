// TestState against AWS's recorded behaviour: the processing stages shown at DEBUG, the
// statuses RETRIABLE/CAUGHT_ERROR with their error details, the request rules and their
// messages. Expected values marked [AWS] come from AWS-validated snapshots (LocalStack's
// TestState suite) or the reference (§8.2); the rest follow from the ASL semantics.
#include "api/test_state.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "json/parse.h"

namespace sg::api {
namespace {

using json::Value;

Value J(std::string_view text) {
  auto r = json::parse_json(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? r.value() : Value();
}

// A TestState request; members are set only when given.
struct Req {
  std::map<std::string, Value> fields;
  Req& def(std::string_view d) { return set("definition", Value::string(d)); }
  Req& input(std::string_view i) { return set("input", Value::string(i)); }
  Req& level(std::string_view l) { return set("inspectionLevel", Value::string(l)); }
  Req& role() { return set("roleArn", Value::string("arn:aws:iam::123456789012:role/test")); }
  Req& state_name(std::string_view n) { return set("stateName", Value::string(n)); }
  Req& context(std::string_view c) { return set("context", Value::string(c)); }
  Req& mock_result(std::string_view result) {
    json::ObjectBuilder b;
    b.add("result", Value::string(result));
    return set("mock", std::move(b).build());
  }
  Req& mock_error(std::string_view error, std::string_view cause) {
    json::ObjectBuilder eo, b;
    eo.add("error", Value::string(error));
    eo.add("cause", Value::string(cause));
    b.add("errorOutput", std::move(eo).build());
    return set("mock", std::move(b).build());
  }
  Req& config(std::string_view json_object) { return set("stateConfiguration", J(json_object)); }
  Req& set(const std::string& k, Value v) {
    fields[k] = std::move(v);
    return *this;
  }
  Value build() const {
    json::ObjectBuilder b;
    for (const auto& [k, v] : fields) b.add(k, v);
    return std::move(b).build();
  }
};

class TestStateTest : public ::testing::Test {
 protected:
  ApiResult run(const Req& r) { return test_state(r.build(), env_); }

  // The body of a successful call (fails the test otherwise).
  Value ok(const Req& r) {
    ApiResult res = run(r);
    EXPECT_TRUE(res.ok()) << (res.ok() ? "" : res.error().code + ": " + res.error().message);
    return res.ok() ? res.body() : Value::empty_object();
  }
  // The error of a refused call.
  ApiError refused(const Req& r) {
    ApiResult res = run(r);
    EXPECT_FALSE(res.ok()) << (res.ok() ? res.body().dump() : "");
    return res.ok() ? ApiError{} : res.error();
  }

  TestStateEnv env_{.now_ms = 1700000000000};
};

std::string str(const Value& body, std::string_view key) {
  const Value* v = body.find(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string("<absent>");
}

// A JSON-string payload of the body (or of inspectionData), parsed.
Value payload(const Value& obj, std::string_view key) {
  const Value* v = obj.find(key);
  if (!v || !v->is_string()) return Value::string("<absent>");
  return J(v->as_string());
}

const Value& inspection(const Value& body) {
  static const Value kEmpty = Value::empty_object();
  const Value* v = body.find("inspectionData");
  return v ? *v : kEmpty;
}

std::vector<std::string> keys(const Value& obj) {
  std::vector<std::string> k;
  for (const json::Member& m : obj.members()) k.emplace_back(m.name());
  return k;
}

// [AWS] IO_PASS_STATE at DEBUG: every stage, afterResultSelector being the Parameters'
// result (a Pass has no ResultSelector, AWS shows the stage anyway).
TEST_F(TestStateTest, PassWithParametersAndResultPathShowsEachStage) {
  Value body = ok(Req()
                      .def(R"({"Type":"Pass","InputPath":"$.initialData",
                               "Parameters":{"staticValue":"some value","inputValue.$":"$.fieldFromInput"},
                               "ResultPath":"$.modifiedData","End":true})")
                      .input(R"({"initialData":{"fieldFromInput":"value from input","otherField":"other"},
                                 "unrelatedData":{"someOtherField":1234}})")
                      .level("DEBUG"));
  const Value& in = inspection(body);
  EXPECT_EQ(keys(in), (std::vector<std::string>{"input", "afterInputPath", "afterParameters",
                                                "afterResultSelector", "afterResultPath"}));
  EXPECT_EQ(payload(in, "afterInputPath"),
            J(R"({"fieldFromInput":"value from input","otherField":"other"})"));
  EXPECT_EQ(payload(in, "afterParameters"),
            J(R"({"staticValue":"some value","inputValue":"value from input"})"));
  EXPECT_EQ(payload(in, "afterResultSelector"), payload(in, "afterParameters"));
  Value expected = J(R"({"initialData":{"fieldFromInput":"value from input","otherField":"other"},
                         "unrelatedData":{"someOtherField":1234},
                         "modifiedData":{"staticValue":"some value","inputValue":"value from input"}})");
  EXPECT_EQ(payload(in, "afterResultPath"), expected);
  EXPECT_EQ(payload(body, "output"), expected);
  EXPECT_EQ(str(body, "status"), "SUCCEEDED");
  EXPECT_EQ(str(body, "nextState"), "<absent>");
}

// [AWS] BASE_RESULT_PASS_STATE: a Pass with Result shows result, no input stages.
TEST_F(TestStateTest, PassWithResultShowsResultInsteadOfInputStages) {
  Value body = ok(Req()
                      .def(R"({"Type":"Pass","Result":{"resultKey":"result value"},"Next":"After"})")
                      .input(R"({"Value":"HelloWorld"})")
                      .level("DEBUG"));
  EXPECT_EQ(keys(inspection(body)),
            (std::vector<std::string>{"input", "result", "afterResultSelector", "afterResultPath"}));
  EXPECT_EQ(payload(body, "output"), J(R"({"resultKey":"result value"})"));
  EXPECT_EQ(str(body, "nextState"), "After");
}

// [AWS] INFO gives no inspectionData.
TEST_F(TestStateTest, InfoLevelHasNoInspectionData) {
  Value body = ok(Req().def(R"({"Type":"Pass","End":true})").input(R"({"a":1})"));
  EXPECT_EQ(keys(body), (std::vector<std::string>{"output", "status"}));
}

// [AWS] BASE_CHOICE_STATE: nextState is the matching rule's Next; stages input and
// afterInputPath only.
TEST_F(TestStateTest, ChoiceReportsNextState) {
  Value body = ok(Req()
                      .def(R"({"Type":"Choice","Choices":[
                                 {"Variable":"$.type","StringEquals":"Public","Next":"Public"},
                                 {"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},
                                         {"Variable":"$.value","NumericLessThan":30}],
                                  "Next":"ValueInTwenties"}],
                               "Default":"DefaultState"})")
                      .input(R"({"type":"Private","value":22})")
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "nextState"), "ValueInTwenties");
  EXPECT_EQ(payload(body, "output"), J(R"({"type":"Private","value":22})"));
  EXPECT_EQ(keys(inspection(body)), (std::vector<std::string>{"input", "afterInputPath"}));
}

TEST_F(TestStateTest, ChoiceWithoutMatchFails) {
  Value body =
      ok(Req()
             .def(R"({"Type":"Choice","Choices":[{"Variable":"$.x","BooleanEquals":true,"Next":"Yes"}]})")
             .input(R"({"x":false})"));
  EXPECT_EQ(str(body, "status"), "FAILED");
  EXPECT_EQ(str(body, "error"), "States.NoChoiceMatched");
  EXPECT_EQ(str(body, "nextState"), "<absent>");
}

// [AWS] BASE_FAIL_STATE.
TEST_F(TestStateTest, FailReportsErrorAndCause) {
  Value body = ok(Req()
                      .def(R"({"Type":"Fail","Error":"SomeFailure",
                               "Cause":"This state machines raises a 'SomeFailure' failure."})")
                      .input(R"({"Value":"HelloWorld"})")
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "FAILED");
  EXPECT_EQ(str(body, "error"), "SomeFailure");
  EXPECT_EQ(str(body, "cause"), "This state machines raises a 'SomeFailure' failure.");
  EXPECT_EQ(str(body, "output"), "<absent>");
  EXPECT_EQ(keys(inspection(body)), (std::vector<std::string>{"input", "afterInputPath"}));
}

// Wait decides at once: its output and next state, without sleeping.
TEST_F(TestStateTest, WaitReturnsAtOnce) {
  Value body = ok(Req().def(R"({"Type":"Wait","Seconds":86400,"Next":"Later"})").input(R"({"a":1})"));
  EXPECT_EQ(str(body, "status"), "SUCCEEDED");
  EXPECT_EQ(str(body, "nextState"), "Later");
  EXPECT_EQ(payload(body, "output"), J(R"({"a":1})"));
}

// A Task with a mocked result: the result goes through ResultSelector and ResultPath.
TEST_F(TestStateTest, TaskWithMockResultAndResultSelector) {
  Value body = ok(Req()
                      .def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                               "Parameters":{"FunctionName":"f","Payload.$":"$"},
                               "ResultSelector":{"body.$":"$.Payload.body"},
                               "ResultPath":"$.out","Next":"Done"})")
                      .input(R"({"x":1})")
                      .mock_result(R"({"StatusCode":200,"Payload":{"body":"hello"}})")
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "SUCCEEDED");
  EXPECT_EQ(str(body, "nextState"), "Done");
  EXPECT_EQ(payload(body, "output"), J(R"({"x":1,"out":{"body":"hello"}})"));
  const Value& in = inspection(body);
  EXPECT_EQ(keys(in), (std::vector<std::string>{"input", "afterInputPath", "afterParameters", "result",
                                                "afterResultSelector", "afterResultPath"}));
  EXPECT_EQ(payload(in, "afterParameters"), J(R"({"FunctionName":"f","Payload":{"x":1}})"));
  EXPECT_EQ(payload(in, "result"), J(R"({"StatusCode":200,"Payload":{"body":"hello"}})"));
  EXPECT_EQ(payload(in, "afterResultSelector"), J(R"({"body":"hello"})"));
}

constexpr std::string_view kRetryingTask = R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
    "Parameters":{"FunctionName":"foo","Payload":"bar"},
    "Retry":[{"ErrorEquals":["MockException"],"IntervalSeconds":1,"MaxAttempts":5,"BackoffRate":2.0}],
    "End":true})";

// [AWS] BASE_TASK_STATE_RETRY with retrierRetryCount 4: the 5th retry waits 1*2^4 s.
TEST_F(TestStateTest, MockedErrorMatchedByRetryIsRetriable) {
  Value body = ok(Req()
                      .def(kRetryingTask)
                      .mock_error("MockException", "Mock the cause of the error.")
                      .config(R"({"retrierRetryCount":4})")
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "RETRIABLE");
  EXPECT_EQ(str(body, "error"), "MockException");
  EXPECT_EQ(str(body, "cause"), "Mock the cause of the error.");
  EXPECT_EQ(str(body, "output"), "<absent>");
  EXPECT_EQ(*inspection(body).find("errorDetails"),
            J(R"({"retryIndex":0,"retryBackoffIntervalSeconds":16})"));
}

// [AWS] With the retrier spent, the error fails the state; errorDetails keeps retryIndex.
TEST_F(TestStateTest, SpentRetrierFails) {
  Value body = ok(Req()
                      .def(kRetryingTask)
                      .mock_error("MockException", "Mock the cause of the error.")
                      .config(R"({"retrierRetryCount":5})")
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "FAILED");
  EXPECT_EQ(str(body, "error"), "MockException");
  EXPECT_EQ(*inspection(body).find("errorDetails"), J(R"({"retryIndex":0})"));
}

// A catcher takes the error: CAUGHT_ERROR, nextState = its Next, output = the error
// output placed by its ResultPath into the raw input.
TEST_F(TestStateTest, MockedErrorMatchedByCatchIsCaught) {
  Value body = ok(Req()
                      .def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                               "Parameters":{"FunctionName":"foo"},
                               "Catch":[{"ErrorEquals":["Other"],"Next":"HandleOther"},
                                        {"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.error",
                                         "Next":"HandleMockError"}],
                               "End":true})")
                      .input(R"({"order":7})")
                      .mock_error("MockException", "it broke")
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "CAUGHT_ERROR");
  EXPECT_EQ(str(body, "nextState"), "HandleMockError");
  EXPECT_EQ(str(body, "error"), "MockException");
  EXPECT_EQ(str(body, "cause"), "it broke");
  EXPECT_EQ(payload(body, "output"),
            J(R"({"order":7,"error":{"Error":"MockException","Cause":"it broke"}})"));
  EXPECT_EQ(*inspection(body).find("errorDetails"), J(R"({"catchIndex":1})"));
}

// Without a mock the Task's work goes to the executor, once, with retrierRetryCount as
// the attempt number.
class OneTask final : public engine::TaskExecutor {
 public:
  engine::TaskResult invoke(const engine::TaskRequest& r) override {
    ++calls;
    resource = std::string(r.resource);
    parameters = r.parameters;
    attempt = r.attempt;
    return result;
  }
  engine::TaskResult result = engine::TaskResult::success(Value::string("HelloWorld!"));
  int calls = 0;
  int attempt = -1;
  std::string resource;
  Value parameters;
};

TEST_F(TestStateTest, TaskWithoutMockCallsTheExecutorOnce) {
  OneTask tasks;
  env_.tasks = &tasks;
  Value body = ok(Req()
                      .def(R"({"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
                               "End":true})")
                      .input(R"({"inputData":"HelloWorld"})")
                      .role()
                      .config(R"({"retrierRetryCount":2})"));
  EXPECT_EQ(tasks.calls, 1);
  EXPECT_EQ(tasks.attempt, 2);
  EXPECT_EQ(tasks.parameters, J(R"({"inputData":"HelloWorld"})"));
  EXPECT_EQ(str(body, "output"), "\"HelloWorld!\"");  // [AWS] BASE_LAMBDA_TASK_STATE
}

TEST_F(TestStateTest, TaskWithoutExecutorFailsNamingTheResource) {
  Value body = ok(Req()
                      .def(R"({"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage",
                               "Retry":[{"ErrorEquals":["States.ALL"]}],"End":true})")
                      .role());
  EXPECT_EQ(str(body, "status"), "FAILED");  // States.Runtime is never retried
  EXPECT_EQ(str(body, "error"), "States.Runtime");
  EXPECT_NE(str(body, "cause").find("arn:aws:states:::sqs:sendMessage"), std::string::npos);
}

// [AWS] A runtime error is FAILED with States.Runtime; TestState's cause carries no
// "(entered at the event id #N)" prefix.
TEST_F(TestStateTest, MissingPathIsRuntimeError) {
  Value body = ok(Req()
                      .def(R"({"Type":"Pass","InputPath":"$.NoSuchInputPath","End":true})")
                      .input(R"({"a":1})")
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "FAILED");
  EXPECT_EQ(str(body, "error"), "States.Runtime");
  EXPECT_EQ(str(body, "cause"),
            "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']");
  EXPECT_EQ(keys(inspection(body)), (std::vector<std::string>{"input"}));
}

// [AWS] Map and Parallel run only with a mock.
TEST_F(TestStateTest, MapOrParallelWithoutMockIsInvalidDefinition) {
  const char* kMessage =
      "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, "
      "Pass, "
      "Succeed, Fail, Choice]";
  ApiError map = refused(Req().def(
      R"({"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true})"));
  EXPECT_EQ(map.code, "InvalidDefinition");
  EXPECT_EQ(map.message, kMessage);
  ApiError parallel = refused(
      Req().def(R"({"Type":"Parallel","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}],
                    "End":true})"));
  EXPECT_EQ(parallel.code, "InvalidDefinition");
  EXPECT_EQ(parallel.message, kMessage);
}

// [AWS] Mocks are for Task, Map and Parallel only.
TEST_F(TestStateTest, MockOnPassIsRefused) {
  ApiError e =
      refused(Req().def(R"({"Type":"Pass","End":true})").mock_result(R"({"mock":"the unmockable"})"));
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(e.message, "State type 'Pass' is not supported when a mock is specified");
}

// [AWS]
TEST_F(TestStateTest, MockWithResultAndErrorOutputIsRefused) {
  Req r = Req().def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true})");
  r.set("mock", J(R"({"result":"{\"mock\":\"response\"}","errorOutput":{"error":"Error","cause":"Cause"}})"));
  ApiError e = refused(r);
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(e.message, "A test mock should have only one of the following fields: [result, errorOutput].");
}

// [AWS]
TEST_F(TestStateTest, MockResultMustBeJson) {
  ApiError e = refused(Req()
                           .def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true})")
                           .mock_result("not JSON"));
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(e.message, "Mocked result must be valid JSON");
}

// [AWS]
TEST_F(TestStateTest, RevealSecretsWithMockIsRefused) {
  ApiError e = refused(Req()
                           .def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true})")
                           .mock_result("{}")
                           .set("revealSecrets", Value::boolean(true)));
  EXPECT_EQ(e.message, "TestState does not support RevealSecrets when a mock is specified.");
}

// [AWS] §8.2.
TEST_F(TestStateTest, TaskWithoutRoleAndWithoutMockIsRefused) {
  ApiError e =
      refused(Req().def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true})"));
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(e.message, "RoleArn must be specified when testing a Task state");
}

TEST_F(TestStateTest, BadInputJsonIsInvalidExecutionInput) {
  ApiError e = refused(Req().def(R"({"Type":"Pass","End":true})").input("not json"));
  EXPECT_EQ(e.code, "InvalidExecutionInput");
  EXPECT_EQ(
      e.message,
      "Invalid State Machine Execution Input: 'Unrecognized token 'not': was expecting (JSON String, Number, "
      "Array, Object or token 'null', 'true' or 'false')'");
  EXPECT_EQ(refused(Req().def(R"({"Type":"Pass","End":true})").input("  ")).message,
            "Invalid State Machine Execution Input: 'Invalid execution input.'");
}

constexpr std::string_view kMachine = R"({"StartAt":"State0","States":{
    "State0":{"Type":"Pass","Next":"State1"},
    "State1":{"Type":"Map","ItemsPath":"$.Values","ItemProcessor":{"StartAt":"HandleItem",
      "States":{"HandleItem":{"Type":"Pass","Result":"done","End":true}}},"Next":"State2"},
    "State2":{"Type":"Fail","Error":"SomeFailure","Cause":"boom"}}})";

// [AWS] A full machine with stateName: the named state runs, even inside a Map.
TEST_F(TestStateTest, FullMachineWithStateName) {
  Value body = ok(Req().def(kMachine).state_name("State0").input(R"({"Value":"HelloWorld"})"));
  EXPECT_EQ(str(body, "nextState"), "State1");
  EXPECT_EQ(payload(body, "output"), J(R"({"Value":"HelloWorld"})"));
  Value nested = ok(Req().def(kMachine).state_name("HandleItem").input(R"({"Value":"HelloWorld"})"));
  EXPECT_EQ(payload(nested, "output"), J(R"("done")"));
  Value fail = ok(Req().def(kMachine).state_name("State2"));
  EXPECT_EQ(str(fail, "error"), "SomeFailure");
}

// [AWS] test_base_state_name_validation_failures.
TEST_F(TestStateTest, UnknownStateNameIsRefused) {
  ApiError e = refused(Req().def(kMachine).state_name("dne"));
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(e.message, "State not found in definition");
}

// [AWS] test_state_name_invalid_state_definition: the whole machine is validated.
TEST_F(TestStateTest, FullMachineIsValidated) {
  ApiError e = refused(Req()
                           .def(R"({"StartAt":"ExistingButInvalidState","States":{
                                    "ExistingButInvalidState":{"Type":"TypeThatDoesNotExist","End":true}}})")
                           .state_name("ExistingButInvalidState"));
  EXPECT_EQ(e.code, "InvalidDefinition");
  EXPECT_EQ(e.message,
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Type' should have one "
            "of these "
            "values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at "
            "/States/ExistingButInvalidState/Type'");
}

// A single state is validated inside a one-state machine; locations are the state's.
TEST_F(TestStateTest, SingleStateIsValidated) {
  ApiError e = refused(Req().def(R"({"Type":"Pass","Parameters":{"x.$":"not a path"},"End":true})"));
  EXPECT_EQ(e.code, "InvalidDefinition");
  EXPECT_EQ(
      e.message,
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a "
      "valid JSONPath or a valid intrinsic function call at /Parameters'");
  ApiError syntax = refused(Req().def("{"));
  EXPECT_EQ(syntax.code, "InvalidDefinition");
  EXPECT_NE(syntax.message.find("INVALID_JSON_DESCRIPTION"), std::string::npos);
}

// JSONata and Assign get the validator's "not supported yet" diagnostics.
// JSONata states read the request's variables and show what they assign; a Task shows
// afterArguments instead of the JSONPath stages.
TEST_F(TestStateTest, JsonataStateWithVariables) {
  Value body = ok(Req()
                      .def(R"({"Type":"Pass","QueryLanguage":"JSONata",
                          "Output":{"sum":"{% $states.input.a + $b %}"},
                          "Assign":{"b":"{% $b * 2 %}","c":"{% $states.input.a %}"},"End":true})")
                      .input(R"({"a":1})")
                      .set("variables", Value::string(R"({"b":10})"))
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "SUCCEEDED");
  EXPECT_EQ(payload(body, "output"), J(R"({"sum":11})"));
  EXPECT_EQ(payload(inspection(body), "variables"), J(R"({"b":20,"c":1})"));

  body = ok(Req()
                .def(R"({"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke",
                    "Arguments":{"FunctionName":"f","Payload":"{% $states.input %}"},
                    "Output":"{% $states.result.Payload %}","End":true})")
                .input(R"({"a":1})")
                .mock_result(R"({"Payload":{"ok":true}})")
                .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "SUCCEEDED");
  EXPECT_EQ(payload(body, "output"), J(R"({"ok":true})"));
  EXPECT_EQ(payload(inspection(body), "afterArguments"), J(R"({"FunctionName":"f","Payload":{"a":1}})"));
  EXPECT_EQ(inspection(body).find("afterParameters"), nullptr);
}

// A JSONata expression that returns nothing fails with AWS's cause (without the history
// prefix: a test has no events).
TEST_F(TestStateTest, JsonataUndefinedIsQueryEvaluationError) {
  Value body = ok(Req().def(R"({"Type":"Pass","QueryLanguage":"JSONata",
                               "Output":{"result":"{% $doesNotExist %}"},"End":true})"));
  EXPECT_EQ(str(body, "status"), "FAILED");
  EXPECT_EQ(str(body, "error"), "States.QueryEvaluationError");
  EXPECT_EQ(str(body, "cause"),
            "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing "
            "(undefined).");
}

constexpr std::string_view kMap = R"({"Type":"Map","ItemsPath":"$.Values","MaxConcurrency":1,
    "ItemSelector":{"v.$":"$$.Map.Item.Value"},
    "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
    "ToleratedFailureCount":1,
    "Retry":[{"ErrorEquals":["MockException"],"MaxAttempts":3},
             {"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"MaxAttempts":2}],
    "ResultPath":"$.results","End":true})";

TEST_F(TestStateTest, MapWithMockedResult) {
  Value body = ok(Req()
                      .def(kMap)
                      .input(R"({"Values":["first","second","third"]})")
                      .mock_result("[1,1,1]")
                      .level("DEBUG"));
  EXPECT_EQ(str(body, "status"), "SUCCEEDED");
  EXPECT_EQ(payload(body, "output"), J(R"({"Values":["first","second","third"],"results":[1,1,1]})"));
  const Value& in = inspection(body);
  EXPECT_EQ(payload(in, "afterItemsPath"), J(R"(["first","second","third"])"));
  EXPECT_EQ(payload(in, "afterItemSelector"), J(R"([{"v":"first"},{"v":"second"},{"v":"third"}])"));
  EXPECT_EQ(*in.find("maxConcurrency"), Value::integer(1));
  EXPECT_EQ(*in.find("toleratedFailureCount"), Value::integer(1));
}

// [AWS] test_map_state_failure_count (BASE_MAP_STATE_RETRY): failures past the tolerated
// count raise States.ExceedToleratedFailureThreshold, which the second retrier takes.
TEST_F(TestStateTest, MapFailureCountPastToleranceIsRetriable) {
  Req r =
      Req().def(kMap).input(R"({"Values":["first","second","third"]})").mock_result("[0,0,1]").level("DEBUG");
  Value body = ok(r.config(R"({"mapIterationFailureCount":2})"));
  EXPECT_EQ(str(body, "status"), "RETRIABLE");
  EXPECT_EQ(str(body, "error"), "States.ExceedToleratedFailureThreshold");
  EXPECT_EQ(str(body, "cause"), "The specified tolerated failure threshold was exceeded");
  EXPECT_EQ(*inspection(body).find("errorDetails"), J(R"({"retryIndex":1,"retryBackoffIntervalSeconds":1})"));

  ApiError e = refused(r.config(R"({"mapIterationFailureCount":4})"));
  EXPECT_EQ(e.message,
            "Map iteration failure count must be less than or equal to the number of Map iterations");
}

// [AWS] Mock shape rules for Map and Parallel; the failure count needs a mock.
TEST_F(TestStateTest, MapAndParallelMockRules) {
  EXPECT_EQ(refused(Req().def(kMap).mock_result(R"({"mock":"object"})")).message,
            "Mocked result must be an array.");
  EXPECT_EQ(refused(Req()
                        .def(R"({"Type":"Parallel","Branches":[
                                   {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
                                   {"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"End":true})")
                        .mock_result("[1]"))
                .message,
            "Mocked result must contain the same number of items as number of Parallel branches.");
  EXPECT_EQ(refused(Req()
                        .def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true})")
                        .role()
                        .config(R"({"mapIterationFailureCount":1})"))
                .message,
            "TestState does not support MapIterationFailureCount when a mock is not specified.");
}

TEST_F(TestStateTest, ParallelWithMockedResult) {
  Value body = ok(Req()
                      .def(R"({"Type":"Parallel","Branches":[
                                 {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
                                 {"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],
                               "ResultSelector":{"first.$":"$[0]"},"Next":"Join"})")
                      .input(R"({"x":1})")
                      .mock_result(R"(["a","b"])"));
  EXPECT_EQ(payload(body, "output"), J(R"({"first":"a"})"));
  EXPECT_EQ(str(body, "nextState"), "Join");
}

// [AWS] STRICT checks the mock against the integration's response shape; NONE does not.
TEST_F(TestStateTest, MockFieldValidation) {
  const char* kStart =
      R"({"Type":"Task","Resource":"arn:aws:states:::states:startExecution","Parameters":{"StateMachineArn":"x"},
          "End":true})";
  EXPECT_EQ(refused(Req().def(kStart).mock_result(R"({"StartDate":"2025-01-01T00:00:00Z"})")).message,
            "Mock result schema validation error: Required field 'ExecutionArn' is missing");
  Req present = Req().def(kStart);
  present.set("mock", J(R"({"result":"{\"StartDate\":true}","fieldValidationMode":"PRESENT"})"));
  EXPECT_EQ(refused(present).message,
            "Mock result schema validation error: Field 'StartDate' must be a string");
  EXPECT_EQ(refused(Req()
                        .def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true})")
                        .mock_result(R"({"StatusCode":"200"})"))
                .message,
            "Mock result schema validation error: Field 'StatusCode' must be a number");
  Req none = Req().def(kStart);
  none.set("mock", J(R"({"result":"{\"random\":\"json\"}","fieldValidationMode":"NONE"})"));
  EXPECT_EQ(payload(ok(none), "output"), J(R"({"random":"json"})"));
}

// The synthetic Context object: an express-style execution ARN; a mocked context is laid
// over it, within AWS's rules for its fields.
TEST_F(TestStateTest, ContextObject) {
  const char* kDef = R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                         "Parameters":{"ctx.$":"$$"},"ResultPath":null,"OutputPath":"$","End":true})";
  Value body = ok(Req().def(kDef).mock_result("{}").level("DEBUG"));
  Value params = payload(inspection(body), "afterParameters");
  ASSERT_NE(params.find("ctx"), nullptr);
  Value ctx = *params.find("ctx");
  std::string id(ctx.find("Execution")->find("Id")->as_string());
  std::string name(ctx.find("Execution")->find("Name")->as_string());
  EXPECT_EQ(id, "arn:aws:states:us-east-1:123456789012:express:TestState:" + name);
  EXPECT_EQ(*ctx.find("State")->find("Name"), Value::string("StateName"));

  Value mocked = ok(Req()
                        .def(kDef)
                        .mock_result("{}")
                        .context(R"({"Execution":{"Name":"execution-name-12345"},"State":{"RetryCount":0}})")
                        .level("DEBUG"));
  Value p = payload(inspection(mocked), "afterParameters");
  EXPECT_EQ(*p.find("ctx")->find("Execution")->find("Name"), Value::string("execution-name-12345"));

  // [AWS] test_state_context_object_validation_failures and invalid states.
  Req r = Req().def(kDef).mock_result("{}");
  EXPECT_EQ(refused(r.context(R"({"Execution":{"Id":1}})")).message,
            "Invalid Context object provided: Execution.Id must be a string");
  EXPECT_EQ(refused(r.context(R"({"Map":{}})")).message,
            "Invalid Context object provided: 'Map' field is not supported when mocking a Context object");
  EXPECT_EQ(refused(r.context(R"({"Execution":{"pokemon":"squirtle"}})")).message,
            "Invalid Context object provided: Field 'pokemon' is not allowed");
  EXPECT_EQ(refused(r.context(R"({"Pokedex":{}})")).message,
            "Invalid Context object provided: Field 'Pokedex' is not allowed");
  EXPECT_EQ(
      refused(r.context(R"({"Task":{"Token":"abcd123"}})")).message,
      "Invalid Context object provided: Context object contains 'Task' when state is not a Task state with a "
      "'.sync' or '.waitForTaskToken' service integration pattern");
}

// .waitForTaskToken runs only with a mock; its Context then has a task token.
TEST_F(TestStateTest, CallbackTaskNeedsMock) {
  const char* kCallback = R"({"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters":{"QueueUrl":"q","MessageBody":{"TaskToken.$":"$$.Task.Token"}},"End":true})";
  EXPECT_EQ(refused(Req().def(kCallback).role()).code, "InvalidDefinition");
  Value body = ok(Req().def(kCallback).mock_result(R"({"ok":true})").level("DEBUG"));
  Value params = payload(inspection(body), "afterParameters");
  EXPECT_FALSE(params.find("MessageBody")->find("TaskToken")->as_string().empty());
  // [AWS] test_state_wait_task_context_object: a mocked context may carry the token.
  Value mocked =
      ok(Req().def(kCallback).mock_result("{}").context(R"({"Task":{"Token":"abcd123"}})").level("DEBUG"));
  EXPECT_EQ(payload(inspection(mocked), "afterParameters"),
            J(R"({"QueueUrl":"q","MessageBody":{"TaskToken":"abcd123"}})"));
}

// States.UUID in Parameters: afterParameters shows the value the output got.
TEST_F(TestStateTest, InspectionShowsTheInterpretersRandomValues) {
  Value body =
      ok(Req().def(R"j({"Type":"Pass","Parameters":{"id.$":"States.UUID()"},"End":true})j").level("DEBUG"));
  EXPECT_EQ(payload(inspection(body), "afterParameters"), payload(body, "output"));
}

// The model's constraints, in Coral's words.
TEST_F(TestStateTest, RequestConstraints) {
  ApiError e = refused(Req());
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(
      e.message,
      "1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not "
      "be null");
  EXPECT_EQ(refused(Req().def(R"({"Type":"Pass","End":true})").level("VERBOSE")).message,
            "1 validation error detected: Value 'VERBOSE' at 'inspectionLevel' failed to satisfy constraint: "
            "Member "
            "must satisfy enum value set: [INFO, DEBUG, TRACE]");
  EXPECT_EQ(refused(Req()
                        .def(R"({"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true})")
                        .set("roleArn", Value::string("my-role")))
                .code,
            "InvalidArn");
}

}  // namespace
}  // namespace sg::api
