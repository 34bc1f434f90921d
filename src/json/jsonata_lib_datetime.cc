#include "json/jsonata_lib_datetime.h"

#include <cmath>
#include <vector>

#include "json/jsonata_lib_datetime_internal.h"
#include "json/jsonata_lib_integer.h"
#include "json/jsonata_lib_number.h"

namespace sg::json::jsonata::lib {

namespace {

// ISO 8601 (and XPath, for months) puts week 1 where the first Thursday is; weeks start on
// Monday. The ms of the Monday starting week 1 of the year/month.
int64_t start_of_first_week(int64_t year, int64_t month0) {
  int64_t first = utc_date(year, month0);
  int dow = split_date(first).weekday;
  if (dow == 0) dow = 7;
  return dow > 4 ? first + (8 - dow) * kDayMs : first - (dow - 1) * kDayMs;
}

double delta_weeks(int64_t start, int64_t end) { return static_cast<double>(end - start) / (kDayMs * 7) + 1; }

std::optional<double> parse_width(std::string_view w) {
  if (w == "*") return std::nullopt;
  size_t i = 0;
  while (i < w.size() && w[i] >= '0' && w[i] <= '9') ++i;
  if (i == 0) return std::nullopt;  // parseInt gives NaN: no constraint
  // A picture may ask for any width; past kMaxPictureWidth it would only build a huge
  // string from a few characters of input, so it is capped there.
  constexpr double kMaxPictureWidth = 4096;
  std::optional<double> width = parse_decimal(w.substr(0, i));
  if (width && *width > kMaxPictureWidth) width = kMaxPictureWidth;
  return width;
}

std::u32string_view default_presentation(char32_t c) {
  switch (c) {
    case U'Y':
    case U'M':
    case U'D':
    case U'd':
    case U'W':
    case U'w':
    case U'X':
    case U'x':
    case U'H':
    case U'h':
    case U'f':
      return U"1";
    case U'F':
    case U'P':
    case U'C':
    case U'E':
      return U"n";
    case U'm':
    case U's':
      return U"01";
    case U'Z':
    case U'z':
      return U"01:01";
    default:
      return U"";
  }
}

}  // namespace

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

// Date.UTC(year, month0[, day]) in ms, months normalised as JavaScript does.
int64_t utc_date(int64_t year, int64_t month0, int64_t day) {
  year += floor_div(month0, 12);
  month0 -= floor_div(month0, 12) * 12;
  return (days_from_civil(year, month0 + 1, 1) + day - 1) * kDayMs;
}

DateParts split_date(int64_t ms) {
  DateParts p;
  p.ms = ms;
  int64_t days = floor_div(ms, kDayMs);
  int64_t rest = ms - days * kDayMs;
  civil_from_days(days, &p.year, &p.month, &p.day);
  p.hour = static_cast<int>(rest / 3600000);
  p.minute = static_cast<int>(rest / 60000 % 60);
  p.second = static_cast<int>(rest / 1000 % 60);
  p.milli = static_cast<int>(rest % 1000);
  p.weekday = static_cast<int>(((days + 4) % 7 + 7) % 7);
  return p;
}

Fragment fragment(const DateParts& d, char32_t component) {
  Fragment f;
  switch (component) {
    case U'Y':
      f.num = static_cast<double>(d.year);
      break;
    case U'M':
      f.num = d.month;
      break;
    case U'D':
      f.num = d.day;
      break;
    case U'd': {
      int64_t today = utc_date(d.year, d.month - 1, d.day);
      f.num = static_cast<double>((today - utc_date(d.year, 0)) / kDayMs + 1);
      break;
    }
    case U'F':
      f.num = d.weekday == 0 ? 7 : d.weekday;
      break;
    case U'W': {
      int64_t start = start_of_first_week(d.year, 0);
      int64_t today = utc_date(d.year, d.month - 1, d.day);
      double week = delta_weeks(start, today);
      if (week > 52) {
        if (today >= start_of_first_week(d.year + 1, 0)) week = 1;
      } else if (week < 1) {
        week = delta_weeks(start_of_first_week(d.year - 1, 0), today);
      }
      f.num = std::floor(week);
      break;
    }
    case U'w': {
      int64_t start = start_of_first_week(d.year, d.month - 1);
      int64_t today = utc_date(d.year, d.month - 1, d.day);
      double week = delta_weeks(start, today);
      if (week > 4) {
        if (today >= start_of_first_week(d.year, d.month)) week = 1;
      } else if (week < 1) {
        week = delta_weeks(start_of_first_week(d.year, d.month - 2), today);
      }
      f.num = std::floor(week);
      break;
    }
    case U'X': {
      int64_t start = start_of_first_week(d.year, 0);
      int64_t end = start_of_first_week(d.year + 1, 0);
      f.num = static_cast<double>(d.ms < start ? d.year - 1 : d.ms >= end ? d.year + 1 : d.year);
      break;
    }
    case U'x': {
      int64_t start = start_of_first_week(d.year, d.month - 1);
      int64_t end = start_of_first_week(d.year, d.month);
      int month0 = d.month - 1;
      if (d.ms < start) {
        month0 = month0 == 0 ? 11 : month0 - 1;
      } else if (d.ms >= end) {
        month0 = month0 == 11 ? 0 : month0 + 1;
      }
      f.num = month0 + 1;
      break;
    }
    case U'H':
      f.num = d.hour;
      break;
    case U'h':
      f.num = d.hour % 12 == 0 ? 12 : d.hour % 12;
      break;
    case U'P':
      f.is_text = true;
      f.text = d.hour >= 12 ? "pm" : "am";
      break;
    case U'm':
      f.num = d.minute;
      break;
    case U's':
      f.num = d.second;
      break;
    case U'f':
      f.num = d.milli;
      break;
    case U'C':
    case U'E':
      f.is_text = true;
      f.text = "ISO";
      break;
    default:  // Z, z (handled by the caller) and unknown components
      f.defined = false;
      break;
  }
  return f;
}

bool in(char32_t c, std::u32string_view set) { return set.find(c) != std::u32string_view::npos; }

// F&O 9.8.4.1: the picture as literals and variable markers.
bool analyse_picture(std::string_view picture, std::vector<Part>* parts, LibError* error) {
  std::vector<Part> spec;
  auto add_literal = [&](size_t start, size_t end) {
    if (end <= start) return;
    std::string lit;
    std::string_view raw = picture.substr(start, end - start);
    for (size_t i = 0; i < raw.size(); ++i) {
      lit.push_back(raw[i]);
      if (raw[i] == ']' && i + 1 < raw.size() && raw[i + 1] == ']') ++i;  // "]]" is "]"
    }
    Part p;
    p.literal = true;
    p.text = std::move(lit);
    spec.push_back(std::move(p));
  };
  size_t start = 0, pos = 0;
  while (pos < picture.size()) {
    if (picture[pos] == '[') {
      if (pos + 1 < picture.size() && picture[pos + 1] == '[') {
        add_literal(start, pos);
        Part p;
        p.literal = true;
        p.text = "[";
        spec.push_back(std::move(p));
        pos += 2;
        start = pos;
        continue;
      }
      add_literal(start, pos);
      start = pos;
      pos = picture.find(']', start);
      if (pos == std::string_view::npos) {
        *error = LibError{"D3135", {}};
        return false;
      }
      std::string marker;
      for (char c : picture.substr(start + 1, pos - start - 1))
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) marker.push_back(c);
      std::u32string m = to_u32(marker);
      Part def;
      def.component = m.empty() ? 0 : m[0];
      def.component_text = m.empty() ? std::string() : to_utf8(m.substr(0, 1));
      size_t comma = m.rfind(U',');
      std::u32string pres;
      if (comma != std::u32string::npos) {
        std::string width = to_utf8(m.substr(comma + 1));
        size_t dash = width.find('-');
        def.has_width = true;
        if (dash == std::string::npos) {
          def.width_min = parse_width(width);
        } else {
          def.width_min = parse_width(std::string_view(width).substr(0, dash));
          def.width_max = parse_width(std::string_view(width).substr(dash + 1));
        }
        pres = m.substr(std::min<size_t>(1, comma), comma - std::min<size_t>(1, comma));
      } else {
        pres = m.empty() ? std::u32string() : m.substr(1);
      }
      bool has_p1 = true;
      if (pres.size() == 1) {
        def.presentation1 = to_utf8(pres);
      } else if (pres.size() > 1) {
        char32_t last = pres.back();
        if (in(last, U"atco")) {
          def.presentation2 = to_utf8(pres.substr(pres.size() - 1));
          def.presentation1 = to_utf8(pres.substr(0, pres.size() - 1));
        } else {
          def.presentation1 = to_utf8(pres);
        }
      } else {
        std::u32string_view dflt = default_presentation(def.component);
        if (dflt.empty()) has_p1 = false;
        def.presentation1 = to_utf8(dflt);
      }
      if (!has_p1) {
        *error = LibError{"D3132", def.component_text};
        return false;
      }
      const std::string& p1 = def.presentation1;
      if (!p1.empty() && p1[0] == 'n') {
        def.has_names = true;
        def.names = Case::kLower;
      } else if (!p1.empty() && p1[0] == 'N') {
        def.has_names = true;
        def.names = p1.size() > 1 && p1[1] == 'n' ? Case::kTitle : Case::kUpper;
      } else if (in(def.component, U"YMDdFWwXxHhmsf")) {
        std::string pattern = p1;
        if (!def.presentation2.empty()) {
          pattern += ';';
          pattern += def.presentation2;
        }
        if (!analyse_integer_picture(pattern, &def.integer, error)) return false;
        def.has_integer = true;
        if (def.width_min && def.integer.mandatory_digits < *def.width_min)
          def.integer.mandatory_digits = static_cast<int>(*def.width_min);
        if (def.component == U'Y') {
          def.n = -1;
          if (def.width_max) {
            def.n = *def.width_max;
            def.integer.mandatory_digits = static_cast<int>(def.n);
          } else {
            int w = def.integer.mandatory_digits + def.integer.optional_digits;
            if (w >= 2) def.n = w;
          }
        }
        // Two integers with no literal between them: the first one's width must be exact
        // for parsing.
        if (!spec.empty() && spec.back().has_integer)
          spec.back().integer.parse_width = spec.back().integer.mandatory_digits;
      }
      if (def.component == U'Z' || def.component == U'z') {
        if (!analyse_integer_picture(def.presentation1, &def.integer, error)) return false;
        def.has_integer = true;
      }
      spec.push_back(std::move(def));
      start = pos + 1;
    }
    ++pos;
  }
  add_literal(start, pos);
  *parts = std::move(spec);
  return true;
}

namespace {

std::string apply_case(std::string s, Case c) {
  for (char& ch : s) {
    if (c == Case::kUpper && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
    if (c == Case::kLower && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  }
  return s;
}

bool format_component(const DateParts& date, const Part& part, int offset_hours, int offset_minutes,
                      std::string& out, LibError* error) {
  Fragment value = fragment(date, part.component);
  char32_t c = part.component;
  if (in(c, U"YMDdFWwXxHhms")) {
    double num = value.num;
    if (c == U'Y' && part.n != -1) num = std::fmod(num, std::pow(10, part.n));
    if (part.has_names) {
      std::string name;
      if (c == U'M' || c == U'x') {
        name = kMonths[static_cast<int>(num) - 1];
      } else if (c == U'F') {
        name = kDays[static_cast<int>(num)];
      } else {
        *error = LibError{"D3133", part.component_text};
        return false;
      }
      if (part.names != Case::kTitle) name = apply_case(std::move(name), part.names);
      if (part.width_max && static_cast<double>(name.size()) > *part.width_max)
        name.resize(static_cast<size_t>(*part.width_max));
      out += name;
      return true;
    }
    std::string s;
    if (!format_integer(num, part.integer, &s, error)) return false;
    out += s;
    return true;
  }
  if (c == U'f') {
    std::string s;
    if (!format_integer(value.num, part.integer, &s, error)) return false;
    out += s;
    return true;
  }
  if (c == U'Z' || c == U'z') {
    int offset = offset_hours * 100 + offset_minutes;
    std::string s;
    if (part.integer.regular) {
      if (!format_integer(offset, part.integer, &s, error)) return false;
    } else {
      int digits = part.integer.mandatory_digits;
      if (digits == 1 || digits == 2) {
        if (!format_integer(offset_hours, part.integer, &s, error)) return false;
        if (offset_minutes != 0) {
          s += ':';
          int mins = std::abs(offset_minutes);
          if (mins < 10) s += '0';
          s += std::to_string(mins);
        }
      } else if (digits == 3 || digits == 4) {
        if (!format_integer(offset, part.integer, &s, error)) return false;
      } else {
        *error = LibError{"D3134", static_cast<double>(digits)};
        return false;
      }
    }
    if (offset == 0 && part.presentation2 == "t") {
      out += 'Z';
      return true;
    }
    if (c == U'z') out += "GMT";
    if (offset >= 0) out += '+';
    out += s;
    return true;
  }
  if (!value.defined) {
    out += "undefined";  // what the reference's string concatenation prints
    return true;
  }
  if (c == U'P' && part.has_names && part.names == Case::kUpper) {
    out += apply_case(value.text, Case::kUpper);
    return true;
  }
  out += value.is_text ? value.text : js_number_to_string(value.num);
  return true;
}

// "+HHMM" as the reference reads it (parseInt), split into hours and minutes with the
// sign on both.
void parse_timezone(std::string_view tz, int* hours, int* minutes) {
  *hours = 0;
  *minutes = 0;
  size_t i = 0;
  while (i < tz.size() && (tz[i] == ' ' || tz[i] == '\t')) ++i;
  bool neg = false;
  if (i < tz.size() && (tz[i] == '+' || tz[i] == '-')) neg = tz[i++] == '-';
  int64_t v = 0;
  size_t start = i;
  while (i < tz.size() && tz[i] >= '0' && tz[i] <= '9' && i - start < 9) v = v * 10 + (tz[i++] - '0');
  if (i == start) return;
  *hours = static_cast<int>(v / 100) * (neg ? -1 : 1);
  *minutes = static_cast<int>(v % 100) * (neg ? -1 : 1);
}

}  // namespace

bool format_date_time(double millis, std::string_view picture, std::optional<std::string_view> timezone,
                      std::string* out, LibError* error) {
  int hours = 0, minutes = 0;
  if (timezone) parse_timezone(*timezone, &hours, &minutes);
  std::vector<Part> parts;
  if (!analyse_picture(picture, &parts, error)) return false;
  int64_t ms =
      static_cast<int64_t>(std::trunc(millis)) + (60 * static_cast<int64_t>(hours) + minutes) * 60000;
  DateParts date = split_date(ms);
  std::string result;
  for (const Part& p : parts) {
    if (p.literal) {
      result += p.text;
    } else if (!format_component(date, p, hours, minutes, result, error)) {
      return false;
    }
  }
  *out = std::move(result);
  return true;
}

}  // namespace sg::json::jsonata::lib
