// `spinlab social anneal`: does quenching freeze defects that slow annealing avoids? Linear
// cooling ramps beta_initial -> beta_final over tau sweeps (probe/hysteresis's quench()) on a
// network from random opinions; the residual domain-wall density (sign-aware broken-tie fraction)
// against tau, its excess over the equilibrium density at beta_final, and the power-law fit
// excess ~ tau^(-kappa).
#pragma once

#include <cmath>
#include <string>

#include "probe/hysteresis.hpp"
#include "social/network.hpp"

namespace spinlab {

struct AnnealOptions {
  QuenchOptions quench;      // algo, beta_initial / beta_final, ramp_sweeps (tau), repeats, seed, threads
  /// Equilibrium wall density at beta_final: given (>= 0), or NaN = measured by a run at beta_final
  /// from consensus (all +1, zealots pinned): eq_therm sweeps discarded, eq_sweeps measured. Consensus
  /// is the ground state of a ferromagnetic network only; give it for signed ones.
  double equilibrium = NAN;
  int64_t eq_sweeps = 2000, eq_therm = 500;
};

struct AnnealResult {
  QuenchResult quench;            // points {tau, wall_density, excess_density}, kappa
  Estimate equilibrium;           // {mean, error, tau_int} (error 0 when given)
  std::string equilibrium_source; // "given" | "measured from consensus at beta_final"
  double between_fraction = NAN;  // fraction of ties between communities (a frozen split's walls), NaN without
  double seconds = 0.0;
};

AnnealResult social_anneal(const SocialNetwork& net, const AnnealOptions& o);

}  // namespace spinlab
