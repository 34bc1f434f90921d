// Evaluating filter expressions against one item, with Jayway's comparison rules:
// - an operand path that selects nothing is "undefined": it equals nothing (so != is true);
// - numbers compare numerically, strings lexically, a number equals a numeric string;
// - ordering operators and every list operator are false on a type mismatch;
// - =~ matches the whole string form of the other side (strings, numbers, booleans; "" else).
#include <regex>

#include "json/jsonpath_ast.h"

namespace sg::json::path_detail {

namespace {

struct OpVal {
  enum class Kind : uint8_t { kUndefined, kValue, kPattern } kind = Kind::kUndefined;
  const Value* v = nullptr;
  const std::regex* re = nullptr;
  Value owned;  // results that are not nodes of the document (function results, lists)

  bool value() const { return kind == Kind::kValue; }
  bool array() const { return value() && v->is_array(); }
};

// Fills `out` in place (it may point into itself, so it is never moved).
void eval_operand(const Operand& o, const Value& item, const Value& doc, Budget& budget, OpVal& out) {
  switch (o.kind) {
    case Operand::Kind::kLiteral:
      out.kind = OpVal::Kind::kValue;
      out.v = &o.literal;
      return;
    case Operand::Kind::kPattern:
      out.kind = OpVal::Kind::kPattern;
      out.re = o.regex.get();
      return;
    case Operand::Kind::kPath: {
      const Compiled& c = *o.path;
      const Value& start = c.root_char == '@' ? item : doc;
      if (c.simple) {
        out.v = walk_simple(c, start);
        out.kind = out.v ? OpVal::Kind::kValue : OpVal::Kind::kUndefined;
        return;
      }
      auto r = evaluate_compiled(c, start, doc, budget);
      if (!r) return;
      out.owned = std::move(r).value();
      out.v = &out.owned;
      out.kind = OpVal::Kind::kValue;
      return;
    }
  }
}

bool path_exists(const Compiled& c, const Value& item, const Value& doc, Budget& budget) {
  const Value& start = c.root_char == '@' ? item : doc;
  if (c.simple) return walk_simple(c, start) != nullptr;
  auto r = evaluate_compiled(c, start, doc, budget);
  if (!r) return false;
  return c.definite || r->size() > 0;
}

bool numbers_equal(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  return a.as_double() == b.as_double();
}

int compare_numbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
  double x = a.as_double(), y = b.as_double();
  return x < y ? -1 : x > y ? 1 : 0;  // NaN never occurs in JSON
}

bool number_equals_string(const Value& n, const Value& s) {
  Value parsed;
  return parse_number(s.as_string(), &parsed) && numbers_equal(n, parsed);
}

// Jayway's ValueNode.equals between two defined operands.
bool loose_equals(const Value& a, const Value& b) {
  if (a.is_number()) {
    if (b.is_number()) return numbers_equal(a, b);
    return b.is_string() && number_equals_string(a, b);
  }
  if (a.is_string()) {
    if (b.is_string()) return a.as_string() == b.as_string();
    return b.is_number() && number_equals_string(b, a);
  }
  if (a.is_bool()) return b.is_bool() && a.as_bool() == b.as_bool();
  if (a.is_null()) return b.is_null();
  return b.is_container() && a == b;
}

bool equals(const OpVal& a, const OpVal& b) { return a.value() && b.value() && loose_equals(*a.v, *b.v); }

// Jayway's node classes for === (number, string, boolean, null, JSON container).
int node_class(const Value& v) {
  if (v.is_number()) return 0;
  if (v.is_string()) return 1;
  if (v.is_bool()) return 2;
  if (v.is_null()) return 3;
  return 4;
}

bool list_contains(const Value& list, const Value& x) {
  for (const Value& e : list.items()) {
    if (loose_equals(x, e)) return true;
  }
  return false;
}

// Java String.length(): UTF-16 code units.
int64_t utf16_length(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

std::string regex_input(const OpVal& o) {
  if (!o.value()) return {};
  const Value& v = *o.v;
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_number()) return v.dump();
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return {};
}

bool regex_full_match(const std::regex& re, const std::string& input) {
  try {
    return std::regex_match(input, re);
  } catch (const std::exception&) {  // error_complexity / error_stack: no match
    return false;
  }
}

bool compare(RelOp op, const OpVal& l, const OpVal& r) {
  switch (op) {
    case RelOp::kExists:
      return false;  // handled by the caller
    case RelOp::kEq:
      return equals(l, r);
    case RelOp::kNe:
      return !equals(l, r);
    case RelOp::kTsEq:
      return l.value() && r.value() && node_class(*l.v) == node_class(*r.v) && equals(l, r);
    case RelOp::kTsNe:
      return !(l.value() && r.value() && node_class(*l.v) == node_class(*r.v) && equals(l, r));
    case RelOp::kLt:
    case RelOp::kLe:
    case RelOp::kGt:
    case RelOp::kGe: {
      if (!l.value() || !r.value()) return false;
      int c;
      if (l.v->is_number() && r.v->is_number())
        c = compare_numbers(*l.v, *r.v);
      else if (l.v->is_string() && r.v->is_string())
        c = l.v->as_string().compare(r.v->as_string());
      else
        return false;
      if (op == RelOp::kLt) return c < 0;
      if (op == RelOp::kLe) return c <= 0;
      if (op == RelOp::kGt) return c > 0;
      return c >= 0;
    }
    case RelOp::kRegex: {
      bool lp = l.kind == OpVal::Kind::kPattern, rp = r.kind == OpVal::Kind::kPattern;
      if (lp == rp) return false;
      return lp ? regex_full_match(*l.re, regex_input(r)) : regex_full_match(*r.re, regex_input(l));
    }
    case RelOp::kIn:
      return r.array() && l.value() && list_contains(*r.v, *l.v);
    case RelOp::kNin:
      if (r.array()) return !(l.value() && list_contains(*r.v, *l.v));
      return r.value() && r.v->is_object();
    case RelOp::kSubsetOf:
      if (!l.array() || !r.array()) return false;
      for (const Value& e : l.v->items()) {
        if (!list_contains(*r.v, e)) return false;
      }
      return true;
    case RelOp::kAll:
      if (!l.array() || !r.array()) return false;
      for (const Value& e : r.v->items()) {
        if (!list_contains(*l.v, e)) return false;
      }
      return true;
    case RelOp::kAnyOf:
    case RelOp::kNoneOf: {
      if (!l.array() || !r.array()) return false;
      bool any = false;
      for (const Value& e : l.v->items()) {
        if (list_contains(*r.v, e)) {
          any = true;
          break;
        }
      }
      return op == RelOp::kAnyOf ? any : !any;
    }
    case RelOp::kContains:
      if (!l.value() || !r.value()) return false;
      if (l.v->is_string())
        return r.v->is_string() && l.v->as_string().find(r.v->as_string()) != std::string_view::npos;
      return l.v->is_array() && list_contains(*l.v, *r.v);
    case RelOp::kSize: {
      if (!l.value() || !r.value() || !r.v->is_number()) return false;
      int64_t want = r.v->is_int() ? r.v->as_int() : static_cast<int64_t>(r.v->as_double());
      if (l.v->is_string()) return utf16_length(l.v->as_string()) == want;
      if (l.v->is_array()) return static_cast<int64_t>(l.v->size()) == want;
      if (l.v->is_object()) return want == -1;  // Jayway's length of a non-array JSON node
      return false;
    }
    case RelOp::kEmpty: {
      if (!l.value() || !r.value() || !r.v->is_bool()) return false;
      bool want = r.v->as_bool();
      if (l.v->is_string()) return l.v->as_string().empty() == want;
      if (l.v->is_container()) return (l.v->size() == 0) == want;
      return false;
    }
  }
  return false;
}

}  // namespace

bool filter_accepts(const FilterExpr& f, const Value& item, const Value& doc, Budget& budget) {
  if (!budget.spend()) return false;
  switch (f.kind) {
    case FilterExpr::Kind::kOr:
      for (const FilterExpr& c : f.children) {
        if (filter_accepts(c, item, doc, budget)) return true;
      }
      return false;
    case FilterExpr::Kind::kAnd:
      for (const FilterExpr& c : f.children) {
        if (!filter_accepts(c, item, doc, budget)) return false;
      }
      return true;
    case FilterExpr::Kind::kNot:
      return !filter_accepts(f.children[0], item, doc, budget);
    case FilterExpr::Kind::kRel:
      break;
  }
  if (f.op == RelOp::kExists) return path_exists(*f.left.path, item, doc, budget) == f.should_exist;
  OpVal l, r;
  eval_operand(f.left, item, doc, budget, l);
  eval_operand(f.right, item, doc, budget, r);
  return compare(f.op, l, r);
}

}  // namespace sg::json::path_detail
