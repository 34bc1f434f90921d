#include "api/pagination.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "api/api_error_messages.h"
#include "json/parse.h"
#include "json/value.h"

namespace sg::api {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// Tokens issued "in the future" by more than this (a clock stepped back) are refused too.
constexpr int64_t kClockSkewMs = 5 * 60 * 1000;

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(n >> s) & 63]);
  }
  size_t rest = in.size() - i;
  if (rest) {
    uint32_t n = uint8_t(in[i]) << 16;
    if (rest == 2) n |= uint8_t(in[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4) return std::nullopt;
  std::array<int, 256> value;
  value.fill(-1);
  for (size_t i = 0; i < kAlphabet.size(); ++i) value[uint8_t(kAlphabet[i])] = int(i);
  size_t pad = in.ends_with("==") ? 2 : in.ends_with('=') ? 1 : 0;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 4) {
    uint32_t n = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = in[i + j];
      bool padding = c == '=' && i + 4 == in.size() && j >= 4 - pad;
      int v = padding ? 0 : value[uint8_t(c)];
      if (v < 0) return std::nullopt;
      n = (n << 6) | uint32_t(v);
    }
    out.push_back(char(n >> 16));
    if (!(i + 4 == in.size() && pad == 2)) out.push_back(char((n >> 8) & 0xFF));
    if (!(i + 4 == in.size() && pad >= 1)) out.push_back(char(n & 0xFF));
  }
  return out;
}

// FNV-1a: tokens carry a hash of the listing so they stay short whatever the filters.
std::string listing_hash(std::string_view listing) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : listing) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

size_t page_size(std::optional<int64_t> max_results) {
  if (!max_results || *max_results <= 0) return kDefaultPageSize;
  return static_cast<size_t>(std::min(*max_results, kMaxPageSize));
}

std::string encode_page_token(std::string_view listing, std::string_view after_key, int64_t now_ms) {
  json::ObjectBuilder b(3);
  b.add("l", json::Value::string(listing_hash(listing)));
  b.add("k", json::Value::string(after_key));
  b.add("t", json::Value::integer(now_ms));
  return base64_encode(std::move(b).build().dump());
}

ApiOr<std::string> decode_page_token(std::string_view token, std::string_view listing, int64_t now_ms) {
  std::optional<std::string> text = base64_decode(token);
  if (!text) return invalid_token();
  Result<json::Value> doc = json::parse_json(*text);
  if (!doc.ok() || !doc->is_object()) return invalid_token();
  const json::Value* l = doc->find("l");
  const json::Value* k = doc->find("k");
  const json::Value* t = doc->find("t");
  if (!l || !k || !t || !l->is_string() || !k->is_string() || !t->is_int()) return invalid_token();
  if (l->as_string() != listing_hash(listing)) return invalid_token();
  int64_t issued = t->as_int();
  if (now_ms - issued > kPageTokenLifetimeMs || issued - now_ms > kClockSkewMs) return invalid_token();
  return std::string(k->as_string());
}

ApiOr<PageRequest> page_request(std::optional<int64_t> max_results,
                                const std::optional<std::string>& next_token, std::string_view listing,
                                int64_t now_ms) {
  PageRequest request{page_size(max_results), std::nullopt};
  if (next_token) {
    ApiOr<std::string> after = decode_page_token(*next_token, listing, now_ms);
    if (!after.ok()) return std::move(after).error();
    request.after = std::move(after).value();
  }
  return request;
}

PageSlice select_page(std::span<const std::string> keys, const PageRequest& request) {
  PageSlice slice;
  if (request.after) slice.begin = std::upper_bound(keys.begin(), keys.end(), *request.after) - keys.begin();
  slice.end = std::min(keys.size(), slice.begin + request.limit);
  slice.more = slice.end < keys.size();
  return slice;
}

}  // namespace sg::api
