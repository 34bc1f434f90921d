// json::Value implementation: heap nodes, path-copying writes, serialisation, equality.
#include "json/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>

#include "json/utf8.h"

namespace sg::json {

namespace detail {

struct StringNode : Node {
  std::string s;
  explicit StringNode(std::string str) : Node(Type::kString), s(std::move(str)) {}
};

struct ArrayNode : Node {
  std::vector<Value> items;
  explicit ArrayNode(std::vector<Value> v) : Node(Type::kArray), items(std::move(v)) {}
  size_t measure() const {
    size_t n = 2 + (items.empty() ? 0 : items.size() - 1);
    for (const Value& x : items) n += x.json_size();
    return n;
  }
};

// Objects with at least kIndexThreshold members get an open-addressing hash index.
constexpr size_t kIndexThreshold = 12;

inline uint64_t hash_key(std::string_view s) noexcept {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

struct ObjectNode : Node {
  std::vector<Member> members;
  std::vector<uint32_t> index;  // slots hold member position + 1; 0 = empty
  explicit ObjectNode(std::vector<Member> m) : Node(Type::kObject), members(std::move(m)) {
    if (members.size() >= kIndexThreshold) build_index();
  }
  size_t measure() const {
    size_t n = 2 + (members.empty() ? 0 : members.size() - 1);
    for (const Member& x : members) n += x.key.json_size() + 1 + x.value.json_size();
    return n;
  }
  void build_index() {
    size_t cap = 1;
    while (cap < members.size() * 2) cap <<= 1;
    index.assign(cap, 0);
    for (uint32_t i = 0; i < members.size(); ++i) {
      size_t slot = hash_key(members[i].name()) & (cap - 1);
      while (index[slot] != 0) slot = (slot + 1) & (cap - 1);
      index[slot] = i + 1;
    }
  }
  const Value* find(std::string_view key) const noexcept {
    if (index.empty()) {
      for (const Member& m : members) {
        std::string_view name = m.name();
        if (name.size() == key.size() && (key.empty() || name[0] == key[0]) && name == key) return &m.value;
      }
      return nullptr;
    }
    size_t cap = index.size();
    size_t slot = hash_key(key) & (cap - 1);
    while (uint32_t pos = index[slot]) {
      const Member& m = members[pos - 1];
      if (m.name() == key) return &m.value;
      slot = (slot + 1) & (cap - 1);
    }
    return nullptr;
  }
  // Position of key, or -1.
  ptrdiff_t position(std::string_view key) const noexcept {
    const Value* v = find(key);
    if (!v) return -1;
    return reinterpret_cast<const Member*>(reinterpret_cast<const char*>(v) - offsetof(Member, value)) -
           members.data();
  }
};

void release(const Node* n) noexcept {
  if (n->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  switch (n->type) {
    case Type::kString:
      delete static_cast<const StringNode*>(n);
      break;
    case Type::kArray:
      delete static_cast<const ArrayNode*>(n);
      break;
    case Type::kObject:
      delete static_cast<const ObjectNode*>(n);
      break;
    default:
      break;
  }
}

}  // namespace detail

using detail::ArrayNode;
using detail::ObjectNode;
using detail::StringNode;

std::string_view type_name(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "boolean";
    case Type::kInt:
    case Type::kDouble:
      return "number";
    case Type::kString:
      return "string";
    case Type::kArray:
      return "array";
    case Type::kObject:
      return "object";
  }
  return "unknown";
}

Value Value::boolean(bool b) noexcept {
  Value v;
  v.set_tag(Tag::kBool);
  v.set_payload(b);
  return v;
}
Value Value::integer(int64_t i) noexcept {
  Value v;
  v.set_tag(Tag::kInt);
  v.set_payload(i);
  return v;
}
Value Value::number(double d) noexcept {
  Value v;
  v.set_tag(Tag::kDouble);
  v.set_payload(d);
  return v;
}

Value Value::string(std::string_view s) {
  if (s.size() <= kInlineStringMax) {
    Value v;
    v.set_tag(Tag::kShortString);
    v.raw_[1] = static_cast<unsigned char>(s.size());
    if (!s.empty()) std::memcpy(v.raw_ + 2, s.data(), s.size());
    return v;
  }
  return from_node(new StringNode(std::string(s)), Tag::kHeapString);
}

Value Value::string(std::string&& s) {
  if (s.size() <= kInlineStringMax) return string(std::string_view(s));
  return from_node(new StringNode(std::move(s)), Tag::kHeapString);
}

Value Value::array(std::vector<Value> items) {
  return from_node(new ArrayNode(std::move(items)), Tag::kArray);
}

Value Value::object(std::vector<Member> members) {
  return from_node(new ObjectNode(std::move(members)), Tag::kObject);
}

Value Value::empty_object() {
  static const Value kEmpty = object({});
  return kEmpty;
}

Value Value::empty_array() {
  static const Value kEmpty = array({});
  return kEmpty;
}

Type Value::type() const noexcept {
  switch (tag()) {
    case Tag::kNull:
      return Type::kNull;
    case Tag::kBool:
      return Type::kBool;
    case Tag::kInt:
      return Type::kInt;
    case Tag::kDouble:
      return Type::kDouble;
    case Tag::kShortString:
    case Tag::kHeapString:
      return Type::kString;
    case Tag::kArray:
      return Type::kArray;
    case Tag::kObject:
      return Type::kObject;
  }
  return Type::kNull;
}

bool Value::integral_value(int64_t* out) const noexcept {
  if (tag() == Tag::kInt) {
    *out = as_int();
    return true;
  }
  if (tag() != Tag::kDouble) return false;
  double d = as_double();
  if (!std::isfinite(d) || std::trunc(d) != d || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18)
    return false;
  *out = static_cast<int64_t>(d);
  return true;
}

std::string_view Value::heap_string() const noexcept {
  if (tag() == Tag::kHeapString) return static_cast<const StringNode*>(heap())->s;
  return {};
}

std::span<const Value> Value::items() const noexcept {
  if (tag() != Tag::kArray) return {};
  return static_cast<const ArrayNode*>(heap())->items;
}

std::span<const Member> Value::members() const noexcept {
  if (tag() != Tag::kObject) return {};
  return static_cast<const ObjectNode*>(heap())->members;
}

size_t Value::size() const noexcept {
  if (tag() == Tag::kArray) return static_cast<const ArrayNode*>(heap())->items.size();
  if (tag() == Tag::kObject) return static_cast<const ObjectNode*>(heap())->members.size();
  return 0;
}

const Value* Value::find(std::string_view key) const noexcept {
  if (tag() != Tag::kObject) return nullptr;
  return static_cast<const ObjectNode*>(heap())->find(key);
}

Value Value::with_member(std::string_view key, Value v) const {
  const auto* node = static_cast<const ObjectNode*>(heap());
  std::vector<Member> m = node->members;  // shares every child
  ptrdiff_t pos = node->position(key);
  if (pos >= 0) {
    m[static_cast<size_t>(pos)].value = std::move(v);
  } else {
    m.push_back(Member{Value::string(key), std::move(v)});
  }
  return object(std::move(m));
}

Value Value::with_item(size_t index, Value v) const {
  std::vector<Value> items(this->items().begin(), this->items().end());
  items[index] = std::move(v);
  return array(std::move(items));
}

namespace {

// Whether any of the 8 bytes in `w` needs escaping (< 0x20, '"' or '\\'): the classic
// has-zero-byte test applied to w, w ^ '"' and w ^ '\\', and a has-less-than test.
inline bool word_needs_escape(uint64_t w) noexcept {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
  uint64_t control = (w - kOnes * 0x20) & ~w;
  uint64_t zero_q = (quote - kOnes) & ~quote, zero_b = (backslash - kOnes) & ~backslash;
  return ((control | zero_q | zero_b) & kHighs) != 0;
}

// Bytes `from`..`from+count-1` of the word kept, the others replaced by 'a' (which needs no
// escaping).
inline uint64_t keep_bytes(uint64_t w, size_t from, size_t count) noexcept {
  if (count == 0) return 0x0101010101010101ull * 'a';
  uint64_t span = count >= 8 ? ~0ull : ((1ull << (8 * count)) - 1);
  uint64_t mask = span << (8 * from);
  return (w & mask) | (~mask & (0x0101010101010101ull * 'a'));
}

[[gnu::noinline]] size_t double_size(double d) noexcept {
  std::string s;
  format_java_double(d, s);
  return s.size();
}

size_t int_size(int64_t i) noexcept {
  uint64_t u = i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
  size_t n = i < 0 ? 2 : 1;
  while (u >= 10) {
    u /= 10;
    ++n;
  }
  return n;
}

}  // namespace

size_t Value::measure_json_size() const noexcept {
  switch (tag()) {
    case Tag::kNull:
      return 4;
    case Tag::kBool:
      return as_bool() ? 4 : 5;
    case Tag::kInt:
      return int_size(as_int());
    case Tag::kDouble:
      return double_size(as_double());
    case Tag::kShortString: {
      // Characters sit in bytes 2..2+len of raw_: test them in two words, without a loop.
      size_t len = raw_[1];
      uint64_t w0, w1;
      std::memcpy(&w0, raw_, 8);
      std::memcpy(&w1, raw_ + 8, 8);
      size_t in_first = len < 6 ? len : 6;
      uint64_t a = keep_bytes(w0, 2, in_first), b = keep_bytes(w1, 0, len - in_first);
      if (!word_needs_escape(a) && !word_needs_escape(b) && !((a | b) & 0x8080808080808080ull))
        return len + 2;
      return json_string_size(as_string());
    }
    default:
      break;
  }
  const detail::Node* n = heap();
  size_t cached = n->json_size.load(std::memory_order_relaxed);
  if (cached != detail::Node::kUnknownSize) return cached;
  size_t size = tag() == Tag::kHeapString ? json_string_size(as_string())
                : tag() == Tag::kArray    ? static_cast<const ArrayNode*>(n)->measure()
                                          : static_cast<const ObjectNode*>(n)->measure();
  n->json_size.store(size, std::memory_order_relaxed);
  return size;
}

void format_java_double(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (d == 0) {
    out += std::signbit(d) ? "-0.0" : "0.0";
    return;
  }
  // Shortest round-trip digits and decimal exponent.
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  bool neg = sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits += c;
  int exp10 = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp10);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (neg) out += '-';
  double a = std::fabs(d);
  if (a >= 1e-3 && a < 1e7) {
    if (exp10 >= 0) {
      size_t int_len = static_cast<size_t>(exp10) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out.append(digits, 0, int_len);
        out += '.';
        out.append(digits, int_len, std::string::npos);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exp10 - 1), '0');
      out += digits;
    }
  } else {
    out += digits[0];
    out += '.';
    if (digits.size() > 1)
      out.append(digits, 1, std::string::npos);
    else
      out += '0';
    out += 'E';
    out += std::to_string(exp10);
  }
}

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

inline bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Length of the well-formed UTF-8 sequence at s[i] (a byte >= 0x80), or 0 when it is not one.
size_t utf8_sequence(std::string_view s, size_t i) noexcept {
  uint32_t cp;
  return utf8_decode(s, i, cp);
}

}  // namespace

size_t json_string_size(std::string_view s) noexcept {
  size_t n = 2 + s.size();
  // Most text is ASCII needing no escape: skip it eight bytes at a time; from the first
  // word that holds an escape or a non-ASCII byte on, count exactly as
  // append_json_string() writes.
  const char* p = s.data();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (word_needs_escape(w) || (w & 0x8080808080808080ull)) break;
  }
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c >= 0x80) {
      size_t len = utf8_sequence(s, i);
      if (len)
        i += len - 1;
      else
        n += kReplacementCharacter.size() - 1;
      continue;
    }
    if (!needs_escape(c)) continue;
    switch (c) {
      case '"':
      case '\\':
      case '\b':
      case '\f':
      case '\n':
      case '\r':
      case '\t':
        n += 1;
        break;
      default:
        n += 5;
    }
  }
  return n;
}

void append_json_string(std::string_view s, std::string& out) {
  out += '"';
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = utf8_sequence(s, i);
      if (len) {
        i += len - 1;
        continue;
      }
      // Not UTF-8 (bytes from a process or a socket): printed as U+FFFD so that the
      // output is always valid JSON.
      out.append(s.data() + start, i - start);
      start = i + 1;
      out += kReplacementCharacter;
      continue;
    }
    if (!needs_escape(c)) continue;
    out.append(s.data() + start, i - start);
    start = i + 1;
    if (const char* e = json_short_escape(c)) {
      out += e;
    } else {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out.append(s.data() + start, s.size() - start);
  out += '"';
}

void Value::dump_to(std::string& out) const {
  switch (tag()) {
    case Tag::kNull:
      out += "null";
      return;
    case Tag::kBool:
      out += as_bool() ? "true" : "false";
      return;
    case Tag::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, as_int());
      out.append(buf, r.ptr);
      return;
    }
    case Tag::kDouble:
      format_java_double(as_double(), out);
      return;
    case Tag::kShortString:
    case Tag::kHeapString:
      append_json_string(as_string(), out);
      return;
    case Tag::kArray: {
      out += '[';
      bool first = true;
      for (const Value& v : items()) {
        if (!first) out += ',';
        first = false;
        v.dump_to(out);
      }
      out += ']';
      return;
    }
    case Tag::kObject: {
      out += '{';
      bool first = true;
      for (const Member& m : members()) {
        if (!first) out += ',';
        first = false;
        append_json_string(m.name(), out);
        out += ':';
        m.value.dump_to(out);
      }
      out += '}';
      return;
    }
  }
}

std::string Value::dump() const {
  std::string out;
  out.reserve(json_size());
  dump_to(out);
  return out;
}

namespace {

void dump_pretty_to(const Value& v, std::string& out, int indent) {
  auto newline = [&](int n) {
    out += '\n';
    out.append(static_cast<size_t>(n) * 2, ' ');
  };
  if (v.is_array() && v.size() > 0) {
    out += '[';
    bool first = true;
    for (const Value& x : v.items()) {
      if (!first) out += ',';
      first = false;
      newline(indent + 1);
      dump_pretty_to(x, out, indent + 1);
    }
    newline(indent);
    out += ']';
  } else if (v.is_object() && v.size() > 0) {
    out += '{';
    bool first = true;
    for (const Member& m : v.members()) {
      if (!first) out += ',';
      first = false;
      newline(indent + 1);
      append_json_string(m.name(), out);
      out += ": ";
      dump_pretty_to(m.value, out, indent + 1);
    }
    newline(indent);
    out += '}';
  } else {
    v.dump_to(out);
  }
}

}  // namespace

std::string Value::dump_pretty() const {
  std::string out;
  dump_pretty_to(*this, out, 0);
  return out;
}

bool Value::operator==(const Value& o) const noexcept {
  if (is_heap() && o.is_heap() && heap() == o.heap()) return true;
  if (is_number() && o.is_number()) {
    if (is_int() && o.is_int()) return as_int() == o.as_int();
    return as_double() == o.as_double();
  }
  Type t = type();
  if (t != o.type()) return false;
  switch (t) {
    case Type::kNull:
      return true;
    case Type::kBool:
      return as_bool() == o.as_bool();
    case Type::kString:
      return as_string() == o.as_string();
    case Type::kArray: {
      auto a = items(), b = o.items();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
      return true;
    }
    case Type::kObject: {
      if (size() != o.size()) return false;
      for (const Member& m : members()) {
        const Value* other = o.find(m.name());
        if (!other || *other != m.value) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

ObjectBuilder& ObjectBuilder::add(Value key, Value value) {
  members_.push_back(Member{std::move(key), std::move(value)});
  return *this;
}

bool ObjectBuilder::contains(std::string_view key) const {
  for (const Member& m : members_)
    if (m.name() == key) return true;
  return false;
}

ObjectBuilder& ObjectBuilder::set(Value key, Value value) {
  // Linear scan is fine for the small objects templates build; parse() dedupes with a
  // hash set for large ones before calling add().
  for (Member& m : members_) {
    if (m.name() == key.as_string()) {
      m.value = std::move(value);
      return *this;
    }
  }
  return add(std::move(key), std::move(value));
}

Value ObjectBuilder::build() && { return Value::object(std::move(members_)); }

}  // namespace sg::json
