#include "engine/service_loop.h"

#include <chrono>

namespace sg::engine {

namespace {
// A batch takes at most this much queued work before it commits, so replies to early
// requests in a burst do not wait for the whole burst.
constexpr size_t kMaxBatchItems = 512;
}  // namespace

int64_t SystemClock::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ServiceLoop::start() {
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

void ServiceLoop::post(std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    inbox_.push_back(std::move(work));
  }
  cv_.notify_one();
}

void ServiceLoop::after_commit(std::function<void(bool)> fn) { after_.push_back(std::move(fn)); }

void ServiceLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ServiceLoop::run() {
  std::deque<std::function<void()>> batch;
  for (;;) {
    bool last = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      for (;;) {
        if (!inbox_.empty() || stopping_) break;
        std::optional<int64_t> wake = hooks_.next_wakeup ? hooks_.next_wakeup() : std::nullopt;
        int64_t now = clock_.now_ms();
        if (wake && *wake <= now) break;
        if (wake) {
          // Sleep in slices: the wall clock may jump, and the timer may be far away.
          int64_t ms = std::min<int64_t>(*wake - now, 1000);
          cv_.wait_for(lock, std::chrono::milliseconds(ms));
        } else {
          cv_.wait_for(lock, std::chrono::milliseconds(1000));
        }
      }
      size_t n = std::min(inbox_.size(), kMaxBatchItems);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(inbox_.front()));
        inbox_.pop_front();
      }
      last = stopping_ && inbox_.empty();
    }
    now_ = clock_.now_ms();
    if (hooks_.begin_batch) {
      Status st = hooks_.begin_batch();
      if (!st.ok() && hooks_.on_commit_failure) hooks_.on_commit_failure(st.error());
    }
    for (auto& w : batch) w();
    batch.clear();
    now_ = std::max(now_, clock_.now_ms());
    if (hooks_.on_time) hooks_.on_time(now_);
    bool committed = true;
    if (hooks_.commit_batch) {
      Status st = hooks_.commit_batch();
      committed = st.ok();
      if (!committed && hooks_.on_commit_failure) hooks_.on_commit_failure(st.error());
    }
    std::vector<std::function<void(bool)>> after;
    after.swap(after_);
    for (auto& fn : after) fn(committed);
    if (last) return;
  }
}

}  // namespace sg::engine
