// Dispatch of the registry actions, and the readers the actions share.
#include "api/registry_actions.h"

#include <algorithm>
#include <cstdio>

#include "api/api_error_messages.h"
#include "api/registry_actions_internal.h"

namespace sg::api {
namespace {

constexpr std::array<std::string_view, 21> kActions = {
    "CreateActivity",
    "CreateStateMachine",
    "CreateStateMachineAlias",
    "DeleteActivity",
    "DeleteStateMachine",
    "DeleteStateMachineAlias",
    "DeleteStateMachineVersion",
    "DescribeActivity",
    "DescribeStateMachine",
    "DescribeStateMachineAlias",
    "ListActivities",
    "ListStateMachineAliases",
    "ListStateMachineVersions",
    "ListStateMachines",
    "ListTagsForResource",
    "PublishStateMachineVersion",
    "TagResource",
    "UntagResource",
    "UpdateStateMachine",
    "UpdateStateMachineAlias",
    "ValidateStateMachineDefinition",
};

}  // namespace

std::span<const std::string_view> RegistryActions::actions() { return kActions; }

bool RegistryActions::handles(std::string_view action) {
  return std::binary_search(kActions.begin(), kActions.end(), action);
}

ApiResult RegistryActions::handle(std::string_view action, const json::Value& request) {
  using Handler = ApiResult (RegistryActions::*)(const json::Value&);
  struct Route {
    std::string_view action;
    Handler handler;
  };
  // In kActions' order (a test checks every listed action is routed).
  static constexpr std::array<Route, kActions.size()> kRoutes = {{
      {"CreateActivity", &RegistryActions::create_activity},
      {"CreateStateMachine", &RegistryActions::create_state_machine},
      {"CreateStateMachineAlias", &RegistryActions::create_state_machine_alias},
      {"DeleteActivity", &RegistryActions::delete_activity},
      {"DeleteStateMachine", &RegistryActions::delete_state_machine},
      {"DeleteStateMachineAlias", &RegistryActions::delete_state_machine_alias},
      {"DeleteStateMachineVersion", &RegistryActions::delete_state_machine_version},
      {"DescribeActivity", &RegistryActions::describe_activity},
      {"DescribeStateMachine", &RegistryActions::describe_state_machine},
      {"DescribeStateMachineAlias", &RegistryActions::describe_state_machine_alias},
      {"ListActivities", &RegistryActions::list_activities},
      {"ListStateMachineAliases", &RegistryActions::list_state_machine_aliases},
      {"ListStateMachineVersions", &RegistryActions::list_state_machine_versions},
      {"ListStateMachines", &RegistryActions::list_state_machines},
      {"ListTagsForResource", &RegistryActions::list_tags_for_resource},
      {"PublishStateMachineVersion", &RegistryActions::publish_state_machine_version},
      {"TagResource", &RegistryActions::tag_resource},
      {"UntagResource", &RegistryActions::untag_resource},
      {"UpdateStateMachine", &RegistryActions::update_state_machine},
      {"UpdateStateMachineAlias", &RegistryActions::update_state_machine_alias},
      {"ValidateStateMachineDefinition", &RegistryActions::validate_state_machine_definition},
  }};
  auto it = std::lower_bound(kRoutes.begin(), kRoutes.end(), action,
                             [](const Route& r, std::string_view a) { return r.action < a; });
  if (it != kRoutes.end() && it->action == action) return (this->*(it->handler))(request);
  std::string message("Unknown operation: '");
  message.append(action).append("'");
  return unknown_operation(std::move(message));
}

namespace actions {

json::Value read_logging(RequestFields& f) {
  std::optional<RequestFields> logging = f.structure("loggingConfiguration");
  if (!logging) return json::Value();
  json::ObjectBuilder out(3);
  if (std::optional<std::string> level = logging->string("level", {.enum_values = kLogLevels}))
    out.add("level", json::Value::string(*level));
  if (std::optional<bool> include = logging->boolean("includeExecutionData"))
    out.add("includeExecutionData", json::Value::boolean(*include));
  if (std::optional<std::vector<json::Value>> destinations = logging->list("destinations")) {
    std::vector<json::Value> clean;
    for (size_t i = 0; i < destinations->size(); ++i) {
      json::ObjectBuilder d(1);
      if (std::optional<RequestFields> dest =
              logging->list_structure("destinations", i, (*destinations)[i])) {
        if (std::optional<RequestFields> group = dest->structure("cloudWatchLogsLogGroup")) {
          json::ObjectBuilder g(1);
          if (std::optional<std::string> arn = group->string("logGroupArn", kOptionalArn))
            g.add("logGroupArn", json::Value::string(*arn));
          d.add("cloudWatchLogsLogGroup", std::move(g).build());
        }
      }
      clean.push_back(std::move(d).build());
    }
    out.add("destinations", json::Value::array(std::move(clean)));
  }
  return std::move(out).build();
}

json::Value read_tracing(RequestFields& f) {
  std::optional<RequestFields> tracing = f.structure("tracingConfiguration");
  if (!tracing) return json::Value();
  json::ObjectBuilder out(1);
  if (std::optional<bool> enabled = tracing->boolean("enabled"))
    out.add("enabled", json::Value::boolean(*enabled));
  return std::move(out).build();
}

json::Value read_encryption(RequestFields& f) {
  std::optional<RequestFields> encryption = f.structure("encryptionConfiguration");
  if (!encryption) return json::Value();
  json::ObjectBuilder out(3);
  if (std::optional<std::string> key = encryption->string("kmsKeyId", {.min_length = 1, .max_length = 2048}))
    out.add("kmsKeyId", json::Value::string(*key));
  if (std::optional<int64_t> period =
          encryption->integer("kmsDataKeyReusePeriodSeconds", {.min = 60, .max = 900}))
    out.add("kmsDataKeyReusePeriodSeconds", json::Value::integer(*period));
  if (std::optional<std::string> type =
          encryption->string("type", {.required = true, .enum_values = kEncryptionTypes}))
    out.add("type", json::Value::string(*type));
  return std::move(out).build();
}

std::vector<Tag> read_tags(RequestFields& f, bool required) {
  std::vector<Tag> tags;
  std::optional<std::vector<json::Value>> items = f.list("tags", {.required = required});
  if (!items) return tags;
  for (size_t i = 0; i < items->size(); ++i) {
    std::optional<RequestFields> tag = f.list_structure("tags", i, (*items)[i]);
    if (!tag) continue;
    std::optional<std::string> key =
        tag->string("key", {.required = true, .min_length = 1, .max_length = 128});
    std::optional<std::string> value = tag->string("value", {.max_length = 256});
    if (key) tags.push_back(Tag{*key, value.value_or("")});
  }
  return tags;
}

std::optional<std::vector<RoutingTarget>> read_routing(RequestFields& f, bool required) {
  ListRule rule{.required = required, .min_length = 1, .max_length = 2};
  // Coral shows the list as the Java objects it read.
  rule.render = [](std::span<const json::Value> items) {
    std::string out("[");
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out.append(", ");
      const json::Value* arn = items[i].find("stateMachineVersionArn");
      const json::Value* weight = items[i].find("weight");
      out.append("RoutingConfigurationListItem(stateMachineVersionArn=");
      out.append(arn && arn->is_string() ? arn->as_string() : "null");
      out.append(", weight=").append(weight ? weight->dump() : "null").append(")");
    }
    out.append("]");
    return out;
  };
  std::optional<std::vector<json::Value>> items = f.list("routingConfiguration", rule);
  if (!items) return std::nullopt;
  std::vector<RoutingTarget> routing;
  for (size_t i = 0; i < items->size(); ++i) {
    std::optional<RequestFields> item = f.list_structure("routingConfiguration", i, (*items)[i]);
    if (!item) continue;
    std::optional<std::string> arn = item->string("stateMachineVersionArn", kRequiredArn);
    std::optional<int64_t> weight = item->integer("weight", {.required = true, .min = 0, .max = 100});
    routing.push_back(RoutingTarget{arn.value_or(""), weight.value_or(0)});
  }
  return routing;
}

json::Value tags_json(const std::vector<Tag>& tags) {
  std::vector<json::Value> items;
  items.reserve(tags.size());
  for (const Tag& t : tags) {
    json::ObjectBuilder b(2);
    b.add("key", json::Value::string(t.key));
    b.add("value", json::Value::string(t.value));
    items.push_back(std::move(b).build());
  }
  return json::Value::array(std::move(items));
}

json::Value routing_json(const std::vector<RoutingTarget>& routing) {
  std::vector<json::Value> items;
  for (const RoutingTarget& t : routing) {
    json::ObjectBuilder b(2);
    b.add("stateMachineVersionArn", json::Value::string(t.version_arn));
    b.add("weight", json::Value::integer(t.weight));
    items.push_back(std::move(b).build());
  }
  return json::Value::array(std::move(items));
}

ApiError qualified_arn_not_valid(std::string_view arn) {
  std::string detail("Qualified state machine ARN not valid in this context: ");
  detail.append(arn);
  return invalid_arn(detail);
}

ApiError not_a_version_arn(std::string_view arn) {
  std::string detail("Not a state machine version ARN: ");
  detail.append(arn);
  return invalid_arn(detail);
}

ApiError not_an_alias_arn(std::string_view arn) {
  std::string detail("Not a state machine alias ARN: ");
  detail.append(arn);
  return invalid_arn(detail);
}

std::string padded(int64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(n));
  return buf;
}

}  // namespace actions
}  // namespace sg::api
