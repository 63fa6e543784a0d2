// Seeing a wall without being told: sample a lattice model as a black box (only configurations
// leave the sampler) and decide for every nearest-neighbour bond whether it is missing, by two
// independent methods on the same configurations:
//  - inverse Ising: fit every coupling by pseudo-likelihood (probe/inverse_ising.hpp); a bond is
//    missing when its beta J is below half the typical (median) one;
//  - spectroscopy at single-site resolution: the response of s_j to a field on its neighbour s_i,
//    as the Pearson correlation of the pair (chi = Cov[s_j, s_i], normalised); a bond is missing
//    when it is below half the typical one. (Across a wall the two spins talk only through paths
//    around it: on the chambers at beta = 0.44 the correlation across the wall is 0.00-0.2, next
//    to the tip 0.2, of intact bonds >= 0.48.)
// Each verdict carries a confidence, Phi(|value - threshold| / error); within decide_sigma errors
// of the threshold a bond is undecided. Missing bonds are merged into straight walls.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/lattice.hpp"
#include "core/model.hpp"
#include "measure/simulate.hpp"
#include "probe/inverse_ising.hpp"

namespace spinlab {

struct WallInferenceOptions {
  std::string algo = "wolff";
  double beta = 0.44;
  int64_t sweeps = 100000;  // measured, in total over the chains
  int64_t therm = 10000;    // per chain
  int64_t measure_every = 1;
  uint64_t seed = 1;
  int chains = 2, threads = 2;
  InitialState init = InitialState::Hot;
  int blocks_per_chain = 8;   // jackknife blocks
  double decide_sigma = 3.0;  // a bond is undecided when within this many errors of the threshold
  PseudoLikelihoodOptions fit;
  std::function<void(double)> progress;
};

struct BondVerdict {
  Lattice::BondRef bond;
  std::array<int32_t, 3> from{}, to{};  // lattice coordinates of the two ends
  Estimate coupling;                    // beta J by pseudo-likelihood
  Estimate correlation;                 // Pearson correlation of the two spins (jackknife)
  bool missing_by_correlation = false;  // the spectroscopy verdict
  bool missing = false;                 // the inverse-Ising verdict
  bool decided = true;    // |coupling - threshold| >= decide_sigma * error
  double confidence = 0;  // Phi(|coupling - threshold| / error): probability the verdict is right
};

struct WallInferenceResult {
  std::vector<BondVerdict> bonds;         // every bond the boundary allows
  std::vector<BondVerdict> missing;       // the bonds called missing
  std::vector<std::string> walls;         // merged straight segments in --wall syntax
  double typical_coupling = 0;            // median fitted beta J
  double threshold = 0;                   // half of it
  int undecided = 0;
  int64_t samples = 0;
  int newton_failures = 0;
  // Against the truth (the sampled model's own removed bonds):
  int true_missing = 0, true_positives = 0, false_positives = 0, false_negatives = 0;
  double precision = 1.0, recall = 1.0;
  // The spectroscopy method's verdicts, against the truth and against the inverse-Ising ones.
  std::vector<std::string> walls_by_correlation;
  double typical_correlation = 0;
  int missing_by_correlation = 0, undecided_by_correlation = 0;
  int correlation_true_positives = 0, correlation_false_positives = 0, correlation_false_negatives = 0;
  double correlation_precision = 1.0, correlation_recall = 1.0;
  int methods_disagree = 0;  // bonds the two methods call differently
  std::string algo;
  double seconds = 0;
};

/// The verdicts on every bond from one estimate per bond (a fitted beta J or a correlation): a
/// bond is missing when its value lies below half the typical (median) one; confidence
/// Phi(|value - threshold| / error); undecided within decide_sigma errors of the threshold.
struct BondVerdicts {
  double typical = 0, threshold = 0;
  std::vector<char> missing, decided;
  std::vector<double> confidence;
  int undecided = 0;
};
BondVerdicts classify_bonds(std::span<const Estimate> values, double decide_sigma);

/// The candidates of wall inference: every bond the lattice's boundary allows, removed or not (the
/// inference must not know which are missing), as (site, +d neighbour) pairs in possible_bonds() order.
std::vector<CandidatePair> wall_candidates(const Lattice& lattice);

/// Samples `model` (which must carry a 2D or 3D lattice) and infers its missing bonds.
WallInferenceResult infer_walls(const IsingModel& model, const WallInferenceOptions& options);

/// Merges missing bonds of a 2D lattice into "x=C,y=A:B" / "y=R,x=A:B" segments.
std::vector<std::string> merge_walls(const Lattice& lattice, const std::vector<Lattice::BondRef>& bonds);

}  // namespace spinlab
