// Small helpers shared by the JSONata built-in function families (jsonata_lib_*.cc):
// turning the pure helpers' errors into the evaluator's Errors, and size checks.
// Internal to json/.
#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "json/jsonata_functions.h"
#include "json/jsonata_lib_text.h"
#include "json/jsonata_value.h"

namespace sg::json::jsonata::lib {

// A pure helper's error as the reference reports it (message from the catalogue, with
// the helper's value as {{value}}).
inline Error to_error(const LibError& e) {
  ErrorDetails d;
  if (const auto* s = std::get_if<std::string>(&e.value)) d.value = JValue::string(*s);
  if (const auto* n = std::get_if<double>(&e.value)) d.value = JValue::number(*n);
  return make_error(e.code, d);
}

// An error whose message is not the catalogue's ($error, $assert, D3140).
inline Error error_with_message(std::string_view code, std::string message) {
  Error e = make_error(code);
  e.message = std::move(message);
  return e;
}

// True when a result of `n` bytes or items is more than the evaluation allows.
inline bool too_large(const CallContext& ctx, size_t n) {
  size_t max = ctx.max_result_size();
  return max != 0 && n > max;
}

inline Error too_large_error() {
  return error_with_message("U1001", "The result of the function is larger than the evaluation allows");
}

// Longest picture string (bytes) $formatNumber, $formatInteger, $parseInteger,
// $fromMillis and $toMillis accept, and longest timestamp $toMillis parses with a
// picture: their algorithms are quadratic in these, and real pictures are a few dozen
// characters.
constexpr size_t kMaxPictureBytes = 4096;

inline Error picture_too_long_error() {
  return error_with_message("U1001",
                            "The picture string (or the text parsed with it) is longer than 4096 bytes");
}

// A number argument that is present, or `fallback` when it was not given.
inline double number_or(const JValue& v, double fallback) { return v.is_number() ? v.as_number() : fallback; }

}  // namespace sg::json::jsonata::lib
