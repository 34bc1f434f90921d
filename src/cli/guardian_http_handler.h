// The guardian's HTTP endpoints (docs/guardian.md), routed by path:
//
//   GET  /metrics                              Prometheus text format 0.0.4
//   GET  /guardian/api/state-machines          the traffic-light grid (?name=&status=&tag=k=v&offset=&limit=)
//   GET  /guardian/api/alarms                  every alarm's state (dashboard shape)
//   POST /guardian/api/alarms/<Action>         CloudWatch alarm actions, JSON body (PutMetricAlarm, ...)
//   POST /guardian/api/alarms                  the same with X-Amz-Target:
//   GraniteServiceVersion20100801.<Action> POST /guardian/api/metrics/statistics GetMetricStatistics-shaped
//   query
//
// Every request runs on the service loop (the guardian is loop-owned). Errors answer 400
// with {"__type": code, "message"} (404 for an unknown path under /guardian/api/).
// /guardian/api/events and the dashboard's pages are not handled here (handles() is false).
// Thread-safe: handle() may be called from any I/O thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "cli/guardian_service.h"
#include "engine/service_loop.h"
#include "server/http_server.h"

namespace sg::cli {

class GuardianHttpHandler {
 public:
  GuardianHttpHandler(engine::ServiceLoop& loop, GuardianService& guardian)
      : loop_(loop), guardian_(guardian) {}
  // True when the request is one of the paths above.
  static bool handles(const server::HttpRequest& request);
  void handle(server::HttpRequest&& request, server::Responder respond);
  // More Prometheus lines appended to /metrics (the event bus's delivery counters); called
  // on the loop thread. Set before the server takes requests.
  void set_extra_metrics(std::function<std::string()> extra) { extra_metrics_ = std::move(extra); }

 private:
  engine::ServiceLoop& loop_;
  GuardianService& guardian_;
  std::function<std::string()> extra_metrics_;
};

}  // namespace sg::cli
