// Name rules AWS applies to state machines, executions and activities: 1 to 80
// characters, none of whitespace, < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /, control
// characters (U+0000-001F, U+007F-009F), U+FFFE/U+FFFF or anything that is not UTF-8.
// Other non-ASCII characters are allowed. Pure.
#pragma once

#include <cstddef>
#include <string_view>

namespace sg::asl {

constexpr size_t kMaxNameChars = 80;

bool is_valid_name(std::string_view name, size_t max_chars = kMaxNameChars);

}  // namespace sg::asl
