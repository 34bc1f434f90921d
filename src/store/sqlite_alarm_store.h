// SqliteAlarmStore: the guardian's API-managed alarms, durable in the server's SQLite
// database (table guardian_alarms). Each row is one alarm created or updated through the
// alarms API: its name, its kind (MetricAlarm | CompositeAlarm), the PutMetricAlarm /
// PutCompositeAlarm request JSON that defined it, and its ActionsEnabled flag (changed by
// Enable/DisableAlarmActions). Alarm states are not stored (they restart INSUFFICIENT_DATA).
//
// Transactions: writes go through the SqliteStore's connection, so they join the batch the
// service loop has open and become durable with it; a failed write is reported to the
// SqliteStore (health(), the batch's commit fails). Outside a batch each write is its own
// transaction.
//
// Migration: open() creates the table when missing; older data directories open unchanged.
//
// Order: alarms() lists rows in the order the alarms were first created (an update keeps
// the position), so composites come after the children they were created against.
//
// Not thread-safe: the service loop's thread uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "json/value.h"
#include "store/sqlite_store.h"

namespace sg::store {

struct StoredAlarm {
  std::string name;
  std::string kind;  // MetricAlarm | CompositeAlarm
  json::Value request;
  bool actions_enabled = true;
};

class SqliteAlarmStore {
 public:
  // Creates the table when missing. `store` must outlive this object.
  static Result<std::unique_ptr<SqliteAlarmStore>> open(SqliteStore& store);
  ~SqliteAlarmStore();

  // Every stored alarm, oldest creation first. Fails with code "STORE".
  Result<std::vector<StoredAlarm>> alarms();
  // Inserts or replaces (by name) the definition; an update keeps the creation order.
  void put(const StoredAlarm& alarm);
  // Changes the flag of a stored alarm; no-op when the name is not stored.
  void set_actions_enabled(std::string_view name, bool enabled);
  // Removes a stored alarm; no-op when absent.
  void remove(std::string_view name);

 private:
  explicit SqliteAlarmStore(SqliteStore& store);
  struct Statements;
  SqliteStore& store_;
  std::unique_ptr<Statements> st_;
};

}  // namespace sg::store
