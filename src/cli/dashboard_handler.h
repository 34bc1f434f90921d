// The web dashboard's HTTP routes (issue 6): the single-page app, its embedded assets, the
// live event feed and the diagram endpoint. `stepguard serve` asks it first; requests it
// does not claim go on to the Step Functions and guardian handlers.
//
//   GET /  /state-machines/NAME  /executions/ARN   the app's HTML (deep links load directly)
//   GET /events/unmatched                           the app's HTML too (the unmatched-events page)
//   GET /ui/assets/FILE                             an embedded file (cli/dashboard_assets.h)
//   GET /guardian/api/events                        server-sent events: "status" (a tile) and
//                                                   "alarm" (an alarm), see server/sse.h
//   GET /ui/api/graph?stateMachineArn=ARN           the machine's (or version's) diagram, SVG
//   POST /ui/api/graph  (body: a definition)        the diagram of that definition, SVG
//     Diagrams are laid out by Graphviz (cli/graph_render.h) on a worker thread of the
//     handler, never on an I/O or the loop thread; recent ones are cached by definition.
//     Errors: 400 {"message"} for a definition without States, 404 for an unknown ARN,
//     503 when kMaxPendingGraphs layouts are waiting.
//
// Thread-safe: handle() runs on I/O threads, publish() on the service loop.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "api/registry.h"
#include "common/result.h"
#include "json/value.h"
#include "server/http_server.h"
#include "server/sse.h"

namespace sg::cli {

inline constexpr size_t kMaxPendingGraphs = 64;
inline constexpr size_t kGraphCacheEntries = 128;

class DashboardHandler {
 public:
  // Finds the definition of a state machine or version ARN and calls `done` with it (from
  // any thread); error code "NOT_FOUND" for an unknown ARN.
  using DefinitionLookup =
      std::function<void(std::string arn, std::function<void(Result<std::string> definition)> done)>;

  explicit DashboardHandler(DefinitionLookup lookup, server::SseOptions sse = {});
  ~DashboardHandler();
  DashboardHandler(const DashboardHandler&) = delete;
  DashboardHandler& operator=(const DashboardHandler&) = delete;

  // True when the request is the dashboard's: it is then answered through `respond`
  // (moved from). False leaves both untouched.
  bool handle(server::HttpRequest& request, server::Responder& respond);

  // Sends a guardian change to every browser (GuardianService::Listener).
  void publish(std::string_view event, const json::Value& data);

  server::SseHub& events() { return hub_; }

 private:
  void render_graph(std::string definition, server::Responder respond);
  void render_loop();
  server::HttpResponse render_now(const std::string& definition);

  DefinitionLookup lookup_;
  server::SseHub hub_;

  struct Job {
    std::string definition;
    server::Responder respond;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;   // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  // Guarded by mu_: definition text -> SVG, least recently used at the back.
  std::list<std::pair<std::string, std::string>> cache_;
  std::unordered_map<std::string_view, std::list<std::pair<std::string, std::string>>::iterator> cache_index_;
  std::thread worker_;
};

// The definition of a state machine or version ARN in the registry (loop thread only);
// error code "NOT_FOUND".
Result<std::string> registry_definition(const api::Registry& registry, std::string_view arn);

}  // namespace sg::cli
