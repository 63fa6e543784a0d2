// Runs: run 0 samples the model itself; with the validator, runs 1 + 2p and 2 + 2p sample it
// with fields +h and -h on probe p. Every run has `chains` chains; chain c of every run draws
// from stream c of the seed (common random numbers: the +h and -h runs see the same coins, so
// their difference has much less noise than two independent runs). Tasks (run, chain) are
// handed to the threads in any order and merged in a fixed one, so results do not depend on
// the thread count.
#include "probe/chi.hpp"
#include "measure/parallel.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sample/move.hpp"

namespace spinlab {
namespace {

using Clock = std::chrono::steady_clock;

struct ChainOutput {
  ChiAccumulator acc{0, 0};
  std::vector<ChiAccumulator> snapshots;  // at the per-chain trace points
};

ChainOutput run_chain(const IsingModel& sampled, const IsingModel& base, const ChiOptions& o, int chain,
                      int64_t measurements, const std::vector<int64_t>& snapshot_at, ProgressCounter& progress) {
  const int32_t n = sampled.size();
  Rng rng(o.seed, static_cast<uint64_t>(chain));
  std::vector<Spin> s = initial_spins(o.init, n, rng);
  auto move = make_move(o.algo, sampled, o.beta);
  for (int64_t t = 0; t < o.therm; ++t) {
    move->sweep(s, rng);
    if ((t & 63) == 63) progress.add(64);
  }
  progress.add(o.therm & 63);
  move->end_thermalization(s, rng);
  ChainOutput out;
  out.acc = ChiAccumulator(o.probes.size(), o.observables.size());
  std::vector<double> F(o.probes.size()), phi(o.observables.size());
  const SiteFunctionSet probes(o.probes), observables(o.observables);
  size_t next_snapshot = 0;
  int64_t pending = 0;
  for (int64_t m = 0; m < measurements; ++m) {
    for (int64_t t = 0; t < o.measure_every; ++t) move->sweep(s, rng);
    probes.evaluate(base, s, F);
    observables.evaluate(base, s, phi);
    out.acc.add(F, phi);
    const int64_t swept = (m + 1) * o.measure_every;
    while (next_snapshot < snapshot_at.size() && snapshot_at[next_snapshot] <= swept) {
      out.snapshots.push_back(out.acc);
      ++next_snapshot;
    }
    if ((pending += o.measure_every) >= 64) {
      progress.add(pending);
      pending = 0;
    }
  }
  progress.add(pending);
  return out;
}

}  // namespace

IsingModel with_probe_field(const IsingModel& model, const SiteFunction& f, double h) {
  if (f.energy) throw InputError(f.name + ": the energy cannot carry a probe field (that is a change of beta)");
  std::vector<double> fields(model.fields().begin(), model.fields().end());
  if (fields.empty()) fields.assign(model.size(), 0.0);
  for (const SiteTerm& t : f.sites) fields[t.site] += h * t.weight;
  std::vector<Edge> edges(model.graph().edges().begin(), model.graph().edges().end());
  // E - h F: a pair term h w s_a s_b adds h w to J_ab (the Graph sums duplicate edges).
  for (const PairTerm& t : f.pairs) edges.push_back({std::min(t.a, t.b), std::max(t.a, t.b), h * t.weight});
  IsingModel out(Graph::from_edges(model.size(), edges), std::move(fields), model.offset());
  if (model.has_frozen()) out.set_frozen(std::vector<Spin>(model.frozen().begin(), model.frozen().end()));
  return out;
}

ChiResult measure_chi(const IsingModel& model, const ChiOptions& o) {
  const auto t0 = Clock::now();
  if (o.probes.empty()) throw InputError("no probe given");
  if (o.observables.empty()) throw InputError("no observable given");
  if (!(o.beta >= 0.0) || !std::isfinite(o.beta)) throw InputError("--beta must be finite and >= 0");
  if (o.chains < 1 || o.chains > 4096) throw InputError("--chains must be between 1 and 4096");
  if (o.threads < 1 || o.threads > 1024) throw InputError("--threads must be between 1 and 1024");
  if (o.therm < 0) throw InputError("--therm must be >= 0");
  if (o.measure_every < 1) throw InputError("--measure-every must be >= 1");
  const int64_t per_chain = o.sweeps / o.chains;
  const int64_t measurements = per_chain / o.measure_every;
  if (o.sweeps < 0 || measurements < 2)
    throw InputError("--sweeps " + std::to_string(o.sweeps) + ": too few for " + std::to_string(o.chains) +
                     " chains measuring every " + std::to_string(o.measure_every) + " sweeps (need >= 2 measurements each)");
  for (const auto& f : o.probes) {
    if (f.energy) throw InputError("probe " + f.name + ": the energy cannot be a probe (a field on E is a change of beta)");
    if (f.num_terms() == 0) throw InputError("probe " + f.name + ": no sites");
  }
  if (o.finite_difference_h < 0.0 || !std::isfinite(o.finite_difference_h))
    throw InputError("--check-fd must be a finite field > 0");
  if (o.finite_difference_h > 0.0 && o.beta == 0.0) throw InputError("--check-fd needs beta > 0");
  make_move(o.algo, model, o.beta);  // throws early on a bad algorithm
  const size_t P = o.probes.size(), K = o.observables.size();
  const bool fd = o.finite_difference_h > 0.0;
  const int runs = fd ? 1 + 2 * static_cast<int>(P) : 1;
  // Models of the runs (the perturbed ones built up front, in order).
  std::vector<IsingModel> perturbed;
  if (fd)
    for (size_t p = 0; p < P; ++p) {
      perturbed.push_back(with_probe_field(model, o.probes[p], o.finite_difference_h));
      perturbed.push_back(with_probe_field(model, o.probes[p], -o.finite_difference_h));
    }
  std::vector<int64_t> snapshot_at;  // per-chain sweeps of the trace points
  for (int64_t t : o.trace_sweeps) {
    if (t < 1 || t > per_chain * o.chains) continue;
    snapshot_at.push_back(std::max<int64_t>(o.measure_every * 2, t / o.chains));
  }
  std::sort(snapshot_at.begin(), snapshot_at.end());
  snapshot_at.erase(std::unique(snapshot_at.begin(), snapshot_at.end()), snapshot_at.end());

  const int tasks = runs * o.chains;
  std::vector<ChainOutput> out(static_cast<size_t>(tasks));
  ProgressCounter progress(static_cast<double>(tasks) * static_cast<double>(o.therm + measurements * o.measure_every), o.progress);
  parallel_tasks(tasks, o.threads, [&](int t) {
    const int run = t / o.chains, chain = t % o.chains;
    const IsingModel& sampled = run == 0 ? model : perturbed[static_cast<size_t>(run - 1)];
    out[static_cast<size_t>(t)] =
        run_chain(sampled, model, o, chain, measurements, run == 0 ? snapshot_at : std::vector<int64_t>{}, progress);
  });

  auto merged = [&](int run) {
    ChiAccumulator acc = out[static_cast<size_t>(run * o.chains)].acc;
    for (int c = 1; c < o.chains; ++c) acc.merge(out[static_cast<size_t>(run * o.chains + c)].acc);
    return acc;
  };
  ChiResult r;
  r.algo = make_move(o.algo, model, o.beta)->name();
  const ChiAccumulator acc0 = merged(0);
  r.estimates = acc0.estimate();
  for (size_t q = 0; q < snapshot_at.size(); ++q) {
    ChiAccumulator acc = out[0].snapshots.at(q);
    for (int c = 1; c < o.chains; ++c) acc.merge(out[static_cast<size_t>(c)].snapshots.at(q));
    if (acc.samples() < 2) continue;
    r.trace.push_back({snapshot_at[q] * o.chains, acc.estimate()});
  }
  if (fd) {
    const double scale = 2.0 * o.beta * o.finite_difference_h;
    r.finite_difference.resize(P * K);
    for (size_t p = 0; p < P; ++p) {
      const ChiAccumulator plus = merged(1 + 2 * static_cast<int>(p)), minus = merged(2 + 2 * static_cast<int>(p));
      const ChiEstimates ep = plus.estimate(), em = minus.estimate();
      for (size_t k = 0; k < K; ++k) {
        const std::vector<double> a = plus.observable_block_means(k), b = minus.observable_block_means(k);
        const size_t nb = std::min(a.size(), b.size());
        double md = 0.0, vd = 0.0;
        for (size_t i = 0; i < nb; ++i) md += a[i] - b[i];
        md /= static_cast<double>(nb);
        for (size_t i = 0; i < nb; ++i) vd += (a[i] - b[i] - md) * (a[i] - b[i] - md);
        vd /= static_cast<double>(nb - 1) * static_cast<double>(nb);
        Estimate e;
        e.mean = (ep.observable_mean[k].mean - em.observable_mean[k].mean) / scale;
        e.error = std::sqrt(vd) / scale;
        e.tau_int = std::max(ep.observable_mean[k].tau_int, em.observable_mean[k].tau_int);
        e.n_eff = static_cast<double>(ep.samples) / (2.0 * e.tau_int);
        r.finite_difference[p * K + k] = e;
      }
    }
  }
  // Error bars need blocks much longer than the autocorrelation time.
  double tau_max = 0.0;
  for (const auto& e : r.estimates.observable_mean) tau_max = std::max(tau_max, e.tau_int);
  for (const auto& e : r.estimates.probe_mean) tau_max = std::max(tau_max, e.tau_int);
  if (static_cast<double>(r.estimates.block_size) < 10.0 * tau_max) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "blocks of %zu measurements are shorter than 10 tau_int (%.0f): errors may be underestimated; "
                  "raise --sweeps or use a cluster algorithm",
                  r.estimates.block_size, tau_max);
    r.warnings.emplace_back(buf);
  }
  r.sweeps_done = progress.done();
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
