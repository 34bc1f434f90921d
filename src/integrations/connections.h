// Connections: the credentials behind the HTTP Task's Authentication.ConnectionArn, as the
// `connections:` section of the config file gives them (on AWS they live in an EventBridge
// connection; here in the config, keyed by the same ARN, so definitions run unchanged).
//
//   connections:
//     arn:aws:events:us-east-1:123456789012:connection/stripe/1a2b:
//       api_key: {name: Authorization, value: "Bearer sk_test_..."}
//     arn:aws:events:us-east-1:123456789012:connection/internal/3c4d:
//       basic: {username: svc, password: s3cret}
//     arn:aws:events:us-east-1:123456789012:connection/crm/5e6f:
//       oauth:
//         token_url: https://auth.example.com/oauth2/token
//         client_id: my-client
//         client_secret: my-secret
//         scope: "read write"          # optional
//         http_method: POST            # optional: GET, POST (default) or PUT
//       headers: {X-Tenant: acme}      # optional, any kind: sent with every request
//       query_parameters: {v: "2"}     # optional
//       body_parameters: {source: sf}  # optional: merged into object request bodies
//
// Exactly one of api_key, basic, oauth per connection. Values are scalars (YAML numbers are
// taken as their text). Unknown keys, a missing or empty required value, or a connection
// given twice are errors (code "INVALID_CONFIG") whose message names the file, line,
// column and key path, e.g. "stepguard.yaml:7:9: connections.<arn>.basic.password must be
// a non-empty string". Messages never quote a secret's value.
//
// parse_connections() is pure; a Connections value is immutable and thread-safe to read.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sg::integrations {

struct OAuthSettings {
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string scope;  // empty: not sent
  std::string http_method = "POST";
};

struct Connection {
  enum class Kind { kApiKey, kBasic, kOAuth };
  std::string arn;
  Kind kind = Kind::kApiKey;
  std::string api_key_name, api_key_value;                            // kApiKey
  std::string username, password;                                     // kBasic
  OAuthSettings oauth;                                                // kOAuth
  std::vector<std::pair<std::string, std::string>> headers;           // extra, sent as given
  std::vector<std::pair<std::string, std::string>> query_parameters;  // extra
  std::vector<std::pair<std::string, std::string>> body_parameters;   // extra
  std::string origin;  // "file:line" where it was configured, for messages

  // "api_key", "basic" or "oauth".
  std::string_view kind_name() const;
};

class Connections {
 public:
  Connections() = default;
  explicit Connections(std::map<std::string, Connection, std::less<>> by_arn) : by_arn_(std::move(by_arn)) {}

  // The connection configured under exactly this ARN, or nullptr.
  const Connection* find(std::string_view arn) const {
    auto it = by_arn_.find(arn);
    return it == by_arn_.end() ? nullptr : &it->second;
  }
  size_t size() const { return by_arn_.size(); }
  bool empty() const { return by_arn_.empty(); }
  const std::map<std::string, Connection, std::less<>>& all() const { return by_arn_; }

 private:
  std::map<std::string, Connection, std::less<>> by_arn_;
};

// Reads the value of the `connections:` key (a mapping; null or undefined gives an empty
// set). `file` names the config file in messages.
Result<Connections> parse_connections(const YAML::Node& node, const std::string& file);

}  // namespace sg::integrations
