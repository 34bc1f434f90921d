#include "guardian/prometheus.h"

#include <gtest/gtest.h>

namespace sg::guardian {
namespace {

const std::string kStep1 = "arn:aws:states:us-east-1:123456789012:stateMachine:step1";

TEST(PrometheusTest, ExactExposition) {
  ExecutionCounters counters;
  counters.on_started(kStep1);
  counters.on_closed(kStep1, ExecutionOutcome::kFailed, 2500);
  LatestStatusBoard board;
  ExecutionUpdate u;
  u.status = ExecStatus::kFailed;
  u.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:step1:run-1";
  u.name = "run-1";
  u.start_ms = 1700000000500;
  board.apply(kStep1, u);
  std::vector<AlarmStateSample> alarms = {{"step1-status", AlarmState::kAlarm}};
  std::string text = render_prometheus(counters, board, {}, alarms);
  EXPECT_EQ(
      text,
      "# HELP stepguard_executions_started_total Executions started.\n"
      "# TYPE stepguard_executions_started_total counter\n"
      "stepguard_executions_started_total{state_machine=\"step1\"} 1\n"
      "# HELP stepguard_executions_closed_total Executions closed, by final status.\n"
      "# TYPE stepguard_executions_closed_total counter\n"
      "stepguard_executions_closed_total{state_machine=\"step1\",status=\"succeeded\"} 0\n"
      "stepguard_executions_closed_total{state_machine=\"step1\",status=\"failed\"} 1\n"
      "stepguard_executions_closed_total{state_machine=\"step1\",status=\"aborted\"} 0\n"
      "stepguard_executions_closed_total{state_machine=\"step1\",status=\"timed_out\"} 0\n"
      "# HELP stepguard_executions_redriven_total Executions redriven.\n"
      "# TYPE stepguard_executions_redriven_total counter\n"
      "stepguard_executions_redriven_total{state_machine=\"step1\"} 0\n"
      "# HELP stepguard_executions_open Executions in progress.\n"
      "# TYPE stepguard_executions_open gauge\n"
      "stepguard_executions_open{state_machine=\"step1\"} 0\n"
      "# HELP stepguard_execution_duration_seconds Duration of closed executions in seconds.\n"
      "# TYPE stepguard_execution_duration_seconds histogram\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"0.1\"} 0\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"0.5\"} 0\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"1\"} 0\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"5\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"10\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"30\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"60\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"300\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"900\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"3600\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"14400\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"86400\"} 1\n"
      "stepguard_execution_duration_seconds_bucket{state_machine=\"step1\",le=\"+Inf\"} 1\n"
      "stepguard_execution_duration_seconds_sum{state_machine=\"step1\"} 2.5\n"
      "stepguard_execution_duration_seconds_count{state_machine=\"step1\"} 1\n"
      "# HELP stepguard_latest_execution_status_code Status of the latest execution: 0 none, 1 running, 2 "
      "succeeded, 3 failed, 4 timed out, 5 aborted.\n"
      "# TYPE stepguard_latest_execution_status_code gauge\n"
      "stepguard_latest_execution_status_code{state_machine=\"step1\"} 3\n"
      "# HELP stepguard_latest_execution_status 1 for the status of the latest execution, 0 for the others.\n"
      "# TYPE stepguard_latest_execution_status gauge\n"
      "stepguard_latest_execution_status{state_machine=\"step1\",status=\"running\"} 0\n"
      "stepguard_latest_execution_status{state_machine=\"step1\",status=\"succeeded\"} 0\n"
      "stepguard_latest_execution_status{state_machine=\"step1\",status=\"failed\"} 1\n"
      "stepguard_latest_execution_status{state_machine=\"step1\",status=\"timed_out\"} 0\n"
      "stepguard_latest_execution_status{state_machine=\"step1\",status=\"aborted\"} 0\n"
      "# HELP stepguard_latest_execution_start_timestamp_seconds Start time of the latest execution (Unix "
      "seconds).\n"
      "# TYPE stepguard_latest_execution_start_timestamp_seconds gauge\n"
      "stepguard_latest_execution_start_timestamp_seconds{state_machine=\"step1\"} 1700000000.5\n"
      "# HELP stepguard_alarm_state 1 for the current state of the alarm, 0 for the others.\n"
      "# TYPE stepguard_alarm_state gauge\n"
      "stepguard_alarm_state{alarm=\"step1-status\",state=\"OK\"} 0\n"
      "stepguard_alarm_state{alarm=\"step1-status\",state=\"ALARM\"} 1\n"
      "stepguard_alarm_state{alarm=\"step1-status\",state=\"INSUFFICIENT_DATA\"} 0\n");
}

TEST(PrometheusTest, NeverRunMachinesAreZeroAndGrey) {
  ExecutionCounters counters;
  LatestStatusBoard board;
  std::vector<std::string> machines = {"arn:aws:states:us-east-1:123456789012:stateMachine:step2"};
  std::string text = render_prometheus(counters, board, machines, {});
  EXPECT_NE(text.find("stepguard_executions_started_total{state_machine=\"step2\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("stepguard_latest_execution_status_code{state_machine=\"step2\"} 0\n"),
            std::string::npos);
  EXPECT_EQ(text.find("stepguard_latest_execution_start_timestamp_seconds{"), std::string::npos);
  EXPECT_EQ(text.find("stepguard_alarm_state"), std::string::npos);
}

TEST(PrometheusTest, MapRunChildrenCountUnderTheirParentAndNoExecutionLabels) {
  ExecutionCounters counters;
  counters.on_started(kStep1 + "/mapRunLabel");
  counters.on_started(kStep1);
  std::string text = render_prometheus(counters, LatestStatusBoard{}, {}, {});
  EXPECT_NE(text.find("stepguard_executions_started_total{state_machine=\"step1\"} 2\n"), std::string::npos);
  EXPECT_EQ(text.find("execution_arn"), std::string::npos);
  EXPECT_NE(text.find("stepguard_executions_open{state_machine=\"step1\"} 2\n"), std::string::npos);
}

TEST(PrometheusTest, RemoteAccountsGetAccountAndRegionLabels) {
  ExecutionCounters counters;
  counters.on_started(kStep1);
  counters.on_started("arn:aws:states:eu-west-1:999999999999:stateMachine:step1");
  std::string text = render_prometheus(counters, LatestStatusBoard{}, {}, {}, {"123456789012", "us-east-1"});
  EXPECT_NE(text.find("stepguard_executions_started_total{state_machine=\"step1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("stepguard_executions_started_total{state_machine=\"step1\",account=\"999999999999\","
                      "region=\"eu-west-1\"} 1\n"),
            std::string::npos);
}

TEST(PrometheusTest, LabelEscaping) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  std::vector<AlarmStateSample> alarms = {{"say \"hi\"", AlarmState::kOk}};
  std::string text = render_prometheus(ExecutionCounters{}, LatestStatusBoard{}, {}, alarms);
  EXPECT_NE(text.find("stepguard_alarm_state{alarm=\"say \\\"hi\\\"\",state=\"OK\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace sg::guardian
