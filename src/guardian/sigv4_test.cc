// AWS's published Signature Version 4 test suite ("aws-sig-v4-test-suite"): every case
// signs with access key AKIDEXAMPLE, secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, at
// 20150830T123600Z, region us-east-1, service "service", host example.amazonaws.com.
#include "guardian/sigv4.h"

#include <gtest/gtest.h>

#include "json/timestamp.h"

namespace sg::guardian {
namespace {

SigningParams suite_params(std::string token = "") {
  SigningParams p;
  p.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", std::move(token)};
  p.region = "us-east-1";
  p.service = "service";
  p.time_ms = *json::parse_rfc3339("2015-08-30T12:36:00Z");
  return p;
}

const std::pair<std::string, std::string> kHost = {"Host", "example.amazonaws.com"};
const std::pair<std::string, std::string> kDate = {"X-Amz-Date", "20150830T123600Z"};

std::string authorization(const std::string& signed_headers, const std::string& signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=" +
         signed_headers + ", Signature=" + signature;
}

TEST(SigV4Test, GetVanillaCanonicalRequestStringToSignAndHeader) {
  RequestToSign r;
  r.headers = {kHost, kDate};
  SignedRequest s = sign_request(r, suite_params());
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(
      s.authorization,
      authorization("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
  EXPECT_TRUE(s.headers_to_add.empty());
}

TEST(SigV4Test, GetVanillaQueryOrderKeyCase) {
  RequestToSign r;
  r.query = {{"Param2", "value2"}, {"Param1", "value1"}};
  r.headers = {kHost, kDate};
  SignedRequest s = sign_request(r, suite_params());
  EXPECT_EQ(s.canonical_request,
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0");
  EXPECT_EQ(
      s.authorization,
      authorization("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
}

TEST(SigV4Test, PostXWwwFormUrlencoded) {
  RequestToSign r;
  r.method = "POST";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, kHost, kDate};
  r.payload = "Param1=value1";
  SignedRequest s = sign_request(r, suite_params());
  EXPECT_EQ(s.canonical_request,
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(s.authorization,
            authorization("content-type;host;x-amz-date",
                          "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
}

TEST(SigV4Test, GetUtf8) {
  RequestToSign r;
  r.path = "/\xE1\x88\xB4";
  r.headers = {kHost, kDate};
  SignedRequest s = sign_request(r, suite_params());
  EXPECT_EQ(s.canonical_request,
            "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102");
  EXPECT_EQ(
      s.authorization,
      authorization("host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"));
}

// The other cases of the suite, by their documented Authorization header.
struct Vector {
  const char* name;
  const char* method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;
  std::string payload;
  const char* signed_headers;
  const char* signature;
};

TEST(SigV4Test, SuiteAuthorizationHeaders) {
  const std::vector<Vector> vectors = {
      {"get-header-key-duplicate",
       "GET",
       "/",
       {},
       {kHost, {"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}, kDate},
       "",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "/",
       {},
       {kHost, {"My-Header1", "value4,value1,value3,value2"}, kDate},
       "",
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim",
       "GET",
       "/",
       {},
       {kHost, {"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}, kDate},
       "",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-vanilla-empty-query-key",
       "GET",
       "/",
       {{"Param1", "value1"}},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-query",
       "GET",
       "/",
       {},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-unreserved",
       "GET",
       "/",
       {{"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
         "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query",
       "GET",
       "/",
       {{"\xE1\x88\xB4", "bar"}},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"post-header-key-case",
       "POST",
       "/",
       {},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-header-key-sort",
       "POST",
       "/",
       {},
       {kHost, {"My-Header1", "value1"}, kDate},
       "",
       "host;my-header1;x-amz-date",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case",
       "POST",
       "/",
       {},
       {kHost, {"My-Header1", "VALUE1"}, kDate},
       "",
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-vanilla",
       "POST",
       "/",
       {},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-vanilla-query",
       "POST",
       "/",
       {{"Param1", "value1"}},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-vanilla-query-nonunreserved",
       "POST",
       "/",
       {{"@#$%^", ""}, {"+", "/,?><`\";:\\|][{}"}},
       {kHost, kDate},
       "",
       "host;x-amz-date",
       "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"},
      {"post-x-www-form-urlencoded-parameters",
       "POST",
       "/",
       {},
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}, kHost, kDate},
       "Param1=value1",
       "content-type;host;x-amz-date",
       "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
  };
  for (const Vector& v : vectors) {
    SCOPED_TRACE(v.name);
    RequestToSign r;
    r.method = v.method;
    r.path = v.path;
    r.query = v.query;
    r.headers = v.headers;
    r.payload = v.payload;
    EXPECT_EQ(sign_request(r, suite_params()).authorization, authorization(v.signed_headers, v.signature));
  }
}

TEST(SigV4Test, GetVanillaWithSessionToken) {
  RequestToSign r;
  r.headers = {kHost};
  SignedRequest s =
      sign_request(r, suite_params("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"));
  EXPECT_EQ(s.authorization,
            authorization("host;x-amz-date;x-amz-security-token",
                          "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"));
  ASSERT_EQ(s.headers_to_add.size(), 2u);
  EXPECT_EQ(s.headers_to_add[0], (std::pair<std::string, std::string>{"X-Amz-Date", "20150830T123600Z"}));
  EXPECT_EQ(s.headers_to_add[1].first, "X-Amz-Security-Token");
}

TEST(SigV4Test, PathNormalisation) {
  RequestToSign r;
  r.headers = {kHost, kDate};
  r.path = "/example/../";
  EXPECT_EQ(sign_request(r, suite_params()).canonical_request.substr(0, 6), "GET\n/\n");
  r.path = "//example//";
  EXPECT_EQ(sign_request(r, suite_params()).canonical_request.substr(0, 14), "GET\n/example/\n");
  r.path = "/example space/";
  EXPECT_EQ(sign_request(r, suite_params()).canonical_request.substr(0, 22), "GET\n/example%20space/\n");
}

}  // namespace
}  // namespace sg::guardian
