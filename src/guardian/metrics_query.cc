#include "guardian/metrics_query.h"

#include <cmath>

#include "json/timestamp.h"

namespace sg::guardian {

namespace {

using json::Value;

Error error(std::string code, std::string message) { return Error{std::move(code), std::move(message)}; }

const Value* string_member(const Value& v, std::string_view key) {
  const Value* m = v.find(key);
  return m && m->is_string() ? m : nullptr;
}

}  // namespace

std::optional<int64_t> parse_time_ms(const Value& v) {
  if (v.is_number()) return static_cast<int64_t>(std::llround(v.as_double() * 1000));
  if (v.is_string()) return json::parse_rfc3339(v.as_string());
  return std::nullopt;
}

std::optional<Dimensions> parse_dimensions(const Value* v) {
  Dimensions out;
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return std::nullopt;
  for (const Value& d : v->items()) {
    const Value* name = string_member(d, "Name");
    const Value* value = string_member(d, "Value");
    if (!name || !value) return std::nullopt;
    out.push_back({std::string(name->as_string()), std::string(value->as_string())});
  }
  return out;
}

Result<Value> get_metric_statistics(const MetricStore& store, const Value& req) {
  if (!req.is_object()) return error("InvalidParameterValue", "The request must be a JSON object.");
  for (const char* key : {"Namespace", "MetricName", "StartTime", "EndTime", "Period"})
    if (!req.find(key))
      return error("MissingParameter", std::string("The parameter ") + key + " is required.");
  const Value* ns = string_member(req, "Namespace");
  const Value* name = string_member(req, "MetricName");
  if (!ns || !name) return error("InvalidParameterValue", "Namespace and MetricName must be strings.");
  auto dims = parse_dimensions(req.find("Dimensions"));
  if (!dims) return error("InvalidParameterValue", "Dimensions must be a list of {Name, Value}.");
  auto start = parse_time_ms(*req.find("StartTime"));
  auto end = parse_time_ms(*req.find("EndTime"));
  if (!start || !end) return error("InvalidParameterValue", "StartTime and EndTime must be timestamps.");
  if (*end <= *start)
    return error("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.");
  int64_t period = 0;
  if (!req.find("Period")->integral_value(&period) || period <= 0 ||
      !(period == 1 || period == 5 || period == 10 || period == 20 || period == 30 || period % 60 == 0))
    return error("InvalidParameterValue", "The parameter Period must be a multiple of 60.");
  if (period < 60) period = 60;  // the store's resolution is one minute

  std::vector<Statistic> stats, extended;
  if (const Value* list = req.find("Statistics"); list && list->is_array()) {
    for (const Value& s : list->items()) {
      auto st = s.is_string() ? Statistic::parse(s.as_string()) : std::nullopt;
      if (!st || st->is_extended())
        return error("InvalidParameterValue",
                     "Statistics must be SampleCount, Average, Sum, Minimum or Maximum.");
      stats.push_back(*st);
    }
  }
  if (const Value* list = req.find("ExtendedStatistics"); list && list->is_array()) {
    for (const Value& s : list->items()) {
      auto st = s.is_string() ? Statistic::parse(s.as_string()) : std::nullopt;
      if (!st || !st->is_extended())
        return error("InvalidParameterValue", "ExtendedStatistics must be percentiles (p99).");
      extended.push_back(*st);
    }
  }
  if (stats.empty() && extended.empty())
    return error("MissingParameter", "Must specify either Statistics or ExtendedStatistics.");
  if (stats.size() + extended.size() > 10)
    return error("InvalidParameterCombination", "At most 10 statistics may be requested.");
  if (const int64_t n = (*end - *start) / (period * 1000); n > static_cast<int64_t>(kMaxDatapointsPerQuery)) {
    std::string message = "You have requested up to ";
    message.append(std::to_string(n)).append(" datapoints, which exceeds the limit of 1440.");
    return error("InvalidParameterCombination", std::move(message));
  }

  MetricId id =
      MetricId::make(std::string(ns->as_string()), std::string(name->as_string()), std::move(*dims));
  const Value* unit = string_member(req, "Unit");
  std::vector<Value> points;
  if (!unit || store.unit_of(id) == unit->as_string()) {
    for (const Datapoint& d : store.get_statistics(id, *start, *end, period)) {
      json::ObjectBuilder b;
      b.add("Timestamp", Value::integer(d.timestamp_ms / 1000));
      for (const Statistic& s : stats) b.add(s.name, Value::number(*d.aggregate.value(s)));
      if (!d.unit.empty()) b.add("Unit", Value::string(d.unit));
      if (!extended.empty()) {
        json::ObjectBuilder e;
        for (const Statistic& s : extended)
          if (auto v = d.aggregate.value(s)) e.add(s.name, Value::number(*v));
        b.add("ExtendedStatistics", std::move(e).build());
      }
      points.push_back(std::move(b).build());
    }
  }
  json::ObjectBuilder out;
  out.add("Label", Value::string(name->as_string()));
  out.add("Datapoints", Value::array(std::move(points)));
  return std::move(out).build();
}

}  // namespace sg::guardian
