// $formatNumber: XPath 3.1 fn:format-number pictures as jsonata-js implements them
// (decimal-format properties, two sub-pictures, grouping, exponent, percent and per-mille),
// including the reference's quirks, since its results are the specification. Pure,
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "json/jsonata_lib_text.h"

namespace sg::json::jsonata::lib {

// The decimal-format properties; $formatNumber's third argument overrides them by name.
struct DecimalFormat {
  std::u32string decimal_separator = U".";
  std::u32string grouping_separator = U",";
  std::u32string exponent_separator = U"e";
  std::u32string minus_sign = U"-";
  std::u32string percent = U"%";
  std::u32string per_mille = U"\u2030";
  std::u32string zero_digit = U"0";
  std::u32string digit = U"#";
  std::u32string pattern_separator = U";";
  // "infinity" and "NaN" are accepted and unused: JSON has neither.

  // Sets the property called `name` ("decimal-separator", "per-mille", ...). Unknown names
  // are ignored, as the reference ignores them.
  void set(std::string_view name, std::string_view value);
};

// Formats `value` with `picture`. Fails with the picture's error: D3080 (more than two
// sub-pictures) or D3081..D3093 (the checks of F&O 4.7.3, the last failing one winning as
// in the reference).
bool format_number(double value, std::string_view picture, const DecimalFormat& format, std::string* out,
                   LibError* error);

}  // namespace sg::json::jsonata::lib
