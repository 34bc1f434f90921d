#include "events/input_transformer.h"

#include <gtest/gtest.h>

#include "json/parse.h"

namespace sg::events {
namespace {

json::Value doc(std::string_view text) {
  auto v = json::parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return std::move(v).value();
}

const json::Value& ec2_event() {
  static const json::Value kEvent = doc(R"({"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012",
    "time":"2015-11-11T21:29:54Z","region":"us-east-1",
    "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail":{"instance-id":"i-0123456789","state":"RUNNING","count":3,"tags":{"env":"prod"},"note":"say \"hi\""}})");
  return kEvent;
}

const DeliveryContext kContext{"my-rule", "arn:aws:events:us-east-1:123456789012:rule/my-rule",
                               "2015-11-11T21:29:55Z"};

RenderedInput render(std::string_view paths, std::string_view input_template) {
  auto t = InputTransformer::compile(doc(paths), input_template);
  EXPECT_TRUE(t.ok()) << input_template << ": " << (t.ok() ? "" : t.error().message);
  if (!t.ok()) return {};
  return t->render(ec2_event(), kContext);
}

constexpr std::string_view kPaths = R"({"instance":"$.detail.instance-id","state":"$.detail.state"})";

TEST(InputTransformer, QuotedTemplateSplicesRaw) {
  auto out = render(kPaths, R"("<instance> is in state <state>")");
  EXPECT_EQ(out.text, R"("i-0123456789 is in state RUNNING")");
  EXPECT_TRUE(out.json);
  out = render(kPaths, R"("<instance> is in state \"<state>\"")");
  EXPECT_EQ(out.text, R"("i-0123456789 is in state \"RUNNING\"")");
}

TEST(InputTransformer, BarePlaceholdersInsertJson) {
  auto out = render(kPaths, R"({"instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"})");
  EXPECT_EQ(out.text, R"({"instance": "i-0123456789", "state": [9, "RUNNING", true], "Transformed": "Yes"})");
  EXPECT_TRUE(out.json);
  out = render(kPaths, R"({"myInstance": <instance>,"myStatus": "<instance> is in state \"<state>\""})");
  EXPECT_EQ(out.text, R"({"myInstance": "i-0123456789","myStatus": "i-0123456789 is in state \"RUNNING\""})");
  // Numbers and objects keep their JSON form, inside strings too.
  out =
      render(R"({"n":"$.detail.count","t":"$.detail.tags"})", R"({"n": <n>, "t": <t>, "s": "<n> and <t>"})");
  EXPECT_EQ(out.text, R"({"n": 3, "t": {"env":"prod"}, "s": "3 and {"env":"prod"}"})");
  EXPECT_FALSE(out.json);  // spliced values are not escaped
  EXPECT_EQ(render(kPaths, "<instance>").text, R"("i-0123456789")");
}

TEST(InputTransformer, NoEscapingOfSplicedStrings) {
  auto out = render(R"({"note":"$.detail.note"})", R"({"n": "<note>"})");
  EXPECT_EQ(out.text, R"({"n": "say "hi""})");
  EXPECT_FALSE(out.json);
  // As a bare value the string is serialised as JSON.
  out = render(R"({"note":"$.detail.note"})", R"({"n": <note>})");
  EXPECT_EQ(out.text, R"({"n": "say \"hi\""})");
}

TEST(InputTransformer, PlainTextTemplate) {
  auto out = render(kPaths, "Instance <instance> is in <state>.");
  EXPECT_EQ(out.text, "Instance i-0123456789 is in RUNNING.");
  EXPECT_FALSE(out.json);
}

TEST(InputTransformer, ReservedVariables) {
  auto out =
      render("null", R"({"ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>, )"
                     R"("at": "<aws.events.event.ingestion-time>", "original": <aws.events.event.json>})");
  ASSERT_TRUE(out.json) << out.text;
  json::Value v = doc(out.text);
  EXPECT_EQ(v.find("ruleArn")->as_string(), "arn:aws:events:us-east-1:123456789012:rule/my-rule");
  EXPECT_EQ(v.find("ruleName")->as_string(), "my-rule");
  EXPECT_EQ(v.find("at")->as_string(), "2015-11-11T21:29:55Z");
  EXPECT_EQ(*v.find("original"), ec2_event());
  out = render("null", R"({"e": <aws.events.event>})");
  json::Value e = *doc(out.text).find("e");
  EXPECT_EQ(e.find("detail"), nullptr);
  EXPECT_EQ(e.find("source")->as_string(), "aws.ec2");
}

TEST(InputTransformer, MissingPathsAndUnknownPlaceholders) {
  auto out = render(R"({"x":"$.detail.nope"})", R"({"x": <x>, "s": "[<x>]", "u": "<unknown>"})");
  EXPECT_EQ(out.text, R"({"x": null, "s": "[]", "u": "<unknown>"})");
}

TEST(InputTransformer, Validation) {
  auto bad = [](std::string_view paths, std::string_view t) {
    auto r = InputTransformer::compile(doc(paths), t);
    if (r.ok()) return std::string("<accepted>");
    EXPECT_EQ(r.error().code, "ValidationException");
    return r.error().message;
  };
  EXPECT_NE(bad(kPaths, ""), "<accepted>");
  EXPECT_NE(bad(kPaths, std::string(8193, 'x')), "<accepted>");
  EXPECT_NE(bad(kPaths, R"({"<instance>": 1})"), "<accepted>");  // placeholder as a key
  EXPECT_NE(bad("null", R"("event: <aws.events.event.json>")"), "<accepted>");
  EXPECT_NE(bad(R"({"a.b":"$.x"})", "<a.b>"), "<accepted>");
  EXPECT_NE(bad(R"({"a":"$.x["})", "<a>"), "<accepted>");
  std::string many = "{";
  for (int i = 0; i <= 100; ++i) {
    if (i) many.push_back(',');
    many.append("\"k").append(std::to_string(i)).append("\":\"$.x\"");
  }
  EXPECT_NE(bad(many.append("}"), "<k1>"), "<accepted>");
}

TEST(TargetInput, InputInputPathOrWholeEvent) {
  auto whole = TargetInput::make(std::nullopt, std::nullopt, std::nullopt);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(doc(whole->render(ec2_event(), kContext).text), ec2_event());
  auto constant = TargetInput::make(std::string(R"({"a":1})"), std::nullopt, std::nullopt);
  ASSERT_TRUE(constant.ok());
  EXPECT_EQ(constant->render(ec2_event(), kContext).text, R"({"a":1})");
  auto path = TargetInput::make(std::nullopt, std::string("$.detail.tags"), std::nullopt);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->render(ec2_event(), kContext).text, R"({"env":"prod"})");
  EXPECT_FALSE(TargetInput::make(std::string("{}"), std::string("$.detail"), std::nullopt).ok());
  EXPECT_FALSE(TargetInput::make(std::string("{not json"), std::nullopt, std::nullopt).ok());
}

TEST(ValueAtPath, NamesExecutionsFromEvents) {
  json::Value e = doc(R"({"detail":{"order_id":"o-123","n":7}})");
  EXPECT_EQ(value_at_path(e, "$.detail.order_id"), "o-123");
  EXPECT_EQ(value_at_path(e, "$.detail.n"), "7");
  EXPECT_EQ(value_at_path(e, "$.detail.missing"), std::nullopt);
  EXPECT_EQ(value_at_path(e, "not a path"), std::nullopt);
}

}  // namespace
}  // namespace sg::events
