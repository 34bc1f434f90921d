#include "cli/aws_credentials.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common/read_file.h"

namespace sg::cli {

namespace {

constexpr size_t kMaxCredentialsFileBytes = 1 << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<std::string> nonempty_env(const CredentialEnv& env, const char* name) {
  auto v = env.getenv(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::string home_file(const CredentialEnv& env, const char* override_var, const char* name) {
  if (auto p = nonempty_env(env, override_var)) return *p;
  std::string home = env.getenv("HOME").value_or("");
  return home + "/.aws/" + name;
}

// The profile's keys from one file (nullopt: no such section or no key pair in it).
std::optional<guardian::AwsCredentials> from_section(const IniSections& ini, const std::string& section) {
  auto it = ini.find(section);
  if (it == ini.end()) return std::nullopt;
  auto get = [&](const char* k) {
    auto kv = it->second.find(k);
    return kv == it->second.end() ? std::string() : kv->second;
  };
  guardian::AwsCredentials c{get("aws_access_key_id"), get("aws_secret_access_key"),
                             get("aws_session_token")};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) return std::nullopt;
  return c;
}

}  // namespace

CredentialEnv system_credential_env() {
  CredentialEnv env;
  env.getenv = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): nothing sets env vars after start
    if (!v) return std::nullopt;
    return std::string(v);
  };
  env.read_file = [](const std::string& path) -> std::optional<std::string> {
    auto text = read_text_file(path, kMaxCredentialsFileBytes);
    if (!text.ok()) return std::nullopt;
    return std::move(text).value();
  };
  return env;
}

IniSections parse_ini(std::string_view text) {
  IniSections out;
  std::string section;
  bool in_section = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) {
        in_section = false;
        continue;
      }
      section = std::string(trim(line.substr(1, close - 1)));
      in_section = true;
      out[section];
      continue;
    }
    size_t eq = line.find('=');
    if (!in_section || eq == std::string_view::npos) continue;
    out[section][lower(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
  }
  return out;
}

Result<guardian::AwsCredentials> resolve_aws_credentials(const std::string& profile,
                                                         const CredentialEnv& env) {
  if (profile.empty()) {
    auto id = nonempty_env(env, "AWS_ACCESS_KEY_ID");
    auto secret = nonempty_env(env, "AWS_SECRET_ACCESS_KEY");
    if (id && secret)
      return guardian::AwsCredentials{*id, *secret, nonempty_env(env, "AWS_SESSION_TOKEN").value_or("")};
  }
  const std::string name = !profile.empty() ? profile : nonempty_env(env, "AWS_PROFILE").value_or("default");
  const std::string creds_path = home_file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  const std::string config_path = home_file(env, "AWS_CONFIG_FILE", "config");
  if (auto text = env.read_file(creds_path))
    if (auto c = from_section(parse_ini(*text), name)) return *c;
  if (auto text = env.read_file(config_path))
    if (auto c = from_section(parse_ini(*text), name == "default" ? name : "profile " + name)) return *c;
  std::string m("no AWS credentials: ");
  if (profile.empty()) m.append("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set, and ");
  m.append("profile '")
      .append(name)
      .append("' has no aws_access_key_id/aws_secret_access_key in ")
      .append(creds_path)
      .append(" or ")
      .append(config_path)
      .append(" (SSO, assume-role and credential_process profiles are not supported)");
  return Error{"NoCredentials", std::move(m)};
}

}  // namespace sg::cli
