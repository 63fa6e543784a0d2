// Dense associative memory (Krotov & Hopfield, NeurIPS 2016, "Dense associative memory for
// pattern recognition"; Demircigil, Heusel, Loewe, Upgang & Vermet, J. Stat. Phys. 168, 288
// (2017)): E(s) = -sum_mu F(xi^mu . s) with F(x) = x^n (n >= 2; n = 2 is the Hebb network up to
// a constant) or F(x) = exp(x). Capacity grows like N^(n-1) (polynomial) or exponentially in N.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "measure/estimators.hpp"
#include "memory/hopfield.hpp"

namespace spinlab {

struct DamEnergy {
  bool exponential = false;
  int degree = 3;  // n for F(x) = x^n
  std::string name() const { return exponential ? "exp" : "poly:" + std::to_string(degree); }
};
/// "poly:N" (2 <= N <= 12) or "exp" (InputError naming --energy otherwise).
DamEnergy parse_dam_energy(const std::string& spec);

/// A dense associative memory over the first `active` patterns of a pattern set (the set can hold
/// more: scans over P add patterns by raising `active`). Keeps the patterns transposed (neuron-
/// major) so that the energy change of one neuron is a pass over P contiguous bytes.
class DenseMemory {
 public:
  DenseMemory(const Patterns& patterns, DamEnergy energy);
  void set_active(int32_t p);
  int32_t active() const { return active_; }
  int32_t size() const { return n_; }

  /// E(s) = -sum_mu F(xi^mu . s), brute force (O(N P)); exp energies overflow for N > ~700.
  double energy(std::span<const Spin> s) const;
  /// M_mu = xi^mu . s for the active patterns (integers).
  void overlaps(std::span<const Spin> s, std::span<int32_t> M) const;
  /// E(s with s_i flipped) - E(s) from the overlaps in O(P): -sum_mu [F(M_mu - 2 a_mu) - F(M_mu)],
  /// a_mu = s_i xi_i^mu. Expanding F(M - 2a) - F(M) = -a u(M) + w(M) (binomial theorem for x^n:
  /// u = sum_{k odd} C(n,k) 2^k M^(n-k), w = sum_{k even >= 2} C(n,k) 2^k M^(n-k); for exp:
  /// u = sinh(2) e^M, w = (cosh(2) - 1) e^M) gives Delta E_i = s_i (xi_i . u) - sum_mu w_mu: one
  /// vectorised dot product per neuron, with u and sum w refreshed (O(n P)) only after a flip.
  /// Polynomial energies are exact integers in double while 2^n n N^(n-1) P < 2^53; exp is
  /// computed relative to the largest overlap (u, w scaled by e^(-max M)).
  double delta_energy(int32_t i, std::span<const Spin> s, std::span<const int32_t> M) const;
  /// T = 0 asynchronous dynamics (random order per sweep as in HopfieldNetwork::relax_async): s_i
  /// flips iff that lowers E (ties keep), M kept current in O(P) per flip.
  RelaxStats relax_async(std::span<Spin> s, std::span<int32_t> M, Rng& rng, int64_t max_sweeps) const;

 private:
  // u and -sum w for the overlaps M (exp: scaled by exp(-max M)).
  double prepare(const int32_t* M, std::vector<double>& u) const;
  // Delta E_i (exp: times exp(-max M)) from prepare()'s u and a = -sum w.
  double scaled_delta(int32_t i, Spin si, const std::vector<double>& u, double a) const;
  int32_t n_, pmax_, active_;
  DamEnergy e_;
  std::vector<Spin> xt_;              // xt_[i * pmax_ + mu] = xi_i^mu
  std::vector<double> ucoef_, wcoef_;  // poly: C(n,k) 2^k at power n - k, odd / even k
  std::vector<double> expm_;           // exp: exp(-j), j = 0 .. 2N
};

struct DamCapacityOptions {
  DamEnergy energy;
  std::vector<int32_t> sizes{50, 100, 200};
  /// Loads: P = round(load N^(n-1)) for poly:n, P = round(exp(load N)) for exp; increasing.
  std::vector<double> loads;
  int samples = 6;
  int probes = 50;            // starts per (sample, load), evenly spaced over the stored patterns
  double noise = 0.0;         // fraction of neurons flipped in each cue
  double threshold = 0.9;     // retrieved: final overlap >= threshold
  int64_t max_sweeps = 200;
  uint64_t seed = 1;
  int threads = 1;
  std::function<void(double)> progress;
};

struct DamCapacityPoint {
  double load = 0;
  int64_t patterns = 0;
  Estimate overlap, retrieval;
};

struct DamCapacitySize {
  int32_t n = 0;
  std::vector<DamCapacityPoint> points;
  Estimate load_c;   // retrieval rate through 1/2 (jackknife over samples)
  Estimate p_max;    // the corresponding P: load_c N^(n-1) or exp(load_c N)
  double seconds = 0;
};

struct DamCapacityResult {
  std::vector<DamCapacitySize> sizes;
  /// poly: log P_max = c + k log N (k expected n - 1, approached slowly: P_max ~ N^(n-1) / ln N);
  /// exp: ln P_max = c + k N (Demircigil et al.: k up to ln(2)/2 for retrieval from noisy cues).
  Estimate exponent;
  double expected_exponent = 0;  // n - 1; NaN for exp
  double seconds = 0;
};

/// Sample s at size N: patterns from Rng(seed, 2 (N 2^20 + s)) (nested over loads), cues and
/// sweep orders from the next stream; tasks (size, sample) on threads.
DamCapacityResult dam_capacity(const DamCapacityOptions& options);

struct DamOverloadOptions {
  DamEnergy energy;
  int32_t n = 100;
  std::vector<int64_t> patterns;  // P values, increasing
  int samples = 4;
  int starts = 50;                // cues per (sample, P), from evenly spaced stored patterns
  double noise = 0.1;
  double threshold = 0.9;         // "near a pattern": max_mu |m_mu| >= threshold
  int64_t max_sweeps = 200;
  uint64_t seed = 1;
  int threads = 1;
  std::function<void(double)> progress;
};

struct DamOverloadPoint {
  int64_t patterns = 0;
  /// Fractions of final states: exactly a stored pattern (or its mirror for even n), near one
  /// (max |m| >= threshold but not exact), or a new attractor (max |m| < threshold: spurious or
  /// mixture states). Over samples.
  Estimate exact, near, novel;
  Estimate max_overlap;  // max_mu |m_mu| of the final state
};

struct DamOverloadResult {
  std::vector<DamOverloadPoint> points;
  /// Where the fraction of new attractors first exceeds 1/2 (interpolated in log P; jackknife over
  /// samples). NaN if it never does in the range.
  Estimate crossover;
  double seconds = 0;
};

DamOverloadResult dam_overload(const DamOverloadOptions& options);

}  // namespace spinlab
