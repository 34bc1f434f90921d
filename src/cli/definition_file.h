// Reading and checking definition files for the CLI: JSON or YAML by extension or
// content, validated the way AWS validates them, diagnostics printed one per line.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "asl/diagnostics.h"
#include "asl/validator.h"
#include "common/result.h"
#include "json/value.h"

namespace sg::cli {

// Size limits of what the CLI reads: a definition may have 1,048,576 characters (up to 4
// bytes each in UTF-8; YAML adds indentation), an execution input 256 KiB.
constexpr size_t kMaxDefinitionFileBytes = 8u << 20;
constexpr size_t kMaxInputFileBytes = 256u << 10;

// Whole file as text, at most max_bytes; Error code "READ_FAILED" naming the file.
Result<std::string> read_file(const std::string& path, size_t max_bytes = kMaxDefinitionFileBytes);

// True for .yaml/.yml files; false for .json files; otherwise true when the text's first
// non-blank character is not '{' or '['.
bool looks_like_yaml(const std::string& path, const std::string& text);

// Parses and validates a definition file's text. `doc`, when given, receives the parsed
// document (null when the text does not parse).
std::vector<asl::Diagnostic> check_definition(const std::string& path, const std::string& text,
                                              const asl::ValidateOptions& opts, json::Value* doc = nullptr);

// One line per diagnostic: `FILE:LOCATION: error|warning CODE: message` (`FILE: ...` when
// there is no location); a message repeating its location at its end (the JSON syntax
// error's "\n at [Source: ...]") shows it once, and line breaks inside the message or the
// location are shown as \n, so each diagnostic is one line.
void print_diagnostics(std::ostream& out, const std::string& file, const std::vector<asl::Diagnostic>& diags);

}  // namespace sg::cli
