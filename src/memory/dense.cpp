// Dense associative memory: O(P) energy differences from kept overlaps, the capacity scan with
// its scaling exponent, and the overload experiment.
#include "measure/estimators.hpp"
#include "memory/dense.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "core/error.hpp"
#include "memory/capacity.hpp"
#include "measure/parallel.hpp"

namespace spinlab {
namespace {

using Clock = std::chrono::steady_clock;

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// Patterns a run may hold: N x P bytes, twice (rows and the transposed copy), at most 2 GiB.
void check_pattern_memory(int32_t n, double p, const std::string& flag) {
  if (!(p >= 1) || static_cast<double>(n) * p > 1.0e9)
    throw InputError(flag + ": " + num(p) + " patterns of " + std::to_string(n) + " neurons are too many (N P must stay below 1e9)");
}

}  // namespace

DamEnergy parse_dam_energy(const std::string& spec) {
  DamEnergy e;
  if (spec == "exp") {
    e.exponential = true;
    return e;
  }
  if (spec.rfind("poly:", 0) == 0) {
    const std::string d = spec.substr(5);
    if (!d.empty() && d.size() <= 2 && std::all_of(d.begin(), d.end(), ::isdigit)) {
      e.degree = std::stoi(d);
      if (e.degree >= 2 && e.degree <= 12) return e;
    }
  }
  throw InputError("--energy: expected poly:N with 2 <= N <= 12, or exp; got '" + spec + "'");
}

DenseMemory::DenseMemory(const Patterns& pats, DamEnergy energy)
    : n_(pats.n), pmax_(pats.p), active_(pats.p), e_(energy) {
  if (n_ < 1 || pmax_ < 1) throw InputError("dense memory: need at least one pattern of at least one neuron");
  xt_.resize(static_cast<size_t>(n_) * static_cast<size_t>(pmax_));
  for (int32_t mu = 0; mu < pmax_; ++mu) {
    const auto r = pats.row(mu);
    for (int32_t i = 0; i < n_; ++i) xt_[static_cast<size_t>(i) * pmax_ + mu] = r[i];
  }
  if (e_.exponential) {
    expm_.resize(2 * static_cast<size_t>(n_) + 1);
    for (size_t j = 0; j < expm_.size(); ++j) expm_[j] = std::exp(-static_cast<double>(j));
  } else {
    // (M - 2a)^n - M^n = sum_k C(n,k) M^(n-k) (-2a)^k: odd k into u, even k into w (a^2 = 1).
    const int n = e_.degree;
    ucoef_.assign(n + 1, 0.0);
    wcoef_.assign(n + 1, 0.0);
    double c = 1;  // C(n, k)
    for (int k = 1; k <= n; ++k) {
      c = c * (n - k + 1) / k;
      (k % 2 ? ucoef_ : wcoef_)[n - k] = c * std::ldexp(1.0, k);
    }
  }
}

void DenseMemory::set_active(int32_t p) {
  if (p < 1 || p > pmax_) throw InputError("dense memory: active patterns out of range");
  active_ = p;
}

double DenseMemory::energy(std::span<const Spin> s) const {
  double e = 0;
  std::vector<int32_t> M(static_cast<size_t>(active_));
  overlaps(s, M);
  for (int32_t m : M) e -= e_.exponential ? std::exp(static_cast<double>(m)) : std::pow(static_cast<double>(m), e_.degree);
  return e;
}

void DenseMemory::overlaps(std::span<const Spin> s, std::span<int32_t> M) const {
  std::fill(M.begin(), M.begin() + active_, 0);
  for (int32_t i = 0; i < n_; ++i) {
    const Spin* x = xt_.data() + static_cast<size_t>(i) * pmax_;
    const int32_t si = s[i];
    for (int32_t mu = 0; mu < active_; ++mu) M[mu] += si * x[mu];
  }
}

double DenseMemory::prepare(const int32_t* M, std::vector<double>& u) const {
  u.resize(static_cast<size_t>(active_));
  double wsum = 0;
  if (e_.exponential) {
    const int32_t mref = *std::max_element(M, M + active_);
    const double sh = std::sinh(2.0), ch = std::cosh(2.0) - 1.0;
    for (int32_t mu = 0; mu < active_; ++mu) {
      const double g = expm_[mref - M[mu]];
      u[mu] = sh * g;
      wsum += ch * g;
    }
  } else {
    const int n = e_.degree;
    for (int32_t mu = 0; mu < active_; ++mu) {
      // Horner in M over the odd-k (u) and even-k (w) coefficients.
      const double m = M[mu];
      double uu = 0, ww = 0;
      for (int p = n - 1; p >= 0; --p) uu = uu * m + ucoef_[p], ww = ww * m + wcoef_[p];
      u[mu] = uu;
      wsum += ww;
    }
  }
  return -wsum;
}

// xi_i . u with two 8-lane accumulators (GCC vector extensions: the compiler does not reorder a
// floating-point sum by itself). Polynomial u holds integers, so the order does not matter there.
double DenseMemory::scaled_delta(int32_t i, Spin si, const std::vector<double>& u, double a) const {
  typedef double v8d __attribute__((vector_size(64)));
  typedef int8_t v8c __attribute__((vector_size(8)));
  const Spin* x = xt_.data() + static_cast<size_t>(i) * pmax_;
  const double* up = u.data();
  v8d acc0 = {}, acc1 = {};
  int32_t mu = 0;
  for (; mu + 16 <= active_; mu += 16) {
    v8c c0, c1;
    v8d u0, u1;
    std::memcpy(&c0, x + mu, 8);
    std::memcpy(&c1, x + mu + 8, 8);
    std::memcpy(&u0, up + mu, 64);
    std::memcpy(&u1, up + mu + 8, 64);
    acc0 += __builtin_convertvector(c0, v8d) * u0;
    acc1 += __builtin_convertvector(c1, v8d) * u1;
  }
  acc0 += acc1;
  double dot = 0;
  for (int k = 0; k < 8; ++k) dot += acc0[k];
  for (; mu < active_; ++mu) dot += static_cast<double>(x[mu]) * up[mu];
  return a + si * dot;
}

double DenseMemory::delta_energy(int32_t i, std::span<const Spin> s, std::span<const int32_t> M) const {
  std::vector<double> u;
  const double a = prepare(M.data(), u);
  const double d = scaled_delta(i, s[i], u, a);
  if (!e_.exponential) return d;
  return d * std::exp(static_cast<double>(*std::max_element(M.begin(), M.begin() + active_)));
}

RelaxStats DenseMemory::relax_async(std::span<Spin> s, std::span<int32_t> M, Rng& rng, int64_t max_sweeps) const {
  RelaxStats st;
  std::vector<int32_t> order(static_cast<size_t>(n_));
  std::vector<double> u;
  double a = prepare(M.data(), u);
  for (int64_t sweep = 1; sweep <= max_sweeps; ++sweep) {
    random_permutation(order, rng);
    int64_t flips = 0;
    for (int32_t i : order) {
      if (!(scaled_delta(i, s[i], u, a) < 0)) continue;
      const Spin* x = xt_.data() + static_cast<size_t>(i) * pmax_;
      const int32_t two_s = 2 * s[i];
      for (int32_t mu = 0; mu < active_; ++mu) M[mu] -= two_s * x[mu];
      a = prepare(M.data(), u);
      s[i] = static_cast<Spin>(-s[i]);
      ++flips;
    }
    st.sweeps = sweep;
    st.flips += flips;
    if (flips == 0) {
      st.converged = true;
      break;
    }
  }
  return st;
}

namespace {

int64_t dam_patterns(const DamEnergy& e, double load, int32_t n) {
  const double p = e.exponential ? std::exp(load * n) : load * std::pow(static_cast<double>(n), e.degree - 1);
  return std::max<int64_t>(1, std::llround(std::min(p, 4.0e18)));
}

}  // namespace

DamCapacityResult dam_capacity(const DamCapacityOptions& o) {
  const auto t0 = Clock::now();
  if (o.sizes.empty() || o.loads.empty()) throw InputError("--N and --load need at least one value each");
  for (size_t k = 0; k < o.loads.size(); ++k)
    if (!(o.loads[k] > 0) || (k > 0 && !(o.loads[k] > o.loads[k - 1])))
      throw InputError("--load: loads must be > 0 and increase");
  for (int32_t n : o.sizes)
    if (n < 8 || n > 65536) throw InputError("--N: sizes must lie in [8, 65536], got " + std::to_string(n));
  if (o.samples < 2) throw InputError("--samples must be >= 2 (errors come from the spread over samples)");
  if (o.probes < 1) throw InputError("--probes must be >= 1");
  if (!(o.noise >= 0 && o.noise <= 1)) throw InputError("--noise must lie in [0, 1]");
  if (!(o.threshold > 0 && o.threshold <= 1)) throw InputError("--threshold must lie in (0, 1]");
  for (int32_t n : o.sizes) check_pattern_memory(n, static_cast<double>(dam_patterns(o.energy, o.loads.back(), n)), "--load");
  const int S = o.samples, Z = static_cast<int>(o.sizes.size()), K = static_cast<int>(o.loads.size());
  std::vector<std::vector<std::vector<double>>> rate(Z, std::vector<std::vector<double>>(S, std::vector<double>(K))), over(rate);
  DamCapacityResult r;
  r.sizes.resize(Z);
  ProgressCounter progress(static_cast<double>(Z) * S * K, o.progress);
  std::mutex mu;
  parallel_tasks(Z * S, o.threads, [&](int task) {
    const auto ts = Clock::now();
    const int z = task / S, s = task % S;
    const int32_t n = o.sizes[z];
    const uint64_t stream = 2 * ((static_cast<uint64_t>(n) << 20) + static_cast<uint64_t>(s));
    const auto pmax = static_cast<int32_t>(dam_patterns(o.energy, o.loads.back(), n));
    const Patterns pats = random_patterns(n, pmax, 0.0, o.seed, stream);
    DenseMemory dm(pats, o.energy);
    Rng rng(o.seed, stream + 1);
    std::vector<int32_t> M(static_cast<size_t>(pmax));
    std::vector<Spin> cue(static_cast<size_t>(n));
    for (int k = 0; k < K; ++k) {
      const auto P = static_cast<int32_t>(dam_patterns(o.energy, o.loads[k], n));
      dm.set_active(P);
      const int32_t starts = std::min(o.probes, P);
      double sum_m = 0;
      int hits = 0;
      for (int32_t b = 0; b < starts; ++b) {
        const auto m_idx = static_cast<int32_t>(static_cast<int64_t>(b) * P / starts);
        const auto xi = pats.row(m_idx);
        cue.assign(xi.begin(), xi.end());
        corrupt(cue, o.noise, rng);
        dm.overlaps(cue, M);
        dm.relax_async(cue, M, rng, o.max_sweeps);
        const double m = static_cast<double>(M[m_idx]) / n;
        sum_m += m;
        hits += m >= o.threshold;
      }
      over[z][s][k] = sum_m / starts;
      rate[z][s][k] = static_cast<double>(hits) / starts;
      progress.add(1);
    }
    std::lock_guard lock(mu);
    r.sizes[z].seconds += std::chrono::duration<double>(Clock::now() - ts).count();
  });
  std::vector<double> fx, fy, fs;
  for (int z = 0; z < Z; ++z) {
    DamCapacitySize& cs = r.sizes[z];
    cs.n = o.sizes[z];
    for (int k = 0; k < K; ++k) {
      DamCapacityPoint p;
      p.load = o.loads[k];
      p.patterns = dam_patterns(o.energy, p.load, cs.n);
      std::vector<double> vm(S), vr(S);
      for (int s = 0; s < S; ++s) vm[s] = over[z][s][k], vr[s] = rate[z][s][k];
      p.overlap = sample_mean(vm);
      p.retrieval = sample_mean(vr);
      cs.points.push_back(p);
    }
    cs.load_c = jackknife_crossing(o.loads, rate[z], 0.5);
    const double n = cs.n;
    if (o.energy.exponential) {
      cs.p_max.mean = std::exp(cs.load_c.mean * n);
      cs.p_max.error = cs.p_max.mean * n * cs.load_c.error;
    } else {
      const double scale = std::pow(n, o.energy.degree - 1);
      cs.p_max.mean = cs.load_c.mean * scale;
      cs.p_max.error = cs.load_c.error * scale;
    }
    cs.p_max.n_eff = cs.load_c.n_eff;
    if (std::isfinite(cs.load_c.mean) && cs.load_c.error > 0) {
      fx.push_back(o.energy.exponential ? n : std::log(n));
      fy.push_back(std::log(cs.p_max.mean));
      fs.push_back(o.energy.exponential ? n * cs.load_c.error : cs.load_c.error / cs.load_c.mean);
    }
  }
  r.exponent = fit_line(fx, fy, fs).slope;
  r.expected_exponent = o.energy.exponential ? NAN : o.energy.degree - 1;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

DamOverloadResult dam_overload(const DamOverloadOptions& o) {
  const auto t0 = Clock::now();
  if (o.n < 8 || o.n > 65536) throw InputError("--N must lie in [8, 65536], got " + std::to_string(o.n));
  if (o.patterns.empty()) throw InputError("--P: give at least one pattern count");
  for (size_t k = 0; k < o.patterns.size(); ++k)
    if (o.patterns[k] < 1 || (k > 0 && o.patterns[k] <= o.patterns[k - 1]))
      throw InputError("--P: pattern counts must be >= 1 and increase");
  check_pattern_memory(o.n, static_cast<double>(o.patterns.back()), "--P");
  if (o.samples < 2) throw InputError("--samples must be >= 2 (errors come from the spread over samples)");
  if (o.starts < 1) throw InputError("--starts must be >= 1");
  if (!(o.noise >= 0 && o.noise <= 1)) throw InputError("--noise must lie in [0, 1]");
  if (!(o.threshold > 0 && o.threshold <= 1)) throw InputError("--threshold must lie in (0, 1]");
  const int S = o.samples, K = static_cast<int>(o.patterns.size());
  const int32_t n = o.n;
  std::vector<std::vector<double>> ex(S, std::vector<double>(K)), nr(ex), nv(ex), mx(ex);
  ProgressCounter progress(static_cast<double>(S) * K, o.progress);
  parallel_tasks(S, o.threads, [&](int s) {
    const uint64_t stream = 2 * ((static_cast<uint64_t>(n) << 20) + static_cast<uint64_t>(s));
    const auto pmax = static_cast<int32_t>(o.patterns.back());
    const Patterns pats = random_patterns(n, pmax, 0.0, o.seed, stream);
    DenseMemory dm(pats, o.energy);
    Rng rng(o.seed, stream + 1);
    std::vector<int32_t> M(static_cast<size_t>(pmax));
    std::vector<Spin> cue(static_cast<size_t>(n));
    const bool mirror = !o.energy.exponential && o.energy.degree % 2 == 0;  // F even: -xi is a memory too
    for (int k = 0; k < K; ++k) {
      const auto P = static_cast<int32_t>(o.patterns[k]);
      dm.set_active(P);
      int e = 0, near = 0, novel = 0;
      double msum = 0;
      for (int b = 0; b < o.starts; ++b) {
        const auto xi = pats.row(static_cast<int32_t>(static_cast<int64_t>(b) * P / o.starts));
        cue.assign(xi.begin(), xi.end());
        corrupt(cue, o.noise, rng);
        dm.overlaps(cue, M);
        dm.relax_async(cue, M, rng, o.max_sweeps);
        int32_t best = 0;
        for (int32_t mu = 0; mu < P; ++mu) best = std::max(best, mirror ? std::abs(M[mu]) : M[mu]);
        const double m = static_cast<double>(best) / n;
        msum += m;
        if (best == n) ++e;
        else if (m >= o.threshold) ++near;
        else ++novel;
      }
      const double st = o.starts;
      ex[s][k] = e / st, nr[s][k] = near / st, nv[s][k] = novel / st, mx[s][k] = msum / st;
      progress.add(1);
    }
  });
  DamOverloadResult r;
  std::vector<double> logp(K);
  std::vector<std::vector<double>> stored(S, std::vector<double>(K));
  for (int k = 0; k < K; ++k) {
    DamOverloadPoint p;
    p.patterns = o.patterns[k];
    std::vector<double> a(S), b(S), c(S), d(S);
    for (int s = 0; s < S; ++s) a[s] = ex[s][k], b[s] = nr[s][k], c[s] = nv[s][k], d[s] = mx[s][k], stored[s][k] = 1 - nv[s][k];
    p.exact = sample_mean(a), p.near = sample_mean(b), p.novel = sample_mean(c), p.max_overlap = sample_mean(d);
    r.points.push_back(p);
    logp[k] = std::log(static_cast<double>(o.patterns[k]));
  }
  // Crossover: the fraction ending at (or near) stored patterns falls through 1/2, in log P.
  const Estimate lc = jackknife_crossing(logp, stored, 0.5);
  r.crossover.mean = std::exp(lc.mean);
  r.crossover.error = r.crossover.mean * lc.error;
  r.crossover.n_eff = lc.n_eff;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
