#include "guardian/alarm_notification.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "json/parse.h"
#include "json/value.h"

namespace sg::guardian {

namespace {

using json::Value;

constexpr std::pair<std::string_view, std::string_view> kRegions[] = {
    {"us-east-1", "US East (N. Virginia)"},
    {"us-east-2", "US East (Ohio)"},
    {"us-west-1", "US West (N. California)"},
    {"us-west-2", "US West (Oregon)"},
    {"af-south-1", "Africa (Cape Town)"},
    {"ap-east-1", "Asia Pacific (Hong Kong)"},
    {"ap-south-1", "Asia Pacific (Mumbai)"},
    {"ap-south-2", "Asia Pacific (Hyderabad)"},
    {"ap-northeast-1", "Asia Pacific (Tokyo)"},
    {"ap-northeast-2", "Asia Pacific (Seoul)"},
    {"ap-northeast-3", "Asia Pacific (Osaka)"},
    {"ap-southeast-1", "Asia Pacific (Singapore)"},
    {"ap-southeast-2", "Asia Pacific (Sydney)"},
    {"ap-southeast-3", "Asia Pacific (Jakarta)"},
    {"ap-southeast-4", "Asia Pacific (Melbourne)"},
    {"ca-central-1", "Canada (Central)"},
    {"ca-west-1", "Canada West (Calgary)"},
    {"eu-central-1", "EU (Frankfurt)"},
    {"eu-central-2", "EU (Zurich)"},
    {"eu-west-1", "EU (Ireland)"},
    {"eu-west-2", "EU (London)"},
    {"eu-west-3", "EU (Paris)"},
    {"eu-north-1", "EU (Stockholm)"},
    {"eu-south-1", "EU (Milan)"},
    {"eu-south-2", "EU (Spain)"},
    {"il-central-1", "Israel (Tel Aviv)"},
    {"me-south-1", "Middle East (Bahrain)"},
    {"me-central-1", "Middle East (UAE)"},
    {"sa-east-1", "South America (Sao Paulo)"},
};

Value strings(const std::vector<std::string>& list) {
  std::vector<Value> items;
  for (const auto& s : list) items.push_back(Value::string(s));
  return Value::array(std::move(items));
}

Value optional_string(const std::optional<std::string>& s) { return s ? Value::string(*s) : Value(); }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string subject(AlarmState state, std::string_view name, std::string_view region) {
  std::string s(alarm_state_name(state));
  s += ": \"";
  s += name;
  s += "\" in ";
  s += region_long_name(region);
  return s;
}

// The members every alarm message starts with, up to InsufficientDataActions.
void add_envelope(json::ObjectBuilder& b, std::string_view name,
                  const std::optional<std::string>& description, const AlarmActions& actions,
                  const AlarmTransition& t, int64_t config_updated_ms, const AccountContext& account) {
  b.add("AlarmName", Value::string(name));
  b.add("AlarmDescription", optional_string(description));
  b.add("AWSAccountId", Value::string(account.account_id));
  b.add("AlarmConfigurationUpdatedTimestamp", Value::string(cw_timestamp(config_updated_ms)));
  b.add("NewStateValue", Value::string(alarm_state_name(t.new_state.value)));
  b.add("NewStateReason", Value::string(t.new_state.reason));
  b.add("StateChangeTime", Value::string(cw_timestamp(t.new_state.transitioned_ms)));
  b.add("Region", Value::string(region_long_name(account.region)));
  b.add("AlarmArn", Value::string(alarm_arn(account.region, account.account_id, name)));
  b.add("OldStateValue", Value::string(alarm_state_name(t.old_state.value)));
  b.add("OKActions", strings(actions.ok_actions));
  b.add("AlarmActions", strings(actions.alarm_actions));
  b.add("InsufficientDataActions", strings(actions.insufficient_data_actions));
}

Value state_object(const AlarmStateInfo& s) {
  json::ObjectBuilder b;
  b.add("stateValue", Value::string(alarm_state_name(s.value)));
  b.add("stateReason", Value::string(s.reason));
  if (!s.reason_data.empty()) {
    auto parsed = json::parse_json(s.reason_data);
    if (parsed.ok()) b.add("stateReasonData", *parsed);
  }
  return std::move(b).build();
}

}  // namespace

std::string region_long_name(std::string_view region) {
  for (const auto& [code, name] : kRegions)
    if (code == region) return std::string(name);
  return std::string(region);
}

AlarmNotification metric_alarm_notification(const MetricAlarmConfig& c, const AlarmTransition& t,
                                            int64_t config_updated_ms, const AccountContext& account) {
  json::ObjectBuilder b;
  add_envelope(b, c.name, c.description, c.actions, t, config_updated_ms, account);
  json::ObjectBuilder trig;
  trig.add("MetricName", Value::string(c.metric_name));
  trig.add("Namespace", Value::string(c.ns));
  if (c.extended_statistic.empty()) {
    trig.add("StatisticType", Value::string("Statistic"));
    trig.add("Statistic", Value::string(upper(c.statistic)));
  } else {
    trig.add("StatisticType", Value::string("ExtendedStatistic"));
    trig.add("ExtendedStatistic", Value::string(c.extended_statistic));
  }
  trig.add("Unit", c.unit.empty() ? Value() : Value::string(c.unit));
  std::vector<Value> dims;
  for (const Dimension& d : c.dimensions) {
    json::ObjectBuilder o;
    o.add("value", Value::string(d.value));
    o.add("name", Value::string(d.name));
    dims.push_back(std::move(o).build());
  }
  trig.add("Dimensions", Value::array(std::move(dims)));
  trig.add("Period", Value::integer(c.period_seconds));
  trig.add("EvaluationPeriods", Value::integer(c.evaluation_periods));
  if (c.datapoints_to_alarm) trig.add("DatapointsToAlarm", Value::integer(*c.datapoints_to_alarm));
  trig.add("ComparisonOperator", Value::string(comparison_name(c.comparison)));
  trig.add("Threshold", Value::number(c.threshold));
  trig.add("TreatMissingData", Value::string(treat_missing_name(c.treat_missing_data)));
  trig.add("EvaluateLowSampleCountPercentile", Value::string(c.evaluate_low_sample_count_percentile));
  b.add("Trigger", std::move(trig).build());
  return AlarmNotification{subject(t.new_state.value, c.name, account.region), std::move(b).build().dump()};
}

AlarmNotification composite_alarm_notification(std::string_view name,
                                               const std::optional<std::string>& description,
                                               std::string_view alarm_rule, const AlarmActions& actions,
                                               const AlarmTransition& t, int64_t config_updated_ms,
                                               const AccountContext& account) {
  json::ObjectBuilder b;
  add_envelope(b, name, description, actions, t, config_updated_ms, account);
  b.add("AlarmRule", Value::string(alarm_rule));
  return AlarmNotification{subject(t.new_state.value, name, account.region), std::move(b).build().dump()};
}

AlarmHistoryItem state_update_item(const AlarmTransition& t, std::string_view alarm_type) {
  AlarmHistoryItem item;
  item.alarm_name = t.alarm_name;
  item.alarm_type = std::string(alarm_type);
  item.timestamp_ms = t.new_state.transitioned_ms;
  item.item_type = "StateUpdate";
  item.summary = "Alarm updated from ";
  item.summary += alarm_state_name(t.old_state.value);
  item.summary += " to ";
  item.summary += alarm_state_name(t.new_state.value);
  json::ObjectBuilder b;
  b.add("version", Value::string("1.0"));
  b.add("oldState", state_object(t.old_state));
  b.add("newState", state_object(t.new_state));
  item.data = std::move(b).build().dump();
  return item;
}

AlarmHistoryItem action_item(std::string_view alarm_name, std::string_view alarm_type,
                             std::string_view action, bool succeeded, std::string_view detail, int64_t t_ms) {
  AlarmHistoryItem item;
  item.alarm_name = std::string(alarm_name);
  item.alarm_type = std::string(alarm_type);
  item.timestamp_ms = t_ms;
  item.item_type = "Action";
  item.summary = succeeded ? "Successfully executed action " : "Failed to execute action ";
  item.summary += action;
  json::ObjectBuilder b;
  b.add("actionState", Value::string(succeeded ? "Succeeded" : "Failed"));
  b.add("notificationResource", Value::string(action));
  b.add("stateUpdateTimestamp", Value::integer(t_ms));
  if (!detail.empty()) b.add("error", Value::string(detail));
  item.data = std::move(b).build().dump();
  return item;
}

AlarmHistoryItem configuration_item(std::string_view alarm_name, std::string_view alarm_type, bool created,
                                    int64_t t_ms) {
  AlarmHistoryItem item;
  item.alarm_name = std::string(alarm_name);
  item.alarm_type = std::string(alarm_type);
  item.timestamp_ms = t_ms;
  item.item_type = "ConfigurationUpdate";
  item.summary = "Alarm \"";
  item.summary += alarm_name;
  item.summary += created ? "\" created" : "\" updated";
  json::ObjectBuilder b;
  b.add("version", Value::string("1.0"));
  b.add("type", Value::string(created ? "Create" : "Update"));
  item.data = std::move(b).build().dump();
  return item;
}

void AlarmHistory::prune(int64_t now_ms) {
  const int64_t cutoff = now_ms - kAlarmHistoryRetentionMs;
  std::erase_if(items_, [&](const AlarmHistoryItem& i) { return i.timestamp_ms < cutoff; });
}

void AlarmHistory::remove_alarm(std::string_view alarm_name) {
  std::erase_if(items_, [&](const AlarmHistoryItem& i) { return i.alarm_name == alarm_name; });
}

std::vector<AlarmHistoryItem> AlarmHistory::query(const HistoryQuery& q) const {
  std::vector<AlarmHistoryItem> out;
  auto keep = [&](const AlarmHistoryItem& i) {
    if (!q.alarm_name.empty() && i.alarm_name != q.alarm_name) return false;
    if (!q.alarm_type.empty() && i.alarm_type != q.alarm_type) return false;
    if (!q.item_type.empty() && i.item_type != q.item_type) return false;
    if (q.start_ms && i.timestamp_ms < *q.start_ms) return false;
    if (q.end_ms && i.timestamp_ms > *q.end_ms) return false;
    return true;
  };
  for (const auto& i : items_)
    if (keep(i)) out.push_back(i);
  std::stable_sort(out.begin(), out.end(), [&](const AlarmHistoryItem& a, const AlarmHistoryItem& b) {
    return q.ascending ? a.timestamp_ms < b.timestamp_ms : a.timestamp_ms > b.timestamp_ms;
  });
  if (out.size() > q.max_records) out.resize(q.max_records);
  return out;
}

}  // namespace sg::guardian
