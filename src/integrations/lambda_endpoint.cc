#include "integrations/lambda_endpoint.h"

#include "integrations/function_registry.h"
#include "integrations/http_function.h"
#include "integrations/http_task_client.h"
#include "integrations/url_encoding.h"

namespace sg::integrations {

bool is_lambda_endpoint_spec(std::string_view spec) {
  constexpr std::string_view kPrefix = "lambda+";
  return spec.size() > kPrefix.size() && iequals(spec.substr(0, kPrefix.size()), kPrefix) &&
         is_url_spec(spec.substr(kPrefix.size()));
}

std::string lambda_invoke_url(std::string_view endpoint, std::string_view function_name,
                              std::string_view qualifier) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  std::string url(endpoint);
  url += "/2015-03-31/functions/";
  url += percent_encode(function_name);
  url += "/invocations";
  if (!qualifier.empty()) {
    url += "?Qualifier=";
    url += percent_encode(qualifier);
  }
  return url;
}

std::unique_ptr<LocalFunction> make_lambda_endpoint_function(const std::string& endpoint,
                                                             const std::string& function_name,
                                                             std::string_view qualifier) {
  return std::make_unique<HttpFunction>(function_name, lambda_invoke_url(endpoint, function_name, qualifier));
}

}  // namespace sg::integrations
