// Sweep throughput of the generic and lattice-checkerboard samplers next to the naive byte-per-spin
// reference, batched Philox cost, and cluster cost per independent sample at beta_c. Run: build/spinlab_bench.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "app/bench.hpp"
#include "core/model.hpp"
#include "measure/estimators.hpp"
#include "sample/cluster_lattice.hpp"
#include "sample/lattice_checkerboard.hpp"
#include "sample/move.hpp"
#include "sample/msc_lattice.hpp"

using namespace spinlab;

namespace {

const double kBetaC = 0.4406867935097715;

Lattice lattice_of(int dim, int L) { return dim == 2 ? Lattice::square(L) : Lattice::cubic(L); }

// Times sweeps of `move` on a hot start (3 warm-up sweeps) and reports flips per ns.
void time_sweeps(benchmark::State& state, Move& move, const IsingModel& m) {
  Rng rng(1, 0);
  auto s = hot_state(m.size(), rng);
  for (int t = 0; t < 3; ++t) move.sweep(s, rng);
  for (auto _ : state) move.sweep(s, rng);
  state.counters["flips_per_ns"] = benchmark::Counter(static_cast<double>(m.size()) * state.iterations() * 1e-9,
                                                      benchmark::Counter::kIsRate);
  state.SetLabel(move.kernel());
}

void BM_MetropolisSequential(benchmark::State& state, int dim) {
  const int L = static_cast<int>(state.range(0));
  IsingModel m = IsingModel::on_lattice(lattice_of(dim, L));
  const double beta = dim == 2 ? kBetaC : 0.2216544;
  time_sweeps(state, *make_move("metropolis-sequential", m, beta), m);
}

// The checkerboard kernel as the registry picks it ("auto": AVX-512 when present), and the scalar
// reference loop of the same kernel.
void BM_Checkerboard(benchmark::State& state, int dim, LatticeKernelImpl impl) {
  const int L = static_cast<int>(state.range(0));
  IsingModel m = IsingModel::on_lattice(lattice_of(dim, L));
  const double beta = dim == 2 ? kBetaC : 0.2216544;
  std::unique_ptr<Move> move = impl == LatticeKernelImpl::Auto
                                   ? make_move("metropolis-checkerboard", m, beta)
                                   : make_lattice_checkerboard(m, beta, SingleSpinRule::Metropolis, impl);
  time_sweeps(state, *move, m);
}

// Batched Philox4x32-10: 4096 words (64 groups of 16 blocks) per call, as one lattice batch.
void BM_PhiloxBatch(benchmark::State& state, bool simd) {
  if (simd && !philox_batch::avx512_available()) {
    state.SkipWithError("no AVX-512");
    return;
  }
  std::vector<uint32_t> out(4096);
  uint64_t block = 0;
  for (auto _ : state) {
    (simd ? philox_batch::generate_avx512 : philox_batch::generate_scalar)(7, 3, block, 64, out.data());
    block += 64 * 16;
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["ns_per_u32"] = benchmark::Counter(4096.0 * state.iterations() * 1e-9,
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(simd ? "avx512" : "scalar");
}

// The Rng one word at a time (Random123's scalar Philox behind next_u32).
void BM_RngNextU32(benchmark::State& state) {
  Rng rng(7, 3);
  uint32_t acc = 0;
  for (auto _ : state) {
    for (int k = 0; k < 4096; ++k) acc += rng.next_u32();
    benchmark::DoNotOptimize(acc);
  }
  state.counters["ns_per_u32"] = benchmark::Counter(4096.0 * state.iterations() * 1e-9,
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Naive(benchmark::State& state, int dim) {
  const int L = static_cast<int>(state.range(0));
  const size_t n = static_cast<size_t>(std::pow(L, dim));
  std::vector<int8_t> s(n);
  std::mt19937 gen(1);
  for (auto& x : s) x = gen() & 1 ? 1 : -1;
  const double beta = dim == 2 ? kBetaC : 0.2216544;
  uint32_t rng_state = 7;
  for (auto _ : state) naive_metropolis_sweep(s, L, dim, beta, rng_state);
  state.counters["flips_per_ns"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations() * 1e-9, benchmark::Counter::kIsRate);
  state.SetLabel("naive-reference");
}

// Time per independent sample = 2 tau_int(E) sweeps x time per sweep, at beta_c on the 2D torus
// (and the 3D simple-cubic torus at its beta_c).
void BM_ClusterPerSample(benchmark::State& state, const char* algo, int dim = 2) {
  const int L = static_cast<int>(state.range(0));
  IsingModel m = IsingModel::on_lattice(lattice_of(dim, L));
  auto move = make_move(algo, m, dim == 2 ? kBetaC : 0.2216544);
  Rng rng(2, 0);
  auto s = hot_state(m.size(), rng);
  for (int t = 0; t < 200; ++t) move->sweep(s, rng);
  move->end_thermalization(s, rng);  // Wolff: freeze clusters per sweep, as simulate does
  std::vector<double> e;
  double swept = 0.0;  // seconds inside sweep() only
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    move->sweep(s, rng);
    swept += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.PauseTiming();
    e.push_back(m.energy(s));
    state.ResumeTiming();
  }
  TauIntResult tau = integrated_autocorrelation(e);
  state.counters["tau_int_E"] = tau.tau_int;
  // An independent sample costs 2 tau_int sweeps.
  const double sec_per_sweep = swept / static_cast<double>(state.iterations());
  state.counters["ms_per_indep_sample"] = 2.0 * tau.tau_int * sec_per_sweep * 1e3;
  state.counters["sweeps_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["spins_per_ns"] = benchmark::Counter(static_cast<double>(m.size()) * state.iterations() * 1e-9,
                                                      benchmark::Counter::kIsRate);
  state.SetLabel(algo);
}

// Throughput of one cluster update on a large torus at beta_c: ms per sweep and spins per ns
// (one thread). Warm-up sweeps from a hot start bring the bond density to equilibrium (the energy
// relaxes within a few sweeps). Wolff stays in its tuning mode, where a sweep is clusters until
// N spins flipped: frozen after so short a warm-up, the clusters per sweep would be tuned to the
// small clusters of a disordered start. tau_int is left to BM_ClusterPerSample.
// impl: the lattice Swendsen-Wang path (Scalar: the portable fallback) instead of make_move.
void BM_ClusterSweep(benchmark::State& state, const char* algo, int dim,
                     LatticeKernelImpl impl = LatticeKernelImpl::Auto) {
  const int L = static_cast<int>(state.range(0));
  IsingModel m = IsingModel::on_lattice(lattice_of(dim, L));
  const double beta = dim == 2 ? kBetaC : 0.2216544;
  auto move = impl == LatticeKernelImpl::Auto ? make_move(algo, m, beta) : make_lattice_swendsen_wang(m, beta, impl);
  Rng rng(2, 0);
  auto s = hot_state(m.size(), rng);
  for (int t = 0; t < 16; ++t) move->sweep(s, rng);
  for (auto _ : state) move->sweep(s, rng);
  state.counters["ms_per_sweep"] = benchmark::Counter(static_cast<double>(state.iterations()) * 1e-3,
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["spins_per_ns"] = benchmark::Counter(static_cast<double>(m.size()) * state.iterations() * 1e-9,
                                                      benchmark::Counter::kIsRate);
  state.SetLabel(std::string(algo) + " " + move->kernel() + (impl == LatticeKernelImpl::Scalar ? " scalar" : ""));
}

// The multi-spin-coded (1 bit per spin) 2D Metropolis sweep on its packed state, 1 thread.
void BM_Msc2D(benchmark::State& state) {
  const int L = static_cast<int>(state.range(0));
  MscLattice lat(2, L);
  Rng rng(1, 0);
  lat.randomize(rng);
  MscUpdate move(lat.geometry(), MscRule::Metropolis, 1.0, kBetaC);
  for (int t = 0; t < 3; ++t) move.sweep(lat, rng);
  for (auto _ : state) move.sweep(lat, rng);
  state.counters["flips_per_ns"] = benchmark::Counter(static_cast<double>(lat.size()) * state.iterations() * 1e-9,
                                                      benchmark::Counter::kIsRate);
  state.SetLabel("msc-2d");
}

}  // namespace

BENCHMARK_CAPTURE(BM_MetropolisSequential, 2d, 2)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Naive, 2d, 2)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MetropolisSequential, 3d, 3)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Naive, 3d, 3)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Checkerboard, 2d, 2, LatticeKernelImpl::Auto)
    ->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Checkerboard, 3d, 3, LatticeKernelImpl::Auto)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Checkerboard, 2d_scalar, 2, LatticeKernelImpl::Scalar)
    ->Arg(256)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Checkerboard, 3d_scalar, 3, LatticeKernelImpl::Scalar)->Arg(32)->Arg(128)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Msc2D)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PhiloxBatch, avx512, true);
BENCHMARK_CAPTURE(BM_PhiloxBatch, scalar, false);
BENCHMARK(BM_RngNextU32);
BENCHMARK_CAPTURE(BM_ClusterPerSample, wolff, "wolff")->Arg(64)->Arg(256)->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClusterPerSample, sw, "sw")->Arg(64)->Arg(256)->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClusterPerSample, wolff_3d, "wolff", 3)->Arg(32)->Arg(64)->Iterations(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClusterPerSample, sw_3d, "sw", 3)->Arg(32)->Arg(64)->Iterations(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClusterSweep, sw, "sw", 2)->Arg(256)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClusterSweep, sw_scalar, "sw", 2, LatticeKernelImpl::Scalar)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClusterSweep, wolff, "wolff", 2)->Arg(256)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClusterSweep, sw_3d, "sw", 3)->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ClusterSweep, wolff_3d, "wolff", 3)->Arg(256)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
