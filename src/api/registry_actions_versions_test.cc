// Version and alias actions on JSON, with the messages AWS answers (reference §6.2.2).
#include <gtest/gtest.h>

#include "api/registry_actions.h"
#include "api/registry_test_util.h"

namespace sg::api {
namespace {

using testing::cat;
using testing::Harness;
using testing::J;
using testing::kPass;
using testing::kPass2;
using testing::obj;
using testing::S;
using testing::sm_arn;

json::Value ok(const ApiResult& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message);
  return r.ok() ? r.body() : json::Value();
}

const ApiError& err(const ApiResult& r) {
  static const ApiError kNone{"(none)", "the call succeeded", 200, {}};
  EXPECT_FALSE(r.ok());
  return r.ok() ? kNone : r.error();
}

std::string version(int n) { return cat({sm_arn("orders"), ":", std::to_string(n)}); }

json::Value routing(std::initializer_list<std::pair<std::string, int>> targets) {
  std::vector<json::Value> items;
  for (const auto& [arn, weight] : targets)
    items.push_back(obj({{"stateMachineVersionArn", S(arn)}, {"weight", json::Value::integer(weight)}}));
  return json::Value::array(std::move(items));
}

// "orders" with versions 1..n, each of another definition.
void make_versions(Harness& h, int n) {
  ok(h.create_call("orders"));
  for (int i = 1; i <= n; ++i) {
    std::string definition(kPass);
    definition.insert(1, cat({R"("Comment":"v)", std::to_string(i), R"(",)"}));
    ok(h.call("UpdateStateMachine", obj({{"stateMachineArn", S(sm_arn("orders"))},
                                         {"definition", S(definition)},
                                         {"publish", json::Value::boolean(true)}})));
    h.now += 1000;
  }
}

TEST(VersionActions, PublishListAndDelete) {
  Harness h;
  ok(h.create_call("orders"));
  json::Value published =
      ok(h.call("PublishStateMachineVersion",
                obj({{"stateMachineArn", S(sm_arn("orders"))}, {"description", S("first")}})));
  EXPECT_EQ(published, obj({{"creationDate", json::Value::integer(1700000000)},
                            {"stateMachineVersionArn", S(version(1))}}));
  // Idempotent for an unchanged revision.
  EXPECT_EQ(ok(h.call("PublishStateMachineVersion", obj({{"stateMachineArn", S(sm_arn("orders"))}}))),
            published);
  ApiResult stale = h.call("PublishStateMachineVersion",
                           obj({{"stateMachineArn", S(sm_arn("orders"))}, {"revisionId", S("r-old")}}));
  EXPECT_EQ(err(stale).code, "ConflictException");
  EXPECT_EQ(
      err(stale).message,
      "Failed to publish the State Machine version for revision r-old. The current State Machine revision is "
      "INITIAL.");

  EXPECT_EQ(ok(h.call("ListStateMachineVersions", obj({{"stateMachineArn", S(sm_arn("orders"))}}))),
            obj({{"stateMachineVersions",
                  json::Value::array({obj({{"stateMachineVersionArn", S(version(1))},
                                           {"creationDate", json::Value::integer(1700000000)}})})}}));
  EXPECT_EQ(ok(h.call("DeleteStateMachineVersion", obj({{"stateMachineVersionArn", S(version(1))}}))).dump(),
            "{}");
  EXPECT_EQ(ok(h.call("DeleteStateMachineVersion", obj({{"stateMachineVersionArn", S(version(1))}}))).dump(),
            "{}");
  EXPECT_EQ(ok(h.call("ListStateMachineVersions", obj({{"stateMachineArn", S(sm_arn("orders"))}})))
                .find("stateMachineVersions")
                ->size(),
            0u);
  EXPECT_EQ(
      err(h.call("DeleteStateMachineVersion", obj({{"stateMachineVersionArn", S(sm_arn("orders"))}}))).code,
      "InvalidArn");
  EXPECT_EQ(err(h.call("PublishStateMachineVersion", obj({{"stateMachineArn", S(sm_arn("nope"))}}))).message,
            cat({"State Machine Does Not Exist: '", sm_arn("nope"), "'"}));
}

TEST(VersionActions, ListNewestFirstAcrossPages) {
  Harness h;
  make_versions(h, 13);
  std::vector<std::string> arns;
  json::Value request =
      obj({{"stateMachineArn", S(sm_arn("orders"))}, {"maxResults", json::Value::integer(10)}});
  json::Value first = ok(h.call("ListStateMachineVersions", request));
  for (const json::Value& v : first.find("stateMachineVersions")->items())
    arns.emplace_back(v.find("stateMachineVersionArn")->as_string());
  ASSERT_NE(first.find("nextToken"), nullptr);
  json::Value second = ok(h.call("ListStateMachineVersions", obj({{"stateMachineArn", S(sm_arn("orders"))},
                                                                  {"maxResults", json::Value::integer(3)},
                                                                  {"nextToken", *first.find("nextToken")}})));
  for (const json::Value& v : second.find("stateMachineVersions")->items())
    arns.emplace_back(v.find("stateMachineVersionArn")->as_string());
  EXPECT_EQ(second.find("nextToken"), nullptr);
  ASSERT_EQ(arns.size(), 13u);
  for (int i = 0; i < 13; ++i) EXPECT_EQ(arns[i], version(13 - i));
  // A token of one listing is no token for another.
  EXPECT_EQ(err(h.call("ListStateMachines", obj({{"nextToken", *first.find("nextToken")}}))).code,
            "InvalidToken");
}

TEST(AliasActions, Lifecycle) {
  Harness h;
  make_versions(h, 2);
  std::string alias = cat({sm_arn("orders"), ":prod"});
  json::Value created =
      ok(h.call("CreateStateMachineAlias", obj({{"name", S("prod")},
                                                {"description", S("live")},
                                                {"routingConfiguration", routing({{version(1), 100}})}})));
  EXPECT_EQ(created,
            obj({{"stateMachineAliasArn", S(alias)}, {"creationDate", json::Value::integer(1700000002)}}));
  h.now += 500;
  json::Value updated =
      ok(h.call("UpdateStateMachineAlias",
                obj({{"stateMachineAliasArn", S(alias)},
                     {"routingConfiguration", routing({{version(1), 50}, {version(2), 50}})}})));
  EXPECT_EQ(updated.dump(), R"({"updateDate":1.7000000025E9})");
  EXPECT_EQ(ok(h.call("DescribeStateMachineAlias", obj({{"stateMachineAliasArn", S(alias)}}))),
            obj({{"stateMachineAliasArn", S(alias)},
                 {"name", S("prod")},
                 {"description", S("live")},
                 {"routingConfiguration", routing({{version(1), 50}, {version(2), 50}})},
                 {"creationDate", json::Value::integer(1700000002)},
                 {"updateDate", json::Value::number(1700000002.5)}}));

  ApiResult busy = h.call("DeleteStateMachineVersion", obj({{"stateMachineVersionArn", S(version(2))}}));
  EXPECT_EQ(err(busy).code, "ConflictException");
  EXPECT_EQ(err(busy).http_status, 409);
  EXPECT_EQ(
      err(busy).message,
      "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this "
      "version: [prod]");

  ok(h.call("CreateStateMachineAlias",
            obj({{"name", S("beta")}, {"routingConfiguration", routing({{version(2), 100}})}})));
  json::Value listed = ok(h.call("ListStateMachineAliases", obj({{"stateMachineArn", S(sm_arn("orders"))}})));
  ASSERT_EQ(listed.find("stateMachineAliases")->size(), 2u);
  EXPECT_EQ((*listed.find("stateMachineAliases"))[0].find("stateMachineAliasArn")->as_string(),
            alias);  // oldest
  json::Value of_v1 = ok(h.call("ListStateMachineAliases", obj({{"stateMachineArn", S(version(1))}})));
  EXPECT_EQ(of_v1.find("stateMachineAliases")->size(), 1u);

  EXPECT_EQ(ok(h.call("DeleteStateMachineAlias", obj({{"stateMachineAliasArn", S(alias)}}))).dump(), "{}");
  EXPECT_EQ(ok(h.call("DeleteStateMachineAlias", obj({{"stateMachineAliasArn", S(alias)}}))).dump(), "{}");
  EXPECT_EQ(err(h.call("DescribeStateMachineAlias", obj({{"stateMachineAliasArn", S(alias)}}))).message,
            "Request references a resource that does not exist.");
  EXPECT_EQ(err(h.call("UpdateStateMachineAlias",
                       obj({{"stateMachineAliasArn", S(alias)}, {"description", S("x")}})))
                .code,
            "ResourceNotFound");
  EXPECT_EQ(err(h.call("ListStateMachineAliases", obj({{"stateMachineArn", S(sm_arn("nope"))}}))).code,
            "StateMachineDoesNotExist");
}

TEST(AliasActions, RequestChecksInAwsWording) {
  Harness h;
  make_versions(h, 3);
  auto create = [&](std::string_view name, const json::Value& routes) {
    return h.call("CreateStateMachineAlias", obj({{"name", S(name)}, {"routingConfiguration", routes}}));
  };
  EXPECT_EQ(err(create("prod", routing({{version(1), 70}, {version(2), 29}}))).message,
            "Sum of routing configuration weights must equal 100. Received: [70, 29]");
  EXPECT_EQ(
      err(create("prod", routing({{version(1), 50}, {version(2), 30}, {version(3), 20}}))).message,
      cat({"1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn=",
           version(1), ", weight=50), RoutingConfigurationListItem(stateMachineVersionArn=", version(2),
           ", weight=30), RoutingConfigurationListItem(stateMachineVersionArn=", version(3),
           ", weight=20)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length "
           "less than or equal to 2"}));
  EXPECT_EQ(
      err(create("prod", routing({{version(1), 101}}))).message,
      "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy "
      "constraint: Member must have value less than or equal to 100");
  EXPECT_EQ(err(create("prod", routing({{version(1), 50}, {version(1), 50}}))).message,
            cat({"Routing configuration must contain distinct state machine version ARNs. Received: [",
                 version(1), ", ", version(1), "]"}));
  EXPECT_EQ(err(create("prod", routing({{sm_arn("orders"), 70}, {version(2), 30}}))).message,
            cat({"Routing configuration must contain state machine version ARNs. Received: [",
                 sm_arn("orders"), ", ", version(2), "]"}));
  for (std::string_view name : {"123", "INVALID ALIAS", "!INVALID", "ALIAS@"}) {
    EXPECT_EQ(
        err(create(name, routing({{version(1), 100}}))).message,
        cat({"1 validation error detected: Value '", name,
             "' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: "
             "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"}));
  }
  EXPECT_EQ(
      err(create(std::string(81, 'A'), routing({{version(1), 100}}))).message,
      cat({"1 validation error detected: Value '", std::string(81, 'A'),
           "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80"}));
  EXPECT_EQ(err(h.call("CreateStateMachineAlias", R"({"name":"prod"})")).message,
            "1 validation error detected: Value null at 'routingConfiguration' failed to satisfy constraint: "
            "Member "
            "must not be null");

  ok(create("prod", routing({{version(1), 100}})));
  ApiResult conflict =
      h.call("CreateStateMachineAlias", obj({{"name", S("prod")},
                                             {"description", S("different")},
                                             {"routingConfiguration", routing({{version(1), 100}})}}));
  EXPECT_EQ(
      err(conflict).message,
      "Failed to create alias because an alias with the same name and a different routing configuration "
      "already exists.");
  ApiResult neither =
      h.call("UpdateStateMachineAlias", obj({{"stateMachineAliasArn", S(cat({sm_arn("orders"), ":prod"}))}}));
  EXPECT_EQ(err(neither).code, "ValidationException");
  EXPECT_EQ(err(neither).reason, "MISSING_REQUIRED_PARAMETER");
}

}  // namespace
}  // namespace sg::api
