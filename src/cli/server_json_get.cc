#include "cli/server_json_get.h"

#include <curl/curl.h>

#include "json/parse.h"

namespace sg::cli {

namespace {

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

}  // namespace

Result<json::Value> get_server_json(const std::string& endpoint, std::string_view path,
                                    std::string_view required_key) {
  std::string url = endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url.append(path);
  CURL* curl = curl_easy_init();
  if (!curl) return Error{"HTTP", "cannot initialise libcurl"};
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    std::string m = "cannot reach the stepguard server at ";
    m.append(endpoint).append(": ").append(curl_easy_strerror(rc));
    m.append(" (is `stepguard serve` running? use --endpoint URL)");
    return Error{"UNREACHABLE", std::move(m)};
  }
  if (status != 200) {
    std::string m = "the server at ";
    m.append(endpoint).append(" answered HTTP ").append(std::to_string(status)).append(" for ").append(url);
    return Error{"HTTP", std::move(m)};
  }
  auto v = json::parse_json(body);
  if (!v.ok() || !v->is_object() || !v->find(required_key)) {
    std::string m = "the server at ";
    m.append(endpoint)
        .append(" did not answer ")
        .append(path)
        .append(" with '")
        .append(required_key)
        .append("'");
    return Error{"HTTP", std::move(m)};
  }
  return v;
}

}  // namespace sg::cli
