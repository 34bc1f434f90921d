// History events as AWS's GetExecutionHistory shapes them.
#pragma once

#include <cstdint>
#include <string>

#include "json/value.h"

namespace sg::engine {

struct HistoryEvent {
  int64_t id = 0;  // 1-based, consecutive
  int64_t previous_event_id = 0;
  int64_t timestamp_ms = 0;  // epoch milliseconds
  std::string type;          // "ExecutionStarted", "TaskStateEntered", ...
  std::string details_key;   // "executionStartedEventDetails", ... ; empty when none
  json::Value details;       // object; payload fields (input/output) are JSON strings

  // {"timestamp":..,"type":..,"id":..,"previousEventId":..,"<details_key>":{..}}
  // with the timestamp as epoch seconds (a number), as the AWS JSON protocol sends it.
  json::Value to_json() const;
};

class HistorySink {
 public:
  virtual ~HistorySink() = default;
  virtual void on_event(const HistoryEvent& event) = 0;
};

}  // namespace sg::engine
