#include "api/wire_format.h"

namespace sg::api {

json::Value epoch_seconds(int64_t epoch_ms) {
  if (epoch_ms % 1000 == 0) return json::Value::integer(epoch_ms / 1000);
  return json::Value::number(static_cast<double>(epoch_ms) / 1000.0);
}

void add_date(json::ObjectBuilder& b, std::string_view key, int64_t epoch_ms) {
  b.add(key, epoch_seconds(epoch_ms));
}

void add_string_if(json::ObjectBuilder& b, std::string_view key, std::string_view value) {
  if (!value.empty()) b.add(key, json::Value::string(value));
}

void add_if(json::ObjectBuilder& b, std::string_view key, const json::Value& value) {
  if (!value.is_null()) b.add(key, value);
}

}  // namespace sg::api
