#include "cli/guardian_service.h"

#include <algorithm>
#include <cmath>

#include "common/log.h"
#include "guardian/metrics_query.h"
#include "integrations/notification_channels_notifier.h"
#include "json/timestamp.h"
#include "store/sqlite_alarm_store.h"
#include "store/sqlite_store.h"

namespace sg::cli {

namespace {

using guardian::AlarmState;
using guardian::ExecStatus;
using json::Value;

std::string str(const Value& v, std::string_view key) {
  const Value* m = v.find(key);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

// "arn:...:stateMachine:NAME:QUALIFIER" -> "QUALIFIER".
std::string qualifier(const std::string& arn) {
  size_t colon = arn.rfind(':');
  return colon == std::string::npos ? std::string() : arn.substr(colon + 1);
}

std::optional<guardian::ExecutionOutcome> outcome_of(const std::string& status) {
  if (status == "SUCCEEDED") return guardian::ExecutionOutcome::kSucceeded;
  if (status == "FAILED") return guardian::ExecutionOutcome::kFailed;
  if (status == "ABORTED") return guardian::ExecutionOutcome::kAborted;
  if (status == "TIMED_OUT") return guardian::ExecutionOutcome::kTimedOut;
  return std::nullopt;
}

int severity(AlarmState s) {
  switch (s) {
    case AlarmState::kAlarm:
      return 3;
    case AlarmState::kInsufficientData:
      return 2;
    case AlarmState::kOk:
      return 1;
  }
  return 0;
}

Value iso_or_null(std::optional<int64_t> ms) {
  return ms ? Value::string(json::format_iso8601_ms(*ms)) : Value();
}

Value iso_from_seconds(const Value* v) {
  if (!v || !v->is_number()) return Value();
  return Value::string(json::format_iso8601_ms(static_cast<int64_t>(std::llround(v->as_double() * 1000))));
}

std::vector<std::string> names_of(const Value& request) {
  std::vector<std::string> out;
  if (const Value* names = request.find("AlarmNames"); names && names->is_array())
    for (const Value& n : names->items())
      if (n.is_string()) out.emplace_back(n.as_string());
  return out;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  return it != hay.end();
}

}  // namespace

GuardianService::GuardianService(GuardianConfig config, MachineSource machines,
                                 integrations::Notifier* notifier, AfterCommit after_commit)
    : config_(std::move(config)),
      machines_(std::move(machines)),
      notifier_(notifier),
      after_commit_(std::move(after_commit)),
      store_(guardian::MetricStoreOptions{config_.metric_retention_ms}),
      metrics_(store_),
      alarms_(config_.account) {
  if (!(config_.time_scale > 0)) config_.time_scale = 1.0;
  add_remote_machines_to_source();
}

GuardianService::~GuardianService() = default;

int64_t GuardianService::guardian_time(int64_t real_ms) const {
  if (config_.time_scale == 1.0) return real_ms;
  return origin_ms_ +
         static_cast<int64_t>(std::llround(static_cast<double>(real_ms - origin_ms_) / config_.time_scale));
}

void GuardianService::schedule_next(int64_t g_ms) {
  // The first real time whose guardian time is past the next minute boundary.
  int64_t g_next = guardian::floor_minute(g_ms) + guardian::kMinuteMs;
  double real =
      static_cast<double>(origin_ms_) + static_cast<double>(g_next - origin_ms_) * config_.time_scale;
  next_tick_ms_ = static_cast<int64_t>(std::ceil(real)) + 1;
}

Status GuardianService::start(int64_t now_ms) {
  origin_ms_ = now_ms;
  for (const Value& req : config_.alarms) {
    auto r = alarms_.put_metric_alarm(req, now_ms);
    if (!r.ok())
      return Status::Fail("INVALID_CONFIG", "alarms: " + str(req, "AlarmName") + ": " + r.error().message);
  }
  for (const Value& req : config_.composite_alarms) {
    auto r = alarms_.put_composite_alarm(req, now_ms);
    if (!r.ok())
      return Status::Fail("INVALID_CONFIG",
                          "composite_alarms: " + str(req, "AlarmName") + ": " + r.error().message);
  }
  if (Status st = restore_api_alarms(now_ms); !st.ok()) return st;
  for (const guardian::AlarmTemplate& t : config_.templates) {
    Status st = guardian::validate_template(t);
    if (!st.ok())
      return Status::Fail("INVALID_CONFIG", "alarm_templates: " + t.name + ": " + st.error().message);
  }
  reconcile_templates(now_ms);
  schedule_next(now_ms);
  return Status::Ok();
}

Status GuardianService::restore_api_alarms(int64_t now_ms) {
  if (!alarm_store_) return Status::Ok();
  auto stored = alarm_store_->alarms();
  if (!stored.ok()) return stored.error();
  std::set<std::string> config_names;
  for (const Value& req : config_.alarms) config_names.insert(str(req, "AlarmName"));
  for (const Value& req : config_.composite_alarms) config_names.insert(str(req, "AlarmName"));
  std::vector<store::StoredAlarm> pending;
  for (store::StoredAlarm& a : *stored) {
    if (config_names.count(a.name)) {
      log::warn("guardian: stored API alarm skipped, the config defines it", {{"alarm", a.name}});
      continue;
    }
    pending.push_back(std::move(a));
  }
  // Creation order puts composites after their children; retry until nothing more loads,
  // in case an update changed what a composite refers to.
  std::map<std::string, std::string> errors;
  bool progress = true;
  int64_t restored = 0;
  while (!pending.empty() && progress) {
    progress = false;
    std::vector<store::StoredAlarm> next;
    for (store::StoredAlarm& a : pending) {
      auto r = a.kind == "CompositeAlarm" ? alarms_.put_composite_alarm(a.request, now_ms)
                                          : alarms_.put_metric_alarm(a.request, now_ms);
      if (!r.ok()) {
        errors[a.name] = r.error().message;
        next.push_back(std::move(a));
        continue;
      }
      progress = true;
      ++restored;
      errors.erase(a.name);
      Value names = Value::array({Value::string(a.name)});
      (void)alarms_.set_actions_enabled(Value::object({{Value::string("AlarmNames"), names}}),
                                        a.actions_enabled);
    }
    pending = std::move(next);
  }
  for (const auto& [name, error] : errors)
    log::warn("guardian: stored API alarm not restored", {{"alarm", name}, {"error", error}});
  if (restored > 0) log::info("guardian: API alarms restored", {{"alarms", restored}});
  return Status::Ok();
}

void GuardianService::persist_alarm_action(std::string_view action, const Value& request) {
  if (!alarm_store_) return;
  if (action == "PutMetricAlarm" || action == "PutCompositeAlarm") {
    store::StoredAlarm a;
    a.name = str(request, "AlarmName");
    a.kind = action == "PutMetricAlarm" ? "MetricAlarm" : "CompositeAlarm";
    a.request = request;
    const Value* enabled = request.find("ActionsEnabled");
    a.actions_enabled = !(enabled && enabled->is_bool() && !enabled->as_bool());
    alarm_store_->put(a);
  } else if (action == "DeleteAlarms") {
    for (const std::string& name : names_of(request)) alarm_store_->remove(name);
  } else if (action == "EnableAlarmActions" || action == "DisableAlarmActions") {
    for (const std::string& name : names_of(request))
      alarm_store_->set_actions_enabled(name, action == "EnableAlarmActions");
  }
}

void GuardianService::restore_latest(store::SqliteStore& store) {
  if (!machines_.list) return;
  for (const GuardianMachine& m : machines_.list()) {
    store::ExecutionFilter f;
    f.state_machine_arn = m.arn;
    f.limit = 1;
    auto rows = store.list_executions(f);
    if (rows.empty()) continue;
    const store::ExecutionRow& r = rows.front();
    guardian::ExecutionUpdate u;
    u.status = guardian::parse_exec_status(r.status);
    u.execution_arn = r.arn;
    u.name = r.name;
    u.start_ms = r.start_ms;
    if (r.stop_ms > 0) u.stop_ms = r.stop_ms;
    u.error = str(r.doc, "error");
    u.cause = str(r.doc, "cause");
    u.start_seq = r.id;
    board_.apply(m.arn, u);
  }
}

void GuardianService::later(std::function<void()> fn) {
  if (after_commit_)
    after_commit_(std::move(fn));
  else
    fn();
}

void GuardianService::on_execution_change(const engine::ExecutionChange& c) {
  using Kind = engine::ExecutionChange::Kind;
  const int64_t g = guardian_time(c.at_ms);
  guardian::ExecutionRef ref{c.state_machine_arn, c.version_arn.empty() ? "" : qualifier(c.version_arn),
                             c.alias_arn.empty() ? "" : qualifier(c.alias_arn)};
  switch (c.kind) {
    case Kind::kStarted:
      metrics_.record_execution_started(ref, g);
      counters_.on_started(c.state_machine_arn);
      break;
    case Kind::kClosed:
      if (auto o = outcome_of(c.status)) {
        int64_t duration = c.stop_ms > c.start_ms ? c.stop_ms - c.start_ms : 0;
        metrics_.record_execution_closed(ref, *o, g, duration, c.redriven);
        counters_.on_closed(c.state_machine_arn, *o, duration);
      }
      break;
    case Kind::kRedriven:
      metrics_.record_execution_redriven(ref, g);
      counters_.on_redriven(c.state_machine_arn);
      break;
  }
  guardian::ExecutionUpdate u;
  u.status = guardian::parse_exec_status(c.status);
  u.execution_arn = c.execution_arn;
  u.name = c.name;
  u.start_ms = c.start_ms;
  if (c.stop_ms > 0) u.stop_ms = c.stop_ms;
  u.error = c.error;
  u.cause = c.cause;
  u.start_seq = c.row_id < 0 ? -c.row_id : c.row_id;
  bool changed = board_.apply(c.state_machine_arn, u);
  if (changed) sample_status(c.state_machine_arn, g);
  if (!c.version_arn.empty()) board_.apply(c.version_arn, u);
  if (!c.alias_arn.empty()) board_.apply(c.alias_arn, u);
  if (!changed || listeners_.empty()) return;
  bool first = pending_status_.empty();
  pending_status_.insert(c.state_machine_arn);
  if (first) later([this] { flush_status(); });
}

void GuardianService::flush_status() {
  std::set<std::string> pending = std::move(pending_status_);
  pending_status_.clear();
  if (listeners_.empty() || !machines_.find) return;
  AlarmIndex index = alarm_index();
  for (const std::string& arn : pending)
    if (auto m = machines_.find(arn)) emit("status", tile(*m, index));
}

void GuardianService::on_time(int64_t now_ms) {
  if (!next_tick_ms_ || now_ms < *next_tick_ms_) return;
  int64_t g = guardian_time(now_ms);
  tick(g);
  schedule_next(g);
}

void GuardianService::sample_status(const std::string& machine_arn, int64_t g_ms) {
  const guardian::LatestExecution* l = board_.find(machine_arn);
  double code = guardian::status_code(l ? l->status : ExecStatus::kNone);
  store_.put(guardian::MetricId::make(std::string(kGuardianNamespace), std::string(kLatestStatusMetric),
                                      {{"StateMachineArn", machine_arn}}),
             "None", g_ms, code);
}

void GuardianService::tick(int64_t g_ms) {
  reconcile_templates(g_ms);
  deliver(alarms_.evaluate(store_, g_ms), g_ms);
  // The seed's sampled metric: every machine's latest status code, once a minute; records
  // of deleted machines leave the board (and /metrics).
  if (machines_.list) {
    std::set<std::string> live;
    for (const GuardianMachine& m : machines_.list()) {
      sample_status(m.arn, g_ms);
      live.insert(m.arn);
    }
    std::vector<std::string> gone;
    for (const auto& [key, r] : board_.records())
      if (!live.count(guardian::parent_state_machine_arn(key))) gone.push_back(key);
    for (const std::string& key : gone) board_.remove(key);
  }
  store_.prune(g_ms);
  alarms_.prune(g_ms);
}

void GuardianService::reconcile_templates(int64_t g_ms) {
  if (config_.templates.empty() || !machines_.list) return;
  std::vector<guardian::StateMachineInfo> infos;
  for (const GuardianMachine& m : machines_.list()) infos.push_back({m.name, m.arn, m.tags});
  for (const guardian::AlarmTemplate& t : config_.templates) {
    auto& owned = template_owned_[t.name];
    guardian::ReconcilePlan plan = guardian::reconcile(t, infos, owned);
    for (auto* list : {&plan.create, &plan.update})
      for (guardian::MetricAlarmConfig& c : *list) {
        if (alarms_.upsert_metric_alarm(c, g_ms).ok()) owned[c.name] = c;
      }
    for (const std::string& name : plan.remove) {
      (void)alarms_.delete_alarms(
          Value::object({{Value::string("AlarmNames"), Value::array({Value::string(name)})}}));
      owned.erase(name);
    }
  }
}

void GuardianService::deliver(const std::vector<guardian::AlarmEvent>& events, int64_t g_ms) {
  for (const guardian::AlarmEvent& ev : events) {
    const std::string& name = ev.transition.alarm_name;
    for (const std::string& action : ev.transition.actions) {
      if (!notifier_) {
        alarms_.record_action(name, action, false, "no notification channels are configured", g_ms);
        continue;
      }
      auto id = notifier_->publish(action, ev.notification.subject, ev.notification.message);
      alarms_.record_action(name, action, id.ok(), id.ok() ? *id : id.error().message, g_ms);
    }
  }
  if (events.empty() || listeners_.empty()) return;
  std::vector<std::string> names;
  for (const guardian::AlarmEvent& ev : events) names.push_back(ev.transition.alarm_name);
  later([this, names = std::move(names)] {
    for (const std::string& name : names) {
      auto d = alarms_.describe_alarms(
          Value::object({{Value::string("AlarmNames"), Value::array({Value::string(name)})},
                         {Value::string("AlarmTypes"),
                          Value::array({Value::string("MetricAlarm"), Value::string("CompositeAlarm")})}}));
      if (!d.ok()) continue;
      for (const char* key : {"MetricAlarms", "CompositeAlarms"})
        if (const Value* list = d->find(key))
          for (const Value& a : list->items()) emit("alarm", alarm_object(a));
    }
  });
}

uint64_t GuardianService::subscribe(Listener listener) {
  uint64_t id = next_listener_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void GuardianService::unsubscribe(uint64_t id) { listeners_.erase(id); }

void GuardianService::emit(std::string_view event, const Value& data) {
  // A listener may unsubscribe itself: iterate over a copy of the ids.
  std::vector<uint64_t> ids;
  for (const auto& [id, l] : listeners_) ids.push_back(id);
  for (uint64_t id : ids)
    if (auto it = listeners_.find(id); it != listeners_.end()) it->second(event, data);
}

GuardianService::AlarmIndex GuardianService::alarm_index() const {
  AlarmIndex index;
  auto d = alarms_.describe_alarms(Value::empty_object());
  if (!d.ok()) return index;
  if (const Value* list = d->find("MetricAlarms"))
    for (const Value& a : list->items()) {
      const Value* dims = a.find("Dimensions");
      if (!dims) continue;
      for (const Value& dim : dims->items()) {
        if (str(dim, "Name") != "StateMachineArn") continue;
        auto state = guardian::parse_alarm_state(str(a, "StateValue"));
        index[guardian::parent_state_machine_arn(str(dim, "Value"))].push_back(
            {str(a, "AlarmName"), state.value_or(AlarmState::kInsufficientData)});
      }
    }
  return index;
}

Value GuardianService::tile(const GuardianMachine& m, const AlarmIndex& index) const {
  json::ObjectBuilder b(9);
  b.add("name", Value::string(m.name));
  b.add("stateMachineArn", Value::string(m.arn));
  b.add("type", Value::string(m.type));
  b.add("account", Value::string(m.account));
  b.add("region", Value::string(m.region));
  json::ObjectBuilder tags;
  for (const auto& [k, v] : m.tags) tags.add(k, Value::string(v));
  b.add("tags", std::move(tags).build());
  if (const guardian::LatestExecution* l = board_.find(m.arn); l && l->status != ExecStatus::kNone) {
    json::ObjectBuilder lb(7);
    lb.add("status", Value::string(guardian::exec_status_name(l->status)));
    lb.add("executionArn", Value::string(l->execution_arn));
    lb.add("name", Value::string(l->name));
    lb.add("startDate", iso_or_null(l->start_ms));
    lb.add("stopDate", iso_or_null(l->stop_ms));
    lb.add("error", l->error.empty() ? Value() : Value::string(l->error));
    lb.add("cause", l->cause.empty() ? Value() : Value::string(l->cause));
    b.add("latest", std::move(lb).build());
  } else {
    b.add("latest", Value());
  }
  std::vector<Value> alarms;
  std::optional<AlarmState> worst;
  if (auto it = index.find(m.arn); it != index.end())
    for (const AlarmRef& a : it->second) {
      alarms.push_back(
          Value::object({{Value::string("alarmName"), Value::string(a.name)},
                         {Value::string("stateValue"), Value::string(guardian::alarm_state_name(a.state))}}));
      if (!worst || severity(a.state) > severity(*worst)) worst = a.state;
    }
  b.add("alarmState", worst ? Value::string(guardian::alarm_state_name(*worst)) : Value());
  b.add("alarms", Value::array(std::move(alarms)));
  return std::move(b).build();
}

Value GuardianService::state_machines(const std::map<std::string, std::string>& query) const {
  auto get = [&](const char* k) {
    auto it = query.find(k);
    return it == query.end() ? std::string() : it->second;
  };
  const std::string name = get("name"), status = get("status"), tag = get("tag");
  std::string tag_key = tag, tag_value;
  bool tag_has_value = false;
  if (size_t eq = tag.find('='); eq != std::string::npos) {
    tag_key = tag.substr(0, eq);
    tag_value = tag.substr(eq + 1);
    tag_has_value = true;
  }
  auto number = [&](const char* k, int64_t dflt) {
    std::string v = get(k);
    if (v.empty()) return dflt;
    try {
      return std::max<int64_t>(0, std::stoll(v));
    } catch (...) {
      return dflt;
    }
  };
  const int64_t offset = number("offset", 0), limit = number("limit", INT64_MAX);
  std::map<std::string, int64_t> counts{{"SUCCEEDED", 0}, {"FAILED", 0},  {"TIMED_OUT", 0},
                                        {"ABORTED", 0},   {"RUNNING", 0}, {"NONE", 0}};
  AlarmIndex index = alarm_index();
  std::vector<Value> tiles;
  int64_t matched = 0;
  std::vector<GuardianMachine> all = machines_.list ? machines_.list() : std::vector<GuardianMachine>{};
  for (const GuardianMachine& m : all) {
    if (!name.empty() && !contains_ci(m.name, name)) continue;
    if (!tag.empty()) {
      auto it = m.tags.find(tag_key);
      if (it == m.tags.end() || (tag_has_value && it->second != tag_value)) continue;
    }
    const guardian::LatestExecution* l = board_.find(m.arn);
    std::string s =
        l && l->status != ExecStatus::kNone ? std::string(guardian::exec_status_name(l->status)) : "NONE";
    if (counts.count(s)) ++counts[s];
    if (!status.empty() && status != s) continue;
    if (matched++ < offset || static_cast<int64_t>(tiles.size()) >= limit) continue;
    tiles.push_back(tile(m, index));
  }
  json::ObjectBuilder c;
  for (const char* k : {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "RUNNING", "NONE"})
    c.add(k, Value::integer(counts[k]));
  json::ObjectBuilder b(3);
  b.add("stateMachines", Value::array(std::move(tiles)));
  b.add("counts", std::move(c).build());
  b.add("total", Value::integer(matched));
  if (!remote_.empty()) b.add("watches", watches());  // remote endpoints (guardian_service_remote.cc)
  return std::move(b).build();
}

Value GuardianService::alarm_object(const Value& a) const {
  json::ObjectBuilder b(8);
  b.add("alarmName", Value::string(str(a, "AlarmName")));
  b.add("alarmType", Value::string(a.find("AlarmRule") ? "CompositeAlarm" : "MetricAlarm"));
  b.add("stateValue", Value::string(str(a, "StateValue")));
  b.add("stateReason", Value::string(str(a, "StateReason")));
  b.add("stateUpdatedTimestamp", iso_from_seconds(a.find("StateUpdatedTimestamp")));
  b.add("metricName", a.find("MetricName") ? Value::string(str(a, "MetricName")) : Value());
  std::vector<Value> dims;
  if (const Value* d = a.find("Dimensions"))
    for (const Value& dim : d->items())
      dims.push_back(Value::object({{Value::string("name"), Value::string(str(dim, "Name"))},
                                    {Value::string("value"), Value::string(str(dim, "Value"))}}));
  b.add("dimensions", Value::array(std::move(dims)));
  return std::move(b).build();
}

Value GuardianService::alarms_summary() const {
  std::vector<Value> out;
  auto d = alarms_.describe_alarms(
      Value::object({{Value::string("AlarmTypes"),
                      Value::array({Value::string("MetricAlarm"), Value::string("CompositeAlarm")})}}));
  if (d.ok())
    for (const char* key : {"MetricAlarms", "CompositeAlarms"})
      if (const Value* list = d->find(key))
        for (const Value& a : list->items()) out.push_back(alarm_object(a));
  std::sort(out.begin(), out.end(), [](const Value& x, const Value& y) {
    return x.find("alarmName")->as_string() < y.find("alarmName")->as_string();
  });
  return Value::object({{Value::string("alarms"), Value::array(std::move(out))}});
}

std::string GuardianService::prometheus_text() const {
  std::vector<std::string> arns;
  if (machines_.list)
    for (const GuardianMachine& m : machines_.list()) arns.push_back(m.arn);
  std::vector<guardian::AlarmStateSample> states = alarms_.states();
  guardian::PrometheusOptions opt{config_.account.account_id, config_.account.region};
  return guardian::render_prometheus(counters_, board_, arns, states, opt);
}

Result<Value> GuardianService::metric_statistics(const Value& request) const {
  return guardian::get_metric_statistics(store_, request);
}

Result<Value> GuardianService::alarm_action(std::string_view action, const Value& request, int64_t now_ms) {
  const int64_t g = guardian_time(now_ms);
  auto with_events = [&](Result<guardian::ServiceResult> r) -> Result<Value> {
    if (!r.ok()) return std::move(r).error();
    deliver(r->events, g);
    return r->response;
  };
  // Changes of the alarm set are stored (when an alarm store is set) once they succeed.
  auto stored = [&](Result<Value> r) -> Result<Value> {
    if (r.ok()) persist_alarm_action(action, request);
    return r;
  };
  if (action == "PutMetricAlarm") return stored(with_events(alarms_.put_metric_alarm(request, g)));
  if (action == "PutCompositeAlarm") return stored(with_events(alarms_.put_composite_alarm(request, g)));
  if (action == "SetAlarmState") return with_events(alarms_.set_alarm_state(request, g));
  if (action == "DescribeAlarms") return alarms_.describe_alarms(request);
  if (action == "DeleteAlarms") return stored(alarms_.delete_alarms(request));
  if (action == "DescribeAlarmHistory") return alarms_.describe_alarm_history(request);
  if (action == "EnableAlarmActions") return stored(alarms_.set_actions_enabled(request, true));
  if (action == "DisableAlarmActions") return stored(alarms_.set_actions_enabled(request, false));
  return Error{"InvalidAction", "Unknown action: " + std::string(action)};
}

}  // namespace sg::cli
