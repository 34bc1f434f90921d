#include "engine/history.h"

namespace sg::engine {

json::Value HistoryEvent::to_json() const {
  json::ObjectBuilder b(5);
  b.add("timestamp", json::Value::number(static_cast<double>(timestamp_ms) / 1000.0));
  b.add("type", json::Value::string(type));
  b.add("id", json::Value::integer(id));
  b.add("previousEventId", json::Value::integer(previous_event_id));
  if (!details_key.empty()) b.add(details_key, details.is_null() ? json::Value::empty_object() : details);
  return std::move(b).build();
}

}  // namespace sg::engine
