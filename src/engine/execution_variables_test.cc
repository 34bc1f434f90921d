// Workflow variables and JSONata through whole executions: AWS's documented and recorded
// examples (LocalStack's AWS-validated snapshots of the Assign templates: BASE_VAR,
// BASE_SCOPE_MAP, BASE_SCOPE_PARALLEL, BASE_ASSIGN_IN_CHOICE, the evaluation-order and
// undefined-reference cases), the scoping rules, the history events and determinism.
#include <gtest/gtest.h>

#include <map>

#include "asl/state_machine.h"
#include "engine/local_runner.h"
#include "json/parse.h"

namespace sg::engine {
namespace {

using json::Value;

Value J(std::string_view text) {
  auto r = json::parse_json(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? r.value() : Value();
}

class Recorder final : public HistorySink {
 public:
  void on_event(const HistoryEvent& e) override { events.push_back(e); }
  std::vector<HistoryEvent> events;
};

class EchoTasks final : public TaskExecutor {
 public:
  TaskResult invoke(const TaskRequest& r) override {
    calls.push_back(r.parameters);
    if (const Value* fail = r.parameters.find("fail"); fail && fail->is_string())
      return TaskResult::failure(std::string(fail->as_string()), "it failed");
    return TaskResult::success(r.parameters);
  }
  std::vector<Value> calls;
};

struct Exec {
  RunResult result;
  std::vector<HistoryEvent> events;
  // The assignedVariables of each state's exit, by state name (the last exit wins).
  std::map<std::string, Value> assigned;
  const HistoryEvent* find(std::string_view type) const {
    for (const auto& e : events)
      if (e.type == type) return &e;
    return nullptr;
  }
};

Exec run(std::string_view definition, std::string_view input = "{}", TaskExecutor* tasks = nullptr,
         uint64_t seed_name = 0) {
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
  opt.identity.execution_name = "exec-" + std::to_string(seed_name);
  Exec r;
  r.result = run_local(**sm, opt);
  r.events = rec.events;
  for (const auto& e : r.events) {
    if (!e.type.ends_with("StateExited")) continue;
    if (const Value* a = e.details.find("assignedVariables"))
      r.assigned[std::string(e.details.find("name")->as_string())] = *a;
  }
  return r;
}

// ---------------------------------------------------------------- JSONPath Assign

// AWS BASE_VAR: constants are copied as they are written (".$"-less strings stay literal,
// JSONata text included); "x.$" reads paths, variables and intrinsics; the history shows
// each value as JSON text.
TEST(Variables, AwsBaseVarExample) {
  Exec r = run(R"J({"StartAt":"State0","States":{
    "State0":{"Type":"Pass","Assign":{"varname.$":"$.input_value","constant_null":null,"constant_int":0,
      "constant_float":0.1,"constant_bool":true,"constant_str":"constant string","constant_str_path":"$.no.such.path",
      "constant_str_jsonata_expr":"{% $varname.varfield %}","constant_lst":[null,0,"$varname"],"constant_obj_empty":{}},
      "Next":"State1"},
    "State1":{"Type":"Pass","Assign":{"varname2":"varname2","varnameconstant_str.$":"$constant_str",
      "varnameconstant_lst.$":"$constant_lst","varnameconstant_obj_access.$":"$constant_lst[2]",
      "fmt.$":"States.Format('{} {}', $varname, $constant_int)"},"End":true}}})J",
               R"({"input_value":"input_value_literal"})");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(
      r.assigned["State0"].dump(),
      R"({"varname":"\"input_value_literal\"","constant_null":"null","constant_int":"0",)"
      R"("constant_float":"0.1","constant_bool":"true","constant_str":"\"constant string\"",)"
      R"("constant_str_path":"\"$.no.such.path\"","constant_str_jsonata_expr":"\"{% $varname.varfield %}\"",)"
      R"("constant_lst":"[null,0,\"$varname\"]","constant_obj_empty":"{}"})");
  EXPECT_EQ(r.assigned["State1"].dump(),
            R"({"varname2":"\"varname2\"","varnameconstant_str":"\"constant string\"",)"
            R"("varnameconstant_lst":"[null,0,\"$varname\"]","varnameconstant_obj_access":"\"$varname\"",)"
            R"("fmt":"\"input_value_literal 0\""})");
  const HistoryEvent* exited = r.find("PassStateExited");
  ASSERT_NE(exited, nullptr);
  EXPECT_EQ(exited->details.find("assignedVariablesDetails")->dump(), R"({"truncated":false})");
  // The state's output is untouched by Assign.
  EXPECT_EQ(r.result.output.dump(), R"({"input_value":"input_value_literal"})");
}

// AWS BASE_EMPTY: an empty Assign adds nothing to the history.
TEST(Variables, EmptyAssignAddsNoFields) {
  Exec r = run(R"({"StartAt":"S","States":{"S":{"Type":"Pass","Assign":{},"End":true}}})");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.find("PassStateExited")->details.find("assignedVariables"), nullptr);
}

// AWS BASE_EVALUATION_ORDER_PASS_STATE: Assign reads the result; every path of a state reads
// the variables as they were when it was entered (OutputPath "$answer" still sees 42).
TEST(Variables, AwsEvaluationOrder) {
  Exec r = run(R"({"StartAt":"State0","States":{
    "State0":{"Type":"Pass","Result":{"theQuestion":"What is the answer?"},
      "Assign":{"question.$":"$.theQuestion","answer":42},"Next":"State1"},
    "State1":{"Type":"Pass","InputPath":"$answer","ResultPath":"$.theAnswer","OutputPath":"$answer",
      "Assign":{"answer":"<omitted>"},"End":true}}})");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(), "42");
  EXPECT_EQ(r.assigned["State0"].dump(), R"({"question":"\"What is the answer?\"","answer":"42"})");
}

// All assignments of one Assign read the values from before the state: a swap works.
TEST(Variables, AssignmentsSeeValuesFromBeforeTheState) {
  Exec r = run(R"({"QueryLanguage":"JSONata","StartAt":"A","States":{
    "A":{"Type":"Pass","Assign":{"x":1,"y":2},"Next":"B"},
    "B":{"Type":"Pass","Assign":{"x":"{% $y %}","y":"{% $x %}"},"Output":{"x":"{% $x %}","y":"{% $y %}"},"Next":"C"},
    "C":{"Type":"Pass","Output":{"x":"{% $x %}","y":"{% $y %}"},"End":true}}})");
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(), R"({"x":2,"y":1})");
  // B's own Output still saw the old values.
  for (const auto& e : r.events) {
    if (e.type == "PassStateExited" && e.details.find("name")->as_string() == "B") {
      EXPECT_EQ(e.details.find("output")->as_string(), R"({"x":1,"y":2})");
    }
  }
}

// AWS BASE_ASSIGN_IN_CHOICE: the matching rule's Assign, or the state's on Default.
TEST(Variables, AwsAssignInChoice) {
  const char* def = R"({"StartAt":"CheckInputState","States":{
    "CheckInputState":{"Type":"Choice","Choices":[
      {"Variable":"$.input_value","IsPresent":false,"Assign":{"status":"UNKNOWN"},"Next":"FinalState"},
      {"Variable":"$.input_value","NumericEquals":42,"Assign":{"status":"CORRECT"},"Next":"FinalState"}],
      "Assign":{"status":"INCORRECT","guess.$":"$.input_value"},"Default":"FinalState"},
    "FinalState":{"Type":"Pass","Parameters":{"result.$":"$status"},"End":true}}})";
  EXPECT_EQ(run(def, R"({"input_value":42})").result.output.dump(), R"({"result":"CORRECT"})");
  Exec wrong = run(def, R"({"input_value":0})");
  EXPECT_EQ(wrong.result.output.dump(), R"({"result":"INCORRECT"})");
  EXPECT_EQ(wrong.assigned["CheckInputState"].dump(), R"({"status":"\"INCORRECT\"","guess":"0"})");
  EXPECT_EQ(run(def, "{}").result.output.dump(), R"({"result":"UNKNOWN"})");
}

// AWS CHOICE_CONDITION_JSONATA.
TEST(Variables, AwsAssignInJsonataChoice) {
  const char* def = R"({"QueryLanguage":"JSONata","StartAt":"ChoiceState","States":{
    "ChoiceState":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.condition %}","Next":"ConditionTrue",
      "Assign":{"Assignment":"Condition assignment"}}],"Default":"DefaultState",
      "Assign":{"Assignment":"Default Assignment"}},
    "ConditionTrue":{"Type":"Pass","End":true},
    "DefaultState":{"Type":"Fail","Cause":"Condition is false"}}})";
  Exec yes = run(def, R"({"condition":true})");
  EXPECT_EQ(yes.result.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(yes.assigned["ChoiceState"].dump(), R"({"Assignment":"\"Condition assignment\""})");
  Exec no = run(def, R"({"condition":false})");
  EXPECT_EQ(no.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(no.result.cause, "Condition is false");
  EXPECT_EQ(no.assigned["ChoiceState"].dump(), R"({"Assignment":"\"Default Assignment\""})");
}

// AWS BASE_SCOPE_MAP and BASE_SCOPE_PARALLEL: inner scopes read outer variables; what they
// assign stays inside (sibling branches may reuse a name); the outer value is unchanged.
TEST(Variables, AwsScopeMapAndParallel) {
  Exec map = run(R"({"StartAt":"State0","States":{
    "State0":{"Type":"Pass","Assign":{"x":42,"items":[1,2,3]},"Next":"State1"},
    "State1":{"Type":"Map","ItemsPath":"$items","MaxConcurrency":1,
      "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Inner","States":{
        "Inner":{"Type":"Pass","Assign":{"innerX.$":"$x"},"End":true}}},"Next":"State2"},
    "State2":{"Type":"Pass","Assign":{"final.$":"$x"},"End":true}}})");
  ASSERT_EQ(map.result.status, ExecutionStatus::kSucceeded) << map.result.cause;
  EXPECT_EQ(map.result.output.dump(), "[1,2,3]");
  EXPECT_EQ(map.assigned["Inner"].dump(), R"({"innerX":"42"})");
  EXPECT_EQ(map.assigned["State2"].dump(), R"({"final":"42"})");

  Exec par = run(R"({"StartAt":"State0","States":{
    "State0":{"Type":"Pass","Assign":{"x":42},"Next":"State1"},
    "State1":{"Type":"Parallel","End":true,"Branches":[
      {"StartAt":"Branch1","States":{"Branch1":{"Type":"Pass","Assign":{"innerX.$":"$x","value.$":"$"},"End":true}}},
      {"StartAt":"Branch21","States":{"Branch21":{"Type":"Pass","Assign":{"innerX.$":"$x","value.$":"$"},"End":true}}}]}}})");
  ASSERT_EQ(par.result.status, ExecutionStatus::kSucceeded) << par.result.cause;
  EXPECT_EQ(par.assigned["Branch21"].dump(), R"({"innerX":"42","value":"{}"})");
}

// Variables assigned in an iteration do not leak to the next state; a later read of one
// fails as an unknown variable would.
TEST(Variables, InnerAssignmentsDoNotLeak) {
  Exec r = run(R"({"QueryLanguage":"JSONata","StartAt":"M","States":{
    "M":{"Type":"Map","Items":[1,2],"ItemProcessor":{"StartAt":"I","States":{
      "I":{"Type":"Pass","Assign":{"inner":"{% $states.input %}"},"End":true}}},"Next":"After"},
    "After":{"Type":"Pass","Output":"{% $inner %}","End":true}}})");
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "States.QueryEvaluationError");
  EXPECT_EQ(r.result.cause,
            "An error occurred while executing the state 'After' (entered at the event id #14). The JSONata "
            "expression '$inner' specified for the field 'Output' returned nothing (undefined).");
}

// A catcher's Assign runs instead of the state's and sees the Error Output; on a Map or
// Parallel it assigns into the outer scope.
TEST(Variables, CatcherAssign) {
  EchoTasks tasks;
  Exec r = run(R"({"StartAt":"T","States":{
    "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"fail":"Boom"},
      "Assign":{"never":1},
      "Catch":[{"ErrorEquals":["Boom"],"Assign":{"err.$":"$.Error","cause.$":"$.Cause"},"ResultPath":"$.e",
                "Next":"H"}],"End":true},
    "H":{"Type":"Pass","Parameters":{"err.$":"$err","e.$":"$.e.Error"},"End":true}}})",
               "{}", &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(), R"({"err":"Boom","e":"Boom"})");
  EXPECT_EQ(r.assigned["T"].dump(), R"({"err":"\"Boom\"","cause":"\"it failed\""})");
}

// Variable paths read where AWS allows them: InputPath, ItemsPath, Choice Variable and
// operands, *Path fields, intrinsic arguments, Fail ErrorPath/CausePath.
TEST(Variables, JsonPathVariableReferences) {
  Exec r = run(R"({"StartAt":"Setup","States":{
    "Setup":{"Type":"Pass","Assign":{"answer":"the_answer","guess":"the_answer","wait":0,"list":[1,2],
      "errorVar":"Exception","causeVar":"An Exception was encountered"},"Next":"Check"},
    "Check":{"Type":"Choice","Choices":[{"Variable":"$guess","StringEqualsPath":"$answer","Next":"W"}],
      "Default":"F"},
    "W":{"Type":"Wait","SecondsPath":"$wait","Next":"M"},
    "M":{"Type":"Map","ItemsPath":"$list","MaxConcurrencyPath":"$wait",
      "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"Next":"F"},
    "F":{"Type":"Fail","ErrorPath":"$errorVar","CausePath":"$causeVar"}}})");
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "Exception");
  EXPECT_EQ(r.result.cause, "An Exception was encountered");
  ASSERT_NE(r.find("MapStateStarted"), nullptr);
  EXPECT_EQ(r.find("MapStateStarted")->details.find("length")->as_int(), 2);
}

// ---------------------------------------------------------------- JSONata

TEST(Jsonata, TaskArgumentsOutputAndResult) {
  EchoTasks tasks;
  Exec r = run(R"({"QueryLanguage":"JSONata","StartAt":"T","States":{
    "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
      "Arguments":{"n":"{% $states.input.n + 1 %}","who":"{% $states.context.State.Name %}"},
      "TimeoutSeconds":"{% $states.input.n * 10 %}",
      "Output":{"got":"{% $states.result.n %}","in":"{% $states.input.n %}"},
      "Assign":{"last":"{% $states.result %}"},"End":true}}})",
               R"({"n":1})", &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  ASSERT_EQ(tasks.calls.size(), 1u);
  EXPECT_EQ(tasks.calls[0].dump(), R"({"n":2,"who":"T"})");
  EXPECT_EQ(r.result.output.dump(), R"({"got":2,"in":1})");
  EXPECT_EQ(r.find("TaskScheduled")->details.find("timeoutInSeconds")->as_int(), 10);
  EXPECT_EQ(r.assigned["T"].dump(), R"({"last":"{\"n\":2,\"who\":\"T\"}"})");
}

// AWS-observed causes and the EvaluationFailed event (location, state).
TEST(Jsonata, QueryEvaluationErrors) {
  Exec undefined_output = run(R"({"QueryLanguage":"JSONata","StartAt":"State0","States":{
    "State0":{"Type":"Pass","Output":{"result":"{% $doesNotExist %}"},"End":true}}})");
  EXPECT_EQ(undefined_output.result.error, "States.QueryEvaluationError");
  EXPECT_EQ(
      undefined_output.result.cause,
      "An error occurred while executing the state 'State0' (entered at the event id #2). The JSONata "
      "expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined).");
  const HistoryEvent* ev = undefined_output.find("EvaluationFailed");
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->details_key, "evaluationFailedEventDetails");
  EXPECT_EQ(ev->details.find("location")->as_string(), "Output/result");
  EXPECT_EQ(ev->details.find("state")->as_string(), "State0");
  EXPECT_EQ(undefined_output.events.back().type, "ExecutionFailed");

  Exec items = run(R"({"QueryLanguage":"JSONata","StartAt":"S","States":{
    "S":{"Type":"Pass","Assign":{"ItemsVar":{"foo":"bar"}},"Next":"M"},
    "M":{"Type":"Map","Items":"{% $ItemsVar %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}},
      "End":true}}})");
  EXPECT_EQ(
      items.result.cause,
      "An error occurred while executing the state 'M' (entered at the event id #4). The JSONata expression "
      "'$ItemsVar' specified for the field 'Items' returned an unexpected result type. Expected 'array', but "
      "was 'object' for value: {\"foo\":\"bar\"}");

  Exec not_array = run(R"({"QueryLanguage":"JSONata","StartAt":"M","States":{
    "M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}},"End":true}}})",
                       "null");
  EXPECT_EQ(not_array.result.error, "States.QueryEvaluationError");
  EXPECT_EQ(
      not_array.result.cause,
      "An error occurred while executing the state 'M' (entered at the event id #2). Map state input must "
      "be an array but was: null");

  Exec type_error = run(R"({"QueryLanguage":"JSONata","StartAt":"P","States":{
    "P":{"Type":"Pass","Output":{"FunctionResult":"{% $states.input.a + $states.input.b %}"},"End":true}}})",
                        R"({"a":1,"b":"x"})");
  EXPECT_EQ(type_error.result.error, "States.QueryEvaluationError");
  EXPECT_EQ(
      type_error.result.cause,
      "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression "
      "'$states.input.a + $states.input.b' specified for the field 'Output/FunctionResult' threw an error "
      "during evaluation. T2002: The right side of the \"+\" operator must evaluate to a number");

  Exec function = run(R"({"QueryLanguage":"JSONata","StartAt":"M","States":{
    "M":{"Type":"Map","Items":"{% $fn := function($x){$x} %}",
      "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}},"End":true}}})");
  EXPECT_EQ(
      function.result.cause,
      "An error occurred while executing the state 'M' (entered at the event id #2). The JSONata expression "
      "'$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type.");
}

// A Task's QueryEvaluationError can be retried and caught; the catcher's Output and Assign
// read $states.errorOutput.
TEST(Jsonata, QueryEvaluationErrorIsCatchable) {
  EchoTasks tasks;
  Exec r = run(R"({"QueryLanguage":"JSONata","StartAt":"T","States":{
    "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"x":"{% $states.input.missing %}"},
      "Retry":[{"ErrorEquals":["States.QueryEvaluationError"],"MaxAttempts":1,"IntervalSeconds":1}],
      "Catch":[{"ErrorEquals":["States.QueryEvaluationError"],"Output":{"error":"{% $states.errorOutput.Error %}"},
        "Assign":{"failedIn":"{% $states.context.State.Name %}"},"Next":"H"}],"End":true},
    "H":{"Type":"Pass","Output":{"e":"{% $states.input.error %}","where":"{% $failedIn %}"},"End":true}}})",
               "{}", &tasks);
  ASSERT_EQ(r.result.status, ExecutionStatus::kSucceeded) << r.result.cause;
  EXPECT_EQ(r.result.output.dump(), R"({"e":"States.QueryEvaluationError","where":"T"})");
  EXPECT_TRUE(tasks.calls.empty());
  int evaluation_failed = 0;
  for (const auto& e : r.events) evaluation_failed += e.type == "EvaluationFailed";
  EXPECT_EQ(evaluation_failed, 2);  // once per attempt
}

TEST(Jsonata, WaitFailAndParallel) {
  Exec r = run(R"({"QueryLanguage":"JSONata","StartAt":"W","States":{
    "W":{"Type":"Wait","Seconds":"{% $states.input.s %}","Assign":{"waited":"{% $states.input.s %}"},"Next":"P"},
    "P":{"Type":"Parallel","Arguments":{"w":"{% $waited %}"},"Branches":[
      {"StartAt":"B1","States":{"B1":{"Type":"Pass","Output":"{% $states.input.w + 1 %}","End":true}}},
      {"StartAt":"B2","States":{"B2":{"Type":"Pass","Output":"{% $waited * 2 %}","End":true}}}],
      "Output":"{% $states.result %}","Next":"F"},
    "F":{"Type":"Fail","Error":"{% 'Sum' & $string($sum($states.input)) %}","Cause":"{% $string($states.input) %}"}}})",
               R"({"s":3})");
  EXPECT_EQ(r.result.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.result.error, "Sum10");
  EXPECT_EQ(r.result.cause, "[4,6]");
  EXPECT_EQ(r.result.duration_ms, 3000);

  Exec bad_ts = run(R"({"QueryLanguage":"JSONata","StartAt":"W","States":{
    "W":{"Type":"Wait","Timestamp":"{% 'tomorrow' %}","End":true}}})");
  EXPECT_EQ(bad_ts.result.error, "States.QueryEvaluationError");
  EXPECT_EQ(
      bad_ts.result.cause,
      "An error occurred while executing the state 'W' (entered at the event id #2). The Timestamp field "
      "cannot be parsed as an ISO-8601 extended offset date-time format string: tomorrow");
}

// $uuid() and $random() draw from the execution's seeded entropy: the same execution (same
// name, so the same seed) gives the same values, as a replay must.
TEST(Jsonata, RandomnessIsReplayable) {
  const char* def = R"({"QueryLanguage":"JSONata","StartAt":"P","States":{
    "P":{"Type":"Pass","Output":{"u":"{% $uuid() %}","r":"{% $random() %}","s":"{% $random(42) %}"},"End":true}}})";
  Exec a = run(def, "{}", nullptr, 7), b = run(def, "{}", nullptr, 7), c = run(def, "{}", nullptr, 8);
  ASSERT_EQ(a.result.status, ExecutionStatus::kSucceeded) << a.result.cause;
  EXPECT_EQ(a.result.output.dump(), b.result.output.dump());
  EXPECT_NE(a.result.output.find("u")->dump(), c.result.output.find("u")->dump());
  EXPECT_EQ(a.result.output.find("s")->as_double(), 0.7275636800328681);  // AWS's value for seed 42
}

// ---------------------------------------------------------------- limits

TEST(Variables, SizeLimits) {
  // One variable over 256 KiB.
  std::string big(262144, 'x');
  Exec one = run(R"({"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v.$":"$.s"},"End":true}}})",
                 R"({"s":")" + big + R"("})");
  EXPECT_EQ(one.result.error, "States.DataLimitExceeded");
  // Two values of 150 KB each: over 256 KiB for one Assign.
  std::string half(150000, 'y');
  Exec two =
      run(R"({"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"a.$":"$.s","b.$":"$.s"},"End":true}}})",
          R"({"s":")" + half + R"("})");
  EXPECT_EQ(two.result.error, "States.DataLimitExceeded");
  // 50 variables of 250 KB each are within each Assign's limit but over 10 MiB in all.
  std::string states;
  for (int i = 0; i < 50; ++i)
    states += "\"S" + std::to_string(i) + R"(":{"Type":"Pass","Assign":{"v)" + std::to_string(i) +
              R"(.$":"$.s"},"Next":"S)" + std::to_string(i + 1) + "\"},";
  states += R"("S50":{"Type":"Succeed"})";
  std::string quarter(250000, 'z');
  Exec all = run(R"({"StartAt":"S0","States":{)" + states + "}}", R"({"s":")" + quarter + R"("})");
  EXPECT_EQ(all.result.error, "States.DataLimitExceeded");
  EXPECT_NE(all.result.cause.find("10485760"), std::string::npos) << all.result.cause;
}

}  // namespace
}  // namespace sg::engine
