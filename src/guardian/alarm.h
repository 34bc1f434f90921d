// CloudWatch metric alarms: configuration (the fields of PutMetricAlarm), states, and the
// formatting helpers every alarm message shares (reference: guardian-and-events.md §2).
//
// Contract
// - MetricAlarmConfig mirrors PutMetricAlarm for a single metric with a static threshold.
//   validate_metric_alarm() checks it as CloudWatch does (error code "ValidationError",
//   messages in CloudWatch's style); it returns Ok for a valid config.
// - datapoints_to_alarm() is M: DatapointsToAlarm when set, else EvaluationPeriods (N).
// - AlarmStateInfo is an alarm's state as DescribeAlarms shows it; a new alarm starts in
//   INSUFFICIENT_DATA with reason "Unchecked: Initial alarm creation".
// - Time formats: cw_timestamp() "2023-04-07T09:09:15.917+0000" (StateReasonData, SNS
//   messages, history), reason_time() "16/04/24 08:42:00" (state reason text), both UTC.
// Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "guardian/metric_store.h"

namespace sg::guardian {

enum class AlarmState { kOk, kAlarm, kInsufficientData };
std::string_view alarm_state_name(AlarmState s);  // "OK", "ALARM", "INSUFFICIENT_DATA"
std::optional<AlarmState> parse_alarm_state(std::string_view s);

enum class Comparison {
  kGreaterThanOrEqualToThreshold,
  kGreaterThanThreshold,
  kLessThanThreshold,
  kLessThanOrEqualToThreshold,
};
std::string_view comparison_name(Comparison c);  // "GreaterThanThreshold", ...
std::optional<Comparison> parse_comparison(std::string_view s);
// The phrase of state reasons: "greater than or equal to", "less than", ...
std::string_view comparison_phrase(Comparison c);
// value OP threshold (the metric value is the first operand).
bool breaches(Comparison c, double value, double threshold);

enum class TreatMissingData { kMissing, kIgnore, kBreaching, kNotBreaching };
std::string_view treat_missing_name(TreatMissingData t);  // "missing", "notBreaching", ...
std::optional<TreatMissingData> parse_treat_missing(std::string_view s);

struct AlarmActions {
  bool actions_enabled = true;
  std::vector<std::string> ok_actions;
  std::vector<std::string> alarm_actions;
  std::vector<std::string> insufficient_data_actions;
  // The list for a transition into `to`; empty when actions are disabled.
  const std::vector<std::string>& for_state(AlarmState to) const;
  bool operator==(const AlarmActions&) const = default;
};

struct MetricAlarmConfig {
  std::string name;
  std::optional<std::string> description;
  AlarmActions actions;
  std::string ns;
  std::string metric_name;
  Dimensions dimensions;
  std::string statistic;           // SampleCount|Average|Sum|Minimum|Maximum, or ""
  std::string extended_statistic;  // "p99", or ""
  int64_t period_seconds = 60;
  int evaluation_periods = 1;
  std::optional<int> datapoints_to_alarm;
  double threshold = 0;
  Comparison comparison = Comparison::kGreaterThanOrEqualToThreshold;
  TreatMissingData treat_missing_data = TreatMissingData::kMissing;
  std::string unit;                                  // "" = any unit
  std::string evaluate_low_sample_count_percentile;  // "", "evaluate" or "ignore"

  int m() const { return datapoints_to_alarm.value_or(evaluation_periods); }
  // The statistic to compute (Statistic or ExtendedStatistic); valid after validation.
  Statistic stat() const;
  MetricId metric_id() const { return MetricId::make(ns, metric_name, dimensions); }
  bool operator==(const MetricAlarmConfig&) const = default;
};

Status validate_metric_alarm(const MetricAlarmConfig& c);

struct AlarmStateInfo {
  AlarmState value = AlarmState::kInsufficientData;
  std::string reason = "Unchecked: Initial alarm creation";
  std::string reason_data;  // JSON text, "" when none
  int64_t updated_ms = 0;
  int64_t transitioned_ms = 0;
};

std::string alarm_arn(std::string_view region, std::string_view account, std::string_view name);
std::string cw_timestamp(int64_t epoch_ms);
std::string reason_time(int64_t epoch_ms);
// "Friday 22 July, 2022 15:57:45 UTC" (composite alarm reasons).
std::string long_utc_time(int64_t epoch_ms);
std::string java_double(double d);

}  // namespace sg::guardian
