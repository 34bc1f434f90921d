// GuardianService without a server: execution changes in, tiles/metrics/alarms/events out,
// in guardian time.
#include "cli/guardian_service.h"

#include <gtest/gtest.h>

#include "cli/guardian_config.h"
#include "cli/status_command.h"
#include "json/parse.h"

namespace sg::cli {
namespace {

using json::Value;

constexpr int64_t kT0 = 1'700'000'040'000;  // 22:14:00 on 2023-11-14, a minute boundary
const std::string kArn = "arn:aws:states:us-east-1:123456789012:stateMachine:";

Value parse(std::string_view text) {
  auto v = json::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

engine::ExecutionChange change(const std::string& machine, const std::string& name, std::string status,
                               int64_t start, int64_t stop, int64_t row_id, int64_t at) {
  engine::ExecutionChange c;
  c.kind =
      status == "RUNNING" ? engine::ExecutionChange::Kind::kStarted : engine::ExecutionChange::Kind::kClosed;
  c.state_machine_arn = kArn + machine;
  c.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:" + machine + ":" + name;
  c.name = name;
  c.status = std::move(status);
  c.start_ms = start;
  c.stop_ms = stop;
  c.row_id = row_id;
  c.at_ms = at;
  if (c.status == "FAILED") {
    c.error = "DataError";
    c.cause = "bad file";
  }
  return c;
}

const char* kTemplateYaml = R"(
alarm_templates:
  - name: latest-status
    name_pattern: "step*"
    alarm:
      AlarmName: "StepFunctionStatusAlarm-${state_machine}"
      Namespace: StepGuard
      MetricName: LatestExecutionStatusCode
      Dimensions: [{Name: StateMachineArn, Value: "${state_machine_arn}"}]
      Statistic: Maximum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 3
      ComparisonOperator: GreaterThanOrEqualToThreshold
      AlarmActions: ["arn:aws:sns:us-east-1:123456789012:alerts"]
)";

class GuardianServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { machines_ = {machine("step1"), machine("step2"), machine("zeta")}; }
  static GuardianMachine machine(const std::string& name) {
    return GuardianMachine{name, kArn + name, "STANDARD", "123456789012", "us-east-1", {{"team", "data"}}};
  }
  std::unique_ptr<GuardianService> make(double time_scale = 1.0) {
    auto file = parse_config_text(kTemplateYaml, "test.yaml", "");
    EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message);
    GuardianConfig config;
    config.time_scale = time_scale;
    Status st = read_guardian_sections(*file, config);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    MachineSource src;
    src.list = [this] { return machines_; };
    src.find = [this](const std::string& arn) -> std::optional<GuardianMachine> {
      for (const auto& m : machines_)
        if (m.arn == arn) return m;
      return std::nullopt;
    };
    auto g = std::make_unique<GuardianService>(std::move(config), std::move(src), nullptr);
    EXPECT_TRUE(g->start(kT0).ok());
    return g;
  }
  std::vector<GuardianMachine> machines_;
};

TEST_F(GuardianServiceTest, TemplatesGiveEveryMatchingMachineAnAlarmIncludingLaterOnes) {
  auto g = make();
  Value alarms = g->alarms_summary();
  ASSERT_EQ(alarms.find("alarms")->size(), 2u);
  EXPECT_EQ((*alarms.find("alarms"))[0].find("alarmName")->as_string(), "StepFunctionStatusAlarm-step1");
  EXPECT_EQ((*alarms.find("alarms"))[0].find("stateValue")->as_string(), "INSUFFICIENT_DATA");
  machines_.push_back(machine("step9"));
  g->tick(kT0 + 60'000);
  EXPECT_EQ(g->alarms_summary().find("alarms")->size(), 3u);
  machines_.pop_back();
  g->tick(kT0 + 120'000);
  EXPECT_EQ(g->alarms_summary().find("alarms")->size(), 2u);
}

TEST_F(GuardianServiceTest, LatestStatusFeedsTilesMetricsAndTheSeedAlarm) {
  auto g = make();
  std::vector<std::pair<std::string, Value>> events;
  g->subscribe(
      [&](std::string_view name, const Value& data) { events.emplace_back(std::string(name), data); });
  g->on_execution_change(change("step1", "a", "RUNNING", kT0 + 1000, 0, 1, kT0 + 1000));
  g->on_execution_change(change("step1", "a", "SUCCEEDED", kT0 + 1000, kT0 + 3000, 1, kT0 + 3000));
  g->on_execution_change(change("step2", "b", "RUNNING", kT0 + 2000, 0, 2, kT0 + 2000));
  g->on_execution_change(change("step2", "b", "FAILED", kT0 + 2000, kT0 + 5000, 2, kT0 + 5000));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].first, "status");
  EXPECT_EQ(events[3].second.find("name")->as_string(), "step2");
  EXPECT_EQ(events[3].second.find("latest")->find("status")->as_string(), "FAILED");

  Value grid = g->state_machines({});
  EXPECT_EQ(grid.find("counts")->dump(),
            R"({"SUCCEEDED":1,"FAILED":1,"TIMED_OUT":0,"ABORTED":0,"RUNNING":0,"NONE":1})");
  const Value& step2 = (*grid.find("stateMachines"))[1];
  EXPECT_EQ(step2.find("latest")->dump(),
            R"({"status":"FAILED","executionArn":"arn:aws:states:us-east-1:123456789012:execution:step2:b",)"
            R"("name":"b","startDate":"2023-11-14T22:14:02.000Z","stopDate":"2023-11-14T22:14:05.000Z",)"
            R"("error":"DataError","cause":"bad file"})");
  EXPECT_EQ(step2.find("tags")->dump(), R"({"team":"data"})");
  EXPECT_TRUE((*grid.find("stateMachines"))[2].find("latest")->is_null());
  EXPECT_EQ(g->state_machines({{"status", "NONE"}}).find("stateMachines")->size(), 1u);
  EXPECT_EQ(g->state_machines({{"tag", "team=ops"}}).find("stateMachines")->size(), 0u);

  std::string prom = g->prometheus_text();
  EXPECT_NE(prom.find("stepguard_latest_execution_status_code{state_machine=\"step1\"} 2\n"),
            std::string::npos);
  EXPECT_NE(prom.find("stepguard_latest_execution_status_code{state_machine=\"step2\"} 3\n"),
            std::string::npos);
  EXPECT_NE(prom.find("stepguard_latest_execution_status_code{state_machine=\"zeta\"} 0\n"),
            std::string::npos);

  // The next minute boundary evaluates the window holding the changes: step2 turns red.
  g->tick(kT0 + 60'000);
  Value alarms = *g->alarms_summary().find("alarms");
  EXPECT_EQ(alarms[0].find("stateValue")->as_string(), "OK");
  EXPECT_EQ(alarms[1].find("stateValue")->as_string(), "ALARM");
  EXPECT_EQ(alarms[1].find("metricName")->as_string(), "LatestExecutionStatusCode");
  EXPECT_EQ(events.back().first, "alarm");
  grid = g->state_machines({{"name", "STEP2"}});
  ASSERT_EQ(grid.find("stateMachines")->size(), 1u);
  EXPECT_EQ((*grid.find("stateMachines"))[0].find("alarmState")->as_string(), "ALARM");
  // The status is sampled every minute: the alarm stays red while step2's latest failed...
  g->tick(kT0 + 120'000);
  g->tick(kT0 + 180'000);
  EXPECT_EQ((*g->alarms_summary().find("alarms"))[1].find("stateValue")->as_string(), "ALARM");
  // ...and turns green once a later execution succeeds.
  g->on_execution_change(change("step2", "c", "SUCCEEDED", kT0 + 190'000, kT0 + 191'000, 3, kT0 + 191'000));
  g->tick(kT0 + 240'000);
  g->tick(kT0 + 300'000);
  EXPECT_EQ((*g->alarms_summary().find("alarms"))[1].find("stateValue")->as_string(), "OK");
  // Actions were due but no notifier is configured: the history says so.
  auto h = g->alarm_action(
      "DescribeAlarmHistory",
      parse(R"({"AlarmName":"StepFunctionStatusAlarm-step2","HistoryItemType":"Action"})"), kT0 + 300'000);
  ASSERT_TRUE(h.ok());
  EXPECT_GE(h->find("AlarmHistoryItems")->size(), 1u);
}

TEST_F(GuardianServiceTest, TimeScaleSpeedsUpTheGuardianMinute) {
  auto g = make(0.01);
  EXPECT_EQ(g->guardian_time(kT0), kT0);
  EXPECT_EQ(g->guardian_time(kT0 + 600), kT0 + 60'000);
  ASSERT_TRUE(g->next_wakeup().has_value());
  EXPECT_LE(*g->next_wakeup(), kT0 + 601);
  g->on_execution_change(change("step2", "b", "FAILED", kT0 + 100, kT0 + 200, 1, kT0 + 200));
  g->on_time(*g->next_wakeup());
  EXPECT_EQ((*g->alarms_summary().find("alarms"))[1].find("stateValue")->as_string(), "ALARM");
}

TEST_F(GuardianServiceTest, AlarmApiAndStatistics) {
  auto g = make();
  auto put = g->alarm_action("PutMetricAlarm", parse(R"({"AlarmName":"failures","Namespace":"AWS/States",
      "MetricName":"ExecutionsFailed","Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":1,
      "ComparisonOperator":"GreaterThanOrEqualToThreshold"})"),
                             kT0);
  ASSERT_TRUE(put.ok()) << put.error().message;
  auto bad = g->alarm_action("PutMetricAlarm", parse(R"({"AlarmName":"x"})"), kT0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "MissingParameter");
  EXPECT_FALSE(g->alarm_action("Nope", Value::empty_object(), kT0).ok());
  g->on_execution_change(change("step2", "b", "FAILED", kT0 + 100, kT0 + 200, 1, kT0 + 200));
  auto stats = g->metric_statistics(parse(R"({"Namespace":"AWS/States","MetricName":"ExecutionsFailed",
      "StartTime":1700000000,"EndTime":1700000400,"Period":60,"Statistics":["Sum"]})"));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  ASSERT_EQ(stats->find("Datapoints")->size(), 1u);
  EXPECT_EQ((*stats->find("Datapoints"))[0].find("Sum")->as_double(), 1.0);
}

TEST(GuardianConfigTest, BadTemplatesAreRejectedWithTheirPlace) {
  auto file =
      parse_config_text("alarm_templates:\n  - name: t\n    alarm: {AlarmName: fixed}\n", "c.yaml", "");
  ASSERT_TRUE(file.ok());
  GuardianConfig config;
  Status st = read_guardian_sections(*file, config);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "INVALID_CONFIG");
  EXPECT_NE(st.error().message.find("c.yaml: alarm_templates[0]"), std::string::npos) << st.error().message;
  auto bad = parse_config_text("alarms: {a: 1}\n", "c.yaml", "");
  EXPECT_FALSE(bad.ok());
}

TEST(StatusTableTest, RendersRowsColoursAndCounts) {
  Value grid = parse(R"({"stateMachines":[
    {"name":"step1","latest":{"status":"SUCCEEDED","name":"run-1","startDate":"2026-11-22T01:00:00.000Z",
     "stopDate":"2026-11-22T01:00:02.000Z"},"alarmState":"OK"},
    {"name":"step2","latest":{"status":"FAILED","name":"run-2","startDate":"2026-11-22T01:00:00.000Z",
     "stopDate":"2026-11-22T01:00:03.000Z"},"alarmState":"ALARM"},
    {"name":"busy","latest":{"status":"RUNNING","name":"run-3","startDate":"2026-11-22T01:05:00.000Z",
     "stopDate":null},"alarmState":null},
    {"name":"new","latest":null,"alarmState":null}],
    "counts":{"SUCCEEDED":1,"FAILED":1,"TIMED_OUT":0,"ABORTED":0,"RUNNING":1,"NONE":1}})");
  EXPECT_EQ(render_status_table(grid, false),
            "  STATE MACHINE  STATUS     LAST EXECUTION  STOPPED/STARTED      ALARM\n"
            "● step1          SUCCEEDED  run-1           2026-11-22 01:00:02  OK\n"
            "● step2          FAILED     run-2           2026-11-22 01:00:03  ALARM\n"
            "◐ busy           RUNNING    run-3           2026-11-22 01:05:00  -\n"
            "○ new            NEVER RUN  -               -                    -\n"
            "\n"
            "● SUCCEEDED 1  ● FAILED 1  ● TIMED_OUT 0  ● ABORTED 0  ◐ RUNNING 1  ○ NEVER RUN 1\n");
  std::string colored = render_status_table(grid, true);
  EXPECT_NE(colored.find("\033[31m●\033[0m step2"), std::string::npos);
  EXPECT_NE(colored.find("\033[32m●\033[0m step1"), std::string::npos);
  EXPECT_NE(colored.find("\033[34m◐\033[0m busy"), std::string::npos);
  EXPECT_NE(colored.find("\033[90m○\033[0m new"), std::string::npos);
}

}  // namespace
}  // namespace sg::cli
