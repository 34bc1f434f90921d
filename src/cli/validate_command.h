// `stepguard validate FILE... [--format text|json] [--express]`: checks definitions with
// asl::validate_definition_text() and prints AWS-style diagnostics.
//
// Files ending in .yaml/.yml are read as YAML, files ending in .json as JSON; others as
// YAML when their text does not start with '{' or '['.
//
// Output, text (default): one line per diagnostic
//   FILE:LOCATION: error|warning CODE: message      (FILE: error ... when no location)
// and "FILE: OK" for a file with no diagnostics.
// Output, --format json: for one file a single document
//   {"result":"OK"|"FAIL","diagnostics":[{"severity","code","message","location"?}]}
// and for several files a JSON array of {"file","result","diagnostics"} in argument order.
//
// A file that cannot be read counts as failed: its message goes to stderr and, with
// --format json, its report has one READ_FAILED diagnostic.
//
// Exit codes: 0 no file has an error (warnings allowed); 1 some file has an error or
// cannot be read; 2 usage error.
#pragma once

#include <string>
#include <vector>

namespace sg::cli {

// args: everything after `validate`.
int validate_command(const std::vector<std::string>& args);

}  // namespace sg::cli
