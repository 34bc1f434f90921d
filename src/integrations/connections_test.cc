// The `connections:` config section and the URL encoding the HTTP Task uses.
#include "integrations/connections.h"

#include <gtest/gtest.h>

#include "integrations/url_encoding.h"
#include "json/parse.h"

namespace sg::integrations {
namespace {

constexpr const char* kArn = "arn:aws:events:us-east-1:123456789012:connection/stripe/81210c42";

Result<Connections> parse(const std::string& yaml) {
  return parse_connections(YAML::Load(yaml), "conf.yaml");
}

TEST(Connections, ParsesEachKind) {
  auto c = parse(
      std::string(kArn) +
      ":\n"
      "  api_key: {name: Authorization, value: Bearer abc}\n"
      "  headers: {X-A: 1}\n"
      "  query_parameters: {v: 2}\n"
      "  body_parameters: {source: sf}\n"
      "arn:aws:events:us-east-1:123456789012:connection/b/1:\n"
      "  basic: {username: u, password: p}\n"
      "arn:aws:events:us-east-1:123456789012:connection/o/1:\n"
      "  oauth: {token_url: 'https://auth/token', client_id: id, client_secret: s, http_method: GET}\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 3u);
  const Connection* k = c->find(kArn);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->kind, Connection::Kind::kApiKey);
  EXPECT_EQ(k->api_key_name, "Authorization");
  EXPECT_EQ(k->api_key_value, "Bearer abc");
  EXPECT_EQ(k->headers.at(0), std::make_pair(std::string("X-A"), std::string("1")));
  EXPECT_EQ(k->query_parameters.at(0).second, "2");
  EXPECT_EQ(k->body_parameters.at(0).first, "source");
  EXPECT_EQ(k->origin, "conf.yaml:2");
  const Connection* b = c->find("arn:aws:events:us-east-1:123456789012:connection/b/1");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->kind, Connection::Kind::kBasic);
  EXPECT_EQ(b->password, "p");
  const Connection* o = c->find("arn:aws:events:us-east-1:123456789012:connection/o/1");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->kind, Connection::Kind::kOAuth);
  EXPECT_EQ(o->oauth.http_method, "GET");
  EXPECT_EQ(o->oauth.scope, "");
  EXPECT_EQ(c->find("arn:aws:events:us-east-1:123456789012:connection/missing/1"), nullptr);
}

TEST(Connections, EmptyOrNullIsNoConnections) {
  auto c = parse_connections(YAML::Node(), "conf.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->empty());
  auto n = parse("~");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->empty());
}

TEST(Connections, ErrorsNameFileLineAndKeyPathButNoSecret) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::string a = kArn;
  const Case cases[] = {
      {"- x", "conf.yaml:1:1: connections must be a mapping of connection ARNs, got a list"},
      {"not-an-arn: {basic: {username: u, password: p}}",
       "conf.yaml:1:1: connections.not-an-arn: not an EventBridge connection ARN"},
      {a + ":\n  basic: {username: u}\n",
       "conf.yaml:2:10: connections." + a + ".basic is missing 'password'"},
      {a + ":\n  basic: {username: u, password: ''}\n",
       "conf.yaml:2:34: connections." + a + ".basic.password must be a non-empty string"},
      {a + ":\n  basic: {username: u, password: p, pin: 1234}\n",
       "conf.yaml:2:37: unknown key 'pin' in connections." + a + ".basic (expected username, password)"},
      {a + ":\n  api_key: {name: n, value: v}\n  basic: {username: u, password: p}\n",
       "conf.yaml:3:3: connections." + a + " must have only one of api_key, basic or oauth"},
      {a + ":\n  headers: {X: y}\n",
       "conf.yaml:2:3: connections." + a + " must have one of api_key, basic or oauth"},
      {a + ":\n  apikey: {name: n, value: v}\n", "conf.yaml:2:3: unknown key 'apikey' in connections." + a},
      {a + ":\n  oauth: {token_url: ftp://x, client_id: i, client_secret: TOPSECRET}\n",
       "connections." + a + ".oauth.token_url must be an http:// or https:// URL"},
      {a + ":\n  oauth: {token_url: 'https://x', client_id: i, client_secret: s, http_method: PATCH}\n",
       ".oauth.http_method must be GET, POST or PUT"},
      {a + ": {basic: {username: u, password: p}}\n" + a + ": {basic: {username: u, password: p}}\n",
       "conf.yaml:2:1: connection '" + a + "' is configured twice"},
  };
  for (const Case& c : cases) {
    auto r = parse(c.yaml);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.error().code, "INVALID_CONFIG");
    EXPECT_NE(r.error().message.find(c.message), std::string::npos)
        << r.error().message << "\nwanted: " << c.message;
    EXPECT_EQ(r.error().message.find("TOPSECRET"), std::string::npos);
  }
}

TEST(UrlEncoding, FormatsArraysNestedObjectsAndScalars) {
  auto v = json::parse_json(R"({"a":1,"b":["x","y z"],"c":{"d":"e&f"},"t":true,"n":null,"f":1.5})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(url_encode_object(*v, ArrayFormat::kIndices), "a=1&b[0]=x&b[1]=y%20z&c[d]=e%26f&t=true&n=&f=1.5");
  EXPECT_EQ(url_encode_object(*v, ArrayFormat::kRepeat), "a=1&b=x&b=y%20z&c[d]=e%26f&t=true&n=&f=1.5");
  EXPECT_EQ(url_encode_object(*v, ArrayFormat::kCommas), "a=1&b=x,y%20z&c[d]=e%26f&t=true&n=&f=1.5");
  EXPECT_EQ(url_encode_object(*v, ArrayFormat::kBrackets), "a=1&b[]=x&b[]=y%20z&c[d]=e%26f&t=true&n=&f=1.5");
  EXPECT_EQ(percent_encode("é/~"), "%C3%A9%2F~");
  EXPECT_EQ(parse_array_format("COMMAS"), ArrayFormat::kCommas);
  EXPECT_EQ(parse_array_format("commas"), std::nullopt);
}

}  // namespace
}  // namespace sg::integrations
