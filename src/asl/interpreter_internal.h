// Internals of the interpreter shared by its source files (not a public interface):
//   interpreter.cc          dispatch, JSONPath processing, Retry/Catch
//   interpreter_jsonata.cc  JSONata states (Arguments/Output/Items/Condition/...)
#pragma once

#include <string>
#include <string_view>

#include "asl/interpreter.h"
#include "asl/jsonata_template.h"

namespace sg::asl::interp {

inline Step fail(StatesError e) {
  Step s;
  s.kind = Step::Kind::kFail;
  s.error = std::move(e);
  return s;
}

inline Step runtime_error(const StateEntry& entry, std::string_view code, const std::string& message) {
  return fail(StatesError::make(std::string(code), cause_prefix(entry) + message));
}

// A JSONata failure (cause without the prefix) as the state's error.
inline Step query_error(const StateEntry& entry, StatesError e) {
  e.cause = cause_prefix(entry) + e.cause;
  return fail(std::move(e));
}

inline bool too_big(const json::Value& v) { return v.json_size() > kMaxPayloadBytes; }

Step data_limit(std::string_view who);

// Evaluates an Assign into *out (object of name -> value). JSONPath: "$" reads `dollar`
// (roots' input is restored afterwards). JSONata: `in` gives $states. On failure returns
// the failing Step.
bool evaluate_assign(const AssignSpec& a, const json::Value& dollar, StateRoots& roots,
                     const JsonataInputs& in, json::Entropy& entropy, const StateEntry& entry,
                     json::Value* out, Step* failed);

// The inputs of a JSONata state's expressions.
JsonataInputs jsonata_inputs(const json::Value& raw, StateRoots& roots, json::Entropy& entropy,
                             int64_t now_ms);

Step enter_jsonata(const State& s, const json::Value& raw, StateRoots& roots, const StateEntry& entry,
                   json::Entropy& entropy, int64_t now_ms);
Step complete_jsonata(const State& s, const json::Value& raw, const json::Value& result, StateRoots& roots,
                      const StateEntry& entry, json::Entropy& entropy, int64_t now_ms);
// A matching catcher of a JSONata state: its Output (default: the Error Output) and Assign.
Step catch_jsonata(const State& s, const Catcher& c, const json::Value& raw, const json::Value& error_output,
                   StateRoots& roots, const StateEntry& entry, json::Entropy& entropy, int64_t now_ms);

}  // namespace sg::asl::interp
