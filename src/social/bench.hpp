// `spinlab social bench`: single-chain sweep throughput of moves on a network (the scale row).
#pragma once

#include <string>
#include <vector>

#include "core/model.hpp"

namespace spinlab {

struct NetworkBenchRow {
  std::string algo, kernel;
  int64_t sweeps = 0;
  double seconds = 0.0;          // the timed sweeps (after one untimed warm-up sweep)
  double updates_per_second = 0; // N * sweeps / seconds
  double setup_seconds = 0.0;    // building the move (relabelling, colouring)
  double m_final = 0.0;          // M/N at the end (a sanity value)
};

/// Times `sweeps` sweeps of each move from a random state at beta (one chain, Rng(seed, 0)).
std::vector<NetworkBenchRow> bench_network_moves(const IsingModel& model, const std::vector<std::string>& algos,
                                                 double beta, int64_t sweeps, uint64_t seed);

}  // namespace spinlab
