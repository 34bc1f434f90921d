#include "integrations/http_task_client.h"

#include <curl/curl.h>

#include <mutex>

namespace sg::integrations {

namespace {

struct Exchange {
  HttpReply* reply = nullptr;
  size_t max_body = 0;
  bool too_large = false;
  char errbuf[CURL_ERROR_SIZE];
};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * nmemb;
  if (ex->reply->body.size() + n > ex->max_body) {
    ex->too_large = true;
    return 0;  // aborts the transfer
  }
  ex->reply->body.append(data, n);
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

size_t on_header(char* data, size_t size, size_t nmemb, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * nmemb;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {  // a new response (after 1xx): forget the previous one
    ex->reply->headers.clear();
    ex->reply->status_text.clear();
    size_t sp1 = line.find(' ');
    size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 != std::string_view::npos) ex->reply->status_text = std::string(trim(line.substr(sp2 + 1)));
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;
  ex->reply->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                  std::string(trim(line.substr(colon + 1))));
  return n;
}

int on_progress(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const std::string* HttpReply::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

HttpReply send_http(const HttpCall& call) {
  global_init();
  HttpReply reply;
  if (call.withdrawn && call.withdrawn->load()) {
    reply.kind = HttpReply::Kind::kWithdrawn;
    return reply;
  }
  CURL* h = curl_easy_init();
  if (!h) {
    reply.error = "could not create an HTTP client";
    return reply;
  }
  Exchange ex;
  ex.reply = &reply;
  ex.max_body = call.max_response_bytes;
  ex.errbuf[0] = '\0';

  curl_slist* headers = nullptr;
  for (const auto& [k, v] : call.headers) {
    std::string line = k;
    line += v.empty() ? ";" : ": ";  // "Name;" is libcurl's spelling of an empty header
    line += v;
    headers = curl_slist_append(headers, line.c_str());
  }
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(h, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ex.errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout_ms > 0 ? call.timeout_ms : 0));
  if (call.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (call.send_body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    if (call.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else if (call.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  if (call.withdrawn) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, call.withdrawn);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  }

  CURLcode rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  if (ex.too_large) {
    reply.kind = HttpReply::Kind::kTooLarge;
  } else if (rc == CURLE_ABORTED_BY_CALLBACK) {
    reply.kind = HttpReply::Kind::kWithdrawn;
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    reply.kind = HttpReply::Kind::kTimeout;
  } else if (rc != CURLE_OK) {
    reply.kind = HttpReply::Kind::kTransportError;
    reply.error = ex.errbuf[0] ? ex.errbuf : curl_easy_strerror(rc);
  } else {
    reply.kind = HttpReply::Kind::kResponse;
  }
  curl_easy_cleanup(h);
  curl_slist_free_all(headers);
  return reply;
}

}  // namespace sg::integrations
