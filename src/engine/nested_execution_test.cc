// Nested executions (states:startExecution) in the durable engine, over a real SQLite file in
// virtual time: the four integration patterns, a child's failure reaching its parent, a
// stopped parent stopping its .sync child, and restarts that must not start a child twice.
#include "engine/nested_execution.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "asl/state_machine.h"
#include "engine/durable_engine.h"
#include "json/parse.h"

namespace sg::engine {
namespace {

using json::Value;

class FakeDispatcher final : public TaskDispatcher {
 public:
  void dispatch(std::unique_ptr<DispatchedTask> task) override { tasks.push_back(std::move(task)); }
  std::vector<std::unique_ptr<DispatchedTask>> tasks;
};

Value parse(std::string_view text) {
  auto v = json::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

constexpr const char* kPrefix = "arn:aws:states:us-east-1:123456789012:stateMachine:";

// The child waits for a callback; its token is in the TaskScheduled parameters.
constexpr const char* kWaitingChild = R"({"StartAt":"T","States":{"T":{"Type":"Task",
  "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
  "Parameters":{"token.$":"$$.Task.Token"},"End":true}}})";
constexpr const char* kEchoChild = R"({"StartAt":"P","States":{"P":{"Type":"Pass",
  "Parameters":{"got.$":"$"},"End":true}}})";
constexpr const char* kFailingChild = R"({"StartAt":"F","States":{"F":{"Type":"Fail",
  "Error":"Child.Broke","Cause":"it broke"}}})";

std::string parent_def(std::string_view mode, std::string_view child, std::string_view extra = "") {
  std::string d = R"({"StartAt":"Nest","States":{"Nest":{"Type":"Task",)";
  d += R"("Resource":"arn:aws:states:::states:startExecution)";
  d += mode;
  d += R"(","Parameters":{"StateMachineArn":")";
  d += kPrefix;
  d += child;
  d += R"(","Input":{"n.$":"$.n","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}})";
  d += extra;
  d += R"(,"End":true}}})";
  return d;
}

class NestedExecutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sg-nested-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    reopen();
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // A restart after kill -9: a new store and engine on the same files.
  int64_t reopen() {
    engine_.reset();
    store_.reset();
    dispatcher_.tasks.clear();
    auto s = store::SqliteStore::open(dir_.string(), {.sync_full = false});
    EXPECT_TRUE(s.ok());
    store_ = std::move(s).value();
    engine_ = std::make_unique<DurableEngine>(*store_, dispatcher_, EngineOptions{});
    engine_->set_child_resolver([this](const std::string& arn, const std::string& name,
                                       const std::string& input) -> Result<StartSpec> {
      auto it = machines_.find(arn);
      if (it == machines_.end())
        return Error{"StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'"};
      return spec(it->second, arn, name, input);
    });
    begin();
    auto n = engine_->recover(now_);
    commit();
    return n.ok() ? *n : -1;
  }
  void begin() { ASSERT_TRUE(store_->begin().ok()); }
  void commit() { ASSERT_TRUE(store_->commit().ok()); }

  void define(const std::string& name, std::string definition) { machines_[kPrefix + name] = definition; }

  StartSpec spec(const std::string& definition, const std::string& arn, std::string name, std::string input) {
    StartSpec s;
    auto m = asl::load_state_machine(parse(definition));
    EXPECT_TRUE(m.ok());
    s.machine = *m;
    s.definition_text = definition;
    s.state_machine_arn = arn;
    s.state_machine_name = arn.substr(arn.rfind(':') + 1);
    s.role_arn = "arn:aws:iam::123456789012:role/r";
    s.name = std::move(name);
    s.input = parse(input);
    s.input_text = std::move(input);
    return s;
  }
  std::string start(const std::string& machine, std::string name, std::string input = R"({"n":7})") {
    begin();
    std::string arn = kPrefix + machine;
    auto r = engine_->start(spec(machines_[arn], arn, std::move(name), std::move(input)), now_);
    commit();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->execution_arn : "";
  }
  store::ExecutionRow row(const std::string& arn) {
    auto r = engine_->find(arn);
    EXPECT_TRUE(r.has_value()) << arn;
    return r ? *r : store::ExecutionRow{};
  }
  std::vector<store::ExecutionRow> executions_of(const std::string& machine) {
    store::ExecutionFilter f;
    f.state_machine_arn = kPrefix + machine;
    return store_->list_executions(f);
  }
  std::string output(const std::string& arn) { return doc_string(arn, "output"); }
  std::string doc_string(const std::string& arn, std::string_view key) {
    store::ExecutionRow r = row(arn);
    const Value* v = r.doc.find(key);
    return v && v->is_string() ? std::string(v->as_string()) : "";
  }
  std::vector<std::string> event_types(const std::string& arn) {
    std::vector<std::string> out;
    for (const std::string& t : store_->events(row(arn).id, 1, 0, false, 100000))
      out.push_back(std::string(parse(t).find("type")->as_string()));
    return out;
  }
  std::string token_of(const std::string& arn) {
    std::string token;
    for (const std::string& t : store_->events(row(arn).id, 1, 0, false, 100000)) {
      Value e = parse(t);
      if (const Value* d = e.find("taskScheduledEventDetails"))
        token = std::string(parse(d->find("parameters")->as_string()).find("token")->as_string());
    }
    return token;
  }
  void complete_child(const std::string& child_arn, std::string_view output) {
    begin();
    ASSERT_TRUE(engine_->task_success(token_of(child_arn), parse(output), now_).ok());
    commit();
  }
  void advance_to(int64_t t) {
    now_ = t;
    begin();
    engine_->on_time(now_);
    commit();
  }
  std::string only_child(const std::string& machine) {
    auto rows = executions_of(machine);
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? "" : rows[0].arn;
  }

  std::map<std::string, std::string> machines_;
  std::filesystem::path dir_;
  FakeDispatcher dispatcher_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<DurableEngine> engine_;
  int64_t now_ = 1'700'000'000'000;
};

TEST_F(NestedExecutionTest, RequestResponseAnswersWithTheStartExecutionResponse) {
  define("child", kEchoChild);
  define("parent", parent_def("", "child"));
  std::string parent = start("parent", "p1");
  std::string child = only_child("child");
  EXPECT_EQ(row(parent).status, "SUCCEEDED");
  EXPECT_EQ(output(parent),
            R"({"ExecutionArn":")" + child + R"(","StartDate":)" + std::to_string(now_) + "}");
  // The child got the Input, the parent's execution id included, under a UUID name.
  EXPECT_EQ(row(child).status, "SUCCEEDED");
  EXPECT_EQ(doc_string(child, "input"),
            R"({"n":7,"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":")" + parent + "\"}");
  EXPECT_EQ(row(child).name.size(), 36u);
  // Request-response records no TaskSubmitted.
  EXPECT_EQ(event_types(parent),
            (std::vector<std::string>{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                      "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}));
}

TEST_F(NestedExecutionTest, SyncWaitsForTheChildAndReturnsItsOutputAsText) {
  define("child", kWaitingChild);
  define("parent", std::string(R"({"StartAt":"Nest","States":{"Nest":{"Type":"Task",
    "Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{"StateMachineArn":")") +
                       kPrefix + R"(child","Name":"kid"},"End":true}}})");
  std::string parent = start("parent", "p1");
  std::string child = "arn:aws:states:us-east-1:123456789012:execution:child:kid";
  EXPECT_EQ(row(parent).status, "RUNNING");
  EXPECT_EQ(row(child).status, "RUNNING");
  EXPECT_EQ(event_types(parent).back(), "TaskSubmitted");
  now_ += 5000;
  complete_child(child, R"({"ok":true})");
  EXPECT_EQ(row(child).status, "SUCCEEDED");
  ASSERT_EQ(row(parent).status, "SUCCEEDED");
  Value out = parse(output(parent));
  EXPECT_EQ(out.find("Output")->as_string(), R"({"ok":true})");
  EXPECT_EQ(out.find("Input")->as_string(), "{}");
  EXPECT_EQ(out.find("Status")->as_string(), "SUCCEEDED");
  EXPECT_EQ(out.find("StopDate")->as_int(), now_);
  std::vector<std::string> keys;
  for (const json::Member& m : out.members()) keys.emplace_back(m.name());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"ExecutionArn", "Input", "InputDetails", "Name", "Output",
                                      "OutputDetails", "RedriveCount", "RedriveStatus", "RedriveStatusReason",
                                      "StartDate", "StateMachineArn", "Status", "StopDate"}));
}

TEST_F(NestedExecutionTest, Sync2ReturnsTheChildsOutputAsJsonEvenWhenTheChildEndsAtOnce) {
  define("child", kEchoChild);
  define("parent", parent_def(".sync:2", "child"));
  std::string parent = start("parent", "p1");
  ASSERT_EQ(row(parent).status, "SUCCEEDED");
  Value out = parse(output(parent));
  EXPECT_EQ(out.find("Output")->dump(),
            R"({"got":{"n":7,"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":")" + parent + "\"}}");
  EXPECT_TRUE(out.find("Input")->is_object());
  EXPECT_EQ(
      event_types(parent),
      (std::vector<std::string>{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}));
}

TEST_F(NestedExecutionTest, AFailedChildFailsTheTaskWithItsDescriptionAsCause) {
  define("child", kFailingChild);
  define("parent", parent_def(".sync:2", "child"));
  std::string parent = start("parent", "p1");
  store::ExecutionRow r = row(parent);
  ASSERT_EQ(r.status, "FAILED");
  EXPECT_EQ(doc_string(parent, "error"), "States.TaskFailed");
  Value cause = parse(doc_string(parent, "cause"));
  EXPECT_EQ(cause.find("Status")->as_string(), "FAILED");
  EXPECT_EQ(cause.find("Error")->as_string(), "Child.Broke");
  EXPECT_EQ(cause.find("Cause")->as_string(), "it broke");
  EXPECT_EQ(cause.find("RedriveStatus")->as_string(), "REDRIVABLE");
  EXPECT_EQ(cause.find("Output"), nullptr);
}

TEST_F(NestedExecutionTest, ACaughtChildFailureLetsTheParentGoOn) {
  define("child", kFailingChild);
  define("parent", std::string(R"({"StartAt":"Nest","States":{"Nest":{"Type":"Task",
    "Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{"StateMachineArn":")") +
                       kPrefix + R"(child"},"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Done"}],
    "End":true},"Done":{"Type":"Pass","End":true}}})");
  std::string parent = start("parent", "p1");
  EXPECT_EQ(row(parent).status, "SUCCEEDED");
}

TEST_F(NestedExecutionTest, WaitForTaskTokenStartsTheChildAndWaitsForTheToken) {
  define("child", kEchoChild);
  define("parent", std::string(R"({"StartAt":"Nest","States":{"Nest":{"Type":"Task",
    "Resource":"arn:aws:states:::states:startExecution.waitForTaskToken","Parameters":{"StateMachineArn":")") +
                       kPrefix + R"(child","Input":{"token.$":"$$.Task.Token"}},"End":true}}})");
  std::string parent = start("parent", "p1");
  std::string child = only_child("child");
  EXPECT_EQ(row(child).status, "SUCCEEDED");  // a child ending does not answer the token
  EXPECT_EQ(row(parent).status, "RUNNING");
  EXPECT_EQ(event_types(parent).back(), "TaskSubmitted");
  std::string token(parse(doc_string(child, "input")).find("token")->as_string());
  begin();
  ASSERT_TRUE(engine_->task_success(token, parse(R"({"answer":42})"), now_).ok());
  commit();
  EXPECT_EQ(row(parent).status, "SUCCEEDED");
  EXPECT_EQ(output(parent), R"({"answer":42})");
}

TEST_F(NestedExecutionTest, StoppingTheParentStopsItsSyncChild) {
  define("child", R"({"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}})");
  define("parent", parent_def(".sync:2", "child"));
  std::string parent = start("parent", "p1");
  std::string child = only_child("child");
  advance_to(now_ + 10'000);  // both leave memory: the stop must wake them
  EXPECT_EQ(engine_->open_count(), 0u);
  begin();
  ASSERT_TRUE(engine_->stop(parent, nullptr, nullptr, now_).ok());
  commit();
  EXPECT_EQ(row(parent).status, "ABORTED");
  EXPECT_EQ(row(child).status, "ABORTED");
  EXPECT_EQ(doc_string(child, "cause"), "The Task state in AWS Step Functions execution [" + parent +
                                            "] which was managing this resource was aborted");
}

TEST_F(NestedExecutionTest, ATaskTimeoutStopsTheChild) {
  define("child", kWaitingChild);
  define("parent", parent_def(".sync", "child", R"(,"TimeoutSeconds":60)"));
  std::string parent = start("parent", "p1");
  std::string child = only_child("child");
  advance_to(now_ + 61'000);
  EXPECT_EQ(row(parent).status, "FAILED");
  EXPECT_EQ(doc_string(parent, "error"), "States.Timeout");
  EXPECT_EQ(row(child).status, "ABORTED");
}

TEST_F(NestedExecutionTest, RestartsNeitherStartTheChildAgainNorLoseItsResult) {
  define("child", kWaitingChild);
  define("parent", parent_def(".sync:2", "child"));
  std::string parent = start("parent", "p1");
  std::string child = only_child("child");
  EXPECT_EQ(reopen(), 2);
  EXPECT_EQ(executions_of("child").size(), 1u);
  EXPECT_EQ(reopen(), 2);
  EXPECT_EQ(executions_of("child").size(), 1u);
  complete_child(child, R"({"ok":1})");
  EXPECT_EQ(row(parent).status, "SUCCEEDED");
  EXPECT_EQ(parse(output(parent)).find("Output")->dump(), R"({"ok":1})");
  EXPECT_EQ(reopen(), 0);
}

TEST_F(NestedExecutionTest, ABatchLostInACrashLeavesNeitherParentNorChild) {
  define("child", kWaitingChild);
  define("parent", parent_def(".sync", "child"));
  begin();
  std::string arn = kPrefix + std::string("parent");
  ASSERT_TRUE(engine_->start(spec(machines_[arn], arn, "p1", R"({"n":1})"), now_).ok());
  // No commit: the process dies with the batch open.
  EXPECT_EQ(reopen(), 0);
  EXPECT_TRUE(executions_of("parent").empty());
  EXPECT_TRUE(executions_of("child").empty());
  start("parent", "p1");
  EXPECT_EQ(executions_of("child").size(), 1u);
}

TEST_F(NestedExecutionTest, AMissingStateMachineFailsTheTaskAsTheSdkReportsIt) {
  define("parent", parent_def("", "nope"));
  std::string parent = start("parent", "p1");
  EXPECT_EQ(row(parent).status, "FAILED");
  EXPECT_EQ(doc_string(parent, "error"), "StepFunctions.StateMachineDoesNotExistException");
  EXPECT_TRUE(doc_string(parent, "cause")
                  .starts_with("State Machine Does Not Exist: '" + std::string(kPrefix) +
                               "nope' (Service: AWSStepFunctions; Status Code: 400; "
                               "Error Code: StateMachineDoesNotExist; Request ID: "))
      << doc_string(parent, "cause");
}

TEST_F(NestedExecutionTest, EachRetryStartsAChildOfItsOwn) {
  define("child", kFailingChild);
  define("parent", std::string(R"({"StartAt":"Nest","States":{"Nest":{"Type":"Task",
    "Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":")") +
                       kPrefix + R"(child"},"Retry":[{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":1,
    "MaxAttempts":2}],"End":true}}})");
  std::string parent = start("parent", "p1");
  advance_to(now_ + 1000);
  advance_to(now_ + 2000);
  EXPECT_EQ(row(parent).status, "FAILED");
  EXPECT_EQ(executions_of("child").size(), 3u);
}

TEST(NestedExecutionShapes, InputIsSerialisedAsAwsPassesIt) {
  auto read = [](std::string_view params) { return read_nested_request(parse(params)); };
  EXPECT_EQ(read(R"({"StateMachineArn":"a"})")->input_text, "{}");
  EXPECT_EQ(read(R"({"StateMachineArn":"a","Input":{"x":[1,2]}})")->input_text, R"({"x":[1,2]})");
  EXPECT_EQ(read(R"({"StateMachineArn":"a","Input":"{\"x\":1}"})")->input_text, R"({"x":1})");
  EXPECT_EQ(read(R"({"StateMachineArn":"a","Input":"hello"})")->input_text, R"("hello")");
  EXPECT_EQ(read(R"({"StateMachineArn":"a","Name":"n"})")->name, "n");
  EXPECT_EQ(read(R"({"Input":{}})").error().error, "States.Runtime");
  EXPECT_EQ(read(R"({"StateMachineArn":"a","Bogus":1})").error().error, "States.Runtime");
  EXPECT_EQ(derived_child_name("arn:x", 3), derived_child_name("arn:x", 3));
  EXPECT_NE(derived_child_name("arn:x", 3), derived_child_name("arn:x", 4));
}

}  // namespace
}  // namespace sg::engine
