#include "json/jsonata_lib_integer.h"

#include <cmath>
#include <numeric>
#include <unordered_map>

#include "json/jsonata_lib_number.h"

namespace sg::json::jsonata::lib {

namespace {

constexpr const char* kFew[] = {"Zero",    "One",     "Two",       "Three",    "Four",
                                "Five",    "Six",     "Seven",     "Eight",    "Nine",
                                "Ten",     "Eleven",  "Twelve",    "Thirteen", "Fourteen",
                                "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
constexpr const char* kOrdinals[] = {"Zeroth",    "First",     "Second",      "Third",      "Fourth",
                                     "Fifth",     "Sixth",     "Seventh",     "Eighth",     "Ninth",
                                     "Tenth",     "Eleventh",  "Twelfth",     "Thirteenth", "Fourteenth",
                                     "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"};
constexpr const char* kDecades[] = {"Twenty",  "Thirty", "Forty",  "Fifty",  "Sixty",
                                    "Seventy", "Eighty", "Ninety", "Hundred"};
constexpr const char* kMagnitudes[] = {"Thousand", "Million", "Billion", "Trillion"};

// Unicode decimal digit families (their zero code points), as the reference lists them.
constexpr char32_t kDecimalGroups[] = {
    0x30,   0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

// Roman numerals can only be written by repetition: past this the output would be huge.
constexpr double kMaxRoman = 1e6;

void words_lookup(double num, bool prev, bool ord, std::string& out) {
  if (num <= 19) {
    if (prev) out += " and ";
    out += ord ? kOrdinals[static_cast<int>(num)] : kFew[static_cast<int>(num)];
  } else if (num < 100) {
    int tens = static_cast<int>(num / 10);
    double rem = std::fmod(num, 10);
    if (prev) out += " and ";
    out += kDecades[tens - 2];
    if (rem > 0) {
      out += '-';
      words_lookup(rem, false, ord, out);
    } else if (ord) {
      out.pop_back();
      out += "ieth";
    }
  } else if (num < 1000) {
    int hundreds = static_cast<int>(num / 100);
    double rem = std::fmod(num, 100);
    if (prev) out += ", ";
    out += kFew[hundreds];
    out += " Hundred";
    if (rem > 0) {
      words_lookup(rem, true, ord, out);
    } else if (ord) {
      out += "th";
    }
  } else {
    int mag = static_cast<int>(std::floor(std::log10(num) / 3));
    if (mag > 4) mag = 4;
    double factor = std::pow(10, mag * 3);
    double mant = std::floor(num / factor);
    double rem = num - mant * factor;
    if (prev) out += ", ";
    words_lookup(mant, false, false, out);
    out += ' ';
    out += kMagnitudes[mag - 1];
    if (rem > 0) {
      words_lookup(rem, true, ord, out);
    } else if (ord) {
      out += "th";
    }
  }
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return out;
}

struct WordTable {
  std::vector<std::string> words;  // in the reference's order
  std::unordered_map<std::string, double> values;
  void add(std::string w, double v) {
    if (values.emplace(w, v).second) words.push_back(std::move(w));
  }
};

const WordTable& word_table() {
  static const WordTable table = [] {
    WordTable t;
    for (int i = 0; i < 20; ++i) t.add(lower_ascii(kFew[i]), i);
    for (int i = 0; i < 20; ++i) t.add(lower_ascii(kOrdinals[i]), i);
    for (int i = 0; i < 9; ++i) {
      std::string w = lower_ascii(kDecades[i]);
      double v = (i + 2) * 10;
      std::string ieth = w.substr(0, w.size() - 1);
      ieth += "ieth";
      t.add(w, v);
      t.add(ieth, v);
    }
    t.add("hundredth", 100);
    for (int i = 0; i < 4; ++i) {
      std::string w = lower_ascii(kMagnitudes[i]);
      double v = std::pow(10, (i + 1) * 3);
      std::string th = w;
      th += "th";
      t.add(w, v);
      t.add(th, v);
    }
    return t;
  }();
  return table;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// JavaScript's parseInt(s, 10): optional whitespace and sign, then the longest run of
// ASCII digits; NaN when there is none.
double js_parse_int(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == start) return NAN;
  double v = *parse_decimal(s.substr(start, i - start));
  return neg ? -v : v;
}

}  // namespace

std::string number_to_words(double value, bool ordinal) {
  std::string out;
  words_lookup(value, false, ordinal, out);
  return out;
}

const std::vector<std::string>& number_words() { return word_table().words; }

double words_to_number(std::string_view text) {
  // text.split(/,\s|\sand\s|[\s\\-]/), trying the alternatives in that order.
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    size_t sep = 0;
    if (text[i] == ',' && i + 1 < text.size() && is_space(text[i + 1])) {
      sep = 2;
    } else if (is_space(text[i]) && text.substr(i + 1, 3) == "and" && i + 4 < text.size() &&
               is_space(text[i + 4])) {
      sep = 5;
    } else if (is_space(text[i]) || text[i] == '\\' || text[i] == '-') {
      sep = 1;
    }
    if (sep == 0) {
      ++i;
      continue;
    }
    parts.push_back(text.substr(start, i - start));
    i += sep;
    start = i;
  }
  parts.push_back(text.substr(start));
  const auto& values = word_table().values;
  std::vector<double> segs = {0};
  for (std::string_view part : parts) {
    auto it = values.find(std::string(part));
    if (it == values.end()) return NAN;
    double value = it->second;
    if (value < 100) {
      double top = segs.back();
      segs.pop_back();
      if (top >= 1000) {
        segs.push_back(top);
        top = 0;
      }
      segs.push_back(top + value);
    } else {
      segs.back() *= value;
    }
  }
  return std::accumulate(segs.begin(), segs.end(), 0.0);
}

std::string to_roman(double value) {
  static constexpr struct {
    int value;
    const char* text;
  } kNumerals[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
                   {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
  std::string out;
  for (const auto& n : kNumerals) {
    while (value >= n.value) {
      out += n.text;
      value -= n.value;
    }
  }
  return out;
}

double from_roman(std::string_view upper) {
  auto digit = [](char c) -> double {
    switch (c) {
      case 'M':
        return 1000;
      case 'D':
        return 500;
      case 'C':
        return 100;
      case 'L':
        return 50;
      case 'X':
        return 10;
      case 'V':
        return 5;
      case 'I':
        return 1;
      default:
        return NAN;
    }
  };
  double decimal = 0;
  double max = 1;
  for (size_t i = upper.size(); i-- > 0;) {
    double v = digit(upper[i]);
    if (std::isnan(v)) return NAN;
    if (v < max) {
      decimal -= v;
    } else {
      max = v;
      decimal += v;
    }
  }
  return decimal;
}

std::string to_letters(double value, char a) {
  std::string out;
  while (value > 0) {
    out.insert(out.begin(), static_cast<char>(std::fmod(value - 1, 26) + a));
    value = std::floor((value - 1) / 26);
  }
  return out;
}

double from_letters(std::string_view letters, char a) {
  double decimal = 0;
  for (size_t i = 0; i < letters.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(letters[letters.size() - i - 1]);
    decimal += (static_cast<double>(c) - a + 1) * std::pow(26, static_cast<double>(i));
  }
  return decimal;
}

bool analyse_integer_picture(std::string_view picture, IntegerPicture* out, LibError* error) {
  IntegerPicture pic;
  std::string_view primary = picture;
  size_t semicolon = picture.rfind(';');
  if (semicolon != std::string_view::npos) {
    primary = picture.substr(0, semicolon);
    std::string_view modifier = picture.substr(semicolon + 1);
    if (!modifier.empty() && modifier[0] == 'o') pic.ordinal = true;
  }
  using P = IntegerPicture::Primary;
  using C = IntegerPicture::Case;
  if (primary == "A" || primary == "a") {
    pic.primary = P::kLetters;
    pic.letter_case = primary == "A" ? C::kUpper : C::kLower;
  } else if (primary == "I" || primary == "i") {
    pic.primary = P::kRoman;
    pic.letter_case = primary == "I" ? C::kUpper : C::kLower;
  } else if (primary == "W" || primary == "Ww" || primary == "w") {
    pic.primary = P::kWords;
    pic.letter_case = primary == "W" ? C::kUpper : primary == "Ww" ? C::kTitle : C::kLower;
  } else {
    std::u32string cps = to_u32(primary);
    char32_t zero = 0;
    int mandatory = 0, optional = 0, position = 0;
    std::vector<IntegerPicture::Separator> seps;  // rightmost first
    for (size_t k = cps.size(); k-- > 0;) {
      char32_t cp = cps[k];
      bool digit = false;
      for (char32_t group : kDecimalGroups) {
        if (cp >= group && cp <= group + 9) {
          digit = true;
          ++mandatory;
          ++position;
          if (zero == 0) {
            zero = group;
          } else if (group != zero) {
            *error = LibError{"D3131", {}};
            return false;
          }
          break;
        }
      }
      if (digit) continue;
      if (cp == U'#') {
        ++position;
        ++optional;
      } else {
        seps.push_back({position, cp});
      }
    }
    if (mandatory > 0) {
      pic.primary = P::kDecimal;
      pic.zero = zero;
      pic.mandatory_digits = mandatory;
      pic.optional_digits = optional;
      int factor = 0;
      bool same = !seps.empty();
      for (const auto& s : seps)
        if (s.ch != seps[0].ch) same = false;
      if (same) {
        for (const auto& s : seps) factor = std::gcd(factor, s.position);
        for (size_t k = 1; k <= seps.size() && factor > 0; ++k) {
          bool found = false;
          for (const auto& s : seps)
            if (s.position == static_cast<int>(k) * factor) found = true;
          if (!found) factor = 0;
        }
      }
      if (same && factor > 0) {
        pic.regular = true;
        pic.regular_every = factor;
        pic.regular_char = seps[0].ch;
      } else {
        pic.separators.assign(seps.rbegin(), seps.rend());
      }
    } else {
      pic.primary = P::kSequence;
      pic.token = std::string(primary);
    }
  }
  *out = std::move(pic);
  return true;
}

bool format_integer(double value, const IntegerPicture& pic, std::string* out, LibError* error) {
  using P = IntegerPicture::Primary;
  using C = IntegerPicture::Case;
  bool negative = value < 0;
  value = std::fabs(value);
  std::string text;
  switch (pic.primary) {
    case P::kLetters:
      text = to_letters(value, pic.letter_case == C::kUpper ? 'A' : 'a');
      break;
    case P::kRoman:
      if (value > kMaxRoman) {
        *error = LibError{"D3130", std::string("roman numerals beyond 1000000")};
        return false;
      }
      text = to_roman(value);
      if (pic.letter_case == C::kUpper) text = upper_ascii(text);
      break;
    case P::kWords:
      text = number_to_words(value, pic.ordinal);
      if (pic.letter_case == C::kUpper) {
        text = upper_ascii(text);
      } else if (pic.letter_case == C::kLower) {
        text = lower_ascii(text);
      }
      break;
    case P::kDecimal: {
      std::u32string digits = to_u32(js_number_to_string(value));
      if (pic.mandatory_digits > static_cast<int>(digits.size()))
        digits.insert(0, static_cast<size_t>(pic.mandatory_digits) - digits.size(), U'0');
      if (pic.zero != U'0')
        for (char32_t& c : digits) c = c + pic.zero - U'0';
      if (pic.regular) {
        int n = (static_cast<int>(digits.size()) - 1) / pic.regular_every;
        for (int k = n; k > 0; --k) {
          size_t pos = digits.size() - static_cast<size_t>(k * pic.regular_every);
          digits.insert(pos, 1, pic.regular_char);
        }
      } else {
        for (const auto& sep : pic.separators) {
          // Past the digits the reference splices at negative offsets (garbage): skip those.
          if (sep.position > static_cast<int>(digits.size())) continue;
          digits.insert(digits.size() - static_cast<size_t>(sep.position), 1, sep.ch);
        }
      }
      if (pic.ordinal) {
        char32_t last = digits.empty() ? 0 : digits.back();
        const char* suffix = last == U'1' ? "st" : last == U'2' ? "nd" : last == U'3' ? "rd" : "th";
        if (digits.size() > 1 && digits[digits.size() - 2] == U'1') suffix = "th";
        text = to_utf8(digits);
        text += suffix;
      } else {
        text = to_utf8(digits);
      }
      break;
    }
    case P::kSequence:
      *error = LibError{"D3130", pic.token};
      return false;
  }
  if (negative) {
    std::string neg = "-";
    neg += text;
    text = std::move(neg);
  }
  *out = std::move(text);
  return true;
}

bool parse_integer(std::string_view text, const IntegerPicture& pic, double* out, LibError* error) {
  using P = IntegerPicture::Primary;
  using C = IntegerPicture::Case;
  bool upper = pic.letter_case == C::kUpper;
  switch (pic.primary) {
    case P::kLetters:
      *out = from_letters(text, upper ? 'A' : 'a');
      return true;
    case P::kRoman:
      *out = from_roman(upper ? std::string(text) : upper_ascii(text));
      return true;
    case P::kWords:
      *out = words_to_number(lower_ascii(text));
      return true;
    case P::kDecimal: {
      std::u32string digits = to_u32(text);
      if (pic.ordinal) digits.resize(digits.size() >= 2 ? digits.size() - 2 : 0);
      auto strip = [&](char32_t sep) { std::erase(digits, sep); };
      if (pic.regular) {
        strip(U',');  // the reference strips ',' whatever the separator
      } else {
        for (const auto& sep : pic.separators) strip(sep.ch);
      }
      if (pic.zero != U'0')
        for (char32_t& c : digits) c = c - pic.zero + U'0';
      *out = js_parse_int(to_utf8(digits));
      return true;
    }
    case P::kSequence:
      *error = LibError{"D3130", pic.token};
      return false;
  }
  return false;
}

}  // namespace sg::json::jsonata::lib
