// Exact log Z (Gray-code enumeration of the smaller layer), AIS and likelihoods of an RBM.
#include "learn/logz.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <thread>

#include "core/error.hpp"
#include "learn/kernels.hpp"
#include "measure/parallel.hpp"

namespace spinlab {
namespace {

using namespace rbm_detail;

// Running log-sum-exp: value() = log sum_i e^{x_i}.
struct LogSumExp {
  double max = -std::numeric_limits<double>::infinity(), sum = 0;
  void add(double x) {
    if (x <= max) {
      sum += std::exp(x - max);
    } else {
      sum = sum * std::exp(max - x) + 1.0;
      max = x;
    }
  }
  void merge(const LogSumExp& o) {
    if (o.sum == 0) return;
    add(o.max + std::log(o.sum));  // o as one term e^{o.max} o.sum
  }
  double value() const { return max + std::log(sum); }
};

}  // namespace

double exact_log_z(const Rbm& m, int threads) {
  const bool enum_hidden = m.nh <= m.nv;
  const int k = enum_hidden ? m.nh : m.nv, n = enum_hidden ? m.nv : m.nh;
  if (k > kExactLogZMaxUnits)
    throw InputError("exact log Z needs a layer of at most " + std::to_string(kExactLogZMaxUnits) + " units; this RBM has " +
                     std::to_string(m.nv) + " visible and " + std::to_string(m.nh) + " hidden");
  // T[j * n + i]: coupling between enumerated unit j and summed unit i.
  std::vector<double> T(static_cast<size_t>(k) * n), e(k), s(n);
  for (int i = 0; i < m.nv; ++i)
    for (int j = 0; j < m.nh; ++j) {
      const double w = m.W[static_cast<size_t>(i) * m.nh + j];
      if (enum_hidden) T[static_cast<size_t>(j) * n + i] = w;
      else T[static_cast<size_t>(i) * n + j] = w;
    }
  for (int j = 0; j < k; ++j) e[j] = enum_hidden ? m.c[j] : m.b[j];
  for (int i = 0; i < n; ++i) s[i] = enum_hidden ? m.b[i] : m.c[i];
  const double off = m.off(), delta = 1.0 - off;  // a unit switches between off and 1
  const uint64_t states = uint64_t{1} << k;
  // A fixed number of chunks (not one per thread), merged in chunk order: the sum's rounding,
  // hence log Z to the last bit, does not depend on --threads.
  const int T_threads = static_cast<int>(std::clamp<uint64_t>(states / 1024, 1, 256));
  std::vector<LogSumExp> part(T_threads);
  auto run = [&](int t) {
    const uint64_t g0 = states * t / T_threads, g1 = states * (t + 1) / T_threads;
    std::vector<double> a(s);
    uint64_t u = g0 ^ (g0 >> 1);  // Gray code of g0: consecutive codes differ in one bit
    double lin = 0;
    for (int j = 0; j < k; ++j) {
      const double uj = (u >> j) & 1 ? 1.0 : off;
      lin += e[j] * uj;
      if (uj != 0.0)
        for (int i = 0; i < n; ++i) a[i] += uj * T[static_cast<size_t>(j) * n + i];
    }
    LogSumExp acc;
    acc.add(lin + sum_lse_d(m.units, a.data(), n));
    for (uint64_t g = g0 + 1; g < g1; ++g) {
      const int bit = std::countr_zero(g);
      u ^= uint64_t{1} << bit;
      const double d = (u >> bit) & 1 ? delta : -delta;
      const double* tj = T.data() + static_cast<size_t>(bit) * n;
      for (int i = 0; i < n; ++i) a[i] += d * tj[i];
      lin += d * e[bit];
      acc.add(lin + sum_lse_d(m.units, a.data(), n));
    }
    part[t] = acc;
  };
  parallel_tasks(T_threads, std::max(1, threads), run);
  LogSumExp total;
  for (const auto& p : part) total.merge(p);
  return total.value();
}

double brute_force_log_z(const Rbm& m) {
  if (m.nv + m.nh > 24) throw InputError("brute force log Z: nv + nh must be <= 24");
  LogSumExp acc;
  std::vector<float> v(m.nv), h(m.nh);
  for (uint64_t x = 0; x < (uint64_t{1} << m.nv); ++x) {
    for (int i = 0; i < m.nv; ++i) v[i] = (x >> i) & 1 ? 1.0f : m.off();
    for (uint64_t y = 0; y < (uint64_t{1} << m.nh); ++y) {
      for (int j = 0; j < m.nh; ++j) h[j] = (y >> j) & 1 ? 1.0f : m.off();
      acc.add(-m.energy(v, h));
    }
  }
  return acc.value();
}

std::vector<float> base_rate_biases(const Dataset& data01, RbmUnits units) {
  std::vector<double> count(data01.cols, 0.0);
  for (int64_t r = 0; r < data01.rows; ++r) {
    const float* x = data01.row(r);
    for (int32_t i = 0; i < data01.cols; ++i) count[i] += x[i];
  }
  std::vector<float> bA(data01.cols);
  for (int32_t i = 0; i < data01.cols; ++i) {
    const double p = (count[i] + 1.0) / (static_cast<double>(data01.rows) + 2.0);
    const double logit = std::log(p / (1.0 - p));
    bA[i] = static_cast<float>(units == RbmUnits::Binary ? logit : 0.5 * logit);  // atanh(2p-1) = logit/2
  }
  return bA;
}

AisResult ais_log_z(const Rbm& m, std::span<const float> base_b, const AisOptions& o) {
  if (o.chains < 2) throw InputError("--ais-chains must be >= 2 (the error needs a spread)");
  if (o.betas < 1) throw InputError("--ais-betas must be >= 1");
  if (static_cast<int32_t>(base_b.size()) != m.nv) throw InputError("AIS: base-rate biases do not match the visible layer");
  set_gemm_threads(o.threads);
  const int M = o.chains, nv = m.nv, nh = m.nh, K = o.betas;
  const size_t sv = words_stride(nv), sh = words_stride(nh);
  std::vector<float> V(static_cast<size_t>(M) * nv), Xv(V.size()), Xh(static_cast<size_t>(M) * nh), H(Xh.size());
  std::vector<uint32_t> wv(M * sv), wh(M * sh);
  std::vector<double> lw(M, 0.0);
  // v_0 ~ p_A: independent units with fields bA.
  for (int r = 0; r < M; ++r) std::copy(base_b.begin(), base_b.end(), Xv.begin() + static_cast<size_t>(r) * nv);
  fill_words(o.seed, stream_id(kAisVisible, 0), 0, M, nv, wv.data());
  for (int r = 0; r < M; ++r)
    sample_units(m.units, Xv.data() + static_cast<size_t>(r) * nv, V.data() + static_cast<size_t>(r) * nv, nv, 1.0f, wv.data() + r * sv);
  AisResult res;
  res.log_z_base = static_cast<double>(nh) * std::log(2.0);
  for (int i = 0; i < nv; ++i) res.log_z_base += unit_lse(m.units, base_b[i]);
  for (int k = 1; k <= K; ++k) {
    const double bk = static_cast<double>(k) / K, bp = static_cast<double>(k - 1) / K;
    sgemm(false, false, M, nh, nv, 1.0f, V.data(), nv, m.W.data(), nh, 0.0f, Xh.data(), nh);
    add_bias_rows(Xh.data(), m.c.data(), M, nh);
    for (int r = 0; r < M; ++r) {
      const float* v = V.data() + static_cast<size_t>(r) * nv;
      double aA = 0, aB = 0;
      for (int i = 0; i < nv; ++i) {
        aA += static_cast<double>(base_b[i]) * v[i];
        aB += static_cast<double>(m.b[i]) * v[i];
      }
      const float* x = Xh.data() + static_cast<size_t>(r) * nh;
      lw[r] += (bk - bp) * (aB - aA) + sum_lse(m.units, x, nh, bk) - sum_lse(m.units, x, nh, bp);
    }
    if (k == K) break;
    // One Gibbs sweep at beta_k: h ~ p_k(h | v), v ~ p_k(v | h) with field (1-b) bA + b (b + W h).
    const auto fb = static_cast<float>(bk);
    fill_words(o.seed, stream_id(kAisHidden, 0), static_cast<uint64_t>(k), M, nh, wh.data());
    for (int r = 0; r < M; ++r)
      sample_units(m.units, Xh.data() + static_cast<size_t>(r) * nh, H.data() + static_cast<size_t>(r) * nh, nh, fb, wh.data() + r * sh);
    sgemm(false, true, M, nv, nh, 1.0f, H.data(), nh, m.W.data(), nh, 0.0f, Xv.data(), nv);
    for (int r = 0; r < M; ++r) {
      float* x = Xv.data() + static_cast<size_t>(r) * nv;
      for (int i = 0; i < nv; ++i) x[i] = (1.0f - fb) * base_b[i] + fb * (m.b[i] + x[i]);
    }
    fill_words(o.seed, stream_id(kAisVisible, 0), static_cast<uint64_t>(k), M, nv, wv.data());
    for (int r = 0; r < M; ++r)
      sample_units(m.units, Xv.data() + static_cast<size_t>(r) * nv, V.data() + static_cast<size_t>(r) * nv, nv, 1.0f, wv.data() + r * sv);
  }
  const double mx = *std::max_element(lw.begin(), lw.end());
  double s1 = 0, s2 = 0;
  for (double w : lw) {
    const double e = std::exp(w - mx);
    s1 += e;
    s2 += e * e;
  }
  const double mean = s1 / M, var = std::max(0.0, (s2 - s1 * s1 / M) / (M - 1));
  res.log_z.mean = res.log_z_base + mx + std::log(mean);
  res.log_z.error = std::sqrt(var / M) / mean;
  res.log_z.n_eff = res.effective_sample_size = s1 * s1 / s2;
  res.log_weights = lw;
  return res;
}

Estimate mean_free_energy(const Rbm& m, const Dataset& data01) {
  require_binary(data01);
  require_columns(data01, m.nv, "the model");
  constexpr int64_t kChunk = 512;
  const int nv = m.nv, nh = m.nh;
  std::vector<float> V(kChunk * nv), X(kChunk * nh);
  double s1 = 0, s2 = 0;
  for (int64_t r0 = 0; r0 < data01.rows; r0 += kChunk) {
    const int64_t n = std::min(kChunk, data01.rows - r0);
    for (int64_t r = 0; r < n; ++r)
      for (int i = 0; i < nv; ++i) V[r * nv + i] = unit_value(m.units, data01.row(r0 + r)[i]);
    sgemm(false, false, static_cast<int>(n), nh, nv, 1.0f, V.data(), nv, m.W.data(), nh, 0.0f, X.data(), nh);
    add_bias_rows(X.data(), m.c.data(), n, nh);
    for (int64_t r = 0; r < n; ++r) {
      double bv = 0;
      for (int i = 0; i < nv; ++i) bv += static_cast<double>(m.b[i]) * V[r * nv + i];
      const double F = -bv - sum_lse(m.units, X.data() + r * nh, nh, 1.0);
      s1 += F;
      s2 += F * F;
    }
  }
  const auto n = static_cast<double>(data01.rows);
  Estimate e;
  e.mean = s1 / n;
  e.error = n > 1 ? std::sqrt(std::max(0.0, (s2 - s1 * s1 / n) / (n - 1)) / n) : 0.0;
  e.n_eff = n;
  return e;
}

Estimate mean_log_likelihood(const Rbm& m, const Dataset& data01, const Estimate& log_z) {
  const Estimate F = mean_free_energy(m, data01);
  Estimate ll;
  ll.mean = -F.mean - log_z.mean;
  ll.error = std::hypot(F.error, log_z.error);
  ll.n_eff = F.n_eff;
  return ll;
}

std::vector<float> gibbs_samples(const Rbm& m, int32_t chains, int32_t steps, uint64_t seed) {
  if (chains < 1) throw InputError("--chains must be >= 1");
  if (steps < 1) throw InputError("--steps must be >= 1");
  const int M = chains, nv = m.nv, nh = m.nh;
  const size_t sv = words_stride(nv), sh = words_stride(nh);
  std::vector<float> V(static_cast<size_t>(M) * nv), Xv(V.size()), Xh(static_cast<size_t>(M) * nh), H(Xh.size()), P(V.size());
  std::vector<uint32_t> wv(M * sv), wh(M * sh);
  std::fill(Xv.begin(), Xv.end(), 0.0f);  // field 0: each unit on with probability 1/2
  fill_words(seed, stream_id(kSampleVisible, 0), 0, M, nv, wv.data());
  for (int r = 0; r < M; ++r)
    sample_units(m.units, Xv.data() + static_cast<size_t>(r) * nv, V.data() + static_cast<size_t>(r) * nv, nv, 1.0f, wv.data() + r * sv);
  for (int s = 1; s <= steps; ++s) {
    sgemm(false, false, M, nh, nv, 1.0f, V.data(), nv, m.W.data(), nh, 0.0f, Xh.data(), nh);
    add_bias_rows(Xh.data(), m.c.data(), M, nh);
    fill_words(seed, stream_id(kSampleHidden, 0), static_cast<uint64_t>(s), M, nh, wh.data());
    for (int r = 0; r < M; ++r)
      sample_units(m.units, Xh.data() + static_cast<size_t>(r) * nh, H.data() + static_cast<size_t>(r) * nh, nh, 1.0f, wh.data() + r * sh);
    sgemm(false, true, M, nv, nh, 1.0f, H.data(), nh, m.W.data(), nh, 0.0f, Xv.data(), nv);
    add_bias_rows(Xv.data(), m.b.data(), M, nv);
    fill_words(seed, stream_id(kSampleVisible, 0), static_cast<uint64_t>(s), M, nv, wv.data());
    for (int r = 0; r < M; ++r)
      sample_units(m.units, Xv.data() + static_cast<size_t>(r) * nv, V.data() + static_cast<size_t>(r) * nv, nv, 1.0f, wv.data() + r * sv);
  }
  mean_units(RbmUnits::Binary, Xv.data(), P.data(), P.size(), m.units == RbmUnits::Binary ? 1.0f : 2.0f);
  return P;
}

}  // namespace spinlab
