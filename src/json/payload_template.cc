// Payload templates and single expressions. compile() turns the template into a tree of
// Nodes in which every subtree without ".$" keys is one shared static Value, so evaluate()
// only walks the dynamic spine and builds new objects/arrays around shared children.
#include "json/payload_template.h"

#include <unordered_set>
#include <vector>

namespace sg::json {

namespace template_detail {

struct Node {
  enum class Kind : uint8_t { kStatic, kObject, kArray, kPath, kIntrinsic };
  Kind kind = Kind::kStatic;
  Value value;                 // kStatic: the subtree itself
  std::vector<Value> keys;     // kObject: output keys (".$" removed), parallel to children
  std::vector<Node> children;  // kObject, kArray
  JsonPath path;               // kPath
  Intrinsic intrinsic;         // kIntrinsic
  std::string field;           // kPath, kIntrinsic: the template key, e.g. "x.$"
};

namespace {

constexpr std::string_view kInvalidTemplate = "INVALID_TEMPLATE";
constexpr std::string_view kRuntime = "States.Runtime";
constexpr std::string_view kIntrinsicFailure = "States.IntrinsicFailure";
constexpr std::string_view kUnknownVariable = "UNKNOWN_VARIABLE";

Error invalid_field(std::string_view field, std::string* error_field) {
  if (error_field) *error_field = std::string(field);
  return Error{std::string(kInvalidTemplate),
               "The value for the field '" + std::string(field) +
                   "' must be a valid JSONPath or a valid intrinsic function call"};
}

// A path or intrinsic given as text; `field` names it in error messages.
Status compile_expression(std::string_view text, std::string_view field, Node& out, bool& uses_context) {
  if (text.starts_with("$")) {
    auto p = JsonPath::compile(text);
    if (!p) return p.error();
    out.kind = Node::Kind::kPath;
    out.path = std::move(p).value();
    uses_context = uses_context || out.path.root() == PathRoot::kContext;
  } else if (Intrinsic::looks_like_intrinsic(text)) {
    auto i = Intrinsic::compile(text);
    if (!i) return i.error();
    out.kind = Node::Kind::kIntrinsic;
    out.intrinsic = std::move(i).value();
    uses_context = uses_context || out.intrinsic.uses_context();
  } else {
    return Status::Fail(std::string(kInvalidTemplate), "not a path or an intrinsic function call");
  }
  out.field = std::string(field);
  return Status::Ok();
}

struct Compiler {
  std::string* error_field;
  bool uses_context = false;

  // Compiles v into out; *dynamic tells whether anything in it is evaluated.
  Status compile(const Value& v, Node& out, bool* dynamic) {
    *dynamic = false;
    out.kind = Node::Kind::kStatic;
    out.value = v;
    if (v.is_object()) return compile_object(v, out, dynamic);
    if (v.is_array()) {
      std::vector<Node> children(v.size());
      size_t i = 0;
      for (const Value& item : v.items()) {
        bool d;
        Status st = compile(item, children[i++], &d);
        if (!st) return st;
        *dynamic = *dynamic || d;
      }
      if (*dynamic) {
        out.kind = Node::Kind::kArray;
        out.children = std::move(children);
      }
    }
    return Status::Ok();
  }

  Status compile_object(const Value& v, Node& out, bool* dynamic) {
    std::vector<Node> children(v.size());
    std::vector<Value> keys;
    keys.reserve(v.size());
    bool renamed = false;
    size_t i = 0;
    for (const Member& m : v.members()) {
      Node& child = children[i++];
      std::string_view name = m.name();
      if (name.size() >= 2 && name.ends_with(".$")) {
        if (!m.value.is_string()) return invalid_field(name, error_field);
        Status st = compile_expression(m.value.as_string(), name, child, uses_context);
        if (!st) return invalid_field(name, error_field);
        keys.push_back(Value::string(name.substr(0, name.size() - 2)));
        renamed = true;
        *dynamic = true;
      } else {
        bool d;
        Status st = compile(m.value, child, &d);
        if (!st) return st;
        keys.push_back(m.key);
        *dynamic = *dynamic || d;
      }
    }
    if (renamed) {
      Status st = check_duplicates(v, keys);
      if (!st) return st;
    }
    if (*dynamic) {
      out.kind = Node::Kind::kObject;
      out.keys = std::move(keys);
      out.children = std::move(children);
    }
    return Status::Ok();
  }

  // After ".$" is removed, two members must not share a name (ASL spec).
  Status check_duplicates(const Value& v, const std::vector<Value>& keys) {
    std::unordered_set<std::string_view> seen;
    seen.reserve(keys.size());
    size_t i = 0;
    for (const Member& m : v.members()) {
      std::string_view k = keys[i++].as_string();
      if (!seen.insert(k).second) {
        if (error_field) *error_field = std::string(m.name());
        return Status::Fail(std::string(kInvalidTemplate),
                            "The field '" + std::string(k) +
                                "' appears more than once in the payload template "
                                "once the '.$' suffixes are removed");
      }
    }
    return Status::Ok();
  }
};

// The document a path reads, for "could not be found in the input '...'".
std::string root_text(const JsonPath& path, const PathRoots& roots) {
  switch (path.root()) {
    case PathRoot::kInput:
      return roots.input().dump();
    case PathRoot::kContext:
      return roots.context().dump();
    case PathRoot::kVariable: {
      const Value* v = roots.variable(path.variable());
      return v ? v->dump() : "null";
    }
  }
  return "null";
}

Error path_failure(const JsonPath& path, std::string_view field, const PathRoots& roots, const Error& cause) {
  if (cause.code == kUnknownVariable) return Error{std::string(kRuntime), cause.message};
  if (cause.code == "PATH_LIMIT_EXCEEDED") {  // the path matched too much, not nothing
    return Error{std::string(kRuntime), "The JSONPath '" + path.text() + "' specified for the field '" +
                                            std::string(field) + "': " + cause.message};
  }
  return Error{std::string(kRuntime), "The JSONPath '" + path.text() + "' specified for the field '" +
                                          std::string(field) + "' could not be found in the input '" +
                                          root_text(path, roots) + "'"};
}

Result<Value> eval_intrinsic(const Intrinsic& in, std::string_view field, const PathRoots& roots,
                             Entropy& entropy) {
  const JsonPath* failed = nullptr;
  auto r = in.evaluate(roots, entropy, &failed);
  if (r) return r;
  if (failed) return path_failure(*failed, field, roots, r.error());
  if (r.error().code == kIntrinsicFailure) return r;
  return Error{std::string(kRuntime), r.error().message};
}

Result<Value> eval(const Node& n, const PathRoots& roots, Entropy& entropy) {
  switch (n.kind) {
    case Node::Kind::kStatic:
      return n.value;
    case Node::Kind::kObject: {
      std::vector<Member> members;
      members.reserve(n.children.size());
      for (size_t i = 0; i < n.children.size(); ++i) {
        const Node& c = n.children[i];
        if (c.kind == Node::Kind::kStatic) {
          members.push_back(Member{n.keys[i], c.value});
          continue;
        }
        auto r = eval(c, roots, entropy);
        if (!r) return r;
        members.push_back(Member{n.keys[i], std::move(r).value()});
      }
      return Value::object(std::move(members));
    }
    case Node::Kind::kArray: {
      std::vector<Value> items;
      items.reserve(n.children.size());
      for (const Node& c : n.children) {
        if (c.kind == Node::Kind::kStatic) {
          items.push_back(c.value);
          continue;
        }
        auto r = eval(c, roots, entropy);
        if (!r) return r;
        items.push_back(std::move(r).value());
      }
      return Value::array(std::move(items));
    }
    case Node::Kind::kPath: {
      auto r = n.path.evaluate_in(roots);
      if (!r) return path_failure(n.path, n.field, roots, r.error());
      return r;
    }
    case Node::Kind::kIntrinsic:
      return eval_intrinsic(n.intrinsic, n.field, roots, entropy);
  }
  return Value();
}

}  // namespace
}  // namespace template_detail

Result<PayloadTemplate> PayloadTemplate::compile(const Value& tmpl, std::string* error_field) {
  PayloadTemplate t;
  t.static_value_ = tmpl;
  if (!tmpl.is_object()) return t;
  auto root = std::make_shared<template_detail::Node>();
  template_detail::Compiler c{error_field};
  bool dynamic = false;
  Status st = c.compile(tmpl, *root, &dynamic);
  if (!st) return st.error();
  if (dynamic) {
    t.root_ = std::move(root);
    t.uses_context_ = c.uses_context;
  }
  return t;
}

Result<Value> PayloadTemplate::evaluate(const PathRoots& roots, Entropy& entropy) const {
  if (!root_) return static_value_;
  return template_detail::eval(*root_, roots, entropy);
}

bool PayloadTemplate::uses_context() const { return uses_context_; }

bool PayloadTemplate::is_static() const { return !root_; }

Result<Expression> Expression::compile(std::string_view text) {
  Expression e;
  e.text_ = std::string(text);
  if (text.starts_with("$")) {
    auto p = JsonPath::compile(text);
    if (!p) return p.error();
    e.is_path_ = true;
    e.path_ = std::move(p).value();
    return e;
  }
  if (Intrinsic::looks_like_intrinsic(text)) {
    auto i = Intrinsic::compile(text);
    if (!i) return i.error();
    e.intrinsic_ = std::move(i).value();
    return e;
  }
  return Error{"INVALID_TEMPLATE", "The value '" + std::string(text) +
                                       "' must be a valid JSONPath or a valid intrinsic function call"};
}

Result<Value> Expression::evaluate(const PathRoots& roots, Entropy& entropy, std::string_view field) const {
  if (!is_path_) return template_detail::eval_intrinsic(intrinsic_, field, roots, entropy);
  auto r = path_.evaluate_in(roots);
  if (!r) return template_detail::path_failure(path_, field, roots, r.error());
  return r;
}

}  // namespace sg::json
