#include "events/event_bus_service.h"

#include <gtest/gtest.h>

#include "json/parse.h"

namespace sg::events {
namespace {

class CountingEntropy : public json::Entropy {
 public:
  uint64_t next_u64() override { return ++n_; }

 private:
  uint64_t n_ = 0;
};

class EventBusServiceTest : public ::testing::Test {
 protected:
  Result<EventsOutcome, EventsError> call(std::string_view action, std::string_view body) {
    auto request = json::parse_json(body);
    EXPECT_TRUE(request.ok()) << body;
    return service_.call(action, *request, CallContext{1700000000000, &entropy_});
  }
  json::Value ok(std::string_view action, std::string_view body) {
    auto r = call(action, body);
    EXPECT_TRUE(r.ok()) << action << " " << body << ": "
                        << (r.ok() ? "" : r.error().type + " " + r.error().message);
    return r.ok() ? r->response : json::Value();
  }
  EventsError fails(std::string_view action, std::string_view body) {
    auto r = call(action, body);
    EXPECT_FALSE(r.ok()) << action << " " << body;
    return r.ok() ? EventsError{} : r.error();
  }

  InMemoryEventBusStore store_;
  EventBusService service_{store_, EventsConfig{"us-east-1", "123456789012"}};
  CountingEntropy entropy_;
};

TEST_F(EventBusServiceTest, EventBuses) {
  json::Value d = ok("DescribeEventBus", "{}");
  EXPECT_EQ(d.find("Name")->as_string(), "default");
  EXPECT_EQ(d.find("Arn")->as_string(), "arn:aws:events:us-east-1:123456789012:event-bus/default");
  json::Value c = ok("CreateEventBus", R"({"Name":"orders","Description":"order events"})");
  EXPECT_EQ(c.find("EventBusArn")->as_string(), "arn:aws:events:us-east-1:123456789012:event-bus/orders");
  EXPECT_EQ(fails("CreateEventBus", R"({"Name":"orders"})").type, "ResourceAlreadyExistsException");
  EXPECT_EQ(fails("CreateEventBus", R"({"Name":"bad name"})").type, "ValidationException");
  // By ARN too.
  EXPECT_EQ(ok("DescribeEventBus", R"({"Name":"arn:aws:events:us-east-1:123456789012:event-bus/orders"})")
                .find("Description")
                ->as_string(),
            "order events");
  json::Value list = ok("ListEventBuses", R"({"Limit":1})");
  ASSERT_EQ(list.find("EventBuses")->size(), 1u);
  EXPECT_EQ((*list.find("EventBuses"))[0].find("Name")->as_string(), "default");
  json::Value next =
      ok("ListEventBuses",
         std::string(R"({"NextToken":")").append(list.find("NextToken")->as_string()).append("\"}"));
  EXPECT_EQ((*next.find("EventBuses"))[0].find("Name")->as_string(), "orders");
  EXPECT_EQ(next.find("NextToken"), nullptr);
  EXPECT_EQ(fails("DeleteEventBus", R"({"Name":"default"})").type, "ValidationException");
  ok("DeleteEventBus", R"({"Name":"orders"})");
  EventsError e = fails("DescribeEventBus", R"({"Name":"orders"})");
  EXPECT_EQ(e.type, "ResourceNotFoundException");
  EXPECT_EQ(e.message, "Event bus orders does not exist.");
}

TEST_F(EventBusServiceTest, RulesAreValidated) {
  EventsError e = fails("PutRule", R"({"Name":"r","EventPattern":"{\"source\":\"x\"}"})");
  EXPECT_EQ(e.type, "InvalidEventPatternException");
  EXPECT_EQ(e.message, "Event pattern is not valid. Reason: \"source\" must be an object or an array");
  e = fails("PutRule", R"j({"Name":"r","ScheduleExpression":"rate(1 hours)"})j");
  EXPECT_EQ(e.type, "ValidationException");
  EXPECT_EQ(e.message, "Parameter ScheduleExpression is not valid.");
  EXPECT_EQ(fails("PutRule", R"({"Name":"r"})").type, "ValidationException");
  EXPECT_EQ(fails("PutRule", R"j({"Name":"bad/name","ScheduleExpression":"rate(1 hour)"})j").type,
            "ValidationException");
  EXPECT_EQ(fails("PutRule", R"({"Name":"r","EventPattern":"{\"a\":[1]}","EventBusName":"nope"})").type,
            "ResourceNotFoundException");
  ok("CreateEventBus", R"({"Name":"orders"})");
  EXPECT_EQ(
      fails("PutRule", R"j({"Name":"r","ScheduleExpression":"rate(1 hour)","EventBusName":"orders"})j").type,
      "ValidationException");

  json::Value put =
      ok("PutRule", R"j({"Name":"every-hour","ScheduleExpression":"rate(1 hour)","Description":"d"})j");
  EXPECT_EQ(put.find("RuleArn")->as_string(), "arn:aws:events:us-east-1:123456789012:rule/every-hour");
  put = ok(
      "PutRule",
      R"({"Name":"placed","EventPattern":"{\"detail-type\":[\"Order Placed\"]}","EventBusName":"orders"})");
  EXPECT_EQ(put.find("RuleArn")->as_string(), "arn:aws:events:us-east-1:123456789012:rule/orders/placed");

  json::Value d = ok("DescribeRule", R"({"Name":"every-hour"})");
  EXPECT_EQ(d.find("ScheduleExpression")->as_string(), "rate(1 hour)");
  EXPECT_EQ(d.find("State")->as_string(), "ENABLED");
  EXPECT_EQ(d.find("EventBusName")->as_string(), "default");
  EXPECT_EQ(d.find("Description")->as_string(), "d");
  // An update replaces every field: the description is gone.
  ok("PutRule", R"j({"Name":"every-hour","ScheduleExpression":"rate(2 hours)","State":"DISABLED"})j");
  d = ok("DescribeRule", R"({"Name":"every-hour"})");
  EXPECT_EQ(d.find("Description"), nullptr);
  EXPECT_EQ(d.find("State")->as_string(), "DISABLED");
  ok("EnableRule", R"({"Name":"every-hour"})");
  EXPECT_EQ(ok("DescribeRule", R"({"Name":"every-hour"})").find("State")->as_string(), "ENABLED");
  EXPECT_EQ(service_.scheduled_rules().size(), 1u);
  EXPECT_EQ(fails("DisableRule", R"({"Name":"nope"})").message,
            "Rule nope does not exist on EventBus default.");

  json::Value rules = ok("ListRules", R"({"EventBusName":"orders"})");
  ASSERT_EQ(rules.find("Rules")->size(), 1u);
  EXPECT_EQ((*rules.find("Rules"))[0].find("Name")->as_string(), "placed");
  EXPECT_EQ(ok("ListRules", R"({"NamePrefix":"zzz"})").find("Rules")->size(), 0u);
  ok("DeleteRule", R"({"Name":"every-hour"})");
  EXPECT_EQ(fails("DescribeRule", R"({"Name":"every-hour"})").type, "ResourceNotFoundException");
}

TEST_F(EventBusServiceTest, TargetsWithPerEntryFailures) {
  ok("PutRule", R"({"Name":"r","EventPattern":"{\"source\":[\"shop\"]}"})");
  json::Value put = ok("PutTargets", R"({"Rule":"r","Targets":[
      {"Id":"sfn","Arn":"arn:aws:states:us-east-1:123456789012:stateMachine:orders","InputPath":"$.detail"},
      {"Id":"bad","Arn":"arn:x","Input":"{}","InputPath":"$.detail"},
      {"Id":"bad tmpl","Arn":"arn:x"}]})");
  EXPECT_EQ(put.find("FailedEntryCount")->as_int(), 2);
  EXPECT_EQ((*put.find("FailedEntries"))[0].find("TargetId")->as_string(), "bad");
  EXPECT_EQ((*put.find("FailedEntries"))[0].find("ErrorCode")->as_string(), "ValidationException");
  json::Value list = ok("ListTargetsByRule", R"({"Rule":"r"})");
  ASSERT_EQ(list.find("Targets")->size(), 1u);
  EXPECT_EQ((*list.find("Targets"))[0].find("InputPath")->as_string(), "$.detail");

  EventsError e = fails("DeleteRule", R"({"Name":"r"})");
  EXPECT_EQ(e.message, "Rule can't be deleted since it has targets.");
  EXPECT_EQ(fails("PutTargets", R"({"Rule":"r","Targets":[{"Id":"1","Arn":"a"},{"Id":"2","Arn":"a"},)"
                                R"({"Id":"3","Arn":"a"},{"Id":"4","Arn":"a"},{"Id":"5","Arn":"a"}]})")
                .type,
            "LimitExceededException");
  json::Value removed = ok("RemoveTargets", R"({"Rule":"r","Ids":["sfn","unknown"]})");
  EXPECT_EQ(removed.find("FailedEntryCount")->as_int(), 0);
  ok("DeleteRule", R"({"Name":"r"})");
  EXPECT_EQ(fails("PutTargets", R"({"Rule":"r","Targets":[{"Id":"1","Arn":"a"}]})").type,
            "ResourceNotFoundException");
}

TEST_F(EventBusServiceTest, PutEventsReportsEachEntryInOrderAndDeliversMatches) {
  ok("PutRule",
     R"({"Name":"placed","EventPattern":"{\"source\":[\"shop\"],\"detail-type\":[\"Order Placed\"]}"})");
  ok("PutTargets",
     R"({"Rule":"placed","Targets":[{"Id":"start","Arn":"arn:aws:states:us-east-1:123456789012:stateMachine:o",
      "InputTransformer":{"InputPathsMap":{"id":"$.detail.order_id"},"InputTemplate":"{\"order\": <id>, \"rule\": <aws.events.rule-name>}"}}]})");
  ok("PutRule", R"({"Name":"off","EventPattern":"{\"source\":[\"shop\"]}","State":"DISABLED"})");
  ok("PutTargets", R"({"Rule":"off","Targets":[{"Id":"t","Arn":"arn:x"}]})");

  auto r = call("PutEvents", R"({"Entries":[
      {"Source":"shop","DetailType":"Order Placed","Detail":"{\"order_id\":\"o-1\"}"},
      {"DetailType":"Order Placed","Detail":"{}"},
      {"Source":"shop","DetailType":"Order Placed","Detail":"[1]"},
      {"Source":"aws.states","DetailType":"x","Detail":"{}"},
      {"Source":"shop","DetailType":"Other","Detail":"{}","Resources":["arn:r"],"Time":1551225146}]})");
  ASSERT_TRUE(r.ok());
  const json::Value& resp = r->response;
  EXPECT_EQ(resp.find("FailedEntryCount")->as_int(), 3);
  const json::Value& entries = *resp.find("Entries");
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].find("EventId")->as_string().size(), 36u);
  EXPECT_EQ(entries[1].find("ErrorCode")->as_string(), "InvalidArgument");
  EXPECT_EQ(entries[1].find("ErrorMessage")->as_string(),
            "Parameter Source is not valid. Reason: Source is a required argument.");
  EXPECT_EQ(entries[2].find("ErrorCode")->as_string(), "MalformedDetail");
  EXPECT_EQ(entries[3].find("ErrorCode")->as_string(), "NotAuthorizedForSourceException");
  EXPECT_NE(entries[4].find("EventId"), nullptr);

  ASSERT_EQ(r->deliveries.size(), 1u);  // the disabled rule delivers nothing
  const Delivery& d = r->deliveries[0];
  EXPECT_EQ(d.rule_name, "placed");
  EXPECT_EQ(d.rule_arn, "arn:aws:events:us-east-1:123456789012:rule/placed");
  EXPECT_EQ(d.input.text, R"({"order": "o-1", "rule": "placed"})");
  EXPECT_EQ(d.event.find("source")->as_string(), "shop");
  EXPECT_EQ(d.event.find("account")->as_string(), "123456789012");
  EXPECT_EQ(d.event.find("time")->as_string(), "2023-11-14T22:13:20Z");
  EXPECT_EQ(d.event.find("id")->as_string(), entries[0].find("EventId")->as_string());

  // Enabling the rule makes it match.
  ok("EnableRule", R"({"Name":"off"})");
  r = call("PutEvents", R"({"Entries":[{"Source":"shop","DetailType":"Order Placed","Detail":"{}"}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->deliveries.size(), 2u);
}

TEST_F(EventBusServiceTest, PutEventsLimits) {
  std::string eleven = R"({"Entries":[)";
  for (int i = 0; i < 11; ++i)
    eleven.append(i ? "," : "").append(R"({"Source":"s","DetailType":"t","Detail":"{}"})");
  EXPECT_EQ(fails("PutEvents", eleven.append("]}")).type, "ValidationException");
  std::string big = R"({"Entries":[{"Source":"s","DetailType":"t","Detail":"{\"x\":\")";
  big.append(256 * 1024, 'a').append(R"(\"}"}]})");
  EventsError e = fails("PutEvents", big);
  EXPECT_EQ(e.message, "Total size of the entries in the request is over the limit.");
  EXPECT_EQ(fails("PutEvents", R"({"Entries":[]})").type, "ValidationException");
  // No entry with Source, DetailType and Detail: the whole request fails.
  EXPECT_EQ(fails("PutEvents", R"({"Entries":[{"Source":"s"},{"DetailType":"t","Detail":"{}"}]})").type,
            "ValidationException");
}

TEST_F(EventBusServiceTest, PublishSkipsPutEventsChecks) {
  ok("PutRule",
     R"({"Name":"failures","EventPattern":"{\"source\":[\"aws.states\"],\"detail\":{\"status\":[\"FAILED\"]}}"})");
  ok("PutTargets", R"({"Rule":"failures","Targets":[{"Id":"n","Arn":"arn:x"}]})");
  auto event = json::parse_json(R"({"source":"aws.states","detail":{"status":"FAILED"}})");
  EXPECT_EQ(service_.publish("default", *event, CallContext{0, nullptr}).size(), 1u);
}

TEST_F(EventBusServiceTest, TestEventPattern) {
  constexpr std::string_view kEvent =
      R"({"id":"1","account":"1","source":"shop","time":"2019-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail-type":"x","detail":{"n":5}})";
  auto body = [&](std::string_view pattern, std::string_view event) {
    std::string out;
    json::append_json_string(pattern, out);
    std::string ev;
    json::append_json_string(event, ev);
    return std::string(R"({"EventPattern":)").append(out).append(R"(,"Event":)").append(ev).append("}");
  };
  EXPECT_TRUE(ok("TestEventPattern", body(R"({"detail":{"n":[{"numeric":[">",1]}]}})", kEvent))
                  .find("Result")
                  ->as_bool());
  EXPECT_FALSE(ok("TestEventPattern", body(R"({"source":["other"]})", kEvent)).find("Result")->as_bool());
  EXPECT_EQ(fails("TestEventPattern", body(R"({"source":"x"})", kEvent)).type,
            "InvalidEventPatternException");
  EXPECT_EQ(fails("TestEventPattern", body(R"({"source":["x"]})", R"({"source":"x"})")).type,
            "ValidationException");
}

TEST_F(EventBusServiceTest, UnknownAction) {
  EXPECT_EQ(fails("PutPermission", "{}").type, "UnknownOperationException");
}

}  // namespace
}  // namespace sg::events
