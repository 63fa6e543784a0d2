// The ordering temperature of a trained RBM read as a spin model (Barney, Winer & Galitski 2024,
// arXiv:2408.06421): sample p_T(v, h) ∝ exp(-E(v, h) / T) for a ladder of temperature
// multipliers T by block Gibbs sampling with the RBM's own conditionals at beta = 1/T, two
// replicas per T, and locate T_c at the peak of a susceptibility. The 2 x pairs chains at each T
// form 2 x pairs independent parallel-tempering ladders: after every sweep, neighbouring
// temperatures exchange states (Hukushima & Nemoto 1996), which lets the low-T chains escape the
// traps that freeze plain block Gibbs below the ordering temperature.
//
// Order parameters (sigma = the Ising spins of rbm_ising.hpp, N = nv + nh):
//   replica overlap   q = (1/N) sum_k sigma^a_k sigma^b_k  (all units)
//                     chi_q = N (<q^2> - <|q|>^2)    (the glassy order; Binder & Young 1986)
//   aligned           m = (1/sqrt(nv)) sum_i u_i sigma_i, u a unit vector over the visible units
//                     (|m| <= 1), chi_m = nv (<m^2> - <|m|>^2), averaged over both replicas.
// u is the top principal direction of the data (in +-1 units), the normalised data mean pattern,
// or, without data, the top left singular vector of W (the direction a field-free RBM orders
// along first; Decelle, Fissore & Furtlehner 2017).
//
// |q| and |m| fold the Z2 symmetry sigma -> -sigma of a field-free mapped model (the Curie-Weiss
// test); a model with fields (any trained binary RBM) has no symmetry to break, and then
// chi_q = N (<q^2> - <q>^2) and chi_m = nv (<m^2> - <m>^2), plain variances (the FDT
// susceptibilities times T).
//
// Equilibration: chains at low T freeze in unrelated states, which fakes susceptibility peaks.
// Each T gets the Gelman-Rubin R of the chains' energies and m; the peak search uses only the
// temperatures above the highest one with R > max_r_hat (at_edge when the peak is the lowest of them).
//
// Errors: each <.> by binning (measure/estimators), chi by a block jackknife; the peak location
// by a jackknife over `blocks` groups of consecutive sweeps (the same sweeps left out at every
// T), each time re-fitting a parabola in log T through the 5 grid points around the peak (locate_peak);
// when the parabola cannot refine the peak (not concave, vertex outside), the error is at least
// half the grid gap.
//
// Which one defines T_c (order = Auto): the aligned one when, at the chi_m peak (where the aligned
// order sets in), it carries a macroscopic share of the replica order, <m^2> >= 0.1 <q^2>
// ("hidden order"), else the overlap ("glass"): order unrelated to u gives <m^2> ~ <q^2> / nv.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/datasets.hpp"
#include "learn/rbm.hpp"
#include "measure/estimators.hpp"

namespace spinlab {

enum class TcOrder { Auto, Overlap, Aligned };

struct TcOptions {
  std::vector<double> temperatures;  // empty: `points` values geometric in [0.1, 1.5] x T_mf
  int32_t points = 16;
  int32_t pairs = 1;       // replica pairs per T (two replicas each)
  int32_t burn_in = 500;   // sweeps discarded per chain
  int32_t sweeps = 2000;   // measured sweeps per chain (one measurement per sweep)
  int32_t blocks = 16;     // jackknife groups for the peak location
  double max_r_hat = 1.1;
  bool exchange = true;    // replica exchange between neighbouring temperatures after every sweep  // points below the highest T with Gelman-Rubin R above this are left out
  TcOrder order = TcOrder::Auto;
  std::vector<double> direction;  // nv values (normalised inside); empty: top singular vector of W
  std::string direction_name = "weights";
  uint64_t seed = 1;
  uint64_t stream_offset = 0;  // added to every chain's stream index (e.g. epoch << 24)
  int threads = 1;
  std::function<void(double)> progress;  // fraction of sweeps done
};

struct TcPoint {
  double T = 0;
  Estimate q_abs, q2, m_abs, m2;  // q_abs / m_abs: <|q|>, <|m|> when folded, else <q>, <m>
  Estimate chi_q, chi_m;
  double r_hat = 1;          // Gelman-Rubin R over the 2 x pairs chains (max over E and m)
  bool equilibrated = true;  // r_hat <= TcOptions::max_r_hat
};

struct TcPeak {
  Estimate T;             // parabola vertex, jackknife error over sweep blocks
  int32_t grid_index = 0;  // argmax of chi on the grid
  bool at_edge = false;    // the largest chi is at the first or last T: T_c lies outside the scan
};

struct TcResult {
  std::vector<TcPoint> points;
  TcPeak overlap, aligned;
  std::string order;  // "overlap" or "aligned": which peak is T_c
  Estimate T_c;
  double mean_field_T = 0;   // rbm_mean_field_temperature
  int32_t first_equilibrated = 0;  // the peak search uses points first_equilibrated .. end
  double aligned_share = 0;  // <m^2> / <q^2> at the chi_m peak
  std::string direction_name;
  int64_t swaps = 0;  // accepted replica exchanges
  bool folded = true;  // field-free mapped model: |q| and |m| (else q and m, see below)
  double seconds = 0;
};

/// Checks options (InputError naming the flag) and runs the scan.
TcResult rbm_critical_temperature(const Rbm& m, const TcOptions& o);

/// The peak of y(T) on a grid: the highest-T point k that is the maximum of y over k-2 .. k+2 and
/// at least half the global maximum (trained RBMs can show a second, lower-T peak: freezing into
/// single patterns inside the ordered phase; T_c is the melting of the order, the upper one), then
/// a least-squares parabola in x = log T through
/// the points k-2 .. k+2 (clipped to the grid); its vertex when concave and inside those points,
/// else T_k. at_edge when k is the first or last point.
double locate_peak(const std::vector<double>& T, const std::vector<double>& y, int32_t* argmax = nullptr,
                   bool* at_edge = nullptr);

/// Directions for the aligned order parameter from binary data rows (0/1): the top principal
/// direction of sigma = 2x - 1 (power iteration on the covariance of at most `max_rows` rows) or
/// the mean pattern 2 <x> - 1. Both unit norm; the sign makes the mean data row project >= 0.
std::vector<double> data_principal_direction(const Dataset& data01, int64_t max_rows = 10000);
std::vector<double> data_mean_direction(const Dataset& data01);

/// T_c(t) ∝ t^gamma by weighted least squares of log T_c on log t (sigma_log = error / mean).
struct PowerLawFit {
  Estimate exponent;       // gamma; error scaled by sqrt(chi2/dof) when that exceeds 1
  double amplitude = 0;    // A in T_c = A t^gamma
  double chi2_per_dof = 0;
  int32_t points = 0;
  bool grows = false;       // gamma > 0 by more than 2 (scaled) errors
  bool consistent = false;  // chi2/dof within 3 standard deviations of 1: 1 + 3 sqrt(2/dof)
};
PowerLawFit fit_power_law(const std::vector<double>& t, const std::vector<Estimate>& y);

}  // namespace spinlab
