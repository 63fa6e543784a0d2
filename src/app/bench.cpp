// The benchmark rows of `spinlab bench`. Each throughput is the median of repeats of at least
// ~0.2 s, after warm-up sweeps from a hot start, so one slow repeat (a page fault, a context
// switch) does not move it.
#include "app/bench.hpp"
#include "probe/chi.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <thread>

#include "core/model.hpp"
#include "measure/estimators.hpp"
#include "sample/move.hpp"
#include "sample/colored_heatbath.hpp"
#include "sample/msc_lattice.hpp"

namespace spinlab {
namespace {

constexpr double kBetaC2 = 0.4406867935097715;  // ln(1 + sqrt 2) / 2 (Onsager)
constexpr double kBetaC3 = 0.2216546;           // simple cubic (Ferrenberg, Xu, Landau 2018)

using Clock = std::chrono::steady_clock;

// Median over `repeats` of (spins per ns) for calls of `sweep`, each repeat at least min_s long.
template <class F>
double median_rate(double spins_per_call, int repeats, double min_s, F sweep) {
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    int64_t calls = 0;
    const auto t0 = Clock::now();
    double s = 0.0;
    do {
      sweep();
      ++calls;
      s = std::chrono::duration<double>(Clock::now() - t0).count();
    } while (s < min_s);
    rates.push_back(spins_per_call * static_cast<double>(calls) / (s * 1e9));
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

}  // namespace

void naive_metropolis_sweep(std::vector<int8_t>& s, int64_t L, int dim, double beta, uint32_t& rng_state) {
  // Sites in typewriter order, neighbours from precomputed +-1 tables (no division), acceptance
  // exp(-beta dE) from a table of the 2 dim + 1 possible dE, mt19937: plain, careful code.
  std::mt19937 gen(rng_state);
  std::vector<int64_t> up(L), dn(L);
  for (int64_t x = 0; x < L; ++x) {
    up[x] = (x + 1) % L;
    dn[x] = (x + L - 1) % L;
  }
  double accept[13];
  for (int k = 0; k <= 12; ++k) accept[k] = std::exp(-beta * 2.0 * k);  // dE = 2 k (J = 1)
  const int64_t Lz = dim == 3 ? L : 1, Ly = dim >= 2 ? L : 1;
  for (int64_t z = 0; z < Lz; ++z)
    for (int64_t y = 0; y < Ly; ++y) {
      int8_t* row = s.data() + L * (y + Ly * z);
      const int8_t* ryp = dim >= 2 ? s.data() + L * (up[y] + Ly * z) : row;
      const int8_t* rym = dim >= 2 ? s.data() + L * (dn[y] + Ly * z) : row;
      const int8_t* rzp = dim == 3 ? s.data() + L * (y + Ly * up[z]) : row;
      const int8_t* rzm = dim == 3 ? s.data() + L * (y + Ly * dn[z]) : row;
      for (int64_t x = 0; x < L; ++x) {
        int sum = row[up[x]] + row[dn[x]];
        if (dim >= 2) sum += ryp[x] + rym[x];
        if (dim == 3) sum += rzp[x] + rzm[x];
        const int k = row[x] * sum;  // dE = 2 k
        if (k <= 0 || static_cast<double>(gen()) * 0x1.0p-32 < accept[k]) row[x] = static_cast<int8_t>(-row[x]);
      }
    }
  rng_state = gen();
}

std::vector<BenchRow> run_bench(const BenchOptions& o) {
  const double min_s = o.quick ? 0.02 : 0.2;
  const int repeats = o.quick ? 1 : 3;
  struct Size {
    int dim;
    int64_t L;
  };
  const std::vector<Size> sizes = o.quick ? std::vector<Size>{{2, 256}, {3, 32}}
                                          : std::vector<Size>{{2, 1024}, {2, 2048}, {2, 4096}, {3, 64}, {3, 128}, {3, 256}};
  std::vector<SimdLevel> levels;
  for (SimdLevel l : {SimdLevel::Avx512, SimdLevel::Avx2, SimdLevel::Scalar})
    if (simd_level_available(l)) levels.push_back(l);
  const double total = static_cast<double>(sizes.size() * (1 + levels.size() * o.threads.size()) + 5);
  double done = 0;
  auto tick = [&] {
    if (o.progress) o.progress(++done / total);
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<BenchRow> rows;
  for (const Size& sz : sizes) {
    const double beta = sz.dim == 2 ? kBetaC2 : kBetaC3;
    const int64_t n = sz.dim == 2 ? sz.L * sz.L : sz.L * sz.L * sz.L;
    // Baseline: the naive sweep, 1 thread, same process.
    double base = 0.0;
    {
      std::vector<int8_t> s(static_cast<size_t>(n));
      std::mt19937 g(1);
      for (auto& x : s) x = (g() & 1) ? 1 : -1;
      uint32_t st = 7;
      naive_metropolis_sweep(s, sz.L, sz.dim, beta, st);
      base = median_rate(static_cast<double>(n), repeats, min_s, [&] { naive_metropolis_sweep(s, sz.L, sz.dim, beta, st); });
      rows.push_back({"naive", sz.dim, sz.L, 1, base, base, 1.0, nan, nan, nan});
      tick();
    }
    MscLattice lat(sz.dim, sz.L);
    for (SimdLevel level : levels) {
      // The scalar reference (software AES) is ~1000x slower: timed on the smallest size only.
      const bool scalar_skip = level == SimdLevel::Scalar && !o.quick && sz.L != (sz.dim == 2 ? 1024 : 64);
      for (int threads : o.threads) {
        if (scalar_skip || (level == SimdLevel::Scalar && threads > 1)) {
          tick();
          continue;
        }
        Rng rng(1, 0);
        lat.randomize(rng, threads);
        MscUpdate up(lat.geometry(), MscRule::Metropolis, 1.0, beta, level, threads);
        const int warm = level == SimdLevel::Scalar ? 1 : 5;
        for (int t = 0; t < warm; ++t) up.sweep(lat, rng);
        const double rate = median_rate(static_cast<double>(n), repeats, min_s, [&] { up.sweep(lat, rng); });
        rows.push_back({up.kernel(), sz.dim, sz.L, threads, rate, base, rate / base, nan, nan, nan});
        tick();
      }
    }
  }
  // Cluster updates at beta_c: throughput on a large torus, tau_int of |M| on a smaller one.
  for (const char* algo : {"sw", "wolff"}) {
    for (int64_t L : o.quick ? std::vector<int64_t>{64} : std::vector<int64_t>{256, 4096}) {
      const IsingModel m = IsingModel::on_lattice(Lattice::square(static_cast<int32_t>(L)));
      auto move = make_move(algo, m, kBetaC2);
      Rng rng(5, 0);
      auto s = hot_state(m.size(), rng);
      for (int t = 0; t < 20; ++t) move->sweep(s, rng);
      double tau = nan;
      // On the large torus Wolff stays in its tuning mode (a sweep = clusters until N spins
      // flipped), so spins per ns is the cost of growing clusters, whatever their size.
      if (L <= 256) {  // tau_int from a series long enough for the Madras-Sokal window
        move->end_thermalization(s, rng);
        const int nmeas = o.quick ? 400 : 4000;
        std::vector<double> absm(nmeas);
        for (int k = 0; k < nmeas; ++k) {
          move->sweep(s, rng);
          absm[k] = std::fabs(static_cast<double>(IsingModel::magnetization(s))) / static_cast<double>(m.size());
        }
        tau = estimate_mean(absm).tau_int;
      }
      const double rate = median_rate(static_cast<double>(m.size()), repeats, min_s, [&] { move->sweep(s, rng); });
      const double ms = static_cast<double>(m.size()) / rate * 1e-6;
      BenchRow row{std::string(algo) + " " + move->kernel(), 2, L, 1, rate, nan, nan, ms, tau, nan};
      // The naive baseline of this size, when the single-spin rows measured it.
      for (const BenchRow& r : rows)
        if (r.kernel == "naive" && r.dim == 2 && r.L == L) row.baseline_flips_per_ns = r.flips_per_ns, row.speedup = rate / r.flips_per_ns;
      if (std::isfinite(tau)) row.ms_per_independent_sample = tau * ms;  // tau_int (sweeps) x time per sweep
      rows.push_back(row);
      tick();
    }
  }
  // The cost of susceptibility spectroscopy: 64 probes (the 10x10 blocks) x 16 observables (the
  // 20x20 blocks) measured every sweep of Metropolis (the cheapest sweep, so the worst relative
  // cost) on the 80x80 chambers box, through measure_chi itself, against the same sweeps bare.
  {
    const ChambersPreset p = chambers_preset();
    const IsingModel m = IsingModel::on_lattice(p.lattice);
    ChiOptions c;
    c.algo = "metropolis";
    c.beta = kBetaC2;
    c.chains = 1;
    c.therm = 0;
    c.sweeps = o.quick ? 2000 : 20000;
    for (int32_t y = 0; y < 80; y += 10)
      for (int32_t x = 0; x < 80; x += 10)
        c.probes.push_back(site_sum("p", rectangle_sites(p.lattice, {x, y, 10, 10}, "bench"), m.size()));
    for (int32_t y = 0; y < 80; y += 20)
      for (int32_t x = 0; x < 80; x += 20)
        c.observables.push_back(site_sum("o", rectangle_sites(p.lattice, {x, y, 20, 20}, "bench"), m.size()));
    auto move = make_move(c.algo, m, c.beta);
    Rng rng(7, 0);
    auto s = hot_state(m.size(), rng);
    const double n_sweep = static_cast<double>(m.size());
    const double bare = median_rate(n_sweep * static_cast<double>(c.sweeps), repeats, min_s, [&] {
      for (int64_t t = 0; t < c.sweeps; ++t) move->sweep(s, rng);
    });
    const double with = median_rate(n_sweep * static_cast<double>(c.sweeps), repeats, min_s, [&] { measure_chi(m, c); });
    rows.push_back({"chi 64x16 metropolis", 2, 80, 1, with, bare, with / bare, n_sweep / with * 1e-6, nan, nan});
    tick();
  }
  return rows;
}

std::vector<BenchRow> run_network_bench(const IsingModel& m, double beta, const BenchOptions& o) {
  const double min_s = o.quick ? 0.02 : 0.5;
  const int repeats = o.quick ? 1 : 3;
  const double n = static_cast<double>(m.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const int max_threads = *std::max_element(o.threads.begin(), o.threads.end());
  const double total = 2.0 + static_cast<double>(o.threads.size());
  double done = 0;
  auto tick = [&] {
    if (o.progress) o.progress(++done / total);
  };
  std::vector<BenchRow> rows;
  auto row = [&](const std::string& kernel, int threads, double rate, double base) {
    rows.push_back({kernel, 0, m.size(), threads, rate, base, rate / base, n / rate * 1e-6, nan, nan});
  };
  // The generic kernel: one chain, then one independent chain per thread (how simulate uses threads
  // for it: one beta point each), the rate summed over the chains.
  std::vector<std::unique_ptr<Move>> generic;
  std::vector<std::vector<Spin>> states;
  std::vector<Rng> rngs;
  for (int t = 0; t < max_threads; ++t) {
    generic.push_back(make_move("heatbath-sequential", m, beta));
    rngs.emplace_back(11, static_cast<uint64_t>(t));
    states.push_back(hot_state(m.size(), rngs.back()));
    m.pin(states.back());
  }
  generic[0]->sweep(states[0], rngs[0]);
  const double base = median_rate(n, repeats, min_s, [&] { generic[0]->sweep(states[0], rngs[0]); });
  row(generic[0]->kernel(), 1, base, base);
  tick();
  if (max_threads > 1) {
    const int k = max_threads;
    const double rate = median_rate(n * k, repeats, min_s, [&] {
      std::vector<std::thread> pool;
      for (int t = 1; t < k; ++t)
        pool.emplace_back([&, t] { generic[t]->sweep(states[t], rngs[t]); });
      generic[0]->sweep(states[0], rngs[0]);
      for (auto& th : pool) th.join();
    });
    row(generic[0]->kernel() + " x" + std::to_string(k) + " chains", k, rate, base);
    rows.back().ms_per_sweep = n * k / rate * 1e-6;
  }
  tick();
  auto colored = make_colored_heatbath(m, beta, 1);
  for (int threads : o.threads) {
    const int used = colored->set_threads(threads);  // fewer on small networks (one per 16384 spins)
    Rng rng(12, 0);  // same seed for every thread count: the same chain
    std::vector<Spin> s = hot_state(m.size(), rng);
    m.pin(s);
    for (int t = 0; t < 3; ++t) colored->sweep(s, rng);
    const double rate = median_rate(n, repeats, min_s, [&] { colored->sweep(s, rng); });
    row(colored->kernel(), used, rate, base);
    tick();
  }
  return rows;
}

}  // namespace spinlab
