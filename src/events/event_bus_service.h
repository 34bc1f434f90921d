// The EventBridge API (AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Action>`) as a service that
// takes a decoded request and returns the response document, with no I/O of its own.
//
// Actions: CreateEventBus, DescribeEventBus, ListEventBuses, DeleteEventBus, PutRule,
// DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule, PutTargets,
// ListTargetsByRule, RemoveTargets, PutEvents, TestEventPattern. Request and response
// members follow the botocore model (events/2015-10-07); errors carry the model's
// `__type` names (ResourceNotFoundException, ResourceAlreadyExistsException,
// InvalidEventPatternException, LimitExceededException, ValidationException,
// InternalException) with AWS's wording where known.
//
// Contract
// - call(action, request, context): request is the decoded JSON body. Success gives the
//   response document plus the deliveries PutEvents produced (one per matched target of
//   an ENABLED rule, input already rendered); the caller performs them. An unknown action
//   fails with UnknownOperationException.
// - publish(bus, event, context): for events stepguard emits itself (e.g. `aws.states`
//   execution status changes): matches without PutEvents' checks.
// - Time and ids come in the CallContext (now, entropy): the service reads no clock.
// - The `default` bus always exists. Scheduled rules are accepted on the default bus only;
//   their ScheduleExpression is validated (schedule_expression.h), firing them is the
//   caller's job (scheduled_rules()).
// - Thread-safe: calls are serialised by an internal mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "events/event_bus_store.h"
#include "events/input_transformer.h"
#include "events/rule_index.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::events {

inline constexpr size_t kMaxPutEventsEntries = 10;
inline constexpr size_t kMaxPutEventsBytes = 256 * 1024;
inline constexpr size_t kMaxTargetsPerRule = 5;
inline constexpr size_t kMaxEventPattern = 4096;

struct EventsConfig {
  std::string region = "us-east-1";
  std::string account = "123456789012";
};

struct EventsError {
  std::string type;  // the `__type` of the JSON 1.1 error body
  std::string message;
  int http_status() const { return type == "InternalException" ? 500 : 400; }
};

struct CallContext {
  int64_t now_ms = 0;
  json::Entropy* entropy = nullptr;  // event ids
};

struct Delivery {
  std::string bus;
  std::string rule_name;
  std::string rule_arn;
  json::Value target;  // the Target object (Id, Arn, RetryPolicy, ...)
  json::Value event;
  RenderedInput input;
};

// An event PutEvents accepted, with its bus (hosts correlate it with waiting tasks).
struct PublishedEvent {
  std::string bus;
  json::Value event;
};

struct EventsOutcome {
  json::Value response;
  std::vector<Delivery> deliveries;
  std::vector<PublishedEvent> published;  // PutEvents: every accepted event, in order
};

class EventBusService {
 public:
  EventBusService(EventBusStore& store, EventsConfig config);
  ~EventBusService();

  Result<EventsOutcome, EventsError> call(std::string_view action, const json::Value& request,
                                          const CallContext& context);
  std::vector<Delivery> publish(std::string_view bus, const json::Value& event, const CallContext& context);
  // Enabled rules with a ScheduleExpression (bus, name, expression, targets).
  std::vector<RuleRecord> scheduled_rules() const;

  std::string bus_arn(std::string_view bus) const;
  std::string rule_arn(std::string_view bus, std::string_view rule) const;

 private:
  using Reply = Result<EventsOutcome, EventsError>;
  Reply create_event_bus(const json::Value& r, const CallContext& c);
  Reply describe_event_bus(const json::Value& r);
  Reply list_event_buses(const json::Value& r);
  Reply delete_event_bus(const json::Value& r);
  Reply put_rule(const json::Value& r, const CallContext& c);
  Reply describe_rule(const json::Value& r);
  Reply list_rules(const json::Value& r);
  Reply delete_rule(const json::Value& r);
  Reply set_rule_state(const json::Value& r, bool enabled);
  Reply put_targets(const json::Value& r);
  Reply list_targets(const json::Value& r);
  Reply remove_targets(const json::Value& r);
  Reply put_events(const json::Value& r, const CallContext& c);
  Reply test_event_pattern(const json::Value& r);

  void ensure_default_bus(int64_t now_ms);
  RuleIndex& index_for(const std::string& bus);
  void reindex(const RuleRecord& rule);
  std::vector<Delivery> deliver(const std::string& bus, const json::Value& event, const CallContext& c);

  EventBusStore& store_;
  EventsConfig config_;
  mutable std::mutex mu_;
  std::map<std::string, RuleIndex> indexes_;  // per bus, built on first use
};

}  // namespace sg::events
