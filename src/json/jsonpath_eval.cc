// Evaluation of a compiled path, with Jayway's rules:
// - steps before the first indefinite one are "upstream definite": a missing property is an
//   error ("Missing property in path ..." or, on the last step, "No results for path: ...");
// - the first indefinite step still reports type errors (an index/slice on a non-array, a
//   filter on a primitive); everything after it skips what does not match;
// - an indefinite path returns every match, in document order, as an array.
// The definite prefix is a pointer walk with no allocation; indefinite steps work
// breadth-first on vectors of node pointers (same order as Jayway's depth-first walk), and
// deep scans use an explicit stack. Every evaluation has a work budget.
#include <algorithm>
#include <cmath>

#include "json/jsonpath_ast.h"

namespace sg::json::path_detail {

namespace {

constexpr const char* kEmptyAggregation =
    "Aggregation function attempted to calculate value using empty array";

bool resolve_index(int64_t idx, size_t len, size_t* out) {
  int64_t e = idx < 0 ? static_cast<int64_t>(len) + idx : idx;
  if (e < 0 || e >= static_cast<int64_t>(len)) return false;
  *out = static_cast<size_t>(e);
  return true;
}

// Java's String.format("%s", node) for the models Jayway prints in its messages.
std::string context_string(const Value& v) { return v.is_string() ? std::string(v.as_string()) : v.dump(); }

bool is_numeric_function(Function f) {
  return f == Function::kMin || f == Function::kMax || f == Function::kAvg || f == Function::kSum ||
         f == Function::kStddev;
}

// min/max/avg/sum/stddev over the numbers among `values` (Jayway answers doubles).
template <class Range>
Result<Value> aggregate(Function f, const Range& values) {
  double sum = 0, sum_sq = 0, lo = 0, hi = 0;
  size_t count = 0;
  for (const Value* v : values) {
    if (!v->is_number()) continue;
    double d = v->as_double();
    if (count == 0 || d < lo) lo = d;
    if (count == 0 || d > hi) hi = d;
    sum += d;
    sum_sq += d * d;
    ++count;
  }
  if (count == 0) return path_error(kEmptyAggregation);
  double n = static_cast<double>(count);
  switch (f) {
    case Function::kMin:
      return Value::number(lo);
    case Function::kMax:
      return Value::number(hi);
    case Function::kAvg:
      return Value::number(sum / n);
    case Function::kSum:
      return Value::number(sum);
    default:
      return Value::number(std::sqrt(sum_sq / n - sum * sum / n / n));
  }
}

Result<Value> apply_function(Function f, const Value& v) {
  switch (f) {
    case Function::kLength:
    case Function::kSize:
      if (v.is_container()) return Value::integer(static_cast<int64_t>(v.size()));
      return Value();
    case Function::kKeys: {
      if (!v.is_object()) return Value();
      std::vector<Value> keys;
      keys.reserve(v.size());
      for (const Member& m : v.members()) keys.push_back(m.key);
      return Value::array(std::move(keys));
    }
    case Function::kFirst:
    case Function::kLast:
      if (!v.is_array() || v.size() == 0) return path_error(kEmptyAggregation);
      return f == Function::kFirst ? v[0] : v[v.size() - 1];
    case Function::kNone:
      return v;
    default: {
      if (!v.is_array()) return path_error(kEmptyAggregation);
      std::vector<const Value*> nums;
      nums.reserve(v.size());
      for (const Value& x : v.items()) nums.push_back(&x);
      return aggregate(f, nums);
    }
  }
}

class Evaluator {
 public:
  Evaluator(const Compiled& c, const Value& doc, Budget& budget) : c_(c), doc_(doc), budget_(budget) {}

  Result<Value> run(const Value& start) {
    const size_t n = c_.steps.size();
    const size_t p = c_.strict_prefix;
    const Value* cur = &start;
    for (size_t i = 0; i < p; ++i) {
      const Step& st = c_.steps[i];
      const bool leaf = i + 1 == n && c_.function == Function::kNone;
      if (st.kind == StepKind::kName) {
        const Value* next = cur->find(st.names[0]);
        if (!next) return leaf ? no_results() : missing_property(i);
        cur = next;
      } else if (st.kind == StepKind::kIndex) {
        if (!cur->is_array()) return not_array(i, *cur);
        size_t k;
        if (!resolve_index(st.indexes[0], cur->size(), &k)) return no_results();
        cur = &(*cur)[k];
      } else {  // kNames as the last step: one object of the members present
        if (!cur->is_object()) return no_results();
        return merge(st, *cur);
      }
    }
    if (p == n) return c_.function == Function::kNone ? *cur : apply_function(c_.function, *cur);
    return indefinite(cur);
  }

 private:
  Error no_results() const { return path_error("No results for path: " + c_.normalized); }
  Error missing_property(size_t i) const {
    return path_error("Missing property in path " + eval_path(c_, i + 1));
  }
  Error limit() const {
    return Error{"PATH_LIMIT_EXCEEDED", "Evaluation of the JSONPath " + c_.text + " exceeded its work limit"};
  }
  Error not_array(size_t i, const Value& node) const {
    if (node.is_null()) return path_error("The path " + eval_path(c_, i) + " is null");
    return path_error("Filter: " + fragments(c_, i) +
                      " can only be applied to arrays. Current context is: " + context_string(node));
  }

  // Errors the first indefinite step reports when its input is of the wrong type.
  Status strict_check(size_t i, const Value& node) const {
    const Step& st = c_.steps[i];
    switch (st.kind) {
      case StepKind::kIndexes:
      case StepKind::kSlice:
        if (!node.is_array()) return Status(not_array(i, node));
        break;
      case StepKind::kFilter:
        if (!node.is_container()) {
          return Status(
              path_error("Filter: " + fragments(c_, i) +
                         " can not be applied to primitives. Current context is: " + context_string(node)));
        }
        break;
      case StepKind::kNames:
        if (!node.is_object()) {
          std::string names;
          for (const std::string& s : st.names) names += (names.empty() ? "'" : ", '") + s + "'";
          return Status(path_error("Missing property in path " + eval_path(c_, i) + "[" + names + "]"));
        }
        break;
      default:
        break;
    }
    return Status::Ok();
  }

  Result<Value> indefinite(const Value* start) {
    const size_t n = c_.steps.size();
    const size_t p = c_.strict_prefix;
    const size_t end = c_.merge_leaf ? n - 1 : n;
    std::vector<const Value*> set{start}, next;
    for (size_t i = p; i < end; ++i) {
      const Step& st = c_.steps[i];
      next.clear();
      for (const Value* node : set) {
        if (i == p && !st.scan) {
          if (Status s = strict_check(i, *node); !s) return s.error();
        }
        if (st.scan)
          scan(st, *node, next);
        else
          apply(st, *node, false, next);
        if (budget_.exceeded()) return limit();
      }
      set.swap(next);
    }
    std::vector<Value> results;
    if (c_.merge_leaf) {
      const Step& st = c_.steps[n - 1];
      if (st.scan) {
        next.clear();
        for (const Value* node : set) scan(st, *node, next);
        set.swap(next);
      }
      results.reserve(set.size());
      for (const Value* node : set) {
        if (node->is_object()) results.push_back(merge(st, *node));
      }
    } else {
      results.reserve(set.size());
      for (const Value* node : set) results.push_back(*node);
    }
    if (budget_.exceeded()) return limit();
    if (c_.function == Function::kNone) return Value::array(std::move(results));
    if (!c_.steps.empty() && c_.steps[0].scan) return inverted_function(results);
    for (Value& r : results) {
      auto v = apply_function(c_.function, r);
      if (!v) return v;
      r = std::move(v).value();
    }
    return Value::array(std::move(results));
  }

  // Jayway turns "$..x.f()" into f applied to all matches of "$..x": length() counts the
  // children of the matches, the numeric functions read the numbers among them.
  Result<Value> inverted_function(const std::vector<Value>& results) const {
    Function f = c_.function;
    if (f == Function::kLength || f == Function::kSize) {
      int64_t count = 0;
      for (const Value& v : results) count += static_cast<int64_t>(v.size());
      return Value::integer(count);
    }
    if (is_numeric_function(f)) {
      std::vector<const Value*> ptrs;
      ptrs.reserve(results.size());
      for (const Value& v : results) ptrs.push_back(&v);
      return aggregate(f, ptrs);
    }
    return apply_function(f, Value::array(results));
  }

  Value merge(const Step& st, const Value& obj) const {
    ObjectBuilder b(st.names.size());
    for (const std::string& name : st.names) {
      if (const Value* v = obj.find(name)) b.set(name, *v);
    }
    return std::move(b).build();
  }

  void push(std::vector<const Value*>& out, const Value* v) {
    if (budget_.spend()) out.push_back(v);
  }

  // One step applied to one node. `scanning`: the node was reached by a deep scan, where
  // a filter selects matching objects themselves and a multi-name leaf needs every name.
  void apply(const Step& st, const Value& node, bool scanning, std::vector<const Value*>& out) {
    switch (st.kind) {
      case StepKind::kName:
        if (const Value* v = node.find(st.names[0])) push(out, v);
        return;
      case StepKind::kNames:
        if (scanning && c_.merge_leaf && &st == &c_.steps.back()) {
          bool all = node.is_object();
          for (size_t i = 0; all && i < st.names.size(); ++i) all = node.find(st.names[i]) != nullptr;
          if (all) push(out, &node);
          return;
        }
        for (const std::string& name : st.names) {
          if (const Value* v = node.find(name)) push(out, v);
        }
        return;
      case StepKind::kIndex:
      case StepKind::kIndexes:
        if (!node.is_array()) return;
        for (int32_t idx : st.indexes) {
          size_t k;
          if (resolve_index(idx, node.size(), &k)) push(out, &node[k]);
        }
        return;
      case StepKind::kSlice:
        if (node.is_array()) slice(st, node, out);
        return;
      case StepKind::kWildcard:
        if (node.is_object()) {
          for (const Member& m : node.members()) push(out, &m.value);
        } else {
          for (const Value& v : node.items()) push(out, &v);
        }
        return;
      case StepKind::kFilter:
        if (node.is_object()) {
          if (filter_accepts(*st.filter, node, doc_, budget_)) push(out, &node);
        } else if (node.is_array() && !scanning) {
          for (const Value& v : node.items()) {
            if (filter_accepts(*st.filter, v, doc_, budget_)) push(out, &v);
          }
        }
        return;
    }
  }

  // Jayway's three slice forms, including its quirks: [from:to] does not count a negative
  // `to` from the end, and a negative `from` there walks the negative indexes first.
  void slice(const Step& st, const Value& arr, std::vector<const Value*>& out) {
    const int64_t len = static_cast<int64_t>(arr.size());
    if (len == 0) return;
    int64_t from = st.from, to = st.to;
    if (st.has_from && !st.has_to) {
      if (from < 0) from += len;
      for (int64_t i = std::max<int64_t>(0, from); i < len; ++i) push(out, &arr[static_cast<size_t>(i)]);
    } else if (!st.has_from) {
      if (to < 0) to += len;
      to = std::min(len, to);
      for (int64_t i = 0; i < to; ++i) push(out, &arr[static_cast<size_t>(i)]);
    } else {
      to = std::min(len, to);
      if (from >= to) return;
      for (int64_t i = std::max(from, -len); i < std::min<int64_t>(to, 0); ++i) {
        push(out, &arr[static_cast<size_t>(len + i)]);
      }
      for (int64_t i = std::max<int64_t>(from, 0); i < to; ++i) push(out, &arr[static_cast<size_t>(i)]);
    }
  }

  // ".." + step: the step applied at `start` and every node below it, in pre-order.
  void scan(const Step& st, const Value& start, std::vector<const Value*>& out) {
    std::vector<const Value*> stack{&start};
    while (!stack.empty()) {
      const Value* node = stack.back();
      stack.pop_back();
      if (!budget_.spend()) return;
      apply(st, *node, true, out);
      if (node->is_object()) {
        auto ms = node->members();
        for (size_t i = ms.size(); i-- > 0;) {
          if (ms[i].value.is_container()) stack.push_back(&ms[i].value);
        }
      } else if (node->is_array()) {
        auto items = node->items();
        for (size_t i = items.size(); i-- > 0;) {
          if (items[i].is_container()) stack.push_back(&items[i]);
        }
      }
    }
  }

  const Compiled& c_;
  const Value& doc_;
  Budget& budget_;
};

}  // namespace

const Value* walk_simple(const Compiled& c, const Value& start) {
  const Value* cur = &start;
  for (const Step& st : c.steps) {
    if (st.kind == StepKind::kName) {
      cur = cur->find(st.names[0]);
      if (!cur) return nullptr;
    } else {
      size_t k;
      if (!cur->is_array() || !resolve_index(st.indexes[0], cur->size(), &k)) return nullptr;
      cur = &(*cur)[k];
    }
  }
  return cur;
}

Result<Value> evaluate_compiled(const Compiled& c, const Value& start, const Value& doc, Budget& budget) {
  return Evaluator(c, doc, budget).run(start);
}

}  // namespace sg::json::path_detail
