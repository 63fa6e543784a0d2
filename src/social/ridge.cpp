// social_ridge: field ramps on a seed set with the FDT response gain along the way (social/ridge.hpp).
#include "social/ridge.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "measure/chi_accumulator.hpp"
#include "measure/parallel.hpp"
#include "sample/move.hpp"

namespace spinlab {
namespace {

struct ReplicaRun {
  std::vector<double> gain, m_step;  // per step
  std::vector<double> m;             // per sweep
  double peak_time = NAN, peak_field = NAN, peak_gain = NAN, initial_gain = NAN;
  double flip_time = -1.0, flip_field = NAN;
  std::array<double, 4> tau{NAN, NAN, NAN, NAN}, p{NAN, NAN, NAN, NAN};
  bool ews = false;
};

Estimate finite_mean(const std::vector<double>& x) {
  std::vector<double> v;
  for (double a : x)
    if (std::isfinite(a)) v.push_back(a);
  if (v.empty()) return {NAN, NAN, 0.5, 0.0};
  return sample_mean(v);
}

}  // namespace

RidgeResult social_ridge(const IsingModel& model, const RidgeOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const int32_t n = model.size();
  if (!(o.beta > 0) || !std::isfinite(o.beta)) throw InputError("--beta must be finite and > 0");
  if (!std::isfinite(o.h_start) || !std::isfinite(o.h_end)) throw InputError("--h: the ramp ends must be finite");
  if (o.window < 2) throw InputError("--window must be >= 2 sweeps");
  if (o.ramp_sweeps < 3 * o.window) throw InputError("--ramp-sweeps must be at least 3 windows (--window)");
  if (o.sustain < 1) throw InputError("--sustain must be >= 1");
  if (o.smooth < 1) throw InputError("--smooth must be >= 1");
  if (o.replicas < 2) throw InputError("--replicas must be >= 2 (errors come from the spread over replicas)");
  if (!o.start.empty() && static_cast<int32_t>(o.start.size()) != n) throw InputError("--state: wrong number of spins");
  for (int32_t v : o.seeds)
    if (v < 0 || v >= n) throw InputError("--seeds: node out of range");
  const int64_t steps = o.ramp_sweeps / o.window, W = o.window, T = steps * W;
  std::vector<double> in_seed(n, o.seeds.empty() ? 1.0 : 0.0);
  for (int32_t v : o.seeds) in_seed[v] = 1.0;
  RidgeResult r;
  r.seed_count = o.seeds.empty() ? n : static_cast<int32_t>(o.seeds.size());
  for (int64_t k = 0; k < steps; ++k) {
    r.time.push_back((static_cast<double>(k) + 0.5) * W);
    r.field.push_back(o.h_start + (o.h_end - o.h_start) * (static_cast<double>(k) + 0.5) / static_cast<double>(steps));
  }
  // One model per step, shared by the replicas (zealots kept by with_fields).
  std::vector<IsingModel> models;
  models.reserve(steps);
  for (int64_t k = 0; k < steps; ++k) {
    std::vector<double> h(model.fields().begin(), model.fields().end());
    for (int32_t i = 0; i < n; ++i) h[i] += r.field[k] * in_seed[i];
    models.push_back(model.with_fields(std::move(h)));
  }
  r.kernel = make_move(o.algo, models[0], o.beta)->kernel();  // also checks the algorithm early
  std::vector<ReplicaRun> runs(o.replicas);
  ProgressCounter progress(static_cast<double>(o.replicas) * T, o.progress);
  parallel_tasks(o.replicas, o.threads, [&](int q) {
    Rng rng(o.seed, static_cast<uint64_t>(q));
    ReplicaRun& run = runs[q];
    std::vector<Spin> s = o.start.empty() ? cold_state(n, -1) : o.start;
    model.pin(s);
    run.m.reserve(T);
    for (int64_t k = 0; k < steps; ++k) {
      auto move = make_move(o.algo, models[k], o.beta);
      ChiAccumulator acc(1, 1);
      double msum = 0.0;
      for (int64_t t = 0; t < W; ++t) {
        move->sweep(s, rng);
        double M = 0.0, F = 0.0;
        for (int32_t i = 0; i < n; ++i) M += s[i], F += in_seed[i] * s[i];
        const double probe[1] = {F}, obs[1] = {M};
        acc.add(probe, obs);
        run.m.push_back(M / n);
        msum += M / n;
      }
      // d<m>/dh_seed = beta Cov[M, F] / N (E_h = E - h F; fluctuation-dissipation theorem).
      run.gain.push_back(o.beta * acc.estimate().chi[0].mean / n);
      run.m_step.push_back(msum / W);
      progress.add(W);
    }
    // Flip: the first sweep with M > 0 that stays > 0 for `sustain` sweeps (or to the end).
    for (int64_t t = 0; t < T && run.flip_time < 0; ++t) {
      if (run.m[t] <= 0) continue;
      bool held = true;
      for (int64_t u = t; u < std::min(T, t + o.sustain) && held; ++u) held = run.m[u] > 0;
      if (held) run.flip_time = static_cast<double>(t + 1);
    }
    if (run.flip_time >= 0) run.flip_field = r.field[std::min<int64_t>(steps - 1, static_cast<int64_t>(run.flip_time - 1) / W)];
    // Ridge: the smoothed gain's maximum over the steps that end before the flip.
    const int64_t last = run.flip_time >= 0 ? static_cast<int64_t>(run.flip_time - 1) / W - 1 : steps - 1;
    std::vector<double> smooth(steps);
    for (int64_t k = 0; k < steps; ++k) {
      const int64_t a = std::max<int64_t>(0, k - o.smooth / 2), b = std::min<int64_t>(std::max<int64_t>(last, 0), k + o.smooth / 2);
      double sum = 0.0;
      int cnt = 0;
      for (int64_t j = a; j <= std::max(a, b); ++j) sum += run.gain[j], ++cnt;
      smooth[k] = sum / cnt;
    }
    run.initial_gain = smooth[0];
    if (last >= 0) {
      const int64_t kp = std::max_element(smooth.begin(), smooth.begin() + last + 1) - smooth.begin();
      run.peak_time = r.time[kp];
      run.peak_field = r.field[kp];
      run.peak_gain = smooth[kp];
    }
    // Early-warning indicators of the m series up to the flip.
    const int64_t len = run.flip_time >= 0 ? static_cast<int64_t>(run.flip_time) - 1 : T;
    if (len >= 20) {
      EwsOptions e = o.ews;
      e.threads = 1;
      e.progress = nullptr;
      e.seed = o.ews.seed + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(q + 1);
      const EwsResult ews = early_warning_signals(std::span<const double>(run.m.data(), len), e);
      for (size_t i = 0; i < 4; ++i) run.tau[i] = ews.indicators[i].kendall_tau, run.p[i] = ews.indicators[i].p_value;
      run.ews = true;
    }
  });
  std::vector<double> pt, pf, pg, ig, ft, ff, lead;
  for (const ReplicaRun& run : runs) {
    pt.push_back(run.peak_time), pf.push_back(run.peak_field), pg.push_back(run.peak_gain), ig.push_back(run.initial_gain);
    if (run.flip_time >= 0) {
      ft.push_back(run.flip_time), ff.push_back(run.flip_field);
      lead.push_back(run.flip_time - run.peak_time);
    }
  }
  for (int64_t k = 0; k < steps; ++k) {
    std::vector<double> g, m;
    for (const ReplicaRun& run : runs) g.push_back(run.gain[k]), m.push_back(run.m_step[k]);
    r.gain.push_back(sample_mean(g));
    r.magnetization.push_back(sample_mean(m));
  }
  r.peak_time = finite_mean(pt), r.peak_field = finite_mean(pf), r.peak_gain = finite_mean(pg);
  r.initial_gain = finite_mean(ig), r.flip_time = finite_mean(ft), r.flip_field = finite_mean(ff);
  r.lead_time = finite_mean(lead);
  r.runs = o.replicas;
  r.flipped_fraction = static_cast<double>(ft.size()) / o.replicas;
  for (size_t i = 0; i < 4; ++i) {
    std::vector<double> taus;
    int sig = 0, with_p = 0;
    for (const ReplicaRun& run : runs) {
      if (!run.ews) continue;
      taus.push_back(run.tau[i]);
      if (std::isfinite(run.p[i])) ++with_p, sig += run.p[i] < 0.05;
    }
    r.ews_tau[i] = finite_mean(taus);
    r.ews_significant[i] = with_p ? static_cast<double>(sig) / with_p : NAN;
  }
  for (const ReplicaRun& run : runs) r.ews_runs += run.ews;
  r.m_series = runs[0].m;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
