// Matching of compiled EventBridge patterns against events (see event_pattern.h).
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "events/event_pattern.h"

namespace sg::events {
namespace {

using json::Value;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// a (event text) equals b (already lower-cased) ignoring ASCII case.
bool iequals(std::string_view a, std::string_view lowered) {
  if (a.size() != lowered.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lowered[i]) return false;
  }
  return true;
}

bool has_prefix(std::string_view s, std::string_view p, bool ignore_case) {
  if (p.size() > s.size()) return false;
  return ignore_case ? iequals(s.substr(0, p.size()), p) : s.substr(0, p.size()) == p;
}

bool has_suffix(std::string_view s, std::string_view p, bool ignore_case) {
  if (p.size() > s.size()) return false;
  std::string_view tail = s.substr(s.size() - p.size());
  return ignore_case ? iequals(tail, p) : tail == p;
}

// Star-separated literal pieces: the first anchors at the start, the last at the end, the
// middle ones are found leftmost in order (greedy leftmost is exact for `*` alone).
bool wildcard_match(const Matcher::Wildcard& w, std::string_view s) {
  const auto& pieces = w.pieces;
  if (pieces.size() == 1) return s == pieces[0];
  if (!has_prefix(s, pieces.front(), false)) return false;
  size_t pos = pieces.front().size();
  const std::string& last = pieces.back();
  if (s.size() < pos + last.size()) return false;
  size_t end = s.size() - last.size();
  if (s.substr(end) != last) return false;
  for (size_t i = 1; i + 1 < pieces.size(); ++i) {
    size_t found = s.substr(0, end).find(pieces[i], pos);
    if (found == std::string_view::npos) return false;
    pos = found + pieces[i].size();
  }
  return pos <= end;
}

bool cidr_match(const Matcher& m, std::string_view text) {
  if (text.size() > 45) return false;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t addr[16];
  if (inet_pton(m.ipv6 ? AF_INET6 : AF_INET, buf, addr) != 1) return false;
  int bits = m.prefix_bits;
  int full = bits / 8;
  if (std::memcmp(addr, m.address.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (addr[full] & mask) == (m.address[static_cast<size_t>(full)] & mask);
}

bool excluded(const Matcher& m, const Value& v) {
  switch (m.but_kind) {
    case Matcher::ButKind::kNumbers:
      return v.is_number() && std::any_of(m.numbers.begin(), m.numbers.end(),
                                          [&](const Value& n) { return numbers_equal(n, v); });
    case Matcher::ButKind::kStrings:
      return v.is_string() && std::find(m.texts.begin(), m.texts.end(), v.as_string()) != m.texts.end();
    default:
      break;
  }
  if (!v.is_string()) return false;
  std::string_view s = v.as_string();
  switch (m.but_kind) {
    case Matcher::ButKind::kPrefix:
      return std::any_of(m.texts.begin(), m.texts.end(),
                         [&](const std::string& p) { return has_prefix(s, p, false); });
    case Matcher::ButKind::kSuffix:
      return std::any_of(m.texts.begin(), m.texts.end(),
                         [&](const std::string& p) { return has_suffix(s, p, false); });
    case Matcher::ButKind::kIgnoreCase:
      return std::any_of(m.texts.begin(), m.texts.end(), [&](const std::string& p) { return iequals(s, p); });
    case Matcher::ButKind::kWildcard:
      return std::any_of(m.wildcards.begin(), m.wildcards.end(),
                         [&](const Matcher::Wildcard& w) { return wildcard_match(w, s); });
    default:
      return false;
  }
}

// Whether v (a field's value, possibly an array) holds at least one leaf: arrays are
// flattened, objects are not leaves.
bool has_leaf(const Value& v) {
  if (v.is_object()) return false;
  if (!v.is_array()) return true;
  return std::any_of(v.items().begin(), v.items().end(), [](const Value& x) { return has_leaf(x); });
}

bool any_leaf_accepted(const Matcher& m, const Value& v) {
  if (v.is_object()) return false;
  if (!v.is_array()) return m.accepts(v);
  return std::any_of(v.items().begin(), v.items().end(),
                     [&](const Value& x) { return any_leaf_accepted(m, x); });
}

bool match_leaf(const PatternField& field, const Value* v) {
  for (const Matcher& m : field.matchers) {
    if (m.kind == Matcher::Kind::kExists) {
      if (m.flag == (v != nullptr && has_leaf(*v))) return true;
      continue;
    }
    if (v != nullptr && any_leaf_accepted(m, *v)) return true;
  }
  return false;
}

bool match_node(const PatternNode& node, const Value* obj);

// A nested pattern object against a field's value: an array matches when one element
// does (so sibling fields come from the same element); a missing or non-object value
// offers no fields.
bool match_child(const PatternNode& node, const Value* v) {
  if (v != nullptr && v->is_array() && v->size() > 0) {
    return std::any_of(v->items().begin(), v->items().end(),
                       [&](const Value& x) { return match_child(node, &x); });
  }
  return match_node(node, v);
}

bool match_node(const PatternNode& node, const Value* obj) {
  bool is_object = obj != nullptr && obj->is_object();
  for (const PatternField& field : node.fields) {
    const Value* v = is_object ? obj->find(field.key) : nullptr;
    if (field.child ? !match_child(*field.child, v) : !match_leaf(field, v)) return false;
  }
  for (const auto& group : node.ors) {
    if (!std::any_of(group.begin(), group.end(), [&](const PatternNode& b) { return match_node(b, obj); })) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool numbers_equal(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  return a.as_double() == b.as_double();
}

bool Matcher::accepts(const Value& v) const {
  switch (kind) {
    case Kind::kString:
      return v.is_string() && v.as_string() == text;
    case Kind::kNumber:
      return v.is_number() && numbers_equal(number, v);
    case Kind::kBool:
      return v.is_bool() && v.as_bool() == flag;
    case Kind::kNull:
      return v.is_null();
    case Kind::kPrefix:
      return v.is_string() && has_prefix(v.as_string(), text, ignore_case);
    case Kind::kSuffix:
      return v.is_string() && has_suffix(v.as_string(), text, ignore_case);
    case Kind::kEqualsIgnoreCase:
      return v.is_string() && iequals(v.as_string(), text);
    case Kind::kWildcard:
      return v.is_string() && wildcard_match(wildcard, v.as_string());
    case Kind::kAnythingBut:
      return !excluded(*this, v);
    case Kind::kNumeric: {
      if (!v.is_number()) return false;
      double x = v.as_double();
      if (has_low && (low_inclusive ? x < low : x <= low)) return false;
      if (has_high && (high_inclusive ? x > high : x >= high)) return false;
      return true;
    }
    case Kind::kCidr:
      return v.is_string() && cidr_match(*this, v.as_string());
    case Kind::kExists:
      return flag;
  }
  return false;
}

bool EventPattern::matches(const json::Value& event) const { return match_node(*root_, &event); }

}  // namespace sg::events
