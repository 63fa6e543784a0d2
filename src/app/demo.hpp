// The phase-transition demo: Wolff on L = 16, 32, 64 square tori across beta_c, with beta_c
// estimated from Binder-cumulant crossings.
#pragma once

#include <functional>
#include <vector>

#include "measure/simulate.hpp"

namespace spinlab {

struct DemoOptions {
  std::vector<int32_t> sizes{16, 32, 64};
  std::vector<double> betas;  // empty: the default grid (dense near beta_c)
  std::string algo = "wolff";
  int64_t sweeps = 20000, therm = 1000;
  uint64_t seed = 1;
  int threads = 2;
  std::function<void(double)> progress;
};

/// Where U_L1(beta) = U_L2(beta), from linear interpolation between the grid points that
/// bracket the sign change; the error is a fixed-seed parametric bootstrap over the U errors.
struct BinderCrossing {
  int32_t L1 = 0, L2 = 0;
  Estimate beta;
  bool found = false;
};

struct DemoRun {
  int32_t L = 0;
  SimulationResult result;
};

struct DemoResult {
  std::vector<DemoRun> runs;
  std::vector<BinderCrossing> crossings;  // consecutive size pairs
  Estimate beta_c_estimate;               // crossing of the two largest sizes
  double beta_c_exact = 0.0;              // ln(1 + sqrt 2) / 2
  double seconds = 0.0;
};

std::vector<double> default_demo_betas();
BinderCrossing binder_crossing(const SimulationResult& a, const SimulationResult& b, int32_t La,
                               int32_t Lb, uint64_t seed);
DemoResult demo(const DemoOptions& options);

}  // namespace spinlab
