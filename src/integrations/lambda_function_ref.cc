#include "integrations/lambda_function_ref.h"

#include <array>

namespace sg::integrations {

namespace {

constexpr size_t kMaxNameLength = 140;
constexpr size_t kMaxQualifierLength = 128;
constexpr size_t kMaxParts = 8;

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameLength) return false;
  for (char c : s)
    if (!name_char(c)) return false;
  return true;
}

bool valid_qualifier(std::string_view s) {
  if (s == "$LATEST") return true;
  if (s.empty() || s.size() > kMaxQualifierLength) return false;
  for (char c : s)
    if (!name_char(c) || c == '.') return false;
  return true;
}

bool valid_account(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool valid_region(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

// Splits on ':' into at most kMaxParts parts; returns 0 when there are more.
size_t split(std::string_view text, std::array<std::string_view, kMaxParts>& parts) {
  size_t n = 0;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    if (n == kMaxParts) return 0;
    if (colon == std::string_view::npos) {
      parts[n++] = text.substr(start);
      return n;
    }
    parts[n++] = text.substr(start, colon - start);
    start = colon + 1;
  }
}

// name[:qualifier] from parts[i..n).
std::optional<FunctionRef> finish(FunctionRef ref, const std::array<std::string_view, kMaxParts>& parts,
                                  size_t i, size_t n) {
  if (i >= n || n - i > 2) return std::nullopt;
  ref.name = parts[i];
  if (!valid_name(ref.name)) return std::nullopt;
  if (n - i == 2) {
    ref.qualifier = parts[i + 1];
    if (!valid_qualifier(ref.qualifier)) return std::nullopt;
  }
  return ref;
}

}  // namespace

std::optional<FunctionRef> parse_function_ref(std::string_view text) {
  std::array<std::string_view, kMaxParts> parts;
  size_t n = split(text, parts);
  if (n == 0) return std::nullopt;
  FunctionRef ref;
  if (parts[0] == "arn") {
    // arn:partition:lambda:region:account:function:name[:qualifier]
    if (n < 7 || !parts[1].starts_with("aws") || parts[2] != "lambda" || parts[5] != "function")
      return std::nullopt;
    ref.partition = parts[1];
    ref.region = parts[3];
    ref.account = parts[4];
    if (!valid_region(ref.region) || !valid_account(ref.account)) return std::nullopt;
    return finish(ref, parts, 6, n);
  }
  if (n >= 3 && parts[1] == "function") {  // account:function:name[:qualifier]
    ref.account = parts[0];
    if (!valid_account(ref.account)) return std::nullopt;
    return finish(ref, parts, 2, n);
  }
  if (n >= 4 && parts[2] == "function") {  // region:account:function:name[:qualifier]
    ref.region = parts[0];
    ref.account = parts[1];
    if (!valid_region(ref.region) || !valid_account(ref.account)) return std::nullopt;
    return finish(ref, parts, 3, n);
  }
  if (n >= 2 && parts[0] == "function") return finish(ref, parts, 1, n);  // function:name[:qualifier]
  return finish(ref, parts, 0, n);                                        // name[:qualifier]
}

bool is_lambda_function_arn(std::string_view resource) {
  if (!resource.starts_with("arn:")) return false;
  auto ref = parse_function_ref(resource);
  return ref.has_value() && !ref->partition.empty();
}

std::string qualified_function_arn(const FunctionRef& ref, std::string_view default_region,
                                   std::string_view default_account) {
  std::string out = "arn:";
  out += ref.partition.empty() ? std::string_view("aws") : ref.partition;
  out += ":lambda:";
  out += ref.region.empty() ? default_region : ref.region;
  out += ':';
  out += ref.account.empty() ? default_account : ref.account;
  out += ":function:";
  out += ref.name;
  out += ':';
  out += ref.qualifier.empty() ? std::string_view("$LATEST") : ref.qualifier;
  return out;
}

}  // namespace sg::integrations
