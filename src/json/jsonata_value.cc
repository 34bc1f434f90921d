#include "json/jsonata_value.h"

#include <pthread.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "json/jsonata_functions.h"
#include "json/jsonata_internal.h"
#include "json/utf8.h"

namespace sg::json::jsonata {

using detail::ArrayNode;
using detail::ObjectNode;

// ---- ObjectNode -------------------------------------------------------------------------

ptrdiff_t detail::ObjectNode::find(std::string_view key) const noexcept {
  if (!index.empty()) {
    auto it = index.find(key);
    return it == index.end() ? -1 : static_cast<ptrdiff_t>(it->second);
  }
  for (size_t i = 0; i < members.size(); ++i)
    if (members[i].first == key) return static_cast<ptrdiff_t>(i);
  return -1;
}

void detail::ObjectNode::rebuild_index() {
  index.clear();
  if (members.size() <= kIndexFrom) return;
  index.reserve(members.size());
  for (size_t i = 0; i < members.size(); ++i) index.emplace(members[i].first, i);
}

void detail::ObjectNode::set(std::string key, JValue value) {
  depth = std::max(depth, value_depth(value) + 1);
  ptrdiff_t at = find(key);
  if (at >= 0) {
    members[static_cast<size_t>(at)].second = std::move(value);
    return;
  }
  if (!index.empty()) index.emplace(key, members.size());
  members.emplace_back(std::move(key), std::move(value));
  if (index.empty() && members.size() > kIndexFrom) rebuild_index();
}

void detail::ObjectNode::erase(std::string_view key) {
  ptrdiff_t at = find(key);
  if (at < 0) return;
  members.erase(members.begin() + at);
  rebuild_index();
}

// ---- construction -----------------------------------------------------------------------

JValue JValue::null() {
  JValue v;
  v.kind_ = Kind::kNull;
  return v;
}

JValue JValue::boolean(bool b) {
  JValue v;
  v.kind_ = Kind::kBool;
  v.num_ = b ? 1 : 0;
  return v;
}

JValue JValue::number(double d) {
  JValue v;
  v.kind_ = Kind::kNumber;
  v.num_ = d;
  return v;
}

JValue JValue::string(std::string_view s) {
  JValue v;
  v.kind_ = Kind::kString;
  v.json_ = Value::string(s);
  return v;
}

JValue JValue::string(std::string&& s) {
  JValue v;
  v.kind_ = Kind::kString;
  v.json_ = Value::string(std::move(s));
  return v;
}

JValue JValue::from_node(Kind kind, std::shared_ptr<const detail::JNode> node, uint8_t flags) {
  JValue v;
  v.kind_ = kind;
  v.flags_ = flags;
  v.node_ = std::move(node);
  return v;
}

JValue make_array(std::vector<JValue> items, uint8_t flags) {
  auto node = std::make_shared<ArrayNode>();
  int depth = 1;
  for (const JValue& item : items) depth = std::max(depth, value_depth(item) + 1);
  node->depth = depth;
  node->items = std::move(items);
  return JValue::from_node(JValue::Kind::kArray, std::move(node), flags);
}

JValue make_range(double start, size_t size, uint8_t flags) {
  auto node = std::make_shared<ArrayNode>();
  node->is_range = true;
  node->range_start = start;
  node->range_size = size;
  return JValue::from_node(JValue::Kind::kArray, std::move(node), flags);
}

JValue JValue::array(std::vector<JValue> items, uint8_t flags) { return make_array(std::move(items), flags); }

std::shared_ptr<ObjectNode> new_object_node() { return std::make_shared<ObjectNode>(); }

JValue object_from_node(std::shared_ptr<ObjectNode> node) {
  return JValue::from_node(JValue::Kind::kObject, std::move(node));
}

JValue JValue::object(std::vector<std::pair<std::string, JValue>> members) {
  auto node = new_object_node();
  node->members.reserve(members.size());
  for (auto& [k, v] : members) node->set(std::move(k), std::move(v));
  return object_from_node(std::move(node));
}

JValue JValue::from_json(const Value& v) {
  JValue out;
  switch (v.type()) {
    case Type::kNull:
      out.kind_ = Kind::kNull;
      break;
    case Type::kBool:
      out.kind_ = Kind::kBool;
      out.num_ = v.as_bool() ? 1 : 0;
      break;
    case Type::kInt:
    case Type::kDouble:
      out.kind_ = Kind::kNumber;
      out.num_ = v.as_double();
      break;
    case Type::kString:
      out.kind_ = Kind::kString;
      out.json_ = v;
      break;
    case Type::kArray:
      out.kind_ = Kind::kArray;
      out.json_backed_ = true;
      out.json_ = v;
      break;
    case Type::kObject:
      out.kind_ = Kind::kObject;
      out.json_backed_ = true;
      out.json_ = v;
      break;
  }
  return out;
}

// ---- access -----------------------------------------------------------------------------

const ArrayNode* array_node(const JValue& v) noexcept {
  if (!v.is_array() || v.json_backing() != nullptr) return nullptr;
  return static_cast<const ArrayNode*>(v.node());
}

const ObjectNode* object_node(const JValue& v) noexcept {
  if (!v.is_object() || v.json_backing() != nullptr) return nullptr;
  return static_cast<const ObjectNode*>(v.node());
}

int value_depth(const JValue& v) noexcept {
  if (const ArrayNode* a = array_node(v)) return a->depth;
  if (const ObjectNode* o = object_node(v)) return o->depth;
  return 1;
}

size_t JValue::size() const noexcept {
  if (kind_ != Kind::kArray) return 0;
  if (json_backed_) return json_.size();
  return static_cast<const ArrayNode*>(node_.get())->size();
}

JValue JValue::at(size_t i) const {
  if (json_backed_) return from_json(json_.items()[i]);
  const auto* a = static_cast<const ArrayNode*>(node_.get());
  if (a->is_range) return number(a->range_start + static_cast<double>(i));
  return a->items[i];
}

std::vector<JValue> JValue::items() const {
  std::vector<JValue> out;
  if (kind_ != Kind::kArray) return out;
  if (!json_backed_) {
    const auto* a = static_cast<const ArrayNode*>(node_.get());
    if (!a->is_range) return a->items;
  }
  size_t n = size();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(at(i));
  return out;
}

size_t JValue::member_count() const noexcept {
  if (kind_ != Kind::kObject) return 0;
  if (json_backed_) return json_.size();
  return static_cast<const ObjectNode*>(node_.get())->members.size();
}

std::string_view JValue::key_at(size_t i) const noexcept {
  if (json_backed_) return json_.members()[i].name();
  return static_cast<const ObjectNode*>(node_.get())->members[i].first;
}

JValue JValue::value_at(size_t i) const {
  if (json_backed_) return from_json(json_.members()[i].value);
  return static_cast<const ObjectNode*>(node_.get())->members[i].second;
}

JValue JValue::get(std::string_view key) const {
  if (kind_ != Kind::kObject) return JValue();
  if (json_backed_) {
    const Value* v = json_.find(key);
    return v ? from_json(*v) : JValue();
  }
  const auto* o = static_cast<const ObjectNode*>(node_.get());
  ptrdiff_t at = o->find(key);
  return at < 0 ? JValue() : o->members[static_cast<size_t>(at)].second;
}

bool JValue::has(std::string_view key) const noexcept {
  if (kind_ != Kind::kObject) return false;
  if (json_backed_) return json_.find(key) != nullptr;
  return static_cast<const ObjectNode*>(node_.get())->find(key) >= 0;
}

// ---- conversion to JSON -----------------------------------------------------------------

namespace {

Value number_to_json(double d) {
  if (!std::isfinite(d)) return Value();
  if (d == std::floor(d) && std::fabs(d) < 9.2e18) return Value::integer(static_cast<int64_t>(d));
  return Value::number(d);
}

// Depth is bounded by kMaxValueDepth (plus the JSON input's own bound), so recursion is safe.
std::optional<Value> to_json_impl(const JValue& v, bool* had_function) {
  switch (v.kind()) {
    case JValue::Kind::kUndefined:
      return std::nullopt;
    case JValue::Kind::kNull:
      return Value();
    case JValue::Kind::kBool:
      return Value::boolean(v.as_bool());
    case JValue::Kind::kNumber:
      return number_to_json(v.as_number());
    case JValue::Kind::kString:
      return v.string_json();
    case JValue::Kind::kFunction:
      *had_function = true;
      return std::nullopt;
    case JValue::Kind::kArray: {
      if (const Value* j = v.json_backing()) return *j;
      size_t n = v.size();
      std::vector<Value> items;
      items.reserve(n);
      const ArrayNode* node = array_node(v);
      for (size_t i = 0; i < n; ++i) {
        // Ranges compute their items; other arrays are read in place.
        std::optional<Value> item = node && !node->is_range ? to_json_impl(node->items[i], had_function)
                                                            : to_json_impl(v.at(i), had_function);
        items.push_back(item ? std::move(*item) : Value());
      }
      return Value::array(std::move(items));
    }
    case JValue::Kind::kObject: {
      if (const Value* j = v.json_backing()) return *j;
      const ObjectNode* node = object_node(v);
      ObjectBuilder b(node->members.size());
      for (const auto& [key, value] : node->members) {
        std::optional<Value> item = to_json_impl(value, had_function);
        if (item) b.add(key, std::move(*item));
      }
      return std::move(b).build();
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Value> JValue::to_json() const {
  bool had_function = false;
  return to_json_impl(*this, &had_function);
}

bool JValue::contains_function() const {
  bool had_function = false;
  (void)to_json_impl(*this, &had_function);
  return had_function;
}

// ---- equality, truthiness ---------------------------------------------------------------

bool deep_equal(const JValue& a, const JValue& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case JValue::Kind::kUndefined:
    case JValue::Kind::kNull:
      return true;
    case JValue::Kind::kBool:
      return a.as_bool() == b.as_bool();
    case JValue::Kind::kNumber:
      return a.as_number() == b.as_number();
    case JValue::Kind::kString:
      return a.as_string() == b.as_string();
    case JValue::Kind::kFunction:
      return a.node() == b.node();
    case JValue::Kind::kArray: {
      if (a.json_backing() && b.json_backing()) return *a.json_backing() == *b.json_backing();
      size_t n = a.size();
      if (n != b.size()) return false;
      for (size_t i = 0; i < n; ++i)
        if (!deep_equal(a.at(i), b.at(i))) return false;
      return true;
    }
    case JValue::Kind::kObject: {
      if (a.json_backing() && b.json_backing()) return *a.json_backing() == *b.json_backing();
      size_t n = a.member_count();
      if (n != b.member_count()) return false;
      for (size_t i = 0; i < n; ++i) {
        if (!b.has(a.key_at(i))) return false;
        if (!deep_equal(a.value_at(i), b.get(a.key_at(i)))) return false;
      }
      return true;
    }
  }
  return false;
}

bool truthy(const JValue& v) {
  switch (v.kind()) {
    case JValue::Kind::kUndefined:
    case JValue::Kind::kNull:
    case JValue::Kind::kFunction:
      return false;
    case JValue::Kind::kBool:
      return v.as_bool();
    case JValue::Kind::kNumber:
      return v.as_number() != 0 && !std::isnan(v.as_number());
    case JValue::Kind::kString:
      return !v.as_string().empty();
    case JValue::Kind::kObject:
      return v.member_count() > 0;
    case JValue::Kind::kArray: {
      size_t n = v.size();
      if (n == 1) return truthy(v.at(0));
      for (size_t i = 0; i < n; ++i)
        if (truthy(v.at(i))) return true;
      return false;
    }
  }
  return false;
}

// ---- numbers and strings as JavaScript prints them --------------------------------------

std::string js_number_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  char buf[64];
  // Shortest round-trip digits in scientific form: d[.ddd]e[+-]x
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  std::string out;
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  size_t epos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, epos))
    if (c != '.') digits.push_back(c);
  int exp = std::atoi(std::string(sci.substr(epos + 1)).c_str());
  int k = static_cast<int>(digits.size());
  int n = exp + 1;  // position of the decimal point
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

namespace {

// Number(d.toPrecision(15)), which the reference's $string applies to every number that
// is not an integer (jsonata 2.2 keeps integers such as 5890840712243076 exact).
double to_precision_15(double d) {
  if (!std::isfinite(d) || d == std::floor(d)) return d;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14e", d);
  return std::strtod(buf, nullptr);
}

void append_js_string(std::string_view s, std::string& out) {
  static const char* kHex = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (const char* e = json_short_escape(c)) {
      out.append(e);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

// JavaScript orders an object's integer-like keys ("0", "17") first, ascending.
bool is_array_index_key(std::string_view k) {
  if (k.empty() || k.size() > 10) return false;
  if (k.size() > 1 && k[0] == '0') return false;
  for (char c : k)
    if (c < '0' || c > '9') return false;
  return std::strtoull(std::string(k).c_str(), nullptr, 10) < 4294967295ULL;
}

std::vector<size_t> js_key_order(const JValue& o) {
  size_t n = o.member_count();
  std::vector<size_t> order;
  order.reserve(n);
  std::vector<std::pair<uint64_t, size_t>> numeric;
  for (size_t i = 0; i < n; ++i) {
    std::string_view k = o.key_at(i);
    if (is_array_index_key(k)) numeric.emplace_back(std::strtoull(std::string(k).c_str(), nullptr, 10), i);
  }
  if (numeric.empty()) {
    for (size_t i = 0; i < n; ++i) order.push_back(i);
    return order;
  }
  std::sort(numeric.begin(), numeric.end());
  for (auto& p : numeric) order.push_back(p.second);
  for (size_t i = 0; i < n; ++i)
    if (!is_array_index_key(o.key_at(i))) order.push_back(i);
  return order;
}

void newline_indent(bool pretty, int level, std::string& out) {
  if (!pretty) return;
  out.push_back('\n');
  out.append(static_cast<size_t>(level) * 2, ' ');
}

// JSON.stringify with jsonata's replacer (numbers to 15 digits, functions as "").
// Returns false for undefined (a member that is then left out).
bool stringify(const JValue& v, bool pretty, int level, std::string& out, bool* bad_number) {
  switch (v.kind()) {
    case JValue::Kind::kUndefined:
      return false;
    case JValue::Kind::kNull:
      out.append("null");
      return true;
    case JValue::Kind::kBool:
      out.append(v.as_bool() ? "true" : "false");
      return true;
    case JValue::Kind::kNumber: {
      double d = to_precision_15(v.as_number());
      if (!std::isfinite(d)) {
        *bad_number = true;
        out.append("null");
      } else {
        out.append(js_number_to_string(d));
      }
      return true;
    }
    case JValue::Kind::kString:
      append_js_string(v.as_string(), out);
      return true;
    case JValue::Kind::kFunction:
      out.append("\"\"");
      return true;
    case JValue::Kind::kArray: {
      size_t n = v.size();
      if (n == 0) {
        out.append("[]");
        return true;
      }
      out.push_back('[');
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) out.push_back(',');
        newline_indent(pretty, level + 1, out);
        if (!stringify(v.at(i), pretty, level + 1, out, bad_number)) out.append("null");
      }
      newline_indent(pretty, level, out);
      out.push_back(']');
      return true;
    }
    case JValue::Kind::kObject: {
      std::vector<size_t> order = js_key_order(v);
      bool any = false;
      out.push_back('{');
      for (size_t i : order) {
        JValue member = v.value_at(i);
        if (member.is_undefined()) continue;
        if (any) out.push_back(',');
        any = true;
        newline_indent(pretty, level + 1, out);
        append_js_string(v.key_at(i), out);
        out.append(pretty ? ": " : ":");
        stringify(member, pretty, level + 1, out, bad_number);
      }
      if (any) newline_indent(pretty, level, out);
      out.push_back('}');
      return true;
    }
  }
  return false;
}

}  // namespace

bool to_js_string(const JValue& v, bool prettify, std::string* out, Error* error) {
  out->clear();
  switch (v.kind()) {
    case JValue::Kind::kUndefined:
      return true;
    case JValue::Kind::kString:
      out->assign(v.as_string());
      return true;
    case JValue::Kind::kFunction:
      return true;
    case JValue::Kind::kNumber:
      if (!std::isfinite(v.as_number())) {
        *error = make_error("D3001", {.value = v});
        return false;
      }
      break;
    default:
      break;
  }
  JValue target = v;
  if (v.is_array() && v.has_flag(JValue::kOuterWrapper) && v.size() > 0) target = v.at(0);
  bool bad_number = false;
  stringify(target, prettify, 0, *out, &bad_number);
  if (bad_number) {
    // The reference's replacer calls isNumeric(), which rejects infinities.
    *error = make_error("D1001", {.value = JValue::null()});
    out->clear();
    return false;
  }
  return true;
}

// ---- the C++ stack ----------------------------------------------------------------------

namespace {

// The lowest address of the calling thread's stack (0 when unknown). Asking pthreads
// reads /proc/self/maps for the main thread, so the answer is kept per thread.
uintptr_t thread_stack_low() {
  thread_local uintptr_t low = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    void* addr = nullptr;
    size_t size = 0;
    int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    return rc == 0 ? reinterpret_cast<uintptr_t>(addr) : uintptr_t{0};
  }();
  return low;
}

}  // namespace

// The usable stack of the calling thread: how far below `base` evaluation may go.
size_t thread_stack_budget(uintptr_t base) {
  constexpr size_t kFallback = 512 * 1024;
  constexpr size_t kMargin = 96 * 1024;
  uintptr_t low = thread_stack_low();
  if (low == 0) return kFallback;
  if (base <= low + kMargin) return 0;
  size_t avail = base - low - kMargin;
  return std::min<size_t>(avail, size_t{256} << 20);
}

// ---- UTF-8 / UTF-16 counting -------------------------------------------------------------

size_t utf8_codepoint_count(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

size_t utf16_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u & 0xC0) != 0x80) n += (u >= 0xF0) ? 2 : 1;
  }
  return n;
}

size_t utf16_offset(std::string_view s, size_t byte_offset) {
  return utf16_length(s.substr(0, std::min(byte_offset, s.size())));
}

}  // namespace sg::json::jsonata
