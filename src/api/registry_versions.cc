// Versions (immutable snapshots of a revision) and aliases (weighted routes to versions).
#include <algorithm>
#include <set>

#include "api/api_error_messages.h"
#include "api/registry.h"

namespace sg::api {
namespace {

constexpr std::string_view kInvalidRouting = "INVALID_ROUTING_CONFIGURATION";

std::string arn_list(const std::vector<RoutingTarget>& routing) {
  std::string out("[");
  for (size_t i = 0; i < routing.size(); ++i) {
    if (i) out.append(", ");
    out.append(routing[i].version_arn);
  }
  out.append("]");
  return out;
}

ApiError routing_error(std::string_view what, const std::string& received) {
  std::string message(what);
  message.append(" Received: ").append(received);
  return validation_error(std::move(message), kInvalidRouting);
}

}  // namespace

ApiOr<PublishedVersion> Registry::publish_current(StateMachineRecord& sm, const std::string& description) {
  Versions& versions = versions_[sm.arn];
  for (const auto& [number, v] : versions)
    if (v.revision_id == sm.revision_id) return PublishedVersion{v.arn, v.creation_ms};
  if (versions.size() >= kMaxVersionsPerStateMachine) {
    std::string message("The maximum number of versions (");
    message.append(std::to_string(kMaxVersionsPerStateMachine))
        .append(") has been reached for state machine ")
        .append(sm.arn)
        .append(". Delete versions to publish new ones.");
    return service_quota_exceeded(std::move(message));
  }
  int64_t number = sm.next_version++;
  VersionRecord& v = versions[number];
  v.arn = state_machine_version_arn(ctx_, sm.name, number);
  v.state_machine_arn = sm.arn;
  v.name = sm.name;
  v.type = sm.type;
  v.number = number;
  v.config = sm.config;
  v.machine = sm.machine;
  v.description = description;
  v.creation_ms = now_ms_();
  v.revision_id = sm.revision_id;
  save(sm);  // next_version moved on
  save(v);
  return PublishedVersion{v.arn, v.creation_ms};
}

ApiOr<PublishedVersion> Registry::publish_version(std::string_view state_machine_arn,
                                                  const std::optional<std::string>& revision_id,
                                                  const std::string& description) {
  ApiOr<ParsedArn> p = parse_arn_as(ctx_, state_machine_arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  if (p->kind == ArnKind::kLabelled) return labelled_arn_not_supported(state_machine_arn);
  StateMachineRecord* sm =
      p->kind == ArnKind::kStateMachine ? mutable_state_machine(state_machine_arn) : nullptr;
  if (!sm) return state_machine_does_not_exist(state_machine_arn);
  if (revision_id) {
    std::string current = sm->revision_id.empty() ? std::string(kInitialRevision) : sm->revision_id;
    if (*revision_id != current) {
      std::string message("Failed to publish the State Machine version for revision ");
      message.append(*revision_id)
          .append(". The current State Machine revision is ")
          .append(current)
          .append(".");
      return conflict(std::move(message));
    }
  }
  return publish_current(*sm, description);
}

std::optional<ApiError> Registry::delete_version(std::string_view version_arn) {
  const VersionRecord* v = find_version(version_arn);
  if (!v) return std::nullopt;
  std::vector<std::string> names;
  for (const AliasRecord* a : aliases_of(v->arn)) names.push_back(a->name);
  if (!names.empty()) {
    std::string message(
        "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this "
        "version: [");
    for (size_t i = 0; i < names.size(); ++i) {
      if (i) message.append(", ");
      message.append(names[i]);
    }
    message.append("]");
    return conflict(std::move(message));
  }
  std::string arn = v->arn;
  std::string sm_arn = v->state_machine_arn;
  int64_t number = v->number;
  store_.delete_resource(arn);
  versions_[sm_arn].erase(number);
  return std::nullopt;
}

std::vector<const VersionRecord*> Registry::versions_of(std::string_view state_machine_arn) const {
  std::vector<const VersionRecord*> out;
  auto it = versions_.find(state_machine_arn);
  if (it == versions_.end()) return out;
  for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) out.push_back(&v->second);
  return out;
}

std::optional<ApiError> Registry::check_routing(const std::vector<RoutingTarget>& routing,
                                                std::string* state_machine_arn) const {
  std::string received = arn_list(routing);
  std::set<std::string_view> distinct;
  for (const RoutingTarget& t : routing) distinct.insert(t.version_arn);
  if (distinct.size() != routing.size())
    return routing_error("Routing configuration must contain distinct state machine version ARNs.", received);

  std::string owner;
  for (const RoutingTarget& t : routing) {
    ApiOr<ParsedArn> p = parse_arn(ctx_, t.version_arn);
    if (!p.ok()) return std::move(p).error();
    if (p->kind != ArnKind::kVersion)
      return routing_error("Routing configuration must contain state machine version ARNs.", received);
    if (!owner.empty() && owner != p->state_machine_arn)
      return routing_error("Routing configuration must contain versions of the same state machine.",
                           received);
    owner = p->state_machine_arn;
  }

  int64_t sum = 0;
  std::string weights("[");
  for (size_t i = 0; i < routing.size(); ++i) {
    if (i) weights.append(", ");
    weights.append(std::to_string(routing[i].weight));
    sum += routing[i].weight;
  }
  weights.append("]");
  if (sum != 100) return routing_error("Sum of routing configuration weights must equal 100.", weights);

  if (!find_state_machine(owner)) return referenced_resource_not_found();
  for (const RoutingTarget& t : routing)
    if (!find_version(t.version_arn)) return referenced_resource_not_found();
  *state_machine_arn = owner;
  return std::nullopt;
}

ApiOr<const AliasRecord*> Registry::create_alias(const std::string& name, const std::string& description,
                                                 const std::vector<RoutingTarget>& routing) {
  std::string owner;
  if (auto e = check_routing(routing, &owner)) return *e;
  const StateMachineRecord* sm = find_state_machine(owner);
  Aliases& aliases = aliases_[owner];
  if (auto it = aliases.find(name); it != aliases.end()) {
    if (it->second.description == description && it->second.routing == routing) return &it->second;
    return conflict(
        "Failed to create alias because an alias with the same name and a different routing configuration "
        "already "
        "exists.");
  }
  if (aliases.size() >= kMaxAliasesPerStateMachine) {
    std::string message("The maximum number of aliases (");
    message.append(std::to_string(kMaxAliasesPerStateMachine))
        .append(") has been reached for state machine ")
        .append(owner)
        .append(".");
    return service_quota_exceeded(std::move(message));
  }
  AliasRecord& a = aliases[name];
  a.arn = state_machine_alias_arn(ctx_, sm->name, name);
  a.state_machine_arn = owner;
  a.name = name;
  a.description = description;
  a.routing = routing;
  a.creation_ms = a.update_ms = now_ms_();
  save(a);
  return &a;
}

ApiOr<const AliasRecord*> Registry::update_alias(std::string_view alias_arn,
                                                 const std::optional<std::string>& description,
                                                 const std::optional<std::vector<RoutingTarget>>& routing) {
  ApiOr<ParsedArn> p = parse_arn_as(ctx_, alias_arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  if (p->kind != ArnKind::kAlias) return referenced_resource_not_found();
  if (!description && !routing) {
    return validation_error("Either the description or the RoutingConfiguration must be specified",
                            "MISSING_REQUIRED_PARAMETER");
  }
  if (routing) {
    std::string owner;
    if (auto e = check_routing(*routing, &owner)) return *e;
    if (owner != p->state_machine_arn)
      return routing_error("Routing configuration must contain versions of the alias's state machine.",
                           arn_list(*routing));
  }
  auto sm = aliases_.find(p->state_machine_arn);
  if (sm == aliases_.end()) return referenced_resource_not_found();
  auto it = sm->second.find(p->alias);
  if (it == sm->second.end()) return referenced_resource_not_found();
  AliasRecord& a = it->second;
  if (description) a.description = *description;
  if (routing) a.routing = *routing;
  a.update_ms = now_ms_();
  save(a);
  return &a;
}

void Registry::delete_alias(std::string_view alias_arn) {
  ApiOr<ParsedArn> p = parse_arn(ctx_, alias_arn);
  if (!p.ok() || p->kind != ArnKind::kAlias) return;
  auto sm = aliases_.find(p->state_machine_arn);
  if (sm == aliases_.end()) return;
  auto it = sm->second.find(p->alias);
  if (it == sm->second.end()) return;
  store_.delete_resource(it->second.arn);
  sm->second.erase(it);
}

std::vector<const AliasRecord*> Registry::aliases_of(std::string_view state_machine_or_version_arn) const {
  std::vector<const AliasRecord*> out;
  ApiOr<ParsedArn> p = parse_arn(ctx_, state_machine_or_version_arn);
  if (!p.ok() || (p->kind != ArnKind::kStateMachine && p->kind != ArnKind::kVersion)) return out;
  auto sm = aliases_.find(p->state_machine_arn);
  if (sm == aliases_.end()) return out;
  for (const auto& [name, a] : sm->second) {
    bool routes_here = p->kind == ArnKind::kStateMachine ||
                       std::any_of(a.routing.begin(), a.routing.end(), [&](const RoutingTarget& t) {
                         return t.version_arn == state_machine_or_version_arn;
                       });
    if (routes_here) out.push_back(&a);
  }
  std::stable_sort(out.begin(), out.end(), [](const AliasRecord* x, const AliasRecord* y) {
    return x->creation_ms < y->creation_ms;
  });
  return out;
}

}  // namespace sg::api
