// Running-sum estimator of the fluctuation-dissipation matrix chi[p][k] = Cov[phi_k, F_p] for
// many probes F_p and observables phi_k at once, with jackknife errors, without storing the
// samples: sums of F, phi, F^2, phi^2 and F phi are kept per block of consecutive measurements,
// and the block size doubles whenever 2 * min_blocks blocks are full (so between min_blocks and
// 2 * min_blocks blocks always remain, and memory does not grow with the run length).
//
// Why a covariance is a susceptibility: with the probe's field added, E_h = E - h F, so
// d<phi>_h/dh = beta Cov[phi, F] (the fluctuation-dissipation theorem); chi = Cov[phi, F] is the
// response per unit beta h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "measure/estimators.hpp"

namespace spinlab {

struct ChiEstimates {
  size_t num_probes = 0, num_observables = 0;
  /// Row-major [p * num_observables + k]: Cov[phi_k, F_p] and the Pearson correlation
  /// Cov / sqrt(Var F_p Var phi_k), each bias-corrected by the jackknife over blocks. tau_int is
  /// the effective one that the error implies, against the error of independent Gaussian samples
  /// (Var of a sample covariance = (Var F Var phi + Cov^2) / n; of a correlation r, (1 - r^2)^2 / n).
  std::vector<Estimate> chi, pearson;
  std::vector<Estimate> probe_mean, observable_mean;  // with block errors
  std::vector<Estimate> probe_variance, observable_variance;
  int64_t samples = 0;
  size_t block_size = 1, num_blocks = 0;
};

class ChiAccumulator {
 public:
  ChiAccumulator(size_t num_probes, size_t num_observables, size_t min_blocks = 64);
  size_t num_probes() const { return P_; }
  size_t num_observables() const { return K_; }
  int64_t samples() const { return samples_; }

  /// One measurement: F_p (num_probes values) and phi_k (num_observables values).
  void add(std::span<const double> probes, std::span<const double> observables);
  /// Appends the blocks of another accumulator of the same shape (another independent chain);
  /// block sizes are matched by merging the finer accumulator's blocks first.
  void merge(const ChiAccumulator& other);
  /// Estimates from everything added (the partial block counts as one more block).
  ChiEstimates estimate() const;
  /// Block means of observable k (the complete blocks, then the partial one), for paired
  /// comparisons of two runs that share random numbers.
  std::vector<double> observable_block_means(size_t k) const;

 private:
  size_t stride() const { return 1 + 2 * P_ + 2 * K_ + P_ * K_; }
  void coarsen();  // merges neighbouring blocks pairwise, doubling the block size

  size_t P_, K_, min_blocks_;
  size_t block_size_ = 1;
  int64_t samples_ = 0;
  // Block layout: [n, sum F (P), sum F^2 (P), sum phi (K), sum phi^2 (K), sum F phi (P*K)].
  std::vector<double> blocks_;  // complete blocks, stride() doubles each
  std::vector<double> current_;
};

}  // namespace spinlab
