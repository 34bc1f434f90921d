#include "cli/events_http_handler.h"

#include <algorithm>
#include <cstdlib>
#include <random>

#include "json/parse.h"
#include "json/uuid.h"
#include "server/http_query.h"

namespace sg::cli {

namespace {

constexpr std::string_view kPrefix = "AWSEvents.";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";

server::HttpResponse reply(int status, std::string body) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  server::HttpResponse r;
  r.status = status;
  r.content_type = std::string(kContentType);
  r.body = std::move(body);
  uint64_t hi = rng();
  r.headers.emplace_back("x-amzn-RequestId", json::uuid_v4(hi, rng()));
  return r;
}

}  // namespace

bool EventsHttpHandler::handles(const server::HttpRequest& request) {
  if (request.method == "GET")
    return request.target == "/events/api/unmatched" ||
           request.target.starts_with("/events/api/unmatched?") ||
           request.target == "/events/api/schedules" || request.target.starts_with("/events/api/schedules?");
  return request.method == "POST" && request.header("x-amz-target").starts_with(kPrefix);
}

void EventsHttpHandler::handle(server::HttpRequest&& request, server::Responder respond) {
  if (request.method == "GET" && request.target.starts_with("/events/api/schedules")) {
    int count = 3;
    if (std::string c = server::query_param(request.target, "count"); !c.empty())
      count = std::clamp(std::atoi(c.c_str()), 1, 100);
    loop_.post([this, count, respond = std::move(respond)]() mutable {
      server::HttpResponse r;
      r.body = runtime_.schedules_json(count);
      respond(std::move(r));
    });
    return;
  }
  if (request.method == "GET") {
    server::HttpResponse r;
    r.body = runtime_.unmatched_json();
    return respond(std::move(r));
  }
  std::string action = request.header("x-amz-target").substr(kPrefix.size());
  std::string_view body = request.body;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) body = "{}";
  auto parsed = json::parse_json(body);
  if (!parsed.ok() || !parsed->is_object())
    return respond(
        reply(400, R"({"__type":"SerializationException","message":"The request body is not valid JSON"})"));
  loop_.post([this, action = std::move(action), req = std::move(parsed).value(),
              respond = std::move(respond)]() mutable {
    runtime_.call(action, req, [respond = std::move(respond)](int status, std::string out) {
      respond(reply(status, std::move(out)));
    });
  });
}

}  // namespace sg::cli
