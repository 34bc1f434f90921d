// Persistence of the registry: one JSON document per resource, written on every change and
// read back by load(). Dates are epoch milliseconds; definitions are kept as given.
#include <map>
#include <utility>

#include "api/registry.h"

namespace sg::api {
namespace {

constexpr std::string_view kStateMachineKind = "stateMachine";
constexpr std::string_view kVersionKind = "version";
constexpr std::string_view kAliasKind = "alias";
constexpr std::string_view kActivityKind = "activity";

json::Value str(std::string_view s) { return json::Value::string(s); }

json::Value tags_doc(const std::vector<Tag>& tags) {
  std::vector<json::Value> items;
  for (const Tag& t : tags) {
    json::ObjectBuilder b(2);
    b.add("key", str(t.key));
    b.add("value", str(t.value));
    items.push_back(std::move(b).build());
  }
  return json::Value::array(std::move(items));
}

void add_config(json::ObjectBuilder& b, const StateMachineConfig& c) {
  b.add("definition", str(c.definition));
  b.add("roleArn", str(c.role_arn));
  b.add("loggingConfiguration", c.logging);
  b.add("tracingConfiguration", c.tracing);
  b.add("encryptionConfiguration", c.encryption);
}

// Readers that tolerate a missing member (a document written by an older build).
std::string get_string(const json::Value& doc, std::string_view key) {
  const json::Value* v = doc.find(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t get_int(const json::Value& doc, std::string_view key) {
  const json::Value* v = doc.find(key);
  int64_t n = 0;
  return v && v->is_number() && v->integral_value(&n) ? n : 0;
}

bool get_bool(const json::Value& doc, std::string_view key) {
  const json::Value* v = doc.find(key);
  return v && v->is_bool() && v->as_bool();
}

json::Value get_value(const json::Value& doc, std::string_view key) {
  const json::Value* v = doc.find(key);
  return v ? *v : json::Value();
}

std::vector<Tag> get_tags(const json::Value& doc) {
  std::vector<Tag> tags;
  const json::Value* v = doc.find("tags");
  if (!v) return tags;
  for (const json::Value& t : v->items()) tags.push_back(Tag{get_string(t, "key"), get_string(t, "value")});
  return tags;
}

StateMachineConfig get_config(const json::Value& doc) {
  return StateMachineConfig{get_string(doc, "definition"), get_string(doc, "roleArn"),
                            get_value(doc, "loggingConfiguration"), get_value(doc, "tracingConfiguration"),
                            get_value(doc, "encryptionConfiguration")};
}

std::string problem(std::string_view arn, std::string_view what) {
  std::string out(arn);
  out.append(": ").append(what);
  return out;
}

}  // namespace

void Registry::save(const StateMachineRecord& sm) {
  json::ObjectBuilder b(16);
  b.add("name", str(sm.name));
  b.add("type", str(sm.type));
  add_config(b, sm.config);
  b.add("creationDate", json::Value::integer(sm.creation_ms));
  b.add("updateDate", json::Value::integer(sm.update_ms));
  b.add("revisionId", str(sm.revision_id));
  b.add("nextVersion", json::Value::integer(sm.next_version));
  b.add("tags", tags_doc(sm.tags));
  b.add("publishedAtCreation", json::Value::boolean(sm.published_at_creation));
  b.add("versionDescriptionAtCreation", str(sm.version_description_at_creation));
  store_.put_resource(kStateMachineKind, sm.arn, std::move(b).build());
}

void Registry::save(const VersionRecord& v) {
  json::ObjectBuilder b(12);
  b.add("stateMachineArn", str(v.state_machine_arn));
  b.add("name", str(v.name));
  b.add("type", str(v.type));
  b.add("number", json::Value::integer(v.number));
  add_config(b, v.config);
  b.add("description", str(v.description));
  b.add("creationDate", json::Value::integer(v.creation_ms));
  b.add("revisionId", str(v.revision_id));
  store_.put_resource(kVersionKind, v.arn, std::move(b).build());
}

void Registry::save(const AliasRecord& a) {
  std::vector<json::Value> routing;
  for (const RoutingTarget& t : a.routing) {
    json::ObjectBuilder r(2);
    r.add("stateMachineVersionArn", str(t.version_arn));
    r.add("weight", json::Value::integer(t.weight));
    routing.push_back(std::move(r).build());
  }
  json::ObjectBuilder b(6);
  b.add("stateMachineArn", str(a.state_machine_arn));
  b.add("name", str(a.name));
  b.add("description", str(a.description));
  b.add("routingConfiguration", json::Value::array(std::move(routing)));
  b.add("creationDate", json::Value::integer(a.creation_ms));
  b.add("updateDate", json::Value::integer(a.update_ms));
  store_.put_resource(kAliasKind, a.arn, std::move(b).build());
}

void Registry::save(const ActivityRecord& a) {
  json::ObjectBuilder b(4);
  b.add("name", str(a.name));
  b.add("creationDate", json::Value::integer(a.creation_ms));
  b.add("encryptionConfiguration", a.encryption);
  b.add("tags", tags_doc(a.tags));
  store_.put_resource(kActivityKind, a.arn, std::move(b).build());
}

std::vector<std::string> Registry::load() {
  state_machines_.clear();
  versions_.clear();
  aliases_.clear();
  activities_.clear();
  std::vector<std::string> problems;

  // Versions often share their definition with the state machine: compile each text once.
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const asl::StateMachine>> compiled;
  auto machine_for = [&](const std::string& arn, const StateMachineConfig& c, const std::string& type) {
    auto key = std::make_pair(c.definition, type);
    if (auto it = compiled.find(key); it != compiled.end()) return it->second;
    ApiOr<std::shared_ptr<const asl::StateMachine>> m = compile(c.definition, type);
    std::shared_ptr<const asl::StateMachine> machine;
    if (m.ok()) {
      machine = std::move(m).value();
    } else {
      problems.push_back(problem(arn, m.error().message));
    }
    compiled.emplace(key, machine);
    return machine;
  };

  std::vector<store::StoredResource> resources = store_.load_resources();
  // State machines and activities first: versions and aliases hang off state machines.
  for (const store::StoredResource& r : resources) {
    if (r.kind == kStateMachineKind) {
      StateMachineRecord sm;
      sm.arn = r.arn;
      sm.name = get_string(r.doc, "name");
      sm.type = get_string(r.doc, "type");
      sm.config = get_config(r.doc);
      sm.machine = machine_for(r.arn, sm.config, sm.type);
      sm.creation_ms = get_int(r.doc, "creationDate");
      sm.update_ms = get_int(r.doc, "updateDate");
      sm.revision_id = get_string(r.doc, "revisionId");
      sm.next_version = std::max<int64_t>(1, get_int(r.doc, "nextVersion"));
      sm.tags = get_tags(r.doc);
      sm.published_at_creation = get_bool(r.doc, "publishedAtCreation");
      sm.version_description_at_creation = get_string(r.doc, "versionDescriptionAtCreation");
      state_machines_[r.arn] = std::move(sm);
    } else if (r.kind == kActivityKind) {
      ActivityRecord a;
      a.arn = r.arn;
      a.name = get_string(r.doc, "name");
      a.creation_ms = get_int(r.doc, "creationDate");
      a.encryption = normalize_encryption(get_value(r.doc, "encryptionConfiguration"));
      a.tags = get_tags(r.doc);
      activities_[r.arn] = std::move(a);
    } else if (r.kind != kVersionKind && r.kind != kAliasKind) {
      problems.push_back(problem(r.arn, "unknown kind of resource"));
    }
  }
  for (const store::StoredResource& r : resources) {
    if (r.kind != kVersionKind) continue;
    VersionRecord v;
    v.arn = r.arn;
    v.state_machine_arn = get_string(r.doc, "stateMachineArn");
    StateMachineRecord* sm = mutable_state_machine(v.state_machine_arn);
    if (!sm) {
      problems.push_back(problem(r.arn, "version of a state machine that is not stored"));
      continue;
    }
    v.name = get_string(r.doc, "name");
    v.type = get_string(r.doc, "type");
    v.number = get_int(r.doc, "number");
    v.config = get_config(r.doc);
    v.machine = machine_for(r.arn, v.config, v.type);
    v.description = get_string(r.doc, "description");
    v.creation_ms = get_int(r.doc, "creationDate");
    v.revision_id = get_string(r.doc, "revisionId");
    // Numbers are never reused, even if the state machine's document lagged behind.
    sm->next_version = std::max(sm->next_version, v.number + 1);
    versions_[v.state_machine_arn][v.number] = std::move(v);
  }
  for (const store::StoredResource& r : resources) {
    if (r.kind != kAliasKind) continue;
    AliasRecord a;
    a.arn = r.arn;
    a.state_machine_arn = get_string(r.doc, "stateMachineArn");
    a.name = get_string(r.doc, "name");
    a.description = get_string(r.doc, "description");
    if (const json::Value* routing = r.doc.find("routingConfiguration"))
      for (const json::Value& t : routing->items())
        a.routing.push_back(RoutingTarget{get_string(t, "stateMachineVersionArn"), get_int(t, "weight")});
    a.creation_ms = get_int(r.doc, "creationDate");
    a.update_ms = get_int(r.doc, "updateDate");
    bool routes_ok = !a.routing.empty();
    for (const RoutingTarget& t : a.routing) routes_ok = routes_ok && find_version(t.version_arn) != nullptr;
    if (!find_state_machine(a.state_machine_arn) || !routes_ok) {
      problems.push_back(problem(r.arn, "alias of a state machine or version that is not stored"));
      continue;
    }
    aliases_[a.state_machine_arn][a.name] = std::move(a);
  }
  return problems;
}

}  // namespace sg::api
