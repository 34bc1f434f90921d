// Whole executions through the pure interpreter and the in-process runner, using the
// worked examples of the AWS Step Functions documentation and the ASL specification.
#include "engine/local_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <span>
#include <thread>

#include "asl/state_machine.h"
#include "json/parse.h"

namespace sg::engine {
namespace {

using json::Value;

Value J(std::string_view text) {
  auto r = json::parse_json(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? r.value() : Value();
}

// Scripted tasks: resource -> handler; every call is recorded.
class ScriptedTasks final : public TaskExecutor {
 public:
  using Handler = std::function<TaskResult(const TaskRequest&)>;
  void on(const std::string& resource, Handler h) { handlers_[resource] = std::move(h); }
  TaskResult invoke(const TaskRequest& r) override {
    calls.push_back({std::string(r.resource), r.parameters});
    auto it = handlers_.find(std::string(r.resource));
    if (it == handlers_.end()) return TaskResult::failure("States.Runtime", "no handler");
    return it->second(r);
  }
  std::vector<std::pair<std::string, Value>> calls;

 private:
  std::map<std::string, Handler> handlers_;
};

class Recorder final : public HistorySink {
 public:
  void on_event(const HistoryEvent& e) override { events.push_back(e); }
  std::vector<std::string> types() const {
    std::vector<std::string> t;
    for (const auto& e : events) t.push_back(e.type);
    return t;
  }
  std::vector<HistoryEvent> events;
};

struct Run {
  RunResult result;
  std::vector<HistoryEvent> events;
};

Run run(std::string_view definition, std::string_view input, TaskExecutor* tasks = nullptr) {
  auto sm = asl::load_state_machine(J(definition));
  EXPECT_TRUE(sm.ok()) << (sm.ok() ? "" : sm.error().message);
  if (!sm.ok()) return {};
  Recorder rec;
  RunOptions opt;
  opt.input = J(input);
  opt.tasks = tasks;
  opt.history = &rec;
  opt.start_time_ms = 1700000000000;
  opt.identity.state_machine_name = "Test";
  opt.identity.execution_name = "exec-1";
  Run r;
  r.result = run_local(**sm, opt);
  r.events = rec.events;
  return r;
}

constexpr const char* kTaskArn = "arn:aws:states:::lambda:invoke";
constexpr const char* kLambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:HelloFunction";

// AWS guide, "Specifying state output using ResultPath": the task result is merged into
// the raw input at $.taskresult.
TEST(Runner, ResultPathMergesTheResultIntoTheInput) {
  ScriptedTasks tasks;
  tasks.on(kLambdaArn, [](const TaskRequest& r) {
    return TaskResult::success(
        Value::string("Hello, " + std::string(r.parameters.find("who")->as_string()) + "!"));
  });
  auto r = run(
      R"({"StartAt":"T","States":{"T":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
          R"(","ResultPath":"$.taskresult","End":true}}})",
      R"({"comment":"This is a test of the input and output of a Task state.","details":"Default example","who":"AWS Step Functions"})",
      &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(
      r.result.output.dump(),
      R"({"comment":"This is a test of the input and output of a Task state.","details":"Default example","who":"AWS Step Functions","taskresult":"Hello, AWS Step Functions!"})");
}

// AWS guide, "Input and Output Processing": InputPath, ResultPath and OutputPath together.
TEST(Runner, InputPathResultPathOutputPathInAwsOrder) {
  ScriptedTasks tasks;
  tasks.on(kLambdaArn, [](const TaskRequest& r) {
    EXPECT_EQ(r.parameters.dump(), R"({"who":"AWS Step Functions"})");
    return TaskResult::success(Value::string("Hello, AWS Step Functions!"));
  });
  auto r = run(
      R"({"StartAt":"T","States":{"T":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
          R"(","InputPath":"$.lambda","ResultPath":"$.data.lambdaresult","OutputPath":"$.data","End":true}}})",
      R"({"comment":"An input comment.","data":{"val1":23,"val2":17},"extra":"foo","lambda":{"who":"AWS Step Functions"}})",
      &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(), R"({"val1":23,"val2":17,"lambdaresult":"Hello, AWS Step Functions!"})");
}

// AWS guide, "Manipulate parameters with Parameters".
TEST(Runner, ParametersSelectAndAddStaticValues) {
  auto r = run(
      R"({"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"comment":"Selecting what I care about.",
                 "MyDetails":{"size.$":"$.product.details.size","exists.$":"$.product.availability","StaticValue":"foo"}},
                 "End":true}}})",
      R"({"comment":"Example for Parameters.","product":{"details":{"color":"blue","size":"small","material":"cotton"},
                   "availability":"in stock","sku":"2317","cost":"$23"}})");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(
      r.result.output.dump(),
      R"({"comment":"Selecting what I care about.","MyDetails":{"size":"small","exists":"in stock","StaticValue":"foo"}})");
}

// AWS guide, ResultSelector example: keep part of a service result.
TEST(Runner, ResultSelectorShapesTheTaskResult) {
  ScriptedTasks tasks;
  tasks.on("arn:aws:states:::elasticmapreduce:addStep.sync", [](const TaskRequest&) {
    return TaskResult::success(J(R"({"resourceType":"elasticmapreduce","resource":"addStep.sync",
      "output":{"SdkHttpMetadata":{"HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":"1234"},"StepId":"s-XXXXXXXX"}})"));
  });
  auto r = run(
      R"({"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::elasticmapreduce:addStep.sync",
                 "ResultSelector":{"ClusterId.$":"$.output.StepId","ResourceType.$":"$.resourceType"},
                 "ResultPath":"$.result","End":true}}})",
      R"({"Step":"x"})", &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(),
            R"({"Step":"x","result":{"ClusterId":"s-XXXXXXXX","ResourceType":"elasticmapreduce"}})");
}

TEST(Runner, NullPathsDiscardAndEmpty) {
  auto r = run(R"({"StartAt":"A","States":{
      "A":{"Type":"Pass","Result":{"x":1},"ResultPath":null,"Next":"B"},
      "B":{"Type":"Pass","InputPath":null,"ResultPath":"$.seen","Next":"C"},
      "C":{"Type":"Pass","OutputPath":null,"End":true}}})",
               R"({"keep":true})");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.result.output.dump(), "{}");
  auto r2 = run(R"({"StartAt":"A","States":{
      "A":{"Type":"Pass","Result":{"x":1},"ResultPath":null,"Next":"B"},
      "B":{"Type":"Pass","InputPath":null,"ResultPath":"$.seen","End":true}}})",
                R"({"keep":true})");
  EXPECT_EQ(r2.result.output.dump(), R"({"keep":true,"seen":{}})");
}

TEST(Runner, PassResultIsStatic) {
  auto r = run(
      R"({"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"TestResult.$":"ConditionTrue"},"End":true}}})",
      "{}");
  EXPECT_EQ(r.result.output.dump(), R"({"TestResult.$":"ConditionTrue"})");
}

// ASL spec Choice example (Not, NumericEquals, And of ranges, Default).
TEST(Runner, ChoiceRulesOfTheSpecExample) {
  std::string def = R"({"StartAt":"C","States":{
    "C":{"Type":"Choice","Choices":[
      {"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Public"},
      {"Variable":"$.value","NumericEquals":0,"Next":"ValueIsZero"},
      {"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],
       "Next":"ValueInTwenties"}],
      "Default":"DefaultState"},
    "Public":{"Type":"Pass","Result":"Public","End":true},
    "ValueIsZero":{"Type":"Pass","Result":"Zero","End":true},
    "ValueInTwenties":{"Type":"Pass","Result":"Twenties","End":true},
    "DefaultState":{"Type":"Pass","Result":"Default","End":true}}})";
  EXPECT_EQ(run(def, R"({"type":"Public","value":0})").result.output.dump(), R"("Public")");
  EXPECT_EQ(run(def, R"({"type":"Private","value":0})").result.output.dump(), R"("Zero")");
  EXPECT_EQ(run(def, R"({"type":"Private","value":0.0})").result.output.dump(), R"("Zero")");
  EXPECT_EQ(run(def, R"({"type":"Private","value":25})").result.output.dump(), R"("Twenties")");
  EXPECT_EQ(run(def, R"({"type":"Private","value":30})").result.output.dump(), R"("Default")");
  // A type mismatch is false, never an error.
  EXPECT_EQ(run(def, R"({"type":"Private","value":"25"})").result.output.dump(), R"("Default")");
}

std::string choice_with(const std::string& rule) {
  return R"({"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[)" + rule +
         R"(],"Default":"No"},"Yes":{"Type":"Pass","Result":true,"End":true},"No":{"Type":"Pass","Result":false,"End":true}}})";
}

bool choose(const std::string& rule, std::string_view input) {
  auto r = run(choice_with(rule), input);
  EXPECT_EQ(r.result.status, ExecutionStatus::kSucceeded) << rule << " " << r.result.cause;
  return r.result.output.is_bool() && r.result.output.as_bool();
}

TEST(Runner, EveryChoiceOperator) {
  auto R = [](const char* op, const char* operand, const char* var = "$.v") {
    return std::string(R"({"Variable":")") + var + R"(",")" + op + R"(":)" + operand + R"(,"Next":"Yes"})";
  };
  EXPECT_TRUE(choose(R("StringEquals", "\"abc\""), R"({"v":"abc"})"));
  EXPECT_FALSE(choose(R("StringEquals", "\" \""), R"({"v":"     "})"));
  EXPECT_TRUE(choose(R("StringLessThan", "\"AB\""), R"({"v":"A"})"));
  EXPECT_TRUE(choose(R("StringGreaterThan", "\"a\""), R"({"v":"b"})"));
  EXPECT_TRUE(choose(R("StringLessThanEquals", "\"\""), R"({"v":""})"));
  EXPECT_TRUE(choose(R("StringGreaterThanEquals", "\"b\""), R"({"v":"b"})"));
  EXPECT_TRUE(choose(R("StringMatches", "\"foo*.log\""), R"({"v":"foo23.log"})"));
  EXPECT_TRUE(choose(R("StringMatches", "\"*.log\""), R"({"v":"zebra.log"})"));
  EXPECT_TRUE(choose(R("StringMatches", "\"foo*.*\""), R"({"v":"foobar.zebra"})"));
  EXPECT_TRUE(choose(R("StringMatches", R"("a\\*b")"), R"({"v":"a*b"})"));
  EXPECT_FALSE(choose(R("StringMatches", R"("a\\*b")"), R"({"v":"axb"})"));
  EXPECT_TRUE(choose(R("NumericEquals", "2.22"), R"({"v":2.22})"));
  EXPECT_FALSE(choose(R("NumericEquals", "1"), R"({"v":null})"));
  EXPECT_TRUE(choose(R("NumericLessThan", "1"), R"({"v":0.5})"));
  EXPECT_TRUE(choose(R("NumericGreaterThan", "1"), R"({"v":2})"));
  EXPECT_TRUE(choose(R("NumericLessThanEquals", "1"), R"({"v":1})"));
  EXPECT_TRUE(choose(R("NumericGreaterThanEquals", "1"), R"({"v":1.0})"));
  EXPECT_TRUE(choose(R("BooleanEquals", "true"), R"({"v":true})"));
  EXPECT_FALSE(choose(R("BooleanEquals", "true"), R"({"v":"true"})"));
  EXPECT_TRUE(
      choose(R("TimestampEquals", "\"2016-03-14T01:59:00Z\""), R"({"v":"2016-03-14T02:59:00+01:00"})"));
  EXPECT_TRUE(choose(R("TimestampLessThan", "\"2016-03-14T01:59:00Z\""), R"({"v":"2016-03-14T01:58:59Z"})"));
  EXPECT_TRUE(
      choose(R("TimestampGreaterThan", "\"2016-03-14T01:59:00Z\""), R"({"v":"2017-01-01T00:00:00Z"})"));
  EXPECT_TRUE(
      choose(R("TimestampLessThanEquals", "\"2016-03-14T01:59:00Z\""), R"({"v":"2016-03-14T01:59:00Z"})"));
  EXPECT_TRUE(
      choose(R("TimestampGreaterThanEquals", "\"2016-03-14T01:59:00Z\""), R"({"v":"2016-03-14T01:59:00Z"})"));
  EXPECT_FALSE(choose(R("TimestampEquals", "\"2016-03-14T01:59:00Z\""), R"({"v":"2016-03-14 01:59:00Z"})"));
  EXPECT_TRUE(choose(R("IsNull", "true"), R"({"v":null})"));
  EXPECT_TRUE(choose(R("IsPresent", "true"), R"({"v":null})"));
  EXPECT_TRUE(choose(R("IsPresent", "false"), R"({"w":1})"));
  EXPECT_TRUE(choose(R("IsNumeric", "true"), R"({"v":1})"));
  EXPECT_FALSE(choose(R("IsNumeric", "true"), R"({"v":"1"})"));
  EXPECT_TRUE(choose(R("IsString", "true"), R"({"v":"2016-03-14T01:59:00Z"})"));
  EXPECT_TRUE(choose(R("IsBoolean", "false"), R"({"v":0})"));
  EXPECT_TRUE(choose(R("IsTimestamp", "true"), R"({"v":"2016-03-14T01:59:00Z"})"));
  EXPECT_FALSE(choose(R("IsTimestamp", "true"), R"({"v":"2016-03-14T01:59:00"})"));
  EXPECT_TRUE(choose(R("StringEqualsPath", "\"$.w\""), R"({"v":"x","w":"x"})"));
  EXPECT_TRUE(choose(R("NumericLessThanPath", "\"$.w\""), R"({"v":1,"w":2})"));
  EXPECT_TRUE(choose(R("BooleanEqualsPath", "\"$.w\""), R"({"v":false,"w":false})"));
  EXPECT_TRUE(choose(R("TimestampLessThanPath", "\"$.w\""),
                     R"({"v":"2016-03-14T01:59:00Z","w":"2016-03-14T01:59:01Z"})"));
  EXPECT_TRUE(choose(R("StringEquals", "\"Test\"", "$$.StateMachine.Name"), "{}"));
  EXPECT_TRUE(
      choose(R"({"Or":[{"Variable":"$.v","IsNull":true},{"Variable":"$.v","NumericEquals":3}],"Next":"Yes"})",
             R"({"v":3})"));
}

TEST(Runner, ChoiceWithoutMatchFailsWithNoChoiceMatched) {
  auto r =
      run(R"({"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.v","NumericEquals":1,
                 "Next":"E"}]},"E":{"Type":"Succeed"}}})",
          R"({"v":2})");
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "States.NoChoiceMatched");
}

TEST(Runner, ChoiceOnMissingVariableIsAnUncatchableRuntimeError) {
  auto r = run(choice_with(R"({"Variable":"$.missing","StringEquals":"x","Next":"Yes"})"), "{}");
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "States.Runtime");
}

TEST(Runner, MissingInputPathIsStatesRuntimeWithAwsCause) {
  auto r = run(R"({"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.NoSuchInputPath","End":true}}})",
               "{}");
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "States.Runtime");
  EXPECT_EQ(r.result.cause,
            "An error occurred while executing the state 'P' (entered at the event id #2). Invalid path "
            "'$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']");
}

TEST(Runner, MissingParameterPathNamesTheFieldAndInput) {
  auto r = run(
      R"({"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"value.$":"$.no_such_jsonpath"},"End":true}}})",
      R"({"a":1})");
  EXPECT_EQ(r.result.error, "States.Runtime");
  EXPECT_EQ(
      r.result.cause,
      "An error occurred while executing the state 'P' (entered at the event id #2). The JSONPath "
      "'$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"a\":1}'");
}

TEST(Runner, StatesRuntimeCannotBeCaughtEvenByName) {
  ScriptedTasks tasks;
  auto r = run(R"({"StartAt":"T","States":{"T":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
                   R"(","InputPath":"$.missing","Catch":[{"ErrorEquals":["States.Runtime"],"Next":"C"},
                   {"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},"C":{"Type":"Succeed"}}})",
               "{}", &tasks);
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "States.Runtime");
  EXPECT_TRUE(tasks.calls.empty());
}

// ASL spec retry example: ErrorA, ErrorB, ErrorC, ErrorB -> waits 1 s, 2 s, 5 s, then the catcher.
TEST(Runner, RetriersFollowTheSpecExample) {
  ScriptedTasks tasks;
  int n = 0;
  const char* errs[] = {"ErrorA", "ErrorB", "ErrorC", "ErrorB"};
  tasks.on(kLambdaArn, [&](const TaskRequest&) { return TaskResult::failure(errs[n++], "boom"); });
  auto r = run(
      R"({"StartAt":"X","States":{"X":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
          R"(","Retry":[{"ErrorEquals":["ErrorA","ErrorB"],"IntervalSeconds":1,"BackoffRate":2.0,"MaxAttempts":2},
                   {"ErrorEquals":["ErrorC"],"IntervalSeconds":5}],
                   "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Z"}],"End":true},"Z":{"Type":"Pass","End":true}}})",
      R"({"in":1})", &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(n, 4);
  EXPECT_EQ(r.result.duration_ms, 8000);
  EXPECT_EQ(r.result.output.dump(), R"({"Error":"ErrorB","Cause":"boom"})");
  EXPECT_EQ(r.result.transitions, 2u + 3u);  // two state entries, three retries
  std::vector<int64_t> scheduled_at;
  for (const auto& e : r.events)
    if (e.type == "LambdaFunctionScheduled") scheduled_at.push_back(e.timestamp_ms - 1700000000000);
  EXPECT_EQ(scheduled_at, (std::vector<int64_t>{0, 1000, 3000, 8000}));
}

TEST(Runner, MaxAttemptsZeroNeverRetriesAndCatchMergesErrorOutput) {
  ScriptedTasks tasks;
  tasks.on(kLambdaArn, [](const TaskRequest&) { return TaskResult::failure("Custom", "bad"); });
  auto r = run(R"({"StartAt":"X","States":{"X":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
                   R"(","Retry":[{"ErrorEquals":["Custom"],"MaxAttempts":0}],
                   "Catch":[{"ErrorEquals":["Custom"],"ResultPath":"$.error","Next":"Z"}],"End":true},"Z":{"Type":"Pass","End":true}}})",
               R"({"in":1})", &tasks);
  EXPECT_EQ(tasks.calls.size(), 1u);
  EXPECT_EQ(r.result.output.dump(), R"({"in":1,"error":{"Error":"Custom","Cause":"bad"}})");
}

TEST(Runner, BackoffIsCappedByMaxDelaySeconds) {
  ScriptedTasks tasks;
  tasks.on(kLambdaArn, [](const TaskRequest&) { return TaskResult::failure("E", ""); });
  auto r = run(
      R"({"StartAt":"X","States":{"X":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
          R"(","Retry":[{"ErrorEquals":["E"],"IntervalSeconds":3,"BackoffRate":3,"MaxAttempts":4,"MaxDelaySeconds":10}],
                   "End":true}}})",
      "{}", &tasks);
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.duration_ms, (3 + 9 + 10 + 10) * 1000);
}

TEST(Runner, TaskFailedMatchesEverythingButTimeout) {
  ScriptedTasks tasks;
  tasks.on(kLambdaArn, [](const TaskRequest& r) {
    return TaskResult::failure(std::string(r.parameters.find("e")->as_string()), "");
  });
  std::string def =
      R"({"StartAt":"X","States":{"X":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
      R"(","Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Z"}],"End":true},"Z":{"Type":"Succeed"}}})";
  EXPECT_EQ(run(def, R"({"e":"Anything"})", &tasks).result.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(run(def, R"({"e":"States.Timeout"})", &tasks).result.status, ExecutionStatus::kFailed);
}

TEST(Runner, WaitKindsAdvanceTheVirtualClock) {
  auto dur = [](const std::string& field, const std::string& input) {
    return run(R"({"StartAt":"W","States":{"W":{"Type":"Wait",)" + field + R"(,"End":true}}})", input)
        .result.duration_ms;
  };
  EXPECT_EQ(dur(R"("Seconds":10)", "{}"), 10000);
  EXPECT_EQ(dur(R"("SecondsPath":"$.s")", R"({"s":7})"), 7000);
  EXPECT_EQ(dur(R"("Timestamp":"2023-11-14T22:13:30Z")", "{}"), 10000);  // start is 22:13:20Z
  EXPECT_EQ(dur(R"("TimestampPath":"$.t")", R"({"t":"2023-11-14T22:14:20Z"})"), 60000);
  EXPECT_EQ(dur(R"("Timestamp":"2001-01-01T00:00:00Z")", "{}"), 0);  // the past: no wait
}

TEST(Runner, WaitPathErrorsUseAwsWording) {
  auto cause = [](const std::string& input) {
    auto r = run(
        R"({"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.input.waitSeconds","End":true}}})",
        input);
    EXPECT_EQ(r.result.error, "States.Runtime");
    return r.result.cause.substr(r.result.cause.find("). ") + 3);
  };
  EXPECT_EQ(cause(R"({"input":{"waitSeconds":-1}})"),
            "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1");
  EXPECT_EQ(cause(R"({"input":{"waitSeconds":1.5}})"),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5");
  EXPECT_EQ(cause(R"({"input":{}})"),
            "The SecondsPath parameter does not reference an input value: $.input.waitSeconds");
}

TEST(Runner, FailStateWithErrorAndCausePaths) {
  auto r = run(
      R"J({"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('code {}', $.c)"}}})J",
      R"({"e":"MyError","c":42})");
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "MyError");
  EXPECT_EQ(r.result.cause, "code 42");
  auto bare = run(R"({"StartAt":"F","States":{"F":{"Type":"Fail"}}})", "{}");
  EXPECT_FALSE(bare.result.has_error);
  EXPECT_FALSE(bare.result.has_cause);
  EXPECT_EQ(bare.events.back().type, "ExecutionFailed");
  EXPECT_EQ(bare.events.back().details.dump(), "{}");
}

TEST(Runner, ParallelResultsFollowBranchOrder) {
  auto r = run(R"({"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
      {"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":5,"Next":"A2"},"A2":{"Type":"Pass","Result":"a","End":true}}},
      {"StartAt":"B","States":{"B":{"Type":"Pass","Parameters":{"b.$":"$.x"},"End":true}}}],
      "ResultPath":"$.results","End":true}}})",
               R"({"x":1})");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(), R"({"x":1,"results":["a",{"b":1}]})");
  EXPECT_EQ(r.result.duration_ms, 5000);
}

TEST(Runner, AFailingBranchAbortsTheOthersAndCanBeCaught) {
  auto r = run(R"({"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
      {"StartAt":"Slow","States":{"Slow":{"Type":"Wait","Seconds":100,"End":true}}},
      {"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"Custom.Error","Cause":"branch 2"}}}],
      "Catch":[{"ErrorEquals":["Custom.Error"],"Next":"Handled"}],"End":true},
      "Handled":{"Type":"Pass","End":true}}})",
               "{}");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.result.output.dump(), R"({"Error":"Custom.Error","Cause":"branch 2"})");
  EXPECT_EQ(r.result.duration_ms, 0);
  std::vector<std::string> t;
  for (const auto& e : r.events) t.push_back(e.type);
  EXPECT_NE(std::find(t.begin(), t.end(), "WaitStateAborted"), t.end());
  EXPECT_NE(std::find(t.begin(), t.end(), "ParallelStateFailed"), t.end());
}

// AWS guide, Map with ItemSelector reading $$.Map.Item.Index and .Value.
TEST(Runner, MapItemSelectorSeesIndexAndValue) {
  auto r =
      run(R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.detail.shipped",
      "ItemSelector":{"parcel.$":"$$.Map.Item.Value","courier.$":"$.delivery-partner","index.$":"$$.Map.Item.Index"},
      "ItemProcessor":{"StartAt":"S","States":{"S":{"Type":"Pass","End":true}}},"End":true}}})",
          R"({"delivery-partner":"UQS","detail":{"shipped":[{"prod":"R31","dest-code":9511,"quantity":1344},
                   {"prod":"S39","dest-code":9511,"quantity":40}]}})");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(),
            R"([{"parcel":{"prod":"R31","dest-code":9511,"quantity":1344},"courier":"UQS","index":0},)"
            R"({"parcel":{"prod":"S39","dest-code":9511,"quantity":40},"courier":"UQS","index":1}])");
  EXPECT_EQ(r.events[2].type, "MapStateStarted");
  EXPECT_EQ(r.events[2].details.dump(), R"({"length":2})");
}

TEST(Runner, MapConcurrencyBoundsIterationsInFlight) {
  // Each iteration waits 10 s: 4 items at MaxConcurrency 2 take 20 s; unlimited takes 10 s.
  std::string def = R"({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":MC,
      "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}},"End":true}}})";
  auto with = [&](const char* mc) {
    std::string d = def;
    d.replace(d.find("MC"), 2, mc);
    return run(d, "[1,2,3,4]").result;
  };
  EXPECT_EQ(with("2").duration_ms, 20000);
  EXPECT_EQ(with("1").duration_ms, 40000);
  EXPECT_EQ(with("0").duration_ms, 10000);
  EXPECT_EQ(with("0").output.dump(), "[1,2,3,4]");
}

TEST(Runner, MapOverEmptyArrayAndNonArray) {
  std::string def =
      R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"S","States":{"S":{"Type":"Succeed"}}},"End":true}}})";
  EXPECT_EQ(run(def, "[]").result.output.dump(), "[]");
  auto r = run(def, R"({"a":1})");
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "States.Runtime");
}

TEST(Runner, ToleratedFailuresKeepTheMapGoingUntilExceeded) {
  std::string def = R"({"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,
      "ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":0,"Next":"F"}],
      "Default":"S"},"F":{"Type":"Fail","Error":"Zero"},"S":{"Type":"Succeed"}}},"End":true}}})";
  auto ok = run(def, "[1,0,2]");
  ASSERT_EQ(ok.result.status, ExecutionStatus::kSucceeded) << ok.result.cause;
  auto bad = run(def, "[0,0,2]");
  EXPECT_EQ(bad.result.error, "States.ExceedToleratedFailureThreshold");
}

TEST(Runner, ContextObjectHasAwsShape) {
  auto r = run(R"({"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"ctx.$":"$$"},"End":true}}})",
               R"({"a":1})");
  EXPECT_EQ(
      r.result.output.dump(),
      R"({"ctx":{"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:execution:Test:exec-1","Input":{"a":1},)"
      R"("Name":"exec-1","RoleArn":"arn:aws:iam::123456789012:role/stepguard-local",)"
      R"("StartTime":"2023-11-14T22:13:20.000Z","RedriveCount":0},)"
      R"("State":{"EnteredTime":"2023-11-14T22:13:20.000Z","Name":"P","RetryCount":0},)"
      R"("StateMachine":{"Id":"arn:aws:states:us-east-1:123456789012:stateMachine:Test","Name":"Test"}}})");
}

TEST(Runner, RetryCountIsVisibleInTheContext) {
  ScriptedTasks tasks;
  std::vector<int64_t> seen;
  tasks.on(kLambdaArn, [&](const TaskRequest& r) {
    seen.push_back(r.parameters.find("n")->as_int());
    return seen.size() < 3 ? TaskResult::failure("E", "") : TaskResult::success(Value());
  });
  run(R"({"StartAt":"X","States":{"X":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
          R"(","Parameters":{"n.$":"$$.State.RetryCount"},"Retry":[{"ErrorEquals":["E"]}],"End":true}}})",
      "{}", &tasks);
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2}));
}

TEST(Runner, OversizedOutputIsDataLimitExceededAndNotCatchable) {
  ScriptedTasks tasks;
  tasks.on(kLambdaArn,
           [](const TaskRequest&) { return TaskResult::success(Value::string(std::string(300000, 'x'))); });
  auto r =
      run(R"({"StartAt":"X","States":{"X":{"Type":"Task","Resource":")" + std::string(kLambdaArn) +
              R"(","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Z"}],"End":true},"Z":{"Type":"Succeed"}}})",
          "{}", &tasks);
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "States.DataLimitExceeded");
  EXPECT_EQ(r.result.cause,
            std::string("The state/task '") + kLambdaArn +
                "' returned a result with a size exceeding the maximum number of bytes service limit.");
}

TEST(Runner, ExecutionTimeoutEndsTimedOut) {
  auto r = run(R"({"TimeoutSeconds":5,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}})",
               "{}");
  EXPECT_EQ(r.result.status, ExecutionStatus::kTimedOut);
  EXPECT_EQ(r.result.error, "States.Timeout");
  EXPECT_EQ(r.result.duration_ms, 5000);
  EXPECT_EQ(r.events.back().type, "ExecutionTimedOut");
}

TEST(Runner, HistoryOfAPassStateMatchesAws) {
  auto r = run(R"({"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})", R"(["Hello", "World"])");
  std::vector<std::string> types;
  for (const auto& e : r.events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"ExecutionStarted", "PassStateEntered", "PassStateExited",
                                             "ExecutionSucceeded"}));
  EXPECT_EQ(r.events[1].previous_event_id, 0);  // AWS quirk
  EXPECT_EQ(r.events[2].previous_event_id, 2);
  EXPECT_EQ(r.events[3].previous_event_id, 3);
  EXPECT_EQ(r.events[1].details.find("input")->as_string(), R"(["Hello","World"])");
}

TEST(Runner, TaskHistoryUsesServiceAndLambdaEventFamilies) {
  ScriptedTasks tasks;
  tasks.on(kTaskArn, [](const TaskRequest&) { return TaskResult::success(J(R"({"Payload":1})")); });
  tasks.on(kLambdaArn, [](const TaskRequest&) { return TaskResult::success(Value::integer(2)); });
  auto r = run(R"({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
      "Parameters":{"FunctionName":"f"},"TimeoutSeconds":30,"Next":"B"},"B":{"Type":"Task","Resource":")" +
                   std::string(kLambdaArn) + R"(","End":true}}})",
               "{}", &tasks);
  std::vector<std::string> types;
  for (const auto& e : r.events) types.push_back(e.type);
  EXPECT_EQ(types,
            (std::vector<std::string>{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                      "TaskSucceeded", "TaskStateExited", "TaskStateEntered",
                                      "LambdaFunctionScheduled", "LambdaFunctionStarted",
                                      "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"}));
  EXPECT_EQ(
      r.events[2].details.dump(),
      R"({"resourceType":"lambda","resource":"invoke","region":"us-east-1","parameters":"{\"FunctionName\":\"f\"}","timeoutInSeconds":30})");
}

TEST(Runner, WaitForTaskTokenPutsATokenInTheContext) {
  ScriptedTasks tasks;
  std::string token;
  tasks.on("arn:aws:states:::sqs:sendMessage.waitForTaskToken", [&](const TaskRequest& r) {
    token = std::string(r.parameters.find("MessageBody")->find("TaskToken")->as_string());
    EXPECT_EQ(token, r.task_token);
    return TaskResult::success(Value::string("done"));
  });
  auto r = run(
      R"({"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters":{"QueueUrl":"q","MessageBody":{"TaskToken.$":"$$.Task.Token"}},"End":true}}})",
      "{}", &tasks);
  EXPECT_EQ(r.result.status, ExecutionStatus::kSucceeded);
  EXPECT_GE(token.size(), 64u);
}

// Records how the runner hands tasks over: the calls that start at the same instant
// arrive as one batch.
class BatchRecorder final : public TaskExecutor {
 public:
  TaskResult invoke(const TaskRequest& r) override {
    int n = ++attempts[r.parameters.dump()];
    if (n == 1) return TaskResult::failure("Custom.Flaky", "first attempt");
    return TaskResult::success(Value::integer(r.parameters.find("x")->as_int() * 10));
  }
  void invoke_all(std::span<const TaskRequest> requests, std::span<TaskResult> results,
                  const Done& done) override {
    batches.push_back(requests.size());
    TaskExecutor::invoke_all(requests, results, done);
  }
  std::map<std::string, int> attempts;
  std::vector<size_t> batches;
};

TEST(Runner, TasksStartingTogetherReachTheExecutorAsOneBatch) {
  BatchRecorder tasks;
  auto r = run(R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{
      "StartAt":"T","States":{"T":{"Type":"Task","Resource":")" +
                   std::string(kLambdaArn) + R"(",
        "Retry":[{"ErrorEquals":["Custom.Flaky"],"IntervalSeconds":1}],"End":true}}},"End":true}}})",
               R"({"items":[{"x":1},{"x":2},{"x":3},{"x":4}]})", &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(), "[10,20,30,40]");
  // First attempts at 0 s, all four retries at 1 s.
  EXPECT_EQ(tasks.batches, (std::vector<size_t>{4, 4}));
  EXPECT_EQ(r.result.duration_ms, 1000);
}

TEST(Runner, MaxConcurrencyLimitsTheBatch) {
  BatchRecorder tasks;
  auto r = run(R"({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"ItemProcessor":{
      "StartAt":"T","States":{"T":{"Type":"Task","Resource":")" +
                   std::string(kLambdaArn) + R"(",
        "Retry":[{"ErrorEquals":["Custom.Flaky"],"IntervalSeconds":1}],"End":true}}},"End":true}}})",
               R"([{"x":1},{"x":2},{"x":3}])", &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(), "[10,20,30]");
  // Items 1 and 2 together; item 3 starts when a slot frees at 1 s, retries at 2 s.
  EXPECT_EQ(tasks.batches, (std::vector<size_t>{2, 2, 1, 1}));
  EXPECT_EQ(r.result.duration_ms, 2000);
}

// With --real-time the clock follows the wall clock, so a slow task shows in the
// execution's duration; in virtual time it takes none.
TEST(Runner, RealTimeRunsCountTheTasksTime) {
  for (bool real : {false, true}) {
    ScriptedTasks tasks;
    tasks.on(kLambdaArn, [](const TaskRequest&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      return TaskResult::success(Value::integer(1));
    });
    auto sm = asl::load_state_machine(J(R"({"StartAt":"T","States":{"T":{"Type":"Task","Resource":")" +
                                        std::string(kLambdaArn) + R"(","End":true}}})"));
    ASSERT_TRUE(sm.ok());
    RunOptions opt;
    opt.tasks = &tasks;
    opt.real_time = real;
    opt.start_time_ms = 1700000000000;
    RunResult r = run_local(**sm, opt);
    ASSERT_EQ(r.status, ExecutionStatus::kSucceeded);
    if (real)
      EXPECT_GE(r.duration_ms, 150);
    else
      EXPECT_EQ(r.duration_ms, 0);
  }
}

// A task that times out fails once its timeout has passed in virtual time: a Wait of
// 5 s in a sibling branch is still running, so the Parallel fails with the timeout at 3 s
// and the Wait is aborted.
TEST(Runner, TimedOutTaskFailsWhenItsTimeoutHasPassed) {
  ScriptedTasks tasks;
  tasks.on(kLambdaArn, [](const TaskRequest& r) {
    EXPECT_EQ(r.timeout_seconds, std::optional<int64_t>(3));
    return TaskResult::failure("States.Timeout", "");
  });
  auto r = run(R"({"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
      {"StartAt":"T","States":{"T":{"Type":"Task","Resource":")" +
                   std::string(kLambdaArn) +
                   R"(","TimeoutSeconds":3,"End":true}}},
      {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"End":true}}}]}}})",
               "{}", &tasks);
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "States.Timeout");
  EXPECT_FALSE(r.result.has_cause);  // as TaskTimedOut: no cause
  EXPECT_EQ(r.result.duration_ms, 3000);
  std::vector<std::string> types;
  for (const auto& e : r.events) types.push_back(e.type);
  EXPECT_NE(std::find(types.begin(), types.end(), "LambdaFunctionTimedOut"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "WaitStateAborted"), types.end());
}

// The execution's deadline bounds every call: the executor is told the time left, and a
// call cut short by it ends the execution TIMED_OUT at the deadline.
TEST(Runner, ExecutionDeadlineBoundsTaskCalls) {
  ScriptedTasks tasks;
  tasks.on(kLambdaArn, [](const TaskRequest& r) {
    EXPECT_EQ(r.time_left_ms, 2000);
    return TaskResult::failure("States.Timeout", "");
  });
  auto r =
      run(R"({"TimeoutSeconds":2,"StartAt":"T","States":{"T":{"Type":"Task","Resource":")" +
              std::string(kLambdaArn) + R"(","Catch":[{"ErrorEquals":["States.ALL"],"Next":"S"}],"End":true},
      "S":{"Type":"Succeed"}}})",
          "{}", &tasks);
  EXPECT_EQ(r.result.status, ExecutionStatus::kTimedOut);
  EXPECT_EQ(r.result.duration_ms, 2000);
  EXPECT_EQ(r.events.back().type, "ExecutionTimedOut");
}

// Only states that can be in progress report an abort, and only once entered: the
// branches a failing sibling stops before they start log nothing.
TEST(Runner, AbortsAreLoggedOnlyForStatesInProgress) {
  auto r = run(R"({"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
      {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"End":true}}},
      {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"F"}],
        "Default":"F"},"F":{"Type":"Fail","Error":"Boom"}}},
      {"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}]}}})",
               "{}");
  EXPECT_EQ(r.result.error, "Boom");
  std::vector<std::string> aborted;
  for (const auto& e : r.events)
    if (e.type.ends_with("Aborted")) aborted.push_back(e.type);
  EXPECT_EQ(aborted, (std::vector<std::string>{"WaitStateAborted"}));
}

// AWS-observed cause: the value is quoted as written, not the whole input.
TEST(Runner, MaxConcurrencyPathNamesTheBadValue) {
  auto r = run(R"({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.mc","ItemsPath":"$.it",
      "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}})",
               R"({"mc":"NoNumber","it":[1]})");
  EXPECT_EQ(r.result.error, "States.Runtime");
  EXPECT_TRUE(r.result.cause.ends_with(
      "The MaxConcurrencyPath field refers to value \"NoNumber\" which is not a valid integer: $.mc"))
      << r.result.cause;
}

// The reference's AWS-observed history quirks for an inline Map: the next
// MapIterationStarted points at the last event inside the previous iteration, and
// MapStateSucceeded and MapStateExited both point at the last iteration event.
TEST(Runner, MapHistoryPreviousIdsFollowAws) {
  auto r = run(R"({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
      "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}})",
               "[1,2]");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded);
  std::vector<std::string> got;
  for (const auto& e : r.events) got.push_back(e.type + "<-" + std::to_string(e.previous_event_id));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "ExecutionStarted<-0", "MapStateEntered<-0", "MapStateStarted<-2",
                     "MapIterationStarted<-3", "PassStateEntered<-4", "PassStateExited<-5",
                     "MapIterationSucceeded<-6", "MapIterationStarted<-6", "PassStateEntered<-8",
                     "PassStateExited<-9", "MapIterationSucceeded<-10", "MapStateSucceeded<-11",
                     "MapStateExited<-11", "ExecutionSucceeded<-13"}));
}

// Mock test cases: every task request carries the test case, the machine's name and the
// state's invocation number, which counts retries and Map iterations, per state.
TEST(Runner, TaskRequestsCarryTheTestCaseAndInvocationNumbers) {
  auto sm = asl::load_state_machine(J(R"({"StartAt": "A", "States": {
    "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "M",
          "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 2}]},
    "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "End": true,
          "ItemProcessor": {"StartAt": "B", "States": {
            "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}}}})"));
  ASSERT_TRUE(sm.ok()) << sm.error().message;
  ScriptedTasks tasks;
  std::vector<std::string> seen;
  tasks.on(kTaskArn, [&](const TaskRequest& r) {
    seen.push_back(std::string(r.state_name) + ":" + std::to_string(r.invocation) + ":" + r.test_case + ":" +
                   r.state_machine_name);
    if (r.state_name == "A" && r.invocation < 2) return TaskResult::failure("Busy", "");
    return TaskResult::success(J(R"({"items": [1, 2, 3]})"));
  });
  RunOptions opt;
  opt.tasks = &tasks;
  opt.identity.state_machine_name = "Order";
  opt.test_case = "RetryPath";
  RunResult r = run_local(**sm, opt);
  ASSERT_EQ(r.status, ExecutionStatus::kSucceeded) << r.error << ": " << r.cause;
  EXPECT_EQ(seen,
            (std::vector<std::string>{"A:0:RetryPath:Order", "A:1:RetryPath:Order", "A:2:RetryPath:Order",
                                      "B:0:RetryPath:Order", "B:1:RetryPath:Order", "B:2:RetryPath:Order"}));
}

}  // namespace
}  // namespace sg::engine
