// Wire helpers shared by the files of EventBusService (internal to src/events): AWS error
// values in Coral's wording, request member access, bus names and ARNs, timestamps.
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "events/event_bus_service.h"
#include "json/timestamp.h"
#include "json/value.h"

namespace sg::events::wire {

using json::ObjectBuilder;
using json::Value;
using Reply = Result<EventsOutcome, EventsError>;

constexpr std::string_view kDefaultBus = "default";
constexpr std::string_view kRuleNamePattern = "[\\.\\-_A-Za-z0-9]+";
constexpr std::string_view kBusNamePattern = "[/\\.\\-_A-Za-z0-9]+";

inline EventsError error(std::string_view type, std::string message) {
  return EventsError{std::string(type), std::move(message)};
}

// Coral's wording for a member that breaks a model constraint.
inline EventsError constraint(std::string_view member, std::string_view value, std::string_view rule) {
  std::string m = "1 validation error detected: Value '";
  m.append(value)
      .append("' at '")
      .append(member)
      .append("' failed to satisfy constraint: Member must ")
      .append(rule);
  return error("ValidationException", std::move(m));
}

inline EventsOutcome ok(Value response) { return EventsOutcome{std::move(response), {}}; }
inline EventsOutcome ok_empty() { return ok(Value::empty_object()); }

inline std::optional<std::string> get_string(const Value& r, std::string_view key) {
  const Value* v = r.find(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

inline bool matches_charset(std::string_view s, std::string_view extra) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
}

// Name: 1-64 of [.-_A-Za-z0-9] (rules and target ids).
inline std::optional<EventsError> check_name(std::string_view member, const std::optional<std::string>& v,
                                             size_t max) {
  if (!v) {
    std::string m = "1 validation error detected: Value null at '";
    m.append(member).append("' failed to satisfy constraint: Member must not be null");
    return error("ValidationException", std::move(m));
  }
  if (v->size() > max) {
    return constraint(member, *v,
                      std::string("have length less than or equal to ").append(std::to_string(max)));
  }
  if (!matches_charset(*v, ".-_")) {
    return constraint(member, *v,
                      std::string("satisfy regular expression pattern: ").append(kRuleNamePattern));
  }
  return std::nullopt;
}

// "name" or "arn:aws:events:region:account:event-bus/name" -> name; empty -> default.
inline std::string bus_name(const Value& r, std::string_view key) {
  auto v = get_string(r, key);
  if (!v || v->empty()) return std::string(kDefaultBus);
  if (v->rfind("arn:", 0) == 0) {
    size_t slash = v->find(":event-bus/");
    if (slash != std::string::npos) return v->substr(slash + 11);
  }
  return *v;
}

inline Value epoch_seconds(int64_t ms) { return Value::number(static_cast<double>(ms) / 1000.0); }

inline std::string iso_seconds(int64_t ms) {
  std::string s = json::format_iso8601_ms(ms);
  return s.substr(0, 19).append("Z");
}

}  // namespace sg::events::wire
