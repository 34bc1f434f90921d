// parallel_for(n, width, fn): calls fn(i) once for every i in [0, n), on up to `width`
// threads (the calling thread is one of them), and returns when every call has returned.
// Indices are handed out in increasing order. fn must not throw. With n <= 1 or
// width <= 1 everything runs on the calling thread, in order.
//
// Threads are started per call: callers batch work (a Map's worth of task calls), so the
// start-up cost (tens of microseconds per thread) is small beside the calls themselves.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace sg {

template <typename Fn>
void parallel_for(size_t n, size_t width, Fn&& fn) {
  if (n <= 1 || width <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1, std::memory_order_relaxed); i < n;
         i = next.fetch_add(1, std::memory_order_relaxed))
      fn(i);
  };
  size_t helpers = std::min(n, width) - 1;
  std::vector<std::jthread> threads;
  threads.reserve(helpers);
  for (size_t t = 0; t < helpers; ++t) threads.emplace_back(work);
  work();
}  // the jthreads join here

}  // namespace sg
