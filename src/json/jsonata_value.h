// JValue: the value the JSONata evaluator computes with (internal to json/).
//
// STABLE INTERNAL API. The built-in function families (src/json/jsonata_lib_*.cc, written
// by another engineer) are programmed against this header and jsonata_functions.h. Add to
// it freely; do not change or remove what is here without telling them.
//
// A JValue is JSONata's view of a value, which is wider than JSON:
// - undefined (kUndefined: "nothing", what a missing field gives; default-constructed);
// - null, booleans, numbers (always doubles, as in JavaScript), strings;
// - arrays, which may be flagged as a *sequence* (the result of a path step: a sequence of
//   one item stands for that item, an empty sequence for undefined; see flags below);
// - objects (members keep insertion order);
// - functions: lambdas, built-ins, partial applications and regular expressions (a regex
//   literal is a function in JSONata: $type(/a/) is "function"; regex() gives the matcher).
//
// Arrays, objects and strings are shared and immutable: copying a JValue is O(1). Arrays and
// objects that come from the JSON input stay json::Values underneath (wrapped, not copied);
// at()/get() hand out their children wrapped as JValues (ints become doubles).
//
// Strings are UTF-8. JavaScript counts string positions in UTF-16 code units (regex match
// offsets) or code points ($length, $substring); the helpers at the end convert.
//
// Thread safety: JValues may be shared and read from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/jsonata.h"
#include "json/value.h"

namespace sg::json::jsonata {

class Function;  // opaque outside the evaluator; see is_function() and regex()
class Regex;

namespace detail {
// Base of the evaluator's heap nodes (defined in jsonata_internal.h).
struct JNode {
  virtual ~JNode() = default;
};
}  // namespace detail

class JValue {
 public:
  enum class Kind : uint8_t { kUndefined, kNull, kBool, kNumber, kString, kArray, kObject, kFunction };

  // Array flags (the reference's sequence bookkeeping). Builtins normally only use
  // kSequence: return JValue::sequence(...) where the reference uses createSequence() (the
  // caller then unwraps a single item and turns an empty sequence into undefined), and
  // JValue::array(...) where it returns a plain array.
  enum Flag : uint8_t {
    kSequence = 1,       // a result sequence
    kKeepSingleton = 2,  // a sequence that stays an array even with one item (path[])
    kOuterWrapper = 4,   // evaluator internal
    kTupleStream = 8,    // evaluator internal
    kCons = 16,          // evaluator internal: built by an array constructor [...]
  };

  JValue() = default;  // undefined
  static JValue null();
  static JValue boolean(bool b);
  static JValue number(double d);
  static JValue string(std::string_view s);
  static JValue string(std::string&& s);
  static JValue string(const char* s) { return string(std::string_view(s)); }
  static JValue array(std::vector<JValue> items, uint8_t flags = 0);
  static JValue sequence(std::vector<JValue> items) { return array(std::move(items), kSequence); }
  // Members in order; a repeated key keeps its first position and takes the last value.
  static JValue object(std::vector<std::pair<std::string, JValue>> members);
  static JValue function(std::shared_ptr<const Function> fn);
  // Wraps a JSON value in O(1): scalars convert (ints to doubles), containers are wrapped.
  static JValue from_json(const Value& v);

  Kind kind() const noexcept { return kind_; }
  bool is_undefined() const noexcept { return kind_ == Kind::kUndefined; }
  bool is_defined() const noexcept { return kind_ != Kind::kUndefined; }
  bool is_null() const noexcept { return kind_ == Kind::kNull; }
  bool is_bool() const noexcept { return kind_ == Kind::kBool; }
  bool is_number() const noexcept { return kind_ == Kind::kNumber; }
  bool is_string() const noexcept { return kind_ == Kind::kString; }
  bool is_array() const noexcept { return kind_ == Kind::kArray; }
  bool is_object() const noexcept { return kind_ == Kind::kObject; }
  bool is_function() const noexcept { return kind_ == Kind::kFunction; }

  bool as_bool() const noexcept { return num_ != 0; }
  double as_number() const noexcept { return num_; }
  std::string_view as_string() const noexcept { return json_.as_string(); }
  // The string as a JSON value, shared (no copy of the text); only for strings.
  const Value& string_json() const noexcept { return json_; }

  // Arrays (size() is 0 for anything else).
  size_t size() const noexcept;
  JValue at(size_t i) const;          // i < size()
  std::vector<JValue> items() const;  // a copy of the items (O(n), each O(1))
  uint8_t flags() const noexcept { return flags_; }
  bool has_flag(Flag f) const noexcept { return (flags_ & f) != 0; }
  bool is_sequence() const noexcept { return is_array() && has_flag(kSequence); }
  JValue with_flags(uint8_t flags) const {
    JValue v = *this;
    v.flags_ = flags;
    return v;
  }

  // Objects (member_count() is 0 for anything else).
  size_t member_count() const noexcept;
  std::string_view key_at(size_t i) const noexcept;  // i < member_count()
  JValue value_at(size_t i) const;                   // i < member_count()
  JValue get(std::string_view key) const;            // undefined when absent or not an object
  bool has(std::string_view key) const noexcept;

  // Functions.
  const Function* function() const noexcept;  // non-null for kFunction
  const Regex* regex() const noexcept;        // non-null when this is a regex literal
  // Number of parameters the function declares (what $map & co. use to decide how many of
  // (value, index, array) to pass); 0 for non-functions.
  size_t function_arity() const noexcept;

  // The JSON this value stands for, or nullopt when undefined. Numbers that are integral
  // and fit int64 become ints (JavaScript prints them without a fraction); functions
  // become what JSON.stringify makes of them (dropped from objects, null in arrays,
  // undefined at the top). contains_function() tells whether that happened.
  std::optional<Value> to_json() const;
  bool contains_function() const;

  // Internal: the wrapped JSON node, when this array/object is JSON-backed.
  const Value* json_backing() const noexcept { return json_backed_ ? &json_ : nullptr; }
  // Internal: the evaluator's node (constructed arrays/objects, functions), else null.
  const detail::JNode* node() const noexcept { return node_.get(); }
  static JValue from_node(Kind kind, std::shared_ptr<const detail::JNode> node, uint8_t flags = 0);

 private:
  Kind kind_ = Kind::kUndefined;
  uint8_t flags_ = 0;
  bool json_backed_ = false;                   // array/object kept as json_
  double num_ = 0;                             // number, or bool as 0/1
  Value json_;                                 // string text, or the JSON array/object when json_backed_
  std::shared_ptr<const detail::JNode> node_;  // constructed array/object, or function
};

// Deep equality as the reference's `=` and $distinct use it (functions: identity).
bool deep_equal(const JValue& a, const JValue& b);

// JavaScript's Number.prototype.toString (shortest round trip; exponent form below 1e-6
// and from 1e21, "1e+21"). The value must be finite.
std::string js_number_to_string(double d);

// What $string gives (the reference's string()): strings as they are, numbers to 15
// significant digits, other values as JSON (prettify: indented by 2), functions as "".
// Fails with D3001 for a non-finite number. Undefined gives undefined.
bool to_js_string(const JValue& v, bool prettify, std::string* out, Error* error);

// JSONata's truthiness ($boolean): false for undefined, null, false, 0, "", functions,
// empty arrays and objects, and arrays whose items are all false.
bool truthy(const JValue& v);

// Counting in JavaScript's units. Offsets are byte offsets into valid UTF-8.
size_t utf8_codepoint_count(std::string_view s);
size_t utf16_length(std::string_view s);
size_t utf16_offset(std::string_view s, size_t byte_offset);

// A compiled regular expression with JavaScript semantics (see jsonata_regex.cc for the
// library and its differences from JavaScript).
struct RegexMatch {
  size_t begin = 0;  // byte offsets of the whole match in the subject
  size_t end = 0;
  // Capture groups 1..n: byte [begin, end), nullopt when the group did not participate
  // (JavaScript gives undefined for those).
  std::vector<std::optional<std::pair<size_t, size_t>>> groups;
};

class Regex {
 public:
  virtual ~Regex() = default;
  // Finds the leftmost match at or after byte offset `from` of `subject`. Returns true and
  // fills *m on a match, false with error->code empty when there is none, false with
  // error->code set when matching was abandoned (budget: code "U1001").
  virtual bool find(std::string_view subject, size_t from, RegexMatch* m, Error* error) const = 0;
  virtual std::string_view source() const = 0;  // the pattern between the slashes
  virtual std::string_view flags() const = 0;   // "i", "m", ...
};

}  // namespace sg::json::jsonata
