#include "events/cron_expression.h"

#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <cctype>
#include <span>
#include <vector>

namespace sg::events {
namespace {

Error invalid() { return Error{"ValidationException", std::string(kInvalidScheduleExpression)}; }

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

bool equals_upper(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != upper[i]) return false;
  }
  return true;
}

// A number in [lo, hi] or (when names is set) a three-letter name (index + 1).
std::optional<int> parse_value(std::string_view s, int lo, int hi, std::span<const std::string_view> names) {
  if (s.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(s[0]))) {
    if (s.size() > 4) return std::nullopt;
    int v = 0;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    if (v < lo || v > hi) return std::nullopt;
    return v;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (equals_upper(s, names[i])) return static_cast<int>(i) + 1;
  }
  return std::nullopt;
}

// "a", "a-b" (may wrap), "*", each optionally "/step"; comma-separated. Sets bits[v - lo].
bool parse_list(std::string_view text, int lo, int hi, std::span<const std::string_view> names,
                std::vector<bool>& bits) {
  bits.assign(static_cast<size_t>(hi - lo + 1), false);
  if (text.empty()) return false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    int step = 1;
    bool stepped = false;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      auto s = parse_value(item.substr(slash + 1), 1, hi - lo + 1, {});
      if (!s) return false;
      step = *s;
      stepped = true;
      item = item.substr(0, slash);
    }
    int a, b;
    if (item == "*") {
      a = lo;
      b = hi;
    } else if (size_t dash = item.find('-'); dash != std::string_view::npos) {
      auto x = parse_value(item.substr(0, dash), lo, hi, names);
      auto y = parse_value(item.substr(dash + 1), lo, hi, names);
      if (!x || !y) return false;
      a = *x;
      b = *y;
    } else {
      auto x = parse_value(item, lo, hi, names);
      if (!x) return false;
      a = *x;
      b = stepped ? hi : *x;
    }
    int span = hi - lo + 1;
    int length = ((b - a) % span + span) % span + 1;
    for (int i = 0; i < length; i += step) bits[static_cast<size_t>((a - lo + i) % span)] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return true;
}

template <size_t N>
void copy_bits(const std::vector<bool>& bits, int offset, std::bitset<N>& out) {
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) out.set(i + static_cast<size_t>(offset));
  }
}

std::vector<std::string_view> split_fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) break;
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

unsigned last_day(int y, unsigned m) {
  return static_cast<unsigned>(date::year_month_day_last(date::year(y) / date::month(m) / date::last).day());
}

unsigned weekday_of(int y, unsigned m, unsigned d) {  // 1 = Sunday
  date::weekday wd{date::sys_days(date::year(y) / date::month(m) / date::day(d))};
  return wd.c_encoding() + 1;
}

}  // namespace

Result<CronExpression> CronExpression::parse(std::string_view text) {
  auto fields = split_fields(text);
  if (fields.size() != 6) return invalid();
  CronExpression c;
  std::vector<bool> bits;
  if (!parse_list(fields[0], 0, 59, {}, bits)) return invalid();
  copy_bits(bits, 0, c.minutes_);
  if (!parse_list(fields[1], 0, 23, {}, bits)) return invalid();
  copy_bits(bits, 0, c.hours_);
  if (!parse_list(fields[3], 1, 12, kMonthNames, bits)) return invalid();
  copy_bits(bits, 1, c.months_);
  if (!parse_list(fields[5], kFirstYear, kLastYear, {}, bits)) return invalid();
  copy_bits(bits, 0, c.years_);

  std::string_view dom = fields[2];
  if (dom == "?") {
    c.dom_mode_ = DomMode::kAny;
  } else if (dom == "L") {
    c.dom_mode_ = DomMode::kLast;
  } else if (dom == "LW") {
    c.dom_mode_ = DomMode::kLastWeekday;
  } else if (dom.size() >= 2 && dom.back() == 'W') {
    auto d = parse_value(dom.substr(0, dom.size() - 1), 1, 31, {});
    if (!d) return invalid();
    c.dom_mode_ = DomMode::kNearestWeekday;
    c.dom_day_ = static_cast<unsigned>(*d);
  } else {
    if (!parse_list(dom, 1, 31, {}, bits)) return invalid();
    c.dom_mode_ = DomMode::kList;
    copy_bits(bits, 1, c.doms_);
  }

  std::string_view dow = fields[4];
  if (dow == "?") {
    c.dow_mode_ = DowMode::kAny;
  } else if (size_t hash = dow.find('#'); hash != std::string_view::npos) {
    auto d = parse_value(dow.substr(0, hash), 1, 7, kDayNames);
    auto k = parse_value(dow.substr(hash + 1), 1, 5, {});
    if (!d || !k) return invalid();  // also rejects lists such as "3#1,6#3"
    c.dow_mode_ = DowMode::kNth;
    c.dow_day_ = static_cast<unsigned>(*d);
    c.dow_nth_ = static_cast<unsigned>(*k);
  } else if (dow == "L") {
    c.dow_mode_ = DowMode::kList;
    c.dows_.set(7);
  } else if (dow.size() >= 2 && dow.back() == 'L') {
    auto d = parse_value(dow.substr(0, dow.size() - 1), 1, 7, kDayNames);
    if (!d) return invalid();
    c.dow_mode_ = DowMode::kLastOfMonth;
    c.dow_day_ = static_cast<unsigned>(*d);
  } else {
    if (!parse_list(dow, 1, 7, kDayNames, bits)) return invalid();
    c.dow_mode_ = DowMode::kList;
    copy_bits(bits, 1, c.dows_);
  }
  // Exactly one of the two day fields is "?".
  if ((dom == "?") == (dow == "?")) return invalid();
  return c;
}

bool CronExpression::day_matches(int y, unsigned m, unsigned d) const {
  if (y < kFirstYear || y > kLastYear || !years_[static_cast<size_t>(y - kFirstYear)] || !months_[m])
    return false;
  unsigned last = last_day(y, m);
  switch (dom_mode_) {
    case DomMode::kAny:
      break;
    case DomMode::kList:
      if (!doms_[d]) return false;
      break;
    case DomMode::kLast:
      if (d != last) return false;
      break;
    case DomMode::kLastWeekday: {
      unsigned wd = weekday_of(y, m, last);
      unsigned target = wd == 7 ? last - 1 : wd == 1 ? last - 2 : last;
      if (d != target) return false;
      break;
    }
    case DomMode::kNearestWeekday: {
      unsigned n = dom_day_;
      if (n > last) return false;
      unsigned wd = weekday_of(y, m, n);
      unsigned target = n;
      if (wd == 7) target = n == 1 ? n + 2 : n - 1;     // Saturday
      if (wd == 1) target = n == last ? n - 2 : n + 1;  // Sunday
      if (d != target) return false;
      break;
    }
  }
  switch (dow_mode_) {
    case DowMode::kAny:
      return true;
    case DowMode::kList:
      return dows_[weekday_of(y, m, d)];
    case DowMode::kLastOfMonth:
      return weekday_of(y, m, d) == dow_day_ && d + 7 > last;
    case DowMode::kNth:
      return weekday_of(y, m, d) == dow_day_ && (d - 1) / 7 + 1 == dow_nth_;
  }
  return false;
}

std::optional<SysSeconds> CronExpression::next_after(SysSeconds t, const date::time_zone* zone) const {
  using std::chrono::days;
  using std::chrono::hours;
  using std::chrono::minutes;
  date::local_seconds local_t = zone ? zone->to_local(t) : date::local_seconds(t.time_since_epoch());
  // Start a day early: around a fall-back transition the first candidate may be there.
  date::local_days day = std::chrono::floor<days>(local_t) - days(1);
  for (;;) {
    date::year_month_day ymd{day};
    int y = static_cast<int>(ymd.year());
    unsigned m = static_cast<unsigned>(ymd.month());
    if (y > kLastYear) return std::nullopt;
    if (y < kFirstYear || !years_[static_cast<size_t>(y - kFirstYear)]) {
      day = date::local_days(date::year(y + 1) / 1 / 1);
      continue;
    }
    if (!months_[m]) {
      day = date::local_days((ymd.year() / ymd.month() + date::months(1)) / 1);
      continue;
    }
    if (day_matches(y, m, static_cast<unsigned>(ymd.day()))) {
      for (int h = 0; h < 24; ++h) {
        if (!hours_[static_cast<size_t>(h)]) continue;
        for (int mi = 0; mi < 60; ++mi) {
          if (!minutes_[static_cast<size_t>(mi)]) continue;
          date::local_seconds candidate = day + hours(h) + minutes(mi);
          SysSeconds fire{candidate.time_since_epoch()};
          if (zone) {
            date::local_info info = zone->get_info(candidate);
            if (info.result == date::local_info::nonexistent) continue;  // spring forward: skipped
            // unique, or ambiguous (fall back): the first occurrence.
            fire -= info.first.offset;
          }
          if (fire > t) return fire;
        }
      }
    }
    day += days(1);
  }
}

}  // namespace sg::events
