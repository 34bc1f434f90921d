// The graph pass: transition targets (StartAt, Next, Default, Choices[].Next, Catch[].Next)
// must name a state of the same States container; the container needs a terminal state
// (MISSING_END_STATE, which AWS reports without a location and which hides the
// reachability check); every state must be reachable from StartAt.
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asl/validator_internal.h"

namespace sg::asl::validator_detail {

namespace {

struct Target {
  std::string_view name;
  std::string location;
};

Kind state_kind(const json::Value& st) {
  const json::Value* t = st.find("Type");
  return t && t->is_string() ? kind_of(t->as_string()) : Kind::kUnknown;
}

// Every transition target a state names, in document order, with its location.
void collect_targets(const json::Value& st, const std::string& loc, std::vector<Target>& out) {
  if (!st.is_object()) return;
  Kind kind = state_kind(st);
  bool moves = kind != Kind::kChoice && kind != Kind::kSucceed && kind != Kind::kFail;
  bool catches = kind == Kind::kTask || kind == Kind::kParallel || kind == Kind::kMap;
  auto rules = [&](const json::Value& list, std::string_view field) {
    if (!list.is_array()) return;
    std::string base = at(loc, field);
    for (size_t i = 0; i < list.size(); ++i) {
      const json::Value* n = list[i].find("Next");
      if (n && n->is_string()) out.push_back(Target{n->as_string(), at(index(base, i), "Next")});
    }
  };
  for (const json::Member& m : st.members()) {
    std::string_view k = m.name();
    if (k == "Next" && moves && m.value.is_string()) {
      out.push_back(Target{m.value.as_string(), at(loc, k)});
    } else if (k == "Default" && kind == Kind::kChoice && m.value.is_string()) {
      out.push_back(Target{m.value.as_string(), at(loc, k)});
    } else if (k == "Choices" && kind == Kind::kChoice) {
      rules(m.value, k);
    } else if (k == "Catch" && catches) {
      rules(m.value, k);
    }
  }
}

bool is_terminal(const json::Value& st) {
  if (!st.is_object()) return false;
  Kind kind = state_kind(st);
  if (kind == Kind::kSucceed || kind == Kind::kFail) return true;
  const json::Value* end = st.find("End");
  return end && end->is_bool() && end->as_bool() && kind != Kind::kChoice;
}

void missing_target(Checker& c, std::string_view name, std::string location) {
  c.report(Severity::kError, kMissingTarget, "Missing 'Next' target: " + std::string(name),
           std::move(location));
}

}  // namespace

void Checker::check_targets(const Container& c) {
  const json::Value& states = *c.object->find("States");
  if (const json::Value* s = c.object->find("StartAt"); s && s->is_string() && !s->as_string().empty()) {
    if (!states.find(s->as_string())) missing_target(*this, s->as_string(), at(c.where, "StartAt"));
  }
  std::string states_loc = at(c.where, "States");
  std::vector<Target> targets;
  for (const json::Member& m : states.members()) {
    targets.clear();
    collect_targets(m.value, at(states_loc, m.name()), targets);
    for (Target& t : targets)
      if (!states.find(t.name)) missing_target(*this, t.name, std::move(t.location));
  }
}

void Checker::check_reachability(const Container& c) {
  const json::Value& states = *c.object->find("States");
  bool terminal = false;
  for (const json::Member& m : states.members()) terminal = terminal || is_terminal(m.value);
  if (!terminal) {
    report(Severity::kError, "MISSING_END_STATE", "Workflow has no terminal state", "");
    return;
  }
  const json::Value* start = c.object->find("StartAt");
  if (!start || !start->is_string() || !states.find(start->as_string())) return;

  std::unordered_map<std::string_view, size_t> ids;
  std::span<const json::Member> members = states.members();
  for (size_t i = 0; i < members.size(); ++i) ids.emplace(members[i].name(), i);
  std::vector<bool> seen(members.size(), false);
  std::vector<size_t> stack{ids.at(start->as_string())};
  seen[stack.back()] = true;
  std::vector<Target> targets;
  std::string states_loc = at(c.where, "States");
  while (!stack.empty()) {
    size_t i = stack.back();
    stack.pop_back();
    targets.clear();
    collect_targets(members[i].value, std::string(), targets);
    for (const Target& t : targets) {
      auto it = ids.find(t.name);
      if (it != ids.end() && !seen[it->second]) {
        seen[it->second] = true;
        stack.push_back(it->second);
      }
    }
  }
  for (size_t i = 0; i < members.size(); ++i) {
    if (seen[i]) continue;
    std::string name(members[i].name());
    report(Severity::kError, kMissingTarget, "State \"" + name + "\" is not reachable.",
           at(states_loc, name));
  }
}

}  // namespace sg::asl::validator_detail
