#include "asl/choice_eval.h"

#include "json/timestamp.h"

namespace sg::asl {

using json::Value;

namespace {

struct Token {
  bool star;
  char c;
};

}  // namespace

bool string_matches(std::string_view value, std::string_view pattern, bool* bad_escape) {
  // Unescape into tokens first, then the classic greedy wildcard match with backtracking
  // to the last star (linear in practice, O(n*m) worst case, no recursion).
  std::vector<Token> toks;
  toks.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size() && (pattern[i + 1] == '*' || pattern[i + 1] == '\\')) {
        toks.push_back({false, pattern[++i]});
        continue;
      }
      *bad_escape = true;
      return false;
    }
    toks.push_back({c == '*', c});
  }
  size_t v = 0, p = 0, star = std::string_view::npos, mark = 0;
  while (v < value.size()) {
    if (p < toks.size() && !toks[p].star && toks[p].c == value[v]) {
      ++v;
      ++p;
    } else if (p < toks.size() && toks[p].star) {
      star = p++;
      mark = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < toks.size() && toks[p].star) ++p;
  return p == toks.size();
}

namespace {

StatesError invalid_path(const json::JsonPath& p) {
  return StatesError::make(
      std::string(errors::kRuntime),
      "Invalid path '" + p.text() + "': The choice state's condition path references an invalid value.");
}

template <class Cmp>
bool compare_strings(const Value& a, const Value& b, Cmp cmp) {
  if (!a.is_string() || !b.is_string()) return false;
  return cmp(a.as_string().compare(b.as_string()), 0);
}

template <class Cmp>
bool compare_numbers(const Value& a, const Value& b, Cmp cmp) {
  if (!a.is_number() || !b.is_number()) return false;
  if (a.is_int() && b.is_int()) return cmp(a.as_int(), b.as_int());
  return cmp(a.as_double(), b.as_double());
}

template <class Cmp>
bool compare_times(const Value& a, std::optional<int64_t> b, Cmp cmp) {
  if (!a.is_string() || !b) return false;
  auto ta = json::parse_rfc3339(a.as_string());
  return ta && cmp(*ta, *b);
}

struct Lt {
  template <class T>
  bool operator()(T a, T b) const {
    return a < b;
  }
};
struct Gt {
  template <class T>
  bool operator()(T a, T b) const {
    return a > b;
  }
};
struct Le {
  template <class T>
  bool operator()(T a, T b) const {
    return a <= b;
  }
};
struct Ge {
  template <class T>
  bool operator()(T a, T b) const {
    return a >= b;
  }
};
struct Eq {
  template <class T>
  bool operator()(T a, T b) const {
    return a == b;
  }
};

}  // namespace

bool evaluate_choice_rule(const ChoiceRule& r, const json::PathRoots& roots, StatesError* error) {
  switch (r.op) {
    case ChoiceOp::kAnd:
      for (const ChoiceRule& c : r.children) {
        if (!evaluate_choice_rule(c, roots, error)) return false;
      }
      return true;
    case ChoiceOp::kOr:
      for (const ChoiceRule& c : r.children) {
        if (evaluate_choice_rule(c, roots, error)) return true;
        if (!error->error.empty()) return false;
      }
      return false;
    case ChoiceOp::kNot: {
      bool v = evaluate_choice_rule(r.children[0], roots, error);
      return error->error.empty() && !v;
    }
    default:
      break;
  }
  auto var = r.variable.evaluate_in(roots);
  if (r.op == ChoiceOp::kIsPresent) return var.ok() == r.operand.as_bool();
  if (!var) {
    *error = invalid_path(r.variable);
    return false;
  }
  const Value& v = *var;
  Value operand_storage;
  const Value* operand = &r.operand;
  std::optional<int64_t> operand_time = r.operand_time;
  if (r.operand_is_path) {
    auto o = r.operand_path.evaluate_in(roots);
    if (!o) {
      *error = invalid_path(r.operand_path);
      return false;
    }
    operand_storage = std::move(o).value();
    operand = &operand_storage;
    operand_time = operand->is_string() ? json::parse_rfc3339(operand->as_string()) : std::nullopt;
  }
  const Value& o = *operand;
  switch (r.op) {
    case ChoiceOp::kStringEquals:
      return compare_strings(v, o, Eq{});
    case ChoiceOp::kStringLessThan:
      return compare_strings(v, o, Lt{});
    case ChoiceOp::kStringGreaterThan:
      return compare_strings(v, o, Gt{});
    case ChoiceOp::kStringLessThanEquals:
      return compare_strings(v, o, Le{});
    case ChoiceOp::kStringGreaterThanEquals:
      return compare_strings(v, o, Ge{});
    case ChoiceOp::kStringMatches: {
      if (!v.is_string() || !o.is_string()) return false;
      bool bad = false;
      bool m = string_matches(v.as_string(), o.as_string(), &bad);
      if (bad) {
        *error = StatesError::make(std::string(errors::kRuntime),
                                   "The StringMatches pattern '" + std::string(o.as_string()) +
                                       "' has a backslash that escapes neither '*' nor '\\'");
        return false;
      }
      return m;
    }
    case ChoiceOp::kNumericEquals:
      return compare_numbers(v, o, Eq{});
    case ChoiceOp::kNumericLessThan:
      return compare_numbers(v, o, Lt{});
    case ChoiceOp::kNumericGreaterThan:
      return compare_numbers(v, o, Gt{});
    case ChoiceOp::kNumericLessThanEquals:
      return compare_numbers(v, o, Le{});
    case ChoiceOp::kNumericGreaterThanEquals:
      return compare_numbers(v, o, Ge{});
    case ChoiceOp::kBooleanEquals:
      return v.is_bool() && o.is_bool() && v.as_bool() == o.as_bool();
    case ChoiceOp::kTimestampEquals:
      return compare_times(v, operand_time, Eq{});
    case ChoiceOp::kTimestampLessThan:
      return compare_times(v, operand_time, Lt{});
    case ChoiceOp::kTimestampGreaterThan:
      return compare_times(v, operand_time, Gt{});
    case ChoiceOp::kTimestampLessThanEquals:
      return compare_times(v, operand_time, Le{});
    case ChoiceOp::kTimestampGreaterThanEquals:
      return compare_times(v, operand_time, Ge{});
    case ChoiceOp::kIsNull:
      return v.is_null() == o.as_bool();
    case ChoiceOp::kIsNumeric:
      return v.is_number() == o.as_bool();
    case ChoiceOp::kIsString:
      return v.is_string() == o.as_bool();
    case ChoiceOp::kIsBoolean:
      return v.is_bool() == o.as_bool();
    case ChoiceOp::kIsTimestamp:
      return (v.is_string() && json::parse_rfc3339(v.as_string()).has_value()) == o.as_bool();
    default:
      return false;
  }
}

}  // namespace sg::asl
