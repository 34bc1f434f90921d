// Payload templates (Parameters, ResultSelector, ItemSelector, Assign in JSONPath, ...)
// and single path-or-intrinsic expressions (Fail ErrorPath/CausePath).
//
// PayloadTemplate::compile() walks a template once: every key ending in ".$" (at any
// depth, inside objects and arrays) has its value compiled as a path ($, $$, $var) or an
// intrinsic call; the ".$" is dropped from the output key. Other values are kept as-is
// (shared, never copied). Compile errors (code "INVALID_TEMPLATE") use AWS's message:
//   "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call"
// and the optional error_field out-parameter tells which key failed. Two members that
// share a name once ".$" is removed are also a compile error (INVALID_TEMPLATE). A
// template that is not an object, or an object with no ".$" keys anywhere, evaluates to
// itself at no cost; inside a dynamic template every static subtree is shared.
//
// evaluate() produces the payload. Failures:
//   a path that selects nothing: code "States.Runtime", message
//     "The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '<compact input>'"
//     (for $$ paths the input shown is the Context object; for $var paths the variable;
//     a path argument of an intrinsic that selects nothing is reported the same way,
//     naming that argument's path; an unknown variable keeps the path's own message);
//   an intrinsic failure: code "States.IntrinsicFailure" with the intrinsic's message.
// The interpreter prefixes AWS's "An error occurred while executing the state ..." text.
//
// Expression: one value that is a path or an intrinsic (ErrorPath, CausePath, ...). Its
// failures read like a template's, with `field` in place of the key ("... specified for
// the field 'ErrorPath' could not be found in the input '...'").
//
// Pure and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "json/intrinsics.h"
#include "json/jsonpath.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::json {

namespace template_detail {
struct Node;  // defined in payload_template.cc
}

class PayloadTemplate {
 public:
  PayloadTemplate() = default;  // evaluates to null
  // On failure *error_field (if given) receives the template key that failed, e.g. "x.$".
  static Result<PayloadTemplate> compile(const Value& tmpl, std::string* error_field = nullptr);

  Result<Value> evaluate(const PathRoots& roots, Entropy& entropy) const;
  bool uses_context() const;
  bool is_static() const;  // no ".$" keys: evaluate() returns the template itself

 private:
  std::shared_ptr<const template_detail::Node> root_;
  Value static_value_;
  bool uses_context_ = false;
};

class Expression {
 public:
  // text is a path ($, $$, $var) or an intrinsic call.
  static Result<Expression> compile(std::string_view text);
  // field names the definition field for error messages (e.g. "ErrorPath").
  Result<Value> evaluate(const PathRoots& roots, Entropy& entropy, std::string_view field) const;
  bool is_path() const { return is_path_; }
  const JsonPath& path() const { return path_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  bool is_path_ = false;
  JsonPath path_;
  Intrinsic intrinsic_;
};

}  // namespace sg::json
