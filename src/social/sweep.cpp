// social_sweep: simulate() on the network's model with the social observables, then the
// susceptibility peak and the network predictions (social/sweep.hpp).
#include "social/sweep.hpp"

#include <chrono>
#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "exact/oracles.hpp"
#include "measure/observables.hpp"
#include "social/observables.hpp"

namespace spinlab {
namespace {

// Least-squares parabola y = a + b t + c t^2 (t = x - x0); returns the vertex x0 - b/(2c), or NaN
// when c >= 0 (no maximum).
double fit_vertex(const std::vector<double>& x, const std::vector<double>& y, size_t lo, size_t hi, double x0) {
  double S[5] = {0, 0, 0, 0, 0}, T[3] = {0, 0, 0};  // sums of t^k and y t^k
  for (size_t k = lo; k <= hi; ++k) {
    const double t = x[k] - x0;
    double p = 1.0;
    for (int e = 0; e < 5; ++e, p *= t) {
      S[e] += p;
      if (e < 3) T[e] += y[k] * p;
    }
  }
  // Normal equations [S0 S1 S2; S1 S2 S3; S2 S3 S4] [a b c] = [T0 T1 T2], by Cramer's rule.
  auto det3 = [](double a, double b, double c, double d, double e, double f, double g, double h, double i) {
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  };
  const double D = det3(S[0], S[1], S[2], S[1], S[2], S[3], S[2], S[3], S[4]);
  if (D == 0.0) return NAN;
  const double b = det3(S[0], T[0], S[2], S[1], T[1], S[3], S[2], T[2], S[4]) / D;
  const double c = det3(S[0], S[1], T[0], S[1], S[2], T[1], S[2], S[3], T[2]) / D;
  if (!(c < 0.0)) return NAN;
  return x0 - b / (2.0 * c);
}

Estimate scaled(Estimate e, double f) {
  e.mean *= f;
  e.error *= std::abs(f);
  return e;
}

}  // namespace

Estimate parabola_peak(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& error,
                       int half, int resamples, uint64_t seed, size_t* peak_index) {
  Estimate out;
  out.mean = out.error = NAN;
  if (x.size() < 3 || y.size() != x.size() || error.size() != x.size()) return out;
  size_t p = 0;
  for (size_t k = 1; k < y.size(); ++k)
    if (y[k] > y[p]) p = k;
  if (peak_index) *peak_index = p;
  if (p == 0 || p + 1 == y.size()) return out;  // peak at an end of the grid: no estimate
  const size_t lo = p >= static_cast<size_t>(half) ? p - half : 0;
  const size_t hi = std::min(y.size() - 1, p + half);
  auto clamp = [&](double v) { return std::isfinite(v) ? std::clamp(v, x[lo], x[hi]) : x[p]; };
  out.mean = clamp(fit_vertex(x, y, lo, hi, x[p]));
  Rng rng(seed, 0x50ea);
  std::vector<double> yb(y);
  double s1 = 0.0, s2 = 0.0;
  int used = 0;
  for (int r = 0; r < resamples; ++r) {
    for (size_t k = lo; k <= hi; ++k) {  // Box-Muller normal deviates
      const double g = std::sqrt(-2.0 * std::log(rng.uniform())) * std::cos(2.0 * std::numbers::pi * rng.uniform());
      yb[k] = y[k] + error[k] * g;
    }
    const double v = clamp(fit_vertex(x, yb, lo, hi, x[p]));
    s1 += v;
    s2 += v * v;
    ++used;
  }
  if (used > 1) out.error = std::sqrt(std::max(0.0, (s2 - s1 * s1 / used) / (used - 1)));
  out.n_eff = used;
  return out;
}

SocialSweepResult social_sweep(const SocialNetwork& net, const SocialSweepOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.betas.size() < 3) throw InputError("--beta: give at least 3 increasing values (e.g. 0.3:0.8:21)");
  for (size_t k = 1; k < o.betas.size(); ++k)
    if (!(o.betas[k] > o.betas[k - 1])) throw InputError("--beta: values must increase");
  if (o.bootstrap < 10) throw InputError("--bootstrap must be >= 10");
  const IsingModel& model = net.model;
  const int32_t n = model.size();
  SimulationOptions so;
  so.algo = o.algo;
  so.betas = o.betas;
  so.sweeps = o.sweeps;
  so.therm = o.therm;
  so.measure_every = o.measure_every;
  so.seed = o.seed;
  so.threads = o.threads;
  so.progress = o.progress;
  std::vector<double> comm_size(net.num_communities, 0.0);
  if (net.num_communities > 0) {
    std::vector<std::vector<int32_t>> members(net.num_communities);
    for (int32_t i = 0; i < n; ++i) members[net.community[i]].push_back(i);
    for (int32_t c = 0; c < net.num_communities; ++c) {
      comm_size[c] = static_cast<double>(members[c].size());
      so.regions.push_back({"c" + std::to_string(c), std::move(members[c])});
    }
  }
  so.extra_observables.push_back(social_observables(model.graph(), net.community));
  so.keep_final_states = o.keep_final_state;
  const SimulationResult sim = simulate(model, so);

  SocialSweepResult r;
  if (o.keep_final_state && !sim.points.empty()) r.final_state = sim.points.back().final_state;
  r.algo = sim.algo;
  r.kernel = sim.kernel;
  const size_t K = static_cast<size_t>(net.num_communities);
  std::vector<double> chi, chi_err;
  for (const PointResult& p : sim.points) {
    SocialPoint sp;
    sp.beta = p.beta;
    sp.abs_m = p.abs_magnetization_per_spin;
    sp.m = p.magnetization_per_spin;
    sp.susceptibility = p.susceptibility;
    sp.binder = p.binder_cumulant;
    sp.energy = p.energy_per_spin;
    for (size_t c = 0; c < K; ++c) sp.community_m.push_back(scaled(p.observables[c].value, 1.0 / comm_size[c]));
    sp.wall_density = p.observables[K].value;
    sp.polarization = p.observables[K + 1].value;
    sp.echo_agree = p.observables[K + 2].value;
    sp.echo_index = p.observables[K + 3].value;
    for (const auto& w : p.warnings) r.warnings.push_back("beta " + std::to_string(p.beta) + ": " + w);
    chi.push_back(sp.susceptibility.mean);
    chi_err.push_back(sp.susceptibility.error);
    r.points.push_back(std::move(sp));
  }
  r.beta_c = parabola_peak(o.betas, chi, chi_err, 2, o.bootstrap, o.seed, &r.peak_index);
  if (!std::isfinite(r.beta_c.mean))
    r.warnings.push_back("the susceptibility peaks at an end of the beta grid: no transition estimate; widen --beta");

  // Predictions for the ferromagnet with |J| = const (they assume J > 0 on every edge).
  double J = 0.0, h = 0.0;
  const bool uniform_ferro = model.is_uniform(&J, &h) && J > 0.0 && h == 0.0 && !model.has_frozen();
  if (uniform_ferro && net.regular_degree >= 3)
    r.predictions.push_back({"bethe", bethe_beta_c(net.regular_degree, J), "tanh(beta_c J) = 1/(k-1), k = " +
                             std::to_string(net.regular_degree), "Bethe 1935; exact on random regular graphs as N -> inf"});
  if (uniform_ferro) {
    const double bu = uncorrelated_beta_c(net.mean_degree, net.mean_degree_sq) / J;
    if (std::isfinite(bu))
      r.predictions.push_back({"uncorrelated", bu, "tanh(beta_c J) = <k>/(<k^2> - <k>) with this network's <k>, <k^2>",
                               "Dorogovtsev, Goltsev & Mendes, PRE 66, 016104 (2002)"});
  } else {
    r.notes.push_back("no closed-form prediction: the couplings are not one positive J without field and zealots");
  }
  if (net.kind == "ba")
    r.notes.push_back("Barabasi-Albert networks are scale-free with P(k) ~ k^-3: <k^2> grows like ln N, so "
                      "beta_c -> 0 as N grows (the transition runs away with N; for exponent gamma < 3 even "
                      "faster; Dorogovtsev, Goltsev & Mendes 2002; Leone et al. 2002)");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
