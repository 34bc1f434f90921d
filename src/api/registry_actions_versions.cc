// PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion and the
// alias actions.
#include <limits>

#include "api/api_error_messages.h"
#include "api/pagination.h"
#include "api/registry_actions.h"
#include "api/registry_actions_internal.h"
#include "api/wire_format.h"

namespace sg::api {

using actions::kAliasDescription;
using actions::kPageSize;
using actions::kPageToken;
using actions::kRequiredArn;
using actions::kRequiredLongArn;
using actions::kVersionDescription;
using actions::not_a_version_arn;
using actions::not_an_alias_arn;
using actions::padded;
using actions::qualified_arn_not_valid;
using actions::read_routing;
using actions::routing_json;

namespace {

json::Value str(std::string_view s) { return json::Value::string(s); }

// CharacterRestrictedName: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$ (so never all digits,
// which would read as a version number).
bool alias_name_ok(std::string_view s) {
  bool non_digit = false;
  for (char c : s) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == '.';
    if (!letter && !(c >= '0' && c <= '9')) return false;
    non_digit = non_digit || letter;
  }
  return non_digit;
}

const StringRule kAliasName{.required = true,
                            .min_length = 1,
                            .max_length = 80,
                            .pattern = "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$",
                            .matches = alias_name_ok};

std::string listing(std::string_view action, std::string_view arn) {
  std::string out(action);
  out.append(" ").append(arn);
  return out;
}

// A state machine ARN as the list actions take it: unqualified (or, for
// ListStateMachineAliases, a version).
ApiOr<ParsedArn> parse_state_machine(const ApiContext& ctx, std::string_view arn, bool version_too) {
  ApiOr<ParsedArn> p = parse_arn_as(ctx, arn, {ResourceType::kStateMachine});
  if (!p.ok()) return p;
  if (p->kind == ArnKind::kLabelled) return labelled_arn_not_supported(arn);
  if (p->kind == ArnKind::kAlias || (p->kind == ArnKind::kVersion && !version_too))
    return qualified_arn_not_valid(arn);
  return p;
}

}  // namespace

ApiResult RegistryActions::publish_state_machine_version(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineArn", kRequiredArn);
  std::optional<std::string> revision_id = f.string("revisionId");
  std::optional<std::string> description = f.string("description", kVersionDescription);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<PublishedVersion> v = registry_.publish_version(*arn, revision_id, description.value_or(""));
  if (!v.ok()) return std::move(v).error();
  json::ObjectBuilder b(2);
  add_date(b, "creationDate", v->creation_ms);
  b.add("stateMachineVersionArn", str(v->arn));
  return std::move(b).build();
}

ApiResult RegistryActions::list_state_machine_versions(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineArn", kRequiredArn);
  std::optional<std::string> next_token = f.string("nextToken", kPageToken);
  std::optional<int64_t> max_results = f.integer("maxResults", kPageSize);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<ParsedArn> p = parse_state_machine(registry_.context(), *arn, false);
  if (!p.ok()) return std::move(p).error();
  std::string list_name = listing("ListStateMachineVersions", *arn);
  ApiOr<PageRequest> page = page_request(max_results, next_token, list_name, registry_.now_ms());
  if (!page.ok()) return std::move(page).error();

  // Newest first: the sort key counts down as version numbers go up. A state machine
  // that does not exist has no versions (the model lists no StateMachineDoesNotExist here).
  std::vector<const VersionRecord*> versions = registry_.versions_of(*arn);
  std::vector<std::string> keys;
  for (const VersionRecord* v : versions)
    keys.push_back(padded(std::numeric_limits<int64_t>::max() - v->number));
  PageSlice slice = select_page(keys, *page);
  std::vector<json::Value> items;
  for (size_t i = slice.begin; i < slice.end; ++i) {
    json::ObjectBuilder b(2);
    b.add("stateMachineVersionArn", str(versions[i]->arn));
    add_date(b, "creationDate", versions[i]->creation_ms);
    items.push_back(std::move(b).build());
  }
  json::ObjectBuilder out(2);
  out.add("stateMachineVersions", json::Value::array(std::move(items)));
  if (slice.more)
    out.add("nextToken", str(encode_page_token(list_name, keys[slice.end - 1], registry_.now_ms())));
  return std::move(out).build();
}

ApiResult RegistryActions::delete_state_machine_version(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineVersionArn", kRequiredLongArn);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<ParsedArn> p = parse_arn_as(registry_.context(), *arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  if (p->kind != ArnKind::kVersion) return not_a_version_arn(*arn);
  if (std::optional<ApiError> e = registry_.delete_version(*arn)) return *e;
  return json::Value::empty_object();
}

ApiResult RegistryActions::create_state_machine_alias(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> description = f.string("description", kAliasDescription);
  std::optional<std::string> name = f.string("name", kAliasName);
  std::optional<std::vector<RoutingTarget>> routing = read_routing(f, true);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<const AliasRecord*> alias = registry_.create_alias(*name, description.value_or(""), *routing);
  if (!alias.ok()) return std::move(alias).error();
  json::ObjectBuilder b(2);
  b.add("stateMachineAliasArn", str((*alias)->arn));
  add_date(b, "creationDate", (*alias)->creation_ms);
  return std::move(b).build();
}

ApiResult RegistryActions::describe_state_machine_alias(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineAliasArn", kRequiredArn);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<ParsedArn> p = parse_arn_as(registry_.context(), *arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  const AliasRecord* alias = registry_.find_alias(*arn);
  if (!alias) return referenced_resource_not_found();
  json::ObjectBuilder b(6);
  b.add("stateMachineAliasArn", str(alias->arn));
  b.add("name", str(alias->name));
  add_string_if(b, "description", alias->description);
  b.add("routingConfiguration", routing_json(alias->routing));
  add_date(b, "creationDate", alias->creation_ms);
  add_date(b, "updateDate", alias->update_ms);
  return std::move(b).build();
}

ApiResult RegistryActions::update_state_machine_alias(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineAliasArn", kRequiredArn);
  std::optional<std::string> description = f.string("description", kAliasDescription);
  std::optional<std::vector<RoutingTarget>> routing = read_routing(f, false);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<const AliasRecord*> alias = registry_.update_alias(*arn, description, routing);
  if (!alias.ok()) return std::move(alias).error();
  json::ObjectBuilder b(1);
  add_date(b, "updateDate", (*alias)->update_ms);
  return std::move(b).build();
}

ApiResult RegistryActions::delete_state_machine_alias(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineAliasArn", kRequiredArn);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<ParsedArn> p = parse_arn_as(registry_.context(), *arn, {ResourceType::kStateMachine});
  if (!p.ok()) return std::move(p).error();
  if (p->kind != ArnKind::kAlias) return not_an_alias_arn(*arn);
  registry_.delete_alias(*arn);
  return json::Value::empty_object();
}

ApiResult RegistryActions::list_state_machine_aliases(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("stateMachineArn", kRequiredArn);
  std::optional<std::string> next_token = f.string("nextToken", kPageToken);
  std::optional<int64_t> max_results = f.integer("maxResults", kPageSize);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<ParsedArn> p = parse_state_machine(registry_.context(), *arn, true);
  if (!p.ok()) return std::move(p).error();
  if (!registry_.find_state_machine(p->state_machine_arn)) return state_machine_does_not_exist(*arn);
  if (p->kind == ArnKind::kVersion && !registry_.find_version(*arn)) return referenced_resource_not_found();
  std::string list_name = listing("ListStateMachineAliases", *arn);
  ApiOr<PageRequest> page = page_request(max_results, next_token, list_name, registry_.now_ms());
  if (!page.ok()) return std::move(page).error();

  // Oldest first, as AWS answered in recorded responses (ties by name).
  std::vector<const AliasRecord*> aliases = registry_.aliases_of(*arn);
  std::vector<std::string> keys;
  for (const AliasRecord* a : aliases) {
    std::string key = padded(a->creation_ms);
    key.append(" ").append(a->name);
    keys.push_back(std::move(key));
  }
  PageSlice slice = select_page(keys, *page);
  std::vector<json::Value> items;
  for (size_t i = slice.begin; i < slice.end; ++i) {
    json::ObjectBuilder b(2);
    b.add("stateMachineAliasArn", str(aliases[i]->arn));
    add_date(b, "creationDate", aliases[i]->creation_ms);
    items.push_back(std::move(b).build());
  }
  json::ObjectBuilder out(2);
  out.add("stateMachineAliases", json::Value::array(std::move(items)));
  if (slice.more)
    out.add("nextToken", str(encode_page_token(list_name, keys[slice.end - 1], registry_.now_ms())));
  return std::move(out).build();
}

}  // namespace sg::api
