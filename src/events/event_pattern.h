// EventBridge event patterns: parse once into an immutable compiled form, then match events.
//
// Contract
// - EventPattern::parse(text) / compile(value) accept the full EventBridge syntax: exact
//   values (strings, numbers, booleans, null), arrays as OR, prefix / suffix (optionally
//   with equals-ignore-case), equals-ignore-case, wildcard (`*`, escapes `\*` and `\\`),
//   anything-but (a value, a list of strings or of numbers, or {prefix|suffix|
//   equals-ignore-case|wildcard: value or list}), numeric ranges, exists, cidr (IPv4/IPv6)
//   and `$or` (at any level, at least two branches, at most 1000 combinations).
//   An invalid pattern fails with code "InvalidEventPatternException" and a message
//   "Event pattern is not valid. Reason: ..." worded after AWS's matcher (Ruler).
// - matches(event) follows EventBridge/Ruler semantics:
//   * every field in the pattern must match (AND); the values listed for a leaf are OR;
//   * a field absent from the event matches only `exists:false`; an object, an empty array
//     or an array of objects is not a leaf (so `exists:true` fails, `exists:false` holds);
//   * an array in the event matches a leaf condition when any element does (this includes
//     anything-but: some element is not excluded);
//   * for an array of objects, the fields of one sub-pattern must all match in the same
//     element;
//   * exact numbers compare numerically (300 matches 300.0), as Ruler does today; a string
//     never equals a number and `true` never equals "true"; numeric/prefix/suffix/cidr need
//     the right JSON type;
//   * a key repeated in a pattern: the last occurrence wins (done by the JSON parser).
// - equals-ignore-case folds ASCII letters only (a documented simplification).
// - EventPattern is immutable and cheap to copy (shared); matches() is pure and
//   thread-safe. Matching recursion is bounded by the pattern's depth, never the event's.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "json/value.h"

namespace sg::events {

inline constexpr std::string_view kInvalidEventPattern = "InvalidEventPatternException";
inline constexpr size_t kMaxOrCombinations = 1000;

// One condition on a leaf value (an element of a pattern's value array).
struct Matcher {
  enum class Kind : uint8_t {
    kString,  // text
    kNumber,  // number
    kBool,    // flag
    kNull,
    kPrefix,            // text (lower-cased when ignore_case)
    kSuffix,            // text (lower-cased when ignore_case)
    kEqualsIgnoreCase,  // text, lower-cased
    kWildcard,          // segments
    kAnythingBut,       // but_kind + texts / numbers / wildcard segment lists
    kNumeric,           // range
    kCidr,              // address / prefix_bits / ipv6
    kExists,            // flag
  };
  enum class ButKind : uint8_t { kStrings, kNumbers, kPrefix, kSuffix, kIgnoreCase, kWildcard };

  // A compiled wildcard: literal pieces separated by stars.
  struct Wildcard {
    std::vector<std::string> pieces;  // pieces.size() == stars + 1
  };

  Kind kind = Kind::kNull;
  bool flag = false;
  bool ignore_case = false;
  json::Value number;  // kNumber: an int or a double, compared numerically
  std::string text;
  Wildcard wildcard;
  // anything-but
  ButKind but_kind = ButKind::kStrings;
  std::vector<std::string> texts;
  std::vector<json::Value> numbers;
  std::vector<Wildcard> wildcards;
  // numeric range (bounds as doubles; a missing bound is infinite)
  double low = 0, high = 0;
  bool has_low = false, has_high = false, low_inclusive = false, high_inclusive = false;
  // cidr
  std::array<uint8_t, 16> address{};
  int prefix_bits = 0;
  bool ipv6 = false;

  // True when the condition is an exact value (string, number, bool, null): the rule
  // index uses these.
  bool is_exact() const {
    return kind == Kind::kString || kind == Kind::kNumber || kind == Kind::kBool || kind == Kind::kNull;
  }
  // Whether this matcher accepts the (non-container) leaf value v.
  bool accepts(const json::Value& v) const;
};

struct PatternNode;

// One key of a pattern object: either a leaf condition (matchers, OR) or a nested object.
struct PatternField {
  std::string key;
  std::vector<Matcher> matchers;             // leaf: non-empty
  std::shared_ptr<const PatternNode> child;  // nested object: non-null
};

// A pattern object: all fields AND every `$or` group (each group: any branch).
struct PatternNode {
  std::vector<PatternField> fields;
  std::vector<std::vector<PatternNode>> ors;
};

class EventPattern {
 public:
  static Result<EventPattern> parse(std::string_view text);
  static Result<EventPattern> compile(const json::Value& pattern);

  bool matches(const json::Value& event) const;
  const PatternNode& root() const { return *root_; }

 private:
  explicit EventPattern(std::shared_ptr<const PatternNode> root) : root_(std::move(root)) {}
  std::shared_ptr<const PatternNode> root_;
};

// Matching helpers shared with the rule index and tests.
// ASCII lower-casing (the fold equals-ignore-case uses).
std::string ascii_lower(std::string_view s);
// Numeric equality of two JSON numbers (ints exactly, otherwise as doubles).
bool numbers_equal(const json::Value& a, const json::Value& b);

}  // namespace sg::events
