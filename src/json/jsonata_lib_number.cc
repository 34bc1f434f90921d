#include "json/jsonata_lib_number.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace sg::json::jsonata::lib {

namespace {

// Digits and decimal exponent of the shortest round-trip form of a > 0:
// a = 0.d1d2d3... * 10^point.
void shortest_digits(double a, std::string& digits, int& point) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  size_t e = s.find('e');
  digits.clear();
  for (char c : s.substr(0, e))
    if (c != '.') digits.push_back(c);
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  point = exp + 1;
}

std::string to_chars_string(double a, std::chars_format fmt, int precision) {
  std::string out(precision + 400, '\0');
  for (;;) {
    auto r = std::to_chars(out.data(), out.data() + out.size(), a, fmt, precision);
    if (r.ec == std::errc()) {
      out.resize(static_cast<size_t>(r.ptr - out.data()));
      return out;
    }
    out.resize(out.size() * 2);
  }
}

bool is_tie_tail(std::string_view tail) {
  if (tail.empty() || tail[0] != '5') return false;
  for (size_t i = 1; i < tail.size(); ++i)
    if (tail[i] != '0') return false;
  return true;
}

// Adds one unit in the last digit of `s` (digits and at most one '.'); returns true when
// the carry ran off the front (the caller prepends '1').
bool increment_digits(std::string& s) {
  for (size_t i = s.size(); i-- > 0;) {
    if (s[i] == '.') continue;
    if (s[i] == '9') {
      s[i] = '0';
      continue;
    }
    ++s[i];
    return false;
  }
  return true;
}

// |a| (a >= 0, finite) with `frac` fractional digits, rounded half away from zero on the
// exact binary value.
std::string fixed_half_up(double a, int frac) {
  constexpr int kGuard = 20;
  std::string s = to_chars_string(a, std::chars_format::fixed, frac + kGuard);
  size_t dot = s.find('.');
  if (is_tie_tail(std::string_view(s).substr(dot + 1 + frac))) {
    // The guard digits may have been rounded into a false tie: use the exact expansion
    // (a double has at most 1074 fractional binary, so decimal, digits).
    s = to_chars_string(a, std::chars_format::fixed, frac + 1100);
    dot = s.find('.');
  }
  bool up = s[dot + 1 + frac] >= '5';
  s.resize(frac == 0 ? dot : dot + 1 + frac);
  if (up && increment_digits(s)) s.insert(s.begin(), '1');
  return s;
}

// a > 0 finite rounded to p significant digits, half away from zero; returns the digits
// (exactly p) and sets *exp10 so that a ~ d.ddd * 10^exp10.
std::string precision_half_up(double a, int p, int* exp10) {
  constexpr int kGuard = 20;
  auto split = [&](const std::string& s, std::string& digits, int& exp) {
    size_t e = s.find('e');
    digits.clear();
    for (size_t i = 0; i < e; ++i)
      if (s[i] != '.') digits.push_back(s[i]);
    const char* first = s.data() + e + 1;
    if (*first == '+') ++first;
    std::from_chars(first, s.data() + s.size(), exp);
  };
  std::string digits;
  int exp = 0;
  split(to_chars_string(a, std::chars_format::scientific, p - 1 + kGuard), digits, exp);
  if (is_tie_tail(std::string_view(digits).substr(p))) {
    split(to_chars_string(a, std::chars_format::scientific, p - 1 + 800), digits, exp);
  }
  bool up = digits[p] >= '5';
  digits.resize(p);
  if (up && increment_digits(digits)) {
    digits.insert(digits.begin(), '1');
    digits.pop_back();
    ++exp;
  }
  *exp10 = exp;
  return digits;
}

}  // namespace

void append_js_number(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (d == 0) {
    out += '0';
    return;
  }
  if (d < 0) {
    out += '-';
    d = -d;
  }
  std::string digits;
  int n = 0;
  shortest_digits(d, digits, n);
  int k = static_cast<int>(digits.size());
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out += '.';
    out.append(digits, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 < 0 ? '-' : '+';
    out += std::to_string(std::abs(n - 1));
  }
}

std::string js_number_to_string(double d) {
  std::string out;
  append_js_number(d, out);
  return out;
}

double js_to_precision(double d, int p) {
  if (!std::isfinite(d) || d == 0) return d;
  bool neg = d < 0;
  int exp = 0;
  std::string text = precision_half_up(std::fabs(d), p, &exp);
  text += 'e';
  text += std::to_string(exp - (p - 1));
  double v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return neg ? -v : v;
}

double jsonata_string_number(double d) {
  if (!std::isfinite(d) || std::trunc(d) == d) return d;
  return js_to_precision(d, 15);
}

std::string js_to_fixed(double d, int digits) {
  if (!std::isfinite(d) || std::fabs(d) >= 1e21) return js_number_to_string(d);
  std::string s = fixed_half_up(std::fabs(d), digits);
  if (d < 0) {  // JS keeps the sign even when the digits are all zero: "-0.00"
    std::string neg = "-";
    neg += s;
    return neg;
  }
  return s;
}

double js_math_round(double d) {
  if (!std::isfinite(d)) return d;
  double f = std::floor(d);
  if (d - f >= 0.5) f += 1;
  if (f == 0 && std::signbit(d)) return -0.0;
  return f;
}

namespace {

// Shifts the decimal point of `d` by `shift` places through its JS text form (exact in
// decimal, as `+(mantissa + 'e' + (exp + shift))` is in the reference).
double shift_decimal(double d, int shift) {
  std::string s = js_number_to_string(d);
  size_t e = s.find('e');
  long exp = 0;
  std::string text;
  if (e == std::string::npos) {
    text = s;
  } else {
    text = s.substr(0, e);
    const char* first = s.data() + e + 1;
    if (*first == '+') ++first;
    std::from_chars(first, s.data() + s.size(), exp);
  }
  text += 'e';
  text += std::to_string(exp + shift);
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    // Underflow to zero or overflow to infinity, as JS's Number() does.
    bool neg = !text.empty() && text[0] == '-';
    v = exp + shift < 0 ? 0.0 : HUGE_VAL;
    if (neg) v = -v;
  }
  return v;
}

}  // namespace

double round_half_even(double d, int precision) {
  if (!std::isfinite(d)) return d;
  double arg = precision != 0 ? shift_decimal(d, precision) : d;
  if (!std::isfinite(arg)) return NAN;  // the reference's text shift gives NaN back
  double result = js_math_round(arg);
  double diff = result - arg;
  if (std::fabs(diff) == 0.5 && std::fabs(std::fmod(result, 2.0)) == 1.0) result -= 1;
  if (precision != 0) result = shift_decimal(result, -precision);
  if (result == 0) result = 0;  // no -0 in JSON
  return result;
}

std::string js_integer_to_radix(double d, int radix) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  if (!std::isfinite(d) || radix == 10) return js_number_to_string(d);
  bool neg = d < 0;
  double a = std::fabs(std::trunc(d));
  std::string out;
  // V8 writes the digits a double cannot represent as zeros: divide (inexactly) while the
  // quotient is still beyond 2^53, then convert the rest exactly.
  while (a / radix >= 9007199254740992.0) {
    a /= radix;
    out.push_back('0');
  }
  a = std::floor(a);
  do {
    double r = std::fmod(a, radix);
    out.push_back(kDigits[static_cast<int>(r)]);
    a = (a - r) / radix;
  } while (a > 0);
  if (neg && !(out.size() == 1 && out[0] == '0')) out.push_back('-');
  return std::string(out.rbegin(), out.rend());
}

std::optional<double> parse_decimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (r.ptr != s.data() + s.size()) return std::nullopt;
  if (r.ec == std::errc::result_out_of_range) {
    // from_chars leaves v untouched: decide between underflow and overflow.
    size_t e = s.find_first_of("eE");
    bool neg_exp = e != std::string_view::npos && e + 1 < s.size() && s[e + 1] == '-';
    // Magnitudes below 1 without an exponent cannot overflow; with a negative exponent
    // they underflow.
    v = neg_exp ? 0.0 : HUGE_VAL;
    if (s[0] == '-') v = -v;
  } else if (r.ec != std::errc()) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> js_parse_number_string(std::string_view s) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  // 0x.., 0o.., 0b.. integer literals.
  if (s.size() > 2 && s[0] == '0') {
    int base = 0;
    switch (s[1]) {
      case 'x':
      case 'X':
        base = 16;
        break;
      case 'o':
      case 'O':
        base = 8;
        break;
      case 'b':
      case 'B':
        base = 2;
        break;
      default:
        break;
    }
    if (base != 0) {
      double v = 0;
      for (char c : s.substr(2)) {
        int digit;
        if (is_digit(c))
          digit = c - '0';
        else if (c >= 'a' && c <= 'f')
          digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
          digit = c - 'A' + 10;
        else
          return std::nullopt;
        if (digit >= base) return std::nullopt;
        v = v * base + digit;
      }
      if (!std::isfinite(v)) return std::nullopt;
      return v;
    }
  }
  // ^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == start) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t f = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == f) return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t f = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == f) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  auto v = parse_decimal(s);
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return v;
}

}  // namespace sg::json::jsonata::lib
