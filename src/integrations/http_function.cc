#include "integrations/http_function.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace sg::integrations {

namespace {

using Exchange = detail::HttpExchange;
static_assert(sizeof(Exchange::errbuf) >= CURL_ERROR_SIZE);

constexpr size_t kQuotedBodyMax = 256;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * nmemb;
  if (ex->body.size() + n > kMaxResponseBytes) {
    ex->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  ex->body.append(data, n);
  return n;
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char a = line[i], b = name[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

size_t on_header(char* data, size_t size, size_t nmemb, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * nmemb;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) ex->function_error = false;  // a new response (after 1xx)
  if (header_is(line, "X-Amz-Function-Error")) ex->function_error = true;
  return n;
}

// libcurl honours these; the pipelining client does not speak to proxies, so it stands
// aside when one is configured.
bool proxy_configured() {
  for (const char* name : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) {
    const char* v = std::getenv(name);
    if (v && *v) return true;
  }
  return false;
}

std::string quote_body(std::string_view body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' '))
    body.remove_suffix(1);
  if (body.empty()) return "(empty body)";
  std::string out(body.substr(0, kQuotedBodyMax));
  if (body.size() > kQuotedBodyMax) out += "...";
  return out;
}

}  // namespace

HttpFunction::HttpFunction(std::string function_name, std::string url)
    : function_name_(std::move(function_name)),
      url_(std::move(url)),
      pipeline_(proxy_configured() ? std::nullopt : HttpPipeline::for_url(url_, kMaxResponseBytes)) {
  global_init();
  who_ = "local function '" + function_name_ + "' at " + url_;
  headers_ = curl_slist_append(headers_, "Content-Type: application/json");
  headers_ = curl_slist_append(headers_, "Accept: application/json");
  headers_ = curl_slist_append(headers_, "Expect:");
}

HttpFunction::~HttpFunction() {
  for (CURL* h : idle_) curl_easy_cleanup(h);
  curl_slist_free_all(headers_);
}

size_t HttpFunction::handles_created() const {
  std::lock_guard<std::mutex> lock(mu_);
  return created_;
}

CURL* HttpFunction::acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      CURL* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  CURL* h = curl_easy_init();
  if (!h) return nullptr;
  curl_easy_setopt(h, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "stepguard");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  std::lock_guard<std::mutex> lock(mu_);
  ++created_;
  return h;
}

void HttpFunction::release(CURL* h) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleHandles) {
      idle_.push_back(h);
      return;
    }
  }
  curl_easy_cleanup(h);
}

void HttpFunction::prepare(CURL* h, const FunctionCall& call, Exchange& ex) const {
  ex.errbuf[0] = '\0';
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ex.errbuf);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, call.event.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.event.size()));
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout_ms > 0 ? call.timeout_ms : 0));
}

FunctionOutcome HttpFunction::outcome(CURL* h, int code, const FunctionCall& call, Exchange& ex) const {
  CURLcode rc = static_cast<CURLcode>(code);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);

  if (ex.too_large) return response_too_large();
  if (rc == CURLE_OPERATION_TIMEDOUT && call.timeout_ms > 0)
    return FunctionOutcome::failure("States.Timeout", "");
  if (rc != CURLE_OK) return transport_failure(ex.errbuf[0] ? ex.errbuf : curl_easy_strerror(rc));
  curl_off_t announced = -1;
  curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
  if (announced >= 0 && static_cast<uint64_t>(announced) != ex.body.size()) {
    return transport_failure("the response ended after " + std::to_string(ex.body.size()) + " of the " +
                             std::to_string(announced) + " bytes its Content-Length announced");
  }
  return from_response(static_cast<int>(status), ex.function_error, ex.body, call);
}

FunctionOutcome HttpFunction::transport_failure(std::string_view message) const {
  std::string cause = "Unable to execute HTTP request: ";
  cause += message;
  cause += " (" + who_ + ")";
  return FunctionOutcome::failure("Lambda.SdkClientException", std::move(cause));
}

FunctionOutcome HttpFunction::from_response(int status, bool function_error, std::string_view body,
                                            const FunctionCall& call) const {
  if (status >= 200 && status < 300) return interpret_payload(body, function_error, who_);
  const char* code_name = status == 404   ? "ResourceNotFoundException"
                          : status == 429 ? "TooManyRequestsException"
                          : status >= 500 ? "ServiceException"
                                          : "AWSLambdaException";
  std::string cause = who_ + " answered HTTP " + std::to_string(status) + ": " + quote_body(body);
  cause += " (Service: AWSLambda; Status Code: " + std::to_string(status) + "; Error Code: " + code_name +
           "; Request ID: " + std::string(call.request_id) + "; Proxy: null)";
  return FunctionOutcome::failure(std::string("Lambda.") + code_name, std::move(cause));
}

FunctionOutcome HttpFunction::call(const FunctionCall& call) {
  CURL* h = acquire();
  if (!h) return no_client();
  Exchange ex;
  prepare(h, call, ex);
  if (call.withdrawn) {  // libcurl asks about once a second whether to go on
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, call.withdrawn);
    curl_easy_setopt(
        h, CURLOPT_XFERINFOFUNCTION, +[](void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
          return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0;
        });
  }
  CURLcode rc = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
  FunctionOutcome o = outcome(h, rc, call, ex);  // also detaches ex from the handle
  if (rc == CURLE_ABORTED_BY_CALLBACK) o = withdrawn_outcome();
  release(h);
  return o;
}

FunctionOutcome HttpFunction::no_client() const {
  return FunctionOutcome::failure("Lambda.SdkClientException", "Unable to create an HTTP client for " + who_);
}

// A batch to a plain-http URL goes through the pipelining client (one thread, a few
// connections); anything else (https, proxies, user info in the URL), or a second batch
// arriving while the first runs, takes the thread-per-call path.
void HttpFunction::call_all(std::span<const FunctionCall> calls, std::span<FunctionOutcome> outcomes,
                            size_t width, const Done& done) {
  std::unique_lock<std::mutex> lock(pipeline_mu_, std::try_to_lock);
  if (calls.size() <= 1 || width <= 1 || !pipeline_ || !lock.owns_lock()) {
    LocalFunction::call_all(calls, outcomes, width, done);
    return;
  }
  std::vector<PipelinedRequest> requests(calls.size());
  for (size_t i = 0; i < calls.size(); ++i)
    requests[i] = PipelinedRequest{calls[i].event, calls[i].timeout_ms, calls[i].withdrawn};
  std::vector<PipelinedResponse> responses(calls.size());
  pipeline_->post_all(requests, responses, width, [&](size_t i) {
    PipelinedResponse& r = responses[i];
    switch (r.kind) {
      case PipelinedResponse::Kind::kResponse:
        outcomes[i] = from_response(r.status, r.function_error, r.body, calls[i]);
        break;
      case PipelinedResponse::Kind::kTimeout:
        outcomes[i] = FunctionOutcome::failure("States.Timeout", "");
        break;
      case PipelinedResponse::Kind::kTooLarge:
        outcomes[i] = response_too_large();
        break;
      case PipelinedResponse::Kind::kTransportError:
        outcomes[i] = transport_failure(r.error);
        break;
      case PipelinedResponse::Kind::kWithdrawn:
        outcomes[i] = withdrawn_outcome();
        break;
    }
    if (done) done(i);
  });
}

}  // namespace sg::integrations
