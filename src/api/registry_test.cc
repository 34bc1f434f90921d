// The registry's service rules (reference §5, §6.2-6.5) and its persistence.
#include "api/registry.h"

#include <gtest/gtest.h>

#include "api/registry_test_util.h"

namespace sg::api {
namespace {

using testing::cat;
using testing::Harness;
using testing::kPass;
using testing::kPass2;
using testing::kRole;
using testing::kStartMs;
using testing::sm_arn;

TEST(Registry, CreatesAndFindsAStateMachine) {
  Harness h;
  ASSERT_EQ(h.create("orders"), sm_arn("orders"));
  const StateMachineRecord* sm = h.registry->find_state_machine(sm_arn("orders"));
  ASSERT_NE(sm, nullptr);
  EXPECT_EQ(sm->name, "orders");
  EXPECT_EQ(sm->type, "STANDARD");
  EXPECT_EQ(sm->config.definition, kPass);
  EXPECT_EQ(sm->config.logging.dump(), R"({"level":"OFF","includeExecutionData":false})");
  EXPECT_EQ(sm->config.tracing.dump(), R"({"enabled":false})");
  EXPECT_EQ(sm->config.encryption.dump(), R"({"type":"AWS_OWNED_KEY"})");
  EXPECT_EQ(sm->creation_ms, kStartMs);
  EXPECT_EQ(sm->revision_id, "");  // AWS shows no revisionId before the first update
  EXPECT_NE(sm->machine, nullptr);
}

TEST(Registry, CreateIsIdempotentOnWhatAwsCompares) {
  Harness h;
  CreateStateMachineInput in = h.create_input("orders");
  in.tags = {Tag{"team", "a"}};
  ASSERT_TRUE(h.registry->create_state_machine(in).ok());
  h.now += 5000;
  in.role_arn = "arn:aws:iam::123456789012:role/other";  // ignored
  in.tags = {Tag{"team", "b"}};                          // ignored
  ApiOr<CreateStateMachineOutput> again = h.registry->create_state_machine(in);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->creation_ms, kStartMs);
  EXPECT_EQ(h.registry->find_state_machine(sm_arn("orders"))->tags, std::vector<Tag>({Tag{"team", "a"}}));

  CreateStateMachineInput different = h.create_input("orders", kPass2);
  ApiOr<CreateStateMachineOutput> clash = h.registry->create_state_machine(different);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, "StateMachineAlreadyExists");
  EXPECT_EQ(clash.error().message, cat({"State Machine Already Exists: '", sm_arn("orders"), "'"}));
  // Byte-different but equivalent JSON is a different definition too.
  std::string spaced(kPass);
  spaced.insert(1, " ");
  EXPECT_EQ(h.registry->create_state_machine(h.create_input("orders", spaced)).error().code,
            "StateMachineAlreadyExists");
  CreateStateMachineInput express = h.create_input("orders");
  express.type = "EXPRESS";
  EXPECT_EQ(h.registry->create_state_machine(express).error().code, "StateMachineAlreadyExists");
  CreateStateMachineInput published = h.create_input("orders");
  published.publish = true;
  EXPECT_EQ(h.registry->create_state_machine(published).error().code, "StateMachineAlreadyExists");
}

TEST(Registry, CreateChecks) {
  Harness h;
  EXPECT_EQ(h.registry->create_state_machine(h.create_input("a b")).error().message, "Invalid Name: 'a b'");
  CreateStateMachineInput described = h.create_input("x");
  described.version_description = "v";
  EXPECT_EQ(h.registry->create_state_machine(described).error().message,
            "Version description can only be set when publish is true");
  CreateStateMachineInput role = h.create_input("x");
  role.role_arn = "role";
  EXPECT_EQ(h.registry->create_state_machine(role).error().message,
            "Invalid Arn: 'Invalid ARN prefix: role'");
  CreateStateMachineInput logging = h.create_input("x");
  logging.logging = json::parse_json(R"({"level":"ALL"})").value();
  ApiOr<CreateStateMachineOutput> bad_logging = h.registry->create_state_machine(logging);
  EXPECT_EQ(bad_logging.error().code, "InvalidLoggingConfiguration");
  EXPECT_EQ(bad_logging.error().message,
            "Invalid Logging Configuration: Must specify exactly one Log Destination.");
  ApiOr<CreateStateMachineOutput> bad = h.registry->create_state_machine(
      h.create_input("x", R"({"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}})"));
  EXPECT_EQ(bad.error().code, "InvalidDefinition");
  EXPECT_EQ(bad.error().message,
            "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at "
            "/States/A/Next, MISSING_END_STATE: Workflow has no terminal state at null'");
  EXPECT_EQ(h.registry->state_machines().size(), 0u);
}

TEST(Registry, ExpressRulesApplyToExpressMachines) {
  Harness h;
  constexpr std::string_view kCallback =
      R"({"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",)"
      R"("Parameters":{"QueueUrl":"q","MessageBody":{"t.$":"$$.Task.Token"}},"End":true}}})";
  CreateStateMachineInput in = h.create_input("fast", kCallback);
  in.type = "EXPRESS";
  ApiOr<CreateStateMachineOutput> out = h.registry->create_state_machine(in);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(
      out.error().message,
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support "
      "'.waitForTaskToken' service integration  at /States/S/Resource'");
  EXPECT_EQ(h.create("slow", kCallback), sm_arn("slow"));
}

TEST(Registry, UpdatesMakeRevisionsOnlyWhenSomethingChanges) {
  Harness h;
  h.create("orders");
  UpdateStateMachineInput same{.state_machine_arn = sm_arn("orders"), .definition = std::string(kPass)};
  ApiOr<UpdateStateMachineOutput> unchanged = h.registry->update_state_machine(same);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->revision_id, "");

  h.now += 1000;
  UpdateStateMachineInput change{.state_machine_arn = sm_arn("orders"), .definition = std::string(kPass2)};
  ApiOr<UpdateStateMachineOutput> changed = h.registry->update_state_machine(change);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->revision_id.size(), 36u);
  EXPECT_EQ(changed->revision_id[14], '4');  // a version 4 UUID
  EXPECT_EQ(changed->update_ms, kStartMs + 1000);
  EXPECT_EQ(h.registry->find_state_machine(sm_arn("orders"))->config.definition, kPass2);

  UpdateStateMachineInput role{.state_machine_arn = sm_arn("orders"), .role_arn = std::string(kRole)};
  EXPECT_EQ(h.registry->update_state_machine(role)->revision_id, changed->revision_id);
  UpdateStateMachineInput new_role{.state_machine_arn = sm_arn("orders"),
                                   .role_arn = "arn:aws:iam::1:role/x"};
  EXPECT_NE(h.registry->update_state_machine(new_role)->revision_id, changed->revision_id);
}

TEST(Registry, UpdateErrors) {
  Harness h;
  h.create("orders", kPass, true);
  UpdateStateMachineInput nothing{.state_machine_arn = sm_arn("orders")};
  ApiOr<UpdateStateMachineOutput> missing = h.registry->update_state_machine(nothing);
  EXPECT_EQ(missing.error().code, "MissingRequiredParameter");
  EXPECT_EQ(
      missing.error().message,
      "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be "
      "specified");
  // A version ARN is answered as AWS answers it: no such state machine.
  UpdateStateMachineInput version{.state_machine_arn = sm_arn("orders") + ":1",
                                  .definition = std::string(kPass2)};
  EXPECT_EQ(h.registry->update_state_machine(version).error().message,
            cat({"State Machine Does Not Exist: '", sm_arn("orders"), ":1'"}));
  UpdateStateMachineInput labelled{.state_machine_arn = sm_arn("orders") + "/map",
                                   .definition = std::string(kPass)};
  ApiOr<UpdateStateMachineOutput> l = h.registry->update_state_machine(labelled);
  EXPECT_EQ(l.error().code, "ValidationException");
  EXPECT_EQ(l.error().reason, "API_DOES_NOT_SUPPORT_LABELED_ARNS");
  UpdateStateMachineInput invalid{.state_machine_arn = sm_arn("orders"), .definition = "{}"};
  EXPECT_EQ(
      h.registry->update_state_machine(invalid).error().message,
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States, "
      "StartAt] at /'");
}

TEST(Registry, VersionsArePublishedOncePerRevisionAndNeverRenumbered) {
  Harness h;
  h.create("orders", kPass, true);
  ASSERT_NE(h.registry->find_version(sm_arn("orders") + ":1"), nullptr);
  // Publishing the same revision again answers version 1.
  EXPECT_EQ(h.registry->publish_version(sm_arn("orders"), std::nullopt, "again")->arn,
            sm_arn("orders") + ":1");
  UpdateStateMachineInput update{
      .state_machine_arn = sm_arn("orders"), .definition = std::string(kPass2), .publish = true};
  ApiOr<UpdateStateMachineOutput> updated = h.registry->update_state_machine(update);
  EXPECT_EQ(updated->version_arn, sm_arn("orders") + ":2");
  ASSERT_FALSE(h.registry->delete_version(sm_arn("orders") + ":2"));
  // The revision has no version any more: a new one gets a new number.
  EXPECT_EQ(h.registry->publish_version(sm_arn("orders"), std::nullopt, "")->arn, sm_arn("orders") + ":3");
  std::vector<const VersionRecord*> versions = h.registry->versions_of(sm_arn("orders"));
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]->number, 3);  // newest first
  EXPECT_EQ(versions[1]->number, 1);
  EXPECT_EQ(versions[1]->config.definition, kPass);
  EXPECT_EQ(versions[0]->config.definition, kPass2);
}

TEST(Registry, PublishChecksTheRevision) {
  Harness h;
  h.create("orders");
  EXPECT_TRUE(h.registry->publish_version(sm_arn("orders"), std::string(kInitialRevision), "").ok());
  UpdateStateMachineInput update{.state_machine_arn = sm_arn("orders"), .definition = std::string(kPass2)};
  std::string r2 = h.registry->update_state_machine(update)->revision_id;
  ApiOr<PublishedVersion> stale = h.registry->publish_version(sm_arn("orders"), std::string("r1"), "");
  EXPECT_EQ(stale.error().code, "ConflictException");
  EXPECT_EQ(stale.error().http_status, 409);
  EXPECT_EQ(stale.error().message,
            cat({"Failed to publish the State Machine version for revision r1. The current State "
                 "Machine revision is ",
                 r2, "."}));
  EXPECT_EQ(h.registry->publish_version(sm_arn("nope"), std::nullopt, "").error().code,
            "StateMachineDoesNotExist");
}

TEST(Registry, AliasesRouteToVersions) {
  Harness h;
  h.create("orders", kPass, true);
  UpdateStateMachineInput update{
      .state_machine_arn = sm_arn("orders"), .definition = std::string(kPass2), .publish = true};
  ASSERT_TRUE(h.registry->update_state_machine(update).ok());
  std::string v1 = sm_arn("orders") + ":1", v2 = sm_arn("orders") + ":2";
  ApiOr<const AliasRecord*> alias = h.registry->create_alias("prod", "d", {{v1, 70}, {v2, 30}});
  ASSERT_TRUE(alias.ok());
  EXPECT_EQ((*alias)->arn, sm_arn("orders") + ":prod");

  // The draw is a percentile: below 70 runs v1, from 70 on runs v2.
  h.draws = {69, 70, 199};
  ApiOr<ResolvedStateMachine> a = h.registry->resolve_for_start(sm_arn("orders") + ":prod");
  ApiOr<ResolvedStateMachine> b = h.registry->resolve_for_start(sm_arn("orders") + ":prod");
  ApiOr<ResolvedStateMachine> c = h.registry->resolve_for_start(sm_arn("orders") + ":prod");
  EXPECT_EQ(a->version_arn, v1);
  EXPECT_EQ(b->version_arn, v2);
  EXPECT_EQ(c->version_arn, v2);
  EXPECT_EQ(a->alias_arn, sm_arn("orders") + ":prod");
  EXPECT_EQ(a->state_machine_arn, sm_arn("orders"));
  EXPECT_EQ(a->definition, kPass);
  EXPECT_EQ(b->definition, kPass2);

  std::optional<ApiError> busy = h.registry->delete_version(v1);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->code, "ConflictException");
  EXPECT_EQ(
      busy->message,
      "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this "
      "version: [prod]");
}

TEST(Registry, AliasRoutingRules) {
  Harness h;
  h.create("orders", kPass, true);
  h.create("other", kPass, true);
  std::string v1 = sm_arn("orders") + ":1";
  struct Case {
    std::vector<RoutingTarget> routing;
    std::string code, message;
  };
  const Case cases[] = {
      {{{v1, 70}, {v1, 29}},
       "ValidationException",
       cat({"Routing configuration must contain distinct state machine version ARNs. Received: [", v1, ", ",
            v1, "]"})},
      {{{sm_arn("orders"), 100}},
       "ValidationException",
       cat({"Routing configuration must contain state machine version ARNs. Received: [", sm_arn("orders"),
            "]"})},
      {{{v1, 70}, {sm_arn("other") + ":1", 30}},
       "ValidationException",
       cat({"Routing configuration must contain versions of the same state machine. Received: [", v1, ", ",
            sm_arn("other"), ":1]"})},
      {{{v1, 70}, {sm_arn("orders") + ":9", 29}},
       "ValidationException",
       "Sum of routing configuration weights must equal 100. Received: [70, 29]"},
      {{{sm_arn("orders") + ":9", 100}},
       "ResourceNotFound",
       "Request references a resource that does not exist."},
      {{{"nope", 100}}, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: nope'"},
  };
  for (const Case& c : cases) {
    ApiOr<const AliasRecord*> alias = h.registry->create_alias("prod", "", c.routing);
    ASSERT_FALSE(alias.ok()) << c.message;
    EXPECT_EQ(alias.error().code, c.code);
    EXPECT_EQ(alias.error().message, c.message);
  }
  EXPECT_EQ(h.registry->create_alias("prod", "", {{v1, 70}, {v1, 30}}).error().reason,
            "INVALID_ROUTING_CONFIGURATION");
}

TEST(Registry, AliasCreationIsIdempotentAndUpdatable) {
  Harness h;
  h.create("orders", kPass, true);
  std::string v1 = sm_arn("orders") + ":1";
  ASSERT_TRUE(h.registry->create_alias("prod", "d", {{v1, 100}}).ok());
  h.now += 10;
  ApiOr<const AliasRecord*> again = h.registry->create_alias("prod", "d", {{v1, 100}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->creation_ms, kStartMs);
  ApiOr<const AliasRecord*> other = h.registry->create_alias("prod", "other description", {{v1, 100}});
  EXPECT_EQ(other.error().code, "ConflictException");
  EXPECT_EQ(
      other.error().message,
      "Failed to create alias because an alias with the same name and a different routing configuration "
      "already exists.");

  std::string alias = sm_arn("orders") + ":prod";
  EXPECT_EQ(h.registry->update_alias(alias, std::nullopt, std::nullopt).error().reason,
            "MISSING_REQUIRED_PARAMETER");
  ApiOr<const AliasRecord*> updated = h.registry->update_alias(alias, std::string("new"), std::nullopt);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ((*updated)->description, "new");
  EXPECT_EQ((*updated)->update_ms, kStartMs + 10);
  EXPECT_EQ(
      h.registry->update_alias(sm_arn("orders") + ":gone", std::string("x"), std::nullopt).error().message,
      "Request references a resource that does not exist.");
  h.registry->delete_alias(alias);
  h.registry->delete_alias(alias);  // twice is fine
  EXPECT_EQ(h.registry->find_alias(alias), nullptr);
  EXPECT_FALSE(h.registry->delete_version(v1));  // free again
}

TEST(Registry, ResolveForStart) {
  Harness h;
  h.create("orders", kPass, true);
  ApiOr<ResolvedStateMachine> plain = h.registry->resolve_for_start(sm_arn("orders"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->version_arn, "");
  EXPECT_EQ(plain->role_arn, kRole);
  EXPECT_EQ(plain->type, "STANDARD");
  EXPECT_NE(plain->machine, nullptr);
  ApiOr<ResolvedStateMachine> version = h.registry->resolve_for_start(sm_arn("orders") + ":1");
  EXPECT_EQ(version->version_arn, sm_arn("orders") + ":1");
  EXPECT_EQ(version->state_machine_arn, sm_arn("orders"));

  EXPECT_EQ(h.registry->resolve_for_start(sm_arn("nope")).error().message,
            cat({"State Machine Does Not Exist: '", sm_arn("nope"), "'"}));
  EXPECT_EQ(h.registry->resolve_for_start(sm_arn("orders") + ":7").error().code, "StateMachineDoesNotExist");
  EXPECT_EQ(h.registry->resolve_for_start(sm_arn("orders") + ":prod").error().code,
            "StateMachineDoesNotExist");
  EXPECT_EQ(h.registry->resolve_for_start(sm_arn("orders") + "/map").error().reason,
            "API_DOES_NOT_SUPPORT_LABELED_ARNS");
  EXPECT_EQ(h.registry->resolve_for_start("arn:aws:states:us-east-1:123456789012:execution:orders:x")
                .error()
                .message,
            "Invalid Arn: 'Resource type not valid in this context: execution'");
  EXPECT_EQ(h.registry->resolve_for_start("orders").error().message,
            "Invalid Arn: 'Invalid ARN prefix: orders'");
}

TEST(Registry, DeleteTakesVersionsAndAliasesAndTellsTheEngine) {
  Harness h;
  std::vector<std::string> deleted;
  h.registry->on_deleted = [&](const std::string& arn) { deleted.push_back(arn); };
  h.create("orders", kPass, true);
  ASSERT_TRUE(h.registry->create_alias("prod", "", {{sm_arn("orders") + ":1", 100}}).ok());
  h.registry->delete_state_machine(sm_arn("orders"));
  h.registry->delete_state_machine(sm_arn("orders"));  // missing: nothing happens
  EXPECT_EQ(deleted, std::vector<std::string>({sm_arn("orders")}));
  EXPECT_EQ(h.registry->find_state_machine(sm_arn("orders")), nullptr);
  EXPECT_EQ(h.registry->find_version(sm_arn("orders") + ":1"), nullptr);
  EXPECT_EQ(h.registry->find_alias(sm_arn("orders") + ":prod"), nullptr);
  EXPECT_TRUE(h.store.load_resources().empty());
  // A new machine of the same name starts its versions from 1 again.
  h.create("orders", kPass, true);
  EXPECT_NE(h.registry->find_version(sm_arn("orders") + ":1"), nullptr);
}

TEST(Registry, Activities) {
  Harness h;
  std::vector<std::string> deleted;
  h.registry->on_activity_deleted = [&](const std::string& arn) { deleted.push_back(arn); };
  ApiOr<const ActivityRecord*> a =
      h.registry->create_activity("activity.name.v2", {Tag{"k", "v"}}, json::Value());
  ASSERT_TRUE(a.ok());
  std::string arn = (*a)->arn;
  EXPECT_EQ(arn, "arn:aws:states:us-east-1:123456789012:activity:activity.name.v2");
  EXPECT_EQ((*a)->encryption.dump(), R"({"type":"AWS_OWNED_KEY"})");
  h.now += 1;
  ApiOr<const ActivityRecord*> again = h.registry->create_activity("activity.name.v2", {}, json::Value());
  EXPECT_EQ((*again)->creation_ms, kStartMs);
  json::Value kms = json::parse_json(R"({"type":"CUSTOMER_MANAGED_KMS_KEY","kmsKeyId":"k"})").value();
  EXPECT_EQ(h.registry->create_activity("activity.name.v2", {}, kms).error().code, "ActivityAlreadyExists");
  EXPECT_EQ(h.registry->create_activity("TestActivity InvalidName$", {}, json::Value()).error().message,
            "Invalid Name: 'TestActivity InvalidName$'");
  h.registry->delete_activity(arn);
  h.registry->delete_activity(arn);
  EXPECT_EQ(deleted, std::vector<std::string>({arn}));
  EXPECT_EQ(h.registry->find_activity(arn), nullptr);
}

TEST(Registry, Tags) {
  Harness h;
  h.create("orders", kPass, true);
  std::string arn = sm_arn("orders");
  ASSERT_FALSE(h.registry->tag_resource(arn, {Tag{"a", "1"}, Tag{"b", "2"}}));
  ASSERT_FALSE(h.registry->tag_resource(arn, {Tag{"a", "3"}}));
  EXPECT_EQ(*h.registry->tags_of(arn), std::vector<Tag>({Tag{"a", "3"}, Tag{"b", "2"}}));
  ASSERT_FALSE(h.registry->untag_resource(arn, {"a", "zzz"}));
  EXPECT_EQ(*h.registry->tags_of(arn), std::vector<Tag>({Tag{"b", "2"}}));

  std::vector<Tag> many;
  for (int i = 0; i < 49; ++i) many.push_back(Tag{cat({"k", std::to_string(i)}), ""});
  EXPECT_FALSE(h.registry->tag_resource(arn, many));  // 50 in all
  std::optional<ApiError> too_many = h.registry->tag_resource(arn, {Tag{"one-more", ""}});
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->code, "TooManyTags");
  EXPECT_EQ(h.registry->tags_of(arn)->size(), 50u);

  std::optional<ApiError> chars = h.registry->tag_resource(arn, {Tag{"ok", "fine"}, Tag{"bad*key", "v"}});
  ASSERT_TRUE(chars);
  EXPECT_EQ(
      chars->message,
      "1 validation error detected: Value 'bad*key' at 'tags.2.member.key' failed to satisfy constraint: "
      "Member must satisfy regular expression pattern: ^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$");
  EXPECT_EQ(h.registry->tag_resource(arn, {Tag{"aws:owner", "x"}})->code, "ValidationException");
  // Letters of any script, spaces and _.:/=+-@ are fine.
  h.create("other");
  EXPECT_FALSE(h.registry->tag_resource(sm_arn("other"), {Tag{"caf\xc3\xa9 key:/=+-@", "v al"}}));

  // Versions and aliases carry no tags; missing resources neither.
  EXPECT_EQ(h.registry->tag_resource(arn + ":1", {Tag{"a", "b"}})->message,
            cat({"Resource not found: '", arn, ":1'"}));
  EXPECT_EQ(h.registry->tags_of(sm_arn("nope")).error().code, "ResourceNotFound");
  EXPECT_EQ(h.registry->tags_of("arn:aws:states:us-east-1:123456789012:execution:orders:e").error().code,
            "InvalidArn");
}

TEST(Registry, LoadRestoresEverything) {
  Harness h;
  CreateStateMachineInput in = h.create_input("orders");
  in.publish = true;
  in.version_description = "first";
  in.tags = {Tag{"team", "a"}};
  in.logging =
      json::parse_json(
          R"({"level":"ERROR","includeExecutionData":true,"destinations":[{"cloudWatchLogsLogGroup":)"
          R"({"logGroupArn":"arn:aws:logs:us-east-1:123456789012:log-group:g:*"}}]})")
          .value();
  ASSERT_TRUE(h.registry->create_state_machine(in).ok());
  h.now += 1000;
  UpdateStateMachineInput update{
      .state_machine_arn = sm_arn("orders"), .definition = std::string(kPass2), .publish = true};
  std::string revision = h.registry->update_state_machine(update)->revision_id;
  ASSERT_TRUE(h.registry->publish_version(sm_arn("orders"), std::nullopt, "").ok());
  ASSERT_TRUE(
      h.registry->create_alias("prod", "p", {{sm_arn("orders") + ":1", 50}, {sm_arn("orders") + ":2", 50}})
          .ok());
  CreateStateMachineInput express = h.create_input("fast");
  express.type = "EXPRESS";
  ASSERT_TRUE(h.registry->create_state_machine(express).ok());
  ASSERT_TRUE(h.registry->publish_version(sm_arn("fast"), std::nullopt, "").ok());
  ASSERT_FALSE(h.registry->delete_version(sm_arn("fast") + ":1"));
  ASSERT_TRUE(h.registry->create_activity("worker", {Tag{"x", "y"}}, json::Value()).ok());

  h.reset_registry();
  EXPECT_EQ(h.registry->find_state_machine(sm_arn("orders")), nullptr);  // not loaded yet
  EXPECT_TRUE(h.registry->load().empty());

  const StateMachineRecord* sm = h.registry->find_state_machine(sm_arn("orders"));
  ASSERT_NE(sm, nullptr);
  EXPECT_EQ(sm->config.definition, kPass2);
  EXPECT_EQ(sm->revision_id, revision);
  EXPECT_EQ(sm->creation_ms, kStartMs);
  EXPECT_EQ(sm->update_ms, kStartMs + 1000);
  EXPECT_EQ(sm->config.logging.dump(), in.logging.dump());
  EXPECT_EQ(sm->tags, in.tags);
  EXPECT_NE(sm->machine, nullptr);
  std::vector<const VersionRecord*> versions = h.registry->versions_of(sm_arn("orders"));
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1]->description, "first");
  EXPECT_EQ(versions[1]->config.definition, kPass);
  EXPECT_NE(versions[1]->machine, nullptr);
  const AliasRecord* alias = h.registry->find_alias(sm_arn("orders") + ":prod");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->routing.size(), 2u);
  EXPECT_EQ(alias->description, "p");
  EXPECT_EQ(h.registry->find_state_machine(sm_arn("fast"))->type, "EXPRESS");
  EXPECT_EQ(h.registry->activities().size(), 1u);
  EXPECT_EQ(h.registry->activities()[0]->tags, std::vector<Tag>({Tag{"x", "y"}}));
  // Idempotency and numbering survive the restart.
  CreateStateMachineInput again = h.create_input("orders", kPass2);
  again.publish = true;
  again.version_description = "first";
  again.tags = in.tags;
  again.logging = in.logging;
  EXPECT_EQ(h.registry->create_state_machine(again)->version_arn, sm_arn("orders") + ":1");
  EXPECT_EQ(h.registry->publish_version(sm_arn("fast"), std::nullopt, "")->arn, sm_arn("fast") + ":2");
}

TEST(Registry, LoadReportsWhatItCannotRestore) {
  Harness h;
  h.create("orders");
  json::Value doc = h.store.load_resources()[0].doc.with_member("definition", json::Value::string("{}"));
  h.store.put_resource("stateMachine", sm_arn("orders"), doc);
  json::ObjectBuilder ghost(2);
  ghost.add("stateMachineArn", json::Value::string(sm_arn("ghost")));
  ghost.add("number", json::Value::integer(1));
  h.store.put_resource("version", sm_arn("ghost") + ":1", std::move(ghost).build());
  h.store.put_resource("widget", "arn:x", json::Value::empty_object());
  h.reset_registry();
  std::vector<std::string> problems = h.registry->load();
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_NE(problems[0].find("These fields are required"), std::string::npos);
  ASSERT_NE(h.registry->find_state_machine(sm_arn("orders")), nullptr);
  ApiOr<ResolvedStateMachine> r = h.registry->resolve_for_start(sm_arn("orders"));
  EXPECT_EQ(r.error().code, "InternalFailure");
  EXPECT_EQ(r.error().http_status, 500);
}

}  // namespace
}  // namespace sg::api
