// Static reading of expressions for the validator: which variables and reserved names a
// JSONata expression or a JSONPath path/intrinsic refers to. Lexical (the JSONata parser's
// tree is private to json/), tuned to err on the side of accepting: it never reports a name
// inside a string, a comment, a path step, a predicate or a grouping.
//
// scan_jsonata(): for an expression body (without the {% %}):
// - uses_dollar_dollar: `$$` appears (AWS: "Reference to '$$' is not supported.");
// - uses_result / uses_error_output: `$states.result` / `$states.errorOutput` appear;
// - variables: `$name` read as a value that is not a function call, a built-in function, a
//   name bound inside the expression (`$x :=`, lambda parameters, `#$i`, `@$v`) or `$states`;
// - top_level_names: bare names read against the (absent) context item at the top level
//   (AWS: "Reference to 'phone' at the top level is not supported.").
//
// jsonpath_variables(): the `$name` variables a path or intrinsic call reads ("$x.a",
// "States.Format('{}', $y)"), outside quoted literals.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sg::asl {

struct JsonataRefs {
  bool uses_dollar_dollar = false;
  bool uses_result = false;
  bool uses_error_output = false;
  std::vector<std::string> variables;
  std::vector<std::string> top_level_names;
};

JsonataRefs scan_jsonata(std::string_view expr);

std::vector<std::string> jsonpath_variables(std::string_view text);

}  // namespace sg::asl
