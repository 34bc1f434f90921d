// How JSONata built-in functions plug into the evaluator (internal to json/).
//
// STABLE INTERNAL API. Another engineer writes the non-higher-order function families in
// src/json/jsonata_lib_*.cc against this header and jsonata_value.h; the evaluator
// (jsonata_eval.cc) and its own families (jsonata_hof.cc) use it too. Add to it freely; do
// not change or remove what is here without telling them.
//
// A built-in is a name, a signature in the reference's syntax and a plain C++ function:
//
//   Outcome fn(CallContext& ctx, std::span<const JValue> args);
//
// Before calling it the evaluator checks the arguments against the signature (errors
// T0410, T0411, T0412 with the reference's positions) and normalises them as the reference
// does, so a function sees:
// - exactly one arg per declared parameter, in order; an optional parameter that was not
//   given arrives as undefined (JValue{}); a variadic parameter ("+") gets every remaining
//   argument;
// - for a "-" parameter that was not given, the context item (focus) in its place;
// - for an array parameter ("a", "a<n>") given a single non-array value, that value
//   wrapped in a one-item array;
// - undefined where the caller passed something undefined (most functions then return
//   undefined: return JValue{}).
//
// Signature syntax (the reference's): "<" params ":" result ">", param types b boolean,
// n number, s string, l null, a array ("a<n>": array of numbers), o object, f function,
// j any JSON, x anything, u = (bnsl), "(sao)" a choice; suffixes "?" optional, "+" one or
// more, "-" use the context item when absent. Example: "<s-nn?:s>" for $substring.
//
// A function returns a JValue or an Error (make_error fills the reference's message). The
// evaluator sets the position (and token) of an error that has position -1 to the call
// site, as the reference does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "json/jsonata.h"
#include "json/jsonata_value.h"

namespace sg::json::jsonata {

// A JValue or an Error.
class [[nodiscard]] Outcome {
 public:
  Outcome(JValue v) : v_(std::move(v)) {}  // NOLINT: implicit by design
  Outcome(Error e) : v_(std::move(e)) {}   // NOLINT: implicit by design
  bool ok() const noexcept { return v_.index() == 0; }
  const JValue& value() const& { return std::get<0>(v_); }
  JValue&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<JValue, Error> v_;
};

// Details an error message may quote, as the reference's error objects carry them.
struct ErrorDetails {
  std::string token;          // the function name or operator ({{{token}}} in the templates)
  JValue value;               // {{value}}: JSON-stringified in the message
  JValue value2;              // {{value2}}
  int64_t index = -1;         // {{index}}: argument number (1-based), -1 when none
  std::string message;        // {{{message}}} ($error, $assert: D3137, D3141)
  std::string function_name;  // {{{functionName}}} (D3140)
  std::string exp;            // {{exp}} (D3061), already JSON text
};

// An Error with code `code` and the reference's message for it (with details filled in;
// {{token}} is filled in by the evaluator once it knows the function's name). Unknown codes
// get a generic message. Position -1: the evaluator fills in the call site.
Error make_error(std::string_view code, const ErrorDetails& details = {});

// What a built-in sees of the evaluation it is called from.
class CallContext {
 public:
  virtual ~CallContext() = default;

  // The context item ("focus", $ at the call site) the function was called on.
  virtual const JValue& focus() const = 0;

  // Calls a function-valued argument (lambda, built-in, partial application or regex) with
  // `args`. Use it for the function arguments of $replace and friends; it charges depth and
  // steps like any other call.
  virtual Outcome call(const JValue& fn, std::span<const JValue> args) = 0;

  // The instant of this evaluation (ms since the epoch, from Environment::now_ms); the same
  // for every call in one evaluation, as in the reference.
  virtual int64_t now_ms() const = 0;

  // 64 random bits from the evaluation's seeded generator (Environment::random_seed):
  // deterministic for a given seed and call order.
  virtual uint64_t random_u64() = 0;

  // Charges `units` of work (about one per item or per byte produced) against the
  // evaluation's budget. Returns false, with *error set (U1001), once it is exhausted;
  // long loops should call it so hostile inputs stay bounded.
  virtual bool charge(uint64_t units, Error* error) = 0;

  // Largest string (bytes) or array (items) a function may build; a function asked for
  // more fails with make_error("U1001"). 0: no limit.
  virtual size_t max_result_size() const = 0;
};

using BuiltinFn = Outcome (*)(CallContext& ctx, std::span<const JValue> args);

struct Builtin {
  std::string_view name;       // without '$'
  std::string_view signature;  // e.g. "<s-nn?:s>"
  BuiltinFn fn;
};

// The families. Each returns a static table (valid for the life of the program). The
// evaluator registers all of them once, in this order; a name must appear only once.
//
// Written by the library engineer (src/json/jsonata_lib_*.cc):
//   string:      $length $substring $substringBefore $substringAfter $uppercase $lowercase
//                $trim $pad $contains $split $join $match $replace $base64encode
//                $base64decode $encodeUrlComponent $encodeUrl $decodeUrlComponent $decodeUrl
//   numeric:     $number $abs $floor $ceil $round $power $sqrt
//   format:      $formatNumber $formatBase $formatInteger $parseInteger
//   aggregation: $sum $max $min $average $count
//   array:       $append $reverse $shuffle $distinct $zip
//   object:      $keys $lookup $spread $merge $error $assert
//   datetime:    $now $millis $fromMillis $toMillis
// Written with the evaluator (jsonata_builtins.cc):
//   core:        $string $type $exists $boolean $not $clone $random, and $eval (reference
//                dialect only: AWS does not offer it)
//   hof:         $map $filter $single $reduce $sift $each $sort
// Step Functions' additions ($partition $range $hash $random([seed]) $uuid $parse) are not
// built-ins: the ASL layer passes them as Environment::functions (asl/jsonata_functions.h),
// which take precedence over built-ins of the same name.
std::span<const Builtin> string_builtins();
std::span<const Builtin> numeric_builtins();
std::span<const Builtin> format_builtins();
std::span<const Builtin> aggregation_builtins();
std::span<const Builtin> array_builtins();
std::span<const Builtin> object_builtins();
std::span<const Builtin> datetime_builtins();
std::span<const Builtin> core_builtins();
std::span<const Builtin> hof_builtins();

}  // namespace sg::json::jsonata
