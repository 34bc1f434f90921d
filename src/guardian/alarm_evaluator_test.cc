#include "guardian/alarm_evaluator.h"

#include <gtest/gtest.h>

#include "json/timestamp.h"

namespace sg::guardian {
namespace {

int64_t at(const char* iso) { return *json::parse_rfc3339(iso); }

std::vector<Slot> slots(std::string_view pattern) {
  std::vector<Slot> out;
  for (char c : pattern) {
    if (c == '0') out.push_back(Slot::kNotBreaching);
    if (c == 'X') out.push_back(Slot::kBreaching);
    if (c == '-') out.push_back(Slot::kMissing);
  }
  return out;
}

// One row of AWS's documented tables: the outcome under missing, ignore, breaching and
// notBreaching ("keep" = the alarm keeps its current state).
struct Row {
  const char* points;
  int fills;
  Outcome missing, ignore, breaching, not_breaching;
};

constexpr Outcome OK = Outcome::kOk;
constexpr Outcome ALARM = Outcome::kAlarm;
constexpr Outcome INSUFFICIENT = Outcome::kInsufficientData;
constexpr Outcome KEEP = Outcome::kKeep;

void check_table(int n, int m, const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    auto range = slots(row.points);
    ASSERT_EQ(range.size(), static_cast<size_t>(evaluation_range(n)));
    SCOPED_TRACE(row.points);
    EXPECT_EQ(decide(range, n, m, TreatMissingData::kMissing).outcome, row.missing);
    EXPECT_EQ(decide(range, n, m, TreatMissingData::kIgnore).outcome, row.ignore);
    EXPECT_EQ(decide(range, n, m, TreatMissingData::kBreaching).outcome, row.breaching);
    EXPECT_EQ(decide(range, n, m, TreatMissingData::kNotBreaching).outcome, row.not_breaching);
    EXPECT_EQ(decide(range, n, m, TreatMissingData::kBreaching).fills, row.fills);
  }
}

TEST(AlarmDecisionTest, EvaluationRangeOfThreePeriodsIsFive) { EXPECT_EQ(evaluation_range(3), 5); }

// "Configuring how CloudWatch alarms treat missing data", table for 3 of 3.
TEST(AlarmDecisionTest, DocumentedTableThreeOutOfThree) {
  check_table(3, 3,
              {
                  {"0 - X - X", 0, OK, OK, OK, OK},
                  {"0 - - - -", 2, OK, OK, OK, OK},
                  {"- - - - -", 3, INSUFFICIENT, KEEP, ALARM, OK},
                  {"0 X X - X", 0, ALARM, ALARM, ALARM, ALARM},
                  {"- - X - -", 2, ALARM, KEEP, ALARM, OK},
              });
}

// Same page, table for 2 of 3.
TEST(AlarmDecisionTest, DocumentedTableTwoOutOfThree) {
  check_table(3, 2,
              {
                  {"0 - X - X", 0, ALARM, ALARM, ALARM, ALARM},
                  {"0 0 X 0 X", 0, ALARM, ALARM, ALARM, ALARM},
                  {"0 - X - -", 1, OK, OK, ALARM, OK},
                  {"- - - - 0", 2, OK, OK, ALARM, OK},
                  {"- - - X -", 2, ALARM, KEEP, ALARM, OK},
              });
}

TEST(AlarmDecisionTest, RecentLoneBreachIsNotAPrematureAlarm) {
  EXPECT_NE(decide(slots("- - - - X"), 3, 3, TreatMissingData::kMissing).outcome, ALARM);
  EXPECT_NE(decide(slots("- - - X -"), 3, 3, TreatMissingData::kMissing).outcome, ALARM);
}

TEST(AlarmDecisionTest, UsesTheNewestNRealPoints) {
  Decision d = decide(slots("X 0 - 0 X"), 3, 3, TreatMissingData::kMissing);
  EXPECT_EQ(d.outcome, OK);
  EXPECT_EQ(d.evaluated, (std::vector<int>{4, 3, 1}));
}

MetricAlarmConfig lambda_alarm() {
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
  return c;
}

TEST(AlarmReasonTest, OneOutOfOneWithDatapointsToAlarm) {
  MetricAlarmConfig c = lambda_alarm();
  MetricStore store;
  store.put(c.metric_id(), "Count", at("2022-09-25T18:49:10Z"), 6);
  auto ev = evaluate_metric_alarm(c, store, AlarmState::kOk, at("2022-09-25T18:50:37.811Z"));
  EXPECT_EQ(ev.outcome, ALARM);
  EXPECT_EQ(
      ev.reason,
      "Threshold Crossed: 1 out of the last 1 datapoints [6.0 (25/09/22 18:49:00)] was greater than the "
      "threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).");
}

TEST(AlarmReasonTest, BackToOk) {
  MetricAlarmConfig c = lambda_alarm();
  c.threshold = 50;
  MetricStore store;
  store.put(c.metric_id(), "Count", at("2022-09-25T18:49:10Z"), 6);
  auto ev = evaluate_metric_alarm(c, store, AlarmState::kAlarm, at("2022-09-25T18:50:00Z"));
  EXPECT_EQ(ev.outcome, OK);
  EXPECT_EQ(
      ev.reason,
      "Threshold Crossed: 1 out of the last 1 datapoints [6.0 (25/09/22 18:49:00)] was not greater than the "
      "threshold (50.0) (minimum 1 datapoint for ALARM -> OK transition).");
}

TEST(AlarmReasonTest, LegacyFormWithoutDatapointsToAlarm) {
  MetricAlarmConfig c = lambda_alarm();
  c.datapoints_to_alarm.reset();
  c.threshold = 150;
  c.comparison = Comparison::kGreaterThanOrEqualToThreshold;
  c.statistic = "Maximum";
  MetricStore store;
  store.put(c.metric_id(), "Count", at("2024-04-16T08:42:30Z"), 161);
  auto ev = evaluate_metric_alarm(c, store, AlarmState::kOk, at("2024-04-16T08:43:05Z"));
  EXPECT_EQ(
      ev.reason,
      "Threshold Crossed: 1 datapoint [161.0 (16/04/24 08:42:00)] was greater than or equal to the threshold "
      "(150.0).");
}

TEST(AlarmReasonTest, TwoOutOfTwoNewestFirstWithSlidingFiveMinuteWindows) {
  MetricAlarmConfig c = lambda_alarm();
  c.period_seconds = 300;
  c.evaluation_periods = 2;
  c.datapoints_to_alarm = 2;
  c.threshold = 10;
  c.statistic = "Average";
  c.comparison = Comparison::kGreaterThanOrEqualToThreshold;
  MetricStore store;
  store.put(c.metric_id(), "Count", at("2020-10-05T06:27:00Z"), 10.25);
  store.put(c.metric_id(), "Count", at("2020-10-05T06:21:00Z"), 10);
  auto ev = evaluate_metric_alarm(c, store, AlarmState::kOk, at("2020-10-05T06:30:58Z"));
  EXPECT_EQ(
      ev.reason,
      "Threshold Crossed: 2 out of the last 2 datapoints [10.25 (05/10/20 06:25:00), 10.0 (05/10/20 "
      "06:20:00)] were greater than or equal to the threshold (10.0) (minimum 2 datapoints for OK -> ALARM "
      "transition).");
}

TEST(AlarmReasonTest, WindowsSlideByTheMinute) {
  MetricAlarmConfig c = lambda_alarm();
  c.period_seconds = 300;
  MetricStore store;
  auto ev = evaluate_metric_alarm(c, store, AlarmState::kOk, at("2020-01-01T17:04:40Z"));
  EXPECT_EQ(ev.range.back().timestamp_ms, at("2020-01-01T16:59:00Z"));
}

TEST(AlarmReasonTest, MissingDataTreatedAsBreaching) {
  MetricAlarmConfig c = lambda_alarm();
  c.treat_missing_data = TreatMissingData::kBreaching;
  MetricStore store;
  auto ev = evaluate_metric_alarm(c, store, AlarmState::kOk, at("2020-01-01T00:00:00Z"));
  EXPECT_EQ(ev.outcome, ALARM);
  EXPECT_EQ(
      ev.reason,
      "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as "
      "[Breaching].");
  c.treat_missing_data = TreatMissingData::kNotBreaching;
  c.evaluation_periods = 3;
  c.datapoints_to_alarm = 3;
  ev = evaluate_metric_alarm(c, store, AlarmState::kAlarm, at("2020-01-01T00:00:00Z"));
  EXPECT_EQ(
      ev.reason,
      "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as "
      "[NonBreaching].");
}

TEST(AlarmReasonTest, StateReasonDataAsAwsWritesIt) {
  MetricAlarmConfig c = lambda_alarm();
  c.statistic = "Minimum";
  c.unit = "Count";
  c.threshold = 1;
  c.comparison = Comparison::kLessThanThreshold;
  MetricStore store;
  store.put(c.metric_id(), "Count", at("2023-04-07T09:08:30Z"), 0);
  auto ev = evaluate_metric_alarm(c, store, AlarmState::kOk, at("2023-04-07T09:09:15.917Z"));
  EXPECT_EQ(ev.outcome, ALARM);
  EXPECT_EQ(
      ev.reason_data,
      R"({"version":"1.0","queryDate":"2023-04-07T09:09:15.917+0000","startDate":"2023-04-07T09:08:00.000+0000",)"
      R"("unit":"Count","statistic":"Minimum","period":60,"recentDatapoints":[0.0],"threshold":1.0,)"
      R"("evaluatedDatapoints":[{"timestamp":"2023-04-07T09:08:00.000+0000","sampleCount":1.0,"value":0.0}]})");
}

TEST(AlarmReasonTest, InsufficientData) {
  MetricAlarmConfig c = lambda_alarm();
  c.statistic = "Average";
  c.evaluation_periods = 5;
  c.datapoints_to_alarm.reset();
  MetricStore store;
  auto ev = evaluate_metric_alarm(c, store, AlarmState::kOk, at("2023-08-04T12:31:29.591Z"));
  EXPECT_EQ(ev.outcome, INSUFFICIENT);
  EXPECT_EQ(ev.reason, "Insufficient Data: 5 datapoints were unknown.");
  EXPECT_EQ(
      ev.reason_data,
      R"({"version":"1.0","queryDate":"2023-08-04T12:31:29.591+0000","statistic":"Average","period":60,)"
      R"("recentDatapoints":[],"threshold":5.0,"evaluatedDatapoints":[)"
      R"({"timestamp":"2023-08-04T12:30:00.000+0000"},{"timestamp":"2023-08-04T12:29:00.000+0000"},)"
      R"({"timestamp":"2023-08-04T12:28:00.000+0000"},{"timestamp":"2023-08-04T12:27:00.000+0000"},)"
      R"({"timestamp":"2023-08-04T12:26:00.000+0000"}]})");
}

TEST(AlarmTransitionTest, ActionsOnlyOnTransitions) {
  MetricAlarmConfig c = lambda_alarm();
  c.actions.alarm_actions = {"arn:aws:sns:us-east-1:1:alarms"};
  c.actions.ok_actions = {"arn:aws:sns:us-east-1:1:ok"};
  MetricStore store;
  AlarmStateInfo state;
  EXPECT_EQ(state.value, AlarmState::kInsufficientData);
  EXPECT_EQ(state.reason, "Unchecked: Initial alarm creation");

  store.put(c.metric_id(), "Count", at("2022-01-01T00:00:10Z"), 1);
  auto t = apply_evaluation(c.name, c.actions, state,
                            evaluate_metric_alarm(c, store, state.value, at("2022-01-01T00:01:00Z")),
                            at("2022-01-01T00:01:00Z"));
  ASSERT_TRUE(t);  // INSUFFICIENT_DATA -> OK runs the OK actions
  EXPECT_EQ(t->new_state.value, AlarmState::kOk);
  EXPECT_EQ(t->actions, c.actions.ok_actions);

  store.put(c.metric_id(), "Count", at("2022-01-01T00:01:10Z"), 9);
  t = apply_evaluation(c.name, c.actions, state,
                       evaluate_metric_alarm(c, store, state.value, at("2022-01-01T00:02:00Z")),
                       at("2022-01-01T00:02:00Z"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->old_state.value, AlarmState::kOk);
  EXPECT_EQ(t->new_state.value, AlarmState::kAlarm);
  EXPECT_EQ(t->actions, c.actions.alarm_actions);
  EXPECT_EQ(state.transitioned_ms, at("2022-01-01T00:02:00Z"));

  store.put(c.metric_id(), "Count", at("2022-01-01T00:02:10Z"), 9);
  t = apply_evaluation(c.name, c.actions, state,
                       evaluate_metric_alarm(c, store, state.value, at("2022-01-01T00:03:00Z")),
                       at("2022-01-01T00:03:00Z"));
  EXPECT_FALSE(t);  // still ALARM: nothing fires again
}

TEST(AlarmTransitionTest, DisabledActionsStillChangeState) {
  MetricAlarmConfig c = lambda_alarm();
  c.actions.actions_enabled = false;
  c.actions.alarm_actions = {"arn:aws:sns:us-east-1:1:alarms"};
  MetricStore store;
  AlarmStateInfo state;
  store.put(c.metric_id(), "Count", at("2022-01-01T00:00:10Z"), 9);
  auto t = apply_evaluation(c.name, c.actions, state,
                            evaluate_metric_alarm(c, store, state.value, at("2022-01-01T00:01:00Z")),
                            at("2022-01-01T00:01:00Z"));
  ASSERT_TRUE(t);
  EXPECT_EQ(state.value, AlarmState::kAlarm);
  EXPECT_TRUE(t->actions.empty());
}

TEST(AlarmTransitionTest, SetAlarmStateFiresWhenDifferent) {
  AlarmActions actions;
  actions.alarm_actions = {"a"};
  AlarmStateInfo state;
  auto t = set_alarm_state("x", actions, state, AlarmState::kAlarm, "testing", "", 5);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->actions, std::vector<std::string>{"a"});
  EXPECT_FALSE(set_alarm_state("x", actions, state, AlarmState::kAlarm, "again", "", 6));
}

TEST(AlarmTransitionTest, LowSampleCountPercentileIgnoreKeepsState) {
  MetricAlarmConfig c = lambda_alarm();
  c.statistic.clear();
  c.extended_statistic = "p99";
  c.evaluate_low_sample_count_percentile = "ignore";
  MetricStore store;
  for (int i = 0; i < 10; ++i) store.put(c.metric_id(), "Count", at("2022-01-01T00:00:10Z"), 100);
  EXPECT_EQ(evaluate_metric_alarm(c, store, AlarmState::kOk, at("2022-01-01T00:01:00Z")).outcome, KEEP);
  c.evaluate_low_sample_count_percentile = "evaluate";
  EXPECT_EQ(evaluate_metric_alarm(c, store, AlarmState::kOk, at("2022-01-01T00:01:00Z")).outcome, ALARM);
}

TEST(AlarmConfigTest, Validation) {
  MetricAlarmConfig c = lambda_alarm();
  EXPECT_TRUE(validate_metric_alarm(c).ok());
  c.period_seconds = 90;
  EXPECT_FALSE(validate_metric_alarm(c).ok());
  c.period_seconds = 60;
  c.extended_statistic = "p90";
  EXPECT_FALSE(validate_metric_alarm(c).ok());  // both Statistic and ExtendedStatistic
  c.extended_statistic.clear();
  c.datapoints_to_alarm = 2;
  EXPECT_FALSE(validate_metric_alarm(c).ok());  // M > N
  c.datapoints_to_alarm = 1;
  c.evaluation_periods = 1441;
  EXPECT_FALSE(validate_metric_alarm(c).ok());  // more than a day at 60 s
  EXPECT_EQ(validate_metric_alarm(c).error().code, "ValidationError");
}

}  // namespace
}  // namespace sg::guardian
