// State machines: creation, updates, deletion, lookups, and what StartExecution runs.
#include "api/registry.h"

#include <cstdio>

#include "api/api_error_messages.h"
#include "asl/names.h"
#include "asl/validator.h"
#include "json/uuid.h"

namespace sg::api {
namespace {

json::Value default_logging() {
  json::ObjectBuilder b(2);
  b.add("level", json::Value::string("OFF"));
  b.add("includeExecutionData", json::Value::boolean(false));
  return std::move(b).build();
}

ApiError invalid_logging() {
  return api_error("InvalidLoggingConfiguration",
                   "Invalid Logging Configuration: Must specify exactly one Log Destination.");
}

// Role ARNs are IAM's, not ours: only their shape can be checked here.
std::optional<ApiError> check_role_arn(std::string_view role_arn) {
  if (!role_arn.starts_with("arn:")) return invalid_arn_prefix(role_arn);
  return std::nullopt;
}

ApiError version_description_without_publish() {
  return validation_error("Version description can only be set when publish is true");
}

}  // namespace

ApiOr<json::Value> normalize_logging(const json::Value& logging) {
  if (!logging.is_object()) return default_logging();
  const json::Value* level = logging.find("level");
  const json::Value* include = logging.find("includeExecutionData");
  const json::Value* destinations = logging.find("destinations");
  std::string_view level_name = level && level->is_string() ? level->as_string() : "OFF";
  size_t count = destinations && destinations->is_array() ? destinations->size() : 0;
  if (count > 1 || (level_name != "OFF" && count != 1)) return invalid_logging();
  json::ObjectBuilder b(3);
  b.add("level", json::Value::string(level_name));
  b.add("includeExecutionData", json::Value::boolean(include && include->is_bool() && include->as_bool()));
  if (count) b.add("destinations", *destinations);
  return std::move(b).build();
}

json::Value normalize_tracing(const json::Value& tracing) {
  const json::Value* enabled = tracing.is_object() ? tracing.find("enabled") : nullptr;
  json::ObjectBuilder b(1);
  b.add("enabled", json::Value::boolean(enabled && enabled->is_bool() && enabled->as_bool()));
  return std::move(b).build();
}

json::Value normalize_encryption(const json::Value& encryption) {
  if (encryption.is_object()) return encryption;
  json::ObjectBuilder b(1);
  b.add("type", json::Value::string("AWS_OWNED_KEY"));
  return std::move(b).build();
}

ApiError invalid_definition(const std::vector<asl::Diagnostic>& diagnostics) {
  std::string message("Invalid State Machine Definition: '");
  bool first = true;
  for (const asl::Diagnostic& d : diagnostics) {
    if (d.severity != asl::Severity::kError) continue;
    if (!first) message.append(", ");
    first = false;
    message.append(d.code).append(": ").append(d.message).append(" at ");
    message.append(d.location.empty() ? "null" : d.location);
  }
  message.append("'");
  return api_error("InvalidDefinition", std::move(message));
}

Registry::Registry(ApiContext ctx, store::ResourceStore& store, std::function<int64_t()> now_ms,
                   std::function<uint64_t()> random_u64)
    : ctx_(std::move(ctx)), store_(store), now_ms_(std::move(now_ms)), random_u64_(std::move(random_u64)) {}

std::string Registry::new_uuid() {
  uint64_t hi = random_u64_();
  return json::uuid_v4(hi, random_u64_());
}

ApiOr<std::shared_ptr<const asl::StateMachine>> Registry::compile(const std::string& definition,
                                                                  std::string_view type) const {
  asl::ValidateOptions opts;
  opts.express = type == kExpress;
  json::Value document;
  std::vector<asl::Diagnostic> diagnostics = asl::validate_definition_text(definition, opts, &document);
  if (asl::has_errors(diagnostics)) return invalid_definition(diagnostics);
  Result<std::shared_ptr<const asl::StateMachine>> loaded = asl::load_state_machine(document);
  if (!loaded.ok()) {
    // The validator accepted what the loader refuses: report it as AWS reports definitions.
    return invalid_definition(
        {asl::Diagnostic{asl::Severity::kError, "SCHEMA_VALIDATION_FAILED", loaded.error().message, ""}});
  }
  return std::move(loaded).value();
}

const StateMachineRecord* Registry::find_state_machine(std::string_view unqualified_arn) const {
  auto it = state_machines_.find(unqualified_arn);
  return it == state_machines_.end() ? nullptr : &it->second;
}

StateMachineRecord* Registry::mutable_state_machine(std::string_view unqualified_arn) {
  auto it = state_machines_.find(unqualified_arn);
  return it == state_machines_.end() ? nullptr : &it->second;
}

const VersionRecord* Registry::find_version(std::string_view version_arn) const {
  ApiOr<ParsedArn> p = parse_arn(ctx_, version_arn);
  if (!p.ok() || p->kind != ArnKind::kVersion) return nullptr;
  auto sm = versions_.find(p->state_machine_arn);
  if (sm == versions_.end()) return nullptr;
  auto it = sm->second.find(p->version);
  return it == sm->second.end() ? nullptr : &it->second;
}

const AliasRecord* Registry::find_alias(std::string_view alias_arn) const {
  ApiOr<ParsedArn> p = parse_arn(ctx_, alias_arn);
  if (!p.ok() || p->kind != ArnKind::kAlias) return nullptr;
  auto sm = aliases_.find(p->state_machine_arn);
  if (sm == aliases_.end()) return nullptr;
  auto it = sm->second.find(p->alias);
  return it == sm->second.end() ? nullptr : &it->second;
}

ApiOr<ResolvedStateMachine> Registry::resolve_for_start(std::string_view arn) {
  ApiOr<ParsedArn> p = parse_arn_as(ctx_, arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  if (p->kind == ArnKind::kLabelled) return labelled_arn_not_supported(arn);

  ResolvedStateMachine r;
  const VersionRecord* version = nullptr;
  if (p->kind == ArnKind::kAlias) {
    const AliasRecord* alias = find_alias(arn);
    if (!alias) return state_machine_does_not_exist(arn);
    // Weights sum to 100: draw a percentile and walk the cumulative weights.
    uint64_t draw = random_u64_() % 100;
    int64_t cumulative = 0;
    for (const RoutingTarget& t : alias->routing) {
      cumulative += t.weight;
      if (static_cast<int64_t>(draw) < cumulative) {
        version = find_version(t.version_arn);
        break;
      }
    }
    if (!version) return state_machine_does_not_exist(arn);
    r.alias_arn = alias->arn;
  } else if (p->kind == ArnKind::kVersion) {
    version = find_version(arn);
    if (!version) return state_machine_does_not_exist(arn);
  }

  const StateMachineRecord* sm = find_state_machine(p->state_machine_arn);
  if (!sm) return state_machine_does_not_exist(arn);
  const StateMachineConfig& config = version ? version->config : sm->config;
  r.state_machine_arn = sm->arn;
  r.name = sm->name;
  r.type = sm->type;
  r.definition = config.definition;
  r.machine = version ? version->machine : sm->machine;
  r.role_arn = config.role_arn;
  r.revision_id = version ? version->revision_id : sm->revision_id;
  r.version_arn = version ? version->arn : "";
  r.logging = config.logging;
  r.tracing = config.tracing;
  r.update_ms = version ? version->creation_ms : sm->update_ms;
  if (!r.machine) {
    std::string message("The definition of ");
    message.append(arn).append(" could not be compiled when the server started");
    return internal_failure(std::move(message));
  }
  return r;
}

ApiOr<CreateStateMachineOutput> Registry::create_state_machine(const CreateStateMachineInput& in) {
  if (in.version_description && !in.publish) return version_description_without_publish();
  if (!asl::is_valid_name(in.name)) return invalid_name(in.name);
  if (auto e = check_role_arn(in.role_arn)) return *e;
  ApiOr<json::Value> logging = normalize_logging(in.logging);
  if (!logging.ok()) return std::move(logging).error();
  std::string arn = state_machine_arn(ctx_, in.name);
  std::vector<Tag> tags;
  if (auto e = merge_tags(arn, {}, in.tags, &tags)) return *e;

  StateMachineConfig config{in.definition, in.role_arn, std::move(logging).value(),
                            normalize_tracing(in.tracing), normalize_encryption(in.encryption)};
  std::string version_description = in.version_description.value_or("");
  if (const StateMachineRecord* existing = find_state_machine(arn)) {
    StateMachineConfig same_role = config;
    same_role.role_arn = existing->config.role_arn;  // a different roleArn is ignored
    if (same_role != existing->config || in.type != existing->type ||
        in.publish != existing->published_at_creation ||
        version_description != existing->version_description_at_creation) {
      return state_machine_already_exists(arn);
    }
    CreateStateMachineOutput out{arn, existing->creation_ms, ""};
    if (existing->published_at_creation) {
      std::string first = state_machine_version_arn(ctx_, existing->name, 1);
      if (find_version(first)) out.version_arn = first;
    }
    return out;
  }

  ApiOr<std::shared_ptr<const asl::StateMachine>> machine = compile(in.definition, in.type);
  if (!machine.ok()) return std::move(machine).error();

  StateMachineRecord& sm = state_machines_[arn];
  sm.arn = arn;
  sm.name = in.name;
  sm.type = in.type;
  sm.config = std::move(config);
  sm.machine = std::move(machine).value();
  sm.creation_ms = sm.update_ms = now_ms_();
  sm.tags = std::move(tags);
  sm.published_at_creation = in.publish;
  sm.version_description_at_creation = version_description;
  save(sm);

  CreateStateMachineOutput out{arn, sm.creation_ms, ""};
  if (in.publish) {
    ApiOr<PublishedVersion> v = publish_current(sm, version_description);
    if (!v.ok()) return std::move(v).error();
    out.version_arn = v->arn;
  }
  return out;
}

ApiOr<UpdateStateMachineOutput> Registry::update_state_machine(const UpdateStateMachineInput& in) {
  const std::string& arn = in.state_machine_arn;
  ApiOr<ParsedArn> p = parse_arn_as(ctx_, arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  if (p->kind == ArnKind::kLabelled) return labelled_arn_not_supported(arn);
  StateMachineRecord* sm = p->kind == ArnKind::kStateMachine ? mutable_state_machine(arn) : nullptr;
  if (!sm) return state_machine_does_not_exist(arn);
  if (!in.definition && !in.role_arn && in.logging.is_null() && in.tracing.is_null() &&
      in.encryption.is_null()) {
    return api_error(
        "MissingRequiredParameter",
        "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration "
        "must be specified");
  }
  if (in.version_description && !in.publish) return version_description_without_publish();

  StateMachineConfig config = sm->config;
  if (in.role_arn) {
    if (auto e = check_role_arn(*in.role_arn)) return *e;
    config.role_arn = *in.role_arn;
  }
  if (!in.logging.is_null()) {
    ApiOr<json::Value> logging = normalize_logging(in.logging);
    if (!logging.ok()) return std::move(logging).error();
    config.logging = std::move(logging).value();
  }
  if (!in.tracing.is_null()) config.tracing = normalize_tracing(in.tracing);
  if (!in.encryption.is_null()) config.encryption = normalize_encryption(in.encryption);
  std::shared_ptr<const asl::StateMachine> machine = sm->machine;
  if (in.definition && *in.definition != sm->config.definition) {
    ApiOr<std::shared_ptr<const asl::StateMachine>> compiled = compile(*in.definition, sm->type);
    if (!compiled.ok()) return std::move(compiled).error();
    machine = std::move(compiled).value();
    config.definition = *in.definition;
  }

  if (config != sm->config) {
    sm->config = std::move(config);
    sm->machine = std::move(machine);
    sm->revision_id = new_revision_id();
    sm->update_ms = now_ms_();
    save(*sm);
  }
  UpdateStateMachineOutput out{sm->update_ms, sm->revision_id, ""};
  if (in.publish) {
    ApiOr<PublishedVersion> v = publish_current(*sm, in.version_description.value_or(""));
    if (!v.ok()) return std::move(v).error();
    out.version_arn = v->arn;
  }
  return out;
}

void Registry::delete_state_machine(std::string_view unqualified_arn) {
  auto it = state_machines_.find(unqualified_arn);
  if (it == state_machines_.end()) return;
  std::string arn = it->first;
  if (auto v = versions_.find(arn); v != versions_.end()) {
    for (const auto& [number, version] : v->second) store_.delete_resource(version.arn);
    versions_.erase(v);
  }
  if (auto a = aliases_.find(arn); a != aliases_.end()) {
    for (const auto& [name, alias] : a->second) store_.delete_resource(alias.arn);
    aliases_.erase(a);
  }
  store_.delete_resource(arn);
  state_machines_.erase(it);
  if (on_deleted) on_deleted(arn);
}

std::vector<const StateMachineRecord*> Registry::state_machines() const {
  // Every ARN has the same prefix, so ARN order is name order.
  std::vector<const StateMachineRecord*> out;
  out.reserve(state_machines_.size());
  for (const auto& [arn, sm] : state_machines_) out.push_back(&sm);
  return out;
}

}  // namespace sg::api
