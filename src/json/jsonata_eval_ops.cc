// The evaluator's operators, constructors, grouping, wildcards, descendants and sorting
// (the reference's evaluateBinary/Unary/GroupExpression/Wildcard/Descendants/Sort).
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "json/jsonata_eval.h"

namespace sg::json::jsonata {

// ---- operators ----------------------------------------------------------------------------

namespace {

const char* op_token(BinOp op) {
  switch (op) {
    case BinOp::kAdd:
      return "+";
    case BinOp::kSub:
      return "-";
    case BinOp::kMul:
      return "*";
    case BinOp::kDiv:
      return "/";
    case BinOp::kMod:
      return "%";
    case BinOp::kEq:
      return "=";
    case BinOp::kNe:
      return "!=";
    case BinOp::kLt:
      return "<";
    case BinOp::kLe:
      return "<=";
    case BinOp::kGt:
      return ">";
    case BinOp::kGe:
      return ">=";
    case BinOp::kConcat:
      return "&";
    case BinOp::kAnd:
      return "and";
    case BinOp::kOr:
      return "or";
    case BinOp::kIn:
      return "in";
    case BinOp::kRange:
      return "..";
    case BinOp::kCoalesce:
      return "??";
    case BinOp::kElvis:
      return "?:";
    case BinOp::kNone:
      return "";
  }
  return "";
}

bool strict_equal(const JValue& a, const JValue& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case JValue::Kind::kArray:
    case JValue::Kind::kObject:
      if (a.json_backing() && b.json_backing())
        return a.json_backing()->identity() == b.json_backing()->identity();
      return a.node() != nullptr && a.node() == b.node();
    case JValue::Kind::kFunction:
      return a.node() == b.node();
    default:
      return deep_equal(a, b);
  }
}

}  // namespace

bool Evaluator::eval_binary(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  BinOp op = expr->op;
  JValue lhs;
  if (!eval(expr->lhs, input, env, &lhs)) return false;
  switch (op) {
    case BinOp::kAnd:
    case BinOp::kOr: {
      bool l = truthy(lhs);
      if (op == BinOp::kAnd && !l) {
        *out = JValue::boolean(false);
        return true;
      }
      if (op == BinOp::kOr && l) {
        *out = JValue::boolean(true);
        return true;
      }
      JValue rhs;
      if (!eval(expr->rhs, input, env, &rhs)) return false;
      *out = JValue::boolean(truthy(rhs));
      return true;
    }
    case BinOp::kCoalesce:
      if (lhs.is_defined()) {
        *out = std::move(lhs);
        return true;
      }
      return eval(expr->rhs, input, env, out);
    case BinOp::kElvis:
      if (truthy(lhs)) {
        *out = std::move(lhs);
        return true;
      }
      return eval(expr->rhs, input, env, out);
    default:
      break;
  }
  JValue rhs;
  if (!eval(expr->rhs, input, env, &rhs)) return false;
  const char* token = op_token(op);
  auto error = [&](std::string_view code, JValue value = JValue(), JValue value2 = JValue()) {
    error_ = make_error(code, {.token = token, .value = value, .value2 = value2});
    error_.position = expr->position;
    error_.token = token;
    return false;
  };
  switch (op) {
    case BinOp::kAdd:
    case BinOp::kSub:
    case BinOp::kMul:
    case BinOp::kDiv:
    case BinOp::kMod: {
      if (lhs.is_defined() && !is_numeric(lhs)) return error("T2001", lhs);
      if (rhs.is_defined() && !is_numeric(rhs)) return error("T2002", rhs);
      if (lhs.is_defined() && !std::isfinite(lhs.as_number())) return error("D1001", lhs);
      if (rhs.is_defined() && !std::isfinite(rhs.as_number())) return error("D1001", rhs);
      if (lhs.is_undefined() || rhs.is_undefined()) {
        *out = JValue();
        return true;
      }
      double a = lhs.as_number(), b = rhs.as_number(), r = 0;
      switch (op) {
        case BinOp::kAdd:
          r = a + b;
          break;
        case BinOp::kSub:
          r = a - b;
          break;
        case BinOp::kMul:
          r = a * b;
          break;
        case BinOp::kDiv:
          r = a / b;
          break;
        default:
          r = std::fmod(a, b);
          break;
      }
      *out = JValue::number(r);
      return true;
    }
    case BinOp::kEq:
    case BinOp::kNe: {
      if (lhs.is_undefined() || rhs.is_undefined()) {
        *out = JValue::boolean(false);
        return true;
      }
      bool eq = deep_equal(lhs, rhs);
      *out = JValue::boolean(op == BinOp::kEq ? eq : !eq);
      return true;
    }
    case BinOp::kLt:
    case BinOp::kLe:
    case BinOp::kGt:
    case BinOp::kGe: {
      auto comparable = [](const JValue& v) { return v.is_undefined() || v.is_string() || v.is_number(); };
      if (!comparable(lhs) || !comparable(rhs)) {
        bool l_ok = lhs.is_string() || lhs.is_number();
        return error("T2010", l_ok ? rhs : lhs);
      }
      if (lhs.is_undefined() || rhs.is_undefined()) {
        *out = JValue();
        return true;
      }
      if (lhs.kind() != rhs.kind()) return error("T2009", lhs, rhs);
      int c = 0;
      if (lhs.is_number()) {
        double a = lhs.as_number(), b = rhs.as_number();
        bool r = false;
        switch (op) {
          case BinOp::kLt:
            r = a < b;
            break;
          case BinOp::kLe:
            r = a <= b;
            break;
          case BinOp::kGt:
            r = a > b;
            break;
          default:
            r = a >= b;
            break;
        }
        *out = JValue::boolean(r);
        return true;
      }
      c = lhs.as_string().compare(rhs.as_string());
      bool r = op == BinOp::kLt ? c < 0 : op == BinOp::kLe ? c <= 0 : op == BinOp::kGt ? c > 0 : c >= 0;
      *out = JValue::boolean(r);
      return true;
    }
    case BinOp::kConcat: {
      std::string l, r;
      Error e;
      if (lhs.is_defined() && !to_js_string(lhs, false, &l, &e)) {
        e.position = expr->position;
        e.token = token;
        error_ = e;
        return false;
      }
      if (rhs.is_defined() && !to_js_string(rhs, false, &r, &e)) {
        e.position = expr->position;
        e.token = token;
        error_ = e;
        return false;
      }
      if (l.size() + r.size() > max_result_size()) {
        fail("U1001", expr->position);
        error_.message = "String too long";
        return false;
      }
      l.append(r);
      *out = JValue::string(std::move(l));
      return true;
    }
    case BinOp::kIn: {
      if (lhs.is_undefined() || rhs.is_undefined()) {
        *out = JValue::boolean(false);
        return true;
      }
      bool found = false;
      if (rhs.is_array()) {
        size_t n = rhs.size();
        for (size_t i = 0; i < n && !found; ++i) found = strict_equal(rhs.at(i), lhs);
      } else {
        found = strict_equal(rhs, lhs);
      }
      *out = JValue::boolean(found);
      return true;
    }
    case BinOp::kRange: {
      auto is_integer = [](const JValue& v) {
        return v.is_number() && std::isfinite(v.as_number()) && std::floor(v.as_number()) == v.as_number();
      };
      if (lhs.is_defined() && !is_integer(lhs)) return error("T2003", lhs);
      if (rhs.is_defined() && !is_integer(rhs)) return error("T2004", rhs);
      if (lhs.is_undefined() || rhs.is_undefined()) {
        *out = JValue();
        return true;
      }
      double a = lhs.as_number(), b = rhs.as_number();
      if (a > b) {
        *out = JValue();
        return true;
      }
      double size = b - a + 1;
      if (size > 1e7) return error("D2014", JValue::number(size));
      *out = make_range(a, static_cast<size_t>(size), kSeq);
      return true;
    }
    default:
      return fail("S0201", expr->position, {.token = expr->value});
  }
}

bool Evaluator::eval_unary(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  if (expr->value == "-") {
    JValue v;
    if (!eval(expr->expression, input, env, &v)) return false;
    if (v.is_undefined()) {
      *out = JValue();
      return true;
    }
    if (is_numeric(v)) {
      if (!std::isfinite(v.as_number())) return fail("D1001", expr->position, {.value = v});
      *out = JValue::number(-v.as_number());
      return true;
    }
    error_ = make_error("D1002", {.token = "-", .value = v});
    error_.position = expr->position;
    error_.token.assign(1, '-');
    return false;
  }
  if (expr->value == "[") {
    std::vector<JValue> items;
    for (const Node* item : expr->expressions) {
      JValue v;
      if (!eval(item, input, env, &v)) return false;
      if (v.is_undefined()) continue;
      if (item->type == NodeType::kUnary && item->value == "[") {
        items.push_back(std::move(v));
      } else if (v.is_array()) {
        size_t n = v.size();
        if (items.size() + n > kMaxArrayItems) return fail("U1001", expr->position);
        if (items.empty() && array_node(v) && array_node(v)->is_range && expr->expressions.size() == 1) {
          // [a..b]: keep the range unmaterialised.
          *out = v.with_flags(expr->consarray ? JValue::kCons : 0);
          return true;
        }
        items.reserve(items.size() + n);
        for (size_t i = 0; i < n; ++i) items.push_back(v.at(i));
      } else {
        items.push_back(std::move(v));
      }
    }
    JValue arr = make_array(std::move(items), expr->consarray ? JValue::kCons : 0);
    if (!check_value(arr, expr->position)) return false;
    *out = std::move(arr);
    return true;
  }
  // Object constructor.
  return eval_group(expr->pairs, expr->position, input, env, out);
}

// ---- object constructors and grouping -----------------------------------------------------

namespace {

// Accumulates fn.append(data, item) over the items of one group without quadratic copying.
struct GroupData {
  JValue first;
  std::vector<JValue> items;  // once there are two or more
  size_t count = 0;
  size_t expr_index = 0;

  void add(const JValue& item) {
    if (count == 0) {
      first = item;
    } else {
      if (count == 1) spread(first);
      spread(item);
    }
    ++count;
  }
  void spread(const JValue& v) {
    if (v.is_array()) {
      size_t n = v.size();
      for (size_t i = 0; i < n; ++i) items.push_back(v.at(i));
    } else {
      items.push_back(v);
    }
  }
  JValue data() const { return count <= 1 ? first : make_array(items); }
};

}  // namespace

bool Evaluator::eval_group(const std::vector<std::pair<Node*, Node*>>& pairs, int64_t position,
                           const JValue& input, const FramePtr& env, JValue* out) {
  bool reduce = is_tuple_stream(input);
  // Fast path for the commonest constructor, literal keys over one context item: no
  // grouping needed. Same checks, in the same order, as the general algorithm below.
  if (!reduce && !input.is_array() && std::all_of(pairs.begin(), pairs.end(), [](const auto& p) {
        return p.first->type == NodeType::kString;
      })) {
    for (size_t i = 1; i < pairs.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (pairs[i].first->value == pairs[j].first->value)
          return fail("D1009", position, {.value = JValue::string(pairs[i].first->value)});
    auto node = new_object_node();
    node->members.reserve(pairs.size());
    for (const auto& [key, expr] : pairs) {
      JValue value;
      if (!eval(expr, input, env, &value)) return false;
      if (value.is_defined()) node->set(key->value, std::move(value));
    }
    JValue obj = object_from_node(std::move(node));
    if (!check_value(obj, position)) return false;
    *out = std::move(obj);
    return true;
  }
  std::vector<JValue> items;
  if (input.is_array()) {
    items = input.items();
  } else {
    items.push_back(input);
  }
  if (items.empty()) items.emplace_back();
  std::vector<std::pair<std::string, GroupData>> groups;
  std::unordered_map<std::string, size_t> index;
  for (const JValue& item : items) {
    FramePtr item_env = reduce ? frame_from_tuple(env, item) : env;
    JValue context = reduce ? item.get("@") : item;
    for (size_t pair_index = 0; pair_index < pairs.size(); ++pair_index) {
      JValue key;
      if (!eval(pairs[pair_index].first, context, item_env, &key)) return false;
      if (key.is_undefined()) continue;
      if (!key.is_string()) return fail("T1003", position, {.value = key});
      std::string k(key.as_string());
      auto it = index.find(k);
      if (it != index.end()) {
        GroupData& g = groups[it->second].second;
        if (g.expr_index != pair_index) return fail("D1009", position, {.value = key});
        g.add(item);
      } else {
        index.emplace(k, groups.size());
        GroupData g;
        g.expr_index = pair_index;
        g.add(item);
        groups.emplace_back(std::move(k), std::move(g));
      }
    }
  }
  auto node = new_object_node();
  for (auto& [key, g] : groups) {
    JValue context = g.data();
    FramePtr group_env = env;
    if (reduce) {
      // reduceTupleStream: merge the tuples' bindings, appending values per name.
      std::vector<std::pair<std::string, GroupData>> merged;
      std::unordered_map<std::string, size_t> at;
      auto take = [&](const JValue& tuple) {
        for (size_t k = 0; k < tuple.member_count(); ++k) {
          std::string name(tuple.key_at(k));
          auto f = at.find(name);
          if (f == at.end()) {
            at.emplace(name, merged.size());
            GroupData d;
            d.add(tuple.value_at(k));
            merged.emplace_back(std::move(name), std::move(d));
          } else {
            merged[f->second].second.add(tuple.value_at(k));
          }
        }
      };
      if (context.is_array()) {
        size_t n = context.size();
        for (size_t i = 0; i < n; ++i) take(context.at(i));
      } else {
        take(context);
      }
      group_env = new_frame(env);
      context = JValue();
      for (auto& [name, d] : merged) {
        if (name == "@")
          context = d.data();
        else
          bind(group_env, name, d.data());
      }
    }
    JValue value;
    if (!eval(pairs[g.expr_index].second, context, group_env, &value)) return false;
    if (value.is_defined()) node->set(key, std::move(value));
  }
  JValue obj = object_from_node(std::move(node));
  if (!check_value(obj, position)) return false;
  *out = std::move(obj);
  return true;
}

bool Evaluator::eval_wildcard(const JValue& input, JValue* out) {
  JValue in = input;
  if (in.is_array() && in.has_flag(JValue::kOuterWrapper) && in.size() > 0) in = in.at(0);
  std::vector<JValue> results;
  bool sequence = true;
  auto add = [&](const JValue& value) {
    if (value.is_array()) {
      // flatten(value) appended: the result is no longer a sequence (fn.append).
      std::vector<JValue> flat;
      // Depth-first, left to right.
      std::vector<std::pair<JValue, size_t>> work{{value, 0}};
      while (!work.empty()) {
        auto& [arr, i] = work.back();
        if (i >= arr.size()) {
          work.pop_back();
          continue;
        }
        JValue item = arr.at(i++);
        if (item.is_array())
          work.emplace_back(item, 0);
        else
          flat.push_back(std::move(item));
      }
      sequence = false;
      results.insert(results.end(), flat.begin(), flat.end());
    } else {
      results.push_back(value);
    }
  };
  if (in.is_object()) {
    size_t n = in.member_count();
    for (size_t i = 0; i < n; ++i) add(in.value_at(i));
  } else if (in.is_array()) {
    size_t n = in.size();
    for (size_t i = 0; i < n; ++i) add(in.at(i));
  }
  *out = make_array(std::move(results), sequence ? kSeq : 0);
  return true;
}

bool Evaluator::eval_descendants(const JValue& input, JValue* out) {
  if (input.is_undefined()) {
    *out = JValue();
    return true;
  }
  std::vector<JValue> results;
  std::vector<JValue> stack{input};
  while (!stack.empty()) {
    JValue v = std::move(stack.back());
    stack.pop_back();
    if (!v.is_array()) results.push_back(v);
    if (v.is_array()) {
      for (size_t i = v.size(); i-- > 0;) stack.push_back(v.at(i));
    } else if (v.is_object()) {
      for (size_t i = v.member_count(); i-- > 0;) stack.push_back(v.value_at(i));
    }
    if (results.size() > kMaxArrayItems) return fail("U1001", 0);
  }
  if (results.size() == 1)
    *out = results[0];
  else
    *out = sequence_of(std::move(results));
  return true;
}

// ---- sorting --------------------------------------------------------------------------------

bool Evaluator::eval_sort(const Node* expr, const JValue& input, const FramePtr& env, JValue* out) {
  size_t n = input.size();
  if (n <= 1) {
    *out = input;
    return true;
  }
  bool tuples = is_tuple_stream(input);
  // Sort keys are evaluated per comparison in the reference; evaluating them once per item
  // gives the same order (keys do not depend on the other item) at a fraction of the cost.
  size_t nterms = expr->terms.size();
  std::vector<JValue> items = input.items();
  std::vector<std::vector<JValue>> keys(n, std::vector<JValue>(nterms));
  for (size_t i = 0; i < n; ++i) {
    JValue context = items[i];
    FramePtr item_env = env;
    if (tuples) {
      context = items[i].get("@");
      item_env = frame_from_tuple(env, items[i]);
    }
    for (size_t t = 0; t < nterms; ++t)
      if (!eval(expr->terms[t].expression, context, item_env, &keys[i][t])) return false;
  }
  bool failed = false;
  // "a goes after b" as the reference's comparator (true when comp === 1).
  auto after = [&](size_t a, size_t b) {
    int comp = 0;
    for (size_t t = 0; comp == 0 && t < nterms; ++t) {
      const JValue& aa = keys[a][t];
      const JValue& bb = keys[b][t];
      if (aa.is_undefined()) {
        comp = bb.is_undefined() ? 0 : 1;
        continue;
      }
      if (bb.is_undefined()) {
        comp = -1;
        continue;
      }
      bool a_ok = aa.is_number() || aa.is_string();
      bool b_ok = bb.is_number() || bb.is_string();
      if (!a_ok || !b_ok) {
        failed = true;
        fail("T2008", expr->position, {.value = a_ok ? bb : aa});
        return false;
      }
      if (aa.kind() != bb.kind()) {
        failed = true;
        fail("T2007", expr->position, {.value = aa, .value2 = bb});
        return false;
      }
      if (aa.is_number()) {
        if (aa.as_number() == bb.as_number()) continue;
        comp = aa.as_number() < bb.as_number() ? -1 : 1;
      } else {
        int c = aa.as_string().compare(bb.as_string());
        if (c == 0) continue;
        comp = c < 0 ? -1 : 1;
      }
      if (expr->terms[t].descending) comp = -comp;
    }
    return comp == 1;
  };
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  // Stable merge sort (the reference's), bottom-up.
  std::vector<size_t> tmp(n);
  for (size_t width = 1; width < n && !failed; width *= 2) {
    for (size_t lo = 0; lo < n && !failed; lo += 2 * width) {
      size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (after(order[i], order[j])) {
          tmp[k++] = order[j++];
        } else {
          tmp[k++] = order[i++];
        }
        if (failed) return false;
      }
      while (i < mid) tmp[k++] = order[i++];
      while (j < hi) tmp[k++] = order[j++];
    }
    order.swap(tmp);
  }
  if (failed) return false;
  std::vector<JValue> sorted;
  sorted.reserve(n);
  for (size_t i : order) sorted.push_back(items[i]);
  *out = make_array(std::move(sorted), tuples ? (kSeq | JValue::kTupleStream) : 0);
  return true;
}

}  // namespace sg::json::jsonata
