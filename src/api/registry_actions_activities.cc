// CreateActivity, DescribeActivity, DeleteActivity, ListActivities and the tag actions.
#include "api/api_error_messages.h"
#include "api/pagination.h"
#include "api/registry_actions.h"
#include "api/registry_actions_internal.h"
#include "api/wire_format.h"

namespace sg::api {

using actions::kName;
using actions::kPageSize;
using actions::kPageToken;
using actions::kRequiredArn;
using actions::read_encryption;
using actions::read_tags;
using actions::tags_json;

namespace {

json::Value str(std::string_view s) { return json::Value::string(s); }

}  // namespace

ApiResult RegistryActions::create_activity(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> name = f.string("name", kName);
  std::vector<Tag> tags = read_tags(f, false);
  json::Value encryption = read_encryption(f);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<const ActivityRecord*> activity = registry_.create_activity(*name, tags, encryption);
  if (!activity.ok()) return std::move(activity).error();
  json::ObjectBuilder b(2);
  b.add("activityArn", str((*activity)->arn));
  add_date(b, "creationDate", (*activity)->creation_ms);
  return std::move(b).build();
}

ApiResult RegistryActions::describe_activity(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("activityArn", kRequiredArn);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<ParsedArn> p = parse_arn_as(registry_.context(), *arn, {ResourceType::kActivity});
  if (!p.ok()) return std::move(p).error();
  const ActivityRecord* activity = registry_.find_activity(*arn);
  if (!activity) return activity_does_not_exist(*arn);
  json::ObjectBuilder b(4);
  b.add("activityArn", str(activity->arn));
  b.add("name", str(activity->name));
  add_date(b, "creationDate", activity->creation_ms);
  b.add("encryptionConfiguration", activity->encryption);
  return std::move(b).build();
}

ApiResult RegistryActions::delete_activity(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("activityArn", kRequiredArn);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<ParsedArn> p = parse_arn_as(registry_.context(), *arn, {ResourceType::kActivity});
  if (!p.ok()) return std::move(p).error();
  registry_.delete_activity(*arn);
  return json::Value::empty_object();
}

ApiResult RegistryActions::list_activities(const json::Value& request) {
  RequestFields f(request);
  std::optional<int64_t> max_results = f.integer("maxResults", kPageSize);
  std::optional<std::string> next_token = f.string("nextToken", kPageToken);
  if (std::optional<ApiError> e = f.error()) return *e;
  constexpr std::string_view kListing = "ListActivities";
  ApiOr<PageRequest> page = page_request(max_results, next_token, kListing, registry_.now_ms());
  if (!page.ok()) return std::move(page).error();

  // By name, like ListStateMachines (AWS does not document the order).
  std::vector<const ActivityRecord*> all = registry_.activities();
  std::vector<std::string> keys;
  keys.reserve(all.size());
  for (const ActivityRecord* a : all) keys.push_back(a->name);
  PageSlice slice = select_page(keys, *page);
  std::vector<json::Value> items;
  for (size_t i = slice.begin; i < slice.end; ++i) {
    json::ObjectBuilder b(3);
    b.add("activityArn", str(all[i]->arn));
    b.add("name", str(all[i]->name));
    add_date(b, "creationDate", all[i]->creation_ms);
    items.push_back(std::move(b).build());
  }
  json::ObjectBuilder out(2);
  out.add("activities", json::Value::array(std::move(items)));
  if (slice.more)
    out.add("nextToken", str(encode_page_token(kListing, keys[slice.end - 1], registry_.now_ms())));
  return std::move(out).build();
}

ApiResult RegistryActions::tag_resource(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("resourceArn", kRequiredArn);
  std::vector<Tag> tags = read_tags(f, true);
  if (std::optional<ApiError> e = f.error()) return *e;
  if (std::optional<ApiError> e = registry_.tag_resource(*arn, tags)) return *e;
  return json::Value::empty_object();
}

ApiResult RegistryActions::untag_resource(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("resourceArn", kRequiredArn);
  std::vector<std::string> keys;
  if (std::optional<std::vector<json::Value>> items = f.list("tagKeys", {.required = true})) {
    for (size_t i = 0; i < items->size(); ++i) {
      std::optional<std::string> key =
          f.list_string("tagKeys", i, (*items)[i], {.required = true, .min_length = 1, .max_length = 128});
      if (key) keys.push_back(*key);
    }
  }
  if (std::optional<ApiError> e = f.error()) return *e;
  if (std::optional<ApiError> e = registry_.untag_resource(*arn, keys)) return *e;
  return json::Value::empty_object();
}

ApiResult RegistryActions::list_tags_for_resource(const json::Value& request) {
  RequestFields f(request);
  std::optional<std::string> arn = f.string("resourceArn", kRequiredArn);
  if (std::optional<ApiError> e = f.error()) return *e;
  ApiOr<std::vector<Tag>> tags = registry_.tags_of(*arn);
  if (!tags.ok()) return std::move(tags).error();
  json::ObjectBuilder b(1);
  b.add("tags", tags_json(*tags));
  return std::move(b).build();
}

}  // namespace sg::api
