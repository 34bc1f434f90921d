// Number formatting and rounding as JavaScript (and so jsonata-js) does them, for the
// JSONata built-in functions ($string, $round, $formatBase, $number, $formatNumber).
// Pure functions on double/std::string; no locale, no globals; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sg::json::jsonata::lib {

// Number.prototype.toString(): the shortest digits that round-trip, written as JS does
// ("5", "0.000001", "1e-7", "100000000000000000000", "1e+21", "-0" prints "0").
// NaN and infinities print "NaN", "Infinity", "-Infinity".
std::string js_number_to_string(double d);
void append_js_number(double d, std::string& out);

// Number(d.toPrecision(p)) for 1 <= p <= 100: d rounded to p significant digits.
// Non-finite values are returned unchanged.
double js_to_precision(double d, int p);

// The number $string and JSON output of $string show: integers as they are, any other
// finite number rounded to 15 significant digits first (jsonata 2.x's replacer).
double jsonata_string_number(double d);

// Number.prototype.toFixed(digits), 0 <= digits <= 100: exact decimal value rounded to
// `digits` places, ties away from zero; |d| >= 1e21 prints as js_number_to_string.
std::string js_to_fixed(double d, int digits);

// Math.round: the nearest integer, ties toward +infinity.
double js_math_round(double d);

// $round(d, precision): round half to even at `precision` decimal places (negative
// precision rounds to tens, hundreds...). The decimal shift is done on the decimal text,
// as the reference does, so $round(4.525, 2) is 4.52 and $round(4.515, 2) is 4.52. -0
// becomes 0; NaN when the shifted value overflows (as in the reference).
double round_half_even(double d, int precision);

// Number.prototype.toString(radix) for an integral double and 2 <= radix <= 36
// (lowercase digits, leading '-' for negatives; radix 10 is js_number_to_string, so
// "1e+21" from 1e21 on).
std::string js_integer_to_radix(double d, int radix);

// $number's string cast: decimal JSON-like numbers ("-007", "1e0", "0.5"; no leading '+',
// no leading/trailing '.', no spaces) and 0x/0o/0b integer literals. Returns nullopt when
// the text is not a number or the value is not finite ("10e500").
std::optional<double> js_parse_number_string(std::string_view s);

// Text to double as JS's Number() does for a plain decimal literal (used after shifting
// decimal exponents); nullopt when `s` is not a decimal literal.
std::optional<double> parse_decimal(std::string_view s);

}  // namespace sg::json::jsonata::lib
