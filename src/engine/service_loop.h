// ServiceLoop: the one thread that owns the server's state (registry, executions, store).
// Other threads hand it work with post(); it runs the work in batches, and each batch is
// one store transaction: begin, run every queued item and every due timer, commit, then
// run the batch's after_commit() callbacks (the API replies). So a reply is sent only
// once what it reports is durable, and one disk sync covers a whole batch (group commit).
//
// Thread safety: post() from any thread; everything else from the loop thread (inside
// posted work or hooks) except start()/stop().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/result.h"

namespace sg::engine {

// The time source of the server: the wall clock in production, a manual one in tests.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() = 0;  // epoch milliseconds
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() override;
};

struct LoopHooks {
  std::function<Status()> begin_batch;                  // opens the batch's transaction
  std::function<Status()> commit_batch;                 // commits it (failure: logged by the owner)
  std::function<void(int64_t now_ms)> on_time;          // fires what is due
  std::function<std::optional<int64_t>()> next_wakeup;  // earliest due time, if any
  std::function<void(const Error&)> on_commit_failure;  // the store failed
};

class ServiceLoop {
 public:
  ServiceLoop(Clock& clock, LoopHooks hooks) : clock_(clock), hooks_(std::move(hooks)) {}
  ~ServiceLoop() { stop(); }
  ServiceLoop(const ServiceLoop&) = delete;
  ServiceLoop& operator=(const ServiceLoop&) = delete;

  void start();
  // Runs `work` on the loop thread in the next batch. After stop(), work is dropped.
  void post(std::function<void()> work);
  // Loop thread only: runs `fn(committed)` once the current batch has been committed
  // (committed = true) or has failed to commit (false: answer with an internal error).
  void after_commit(std::function<void(bool committed)> fn);
  // Runs what is queued, commits, and joins the thread. Idempotent.
  void stop();
  // Loop thread only: the time of the current batch.
  int64_t now() const { return now_; }

 private:
  void run();

  Clock& clock_;
  LoopHooks hooks_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> inbox_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  bool started_ = false;
  std::vector<std::function<void(bool)>> after_;  // loop thread only
  int64_t now_ = 0;
  std::thread thread_;
};

}  // namespace sg::engine
