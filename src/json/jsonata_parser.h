// The JSONata parser (internal): text to the processed syntax tree of jsonata_ast.h, with
// the reference's syntax errors (S0101..S0217, S0301/S0302 for regexes). Pure.
#pragma once

#include <string_view>

#include "json/jsonata.h"
#include "json/jsonata_ast.h"

namespace sg::json::jsonata {

struct ParseOptions {
  // The operators jsonata-js added in 2.1 (?: and ??). AWS runs 2.0.6, which has neither.
  bool coalescing_operators = false;
  // Deepest nesting of the expression accepted; deeper fails with U1001 (the C++ stack
  // must survive hostile input).
  int max_depth = 400;
};

// Parses `text` into nodes owned by `arena`. Returns the root, or null with *error set
// (positions are byte offsets into text, just past the offending token as in the reference).
Node* parse_expression(std::string_view text, const ParseOptions& options, Arena* arena, Error* error);

}  // namespace sg::json::jsonata
