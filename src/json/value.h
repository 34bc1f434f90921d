// json::Value: the immutable, shared JSON value every payload in stepguard is made of.
//
// Contract
// - A Value is 16 bytes: null, bool, int64, double and strings of up to 14 bytes live
//   inline; longer strings, arrays and objects live in reference-counted heap nodes that
//   are never mutated after construction. Copying a Value is O(1) (at most one atomic
//   increment), so payloads move between states without deep copies.
// - "Writes" (with_member, with_item, ...) build a new node and share every untouched
//   child (path copying): cost is the width of the nodes on the path, never the size of
//   the document.
// - Objects keep members in arrival order (States.JsonToString and outputs show it);
//   lookups are linear for small objects and hashed for large ones.
// - Every heap node caches the byte length of its compact serialisation once measured, so
//   the 256 KiB payload limit costs O(new nodes) per state output (json_size()).
// - Numbers: integers written without fraction or exponent that fit in int64 are kInt,
//   everything else kDouble (IEEE-754, as the ASL spec says). Serialisation follows
//   Jackson (what AWS uses): doubles print like Java's Double.toString.
// - Thread safety: Values may be shared and read from any number of threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sg::json {

enum class Type : uint8_t { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

// Name of a type as AWS/Jackson messages print it ("null", "boolean", "number", ...).
std::string_view type_name(Type t);

class Value;
struct Member;

namespace detail {
struct Node {
  static constexpr size_t kUnknownSize = ~size_t{0};
  mutable std::atomic<uint32_t> refs{1};
  Type type;
  // Bytes of the compact serialisation, computed on first use (many values, such as
  // Context objects, are never measured); racing writers store the same number.
  mutable std::atomic<size_t> json_size{kUnknownSize};
  explicit Node(Type t) : type(t) {}
};
struct StringNode;
struct ArrayNode;
struct ObjectNode;
void release(const Node* n) noexcept;
}  // namespace detail

class Value {
 public:
  static constexpr size_t kInlineStringMax = 14;

  Value() noexcept { set_tag(Tag::kNull); }
  Value(std::nullptr_t) noexcept : Value() {}  // NOLINT
  static Value boolean(bool b) noexcept;
  static Value integer(int64_t i) noexcept;
  static Value number(double d) noexcept;  // keeps a double even when integral
  static Value string(std::string_view s);
  static Value string(std::string&& s);
  static Value string(const char* s) { return string(std::string_view(s)); }
  static Value array(std::vector<Value> items);
  // Members are taken as given (no duplicate check); see ObjectBuilder for that.
  static Value object(std::vector<Member> members);
  static Value empty_object();
  static Value empty_array();

  Value(const Value& o) noexcept { copy_from(o); }
  Value(Value&& o) noexcept {
    std::memcpy(raw_, o.raw_, sizeof raw_);
    o.set_tag(Tag::kNull);
  }
  Value& operator=(const Value& o) noexcept {
    if (this != &o) {
      Value tmp(o);
      swap(tmp);
    }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    Value tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  ~Value() {
    if (is_heap()) detail::release(heap());
  }
  void swap(Value& o) noexcept {
    unsigned char t[16];
    std::memcpy(t, raw_, 16);
    std::memcpy(raw_, o.raw_, 16);
    std::memcpy(o.raw_, t, 16);
  }

  Type type() const noexcept;
  bool is_null() const noexcept { return tag() == Tag::kNull; }
  bool is_bool() const noexcept { return tag() == Tag::kBool; }
  bool is_number() const noexcept { return tag() == Tag::kInt || tag() == Tag::kDouble; }
  bool is_int() const noexcept { return tag() == Tag::kInt; }
  bool is_double() const noexcept { return tag() == Tag::kDouble; }
  bool is_string() const noexcept { return tag() == Tag::kShortString || tag() == Tag::kHeapString; }
  bool is_array() const noexcept { return tag() == Tag::kArray; }
  bool is_object() const noexcept { return tag() == Tag::kObject; }
  bool is_container() const noexcept { return is_array() || is_object(); }

  bool as_bool() const noexcept { return payload<bool>(); }
  int64_t as_int() const noexcept { return payload<int64_t>(); }
  // Any number as a double (ints converted).
  double as_double() const noexcept {
    return tag() == Tag::kInt ? static_cast<double>(payload<int64_t>()) : payload<double>();
  }
  // True when the number is integral and fits int64 (1.0 counts); sets *out.
  bool integral_value(int64_t* out) const noexcept;
  std::string_view as_string() const noexcept {
    if (tag() == Tag::kShortString) return {reinterpret_cast<const char*>(raw_ + 2), raw_[1]};
    return heap_string();
  }

  // Arrays. items() is empty for non-arrays.
  std::span<const Value> items() const noexcept;
  size_t size() const noexcept;  // items for arrays, members for objects, else 0
  const Value& operator[](size_t i) const noexcept { return items()[i]; }

  // Objects. members() is empty for non-objects; find() returns nullptr when absent or
  // when this is not an object.
  std::span<const Member> members() const noexcept;
  const Value* find(std::string_view key) const noexcept;

  // Path-copying writes on objects/arrays (this must be an object/array respectively).
  Value with_member(std::string_view key, Value v) const;  // replaces in place or appends
  Value with_item(size_t index, Value v) const;

  // Bytes of the compact serialisation (O(1) for containers and long strings once
  // measured: the first call on a node measures it, later ones read the cached figure).
  size_t json_size() const noexcept {
    if (is_heap()) {
      size_t cached = heap()->json_size.load(std::memory_order_relaxed);
      if (cached != detail::Node::kUnknownSize) return cached;
    }
    return measure_json_size();
  }

  // Compact serialisation (no spaces), Jackson-compatible escaping and number format.
  std::string dump() const;
  void dump_to(std::string& out) const;
  // Indented (2 spaces) serialisation for humans.
  std::string dump_pretty() const;

  // Deep equality; numbers compare by value (1 == 1.0), objects ignore member order.
  bool operator==(const Value& o) const noexcept;
  bool operator!=(const Value& o) const noexcept { return !(*this == o); }

  // Identity of the heap node (for tests of sharing); nullptr for inline values.
  const void* identity() const noexcept { return is_heap() ? heap() : nullptr; }

 private:
  size_t measure_json_size() const noexcept;
  std::string_view heap_string() const noexcept;  // kHeapString's text, else empty
  enum class Tag : uint8_t { kNull, kBool, kInt, kDouble, kShortString, kHeapString, kArray, kObject };
  friend struct detail::ObjectNode;

  Tag tag() const noexcept { return static_cast<Tag>(raw_[0]); }
  void set_tag(Tag t) noexcept {
    std::memset(raw_, 0, 16);
    raw_[0] = static_cast<unsigned char>(t);
  }
  bool is_heap() const noexcept { return tag() >= Tag::kHeapString; }
  const detail::Node* heap() const noexcept { return payload<const detail::Node*>(); }
  template <class T>
  T payload() const noexcept {
    T t;
    std::memcpy(&t, raw_ + 8, sizeof(T));
    return t;
  }
  template <class T>
  void set_payload(T t) noexcept {
    std::memcpy(raw_ + 8, &t, sizeof(T));
  }
  void copy_from(const Value& o) noexcept {
    std::memcpy(raw_, o.raw_, 16);
    if (is_heap()) heap()->refs.fetch_add(1, std::memory_order_relaxed);
  }
  static Value from_node(detail::Node* n, Tag t) noexcept {
    Value v;
    v.set_tag(t);
    v.set_payload(static_cast<const detail::Node*>(n));
    return v;
  }

  // raw_[0] = tag; short strings: raw_[1] = length, bytes 2..15 = chars;
  // other kinds: bytes 8..15 = payload (bool, int64, double or node pointer).
  alignas(8) unsigned char raw_[16];
};

struct Member {
  Value key;  // always a string
  Value value;
  std::string_view name() const noexcept { return key.as_string(); }
};

// Builds an object; set() keeps the first position of a repeated key and the last value
// (what Jackson's ObjectNode does), add() appends without checking.
class ObjectBuilder {
 public:
  ObjectBuilder() = default;
  explicit ObjectBuilder(size_t reserve) { members_.reserve(reserve); }
  ObjectBuilder& add(Value key, Value value);
  ObjectBuilder& add(std::string_view key, Value value) { return add(Value::string(key), std::move(value)); }
  ObjectBuilder& set(Value key, Value value);
  ObjectBuilder& set(std::string_view key, Value value) { return set(Value::string(key), std::move(value)); }
  bool contains(std::string_view key) const;
  size_t size() const { return members_.size(); }
  Value build() &&;

 private:
  std::vector<Member> members_;
};

// Java Double.toString formatting of a finite double ("1.0", "1.0E10", "1.5E-5").
void format_java_double(double d, std::string& out);

// Appends s as a JSON string literal (with quotes), escaping as Jackson does.
void append_json_string(std::string_view s, std::string& out);

// Byte length of s as a JSON string literal (with quotes).
size_t json_string_size(std::string_view s) noexcept;

}  // namespace sg::json
