// Simulated annealing for Ising ground states (and so QUBO / MaxCut): Metropolis sweeps in index
// order along a schedule of inverse temperatures, many independent reads in parallel. Parameter
// names follow D-Wave's samplers (num_reads, num_sweeps, beta_range, beta_schedule_type, seed) so
// that users can carry their settings over.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"

namespace spinlab {

struct AnnealProgress {
  double best_energy = 0.0;
  double elapsed_s = 0.0;
  int64_t reads_done = 0, sweeps_done = 0;
};

struct AnnealOptions {
  int64_t num_reads = 16;
  int64_t num_sweeps = 1000;
  /// (beta_hot, beta_cold); empty: default_beta_range(model).
  std::optional<std::pair<double, double>> beta_range;
  std::string beta_schedule_type = "geometric";  // "geometric" | "linear" | "custom"
  std::vector<double> beta_schedule;             // "custom": one beta per sweep
  uint64_t seed = 1;
  int threads = 1;
  double time_limit_s = std::numeric_limits<double>::infinity();
  /// Stop as soon as a read reaches an energy <= target_energy (checked every sweep).
  std::optional<double> target_energy;
  /// Called (serialised, at most every ~0.25 s and on every new best) with the best so far.
  std::function<void(const AnnealProgress&)> progress;
};

struct AnnealResult {
  std::vector<Spin> best_state;
  double best_energy = std::numeric_limits<double>::infinity();
  double time_to_best_s = 0.0;  // from the start to the first time best_energy was reached
  double time_s = 0.0;
  int64_t reads_done = 0;       // reads that ran their whole schedule
  int64_t sweeps_done = 0;      // over all reads, partial ones included
  std::vector<double> read_energies;  // final energy of every finished read, by read index
  bool stopped_by_time = false, reached_target = false;
  std::pair<double, double> beta_range{0.0, 0.0};
  std::string kernel;  // "int-table" (integer couplings: exact lookup thresholds) or "double"
};

/// True when every coupling and field is an integer multiple of one unit q = 2^-p (p <= 4; MaxCut
/// gives J = -w/2) and sum_j |J_ij| + |h_i| <= 2^20 q: then s_i f_i / q is an integer, the energy
/// changes take few values and the solvers use exact integer arithmetic and lookup tables.
/// Sets *unit = q and *kmax = max_i (|h_i| + sum_j |J_ij|) / q.
bool integer_couplings(const IsingModel& model, double* unit, int64_t* kmax);

/// The default (beta_hot, beta_cold), the rule of D-Wave's neal: at beta_hot the spin with the
/// largest possible energy change still flips with probability 1/2, at beta_cold the smallest
/// non-zero change flips with probability 1/100: beta_hot = ln 2 / max_i dE_i,
/// beta_cold = ln 100 / min dE, with dE_i = 2 (|h_i| + sum_j |J_ij|) and min dE the smallest
/// non-zero 2 |J_ij| or 2 |h_i|.
std::pair<double, double> default_beta_range(const IsingModel& model);

/// The betas of the sweeps; throws InputError for bad options (names the option).
std::vector<double> anneal_schedule(const AnnealOptions& options, std::pair<double, double> range);

/// Runs the reads (read r uses stream r of options.seed, so the result does not depend on
/// options.threads); the best read wins, ties to the lowest read index.
AnnealResult anneal(const IsingModel& model, const AnnealOptions& options);

}  // namespace spinlab
