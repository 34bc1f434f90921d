// PutEvents, TestEventPattern and the matching of events to targets (see
// event_bus_service.h).
#include <algorithm>
#include <iterator>

#include "events/event_bus_service.h"
#include "events/event_bus_wire.h"
#include "events/event_pattern.h"
#include "json/parse.h"
#include "json/uuid.h"

namespace sg::events {
namespace {

using namespace wire;  // NOLINT: this file is part of the service's wire layer
using json::ObjectBuilder;
using json::Value;
using Reply = Result<EventsOutcome, EventsError>;

}  // namespace

Reply EventBusService::put_events(const Value& r, const CallContext& c) {
  const Value* entries = r.find("Entries");
  if (!entries || !entries->is_array() || entries->size() == 0) {
    return constraint("entries", "null", "have length greater than or equal to 1");
  }
  if (entries->size() > kMaxPutEventsEntries) {
    return constraint("entries", "[...]", "have length less than or equal to 10");
  }
  // AWS fails the whole request when no entry has all three required members (the
  // message wording is ours: AWS's is not documented).
  bool any_complete = std::any_of(entries->items().begin(), entries->items().end(), [](const Value& e) {
    return get_string(e, "Source") && get_string(e, "DetailType") && get_string(e, "Detail");
  });
  if (!any_complete) {
    return error(
        "ValidationException",
        "Parameters Source, DetailType and Detail are required in at least one entry of the request.");
  }
  size_t total = 0;
  for (const Value& e : entries->items()) {
    if (e.find("Time")) total += 14;
    for (std::string_view key : {"Source", "DetailType", "Detail"}) {
      if (const Value* v = e.find(key); v && v->is_string()) total += v->as_string().size();
    }
    if (const Value* res = e.find("Resources"); res && res->is_array()) {
      for (const Value& x : res->items()) total += x.is_string() ? x.as_string().size() : 0;
    }
  }
  if (total > kMaxPutEventsBytes) {
    return error("ValidationException", "Total size of the entries in the request is over the limit.");
  }

  EventsOutcome outcome;
  std::vector<Value> results;
  int64_t failed = 0;
  for (const Value& e : entries->items()) {
    auto fail = [&](std::string_view code, std::string message) {
      ObjectBuilder f;
      f.add("ErrorCode", Value::string(code));
      f.add("ErrorMessage", Value::string(message));
      results.push_back(std::move(f).build());
      ++failed;
    };
    auto source = get_string(e, "Source");
    auto detail_type = get_string(e, "DetailType");
    auto detail_text = get_string(e, "Detail");
    if (!source || source->empty()) {
      fail("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
      continue;
    }
    if (!detail_type || detail_type->empty()) {
      fail("InvalidArgument",
           "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
      continue;
    }
    if (!detail_text || detail_text->empty()) {
      fail("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
      continue;
    }
    auto detail = json::parse_json(*detail_text);
    if (!detail || !detail->is_object()) {
      fail("MalformedDetail", "Detail is malformed.");
      continue;
    }
    if (source->rfind("aws.", 0) == 0) {
      fail("NotAuthorizedForSourceException", "Not authorized for the source.");
      continue;
    }
    std::string bus = bus_name(e, "EventBusName");
    if (!store_.bus(bus)) {
      std::string m = "Event bus ";
      fail("InvalidArgument", m.append(bus).append(" does not exist."));
      continue;
    }
    int64_t time_ms = c.now_ms;
    if (const Value* t = e.find("Time"); t && t->is_number())
      time_ms = static_cast<int64_t>(t->as_double() * 1000);
    std::string id =
        c.entropy ? json::random_uuid(*c.entropy) : std::string("00000000-0000-4000-8000-000000000000");
    std::vector<Value> resources;
    if (const Value* res = e.find("Resources"); res && res->is_array()) {
      for (const Value& x : res->items()) resources.push_back(x);
    }
    ObjectBuilder ev;
    ev.add("version", Value::string("0"));
    ev.add("id", Value::string(id));
    ev.add("detail-type", Value::string(*detail_type));
    ev.add("source", Value::string(*source));
    ev.add("account", Value::string(config_.account));
    ev.add("time", Value::string(iso_seconds(time_ms)));
    ev.add("region", Value::string(config_.region));
    ev.add("resources", Value::array(std::move(resources)));
    ev.add("detail", std::move(detail).value());
    Value event = std::move(ev).build();
    auto deliveries = deliver(bus, event, c);
    std::move(deliveries.begin(), deliveries.end(), std::back_inserter(outcome.deliveries));
    outcome.published.push_back(PublishedEvent{bus, event});
    ObjectBuilder okay;
    okay.add("EventId", Value::string(id));
    results.push_back(std::move(okay).build());
  }
  ObjectBuilder out;
  out.add("FailedEntryCount", Value::integer(failed));
  out.add("Entries", Value::array(std::move(results)));
  outcome.response = std::move(out).build();
  return outcome;
}

Reply EventBusService::test_event_pattern(const Value& r) {
  auto pattern_text = get_string(r, "EventPattern");
  auto event_text = get_string(r, "Event");
  if (!pattern_text) return constraint("eventPattern", "null", "not be null");
  if (!event_text) return constraint("event", "null", "not be null");
  auto pattern = EventPattern::parse(*pattern_text);
  if (!pattern) return error(pattern.error().code, pattern.error().message);
  auto event = json::parse_json(*event_text);
  if (!event || !event->is_object()) return error("ValidationException", "Parameter Event is not valid.");
  for (std::string_view field : {"id", "account", "source", "time", "region", "resources", "detail-type"}) {
    if (!event->find(field)) return error("ValidationException", "Parameter Event is not valid.");
  }
  ObjectBuilder out;
  out.add("Result", Value::boolean(pattern->matches(*event)));
  return ok(std::move(out).build());
}

std::vector<Delivery> EventBusService::deliver(const std::string& bus, const Value& event,
                                               const CallContext& c) {
  std::vector<Delivery> out;
  DeliveryContext dc;
  dc.ingestion_time = iso_seconds(c.now_ms);
  for (const std::string& name : index_for(bus).match(event)) {
    auto rule = store_.rule(bus, name);
    if (!rule) continue;
    dc.rule_name = name;
    dc.rule_arn = rule_arn(bus, name);
    for (const Value& target : rule->targets) {
      out.push_back(Delivery{bus, name, dc.rule_arn, target, event,
                             TargetInput::of_stored_target(target).render(event, dc)});
    }
  }
  return out;
}

std::vector<Delivery> EventBusService::publish(std::string_view bus, const Value& event,
                                               const CallContext& context) {
  std::lock_guard lock(mu_);
  ensure_default_bus(context.now_ms);
  std::string name(bus);
  if (!store_.bus(name)) return {};
  return deliver(name, event, context);
}

}  // namespace sg::events
