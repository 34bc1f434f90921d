#include "events/schedule_expression.h"

#include <date/date.h>
#include <date/tz.h>

#include <cctype>

namespace sg::events {
namespace {

Error invalid() { return Error{"ValidationException", std::string(kInvalidScheduleExpression)}; }

// "name(body)" -> body, or nullopt.
std::optional<std::string_view> call_body(std::string_view text, std::string_view name) {
  if (text.size() < name.size() + 2 || text.substr(0, name.size()) != name || text[name.size()] != '(' ||
      text.back() != ')') {
    return std::nullopt;
  }
  return text.substr(name.size() + 1, text.size() - name.size() - 2);
}

std::optional<int64_t> parse_positive(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return v;
}

Result<std::chrono::seconds> parse_rate(std::string_view body, ScheduleDialect dialect) {
  size_t space = body.find(' ');
  if (space == std::string_view::npos) return invalid();
  auto n = parse_positive(body.substr(0, space));
  if (!n) return invalid();
  std::string_view unit = body.substr(space + 1);
  int64_t unit_seconds;
  bool plural = !unit.empty() && unit.back() == 's';
  std::string_view singular = plural ? unit.substr(0, unit.size() - 1) : unit;
  if (singular == "minute") {
    unit_seconds = 60;
  } else if (singular == "hour") {
    unit_seconds = 3600;
  } else if (singular == "day") {
    unit_seconds = 86400;
  } else {
    return invalid();
  }
  if (dialect == ScheduleDialect::kRule && plural != (*n > 1)) return invalid();
  return std::chrono::seconds(*n * unit_seconds);
}

// yyyy-mm-ddThh:mm:ss, fields in range.
std::optional<date::local_seconds> parse_at(std::string_view s) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), sec = num(17, 2);
  if (y < 0 || mo < 1 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return std::nullopt;
  date::year_month_day ymd =
      date::year(y) / date::month(static_cast<unsigned>(mo)) / date::day(static_cast<unsigned>(d));
  if (!ymd.ok()) return std::nullopt;
  return date::local_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(sec);
}

}  // namespace

Result<ScheduleExpression> ScheduleExpression::parse(std::string_view text, ScheduleDialect dialect) {
  if (text.empty() || text.size() > kMaxScheduleExpression) return invalid();
  ScheduleExpression e;
  e.text_ = std::string(text);
  if (auto body = call_body(text, "cron")) {
    auto cron = CronExpression::parse(*body);
    if (!cron) return cron.error();
    e.kind_ = Kind::kCron;
    e.cron_ = std::move(cron).value();
    return e;
  }
  if (auto body = call_body(text, "rate")) {
    auto rate = parse_rate(*body, dialect);
    if (!rate) return rate.error();
    e.kind_ = Kind::kRate;
    e.rate_ = *rate;
    return e;
  }
  if (auto body = call_body(text, "at"); body && dialect == ScheduleDialect::kScheduler) {
    auto at = parse_at(*body);
    if (!at) return invalid();
    e.kind_ = Kind::kAt;
    e.at_ = *at;
    return e;
  }
  return invalid();
}

Result<Schedule> Schedule::make(std::string_view expression, const ScheduleOptions& options) {
  auto parsed = ScheduleExpression::parse(expression, options.dialect);
  if (!parsed) return parsed.error();
  Schedule s(std::move(parsed).value(), options);
  if (!options.time_zone.empty() && options.time_zone != "UTC") {
    if (options.dialect == ScheduleDialect::kRule) {
      return Error{"ValidationException", "Schedule expressions of rules are evaluated in UTC only."};
    }
    try {
      s.zone_ = date::locate_zone(options.time_zone);
    } catch (const std::exception&) {
      std::string msg = "Invalid time zone: ";
      msg.append(options.time_zone);
      return Error{"ValidationException", std::move(msg)};
    }
  }
  if (options.flexible_window_minutes < 0 || options.flexible_window_minutes > kMaxFlexibleWindowMinutes) {
    return Error{"ValidationException", "MaximumWindowInMinutes must be between 1 and 1440."};
  }
  if (options.start && options.end && *options.end < *options.start) {
    return Error{"ValidationException", "The EndDate must be later than the StartDate."};
  }
  return s;
}

std::optional<SysSeconds> Schedule::next_fire_after(SysSeconds t) const {
  std::optional<SysSeconds> next;
  switch (expression_.kind()) {
    case ScheduleExpression::Kind::kAt: {
      date::local_seconds wall{expression_.at().time_since_epoch()};
      SysSeconds fire{wall.time_since_epoch()};
      if (zone_) {
        date::local_info info = zone_->get_info(wall);
        // A wall time skipped by DST fires at the transition instant (second offset).
        fire -= info.result == date::local_info::nonexistent ? info.second.offset : info.first.offset;
      }
      if (fire > t) return fire;
      return std::nullopt;
    }
    case ScheduleExpression::Kind::kCron: {
      SysSeconds from = t;
      if (options_.start && *options_.start - std::chrono::seconds(1) > from) {
        from = *options_.start - std::chrono::seconds(1);
      }
      next = expression_.cron().next_after(from, zone_);
      break;
    }
    case ScheduleExpression::Kind::kRate: {
      SysSeconds anchor = options_.start.value_or(options_.created);
      int64_t period = expression_.rate().count();
      int64_t first_k = options_.dialect == ScheduleDialect::kScheduler ? 0 : 1;
      int64_t elapsed = (t - anchor).count();
      // The first k with anchor + k * period > t (t before the anchor: k = 0).
      int64_t k = std::max(elapsed < 0 ? int64_t{0} : elapsed / period + 1, first_k);
      next = anchor + std::chrono::seconds(k * period);
      break;
    }
  }
  if (next && options_.end && *next > *options_.end) return std::nullopt;
  return next;
}

SysSeconds Schedule::flexible_fire(SysSeconds nominal, json::Entropy& entropy) const {
  if (options_.flexible_window_minutes <= 0) return nominal;
  uint64_t window = static_cast<uint64_t>(options_.flexible_window_minutes) * 60;
  return nominal + std::chrono::seconds(static_cast<int64_t>(entropy.next_u64() % window));
}

}  // namespace sg::events
