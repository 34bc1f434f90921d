// Activities, and the tags of state machines and activities.
#include "api/api_error_messages.h"
#include "api/registry.h"
#include "api/request_fields.h"
#include "asl/names.h"

namespace sg::api {
namespace {

constexpr std::string_view kTagPattern = "^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$";

// The tag character rule: letters, separators and numbers of any script, and _.:/=+-@.
// Outside ASCII every character but the C1 controls passes: this engine carries no
// Unicode category tables, so it is more lenient than AWS there.
bool tag_text_ok(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) return false;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
              c == '_' || c == '.' || c == ':' || c == '/' || c == '=' || c == '+' || c == '-' || c == '@';
    if (!ok) return false;
  }
  return true;
}

std::string tag_path(size_t index, std::string_view field) {
  std::string out("tags.");
  out.append(std::to_string(index + 1)).append(".member.").append(field);
  return out;
}

}  // namespace

std::optional<ApiError> Registry::merge_tags(std::string_view arn, const std::vector<Tag>& existing,
                                             const std::vector<Tag>& added, std::vector<Tag>* out) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < added.size(); ++i) {
    std::string constraint("Member must satisfy regular expression pattern: ");
    constraint.append(kTagPattern);
    if (!tag_text_ok(added[i].key)) lines.push_back(violation(tag_path(i, "key"), added[i].key, constraint));
    if (!tag_text_ok(added[i].value))
      lines.push_back(violation(tag_path(i, "value"), added[i].value, constraint));
  }
  if (!lines.empty()) return validation_errors(lines);
  for (const Tag& t : added) {
    if (t.key.starts_with("aws:")) {
      std::string message("Tag keys beginning with 'aws:' are reserved for AWS use: '");
      message.append(t.key).append("'");
      return validation_error(std::move(message));
    }
  }
  std::vector<Tag> merged = existing;
  for (const Tag& t : added) {
    bool replaced = false;
    for (Tag& m : merged)
      if (m.key == t.key) {
        m.value = t.value;
        replaced = true;
      }
    if (!replaced) merged.push_back(t);
  }
  if (merged.size() > kMaxTagsPerResource) return too_many_tags(arn);
  *out = std::move(merged);
  return std::nullopt;
}

ApiOr<const ActivityRecord*> Registry::create_activity(const std::string& name, const std::vector<Tag>& tags,
                                                       const json::Value& encryption) {
  if (!asl::is_valid_name(name)) return invalid_name(name);
  std::string arn = activity_arn(ctx_, name);
  std::vector<Tag> merged;
  if (auto e = merge_tags(arn, {}, tags, &merged)) return *e;
  json::Value normalized = normalize_encryption(encryption);
  if (auto it = activities_.find(arn); it != activities_.end()) {
    // Idempotent by name; tags are ignored, but encryption may not change.
    if (it->second.encryption != normalized) return activity_already_exists(arn);
    return &it->second;
  }
  ActivityRecord& a = activities_[arn];
  a.arn = arn;
  a.name = name;
  a.creation_ms = now_ms_();
  a.encryption = std::move(normalized);
  a.tags = std::move(merged);
  save(a);
  return &a;
}

void Registry::delete_activity(std::string_view activity_arn) {
  auto it = activities_.find(activity_arn);
  if (it == activities_.end()) return;
  std::string arn = it->first;
  store_.delete_resource(arn);
  activities_.erase(it);
  if (on_activity_deleted) on_activity_deleted(arn);
}

const ActivityRecord* Registry::find_activity(std::string_view activity_arn) const {
  auto it = activities_.find(activity_arn);
  return it == activities_.end() ? nullptr : &it->second;
}

std::vector<const ActivityRecord*> Registry::activities() const {
  std::vector<const ActivityRecord*> out;
  out.reserve(activities_.size());
  for (const auto& [arn, a] : activities_) out.push_back(&a);
  return out;
}

ApiOr<std::vector<Tag>*> Registry::mutable_tags(std::string_view arn) {
  ApiOr<ParsedArn> p = parse_arn_as(ctx_, arn, {ResourceType::kStateMachine, ResourceType::kActivity});
  if (!p.ok()) return std::move(p).error();
  if (p->kind == ArnKind::kStateMachine) {
    if (StateMachineRecord* sm = mutable_state_machine(arn)) return &sm->tags;
  } else if (p->kind == ArnKind::kActivity) {
    if (auto it = activities_.find(arn); it != activities_.end()) return &it->second.tags;
  }
  // Versions and aliases carry no tags of their own: AWS answers ResourceNotFound too.
  return resource_not_found(arn);
}

void Registry::save_tags_owner(std::string_view arn) {
  if (const StateMachineRecord* sm = find_state_machine(arn)) save(*sm);
  if (const ActivityRecord* a = find_activity(arn)) save(*a);
}

std::optional<ApiError> Registry::tag_resource(std::string_view arn, const std::vector<Tag>& tags) {
  ApiOr<std::vector<Tag>*> owner = mutable_tags(arn);
  if (!owner.ok()) return std::move(owner).error();
  std::vector<Tag> merged;
  if (auto e = merge_tags(arn, **owner, tags, &merged)) return e;
  **owner = std::move(merged);
  save_tags_owner(arn);
  return std::nullopt;
}

std::optional<ApiError> Registry::untag_resource(std::string_view arn, const std::vector<std::string>& keys) {
  ApiOr<std::vector<Tag>*> owner = mutable_tags(arn);
  if (!owner.ok()) return std::move(owner).error();
  std::vector<Tag>& tags = **owner;
  size_t before = tags.size();
  std::erase_if(tags, [&](const Tag& t) { return std::find(keys.begin(), keys.end(), t.key) != keys.end(); });
  if (tags.size() != before) save_tags_owner(arn);
  return std::nullopt;
}

ApiOr<std::vector<Tag>> Registry::tags_of(std::string_view arn) const {
  ApiOr<ParsedArn> p = parse_arn_as(ctx_, arn, {ResourceType::kStateMachine, ResourceType::kActivity});
  if (!p.ok()) return std::move(p).error();
  if (p->kind == ArnKind::kStateMachine) {
    if (const StateMachineRecord* sm = find_state_machine(arn)) return sm->tags;
  } else if (p->kind == ArnKind::kActivity) {
    if (const ActivityRecord* a = find_activity(arn)) return a->tags;
  }
  return resource_not_found(arn);
}

}  // namespace sg::api
