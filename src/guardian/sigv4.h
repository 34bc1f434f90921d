// AWS Signature Version 4 request signing (used to watch remote Step Functions accounts).
//
// Contract
// - sign() computes the canonical request, the string to sign, the signature and the
//   Authorization header for a request, exactly as AWS specifies (checked against AWS's
//   published SigV4 test suite):
//     * `path` is the *unencoded* path; with `normalize_path` (every service but S3) dot
//       segments and repeated slashes are removed; each segment is URI-encoded (RFC 3986
//       unreserved characters kept).
//     * `query` holds unencoded name/value pairs; they are encoded and sorted by name, then
//       value.
//     * header names are lower-cased, values trimmed with inner runs of spaces collapsed,
//       repeated headers joined with ',' in order; every given header is signed.
//     * X-Amz-Date (from `time_ms`) is added when the request has none, and
//       X-Amz-Security-Token when the credentials carry a session token; both are signed and
//       returned in `headers_to_add` for the caller to send.
// - Pure (time is a parameter); thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sg::guardian {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" when none
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RequestToSign {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;  // must include Host
  std::string payload;
};

struct SigningParams {
  AwsCredentials credentials;
  std::string region;
  std::string service;
  int64_t time_ms = 0;
  bool normalize_path = true;
};

struct SignedRequest {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // value of the Authorization header
  HeaderList headers_to_add;  // X-Amz-Date / X-Amz-Security-Token when added
};

SignedRequest sign_request(const RequestToSign& request, const SigningParams& params);

// Helpers (exposed for tests and callers).
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw bytes
std::string hex(std::string_view bytes);
std::string uri_encode(std::string_view s, bool encode_slash);
std::string amz_date(int64_t time_ms);  // 20150830T123600Z

}  // namespace sg::guardian
