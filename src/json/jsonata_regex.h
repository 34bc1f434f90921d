// Regular expressions for JSONata with JavaScript's syntax and semantics, on PCRE2
// (internal to json/). See jsonata_regex.cc for why PCRE2 and where it differs from JS.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "json/jsonata_value.h"

namespace sg::json::jsonata {

// Compiles `pattern` (the text between the slashes) with JavaScript flags ("i", "m"; "g"
// is implied by how JSONata uses regexes). Returns null with *error_message set when the
// pattern is not valid. Thread-safe; the result may be shared between threads.
std::shared_ptr<const Regex> compile_regex(std::string_view pattern, std::string_view flags,
                                           std::string* error_message);

}  // namespace sg::json::jsonata
