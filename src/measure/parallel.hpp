// The two pieces every probe command's driver needs: independent tasks on a few threads (each
// task deterministic on its own, so results do not depend on the thread count) and a throttled
// progress callback fed from those threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace spinlab {

/// Runs task(0) .. task(count - 1) on min(threads, count) threads; the first exception thrown by
/// a task is rethrown after all threads have joined.
inline void parallel_tasks(int count, int threads, const std::function<void(int)>& task) {
  std::atomic<int> next{0};
  std::mutex mu;
  std::exception_ptr error;
  auto worker = [&] {
    for (int t = next++; t < count; t = next++) {
      try {
        task(t);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int k = 1; k < std::min(threads, count); ++k) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

/// Counts work done (from any thread) and calls `callback` with the fraction of `total` at most
/// every 250 ms (from whichever thread holds the lock; never concurrently).
class ProgressCounter {
 public:
  ProgressCounter(double total, const std::function<void(double)>& callback)
      : total_(std::max(total, 1.0)), cb_(callback), last_(std::chrono::steady_clock::now()) {}
  void add(int64_t k) {
    const int64_t d = done_ += k;
    if (!cb_) return;
    std::unique_lock lock(mu_, std::try_to_lock);
    if (lock.owns_lock() && std::chrono::steady_clock::now() - last_ > std::chrono::milliseconds(250)) {
      last_ = std::chrono::steady_clock::now();
      cb_(std::min(1.0, static_cast<double>(d) / total_));
    }
  }
  int64_t done() const { return done_; }

 private:
  double total_;
  const std::function<void(double)>& cb_;
  std::atomic<int64_t> done_{0};
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace spinlab
