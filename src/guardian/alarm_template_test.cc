#include "guardian/alarm_template.h"

#include <gtest/gtest.h>

namespace sg::guardian {
namespace {

StateMachineInfo machine(const std::string& name, std::map<std::string, std::string> tags = {}) {
  return {name, "arn:aws:states:eu-west-1:111122223333:stateMachine:" + name, std::move(tags)};
}

// The seed's alarm: latest status code, Maximum over one hour, ALARM at >= 3 (failed,
// timed out, aborted), one per state machine.
AlarmTemplate seed_template() {
  AlarmTemplate t;
  t.name = "latest-status";
  t.name_pattern = "step*";
  t.alarm.name = "${state_machine}-status";
  t.alarm.description = "Latest execution of ${state_machine} did not succeed";
  t.alarm.ns = "AWS/States";
  t.alarm.metric_name = "ExecutionsFailed";
  t.alarm.dimensions = {{"StateMachineArn", "${state_machine_arn}"}};
  t.alarm.statistic = "Maximum";
  t.alarm.period_seconds = 3600;
  t.alarm.evaluation_periods = 1;
  t.alarm.threshold = 3;
  t.alarm.comparison = Comparison::kGreaterThanOrEqualToThreshold;
  t.alarm.actions.alarm_actions = {"arn:aws:sns:${region}:${account}:alerts"};
  return t;
}

TEST(GlobTest, StarsAndQuestionMarks) {
  EXPECT_TRUE(glob_match("step*", "step1"));
  EXPECT_TRUE(glob_match("step*", "step"));
  EXPECT_TRUE(glob_match("*-prod", "orders-prod"));
  EXPECT_TRUE(glob_match("a?c*", "abcdef"));
  EXPECT_FALSE(glob_match("step?", "step10"));
  EXPECT_FALSE(glob_match("step*", "mystep1"));
  EXPECT_TRUE(glob_match("*", ""));
}

TEST(AlarmTemplateTest, InstantiatesPlaceholders) {
  AlarmTemplate t = seed_template();
  ASSERT_TRUE(validate_template(t).ok());
  MetricAlarmConfig c = instantiate(t, machine("step1"));
  EXPECT_EQ(c.name, "step1-status");
  EXPECT_EQ(*c.description, "Latest execution of step1 did not succeed");
  EXPECT_EQ(c.dimensions[0].value, "arn:aws:states:eu-west-1:111122223333:stateMachine:step1");
  EXPECT_EQ(c.actions.alarm_actions[0], "arn:aws:sns:eu-west-1:111122223333:alerts");
}

TEST(AlarmTemplateTest, MatchesByNameAndTag) {
  AlarmTemplate t = seed_template();
  EXPECT_TRUE(template_matches(t, machine("step2")));
  EXPECT_FALSE(template_matches(t, machine("other")));
  t.name_pattern.clear();
  t.tags = {{"team", "data*"}};
  EXPECT_TRUE(template_matches(t, machine("x", {{"team", "data-eng"}})));
  EXPECT_FALSE(template_matches(t, machine("x", {{"team", "web"}})));
  EXPECT_FALSE(template_matches(t, machine("x")));
}

TEST(AlarmTemplateTest, ReconcileCreatesForNewMachinesAndDeletesForGoneOnes) {
  AlarmTemplate t = seed_template();
  std::vector<StateMachineInfo> machines = {machine("step1"), machine("step2"), machine("other")};
  auto plan = reconcile(t, machines, {});
  ASSERT_EQ(plan.create.size(), 2u);
  EXPECT_EQ(plan.create[0].name, "step1-status");
  EXPECT_EQ(plan.create[1].name, "step2-status");

  std::map<std::string, MetricAlarmConfig> owned;
  for (const auto& c : plan.create) owned[c.name] = c;
  // step3 is created later; step1 is deleted; step2's template threshold changes.
  machines = {machine("step2"), machine("step3")};
  t.alarm.threshold = 4;
  plan = reconcile(t, machines, owned);
  ASSERT_EQ(plan.create.size(), 1u);
  EXPECT_EQ(plan.create[0].name, "step3-status");
  ASSERT_EQ(plan.update.size(), 1u);
  EXPECT_EQ(plan.update[0].name, "step2-status");
  EXPECT_EQ(plan.remove, std::vector<std::string>{"step1-status"});

  t.alarm.threshold = 3;
  std::vector<StateMachineInfo> only_step2 = {machine("step2")};
  plan = reconcile(t, only_step2, owned);
  EXPECT_EQ(plan.keep, std::vector<std::string>{"step2-status"});
}

TEST(AlarmTemplateTest, Validation) {
  AlarmTemplate t = seed_template();
  t.alarm.name = "fixed-name";
  EXPECT_FALSE(validate_template(t).ok());
  t = seed_template();
  t.alarm.name = "${machine}-x-${state_machine}";
  EXPECT_FALSE(validate_template(t).ok());
  t = seed_template();
  t.alarm.period_seconds = 45;
  EXPECT_FALSE(validate_template(t).ok());
}

}  // namespace
}  // namespace sg::guardian
