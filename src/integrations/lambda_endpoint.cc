#include "integrations/lambda_endpoint.h"

#include <cctype>

#include "integrations/http_function.h"

namespace sg::integrations {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// RFC 3986 unreserved characters stay; everything else is %XX.
void append_encoded(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

}  // namespace

bool is_lambda_endpoint_spec(std::string_view spec) {
  return starts_with_ci(spec, "lambda+http://") || starts_with_ci(spec, "lambda+https://");
}

std::string lambda_invoke_url(std::string_view endpoint, std::string_view function_name,
                              std::string_view qualifier) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  std::string url(endpoint);
  url += "/2015-03-31/functions/";
  append_encoded(url, function_name);
  url += "/invocations";
  if (!qualifier.empty()) {
    url += "?Qualifier=";
    append_encoded(url, qualifier);
  }
  return url;
}

std::unique_ptr<LocalFunction> make_lambda_endpoint_function(const std::string& endpoint,
                                                             const std::string& function_name,
                                                             std::string_view qualifier) {
  return std::make_unique<HttpFunction>(function_name, lambda_invoke_url(endpoint, function_name, qualifier));
}

}  // namespace sg::integrations
