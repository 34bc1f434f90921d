#include "guardian/composite_alarm.h"

#include <gtest/gtest.h>

#include <map>

#include "json/timestamp.h"

namespace sg::guardian {
namespace {

int64_t at(const char* iso) { return *json::parse_rfc3339(iso); }

struct Fixture {
  std::map<std::string, ChildState, std::less<>> states;
  ChildLookup lookup() {
    return [this](std::string_view name) -> std::optional<ChildState> {
      auto it = states.find(name);
      if (it == states.end()) return std::nullopt;
      return it->second;
    };
  }
};

bool eval(const char* rule, Fixture& f) {
  auto r = AlarmRule::parse(rule);
  EXPECT_TRUE(r.ok()) << rule << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() && r->evaluate(f.lookup());
}

TEST(AlarmRuleTest, DocumentedExamples) {
  Fixture f;
  f.states["CPUUtilizationTooHigh"] = {AlarmState::kAlarm, 0};
  f.states["DiskReadOpsTooHigh"] = {AlarmState::kOk, 0};
  f.states["NetworkOutTooHigh"] = {AlarmState::kOk, 0};
  f.states["DeploymentInProgress"] = {AlarmState::kOk, 0};
  EXPECT_TRUE(eval("ALARM(CPUUtilizationTooHigh) AND NOT OK(DeploymentInProgress) OR TRUE", f));
  EXPECT_FALSE(eval("ALARM(CPUUtilizationTooHigh) AND NOT OK(DeploymentInProgress)", f));
  EXPECT_TRUE(eval("ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)", f));
  EXPECT_TRUE(
      eval("ALARM(CPUUtilizationTooHigh) AND (OK(DiskReadOpsTooHigh) OR ALARM(NetworkOutTooHigh))", f));
  EXPECT_TRUE(
      eval("ALARM(\"CPUUtilizationTooHigh\") AND "
           "OK(\"arn:aws:cloudwatch:us-east-1:123456789012:alarm:DiskReadOpsTooHigh\")",
           f));
  EXPECT_FALSE(eval("FALSE", f));
  EXPECT_FALSE(eval("INSUFFICIENT_DATA(CPUUtilizationTooHigh)", f));
  EXPECT_FALSE(eval("ALARM(DoesNotExist)", f));
}

TEST(AlarmRuleTest, NotBindsTighterThanAndTighterThanOr) {
  Fixture f;
  f.states["a"] = {AlarmState::kAlarm, 0};
  f.states["b"] = {AlarmState::kOk, 0};
  // TRUE OR (FALSE AND FALSE) = TRUE; (TRUE OR FALSE) AND FALSE would be FALSE.
  EXPECT_TRUE(eval("TRUE OR FALSE AND FALSE", f));
  // (NOT ALARM(a)) AND ALARM(b) = FALSE; NOT (ALARM(a) AND ALARM(b)) would be TRUE.
  EXPECT_FALSE(eval("NOT ALARM(a) AND ALARM(b)", f));
}

TEST(AlarmRuleTest, ChildrenAndErrors) {
  auto r = AlarmRule::parse("ALARM(x) OR OK(y) OR ALARM(arn:aws:cloudwatch:us-east-1:1:alarm:x)");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->children(), (std::vector<std::string>{"x", "y"}));
  for (const char* bad :
       {"", "ALARM(x", "alarm(x)", "ALARM(x) AND", "ALARM()", "ALARM(x) XOR OK(y)", "(TRUE"}) {
    auto e = AlarmRule::parse(bad);
    EXPECT_FALSE(e.ok()) << bad;
    if (!e.ok()) {
      EXPECT_EQ(e.error().code, "ValidationError");
    }
  }
  std::string big = "TRUE";
  for (int i = 0; i < 300; ++i) big += " OR TRUE";
  EXPECT_FALSE(AlarmRule::parse(big).ok());  // > 500 elements
}

TEST(CompositeAlarmTest, ReasonWhenAChildTransitions) {
  Fixture f;
  f.states["ServerCpuTooHigh"] = {AlarmState::kAlarm, at("2022-07-22T15:57:45.394Z")};
  auto rule = AlarmRule::parse("ALARM(ServerCpuTooHigh)");
  auto ev =
      evaluate_composite("Composite", *rule, f.lookup(), std::string("ServerCpuTooHigh"), AccountContext{});
  EXPECT_EQ(ev.state, AlarmState::kAlarm);
  EXPECT_EQ(
      ev.reason,
      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh transitioned to ALARM at Friday 22 "
      "July, 2022 15:57:45 UTC");
  EXPECT_EQ(
      ev.reason_data,
      R"j({"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh",)j"
      R"j("state":{"value":"ALARM","timestamp":"2022-07-22T15:57:45.394+0000"}}]})j");
}

TEST(CompositeAlarmTest, ReasonOnCreation) {
  Fixture f;
  f.states["c"] = {AlarmState::kOk, 0};
  auto rule = AlarmRule::parse("ALARM(c)");
  auto ev = evaluate_composite("Composite", *rule, f.lookup(), std::nullopt, AccountContext{});
  EXPECT_EQ(ev.state, AlarmState::kOk);
  EXPECT_EQ(
      ev.reason,
      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:Composite was created and its alarm rule evaluates to "
      "OK");
  EXPECT_EQ(ev.reason_data, R"({"triggeringAlarms":[]})");
}

}  // namespace
}  // namespace sg::guardian
