// Boltzmann machines with hidden units (Ackley, Hinton & Sejnowski, Cognitive Science 9, 147
// (1985)), fitted by exact maximum likelihood: N = visible + hidden <= 20 spins, every
// expectation by enumeration. P(v) = sum_h exp(-E(v, h)) / Z with
//   -E(s) = sum_i h_i s_i + sum_(a,b) K_ab s_a s_b,   s = (v, h) in {-1, +1}^N,
// and the gradient of the mean log-likelihood is the classic one,
//   d/dK_ab = <s_a s_b>_clamped - <s_a s_b>_free,   d/dh_i = <s_i>_clamped - <s_i>_free,
// "clamped" averaging over the data with the hidden units drawn from P(h | v). The problem is
// not convex (hidden units can be permuted and sign-flipped), so the fit keeps the best of
// several random starts, each minimised by L-BFGS. With no hidden units this is the fully
// visible machine of probe/inverse_ising.hpp (fit_exact_ml), which the tests compare against.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "learn/lbfgs.hpp"
#include "measure/estimators.hpp"

namespace spinlab {

struct HiddenBmOptions {
  int32_t hidden = 1;
  bool visible_couplings = true;  // K between visible units (false: a semi-restricted machine without them)
  bool hidden_couplings = false;  // K between hidden units
  double l2 = 0.0;                // penalty (l2 / 2) |K|^2 on the mean log-likelihood
  int32_t restarts = 10;          // random starts; the best final likelihood is kept (on a 6-spin star
                                  // 40% of starts reach the global optimum, the rest a pairwise-like one)
  double init_sd = 0.5;           // sd of the visible-hidden couplings at a start (the rest start at 0)
  uint64_t seed = 1;              // start r draws from Rng(seed, r)
  LbfgsOptions lbfgs{1000, 1e-6, 10};
};

/// The parameters: fields of every unit (visible 0..nv-1, then hidden), and the free pairs a < b.
struct BoltzmannPair {
  int32_t a = 0, b = 0;
  double K = 0;
};

struct HiddenBmFit {
  int32_t nv = 0, nh = 0;
  std::vector<double> fields;           // nv + nh
  std::vector<BoltzmannPair> couplings; // the free pairs, in (a, b) order
  // Mean log-likelihood per sample (natural log), with the standard error of the mean of
  // log P(v_r) over the samples (weights: the weighted standard error, n_eff = (sum w)^2 / sum w^2).
  Estimate log_likelihood;
  double log_z = 0;
  double gradient_norm = 0;
  int32_t iterations = 0;               // of the kept start
  int32_t restarts_converged = 0;
  int32_t restarts_at_best = 0;         // starts whose final objective is within 1e-7 of the best one
  bool converged = false;
};

/// The mean log-likelihood objective of one data set, for a fixed set of free pairs; x holds the
/// fields (nv + nh) then the couplings in pairs() order.
class HiddenBmProblem {
 public:
  /// samples: rows of nv spins (+-1); weights: one per row (empty: 1 each; a distribution works too).
  HiddenBmProblem(std::span<const Spin> samples, std::span<const double> weights, int32_t nv, const HiddenBmOptions& o);
  int32_t size() const { return nv_ + nh_; }
  size_t num_parameters() const { return static_cast<size_t>(size()) + pairs_.size(); }
  const std::vector<BoltzmannPair>& pairs() const { return pairs_; }
  /// f = -(mean log-likelihood) + (l2/2)|K|^2, and its gradient.
  double objective(const std::vector<double>& x, std::vector<double>* grad) const;
  /// log P(v) of every distinct visible pattern under x, and log Z.
  void log_probabilities(const std::vector<double>& x, std::vector<double>* log_p, double* log_z) const;
  /// The distinct patterns (bit i = visible spin i is +1) and their total weights.
  const std::vector<uint32_t>& patterns() const { return codes_; }
  const std::vector<double>& pattern_weights() const { return counts_; }
  double total_weight() const { return total_; }
  double sum_squared_weights() const { return total_sq_; }

 private:
  int32_t nv_, nh_;
  double l2_;
  std::vector<BoltzmannPair> pairs_;
  std::vector<uint32_t> codes_;
  std::vector<double> counts_;
  double total_ = 0, total_sq_ = 0;
};

/// Fits the machine (InputError for N > 20, hidden < 0, non-finite or negative weights, an empty
/// or non-+-1 sample set).
HiddenBmFit fit_hidden_boltzmann(std::span<const Spin> samples, std::span<const double> weights, int32_t nv,
                                 const HiddenBmOptions& options);

/// The mean log-likelihood per sample of a fully visible pairwise model (fields h, couplings
/// K[i * n + j], i < j) on the same data, exactly: the comparison a fit with hidden units is read
/// against. Same error convention as HiddenBmFit::log_likelihood.
Estimate pairwise_log_likelihood(std::span<const Spin> samples, std::span<const double> weights, int32_t n,
                                 std::span<const double> h, std::span<const double> K);

}  // namespace spinlab
