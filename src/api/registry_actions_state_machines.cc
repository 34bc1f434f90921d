// CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine,
// ListStateMachines and ValidateStateMachineDefinition.
#include "api/api_error_messages.h"
#include "api/pagination.h"
#include "api/registry_actions.h"
#include "api/registry_actions_internal.h"
#include "api/wire_format.h"
#include "asl/validator.h"

namespace sg::api {

using actions::kIncludedDataRule;
using actions::kName;
using actions::kOptionalArn;
using actions::kOptionalDefinition;
using actions::kPageSize;
using actions::kPageToken;
using actions::kRequiredArn;
using actions::kRequiredDefinition;
using actions::kSeverities;
using actions::kStateMachineType;
using actions::kVersionDescription;
using actions::qualified_arn_not_valid;
using actions::read_encryption;
using actions::read_logging;
using actions::read_tags;
using actions::read_tracing;

namespace {

json::Value str(std::string_view s) { return json::Value::string(s); }

// DescribeStateMachine's answer for a state machine (version: nullptr) or one of its versions.
json::Value describe(const StateMachineRecord& sm, const VersionRecord* version, bool metadata_only) {
  const StateMachineConfig& config = version ? version->config : sm.config;
  json::ObjectBuilder b(13);
  b.add("stateMachineArn", str(version ? version->arn : sm.arn));
  b.add("name", str(sm.name));
  b.add("status", str("ACTIVE"));
  // METADATA_ONLY leaves the (possibly KMS-encrypted) definition out, as "{}".
  b.add("definition", str(metadata_only ? "{}" : config.definition));
  b.add("roleArn", str(config.role_arn));
  b.add("type", str(sm.type));
  add_date(b, "creationDate", version ? version->creation_ms : sm.creation_ms);
  b.add("loggingConfiguration", config.logging);
  b.add("tracingConfiguration", config.tracing);
  add_string_if(b, "revisionId", version ? version->revision_id : sm.revision_id);
  if (version) add_string_if(b, "description", version->description);
  b.add("encryptionConfiguration", config.encryption);
  return std::move(b).build();
}

}  // namespace

ApiResult RegistryActions::create_state_machine(const json::Value& request) {
  RequestFields f(request);
  CreateStateMachineInput in;
  std::optional<std::string> name = f.string("name", kName);
  std::optional<std::string> definition = f.string("definition", kRequiredDefinition);
  std::optional<std::string> role = f.string("roleArn", kRequiredArn);
  std::optional<std::string> type = f.string("type", kStateMachineType);
  in.logging = read_logging(f);
  in.tags = read_tags(f, false);
  in.tracing = read_tracing(f);
  in.publish = f.boolean("publish").value_or(false);
  in.version_description = f.string("versionDescription", kVersionDescription);
  in.encryption = read_encryption(f);
  if (std::optional<ApiError> e = f.error()) return *e;
  in.name = *name;
  in.definition = *definition;
  in.role_arn = *role;
  if (type) in.type = *type;

  ApiOr<CreateStateMachineOutput> out = registry_.create_state_machine(in);
  if (!out.ok()) return std::move(out).error();
  json::ObjectBuilder b(3);
  b.add("stateMachineArn", str(out->state_machine_arn));
  add_date(b, "creationDate", out->creation_ms);
  add_string_if(b, "stateMachineVersionArn", out->version_arn);
  return std::move(b).build();
}

ApiResult RegistryActions::describe_state_machine(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineArn", kRequiredArn);
  std::optional<std::string> included = f.string("includedData", kIncludedDataRule);
  if (std::optional<ApiError> e = f.error()) return *e;
  bool metadata_only = included == "METADATA_ONLY";

  ApiOr<ParsedArn> p = parse_arn_as(registry_.context(), *arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  const StateMachineRecord* sm = registry_.find_state_machine(p->state_machine_arn);
  if (sm && p->kind == ArnKind::kStateMachine) return describe(*sm, nullptr, metadata_only);
  if (sm && p->kind == ArnKind::kVersion) {
    if (const VersionRecord* v = registry_.find_version(*arn)) return describe(*sm, v, metadata_only);
  }
  // Aliases are described by DescribeStateMachineAlias; labels name Distributed Map
  // states, which this engine does not run.
  return state_machine_does_not_exist(*arn);
}

ApiResult RegistryActions::update_state_machine(const json::Value& request) {
  RequestFields f(request);
  UpdateStateMachineInput in;
  std::optional<std::string> arn = f.string("stateMachineArn", kRequiredArn);
  in.definition = f.string("definition", kOptionalDefinition);
  in.role_arn = f.string("roleArn", kOptionalArn);
  in.logging = read_logging(f);
  in.tracing = read_tracing(f);
  in.publish = f.boolean("publish").value_or(false);
  in.version_description = f.string("versionDescription", kVersionDescription);
  in.encryption = read_encryption(f);
  if (std::optional<ApiError> e = f.error()) return *e;
  in.state_machine_arn = *arn;

  ApiOr<UpdateStateMachineOutput> out = registry_.update_state_machine(in);
  if (!out.ok()) return std::move(out).error();
  json::ObjectBuilder b(3);
  add_date(b, "updateDate", out->update_ms);
  add_string_if(b, "revisionId", out->revision_id);
  add_string_if(b, "stateMachineVersionArn", out->version_arn);
  return std::move(b).build();
}

ApiResult RegistryActions::delete_state_machine(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineArn", kRequiredArn);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<ParsedArn> p = parse_arn_as(registry_.context(), *arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  if (p->kind == ArnKind::kLabelled) return labelled_arn_not_supported(*arn);
  if (p->kind != ArnKind::kStateMachine) return qualified_arn_not_valid(*arn);
  registry_.delete_state_machine(*arn);
  return json::Value::empty_object();
}

ApiResult RegistryActions::list_state_machines(const json::Value& request) {
  RequestFields f(request);
  std::optional<int64_t> max_results = f.integer("maxResults", kPageSize);
  std::optional<std::string> next_token = f.string("nextToken", kPageToken);
  if (std::optional<ApiError> e = f.error()) return *e;
  constexpr std::string_view kListing = "ListStateMachines";
  ApiOr<PageRequest> page = page_request(max_results, next_token, kListing, registry_.now_ms());
  if (!page.ok()) return std::move(page).error();

  std::vector<const StateMachineRecord*> all = registry_.state_machines();
  std::vector<std::string> keys;  // by name, as AWS sorts them
  keys.reserve(all.size());
  for (const StateMachineRecord* sm : all) keys.push_back(sm->name);
  PageSlice slice = select_page(keys, *page);

  std::vector<json::Value> items;
  for (size_t i = slice.begin; i < slice.end; ++i) {
    json::ObjectBuilder b(4);
    b.add("stateMachineArn", str(all[i]->arn));
    b.add("name", str(all[i]->name));
    b.add("type", str(all[i]->type));
    add_date(b, "creationDate", all[i]->creation_ms);
    items.push_back(std::move(b).build());
  }
  json::ObjectBuilder out(2);
  out.add("stateMachines", json::Value::array(std::move(items)));
  if (slice.more)
    out.add("nextToken", str(encode_page_token(kListing, keys[slice.end - 1], registry_.now_ms())));
  return std::move(out).build();
}

ApiResult RegistryActions::validate_state_machine_definition(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> definition = f.string("definition", kRequiredDefinition);
  std::optional<std::string> type = f.string("type", kStateMachineType);
  std::optional<std::string> severity = f.string("severity", {.enum_values = kSeverities});
  std::optional<int64_t> max_results = f.integer("maxResults", {.min = 0, .max = 100});
  if (std::optional<ApiError> e = f.error()) return *e;

  asl::ValidateOptions opts;
  opts.express = type == kExpress;
  std::vector<asl::Diagnostic> diagnostics = asl::validate_definition_text(*definition, opts);
  // severity ERROR (the default) reports errors only; WARNING reports both.
  bool with_warnings = severity == "WARNING";
  size_t limit = max_results && *max_results > 0 ? static_cast<size_t>(*max_results) : 100;
  std::vector<json::Value> shown;
  bool truncated = false;
  for (const asl::Diagnostic& d : diagnostics) {
    if (d.severity == asl::Severity::kWarning && !with_warnings) continue;
    if (shown.size() == limit) {
      truncated = true;
      break;
    }
    json::ObjectBuilder b(4);
    b.add("severity", str(asl::severity_name(d.severity)));
    b.add("code", str(d.code));
    b.add("message", str(d.message));
    add_string_if(b, "location", d.location);
    shown.push_back(std::move(b).build());
  }
  json::ObjectBuilder out(3);
  out.add("result", str(asl::has_errors(diagnostics) ? "FAIL" : "OK"));
  out.add("diagnostics", json::Value::array(std::move(shown)));
  out.add("truncated", json::Value::boolean(truncated));
  return std::move(out).build();
}

}  // namespace sg::api
