// Building and reading Step Functions ARNs (reference §6.4).
#include "api/arn.h"

#include <gtest/gtest.h>

namespace sg::api {
namespace {

const ApiContext kCtx;
constexpr std::string_view kPrefix = "arn:aws:states:us-east-1:123456789012:";

std::string arn(std::string_view resource) {
  std::string out(kPrefix);
  out.append(resource);
  return out;
}

TEST(Arn, Builders) {
  EXPECT_EQ(kCtx.prefix(), kPrefix);
  EXPECT_EQ(state_machine_arn(kCtx, "sm"), arn("stateMachine:sm"));
  EXPECT_EQ(state_machine_version_arn(kCtx, "sm", 3), arn("stateMachine:sm:3"));
  EXPECT_EQ(state_machine_alias_arn(kCtx, "sm", "prod"), arn("stateMachine:sm:prod"));
  EXPECT_EQ(execution_arn(kCtx, "sm", "run"), arn("execution:sm:run"));
  EXPECT_EQ(express_execution_arn(kCtx, "sm", "run", "u-1"), arn("express:sm:run:u-1"));
  EXPECT_EQ(activity_arn(kCtx, "act"), arn("activity:act"));
  ApiContext cn{"aws-cn", "cn-north-1", "000000000000"};
  EXPECT_EQ(state_machine_arn(cn, "sm"), "arn:aws-cn:states:cn-north-1:000000000000:stateMachine:sm");
}

TEST(Arn, Classifies) {
  struct Case {
    std::string text;
    ArnKind kind;
    std::string name;
  };
  const Case cases[] = {
      {arn("stateMachine:sm"), ArnKind::kStateMachine, "sm"},
      {arn("stateMachine:sm:12"), ArnKind::kVersion, "sm"},
      {arn("stateMachine:sm:prod"), ArnKind::kAlias, "sm"},
      {arn("stateMachine:sm/label"), ArnKind::kLabelled, "sm"},
      {arn("execution:sm:run"), ArnKind::kExecution, "sm"},
      {arn("execution:sm/label:child"), ArnKind::kExecution, "sm"},
      {arn("express:sm:run:uuid"), ArnKind::kExpressExecution, "sm"},
      {arn("activity:act.v2"), ArnKind::kActivity, "act.v2"},
      {arn("mapRun:sm/label:id"), ArnKind::kMapRun, "sm"},
  };
  for (const Case& c : cases) {
    ApiOr<ParsedArn> p = parse_arn(kCtx, c.text);
    ASSERT_TRUE(p.ok()) << c.text;
    EXPECT_EQ(p->kind, c.kind) << c.text;
    EXPECT_EQ(p->name, c.name) << c.text;
  }
  ApiOr<ParsedArn> v = parse_arn(kCtx, arn("stateMachine:sm:12"));
  EXPECT_EQ(v->version, 12);
  EXPECT_EQ(v->state_machine_arn, arn("stateMachine:sm"));
  EXPECT_EQ(parse_arn(kCtx, arn("stateMachine:sm:prod"))->alias, "prod");
  EXPECT_EQ(parse_arn(kCtx, arn("stateMachine:sm/label"))->label, "label");
  ApiOr<ParsedArn> x = parse_arn(kCtx, arn("express:sm:run:uuid"));
  EXPECT_EQ(x->execution_name, "run");
  EXPECT_EQ(x->express_id, "uuid");
  EXPECT_EQ(x->type, ResourceType::kExpress);
  EXPECT_EQ(parse_arn(kCtx, arn("activity:act"))->state_machine_arn, "");
  // Digits no version can have.
  EXPECT_EQ(parse_arn(kCtx, arn("stateMachine:sm:01"))->version, -1);
  EXPECT_EQ(parse_arn(kCtx, arn("stateMachine:sm:99999999999999999999"))->version, -1);
}

TEST(Arn, RefusesForeignAndMalformedArns) {
  const std::pair<std::string, std::string> cases[] = {
      {"not_a_valid_arn", "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'"},
      {"arn:aws:states:eu-west-1:123456789012:stateMachine:sm",
       "Invalid Arn: 'Invalid ARN prefix: arn:aws:states:eu-west-1:123456789012:stateMachine:sm'"},
      {"arn:aws:lambda:us-east-1:123456789012:function:f",
       "Invalid Arn: 'Invalid ARN prefix: arn:aws:lambda:us-east-1:123456789012:function:f'"},
      {arn("table:t"), "Invalid Arn: 'Resource type not valid in this context: table'"},
      {arn("stateMachine:"), "Invalid Arn: '" + arn("stateMachine:") + "'"},
      {arn("stateMachine:a:b:c"), "Invalid Arn: '" + arn("stateMachine:a:b:c") + "'"},
      {arn("stateMachine:a/b/c"), "Invalid Arn: '" + arn("stateMachine:a/b/c") + "'"},
      {arn("execution:sm"), "Invalid Arn: '" + arn("execution:sm") + "'"},
      {arn("activity:a:b"), "Invalid Arn: '" + arn("activity:a:b") + "'"},
  };
  for (const auto& [text, message] : cases) {
    ApiOr<ParsedArn> p = parse_arn(kCtx, text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.error().code, "InvalidArn");
    EXPECT_EQ(p.error().message, message);
  }
}

TEST(Arn, ResourceTypeMustFitTheContext) {
  ApiOr<ParsedArn> p = parse_arn_as(kCtx, arn("express:sm:run:u"), {ResourceType::kExecution});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message, "Invalid Arn: 'Resource type not valid in this context: express'");
  EXPECT_EQ(parse_arn_as(kCtx, arn("execution:sm:run"), {ResourceType::kStateMachine}).error().message,
            "Invalid Arn: 'Resource type not valid in this context: execution'");
  EXPECT_TRUE(
      parse_arn_as(kCtx, arn("activity:a"), {ResourceType::kStateMachine, ResourceType::kActivity}).ok());
}

}  // namespace
}  // namespace sg::api
