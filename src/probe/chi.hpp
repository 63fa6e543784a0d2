// The chi matrix of susceptibility spectroscopy: one equilibrium run measures every probe F_p and
// observable phi_k and returns chi[p][k] = Cov[phi_k, F_p] (the response of <phi_k> to a field
// on F_p, per unit beta h, by the fluctuation-dissipation theorem) and the Pearson correlations,
// with jackknife errors from running sums (measure/chi_accumulator.hpp). Optionally validated by
// finite differences: runs at fields +h and -h on each probe, (<phi>_+ - <phi>_-) / (2 beta h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/chi_accumulator.hpp"
#include "measure/simulate.hpp"
#include "probe/site_function.hpp"

namespace spinlab {

struct ChiOptions {
  std::string algo = "metropolis";  // any registered move or "a+b" composite
  double beta = 0.44;
  int64_t sweeps = 10000;    // measured sweeps, in total over the chains
  int64_t therm = 1000;      // discarded sweeps per chain
  int64_t measure_every = 1;
  uint64_t seed = 1;
  int chains = 2;            // independent chains (stream = chain index); results depend on
  int threads = 1;           //   chains, never on threads
  InitialState init = InitialState::Hot;
  std::vector<SiteFunction> probes, observables;
  /// > 0: the finite-difference validator with this field (two more runs per probe, sharing the
  /// random numbers of the chains so that most noise cancels in the difference).
  double finite_difference_h = 0.0;
  /// Total sweeps at which the cumulative estimates are recorded (sorted; the trace).
  std::vector<int64_t> trace_sweeps;
  /// Called (serialised, at most every ~0.25 s) with the fraction of all sweeps done.
  std::function<void(double)> progress;
};

struct ChiTracePoint {
  int64_t sweeps = 0;  // total over the chains
  ChiEstimates estimates;
};

struct ChiResult {
  std::string algo;
  ChiEstimates estimates;  // at h = 0
  /// [p * K + k]: (<phi_k>_{+h on F_p} - <phi_k>_{-h}) / (2 beta h), error from the paired block
  /// differences of the two runs; empty without the validator.
  std::vector<Estimate> finite_difference;
  std::vector<ChiTracePoint> trace;
  std::vector<std::string> warnings;
  int64_t sweeps_done = 0;     // all sweeps of all runs, thermalisation included
  double seconds = 0.0;
};

/// The model with the field h w on each term of f added (pair terms become couplings).
IsingModel with_probe_field(const IsingModel& model, const SiteFunction& f, double h);

/// Throws InputError for bad options (no probes/observables, sweeps too few, E as a probe, ...).
ChiResult measure_chi(const IsingModel& model, const ChiOptions& options);

}  // namespace spinlab
