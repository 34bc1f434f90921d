#include "cli/guardian_http_handler.h"

#include "json/parse.h"

namespace sg::cli {

namespace {

using json::Value;

constexpr std::string_view kApi = "/guardian/api/";
constexpr std::string_view kAlarmsPath = "/guardian/api/alarms";
constexpr std::string_view kTargetPrefix = "GraniteServiceVersion20100801.";

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view path_of(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

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

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos)
      out[decode(part)] = "";
    else
      out[decode(part.substr(0, eq))] = decode(part.substr(eq + 1));
  }
  return out;
}

bool GuardianHttpHandler::handles(const server::HttpRequest& request) {
  std::string_view path = path_of(request.target);
  if (path == "/metrics") return true;
  if (!path.starts_with(kApi)) return false;
  return !path.starts_with("/guardian/api/events");
}

void GuardianHttpHandler::handle(server::HttpRequest&& request, server::Responder respond) {
  loop_.post([this, request = std::move(request), respond = std::move(respond)]() mutable {
    std::string_view target = request.target;
    std::string_view path = path_of(target);
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
      return respond(json_response(200, guardian_.state_machines(parse_query(query))));
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
