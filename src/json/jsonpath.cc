// JsonPath: root detection ($, $$, $var), accessors, evaluation entry points and the
// ResultPath assignment. Parsing lives in jsonpath_parser.cc, evaluation in jsonpath_eval.cc.
#include "json/jsonpath.h"

#include <array>

#include "json/jsonpath_ast.h"

namespace sg::json {

using path_detail::Compiled;
using path_detail::Step;
using path_detail::StepKind;

namespace {

// What a default-constructed JsonPath means: "$".
const Compiled& root_path() {
  static const Compiled kRoot = [] {
    Compiled c;
    c.text = "$";
    path_detail::finish(c);
    return c;
  }();
  return kRoot;
}

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

// Java's String.trim(): every char <= ' ' at either end.
std::string_view java_trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

Error match_failure(std::string message) { return Error{"RESULT_PATH_MATCH_FAILURE", std::move(message)}; }

std::string describe(const Value& v) {
  switch (v.type()) {
    case Type::kNull:
      return "null";
    case Type::kArray:
      return "an array";
    case Type::kObject:
      return "an object";
    default:
      return "a " + std::string(type_name(v.type()));
  }
}

}  // namespace

Result<JsonPath> JsonPath::compile(std::string_view text) {
  std::string_view t = java_trim(text);
  if (t.empty()) return Error{"INVALID_PATH", "Path must not be empty"};
  if (t[0] != '$') return Error{"INVALID_PATH", "Path must start with '$': " + std::string(text)};
  auto c = std::make_shared<Compiled>();
  c->text = std::string(text);
  std::string synthesized;
  std::string_view body = t;
  if (t.size() >= 2 && t[1] == '$') {
    c->root = PathRoot::kContext;
    body = t.substr(1);
  } else if (t.size() >= 2 && is_ident_start(t[1])) {
    size_t i = 2;
    while (i < t.size() && is_ident_char(t[i])) ++i;
    c->root = PathRoot::kVariable;
    c->variable = std::string(t.substr(1, i - 1));
    if (i < t.size() && t[i] != '.' && t[i] != '[') {
      return Error{"INVALID_PATH", "Illegal character at position " + std::to_string(i) +
                                       " after the variable name, expected '.' or '['"};
    }
    synthesized.assign(1, '$').append(t.substr(i));
    body = synthesized;
  }
  if (Status st = path_detail::parse_steps(body, 0, *c); !st) return st.error();
  path_detail::finish(*c);
  JsonPath p;
  p.c_ = std::move(c);
  return p;
}

const std::string& JsonPath::text() const { return (c_ ? *c_ : root_path()).text; }
PathRoot JsonPath::root() const { return (c_ ? *c_ : root_path()).root; }
std::string_view JsonPath::variable() const { return (c_ ? *c_ : root_path()).variable; }
bool JsonPath::is_definite() const { return (c_ ? *c_ : root_path()).definite; }
bool JsonPath::is_reference_path() const { return (c_ ? *c_ : root_path()).reference; }
std::string JsonPath::normalized() const { return (c_ ? *c_ : root_path()).normalized; }

bool JsonPath::is_root_only() const {
  const Compiled& c = c_ ? *c_ : root_path();
  return c.steps.empty() && c.function == path_detail::Function::kNone;
}

Result<Value> JsonPath::evaluate(const Value& root) const {
  path_detail::Budget budget;
  return path_detail::evaluate_compiled(c_ ? *c_ : root_path(), root, root, budget);
}

Result<Value> JsonPath::evaluate_in(const PathRoots& roots) const {
  const Compiled& c = c_ ? *c_ : root_path();
  switch (c.root) {
    case PathRoot::kInput:
      return evaluate(roots.input());
    case PathRoot::kContext:
      return evaluate(roots.context());
    case PathRoot::kVariable:
      break;
  }
  const Value* v = roots.variable(c.variable);
  if (!v) return Error{"UNKNOWN_VARIABLE", "The variable '$" + c.variable + "' is not defined"};
  return evaluate(*v);
}

Result<Value> JsonPath::assign(const Value& root, Value value) const {
  const Compiled& c = c_ ? *c_ : root_path();
  const size_t n = c.steps.size();
  if (c.function != path_detail::Function::kNone) {
    return match_failure("ResultPath '" + c.text + "' must not use a path function");
  }
  for (const Step& st : c.steps) {
    if (st.scan || (st.kind != StepKind::kName && st.kind != StepKind::kIndex)) {
      return match_failure("ResultPath '" + c.text +
                           "' must name a single node with fields and indexes only");
    }
  }
  if (n == 0) return value;
  // parents[i] is the node step i writes into; missing intermediates become new objects.
  // Short paths (nearly all ResultPaths) keep their scratch on the stack.
  constexpr size_t kInline = 8;
  std::array<Value, kInline> parents_inline;
  std::array<size_t, kInline> positions_inline{};
  std::vector<Value> parents_heap;
  std::vector<size_t> positions_heap;
  if (n > kInline) {
    parents_heap.resize(n);
    positions_heap.assign(n, 0);
  }
  Value* parents = n > kInline ? parents_heap.data() : parents_inline.data();
  size_t* positions = n > kInline ? positions_heap.data() : positions_inline.data();
  Value cur = root;
  bool missing = false;
  for (size_t i = 0; i < n; ++i) {
    const Step& st = c.steps[i];
    if (st.kind == StepKind::kName) {
      if (missing) {
        parents[i] = Value::empty_object();
        continue;
      }
      if (!cur.is_object()) {
        return match_failure("The path " + path_detail::eval_path(c, i) + " is " + describe(cur) +
                             ", not an object, so the field '" + st.names[0] + "' cannot be set");
      }
      parents[i] = cur;
      const Value* child = cur.find(st.names[0]);
      if (child)
        cur = *child;
      else
        missing = true;
    } else {
      auto idx = [&] {
        std::string text(1, '[');
        text.append(std::to_string(st.indexes[0])).push_back(']');
        return text;
      };
      if (missing) {
        return match_failure("The path " + path_detail::eval_path(c, i) + " does not exist, so the index " +
                             idx() + " cannot be set");
      }
      if (!cur.is_array()) {
        return match_failure("The path " + path_detail::eval_path(c, i) + " is " + describe(cur) +
                             ", not an array, so the index " + idx() + " cannot be set");
      }
      int64_t len = static_cast<int64_t>(cur.size());
      int64_t k = st.indexes[0] < 0 ? len + st.indexes[0] : st.indexes[0];
      if (k < 0 || k >= len) {
        return match_failure("The index " + idx() + " is outside the array at " +
                             path_detail::eval_path(c, i) + " (length " + std::to_string(len) + ")");
      }
      parents[i] = cur;
      positions[i] = static_cast<size_t>(k);
      Value child = cur[static_cast<size_t>(k)];
      cur = std::move(child);
    }
  }
  for (size_t i = n; i-- > 0;) {
    const Step& st = c.steps[i];
    value = st.kind == StepKind::kName ? parents[i].with_member(st.names[0], std::move(value))
                                       : parents[i].with_item(positions[i], std::move(value));
  }
  return value;
}

}  // namespace sg::json
