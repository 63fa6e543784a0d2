#include "probe/inverse_ising.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "measure/parallel.hpp"
#include "sample/move.hpp"

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

// Cholesky factorisation in place (lower triangle of a symmetric positive definite p x p matrix);
// false if not positive definite.
bool cholesky(std::vector<double>& L, int p) {
  for (int j = 0; j < p; ++j) {
    double sum = L[j * p + j];
    for (int k = 0; k < j; ++k) sum -= L[j * p + k] * L[j * p + k];
    if (!(sum > 0.0)) return false;
    L[j * p + j] = std::sqrt(sum);
    for (int i = j + 1; i < p; ++i) {
      double v = L[i * p + j];
      for (int k = 0; k < j; ++k) v -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = v / L[j * p + j];
    }
  }
  return true;
}
// Solves L L^T x = b.
void cholesky_solve(const std::vector<double>& L, int p, std::vector<double>& x) {
  for (int i = 0; i < p; ++i) {
    double v = x[i];
    for (int k = 0; k < i; ++k) v -= L[i * p + k] * x[k];
    x[i] = v / L[i * p + i];
  }
  for (int i = p - 1; i >= 0; --i) {
    double v = x[i];
    for (int k = i + 1; k < p; ++k) v -= L[k * p + i] * x[k];
    x[i] = v / L[i * p + i];
  }
}
// Diagonal of the inverse from the factor.
std::vector<double> inverse_diagonal(const std::vector<double>& L, int p) {
  std::vector<double> d(p), e(p);
  for (int a = 0; a < p; ++a) {
    std::fill(e.begin(), e.end(), 0.0);
    e[a] = 1.0;
    cholesky_solve(L, p, e);
    d[a] = e[a];
  }
  return d;
}

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
    std::vector<double> L(H);
    if (!cholesky(L, p)) return false;
    step = g;
    cholesky_solve(L, p, step);
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

DenseFit infer_pseudolikelihood(std::span<const Spin> samples, int32_t n, const DenseFitOptions& o) {
  if (n < 2) throw InputError("inverse Ising: need at least 2 spins");
  if (samples.size() % static_cast<size_t>(n) != 0) throw InputError("inverse Ising: samples are not rows of n spins");
  const int64_t M = static_cast<int64_t>(samples.size() / static_cast<size_t>(n));
  if (M < 2) throw InputError("inverse Ising: need at least 2 samples");
  if (!(o.l2 >= 0.0) || !(o.l1 >= 0.0)) throw InputError("--l1/--l2 must be >= 0");
  DenseFit r;
  r.n = n;
  r.samples = M;
  // theta[i] (node i's fit): theta[i][i] = h_i, theta[i][j] = K_ij; var likewise.
  std::vector<std::vector<double>> theta(n), var(n);
  std::atomic<int> next{0}, failures{0};
  auto worker = [&] {
    std::vector<double> x(n), g(n), H(static_cast<size_t>(n) * n), step(n);
    for (int i = next++; i < n; i = next++) {
      std::vector<double>& th = theta[i];
      th.assign(n, 0.0);
      bool converged = false;
      std::vector<double> L;
      for (int it = 0; it < o.max_newton; ++it) {
        std::fill(g.begin(), g.end(), 0.0);
        std::fill(H.begin(), H.end(), 0.0);
        for (int64_t m = 0; m < M; ++m) {
          const Spin* s = samples.data() + m * n;
          double f = 0.0;
          for (int k = 0; k < n; ++k) {
            x[k] = k == i ? 1.0 : static_cast<double>(s[k]);
            f += th[k] * x[k];
          }
          const double t = std::tanh(f), res = s[i] - t, w = 1.0 - t * t;
          for (int a = 0; a < n; ++a) {
            g[a] += res * x[a];
            const double wa = w * x[a];
            double* row = H.data() + static_cast<size_t>(a) * n;
            for (int b = a; b < n; ++b) row[b] += wa * x[b];
          }
        }
        for (int a = 0; a < n; ++a) {
          for (int b = 0; b < a; ++b) H[a * n + b] = H[b * n + a];
          if (a == i) {
            H[a * n + a] += 1e-12 * M;
            continue;
          }
          g[a] -= M * o.l2 * th[a];
          H[a * n + a] += M * o.l2;
          if (o.l1 > 0.0) {  // smoothed |K| = sqrt(K^2 + eps^2)
            const double eps2 = 1e-8, r2 = std::sqrt(th[a] * th[a] + eps2);
            g[a] -= M * o.l1 * th[a] / r2;
            H[a * n + a] += M * o.l1 * eps2 / (r2 * r2 * r2);
          }
        }
        L = H;
        if (!cholesky(L, n)) break;
        step = g;
        cholesky_solve(L, n, step);
        double norm = 0.0;
        for (int a = 0; a < n; ++a) {
          th[a] += std::clamp(step[a], -1.0, 1.0);
          norm = std::max(norm, std::fabs(step[a]));
        }
        if (norm < o.tolerance) {
          converged = true;
          break;
        }
      }
      if (!converged) ++failures;
      var[i] = L.empty() ? std::vector<double>(n, INFINITY) : inverse_diagonal(L, n);
    }
  };
  std::vector<std::thread> pool;
  for (int k = 1; k < std::min(o.threads, n); ++k) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  r.failures = failures;
  for (int32_t i = 0; i < n; ++i) {
    Estimate e;
    e.mean = theta[i][i];
    e.error = std::sqrt(var[i][i]);
    e.n_eff = static_cast<double>(M);
    r.fields.push_back(e);
  }
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = i + 1; j < n; ++j) {
      Estimate e;
      e.mean = 0.5 * (theta[i][j] + theta[j][i]);
      e.error = 0.5 * (std::sqrt(var[i][j]) + std::sqrt(var[j][i]));
      e.n_eff = static_cast<double>(M);
      r.couplings.push_back({i, j, e});
    }
  return r;
}

void sample_moments(std::span<const Spin> samples, int32_t n, std::vector<double>* mean, std::vector<double>* corr) {
  const int64_t M = static_cast<int64_t>(samples.size() / static_cast<size_t>(n));
  mean->assign(n, 0.0);
  corr->assign(static_cast<size_t>(n) * n, 0.0);
  std::vector<int64_t> c(static_cast<size_t>(n) * n, 0), m1(n, 0);
  for (int64_t r = 0; r < M; ++r) {
    const Spin* s = samples.data() + r * n;
    for (int i = 0; i < n; ++i) {
      m1[i] += s[i];
      for (int j = i; j < n; ++j) c[static_cast<size_t>(i) * n + j] += s[i] * s[j];
    }
  }
  for (int i = 0; i < n; ++i) {
    (*mean)[i] = static_cast<double>(m1[i]) / M;
    for (int j = i; j < n; ++j)
      (*corr)[static_cast<size_t>(i) * n + j] = (*corr)[static_cast<size_t>(j) * n + i] =
          static_cast<double>(c[static_cast<size_t>(i) * n + j]) / M;
  }
}

DenseFit fit_exact_ml(std::span<const double> mean, std::span<const double> corr, int32_t n, int64_t samples, double l2) {
  if (n < 2 || n > 20) throw InputError("exact maximum likelihood enumerates 2^N states: needs 2 <= N <= 20");
  if (mean.size() != static_cast<size_t>(n) || corr.size() != static_cast<size_t>(n) * n)
    throw InputError("exact maximum likelihood: moments of the wrong size");
  // Features: s_i (n), then s_i s_j for i < j.
  const int P = n + n * (n - 1) / 2;
  std::vector<double> target(P), theta(P, 0.0), model(P), H(static_cast<size_t>(P) * P), x(P), step(P);
  {
    int q = n;
    for (int i = 0; i < n; ++i) target[i] = mean[i];
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) target[q++] = corr[static_cast<size_t>(i) * n + j];
  }
  DenseFit r;
  r.n = n;
  r.samples = samples;
  std::vector<double> L;
  bool converged = false;
  // log Z(theta) by enumeration (relative to the largest weight), and the penalised mean
  // log-likelihood theta.target - log Z - (l2/2)|K|^2 that the Newton steps must increase.
  std::vector<double> logw(size_t{1} << n);
  auto log_partition = [&](const std::vector<double>& th, double* lmax_out) {
    double lmax = -INFINITY;
    for (uint64_t c = 0; c < (uint64_t{1} << n); ++c) {
      double e = 0.0;
      int q = n;
      for (int i = 0; i < n; ++i) e += th[i] * ((c >> i) & 1 ? 1.0 : -1.0);
      for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j) e += th[q++] * (((c >> i) ^ (c >> j)) & 1 ? -1.0 : 1.0);
      logw[c] = e;
      lmax = std::max(lmax, e);
    }
    double Z = 0.0;
    for (uint64_t c = 0; c < (uint64_t{1} << n); ++c) Z += std::exp(logw[c] - lmax);
    if (lmax_out) *lmax_out = lmax;
    return lmax + std::log(Z);
  };
  auto objective = [&](const std::vector<double>& th, double log_z) {
    double f = -log_z;
    for (int a = 0; a < P; ++a) f += th[a] * target[a] - (a >= n ? 0.5 * l2 * th[a] * th[a] : 0.0);
    return f;
  };
  std::vector<double> trial(P);
  for (int it = 0; it < 200 && !converged; ++it) {
    // Model moments and covariance by enumeration (weights relative to the largest).
    double lmax = 0.0;
    const double log_z = log_partition(theta, &lmax);
    const double f_now = objective(theta, log_z);
    double Z = 0.0;
    std::fill(model.begin(), model.end(), 0.0);
    std::fill(H.begin(), H.end(), 0.0);
    for (uint64_t c = 0; c < (uint64_t{1} << n); ++c) {
      const double w = std::exp(logw[c] - lmax);
      Z += w;
      int q = n;
      for (int i = 0; i < n; ++i) x[i] = (c >> i) & 1 ? 1.0 : -1.0;
      for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j) x[q++] = x[i] * x[j];
      for (int a = 0; a < P; ++a) {
        model[a] += w * x[a];
        const double wa = w * x[a];
        double* row = H.data() + static_cast<size_t>(a) * P;
        for (int b = a; b < P; ++b) row[b] += wa * x[b];
      }
    }
    for (int a = 0; a < P; ++a) model[a] /= Z;
    for (int a = 0; a < P; ++a)
      for (int b = a; b < P; ++b) {
        const double cov = H[static_cast<size_t>(a) * P + b] / Z - model[a] * model[b];
        H[static_cast<size_t>(a) * P + b] = H[static_cast<size_t>(b) * P + a] = cov;
      }
    for (int a = n; a < P; ++a) H[static_cast<size_t>(a) * P + a] += l2;
    std::vector<double> grad(P);
    for (int a = 0; a < P; ++a) {
      grad[a] = step[a] = target[a] - model[a] - (a >= n ? l2 * theta[a] : 0.0);
      H[static_cast<size_t>(a) * P + a] += 1e-14;
    }
    L = H;
    if (!cholesky(L, P)) break;
    cholesky_solve(L, P, step);
    double norm = 0.0, slope = 0.0;
    for (int a = 0; a < P; ++a) norm = std::max(norm, std::fabs(step[a])), slope += grad[a] * step[a];
    converged = norm < 1e-12;
    if (converged) break;
    // Damped Newton: the full step overshoots for strong couplings (from theta = 0 every coupling
    // moves at once and the model orders), so scale it to at most 1 per parameter and halve it
    // until the concave objective rises by the Armijo fraction (Nocedal & Wright, alg. 3.1).
    double t = norm > 1.0 ? 1.0 / norm : 1.0;
    bool accepted = false;
    for (int ls = 0; ls < 60 && !accepted; ++ls, t *= 0.5) {
      for (int a = 0; a < P; ++a) trial[a] = theta[a] + t * step[a];
      // Steps below 1e-6 lie in Newton's quadratic region, where the rise (~ step^2) is below the
      // rounding of log Z: those are taken whole.
      accepted = (norm < 1e-6 && ls == 0) || objective(trial, log_partition(trial, nullptr)) >= f_now + 1e-4 * t * slope;
      if (accepted) theta.swap(trial);
    }
    if (!accepted) {  // no rise representable: at the optimum to rounding
      converged = norm < 1e-8;
      break;
    }
  }
  if (!converged) r.failures = 1;
  const std::vector<double> d = L.empty() ? std::vector<double>(P, INFINITY) : inverse_diagonal(L, P);
  auto est = [&](int a) {
    Estimate e;
    e.mean = theta[a];
    e.error = samples > 0 ? std::sqrt(d[a] / static_cast<double>(samples)) : 0.0;
    e.n_eff = static_cast<double>(samples);
    return e;
  };
  for (int i = 0; i < n; ++i) r.fields.push_back(est(i));
  int q = n;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) r.couplings.push_back({i, j, est(q++)});
  return r;
}

namespace {

// Features of a configuration: s_i (n), then s_i s_j for i < j.
void features(const Spin* s, int32_t n, double* x) {
  for (int32_t i = 0; i < n; ++i) x[i] = s[i];
  int q = n;
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = i + 1; j < n; ++j) x[q++] = s[i] * s[j];
}

// The model with effective parameters theta (fields, then couplings i < j) at beta = 1, dense.
IsingModel model_from_theta(const std::vector<double>& theta, int32_t n) {
  std::vector<double> J(static_cast<size_t>(n) * n, 0.0), h(theta.begin(), theta.begin() + n);
  int q = n;
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = i + 1; j < n; ++j) J[static_cast<size_t>(i) * n + j] = J[static_cast<size_t>(j) * n + i] = theta[q++];
  return IsingModel(Graph::dense(n, std::move(J)), std::move(h));
}

}  // namespace

DenseFit fit_mcmc_ml(std::span<const double> mean, std::span<const double> corr, int32_t n, int64_t samples,
                     const McmcFitOptions& o) {
  if (n < 2 || n > 40) throw InputError("maximum likelihood by Markov chains: needs 2 <= N <= 40 (use --method pl beyond)");
  if (mean.size() != static_cast<size_t>(n) || corr.size() != static_cast<size_t>(n) * n)
    throw InputError("maximum likelihood: moments of the wrong size");
  if (o.chains < 1 || o.sweeps_per_iteration < 1 || o.iterations < 1 || o.average_iterations < 2 || o.covariance_samples < 10)
    throw InputError("maximum likelihood: chains, sweeps, iterations (>= 1), averaged iterations (>= 2) and covariance samples (>= 10) must be positive");
  const int P = n + n * (n - 1) / 2;
  std::vector<double> target(P), theta(P, 0.0);
  {
    int q = n;
    for (int i = 0; i < n; ++i) target[i] = mean[i];
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) target[q++] = corr[static_cast<size_t>(i) * n + j];
  }
  std::vector<std::vector<Spin>> chains(o.chains);
  std::vector<Rng> rngs;
  for (int c = 0; c < o.chains; ++c) {
    rngs.emplace_back(o.seed, static_cast<uint64_t>(c));
    chains[c] = hot_state(n, rngs.back());
  }
  // One iteration of the chains under theta: per-chain feature sums (combined in chain order, so
  // the result does not depend on the thread count) and the first `keep` samples' features.
  std::vector<double> chain_sums(static_cast<size_t>(o.chains) * P);
  auto run_chains = [&](int sweeps, int keep, std::vector<double>* kept) {
    const IsingModel model = model_from_theta(theta, n);
    const int per_chain = std::min(sweeps, (keep + o.chains - 1) / o.chains);
    const int burn = std::max(1, sweeps / 5);
    if (kept) kept->assign(static_cast<size_t>(o.chains) * per_chain * P, 0.0);
    parallel_tasks(o.chains, o.threads, [&](int c) {
      auto move = make_move("heatbath", model, 1.0);
      std::vector<double> x(P);
      double* sum = &chain_sums[static_cast<size_t>(c) * P];
      std::fill(sum, sum + P, 0.0);
      // The first fifth of the sweeps re-equilibrates the chains to the new theta; the kept
      // samples are the last ones.
      for (int t = 0; t < burn + sweeps; ++t) {
        move->sweep(chains[c], rngs[c]);
        if (t < burn) continue;
        features(chains[c].data(), n, x.data());
        for (int a = 0; a < P; ++a) sum[a] += x[a];
        const int k = t - burn - (sweeps - per_chain);
        if (kept && k >= 0) std::copy(x.begin(), x.end(), kept->begin() + (static_cast<size_t>(c) * per_chain + k) * P);
      }
    });
    std::vector<double> m(P, 0.0);
    for (int c = 0; c < o.chains; ++c)
      for (int a = 0; a < P; ++a) m[a] += chain_sums[static_cast<size_t>(c) * P + a];
    for (double& v : m) v /= static_cast<double>(o.chains) * sweeps;
    return m;
  };
  // H = covariance of the kept features (+ l2 on the couplings), Cholesky-factored into L.
  auto factor = [&](const std::vector<double>& kept, std::vector<double>& L) {
    const size_t S = kept.size() / P;
    std::vector<double> mu(P, 0.0);
    for (size_t k = 0; k < S; ++k)
      for (int a = 0; a < P; ++a) mu[a] += kept[k * P + a];
    for (double& v : mu) v /= static_cast<double>(S);
    L.assign(static_cast<size_t>(P) * P, 0.0);
    std::vector<double> x(P);
    for (size_t k = 0; k < S; ++k) {
      for (int a = 0; a < P; ++a) x[a] = kept[k * P + a] - mu[a];
      for (int a = 0; a < P; ++a) {
        double* row = &L[static_cast<size_t>(a) * P];
        const double xa = x[a];
        for (int b = 0; b <= a; ++b) row[b] += xa * x[b];  // lower triangle is all cholesky reads
      }
    }
    for (int a = 0; a < P; ++a) {
      for (int b = 0; b <= a; ++b) L[static_cast<size_t>(a) * P + b] /= static_cast<double>(S);
      L[static_cast<size_t>(a) * P + a] += (a >= n ? o.l2 : 0.0) + 1e-8;
    }
    return cholesky(L, P);
  };
  DenseFit r;
  r.n = n;
  r.samples = samples;
  std::vector<double> L, kept, next_kept, step(P), avg(P, 0.0), avg2(P, 0.0);
  // H has P rows: fewer samples than 2P leave it near singular (N = 64 diverged that way).
  const int keep = std::max(2 * P, o.covariance_samples / 4);
  const int final_keep = std::max(4 * P, o.covariance_samples);
  const int kBatches = std::min(10, o.average_iterations);
  std::vector<double> batch_sum(static_cast<size_t>(kBatches) * P, 0.0);
  std::vector<int> batch_count(kBatches, 0);
  const int total = o.iterations + o.average_iterations;
  ProgressCounter progress(total, o.progress);
  // Burn-in of the chains at theta = 0 costs nothing: they start from independent hot states.
  for (int it = 0; it < total; ++it) {
    // H comes from the previous iteration's samples: estimated from the same samples as the
    // moments, H^-1 (data - model) is biased (measured: half an error on a 10-spin model), and
    // an H kept for several iterations correlates the iterates (errors 40% too small).
    const std::vector<double> model = run_chains(o.sweeps_per_iteration, keep, &next_kept);
    if (it == 0) kept = next_kept;
    if (!factor(kept, L)) {
      ++r.failures;
      break;
    }
    std::swap(kept, next_kept);
    for (int a = 0; a < P; ++a) step[a] = target[a] - model[a] - (a >= n ? o.l2 * theta[a] : 0.0);
    cholesky_solve(L, P, step);
    // Full Newton steps while converging; half steps while averaging damp the Monte Carlo noise
    // that a full step would copy into theta.
    // The step is scaled as a whole (a trust region: clamping components would turn it) so that
    // no parameter moves by more than 0.25: a noisy H far from the solution can otherwise throw
    // the model into an ordered phase whose frozen chains give a singular H.
    double largest = 0.0;
    for (int a = 0; a < P; ++a) largest = std::max(largest, std::fabs(step[a]));
    const double rate = std::min(1.0, 0.25 / std::max(largest, 1e-300));
    for (int a = 0; a < P; ++a) theta[a] += rate * step[a];
    if (it >= o.iterations) {
      const int b = (it - o.iterations) * kBatches / o.average_iterations;
      for (int a = 0; a < P; ++a) batch_sum[static_cast<size_t>(b) * P + a] += theta[a];
      ++batch_count[b];
    }
    progress.add(1);
  }
  if (r.failures > 0)  // H was singular (a model frozen by a degenerate target): no average to take
    throw InputError("maximum likelihood by Markov chains: the chains' feature covariance is singular (the moments "
                     "may be degenerate: a spin that never flips); raise --l2 or use --method pl");
  // The average over the last iterations, and its Monte Carlo error from batch means (the
  // iterates are correlated through the persistent chains and the damped steps).
  for (int b = 0; b < kBatches; ++b)
    for (int a = 0; a < P; ++a) {
      const double m = batch_sum[static_cast<size_t>(b) * P + a] / batch_count[b];
      avg[a] += m / kBatches;
      avg2[a] += m * m / kBatches;
    }
  // The final H (errors) at the averaged parameters, with all covariance samples.
  theta = avg;
  run_chains(std::max(o.sweeps_per_iteration, (final_keep + o.chains - 1) / o.chains), final_keep, &kept);
  std::vector<double> d(P, INFINITY);
  if (factor(kept, L)) d = inverse_diagonal(L, P);
  else ++r.failures;
  // Monte Carlo noise in the moments has covariance H (2 tau / S), so that of theta is
  // H^-1 (2 tau / S): proportional to diag H^-1 for every parameter. One factor pooled over all
  // parameters' batch variances is far steadier than each parameter's own 10 batches (whose
  // t-distributed errors gave |z| > 5 among 55 parameters).
  double kappa = 0.0;
  for (int a = 0; a < P; ++a) kappa += std::max(0.0, avg2[a] - avg[a] * avg[a]) / (kBatches - 1) / d[a];
  kappa /= P;
  auto est = [&](int a) {
    Estimate e;
    e.mean = avg[a];
    const double var_mc = kappa * d[a];
    const double var_data = samples > 0 ? d[a] / static_cast<double>(samples) : 0.0;
    e.error = std::sqrt(var_data + var_mc);
    e.n_eff = static_cast<double>(samples);
    return e;
  };
  for (int i = 0; i < n; ++i) r.fields.push_back(est(i));
  int q = n;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) r.couplings.push_back({i, j, est(q++)});
  return r;
}

}  // namespace spinlab

