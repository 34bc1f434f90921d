#include "guardian/alarm_template.h"

#include <algorithm>
#include <set>

namespace sg::guardian {

namespace {

constexpr std::string_view kPlaceholders[] = {"${state_machine}", "${state_machine_arn}", "${region}",
                                              "${account}"};

// arn:partition:states:region:account:stateMachine:name -> field i (0-based).
std::string arn_field(std::string_view arn, int index) {
  for (int i = 0; i < index; ++i) {
    size_t colon = arn.find(':');
    if (colon == std::string_view::npos) return "";
    arn.remove_prefix(colon + 1);
  }
  return std::string(arn.substr(0, arn.find(':')));
}

std::string substitute(std::string_view text, const StateMachineInfo& m) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        std::string_view key = text.substr(i, close - i + 1);
        bool known = true;
        if (key == "${state_machine}") {
          out += m.name;
        } else if (key == "${state_machine_arn}") {
          out += m.arn;
        } else if (key == "${region}") {
          out += arn_field(m.arn, 3);
        } else if (key == "${account}") {
          out += arn_field(m.arn, 4);
        } else {
          known = false;
        }
        if (known) {
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

Status check_placeholders(std::string_view text) {
  size_t at = 0;
  while ((at = text.find("${", at)) != std::string_view::npos) {
    size_t close = text.find('}', at);
    std::string_view key =
        text.substr(at, close == std::string_view::npos ? text.size() - at : close - at + 1);
    if (std::find(std::begin(kPlaceholders), std::end(kPlaceholders), key) == std::end(kPlaceholders)) {
      std::string message = "Unknown placeholder ";
      message.append(key).append(" (use ${state_machine}, ${state_machine_arn}, ${region} or ${account}).");
      return Status::Fail("ValidationError", std::move(message));
    }
    at += key.size();
  }
  return Status::Ok();
}

}  // namespace

bool glob_match(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool template_matches(const AlarmTemplate& t, const StateMachineInfo& m) {
  if (!t.name_pattern.empty() && !glob_match(t.name_pattern, m.name)) return false;
  for (const auto& [key, value] : t.tags) {
    auto it = m.tags.find(key);
    if (it == m.tags.end() || !glob_match(value, it->second)) return false;
  }
  return true;
}

MetricAlarmConfig instantiate(const AlarmTemplate& t, const StateMachineInfo& m) {
  MetricAlarmConfig c = t.alarm;
  c.name = substitute(c.name, m);
  if (c.description) c.description = substitute(*c.description, m);
  for (Dimension& d : c.dimensions) d.value = substitute(d.value, m);
  std::sort(c.dimensions.begin(), c.dimensions.end());
  for (auto* list : {&c.actions.ok_actions, &c.actions.alarm_actions, &c.actions.insufficient_data_actions})
    for (std::string& a : *list) a = substitute(a, m);
  return c;
}

Status validate_template(const AlarmTemplate& t) {
  if (t.alarm.name.find("${state_machine}") == std::string::npos &&
      t.alarm.name.find("${state_machine_arn}") == std::string::npos) {
    std::string message = "The alarm name of template ";
    message.append(t.name).append(" must contain ${state_machine} or ${state_machine_arn}.");
    return Status::Fail("ValidationError", std::move(message));
  }
  std::vector<std::string_view> texts = {t.alarm.name};
  if (t.alarm.description) texts.push_back(*t.alarm.description);
  for (const Dimension& d : t.alarm.dimensions) texts.push_back(d.value);
  for (const auto* list : {&t.alarm.actions.ok_actions, &t.alarm.actions.alarm_actions,
                           &t.alarm.actions.insufficient_data_actions})
    for (const std::string& a : *list) texts.push_back(a);
  for (std::string_view s : texts) {
    Status st = check_placeholders(s);
    if (!st.ok()) return st;
  }
  StateMachineInfo sample{"sample", "arn:aws:states:us-east-1:123456789012:stateMachine:sample", {}};
  return validate_metric_alarm(instantiate(t, sample));
}

ReconcilePlan reconcile(const AlarmTemplate& t, std::span<const StateMachineInfo> machines,
                        const std::map<std::string, MetricAlarmConfig>& owned) {
  ReconcilePlan plan;
  std::map<std::string, MetricAlarmConfig> desired;
  for (const StateMachineInfo& m : machines) {
    if (!template_matches(t, m)) continue;
    MetricAlarmConfig c = instantiate(t, m);
    desired.emplace(c.name, std::move(c));
  }
  for (auto& [name, config] : desired) {
    auto it = owned.find(name);
    if (it == owned.end()) {
      plan.create.push_back(config);
    } else if (!(it->second == config)) {
      plan.update.push_back(config);
    } else {
      plan.keep.push_back(name);
    }
  }
  for (const auto& [name, config] : owned)
    if (!desired.count(name)) plan.remove.push_back(name);
  return plan;
}

}  // namespace sg::guardian
