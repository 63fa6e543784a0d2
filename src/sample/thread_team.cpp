#include "sample/thread_team.hpp"

#include "core/error.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace spinlab {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

// About 10-50 microseconds of polling before sleeping: long enough to catch the next pass of a
// running sweep, short enough not to matter when the core is wanted elsewhere.
constexpr int kSpins = 2000;

}  // namespace

ThreadTeam::ThreadTeam(int n) : n_(n) {
  if (n < 1 || n > 1024) throw InputError("threads must be between 1 and 1024");
  for (int t = 1; t < n; ++t) threads_.emplace_back([this, t] { worker(t); });
}

ThreadTeam::~ThreadTeam() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_cv_.notify_all();
  for (auto& th : threads_) th.join();
}

void ThreadTeam::run(const std::function<void(int, int)>& f) {
  if (n_ == 1) {
    f(0, 1);
    return;
  }
  {
    std::lock_guard lock(mu_);
    task_ = &f;
    remaining_.store(n_ - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_cv_.notify_all();
  f(0, n_);
  for (int i = 0; i < kSpins && remaining_.load(std::memory_order_acquire) != 0; ++i) cpu_relax();
  if (remaining_.load(std::memory_order_acquire) != 0) {
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [this] { return remaining_.load(std::memory_order_acquire) == 0; });
  }
}

void ThreadTeam::worker(int t) {
  uint64_t seen = 0;
  for (;;) {
    uint64_t g = generation_.load(std::memory_order_acquire);
    for (int i = 0; i < kSpins && g == seen; ++i) {
      cpu_relax();
      g = generation_.load(std::memory_order_acquire);
    }
    if (g == seen) {
      std::unique_lock lock(mu_);
      start_cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      g = generation_.load(std::memory_order_acquire);
    }
    seen = g;
    const std::function<void(int, int)>* task;
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      task = task_;
    }
    (*task)(t, n_);
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mu_);
      done_cv_.notify_one();
    }
  }
}

}  // namespace spinlab
