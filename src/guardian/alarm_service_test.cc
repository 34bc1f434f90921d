#include "guardian/alarm_service.h"

#include <gtest/gtest.h>

#include "guardian/alarm_template.h"
#include "guardian/states_metrics.h"
#include "json/parse.h"
#include "json/timestamp.h"

namespace sg::guardian {
namespace {

int64_t at(const char* iso) { return *json::parse_rfc3339(iso); }
json::Value parse(const std::string& text) { return *json::parse_json(text); }

std::string arn(const std::string& name) {
  return "arn:aws:states:us-east-1:123456789012:stateMachine:" + name;
}

// The seed's scenario: three state machines under one template, one of them failing,
// ends with exactly one alarm in ALARM and one notification.
TEST(AlarmServiceTest, SeedScenarioWithATemplate) {
  AlarmTemplate t;
  t.name = "failures";
  t.name_pattern = "step*";
  t.alarm.name = "${state_machine}-failed";
  t.alarm.ns = "AWS/States";
  t.alarm.metric_name = "ExecutionsFailed";
  t.alarm.dimensions = {{"StateMachineArn", "${state_machine_arn}"}};
  t.alarm.statistic = "Sum";
  t.alarm.period_seconds = 3600;
  t.alarm.evaluation_periods = 1;
  t.alarm.threshold = 1;
  t.alarm.treat_missing_data = TreatMissingData::kNotBreaching;
  t.alarm.actions.alarm_actions = {"arn:aws:sns:us-east-1:123456789012:guardian"};
  ASSERT_TRUE(validate_template(t).ok());

  std::vector<StateMachineInfo> machines = {
      {"step1", arn("step1"), {}}, {"step2", arn("step2"), {}}, {"step3", arn("step3"), {}}};
  AlarmService service;
  const int64_t t0 = at("2024-05-01T10:00:00Z");
  for (const MetricAlarmConfig& c : reconcile(t, machines, {}).create)
    ASSERT_TRUE(service.upsert_metric_alarm(c, t0).ok());

  MetricStore store;
  StatesMetrics metrics(store);
  for (const char* name : {"step1", "step2", "step3"}) {
    ExecutionRef ex{arn(name), "", ""};
    metrics.record_execution_started(ex, t0 + 1000);
    if (std::string(name) == "step2") {
      metrics.record_execution_failed(ex, t0 + 5000, 4000);
    } else {
      metrics.record_execution_succeeded(ex, t0 + 5000, 4000);
    }
  }
  auto events = service.evaluate(store, t0 + 60'000);
  int alarms = 0;
  for (const AlarmStateSample& s : service.states()) alarms += s.state == AlarmState::kAlarm;
  EXPECT_EQ(alarms, 1);
  std::vector<std::string> fired;
  for (const AlarmEvent& e : events)
    if (!e.transition.actions.empty()) fired.push_back(e.transition.alarm_name);
  EXPECT_EQ(fired, std::vector<std::string>{"step2-failed"});
  for (const AlarmEvent& e : events) {
    if (e.transition.alarm_name != "step2-failed") continue;
    EXPECT_EQ(e.notification.subject, "ALARM: \"step2-failed\" in US East (N. Virginia)");
    EXPECT_NE(e.notification.message.find("\"NewStateValue\":\"ALARM\""), std::string::npos);
    EXPECT_EQ(
        e.transition.new_state.reason,
        "Threshold Crossed: 1 datapoint [1.0 (01/05/24 09:01:00)] was greater than or equal to the threshold "
        "(1.0).");
  }
  // A second evaluation a minute later fires nothing: no transition.
  EXPECT_TRUE(service.evaluate(store, t0 + 120'000).empty());
}

TEST(AlarmServiceTest, PutDescribeSetStateHistoryDelete) {
  AlarmService service;
  const int64_t now = at("2024-05-01T10:00:00Z");
  auto put = service.put_metric_alarm(
      parse(R"j({"AlarmName":"a","Namespace":"AWS/States","MetricName":"ExecutionsFailed",
      "Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanOrEqualToThreshold",
      "AlarmActions":["arn:aws:sns:us-east-1:123456789012:t"]})j"),
      now);
  ASSERT_TRUE(put.ok()) << put.error().message;
  auto described = service.describe_alarms(parse("{}"));
  ASSERT_TRUE(described.ok());
  const json::Value& alarm = (*described->find("MetricAlarms"))[0];
  EXPECT_EQ(alarm.find("StateValue")->as_string(), "INSUFFICIENT_DATA");
  EXPECT_EQ(alarm.find("StateReason")->as_string(), "Unchecked: Initial alarm creation");
  EXPECT_EQ(alarm.find("AlarmArn")->as_string(), "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a");

  auto composite = service.put_composite_alarm(parse(R"j({"AlarmName":"c","AlarmRule":"ALARM(a)"})j"), now);
  ASSERT_TRUE(composite.ok()) << composite.error().message;
  ASSERT_EQ(composite->events.size(), 1u);  // INSUFFICIENT_DATA -> OK on creation
  EXPECT_EQ(
      composite->events[0].transition.new_state.reason,
      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:c was created and its alarm rule evaluates to OK");

  auto set = service.set_alarm_state(
      parse(R"j({"AlarmName":"a","StateValue":"ALARM","StateReason":"testing"})j"), now + 1000);
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->events.size(), 2u);  // a, then the composite that watches it
  EXPECT_EQ(set->events[0].transition.actions,
            std::vector<std::string>{"arn:aws:sns:us-east-1:123456789012:t"});
  EXPECT_EQ(set->events[1].transition.alarm_name, "c");
  EXPECT_EQ(set->events[1].transition.new_state.value, AlarmState::kAlarm);

  auto history =
      service.describe_alarm_history(parse(R"j({"AlarmName":"a","HistoryItemType":"StateUpdate"})j"));
  ASSERT_TRUE(history.ok());
  const json::Value& items = *history->find("AlarmHistoryItems");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].find("HistorySummary")->as_string(), "Alarm updated from INSUFFICIENT_DATA to ALARM");

  EXPECT_EQ(service.set_alarm_state(parse(R"j({"AlarmName":"zz","StateValue":"OK","StateReason":"x"})j"), now)
                .error()
                .code,
            "ResourceNotFound");
  EXPECT_EQ(service.put_metric_alarm(parse(R"j({"AlarmName":"b"})j"), now).error().code, "MissingParameter");
  ASSERT_TRUE(service.delete_alarms(parse(R"j({"AlarmNames":["c"]})j")).ok());
  auto all = service.describe_alarms(parse(R"j({"AlarmTypes":["MetricAlarm","CompositeAlarm"]})j"));
  EXPECT_EQ(all->find("CompositeAlarms")->size(), 0u);
  EXPECT_EQ(all->find("MetricAlarms")->size(), 1u);
}

}  // namespace
}  // namespace sg::guardian
