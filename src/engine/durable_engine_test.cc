// DurableEngine over a real SQLite file, in virtual time: starts, callbacks, activities,
// timers, stops, redrives, and above all restarts (a new engine on the same store must
// resume every open execution where it was).
#include "engine/durable_engine.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "asl/state_machine.h"
#include "json/parse.h"

namespace sg::engine {
namespace {

using json::Value;

class FakeDispatcher final : public TaskDispatcher {
 public:
  void dispatch(std::unique_ptr<DispatchedTask> task) override { tasks.push_back(std::move(task)); }
  std::optional<Value> submit_at_once(const TaskRequest&) override {
    return submit_now ? std::optional<Value>(Value::empty_object()) : std::nullopt;
  }
  std::vector<std::unique_ptr<DispatchedTask>> tasks;
  bool submit_now = false;
};

Value parse(std::string_view text) {
  auto v = json::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

class DurableEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sg-engine-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    reopen();
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // A new store and engine on the same files: what a restart after kill -9 sees (every
  // batch below is committed).
  int64_t reopen(EngineOptions opt = {}) {
    engine_.reset();
    store_.reset();
    dispatcher_.tasks.clear();
    auto s = store::SqliteStore::open(dir_.string(), {.sync_full = false});
    EXPECT_TRUE(s.ok());
    store_ = std::move(s).value();
    engine_ = std::make_unique<DurableEngine>(*store_, dispatcher_, opt);
    begin();
    auto n = engine_->recover(now_);
    commit();
    return n.ok() ? *n : -1;
  }
  void begin() { ASSERT_TRUE(store_->begin().ok()); }
  void commit() { ASSERT_TRUE(store_->commit().ok()); }

  StartSpec spec(std::string_view definition, std::string name, std::string input = "{}") {
    StartSpec s;
    auto doc = parse(definition);
    auto m = asl::load_state_machine(doc);
    EXPECT_TRUE(m.ok());
    s.machine = *m;
    s.definition_text = std::string(definition);
    s.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:sm";
    s.state_machine_name = "sm";
    s.role_arn = "arn:aws:iam::123456789012:role/r";
    s.name = std::move(name);
    s.input_text = input;
    s.input = parse(input);
    return s;
  }
  std::string start(std::string_view definition, std::string name, std::string input = "{}") {
    begin();
    auto r = engine_->start(spec(definition, std::move(name), std::move(input)), now_);
    commit();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->execution_arn : "";
  }
  void advance_to(int64_t t) {
    now_ = t;
    begin();
    engine_->on_time(now_);
    commit();
  }
  store::ExecutionRow row(const std::string& arn) {
    auto r = engine_->find(arn);
    EXPECT_TRUE(r.has_value());
    return r ? *r : store::ExecutionRow{};
  }
  std::vector<std::string> event_types(const std::string& arn) {
    std::vector<std::string> out;
    for (const std::string& t : store_->events(row(arn).id, 1, 0, false, 100000))
      out.push_back(std::string(parse(t).find("type")->as_string()));
    return out;
  }
  // The token of the latest TaskScheduled, where the definition put it in Parameters.
  std::string token_of(const std::string& arn) {
    std::string token;
    for (const std::string& t : store_->events(row(arn).id, 1, 0, false, 100000)) {
      Value e = parse(t);
      if (const Value* d = e.find("taskScheduledEventDetails")) {
        Value params = parse(d->find("parameters")->as_string());
        token = std::string(params.find("token")->as_string());
      }
    }
    return token;
  }

  std::filesystem::path dir_;
  FakeDispatcher dispatcher_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<DurableEngine> engine_;
  int64_t now_ = 1'700'000'000'000;
};

constexpr const char* kPass = R"({"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"End":true}}})";
constexpr const char* kCallback = R"({"StartAt":"T","States":{"T":{"Type":"Task",
  "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
  "Parameters":{"token.$":"$$.Task.Token","n.$":"$.n"},"End":true}}})";
constexpr const char* kWaitThenPass = R"({"StartAt":"W","States":{
  "W":{"Type":"Wait","Seconds":3600,"Next":"P"},"P":{"Type":"Pass","End":true}}})";
constexpr const char* kActivity = R"({"StartAt":"A","States":{"A":{"Type":"Task",
  "Resource":"arn:aws:states:us-east-1:123456789012:activity:work","HeartbeatSeconds":10,"End":true}}})";
constexpr const char* kRetryFunction = R"({"StartAt":"F","States":{"F":{"Type":"Task",
  "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
  "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":60,"MaxAttempts":3,"BackoffRate":1}],"End":true}}})";

TEST_F(DurableEngineTest, PassMachineSucceedsWithAwsHistory) {
  std::string arn = start(kPass, "e1");
  EXPECT_EQ(arn, "arn:aws:states:us-east-1:123456789012:execution:sm:e1");
  store::ExecutionRow r = row(arn);
  EXPECT_EQ(r.status, "SUCCEEDED");
  EXPECT_EQ(r.doc.find("output")->as_string(), R"({"x":1})");
  EXPECT_EQ(event_types(arn), (std::vector<std::string>{"ExecutionStarted", "PassStateEntered",
                                                        "PassStateExited", "ExecutionSucceeded"}));
}

TEST_F(DurableEngineTest, StartIsIdempotentByNameWhileRunning) {
  std::string arn = start(kCallback, "same", R"({"n":1})");
  begin();
  auto again = engine_->start(spec(kCallback, "same", R"({"n":1})"), now_ + 5);
  auto other = engine_->start(spec(kCallback, "same", R"({"n":2})"), now_ + 5);
  commit();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->execution_arn, arn);
  EXPECT_EQ(again->start_ms, now_);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "ExecutionAlreadyExists");
  EXPECT_EQ(other.error().message, "Execution Already Exists: '" + arn + "'");
}

TEST_F(DurableEngineTest, CallbackSurvivesRestartAndCompletesWithItsToken) {
  std::string arn = start(kCallback, "cb", R"({"n":7})");
  ASSERT_EQ(dispatcher_.tasks.size(), 1u);
  DispatchedTask& call = *dispatcher_.tasks[0];
  EXPECT_TRUE(call.callback);
  begin();
  engine_->task_submitted(call.execution_id, call.task_id, parse(R"({"MessageId":"m-1"})"), now_ + 10);
  commit();
  std::string token = token_of(arn);
  ASSERT_EQ(token.size(), 88u);
  EXPECT_EQ(event_types(arn).back(), "TaskSubmitted");

  // kill -9 and restart: the execution is rebuilt, the call is not made again (it was
  // submitted), and the same token still completes it.
  EXPECT_EQ(reopen(), 1);
  EXPECT_TRUE(dispatcher_.tasks.empty());
  begin();
  Status st = engine_->task_success(token, parse(R"({"ok":true})"), now_ + 20);
  commit();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
  EXPECT_EQ(row(arn).doc.find("output")->as_string(), R"({"ok":true})");
  EXPECT_EQ(
      event_types(arn),
      (std::vector<std::string>{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}));
  // The task is closed now: its token answers TaskTimedOut; garbage answers InvalidToken.
  begin();
  Status late = engine_->task_success(token, parse("{}"), now_ + 30);
  Status bad = engine_->task_heartbeat("not-a-token", now_ + 30);
  commit();
  EXPECT_EQ(late.error().code, "TaskTimedOut");
  EXPECT_EQ(bad.error().code, "InvalidToken");
  EXPECT_EQ(bad.error().message, "Invalid Token: 'Invalid token'");
}

TEST_F(DurableEngineTest, WaitingExecutionsLeaveMemoryAndComeBackForTheirToken) {
  std::string arn = start(kCallback, "sleepy", R"({"n":3})");
  DispatchedTask& call = *dispatcher_.tasks[0];
  begin();
  engine_->task_submitted(call.execution_id, call.task_id, parse("{}"), now_ + 1);
  commit();
  EXPECT_EQ(engine_->open_count(), 1u);
  advance_to(now_ + 1);  // the end of a batch: nothing in flight, no timer, but just touched
  EXPECT_EQ(engine_->open_count(), 1u);
  advance_to(now_ + 2000);  // idle for 2 s
  EXPECT_EQ(engine_->open_count(), 0u);
  EXPECT_EQ(row(arn).status, "RUNNING");
  begin();
  ASSERT_TRUE(engine_->task_success(token_of(arn), parse(R"("done")"), now_ + 3).ok());
  commit();
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
  EXPECT_EQ(row(arn).doc.find("output")->as_string(), R"("done")");
  EXPECT_EQ(event_types(arn).size(), 8u);  // nothing recorded twice by the rebuild
}

TEST_F(DurableEngineTest, CallbackWithNothingToCallIsSubmittedInTheStartingBatch) {
  dispatcher_.submit_now = true;
  std::string arn = start(kCallback, "direct", R"({"n":1})");
  EXPECT_TRUE(dispatcher_.tasks.empty());
  EXPECT_EQ(event_types(arn).back(), "TaskSubmitted");
  EXPECT_EQ(reopen(), 1);
  EXPECT_TRUE(dispatcher_.tasks.empty());  // submitted before the crash: not called again
  begin();
  ASSERT_TRUE(engine_->task_success(token_of(arn), parse("1"), now_ + 1).ok());
  commit();
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
}

TEST_F(DurableEngineTest, InFlightCallIsDispatchedAgainAfterRestart) {
  std::string arn = start(kRetryFunction, "retry");
  ASSERT_EQ(dispatcher_.tasks.size(), 1u);
  // The first attempt fails; the retry waits 60 s; the server dies during the wait.
  begin();
  engine_->task_result(dispatcher_.tasks[0]->execution_id, dispatcher_.tasks[0]->task_id,
                       TaskResult::failure("Boom", "first"), now_ + 1);
  commit();
  EXPECT_EQ(reopen(), 1);
  EXPECT_TRUE(dispatcher_.tasks.empty());  // waiting for the retry timer, nothing in flight
  ASSERT_TRUE(engine_->next_wakeup().has_value());
  EXPECT_EQ(*engine_->next_wakeup(), now_ + 1 + 60000);  // the backoff keeps its deadline
  advance_to(now_ + 1 + 60000);
  ASSERT_EQ(dispatcher_.tasks.size(), 1u);
  EXPECT_EQ(dispatcher_.tasks[0]->request.attempt, 1);  // the retry counter survived
  // Crash with the retry in flight: it is dispatched again, as the same attempt.
  EXPECT_EQ(reopen(), 1);
  ASSERT_EQ(dispatcher_.tasks.size(), 1u);
  EXPECT_EQ(dispatcher_.tasks[0]->request.attempt, 1);
  begin();
  engine_->task_result(dispatcher_.tasks[0]->execution_id, dispatcher_.tasks[0]->task_id,
                       TaskResult::success(parse(R"({"done":1})")), now_ + 5);
  commit();
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
  EXPECT_EQ(event_types(arn),
            (std::vector<std::string>{"ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                                      "LambdaFunctionStarted", "LambdaFunctionFailed",
                                      "LambdaFunctionScheduled", "LambdaFunctionStarted",
                                      "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"}));
}

TEST_F(DurableEngineTest, WaitKeepsItsDeadlineAcrossRestarts) {
  std::string arn = start(kWaitThenPass, "wait");
  int64_t due = now_ + 3600 * 1000;
  EXPECT_EQ(reopen(), 1);
  EXPECT_EQ(engine_->next_wakeup(), std::optional<int64_t>(due));
  advance_to(due - 1);
  EXPECT_EQ(row(arn).status, "RUNNING");
  advance_to(due);
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
  EXPECT_EQ(reopen(), 0);
}

TEST_F(DurableEngineTest, TimeScaleShrinksWaits) {
  reopen(EngineOptions{.time_scale = 0.001});
  std::string arn = start(kWaitThenPass, "fast");
  advance_to(now_ + 3599);
  EXPECT_EQ(row(arn).status, "RUNNING");
  advance_to(now_ + 1);
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
}

TEST_F(DurableEngineTest, ActivityIsQueuedHandedOutAndTimedOutByHeartbeat) {
  std::string arn = start(kActivity, "act", R"({"job":1})");
  const std::string activity = "arn:aws:states:us-east-1:123456789012:activity:work";
  std::optional<ActivityTaskHandout> got;
  begin();
  ASSERT_TRUE(engine_->poll_activity(activity, "worker-1", now_ + 60000,
                                     [&](std::optional<ActivityTaskHandout> t) { got = t; }));
  commit();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->input, R"({"job":1})");
  // A heartbeat within 10 s keeps it alive; then silence times it out.
  advance_to(now_ + 8000);
  begin();
  ASSERT_TRUE(engine_->task_heartbeat(got->token, now_).ok());
  commit();
  EXPECT_EQ(reopen(), 1);  // the worker holds the task across a restart
  advance_to(now_ + 9999);
  EXPECT_EQ(row(arn).status, "RUNNING");
  advance_to(now_ + 1);
  EXPECT_EQ(row(arn).status, "FAILED");
  EXPECT_EQ(row(arn).doc.find("error")->as_string(), "States.Timeout");
  auto types = event_types(arn);
  EXPECT_EQ(types[2], "ActivityScheduled");
  EXPECT_EQ(types[3], "ActivityStarted");
  EXPECT_EQ(types[4], "ActivityTimedOut");
}

TEST_F(DurableEngineTest, HeartbeatsLeaveNoTimerFiringsBehind) {
  std::string arn = start(kActivity, "beats", R"({"job":1})");
  std::optional<ActivityTaskHandout> got;
  begin();
  ASSERT_TRUE(engine_->poll_activity("arn:aws:states:us-east-1:123456789012:activity:work", "w", now_ + 60000,
                                     [&](std::optional<ActivityTaskHandout> t) { got = t; }));
  commit();
  ASSERT_TRUE(got.has_value());
  // Each heartbeat moves the 10 s deadline; the deadlines it replaced must not wake the
  // engine (each wake-up is a journal entry replayed on every restart).
  for (int i = 0; i < 5; ++i) {
    advance_to(now_ + 5000);
    begin();
    ASSERT_TRUE(engine_->task_heartbeat(got->token, now_).ok());
    commit();
  }
  int firings = 0;
  for (const std::string& e : store_->journal(row(arn).id))
    firings += parse(e).find("k")->as_string() == "adv";
  EXPECT_EQ(firings, 0);
  EXPECT_EQ(row(arn).status, "RUNNING");
}

TEST_F(DurableEngineTest, PollWithoutWorkAnswersEmptyAtItsDeadline) {
  bool answered = false, empty = false;
  begin();
  ASSERT_TRUE(engine_->poll_activity("arn:aws:states:us-east-1:123456789012:activity:none", "", now_ + 60000,
                                     [&](std::optional<ActivityTaskHandout> t) {
                                       answered = true;
                                       empty = !t.has_value();
                                     }));
  commit();
  advance_to(now_ + 59999);
  EXPECT_FALSE(answered);
  advance_to(now_ + 1);
  EXPECT_TRUE(answered);
  EXPECT_TRUE(empty);
}

TEST_F(DurableEngineTest, StopAbortsAndRedriveResumesFromTheStoppedState) {
  std::string arn = start(kCallback, "stop-me", R"({"n":1})");
  begin();
  std::string error = "Cancelled";
  auto stopped = engine_->stop(arn, &error, nullptr, now_ + 100);
  commit();
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(*stopped, now_ + 100);
  EXPECT_EQ(row(arn).status, "ABORTED");
  auto types = event_types(arn);
  EXPECT_EQ(types[types.size() - 2], "TaskStateAborted");
  EXPECT_EQ(types.back(), "ExecutionAborted");

  EXPECT_EQ(reopen(), 0);
  begin();
  auto redriven = engine_->redrive(arn, "tok", now_ + 200);
  commit();
  ASSERT_TRUE(redriven.ok()) << redriven.error().message;
  EXPECT_EQ(row(arn).status, "RUNNING");
  EXPECT_EQ(row(arn).redrive_count, 1);
  types = event_types(arn);
  std::vector<std::string> tail(types.end() - 5, types.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"ExecutionAborted", "ExecutionRedriven", "TaskStateEntered",
                                            "TaskScheduled", "TaskStarted"}));
  // The redriven execution is durable too.
  EXPECT_EQ(reopen(), 1);
  std::string token = token_of(arn);
  begin();
  ASSERT_TRUE(engine_->task_success(token, parse("7"), now_ + 300).ok());
  commit();
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
}

TEST_F(DurableEngineTest, RedriveOfAMapReRunsOnlyTheIterationsThatFailed) {
  std::string def = R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,
    "Iterator":{"StartAt":"F","States":{"F":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}})";
  std::string arn = start(def, "map", R"({"items":[1,2,3]})");
  ASSERT_EQ(dispatcher_.tasks.size(), 3u);
  auto answer = [&](size_t i, TaskResult r) {
    begin();
    engine_->task_result(dispatcher_.tasks[i]->execution_id, dispatcher_.tasks[i]->task_id, std::move(r),
                         now_);
    commit();
  };
  answer(0, TaskResult::success(parse("10")));
  answer(2, TaskResult::success(parse("30")));
  answer(1, TaskResult::failure("Boom", "item 2"));
  ASSERT_EQ(row(arn).status, "FAILED");
  dispatcher_.tasks.clear();
  EXPECT_EQ(reopen(), 0);
  begin();
  ASSERT_TRUE(engine_->redrive(arn, "", now_ + 10).ok());
  commit();
  ASSERT_EQ(dispatcher_.tasks.size(), 1u);  // only the failed iteration runs again
  EXPECT_EQ(dispatcher_.tasks[0]->request.parameters, parse("2"));
  answer(0, TaskResult::success(parse("20")));
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
  EXPECT_EQ(row(arn).doc.find("output")->as_string(), "[10,20,30]");
  EXPECT_EQ(row(arn).redrive_count, 1);
}

TEST_F(DurableEngineTest, AnExecutionTakingCallbacksOneAfterAnotherIsNotRebuiltForEach) {
  // A Map of callbacks answered one per batch: the execution keeps receiving inputs, so
  // it stays in memory. Hibernating it after every batch would replay its whole (growing)
  // journal for every answer: quadratic in the number of items.
  dispatcher_.submit_now = true;
  std::string def = R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,
    "Iterator":{"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters":{"token.$":"$$.Task.Token","n.$":"$"},"End":true}}}}}})";
  std::string items;
  for (int i = 0; i < 50; ++i) {
    if (i) items += ',';
    items += std::to_string(i);
  }
  std::string arn = start(def, "fan-out", R"({"items":[)" + items + "]}");
  std::vector<std::string> tokens;
  for (const std::string& t : store_->events(row(arn).id, 1, 0, false, 100000)) {
    Value e = parse(t);
    if (const Value* d = e.find("taskScheduledEventDetails"))
      tokens.push_back(std::string(parse(d->find("parameters")->as_string()).find("token")->as_string()));
  }
  ASSERT_EQ(tokens.size(), 50u);
  for (const std::string& token : tokens) {
    now_ += 100;
    begin();
    ASSERT_TRUE(engine_->task_success(token, parse("1"), now_).ok());
    engine_->on_time(now_);  // the end of the batch
    commit();
  }
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
  EXPECT_EQ(engine_->rebuilds(), 0u);
}

TEST_F(DurableEngineTest, AnIdleExecutionLeavesMemoryOnceItStopsReceivingInputs) {
  dispatcher_.submit_now = true;
  std::string arn = start(kCallback, "idle", R"({"n":1})");
  EXPECT_EQ(engine_->open_count(), 1u);
  // Nothing in flight and no timer: it leaves once idle for a while, without any request
  // arriving to run a batch (the loop wakes up for it).
  ASSERT_TRUE(engine_->next_wakeup().has_value());
  advance_to(*engine_->next_wakeup());
  EXPECT_EQ(engine_->open_count(), 0u);
  EXPECT_FALSE(engine_->next_wakeup().has_value());
  begin();
  ASSERT_TRUE(engine_->task_success(token_of(arn), parse("2"), now_ + 1).ok());
  commit();
  EXPECT_EQ(engine_->rebuilds(), 1u);
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
}

TEST_F(DurableEngineTest, TokensOfClosedTasksAreForgottenWhileTheExecutionSleeps) {
  dispatcher_.submit_now = true;
  std::string def = R"({"StartAt":"T","States":{"T":{"Type":"Task",
    "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","TimeoutSeconds":10,
    "Parameters":{"token.$":"$$.Task.Token"},
    "Retry":[{"ErrorEquals":["States.Timeout"],"IntervalSeconds":60,"MaxAttempts":1}],"End":true}}})";
  std::string arn = start(def, "retried");
  std::string first = token_of(arn);
  EXPECT_EQ(engine_->token_count(), 1u);
  advance_to(now_ + 2000);  // idle: it sleeps until its timeout
  EXPECT_EQ(engine_->open_count(), 0u);
  advance_to(now_ + 8000);  // the task times out; the retry waits 60 s
  advance_to(now_ + 2000);  // asleep again
  EXPECT_EQ(engine_->open_count(), 0u);
  EXPECT_EQ(engine_->token_count(), 0u);  // the first token's task is closed
  advance_to(now_ + 58000);               // the retry
  std::string second = token_of(arn);
  EXPECT_NE(second, first);
  EXPECT_EQ(engine_->token_count(), 1u);
  begin();
  ASSERT_TRUE(engine_->task_success(second, parse("1"), now_ + 1).ok());
  Status late = engine_->task_success(first, parse("1"), now_ + 1);
  commit();
  EXPECT_EQ(late.error().code, "TaskTimedOut");
  EXPECT_EQ(row(arn).status, "SUCCEEDED");
  EXPECT_EQ(engine_->token_count(), 0u);
}

TEST_F(DurableEngineTest, ExpressExecutionsEndTimedOutAfterFiveMinutes) {
  StartSpec s = spec(kWaitThenPass, "", "{}");  // a Wait of an hour
  s.express = true;
  std::optional<SyncOutcome> got;
  begin();
  engine_->start_sync(s, now_, [&](SyncOutcome o) { got = std::move(o); });
  auto async = engine_->start(s, now_);
  commit();
  ASSERT_TRUE(async.ok());
  EXPECT_EQ(engine_->open_count(), 2u);
  int64_t began = now_;
  advance_to(began + 5 * 60 * 1000 - 1);
  EXPECT_FALSE(got.has_value());
  advance_to(began + 5 * 60 * 1000);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->result.status, ExecutionStatus::kTimedOut);
  EXPECT_TRUE(got->result.has_error);
  EXPECT_EQ(got->result.error, "States.Timeout");
  EXPECT_FALSE(got->result.has_cause);
  EXPECT_EQ(got->stop_ms, began + 5 * 60 * 1000);
  EXPECT_EQ(engine_->open_count(), 0u);  // neither stays in memory
}

TEST_F(DurableEngineTest, OneExecutionThatCannotBeRebuiltDoesNotStopTheOthersFromResuming) {
  // A damaged record, or a definition a newer stepguard no longer loads, must not keep
  // the server from starting: that execution stays as it is, the others resume.
  std::string broken = start(kWaitThenPass, "broken");
  std::string fine = start(kWaitThenPass, "fine");
  begin();
  store_->append_journal(row(broken).id, 1, "{not json");
  commit();
  engine_.reset();
  begin();
  auto n = DurableEngine(*store_, dispatcher_, {}).recover(now_);
  commit();
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  reopen();
  advance_to(now_ + 3600 * 1000);
  EXPECT_EQ(row(fine).status, "SUCCEEDED");
  EXPECT_EQ(row(broken).status, "RUNNING");
}

TEST_F(DurableEngineTest, ManyTimersDueTogetherFireOverSeveralBatches) {
  // Executions waiting until the same instant (a Wait until midnight): one batch firing
  // them all would hold every request behind it; each batch takes a bounded share.
  constexpr int kCount = 1100;
  for (int i = 0; i < kCount; ++i) {
    std::string name = "w";
    name += std::to_string(i);
    start(kWaitThenPass, name);
  }
  auto succeeded = [&] {
    store::ExecutionFilter f;
    f.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:sm";
    f.status = "SUCCEEDED";
    f.limit = 1 << 20;
    return store_->list_executions(f).size();
  };
  advance_to(now_ + 3600 * 1000);
  size_t first = succeeded();
  EXPECT_GT(first, 0u);
  EXPECT_LT(first, static_cast<size_t>(kCount));
  ASSERT_TRUE(engine_->next_wakeup().has_value());
  EXPECT_LE(*engine_->next_wakeup(), now_);  // the loop runs the next batch at once
  advance_to(now_);
  EXPECT_EQ(succeeded(), static_cast<size_t>(kCount));
}

TEST_F(DurableEngineTest, HistoryLimitFailsTheExecution) {
  reopen(EngineOptions{.max_history_events = 20});
  std::string loop = R"({"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A"}}})";
  std::string arn = start(loop, "endless");
  store::ExecutionRow r = row(arn);
  EXPECT_EQ(r.status, "FAILED");
  EXPECT_EQ(r.doc.find("error")->as_string(), "States.Runtime");
  EXPECT_LE(store_->event_count(r.id), 22);
}

}  // namespace
// The guardian's hook: every status change reaches the observer inside the batch that
// writes it (the row it reads already has the new status).
TEST_F(DurableEngineTest, ObserverSeesEveryStatusChangeInItsBatch) {
  struct Recorder final : ExecutionObserver {
    DurableEngine* engine = nullptr;
    std::vector<ExecutionChange> changes;
    std::vector<std::string> row_status;
    void on_execution_change(const ExecutionChange& c) override {
      changes.push_back(c);
      auto r = engine->find(c.execution_arn);
      row_status.push_back(r ? r->status : "missing");
    }
  } rec;
  rec.engine = engine_.get();
  engine_->add_observer(&rec);
  std::string ok = start(kPass, "ok");
  ASSERT_EQ(rec.changes.size(), 2u);
  EXPECT_EQ(rec.changes[0].kind, ExecutionChange::Kind::kStarted);
  EXPECT_EQ(rec.changes[0].status, "RUNNING");
  EXPECT_EQ(rec.changes[0].state_machine_arn, "arn:aws:states:us-east-1:123456789012:stateMachine:sm");
  EXPECT_EQ(rec.changes[0].name, "ok");
  EXPECT_EQ(rec.changes[0].start_ms, now_);
  EXPECT_EQ(rec.changes[1].kind, ExecutionChange::Kind::kClosed);
  EXPECT_EQ(rec.changes[1].status, "SUCCEEDED");
  EXPECT_EQ(rec.changes[1].stop_ms, now_);
  EXPECT_EQ(rec.row_status, (std::vector<std::string>{"RUNNING", "SUCCEEDED"}));

  std::string cb = start(kCallback, "cb", R"({"n":1})");
  begin();
  std::string error = "Cancelled", cause = "by the operator";
  ASSERT_TRUE(engine_->stop(cb, &error, &cause, now_ + 100).ok());
  commit();
  ASSERT_EQ(rec.changes.size(), 4u);
  const ExecutionChange& stopped = rec.changes[3];
  EXPECT_EQ(stopped.kind, ExecutionChange::Kind::kClosed);
  EXPECT_EQ(stopped.status, "ABORTED");
  EXPECT_EQ(stopped.error, "Cancelled");
  EXPECT_EQ(stopped.cause, "by the operator");
  EXPECT_EQ(stopped.stop_ms, now_ + 100);
  EXPECT_EQ(rec.row_status[3], "ABORTED");
  EXPECT_GT(stopped.row_id, rec.changes[0].row_id);

  begin();
  ASSERT_TRUE(engine_->redrive(cb, "tok", now_ + 200).ok());
  commit();
  ASSERT_GE(rec.changes.size(), 5u);
  EXPECT_EQ(rec.changes[4].kind, ExecutionChange::Kind::kRedriven);
  EXPECT_EQ(rec.changes[4].status, "RUNNING");
  EXPECT_EQ(rec.changes[4].error, "");
  std::string token = token_of(cb);
  begin();
  ASSERT_TRUE(engine_->task_success(token, parse("7"), now_ + 300).ok());
  commit();
  EXPECT_EQ(rec.changes.back().status, "SUCCEEDED");
  EXPECT_TRUE(rec.changes.back().redriven);
  engine_->remove_observer(&rec);
}

}  // namespace sg::engine
