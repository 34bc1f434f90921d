#include "guardian/alarm_service.h"

#include "guardian/metrics_query.h"
#include "json/parse.h"

namespace sg::guardian {

namespace {

using json::Value;

constexpr int kMaxCompositeDepth = 16;

Error err(std::string code, std::string message) { return Error{std::move(code), std::move(message)}; }

std::string cat(std::string_view a, std::string_view b, std::string_view c) {
  std::string s(a);
  s.append(b).append(c);
  return s;
}

std::string str(const Value& req, std::string_view key) {
  const Value* v = req.find(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> str_list(const Value& req, std::string_view key) {
  std::vector<std::string> out;
  if (const Value* v = req.find(key); v && v->is_array())
    for (const Value& s : v->items())
      if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

AlarmActions parse_actions(const Value& req) {
  AlarmActions a;
  if (const Value* e = req.find("ActionsEnabled"); e && e->is_bool()) a.actions_enabled = e->as_bool();
  a.ok_actions = str_list(req, "OKActions");
  a.alarm_actions = str_list(req, "AlarmActions");
  a.insufficient_data_actions = str_list(req, "InsufficientDataActions");
  return a;
}

Value strings(const std::vector<std::string>& list) {
  std::vector<Value> items;
  for (const auto& s : list) items.push_back(Value::string(s));
  return Value::array(std::move(items));
}

Value seconds(int64_t ms) { return Value::number(static_cast<double>(ms) / 1000); }

}  // namespace

Result<MetricAlarmConfig> parse_metric_alarm(const Value& req) {
  MetricAlarmConfig c;
  for (const char* key : {"AlarmName", "EvaluationPeriods", "ComparisonOperator"})
    if (!req.find(key)) return err("MissingParameter", cat("The parameter ", key, " is required."));
  if (req.find("Metrics"))
    return err("InvalidParameterValue", "Metric math alarms (Metrics) are not supported.");
  c.name = str(req, "AlarmName");
  if (const Value* d = req.find("AlarmDescription"); d && d->is_string())
    c.description = std::string(d->as_string());
  c.actions = parse_actions(req);
  c.ns = str(req, "Namespace");
  c.metric_name = str(req, "MetricName");
  auto dims = parse_dimensions(req.find("Dimensions"));
  if (!dims) return err("InvalidParameterValue", "Dimensions must be a list of {Name, Value}.");
  c.dimensions = std::move(*dims);
  std::sort(c.dimensions.begin(), c.dimensions.end());
  c.statistic = str(req, "Statistic");
  c.extended_statistic = str(req, "ExtendedStatistic");
  int64_t n = 0;
  if (const Value* p = req.find("Period"); p && !p->integral_value(&c.period_seconds))
    return err("InvalidParameterValue", "Period must be an integer.");
  if (!req.find("EvaluationPeriods")->integral_value(&n))
    return err("InvalidParameterValue", "EvaluationPeriods must be an integer.");
  c.evaluation_periods = static_cast<int>(n);
  if (const Value* m = req.find("DatapointsToAlarm"); m && !m->is_null()) {
    int64_t v = 0;
    if (!m->integral_value(&v)) return err("InvalidParameterValue", "DatapointsToAlarm must be an integer.");
    c.datapoints_to_alarm = static_cast<int>(v);
  }
  const Value* threshold = req.find("Threshold");
  if (!threshold || !threshold->is_number())
    return err("InvalidParameterValue", "Threshold must be a number.");
  c.threshold = threshold->as_double();
  auto op = parse_comparison(str(req, "ComparisonOperator"));
  if (!op)
    return err("ValidationError",
               "ComparisonOperator must be one of GreaterThanOrEqualToThreshold, "
               "GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold.");
  c.comparison = *op;
  if (req.find("TreatMissingData")) {
    auto t = parse_treat_missing(str(req, "TreatMissingData"));
    if (!t)
      return err("ValidationError", "TreatMissingData must be missing, ignore, breaching or notBreaching.");
    c.treat_missing_data = *t;
  }
  c.unit = str(req, "Unit");
  c.evaluate_low_sample_count_percentile = str(req, "EvaluateLowSampleCountPercentile");
  Status st = validate_metric_alarm(c);
  if (!st.ok()) return st.error();
  return c;
}

AlarmEvent AlarmService::make_event(const Entry& e, AlarmTransition t) {
  history_.add(state_update_item(t, e.type()));
  AlarmEvent ev;
  ev.alarm_type = e.type();
  ev.notification = e.metric ? metric_alarm_notification(*e.metric, t, e.config_updated_ms, account_)
                             : composite_alarm_notification(e.composite->name, e.composite->description,
                                                            e.composite->rule.text(), e.composite->actions, t,
                                                            e.config_updated_ms, account_);
  ev.transition = std::move(t);
  return ev;
}

Status AlarmService::upsert_metric_alarm(MetricAlarmConfig config, int64_t now_ms) {
  Status st = validate_metric_alarm(config);
  if (!st.ok()) return st;
  auto it = alarms_.find(config.name);
  const bool created = it == alarms_.end() || !it->second.metric;
  if (it != alarms_.end() && it->second.composite)
    return Status::Fail("InvalidParameterValue", "A composite alarm with this name already exists.");
  Entry& e = alarms_[config.name];
  if (created)
    e.state = AlarmStateInfo{AlarmState::kInsufficientData, "Unchecked: Initial alarm creation", "", now_ms,
                             now_ms};
  e.config_updated_ms = now_ms;
  history_.add(configuration_item(config.name, "MetricAlarm", created, now_ms));
  e.metric = std::move(config);
  return Status::Ok();
}

Result<ServiceResult> AlarmService::put_metric_alarm(const Value& req, int64_t now_ms) {
  auto c = parse_metric_alarm(req);
  if (!c.ok()) return std::move(c).error();
  Status st = upsert_metric_alarm(std::move(*c), now_ms);
  if (!st.ok()) return st.error();
  return ServiceResult{Value::empty_object(), {}};
}

Result<ServiceResult> AlarmService::put_composite_alarm(const Value& req, int64_t now_ms) {
  for (const char* key : {"AlarmName", "AlarmRule"})
    if (!req.find(key)) return err("MissingParameter", cat("The parameter ", key, " is required."));
  auto rule = AlarmRule::parse(str(req, "AlarmRule"));
  if (!rule.ok()) return std::move(rule).error();
  const std::string name = str(req, "AlarmName");
  if (name.empty() || name.size() > 255)
    return err("ValidationError", "AlarmName must be between 1 and 255 characters long.");
  for (const std::string& child : rule->children()) {
    if (child == name) return err("InvalidParameterValue", "An alarm rule must not reference its own alarm.");
    if (!alarms_.count(child)) return err("InvalidParameterValue", cat("Could not find alarm ", child, "."));
  }
  auto it = alarms_.find(name);
  if (it != alarms_.end() && it->second.metric)
    return err("InvalidParameterValue", "A metric alarm with this name already exists.");
  const bool created = it == alarms_.end();
  Entry& e = alarms_[name];
  Composite comp{name, std::nullopt, parse_actions(req), std::move(*rule)};
  if (const Value* d = req.find("AlarmDescription"); d && d->is_string())
    comp.description = std::string(d->as_string());
  e.composite = std::move(comp);
  e.config_updated_ms = now_ms;
  history_.add(configuration_item(name, "CompositeAlarm", created, now_ms));
  auto lookup = [this](std::string_view child) -> std::optional<ChildState> {
    auto c = alarms_.find(std::string(child));
    if (c == alarms_.end()) return std::nullopt;
    return ChildState{c->second.state.value, c->second.state.transitioned_ms};
  };
  CompositeEvaluation ev = evaluate_composite(name, e.composite->rule, lookup, std::nullopt, account_);
  ServiceResult out{Value::empty_object(), {}};
  if (auto t = guardian::set_alarm_state(name, e.composite->actions, e.state, ev.state, ev.reason,
                                         ev.reason_data, now_ms))
    out.events.push_back(make_event(e, std::move(*t)));
  return out;
}

void AlarmService::cascade(const std::string& child, int64_t now_ms, std::vector<AlarmEvent>& events,
                           int depth) {
  if (depth > kMaxCompositeDepth) return;  // cycles stop evaluation, as in CloudWatch
  auto lookup = [this](std::string_view name) -> std::optional<ChildState> {
    auto c = alarms_.find(std::string(name));
    if (c == alarms_.end()) return std::nullopt;
    return ChildState{c->second.state.value, c->second.state.transitioned_ms};
  };
  for (auto& [name, e] : alarms_) {
    if (!e.composite) continue;
    const auto& children = e.composite->rule.children();
    if (std::find(children.begin(), children.end(), child) == children.end()) continue;
    CompositeEvaluation ev = evaluate_composite(name, e.composite->rule, lookup, child, account_);
    if (auto t = guardian::set_alarm_state(name, e.composite->actions, e.state, ev.state, ev.reason,
                                           ev.reason_data, now_ms)) {
      events.push_back(make_event(e, std::move(*t)));
      cascade(name, now_ms, events, depth + 1);
    }
  }
}

std::vector<AlarmEvent> AlarmService::evaluate(const MetricStore& store, int64_t now_ms) {
  std::vector<AlarmEvent> events;
  std::vector<std::string> changed;
  for (auto& [name, e] : alarms_) {
    if (!e.metric) continue;
    AlarmEvaluation ev = evaluate_metric_alarm(*e.metric, store, e.state.value, now_ms);
    if (auto t = apply_evaluation(name, e.metric->actions, e.state, ev, now_ms)) {
      events.push_back(make_event(e, std::move(*t)));
      changed.push_back(name);
    }
  }
  for (const std::string& name : changed) cascade(name, now_ms, events);
  return events;
}

Result<ServiceResult> AlarmService::set_alarm_state(const Value& req, int64_t now_ms) {
  for (const char* key : {"AlarmName", "StateValue", "StateReason"})
    if (!req.find(key)) return err("MissingParameter", cat("The parameter ", key, " is required."));
  const std::string name = str(req, "AlarmName");
  auto it = alarms_.find(name);
  if (it == alarms_.end()) return err("ResourceNotFound", cat("Alarm ", name, " not found"));
  auto state = parse_alarm_state(str(req, "StateValue"));
  if (!state) return err("ValidationError", "StateValue must be OK, ALARM or INSUFFICIENT_DATA.");
  std::string data = str(req, "StateReasonData");
  if (!data.empty() && !json::parse_json(data).ok())
    return err("InvalidFormat", "StateReasonData is not valid JSON.");
  ServiceResult out{Value::empty_object(), {}};
  Entry& e = it->second;
  if (auto t = guardian::set_alarm_state(name, e.actions(), e.state, *state, str(req, "StateReason"), data,
                                         now_ms)) {
    out.events.push_back(make_event(e, std::move(*t)));
    cascade(name, now_ms, out.events);
  }
  return out;
}

Result<Value> AlarmService::set_actions_enabled(const Value& req, bool enabled) {
  for (const std::string& name : str_list(req, "AlarmNames")) {
    auto it = alarms_.find(name);
    if (it == alarms_.end()) continue;
    if (it->second.metric) it->second.metric->actions.actions_enabled = enabled;
    if (it->second.composite) it->second.composite->actions.actions_enabled = enabled;
  }
  return Value::empty_object();
}

Result<Value> AlarmService::delete_alarms(const Value& req) {
  std::vector<std::string> names = str_list(req, "AlarmNames");
  for (const std::string& name : names)
    if (!alarms_.count(name)) return err("ResourceNotFound", cat("Alarm ", name, " not found"));
  for (const std::string& name : names) alarms_.erase(name);
  return Value::empty_object();
}

Value AlarmService::describe(const Entry& e) const {
  json::ObjectBuilder b;
  const std::string& name = e.metric ? e.metric->name : e.composite->name;
  const AlarmActions& a = e.actions();
  const std::optional<std::string>& description = e.metric ? e.metric->description : e.composite->description;
  b.add("AlarmName", Value::string(name));
  b.add("AlarmArn", Value::string(alarm_arn(account_.region, account_.account_id, name)));
  if (description) b.add("AlarmDescription", Value::string(*description));
  b.add("AlarmConfigurationUpdatedTimestamp", seconds(e.config_updated_ms));
  b.add("ActionsEnabled", Value::boolean(a.actions_enabled));
  b.add("OKActions", strings(a.ok_actions));
  b.add("AlarmActions", strings(a.alarm_actions));
  b.add("InsufficientDataActions", strings(a.insufficient_data_actions));
  b.add("StateValue", Value::string(alarm_state_name(e.state.value)));
  b.add("StateReason", Value::string(e.state.reason));
  if (!e.state.reason_data.empty()) b.add("StateReasonData", Value::string(e.state.reason_data));
  b.add("StateUpdatedTimestamp", seconds(e.state.updated_ms));
  b.add("StateTransitionedTimestamp", seconds(e.state.transitioned_ms));
  if (e.composite) {
    b.add("AlarmRule", Value::string(e.composite->rule.text()));
    return std::move(b).build();
  }
  const MetricAlarmConfig& c = *e.metric;
  b.add("MetricName", Value::string(c.metric_name));
  b.add("Namespace", Value::string(c.ns));
  if (!c.statistic.empty()) b.add("Statistic", Value::string(c.statistic));
  if (!c.extended_statistic.empty()) b.add("ExtendedStatistic", Value::string(c.extended_statistic));
  std::vector<Value> dims;
  for (const Dimension& d : c.dimensions) {
    json::ObjectBuilder o;
    o.add("Name", Value::string(d.name));
    o.add("Value", Value::string(d.value));
    dims.push_back(std::move(o).build());
  }
  b.add("Dimensions", Value::array(std::move(dims)));
  b.add("Period", Value::integer(c.period_seconds));
  if (!c.unit.empty()) b.add("Unit", Value::string(c.unit));
  b.add("EvaluationPeriods", Value::integer(c.evaluation_periods));
  if (c.datapoints_to_alarm) b.add("DatapointsToAlarm", Value::integer(*c.datapoints_to_alarm));
  b.add("Threshold", Value::number(c.threshold));
  b.add("ComparisonOperator", Value::string(comparison_name(c.comparison)));
  b.add("TreatMissingData", Value::string(treat_missing_name(c.treat_missing_data)));
  if (!c.evaluate_low_sample_count_percentile.empty())
    b.add("EvaluateLowSampleCountPercentile", Value::string(c.evaluate_low_sample_count_percentile));
  return std::move(b).build();
}

Result<Value> AlarmService::describe_alarms(const Value& req) const {
  std::vector<std::string> names = str_list(req, "AlarmNames");
  std::string prefix = str(req, "AlarmNamePrefix");
  std::string state = str(req, "StateValue");
  std::vector<std::string> types = str_list(req, "AlarmTypes");
  if (types.empty()) types = {"MetricAlarm"};
  auto wants = [&](const std::string& t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  std::vector<Value> metric, composite;
  for (const auto& [name, e] : alarms_) {
    if (!names.empty() && std::find(names.begin(), names.end(), name) == names.end()) continue;
    if (!prefix.empty() && name.rfind(prefix, 0) != 0) continue;
    if (!state.empty() && alarm_state_name(e.state.value) != state) continue;
    if (e.metric && wants("MetricAlarm")) metric.push_back(describe(e));
    if (e.composite && wants("CompositeAlarm")) composite.push_back(describe(e));
  }
  json::ObjectBuilder b;
  b.add("MetricAlarms", Value::array(std::move(metric)));
  b.add("CompositeAlarms", Value::array(std::move(composite)));
  return std::move(b).build();
}

Result<Value> AlarmService::describe_alarm_history(const Value& req) const {
  HistoryQuery q;
  q.alarm_name = str(req, "AlarmName");
  q.item_type = str(req, "HistoryItemType");
  if (const Value* s = req.find("StartDate")) q.start_ms = parse_time_ms(*s);
  if (const Value* s = req.find("EndDate")) q.end_ms = parse_time_ms(*s);
  q.ascending = str(req, "ScanBy") == "TimestampAscending";
  if (const Value* m = req.find("MaxRecords")) {
    int64_t v = 0;
    if (m->integral_value(&v) && v > 0 && v <= 100) q.max_records = static_cast<size_t>(v);
  }
  std::vector<Value> items;
  for (const AlarmHistoryItem& i : history_.query(q)) {
    json::ObjectBuilder b;
    b.add("AlarmName", Value::string(i.alarm_name));
    b.add("AlarmType", Value::string(i.alarm_type));
    b.add("Timestamp", seconds(i.timestamp_ms));
    b.add("HistoryItemType", Value::string(i.item_type));
    b.add("HistorySummary", Value::string(i.summary));
    b.add("HistoryData", Value::string(i.data));
    items.push_back(std::move(b).build());
  }
  json::ObjectBuilder out;
  out.add("AlarmHistoryItems", Value::array(std::move(items)));
  return std::move(out).build();
}

void AlarmService::record_action(const std::string& alarm_name, const std::string& action, bool ok,
                                 const std::string& detail, int64_t now_ms) {
  auto it = alarms_.find(alarm_name);
  history_.add(action_item(alarm_name, it == alarms_.end() ? "MetricAlarm" : it->second.type(), action, ok,
                           detail, now_ms));
}

std::vector<AlarmStateSample> AlarmService::states() const {
  std::vector<AlarmStateSample> out;
  for (const auto& [name, e] : alarms_) out.push_back({name, e.state.value});
  return out;
}

}  // namespace sg::guardian
