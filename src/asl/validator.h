// The definition validator: every static rule of ASL (JSONPath query language) with
// AWS's codes, wording and locations. Pure: text or a parsed document in, diagnostics out.
//
// validate_definition_text(): parses JSON (SCHEMA_VALIDATION_FAILED "Definition must be a
// valid JSON object" for empty input, as AWS answers it,
// INVALID_JSON_DESCRIPTION with the parser's message and "[Source: ...; line: L, column: C]"
// location for a syntax error, SCHEMA_VALIDATION_FAILED "Definition must be a valid JSON
// object" for a non-object) and then validate_definition().
//
// validate_definition(): returns every problem found (never stops at the first), errors
// and warnings, ordered as AWS orders them (dangling targets before MISSING_END_STATE).
// Definitions that pass with no error are safe to hand to asl::load_state_machine().
#pragma once

#include <string_view>
#include <vector>

#include "asl/diagnostics.h"
#include "json/value.h"

namespace sg::asl {

struct ValidateOptions {
  bool express = false;                   // apply the EXPRESS-only rules
  size_t max_definition_bytes = 1048576;  // AWS's definition size limit
};

// `parsed`, when given, receives the document (null when the text does not parse), so a
// caller that goes on to load it does not parse the text again.
std::vector<Diagnostic> validate_definition_text(std::string_view text, const ValidateOptions& opts = {},
                                                 json::Value* parsed = nullptr);
std::vector<Diagnostic> validate_definition(const json::Value& definition, const ValidateOptions& opts = {});

}  // namespace sg::asl
