// Runs the demo sizes, finds Binder crossings and estimates beta_c.
#include "app/demo.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "exact/oracles.hpp"

namespace spinlab {
namespace {

// Where d(beta) = U_large - U_small changes sign from - (disordered) to + (ordered). Noise can
// add spurious sign changes far from beta_c, where both curves are flat (U -> 0 or 2/3); the true
// crossing is the bracket with the steepest rise, since the curves' slopes differ by a factor
// (L2/L1)^(1/nu) there. Linear interpolation inside the bracket.
// Brackets searched are [k_lo, k_hi]; *bracket receives the one chosen.
bool crossing_of(const std::vector<double>& beta, const std::vector<double>& d, double* out,
                 size_t k_lo = 1, size_t k_hi = SIZE_MAX, size_t* bracket = nullptr) {
  double best_slope = 0.0;
  bool found = false;
  for (size_t k = std::max<size_t>(k_lo, 1); k < beta.size() && k <= k_hi; ++k) {
    if (!(d[k - 1] <= 0.0 && d[k] > 0.0)) continue;
    double slope = (d[k] - d[k - 1]) / (beta[k] - beta[k - 1]);
    if (!found || slope > best_slope) {
      best_slope = slope;
      *out = beta[k - 1] + (beta[k] - beta[k - 1]) * (-d[k - 1]) / (d[k] - d[k - 1]);
      if (bracket) *bracket = k;
      found = true;
    }
  }
  return found;
}

}  // namespace

std::vector<double> default_demo_betas() {
  // Coarse across the transition, dense (step 0.0025) within +-0.02 of beta_c = 0.4407.
  std::vector<double> b;
  for (int k = 0; k <= 6; ++k) b.push_back(0.30 + 0.02 * k);  // 0.30 .. 0.42
  for (int k = 1; k <= 15; ++k) b.push_back(0.42 + 0.0025 * k);  // 0.4225 .. 0.4575
  for (int k = 0; k <= 5; ++k) b.push_back(0.46 + 0.028 * k);  // 0.46 .. 0.60
  return b;
}

BinderCrossing binder_crossing(const SimulationResult& a, const SimulationResult& b, int32_t La,
                               int32_t Lb, uint64_t seed) {
  BinderCrossing c;
  c.L1 = La;
  c.L2 = Lb;
  const size_t n = a.points.size();
  if (n != b.points.size() || n < 2) return c;
  std::vector<double> beta(n), d(n), ua(n), ub(n), ea(n), eb(n);
  for (size_t k = 0; k < n; ++k) {
    beta[k] = a.points[k].beta;
    ua[k] = a.points[k].binder_cumulant.mean;
    ub[k] = b.points[k].binder_cumulant.mean;
    ea[k] = a.points[k].binder_cumulant.error;
    eb[k] = b.points[k].binder_cumulant.error;
    d[k] = ub[k] - ua[k];
  }
  double x = 0.0;
  size_t k0 = 0;
  if (!crossing_of(beta, d, &x, 1, SIZE_MAX, &k0)) return c;
  c.found = true;
  c.beta.mean = x;
  // Parametric bootstrap: redraw every U within its error and recompute the crossing among the
  // brackets next to the one found (far-away noise crossings are not this crossing). The error
  // is half the central 68% interval, robust to the rare replica whose crossing leaves the window.
  Rng rng(seed, 0x5eed0000ULL + static_cast<uint64_t>(La) * 4096 + Lb);
  const int reps = 2000;
  std::vector<double> dd(n), found;
  for (int r = 0; r < reps; ++r) {
    for (size_t k = 0; k < n; ++k) dd[k] = (ub[k] + eb[k] * normal(rng)) - (ua[k] + ea[k] * normal(rng));
    double y = 0.0;
    if (crossing_of(beta, dd, &y, k0 > 2 ? k0 - 2 : 1, k0 + 2)) found.push_back(y);
  }
  const int ok = static_cast<int>(found.size());
  if (ok > 10) {
    std::sort(found.begin(), found.end());
    c.beta.error = 0.5 * (found[static_cast<size_t>(0.8413 * (ok - 1))] - found[static_cast<size_t>(0.1587 * (ok - 1))]);
  }
  c.beta.n_eff = ok;
  return c;
}

DemoResult demo(const DemoOptions& options) {
  // Crossings compare consecutive sizes, larger minus smaller: sort and deduplicate sizes; a
  // repeated beta would make a zero-width bracket.
  DemoOptions o = options;
  std::sort(o.sizes.begin(), o.sizes.end());
  o.sizes.erase(std::unique(o.sizes.begin(), o.sizes.end()), o.sizes.end());
  if (o.sizes.size() < 2) throw InputError("--sizes: the demo needs at least two different lattice sizes");
  if (o.sizes.front() < 2) throw InputError("--sizes: lattice sizes must be >= 2");
  auto t0 = std::chrono::steady_clock::now();
  DemoResult r;
  r.beta_c_exact = onsager_beta_c();
  SimulationOptions so;
  so.algo = o.algo;
  so.betas = o.betas.empty() ? default_demo_betas() : o.betas;
  std::sort(so.betas.begin(), so.betas.end());
  so.betas.erase(std::unique(so.betas.begin(), so.betas.end()), so.betas.end());
  if (so.betas.size() < 2) throw InputError("--beta: the demo needs at least two different beta values");
  so.sweeps = o.sweeps;
  so.therm = o.therm;
  so.seed = o.seed;
  so.threads = o.threads;
  // Progress weighted by lattice volume: the largest size dominates the run time.
  double total = 0.0, done = 0.0;
  for (int32_t L : o.sizes) total += static_cast<double>(L) * L;
  for (size_t k = 0; k < o.sizes.size(); ++k) {
    const int32_t L = o.sizes[k];
    const double w = static_cast<double>(L) * L / total;
    if (o.progress) so.progress = [&, w](double f) { o.progress(done + w * f); };
    IsingModel model = IsingModel::on_lattice(Lattice::square(L));
    so.seed = o.seed + 1000003ULL * static_cast<uint64_t>(k);  // independent streams per size
    r.runs.push_back({L, simulate(model, so)});
    done += w;
  }
  for (size_t k = 0; k + 1 < r.runs.size(); ++k)
    r.crossings.push_back(binder_crossing(r.runs[k].result, r.runs[k + 1].result, r.runs[k].L,
                                          r.runs[k + 1].L, o.seed));
  if (!r.crossings.empty() && r.crossings.back().found) r.beta_c_estimate = r.crossings.back().beta;
  else r.beta_c_estimate.mean = std::numeric_limits<double>::quiet_NaN();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
