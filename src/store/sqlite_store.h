// SqliteStore: stepguard's embedded store, one SQLite database (WAL) under the data
// directory. It holds the API's resources (as JSON documents), definitions by hash, and for
// every Standard execution its row (status, dates, output...), its history events and its
// journal: the inputs (task results, timer firings, callbacks, stops) that drove it, which
// the engine replays to rebuild open executions after a restart.
//
// Transactions: the engine opens one per batch of work (begin()), writes everything the
// batch did, and commits once (commit()): one disk sync for many transitions (group
// commit). Reads see the batch's own writes. Writes outside begin()/commit() run in their
// own transaction.
//
// Checkpoints (copying the write-ahead log into the database file, and its disk sync) run
// on a thread of the store's own with a second connection, every 100 ms, so a commit
// rarely waits for one: the commit that takes the log past 4000 pages only finishes what
// is left, which lets the log start over.
//
// All SQL of the project lives in store/. Not thread-safe: one thread (the engine's) uses
// a store. Every method that can fail on I/O returns a Status/Result; a store whose disk
// failed keeps failing rather than pretending.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "json/value.h"
#include "store/resource_store.h"

struct sqlite3;

namespace sg::store {

struct SqliteOptions {
  // FULL: a commit survives power loss. NORMAL: a commit survives a crash of the process
  // (kill -9), not of the machine; faster on slow disks.
  bool sync_full = true;
};

struct ExecutionRow {
  int64_t id = 0;  // internal key (0 before insert)
  std::string arn;
  std::string state_machine_arn;  // unqualified
  std::string name;
  std::string status;  // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
  int64_t start_ms = 0;
  int64_t stop_ms = 0;  // 0 while running
  std::string version_arn, alias_arn;
  int64_t redrive_count = 0;
  json::Value doc;  // everything else (input, definition hash, seed, output, error, cause, ...)
};

struct ExecutionFilter {
  std::string state_machine_arn;  // unqualified
  std::string version_arn;        // when listing a version
  std::string alias_arn;          // when listing an alias
  std::string status;             // empty: any
  std::optional<bool> redriven;   // redriveFilter
  // Keyset pagination, newest first: rows strictly older than (start_ms, id).
  std::optional<std::pair<int64_t, int64_t>> before;
  int limit = 100;
};

class SqliteStore final : public ResourceStore {
 public:
  // Opens (creating when missing) `dir`/stepguard.db. Fails with code "STORE" naming the
  // file and SQLite's message, and when another store (in this process or another) has
  // the directory open: two servers on one directory would both resume, and both run,
  // every open execution. The directory stays locked (`dir`/stepguard.lock, flock) until
  // the store is destroyed; the OS releases it when the process dies.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& dir, const SqliteOptions& options = {});
  ~SqliteStore() override;

  Status begin();
  Status commit();
  bool in_transaction() const { return in_txn_; }

  // ResourceStore.
  void put_resource(std::string_view kind, std::string_view arn, const json::Value& doc) override;
  void delete_resource(std::string_view arn) override;
  std::vector<StoredResource> load_resources() override;

  // Definitions, stored once per distinct text.
  void put_definition(std::string_view hash, std::string_view text);
  std::optional<std::string> definition(std::string_view hash);

  // Executions. insert_execution() fills row.id.
  void insert_execution(ExecutionRow& row);
  void update_execution(const ExecutionRow& row);
  std::optional<ExecutionRow> find_execution(std::string_view arn);
  std::optional<ExecutionRow> find_execution_by_id(int64_t id);
  std::vector<ExecutionRow> list_executions(const ExecutionFilter& filter);
  std::vector<ExecutionRow> open_executions();  // RUNNING, oldest first

  // History events (JSON text of each event) and journal entries.
  void append_event(int64_t execution_id, int64_t event_id, std::string_view json);
  // Events with id in [from, to] (to 0: no upper bound), ascending or descending, at most limit.
  std::vector<std::string> events(int64_t execution_id, int64_t from, int64_t to, bool reverse, int limit);
  int64_t event_count(int64_t execution_id);
  void append_journal(int64_t execution_id, int64_t seq, std::string_view json);
  std::vector<std::string> journal(int64_t execution_id);

  // Deletes executions closed before `before_ms` with their events and journals, at most
  // 5,000 per call; returns how many.
  int64_t purge_closed_before(int64_t before_ms);

  // The first write error since open (writes inside a batch report through commit()).
  const Status& health() const { return health_; }

  // For tables of other modules sharing this database and its batches (the event bus's,
  // store/sqlite_event_bus_store.h): the connection (same thread rule as the store) and
  // the way to report a failed write, so health() and the batch's commit see it.
  sqlite3* connection() { return db_; }
  void report_write(int rc, const char* what) { note(rc, what); }

 private:
  void checkpoint_loop(std::string path);
  SqliteStore(sqlite3* db, int lock_fd);
  struct Statements;
  Status exec(const char* sql);
  void note(int rc, const char* what);

  sqlite3* db_;
  int lock_fd_ = -1;  // holds the data directory's lock
  std::unique_ptr<Statements> st_;
  bool in_txn_ = false;
  Status health_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;  // guarded by checkpoint_mu_
  std::thread checkpointer_;
};

}  // namespace sg::store
