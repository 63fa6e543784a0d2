// Partition functions and likelihoods of an RBM: exact log Z by enumerating the smaller layer,
// annealed importance sampling (Neal 2001; Salakhutdinov & Murray, ICML 2008), and the mean
// test log-likelihood per example.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "io/datasets.hpp"
#include "learn/rbm.hpp"
#include "measure/estimators.hpp"

namespace spinlab {

/// Largest layer that exact_log_z enumerates (2^24 states).
constexpr int32_t kExactLogZMaxUnits = 24;

/// log Z exactly: the smaller layer (k <= 24 units) is enumerated in Gray-code order, the other
/// summed out analytically, log Z = logsumexp_u [e.u + sum_i lse(s_i + (T u)_i)], all in double
/// with a running log-sum-exp. Cost 2^k x (units of the other layer); `threads` split the
/// 2^k states into contiguous Gray-code ranges. InputError when both layers exceed 24 units.
double exact_log_z(const Rbm& m, int threads = 1);

/// Brute force over both layers (tests only; nv + nh <= 24).
double brute_force_log_z(const Rbm& m);

/// Visible biases of the base-rate model (Salakhutdinov & Murray 2008, sec. 4.2): the log-odds
/// of the smoothed data means p_i = (sum_r x_ri + 1) / (rows + 2) (binary units), or
/// atanh(2 p_i - 1) for spin units, so the base model reproduces the pixel marginals.
std::vector<float> base_rate_biases(const Dataset& data01, RbmUnits units);

struct AisOptions {
  int32_t chains = 100;   // independent AIS runs
  int32_t betas = 20000;  // K: inverse temperatures beta_k = k / K, k = 0..K
  uint64_t seed = 1;
  int threads = 1;        // GEMM threads
};

struct AisResult {
  Estimate log_z;                  // log Z_A + log mean_r exp(w_r), error by the delta method
  double log_z_base = 0;           // log Z_A of the base-rate model
  std::vector<double> log_weights;  // w_r, one per chain
  double effective_sample_size = 0;  // (sum e^w)^2 / sum e^{2w}
};

/// AIS from the base model A (W = 0, hidden biases 0, visible biases base_b) to m:
///   log p*_k(v) = (1 - b_k) bA.v + b_k b.v + sum_j lse(b_k (c_j + (W^T v)_j)),
/// log Z_A = sum_i lse(bA_i) + nh log 2, v_0 ~ p_A, and at each k one Gibbs sweep h ~ p_k(h|v),
/// v ~ p_k(v|h) that leaves p_k invariant. w_r = sum_k [log p*_k(v_k-1) - log p*_(k-1)(v_k-1)].
/// log Z = log Z_A + log((1/M) sum_r e^{w_r}), computed as max + log mean exp(w - max); its error
/// is the delta-method standard error sd(e^{w - max}) / (sqrt(M) mean(e^{w - max})).
AisResult ais_log_z(const Rbm& m, std::span<const float> base_b, const AisOptions& o);

/// Mean log-likelihood per row of binary data: mean_r(-F(x_r)) - log Z, with error
/// sqrt(var_r(F) / rows + error(log Z)^2) (the test-set sampling error and the log Z error,
/// independent).
Estimate mean_log_likelihood(const Rbm& m, const Dataset& data01, const Estimate& log_z);

/// Mean free energy and its standard error over rows (chunked GEMMs).
Estimate mean_free_energy(const Rbm& m, const Dataset& data01);

/// Gibbs chains from uniform noise: `chains` rows of visible probabilities p(v = on | h) after
/// `steps` sweeps (Philox streams kSampleVisible/kSampleHidden, so the seed fixes the result).
std::vector<float> gibbs_samples(const Rbm& m, int32_t chains, int32_t steps, uint64_t seed);

}  // namespace spinlab
