// Definition diagnostics, in the shape of ValidateStateMachineDefinition's response.
#pragma once

#include <string>
#include <vector>

namespace sg::asl {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;      // e.g. "SCHEMA_VALIDATION_FAILED", "MISSING_TRANSITION_TARGET"
  std::string message;   // AWS's wording where known
  std::string location;  // JSON pointer such as "/States/Foo/Next"; empty when AWS gives none
};

inline const char* severity_name(Severity s) { return s == Severity::kError ? "ERROR" : "WARNING"; }

inline bool has_errors(const std::vector<Diagnostic>& ds) {
  for (const auto& d : ds)
    if (d.severity == Severity::kError) return true;
  return false;
}

}  // namespace sg::asl
