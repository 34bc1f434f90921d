#include "guardian/alarm_evaluator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "json/value.h"

namespace sg::guardian {

namespace {

std::string plural(int k, std::string_view word) {
  std::string s(word);
  if (k != 1) s += 's';
  return s;
}

std::string_view was_were(int k) { return k == 1 ? "was" : "were"; }

AlarmState outcome_state(Outcome o, AlarmState current) {
  switch (o) {
    case Outcome::kOk:
      return AlarmState::kOk;
    case Outcome::kAlarm:
      return AlarmState::kAlarm;
    case Outcome::kInsufficientData:
      return AlarmState::kInsufficientData;
    case Outcome::kKeep:
      break;
  }
  return current;
}

std::string point_list(const std::vector<WindowPoint>& range, const std::vector<int>& indices) {
  std::string s = "[";
  bool first = true;
  for (int i : indices) {
    if (!first) s += ", ";
    first = false;
    s += java_double(*range[static_cast<size_t>(i)].value);
    s += " (";
    s += reason_time(range[static_cast<size_t>(i)].timestamp_ms);
    s += ")";
  }
  s += "]";
  return s;
}

std::string missing_reason(int periods, bool breaching) {
  std::string s = "Threshold Crossed: no datapoints were received for ";
  s.append(std::to_string(periods)).append(" ").append(plural(periods, "period")).append(" and ");
  s.append(std::to_string(periods)).append(" missing ").append(plural(periods, "datapoint")).append(" ");
  s += was_were(periods);
  s += breaching ? " treated as [Breaching]." : " treated as [NonBreaching].";
  return s;
}

std::string build_reason(const MetricAlarmConfig& c, const std::vector<WindowPoint>& range,
                         const std::vector<Slot>& slots, const Decision& d, AlarmState current) {
  const int n = c.evaluation_periods;
  if (d.outcome == Outcome::kInsufficientData) {
    std::string s = "Insufficient Data: ";
    s.append(std::to_string(n)).append(" ").append(plural(n, "datapoint")).append(" ");
    s.append(was_were(n)).append(" unknown.");
    return s;
  }
  const bool to_alarm = d.outcome == Outcome::kAlarm;
  const Slot wanted = to_alarm ? Slot::kBreaching : Slot::kNotBreaching;
  std::vector<int> counted;
  int missing_in_evaluated = 0;
  for (int i : d.evaluated) {
    if (slots[static_cast<size_t>(i)] == wanted) counted.push_back(i);
    if (slots[static_cast<size_t>(i)] == Slot::kMissing) ++missing_in_evaluated;
  }
  int k = static_cast<int>(counted.size());
  if (d.fills > 0 && (c.treat_missing_data == TreatMissingData::kBreaching) == to_alarm) k += d.fills;
  if (counted.empty()) {
    // Only missing windows decided (all missing with a treatment, or an OK with no real
    // non-breaching point): say how many were treated as what.
    int periods = d.fills > 0 ? d.fills : missing_in_evaluated;
    return missing_reason(std::max(periods, 1), to_alarm);
  }
  std::string s = "Threshold Crossed: ";
  s += std::to_string(k);
  if (c.datapoints_to_alarm) {
    s.append(" out of the last ").append(std::to_string(n)).append(" datapoints ");
  } else {
    s.append(" ").append(plural(k, "datapoint")).append(" ");
  }
  s += point_list(range, counted);
  s += " ";
  s += was_were(k);
  s += to_alarm ? " " : " not ";
  s += comparison_phrase(c.comparison);
  s.append(" the threshold (").append(java_double(c.threshold)).append(")");
  if (c.datapoints_to_alarm) {
    const int minimum = to_alarm ? c.m() : n - c.m() + 1;
    s.append(" (minimum ").append(std::to_string(minimum)).append(" ").append(plural(minimum, "datapoint"));
    s.append(" for ");
    s += alarm_state_name(current);
    s += " -> ";
    s += alarm_state_name(outcome_state(d.outcome, current));
    s += " transition)";
  }
  s += ".";
  return s;
}

std::string build_reason_data(const MetricAlarmConfig& c, const std::vector<WindowPoint>& range,
                              const Decision& d, int64_t now_ms) {
  json::ObjectBuilder b;
  b.add("version", json::Value::string("1.0"));
  b.add("queryDate", json::Value::string(cw_timestamp(now_ms)));
  std::vector<json::Value> recent;
  for (const WindowPoint& p : range) {
    if (!p.value) continue;
    if (recent.empty()) b.add("startDate", json::Value::string(cw_timestamp(p.timestamp_ms)));
    recent.push_back(json::Value::number(*p.value));
  }
  if (!c.unit.empty()) b.add("unit", json::Value::string(c.unit));
  b.add("statistic", json::Value::string(c.extended_statistic.empty() ? c.statistic : c.extended_statistic));
  b.add("period", json::Value::integer(c.period_seconds));
  b.add("recentDatapoints", json::Value::array(std::move(recent)));
  b.add("threshold", json::Value::number(c.threshold));
  std::vector<json::Value> evaluated;
  for (int i : d.evaluated) {
    const WindowPoint& p = range[static_cast<size_t>(i)];
    json::ObjectBuilder e;
    e.add("timestamp", json::Value::string(cw_timestamp(p.timestamp_ms)));
    if (p.value) {
      e.add("sampleCount", json::Value::number(p.sample_count));
      e.add("value", json::Value::number(*p.value));
    }
    evaluated.push_back(std::move(e).build());
  }
  b.add("evaluatedDatapoints", json::Value::array(std::move(evaluated)));
  return std::move(b).build().dump();
}

// EvaluateLowSampleCountPercentile = ignore: too few samples for the percentile to mean
// anything (10/(1-p) for p >= 0.5, 10/p below) keeps the state.
bool too_few_samples(const MetricAlarmConfig& c, const std::vector<WindowPoint>& range) {
  if (c.evaluate_low_sample_count_percentile != "ignore" || c.extended_statistic.empty()) return false;
  const double p = c.stat().percentile / 100;
  const double need = p >= 0.5 ? (p >= 1 ? std::numeric_limits<double>::infinity() : 10 / (1 - p))
                               : (p <= 0 ? std::numeric_limits<double>::infinity() : 10 / p);
  for (auto it = range.rbegin(); it != range.rend(); ++it)
    if (it->value) return it->sample_count < need;
  return false;
}

}  // namespace

Decision decide(std::span<const Slot> range, int n, int m, TreatMissingData treat) {
  Decision d;
  const int r = static_cast<int>(range.size());
  std::vector<int> real;
  for (int i = 0; i < r; ++i)
    if (range[static_cast<size_t>(i)] != Slot::kMissing) real.push_back(i);
  auto breaching = [&](int i) { return range[static_cast<size_t>(i)] == Slot::kBreaching; };

  if (real.empty()) {
    for (int i = r - 1; i >= 0 && i >= r - n; --i) d.evaluated.push_back(i);
    switch (treat) {
      case TreatMissingData::kMissing:
        d.outcome = Outcome::kInsufficientData;
        break;
      case TreatMissingData::kIgnore:
        d.outcome = Outcome::kKeep;
        break;
      case TreatMissingData::kBreaching:
        d.outcome = Outcome::kAlarm;
        d.fills = n;
        break;
      case TreatMissingData::kNotBreaching:
        d.outcome = Outcome::kOk;
        d.fills = n;
        break;
    }
    return d;
  }

  if (static_cast<int>(real.size()) >= n) {
    int b = 0;
    for (int j = static_cast<int>(real.size()) - 1; j >= static_cast<int>(real.size()) - n; --j) {
      d.evaluated.push_back(real[static_cast<size_t>(j)]);
      if (breaching(real[static_cast<size_t>(j)])) ++b;
    }
    d.outcome = b >= m ? Outcome::kAlarm : Outcome::kOk;
    return d;
  }

  // Fewer than N real points: all of them, plus the newest missing windows up to N.
  const int needed = n - static_cast<int>(real.size());
  d.evaluated = real;
  int added = 0;
  for (int i = r - 1; i >= 0 && added < needed; --i) {
    if (range[static_cast<size_t>(i)] == Slot::kMissing) {
      d.evaluated.push_back(i);
      ++added;
    }
  }
  std::sort(d.evaluated.begin(), d.evaluated.end(), std::greater<>());
  int b = 0;
  bool any_ok = false;
  for (int i : real) {
    if (breaching(i)) {
      ++b;
    } else {
      any_ok = true;
    }
  }
  if (treat == TreatMissingData::kBreaching || treat == TreatMissingData::kNotBreaching) {
    d.fills = needed;
    if (treat == TreatMissingData::kBreaching) b += needed;
    d.outcome = b >= m ? Outcome::kAlarm : Outcome::kOk;
    return d;
  }
  if (b >= m) {
    d.outcome = Outcome::kAlarm;
  } else if (any_ok) {
    d.outcome = Outcome::kOk;
  } else {
    int oldest = -1;
    for (int i = std::max(0, r - n); i < r; ++i) {
      if (breaching(i)) {
        oldest = i;
        break;
      }
    }
    const bool premature = oldest >= 0 && r - oldest >= m;
    if (premature) {
      d.outcome = treat == TreatMissingData::kMissing ? Outcome::kAlarm : Outcome::kKeep;
    } else {
      d.outcome = Outcome::kOk;
    }
  }
  return d;
}

AlarmEvaluation evaluate_points(const MetricAlarmConfig& c, std::vector<WindowPoint> range,
                                AlarmState current, int64_t now_ms) {
  std::vector<Slot> slots;
  slots.reserve(range.size());
  for (const WindowPoint& p : range) {
    if (!p.value) {
      slots.push_back(Slot::kMissing);
    } else {
      slots.push_back(breaches(c.comparison, *p.value, c.threshold) ? Slot::kBreaching : Slot::kNotBreaching);
    }
  }
  Decision d = decide(slots, c.evaluation_periods, c.m(), c.treat_missing_data);
  AlarmEvaluation ev;
  ev.outcome = too_few_samples(c, range) ? Outcome::kKeep : d.outcome;
  if (ev.outcome != Outcome::kKeep) {
    ev.reason = build_reason(c, range, slots, d, current);
    ev.reason_data = build_reason_data(c, range, d, now_ms);
  }
  ev.range = std::move(range);
  return ev;
}

AlarmEvaluation evaluate_metric_alarm(const MetricAlarmConfig& c, const MetricStore& store,
                                      AlarmState current, int64_t now_ms) {
  const int r = evaluation_range(c.evaluation_periods);
  const int64_t period_ms = c.period_seconds * 1000;
  const int64_t end = floor_minute(now_ms);
  const MetricId id = c.metric_id();
  const bool unit_ok = c.unit.empty() || store.unit_of(id) == c.unit;
  const Statistic stat = c.stat();
  std::vector<WindowPoint> range;
  range.reserve(static_cast<size_t>(r));
  for (int j = 0; j < r; ++j) {
    WindowPoint p;
    p.timestamp_ms = end - static_cast<int64_t>(r - j) * period_ms;
    if (unit_ok) {
      if (auto a = store.aggregate(id, p.timestamp_ms, p.timestamp_ms + period_ms, stat.is_extended())) {
        p.value = a->value(stat);
        p.sample_count = a->sample_count();
      }
    }
    range.push_back(std::move(p));
  }
  return evaluate_points(c, std::move(range), current, now_ms);
}

std::optional<AlarmTransition> set_alarm_state(const std::string& alarm_name, const AlarmActions& actions,
                                               AlarmStateInfo& state, AlarmState value, std::string reason,
                                               std::string reason_data, int64_t now_ms) {
  if (state.value == value) return std::nullopt;
  AlarmTransition t;
  t.alarm_name = alarm_name;
  t.old_state = state;
  state.value = value;
  state.reason = std::move(reason);
  state.reason_data = std::move(reason_data);
  state.updated_ms = now_ms;
  state.transitioned_ms = now_ms;
  t.new_state = state;
  t.actions = actions.for_state(value);
  return t;
}

std::optional<AlarmTransition> apply_evaluation(const std::string& alarm_name, const AlarmActions& actions,
                                                AlarmStateInfo& state, const AlarmEvaluation& evaluation,
                                                int64_t now_ms) {
  if (evaluation.outcome == Outcome::kKeep) return std::nullopt;
  return set_alarm_state(alarm_name, actions, state, outcome_state(evaluation.outcome, state.value),
                         evaluation.reason, evaluation.reason_data, now_ms);
}

}  // namespace sg::guardian
