#include "integrations/connections.h"

#include <set>

#include "integrations/connections_yaml_reader.h"

namespace sg::integrations {

namespace {

using config_yaml::error_at;
using config_yaml::node_kind;
using config_yaml::nonempty_scalar;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// arn:PARTITION:events:REGION:ACCOUNT:connection/NAME[/ID]
bool looks_like_connection_arn(std::string_view arn) {
  if (!arn.starts_with("arn:")) return false;
  size_t colons = 0, pos = 0;
  size_t parts[6] = {};
  for (size_t i = 0; i < arn.size() && colons < 5; ++i) {
    if (arn[i] == ':') parts[++colons] = i + 1;
  }
  if (colons < 5) return false;
  pos = parts[2];
  std::string_view service = arn.substr(pos, parts[3] - pos - 1);
  std::string_view resource = arn.substr(parts[5]);
  return service == "events" && resource.starts_with("connection/") && resource.size() > 11;
}

class Parser {
 public:
  explicit Parser(const std::string& file) : file_(file) {}

  Result<Connections> parse(const YAML::Node& node) {
    std::map<std::string, Connection, std::less<>> out;
    if (!node.IsDefined() || node.IsNull()) return Connections(std::move(out));
    if (!node.IsMap()) {
      return error_at(
          file_, node,
          "connections must be a mapping of connection ARNs, got " + std::string(node_kind(node)));
    }
    for (const auto& kv : node) {
      const std::string* arn = nonempty_scalar(kv.first);
      if (!arn) return error_at(file_, kv.first, "connections: keys must be connection ARNs");
      if (!looks_like_connection_arn(*arn)) {
        return error_at(file_, kv.first,
                        "connections." + *arn +
                            ": not an EventBridge connection ARN "
                            "(expected arn:aws:events:REGION:ACCOUNT:connection/NAME/ID)");
      }
      if (out.count(*arn)) return error_at(file_, kv.first, "connection '" + *arn + "' is configured twice");
      auto c = connection(*arn, kv.second);
      if (!c) return c.error();
      out.emplace(*arn, std::move(c).value());
    }
    return Connections(std::move(out));
  }

 private:
  Result<Connection> connection(const std::string& arn, const YAML::Node& body) {
    const std::string path = "connections." + arn;
    if (!body.IsMap()) {
      return error_at(
          file_, body,
          path + " must be a mapping with one of api_key, basic or oauth, got " + node_kind(body));
    }
    Connection c;
    c.arn = arn;
    c.origin = file_;
    if (body.Mark().line >= 0) {
      c.origin += ':';
      c.origin += std::to_string(body.Mark().line + 1);
    }
    int kinds = 0;
    for (const auto& kv : body) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      const YAML::Node& v = kv.second;
      const std::string at = path + "." + key;
      Status s;
      if (key == "api_key" || key == "basic" || key == "oauth") {
        if (++kinds > 1)
          return error_at(file_, kv.first, path + " must have only one of api_key, basic or oauth");
        if (key == "api_key") {
          c.kind = Connection::Kind::kApiKey;
          s = fields(v, at, {{"name", &c.api_key_name}, {"value", &c.api_key_value}}, {});
        } else if (key == "basic") {
          c.kind = Connection::Kind::kBasic;
          s = fields(v, at, {{"username", &c.username}, {"password", &c.password}}, {});
        } else {
          c.kind = Connection::Kind::kOAuth;
          std::string method;
          s = fields(v, at,
                     {{"token_url", &c.oauth.token_url},
                      {"client_id", &c.oauth.client_id},
                      {"client_secret", &c.oauth.client_secret}},
                     {{"scope", &c.oauth.scope}, {"http_method", &method}});
          if (s.ok() && !method.empty()) {
            if (method != "GET" && method != "POST" && method != "PUT") {
              return error_at(file_, v["http_method"],
                              at + ".http_method must be GET, POST or PUT, got '" + method + "'");
            }
            c.oauth.http_method = method;
          }
          if (s.ok() && !c.oauth.token_url.starts_with("http://") &&
              !c.oauth.token_url.starts_with("https://")) {
            return error_at(file_, v["token_url"], at + ".token_url must be an http:// or https:// URL");
          }
        }
      } else if (key == "headers") {
        s = pairs(v, at, c.headers);
      } else if (key == "query_parameters") {
        s = pairs(v, at, c.query_parameters);
      } else if (key == "body_parameters") {
        s = pairs(v, at, c.body_parameters);
      } else {
        return error_at(file_, kv.first,
                        "unknown key '" + key + "' in " + path +
                            " (expected api_key, basic, oauth, headers, query_parameters, body_parameters)");
      }
      if (!s.ok()) return s.error();
    }
    if (kinds == 0) return error_at(file_, body, path + " must have one of api_key, basic or oauth");
    return c;
  }

  struct Field {
    const char* name;
    std::string* out;
  };

  // Reads a mapping of scalar fields: all of `required`, any of `optional`, nothing else.
  Status fields(const YAML::Node& v, const std::string& at, std::initializer_list<Field> required,
                std::initializer_list<Field> optional) {
    if (!v.IsMap()) return error_at(file_, v, at + " must be a mapping, got " + node_kind(v));
    std::set<std::string> seen;
    for (const auto& kv : v) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      const Field* f = nullptr;
      for (const Field& r : required)
        if (key == r.name) f = &r;
      for (const Field& o : optional)
        if (key == o.name) f = &o;
      if (!f) {
        std::string expected;
        for (const Field& r : required) expected += std::string(expected.empty() ? "" : ", ") + r.name;
        for (const Field& o : optional) expected += std::string(", ") + o.name;
        return error_at(file_, kv.first,
                        "unknown key '" + key + "' in " + at + " (expected " + expected + ")");
      }
      const std::string* text = nonempty_scalar(kv.second);
      if (!text) return error_at(file_, kv.second, at + "." + key + " must be a non-empty string");
      *f->out = *text;
      seen.insert(key);
    }
    for (const Field& r : required)
      if (!seen.count(r.name)) return error_at(file_, v, at + " is missing '" + r.name + "'");
    return Status::Ok();
  }

  Status pairs(const YAML::Node& v, const std::string& at, Pairs& out) {
    if (v.IsNull()) return Status::Ok();
    if (!v.IsMap())
      return error_at(file_, v, at + " must be a mapping of names to values, got " + node_kind(v));
    for (const auto& kv : v) {
      const std::string* name = nonempty_scalar(kv.first);
      if (!name) return error_at(file_, kv.first, at + ": names must be non-empty strings");
      if (!kv.second.IsScalar() && !kv.second.IsNull())
        return error_at(file_, kv.second,
                        at + "." + *name + " must be a scalar, got " + node_kind(kv.second));
      out.emplace_back(*name, kv.second.IsNull() ? std::string() : kv.second.Scalar());
    }
    return Status::Ok();
  }

  const std::string& file_;
};

}  // namespace

std::string_view Connection::kind_name() const {
  switch (kind) {
    case Kind::kApiKey:
      return "api_key";
    case Kind::kBasic:
      return "basic";
    case Kind::kOAuth:
      return "oauth";
  }
  return "?";
}

Result<Connections> parse_connections(const YAML::Node& node, const std::string& file) {
  try {
    return Parser(file).parse(node);
  } catch (const YAML::Exception& e) {
    return Error{config_yaml::kConfigError, file + ": connections: " + e.msg};
  }
}

}  // namespace sg::integrations
