// EventsRuntime's schedules, in virtual time on a real store, engine and service loop: a
// scheduled rule (rate and cron) and a config schedule start executions with the target's
// input at the right times; the last fire time survives a restart; a fire missed while
// the server was down runs once at start-up when catch_up_missed is on, not at all when
// off. Also the decisions of event_schedules.h alone, and the config section's parser.
#include "cli/events_runtime.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "api/registry.h"
#include "api/registry_actions.h"
#include "json/parse.h"
#include "json/timestamp.h"

namespace sg::cli {
namespace {

using json::Value;

class ManualClock final : public engine::Clock {
 public:
  int64_t now_ms() override { return now.load(); }
  std::atomic<int64_t> now{0};
};

class NoDispatcher final : public engine::TaskDispatcher {
 public:
  void dispatch(std::unique_ptr<engine::DispatchedTask>) override {}
};

Value parse(std::string_view text) {
  auto v = json::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

int64_t at(const char* iso) { return *json::parse_rfc3339(iso); }

constexpr const char* kMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:tick";

// One `stepguard serve` process minus HTTP: what serve_command wires, on a manual clock.
struct Server {
  Server(const std::filesystem::path& dir, ManualClock& clock, EventsSettings settings) : clock_(clock) {
    store = std::move(store::SqliteStore::open(dir.string(), {.sync_full = false})).value();
    registry = std::make_unique<api::Registry>(
        api::ApiContext{}, *store, [&clock] { return clock.now_ms(); }, [] { return uint64_t{42}; });
    registry->load();
    engine = std::make_unique<engine::DurableEngine>(*store, dispatcher, engine::EngineOptions{});
    engine::LoopHooks hooks;
    hooks.begin_batch = [this] { return store->begin(); };
    hooks.commit_batch = [this] { return store->commit(); };
    hooks.on_time = [this](int64_t now) {
      engine->on_time(now);
      if (events) events->on_time(now);
    };
    hooks.next_wakeup = [this] {
      return events ? events->next_wakeup(engine->next_wakeup()) : engine->next_wakeup();
    };
    loop = std::make_unique<engine::ServiceLoop>(clock, hooks);
    EventsHost host;
    host.store = store.get();
    host.engine = engine.get();
    host.loop = loop.get();
    host.seed = 7;
    events = std::move(EventsRuntime::open(host, std::move(settings))).value();
    engine->add_observer(events.get());
    EXPECT_TRUE(store->begin().ok());
    EXPECT_TRUE(engine->recover(clock.now_ms()).ok());
    EXPECT_TRUE(store->commit().ok());
    actions = std::make_unique<api::ExecutionActions>(*registry, *engine);
    loop->start();
    run([this] { events->set_execution_actions(actions.get()); });
  }
  ~Server() {
    events->close();
    loop->stop();
  }
  // Runs `fn` on the loop in a batch at the clock's time and waits for the commit (the
  // batch's on_time runs after it: what is due fires there).
  void run(std::function<void()> fn) {
    std::promise<void> done;
    loop->post([&] {
      fn();
      loop->after_commit([&](bool) { done.set_value(); });
    });
    ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }
  void advance_to(int64_t t) {
    clock_.now = t;
    run([] {});
    run([] {});  // deliveries queued by the first batch's tick run in this one at the latest
  }
  Value events_call(const std::string& action, const std::string& request) {
    std::promise<std::pair<int, std::string>> reply;
    loop->post([&] {
      events->call(action, parse(request), [&](int status, std::string body) {
        reply.set_value({status, std::move(body)});
      });
    });
    auto r = reply.get_future().get();
    EXPECT_EQ(r.first, 200) << r.second;
    return parse(r.second);
  }
  void create_machine() {
    run([this] {
      api::RegistryActions ra(*registry);
      auto r = ra.handle("CreateStateMachine",
                         parse(R"({"name":"tick","roleArn":"arn:aws:iam::123456789012:role/r",
        "definition":"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}"})"));
      ASSERT_TRUE(r.ok()) << r.error().message;
    });
  }
  // The executions of kMachine, oldest first: {start time, input}.
  std::vector<std::pair<int64_t, std::string>> executions() {
    std::vector<std::pair<int64_t, std::string>> out;
    run([&] {
      actions->handle("ListExecutions", parse(std::string(R"({"stateMachineArn":")") + kMachine + "\"}"),
                      clock_.now_ms(), [&](api::ApiResult r) {
                        ASSERT_TRUE(r.ok());
                        for (const Value& e : r.body().find("executions")->items()) {
                          Value d;
                          actions->handle("DescribeExecution",
                                          parse("{\"executionArn\":" + e.find("executionArn")->dump() + "}"),
                                          clock_.now_ms(), [&](api::ApiResult x) { d = x.body(); });
                          out.emplace_back(static_cast<int64_t>(e.find("startDate")->as_double() * 1000),
                                           std::string(d.find("input")->as_string()));
                        }
                      });
    });
    std::sort(out.begin(), out.end());
    return out;
  }
  std::optional<int64_t> last_fire(const std::string& rule) {
    std::optional<int64_t> out;
    run([&] {
      // The durable value, as a restart would read it.
      out = store::SqliteEventBusStore::open(*store).value()->last_fire("default", rule);
    });
    return out;
  }

  ManualClock& clock_;
  NoDispatcher dispatcher;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<api::Registry> registry;
  std::unique_ptr<engine::DurableEngine> engine;
  std::unique_ptr<engine::ServiceLoop> loop;
  std::unique_ptr<EventsRuntime> events;
  std::unique_ptr<api::ExecutionActions> actions;
};

class EventsRuntimeSchedules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sg-events-runtime-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Server> start(int64_t t, EventsSettings settings = {}) {
    clock_.now = t;
    return std::make_unique<Server>(dir_, clock_, std::move(settings));
  }
  void put_scheduled_rule(Server& s, const std::string& name, const std::string& expression,
                          const std::string& target_extra) {
    s.events_call("PutRule", "{\"Name\":\"" + name + "\",\"ScheduleExpression\":\"" + expression + "\"}");
    s.events_call("PutTargets", "{\"Rule\":\"" + name + "\",\"Targets\":[{\"Id\":\"t\",\"Arn\":\"" +
                                    kMachine + "\"" + target_extra + "}]}");
  }

  std::filesystem::path dir_;
  ManualClock clock_;
};

TEST_F(EventsRuntimeSchedules, RateRuleStartsAnExecutionEveryMinuteWithTheTargetsInput) {
  int64_t t0 = at("2025-02-27T12:00:00.500Z");
  auto s = start(t0);
  s->create_machine();
  put_scheduled_rule(*s, "every-minute", "rate(1 minute)", R"(,"Input":"{\"job\":\"sweep\"}")");
  s->advance_to(t0 + 59000);
  EXPECT_TRUE(s->executions().empty());  // a rule's rate first fires one period after creation
  s->advance_to(t0 + 60000);
  s->advance_to(t0 + 90000);
  s->advance_to(t0 + 120000);
  auto runs = s->executions();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].first, t0 + 60000);
  EXPECT_EQ(runs[1].first, t0 + 120000);
  EXPECT_EQ(runs[0].second, R"({"job":"sweep"})");
  std::string metrics = s->events->prometheus_text();
  EXPECT_NE(metrics.find("stepguard_event_deliveries_total{outcome=\"delivered\"} 2\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("stepguard_schedule_fires_total{outcome=\"fired\"} 2\n"), std::string::npos);
  // The durable last fire is the tick that fired (rule clock = wall clock at scale 1).
  EXPECT_EQ(s->last_fire("every-minute"), t0 + 120000);
}

TEST_F(EventsRuntimeSchedules, CronRuleFiresAtItsMinutesWithTheScheduledEventInTheInput) {
  int64_t t0 = at("2025-02-27T12:01:00Z");
  auto s = start(t0);
  s->create_machine();
  put_scheduled_rule(*s, "five", "cron(0/5 * * * ? *)",
                     R"(,"InputTransformer":{"InputPathsMap":{"t":"$.time","k":"$.detail-type"},)"
                     R"("InputTemplate":"{\"at\": <t>, \"kind\": <k>}"})");
  for (int64_t k = 1; k <= 9; ++k) s->advance_to(t0 + k * 60000);  // each minute to 12:10
  s->advance_to(at("2025-02-27T12:11:00Z"));
  auto runs = s->executions();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].first, at("2025-02-27T12:05:00Z"));
  EXPECT_EQ(runs[1].first, at("2025-02-27T12:10:00Z"));
  EXPECT_EQ(runs[0].second, R"({"at": "2025-02-27T12:05:00Z", "kind": "Scheduled Event"})");
  EXPECT_EQ(runs[1].second, R"({"at": "2025-02-27T12:10:00Z", "kind": "Scheduled Event"})");
}

TEST_F(EventsRuntimeSchedules, LastFireSurvivesARestartAndTheScheduleGoesOn) {
  int64_t t0 = at("2025-02-27T12:00:30Z");
  {
    auto s = start(t0);
    s->create_machine();
    put_scheduled_rule(*s, "hourly", "cron(0 * * * ? *)", "");
    s->advance_to(at("2025-02-27T13:00:00Z"));
    ASSERT_EQ(s->executions().size(), 1u);
  }
  auto s = start(at("2025-02-27T13:20:00Z"));  // down 20 minutes, nothing missed
  EXPECT_EQ(s->last_fire("hourly"), at("2025-02-27T13:00:00Z"));
  s->advance_to(at("2025-02-27T13:30:00Z"));
  EXPECT_EQ(s->executions().size(), 1u);
  s->advance_to(at("2025-02-27T14:00:00Z"));
  auto runs = s->executions();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].first, at("2025-02-27T14:00:00Z"));
}

TEST_F(EventsRuntimeSchedules, AFireMissedWhileDownRunsOnceAtStartUp) {
  {
    auto s = start(at("2025-02-27T12:00:30Z"));
    s->create_machine();
    put_scheduled_rule(*s, "hourly", "cron(0 * * * ? *)", "");
    s->advance_to(at("2025-02-27T13:00:00Z"));
  }
  EventsSettings settings;
  settings.catch_up_missed = true;
  auto s = start(at("2025-02-27T16:30:00Z"), settings);  // 14:00, 15:00 and 16:00 missed
  s->advance_to(at("2025-02-27T16:30:01Z"));
  auto runs = s->executions();
  ASSERT_EQ(runs.size(), 2u);  // 13:00, then one catch-up at start-up
  EXPECT_EQ(runs[1].first, at("2025-02-27T16:30:00Z"));
  s->advance_to(at("2025-02-27T16:59:59Z"));
  EXPECT_EQ(s->executions().size(), 2u);
  s->advance_to(at("2025-02-27T17:00:00Z"));
  EXPECT_EQ(s->executions().size(), 3u);
}

TEST_F(EventsRuntimeSchedules, AFireMissedWhileDownIsDroppedWhenCatchUpIsOff) {
  {
    auto s = start(at("2025-02-27T12:00:30Z"));
    s->create_machine();
    put_scheduled_rule(*s, "hourly", "cron(0 * * * ? *)", "");
    s->advance_to(at("2025-02-27T13:00:00Z"));
  }
  EventsSettings settings;
  settings.catch_up_missed = false;
  auto s = start(at("2025-02-27T16:30:00Z"), settings);
  s->advance_to(at("2025-02-27T16:30:01Z"));
  EXPECT_EQ(s->executions().size(), 1u);
  EXPECT_EQ(s->events->dropped_fires(), 1u);
  EXPECT_NE(s->events->prometheus_text().find("stepguard_schedule_fires_total{outcome=\"dropped\"} 1\n"),
            std::string::npos);
  s->advance_to(at("2025-02-27T17:00:00Z"));
  EXPECT_EQ(s->executions().size(), 2u);
}

TEST_F(EventsRuntimeSchedules, ADisabledRuleDoesNotFire) {
  int64_t t0 = at("2025-02-27T12:00:00Z");
  auto s = start(t0);
  s->create_machine();
  put_scheduled_rule(*s, "every-minute", "rate(1 minute)", "");
  s->events_call("DisableRule", R"({"Name":"every-minute"})");
  s->advance_to(t0 + 180000);
  EXPECT_TRUE(s->executions().empty());
}

TEST_F(EventsRuntimeSchedules, ARuleEnabledAgainDoesNotReplayTheFiresItMissed) {
  int64_t t0 = at("2025-02-27T12:00:00Z");
  auto s = start(t0);
  s->create_machine();
  put_scheduled_rule(*s, "every-minute", "rate(1 minute)", "");
  s->advance_to(t0 + 60000);
  ASSERT_EQ(s->executions().size(), 1u);
  s->events_call("DisableRule", R"({"Name":"every-minute"})");
  s->advance_to(t0 + 300000);
  s->events_call("EnableRule", R"({"Name":"every-minute"})");
  s->advance_to(t0 + 301000);
  EXPECT_EQ(s->executions().size(), 1u);
  s->advance_to(t0 + 360000);  // the rate's grid: creation + k minutes
  EXPECT_EQ(s->executions().size(), 2u);
}

TEST_F(EventsRuntimeSchedules, TimeScaleSpeedsUpTheScheduleClock) {
  int64_t t0 = at("2025-02-27T12:00:00Z");
  EventsSettings settings;
  settings.delivery.time_scale = 1.0 / 60;  // a minute of schedule time per second
  auto s = start(t0, settings);
  s->create_machine();
  put_scheduled_rule(*s, "every-minute", "rate(1 minute)", "");
  for (int i = 1; i <= 3; ++i) s->advance_to(t0 + i * 1000);
  EXPECT_EQ(s->executions().size(), 3u);
}

TEST_F(EventsRuntimeSchedules, ConfigScheduleRateFiresAtOnceThenEveryPeriodWithPlaceholdersFilled) {
  int64_t t0 = at("2025-02-27T12:00:00Z");
  auto parsed = parse_config_schedules(YAML::Load(R"(
- name: sweep
  expression: rate(10 minutes)
  target: arn:aws:states:us-east-1:123456789012:stateMachine:tick
  input: {job: sweep, at: "<aws.scheduler.scheduled-time>"}
)"),
                                       "cfg.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EventsSettings settings;
  settings.schedules = *parsed;
  auto s = start(t0, settings);
  s->create_machine();
  s->advance_to(t0 + 1000);
  s->advance_to(t0 + 600000);
  auto runs = s->executions();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].second, R"({"job":"sweep","at":"2025-02-27T12:00:00Z"})");
  EXPECT_EQ(runs[1].second, R"({"job":"sweep","at":"2025-02-27T12:10:00Z"})");
}

TEST_F(EventsRuntimeSchedules, ConfigScheduleAtFiresOnceInItsTimeZone) {
  int64_t t0 = at("2025-03-08T00:00:00Z");
  auto parsed = parse_config_schedules(YAML::Load(R"(
- name: once
  expression: at(2025-03-08T02:30:00)
  timezone: America/Los_Angeles
  target: arn:aws:states:us-east-1:123456789012:stateMachine:tick
)"),
                                       "cfg.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EventsSettings settings;
  settings.schedules = *parsed;
  auto s = start(t0, settings);
  s->create_machine();
  s->advance_to(at("2025-03-08T10:29:59Z"));
  EXPECT_TRUE(s->executions().empty());
  s->advance_to(at("2025-03-08T10:30:00Z"));  // 02:30 PST
  s->advance_to(at("2025-03-09T10:30:00Z"));
  auto runs = s->executions();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].first, at("2025-03-08T10:30:00Z"));
  EXPECT_EQ(runs[0].second, "{}");
}

TEST_F(EventsRuntimeSchedules, SchedulesJsonListsNextFireTimes) {
  int64_t t0 = at("2025-02-27T12:00:00Z");
  auto s = start(t0);
  s->create_machine();
  put_scheduled_rule(*s, "weekdays", "cron(0 18 ? * MON-FRI *)", "");
  std::string out;
  s->run([&] { out = s->events->schedules_json(3); });
  Value v = parse(out);
  const Value& first = v.find("schedules")->items()[0];
  EXPECT_EQ(first.find("name")->as_string(), "weekdays");
  EXPECT_EQ(first.find("next_fires")->dump(),
            R"(["2025-02-27T18:00:00Z","2025-02-28T18:00:00Z","2025-03-03T18:00:00Z"])");
  EXPECT_TRUE(first.find("last_fire")->is_null());  // never fired yet
  s->advance_to(at("2025-02-27T18:00:00Z"));
  s->run([&] { out = s->events->schedules_json(1); });
  Value again = parse(out);
  const Value& after = again.find("schedules")->items()[0];
  EXPECT_EQ(after.find("last_fire")->as_string(), "2025-02-27T18:00:00Z");
  EXPECT_EQ(after.find("next_fires")->dump(), R"(["2025-02-28T18:00:00Z"])");
}

// event_schedules.h alone.
TEST(DecideFire, FlexibleWindowDelaysWithinTheWindowDeterministically) {
  events::ScheduleOptions o;
  o.flexible_window_minutes = 15;
  auto s = events::Schedule::make("cron(0 10 * * ? *)", o);
  ASSERT_TRUE(s.ok());
  int64_t nominal = at("2025-02-28T10:00:00Z");
  int64_t due = due_time(*s, "schedule/x", nominal);
  EXPECT_GE(due, nominal);
  EXPECT_LT(due, nominal + 15 * 60000);
  EXPECT_EQ(due, due_time(*s, "schedule/x", nominal));
  FireDecision before = decide_fire(*s, "schedule/x", at("2025-02-27T12:00:00Z"), due - 1000, false, true);
  EXPECT_FALSE(before.fire_ms);
  EXPECT_EQ(before.next_ms, due);
  FireDecision after = decide_fire(*s, "schedule/x", at("2025-02-27T12:00:00Z"), due, false, true);
  EXPECT_EQ(after.fire_ms, nominal);  // the event carries the nominal (scheduled) time
}

TEST(ConfigSchedules, RejectsWhatSchedulerRejects) {
  auto bad = [](const char* yaml) { return parse_config_schedules(YAML::Load(yaml), "cfg.yaml"); };
  EXPECT_FALSE(bad("- {name: a, expression: 'rate(0 minutes)', target: x}").ok());
  EXPECT_FALSE(bad("- {name: a, expression: 'cron(0 10 * * * *)', target: x}").ok());
  EXPECT_FALSE(bad("- {name: a, expression: 'rate(1 hour)'}").ok());                 // no target
  EXPECT_FALSE(bad("- {name: 'a b', expression: 'rate(1 hour)', target: x}").ok());  // name
  EXPECT_FALSE(bad("- {name: a, expression: 'rate(1 hour)', target: x, timezone: Mars/Base}").ok());
  EXPECT_FALSE(bad("- {name: a, expression: 'rate(1 hour)', target: x, flexible_window_minutes: 1441}").ok());
  EXPECT_FALSE(bad("- {name: a, expression: 'rate(1 hour)', target: x, colour: red}").ok());
  auto inputs = bad(R"(
- {name: a, expression: 'rate(1 hour)', target: x, input: '{"a": [1, 2]}'}
- {name: b, expression: 'rate(1 hour)', target: x, input: 'hello'}
- {name: c, expression: 'rate(1 hour)', target: x, input: {n: 3, ok: true}}
- {name: d, expression: 'rate(1 hour)', target: x}
)");
  ASSERT_TRUE(inputs.ok()) << inputs.error().message;
  EXPECT_EQ(inputs->at(0).input, R"({"a":[1,2]})");
  EXPECT_EQ(inputs->at(1).input, R"("hello")");
  EXPECT_EQ(inputs->at(2).input, R"({"n":3,"ok":true})");
  EXPECT_EQ(inputs->at(3).input, "{}");
  auto ok = bad("- {name: a, expression: 'rate(1 hours)', target: x, start: '2026-01-01T00:00:00Z'}");
  ASSERT_TRUE(ok.ok()) << ok.error().message;  // Scheduler accepts either plural form
  EXPECT_TRUE(ok->at(0).options.start.has_value());
}

}  // namespace
}  // namespace sg::cli
