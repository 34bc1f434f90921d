#include "cli/guardian_http_handler.h"

#include "json/parse.h"
#include "server/http_query.h"

namespace sg::cli {

namespace {

using json::Value;

constexpr std::string_view kApi = "/guardian/api/";
constexpr std::string_view kAlarmsPath = "/guardian/api/alarms";
constexpr std::string_view kTargetPrefix = "GraniteServiceVersion20100801.";

server::HttpResponse json_response(int status, const Value& v) {
  server::HttpResponse r;
  r.status = status;
  r.body = v.dump();
  return r;
}

server::HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  return json_response(status, Value::object({{Value::string("__type"), Value::string(code)},
                                              {Value::string("message"), Value::string(message)}}));
}

}  // namespace

bool GuardianHttpHandler::handles(const server::HttpRequest& request) {
  std::string_view path = server::path_of(request.target);
  if (path == "/metrics") return true;
  if (!path.starts_with(kApi)) return false;
  return !path.starts_with("/guardian/api/events");
}

void GuardianHttpHandler::handle(server::HttpRequest&& request, server::Responder respond) {
  loop_.post([this, request = std::move(request), respond = std::move(respond)]() mutable {
    std::string_view target = request.target;
    std::string_view path = server::path_of(target);
    std::string_view query =
        path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view();
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (path == "/metrics" && get) {
      server::HttpResponse r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = guardian_.prometheus_text();
      if (extra_metrics_) r.body += extra_metrics_();
      return respond(std::move(r));
    }
    if (path == "/guardian/api/state-machines" && get)
      return respond(json_response(200, guardian_.state_machines(server::parse_query(query))));
    if (path == kAlarmsPath && get) return respond(json_response(200, guardian_.alarms_summary()));
    if (request.method != "POST") return respond(error_response(404, "NotFound", "Not Found"));
    Value body = Value::empty_object();
    if (!request.body.empty()) {
      auto parsed = json::parse_json(request.body);
      if (!parsed.ok() || !parsed->is_object())
        return respond(
            error_response(400, "SerializationException", "The request body must be a JSON object"));
      body = std::move(parsed).value();
    }
    if (path == "/guardian/api/metrics/statistics") {
      auto r = guardian_.metric_statistics(body);
      if (!r.ok()) return respond(error_response(400, r.error().code, r.error().message));
      return respond(json_response(200, *r));
    }
    std::string action;
    if (path == kAlarmsPath) {
      std::string t = request.header("x-amz-target");
      if (!t.starts_with(kTargetPrefix))
        return respond(error_response(400, "MissingAction",
                                      "POST /guardian/api/alarms/<Action>, or X-Amz-Target: "
                                      "GraniteServiceVersion20100801.<Action>"));
      action = t.substr(kTargetPrefix.size());
    } else if (path.starts_with(kAlarmsPath) && path[kAlarmsPath.size()] == '/') {
      action = std::string(path.substr(kAlarmsPath.size() + 1));
    } else {
      return respond(error_response(404, "NotFound", "Not Found"));
    }
    auto r = guardian_.alarm_action(action, body, loop_.now());
    if (!r.ok()) return respond(error_response(400, r.error().code, r.error().message));
    // Answer once the batch (with the stored alarm changes) is committed.
    loop_.after_commit([respond = std::move(respond), reply = json_response(200, *r)](bool committed) {
      respond(committed ? reply : error_response(500, "InternalFailure", "the store failed to commit"));
    });
  });
}

}  // namespace sg::cli
