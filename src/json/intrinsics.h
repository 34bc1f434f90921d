// Intrinsic functions of JSONPath states: "States.Format('{} x', $.a)" and the other 17.
//
// compile() parses a call once (nested calls, string literals with the spec's escapes
// \' \{ \} \\, numbers, true/false/null, $ / $$ / $var paths as arguments) into an
// immutable Intrinsic. Errors at compile time (unknown function, wrong argument count
// where it is fixed, malformed literal, nesting deeper than 10): code "INVALID_INTRINSIC".
//
// evaluate() runs it. Path arguments read `roots` (a missing path fails with the path's
// own error, code "PATH_NOT_FOUND"); randomness comes only from `entropy`. Runtime
// failures (wrong argument types, out-of-range values, AWS limits) fail with code
// "States.IntrinsicFailure" and a message in AWS's wording where known.
//
// Literal arguments are type-checked at compile time, other arguments when run. A call of
// a pure function whose arguments are all constant is computed once at compile time (if
// that fails, evaluate() reports the same failure). UUID and unseeded MathRandom never are.
//
// looks_like_intrinsic(): true when text starts with "States." followed by a name and '('.
//
// Pure and thread-safe (entropy is the caller's).
#pragma once

#include <memory>
#include <string_view>

#include "common/result.h"
#include "json/path_roots.h"
#include "json/value.h"

namespace sg::json {

class JsonPath;

namespace intrinsic_detail {
struct Call;  // defined in intrinsics_ast.h
}

class Intrinsic {
 public:
  static Result<Intrinsic> compile(std::string_view text);
  static bool looks_like_intrinsic(std::string_view text);

  Result<Value> evaluate(const PathRoots& roots, Entropy& entropy) const;
  // Same; when a path argument selects nothing, *failed_path (if not null) is set to that
  // argument's path, so callers can name it in their own message.
  Result<Value> evaluate(const PathRoots& roots, Entropy& entropy, const JsonPath** failed_path) const;
  // The function name, e.g. "States.Format".
  std::string_view name() const;
  // True when any argument (at any depth) reads the Context object ($$...).
  bool uses_context() const;

 private:
  std::shared_ptr<const intrinsic_detail::Call> c_;
};

}  // namespace sg::json
