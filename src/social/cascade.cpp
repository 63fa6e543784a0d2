// social_cascade: damage spreading from a flipped seed set (social/cascade.hpp).
#include "social/cascade.hpp"

#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "measure/parallel.hpp"
#include "sample/move.hpp"

namespace spinlab {

CascadeResult social_cascade(const IsingModel& model, const CascadeOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const int32_t n = model.size();
  if (!(o.beta >= 0) || !std::isfinite(o.beta)) throw InputError("--beta must be finite and >= 0");
  if (o.therm < 0) throw InputError("--therm must be >= 0");
  if (o.sweeps < 1) throw InputError("--sweeps must be >= 1");
  if (o.replicas < 2) throw InputError("--replicas must be >= 2 (errors come from the spread over replicas)");
  if (o.seeds.empty() == (o.random_seeds == 0)) throw InputError("--seeds: give a seed set (SITES, top:K or random:K)");
  if (!o.start.empty() && static_cast<int32_t>(o.start.size()) != n) throw InputError("--state: wrong number of spins");
  int32_t free_nodes = 0;
  for (int32_t i = 0; i < n; ++i) free_nodes += !model.is_frozen(i);
  for (int32_t v : o.seeds) {
    if (v < 0 || v >= n) throw InputError("--seeds: node out of range");
    if (model.is_frozen(v)) throw InputError("--seeds: node " + std::to_string(v) + " is a zealot (it cannot be flipped)");
  }
  if (o.random_seeds < 0 || o.random_seeds >= free_nodes) throw InputError("--seeds random:K: K must lie in 1..free nodes - 1");
  make_move(o.algo, model, o.beta);  // checks the algorithm early
  CascadeResult r;
  r.seed_count = o.seeds.empty() ? o.random_seeds : static_cast<int32_t>(o.seeds.size());
  r.sizes.resize(o.replicas);
  r.damages.resize(o.replicas);
  std::vector<double> pch(o.replicas), cch(o.replicas);
  std::vector<Spin> base_frozen = model.has_frozen() ? std::vector<Spin>(model.frozen().begin(), model.frozen().end())
                                                     : std::vector<Spin>(n, 0);
  ProgressCounter progress(static_cast<double>(o.replicas) * (o.therm + 2 * o.sweeps), o.progress);
  parallel_tasks(o.replicas, o.threads, [&](int q) {
    Rng rng(o.seed, static_cast<uint64_t>(q));
    std::vector<Spin> s = o.start.empty() ? cold_state(n, -1) : o.start;
    model.pin(s);
    {
      auto move = make_move(o.algo, model, o.beta);
      for (int64_t t = 0; t < o.therm; ++t) move->sweep(s, rng);
    }
    progress.add(o.therm);
    std::vector<int32_t> seeds = o.seeds;
    if (seeds.empty()) {  // K distinct free nodes, a partial Fisher-Yates shuffle
      std::vector<int32_t> idx;
      for (int32_t i = 0; i < n; ++i)
        if (!model.is_frozen(i)) idx.push_back(i);
      for (int32_t j = 0; j < o.random_seeds; ++j)
        std::swap(idx[j], idx[j + rng.below(static_cast<uint32_t>(idx.size() - j))]);
      seeds.assign(idx.begin(), idx.begin() + o.random_seeds);
    }
    std::vector<char> is_seed(n, 0);
    for (int32_t v : seeds) is_seed[v] = 1;
    const std::vector<Spin> s0 = s;
    std::vector<Spin> a = s0, b = s0;
    for (int32_t v : seeds) b[v] = static_cast<Spin>(-b[v]);
    // Pinned: the control holds the seeds at their old opinions, the perturbed copy at the new
    // ones, so both have zealots at the same nodes (and draw the same random numbers).
    IsingModel control_model, perturbed_model;
    const IsingModel* cm = &model;
    const IsingModel* pm = &model;
    if (o.pin) {
      std::vector<Spin> fa = base_frozen, fb = base_frozen;
      for (int32_t v : seeds) fa[v] = a[v], fb[v] = b[v];
      control_model = model;
      control_model.set_frozen(std::move(fa));
      perturbed_model = model;
      perturbed_model.set_frozen(std::move(fb));
      cm = &control_model;
      pm = &perturbed_model;
    }
    Rng ra = rng, rb = rng;  // one continuation for both copies
    auto ma = make_move(o.algo, *cm, o.beta);
    auto mb = make_move(o.algo, *pm, o.beta);
    for (int64_t t = 0; t < o.sweeps; ++t) ma->sweep(a, ra);
    progress.add(o.sweeps);
    for (int64_t t = 0; t < o.sweeps; ++t) mb->sweep(b, rb);
    progress.add(o.sweeps);
    int64_t ca = 0, cb = 0, dmg = 0;
    for (int32_t i = 0; i < n; ++i) {
      if (is_seed[i]) continue;
      ca += a[i] != s0[i];
      cb += b[i] != s0[i];
      dmg += a[i] != b[i];
    }
    pch[q] = static_cast<double>(cb);
    cch[q] = static_cast<double>(ca);
    r.sizes[q] = static_cast<double>(cb - ca);
    r.damages[q] = static_cast<double>(dmg);
  });
  r.size = sample_mean(r.sizes);
  r.damage = sample_mean(r.damages);
  r.perturbed_changed = sample_mean(pch);
  r.control_changed = sample_mean(cch);
  int global = 0;
  for (double x : r.sizes) global += x > 0.5 * (free_nodes - r.seed_count);
  r.global_fraction = static_cast<double>(global) / o.replicas;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
