// Statement: one prepared SQLite statement, owned (finalized on destruction), for the
// store's modules (sqlite_store, sqlite_event_bus_store, sqlite_alarm_store).
//
// Binding and stepping follow SQLite's C API: bind() by 1-based index, step() returns
// SQLite's code (SQLITE_ROW / SQLITE_DONE / an error), reset() makes the statement
// reusable and clears its bindings; run() is step + reset for writes and returns the
// step's code (SQLITE_ERROR when the statement failed to prepare). Column readers take a
// 0-based column of the current row. Not thread-safe: one connection, one thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace sg::store {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, const char* sql) {
    sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr);
  }
  ~Statement() { sqlite3_finalize(s_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }

  bool ok() const { return s_ != nullptr; }
  sqlite3_stmt* get() { return s_; }

  Statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }

  int step() { return sqlite3_step(s_); }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  int run() {
    int rc = s_ ? sqlite3_step(s_) : SQLITE_ERROR;
    reset();
    return rc;
  }

  std::string text(int col) {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  int64_t integer(int col) { return sqlite3_column_int64(s_, col); }

 private:
  sqlite3_stmt* s_ = nullptr;
};

}  // namespace sg::store
