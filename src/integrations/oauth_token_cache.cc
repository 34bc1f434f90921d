#include "integrations/oauth_token_cache.h"

#include <chrono>
#include <cmath>

#include "integrations/http_task_client.h"
#include "integrations/url_encoding.h"
#include "json/parse.h"

namespace sg::integrations {

namespace {

constexpr const char* kConnectionError = "Events.ConnectionResource.InvalidConnectionState";
constexpr size_t kQuotedBodyMax = 200;
constexpr size_t kMaxTokenResponseBytes = 1 << 20;

std::string quote(std::string_view body) {
  if (body.empty()) return "(empty body)";
  std::string out(body.substr(0, kQuotedBodyMax));
  if (body.size() > kQuotedBodyMax) out += "...";
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    bool two = i + 1 < bytes.size();
    if (two) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += two ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

OAuthTokenCache::OAuthTokenCache(std::function<int64_t()> now_ms) : now_ms_(std::move(now_ms)) {}

int64_t OAuthTokenCache::now() const {
  if (now_ms_) return now_ms_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int OAuthTokenCache::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

void OAuthTokenCache::invalidate(const Connection& connection) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(connection.arn);
}

OAuthToken OAuthTokenCache::token(const Connection& connection) {
  int64_t t = now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(connection.arn);
    if (it != entries_.end() && t + kExpirySkewMs < it->second.expires_at_ms) {
      OAuthToken tok;
      tok.ok = true;
      tok.access_token = it->second.token;
      return tok;
    }
  }
  return fetch(connection, t);
}

OAuthToken OAuthTokenCache::fetch(const Connection& c, int64_t now_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++fetches_;
  }
  const OAuthSettings& o = c.oauth;
  std::string form = "grant_type=client_credentials";
  if (!o.scope.empty()) {
    form += "&scope=";
    form += percent_encode(o.scope);
  }
  HttpCall call;
  call.method = o.http_method;
  call.url = o.token_url;
  if (o.http_method == "GET") {
    call.url += o.token_url.find('?') == std::string::npos ? '?' : '&';
    call.url += form;
  } else {
    call.body = form;
    call.send_body = true;
    call.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }
  std::string credentials = o.client_id;
  credentials += ':';
  credentials += o.client_secret;
  call.headers.emplace_back("Authorization", "Basic " + base64_encode(credentials));
  call.headers.emplace_back("Accept", "application/json");
  for (const auto& h : c.headers) call.headers.push_back(h);
  call.timeout_ms = kRequestTimeoutMs;
  call.max_response_bytes = kMaxTokenResponseBytes;

  HttpReply reply = send_http(call);
  OAuthToken tok;
  tok.error = kConnectionError;
  std::string who = "the OAuth token request of connection '" + c.arn + "' to " + o.token_url;
  if (reply.kind != HttpReply::Kind::kResponse) {
    tok.cause = who + " failed: " +
                (reply.kind == HttpReply::Kind::kTimeout ? std::string("timed out") : reply.error);
    return tok;
  }
  if (!reply.ok_status()) {
    tok.cause = who + " was answered HTTP " + std::to_string(reply.status) + ": " + quote(reply.body);
    return tok;
  }
  auto doc = json::parse_json(reply.body);
  const json::Value* access = doc ? doc->find("access_token") : nullptr;
  if (!access || !access->is_string() || access->as_string().empty()) {
    tok.cause = who + " returned no access_token";
    return tok;
  }
  int64_t lifetime_ms = kDefaultLifetimeMs;
  if (const json::Value* exp = doc->find("expires_in")) {
    double seconds = -1;
    if (exp->is_number()) seconds = exp->as_double();
    if (exp->is_string()) seconds = std::atof(std::string(exp->as_string()).c_str());
    if (seconds >= 0 && std::isfinite(seconds)) lifetime_ms = static_cast<int64_t>(seconds * 1000);
  }
  tok.ok = true;
  tok.error.clear();
  tok.access_token = std::string(access->as_string());
  std::lock_guard<std::mutex> lock(mu_);
  entries_[c.arn] = Entry{tok.access_token, now_ms + lifetime_ms};
  return tok;
}

}  // namespace sg::integrations
