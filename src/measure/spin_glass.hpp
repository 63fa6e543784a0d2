// Spin-glass equilibrium runs: parallel tempering with two replica sets, overlap observables
// (q, q^2, q^4, |q|, link overlap, chi_SG, Binder ratio g, P(q)), an equilibration check over
// logarithmic bins, and disorder averages over many samples run in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/estimators.hpp"

namespace spinlab {

struct SpinGlassOptions {
  std::string algo = "metropolis";  // per-replica sweep: any registry name or composite
  std::vector<double> betas;  // ascending (geometric_ladder() in sample/parallel_tempering.hpp)
  int64_t sweeps = 10000;     // measured PT steps (one step = a sweep of every replica + exchanges)
  int64_t therm = 1000;       // discarded PT steps before measuring
  int64_t measure_every = 1;  // PT steps between measurements
  uint64_t seed = 1;
  /// Disorder sample index: the run uses streams from sample_index * (2R + 2) on
  /// (ParallelTempering::streams_per_sample), so samples are independent of each other.
  uint64_t sample_index = 0;
  /// Tune the intermediate betas during the first half of thermalisation (ladder_rounds feedback
  /// rounds of equalize_acceptance_ladder, endpoints fixed); the second half runs on the final
  /// ladder.
  bool adaptive_ladder = false;
  int ladder_rounds = 5;
  /// Houdayer cluster moves between the two replica sets after every sweep (ParallelTempering::
  /// set_houdayer); sparse models only.
  bool houdayer = false;
  /// The equilibration check flags an observable whose last two logarithmic bins differ by more
  /// than this many combined standard errors (see last_two_bins_difference). 4 is the project's
  /// significance (as simulate's half-vs-half check): a run makes 3 R such comparisons, and at 1 or
  /// 2 sigma healthy runs would be flagged most of the time. The z values are reported, so a
  /// stricter reading ("within the error bars") can be applied to them.
  double stability_sigmas = 4.0;
};

/// Difference of the means of the last two logarithmic bins of a series of n measurements,
/// [n/2, n) minus [n/4, n/2) (Katzgraber et al.'s equilibration test: observables stable over
/// the last two bins), each bin's error from estimate_mean, combined in quadrature.
/// n < 32 gives {0, 0}.
Estimate last_two_bins_difference(std::span<const double> x);

struct StabilityCheck {
  std::string observable;  // "q2", "e", "ql"
  Estimate difference;     // last_two_bins_difference of the observable's series
  double z = 0.0;          // difference / combined error (0 when there is no error)
  bool stable = true;      // |z| <= stability_sigmas
};

struct SpinGlassPoint {
  double beta = 0.0;
  // Per measurement: q = (1/N) sum_i s^a_i s^b_i, e = (E_a + E_b) / (2N),
  // ql = (1/N_b) sum_{<ij>} s^a_i s^a_j s^b_i s^b_j over the graph's N_b edges.
  Estimate energy_per_spin, q, abs_q, q2, q4, link_overlap;
  Estimate chi_sg;    // N <q^2>
  Estimate binder_g;  // (1/2)(3 - <q^4>/<q^2>^2), jackknife
  /// P(q): N + 1 bins, bin m for q = -1 + 2m/N (m = number of sites where the replicas agree);
  /// fractions of the measurements, summing to 1.
  std::vector<double> overlap_histogram;
  std::vector<StabilityCheck> stability;
};

struct SpinGlassResult {
  std::string algo;  // canonical move name
  std::string kernel;
  int64_t num_spins = 0;
  int64_t num_bonds = 0;
  std::vector<double> betas;  // the ladder used for measuring (tuned when adaptive_ladder)
  std::vector<SpinGlassPoint> points;
  /// Exchange acceptance of pair k (betas k, k+1) during measurement, both sets pooled, and
  /// per set; R - 1 entries each.
  std::vector<double> exchange_acceptance;
  std::vector<double> exchange_acceptance_a, exchange_acceptance_b;
  int64_t round_trips_a = 0, round_trips_b = 0;  // during measurement
  double mean_round_trip_steps = 0.0;            // 0 when none completed
  /// With houdayer: the mean fraction of the spins a Houdayer move exchanged (measurement).
  double houdayer_cluster_fraction = 0.0;
  bool equilibrated = true;                      // every stability check passed
  std::vector<std::string> warnings;
  int64_t measurements = 0;
  double seconds = 0.0;
};

/// One disorder sample. InputError for bad options (empty or non-ascending betas, sweeps < 2,
/// therm < 0, measure_every < 1, fewer than 2 measurements, ladder_rounds < 1 with adaptive_ladder)
/// and for what make_move rejects.
SpinGlassResult run_spin_glass(const IsingModel& model, const SpinGlassOptions& options);

/// The ladder adaptive_ladder would tune for this model: a pilot thermalisation (first half of
/// options.therm, ladder_rounds rounds) on the streams of sample options.sample_index.
std::vector<double> tune_ladder(const IsingModel& model, const SpinGlassOptions& options);

struct DisorderPoint {
  double beta = 0.0;
  // Means over samples of the thermal averages, error = sample standard deviation / sqrt(S)
  // (it includes the thermal noise); tau_int = 0.5, n_eff = S.
  Estimate energy_per_spin, abs_q, q2, q4, link_overlap;
  Estimate chi_sg;                        // N [<q^2>]
  Estimate binder_g;                      // (1/2)(3 - [<q^4>] / [<q^2>]^2), jackknife over samples
  std::vector<double> overlap_histogram;  // [P(q)], N + 1 bins
  /// [<q^2>] over the last two logarithmic bins: mean over samples of each sample's
  /// difference (paired), with its error across samples; stable when |z| <= stability_sigmas.
  Estimate q2_bin_difference;
  bool stable = true;
};

struct DisorderAverage {
  int samples = 0;
  int64_t num_spins = 0;
  std::vector<double> betas;
  std::vector<DisorderPoint> points;
  std::vector<double> exchange_acceptance;  // mean over samples, per pair
  double mean_round_trip_steps = 0.0;       // mean over the samples that completed a trip
  double houdayer_cluster_fraction = 0.0;   // mean over samples (0 without Houdayer moves)
  int unequilibrated_samples = 0;           // samples whose own stability check failed
  std::vector<SpinGlassResult> per_sample;
};

/// Runs samples 0..samples-1 (model = make(sample), sample_index = sample) on `threads` threads;
/// each sample owns its streams, so the result does not depend on `threads`. `make` is called
/// from several threads at once and must be thread-safe (the core generators are). Every model
/// must have the same number of spins. With options.adaptive_ladder the ladder is tuned once,
/// by tune_ladder on make(0) with the streams after the last sample's, and used for all samples.
DisorderAverage average_over_samples(const std::function<IsingModel(uint64_t sample)>& make,
                                     const SpinGlassOptions& options, int samples, int threads);

}  // namespace spinlab
