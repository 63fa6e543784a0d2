// The capacity scan: (size, sample) tasks on threads, nested pattern sets, batched start fields.
#include "measure/estimators.hpp"
#include "memory/capacity.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <mutex>

#include "core/error.hpp"
#include "memory/ags.hpp"
#include "measure/parallel.hpp"

namespace spinlab {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

int32_t patterns_at(double alpha, int32_t n) {
  return std::max<int32_t>(1, static_cast<int32_t>(std::llround(alpha * n)));
}

int32_t starts_at(const CapacityOptions& o, int32_t p) { return o.probes > 0 ? std::min(o.probes, p) : p; }

void check(const CapacityOptions& o) {
  if (o.sizes.empty()) throw InputError("--N: give at least one size");
  for (int32_t n : o.sizes)
    if (n < 8 || n > 65536) throw InputError("--N: sizes must lie in [8, 65536], got " + std::to_string(n));
  if (o.alphas.empty()) throw InputError("--alpha: give at least one load");
  for (size_t k = 0; k < o.alphas.size(); ++k) {
    if (!(o.alphas[k] > 0.0 && o.alphas[k] <= 1.0))
      throw InputError("--alpha: loads must lie in (0, 1], got " + num(o.alphas[k]));
    if (k > 0 && !(o.alphas[k] > o.alphas[k - 1])) throw InputError("--alpha: loads must increase");
  }
  if (o.samples < 2) throw InputError("--samples must be >= 2 (errors come from the spread over samples)");
  if (!(o.noise >= 0.0 && o.noise <= 1.0)) throw InputError("--noise must lie in [0, 1]");
  if (!(o.threshold > 0.0 && o.threshold <= 1.0)) throw InputError("--threshold must lie in (0, 1]");
  if (o.probes < 0) throw InputError("--probes must be >= 0 (0 = every stored pattern)");
  if (o.max_sweeps < 1) throw InputError("--max-sweeps must be >= 1");
  if (o.threads < 1) throw InputError("--threads must be >= 1");
}

}  // namespace

double crossing_down(const std::vector<double>& x, const std::vector<double>& y, double level) {
  for (size_t k = 1; k < x.size(); ++k)
    if (y[k - 1] >= level && y[k] < level) return x[k - 1] + (x[k] - x[k - 1]) * (y[k - 1] - level) / (y[k - 1] - y[k]);
  return NAN;
}

Estimate jackknife_crossing(const std::vector<double>& x, const std::vector<std::vector<double>>& rows, double level) {
  const size_t S = rows.size(), K = x.size();
  std::vector<double> total(K, 0.0), mean(K);
  for (const auto& r : rows)
    for (size_t k = 0; k < K; ++k) total[k] += r[k];
  for (size_t k = 0; k < K; ++k) mean[k] = total[k] / static_cast<double>(S);
  Estimate e;
  e.mean = crossing_down(x, mean, level);
  e.n_eff = static_cast<double>(S);
  if (!std::isfinite(e.mean) || S < 2) {
    e.error = NAN;
    return e;
  }
  double acc = 0, avg = 0;
  std::vector<double> loo(S);
  for (size_t s = 0; s < S; ++s) {
    std::vector<double> m(K);
    for (size_t k = 0; k < K; ++k) m[k] = (total[k] - rows[s][k]) / static_cast<double>(S - 1);
    loo[s] = crossing_down(x, m, level);
    if (!std::isfinite(loo[s])) {
      e.error = NAN;
      return e;
    }
    avg += loo[s] / static_cast<double>(S);
  }
  for (double v : loo) acc += (v - avg) * (v - avg);
  e.error = std::sqrt(static_cast<double>(S - 1) / static_cast<double>(S) * acc);
  return e;
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& sigma) {
  LineFit f;
  f.intercept.mean = f.intercept.error = f.slope.mean = f.slope.error = NAN;
  if (x.size() < 2) return f;
  double S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
  for (size_t k = 0; k < x.size(); ++k) {
    const double w = 1.0 / (sigma[k] * sigma[k]);
    S += w, Sx += w * x[k], Sy += w * y[k], Sxx += w * x[k] * x[k], Sxy += w * x[k] * y[k];
  }
  const double D = S * Sxx - Sx * Sx;
  if (!(D > 0)) return f;
  f.slope.mean = (S * Sxy - Sx * Sy) / D;
  f.intercept.mean = (Sxx * Sy - Sx * Sxy) / D;
  f.slope.error = std::sqrt(S / D);
  f.intercept.error = std::sqrt(Sxx / D);
  f.dof = static_cast<int>(x.size()) - 2;
  for (size_t k = 0; k < x.size(); ++k) {
    const double r = (y[k] - f.intercept.mean - f.slope.mean * x[k]) / sigma[k];
    f.chi2 += r * r;
  }
  f.intercept.n_eff = f.slope.n_eff = static_cast<double>(x.size());
  return f;
}

CapacityResult hopfield_capacity(const CapacityOptions& o) {
  check(o);
  const auto t0 = Clock::now();
  const int S = o.samples, Z = static_cast<int>(o.sizes.size()), K = static_cast<int>(o.alphas.size());
  // rate[z][s][k], m[z][s][k]: per-sample means over starts.
  std::vector<std::vector<std::vector<double>>> rate(Z, std::vector<std::vector<double>>(S, std::vector<double>(K))),
      over(rate);
  std::vector<std::vector<int64_t>> unconverged(Z, std::vector<int64_t>(K, 0));
  CapacityResult r;
  r.sizes.resize(Z);
  double total = 0;
  for (int z = 0; z < Z; ++z)
    for (double a : o.alphas) total += static_cast<double>(S) * starts_at(o, patterns_at(a, o.sizes[z]));
  ProgressCounter progress(total, o.progress);
  std::mutex mu;
  parallel_tasks(Z * S, o.threads, [&](int task) {
    const int z = task / S, s = task % S;
    const int32_t n = o.sizes[z];
    const uint64_t stream = 2 * ((static_cast<uint64_t>(n) << 20) + static_cast<uint64_t>(s));
    double t_coupl = 0, t_fields = 0, t_dyn = 0;
    auto t = Clock::now();
    const Patterns pats = random_patterns(n, patterns_at(o.alphas.back(), n), o.bias, o.seed, stream);
    HopfieldNetwork net(n, o.rule);
    t_coupl += since(t);
    Rng rng(o.seed, stream + 1);
    constexpr int32_t kBatch = 64;
    std::vector<float> S_batch;
    std::vector<double> H_batch;
    std::vector<float> Hf_batch;
    std::vector<Spin> state(static_cast<size_t>(n));
    for (int k = 0; k < K; ++k) {
      const int32_t P = patterns_at(o.alphas[k], n);
      t = Clock::now();
      net.store(pats, net.stored(), P - net.stored());
      t_coupl += since(t);
      const int32_t starts = starts_at(o, P);
      double sum_m = 0;
      int64_t hits = 0, stuck = 0;
      for (int32_t b0 = 0; b0 < starts; b0 += kBatch) {
        const int32_t B = std::min(kBatch, starts - b0);
        t = Clock::now();
        S_batch.assign(static_cast<size_t>(B) * n, 0.0f);
        std::vector<int32_t> mus(B);
        std::vector<std::vector<Spin>> cues(B);
        for (int32_t b = 0; b < B; ++b) {
          mus[b] = static_cast<int32_t>(static_cast<int64_t>(b0 + b) * P / starts);
          const auto xi = pats.row(mus[b]);
          cues[b].assign(xi.begin(), xi.end());
          corrupt(cues[b], o.noise, rng);
          for (int32_t i = 0; i < n; ++i) S_batch[static_cast<size_t>(b) * n + i] = cues[b][i];
        }
        // Hebb fields are integers: float holds them exactly at twice the SIMD width.
        const bool exact_float = net.float_fields_exact() && !o.synchronous;
        if (exact_float) {
          Hf_batch.resize(static_cast<size_t>(B) * n);
          net.fields_batch(S_batch.data(), B, Hf_batch.data());
        } else {
          H_batch.resize(static_cast<size_t>(B) * n);
          net.fields_batch(S_batch.data(), B, H_batch.data());
        }
        t_fields += since(t);
        t = Clock::now();
        for (int32_t b = 0; b < B; ++b) {
          const size_t off = static_cast<size_t>(b) * n;
          const RelaxStats st =
              o.synchronous ? net.relax_sync(cues[b], std::span<double>(H_batch.data() + off, static_cast<size_t>(n)),
                                             o.max_sweeps)
              : exact_float ? net.relax_async(cues[b], std::span<float>(Hf_batch.data() + off, static_cast<size_t>(n)), rng,
                                            o.max_sweeps)
                          : net.relax_async(cues[b], std::span<double>(H_batch.data() + off, static_cast<size_t>(n)), rng,
                                            o.max_sweeps);
          if (!st.converged) ++stuck;
          const double m = overlap(pats.row(mus[b]), cues[b]);
          sum_m += m;
          if (m >= o.threshold) ++hits;
        }
        t_dyn += since(t);
        progress.add(B);
      }
      over[z][s][k] = sum_m / starts;
      rate[z][s][k] = static_cast<double>(hits) / starts;
      std::lock_guard lock(mu);
      unconverged[z][k] += stuck;
    }
    std::lock_guard lock(mu);
    r.sizes[z].seconds_couplings += t_coupl;
    r.sizes[z].seconds_fields += t_fields;
    r.sizes[z].seconds_dynamics += t_dyn;
  });
  r.ags_alpha_c = ags_alpha_c();
  std::vector<double> fx, fy, fs;
  for (int z = 0; z < Z; ++z) {
    CapacitySize& cs = r.sizes[z];
    cs.n = o.sizes[z];
    for (int k = 0; k < K; ++k) {
      CapacityPoint p;
      p.alpha = o.alphas[k];
      p.patterns = patterns_at(o.alphas[k], cs.n);
      std::vector<double> vm(S), vr(S);
      for (int s = 0; s < S; ++s) vm[s] = over[z][s][k], vr[s] = rate[z][s][k];
      p.overlap = sample_mean(vm);
      p.retrieval = sample_mean(vr);
      p.ags_overlap = o.rule == StorageRule::Hebb ? ags_overlap_t0(p.alpha) : NAN;
      p.unconverged = unconverged[z][k];
      cs.points.push_back(p);
    }
    cs.alpha_c = jackknife_crossing(o.alphas, rate[z], 0.5);
    if (std::isfinite(cs.alpha_c.mean) && cs.alpha_c.error > 0) {
      fx.push_back(1.0 / std::sqrt(static_cast<double>(cs.n)));
      fy.push_back(cs.alpha_c.mean);
      fs.push_back(cs.alpha_c.error);
    }
  }
  const LineFit f = fit_line(fx, fy, fs);
  r.alpha_c_infinity = f.intercept;
  r.slope = f.slope;
  r.chi2_per_dof = f.dof > 0 ? f.chi2 / f.dof : NAN;
  r.seconds = since(t0);
  return r;
}

}  // namespace spinlab
