// JSONata (the language of jsonata-js 2.x, as AWS Step Functions runs it): expressions are
// compiled once into an immutable Expression and evaluated many times. Pure: no I/O, no
// clock (the time $now() and $millis() report comes in the Environment), no globals.
//
// compile(): the expression text in, an Expression or the reference's error (code such as
// "S0201", message, character position, token).
// evaluate(): an Expression against an input (nullopt: no input, JSONata's undefined) and
// an Environment of variables and native functions; the result is a JSON value or nullopt
// (undefined), or the reference's error (code such as "T2001"). Evaluation is bounded by
// Limits (depth, steps, result size, should_stop) and by the C++ stack of the calling
// thread: past them it fails with "U1001" rather than crashing or hanging.
//
// Error positions count UTF-16 code units from the start of the expression, as the
// reference (JavaScript) does; they point just past the offending token.
//
// Thread safety: an Expression may be evaluated from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/value.h"

namespace sg::json::jsonata {

struct Error {
  std::string code;     // "T2001", "S0201", "D3001", "U1001", ...
  std::string message;  // the reference's message text, with its {{token}} filled in
  int64_t position = -1;
  std::string token;
};

class Expression;  // opaque, immutable

// Compiles `text`. Returns null and fills `error` when it does not parse.
std::shared_ptr<const Expression> compile(std::string_view text, Error* error);

// Which JSONata: what AWS Step Functions runs (jsonata 2.0.6: no ?: or ?? operators, no
// $eval), or the reference jsonata-js 2.2 the conformance suite describes (adds ?:, ?? and
// $eval). compile(text, error) uses kAws.
enum class Dialect { kAws, kReference };

struct CompileOptions {
  Dialect dialect = Dialect::kAws;
  // Deepest syntactic nesting accepted; deeper expressions fail with U1001 instead of
  // exhausting the C++ stack.
  int max_nesting = 400;
};

std::shared_ptr<const Expression> compile(std::string_view text, const CompileOptions& options, Error* error);

// A thread-safe cache of compiled expressions keyed by their text (and dialect), so an
// expression that is evaluated many times is parsed once. Holds at most `capacity`
// expressions and forgets the least recently used. Errors are not cached.
class CompileCache {
 public:
  explicit CompileCache(size_t capacity = 4096);
  ~CompileCache();
  CompileCache(const CompileCache&) = delete;
  CompileCache& operator=(const CompileCache&) = delete;

  std::shared_ptr<const Expression> compile(std::string_view text, Error* error,
                                            const CompileOptions& options = {});
  size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A function written in C++ and callable from expressions as $name(...). Arguments arrive
// evaluated (nullopt: undefined); return nullopt for undefined, or false with `error` set.
using NativeFunction = std::function<bool(std::span<const std::optional<Value>> args,
                                          std::optional<Value>* result, Error* error)>;

struct NativeFunctionEntry {
  std::string name;       // without the '$'
  std::string signature;  // JSONata signature string, e.g. "<n-n:n>"; empty: unchecked
  NativeFunction fn;
};

struct Environment {
  std::vector<std::pair<std::string, Value>> variables;  // $name (without '$') -> value
  std::vector<NativeFunctionEntry> functions;            // added to (or replacing) built-ins
  int64_t now_ms = 0;                                    // $now(), $millis()
  uint64_t random_seed = 0;                              // $random()
};

struct Limits {
  int max_depth = 1000;         // nested evaluation depth (recursion)
  int64_t max_steps = 0;        // evaluation steps; 0: no limit
  size_t max_result_bytes = 0;  // 0: no limit
  // Polled about every thousand steps; when it returns true the evaluation stops with
  // U1001 ("Expression evaluation timeout"). This is how a caller with a clock bounds
  // evaluation time (json/ reads no clock itself). Empty: never.
  std::function<bool()> should_stop;
};

// The error code evaluate() reports when the result is a function (which has no JSON
// form; AWS calls it "an unsupported result type"). Functions nested in an object or array
// are dropped as JSON.stringify drops them.
inline constexpr std::string_view kFunctionResultCode = "SG_JSONATA_FUNCTION_RESULT";

// Evaluates `expr`. On success returns true and sets *result (nullopt: undefined).
bool evaluate(const Expression& expr, const std::optional<Value>& input, const Environment& env,
              const Limits& limits, std::optional<Value>* result, Error* error);

// Serialises a result as JSON.stringify does (compact; numbers as JavaScript prints them:
// 1e+21, 1.5e-7; members in their order). For showing results the way jsonata-js would.
std::string dump_js(const Value& v);

}  // namespace sg::json::jsonata
