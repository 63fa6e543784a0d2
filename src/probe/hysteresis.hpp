// Hysteresis loops and quenches: the field swept from -H to +H and back at a given rate
// (single-spin dynamics, repeated R times), and linear cooling ramps whose frozen-in domain
// walls are compared with the Kibble-Zurek prediction.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/lattice.hpp"
#include "core/model.hpp"
#include "measure/estimators.hpp"
#include "measure/observables.hpp"

namespace spinlab {

struct HysteresisOptions {
  std::string algo = "metropolis";  // single-spin dynamics (cluster moves have no coercivity)
  /// "h": the field runs -H -> +H -> -H at beta, recording m; "beta": beta runs beta_from ->
  /// beta_to -> beta_from (cooling, then heating) at the model's own field, recording |m|;
  /// "antagonistic": the fraction f of couplings with flipped sign runs 0 -> antagonistic_max -> 0
  /// at beta, recording |m| (coupling k is flipped while f > u_k, u_k uniform and fixed by the
  /// seed: one quenched order in which ties turn antagonistic, shared by every repeat).
  std::string parameter = "h";
  double antagonistic_max = 1.0;
  double beta = 0.6;
  double field_max = 1.0;  // H
  double beta_from = 0.3, beta_to = 0.6;
  int steps = 40;          // field values per branch
  std::vector<int64_t> sweeps_per_step{10};  // one loop per rate (dh per sweep = 2H / (steps sweeps))
  int repeats = 8;
  uint64_t seed = 1;
  int threads = 1;
  /// Optional extra observable recorded beside m after every step (e.g. a polarisation index):
  /// component `observable_component` of `observable`, with its own branches and loop area.
  std::shared_ptr<const Observable> observable;
  size_t observable_component = 0;
  std::function<void(double)> progress;
};

struct HysteresisLoop {
  int64_t sweeps_per_step = 0;
  double rate = 0;                     // |d parameter| per sweep
  std::vector<double> field;           // the parameter: outgoing branch then return branch
  std::vector<Estimate> magnetization; // m = M/N (beta loops: |m|) after the step's sweeps, over repeats
  Estimate area;                       // integral of (return - outgoing branch) d parameter, over repeats
  Estimate coercive_up, coercive_down; // h loops: fields where m crosses 0 on each branch
  std::vector<Estimate> observed;      // the options' observable per point (empty without one)
  Estimate observed_area;              // its integral of (return - outgoing branch) d parameter
};

struct HysteresisResult {
  std::vector<HysteresisLoop> loops;
  /// area ~ rate^alpha, a weighted least-squares fit of log area vs log rate (>= 2 rates with
  /// positive areas; NaN otherwise).
  Estimate exponent;
  double seconds = 0;
};

/// h loops: the model's couplings with a uniform field added (the model must have no field of
/// its own), from the saturated state m = -1. beta loops: the model as it is, from a random state.
/// Zealots (the model's frozen mask) are kept in every rebuilt model and pinned in the start states.
HysteresisResult hysteresis(const IsingModel& model, const HysteresisOptions& options);

struct QuenchOptions {
  std::string algo = "metropolis";
  double beta_initial = 0.2, beta_final = 0.6;
  std::vector<int64_t> ramp_sweeps{16, 64, 256, 1024};  // tau_Q
  int repeats = 16;
  uint64_t seed = 1;
  int threads = 1;
  std::function<void(double)> progress;
};

struct QuenchPoint {
  int64_t ramp_sweeps = 0;
  Estimate wall_density;    // fraction of broken bonds at the end of the ramp, over repeats
  Estimate excess_density;  // minus the equilibrium fraction at beta_final (given)
};

struct QuenchResult {
  std::vector<QuenchPoint> points;
  double equilibrium_density = 0;
  /// excess ~ tau_Q^(-kappa): weighted fit of log excess vs log tau_Q (points with excess > 2 errors)
  Estimate kappa;
  double seconds = 0;
};

/// Linear ramps of beta from beta_initial to beta_final over tau_Q sweeps, from random states.
/// equilibrium_density: the broken-bond fraction in equilibrium at beta_final (an oracle's).
QuenchResult quench(const IsingModel& model, double equilibrium_density, const QuenchOptions& options);

/// Area of one h loop: the trapezoidal integral of (return - outgoing branch) dh on the grid; m
/// holds the outgoing branch (grid order) then the return branch (reverse grid order), 2 |grid| values.
double loop_area(std::span<const double> grid, std::span<const double> m);
/// The field where m crosses 0 between indices a and b of (field, m), upwards or downwards, by
/// linear interpolation; NaN when it never does.
double loop_crossing(std::span<const double> field, std::span<const double> m, size_t a, size_t b, bool up);

/// Fraction of the model's bonds with J s_i s_j < 0.
double broken_bond_fraction(const IsingModel& model, std::span<const Spin> s);

/// Weighted least squares y = a + b x; returns b with its error (NaN with < 2 points).
Estimate fit_slope(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& sigma);

}  // namespace spinlab
