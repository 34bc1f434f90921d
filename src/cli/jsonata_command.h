// `stepguard jsonata EXPR [--input FILE|-] [--bindings JSON] [--timeout-ms N]`: evaluates
// a JSONata expression (the AWS dialect: jsonata 2.0, no ?: / ??, no $eval) and prints the
// result.
//
// Output: the result as one line of JSON (numbers as JavaScript prints them), exit 0;
// nothing and exit 0 when the result is undefined. On a compile or evaluation error,
// {"code":"T2001","message":...,"position":...} on stdout and exit 1. Usage errors (bad
// options, unreadable input, input or bindings that are not JSON) go to stderr, exit 2.
//
// --input FILE reads the input document from FILE, "-" from stdin; without it there is no
// input (JSONata's undefined). --bindings is a JSON object of variables ($name). Time is
// bounded by --timeout-ms (default 10000).
#pragma once

#include <string>
#include <vector>

namespace sg::cli {

// args: everything after `jsonata`.
int jsonata_command(const std::vector<std::string>& args);

}  // namespace sg::cli
