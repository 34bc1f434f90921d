// Storage of event buses and rules (with their targets) behind a small interface, so the
// EventBridge service can run on memory (tests) or on the durable store later.
//
// Contract: records are returned by value; lists are sorted by name; put_* inserts or
// replaces; delete_* of something absent is a no-op; delete_bus also deletes the bus's
// rules. Implementations need not be thread-safe: EventBusService serialises calls.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/value.h"

namespace sg::events {

struct BusRecord {
  std::string name;
  std::optional<std::string> description;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
};

struct RuleRecord {
  std::string bus;
  std::string name;
  std::optional<std::string> event_pattern;
  std::optional<std::string> schedule_expression;
  std::optional<std::string> description;
  std::optional<std::string> role_arn;
  std::string state = "ENABLED";
  std::vector<json::Value> targets;  // Target objects as the API takes and returns them
  int64_t created_ms = 0;
};

class EventBusStore {
 public:
  virtual ~EventBusStore() = default;
  virtual std::vector<BusRecord> buses() const = 0;
  virtual std::optional<BusRecord> bus(std::string_view name) const = 0;
  virtual void put_bus(const BusRecord& bus) = 0;
  virtual void delete_bus(std::string_view name) = 0;
  virtual std::vector<RuleRecord> rules(std::string_view bus) const = 0;
  virtual std::optional<RuleRecord> rule(std::string_view bus, std::string_view name) const = 0;
  virtual void put_rule(const RuleRecord& rule) = 0;
  virtual void delete_rule(std::string_view bus, std::string_view name) = 0;
};

class InMemoryEventBusStore final : public EventBusStore {
 public:
  std::vector<BusRecord> buses() const override {
    std::vector<BusRecord> out;
    for (const auto& [name, b] : buses_) out.push_back(b);
    return out;
  }
  std::optional<BusRecord> bus(std::string_view name) const override {
    auto it = buses_.find(std::string(name));
    if (it == buses_.end()) return std::nullopt;
    return it->second;
  }
  void put_bus(const BusRecord& bus) override { buses_[bus.name] = bus; }
  void delete_bus(std::string_view name) override {
    buses_.erase(std::string(name));
    for (auto it = rules_.begin(); it != rules_.end();) {
      it = it->first.first == name ? rules_.erase(it) : std::next(it);
    }
  }
  std::vector<RuleRecord> rules(std::string_view bus) const override {
    std::vector<RuleRecord> out;
    for (const auto& [key, r] : rules_) {
      if (key.first == bus) out.push_back(r);
    }
    return out;
  }
  std::optional<RuleRecord> rule(std::string_view bus, std::string_view name) const override {
    auto it = rules_.find({std::string(bus), std::string(name)});
    if (it == rules_.end()) return std::nullopt;
    return it->second;
  }
  void put_rule(const RuleRecord& rule) override { rules_[{rule.bus, rule.name}] = rule; }
  void delete_rule(std::string_view bus, std::string_view name) override {
    rules_.erase({std::string(bus), std::string(name)});
  }

 private:
  std::map<std::string, BusRecord> buses_;
  std::map<std::pair<std::string, std::string>, RuleRecord> rules_;
};

}  // namespace sg::events
