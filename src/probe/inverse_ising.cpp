#include "probe/inverse_ising.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace spinlab {

LocalPatternCounts::LocalPatternCounts(int32_t n, std::span<const CandidatePair> pairs, int num_blocks)
    : n_(n), num_blocks_(num_blocks), pairs_(pairs.begin(), pairs.end()) {
  if (n < 1) throw InputError("inverse Ising: no spins");
  if (num_blocks < 2) throw InputError("inverse Ising: at least 2 blocks are needed for error bars");
  std::vector<int32_t> degree(n, 0);
  for (const auto& p : pairs_) {
    if (p.a < 0 || p.b < 0 || p.a >= n || p.b >= n || p.a == p.b) throw InputError("inverse Ising: bad candidate pair");
    ++degree[p.a];
    ++degree[p.b];
  }
  off.assign(n + 1, 0);
  for (int32_t i = 0; i < n; ++i) {
    if (degree[i] > 10) throw InputError("inverse Ising: more than 10 candidate couplings on one spin for pattern counting");
    off[i + 1] = off[i] + degree[i];
  }
  nbr.resize(off[n]);
  pair_index.resize(off[n]);
  std::vector<int64_t> fill(off.begin(), off.end() - 1);
  for (size_t k = 0; k < pairs_.size(); ++k) {
    const auto& p = pairs_[k];
    nbr[fill[p.a]] = p.b, pair_index[fill[p.a]++] = static_cast<int32_t>(k);
    nbr[fill[p.b]] = p.a, pair_index[fill[p.b]++] = static_cast<int32_t>(k);
  }
  pattern_offset.assign(n + 1, 0);
  for (int32_t i = 0; i < n; ++i) pattern_offset[i + 1] = pattern_offset[i] + (int64_t{2} << degree[i]);
  block_stride = pattern_offset[n];
  counts.assign(static_cast<size_t>(block_stride * num_blocks), 0);
  block_samples.assign(num_blocks, 0);
}

void LocalPatternCounts::add(std::span<const Spin> s, int block, uint32_t weight) {
  uint32_t* c = counts.data() + block_stride * block;
  for (int32_t i = 0; i < n_; ++i) {
    uint32_t pattern = s[i] > 0 ? 1u : 0u;
    uint32_t bit = 2;
    for (int64_t k = off[i]; k < off[i + 1]; ++k, bit <<= 1)
      if (s[nbr[k]] > 0) pattern |= bit;
    c[pattern_offset[i] + pattern] += weight;
  }
  block_samples[block] += weight;
}

void LocalPatternCounts::merge(const LocalPatternCounts& o) {
  if (o.n_ != n_ || o.num_blocks_ != num_blocks_ || o.block_stride != block_stride)
    throw InputError("inverse Ising: merging counts of different shapes");
  for (size_t k = 0; k < counts.size(); ++k) counts[k] += o.counts[k];
  for (int b = 0; b < num_blocks_; ++b) block_samples[b] += o.block_samples[b];
}

int64_t LocalPatternCounts::samples() const {
  int64_t t = 0;
  for (int64_t x : block_samples) t += x;
  return t;
}

namespace {

// Newton's method on node i's penalised pseudo-likelihood from pattern weights w[pattern]
// (counts). theta = (h, K_1 .. K_d). Returns false if it did not converge.
bool fit_node(const double* w, int d, double n_samples, const PseudoLikelihoodOptions& o, std::vector<double>& theta) {
  const int p = d + 1;
  const int patterns = 2 << d;
  theta.assign(p, 0.0);
  std::vector<double> g(p), H(p * p), x(p), step(p);
  const double lambda = o.l2 * n_samples;
  for (int it = 0; it < o.max_newton; ++it) {
    std::fill(g.begin(), g.end(), 0.0);
    std::fill(H.begin(), H.end(), 0.0);
    for (int q = 0; q < patterns; ++q) {
      if (w[q] == 0.0) continue;
      const double si = (q & 1) ? 1.0 : -1.0;
      x[0] = 1.0;
      for (int k = 0; k < d; ++k) x[k + 1] = (q >> (k + 1)) & 1 ? 1.0 : -1.0;
      double f = 0.0;
      for (int k = 0; k < p; ++k) f += theta[k] * x[k];
      const double t = std::tanh(f), r = w[q] * (si - t), c = w[q] * (1.0 - t * t);
      for (int a = 0; a < p; ++a) {
        g[a] += r * x[a];
        for (int b = 0; b <= a; ++b) H[a * p + b] += c * x[a] * x[b];
      }
    }
    for (int a = 1; a < p; ++a) {  // the penalty on the couplings (not the field)
      g[a] -= lambda * theta[a];
      H[a * p + a] += lambda;
    }
    H[0] += 1e-12 * n_samples;  // keeps an all-one-sign spin finite
    for (int a = 0; a < p; ++a)
      for (int b = a + 1; b < p; ++b) H[a * p + b] = H[b * p + a];
    // Solve H step = g by Cholesky (H is positive definite).
    std::vector<double> L(H);
    for (int j = 0; j < p; ++j) {
      double sum = L[j * p + j];
      for (int k = 0; k < j; ++k) sum -= L[j * p + k] * L[j * p + k];
      if (sum <= 0.0) return false;
      L[j * p + j] = std::sqrt(sum);
      for (int i = j + 1; i < p; ++i) {
        double v = L[i * p + j];
        for (int k = 0; k < j; ++k) v -= L[i * p + k] * L[j * p + k];
        L[i * p + j] = v / L[j * p + j];
      }
    }
    for (int i = 0; i < p; ++i) {
      double v = g[i];
      for (int k = 0; k < i; ++k) v -= L[i * p + k] * step[k];
      step[i] = v / L[i * p + i];
    }
    for (int i = p - 1; i >= 0; --i) {
      double v = step[i];
      for (int k = i + 1; k < p; ++k) v -= L[k * p + i] * step[k];
      step[i] = v / L[i * p + i];
    }
    double norm = 0.0;
    for (int a = 0; a < p; ++a) {
      // Damped: a Newton step of a log-concave objective, capped for the first iterations.
      theta[a] += std::clamp(step[a], -1.0, 1.0);
      norm = std::max(norm, std::fabs(step[a]));
    }
    if (norm < o.tolerance) return true;
  }
  return false;
}

}  // namespace

PseudoLikelihoodResult fit_pseudolikelihood(const LocalPatternCounts& c, const PseudoLikelihoodOptions& o) {
  const int32_t n = c.size();
  const int B = c.num_blocks();
  const size_t P = c.pairs().size();
  PseudoLikelihoodResult r;
  r.samples = c.samples();
  // estimates[v][pair] (v = 0: all data, v = 1 + b: without block b), each the mean of the two ends.
  std::vector<std::vector<double>> K(B + 1, std::vector<double>(P, 0.0)), h(B + 1, std::vector<double>(n, 0.0));
  std::vector<double> w, theta;
  for (int32_t i = 0; i < n; ++i) {
    const int d = static_cast<int>(c.off[i + 1] - c.off[i]);
    const int patterns = 2 << d;
    std::vector<double> total(patterns, 0.0);
    for (int b = 0; b < B; ++b)
      for (int q = 0; q < patterns; ++q) total[q] += c.counts[c.block_stride * b + c.pattern_offset[i] + q];
    for (int v = 0; v <= B; ++v) {
      w = total;
      double ns = static_cast<double>(r.samples);
      if (v > 0) {
        for (int q = 0; q < patterns; ++q) w[q] -= c.counts[c.block_stride * (v - 1) + c.pattern_offset[i] + q];
        ns -= static_cast<double>(c.block_samples[v - 1]);
      }
      if (!fit_node(w.data(), d, ns, o, theta)) ++r.newton_failures;
      h[v][i] = theta[0];
      for (int k = 0; k < d; ++k) K[v][c.pair_index[c.off[i] + k]] += 0.5 * theta[k + 1];
    }
  }
  // Jackknife over blocks (delete-one, blocks of nearly equal size).
  auto jackknife = [&](auto get) {
    Estimate e;
    const double full = get(0);
    double mean = 0.0;
    for (int b = 1; b <= B; ++b) mean += get(b);
    mean /= B;
    double var = 0.0;
    for (int b = 1; b <= B; ++b) var += (get(b) - mean) * (get(b) - mean);
    var *= static_cast<double>(B - 1) / B;
    e.mean = B * full - (B - 1) * mean;
    e.error = std::sqrt(var);
    e.n_eff = static_cast<double>(r.samples);
    return e;
  };
  for (size_t k = 0; k < P; ++k)
    r.couplings.push_back({c.pairs()[k].a, c.pairs()[k].b, jackknife([&](int v) { return K[v][k]; })});
  for (int32_t i = 0; i < n; ++i) r.fields.push_back(jackknife([&](int v) { return h[v][i]; }));
  return r;
}

}  // namespace spinlab
