// Hopfield networks (Hopfield, PNAS 79, 2554 (1982)): N neurons s_i = +-1, dense symmetric
// couplings from a storage rule (Hebb, Storkey, pseudo-inverse), thresholds; zero-temperature
// asynchronous and synchronous dynamics and Glauber (heat-bath) dynamics at T > 0.
//
// Energy: E(s) = -(1/2) sum_{i != j} J_ij s_i s_j + sum_i theta_i s_i, J symmetric with zero
// diagonal for every rule (see StorageRule). A neuron's local field is f_i = sum_j J_ij s_j -
// theta_i; the T = 0 update is s_i <- sign(f_i) and a tie f_i = 0 keeps s_i, so no update ever
// raises E (the change is -2 |f_i| <= 0).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/rng.hpp"

namespace spinlab {

/// P patterns of N neurons (+-1), row-major: pattern mu is xi[mu N, (mu + 1) N).
struct Patterns {
  int32_t n = 0;
  int32_t p = 0;
  std::vector<Spin> xi;
  std::span<const Spin> row(int32_t mu) const {
    return {xi.data() + static_cast<size_t>(mu) * static_cast<size_t>(n), static_cast<size_t>(n)};
  }
};

/// P random patterns with mean `bias` (each neuron +1 with probability (1 + bias)/2, independent),
/// drawn row by row from Rng(seed, stream), one 32-bit word per neuron: the first rows of a stream
/// do not depend on how many rows are asked for, so the patterns of a small P are the first rows
/// of a larger P (the capacity scans add patterns instead of redrawing them).
Patterns random_patterns(int32_t n, int32_t p, double bias, uint64_t seed, uint64_t stream);

/// Storage rules. All keep J symmetric with a zero diagonal.
/// - Hebb (Hopfield 1982): J_ij = (1/N) sum_mu xi_i^mu xi_j^mu, i != j. Stored exactly: w = N J
///   holds integers, so fields and energies are exact and ties are real ties.
/// - Storkey (A. Storkey, ICANN 1997, "Increasing the capacity of a Hopfield network without
///   sacrificing functionality"): pattern nu adds
///   (1/N) [xi_i xi_j - xi_i h_ji - h_ij xi_j],  h_ij = sum_{k != i, j} J_ik xi_k,
///   one pattern after the other (the result depends on the order).
/// - PseudoInverse (projection rule; Personnaz, Guyon & Dreyfus, J. Physique Lett. 46, L359
///   (1985); Kanter & Sompolinsky, PRA 35, 380 (1987)): J = the orthogonal projector onto the span
///   of the patterns, J = (1/N) sum_{mu nu} xi^mu (C^-1)_{mu nu} xi^nu, C_{mu nu} = xi^mu.xi^nu / N,
///   built pattern by pattern (Gram-Schmidt: Pi += r r^T / |r|^2, r = xi - Pi xi, in double) and
///   then its diagonal removed (Kanter & Sompolinsky: removing the self-coupling enlarges the
///   basins). Every pattern in the span stays a fixed point: f = (1 - Pi_ii) xi with Pi_ii <= 1,
///   and a tie keeps the spin. A pattern already in the span adds nothing.
enum class StorageRule { Hebb, Storkey, PseudoInverse };
/// "hebb", "storkey" or "pinv" (InputError otherwise).
StorageRule parse_storage_rule(const std::string& name);
std::string storage_rule_name(StorageRule rule);

/// What a T = 0 relaxation did.
struct RelaxStats {
  int64_t sweeps = 0;  // asynchronous: sweeps including the final quiet one; synchronous: steps
  int64_t flips = 0;
  bool converged = false;  // reached a fixed point within max_sweeps
  bool two_cycle = false;  // synchronous only: ended in a 2-cycle (s(t+1) = s(t-1) != s(t))
};

/// A dense Hopfield network: J = scale * w with w stored as float (N x N, row-major, symmetric,
/// zero diagonal; half the memory traffic of double, and exact for Hebb), thresholds theta.
/// Local fields are kept in units of w in double: f_i = scale * (h_i - theta_i / scale).
class HopfieldNetwork {
 public:
  /// An empty network of n neurons (no patterns, zero thresholds). n in [1, 2^20].
  HopfieldNetwork(int32_t n, StorageRule rule);

  int32_t size() const { return n_; }
  StorageRule rule() const { return rule_; }
  int32_t stored() const { return stored_; }
  double scale() const { return scale_; }
  /// Row i of w (J_ij = scale() * w_row(i)[j]).
  std::span<const float> w_row(int32_t i) const {
    return {w_.data() + static_cast<size_t>(i) * static_cast<size_t>(n_), static_cast<size_t>(n_)};
  }
  double coupling(int32_t i, int32_t j) const { return scale_ * w_row(i)[j]; }

  /// Adds patterns first .. first + count - 1 of pats (pats.n must equal size()). Hebb adds them
  /// as one blocked rank-count update; Storkey and pinv one by one.
  void store(const Patterns& pats, int32_t first, int32_t count);
  void store(const Patterns& pats) { store(pats, 0, pats.p); }

  /// Thresholds theta_i (default 0).
  void set_thresholds(std::span<const double> theta);
  std::span<const double> thresholds() const { return theta_; }

  /// E(s) computed from scratch in double (O(N^2)).
  double energy(std::span<const Spin> s) const;
  /// h_i = sum_j w_ij s_j (units of w; O(N^2)).
  void fields(std::span<const Spin> s, std::span<double> h) const;
  /// Fields of B states at once: H[b N + i] = sum_j w_ij S[b N + j], S holding +-1 as float.
  /// A blocked kernel (column tiles x row tiles x 4 states in registers); B >= 1.
  void fields_batch(const float* S, int32_t B, double* H) const;
  /// The same with float accumulators (twice the lanes): exact when float_fields_exact().
  void fields_batch(const float* S, int32_t B, float* H) const;
  /// True for Hebb while (N - 1) * stored() < 2^24: every field is an integer that float holds
  /// exactly, so the float overloads give bit-identical dynamics at half the memory traffic.
  bool float_fields_exact() const {
    return rule_ == StorageRule::Hebb && static_cast<int64_t>(n_ - 1) * stored_ < (int64_t{1} << 24);
  }

  /// T = 0 asynchronous dynamics: sweeps in a random order (a fresh permutation from rng each
  /// sweep), s_i <- sign(f_i) one neuron at a time (ties keep s_i), until a sweep flips nothing or
  /// max_sweeps sweeps. h must hold fields(s) and is kept current (a flip of s_i adds
  /// 2 s_i w_i. to h: O(N) per flip, O(1) per quiet update). E never increases.
  RelaxStats relax_async(std::span<Spin> s, std::span<double> h, Rng& rng, int64_t max_sweeps) const;
  /// With float fields (exact only when float_fields_exact(); otherwise rounding accumulates).
  RelaxStats relax_async(std::span<Spin> s, std::span<float> h, Rng& rng, int64_t max_sweeps) const;
  /// T = 0 synchronous dynamics: s(t+1)_i = sign(f_i(s(t))) for all i at once (ties keep), until a
  /// fixed point, a 2-cycle (Goles et al. 1985: the only other possible limit) or max_sweeps steps.
  RelaxStats relax_sync(std::span<Spin> s, std::span<double> h, int64_t max_sweeps) const;

  /// Sign of the field of neuron i given h (units of w): +1, -1 or 0 for a tie.
  int decision(int32_t i, double h_i) const {
    const double v = h_i - theta_over_scale_[static_cast<size_t>(i)];
    return v > 0 ? 1 : (v < 0 ? -1 : 0);
  }
  /// f_i = scale (h_i - theta_i / scale).
  double local_field(int32_t i, double h_i) const {
    return scale_ * h_i - theta_[static_cast<size_t>(i)];
  }
  /// h += 2 s_new w_i. after neuron i flipped to s_new.
  void apply_flip(int32_t i, Spin s_new, std::span<double> h) const;
  void apply_flip(int32_t i, Spin s_new, std::span<float> h) const;

 private:
  void store_hebb(const Patterns& pats, int32_t first, int32_t count);
  void store_storkey(std::span<const Spin> xi);
  void store_pinv(std::span<const Spin> xi);
  void symmetrize();
  template <typename F>
  RelaxStats relax_async_impl(std::span<Spin> s, std::span<F> h, Rng& rng, int64_t max_sweeps) const;

  int32_t n_ = 0;
  StorageRule rule_;
  int32_t stored_ = 0;
  double scale_ = 1.0;
  std::vector<float> w_;
  std::vector<double> proj_;  // pinv only: the projector with its diagonal (N x N, double)
  std::vector<double> theta_, theta_over_scale_;
};

/// Glauber (heat-bath) dynamics at inverse temperature beta on a Hopfield network: neuron i
/// becomes +1 with probability 1 / (1 + exp(-2 beta f_i)), accepted with the exact threshold
/// convention of the foundation's heat-bath kernel (acceptance_threshold, core/rng.hpp): one
/// 32-bit word u per update, s_i = +1 iff u < floor(p 2^32). A sweep visits the neurons in a
/// fresh random order (N words for the permutation, then one word per neuron).
class HopfieldHeatBath {
 public:
  HopfieldHeatBath(const HopfieldNetwork& net, double beta);
  /// The exact probability that updating neuron i flips it in state s (for detailed-balance tests).
  double flip_probability(int32_t i, std::span<const Spin> s) const;
  /// One update of neuron i; h (units of w) is kept current.
  void update(int32_t i, std::span<Spin> s, std::span<double> h, Rng& rng) const;
  void sweep(std::span<Spin> s, std::span<double> h, Rng& rng);

 private:
  uint64_t threshold_up(int32_t i, double h_i) const;
  const HopfieldNetwork& net_;
  double beta_;
  std::vector<int32_t> order_;
};

/// Overlap m = xi . s / N.
double overlap(std::span<const Spin> xi, std::span<const Spin> s);

/// Flips exactly round(fraction N) distinct neurons of s, chosen uniformly (partial
/// Fisher-Yates from rng). fraction in [0, 1].
void corrupt(std::span<Spin> s, double fraction, Rng& rng);

/// A uniformly random permutation of 0..n-1 into order (Fisher-Yates, n - 1 words).
void random_permutation(std::span<int32_t> order, Rng& rng);

}  // namespace spinlab
