// One live simulation of the lab, swept on its own thread, publishing frames (bit-packed spins,
// E/N, |M|/N, running averages with errors, Onsager's values) and the view's statistics: the
// lattice view (a square periodic lattice, optionally a probe field), the chambers view (the
// 80 x 80 open box with walls the page may edit: correlation curves, the block map, the wall
// inference) or the hysteresis view (a uniform field swept up and down, the M-h loop).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace spinlab::web {

/// What a simulation starts with (already validated, see lab.hpp).
struct SimConfig {
  std::string view = "lattice";     // lattice | chambers | hysteresis
  int L = 256;
  double beta = 0.3;
  std::string algo = "metropolis";  // metropolis | heatbath | wolff | sw
  std::string start = "hot";        // hot (random) | cold (all -1)
  int sweeps_per_frame = 1;
  uint64_t seed = 1;
  double max_fps = 60.0;  // frames are paced to at most this rate
  // Hysteresis view: h runs -H -> +H -> -H in `steps` values per branch, one frame
  // (sweeps_per_frame sweeps) per value.
  double field_max = 1.0;
  int steps = 40;
};

/// A bond of the chambers lattice: (x, y) and its +x (dir 0) or +y (dir 1) neighbour.
using LabBond = std::array<int, 3>;

/// A change requested by the page; empty fields stay as they are.
struct SimCommand {
  std::optional<double> beta;
  std::optional<std::string> algo;
  std::optional<int> sweeps_per_frame;
  std::optional<std::string> start;  // restart hot or cold
  std::optional<bool> paused;
  int steps = 0;  // frames to run while paused
  // Probe view: a rectangle [x0, x1) x [y0, y1) (nullopt inside: remove it) and the field h on
  // its sites (energy term -h sum_{p in rect} s_p).
  std::optional<std::optional<std::array<int, 4>>> rect;
  std::optional<double> probe_h;
  // Chambers view: bonds to remove / put back (reset_bonds first: back to the preset's wall),
  // a wall inference now, and whether to repeat it every second.
  std::vector<LabBond> remove_bonds, restore_bonds;
  bool reset_bonds = false;
  bool infer = false;
  std::optional<bool> infer_auto;
  // Hysteresis view: a new amplitude H / number of steps (the loop starts again).
  std::optional<double> field_max;
  std::optional<int> steps_per_branch;
};

/// One published frame: the SSE payload (a JSON object) and its sequence number.
struct Frame {
  uint64_t seq = 0;
  std::shared_ptr<const std::string> json;
};

class Simulation {
 public:
  explicit Simulation(SimConfig config);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Starts the thread (the first frame follows at once).
  void start();
  /// Stops and joins the thread; wakes every waiting reader. Idempotent.
  void stop();
  bool stopped() const { return stop_.load(); }

  /// Queues a command (applied before the next frame); false (nothing queued) when more than
  /// kMaxPendingBonds bond edits are already waiting.
  bool post(const SimCommand& c);
  static constexpr size_t kMaxPendingBonds = 4 * 80 * 79 * 2;
  /// Waits up to timeout for a frame newer than after_seq; empty on timeout or stop.
  std::optional<Frame> wait_frame(uint64_t after_seq, std::chrono::milliseconds timeout);
  /// The latest frame (seq 0 and no json before the first).
  Frame latest() const;

  /// Bookkeeping for the lab's idle reaper.
  void touch() { last_activity_ns_.store(now_ns()); }
  std::chrono::steady_clock::time_point last_activity() const {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(last_activity_ns_.load()));
  }
  std::atomic<int> streams{0};

  const SimConfig& config() const { return config_; }

 private:
  static int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  void run();
  void run_loop();

  SimConfig config_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> last_activity_ns_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_commands_;  // the engine waits here while paused / pacing
  std::condition_variable cv_frames_;    // readers wait here
  SimCommand pending_;
  bool has_pending_ = false;
  Frame frame_;
};

}  // namespace spinlab::web
