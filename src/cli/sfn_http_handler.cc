#include "cli/sfn_http_handler.h"

#include <random>
#include <system_error>
#include <thread>

#include "api/api_error_messages.h"
#include "api/sfn_protocol.h"
#include "json/uuid.h"

namespace sg::cli {

namespace {

std::string request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng();
  return json::uuid_v4(hi, rng());
}

server::HttpResponse aws_response(const api::EncodedResponse& e) {
  server::HttpResponse r;
  r.status = e.status;
  r.content_type = std::string(api::kContentType);
  r.body = e.body;
  r.headers.emplace_back("x-amzn-RequestId", request_id());
  return r;
}

}  // namespace

void SfnHttpHandler::operator()(server::HttpRequest&& request, server::Responder respond) {
  answered_.fetch_add(1, std::memory_order_relaxed);
  if (s_.guardian && GuardianHttpHandler::handles(request))
    return s_.guardian->handle(std::move(request), std::move(respond));
  if (s_.events && EventsHttpHandler::handles(request))
    return s_.events->handle(std::move(request), std::move(respond));
  if (request.method == "GET" && (request.target == "/healthz" || request.target.starts_with("/healthz?"))) {
    server::HttpResponse r;
    r.body = R"({"status":"ok"})";
    return respond(std::move(r));
  }
  if (request.method == "GET") {
    server::HttpResponse r;
    r.status = 404;
    r.body = R"({"message":"Not Found"})";
    return respond(std::move(r));
  }
  auto call = api::decode_call(request.method, request.header("x-amz-target"), request.body);
  if (!call.ok()) return respond(aws_response(api::encode_error(call.error())));
  if (call->action == "TestState") return run_test_state(std::move(call->request), std::move(respond));
  run_on_loop(std::move(call->action), std::move(call->request), std::move(respond));
}

void SfnHttpHandler::run_on_loop(std::string action, json::Value request, server::Responder respond) {
  s_.loop->post([this, action = std::move(action), request = std::move(request),
                 respond = std::move(respond)]() mutable {
    engine::ServiceLoop* loop = s_.loop;
    auto reply = [loop, respond = std::move(respond)](api::ApiResult result) mutable {
      // The answer leaves once the batch that produced it is durable.
      loop->after_commit([respond = std::move(respond), result = std::move(result)](bool committed) {
        if (!committed) {
          respond(aws_response(api::encode_error(
              api::internal_failure("The store failed to save the change; it was not applied"))));
          return;
        }
        respond(aws_response(api::encode_result(result)));
      });
    };
    if (api::ExecutionActions::handles(action)) {
      s_.execution_actions->handle(action, request, loop->now(), std::move(reply));
    } else if (s_.registry_actions->handles(action)) {
      reply(s_.registry_actions->handle(action, request));
    } else {
      reply(api::unknown_operation(action));
    }
  });
}

void SfnHttpHandler::run_test_state(json::Value request, server::Responder respond) {
  // TestState may call a function and wait for it: never on an I/O or the loop thread.
  // The thread holds copies and shared owners, not the handler: it may outlive a
  // shutdown's grace period.
  {
    std::lock_guard<std::mutex> lock(test_states_->mu);
    if (test_states_->running >= kMaxConcurrentTestStates)
      return respond(aws_response(api::encode_error(api::api_error("ThrottlingException", "Rate exceeded"))));
    ++test_states_->running;
  }
  auto run = [runs = test_states_, context = s_.context, tasks = s_.tasks, request = std::move(request),
              respond]() mutable {
    api::TestStateEnv env;
    env.partition = context.partition;
    env.region = context.region;
    env.account = context.account;
    env.tasks = tasks.get();
    env.now_ms = engine::SystemClock().now_ms();
    env.seed = std::random_device{}();
    respond(aws_response(api::encode_result(api::test_state(request, env))));
    {
      std::lock_guard<std::mutex> lock(runs->mu);
      --runs->running;
    }
    runs->idle.notify_all();
  };
  try {
    std::thread(std::move(run)).detach();
  } catch (const std::system_error&) {  // no thread to be had: as busy as it gets
    {
      std::lock_guard<std::mutex> lock(test_states_->mu);
      --test_states_->running;
    }
    respond(aws_response(api::encode_error(api::api_error("ThrottlingException", "Rate exceeded"))));
  }
}

bool SfnHttpHandler::drain_test_states(std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(test_states_->mu);
  return test_states_->idle.wait_for(lock, limit, [&] { return test_states_->running == 0; });
}

}  // namespace sg::cli
