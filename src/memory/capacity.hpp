// The Hopfield capacity experiment: store P = round(alpha N) random patterns, start the T = 0
// asynchronous dynamics at each stored pattern (or a corrupted copy), and measure the final
// overlap, the retrieval rate and the critical load alpha_c where retrieval collapses
// (Amit, Gutfreund & Sompolinsky 1985: alpha_c = 0.138 for Hebb as N -> infinity).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "measure/estimators.hpp"
#include "memory/hopfield.hpp"

namespace spinlab {

struct CapacityOptions {
  std::vector<int32_t> sizes{2000};  // N values; >= 2 sizes add the finite-size extrapolation
  std::vector<double> alphas;        // loads P/N, increasing, in (0, 1]
  StorageRule rule = StorageRule::Hebb;
  int samples = 10;                  // independent pattern sets per size (errors from their spread)
  double noise = 0.0;                // fraction of neurons flipped in each cue
  double bias = 0.0;                 // pattern mean a
  /// A start counts as retrieved when its fixed point has overlap m >= threshold with the pattern.
  double threshold = 0.9;
  int probes = 0;                    // patterns started per (sample, alpha), evenly spaced; 0 = all P
  int64_t max_sweeps = 1000;
  /// false: asynchronous random-order sweeps; true: synchronous steps (a start that ends in a
  /// 2-cycle is scored with its last state).
  bool synchronous = false;
  uint64_t seed = 1;
  int threads = 1;
  std::function<void(double)> progress;
};

struct CapacityPoint {
  double alpha = 0;
  int32_t patterns = 0;    // P
  Estimate overlap;        // final m, mean over starts, error over samples
  Estimate retrieval;      // fraction of starts with m >= threshold
  double ags_overlap = 0;  // AGS T = 0 m(alpha) for Hebb (NaN above 0.138)
  int64_t unconverged = 0; // starts that hit max_sweeps (or, synchronous, ended in a 2-cycle)
};

struct CapacitySize {
  int32_t n = 0;
  std::vector<CapacityPoint> points;
  /// Where the sample-averaged retrieval rate first falls through 1/2 (linear interpolation
  /// between the bracketing alphas); error by jackknife over samples. NaN if it never does.
  Estimate alpha_c;
  double seconds_couplings = 0, seconds_fields = 0, seconds_dynamics = 0;  // summed over threads
};

struct CapacityResult {
  std::vector<CapacitySize> sizes;
  /// alpha_c(N) = alpha_c(inf) + a N^(-1/2), weighted least squares over the sizes (>= 2 sizes;
  /// NaN otherwise); chi2_per_dof NaN with 2 sizes.
  Estimate alpha_c_infinity, slope;
  double chi2_per_dof = 0;
  double ags_alpha_c = 0;  // 0.1379
  double seconds = 0;
};

/// Sample s of size N draws its patterns from Rng(seed, 2 (N 2^20 + s)) (nested over alpha: the
/// patterns of a smaller alpha are the first rows of a larger one, so the couplings grow by
/// adding patterns) and its cues and sweep orders from the next stream. Tasks are (size, sample)
/// pairs: results do not depend on the thread count.
CapacityResult hopfield_capacity(const CapacityOptions& options);

/// The first downward crossing of y through level (linear interpolation); NaN if none.
double crossing_down(const std::vector<double>& x, const std::vector<double>& y, double level);

/// Weighted least squares y = a + b x: a, b with errors and chi^2 (x.size() >= 2).
struct LineFit {
  Estimate intercept, slope;
  double chi2 = 0;
  int dof = 0;
};
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& sigma);

/// Jackknife over samples of a crossing: rows[s][k] is sample s's value at x[k]; returns the
/// crossing of the mean curve and the leave-one-out jackknife error (NaN when some leave-one-out
/// curve has no crossing).
Estimate jackknife_crossing(const std::vector<double>& x, const std::vector<std::vector<double>>& rows, double level);

}  // namespace spinlab
