// Shapes shared by every response of the API (reference §6.1): timestamps and the small
// member-building habits of AWS's JSON (absent rather than null or empty).
//
// Timestamps are JSON numbers of epoch seconds with millisecond precision. A whole second
// is written as an integer (1700000000); otherwise a double, which json::Value prints the
// way Jackson does, as AWS does (1.700000000123E9). botocore and the JS SDK read both.
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "json/value.h"

namespace sg::api {

// Epoch milliseconds as the wire's epoch seconds.
json::Value epoch_seconds(int64_t epoch_ms);

// Adds `key` with epoch_seconds(epoch_ms).
void add_date(json::ObjectBuilder& b, std::string_view key, int64_t epoch_ms);
// Adds `key` only when `value` is not empty (AWS leaves unset strings out).
void add_string_if(json::ObjectBuilder& b, std::string_view key, std::string_view value);
// Adds `key` only when `value` is not null.
void add_if(json::ObjectBuilder& b, std::string_view key, const json::Value& value);

}  // namespace sg::api
