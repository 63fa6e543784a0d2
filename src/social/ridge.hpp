// `spinlab social ridge`: does a susceptibility ridge precede a viral flip? A field on a seed set
// (or on everyone) is ramped slowly from an opposed start (all -1 or a given state); along the
// ramp the response gain d<m>/dh_seed is measured from fluctuations (the fluctuation-dissipation
// theorem, as in measure/chi_accumulator.hpp) in windows of constant field, the flip (m > 0,
// sustained) is detected, and the ridge's peak, the flip and the lead time between them are
// reported with errors over replicas, beside the early-warning indicators of the same m series.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/early_warning.hpp"
#include "measure/estimators.hpp"

namespace spinlab {

struct RidgeOptions {
  std::string algo = "glauber";  // any registered single-spin move
  double beta = 1.0;
  double h_start = 0.0, h_end = 1.0;  // field added on the seed set, ramped linearly
  std::vector<int32_t> seeds;          // the seed set; empty = every node (a global field)
  std::vector<Spin> start;             // start state; empty = all -1 (zealots pinned either way)
  int64_t ramp_sweeps = 2000;
  /// Sweeps per field step: the ramp is a staircase of ramp_sweeps / window steps, field
  /// h_start + (h_end - h_start) (k + 1/2) / steps in step k, one gain estimate per step.
  int64_t window = 40;
  int smooth = 3;       // per-replica gains are smoothed by a centred running mean over this many steps
  int64_t sustain = 20; // flip: the first sweep with M > 0 that stays > 0 for this many sweeps
  int replicas = 16;
  uint64_t seed = 1;
  int threads = 2;
  EwsOptions ews;       // early-warning indicators of each replica's pre-flip m series (threads ignored)
  std::function<void(double)> progress;
};

struct RidgeResult {
  std::vector<double> time, field;              // step centres (sweeps) and the seed field there
  std::vector<Estimate> gain, magnetization;    // d<m>/dh_seed and m = M/N per step, over replicas
  /// Per replica: the smoothed gain's maximum over the steps that end before its flip (the step
  /// holding the flip is not stationary, so the FDT does not apply there), its time and field;
  /// the first step's gain for comparison; the flip time (sweeps) and field; lead = flip - peak.
  Estimate peak_time, peak_field, peak_gain, initial_gain, flip_time, flip_field, lead_time;
  double flipped_fraction = 0.0;
  int runs = 0;
  int32_t seed_count = 0;
  /// Early-warning indicators (kEwsVariance ...) of each replica's m series up to its flip:
  /// Kendall tau over replicas and the fraction of replicas with p < 0.05 (NaN without surrogates).
  std::array<Estimate, 4> ews_tau;
  std::array<double, 4> ews_significant{};
  int ews_runs = 0;       // replicas whose pre-flip series had >= 20 points
  std::vector<double> m_series;  // replica 0: m after every sweep (the series its EWS used, then on)
  std::string kernel;
  double seconds = 0.0;
};

/// Runs the ramps (replica r uses Rng(seed, r); results do not depend on threads).
/// Bad options throw InputError naming the flag.
RidgeResult social_ridge(const IsingModel& model, const RidgeOptions& o);

}  // namespace spinlab
