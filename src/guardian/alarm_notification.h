// What an alarm transition produces besides its new state: the SNS-style notification
// users' hooks parse (guardian-and-events.md §2.7) and alarm history items (§2.6).
//
// Contract
// - metric_alarm_notification(): Subject `ALARM: "NAME" in US East (N. Virginia)` and the
//   Message JSON with AWS's member order and quirks (Trigger.Statistic upper-case,
//   dimensions as {"value","name"}, DatapointsToAlarm only when set, null description/unit).
// - composite_alarm_notification(): the same envelope with "AlarmRule" instead of
//   "Trigger".
// - AlarmHistory keeps items for kAlarmHistoryRetentionMs (14 days, as CloudWatch) once
//   prune(now) is called; query() filters like DescribeAlarmHistory (newest first unless
//   ascending).
// Pure; not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guardian/alarm.h"
#include "guardian/alarm_evaluator.h"

namespace sg::guardian {

constexpr int64_t kAlarmHistoryRetentionMs = 14 * kDayMs;

struct AccountContext {
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
};

// "US East (N. Virginia)" for "us-east-1"; unknown regions are returned as given.
std::string region_long_name(std::string_view region);

struct AlarmNotification {
  std::string subject;
  std::string message;  // JSON text
};

AlarmNotification metric_alarm_notification(const MetricAlarmConfig& config, const AlarmTransition& t,
                                            int64_t config_updated_ms, const AccountContext& account);
AlarmNotification composite_alarm_notification(std::string_view name,
                                               const std::optional<std::string>& description,
                                               std::string_view alarm_rule, const AlarmActions& actions,
                                               const AlarmTransition& t, int64_t config_updated_ms,
                                               const AccountContext& account);

struct AlarmHistoryItem {
  std::string alarm_name;
  std::string alarm_type = "MetricAlarm";  // or "CompositeAlarm"
  int64_t timestamp_ms = 0;
  std::string item_type;  // ConfigurationUpdate | StateUpdate | Action
  std::string summary;
  std::string data;  // JSON text
};

AlarmHistoryItem state_update_item(const AlarmTransition& t, std::string_view alarm_type = "MetricAlarm");
AlarmHistoryItem action_item(std::string_view alarm_name, std::string_view alarm_type,
                             std::string_view action, bool succeeded, std::string_view detail, int64_t t_ms);
// `created` true: `Alarm "NAME" created`, false: `Alarm "NAME" updated`.
AlarmHistoryItem configuration_item(std::string_view alarm_name, std::string_view alarm_type, bool created,
                                    int64_t t_ms);

struct HistoryQuery {
  std::string alarm_name;  // "" = all
  std::string alarm_type;  // "" = all
  std::string item_type;   // "" = all
  std::optional<int64_t> start_ms, end_ms;
  bool ascending = false;
  size_t max_records = 100;
};

class AlarmHistory {
 public:
  void add(AlarmHistoryItem item) { items_.push_back(std::move(item)); }
  void prune(int64_t now_ms);
  std::vector<AlarmHistoryItem> query(const HistoryQuery& q) const;
  void remove_alarm(std::string_view alarm_name);
  size_t size() const { return items_.size(); }

 private:
  std::deque<AlarmHistoryItem> items_;  // in arrival (time) order
};

}  // namespace sg::guardian
