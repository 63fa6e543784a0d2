// Recall of given patterns (e.g. binarised images): one cue per pattern with a fraction of its
// neurons flipped, relaxed by T = 0 asynchronous dynamics under each storage rule. Correlated
// patterns (images) break Hebb long before alpha = 0.138; Storkey and the projection rule cope.
#pragma once

#include <cstdint>
#include <vector>

#include "memory/hopfield.hpp"

namespace spinlab {

struct RecallOptions {
  std::vector<StorageRule> rules{StorageRule::PseudoInverse};
  double noise = 0.2;          // fraction of neurons flipped in each cue (exactly round(f N))
  double threshold = 0.9;      // "retrieved": final overlap >= threshold
  int64_t max_sweeps = 1000;
  uint64_t seed = 1;
  // Neuron thresholds theta_i: s_i = sign(h_i - theta_i), E = -1/2 s.W.s + theta.s. Empty: all 0;
  // one value: the same for every neuron; else one per neuron. Biased patterns (images with a mean
  // activity a) need theta ~ a to keep Hebb off the mean state (Amit, Gutfreund & Sompolinsky 1987).
  std::vector<double> theta;
};

struct RecallRule {
  StorageRule rule;
  std::vector<Spin> recalled;      // P x N final states
  std::vector<double> overlap;     // per pattern
  double mean_overlap = 0;
  double exact_fraction = 0;       // final state == the stored pattern
  double retrieved_fraction = 0;   // overlap >= threshold
  int64_t unconverged = 0;
};

struct RecallResult {
  std::vector<Spin> cues;          // P x N, the same cues for every rule
  std::vector<RecallRule> rules;
};

/// Cue mu is pattern mu with noise flipped from Rng(seed, mu); rule k relaxes it with sweep
/// orders from Rng(seed, 2^32 + mu) (the same for every rule).
RecallResult hopfield_recall(const Patterns& patterns, const RecallOptions& options);

}  // namespace spinlab
