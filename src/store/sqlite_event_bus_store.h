// SqliteEventBusStore: the event bus's durable state in the server's SQLite database —
// buses, rules with their targets (events::EventBusStore), the correlation waiters of
// `events:waitForEvent` tasks, and the last fire time of each scheduled rule.
//
// Transactions: it writes through the SqliteStore's connection, so its writes join the
// batch the service loop has open (begin()/commit()) and become durable with it; a failed
// write is reported to the SqliteStore (health(), the batch's commit fails). Outside a
// batch each write is its own transaction.
//
// Migration: open() creates its tables when missing, so data directories written before
// the event bus existed open unchanged and gain empty tables.
//
// Reads come from memory (everything is loaded by open() and written through), so
// matching an event costs no SQL. If a batch fails to commit, memory keeps the change the
// disk lost until the next restart (the batch's caller already answered with an error).
//
// Not thread-safe: the service loop's thread uses it (EventBusService serialises its own
// calls on top).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "events/event_bus_store.h"
#include "store/sqlite_store.h"

namespace sg::store {

// A task waiting for an event: registered under (bus, key).
struct EventWaiter {
  int64_t id = 0;  // assigned by add_waiter(); grows with every registration
  std::string bus;
  std::string key;
  std::string token;          // the task token to complete
  std::string execution_arn;  // the waiting execution
  std::string pattern;        // EventBridge pattern text the event must match ("" = any)
  std::string key_path;       // where the key is in incoming events ("" = the bus default)
  int64_t created_ms = 0;
};

class SqliteEventBusStore final : public events::EventBusStore {
 public:
  // Creates the tables when missing and loads them. `store` must outlive this object.
  static Result<std::unique_ptr<SqliteEventBusStore>> open(SqliteStore& store);
  ~SqliteEventBusStore() override;

  // events::EventBusStore.
  std::vector<events::BusRecord> buses() const override;
  std::optional<events::BusRecord> bus(std::string_view name) const override;
  void put_bus(const events::BusRecord& bus) override;
  void delete_bus(std::string_view name) override;
  std::vector<events::RuleRecord> rules(std::string_view bus) const override;
  std::optional<events::RuleRecord> rule(std::string_view bus, std::string_view name) const override;
  void put_rule(const events::RuleRecord& rule) override;
  void delete_rule(std::string_view bus, std::string_view name) override;

  // Correlation waiters. add_waiter() fills w.id; waiters(bus, key) lists them oldest
  // first; remove_* of something absent is a no-op; remove_waiters_of() drops every
  // registration of an execution (it ended) and returns how many.
  void add_waiter(EventWaiter& w);
  std::vector<EventWaiter> waiters(std::string_view bus, std::string_view key) const;
  std::vector<EventWaiter> all_waiters() const;  // oldest first
  void remove_waiter(int64_t id);
  size_t remove_waiters_of(std::string_view execution_arn);
  size_t waiter_count() const { return waiters_.size(); }
  // The distinct key paths of the waiters on `bus` (usually one).
  std::vector<std::string> key_paths(std::string_view bus) const;

  // Scheduled rules: the last time each fired (epoch ms).
  std::optional<int64_t> last_fire(std::string_view bus, std::string_view rule) const;
  void set_last_fire(std::string_view bus, std::string_view rule, int64_t ms);

 private:
  explicit SqliteEventBusStore(SqliteStore& store);
  struct Statements;
  void done(int rc, const char* what);

  SqliteStore& store_;
  std::unique_ptr<Statements> st_;
  std::map<std::string, events::BusRecord, std::less<>> buses_;
  std::map<std::pair<std::string, std::string>, events::RuleRecord> rules_;
  std::map<int64_t, EventWaiter> waiters_;  // by id = age
  std::multimap<std::pair<std::string, std::string>, int64_t> waiters_by_key_;
  std::multimap<std::string, int64_t, std::less<>> waiters_by_execution_;
  std::map<std::pair<std::string, std::string>, int64_t> key_path_counts_;  // (bus, path) -> waiters
  void remember_waiter(const EventWaiter& w);                               // memory only
  void forget_waiter(int64_t id);                                           // memory only
  std::map<std::pair<std::string, std::string>, int64_t> last_fire_;
  int64_t next_waiter_id_ = 1;
};

}  // namespace sg::store
