#include "events/event_bus_service.h"

#include <algorithm>
#include <cctype>

#include "events/event_bus_wire.h"
#include "events/event_pattern.h"
#include "events/schedule_expression.h"

namespace sg::events {
namespace {

using namespace wire;  // NOLINT: this file is the service's own wire layer
using json::ObjectBuilder;
using json::Value;
using Reply = Result<EventsOutcome, EventsError>;

// Offset pagination with an opaque-looking token.
struct Page {
  size_t begin = 0, end = 0;
  std::optional<std::string> next;
};

Result<Page, EventsError> page(const Value& r, size_t total) {
  Page p;
  if (auto token = get_string(r, "NextToken")) {
    size_t n = 0;
    for (char c : *token) {
      if (!std::isdigit(static_cast<unsigned char>(c)))
        return error("ValidationException", "The NextToken is not valid.");
      n = n * 10 + static_cast<size_t>(c - '0');
    }
    p.begin = std::min(n, total);
  }
  size_t limit = 100;
  if (const Value* l = r.find("Limit"); l && l->is_number()) {
    int64_t n = 0;
    if (!l->integral_value(&n) || n < 1 || n > 100) {
      return constraint("limit", l->dump(), "have value less than or equal to 100");
    }
    limit = static_cast<size_t>(n);
  }
  p.end = std::min(total, p.begin + limit);
  if (p.end < total) p.next = std::to_string(p.end);
  return p;
}

bool rule_enabled(const RuleRecord& r) { return r.state != "DISABLED"; }

EventsError rule_not_found(std::string_view rule, std::string_view bus) {
  std::string m = "Rule ";
  m.append(rule).append(" does not exist on EventBus ").append(bus).append(".");
  return error("ResourceNotFoundException", std::move(m));
}

EventsError bus_not_found(std::string_view bus) {
  std::string m = "Event bus ";
  m.append(bus).append(" does not exist.");
  return error("ResourceNotFoundException", std::move(m));
}

// Validates a Target object; returns the error message for FailedEntries.
std::optional<std::string> check_target(const Value& t) {
  if (!t.is_object()) return "Target must be an object.";
  auto id = get_string(t, "Id");
  if (!id || id->empty() || id->size() > 64 || !matches_charset(*id, ".-_")) return "Target Id is not valid.";
  auto arn = get_string(t, "Arn");
  if (!arn || arn->empty() || arn->size() > 1600) return "Target Arn is not valid.";
  if (auto input = TargetInput::of_target(t); !input) return input.error().message;
  if (const Value* rp = t.find("RetryPolicy"); rp && rp->is_object()) {
    int64_t n = 0;
    if (const Value* a = rp->find("MaximumRetryAttempts");
        a && (!a->integral_value(&n) || n < 0 || n > 185)) {
      return "MaximumRetryAttempts must be between 0 and 185.";
    }
    if (const Value* a = rp->find("MaximumEventAgeInSeconds");
        a && (!a->integral_value(&n) || n < 60 || n > 86400)) {
      return "MaximumEventAgeInSeconds must be between 60 and 86400.";
    }
  }
  return std::nullopt;
}

Value rule_document(const RuleRecord& rule, const std::string& arn) {
  ObjectBuilder b;
  b.add("Name", Value::string(rule.name));
  b.add("Arn", Value::string(arn));
  if (rule.event_pattern) b.add("EventPattern", Value::string(*rule.event_pattern));
  if (rule.schedule_expression) b.add("ScheduleExpression", Value::string(*rule.schedule_expression));
  b.add("State", Value::string(rule.state));
  if (rule.description) b.add("Description", Value::string(*rule.description));
  if (rule.role_arn) b.add("RoleArn", Value::string(*rule.role_arn));
  b.add("EventBusName", Value::string(rule.bus));
  return std::move(b).build();
}

}  // namespace

EventBusService::EventBusService(EventBusStore& store, EventsConfig config)
    : store_(store), config_(std::move(config)) {}
EventBusService::~EventBusService() = default;

std::string EventBusService::bus_arn(std::string_view bus) const {
  std::string arn = "arn:aws:events:";
  arn.append(config_.region).append(":").append(config_.account).append(":event-bus/").append(bus);
  return arn;
}

std::string EventBusService::rule_arn(std::string_view bus, std::string_view rule) const {
  std::string arn = "arn:aws:events:";
  arn.append(config_.region).append(":").append(config_.account).append(":rule/");
  if (bus != kDefaultBus) arn.append(bus).append("/");
  return arn.append(rule);
}

void EventBusService::ensure_default_bus(int64_t now_ms) {
  if (!store_.bus(kDefaultBus))
    store_.put_bus(BusRecord{std::string(kDefaultBus), std::nullopt, now_ms, now_ms});
}

Result<EventsOutcome, EventsError> EventBusService::call(std::string_view action, const Value& request,
                                                         const CallContext& context) {
  std::lock_guard lock(mu_);
  ensure_default_bus(context.now_ms);
  const Value& r = request.is_object() ? request : Value::empty_object();
  if (action == "CreateEventBus") return create_event_bus(r, context);
  if (action == "DescribeEventBus") return describe_event_bus(r);
  if (action == "ListEventBuses") return list_event_buses(r);
  if (action == "DeleteEventBus") return delete_event_bus(r);
  if (action == "PutRule") return put_rule(r, context);
  if (action == "DescribeRule") return describe_rule(r);
  if (action == "ListRules") return list_rules(r);
  if (action == "DeleteRule") return delete_rule(r);
  if (action == "EnableRule") return set_rule_state(r, true);
  if (action == "DisableRule") return set_rule_state(r, false);
  if (action == "PutTargets") return put_targets(r);
  if (action == "ListTargetsByRule") return list_targets(r);
  if (action == "RemoveTargets") return remove_targets(r);
  if (action == "PutEvents") return put_events(r, context);
  if (action == "TestEventPattern") return test_event_pattern(r);
  return error("UnknownOperationException", "");
}

Reply EventBusService::create_event_bus(const Value& r, const CallContext& c) {
  auto name = get_string(r, "Name");
  if (!name) return constraint("name", "null", "not be null");
  if (name->size() > 256) return constraint("name", *name, "have length less than or equal to 256");
  if (!matches_charset(*name, "/.-_")) {
    return constraint("name", *name,
                      std::string("satisfy regular expression pattern: ").append(kBusNamePattern));
  }
  if (store_.bus(*name)) {
    std::string m = "Event bus ";
    m.append(*name).append(" already exists.");
    return error("ResourceAlreadyExistsException", std::move(m));
  }
  if (name->rfind("aws.", 0) == 0 && !get_string(r, "EventSourceName")) {
    return error("ValidationException", "Event bus name must not start with 'aws.'.");
  }
  BusRecord bus{*name, get_string(r, "Description"), c.now_ms, c.now_ms};
  store_.put_bus(bus);
  ObjectBuilder b;
  b.add("EventBusArn", Value::string(bus_arn(*name)));
  if (bus.description) b.add("Description", Value::string(*bus.description));
  return ok(std::move(b).build());
}

Reply EventBusService::describe_event_bus(const Value& r) {
  std::string name = bus_name(r, "Name");
  auto bus = store_.bus(name);
  if (!bus) return bus_not_found(name);
  ObjectBuilder b;
  b.add("Name", Value::string(bus->name));
  b.add("Arn", Value::string(bus_arn(bus->name)));
  if (bus->description) b.add("Description", Value::string(*bus->description));
  b.add("CreationTime", epoch_seconds(bus->created_ms));
  b.add("LastModifiedTime", epoch_seconds(bus->modified_ms));
  return ok(std::move(b).build());
}

Reply EventBusService::list_event_buses(const Value& r) {
  auto prefix = get_string(r, "NamePrefix").value_or("");
  std::vector<BusRecord> buses;
  for (BusRecord& b : store_.buses()) {
    if (b.name.rfind(prefix, 0) == 0) buses.push_back(std::move(b));
  }
  auto p = page(r, buses.size());
  if (!p) return p.error();
  std::vector<Value> items;
  for (size_t i = p->begin; i < p->end; ++i) {
    ObjectBuilder b;
    b.add("Name", Value::string(buses[i].name));
    b.add("Arn", Value::string(bus_arn(buses[i].name)));
    if (buses[i].description) b.add("Description", Value::string(*buses[i].description));
    b.add("CreationTime", epoch_seconds(buses[i].created_ms));
    b.add("LastModifiedTime", epoch_seconds(buses[i].modified_ms));
    items.push_back(std::move(b).build());
  }
  ObjectBuilder out;
  out.add("EventBuses", Value::array(std::move(items)));
  if (p->next) out.add("NextToken", Value::string(*p->next));
  return ok(std::move(out).build());
}

Reply EventBusService::delete_event_bus(const Value& r) {
  auto name = get_string(r, "Name");
  if (!name) return constraint("name", "null", "not be null");
  if (*name == kDefaultBus) return error("ValidationException", "Cannot delete event bus default.");
  store_.delete_bus(*name);
  indexes_.erase(*name);
  return ok_empty();
}

Reply EventBusService::put_rule(const Value& r, const CallContext& c) {
  auto name = get_string(r, "Name");
  if (auto e = check_name("name", name, 64)) return *e;
  std::string bus = bus_name(r, "EventBusName");
  if (!store_.bus(bus)) return bus_not_found(bus);
  auto pattern = get_string(r, "EventPattern");
  auto schedule = get_string(r, "ScheduleExpression");
  if (!pattern && !schedule) {
    return error("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  if (pattern) {
    if (pattern->size() > kMaxEventPattern) {
      return constraint("eventPattern", *pattern, "have length less than or equal to 4096");
    }
    auto compiled = EventPattern::parse(*pattern);
    if (!compiled) return error(compiled.error().code, compiled.error().message);
  }
  if (schedule) {
    if (bus != kDefaultBus) {
      return error("ValidationException", "ScheduleExpression is supported only on the default event bus.");
    }
    auto parsed = ScheduleExpression::parse(*schedule, ScheduleDialect::kRule);
    if (!parsed) return error(parsed.error().code, parsed.error().message);
  }
  auto state = get_string(r, "State").value_or("ENABLED");
  if (state != "ENABLED" && state != "DISABLED" && state != "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS") {
    return constraint(
        "state", state,
        "satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]");
  }
  auto description = get_string(r, "Description");
  if (description && description->size() > 512) {
    return constraint("description", *description, "have length less than or equal to 512");
  }
  // An update replaces every field (omitted ones become unset) but keeps the targets.
  auto existing = store_.rule(bus, *name);
  RuleRecord rule;
  rule.bus = bus;
  rule.name = *name;
  rule.event_pattern = pattern;
  rule.schedule_expression = schedule;
  rule.description = description;
  rule.role_arn = get_string(r, "RoleArn");
  rule.state = state;
  rule.created_ms = existing ? existing->created_ms : c.now_ms;
  if (existing) rule.targets = existing->targets;
  store_.put_rule(rule);
  reindex(rule);
  ObjectBuilder b;
  b.add("RuleArn", Value::string(rule_arn(bus, *name)));
  return ok(std::move(b).build());
}

Reply EventBusService::describe_rule(const Value& r) {
  auto name = get_string(r, "Name");
  if (auto e = check_name("name", name, 64)) return *e;
  std::string bus = bus_name(r, "EventBusName");
  auto rule = store_.rule(bus, *name);
  if (!rule) return rule_not_found(*name, bus);
  Value doc = rule_document(*rule, rule_arn(bus, *name));
  return ok(doc.with_member("CreatedBy", Value::string(config_.account)));
}

Reply EventBusService::list_rules(const Value& r) {
  std::string bus = bus_name(r, "EventBusName");
  if (!store_.bus(bus)) return bus_not_found(bus);
  auto prefix = get_string(r, "NamePrefix").value_or("");
  std::vector<RuleRecord> rules;
  for (RuleRecord& rule : store_.rules(bus)) {
    if (rule.name.rfind(prefix, 0) == 0) rules.push_back(std::move(rule));
  }
  auto p = page(r, rules.size());
  if (!p) return p.error();
  std::vector<Value> items;
  for (size_t i = p->begin; i < p->end; ++i)
    items.push_back(rule_document(rules[i], rule_arn(bus, rules[i].name)));
  ObjectBuilder out;
  out.add("Rules", Value::array(std::move(items)));
  if (p->next) out.add("NextToken", Value::string(*p->next));
  return ok(std::move(out).build());
}

Reply EventBusService::delete_rule(const Value& r) {
  auto name = get_string(r, "Name");
  if (auto e = check_name("name", name, 64)) return *e;
  std::string bus = bus_name(r, "EventBusName");
  auto rule = store_.rule(bus, *name);
  if (!rule) return ok_empty();
  if (!rule->targets.empty())
    return error("ValidationException", "Rule can't be deleted since it has targets.");
  store_.delete_rule(bus, *name);
  index_for(bus).remove(*name);
  return ok_empty();
}

Reply EventBusService::set_rule_state(const Value& r, bool enabled) {
  auto name = get_string(r, "Name");
  if (auto e = check_name("name", name, 64)) return *e;
  std::string bus = bus_name(r, "EventBusName");
  auto rule = store_.rule(bus, *name);
  if (!rule) return rule_not_found(*name, bus);
  rule->state = enabled ? "ENABLED" : "DISABLED";
  store_.put_rule(*rule);
  reindex(*rule);
  return ok_empty();
}

Reply EventBusService::put_targets(const Value& r) {
  auto name = get_string(r, "Rule");
  if (auto e = check_name("rule", name, 64)) return *e;
  std::string bus = bus_name(r, "EventBusName");
  const Value* targets = r.find("Targets");
  if (!targets || !targets->is_array() || targets->size() == 0) {
    return constraint("targets", "null", "have length greater than or equal to 1");
  }
  if (targets->size() > 100) return constraint("targets", "[...]", "have length less than or equal to 100");
  auto rule = store_.rule(bus, *name);
  if (!rule) return rule_not_found(*name, bus);

  std::vector<Value> failed;
  std::vector<Value> accepted;
  for (const Value& t : targets->items()) {
    if (auto message = check_target(t)) {
      ObjectBuilder f;
      f.add("TargetId", Value::string(get_string(t, "Id").value_or("")));
      f.add("ErrorCode", Value::string("ValidationException"));
      f.add("ErrorMessage", Value::string(*message));
      failed.push_back(std::move(f).build());
    } else {
      accepted.push_back(t);
    }
  }
  std::vector<Value> merged = rule->targets;
  for (const Value& t : accepted) {
    auto id = t.find("Id")->as_string();
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const Value& x) { return x.find("Id")->as_string() == id; });
    if (same != merged.end()) {
      *same = t;
    } else {
      merged.push_back(t);
    }
  }
  if (merged.size() > kMaxTargetsPerRule) {
    return error("LimitExceededException", "The requested resource exceeds the maximum number allowed.");
  }
  rule->targets = std::move(merged);
  store_.put_rule(*rule);
  ObjectBuilder out;
  out.add("FailedEntryCount", Value::integer(static_cast<int64_t>(failed.size())));
  out.add("FailedEntries", Value::array(std::move(failed)));
  return ok(std::move(out).build());
}

Reply EventBusService::list_targets(const Value& r) {
  auto name = get_string(r, "Rule");
  if (auto e = check_name("rule", name, 64)) return *e;
  std::string bus = bus_name(r, "EventBusName");
  auto rule = store_.rule(bus, *name);
  if (!rule) return rule_not_found(*name, bus);
  auto p = page(r, rule->targets.size());
  if (!p) return p.error();
  std::vector<Value> items(rule->targets.begin() + static_cast<ptrdiff_t>(p->begin),
                           rule->targets.begin() + static_cast<ptrdiff_t>(p->end));
  ObjectBuilder out;
  out.add("Targets", Value::array(std::move(items)));
  if (p->next) out.add("NextToken", Value::string(*p->next));
  return ok(std::move(out).build());
}

Reply EventBusService::remove_targets(const Value& r) {
  auto name = get_string(r, "Rule");
  if (auto e = check_name("rule", name, 64)) return *e;
  std::string bus = bus_name(r, "EventBusName");
  const Value* ids = r.find("Ids");
  if (!ids || !ids->is_array() || ids->size() == 0)
    return constraint("ids", "null", "have length greater than or equal to 1");
  auto rule = store_.rule(bus, *name);
  if (!rule) return rule_not_found(*name, bus);
  std::vector<Value> failed;
  for (const Value& id : ids->items()) {
    if (!id.is_string() || id.as_string().empty() || id.as_string().size() > 64) {
      ObjectBuilder f;
      f.add("TargetId", id.is_string() ? id : Value::string(""));
      f.add("ErrorCode", Value::string("ValidationException"));
      f.add("ErrorMessage", Value::string("Target Id is not valid."));
      failed.push_back(std::move(f).build());
      continue;
    }
    // Removing an id the rule does not have succeeds, as on AWS.
    std::erase_if(rule->targets, [&](const Value& t) { return t.find("Id")->as_string() == id.as_string(); });
  }
  store_.put_rule(*rule);
  ObjectBuilder out;
  out.add("FailedEntryCount", Value::integer(static_cast<int64_t>(failed.size())));
  out.add("FailedEntries", Value::array(std::move(failed)));
  return ok(std::move(out).build());
}

RuleIndex& EventBusService::index_for(const std::string& bus) {
  auto it = indexes_.find(bus);
  if (it != indexes_.end()) return it->second;
  RuleIndex& index = indexes_[bus];
  for (const RuleRecord& rule : store_.rules(bus)) {
    if (!rule_enabled(rule) || !rule.event_pattern) continue;
    if (auto p = EventPattern::parse(*rule.event_pattern)) index.add(rule.name, std::move(p).value());
  }
  return index;
}

void EventBusService::reindex(const RuleRecord& rule) {
  RuleIndex& index = index_for(rule.bus);
  index.remove(rule.name);
  if (!rule_enabled(rule) || !rule.event_pattern) return;
  if (auto p = EventPattern::parse(*rule.event_pattern)) index.add(rule.name, std::move(p).value());
}

std::vector<RuleRecord> EventBusService::scheduled_rules() const {
  std::lock_guard lock(mu_);
  std::vector<RuleRecord> out;
  for (RuleRecord& rule : store_.rules(kDefaultBus)) {
    if (rule_enabled(rule) && rule.schedule_expression) out.push_back(std::move(rule));
  }
  return out;
}

}  // namespace sg::events
