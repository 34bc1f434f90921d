// The event bus's HTTP routes in `stepguard serve` (thin: decode, one call, encode).
//
//   POST / with X-Amz-Target: AWSEvents.<Action>   EventBridge's JSON 1.1 protocol: the
//        body (empty = {}) goes to EventsRuntime::call on the service loop; success is
//        200 with Content-Type application/x-amz-json-1.1, errors {"__type","message"}
//        with the error's status. Malformed JSON: 400 SerializationException.
//   GET /events/api/unmatched                       the unmatched-events ring, newest first
//   GET /events/api/schedules[?count=N]             scheduled rules and config schedules with
//        their next N (default 3, at most 100) fire times (EventsRuntime::schedules_json)
//
// handles() says whether a request is one of these (checked before the Step Functions
// decoder, which rejects other targets). Thread-safe: called from the I/O threads.
#pragma once

#include "cli/events_runtime.h"
#include "engine/service_loop.h"
#include "server/http_server.h"

namespace sg::cli {

class EventsHttpHandler {
 public:
  EventsHttpHandler(engine::ServiceLoop& loop, EventsRuntime& runtime) : loop_(loop), runtime_(runtime) {}
  static bool handles(const server::HttpRequest& request);
  void handle(server::HttpRequest&& request, server::Responder respond);

 private:
  engine::ServiceLoop& loop_;
  EventsRuntime& runtime_;
};

}  // namespace sg::cli
