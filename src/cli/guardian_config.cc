#include "cli/guardian_config.h"

#include "guardian/alarm_service.h"
#include "json/parse.h"

namespace sg::cli {

namespace {

using json::Value;

Error invalid(std::string message) { return Error{"INVALID_CONFIG", std::move(message)}; }

}  // namespace

Result<Value> yaml_to_json(const YAML::Node& node) {
  if (!node || node.IsNull()) return Value();
  try {
    YAML::Emitter out;
    out << YAML::Flow << node;
    return json::parse_yaml(out.c_str());
  } catch (const YAML::Exception& e) {
    return invalid(e.what());
  }
}

Result<guardian::AlarmTemplate> parse_alarm_template(const Value& v) {
  if (!v.is_object()) return invalid("an alarm template must be a mapping");
  guardian::AlarmTemplate t;
  for (const json::Member& m : v.members()) {
    std::string_view key = m.key.as_string();
    if (key == "name" && m.value.is_string()) {
      t.name = std::string(m.value.as_string());
    } else if (key == "name_pattern" && m.value.is_string()) {
      t.name_pattern = std::string(m.value.as_string());
    } else if (key == "tags" && m.value.is_object()) {
      for (const json::Member& tag : m.value.members()) {
        if (!tag.value.is_string() && !tag.value.is_number())
          return invalid("tags." + std::string(tag.key.as_string()) + " must be a string");
        t.tags.emplace_back(std::string(tag.key.as_string()),
                            tag.value.is_string() ? std::string(tag.value.as_string()) : tag.value.dump());
      }
    } else if (key == "alarm" && m.value.is_object()) {
      auto c = guardian::parse_metric_alarm(m.value);
      if (!c.ok()) return invalid("alarm: " + c.error().message);
      t.alarm = std::move(c).value();
    } else {
      return invalid("unknown or malformed key '" + std::string(key) +
                     "' (expected name, name_pattern, tags, alarm)");
    }
  }
  if (t.name.empty()) return invalid("an alarm template needs a name");
  if (!v.find("alarm")) return invalid("alarm template " + t.name + " needs an alarm");
  Status st = guardian::validate_template(t);
  if (!st.ok()) return invalid(st.error().message);
  return t;
}

Status read_guardian_sections(const ConfigFile& file, GuardianConfig& config) {
  const std::string origin = file.path.empty() ? std::string("config") : file.path;
  struct Section {
    const char* key;
    const YAML::Node* node;
  };
  for (Section s : {Section{"alarms", &file.alarms}, Section{"composite_alarms", &file.composite_alarms},
                    Section{"alarm_templates", &file.alarm_templates}}) {
    if (!*s.node || s.node->IsNull()) continue;
    auto list = yaml_to_json(*s.node);
    if (!list.ok())
      return Status::Fail("INVALID_CONFIG", origin + ": " + s.key + ": " + list.error().message);
    size_t i = 0;
    for (const Value& item : list->items()) {
      std::string where = origin + ": " + s.key + "[" + std::to_string(i++) + "]";
      if (!item.is_object()) return Status::Fail("INVALID_CONFIG", where + " must be a mapping");
      if (std::string_view(s.key) == "alarm_templates") {
        auto t = parse_alarm_template(item);
        if (!t.ok()) return Status::Fail("INVALID_CONFIG", where + ": " + t.error().message);
        config.templates.push_back(std::move(t).value());
      } else {
        (std::string_view(s.key) == "alarms" ? config.alarms : config.composite_alarms).push_back(item);
      }
    }
  }
  return Status::Ok();
}

}  // namespace sg::cli
