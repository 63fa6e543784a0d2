// The ground-state solver behind `spinlab maxcut` and `spinlab anneal`: runs a chosen algorithm
// (or the default portfolio) on every thread until a time limit, a target energy or the work
// budget, and returns the best state found with how much work was done.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "solve/anneal.hpp"
#include "solve/breakout.hpp"
#include "solve/tabu.hpp"

namespace spinlab {

struct GroundStateOptions {
  /// "auto" (annealing reads polished by breakout local search, see ground_state.cpp for why),
  /// "bls" (breakout local search from random states), "anneal"
  /// (annealing reads only) or "tabu" (tabu search from random states).
  std::string algo = "auto";
  double time_limit_s = 10.0;
  std::optional<double> target_energy;
  uint64_t seed = 1;
  int threads = 1;
  /// Annealing reads: num_reads is a budget (all reads done = stop) unless a time limit is given.
  AnnealOptions anneal;
  TabuOptions tabu;
  BreakoutOptions breakout;
  /// Called (serialised, on every new best and at most every ~0.5 s) with the best energy so far.
  std::function<void(double energy, double seconds, int64_t work)> progress;
};

struct GroundStateResult {
  std::vector<Spin> state;
  double energy = std::numeric_limits<double>::infinity();
  double time_to_best_s = 0.0, time_s = 0.0;
  std::string algorithm;   // what ran, e.g. "anneal+bls"
  int64_t reads = 0;       // annealing reads / tabu runs started
  int64_t sweeps = 0;      // annealing sweeps
  int64_t tabu_iterations = 0;
  bool reached_target = false, stopped_by_time = false;
};

/// Runs until the time limit, the target, or (algo "anneal" without a time limit) num_reads.
/// Run r (any algorithm) draws from stream r of `seed`.
GroundStateResult solve_ground_state(const IsingModel& model, const GroundStateOptions& options);

}  // namespace spinlab
