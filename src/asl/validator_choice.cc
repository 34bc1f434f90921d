// Choice state checks: Choices and Default, and every rule (JSONPath): Boolean expressions
// (And/Or/Not) and data tests (Variable plus exactly one comparison operator whose operand
// has the right type).
#include <string_view>

#include "asl/validator_internal.h"

namespace sg::asl::validator_detail {

namespace {

enum class Operand : uint8_t { kString, kPattern, kNumber, kBoolean, kTimestamp, kTypeTest };

struct Operator {
  std::string_view name;
  Operand operand;
  bool has_path_form;
};

constexpr Operator kOperators[] = {
    {"StringEquals", Operand::kString, true},
    {"StringLessThan", Operand::kString, true},
    {"StringGreaterThan", Operand::kString, true},
    {"StringLessThanEquals", Operand::kString, true},
    {"StringGreaterThanEquals", Operand::kString, true},
    {"StringMatches", Operand::kPattern, false},
    {"NumericEquals", Operand::kNumber, true},
    {"NumericLessThan", Operand::kNumber, true},
    {"NumericGreaterThan", Operand::kNumber, true},
    {"NumericLessThanEquals", Operand::kNumber, true},
    {"NumericGreaterThanEquals", Operand::kNumber, true},
    {"BooleanEquals", Operand::kBoolean, true},
    {"TimestampEquals", Operand::kTimestamp, true},
    {"TimestampLessThan", Operand::kTimestamp, true},
    {"TimestampGreaterThan", Operand::kTimestamp, true},
    {"TimestampLessThanEquals", Operand::kTimestamp, true},
    {"TimestampGreaterThanEquals", Operand::kTimestamp, true},
    {"IsNull", Operand::kTypeTest, false},
    {"IsPresent", Operand::kTypeTest, false},
    {"IsNumeric", Operand::kTypeTest, false},
    {"IsString", Operand::kTypeTest, false},
    {"IsBoolean", Operand::kTypeTest, false},
    {"IsTimestamp", Operand::kTypeTest, false},
};

// The operator a field names, and whether it is the "...Path" form; nullptr if none.
const Operator* find_operator(std::string_view field, bool* path_form) {
  *path_form = false;
  std::string_view base = field;
  if (base.size() > 4 && base.ends_with("Path")) {
    base.remove_suffix(4);
    for (const Operator& op : kOperators) {
      if (op.has_path_form && op.name == base) {
        *path_form = true;
        return &op;
      }
    }
    return nullptr;
  }
  for (const Operator& op : kOperators)
    if (op.name == field) return &op;
  return nullptr;
}

bool is_combinator(std::string_view f) { return f == "And" || f == "Or" || f == "Not"; }

}  // namespace

void Checker::check_choice(const json::Value& st, Lang lang, const std::string& loc) {
  required({"Choices"}, st, loc);
  if (const json::Value* d = st.find("Default")) expect_string(*d, at(loc, "Default"));
  const json::Value* choices = st.find("Choices");
  if (!choices) return;
  std::string cloc = at(loc, "Choices");
  if (!expect_array(*choices, cloc)) return;
  if (choices->size() == 0) {
    schema("Value cannot be empty", cloc);
    return;
  }
  for (size_t i = 0; i < choices->size(); ++i)
    check_choice_rule((*choices)[i], lang, /*top=*/true, index(cloc, i), 0);
}

void Checker::check_choice_rule(const json::Value& rule, Lang lang, bool top, const std::string& loc,
                                int depth) {
  if (!expect_object(rule, loc)) return;
  if (depth > kMaxNestingDepth) {
    report(Severity::kError, "TOO_DEEPLY_NESTED",
           "The Choice rule is nested more than " + std::to_string(kMaxNestingDepth) + " levels deep", loc);
    return;
  }
  int selectors = 0, operators = 0;
  std::string operator_list;
  const json::Member* op_member = nullptr;
  const Operator* op = nullptr;
  bool op_path = false;
  for (const json::Member& m : rule.members()) {
    std::string_view k = m.name();
    bool path_form = false;
    if (k == "Comment") {
      expect_string(m.value, at(loc, k));
    } else if (k == "Next") {
      if (!top)
        unsupported(k, loc);
      else
        expect_string(m.value, at(loc, k));
    } else if (k == "Assign" && top) {
      check_assign(m.value, lang, at(loc, k), ExprUse{});
    } else if (k == "Output" && top) {
      if (lang == Lang::kJsonPath)
        schema(
            "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' "
            "QueryLanguage",
            loc);
      else
        check_jsonata_template(m.value, at(loc, k), ExprUse{});
    } else if (k == "Condition") {
      if (lang == Lang::kJsonPath)
        schema(
            "The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the "
            "'JSONata' QueryLanguage",
            loc);
      else if (expect_jsonata_or(m.value, json::Type::kBool, at(loc, k)))
        check_jsonata_template(m.value, at(loc, k), ExprUse{});
    } else if (is_combinator(k) || k == "Variable") {
      ++selectors;
    } else if (const Operator* o = find_operator(k, &path_form)) {
      ++operators;
      if (!operator_list.empty()) operator_list += ", ";
      operator_list += k;
      op_member = &m;
      op = o;
      op_path = path_form;
    } else {
      unsupported(k, loc);
    }
  }
  if (top && !rule.find("Next")) schema("These fields are required: [Next]", loc);
  if (lang == Lang::kJsonata) {
    // JSONata rules carry a Condition.
    bool jsonpath_fields = false;
    for (std::string_view f : {"Variable", "And", "Or", "Not"}) {
      if (!rule.find(f)) continue;
      jsonpath_fields = true;
      schema("The QueryLanguage is set to 'JSONata', but field '" + std::string(f) +
                 "' is only supported for the 'JSONPath' QueryLanguage",
             loc);
    }
    if (top && !jsonpath_fields && !rule.find("Condition"))
      schema("These fields are required: [Condition]", loc);
    return;
  }
  if (selectors == 0 && rule.find("Condition")) return;  // reported above
  if (selectors != 1) {
    if (selectors == 0 && operators > 0)
      schema("These fields are required: [Variable]", loc);
    else
      schema("The object must have only one of the following fields, [And, Or, Not, Variable, Condition]",
             loc);
    return;
  }
  if (!rule.find("Variable")) {
    // A Boolean expression: no comparison operator beside it.
    for (const json::Member& m : rule.members()) {
      bool pf;
      if (find_operator(m.name(), &pf)) unsupported(m.name(), loc);
    }
    if (const json::Value* n = rule.find("Not")) {
      check_choice_rule(*n, lang, /*top=*/false, at(loc, "Not"), depth + 1);
      return;
    }
    std::string_view f = rule.find("And") ? "And" : "Or";
    const json::Value* list = rule.find(f);
    std::string lloc = at(loc, f);
    if (!expect_array(*list, lloc)) return;
    if (list->size() == 0) {
      schema("Value cannot be empty", lloc);
      return;
    }
    for (size_t i = 0; i < list->size(); ++i)
      check_choice_rule((*list)[i], lang, /*top=*/false, index(lloc, i), depth + 1);
    return;
  }
  check_reference_path(*rule.find("Variable"), Roots::kAny, false, at(loc, "Variable"));
  if (operators == 0) {
    schema(
        "The Choice rule must have one comparison operator (such as StringEquals or NumericLessThanPath) "
        "beside 'Variable'",
        loc);
    return;
  }
  if (operators > 1) {
    schema("There should only be one of the following fields: [" + operator_list + "]", loc);
    return;
  }
  std::string oloc = at(loc, op_member->name());
  const json::Value& operand = op_member->value;
  if (op_path) {
    check_reference_path(operand, Roots::kAny, false, oloc);
    return;
  }
  switch (op->operand) {
    case Operand::kString:
      if (expect_string(operand, oloc)) warn_no_path(operand, op->name, oloc);
      break;
    case Operand::kPattern:
      expect_string(operand, oloc);
      break;
    case Operand::kNumber:
      expect_type(operand, operand.is_int() ? json::Type::kInt : json::Type::kDouble, oloc);
      break;
    case Operand::kBoolean:
    case Operand::kTypeTest:
      expect_bool(operand, oloc);
      break;
    case Operand::kTimestamp:
      check_timestamp(operand, oloc);
      warn_no_path(operand, op->name, oloc);
      break;
  }
}

}  // namespace sg::asl::validator_detail
