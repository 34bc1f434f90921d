// HttpTaskExecutor: the TaskExecutor of `arn:aws:states:::http:invoke` (AWS's HTTP Task),
// calling the endpoint with the credentials of the connection named by
// Authentication.ConnectionArn (connections.h). Parameters and the request are described
// in http_task_request.h.
//
// Credentials, added after the definition's headers:
//   api_key   header NAME: VALUE
//   basic     Authorization: Basic base64(username:password)
//   oauth     Authorization: Bearer <token> (oauth_token_cache.h); on a 401 or 407 answer
//             the token is dropped, a new one fetched and the request sent once more.
//
// Result (success, any 2xx): {"Headers": {name: [values]}, "ResponseBody": <JSON or text>,
// "StatusCode": 200, "StatusText": "OK"} (http_task_request.h).
//
// Errors
//   non-2xx answer            States.Http.StatusCode.<code>; cause: the result object above
//                             as compact JSON (so a Catch can read it with
//                             States.StringToJson)
//   TimeoutSeconds passed     States.Timeout (empty cause), also for the execution's timeout
//   60 s without an answer    States.Http.Socket (AWS's hard limit for an HTTP Task)
//   connection failures       States.Http.Socket, cause "Unable to execute HTTP request:
//   (refused, DNS, TLS)       <curl's message> (<method> <endpoint>)"
//   body over 256 KiB         States.DataLimitExceeded
//   binary content type       States.Runtime (AWS does not support application/octet-stream,
//                             image/*, audio/*, video/* answers)
//   unknown ConnectionArn     Events.ConnectionResource.ResourceNotFound, cause naming the
//                             ARN and the config section to add it to
//   OAuth token failure       Events.ConnectionResource.InvalidConnectionState
//   bad Parameters            States.Runtime (http_task_request.h)
// Secrets are never written to causes or logs.
//
// invoke_all() runs a batch on up to max_concurrent_calls threads. A withdrawn call is
// skipped if not started, its transfer stopped otherwise. Thread-safe; set_connections()
// may swap the configuration (SIGHUP) while calls run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "engine/task_executor.h"
#include "integrations/connections.h"
#include "integrations/http_task_client.h"
#include "integrations/oauth_token_cache.h"

namespace sg::integrations {

// True for `arn:<partition>:states:::http:invoke` (the HTTP Task has no .sync or
// .waitForTaskToken form).
bool is_http_task_resource(std::string_view resource);

struct HttpTaskOptions {
  std::string region = "us-east-1";  // for the User-Agent
  std::function<int64_t()> now_ms;   // the OAuth cache's clock; null: system clock
  int max_concurrent_calls = 16;
  int64_t hard_timeout_ms = 60 * 1000;  // AWS's fixed limit (States.Http.Socket)
  size_t max_response_bytes = 262144;   // States.DataLimitExceeded beyond
};

class HttpTaskExecutor final : public engine::TaskExecutor {
 public:
  explicit HttpTaskExecutor(std::shared_ptr<const Connections> connections, HttpTaskOptions options = {});

  engine::TaskResult invoke(const engine::TaskRequest& request) override;
  void invoke_all(std::span<const engine::TaskRequest> requests, std::span<engine::TaskResult> results,
                  const Done& done) override;

  void set_connections(std::shared_ptr<const Connections> connections);
  const OAuthTokenCache& oauth_cache() const { return oauth_; }

 private:
  std::shared_ptr<const Connections> connections() const;
  engine::TaskResult send(const engine::TaskRequest& request, const Connection& connection, HttpCall call);

  HttpTaskOptions options_;
  OAuthTokenCache oauth_;
  mutable std::mutex mu_;
  std::shared_ptr<const Connections> connections_;  // guarded by mu_
};

}  // namespace sg::integrations
