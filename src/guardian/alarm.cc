#include "guardian/alarm.h"

#include <cstdio>

#include "json/timestamp.h"
#include "json/value.h"

namespace sg::guardian {

namespace {

Status invalid(std::string message) { return Status::Fail("ValidationError", std::move(message)); }

struct Civil {
  int64_t y;
  unsigned m, d, hh, mm, ss, ms;
};

Civil civil_from_ms(int64_t ms) {
  int64_t days = ms >= 0 ? ms / kDayMs : -((-ms + kDayMs - 1) / kDayMs);
  int64_t rem = ms - days * kDayMs;
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  Civil c{y, m, d, 0, 0, 0, 0};
  c.hh = static_cast<unsigned>(rem / 3'600'000);
  c.mm = static_cast<unsigned>(rem / 60'000 % 60);
  c.ss = static_cast<unsigned>(rem / 1000 % 60);
  c.ms = static_cast<unsigned>(rem % 1000);
  return c;
}

}  // namespace

std::string_view alarm_state_name(AlarmState s) {
  switch (s) {
    case AlarmState::kOk:
      return "OK";
    case AlarmState::kAlarm:
      return "ALARM";
    case AlarmState::kInsufficientData:
      return "INSUFFICIENT_DATA";
  }
  return "";
}

std::optional<AlarmState> parse_alarm_state(std::string_view s) {
  for (AlarmState a : {AlarmState::kOk, AlarmState::kAlarm, AlarmState::kInsufficientData})
    if (alarm_state_name(a) == s) return a;
  return std::nullopt;
}

std::string_view comparison_name(Comparison c) {
  switch (c) {
    case Comparison::kGreaterThanOrEqualToThreshold:
      return "GreaterThanOrEqualToThreshold";
    case Comparison::kGreaterThanThreshold:
      return "GreaterThanThreshold";
    case Comparison::kLessThanThreshold:
      return "LessThanThreshold";
    case Comparison::kLessThanOrEqualToThreshold:
      return "LessThanOrEqualToThreshold";
  }
  return "";
}

std::optional<Comparison> parse_comparison(std::string_view s) {
  for (Comparison c : {Comparison::kGreaterThanOrEqualToThreshold, Comparison::kGreaterThanThreshold,
                       Comparison::kLessThanThreshold, Comparison::kLessThanOrEqualToThreshold})
    if (comparison_name(c) == s) return c;
  return std::nullopt;
}

std::string_view comparison_phrase(Comparison c) {
  switch (c) {
    case Comparison::kGreaterThanOrEqualToThreshold:
      return "greater than or equal to";
    case Comparison::kGreaterThanThreshold:
      return "greater than";
    case Comparison::kLessThanThreshold:
      return "less than";
    case Comparison::kLessThanOrEqualToThreshold:
      return "less than or equal to";
  }
  return "";
}

bool breaches(Comparison c, double value, double threshold) {
  switch (c) {
    case Comparison::kGreaterThanOrEqualToThreshold:
      return value >= threshold;
    case Comparison::kGreaterThanThreshold:
      return value > threshold;
    case Comparison::kLessThanThreshold:
      return value < threshold;
    case Comparison::kLessThanOrEqualToThreshold:
      return value <= threshold;
  }
  return false;
}

std::string_view treat_missing_name(TreatMissingData t) {
  switch (t) {
    case TreatMissingData::kMissing:
      return "missing";
    case TreatMissingData::kIgnore:
      return "ignore";
    case TreatMissingData::kBreaching:
      return "breaching";
    case TreatMissingData::kNotBreaching:
      return "notBreaching";
  }
  return "";
}

std::optional<TreatMissingData> parse_treat_missing(std::string_view s) {
  for (TreatMissingData t : {TreatMissingData::kMissing, TreatMissingData::kIgnore,
                             TreatMissingData::kBreaching, TreatMissingData::kNotBreaching})
    if (treat_missing_name(t) == s) return t;
  return std::nullopt;
}

const std::vector<std::string>& AlarmActions::for_state(AlarmState to) const {
  static const std::vector<std::string> kNone;
  if (!actions_enabled) return kNone;
  switch (to) {
    case AlarmState::kOk:
      return ok_actions;
    case AlarmState::kAlarm:
      return alarm_actions;
    case AlarmState::kInsufficientData:
      return insufficient_data_actions;
  }
  return kNone;
}

Statistic MetricAlarmConfig::stat() const {
  auto s = Statistic::parse(extended_statistic.empty() ? statistic : extended_statistic);
  return s ? *s : Statistic{};
}

Status validate_metric_alarm(const MetricAlarmConfig& c) {
  if (c.name.empty() || c.name.size() > 255)
    return invalid("AlarmName must be between 1 and 255 characters long.");
  for (unsigned char ch : c.name)
    if (ch < 0x20 || ch == 0x7f) return invalid("AlarmName must not contain ASCII control characters.");
  if (c.description && c.description->size() > 1024)
    return invalid("AlarmDescription must be at most 1024 characters long.");
  for (const auto* list :
       {&c.actions.ok_actions, &c.actions.alarm_actions, &c.actions.insufficient_data_actions})
    if (list->size() > 5) return invalid("An alarm can have at most 5 actions for each state.");
  if (c.ns.empty() || c.metric_name.empty()) return invalid("Namespace and MetricName are required.");
  if (c.dimensions.size() > 30) return invalid("An alarm metric can have at most 30 dimensions.");
  if (c.statistic.empty() == c.extended_statistic.empty())
    return invalid("Exactly one of Statistic or ExtendedStatistic must be specified.");
  if (!c.statistic.empty()) {
    auto s = Statistic::parse(c.statistic);
    if (!s || s->is_extended())
      return invalid("Statistic must be one of SampleCount, Average, Sum, Minimum, Maximum.");
  } else {
    auto s = Statistic::parse(c.extended_statistic);
    if (!s || !s->is_extended()) return invalid("ExtendedStatistic must be a percentile such as p99.");
  }
  const int64_t p = c.period_seconds;
  if (!(p == 10 || p == 20 || p == 30 || (p >= 60 && p % 60 == 0)))
    return invalid("Period must be 10, 20, 30 or a multiple of 60.");
  if (c.evaluation_periods < 1) return invalid("EvaluationPeriods must be at least 1.");
  const int64_t max_span = p < 3600 ? 86'400 : 604'800;
  if (p * c.evaluation_periods > max_span)
    return invalid("The evaluation period (Period * EvaluationPeriods) must not exceed " +
                   std::to_string(max_span) + " seconds.");
  if (c.datapoints_to_alarm && (*c.datapoints_to_alarm < 1 || *c.datapoints_to_alarm > c.evaluation_periods))
    return invalid("DatapointsToAlarm must be between 1 and EvaluationPeriods.");
  if (!c.evaluate_low_sample_count_percentile.empty() &&
      c.evaluate_low_sample_count_percentile != "evaluate" &&
      c.evaluate_low_sample_count_percentile != "ignore")
    return invalid("EvaluateLowSampleCountPercentile must be evaluate or ignore.");
  return Status::Ok();
}

std::string alarm_arn(std::string_view region, std::string_view account, std::string_view name) {
  std::string s = "arn:aws:cloudwatch:";
  s.append(region).append(":").append(account).append(":alarm:").append(name);
  return s;
}

std::string cw_timestamp(int64_t epoch_ms) {
  Civil c = civil_from_ms(epoch_ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03u+0000", static_cast<long long>(c.y),
                c.m, c.d, c.hh, c.mm, c.ss, c.ms);
  return buf;
}

std::string reason_time(int64_t epoch_ms) {
  Civil c = civil_from_ms(epoch_ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%02u %02u:%02u:%02u", c.d, c.m,
                static_cast<unsigned>(((c.y % 100) + 100) % 100), c.hh, c.mm, c.ss);
  return buf;
}

std::string long_utc_time(int64_t epoch_ms) {
  static constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  Civil c = civil_from_ms(epoch_ms);
  int64_t days = (epoch_ms - (epoch_ms % kDayMs + kDayMs) % kDayMs) / kDayMs;
  int weekday = static_cast<int>(((days + 4) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
  char buf[80];
  std::snprintf(buf, sizeof buf, "%s %u %s, %lld %02u:%02u:%02u UTC", kDays[weekday], c.d, kMonths[c.m - 1],
                static_cast<long long>(c.y), c.hh, c.mm, c.ss);
  return buf;
}

std::string java_double(double d) {
  std::string s;
  json::format_java_double(d, s);
  return s;
}

}  // namespace sg::guardian
