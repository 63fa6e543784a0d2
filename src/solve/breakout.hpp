// Breakout Local Search for Ising ground states (Benlic & Hao, "Breakout local search for the
// max-cut problem", Eng. Appl. Artif. Intell. 26, 1162 (2013)): steepest descent to a local
// minimum, then a perturbation of adaptive size L (L grows by one each time the descent returns
// to the minimum it left, resets to L0 otherwise, and jumps to L_max after T minima without a new
// best), whose moves are chosen by tabu search (probability max(exp(-omega/T), P0), omega = minima
// since the last improvement), by recency (least recently flipped spin) or at random.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "core/model.hpp"
#include "core/rng.hpp"

namespace spinlab {

struct BreakoutOptions {
  double jump_min_fraction = 0.01;  // L0 = max(1, fraction * N)  (the paper's L0 = 0.01 N)
  double jump_max_fraction = 0.1;   // L_max = max(fraction * N, min(N/2, 10)) (the paper's 0.1 N;
                                    //   the floor keeps small systems from cycling)
  int64_t stagnation = 1000;        // T: minima without a new best before the strong jump
  double directed_min = 0.8;        // P0: lowest probability of a tabu-directed perturbation
  double recency = 0.5;             // Q: share of recency moves among undirected perturbations
  int32_t tenure_min = 3;           // tabu tenure of a perturbed spin: uniform in [tenure_min,
  double tenure_max_fraction = 0.1; //   max(tenure_min + 10, fraction * N)] (the paper's [3, N/10])
  int64_t max_moves = std::numeric_limits<int64_t>::max();
  double time_limit_s = std::numeric_limits<double>::infinity();
  std::optional<double> target_energy;
};

struct BreakoutResult {
  std::vector<Spin> best_state;
  double best_energy = std::numeric_limits<double>::infinity();
  double time_to_best_s = 0.0, time_s = 0.0;
  int64_t moves = 0, local_minima = 0;
  bool reached_target = false, stopped_by_time = false;
};

/// Breakout local search from `start`. `stop` (may be empty) is polled every few hundred moves;
/// `on_best` (may be empty) is called with every new best state, its energy and its time.
BreakoutResult breakout_local_search(const IsingModel& model, std::vector<Spin> start, const BreakoutOptions& options,
                                     Rng& rng, const std::function<bool()>& stop = {},
                                     const std::function<void(const std::vector<Spin>& state, double energy, double seconds)>& on_best = {});

}  // namespace spinlab
