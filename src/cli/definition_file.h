// Reading definition and input files for the CLI: JSON or YAML by extension or content.
#pragma once

#include <string>

#include "common/result.h"
#include "json/value.h"

namespace sg::cli {

// Whole file as text; Error code "READ_FAILED" naming the file.
Result<std::string> read_file(const std::string& path);

// True for .yaml/.yml files, or text whose first non-blank character is not '{' or '['.
bool looks_like_yaml(const std::string& path, const std::string& text);

}  // namespace sg::cli
