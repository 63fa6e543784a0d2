// Finding a transition without knowing the order parameter: sample the model on a grid of
// inverse temperatures, describe every configuration by a few generic features, and locate the
// parameter value where the distribution of the features changes fastest.
//
// Idea (Arnold, Holtorf, Schaefer & Loerch, "Phase transitions in the output distribution of
// large language models", arXiv:2405.17088 (2024)): a phase transition is where the output
// distribution P(x | lambda) of a system changes most rapidly with the control parameter lambda,
// and a statistical distance between the distributions at neighbouring parameter values detects
// it without naming an order parameter. For small spacing any f-divergence is quadratic in it,
// D(P_lambda, P_{lambda+d}) ~ F(lambda) d^2 / 8 for the Jensen-Shannon divergence, with F the
// Fisher information of the family; for the Boltzmann family in beta and the energy feature,
// F = Var(E), so the curve peaks near the finite-size specific-heat maximum (the pseudo-critical
// point, beta_c (1 - 0.36/L) on a periodic square lattice; Ferdinand & Fisher 1969).
//
// The features (detect_feature_names, computed by DetectFeatures) are generic statistics of a
// spin configuration on any graph, all invariant under the global flip s -> -s; the
// magnetisation is not one of them. With "satisfied" meaning J_ij s_i s_j > 0 (aligned
// neighbours on a ferromagnet):
//   broken_bonds       fraction of the non-zero bonds that are unsatisfied (energy per bond)
//   local_uK, K=0..z   fraction of the sites with K unsatisfied bonds (the histogram of local
//                      energies; z = the largest degree, at most 8, higher counts go to K = z)
//   clusters_per_site  number of geometric clusters (sites joined by satisfied bonds) / N
//   largest_cluster    size of the largest geometric cluster / N
// Features that take a single value over all samples (e.g. local_u4 when no site ever has all
// four bonds broken) are dropped. Why these: for the Boltzmann family in beta the energy is a
// sufficient statistic, so by the data-processing inequality no feature separates neighbouring
// betas better than broken_bonds does; the local-energy histogram and the geometric-cluster
// statistics are the generic descriptors one would use without knowing the Hamiltonian (in 2D the
// geometric clusters percolate at T_c; Coniglio, Nappi, Peruggi & Russo 1977), and averaging
// over them keeps one noisy feature from deciding the peak. The per-feature curves are reported.
//
// Dissimilarity: each feature is histogrammed on common bins ([min, max] of the pooled samples of
// all betas, `bins` equal bins). Between neighbouring betas k and k+1 the Jensen-Shannon
// divergence (Lin, "Divergence measures based on the Shannon entropy", IEEE Trans. Inf. Theory
// 37, 145 (1991)) JS(P, Q) = [KL(P || M) + KL(Q || M)] / 2, M = (P + Q)/2, in nats (0 for
// identical histograms, ln 2 for disjoint ones), is averaged over the features. On an uneven grid
// each value is multiplied by (mean spacing / spacing)^2, the small-spacing law above, so that it
// does not jump with the spacing; on an even grid it is the plain JS. A "floor" per pair is the
// same divergence between the first and the second half of each beta's own samples, averaged
// over the pair: what finite sampling alone gives (with half the samples, so about twice the
// floor of the full comparison; drift after thermalisation raises it too).
//
// Estimate: the peak of the dissimilarity curve, at the midpoint (beta_k + beta_{k+1})/2 of the
// largest value, refined by the vertex of the parabola through it and its two neighbours (not
// refined at an end of the grid or where the three points are not concave; clamped to the
// neighbours' midpoints). Error: bootstrap over samples. Each replicate resamples every beta's
// samples with replacement (circular blocks of max(1, ceil(2 tau_int)) consecutive samples,
// tau_int the largest integrated autocorrelation time of the features at that beta, so that
// correlated samples do not shrink the error; blocks of 1 or 2 for decorrelated samples, where
// any block length gives the same expected variance), recomputes the curve and its peak; the error is the standard deviation of the B
// replicate peaks, the mean is the full-data estimate. Replicate b draws from Rng(seed, 2^32 + b).
//
// Chains: beta k runs one chain from a random state on stream k (Rng(seed, k)): `therm` sweeps,
// then `samples` configurations every `measure_every` sweeps. Betas run in parallel and replicates
// too; results do not depend on `threads`.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/estimators.hpp"

namespace spinlab {

struct DetectOptions {
  std::vector<double> betas;   // >= 3, strictly increasing, finite, >= 0
  std::string algo = "wolff";  // any registered move or "a+b" composite
  int64_t samples = 2000;      // configurations per beta
  int64_t therm = 500;         // discarded sweeps per beta
  int64_t measure_every = 1;   // sweeps between configurations
  int bins = 64;               // histogram bins per feature
  int bootstrap = 200;         // B replicates (>= 2)
  uint64_t seed = 1;
  int threads = 1;
  /// Called (serialised, at most every ~0.25 s) with the fraction of the work done.
  std::function<void(double)> progress;
};

struct DissimilarityPoint {
  double beta_mid = 0;       // (beta_k + beta_{k+1}) / 2
  Estimate value;            // mean: full data; error: bootstrap standard deviation
  std::vector<double> per_feature;  // full-data JS of each feature (before the spacing factor)
  double floor = 0;          // split-half JS of the two betas' own samples (see the header)
};

struct DetectResult {
  std::string algo;
  std::vector<std::string> features;  // the features used (constant ones dropped)
  std::vector<double> betas;
  std::vector<DissimilarityPoint> dissimilarity;  // betas.size() - 1 points
  Estimate transition;       // mean: peak of the full-data curve; error: bootstrap std
  size_t peak_index = 0;     // dissimilarity point with the largest value
  std::vector<double> tau_int;  // per beta: largest tau_int of the features (units of samples)
  std::vector<std::string> warnings;
  int64_t sweeps_done = 0;
  double seconds = 0;
};

/// Jensen-Shannon divergence in nats of two histograms (normalised here; both need a positive
/// sum, equal lengths): 0 for identical, ln 2 for disjoint supports.
double jensen_shannon(std::span<const double> p, std::span<const double> q);

/// Location of the peak of y(x): the x of the largest y refined by the parabola through it and
/// its neighbours (see the header). *index (optional) receives the position of the largest y.
double peak_location(std::span<const double> x, std::span<const double> y, size_t* index = nullptr);

/// The feature names for a model (before constant features are dropped).
std::vector<std::string> detect_feature_names(const IsingModel& model);

/// Computes the features of one configuration; owns its work buffers.
class DetectFeatures {
 public:
  explicit DetectFeatures(const IsingModel& model);
  size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  /// out.size() == size().
  void compute(std::span<const Spin> s, std::span<double> out);

 private:
  const IsingModel& model_;
  std::vector<std::string> names_;
  int zmax_ = 0;
  int64_t bonds_ = 0;  // non-zero bonds
  std::vector<int32_t> parent_, size_;
};

/// Throws InputError for bad options (fewer than 3 betas, not increasing, samples < 2, ...).
DetectResult detect_transition(const IsingModel& model, const DetectOptions& options);

}  // namespace spinlab
