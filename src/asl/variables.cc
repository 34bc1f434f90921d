#include "asl/variables.h"

#include <locale.h>
#include <wctype.h>

namespace sg::asl {

using json::Value;

const Value* VariableScope::find_own(std::string_view name) const {
  for (const auto& [n, v] : vars_)
    if (n == name) return &v;
  return nullptr;
}

const Value* VariableScope::find(std::string_view name) const {
  for (const VariableScope* s = this; s; s = s->parent_)
    if (const Value* v = s->find_own(name)) return v;
  return nullptr;
}

int64_t VariableScope::set(std::string_view name, Value value) {
  int64_t delta = static_cast<int64_t>(value.json_size());
  for (auto& [n, v] : vars_) {
    if (n != name) continue;
    delta -= static_cast<int64_t>(v.json_size());
    v = std::move(value);
    bytes_ = static_cast<size_t>(static_cast<int64_t>(bytes_) + delta);
    return delta;
  }
  vars_.emplace_back(std::string(name), std::move(value));
  bytes_ = static_cast<size_t>(static_cast<int64_t>(bytes_) + delta);
  return delta;
}

int64_t VariableScope::assign_all(const Value& assigned) {
  int64_t delta = 0;
  if (!assigned.is_object()) return 0;
  for (const json::Member& m : assigned.members()) delta += set(m.name(), m.value);
  return delta;
}

Value VariableScope::visible() const {
  json::ObjectBuilder b;
  bool any = false;
  for_each_visible([&](const std::string& name, const Value& v) {
    b.add(name, v);
    any = true;
  });
  return any ? std::move(b).build() : Value();
}

namespace {

// Decodes one UTF-8 code point at s[i] (advancing i); invalid bytes give U+FFFD.
char32_t next_code_point(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  i += len;
  return cp;
}

// Unicode letters beyond ASCII through glibc's C.UTF-8 tables (its "alpha" class follows
// the Unicode Alphabetic property: letters, letter numbers and the marks words are made of).
locale_t utf8_locale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

bool id_start(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  locale_t loc = utf8_locale();
  return loc && c != 0xFFFD && iswalpha_l(static_cast<wint_t>(c), loc);
}

bool id_continue(char32_t c) {
  if (c < 0x80) return id_start(c) || (c >= '0' && c <= '9') || c == '_';
  locale_t loc = utf8_locale();
  return loc && c != 0xFFFD &&
         (iswalpha_l(static_cast<wint_t>(c), loc) || iswdigit_l(static_cast<wint_t>(c), loc));
}

}  // namespace

bool is_valid_variable_name(std::string_view name) {
  if (name.empty() || name == "states") return false;
  size_t i = 0, count = 0;
  while (i < name.size()) {
    char32_t c = next_code_point(name, i);
    if (count == 0 ? !id_start(c) : !id_continue(c)) return false;
    if (++count > kMaxVariableNameLength) return false;
  }
  return true;
}

std::optional<StatesError> check_assignment_sizes(const Value& assigned) {
  if (!assigned.is_object()) return std::nullopt;
  size_t total = 0;
  for (const json::Member& m : assigned.members()) {
    size_t n = m.value.json_size();
    if (n > kMaxVariableBytes) {
      std::string cause("The value assigned to the variable '");
      cause.append(m.name()).append("' has a size exceeding the maximum number of bytes service limit (");
      cause.append(std::to_string(kMaxVariableBytes)).append(" bytes).");
      return StatesError::make(std::string(errors::kDataLimitExceeded), std::move(cause));
    }
    total += n;
  }
  if (total > kMaxAssignmentBytes) {
    std::string cause(
        "The values of the Assign field have a combined size exceeding the maximum number of "
        "bytes service limit (");
    cause.append(std::to_string(kMaxAssignmentBytes)).append(" bytes).");
    return StatesError::make(std::string(errors::kDataLimitExceeded), std::move(cause));
  }
  return std::nullopt;
}

StatesError execution_variables_too_big() {
  std::string cause(
      "The variables of the execution have a combined size exceeding the maximum number of bytes "
      "service limit (");
  cause.append(std::to_string(kMaxExecutionVariableBytes)).append(" bytes).");
  return StatesError::make(std::string(errors::kDataLimitExceeded), std::move(cause));
}

}  // namespace sg::asl
