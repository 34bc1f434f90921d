// Parsing JSON and YAML text into json::Value (the edges of the system).
//
// parse_json: strict RFC 8259 JSON (one value, surrounding whitespace allowed). On
// failure the Error has code "INVALID_JSON" and a message in the style of AWS's
// (Jackson's) parser, with the 1-based line and column of the problem; integers beyond
// int64 become doubles. Object member order is kept; a repeated key keeps its first
// position and its last value. Nesting deeper than kMaxDepth is rejected.
//
// parse_yaml: a YAML 1.2 document (as Workflow Studio exports definitions) into the same
// model: plain scalars typed by the core schema (null, true/false, ints, floats), quoted
// scalars are strings. Error code "INVALID_YAML".
//
// Both are pure and thread-safe.
#pragma once

#include <string_view>

#include "common/result.h"
#include "json/value.h"

namespace sg::json {

constexpr size_t kMaxDepth = 1000;

struct ParseErrorPosition {
  size_t line = 0;
  size_t column = 0;
};

Result<Value> parse_json(std::string_view text, ParseErrorPosition* where = nullptr);
Result<Value> parse_yaml(std::string_view text);

}  // namespace sg::json
