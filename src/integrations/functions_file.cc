// FunctionRegistry::from_yaml_file / from_yaml_text: the `--functions FILE` format (see
// function_registry.h). yaml-cpp is used directly (not json::parse_yaml) so that messages
// can name lines and scalars keep their exact text (`VERSION: 1.10` stays "1.10").
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/read_file.h"
#include "integrations/function_registry.h"
#include "integrations/lambda_endpoint.h"

namespace sg::integrations {

namespace {

constexpr const char* kFileError = "INVALID_FUNCTIONS_FILE";

// Appends ":LINE[:COLUMN]" (1-based). Built with append: GCC 12 misreports `":" + to_string()`.
void append_mark(std::string& out, const YAML::Mark& mark, bool column) {
  if (mark.line < 0) return;
  out += ':';
  out += std::to_string(mark.line + 1);
  if (!column) return;
  out += ':';
  out += std::to_string(mark.column + 1);
}

class Reader {
 public:
  explicit Reader(std::string_view origin) : origin_(origin) {}

  Error error(const YAML::Node& at, const std::string& message) const {
    std::string m(origin_);
    if (at.IsDefined()) append_mark(m, at.Mark(), true);
    m += ": ";
    m += message;
    return Error{kFileError, std::move(m)};
  }

  std::string location(const YAML::Node& at) const {
    std::string m(origin_);
    append_mark(m, at.Mark(), false);
    return m;
  }

 private:
  std::string_view origin_;
};

const char* node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

bool parse_positive_int(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 10) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return false;
  *out = v;
  return true;
}

Result<FunctionSpec> read_long_form(const Reader& rd, const std::string& name, const YAML::Node& body,
                                    std::string_view base_dir) {
  const std::string path = "functions." + name;
  FunctionSpec spec;
  spec.key = name;
  spec.origin = rd.location(body);
  bool has_command = false, has_url = false;
  YAML::Node env_node, wd_node, name_node, concurrency_node;
  for (const auto& kv : body) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "lambda_endpoint") {
      if (!v.IsScalar() || !is_url_spec(v.Scalar())) {
        return rd.error(v, path + ".lambda_endpoint must be an http:// or https:// URL, got " +
                               (v.IsScalar() ? "'" + v.Scalar() + "'" : std::string(node_kind(v))));
      }
      if (has_command || has_url)
        return rd.error(kv.first, path + " must have exactly one of 'command', 'url' or 'lambda_endpoint'");
      has_url = true;
      spec.target = v.Scalar();
      spec.kind = FunctionSpec::Kind::kLambdaEndpoint;
    } else if (key == "function_name") {
      name_node = v;
    } else if (key == "max_concurrency") {
      concurrency_node = v;
    } else if (key == "command" || key == "url") {
      if (!v.IsScalar() || v.Scalar().empty()) {
        return rd.error(v, path + "." + key + " must be a non-empty string, got " + node_kind(v));
      }
      if (has_command || has_url)
        return rd.error(kv.first, path + " must have exactly one of 'command' or 'url'");
      (key == "command" ? has_command : has_url) = true;
      spec.target = v.Scalar();
      if (key == "url" && !is_url_spec(spec.target)) {
        return rd.error(v, path + ".url must start with http:// or https://, got '" + spec.target + "'");
      }
      spec.kind = key == "url" ? FunctionSpec::Kind::kHttp : FunctionSpec::Kind::kCommand;
    } else if (key == "timeout_seconds") {
      int64_t t = 0;
      if (!v.IsScalar() || !parse_positive_int(v.Scalar(), &t)) {
        return rd.error(v, path + ".timeout_seconds must be a positive integer, got " +
                               (v.IsScalar() ? "'" + v.Scalar() + "'" : std::string(node_kind(v))));
      }
      spec.timeout_seconds = t;
    } else if (key == "environment") {
      env_node = v;
    } else if (key == "working_directory") {
      wd_node = v;
    } else {
      return rd.error(kv.first, "unknown key '" + key + "' in " + path +
                                    " (expected command, url, lambda_endpoint, timeout_seconds, environment, "
                                    "working_directory, max_concurrency, function_name)");
    }
  }
  if (!has_command && !has_url)
    return rd.error(body, path + " must have a 'command', a 'url' or a 'lambda_endpoint'");
  if (name_node.IsDefined() && !name_node.IsNull()) {
    if (spec.kind != FunctionSpec::Kind::kLambdaEndpoint)
      return rd.error(name_node, path + ".function_name is for lambda_endpoint functions only");
    if (!name_node.IsScalar() || name_node.Scalar().empty())
      return rd.error(name_node, path + ".function_name must be a non-empty string");
    spec.function_name = name_node.Scalar();
  }
  if (concurrency_node.IsDefined() && !concurrency_node.IsNull()) {
    int64_t n = 0;
    if (spec.kind != FunctionSpec::Kind::kCommand)
      return rd.error(concurrency_node, path + ".max_concurrency is for commands only");
    if (!concurrency_node.IsScalar() || !parse_positive_int(concurrency_node.Scalar(), &n) || n > 100000) {
      return rd.error(concurrency_node,
                      path + ".max_concurrency must be a positive integer, got " +
                          (concurrency_node.IsScalar() ? "'" + concurrency_node.Scalar() + "'"
                                                       : std::string(node_kind(concurrency_node))));
    }
    spec.max_concurrency = static_cast<int>(n);
  }
  if (env_node.IsDefined() && !env_node.IsNull()) {
    if (spec.kind != FunctionSpec::Kind::kCommand)
      return rd.error(env_node, path + ".environment is for commands only");
    if (!env_node.IsMap())
      return rd.error(env_node, path + ".environment must be a mapping, got " + node_kind(env_node));
    for (const auto& kv : env_node) {
      const std::string var = kv.first.Scalar();
      if (var.empty() || var.find('=') != std::string::npos) {
        return rd.error(kv.first, path + ".environment has an invalid variable name '" + var + "'");
      }
      if (kv.second.IsNull()) {
        spec.environment.emplace_back(var, "");
      } else if (kv.second.IsScalar()) {
        spec.environment.emplace_back(var, kv.second.Scalar());
      } else {
        return rd.error(kv.second,
                        path + ".environment." + var + " must be a scalar, got " + node_kind(kv.second));
      }
    }
  }
  if (wd_node.IsDefined() && !wd_node.IsNull()) {
    if (spec.kind != FunctionSpec::Kind::kCommand) {
      return rd.error(wd_node, path + ".working_directory is for commands only");
    }
    if (!wd_node.IsScalar() || wd_node.Scalar().empty()) {
      return rd.error(wd_node, path + ".working_directory must be a non-empty string");
    }
    std::filesystem::path wd(wd_node.Scalar());
    if (wd.is_relative() && !base_dir.empty()) wd = std::filesystem::path(base_dir) / wd;
    spec.working_directory = wd.lexically_normal().string();
  }
  return spec;
}

Result<FunctionRegistry> read_functions(const Reader& rd, const YAML::Node& functions,
                                        std::string_view base_dir);

Result<FunctionRegistry> read_document(const Reader& rd, const YAML::Node& root, std::string_view base_dir) {
  if (!root.IsMap())
    return rd.error(root, "expected a mapping with a 'functions' key, got " + std::string(node_kind(root)));
  YAML::Node functions;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    if (key != "functions")
      return rd.error(kv.first, "unknown top-level key '" + key + "' (expected 'functions')");
    functions = kv.second;
  }
  if (!functions.IsDefined()) return rd.error(root, "has no 'functions' key");
  return read_functions(rd, functions, base_dir);
}

// The value of a `functions:` key.
Result<FunctionRegistry> read_functions(const Reader& rd, const YAML::Node& functions,
                                        std::string_view base_dir) {
  std::vector<FunctionSpec> entries;
  if (functions.IsNull()) return FunctionRegistry::from_entries(std::move(entries));
  if (!functions.IsMap()) {
    return rd.error(functions, "'functions' must be a mapping of function names, got " +
                                   std::string(node_kind(functions)));
  }
  std::set<std::string> names;
  for (const auto& kv : functions) {
    if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
      return rd.error(kv.first, "function names must be non-empty strings");
    }
    const std::string name = kv.first.Scalar();
    if (!names.insert(name).second)
      return rd.error(kv.first, "function '" + name + "' is configured more than once");
    if (!parse_function_ref(name)) {
      return rd.error(kv.first, "functions." + name +
                                    ": not a Lambda function name or ARN (expected NAME, NAME:QUALIFIER, "
                                    "ACCOUNT:function:NAME or arn:aws:lambda:REGION:ACCOUNT:function:NAME)");
    }
    const YAML::Node& v = kv.second;
    if (v.IsScalar()) {
      if (v.Scalar().empty()) return rd.error(v, "functions." + name + " has an empty command");
      FunctionSpec spec;
      spec.key = name;
      spec.target = v.Scalar();
      spec.kind = is_url_spec(spec.target) ? FunctionSpec::Kind::kHttp : FunctionSpec::Kind::kCommand;
      if (is_lambda_endpoint_spec(spec.target)) {
        spec.kind = FunctionSpec::Kind::kLambdaEndpoint;
        spec.target.erase(0, kLambdaEndpointPrefix.size());
      }
      spec.origin = rd.location(v);
      entries.push_back(std::move(spec));
    } else if (v.IsMap()) {
      auto spec = read_long_form(rd, name, v, base_dir);
      if (!spec) return spec.error();
      entries.push_back(std::move(spec).value());
    } else {
      return rd.error(kv.first.IsDefined() ? kv.first : v,
                      "functions." + name + " must be a command, a URL or a mapping, got " + node_kind(v));
    }
  }
  auto reg = FunctionRegistry::from_entries(std::move(entries));
  if (!reg) return Error{kFileError, reg.error().message};
  return reg;
}

}  // namespace

Result<FunctionRegistry> FunctionRegistry::from_yaml_text(std::string_view text, std::string_view origin,
                                                          std::string_view base_dir) {
  Reader rd(origin);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return read_document(rd, root, base_dir);
  } catch (const YAML::Exception& e) {
    std::string m(origin);
    append_mark(m, e.mark, true);
    m += ": invalid YAML: ";
    m += e.msg;
    return Error{kFileError, std::move(m)};
  } catch (const std::exception& e) {
    return Error{kFileError, std::string(origin) + ": " + e.what()};
  }
}

Result<FunctionRegistry> FunctionRegistry::from_yaml_node(const YAML::Node& functions,
                                                          std::string_view origin,
                                                          std::string_view base_dir) {
  Reader rd(origin);
  try {
    return read_functions(rd, functions, base_dir);
  } catch (const YAML::Exception& e) {
    std::string m(origin);
    append_mark(m, e.mark, true);
    m += ": ";
    m += e.msg;
    return Error{kFileError, std::move(m)};
  }
}

Result<FunctionRegistry> FunctionRegistry::from_yaml_file(const std::string& path) {
  constexpr size_t kMaxFunctionsFileBytes = 1u << 20;
  auto text = read_text_file(path, kMaxFunctionsFileBytes);
  if (!text) return Error{kFileError, "functions file: " + text.error().message};
  std::string base = std::filesystem::path(path).parent_path().string();
  return from_yaml_text(*text, path, base);
}

}  // namespace sg::integrations
