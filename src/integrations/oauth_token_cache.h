// OAuthTokenCache: access tokens for `oauth` connections (OAuth 2.0 client-credentials
// grant, RFC 6749 section 4.4), fetched on first use and reused until they expire, as
// EventBridge does for a connection.
//
// Token request: OAuthSettings::http_method (POST by default) to token_url with
//   Authorization: Basic base64(client_id:client_secret)
//   Content-Type: application/x-www-form-urlencoded
//   body grant_type=client_credentials[&scope=...]  (for GET: the same as a query string)
// plus the connection's extra headers. The answer must be a 2xx JSON object with a string
// "access_token"; "expires_in" (seconds, number or numeric string) sets the expiry. A
// token without expires_in is kept for kDefaultLifetimeMs. A token is used until
// kExpirySkewMs before it expires, then fetched again. invalidate() forgets a token (the
// HTTP Task does that on a 401/407 answer, then fetches a new one once).
//
// Errors (error name, cause) never quote the secret, the token or the token endpoint's
// body beyond its first 200 bytes. Thread-safe: one mutex around the cache; concurrent
// first uses may fetch twice (the later token wins), which is harmless.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "integrations/connections.h"

namespace sg::integrations {

struct OAuthToken {
  bool ok = false;
  std::string access_token;  // when ok
  std::string error;         // when !ok: the task error name
  std::string cause;         // when !ok
};

class OAuthTokenCache {
 public:
  static constexpr int64_t kDefaultLifetimeMs = 3600 * 1000;
  static constexpr int64_t kExpirySkewMs = 30 * 1000;
  static constexpr int64_t kRequestTimeoutMs = 30 * 1000;

  // now_ms: the clock deciding expiry (tests inject a virtual one); null: system clock.
  explicit OAuthTokenCache(std::function<int64_t()> now_ms = nullptr);

  OAuthToken token(const Connection& connection);
  void invalidate(const Connection& connection);

  // Token requests made so far (tests check caching with it).
  int fetches() const;

 private:
  struct Entry {
    std::string token;
    int64_t expires_at_ms = 0;
  };
  OAuthToken fetch(const Connection& connection, int64_t now);
  int64_t now() const;

  std::function<int64_t()> now_ms_;
  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;  // by connection ARN; guarded by mu_
  int fetches_ = 0;                                    // guarded by mu_
};

// Standard base64 (with padding) of bytes.
std::string base64_encode(std::string_view bytes);

}  // namespace sg::integrations
