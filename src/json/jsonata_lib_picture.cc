#include "json/jsonata_lib_picture.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <vector>

#include "json/jsonata_lib_number.h"

namespace sg::json::jsonata::lib {

namespace {

using U32 = std::u32string;
using U32View = std::u32string_view;
constexpr size_t npos = U32::npos;

// String.prototype.substring(a, b): clamps to [0, length] and swaps a > b.
U32 js_sub(U32View s, long a, long b) {
  long n = static_cast<long>(s.size());
  a = std::clamp(a, 0L, n);
  b = std::clamp(b, 0L, n);
  if (a > b) std::swap(a, b);
  return U32(s.substr(static_cast<size_t>(a), static_cast<size_t>(b - a)));
}

long index_of(U32View s, U32View what, size_t from = 0) {
  size_t p = s.find(what, from);
  return p == npos ? -1 : static_cast<long>(p);
}

long last_index_of(U32View s, U32View what) {
  size_t p = s.rfind(what);
  return p == npos ? -1 : static_cast<long>(p);
}

bool contains(U32View s, U32View what) { return s.find(what) != npos; }

// charAt(i) === property: a one-character property equal to the character at i.
bool char_is(U32View s, long i, U32View property) {
  if (i < 0 || i >= static_cast<long>(s.size())) return property.empty();
  return property.size() == 1 && s[static_cast<size_t>(i)] == property[0];
}

bool char_eq(char32_t c, U32View property) { return property.size() == 1 && property[0] == c; }

struct Parts {
  U32 prefix, suffix, active, mantissa, integer, fractional, subpicture;
  std::optional<U32> exponent;
};

struct Analysis {
  std::vector<int> integer_grouping;
  int regular_grouping = 0;
  int min_integer = 0;
  int scaling = 0;
  U32 prefix;
  std::vector<int> fractional_grouping;
  int min_fraction = 0;
  int max_fraction = 0;
  int min_exponent = 0;
  U32 suffix;
  U32 picture;
};

class Formatter {
 public:
  explicit Formatter(const DecimalFormat& f) : f_(f) {
    char32_t zero = f.zero_digit.empty() ? U'0' : f.zero_digit[0];
    for (int i = 0; i < 10; ++i) family_[i] = zero + static_cast<char32_t>(i);
  }

  bool run(double value, std::string_view picture, std::string* out, LibError* error) {
    U32 pic = to_u32(picture);
    std::vector<U32> subs;
    if (f_.pattern_separator.empty()) {
      subs.push_back(pic);
    } else {
      size_t start = 0;
      for (;;) {
        size_t p = pic.find(f_.pattern_separator, start);
        if (p == npos) break;
        subs.push_back(pic.substr(start, p - start));
        start = p + f_.pattern_separator.size();
      }
      subs.push_back(pic.substr(start));
    }
    if (subs.size() > 2) {
      *error = LibError{"D3080", {}};
      return false;
    }
    std::vector<Parts> parts;
    for (const U32& s : subs) parts.push_back(split(s));
    for (const Parts& p : parts) {
      const char* code = validate(p);
      if (code != nullptr) {
        *error = LibError{code, {}};
        return false;
      }
    }
    std::vector<Analysis> vars;
    for (const Parts& p : parts) vars.push_back(analyse(p));
    if (vars.size() == 1) {
      vars.push_back(vars[0]);
      vars[1].prefix = f_.minus_sign + vars[1].prefix;
    }
    *out = to_utf8(format(value, value >= 0 ? vars[0] : vars[1]));
    return true;
  }

 private:
  bool is_digit(char32_t c) const { return c >= family_[0] && c <= family_[9]; }
  bool is_active(char32_t c) const {
    return is_digit(c) || char_eq(c, f_.decimal_separator) || char_eq(c, f_.exponent_separator) ||
           char_eq(c, f_.grouping_separator) || char_eq(c, f_.digit) || char_eq(c, f_.pattern_separator);
  }
  int count_digits(U32View s, bool with_optional) const {
    int n = 0;
    for (char32_t c : s)
      if (is_digit(c) || (with_optional && char_eq(c, f_.digit))) ++n;
    return n;
  }

  Parts split(const U32& sub) const {
    Parts p;
    p.subpicture = sub;
    long n = static_cast<long>(sub.size());
    for (long i = 0; i < n; ++i) {
      char32_t c = sub[static_cast<size_t>(i)];
      if (is_active(c) && !char_eq(c, f_.exponent_separator)) {
        p.prefix = sub.substr(0, static_cast<size_t>(i));
        break;
      }
    }
    for (long i = n - 1; i >= 0; --i) {
      char32_t c = sub[static_cast<size_t>(i)];
      if (is_active(c) && !char_eq(c, f_.exponent_separator)) {
        p.suffix = sub.substr(static_cast<size_t>(i + 1));
        break;
      }
    }
    long plen = static_cast<long>(p.prefix.size()), slen = static_cast<long>(p.suffix.size());
    p.active = js_sub(sub, plen, n - slen);
    long exp_pos = f_.exponent_separator.empty() ? -1 : index_of(sub, f_.exponent_separator, p.prefix.size());
    if (exp_pos == -1 || exp_pos > n - slen) {
      p.mantissa = p.active;
    } else {
      // The reference indexes the active part with a position in the whole sub-picture.
      p.mantissa = js_sub(p.active, 0, exp_pos);
      p.exponent = js_sub(p.active, exp_pos + 1, static_cast<long>(p.active.size()));
    }
    long dec = f_.decimal_separator.empty() ? 0 : index_of(p.mantissa, f_.decimal_separator);
    if (dec == -1) {
      p.integer = p.mantissa;
      p.fractional = p.suffix;  // sic: the reference's fractional part without a separator
    } else {
      p.integer = js_sub(p.mantissa, 0, dec);
      p.fractional = js_sub(p.mantissa, dec + 1, static_cast<long>(p.mantissa.size()));
    }
    return p;
  }

  // F&O 4.7.3. Every failing check overwrites the code, so the last one wins.
  const char* validate(const Parts& p) const {
    const char* error = nullptr;
    const U32& sub = p.subpicture;
    long dec = index_of(sub, f_.decimal_separator);
    if (dec != last_index_of(sub, f_.decimal_separator)) error = "D3081";
    if (index_of(sub, f_.percent) != last_index_of(sub, f_.percent)) error = "D3082";
    if (index_of(sub, f_.per_mille) != last_index_of(sub, f_.per_mille)) error = "D3083";
    if (contains(sub, f_.percent) && contains(sub, f_.per_mille)) error = "D3084";
    if (count_digits(p.mantissa, true) == 0) error = "D3085";
    for (char32_t c : p.active)
      if (!is_active(c)) error = "D3086";
    if (dec != -1) {
      if (char_is(sub, dec - 1, f_.grouping_separator) || char_is(sub, dec + 1, f_.grouping_separator))
        error = "D3087";
    } else if (char_is(p.integer, static_cast<long>(p.integer.size()) - 1, f_.grouping_separator)) {
      error = "D3088";
    }
    if (contains(sub, f_.grouping_separator + f_.grouping_separator)) error = "D3089";
    long opt = index_of(p.integer, f_.digit);
    if (opt != -1 && count_digits(js_sub(p.integer, 0, opt), false) > 0) error = "D3090";
    opt = last_index_of(p.fractional, f_.digit);
    if (opt != -1 &&
        count_digits(js_sub(p.fractional, opt, static_cast<long>(p.fractional.size())), false) > 0)
      error = "D3091";
    if (p.exponent && !p.exponent->empty() && (contains(sub, f_.percent) || contains(sub, f_.per_mille)))
      error = "D3092";
    if (p.exponent) {
      bool bad = p.exponent->empty();
      for (char32_t c : *p.exponent)
        if (!is_digit(c)) bad = true;
      if (bad) error = "D3093";
    }
    return error;
  }

  std::vector<int> grouping_positions(const Parts& p, const U32& part, bool to_left) const {
    std::vector<int> positions;
    if (f_.grouping_separator.empty()) return positions;
    long pos = index_of(part, f_.grouping_separator);
    while (pos != -1) {
      U32 side = to_left ? js_sub(part, 0, pos) : js_sub(part, pos, static_cast<long>(part.size()));
      positions.push_back(count_digits(side, true));
      // sic: the reference continues the search in the integer part.
      pos = index_of(p.integer, f_.grouping_separator, static_cast<size_t>(pos + 1));
      if (positions.size() > p.integer.size() + part.size()) break;
    }
    return positions;
  }

  Analysis analyse(const Parts& p) const {
    Analysis a;
    a.integer_grouping = grouping_positions(p, p.integer, false);
    if (!a.integer_grouping.empty()) {
      int factor = 0;
      for (int v : a.integer_grouping) factor = std::gcd(factor, v);
      for (size_t k = 1; k <= a.integer_grouping.size(); ++k) {
        bool found = false;
        for (int v : a.integer_grouping)
          if (v == static_cast<int>(k) * factor) found = true;
        if (!found) {
          factor = 0;
          break;
        }
      }
      a.regular_grouping = factor;
    }
    a.fractional_grouping = grouping_positions(p, p.fractional, true);
    a.min_integer = count_digits(p.integer, false);
    a.scaling = a.min_integer;
    a.min_fraction = count_digits(p.fractional, false);
    a.max_fraction = count_digits(p.fractional, true);
    bool exponent = p.exponent.has_value();
    if (a.min_integer == 0 && a.max_fraction == 0) {
      if (exponent) {
        a.min_fraction = 1;
        a.max_fraction = 1;
      } else {
        a.min_integer = 1;
      }
    }
    if (exponent && a.min_integer == 0 && contains(p.integer, f_.digit)) a.min_integer = 1;
    if (a.min_integer == 0 && a.min_fraction == 0) a.min_fraction = 1;
    if (exponent) a.min_exponent = count_digits(*p.exponent, false);
    a.prefix = p.prefix;
    a.suffix = p.suffix;
    a.picture = p.subpicture;
    return a;
  }

  U32 make_string(double v, int dp) const {
    U32 s = to_u32(js_to_fixed(std::fabs(v), dp));
    for (char32_t& c : s)
      if (c >= U'0' && c <= U'9') c = family_[c - U'0'];
    return s;
  }

  U32 format(double value, const Analysis& pic) const {
    double adjusted = value;
    if (contains(pic.picture, f_.percent)) {
      adjusted = value * 100;
    } else if (contains(pic.picture, f_.per_mille)) {
      adjusted = value * 1000;
    }
    double mantissa = adjusted;
    std::optional<int> exponent;
    if (pic.min_exponent != 0) {
      double max_m = std::pow(10, pic.scaling), min_m = std::pow(10, pic.scaling - 1);
      double m = std::fabs(adjusted);
      int e = 0;
      if (m != 0 && std::isfinite(m)) {
        while (m < min_m) {
          m *= 10;
          e -= 1;
        }
        while (m > max_m) {
          m /= 10;
          e += 1;
        }
      }
      mantissa = adjusted < 0 ? -m : m;
      exponent = e;
    }
    double rounded = round_half_even(mantissa, pic.max_fraction);
    U32 s = make_string(rounded, pic.max_fraction);
    const U32& dsep = f_.decimal_separator;
    size_t dot = s.find(U'.');
    if (dot == npos) {
      s += dsep;
    } else {
      s.replace(dot, 1, dsep);
    }
    while (!s.empty() && char_is(s, 0, f_.zero_digit)) s.erase(0, 1);
    while (!s.empty() && char_is(s, static_cast<long>(s.size()) - 1, f_.zero_digit)) s.pop_back();
    long dpos = index_of(s, dsep);
    long pad_left = pic.min_integer - dpos;
    long pad_right = pic.min_fraction - (static_cast<long>(s.size()) - dpos - 1);
    U32 zeros;
    for (long i = 0; i < pad_left; ++i) zeros += f_.zero_digit;
    s = zeros + s;
    for (long i = 0; i < pad_right; ++i) s += f_.zero_digit;
    dpos = index_of(s, dsep);
    const U32& gsep = f_.grouping_separator;
    if (pic.regular_grouping > 0) {
      long groups = (dpos - 1) / pic.regular_grouping;
      for (long g = 1; g <= groups; ++g) {
        long at = dpos - g * pic.regular_grouping;
        s = js_sub(s, 0, at) + gsep + js_sub(s, at, static_cast<long>(s.size()));
      }
    } else {
      for (int pos : pic.integer_grouping) {
        long at = dpos - pos;
        s = js_sub(s, 0, at) + gsep + js_sub(s, at, static_cast<long>(s.size()));
        ++dpos;
      }
    }
    dpos = index_of(s, dsep);
    for (int pos : pic.fractional_grouping) {
      long at = pos + dpos + 1;
      s = js_sub(s, 0, at) + gsep + js_sub(s, at, static_cast<long>(s.size()));
    }
    dpos = index_of(s, dsep);
    if (!contains(pic.picture, dsep) || dpos == static_cast<long>(s.size()) - 1) {
      if (!s.empty()) s.pop_back();
    }
    if (exponent) {
      U32 e = make_string(*exponent, 0);
      for (long i = static_cast<long>(e.size()); i < pic.min_exponent; ++i) e = f_.zero_digit + e;
      s += f_.exponent_separator;
      if (*exponent < 0) s += f_.minus_sign;
      s += e;
    }
    return pic.prefix + s + pic.suffix;
  }

  const DecimalFormat& f_;
  char32_t family_[10];
};

}  // namespace

void DecimalFormat::set(std::string_view name, std::string_view value) {
  U32 v = to_u32(value);
  if (name == "decimal-separator") {
    decimal_separator = v;
  } else if (name == "grouping-separator") {
    grouping_separator = v;
  } else if (name == "exponent-separator") {
    exponent_separator = v;
  } else if (name == "minus-sign") {
    minus_sign = v;
  } else if (name == "percent") {
    percent = v;
  } else if (name == "per-mille") {
    per_mille = v;
  } else if (name == "zero-digit") {
    zero_digit = v;
  } else if (name == "digit") {
    digit = v;
  } else if (name == "pattern-separator") {
    pattern_separator = v;
  }
}

bool format_number(double value, std::string_view picture, const DecimalFormat& format, std::string* out,
                   LibError* error) {
  return Formatter(format).run(value, picture, out, error);
}

}  // namespace sg::json::jsonata::lib
