// FunctionRegistry: the local stand-ins for Lambda functions that `stepguard run` (and the
// server) invoke: each entry maps a function name or ARN to a shell command or an HTTP URL.
//
// Configuration
// - Command line: `--function NAME=SPEC` (parse_function_spec / from_specs). NAME is a
//   function name, a `NAME:QUALIFIER`, a partial ARN or a full ARN; SPEC starting with
//   `http://` or `https://` is a URL, `lambda+http://HOST:PORT` (or lambda+https) a Lambda
//   Invoke API endpoint, anything else a command run with `/bin/sh -c`.
// - File: `--functions FILE` (from_yaml_file), YAML of the form
//     functions:
//       my-fn: python3 handler.py              # short form: command
//       other: http://127.0.0.1:9000/invoke    # short form: URL
//       third:                                 # long form: exactly one of command / url
//         command: ./check.sh
//         timeout_seconds: 30                  # positive integer
//         environment: {KEY: value}            # commands only; scalar values
//         working_directory: ./fns             # commands only; relative to FILE's folder
//         max_concurrency: 4                   # commands only; processes at once (default 16)
//       fourth:                                # a Lambda Invoke API server (lambda_endpoint.h)
//         lambda_endpoint: http://127.0.0.1:3001
//         function_name: OtherName             # the name it knows (default: the key's)
//   Errors name the file, the line and the key (`functions.third.timeout_seconds`).
//   Unknown keys are errors (typos should not be silently ignored).
// - merge(file_registry, cli_registry): command-line entries replace file entries with the
//   same key, so a `--function` can override one function of a shared file.
// A key given twice within one source is an error.
//
// Resolution (resolve): an entry matches a reference when the function names are equal and
// every part the entry's key states (region, account, qualifier) equals the reference's
// (missing reference parts take the caller's default region/account; a missing qualifier
// is `$LATEST`). The most specific matching entry wins (qualifier, then account, then
// region). So an entry keyed `my-fn` serves `my-fn`, `my-fn:prod`, partial and full ARNs of
// any region, account and qualifier, while an entry keyed by a qualified ARN serves only
// that exact version or alias.
//
// A registry is immutable after construction and safe to read from any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "integrations/lambda_function_ref.h"

namespace YAML {
class Node;
}

namespace sg::integrations {

struct FunctionSpec {
  // kLambdaEndpoint: a server of Lambda's Invoke API (lambda_endpoint.h).
  enum class Kind { kCommand, kHttp, kLambdaEndpoint };
  std::string key;  // as configured: name, NAME:QUALIFIER, partial or full ARN
  Kind kind = Kind::kCommand;
  std::string target;         // the shell command, the URL, or the endpoint's base URL
  std::string function_name;  // kLambdaEndpoint: the name it invokes (empty: the key's)
  int max_concurrency = 16;   // commands: at most this many processes of it at once
  std::optional<int64_t> timeout_seconds;
  std::vector<std::pair<std::string, std::string>> environment;  // commands only
  std::string working_directory;                                 // commands only; empty: inherit
  std::string origin;  // where it was configured, for messages: "--function", "fns.yaml:3"
};

// True when a spec names an HTTP function (starts with http:// or https://, any case).
bool is_url_spec(std::string_view spec);

// Parses one `NAME=SPEC`. Errors (code "INVALID_FUNCTION_SPEC") quote the argument.
Result<FunctionSpec> parse_function_spec(std::string_view name_eq_spec);

class FunctionRegistry {
 public:
  FunctionRegistry() = default;

  // Entries from `--function NAME=SPEC` arguments.
  static Result<FunctionRegistry> from_specs(const std::vector<std::string>& specs);
  // Entries from a YAML functions file (see above). Error code "INVALID_FUNCTIONS_FILE".
  static Result<FunctionRegistry> from_yaml_file(const std::string& path);
  // Same, from text; `origin` names the file in messages and `base_dir` resolves relative
  // working directories (empty: left relative).
  static Result<FunctionRegistry> from_yaml_text(std::string_view text, std::string_view origin,
                                                 std::string_view base_dir);
  // Same, from the value of a `functions:` key already loaded (the config file's section);
  // messages name `origin` with the node's lines.
  static Result<FunctionRegistry> from_yaml_node(const YAML::Node& functions, std::string_view origin,
                                                 std::string_view base_dir);
  // Validates keys (code "INVALID_FUNCTION_SPEC") and rejects duplicates.
  static Result<FunctionRegistry> from_entries(std::vector<FunctionSpec> entries);
  // `overrides` entries replace `base` entries with the same key; the rest are kept.
  static FunctionRegistry merge(const FunctionRegistry& base, const FunctionRegistry& overrides);

  // Index into entries() of the entry serving `ref`, or nullopt.
  std::optional<size_t> resolve(const FunctionRef& ref, std::string_view default_region,
                                std::string_view default_account) const;

  const std::vector<FunctionSpec>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  struct KeyParts {  // the parsed key of entries_[index]
    std::string region, account, qualifier;
    size_t index;
  };
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  void index_entries();

  std::vector<FunctionSpec> entries_;
  // Function name -> keys with that name (few per name).
  std::unordered_map<std::string, std::vector<KeyParts>, NameHash, std::equal_to<>> by_name_;
};

}  // namespace sg::integrations
