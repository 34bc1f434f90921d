#include "cli/aws_credentials.h"

#include <gtest/gtest.h>

#include <map>

namespace sg::cli {
namespace {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> files;
  CredentialEnv env() const {
    CredentialEnv e;
    e.getenv = [this](const char* n) -> std::optional<std::string> {
      auto it = vars.find(n);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    e.read_file = [this](const std::string& p) -> std::optional<std::string> {
      auto it = files.find(p);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return e;
  }
};

// The example keys of the AWS documentation.
const char* kCredentials = R"(# shared credentials
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[prod]
aws_access_key_id=AKIAI44QH8DHBEXAMPLE
aws_secret_access_key=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
aws_session_token = token-1
; a comment
)";

TEST(AwsCredentialsTest, ParsesIni) {
  IniSections ini = parse_ini(kCredentials);
  ASSERT_EQ(ini.size(), 2u);
  EXPECT_EQ(ini["default"]["aws_access_key_id"], "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(ini["prod"]["aws_session_token"], "token-1");
  EXPECT_EQ(parse_ini("[profile x]\r\nAWS_Access_Key_Id = A\r\n")["profile x"]["aws_access_key_id"], "A");
}

TEST(AwsCredentialsTest, EnvironmentVariablesComeFirst) {
  FakeEnv f;
  f.vars = {{"HOME", "/home/u"},
            {"AWS_ACCESS_KEY_ID", "AKIDENV"},
            {"AWS_SECRET_ACCESS_KEY", "secret"},
            {"AWS_SESSION_TOKEN", "tok"}};
  f.files["/home/u/.aws/credentials"] = kCredentials;
  auto c = resolve_aws_credentials("", f.env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->session_token, "tok");
  // An explicit profile wins over the environment, as `aws --profile` does.
  auto p = resolve_aws_credentials("prod", f.env());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->access_key_id, "AKIAI44QH8DHBEXAMPLE");
  EXPECT_EQ(p->session_token, "token-1");
}

TEST(AwsCredentialsTest, SharedCredentialsFileWithAwsProfile) {
  FakeEnv f;
  f.vars = {{"HOME", "/home/u"}};
  f.files["/home/u/.aws/credentials"] = kCredentials;
  auto c = resolve_aws_credentials("", f.env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(c->session_token, "");
  f.vars["AWS_PROFILE"] = "prod";
  EXPECT_EQ(resolve_aws_credentials("", f.env())->access_key_id, "AKIAI44QH8DHBEXAMPLE");
  // AWS_SHARED_CREDENTIALS_FILE moves the file.
  f.vars["AWS_SHARED_CREDENTIALS_FILE"] = "/etc/creds";
  f.files["/etc/creds"] = "[prod]\naws_access_key_id=A2\naws_secret_access_key=S2\n";
  EXPECT_EQ(resolve_aws_credentials("", f.env())->access_key_id, "A2");
}

TEST(AwsCredentialsTest, ConfigFileProfileSections) {
  FakeEnv f;
  f.vars = {{"HOME", "/h"}, {"AWS_CONFIG_FILE", "/cfg"}};
  f.files["/cfg"] = "[profile ops]\nregion=eu-west-1\naws_access_key_id=AOPS\naws_secret_access_key=SOPS\n";
  auto c = resolve_aws_credentials("ops", f.env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AOPS");
}

TEST(AwsCredentialsTest, NoCredentialsIsAnErrorNamingWhatWasTried) {
  FakeEnv f;
  f.vars = {{"HOME", "/h"}, {"AWS_ACCESS_KEY_ID", "only-the-id"}};
  auto c = resolve_aws_credentials("", f.env());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "NoCredentials");
  EXPECT_NE(c.error().message.find("/h/.aws/credentials"), std::string::npos);
  EXPECT_NE(c.error().message.find("profile 'default'"), std::string::npos);
  f.files["/h/.aws/credentials"] = kCredentials;
  EXPECT_FALSE(resolve_aws_credentials("missing", f.env()).ok());
}

}  // namespace
}  // namespace sg::cli
