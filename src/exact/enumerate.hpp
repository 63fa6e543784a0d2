// Exhaustive enumeration of any Ising model with N <= 26 spins (Gray-code order).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/model.hpp"

namespace spinlab {

struct EnumerationOptions {
  std::vector<std::vector<int32_t>> regions;          // site sets R_a: <M_Ra>, Cov[M_Ra, M_Rb]
  std::vector<std::pair<int32_t, int32_t>> pairs;     // <s_i s_j>
};

/// Exact thermal averages at inverse temperature beta. M is the total magnetisation sum_i s_i,
/// E the total energy (including the model's offset).
struct EnumerationResult {
  double beta = 0.0;
  int32_t n = 0;
  double log_z = 0.0;
  double energy = 0.0, energy_sq = 0.0;                 // <E>, <E^2>
  double energy_var = 0.0;  // <E^2> - <E>^2, accumulated directly (no cancellation at low T)
  double mag = 0.0, abs_mag = 0.0, mag_sq = 0.0, mag_4 = 0.0;  // <M>, <|M|>, <M^2>, <M^4>
  double ground_energy = 0.0;
  std::vector<double> region_mean;                      // <M_Ra>
  std::vector<std::vector<double>> region_cov;          // Cov[M_Ra, M_Rb]
  std::vector<double> pair_corr;                        // <s_i s_j>

  // Per-spin quantities in the conventions of `spinlab simulate` (m = M/N, e = E/N):
  double energy_per_spin() const { return energy / n; }
  double abs_magnetization_per_spin() const { return abs_mag / n; }
  double specific_heat_per_spin() const { return beta * beta * energy_var / n; }
  /// chi = beta N (<m^2> - <|m|>^2)
  double susceptibility() const { return beta * (mag_sq - abs_mag * abs_mag) / n; }
  /// U = 1 - <m^4> / (3 <m^2>^2)
  double binder_cumulant() const { return 1.0 - mag_4 / (3.0 * mag_sq * mag_sq); }
};

/// Throws InputError when N > 26. Numerically safe at any beta (weights are rescaled to the
/// lowest energy seen so far).
EnumerationResult enumerate_exact(const IsingModel& model, double beta,
                                  const EnumerationOptions& options = {});

}  // namespace spinlab
