// `spinlab bench`: spin-flip throughput of the multi-spin-coded lattice kernels at every SIMD level
// this CPU has, next to a naive byte-per-spin Metropolis measured in the same process, and the
// cost of cluster updates (Swendsen-Wang, Wolff) per independent sample at beta_c.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace spinlab {

struct BenchRow {
  std::string kernel;  // "msc-avx512", "msc-avx2", "msc-scalar", "naive", "sw lattice-uf", ...
  int dim = 2;
  int64_t L = 0;
  int threads = 1;
  double flips_per_ns = 0.0;           // spin updates (cluster rows: spins swept) per ns, median of repeats
  double baseline_flips_per_ns = 0.0;  // naive byte-per-spin Metropolis, same dim and L, 1 thread
  double speedup = 0.0;                // flips_per_ns / baseline_flips_per_ns
  // Cluster rows only (NaN otherwise): time per sweep, tau_int of |M| in sweeps, their product.
  double ms_per_sweep = 0.0, tau_int = 0.0, ms_per_independent_sample = 0.0;
};

struct BenchOptions {
  bool quick = false;           // small sizes and short timings (the test suite's smoke run)
  std::vector<int> threads{1, 2};
  std::function<void(double)> progress;  // fraction of rows done
};

/// The naive reference: one byte per spin, sites in typewriter order, neighbour tables, an
/// exp(-beta dE) table and mt19937 (straightforward C). Periodic L^dim, J = 1.
void naive_metropolis_sweep(std::vector<int8_t>& s, int64_t L, int dim, double beta, uint32_t& rng_state);

/// Runs every row (see the file comment); 2D at beta_c = ln(1 + sqrt 2) / 2, 3D at 0.2216546.
std::vector<BenchRow> run_bench(const BenchOptions& options);

/// Heat-bath throughput on a network model at inverse temperature beta (rows with dim = 0 and
/// L = number of nodes): the generic kernel (heatbath-sequential, "csr-table" / "csr") with 1 chain
/// and with one independent chain per thread, and heatbath-colored with one chain split over each
/// thread count of options.threads; baseline = the generic kernel's 1-thread rate, same process.
std::vector<BenchRow> run_network_bench(const IsingModel& model, double beta, const BenchOptions& options);

}  // namespace spinlab
