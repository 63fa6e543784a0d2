// One-flip tabu search for Ising ground states (Glover's tabu search as used for QUBO and MaxCut,
// e.g. Kochenberger et al., J. Comb. Optim. 28, 58 (2014); the perturbation idea of Breakout
// Local Search, Benlic & Hao, Eng. Appl. Artif. Intell. 26, 1162 (2013)): every iteration flips
// the non-tabu spin with the lowest energy change (a tabu spin only if it beats the best state
// found), the flipped spin stays tabu for a few iterations, and after a long stretch without
// improvement the search restarts from the best state perturbed by random flips.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/rng.hpp"

namespace spinlab {

struct TabuOptions {
  int64_t max_iterations = std::numeric_limits<int64_t>::max();
  int64_t stall_iterations = 0;     // restart after this many without a new best; 0: 20 N
  int32_t tenure_base = 0;          // tabu tenure = base + uniform{0..tenure_rand}; 0: N / 10 + 3
  int32_t tenure_rand = 10;
  double perturb_fraction = 0.05;   // spins flipped at random when restarting from the best
  double time_limit_s = std::numeric_limits<double>::infinity();
  std::optional<double> target_energy;
};

struct TabuResult {
  std::vector<Spin> best_state;
  double best_energy = std::numeric_limits<double>::infinity();
  double time_to_best_s = 0.0, time_s = 0.0;
  int64_t iterations = 0, restarts = 0;
  bool reached_target = false, stopped_by_time = false;
};

/// Tabu search from `start` with random numbers from rng. `stop` (may be null) is polled every
/// few hundred iterations so that parallel searches can end together; `on_best` (may be empty)
/// is called with every new best energy and its time.
TabuResult tabu_search(const IsingModel& model, std::vector<Spin> start, const TabuOptions& options, Rng& rng,
                       const std::function<bool()>& stop = {},
                       const std::function<void(double energy, double seconds)>& on_best = {});

}  // namespace spinlab
