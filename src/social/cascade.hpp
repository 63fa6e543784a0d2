// `spinlab social cascade`: how far does one flipped opinion spread? From an equilibrated state,
// flip a seed set (and, by default, hold it: the seeds become zealots of the new opinion), run a
// perturbed and a control copy with the same random numbers (damage spreading, Stanley et al.,
// J. Phys. A 20, L1017 (1987)), and count the nodes that changed opinion.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/estimators.hpp"

namespace spinlab {

struct CascadeOptions {
  std::string algo = "glauber";
  double beta = 1.0;
  std::vector<int32_t> seeds;  // the flipped set; empty with random_seeds > 0: that many random nodes per replica
  int32_t random_seeds = 0;
  std::vector<Spin> start;     // start of the equilibration; empty = all -1
  int64_t therm = 200;         // sweeps before the perturbation
  int64_t sweeps = 100;        // sweeps after it
  /// Hold the seeds: at their new opinions in the perturbed copy, at their old ones in the control
  /// (zealots at the same nodes in both); false lets them relax in both.
  bool pin = true;
  int replicas = 32;
  uint64_t seed = 1;
  int threads = 2;
  std::function<void(double)> progress;
};

struct CascadeResult {
  /// Over replicas, counting non-seed nodes only: size = (changed in the perturbed copy) -
  /// (changed in the control copy), "changed" = differs from the state at the perturbation;
  /// damage = nodes where the two copies differ at the end. {mean, error = sd/sqrt(replicas)}.
  Estimate size, damage, perturbed_changed, control_changed;
  double global_fraction = 0.0;   // replicas whose cascade reached more than half the free nodes
  std::vector<double> sizes, damages;  // per replica
  int32_t seed_count = 0;
  double seconds = 0.0;
};

/// Replica q uses Rng(seed, q) for its equilibration; both copies continue from one copy of that
/// generator, so with a move whose random draws do not depend on the state they see the same
/// numbers (the size estimate is unbiased either way). Results do not depend on threads.
CascadeResult social_cascade(const IsingModel& model, const CascadeOptions& o);

}  // namespace spinlab
