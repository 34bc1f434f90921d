#include "guardian/alarm_notification.h"

#include <gtest/gtest.h>

#include "json/timestamp.h"

namespace sg::guardian {
namespace {

int64_t at(const char* iso) { return *json::parse_rfc3339(iso); }

MetricAlarmConfig test_alarm() {
  MetricAlarmConfig c;
  c.name = "Test alarm";
  c.ns = "AWS/Lambda";
  c.metric_name = "ConcurrentExecutions";
  c.dimensions = {{"FunctionName", "x"}};
  c.statistic = "Sum";
  c.period_seconds = 60;
  c.evaluation_periods = 1;
  c.datapoints_to_alarm = 1;
  c.threshold = 5;
  c.comparison = Comparison::kGreaterThanThreshold;
  c.actions.alarm_actions = {"arn:aws:sns:ca-central-1:017790921725:alerts"};
  return c;
}

AlarmTransition to_alarm(const char* reason) {
  AlarmTransition t;
  t.alarm_name = "Test alarm";
  t.new_state.value = AlarmState::kAlarm;
  t.new_state.reason = reason;
  t.new_state.transitioned_ms = at("2022-09-25T18:50:37.811Z");
  t.new_state.updated_ms = t.new_state.transitioned_ms;
  return t;
}

TEST(AlarmNotificationTest, SnsMessageShape) {
  AccountContext account{"017790921725", "ca-central-1"};
  auto n = metric_alarm_notification(test_alarm(), to_alarm("Threshold Crossed: x"),
                                     at("2022-09-25T18:48:56.505Z"), account);
  EXPECT_EQ(n.subject, "ALARM: \"Test alarm\" in Canada (Central)");
  EXPECT_EQ(
      n.message,
      R"j({"AlarmName":"Test alarm","AlarmDescription":null,"AWSAccountId":"017790921725",)j"
      R"j("AlarmConfigurationUpdatedTimestamp":"2022-09-25T18:48:56.505+0000","NewStateValue":"ALARM",)j"
      R"j("NewStateReason":"Threshold Crossed: x","StateChangeTime":"2022-09-25T18:50:37.811+0000",)j"
      R"j("Region":"Canada (Central)","AlarmArn":"arn:aws:cloudwatch:ca-central-1:017790921725:alarm:Test alarm",)j"
      R"j("OldStateValue":"INSUFFICIENT_DATA","OKActions":[],)j"
      R"j("AlarmActions":["arn:aws:sns:ca-central-1:017790921725:alerts"],"InsufficientDataActions":[],)j"
      R"j("Trigger":{"MetricName":"ConcurrentExecutions","Namespace":"AWS/Lambda","StatisticType":"Statistic",)j"
      R"j("Statistic":"SUM","Unit":null,"Dimensions":[{"value":"x","name":"FunctionName"}],"Period":60,)j"
      R"j("EvaluationPeriods":1,"DatapointsToAlarm":1,"ComparisonOperator":"GreaterThanThreshold",)j"
      R"j("Threshold":5.0,"TreatMissingData":"missing","EvaluateLowSampleCountPercentile":""}})j");
}

TEST(AlarmNotificationTest, ExtendedStatisticAndNoDatapointsToAlarm) {
  MetricAlarmConfig c = test_alarm();
  c.statistic.clear();
  c.extended_statistic = "p99";
  c.datapoints_to_alarm.reset();
  auto n = metric_alarm_notification(c, to_alarm("r"), 0, AccountContext{});
  EXPECT_NE(n.message.find(R"j("StatisticType":"ExtendedStatistic","ExtendedStatistic":"p99")j"),
            std::string::npos);
  EXPECT_EQ(n.message.find("DatapointsToAlarm"), std::string::npos);
  EXPECT_EQ(n.subject, "ALARM: \"Test alarm\" in US East (N. Virginia)");
}

TEST(AlarmHistoryTest, StateUpdateEmbedsReasonDataAsObject) {
  AlarmTransition t = to_alarm("Threshold Crossed: x");
  t.old_state.value = AlarmState::kOk;
  t.old_state.reason = "before";
  t.new_state.reason_data = R"j({"version":"1.0"})j";
  AlarmHistoryItem item = state_update_item(t);
  EXPECT_EQ(item.summary, "Alarm updated from OK to ALARM");
  EXPECT_EQ(item.item_type, "StateUpdate");
  EXPECT_EQ(
      item.data,
      R"j({"version":"1.0","oldState":{"stateValue":"OK","stateReason":"before"},)j"
      R"j("newState":{"stateValue":"ALARM","stateReason":"Threshold Crossed: x","stateReasonData":{"version":"1.0"}}})j");
}

TEST(AlarmHistoryTest, KeepsTwoWeeksAndQueriesNewestFirst) {
  AlarmHistory h;
  h.add(configuration_item("a", "MetricAlarm", true, at("2024-01-01T00:00:00Z")));
  h.add(configuration_item("a", "MetricAlarm", false, at("2024-01-10T00:00:00Z")));
  h.add(action_item("b", "MetricAlarm", "arn:aws:sns:us-east-1:1:t", true, "", at("2024-01-12T00:00:00Z")));
  h.prune(at("2024-01-16T00:00:00Z"));
  EXPECT_EQ(h.size(), 2u);
  auto all = h.query({});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].summary, "Successfully executed action arn:aws:sns:us-east-1:1:t");
  EXPECT_EQ(all[1].summary, "Alarm \"a\" updated");
  HistoryQuery q;
  q.alarm_name = "a";
  EXPECT_EQ(h.query(q).size(), 1u);
}

}  // namespace
}  // namespace sg::guardian
