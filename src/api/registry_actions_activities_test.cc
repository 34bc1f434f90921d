// Activity and tag actions on JSON (reference §4.3, §6.2.5, §6.2.8).
#include <gtest/gtest.h>

#include "api/registry_actions.h"
#include "api/registry_test_util.h"

namespace sg::api {
namespace {

using testing::cat;
using testing::Harness;
using testing::J;
using testing::obj;
using testing::S;
using testing::sm_arn;

constexpr std::string_view kActivity = "arn:aws:states:us-east-1:123456789012:activity:worker";

json::Value ok(const ApiResult& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message);
  return r.ok() ? r.body() : json::Value();
}

const ApiError& err(const ApiResult& r) {
  static const ApiError kNone{"(none)", "the call succeeded", 200, {}};
  EXPECT_FALSE(r.ok());
  return r.ok() ? kNone : r.error();
}

TEST(ActivityActions, Lifecycle) {
  Harness h;
  json::Value created =
      ok(h.call("CreateActivity", R"({"name":"worker","tags":[{"key":"team","value":"a"}]})"));
  EXPECT_EQ(created,
            obj({{"activityArn", S(kActivity)}, {"creationDate", json::Value::integer(1700000000)}}));
  h.now += 10;
  EXPECT_EQ(ok(h.call("CreateActivity", R"({"name":"worker"})")), created);  // idempotent by name
  EXPECT_EQ(ok(h.call("DescribeActivity", obj({{"activityArn", S(kActivity)}}))),
            obj({{"activityArn", S(kActivity)},
                 {"name", S("worker")},
                 {"creationDate", json::Value::integer(1700000000)},
                 {"encryptionConfiguration", J(R"({"type":"AWS_OWNED_KEY"})")}}));
  ok(h.call("CreateActivity", R"({"name":"a-first"})"));
  json::Value listed = ok(h.call("ListActivities", "{}"));
  ASSERT_EQ(listed.find("activities")->size(), 2u);
  EXPECT_EQ((*listed.find("activities"))[0].find("name")->as_string(), "a-first");
  json::Value page = ok(h.call("ListActivities", R"({"maxResults":1})"));
  ASSERT_NE(page.find("nextToken"), nullptr);
  json::Value rest = ok(h.call("ListActivities", obj({{"nextToken", *page.find("nextToken")}})));
  EXPECT_EQ((*rest.find("activities"))[0].find("activityArn")->as_string(), kActivity);
  EXPECT_EQ(rest.find("nextToken"), nullptr);

  EXPECT_EQ(ok(h.call("DeleteActivity", obj({{"activityArn", S(kActivity)}}))).dump(), "{}");
  EXPECT_EQ(ok(h.call("DeleteActivity", obj({{"activityArn", S(kActivity)}}))).dump(), "{}");
  ApiResult gone = h.call("DescribeActivity", obj({{"activityArn", S(kActivity)}}));
  EXPECT_EQ(err(gone).code, "ActivityDoesNotExist");
  EXPECT_EQ(err(gone).message, cat({"Activity Does Not Exist: '", kActivity, "'"}));
}

TEST(ActivityActions, Errors) {
  Harness h;
  EXPECT_EQ(err(h.call("CreateActivity", R"({"name":"TestActivity InvalidName$"})")).message,
            "Invalid Name: 'TestActivity InvalidName$'");
  EXPECT_EQ(err(h.call("CreateActivity", "{}")).message,
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not "
            "be null");
  EXPECT_EQ(err(h.call("DescribeActivity", obj({{"activityArn", S(sm_arn("x"))}}))).message,
            "Invalid Arn: 'Resource type not valid in this context: stateMachine'");
  EXPECT_EQ(err(h.call("DeleteActivity", R"({"activityArn":"worker"})")).message,
            "Invalid Arn: 'Invalid ARN prefix: worker'");
  EXPECT_EQ(
      err(h.call("CreateActivity", R"({"name":"w","encryptionConfiguration":{"kmsKeyId":"k"}})")).message,
      "1 validation error detected: Value null at 'encryptionConfiguration.type' failed to satisfy "
      "constraint: Member must not be null");
}

TEST(TagActions, TagUntagList) {
  Harness h;
  ok(h.create_call("orders"));
  std::string arn = sm_arn("orders");
  EXPECT_EQ(
      ok(h.call("TagResource", obj({{"resourceArn", S(arn)},
                                    {"tags", J(R"([{"key":"a","value":"1"},{"key":"b","value":""}])")}})))
          .dump(),
      "{}");
  EXPECT_EQ(ok(h.call("ListTagsForResource", obj({{"resourceArn", S(arn)}}))),
            J(R"({"tags":[{"key":"a","value":"1"},{"key":"b","value":""}]})"));
  EXPECT_EQ(ok(h.call("UntagResource", obj({{"resourceArn", S(arn)}, {"tagKeys", J(R"(["a"])")}}))).dump(),
            "{}");
  EXPECT_EQ(ok(h.call("ListTagsForResource", obj({{"resourceArn", S(arn)}}))),
            J(R"({"tags":[{"key":"b","value":""}]})"));

  ok(h.call("CreateActivity", R"({"name":"worker","tags":[{"key":"k","value":"v"}]})"));
  EXPECT_EQ(ok(h.call("ListTagsForResource", obj({{"resourceArn", S(kActivity)}}))),
            J(R"({"tags":[{"key":"k","value":"v"}]})"));
}

TEST(TagActions, Errors) {
  Harness h;
  ok(h.call("CreateStateMachine", obj({{"name", S("orders")},
                                       {"definition", S(testing::kPass)},
                                       {"roleArn", S(testing::kRole)},
                                       {"publish", json::Value::boolean(true)}})));
  std::string arn = sm_arn("orders");
  EXPECT_EQ(err(h.call("TagResource", obj({{"resourceArn", S(cat({arn, ":1"}))},
                                           {"tags", J(R"([{"key":"a","value":"1"}])")}})))
                .message,
            cat({"Resource not found: '", arn, ":1'"}));
  EXPECT_EQ(err(h.call("ListTagsForResource", obj({{"resourceArn", S(sm_arn("nope"))}}))).code,
            "ResourceNotFound");
  EXPECT_EQ(err(h.call("TagResource", obj({{"resourceArn", S(arn)}}))).message,
            "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not "
            "be null");
  EXPECT_EQ(
      err(h.call("TagResource",
                 obj({{"resourceArn", S(arn)},
                      {"tags", J(cat({R"([{"key":"","value":")", std::string(257, 'v'), R"("}])"}))}})))
          .message,
      cat({"2 validation errors detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: "
           "Member must have length greater than or equal to 1; Value '",
           std::string(257, 'v'),
           "' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or "
           "equal to 256"}));
  EXPECT_EQ(
      err(h.call("UntagResource", obj({{"resourceArn", S(arn)}, {"tagKeys", J(R"([""])")}}))).message,
      "1 validation error detected: Value '' at 'tagKeys.1.member' failed to satisfy constraint: Member must "
      "have length greater than or equal to 1");

  std::vector<json::Value> tags;
  for (int i = 0; i < 51; ++i)
    tags.push_back(obj({{"key", S(cat({"k", std::to_string(i)}))}, {"value", S("v")}}));
  ApiResult too_many =
      h.call("TagResource", obj({{"resourceArn", S(arn)}, {"tags", json::Value::array(tags)}}));
  EXPECT_EQ(err(too_many).code, "TooManyTags");
  EXPECT_EQ(err(too_many).message, cat({"Too Many Tags: '", arn, "'"}));
  EXPECT_EQ(ok(h.call("ListTagsForResource", obj({{"resourceArn", S(arn)}}))).find("tags")->size(), 0u);
  ApiResult create = h.call("CreateActivity", obj({{"name", S("busy")}, {"tags", json::Value::array(tags)}}));
  EXPECT_EQ(err(create).code, "TooManyTags");
}

}  // namespace
}  // namespace sg::api
