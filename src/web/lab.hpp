// The lab's request handlers, independent of the network: the JSON protocol (strictly
// validated), the registry of live simulations with its limits, and the idle reaper. server.cpp
// routes HTTP requests here; the unit tests call these functions directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "web/simulation.hpp"

namespace spinlab::web {

struct LabLimits {
  int max_sims = 8;          // concurrent simulations
  int max_size = 1024;       // largest L
  double idle_timeout_s = 60.0;  // a simulation with no stream and no command for this long stops
  size_t max_body = 4096;    // bytes of a request body
  double max_fps = 60.0;     // frame pacing per simulation
  int64_t max_updates_per_frame = int64_t{1} << 26;  // L^2 * sweeps_per_frame
};

/// The sizes the lab offers (squares L x L, all on the packed and the cluster lattice kernels).
inline constexpr int kLabSizes[] = {64, 128, 256, 512, 1024, 2048, 4096};

/// An HTTP status and a JSON body.
struct ApiResponse {
  int status = 200;
  std::string body;
};

/// {"error": message} with the given status.
ApiResponse api_error(int status, const std::string& message);

/// The chambers view's lattice side (chambers_preset()) and the largest L of the hysteresis view
/// (it rebuilds the model at every field value).
inline constexpr int kChambersL = 80;
inline constexpr int kMaxHysteresisL = 256;

/// Parses a create request (a JSON object with optional view, L, beta, algo, start,
/// sweeps_per_frame, seed, H, steps); throws InputError naming the offending field.
SimConfig parse_sim_config(const std::string& body, const LabLimits& limits);
/// Parses a command {"cmd": "set"|"start"|"pause"|"resume"|"step"|"probe"|"bonds"|"infer"|
/// "hysteresis", ...} for a simulation made with `config`; throws InputError.
SimCommand parse_command(const std::string& body, const SimConfig& config, const LabLimits& limits);
/// The same for a lattice-view simulation of side L.
SimCommand parse_command(const std::string& body, int L, const LabLimits& limits);

class Lab {
 public:
  explicit Lab(LabLimits limits) : limits_(limits) {}
  ~Lab() { shutdown(); }

  /// POST /api/sim: 200 {"id", "config"}; 400 bad request; 413 body too large; 503 at the cap.
  ApiResponse create(const std::string& body);
  /// POST /api/sim/ID/command: 200 {"ok": true}; 400; 404 unknown id; 413; 429 too many bond
  /// edits waiting.
  ApiResponse command(const std::string& id, const std::string& body);
  /// POST /api/sim/ID/close (and DELETE /api/sim/ID): 200; 404.
  ApiResponse close(const std::string& id);
  /// GET /api/exact?beta=B: Onsager's E/N, |M|/N, C/N for the infinite square lattice; 400.
  ApiResponse exact(const std::string& beta_text) const;
  /// GET /api/info: limits, sizes, algorithms, beta_c.
  ApiResponse info() const;

  /// The simulation behind id for a frame stream (nullptr when unknown or shutting down).
  std::shared_ptr<Simulation> find(const std::string& id);
  /// Stops simulations idle (no stream, no command) since before now - idle_timeout; returns
  /// how many.
  int reap_idle(std::chrono::steady_clock::time_point now);
  int count() const;
  bool stopping() const { return stopping_; }
  /// Stops every simulation and refuses new ones.
  void shutdown();
  const LabLimits& limits() const { return limits_; }

 private:
  LabLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Simulation>> sims_;
  bool stopping_ = false;
  uint64_t next_seed_ = 1;
};

}  // namespace spinlab::web
