// Evaluation of JSONPath Choice rules (pure).
//
// evaluate_choice_rule() returns true/false, or sets *error and returns false when the
// rule cannot be evaluated: a Variable (or ...Path operand) that selects nothing, except
// under IsPresent (which is then simply false), is States.Runtime; so is a StringMatches
// pattern with a backslash not followed by '*' or '\'. Type mismatches are never errors:
// the comparison is false (AWS's truth tables).
#pragma once

#include <string_view>

#include "asl/state_machine.h"
#include "asl/states_error.h"
#include "json/path_roots.h"

namespace sg::asl {

bool evaluate_choice_rule(const ChoiceRule& rule, const json::PathRoots& roots, StatesError* error);

// StringMatches: '*' matches any run of characters; "\*" a literal '*', "\\" a backslash.
// Returns false and sets *bad_escape on a backslash before any other character.
bool string_matches(std::string_view value, std::string_view pattern, bool* bad_escape);

}  // namespace sg::asl
