// Closed-form oracles: 1D chain (transfer matrix), 2D torus (Kaufman / Ferdinand-Fisher),
// infinite square lattice (Onsager), mean field and the Bethe lattice.
#pragma once

#include <cstdint>
#include <vector>

#include "core/lattice.hpp"

namespace spinlab {

/// Per-spin thermodynamics of a finite system; fields that do not apply are NaN.
struct ExactThermo {
  double log_z = 0.0;
  double energy_per_spin = 0.0;
  double specific_heat_per_spin = 0.0;       // beta^2 Var(E) / N
  double magnetization_per_spin = 0.0;       // <M>/N
  double susceptibility_connected = 0.0;     // beta (<M^2> - <M>^2) / N
  double mag_sq_per_spin2 = 0.0;             // <M^2>/N^2
};

/// 1D chain of N spins, coupling J, uniform field h, from the 2x2 transfer matrix
/// (periodic: Z = lambda_+^N + lambda_-^N; open: Z = v^T T^(N-1) v). Derivatives exact (jets).
ExactThermo chain_exact(int32_t N, double beta, double J, double h, Boundary boundary);
/// <s_0 s_r> on the periodic chain (any h), Tr(sigma T^r sigma T^(N-r)) / Z.
double chain_correlation(int32_t N, double beta, double J, double h, int32_t r);

/// 2D Lx x Ly torus, isotropic J, zero field: Kaufman (Phys. Rev. 76, 1232 (1949)) partition
/// function in log space; energy and specific heat by exact differentiation
/// (as in Ferdinand & Fisher, Phys. Rev. 185, 832 (1969)). Precise near beta_c.
ExactThermo kaufman_torus(int32_t Lx, int32_t Ly, double beta, double J = 1.0);

/// Onsager's infinite square lattice (J > 0, h = 0).
struct OnsagerResult {
  double energy_per_spin = 0.0;
  double specific_heat_per_spin = 0.0;
  double spontaneous_magnetization = 0.0;  // Yang 1952: (1 - sinh(2K)^-4)^(1/8) for K > K_c
  double free_energy_per_spin = 0.0;       // -f beta = ln Z / N
};
OnsagerResult onsager(double beta, double J = 1.0);
/// beta_c = ln(1 + sqrt 2) / (2J)
double onsager_beta_c(double J = 1.0);

/// Mean field m = tanh(beta (zJ m + h)): every solution in [-1, 1] with its stability and
/// free energy per spin f = zJ m^2/2 - (1/beta) ln(2 cosh(beta (zJ m + h))).
struct MeanFieldSolution {
  double m = 0.0;
  bool stable = false;
  double free_energy_per_spin = 0.0;
};
std::vector<MeanFieldSolution> mean_field_solutions(double beta, double zJ, double h);
/// beta_c^MF = 1 / (zJ)
double mean_field_beta_c(double zJ);
/// Bethe lattice of degree k (coordination number): tanh(beta_c J) = 1/(k-1).
double bethe_beta_c(int k, double J = 1.0);

}  // namespace spinlab
