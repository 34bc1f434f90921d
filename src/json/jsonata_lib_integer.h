// XPath fn:format-integer pictures as jsonata-js implements them, for $formatInteger,
// $parseInteger and the integer components of date/time pictures: decimal digit patterns
// ("0", "#,##0", "000;o", any Unicode decimal digit family), letters ("a", "A"), roman
// numerals ("i", "I") and English words ("w", "W", "Ww", with ";o" for ordinals).
// Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/jsonata_lib_text.h"

namespace sg::json::jsonata::lib {

struct IntegerPicture {
  enum class Primary { kDecimal, kLetters, kRoman, kWords, kSequence };
  enum class Case { kLower, kUpper, kTitle };
  struct Separator {
    int position;  // digits to its right
    char32_t ch;
  };

  Primary primary = Primary::kDecimal;
  Case letter_case = Case::kLower;
  bool ordinal = false;
  // Decimal patterns.
  char32_t zero = U'0';
  int mandatory_digits = 0;
  int optional_digits = 0;
  bool regular = false;  // separators repeat every `regular_every` digits
  int regular_every = 0;
  char32_t regular_char = 0;
  std::vector<Separator> separators;  // when not regular, leftmost first
  int parse_width = 0;                // date/time parsing: exact digit count, 0: any
  std::string token;                  // the picture, for D3130
};

// Analyses a format-integer picture ("primary;modifier"). Fails with D3131 when a decimal
// pattern mixes digit families.
bool analyse_integer_picture(std::string_view picture, IntegerPicture* out, LibError* error);

// Formats floor(value) (the caller floors) as `pic` says. Fails with D3130 for a
// numbering-sequence picture (one without digits that is no letter/roman/word picture).
bool format_integer(double value, const IntegerPicture& pic, std::string* out, LibError* error);

// English words: 2018 -> "Two Thousand and Eighteen" (title case; callers change case),
// ordinal -> "Two Thousand and Eighteenth".
std::string number_to_words(double value, bool ordinal);
// The reverse, lenient as the reference is ("nineteen hundred and eighty-four" -> 1984);
// `text` in lowercase. Unknown words give NaN.
double words_to_number(std::string_view text);
std::string to_roman(double value);  // lowercase
double from_roman(std::string_view upper);
std::string to_letters(double value, char a);  // spreadsheet style: 1 a, 26 z, 27 aa
double from_letters(std::string_view letters, char a);

// $parseInteger: parses `text` as `pic` describes (no validation beyond that, as the
// reference). Fails with D3130 for a numbering-sequence picture.
bool parse_integer(std::string_view text, const IntegerPicture& pic, double* out, LibError* error);

// The word tokens the words regex of date/time parsing accepts ("one" ... "trillionth").
const std::vector<std::string>& number_words();

}  // namespace sg::json::jsonata::lib
