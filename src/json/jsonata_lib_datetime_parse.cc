// $toMillis: ISO 8601 timestamps, and timestamps parsed with a date/time picture (the
// reverse of jsonata_lib_datetime.cc's formatting, as the reference implements it with a
// generated regular expression; here a memoised backtracking matcher).
#include <cmath>
#include <map>
#include <vector>

#include "json/jsonata_lib_datetime.h"
#include "json/jsonata_lib_datetime_internal.h"
#include "json/jsonata_lib_integer.h"
#include "json/jsonata_lib_number.h"
#include "json/utf8.h"

namespace sg::json::jsonata::lib {

namespace {

// Matching steps allowed per timestamp (each step tries one part at one position, and
// failures are memoised, so real pictures need a few dozen).
constexpr int kMaxMatchSteps = 100000;

}  // namespace

bool parse_iso8601(std::string_view s, std::optional<double>* out, LibError* error) {
  // ^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$
  // simplified to the forms Date.parse accepts; the rest fail D3110 or give NaN.
  auto digit = [&](size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  auto num = [&](size_t i, size_t n) {
    int v = 0;
    for (size_t k = 0; k < n; ++k) v = v * 10 + (s[i + k] - '0');
    return v;
  };
  auto fail = [&] {
    *error = LibError{"D3110", std::string(s)};
    return false;
  };
  size_t i = 0;
  if (!(digit(0) && digit(1) && digit(2) && digit(3))) return fail();
  int year = num(0, 4), month = 1, day = 1, hour = 0, minute = 0, second = 0;
  double frac_ms = 0;
  int date_fields = 0;
  i = 4;
  while (i < s.size() && s[i] == '-' && digit(i + 1) && digit(i + 2)) {
    int v = num(i + 1, 2);
    if (date_fields == 0) {
      if (s[i + 1] > '1') return fail();
      month = v;
    } else if (date_fields == 1) {
      if (s[i + 1] > '3') return fail();
      day = v;
    } else {
      date_fields = 9;  // more than YYYY-MM-DD: the regex allows it, Date.parse does not
    }
    ++date_fields;
    i += 3;
  }
  bool has_time = false;
  if (i < s.size() && s[i] == 'T') {
    if (!(digit(i + 1) && digit(i + 2) && s.substr(i + 3, 1) == ":" && digit(i + 4) && digit(i + 5) &&
          s.substr(i + 6, 1) == ":" && digit(i + 7) && digit(i + 8)))
      return fail();
    if (s[i + 1] > '2' || s[i + 4] > '5' || s[i + 7] > '5') return fail();
    hour = num(i + 1, 2);
    minute = num(i + 4, 2);
    second = num(i + 7, 2);
    has_time = true;
    i += 9;
  }
  if (i < s.size() && s[i] == '.') {
    size_t f = ++i;
    while (digit(i)) ++i;
    if (i == f) return fail();
    double scale = 100;
    for (size_t k = f; k < i && k < f + 3; ++k, scale /= 10) frac_ms += (s[k] - '0') * scale;
  }
  int offset_min = 0;
  bool has_zone = false;
  if (i < s.size() && s[i] == 'Z') {
    has_zone = true;
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    bool neg = s[i] == '-';
    if (!(digit(i + 1) && digit(i + 2)) || s[i + 1] > '2') return fail();
    int h = num(i + 1, 2);
    size_t j = i + 3;
    if (j < s.size() && s[j] == ':') ++j;
    if (!(digit(j) && digit(j + 1)) || s[j] > '5') return fail();
    int m = num(j, 2);
    offset_min = (h * 60 + m) * (neg ? -1 : 1);
    has_zone = true;
    i = j + 2;
  }
  if (i != s.size()) return fail();
  // Of the shape, but not a date Date.parse accepts: NaN (undefined here).
  if (date_fields > 2 || (!has_time && (has_zone || frac_ms != 0)) || month < 1 || month > 12 || day < 1 ||
      day > 31 || hour > 24 || (hour == 24 && (minute != 0 || second != 0 || frac_ms != 0))) {
    *out = std::nullopt;
    return true;
  }
  int64_t days = days_from_civil(year, month, 1) + day - 1;
  int y2;
  int m2, d2;
  int64_t yy;
  civil_from_days(days, &yy, &m2, &d2);
  y2 = static_cast<int>(yy);
  if (m2 != month || y2 != year) {  // day 31 of a 30-day month
    *out = std::nullopt;
    return true;
  }
  double ms = static_cast<double>(days * kDayMs) + hour * 3600000.0 + minute * 60000.0 + second * 1000.0 +
              std::trunc(frac_ms) - offset_min * 60000.0;
  *out = ms;
  return true;
}

namespace {

// One part of a picture as the reference's parsing regex sees it: what text it accepts
// and how it turns that text into a component value.
struct Matcher {
  enum class Kind { kLiteral, kDigits, kLetters, kRoman, kWords, kName, kZone } kind;
  const Part* part = nullptr;
  std::string literal;
  int width = 0;                        // kDigits: exact digits, 0: one or more
  bool ordinal = false;                 // kDigits: a "th|st|nd|rd" suffix
  bool gmt = false;                     // kZone: "GMT" first
  char32_t separator = 0;               // kZone: hours/minutes separator, 0: none
  std::map<std::string, double> names;  // kName: exact-case lookup
};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The ends at which `m` can stop matching when it starts at `pos`, preferred first
// (longest first, as the reference's greedy regex tries them).
// word_ends[p]: where the word tokens (numbers in words, "and", "-", ",", " ") that start at
// p end; computed once per text.
std::vector<std::vector<size_t>> word_token_ends(std::string_view s) {
  std::vector<std::vector<size_t>> ends(s.size() + 1);
  const auto& words = number_words();
  for (size_t p = 0; p < s.size(); ++p) {
    for (const std::string& w : words)
      if (ieq(s.substr(p, w.size()), w)) ends[p].push_back(p + w.size());
    if (ieq(s.substr(p, 3), "and")) ends[p].push_back(p + 3);
    if (s[p] == '-' || s[p] == ',' || s[p] == ' ') ends[p].push_back(p + 1);
  }
  return ends;
}

std::vector<size_t> candidate_ends(const Matcher& m, std::string_view s, size_t pos,
                                   const std::vector<std::vector<size_t>>& word_ends) {
  std::vector<size_t> ends;
  auto run = [&](auto pred) {
    size_t e = pos;
    while (e < s.size() && pred(s[e])) ++e;
    return e;
  };
  switch (m.kind) {
    case Matcher::Kind::kLiteral:
      if (ieq(s.substr(pos, m.literal.size()), m.literal)) ends.push_back(pos + m.literal.size());
      break;
    case Matcher::Kind::kDigits: {
      size_t e = run(is_digit);
      std::vector<size_t> digit_ends;
      if (m.width > 0) {
        if (e - pos >= static_cast<size_t>(m.width)) digit_ends.push_back(pos + static_cast<size_t>(m.width));
      } else {
        for (size_t k = e; k > pos; --k) digit_ends.push_back(k);
      }
      for (size_t k : digit_ends) {
        if (!m.ordinal) {
          ends.push_back(k);
          continue;
        }
        std::string_view suffix = s.substr(k, 2);
        if (ieq(suffix, "th") || ieq(suffix, "st") || ieq(suffix, "nd") || ieq(suffix, "rd"))
          ends.push_back(k + 2);
      }
      break;
    }
    case Matcher::Kind::kLetters:
    case Matcher::Kind::kName:
      for (size_t k = run(is_alpha); k > pos; --k) ends.push_back(k);
      break;
    case Matcher::Kind::kRoman:
      for (size_t k = run(
               [](char c) { return std::string_view("MDCLXVImdclxvi").find(c) != std::string_view::npos; });
           k > pos; --k)
        ends.push_back(k);
      break;
    case Matcher::Kind::kWords: {
      // (?:word|...|and|[\-, ])+ : every end reachable by a chain of tokens.
      std::vector<bool> reach(s.size() + 1, false);
      std::vector<size_t> queue = {pos};
      while (!queue.empty()) {
        size_t p = queue.back();
        queue.pop_back();
        for (size_t e : word_ends[p]) {
          if (!reach[e]) {
            reach[e] = true;
            queue.push_back(e);
          }
        }
      }
      for (size_t k = s.size(); k > pos; --k)
        if (reach[k]) ends.push_back(k);
      break;
    }
    case Matcher::Kind::kZone: {
      size_t p = pos;
      if (m.gmt) {
        if (!ieq(s.substr(p, 3), "GMT")) break;
        p += 3;
      }
      if (p >= s.size() || (s[p] != '+' && s[p] != '-')) break;
      ++p;
      size_t e = p;
      while (e < s.size() && is_digit(s[e])) ++e;
      if (m.separator == 0) {
        for (size_t k = e; k > p; --k) ends.push_back(k);
        break;
      }
      std::string sep;
      utf8_append(m.separator, sep);
      for (size_t k = e; k > p; --k) {
        if (!ieq(s.substr(k, sep.size()), sep)) continue;
        size_t q = k + sep.size(), f = q;
        while (f < s.size() && is_digit(s[f])) ++f;
        for (size_t g = f; g > q; --g) ends.push_back(g);
      }
      break;
    }
  }
  return ends;
}

// Matches parts [index, end) at `pos`, trying each part's ends in preference order (the
// reference's backtracking regex). (index, pos) pairs known to fail are remembered, so the
// work is bounded by parts x positions whatever the picture.
class PictureMatch {
 public:
  PictureMatch(const std::vector<Matcher>& ms, std::string_view s)
      : ms_(ms), s_(s), failed_(ms.size() * (s.size() + 1), false), spans_(ms.size()) {
    for (const Matcher& m : ms)
      if (m.kind == Matcher::Kind::kWords) {
        word_ends_ = word_token_ends(s);
        break;
      }
  }

  bool run() { return match(0, 0); }
  const std::vector<std::pair<size_t, size_t>>& spans() const { return spans_; }

 private:
  bool match(size_t index, size_t pos) {
    if (index == ms_.size()) return pos == s_.size();
    size_t key = index * (s_.size() + 1) + pos;
    if (failed_[key] || ++steps_ > kMaxMatchSteps) return false;
    for (size_t end : candidate_ends(ms_[index], s_, pos, word_ends_)) {
      spans_[index] = {pos, end};
      if (match(index + 1, end)) return true;
    }
    failed_[key] = true;
    return false;
  }

  const std::vector<Matcher>& ms_;
  std::string_view s_;
  std::vector<bool> failed_;
  std::vector<std::pair<size_t, size_t>> spans_;
  std::vector<std::vector<size_t>> word_ends_;
  int steps_ = 0;
};

double js_parse_int(std::string_view s) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == start) return NAN;
  double v = *parse_decimal(s.substr(start, i - start));
  return neg ? -v : v;
}

bool build_matcher(const Part& part, Matcher* m, LibError* error) {
  m->part = &part;
  if (part.literal) {
    m->kind = Matcher::Kind::kLiteral;
    m->literal = part.text;
    return true;
  }
  if (part.component == U'Z' || part.component == U'z') {
    m->kind = Matcher::Kind::kZone;
    m->gmt = part.component == U'z';
    if (part.integer.regular) m->separator = part.integer.regular_char;
    return true;
  }
  if (part.component == U'f') {  // any number of digits, whatever the picture
    m->kind = Matcher::Kind::kDigits;
    return true;
  }
  if (part.has_integer) {
    using P = IntegerPicture::Primary;
    switch (part.integer.primary) {
      case P::kLetters:
        m->kind = Matcher::Kind::kLetters;
        return true;
      case P::kRoman:
        m->kind = Matcher::Kind::kRoman;
        return true;
      case P::kWords:
        m->kind = Matcher::Kind::kWords;
        return true;
      case P::kDecimal:
        m->kind = Matcher::Kind::kDigits;
        m->width = part.integer.parse_width;
        m->ordinal = part.integer.ordinal;
        return true;
      case P::kSequence:
        *error = LibError{"D3130", part.integer.token};
        return false;
    }
  }
  m->kind = Matcher::Kind::kName;
  auto add = [&](std::string name, double v) {
    if (part.width_max && static_cast<double>(name.size()) > *part.width_max)
      name.resize(static_cast<size_t>(*part.width_max));
    m->names.emplace(std::move(name), v);
  };
  if (part.component == U'M' || part.component == U'x') {
    for (int i = 0; i < 12; ++i) add(kMonths[i], i + 1);
  } else if (part.component == U'F') {
    for (int i = 1; i <= 7; ++i) add(kDays[i], i);
  } else if (part.component == U'P') {
    m->names = {{"am", 0}, {"AM", 0}, {"pm", 1}, {"PM", 1}};
  } else {
    *error = LibError{"D3133", part.component_text};
    return false;
  }
  return true;
}

// The component value the reference's parse function gives for `text`, or nullopt where
// it gives undefined (an unknown name).
std::optional<double> parse_component(const Matcher& m, std::string_view text) {
  switch (m.kind) {
    case Matcher::Kind::kZone: {
      std::string_view v = text;
      if (m.gmt) v = v.substr(3);
      double hours = 0, minutes = 0;
      if (m.separator != 0) {
        std::string sep;
        utf8_append(m.separator, sep);
        size_t at = v.find(sep);
        hours = js_parse_int(v.substr(0, at));
        minutes = js_parse_int(v.substr(at + sep.size()));
      } else if (v.size() - 1 <= 2) {
        hours = js_parse_int(v);
      } else {
        hours = js_parse_int(v.substr(0, 3));
        minutes = js_parse_int(v.substr(3));
      }
      if (hours < 0 || (hours == 0 && v[0] == '-')) minutes = -minutes;  // the sign applies to both
      return hours * 60 + minutes;
    }
    case Matcher::Kind::kName: {
      auto it = m.names.find(std::string(text));
      if (it == m.names.end()) return std::nullopt;
      return it->second;
    }
    default: {
      double v = 0;
      LibError ignored;
      if (m.part->component == U'f') {
        // Fractional seconds: parseFloat('0.' + the first three digits) * 1000.
        std::string fraction = "0.";
        fraction.append(text.substr(0, 3));
        return parse_decimal(fraction).value_or(NAN) * 1000;
      }
      if (!parse_integer(text, m.part->integer, &v, &ignored)) return NAN;
      return v;
    }
  }
}

bool truthy_number(const std::optional<double>& v) { return v && *v != 0 && !std::isnan(*v); }

}  // namespace

bool parse_date_time(std::string_view text, std::string_view picture, int64_t now_ms,
                     std::optional<double>* out, LibError* error) {
  std::vector<Part> parts;
  if (!analyse_picture(picture, &parts, error)) return false;
  std::vector<Matcher> matchers(parts.size());
  for (size_t i = 0; i < parts.size(); ++i)
    if (!build_matcher(parts[i], &matchers[i], error)) return false;
  *out = std::nullopt;
  PictureMatch matching(matchers, text);
  if (!matching.run()) return true;
  const auto& spans = matching.spans();

  std::map<char32_t, std::optional<double>> comps;  // set by the picture (maybe undefined)
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].literal) continue;
    comps[parts[i].component] =
        parse_component(matchers[i], text.substr(spans[i].first, spans[i].second - spans[i].first));
  }
  if (comps.empty()) return true;
  auto get = [&](char32_t c) -> std::optional<double> {
    auto it = comps.find(c);
    return it == comps.end() ? std::nullopt : it->second;
  };
  unsigned mask = 0;
  auto is_type = [&](unsigned type) { return (~type & mask) == 0 && (type & mask) != 0; };
  for (char32_t c : std::u32string_view(U"YXMxWwdD")) mask = (mask << 1) | (truthy_number(get(c)) ? 1 : 0);
  bool date_a = is_type(161), date_b = !date_a && is_type(130);
  bool date_c = is_type(84), date_d = !date_c && is_type(72);
  mask = 0;
  for (char32_t c : std::u32string_view(U"PHhmsf")) mask = (mask << 1) | (truthy_number(get(c)) ? 1 : 0);
  bool time_a = is_type(23), time_b = !time_a && is_type(47);
  // sic: "YD" for the year/day-of-year form, as in the reference.
  std::u32string order = date_b ? U"YD" : date_c ? U"XxwF" : date_d ? U"XWF" : U"YMD";
  order += time_b ? U"Phmsf" : U"Hmsf";
  DateParts now = split_date(now_ms);
  bool start_specified = false, end_specified = false;
  for (char32_t c : order) {
    if (!get(c)) {
      if (start_specified) {
        comps[c] = in(c, U"MDd") ? 1 : 0;
        end_specified = true;
      } else {
        Fragment f = fragment(now, c);
        comps[c] = f.is_text ? 0.0 : f.num;  // the reference's "am"/"pm" is never === 1
      }
    } else {
      start_specified = true;
      if (end_specified) {
        *error = LibError{"D3136", {}};
        return false;
      }
    }
  }
  double month0 = get(U'M').value_or(0) > 0 ? *get(U'M') - 1 : 0;
  double day = get(U'D').value_or(NAN);
  double year = get(U'Y').value_or(NAN);
  if (date_b) {
    double d = get(U'd').value_or(NAN);
    if (std::isnan(year) || std::isnan(d)) return true;
    DateParts derived =
        split_date(utc_date(static_cast<int64_t>(year), 0) + static_cast<int64_t>(d - 1) * kDayMs);
    month0 = derived.month - 1;
    day = derived.day;
  }
  if (date_c || date_d) {  // week-based dates: not supported by the reference either
    *error = LibError{"D3136", {}};
    return false;
  }
  double hour = get(U'H').value_or(NAN);
  if (time_b) {
    double h = get(U'h').value_or(NAN);
    hour = h == 12 ? 0 : h;
    if (get(U'P').value_or(0) == 1) hour += 12;
  }
  double minute = get(U'm').value_or(NAN), second = get(U's').value_or(NAN), milli = get(U'f').value_or(NAN);
  for (double v : {year, month0, day, hour, minute, second, milli})
    if (!std::isfinite(v) || std::fabs(v) > 1e9) return true;  // NaN in the reference
  double y = std::trunc(year);
  if (y >= 0 && y <= 99) y += 1900;  // Date.UTC's two-digit years
  double ms = static_cast<double>(utc_date(static_cast<int64_t>(y), static_cast<int64_t>(std::trunc(month0)),
                                           static_cast<int64_t>(std::trunc(day)))) +
              std::trunc(hour) * 3600000.0 + std::trunc(minute) * 60000.0 + std::trunc(second) * 1000.0 +
              std::trunc(milli);
  std::optional<double> zone = truthy_number(get(U'Z')) ? get(U'Z') : get(U'z');
  if (truthy_number(zone)) ms -= *zone * 60000.0;
  if (std::fabs(ms) > kMaxDateMillis) return true;
  *out = ms;
  return true;
}

}  // namespace sg::json::jsonata::lib
