#include "guardian/composite_alarm.h"

#include <algorithm>

#include "json/value.h"

namespace sg::guardian {

namespace {

Error invalid(std::string message) { return Error{"ValidationError", std::move(message)}; }

std::string child_name(std::string_view x) {
  constexpr std::string_view kMarker = ":alarm:";
  if (x.rfind("arn:", 0) == 0) {
    size_t at = x.find(kMarker);
    if (at != std::string_view::npos) return std::string(x.substr(at + kMarker.size()));
  }
  return std::string(x);
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<AlarmRule::Node>& nodes, std::vector<std::string>& children)
      : s_(text), nodes_(nodes), children_(children) {}

  Result<int> parse() {
    auto r = parse_or();
    if (!r.ok()) return r;
    skip_space();
    if (pos_ != s_.size()) return fail("Unexpected text");
    return r;
  }

 private:
  Error fail(std::string_view what) const {
    return invalid("Error in alarm rule: " + std::string(what) + " at position " + std::to_string(pos_ + 1) +
                   ".");
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  // Consumes `word` if it is the next token (and not the prefix of a longer identifier).
  bool keyword(std::string_view word) {
    skip_space();
    if (s_.substr(pos_, word.size()) != word) return false;
    size_t end = pos_ + word.size();
    if (end < s_.size()) {
      char c = s_[end];
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
        return false;
    }
    pos_ = end;
    return true;
  }
  bool symbol(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Result<int> add(AlarmRule::Node n) {
    if (nodes_.size() >= kMaxAlarmRuleElements)
      return invalid("The alarm rule must not contain more than 500 elements.");
    nodes_.push_back(n);
    return static_cast<int>(nodes_.size() - 1);
  }
  Result<int> parse_or() {
    auto lhs = parse_and();
    if (!lhs.ok()) return lhs;
    int node = *lhs;
    while (keyword("OR")) {
      auto rhs = parse_and();
      if (!rhs.ok()) return rhs;
      auto n = add({AlarmRule::Node::Kind::kOr, AlarmState::kAlarm, -1, node, *rhs});
      if (!n.ok()) return n;
      node = *n;
    }
    return node;
  }
  Result<int> parse_and() {
    auto lhs = parse_not();
    if (!lhs.ok()) return lhs;
    int node = *lhs;
    while (keyword("AND")) {
      auto rhs = parse_not();
      if (!rhs.ok()) return rhs;
      auto n = add({AlarmRule::Node::Kind::kAnd, AlarmState::kAlarm, -1, node, *rhs});
      if (!n.ok()) return n;
      node = *n;
    }
    return node;
  }
  Result<int> parse_not() {
    if (keyword("NOT")) {
      auto operand = parse_not();
      if (!operand.ok()) return operand;
      return add({AlarmRule::Node::Kind::kNot, AlarmState::kAlarm, -1, *operand, -1});
    }
    return parse_primary();
  }
  Result<int> parse_primary() {
    if (symbol('(')) {
      auto inner = parse_or();
      if (!inner.ok()) return inner;
      if (!symbol(')')) return fail("Expected ')'");
      return inner;
    }
    if (keyword("TRUE")) return add({AlarmRule::Node::Kind::kTrue});
    if (keyword("FALSE")) return add({AlarmRule::Node::Kind::kFalse});
    std::optional<AlarmState> state;
    if (keyword("ALARM")) {
      state = AlarmState::kAlarm;
    } else if (keyword("OK")) {
      state = AlarmState::kOk;
    } else if (keyword("INSUFFICIENT_DATA")) {
      state = AlarmState::kInsufficientData;
    } else {
      return fail("Expected ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or '('");
    }
    if (!symbol('(')) return fail("Expected '('");
    skip_space();
    std::string name;
    if (pos_ < s_.size() && s_[pos_] == '"') {
      size_t close = s_.find('"', pos_ + 1);
      if (close == std::string_view::npos) return fail("Unterminated quoted alarm name");
      name = std::string(s_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      if (!symbol(')')) return fail("Expected ')'");
    } else {
      size_t close = s_.find(')', pos_);
      if (close == std::string_view::npos) return fail("Expected ')'");
      std::string_view raw = s_.substr(pos_, close - pos_);
      while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
      name = std::string(raw);
      pos_ = close + 1;
    }
    if (name.empty()) return fail("Empty alarm name");
    name = child_name(name);
    auto it = std::find(children_.begin(), children_.end(), name);
    int index = static_cast<int>(it - children_.begin());
    if (it == children_.end()) {
      if (children_.size() >= kMaxAlarmRuleChildren)
        return invalid("The alarm rule must not reference more than 100 alarms.");
      children_.push_back(name);
    }
    return add({AlarmRule::Node::Kind::kState, *state, index});
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::vector<AlarmRule::Node>& nodes_;
  std::vector<std::string>& children_;
};

}  // namespace

Result<AlarmRule> AlarmRule::parse(std::string_view text) {
  if (text.empty()) return invalid("AlarmRule must not be empty.");
  if (text.size() > kMaxAlarmRuleLength) return invalid("AlarmRule must be at most 10240 characters long.");
  AlarmRule rule;
  rule.text_ = std::string(text);
  Parser p(rule.text_, rule.nodes_, rule.children_);
  auto root = p.parse();
  if (!root.ok()) return std::move(root).error();
  rule.root_ = *root;
  return rule;
}

bool AlarmRule::eval(int node, const ChildLookup& lookup) const {
  const Node& n = nodes_[static_cast<size_t>(node)];
  switch (n.kind) {
    case Node::Kind::kTrue:
      return true;
    case Node::Kind::kFalse:
      return false;
    case Node::Kind::kState: {
      auto s = lookup(children_[static_cast<size_t>(n.child)]);
      return s && s->value == n.state;
    }
    case Node::Kind::kNot:
      return !eval(n.lhs, lookup);
    case Node::Kind::kAnd:
      return eval(n.lhs, lookup) && eval(n.rhs, lookup);
    case Node::Kind::kOr:
      return eval(n.lhs, lookup) || eval(n.rhs, lookup);
  }
  return false;
}

bool AlarmRule::evaluate(const ChildLookup& lookup) const { return eval(root_, lookup); }

CompositeEvaluation evaluate_composite(std::string_view composite_name, const AlarmRule& rule,
                                       const ChildLookup& lookup, const std::optional<std::string>& trigger,
                                       const AccountContext& account) {
  CompositeEvaluation ev;
  ev.state = rule.evaluate(lookup) ? AlarmState::kAlarm : AlarmState::kOk;
  std::vector<json::Value> triggering;
  std::optional<ChildState> trigger_state = trigger ? lookup(*trigger) : std::nullopt;
  if (trigger && trigger_state) {
    std::string arn = alarm_arn(account.region, account.account_id, *trigger);
    ev.reason = arn + " transitioned to " + std::string(alarm_state_name(trigger_state->value)) + " at " +
                long_utc_time(trigger_state->timestamp_ms);
    json::ObjectBuilder state;
    state.add("value", json::Value::string(alarm_state_name(trigger_state->value)));
    state.add("timestamp", json::Value::string(cw_timestamp(trigger_state->timestamp_ms)));
    json::ObjectBuilder item;
    item.add("arn", json::Value::string(arn));
    item.add("state", std::move(state).build());
    triggering.push_back(std::move(item).build());
  } else {
    ev.reason = alarm_arn(account.region, account.account_id, composite_name) +
                " was created and its alarm rule evaluates to " + std::string(alarm_state_name(ev.state));
  }
  json::ObjectBuilder data;
  data.add("triggeringAlarms", json::Value::array(std::move(triggering)));
  ev.reason_data = std::move(data).build().dump();
  return ev;
}

}  // namespace sg::guardian
