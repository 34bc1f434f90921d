#include "integrations/function_registry.h"

#include <curl/curl.h>

#include <cstdlib>
#include <set>
#include <tuple>

#include "integrations/lambda_endpoint.h"

namespace sg::integrations {

namespace {

constexpr const char* kSpecError = "INVALID_FUNCTION_SPEC";

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Where an entry came from, for messages.
std::string where(const FunctionSpec& spec) {
  return spec.origin.empty() ? std::string("--function") : spec.origin;
}

// What libcurl's URL parser accepts (ports within 1-65535, closed IPv6 brackets, ...).
bool valid_url(const std::string& url) {
  CURLU* u = curl_url();
  if (!u) return false;
  bool ok = curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK;
  char* port = nullptr;
  if (ok && curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    long n = std::strtol(port, nullptr, 10);
    ok = n > 0 && n < 65536;
  }
  curl_free(port);
  curl_url_cleanup(u);
  return ok;
}

}  // namespace

bool is_url_spec(std::string_view spec) {
  return starts_with_ci(spec, "http://") || starts_with_ci(spec, "https://");
}

Result<FunctionSpec> parse_function_spec(std::string_view arg) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos) {
    return Error{kSpecError, "--function expects NAME=COMMAND or NAME=URL, got '" + std::string(arg) + "'"};
  }
  std::string_view name = trim(arg.substr(0, eq));
  std::string_view spec = trim(arg.substr(eq + 1));
  if (name.empty())
    return Error{kSpecError, "--function '" + std::string(arg) + "' has no function name before '='"};
  if (spec.empty()) {
    return Error{kSpecError, "--function '" + std::string(arg) + "' has no command or URL after '='"};
  }
  FunctionSpec out;
  out.key = std::string(name);
  out.target = std::string(spec);
  out.kind = is_url_spec(spec) ? FunctionSpec::Kind::kHttp : FunctionSpec::Kind::kCommand;
  if (is_lambda_endpoint_spec(spec)) {
    out.kind = FunctionSpec::Kind::kLambdaEndpoint;
    out.target = std::string(spec.substr(kLambdaEndpointPrefix.size()));
  }
  out.origin = "--function " + out.key;
  return out;
}

Result<FunctionRegistry> FunctionRegistry::from_specs(const std::vector<std::string>& specs) {
  std::vector<FunctionSpec> entries;
  entries.reserve(specs.size());
  for (const std::string& s : specs) {
    auto spec = parse_function_spec(s);
    if (!spec) return spec.error();
    entries.push_back(std::move(spec).value());
  }
  return from_entries(std::move(entries));
}

Result<FunctionRegistry> FunctionRegistry::from_entries(std::vector<FunctionSpec> entries) {
  std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
  for (const FunctionSpec& e : entries) {
    auto ref = parse_function_ref(e.key);
    if (!ref) {
      return Error{kSpecError, where(e) + ": '" + e.key +
                                   "' is not a Lambda function name or ARN (expected NAME, NAME:QUALIFIER, "
                                   "ACCOUNT:function:NAME or arn:aws:lambda:REGION:ACCOUNT:function:NAME)"};
    }
    if (e.target.empty())
      return Error{kSpecError, where(e) + ": function '" + e.key + "' has no command or URL"};
    if (e.kind == FunctionSpec::Kind::kHttp || e.kind == FunctionSpec::Kind::kLambdaEndpoint) {
      std::string_view rest = std::string_view(e.target).substr(e.target.find("://") + 3);
      if (rest.empty() || rest.front() == '/' || rest.front() == ':') {
        return Error{kSpecError,
                     where(e) + ": function '" + e.key + "' has a URL without a host: '" + e.target + "'"};
      }
      if (!valid_url(e.target)) {
        return Error{kSpecError,
                     where(e) + ": function '" + e.key + "' has an invalid URL: '" + e.target + "'"};
      }
    }
    if (e.max_concurrency <= 0) {
      return Error{kSpecError, where(e) + ": function '" + e.key + "' needs a positive max_concurrency"};
    }
    if (e.timeout_seconds && *e.timeout_seconds <= 0) {
      return Error{kSpecError, where(e) + ": function '" + e.key + "' needs a positive timeout_seconds"};
    }
    if (!seen.emplace(std::string(ref->region), std::string(ref->account), std::string(ref->name),
                      std::string(ref->qualifier))
             .second) {
      return Error{kSpecError, where(e) + ": function '" + e.key + "' is configured more than once"};
    }
  }
  FunctionRegistry r;
  r.entries_ = std::move(entries);
  r.index_entries();
  return r;
}

FunctionRegistry FunctionRegistry::merge(const FunctionRegistry& base, const FunctionRegistry& overrides) {
  FunctionRegistry r;
  r.entries_ = overrides.entries_;
  for (const FunctionSpec& e : base.entries_) {
    auto ref = parse_function_ref(e.key);
    bool replaced = false;
    for (const FunctionSpec& o : overrides.entries_) {
      auto oref = parse_function_ref(o.key);
      if (ref && oref && ref->name == oref->name && ref->region == oref->region &&
          ref->account == oref->account && ref->qualifier == oref->qualifier) {
        replaced = true;
        break;
      }
    }
    if (!replaced) r.entries_.push_back(e);
  }
  r.index_entries();
  return r;
}

void FunctionRegistry::index_entries() {
  by_name_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) {
    auto ref = parse_function_ref(entries_[i].key);
    if (!ref) continue;  // from_entries rejected these; merge only combines validated registries
    by_name_[std::string(ref->name)].push_back(
        KeyParts{std::string(ref->region), std::string(ref->account), std::string(ref->qualifier), i});
  }
}

std::optional<size_t> FunctionRegistry::resolve(const FunctionRef& ref, std::string_view default_region,
                                                std::string_view default_account) const {
  auto it = by_name_.find(ref.name);
  if (it == by_name_.end()) return std::nullopt;
  std::string_view region = ref.region.empty() ? default_region : ref.region;
  std::string_view account = ref.account.empty() ? default_account : ref.account;
  std::string_view qualifier = ref.qualifier.empty() ? std::string_view("$LATEST") : ref.qualifier;
  std::optional<size_t> best;
  int best_score = -1;
  for (const KeyParts& k : it->second) {
    if (!k.region.empty() && k.region != region) continue;
    if (!k.account.empty() && k.account != account) continue;
    if (!k.qualifier.empty() && k.qualifier != qualifier) continue;
    int score = (k.qualifier.empty() ? 0 : 4) + (k.account.empty() ? 0 : 2) + (k.region.empty() ? 0 : 1);
    if (score > best_score) {
      best_score = score;
      best = k.index;
    }
  }
  return best;
}

}  // namespace sg::integrations
