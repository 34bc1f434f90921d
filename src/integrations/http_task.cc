#include "integrations/http_task.h"

#include <algorithm>

#include "common/parallel_for.h"
#include "integrations/http_task_request.h"

namespace sg::integrations {

namespace {

using engine::TaskResult;

bool binary_content_type(const HttpReply& reply) {
  const std::string* ct = reply.header("Content-Type");
  if (!ct) return false;
  std::string t;
  for (char c : *ct) {
    if (c == ';') break;
    t += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t == "application/octet-stream" || t.starts_with("image/") || t.starts_with("audio/") ||
         t.starts_with("video/");
}

// Strips user info from a URL for messages ("https://user:pw@host" -> "https://host").
std::string safe_url(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t host_end = url.find_first_of("/?#", scheme + 3);
  size_t at = url.rfind('@', host_end == std::string::npos ? url.size() : host_end);
  if (at == std::string::npos || at < scheme) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

}  // namespace

bool is_http_task_resource(std::string_view resource) {
  if (!resource.starts_with("arn:")) return false;
  size_t colon = resource.find(':', 4);
  if (colon == std::string_view::npos) return false;
  return resource.substr(colon) == ":states:::http:invoke";
}

HttpTaskExecutor::HttpTaskExecutor(std::shared_ptr<const Connections> connections, HttpTaskOptions options)
    : options_(std::move(options)), oauth_(options_.now_ms), connections_(std::move(connections)) {
  if (!connections_) connections_ = std::make_shared<const Connections>();
}

void HttpTaskExecutor::set_connections(std::shared_ptr<const Connections> connections) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_ = connections ? std::move(connections) : std::make_shared<const Connections>();
}

std::shared_ptr<const Connections> HttpTaskExecutor::connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_;
}

TaskResult HttpTaskExecutor::invoke(const engine::TaskRequest& request) {
  if (request.is_withdrawn()) return withdrawn_result();
  if (!is_http_task_resource(request.resource)) {
    return TaskResult::failure("States.Runtime", "The HTTP Task executor has no integration for resource '" +
                                                     std::string(request.resource) + "'");
  }
  std::shared_ptr<const Connections> conns = connections();
  std::string_view arn = http_task_connection_arn(request.parameters);
  const Connection* connection = arn.empty() ? nullptr : conns->find(arn);
  auto built = build_http_task_request(request.parameters, connection, options_.region);
  if (!built) return TaskResult::failure(built.error().error, built.error().cause);
  if (!connection) {
    std::string cause = "Connection '";
    cause += arn;
    cause += "' is not configured: add its credentials under `connections:` in the config file";
    return TaskResult::failure("Events.ConnectionResource.ResourceNotFound", std::move(cause));
  }
  return send(request, *connection, std::move(built->call));
}

TaskResult HttpTaskExecutor::send(const engine::TaskRequest& request, const Connection& connection,
                                  HttpCall call) {
  // The smallest of the Task's TimeoutSeconds, the execution's time left and AWS's limit.
  int64_t limit = options_.hard_timeout_ms;
  bool task_limit = false;
  if (request.timeout_seconds && *request.timeout_seconds * 1000 <= limit) {
    limit = *request.timeout_seconds * 1000;
    task_limit = true;
  }
  if (request.time_left_ms > 0 && request.time_left_ms <= limit) {
    limit = request.time_left_ms;
    task_limit = true;
  }
  call.timeout_ms = std::max<int64_t>(limit, 1);
  call.max_response_bytes = options_.max_response_bytes;
  call.withdrawn = request.withdrawn;

  switch (connection.kind) {
    case Connection::Kind::kApiKey:
      call.headers.emplace_back(connection.api_key_name, connection.api_key_value);
      break;
    case Connection::Kind::kBasic: {
      std::string pair = connection.username;
      pair += ':';
      pair += connection.password;
      call.headers.emplace_back("Authorization", "Basic " + base64_encode(pair));
      break;
    }
    case Connection::Kind::kOAuth:
      break;
  }

  HttpReply reply;
  for (int attempt = 0;; ++attempt) {
    HttpCall c = call;
    if (connection.kind == Connection::Kind::kOAuth) {
      OAuthToken tok = oauth_.token(connection);
      if (!tok.ok) return TaskResult::failure(tok.error, tok.cause);
      c.headers.emplace_back("Authorization", "Bearer " + tok.access_token);
    }
    reply = send_http(c);
    bool unauthorized =
        reply.kind == HttpReply::Kind::kResponse && (reply.status == 401 || reply.status == 407);
    if (connection.kind == Connection::Kind::kOAuth && unauthorized && attempt == 0) {
      oauth_.invalidate(connection);  // a revoked or expired token: fetch a new one, once
      continue;
    }
    break;
  }

  switch (reply.kind) {
    case HttpReply::Kind::kWithdrawn:
      return withdrawn_result();
    case HttpReply::Kind::kTimeout:
      if (task_limit) return TaskResult::failure("States.Timeout", "");
      return TaskResult::failure("States.Http.Socket",
                                 "The HTTP request to " + safe_url(call.url) + " timed out after " +
                                     std::to_string(options_.hard_timeout_ms / 1000) + " seconds");
    case HttpReply::Kind::kTooLarge:
      return TaskResult::failure("States.DataLimitExceeded",
                                 "The HTTP response exceeds the maximum number of bytes service limit.");
    case HttpReply::Kind::kTransportError:
      return TaskResult::failure("States.Http.Socket", "Unable to execute HTTP request: " + reply.error +
                                                           " (" + call.method + " " + safe_url(call.url) +
                                                           ")");
    case HttpReply::Kind::kResponse:
      break;
  }
  if (binary_content_type(reply)) {
    return TaskResult::failure(
        "States.Runtime",
        "The HTTP Task does not support responses of content type '" + *reply.header("Content-Type") + "'");
  }
  json::Value result = http_task_result(reply);
  if (reply.status >= 200 && reply.status < 300) return TaskResult::success(std::move(result));
  return TaskResult::failure("States.Http.StatusCode." + std::to_string(reply.status), result.dump());
}

void HttpTaskExecutor::invoke_all(std::span<const engine::TaskRequest> requests,
                                  std::span<TaskResult> results, const Done& done) {
  std::mutex done_mu;
  size_t width = static_cast<size_t>(std::max(1, options_.max_concurrent_calls));
  parallel_for(requests.size(), width, [&](size_t i) {
    results[i] = requests[i].is_withdrawn() ? withdrawn_result() : invoke(requests[i]);
    std::lock_guard<std::mutex> lock(done_mu);
    if (done) done(i);
  });
}

}  // namespace sg::integrations
