// Composite alarms: the AlarmRule language and its evaluation (guardian-and-events.md §2.9).
//
// Contract
// - AlarmRule::parse() accepts ALARM(x), OK(x), INSUFFICIENT_DATA(x) (x an alarm name or
//   ARN, optionally in double quotes), TRUE, FALSE, AND, OR, NOT and parentheses. Keywords
//   are upper case; precedence is NOT > AND > OR (AWS documents neither: this is the usual
//   choice and what the console's examples assume). Limits as CloudWatch: 10,240
//   characters, 100 distinct children, 500 elements. Errors: code "ValidationError".
// - Children are stored by alarm *name* (an ARN "arn:...:alarm:NAME" is reduced to NAME).
// - evaluate() asks `lookup` for each child's state; a child that does not exist makes its
//   function FALSE.
// - evaluate_composite() returns the composite's new state (ALARM when the rule is TRUE,
//   else OK) with AWS's StateReason ("<child ARN> transitioned to ALARM at Friday 22 July,
//   2022 15:57:45 UTC", or "<ARN> was created and its alarm rule evaluates to OK") and
//   StateReasonData ({"triggeringAlarms":[...]}).
// Pure; an AlarmRule is immutable once parsed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "guardian/alarm.h"
#include "guardian/alarm_notification.h"

namespace sg::guardian {

constexpr size_t kMaxAlarmRuleLength = 10240;
constexpr size_t kMaxAlarmRuleChildren = 100;
constexpr size_t kMaxAlarmRuleElements = 500;

struct ChildState {
  AlarmState value = AlarmState::kInsufficientData;
  int64_t timestamp_ms = 0;  // StateTransitionedTimestamp
};
using ChildLookup = std::function<std::optional<ChildState>(std::string_view name)>;

class AlarmRule {
 public:
  static Result<AlarmRule> parse(std::string_view text);

  bool evaluate(const ChildLookup& lookup) const;
  const std::string& text() const { return text_; }
  // Distinct child alarm names, in order of first appearance.
  const std::vector<std::string>& children() const { return children_; }

  struct Node {
    enum class Kind { kTrue, kFalse, kState, kNot, kAnd, kOr } kind;
    AlarmState state = AlarmState::kAlarm;  // kState
    int child = -1;                         // kState: index into children_
    int lhs = -1, rhs = -1;                 // operands (kNot uses lhs)
  };

 private:
  bool eval(int node, const ChildLookup& lookup) const;
  std::string text_;
  std::vector<std::string> children_;
  std::vector<Node> nodes_;
  int root_ = -1;
};

struct CompositeEvaluation {
  AlarmState state = AlarmState::kOk;
  std::string reason;
  std::string reason_data;
};

// `trigger` is the child whose change caused this evaluation (nullopt on creation or
// configuration update).
CompositeEvaluation evaluate_composite(std::string_view composite_name, const AlarmRule& rule,
                                       const ChildLookup& lookup, const std::optional<std::string>& trigger,
                                       const AccountContext& account);

}  // namespace sg::guardian
