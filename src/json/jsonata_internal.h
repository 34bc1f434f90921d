// Heap nodes behind JValue arrays and objects, and limits shared by the JSONata evaluator's
// files. Internal to json/jsonata*.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "json/jsonata_value.h"

namespace sg::json::jsonata {

// Values nested deeper than this (arrays/objects the evaluator builds) fail with U1001,
// so that walking, comparing, printing and freeing them stays within the C++ stack.
constexpr int kMaxValueDepth = 1000;
// Largest string (bytes) and array (items) the evaluator builds, whatever Limits say; the
// reference's own range limit is 10 million items (D2014).
constexpr size_t kMaxStringBytes = size_t{32} << 20;
constexpr size_t kMaxArrayItems = 10'000'000;

namespace detail {

struct ArrayNode : JNode {
  std::vector<JValue> items;
  // A range [range_start, range_start + range_size) of integers kept unmaterialised
  // (the reference allows 10 million items): items is then empty.
  bool is_range = false;
  double range_start = 0;
  size_t range_size = 0;
  int depth = 1;  // nesting depth of constructed containers (JSON-backed children count 1)

  size_t size() const noexcept { return is_range ? range_size : items.size(); }
};

struct ObjectNode : JNode {
  std::vector<std::pair<std::string, JValue>> members;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
  };
  // Key -> index into members, built once there are more than kIndexFrom members.
  std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>> index;
  int depth = 1;
  static constexpr size_t kIndexFrom = 12;

  // -1 when absent.
  ptrdiff_t find(std::string_view key) const noexcept;
  // Sets key (appends or replaces in place) and keeps the index; only on nodes not yet
  // shared (construction, and the transform operator's private copy).
  void set(std::string key, JValue value);
  void erase(std::string_view key);
  void rebuild_index();
};

}  // namespace detail

// How many bytes of the calling thread's stack may be used below address `base` (a local
// variable's address where a recursive walk starts), keeping a safety margin. The parser
// and the evaluator compare their depth in bytes against it, so hostile input fails with
// U1001 on any thread instead of overflowing the stack.
size_t thread_stack_budget(uintptr_t base);

// Nesting depth of a value as the evaluator counts it (1 for scalars and JSON-backed).
int value_depth(const JValue& v) noexcept;

// Builds an array node value from items; flags as JValue::array.
JValue make_array(std::vector<JValue> items, uint8_t flags = 0);
JValue make_range(double start, size_t size, uint8_t flags);
// A mutable object node (for builders that set keys one by one).
std::shared_ptr<detail::ObjectNode> new_object_node();
JValue object_from_node(std::shared_ptr<detail::ObjectNode> node);
// The node of a constructed object, or null (JSON-backed or not an object).
const detail::ObjectNode* object_node(const JValue& v) noexcept;
const detail::ArrayNode* array_node(const JValue& v) noexcept;

}  // namespace sg::json::jsonata
