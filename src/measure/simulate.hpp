// `simulate`: equilibrium Monte Carlo at a list of inverse temperatures, returning error-barred
// estimates of E, |M|, chi, C, the Binder cumulant and any user observable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "core/rng.hpp"
#include "measure/estimators.hpp"

namespace spinlab {

class Observable;  // measure/observables.hpp

enum class InitialState { Hot, Up, Down, Given };

/// A start state for Hot (random, from rng), Up or Down (Given is the caller's own state).
std::vector<Spin> initial_spins(InitialState init, int32_t n, Rng& rng);

struct SimulationOptions {
  std::string algo = "metropolis";  // a registry name or "a+b" composite
  std::vector<double> betas;
  int64_t sweeps = 10000;       // measured sweeps per beta point
  int64_t therm = 1000;         // discarded sweeps before measuring
  int64_t measure_every = 1;    // sweeps between measurements
  uint64_t seed = 1;
  int threads = 1;              // beta points run in parallel, threads left over go inside sweeps that
                                // split (heatbath-colored); results do not depend on it
  InitialState init = InitialState::Hot;
  std::vector<Spin> initial_state;  // for InitialState::Given
  // User observables (each measured every measurement, reported with {mean, error, tau_int}).
  std::vector<std::pair<std::string, std::vector<int32_t>>> regions;  // M_R = sum of s_i over R
  std::vector<std::pair<int32_t, int32_t>> pairs;                      // s_i s_j
  bool correlation_function = false;                                   // G(r), lattice models only
  /// Observables supplied by a library caller (e.g. social/observables.hpp), after the above.
  std::vector<std::shared_ptr<const Observable>> extra_observables;
  // Keep each beta point's last state in PointResult::final_state (the generic path; the packed
  // lattice path holds no byte state and leaves it empty).
  bool keep_final_states = false;
  /// Cov[A, B] for names among "E", "M", "|M|" (totals), region names and "s<i>*s<j>".
  std::vector<std::pair<std::string, std::string>> covariances;
  /// Called (serialised, at most every ~0.25 s) with the fraction of all sweeps done.
  std::function<void(double)> progress;
};

struct NamedEstimate {
  std::string name;
  Estimate value;
};

struct PointResult {
  double beta = 0.0;
  // Per spin: e = E/N, m = M/N.
  Estimate energy_per_spin, magnetization_per_spin, abs_magnetization_per_spin;
  Estimate m2, m4, e2;  // <m^2>, <m^4>, <e^2>
  Estimate susceptibility;   // beta N (<m^2> - <|m|>^2), jackknife
  Estimate specific_heat;    // beta^2 N (<e^2> - <e>^2), jackknife
  Estimate binder_cumulant;  // 1 - <m^4> / (3 <m^2>^2), jackknife
  std::vector<NamedEstimate> observables;
  std::vector<NamedEstimate> covariances;
  std::vector<std::string> warnings;  // thermalisation check and run-length notes
  int64_t measurements = 0;
  double seconds = 0.0;
  std::vector<Spin> final_state;  // with SimulationOptions::keep_final_states
};

struct SimulationResult {
  std::string algo;    // canonical name of the move
  std::string kernel;  // code path that ran ("msc-avx512", "lattice-checkerboard-avx512", "csr", ...)
  int64_t num_spins = 0;
  int kernel_threads = 1;    // threads inside one chain's sweep (packed lattice kernels, heatbath-colored)
  int64_t state_bytes = 0;   // spin state(s) held at once
  int64_t series_bytes = 0;  // measurement series held at once
  std::vector<PointResult> points;
};

/// A periodic L^dim lattice (dim 2 or 3) with one coupling J and no field, simulated on the
/// bit-packed state only (sample/msc_lattice.hpp): no IsingModel is built, so lattices far beyond
/// the generic path (65536^2 = 4.3e9 spins in 512 MiB) run. E and M are measured on the packed
/// state (popcounts), every options.measure_every sweeps.
struct PackedLattice {
  int dim = 2;
  int64_t L = 0;
  double J = 1.0;
};

/// True when `options` can run on the packed path: algo "metropolis" or "heatbath" and no
/// observable that needs the byte state (regions, pairs, G(r), covariances of those). Else
/// *why_not says which option prevents it.
bool packed_path_applies(const SimulationOptions& options, std::string* why_not = nullptr);

/// Runs on the packed path (beta points one after another, options.threads inside each sweep).
/// Throws InputError when the lattice or options do not qualify.
SimulationResult simulate_packed(const PackedLattice& lattice, const SimulationOptions& options);

/// Bytes the measurement series of one run will hold (for refusing absurd requests up front).
double simulation_memory_bytes(const IsingModel& model, const SimulationOptions& options);
/// The same for num_spins spins and user_components user observable components.
double simulation_memory_bytes(int64_t num_spins, int64_t user_components, const SimulationOptions& options);

/// Runs every beta point (stream = its index, so results do not depend on options.threads).
/// Plain "metropolis"/"heatbath" on a qualifying lattice (msc_applies) take the packed path.
/// Throws InputError for bad options.
SimulationResult simulate(const IsingModel& model, const SimulationOptions& options);

}  // namespace spinlab
