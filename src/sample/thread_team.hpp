// A small team of persistent threads for data-parallel passes over a lattice: run(f) calls
// f(t, n) on every member t < n (the caller is member 0) and returns when all have finished.
// Waiting threads spin briefly, then sleep on a condition variable, so a team never burns a core
// that another process needs (OpenMP's spinning barriers made 2-thread sweeps 10x slower than
// 1 thread when the second core was busy).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace spinlab {

class ThreadTeam {
 public:
  explicit ThreadTeam(int n);
  ~ThreadTeam();
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  int size() const { return n_; }
  void run(const std::function<void(int t, int n)>& f);

 private:
  void worker(int t);

  int n_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int, int)>* task_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> remaining_{0};
  bool stop_ = false;
};

}  // namespace spinlab
