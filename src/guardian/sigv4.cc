#include "guardian/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "json/timestamp.h"

namespace sg::guardian {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trim and collapse runs of spaces/tabs into one space.
std::string canonical_header_value(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string normalize(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(i, slash - i);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    i = slash + 1;
  }
  std::string out;
  for (std::string_view seg : segments) out.append("/").append(seg);
  const bool trailing = path.size() > 1 && path.back() == '/' && !segments.empty();
  if (out.empty() || trailing) out += '/';
  return out;
}

}  // namespace

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string uri_encode(std::string_view s, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string amz_date(int64_t time_ms) {
  // "2015-08-30T12:36:00.000Z" -> "20150830T123600Z"
  std::string iso = json::format_iso8601_ms(time_ms);
  std::string out;
  for (size_t i = 0; i < 19; ++i)
    if (iso[i] != '-' && iso[i] != ':') out += iso[i];
  out += 'Z';
  return out;
}

SignedRequest sign_request(const RequestToSign& request, const SigningParams& params) {
  SignedRequest out;
  const std::string date_time = amz_date(params.time_ms);
  const std::string date = date_time.substr(0, 8);

  // Canonical headers (values of repeated names joined in order).
  std::map<std::string, std::string> headers;
  auto add_header = [&](std::string_view name, std::string_view value) {
    std::string key = lower(name);
    std::string v = canonical_header_value(value);
    auto it = headers.find(key);
    if (it == headers.end()) {
      headers.emplace(std::move(key), std::move(v));
    } else {
      it->second.append(",").append(v);
    }
  };
  for (const auto& [name, value] : request.headers) add_header(name, value);
  if (!headers.count("x-amz-date")) {
    add_header("x-amz-date", date_time);
    out.headers_to_add.emplace_back("X-Amz-Date", date_time);
  }
  if (!params.credentials.session_token.empty() && !headers.count("x-amz-security-token")) {
    add_header("x-amz-security-token", params.credentials.session_token);
    out.headers_to_add.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  }

  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : request.query) query.emplace_back(uri_encode(k, true), uri_encode(v, true));
  std::sort(query.begin(), query.end());

  std::string& cr = out.canonical_request;
  cr.append(request.method).append("\n");
  cr.append(uri_encode(params.normalize_path ? normalize(request.path) : request.path, false)).append("\n");
  for (size_t i = 0; i < query.size(); ++i) {
    if (i) cr += '&';
    cr.append(query[i].first).append("=").append(query[i].second);
  }
  cr += '\n';
  std::string signed_headers;
  for (const auto& [name, value] : headers) {
    cr.append(name).append(":").append(value).append("\n");
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }
  cr.append("\n").append(signed_headers).append("\n").append(sha256_hex(request.payload));

  std::string scope = date;
  scope.append("/").append(params.region).append("/").append(params.service).append("/aws4_request");
  out.string_to_sign = "AWS4-HMAC-SHA256\n";
  out.string_to_sign.append(date_time).append("\n").append(scope).append("\n").append(sha256_hex(cr));

  std::string secret = "AWS4";
  secret.append(params.credentials.secret_access_key);
  std::string key = hmac_sha256(secret, date);
  key = hmac_sha256(key, params.region);
  key = hmac_sha256(key, params.service);
  key = hmac_sha256(key, "aws4_request");
  out.signature = hex(hmac_sha256(key, out.string_to_sign));

  out.authorization = "AWS4-HMAC-SHA256 Credential=";
  out.authorization.append(params.credentials.access_key_id).append("/").append(scope);
  out.authorization.append(", SignedHeaders=").append(signed_headers);
  out.authorization.append(", Signature=").append(out.signature);
  return out;
}

}  // namespace sg::guardian
