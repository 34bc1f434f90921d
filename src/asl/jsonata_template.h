// JSONata templates: the values of JSONata-state fields (Arguments, Output, Assign, Items,
// ItemSelector, Condition, TimeoutSeconds, Error, ...), in which every string of the form
// "{% expression %}" (the whole string; no interpolation) is a JSONata expression replaced
// by its result, at any depth inside objects and arrays. Other values are literals.
//
// compile(): compiles every expression once (json::jsonata::compile). A parse error is
// code "INVALID_JSONATA_EXPRESSION" with the parser's message (AWS shows it without the
// JSONata code); *error_field (if given) receives the failing value's field path, e.g.
// "Output/a/b[0]". `field` names the template's own field for runtime messages.
//
// evaluate(): the template's value. Each expression sees the variable $states (input,
// context, and result / errorOutput where the caller provides them), the workflow
// variables in scope, AWS's added functions ($partition, $range, $hash, $random, $uuid,
// $parse) and $now()/$millis() at the caller's time. A failure is States.QueryEvaluationError
// with AWS's cause (without the "An error occurred while executing the state" prefix,
// which the interpreter adds) and the error's location set to the field path:
//   "The JSONata expression 'E' specified for the field 'F' returned nothing (undefined)."
//   "... threw an error during evaluation. T2001: <message>"
//   "... returned an unsupported result type."          (a function)
// A static template (no expression) evaluates to itself at no cost.
//
// Pure and thread-safe (the Entropy in JsonataInputs is the caller's).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "asl/states_error.h"
#include "common/result.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::asl {

class StateRoots;
class VariableScope;

namespace jsonata_detail {
struct Node;
}

// What a state's expressions can read.
struct JsonataInputs {
  const json::Value* input = nullptr;         // $states.input (the state's raw input)
  const StateRoots* roots = nullptr;          // $states.context, built only when used
  const json::Value* result = nullptr;        // $states.result (Output/Assign after work)
  const json::Value* error_output = nullptr;  // $states.errorOutput (a catcher's fields)
  const VariableScope* variables = nullptr;   // workflow variables in scope
  json::Entropy* entropy = nullptr;           // $random(), $uuid()
  int64_t now_ms = 0;                         // $now(), $millis()
};

class JsonataTemplate {
 public:
  JsonataTemplate() = default;  // evaluates to null
  static Result<JsonataTemplate> compile(const json::Value& tmpl, std::string field,
                                         std::string* error_field = nullptr);

  bool evaluate(const JsonataInputs& in, json::Value* out, StatesError* error) const;

  bool is_static() const { return !root_; }
  const json::Value& static_value() const { return static_; }
  // True when the whole value is one expression (the form scalar fields take).
  bool is_expression() const;
  // That expression's text (trimmed), for messages; empty when not an expression.
  const std::string& expression_text() const;
  const std::string& field() const { return field_; }

  // States.QueryEvaluationError for a value of the wrong type in this (single-expression)
  // field: "... returned an unexpected result type. Expected 'array', but was 'object' for
  // value: {...}".
  StatesError unexpected_type(std::string_view expected, const json::Value& got) const;
  // States.QueryEvaluationError with a cause of the caller's ("The Timestamp field cannot
  // be parsed ...") located at this field.
  StatesError error(std::string cause) const;

 private:
  std::shared_ptr<const jsonata_detail::Node> root_;
  json::Value static_;
  std::string field_;
};

// True when `s` is a JSONata expression string: starts with "{%" and ends with "%}".
bool is_jsonata_expression(std::string_view s);
// The text between the delimiters, trimmed.
std::string_view jsonata_expression_body(std::string_view s);

// The JSONata name AWS uses for a value's type in its messages ("array", "object",
// "string", "number", "boolean", "null").
const char* jsonata_type_name(const json::Value& v);

}  // namespace sg::asl
