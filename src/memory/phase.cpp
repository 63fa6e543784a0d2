// The (alpha, T) grid: heat-bath replicas per point, m and q, the classification, the AGS lines.
#include "measure/estimators.hpp"
#include "memory/phase.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "memory/ags.hpp"
#include "measure/parallel.hpp"

namespace spinlab {
PhaseResult hopfield_phase(const PhaseOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.n < 8 || o.n > 65536) throw InputError("--N must lie in [8, 65536], got " + std::to_string(o.n));
  if (o.alphas.empty() || o.temperatures.empty()) throw InputError("--alpha and --T need at least one value each");
  for (size_t k = 0; k < o.alphas.size(); ++k)
    if (!(o.alphas[k] > 0 && o.alphas[k] <= 1) || (k > 0 && !(o.alphas[k] > o.alphas[k - 1])))
      throw InputError("--alpha: loads must increase and lie in (0, 1]");
  for (double T : o.temperatures)
    if (!(T > 0) || !std::isfinite(1.0 / T)) throw InputError("--T: temperatures must be > 0");
  if (o.samples < 2) throw InputError("--samples must be >= 2 (errors come from the spread over samples)");
  if (o.therm < 0 || o.sweeps < 1) throw InputError("--sweeps must be >= 1 and --therm >= 0");
  if (!(o.m_threshold > 0 && o.m_threshold <= 1)) throw InputError("--m-threshold must lie in (0, 1]");
  if (!(o.q_threshold >= 0 && o.q_threshold <= 1)) throw InputError("--q-threshold must lie in [0, 1]");
  const int S = o.samples, K = static_cast<int>(o.alphas.size()), TT = static_cast<int>(o.temperatures.size());
  const int32_t n = o.n;
  auto patterns_at = [&](double a) { return std::max<int32_t>(1, static_cast<int32_t>(std::llround(a * n))); };
  // mv[k][t][s], qv[k][t][s]
  std::vector<std::vector<std::vector<double>>> mv(K, std::vector<std::vector<double>>(TT, std::vector<double>(S))), qv(mv);
  ProgressCounter progress(static_cast<double>(S) * TT * K, o.progress);
  parallel_tasks(S * TT, o.threads, [&](int task) {
    const int s = task / TT, t = task % TT;
    const Patterns pats = random_patterns(n, patterns_at(o.alphas.back()), 0.0, o.seed, static_cast<uint64_t>(s));
    HopfieldNetwork net(n, o.rule);
    HopfieldHeatBath hb(net, 1.0 / o.temperatures[t]);
    const auto xi = pats.row(0);
    std::vector<Spin> a(n), b(n);
    std::vector<double> ha(n), hbf(n);
    for (int k = 0; k < K; ++k) {
      const int32_t P = patterns_at(o.alphas[k]);
      net.store(pats, net.stored(), P - net.stored());
      const uint64_t base = (uint64_t{1} << 32) + 2 * ((static_cast<uint64_t>(s) * K + k) * TT + t);
      Rng ra(o.seed, base), rb(o.seed, base + 1);
      a.assign(xi.begin(), xi.end());
      b.assign(xi.begin(), xi.end());
      net.fields(a, ha);
      hbf = ha;
      for (int64_t w = 0; w < o.therm; ++w) hb.sweep(a, ha, ra), hb.sweep(b, hbf, rb);
      double msum = 0, qsum = 0;
      for (int64_t w = 0; w < o.sweeps; ++w) {
        hb.sweep(a, ha, ra);
        hb.sweep(b, hbf, rb);
        msum += 0.5 * (overlap(xi, a) + overlap(xi, b));
        qsum += std::fabs(overlap(a, b));  // |q|: the two replicas may sit in mirror states
      }
      mv[k][t][s] = msum / static_cast<double>(o.sweeps);
      qv[k][t][s] = qsum / static_cast<double>(o.sweeps);
      progress.add(1);
    }
  });
  PhaseResult r;
  r.q_threshold = o.q_threshold > 0 ? o.q_threshold : std::max(0.05, 2.0 / std::sqrt(static_cast<double>(n)));
  for (int k = 0; k < K; ++k)
    for (int t = 0; t < TT; ++t) {
      PhasePoint p;
      p.alpha = o.alphas[k];
      p.T = o.temperatures[t];
      p.patterns = patterns_at(p.alpha);
      p.m = sample_mean(mv[k][t]);
      p.q = sample_mean(qv[k][t]);
      p.phase = p.m.mean >= o.m_threshold ? "retrieval" : (p.q.mean >= r.q_threshold ? "spin-glass" : "paramagnetic");
      const AgsSolution a = ags_solve(p.alpha, p.T);
      p.ags_m = a.m > 0.05 ? a.m : 0.0;
      r.points.push_back(p);
    }
  const double ac = ags_alpha_c();
  constexpr int kLine = 24;  // ~0.1 s per point of T_M
  for (int k = 0; k <= kLine && o.ags_lines; ++k) {
    const double a = ac * k / kLine;
    r.line_alpha.push_back(a);
    r.line_tm.push_back(k == kLine ? 0.0 : ags_retrieval_temperature(a));
    r.line_tg.push_back(ags_glass_temperature(a));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
