// AWS credentials for watching remote accounts, from the usual AWS environment.
//
// Resolution (the AWS CLI's order for static credentials):
//   1. a profile named in the watch entry (`profile:`): that profile from the shared
//      credentials file, else from the shared config file; the environment's keys are not
//      used (as `aws --profile X` ignores them);
//   2. otherwise AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
//   3. otherwise the profile AWS_PROFILE (or "default") from the files.
// Files: AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) with sections `[name]`,
// and AWS_CONFIG_FILE (default ~/.aws/config) with `[profile name]` / `[default]`; keys
// aws_access_key_id, aws_secret_access_key, aws_session_token. `#`/`;` start comments.
// Not supported: SSO, assume-role, credential_process, instance metadata (the error says so).
//
// resolve_aws_credentials() returns the credentials or an error ("NoCredentials") naming
// what was looked at. The environment and file reads are injected (CredentialEnv) so tests
// need neither; system_credential_env() is the real one. Thread-safe when the env is.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "guardian/sigv4.h"

namespace sg::cli {

struct CredentialEnv {
  std::function<std::optional<std::string>(const char* name)> getenv;
  // The file's text, or nullopt when it cannot be read.
  std::function<std::optional<std::string>(const std::string& path)> read_file;
};

CredentialEnv system_credential_env();

// Sections of an INI file: name -> key -> value (keys lower-cased; values trimmed).
using IniSections = std::map<std::string, std::map<std::string, std::string>>;
IniSections parse_ini(std::string_view text);

Result<guardian::AwsCredentials> resolve_aws_credentials(const std::string& profile,
                                                         const CredentialEnv& env);

}  // namespace sg::cli
