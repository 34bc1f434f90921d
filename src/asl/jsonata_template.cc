#include "asl/jsonata_template.h"

#include <vector>

#include "asl/context.h"
#include "asl/jsonata_functions.h"
#include "asl/variables.h"
#include "json/jsonata.h"

namespace sg::asl {

using json::Value;
namespace ata = json::jsonata;

namespace jsonata_detail {

struct NodeMember;
struct Node {
  enum class Kind : uint8_t { kStatic, kExpression, kObject, kArray } kind = Kind::kStatic;
  Value value;  // kStatic
  std::shared_ptr<const ata::Expression> expr;
  std::string text;                 // kExpression: the expression, trimmed
  std::string field;                // kExpression: where it sits ("Output/a/b[0]")
  std::vector<NodeMember> members;  // kObject (std::pair of an incomplete Node is not allowed)
  std::vector<Node> items;          // kArray
  bool uses_context = false;        // root only: some expression reads $states.context
};
struct NodeMember {
  std::string name;
  Node node;
};

}  // namespace jsonata_detail

using jsonata_detail::Node;

namespace {

// Evaluation budget of one expression (AWS bounds depth and memory; a step budget keeps a
// runaway expression from holding the engine).
constexpr int kMaxDepth = 500;
constexpr int64_t kMaxSteps = 20000000;

bool uses_context(std::string_view text) {
  if (text.find("context") != std::string_view::npos) return true;
  // $states on its own (the whole object) includes the context too.
  for (size_t p = text.find("$states"); p != std::string_view::npos; p = text.find("$states", p + 1)) {
    size_t after = p + 7;
    if (after >= text.size() || text[after] != '.') return true;
  }
  return false;
}

struct Compiler {
  std::string* error_field;
  bool context = false;

  Result<Node> compile(const Value& v, const std::string& field) {
    Node n;
    if (v.is_string() && is_jsonata_expression(v.as_string())) {
      std::string_view body = jsonata_expression_body(v.as_string());
      ata::Error e;
      auto expr = ata::compile(body, &e);
      if (!expr) {
        if (error_field) *error_field = field;
        return Error{"INVALID_JSONATA_EXPRESSION", e.message};
      }
      n.kind = Node::Kind::kExpression;
      n.expr = std::move(expr);
      n.text = std::string(body);
      n.field = field;
      context = context || uses_context(body);
      return n;
    }
    if (v.is_object()) {
      bool dynamic = false;
      for (const json::Member& m : v.members()) {
        std::string f = field;
        f.append("/").append(m.name());
        auto child = compile(m.value, f);
        if (!child) return child.error();
        dynamic = dynamic || child->kind != Node::Kind::kStatic;
        n.members.push_back(jsonata_detail::NodeMember{std::string(m.name()), std::move(child).value()});
      }
      if (dynamic) {
        n.kind = Node::Kind::kObject;
        return n;
      }
      n.members.clear();
    } else if (v.is_array()) {
      bool dynamic = false;
      size_t i = 0;
      for (const Value& x : v.items()) {
        std::string f = field;
        f.append("[").append(std::to_string(i++)).append("]");
        auto child = compile(x, f);
        if (!child) return child.error();
        dynamic = dynamic || child->kind != Node::Kind::kStatic;
        n.items.push_back(std::move(child).value());
      }
      if (dynamic) {
        n.kind = Node::Kind::kArray;
        return n;
      }
      n.items.clear();
    }
    n.kind = Node::Kind::kStatic;
    n.value = v;
    return n;
  }
};

StatesError query_error(std::string_view field, std::string cause) {
  StatesError e = StatesError::make(std::string(errors::kQueryEvaluationError), std::move(cause));
  e.location = field;
  return e;
}

std::string sentence(std::string_view text, std::string_view field) {
  std::string s("The JSONata expression '");
  s.append(text).append("' specified for the field '").append(field).append("' ");
  return s;
}

struct Evaluation {
  const ata::Environment& env;
  StatesError* error;

  bool eval(const Node& n, Value* out) {
    switch (n.kind) {
      case Node::Kind::kStatic:
        *out = n.value;
        return true;
      case Node::Kind::kExpression:
        return expression(n, out);
      case Node::Kind::kObject: {
        json::ObjectBuilder b(n.members.size());
        for (const auto& [name, child] : n.members) {
          Value v;
          if (!eval(child, &v)) return false;
          b.add(name, std::move(v));
        }
        *out = std::move(b).build();
        return true;
      }
      case Node::Kind::kArray: {
        std::vector<Value> items;
        items.reserve(n.items.size());
        for (const Node& child : n.items) {
          Value v;
          if (!eval(child, &v)) return false;
          items.push_back(std::move(v));
        }
        *out = Value::array(std::move(items));
        return true;
      }
    }
    return false;
  }

  bool expression(const Node& n, Value* out) {
    ata::Limits limits;
    limits.max_depth = kMaxDepth;
    limits.max_steps = kMaxSteps;
    std::optional<Value> result;
    ata::Error e;
    if (!ata::evaluate(*n.expr, std::nullopt, env, limits, &result, &e)) {
      std::string cause = sentence(n.text, n.field);
      if (e.code == ata::kFunctionResultCode) {
        cause.append("returned an unsupported result type.");
      } else if (e.code.empty()) {
        cause.pop_back();
        cause.append(": ").append(e.message);
      } else {
        cause.append("threw an error during evaluation. ").append(e.code).append(": ").append(e.message);
      }
      *error = query_error(n.field, std::move(cause));
      return false;
    }
    if (!result) {
      *error = query_error(n.field, sentence(n.text, n.field).append("returned nothing (undefined)."));
      return false;
    }
    *out = std::move(result).value();
    return true;
  }
};

}  // namespace

bool is_jsonata_expression(std::string_view s) {
  return s.size() >= 4 && s.starts_with("{%") && s.ends_with("%}");
}

std::string_view jsonata_expression_body(std::string_view s) {
  if (!is_jsonata_expression(s)) return {};
  std::string_view body = s.substr(2, s.size() - 4);
  while (!body.empty() &&
         (body.front() == ' ' || body.front() == '\t' || body.front() == '\n' || body.front() == '\r'))
    body.remove_prefix(1);
  while (!body.empty() &&
         (body.back() == ' ' || body.back() == '\t' || body.back() == '\n' || body.back() == '\r'))
    body.remove_suffix(1);
  return body;
}

const char* jsonata_type_name(const Value& v) {
  switch (v.type()) {
    case json::Type::kNull:
      return "null";
    case json::Type::kBool:
      return "boolean";
    case json::Type::kInt:
    case json::Type::kDouble:
      return "number";
    case json::Type::kString:
      return "string";
    case json::Type::kArray:
      return "array";
    case json::Type::kObject:
      return "object";
  }
  return "undefined";
}

Result<JsonataTemplate> JsonataTemplate::compile(const Value& tmpl, std::string field,
                                                 std::string* error_field) {
  Compiler c{error_field};
  auto node = c.compile(tmpl, field);
  if (!node) return node.error();
  JsonataTemplate t;
  t.field_ = std::move(field);
  if (node->kind == Node::Kind::kStatic) {
    t.static_ = tmpl;
    return t;
  }
  auto root = std::make_shared<Node>(std::move(node).value());
  root->uses_context = c.context;
  t.root_ = std::move(root);
  return t;
}

bool JsonataTemplate::is_expression() const { return root_ && root_->kind == Node::Kind::kExpression; }

const std::string& JsonataTemplate::expression_text() const {
  static const std::string kEmpty;
  return is_expression() ? root_->text : kEmpty;
}

bool JsonataTemplate::evaluate(const JsonataInputs& in, Value* out, StatesError* error) const {
  if (!root_) {
    *out = static_;
    return true;
  }
  ata::Environment env;
  json::ObjectBuilder states(4);
  states.add("input", in.input ? *in.input : Value());
  if (in.roots && root_->uses_context) states.add("context", in.roots->context());
  if (in.result) states.add("result", *in.result);
  if (in.error_output) states.add("errorOutput", *in.error_output);
  env.variables.emplace_back("states", std::move(states).build());
  if (in.variables)
    in.variables->for_each_visible(
        [&](const std::string& name, const Value& v) { env.variables.emplace_back(name, v); });
  env.functions = aws_jsonata_functions(in.entropy);
  env.now_ms = in.now_ms;
  Evaluation ev{env, error};
  return ev.eval(*root_, out);
}

StatesError JsonataTemplate::unexpected_type(std::string_view expected, const Value& got) const {
  std::string cause = sentence(expression_text(), field_);
  cause.append("returned an unexpected result type. Expected '")
      .append(expected)
      .append("', but was '")
      .append(jsonata_type_name(got))
      .append("' for value: ")
      .append(got.dump());
  return query_error(field_, std::move(cause));
}

StatesError JsonataTemplate::error(std::string cause) const { return query_error(field_, std::move(cause)); }

}  // namespace sg::asl
