#include "cli/dashboard_handler.h"

#include <utility>

#include "cli/dashboard_assets.h"
#include "cli/graph_render.h"
#include "json/parse.h"
#include "server/http_query.h"

namespace sg::cli {

namespace {

server::HttpResponse message(int status, std::string_view text) {
  server::HttpResponse r;
  r.status = status;
  r.body = json::Value::object({{json::Value::string("message"), json::Value::string(text)}}).dump();
  return r;
}

server::HttpResponse asset(const DashboardAsset& a, bool html) {
  server::HttpResponse r;
  r.content_type = std::string(a.content_type);
  r.body = std::string(a.body);
  // The HTML is tiny and names the assets; the assets change only with the binary.
  r.headers.emplace_back("Cache-Control", html ? "no-cache" : "max-age=300");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

Result<std::string> registry_definition(const api::Registry& registry, std::string_view arn) {
  if (const api::StateMachineRecord* m = registry.find_state_machine(arn)) return m->config.definition;
  if (const api::VersionRecord* v = registry.find_version(arn)) return v->config.definition;
  std::string m = "State Machine Does Not Exist: '";
  m.append(arn).append("'");
  return Result<std::string>::Fail("NOT_FOUND", std::move(m));
}

DashboardHandler::DashboardHandler(DefinitionLookup lookup, server::SseOptions sse)
    : lookup_(std::move(lookup)), hub_(sse) {
  worker_ = std::thread([this] { render_loop(); });
}

DashboardHandler::~DashboardHandler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

bool DashboardHandler::handle(server::HttpRequest& request, server::Responder& respond) {
  std::string_view path = server::path_of(request.target);
  bool get = request.method == "GET" || request.method == "HEAD";
  if (get && (path == "/" || path == "/index.html" || path.starts_with("/state-machines/") ||
              path.starts_with("/executions/") || path == "/events/unmatched")) {
    const DashboardAsset* html = find_dashboard_asset("index.html");
    respond(html ? asset(*html, true) : message(500, "The dashboard was built without its assets"));
    return true;
  }
  if (get && path.starts_with("/ui/assets/")) {
    const DashboardAsset* a = find_dashboard_asset(path.substr(11));
    respond(a ? asset(*a, false) : message(404, "Not Found"));
    return true;
  }
  if (request.method == "GET" && path == "/guardian/api/events") {
    respond(hub_.open_stream());
    return true;
  }
  if (path == "/ui/api/graph") {
    if (request.method == "POST") {
      render_graph(std::move(request.body), std::move(respond));
      return true;
    }
    if (!get) return false;
    std::string arn = server::query_param(request.target, "stateMachineArn");
    if (arn.empty()) {
      respond(message(400, "stateMachineArn is required"));
      return true;
    }
    lookup_(std::move(arn), [this, respond = std::move(respond)](Result<std::string> definition) mutable {
      if (!definition.ok()) return respond(message(404, definition.error().message));
      render_graph(std::move(definition).value(), std::move(respond));
    });
    return true;
  }
  return false;
}

void DashboardHandler::publish(std::string_view event, const json::Value& data) {
  hub_.publish(event, data.dump());
}

void DashboardHandler::render_graph(std::string definition, server::Responder respond) {
  std::unique_lock lock(mu_);
  if (auto it = cache_index_.find(definition); it != cache_index_.end()) {
    cache_.splice(cache_.begin(), cache_, it->second);
    server::HttpResponse r;
    r.content_type = "image/svg+xml";
    r.body = it->second->second;
    lock.unlock();
    return respond(std::move(r));
  }
  if (jobs_.size() >= kMaxPendingGraphs) {
    lock.unlock();
    return respond(message(503, "Too many diagrams are being laid out; try again"));
  }
  jobs_.push_back(Job{std::move(definition), std::move(respond)});
  cv_.notify_one();
}

server::HttpResponse DashboardHandler::render_now(const std::string& definition) {
  Result<json::Value> doc = json::parse_json(definition);
  if (!doc.ok()) doc = json::parse_yaml(definition);
  if (!doc.ok()) return message(400, "The definition is not JSON: " + doc.error().message);
  Result<std::string> svg = render_definition(*doc, GraphFormat::kSvg);
  if (!svg.ok()) return message(svg.error().code == "INVALID_DEFINITION" ? 400 : 500, svg.error().message);
  server::HttpResponse r;
  r.content_type = "image/svg+xml";
  r.body = std::string(strip_svg_prolog(*svg));
  return r;
}

void DashboardHandler::render_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (stopping_) break;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    server::HttpResponse r = render_now(job.definition);
    lock.lock();
    if (r.status == 200 && !cache_index_.contains(job.definition)) {
      cache_.emplace_front(std::move(job.definition), r.body);
      cache_index_.emplace(cache_.front().first, cache_.begin());
      if (cache_.size() > kGraphCacheEntries) {
        cache_index_.erase(cache_.back().first);
        cache_.pop_back();
      }
    }
    lock.unlock();
    job.respond(std::move(r));
    lock.lock();
  }
  // Waiting requests are answered 500 by their dropped Responders.
  jobs_.clear();
}

}  // namespace sg::cli
