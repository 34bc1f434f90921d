// The alarms API as a pure service over an in-memory store: CloudWatch's JSON shapes for
// PutMetricAlarm, PutCompositeAlarm, DescribeAlarms, DeleteAlarms, DescribeAlarmHistory,
// SetAlarmState, EnableAlarmActions and DisableAlarmActions, plus evaluate() (run every
// minute by the server).
//
// Contract
// - Requests and responses are json::Values with CloudWatch's member names; timestamps are
//   written as epoch seconds (numbers), as AWS JSON protocols do. Errors carry CloudWatch's
//   codes: ValidationError, MissingParameter, InvalidParameterValue, ResourceNotFound,
//   InvalidFormat.
// - Creating an alarm puts it in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation");
//   updating keeps its state and replaces the whole configuration. A composite alarm is
//   evaluated at creation and again whenever one of its children changes state.
// - Every state change appends a StateUpdate history item and returns an AlarmEvent with the
//   actions to run and the SNS-shaped notification; the caller delivers them (webhook,
//   command, file) and may record Action items with record_action().
// - Time is always a parameter. Not thread-safe: one owner (the server's service loop).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "guardian/alarm.h"
#include "guardian/alarm_evaluator.h"
#include "guardian/alarm_notification.h"
#include "guardian/composite_alarm.h"
#include "guardian/metric_store.h"
#include "guardian/prometheus.h"
#include "json/value.h"

namespace sg::guardian {

struct AlarmEvent {
  std::string alarm_type;  // MetricAlarm | CompositeAlarm
  AlarmTransition transition;
  AlarmNotification notification;
};

struct ServiceResult {
  json::Value response;
  std::vector<AlarmEvent> events;
};

// A PutMetricAlarm request -> its validated configuration (errors as put_metric_alarm()).
Result<MetricAlarmConfig> parse_metric_alarm(const json::Value& request);

class AlarmService {
 public:
  explicit AlarmService(AccountContext account = {}) : account_(std::move(account)) {}

  Result<ServiceResult> put_metric_alarm(const json::Value& request, int64_t now_ms);
  Result<ServiceResult> put_composite_alarm(const json::Value& request, int64_t now_ms);
  Result<json::Value> describe_alarms(const json::Value& request) const;
  Result<json::Value> delete_alarms(const json::Value& request);
  Result<json::Value> describe_alarm_history(const json::Value& request) const;
  Result<ServiceResult> set_alarm_state(const json::Value& request, int64_t now_ms);
  Result<json::Value> set_actions_enabled(const json::Value& request, bool enabled);

  // Evaluates every metric alarm at `now` (and the composites whose children changed).
  std::vector<AlarmEvent> evaluate(const MetricStore& store, int64_t now_ms);
  void record_action(const std::string& alarm_name, const std::string& action, bool ok,
                     const std::string& detail, int64_t now_ms);
  void prune(int64_t now_ms) { history_.prune(now_ms); }

  // Direct access for the config loader and the dashboard.
  Status upsert_metric_alarm(MetricAlarmConfig config, int64_t now_ms);
  std::vector<AlarmStateSample> states() const;

 private:
  struct Composite {
    std::string name;
    std::optional<std::string> description;
    AlarmActions actions;
    AlarmRule rule;
  };
  struct Entry {
    std::optional<MetricAlarmConfig> metric;
    std::optional<Composite> composite;
    AlarmStateInfo state;
    int64_t config_updated_ms = 0;
    std::string type() const { return metric ? "MetricAlarm" : "CompositeAlarm"; }
    const AlarmActions& actions() const { return metric ? metric->actions : composite->actions; }
  };

  AlarmEvent make_event(const Entry& e, AlarmTransition t);
  // Re-evaluates composites that reference `child` (recursively); appends their events.
  void cascade(const std::string& child, int64_t now_ms, std::vector<AlarmEvent>& events, int depth = 0);
  json::Value describe(const Entry& e) const;

  AccountContext account_;
  std::map<std::string, Entry> alarms_;
  AlarmHistory history_;
};

}  // namespace sg::guardian
