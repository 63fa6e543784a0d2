// The (alpha, T) phase diagram of the Hebb Hopfield network sampled on a grid (Amit, Gutfreund &
// Sompolinsky 1985/1987): Glauber dynamics started at a stored pattern, the retrieval overlap m and
// the overlap q of two replicas, each point classified retrieval / spin glass / paramagnetic.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "measure/estimators.hpp"
#include "memory/hopfield.hpp"

namespace spinlab {

struct PhaseOptions {
  int32_t n = 500;
  std::vector<double> alphas;        // increasing loads P/N in (0, 1]
  std::vector<double> temperatures;  // T > 0
  StorageRule rule = StorageRule::Hebb;
  int samples = 2;                   // pattern sets (errors from their spread)
  int64_t therm = 100, sweeps = 100; // heat-bath sweeps discarded / measured
  double m_threshold = 0.4;          // retrieval: m >= this
  double q_threshold = 0;            // spin glass: q >= this (0: max(0.05, 2 / sqrt(N)); the time-averaged
                                     // overlap of two replicas is ~0 +- 1/sqrt(N sweeps/tau) in a paramagnet)
  bool ags_lines = true;             // compute the AGS lines (~2 s)
  uint64_t seed = 1;
  int threads = 1;
  std::function<void(double)> progress;
};

struct PhasePoint {
  double alpha = 0, T = 0;
  int32_t patterns = 0;
  /// m = xi^1 . s_a / N and q = s_a . s_b / N of two replicas a, b started at pattern 1, averaged
  /// over the measured sweeps and both replicas (m), then over samples.
  Estimate m, q;
  std::string phase;     // "retrieval", "spin-glass" or "paramagnetic"
  double ags_m = 0;      // the RS retrieval overlap at (alpha, T) from m = q = 1 (0: none)
};

struct PhaseResult {
  std::vector<PhasePoint> points;  // alpha-major
  double q_threshold = 0;
  /// The AGS lines for the picture: T_M(alpha) on alpha in [0, 0.138] and T_g = 1 + sqrt(alpha).
  std::vector<double> line_alpha, line_tm, line_tg;
  double seconds = 0;
};

/// Sample s draws its patterns from Rng(seed, s) (nested over alpha); replica r at temperature
/// index t, load index k from Rng(seed, 2^32 + ((s K + k) T_count + t) 2 + r). Tasks are
/// (sample, temperature) pairs: results do not depend on the thread count.
PhaseResult hopfield_phase(const PhaseOptions& options);

}  // namespace spinlab
