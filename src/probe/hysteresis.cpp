#include "probe/hysteresis.hpp"
#include "measure/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sample/move.hpp"

namespace spinlab {

double loop_crossing(std::span<const double> h, std::span<const double> m, size_t a, size_t b, bool up) {
  for (size_t k = a + 1; k < b; ++k) {
    const bool crossed = up ? (m[k - 1] < 0 && m[k] >= 0) : (m[k - 1] > 0 && m[k] <= 0);
    if (crossed) return h[k - 1] + (h[k] - h[k - 1]) * (0 - m[k - 1]) / (m[k] - m[k - 1]);
  }
  return NAN;
}

double loop_area(std::span<const double> grid, std::span<const double> v) {
  const size_t steps = grid.size();
  double a = 0;
  for (size_t k = 0; k + 1 < steps; ++k) {
    const double up0 = v[k], up1 = v[k + 1];
    const double dn0 = v[2 * steps - 1 - k], dn1 = v[2 * steps - 2 - k];
    a += 0.5 * ((dn0 - up0) + (dn1 - up1)) * (grid[k + 1] - grid[k]);
  }
  return a;
}

Estimate fit_slope(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& sigma) {
  Estimate e;
  e.mean = e.error = NAN;
  if (x.size() < 2) return e;
  double S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
  for (size_t k = 0; k < x.size(); ++k) {
    const double w = 1.0 / (sigma[k] * sigma[k]);
    S += w, Sx += w * x[k], Sy += w * y[k], Sxx += w * x[k] * x[k], Sxy += w * x[k] * y[k];
  }
  const double D = S * Sxx - Sx * Sx;
  if (!(D > 0)) return e;
  e.mean = (S * Sxy - Sx * Sy) / D;
  e.error = std::sqrt(S / D);
  e.n_eff = static_cast<double>(x.size());
  return e;
}

double broken_bond_fraction(const IsingModel& m, std::span<const Spin> s) {
  int64_t broken = 0, total = 0;
  for (const Edge& e : m.graph().edges()) {
    if (e.w == 0.0) continue;
    ++total;
    if (e.w * s[e.i] * s[e.j] < 0) ++broken;
  }
  return total ? static_cast<double>(broken) / static_cast<double>(total) : 0.0;
}

HysteresisResult hysteresis(const IsingModel& model, const HysteresisOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const bool antagonistic = o.parameter == "antagonistic";
  const bool beta_loop = o.parameter == "beta";
  const bool abs_m = beta_loop || antagonistic;  // loops of |m| (no field picks a sign)
  if (!beta_loop && !antagonistic && o.parameter != "h")
    throw InputError("hysteresis: the parameter must be h, beta or antagonistic");
  if (antagonistic) {
    if (!(o.antagonistic_max > 0 && o.antagonistic_max <= 1)) throw InputError("--antagonistic-loop F needs 0 < F <= 1");
    if (!(o.beta > 0) || !std::isfinite(o.beta)) throw InputError("--beta must be finite and > 0");
  } else if (beta_loop) {
    if (!(o.beta_from >= 0) || !(o.beta_to > o.beta_from) || !std::isfinite(o.beta_to))
      throw InputError("--beta-loop A:B needs 0 <= A < B");
  } else {
    if (model.has_field()) throw InputError("hysteresis: the model already has a field; the sweep sets it");
    if (!(o.beta > 0) || !std::isfinite(o.beta)) throw InputError("--beta must be finite and > 0");
    if (!(o.field_max > 0) || !std::isfinite(o.field_max)) throw InputError("--H must be finite and > 0");
  }
  if (o.steps < 3 || o.steps > 100000) throw InputError("--steps must be between 3 and 100000");
  if (o.repeats < 2) throw InputError("--repeats must be >= 2 (errors come from the spread over repeats)");
  if (o.sweeps_per_step.empty()) throw InputError("--sweeps-per-step: give at least one rate");
  for (int64_t s : o.sweeps_per_step)
    if (s < 1) throw InputError("--sweeps-per-step values must be >= 1");
  const int32_t n = model.size();
  // One model per field value (shared by the repeats).
  std::vector<double> grid(o.steps);
  const double lo = beta_loop ? o.beta_from : antagonistic ? 0.0 : -o.field_max;
  const double hi = beta_loop ? o.beta_to : antagonistic ? o.antagonistic_max : o.field_max;
  for (int k = 0; k < o.steps; ++k) grid[k] = lo + (hi - lo) * k / (o.steps - 1);
  std::vector<IsingModel> models;
  if (antagonistic) {
    const auto edges = model.graph().edges();
    std::vector<double> u(edges.size());
    Rng order(o.seed, uint64_t{1} << 40);  // the quenched order, apart from the chains' streams
    for (auto& x : u) x = order.uniform();
    const std::vector<double> fields(model.fields().begin(), model.fields().end());
    for (double f : grid) {
      std::vector<Edge> e(edges.begin(), edges.end());
      for (size_t k = 0; k < e.size(); ++k)
        if (u[k] < f) e[k].w = -e[k].w;
      models.emplace_back(Graph::from_edges(n, e), fields, model.offset());
      if (model.has_frozen()) models.back().set_frozen(std::vector<Spin>(model.frozen().begin(), model.frozen().end()));
    }
  } else if (!beta_loop) {
    for (double h : grid) models.push_back(model.with_fields(std::vector<double>(n, h)));
  }
  const size_t K = o.observable ? o.observable->size() : 0;
  if (o.observable && o.observable_component >= K)
    throw InputError("hysteresis: observable component out of range");
  make_move(o.algo, beta_loop ? model : models[0], beta_loop ? o.beta_from : o.beta);
  const int R = o.repeats, rates = static_cast<int>(o.sweeps_per_step.size());
  // m[rate][repeat][point], points: up branch (steps) then down branch (steps).
  std::vector<std::vector<std::vector<double>>> m(rates, std::vector<std::vector<double>>(R));
  auto obs = m;  // the optional observable, same layout
  std::atomic<int> done{0};
  parallel_tasks(rates * R, o.threads, [&](int task) {
    const int rate = task / R, rep = task % R;
    Rng rng(o.seed, static_cast<uint64_t>(task));
    // h loops: saturated at -H; beta loops: random; antagonistic loops: ordered (all ties friendly).
    std::vector<Spin> s = beta_loop ? hot_state(n, rng) : cold_state(n, -1);
    model.pin(s);
    auto& out = m[rate][rep];
    auto& out_obs = obs[rate][rep];
    std::vector<double> values(K);
    std::unique_ptr<Move> move = beta_loop ? make_move(o.algo, model, o.beta_from) : nullptr;
    for (int branch = 0; branch < 2; ++branch)
      for (int k = 0; k < o.steps; ++k) {
        const int idx = branch == 0 ? k : o.steps - 1 - k;
        if (beta_loop) move->set_beta(grid[idx]);
        else move = make_move(o.algo, models[idx], o.beta);
        for (int64_t t = 0; t < o.sweeps_per_step[rate]; ++t) move->sweep(s, rng);
        const double mag = static_cast<double>(IsingModel::magnetization(s)) / n;
        out.push_back(abs_m ? std::fabs(mag) : mag);
        if (K) {
          o.observable->measure(s, values);
          out_obs.push_back(values[o.observable_component]);
        }
      }
    if (o.progress) o.progress(static_cast<double>(++done) / (rates * R));
  });
  HysteresisResult r;
  std::vector<double> lx, ly, ls;
  for (int rate = 0; rate < rates; ++rate) {
    HysteresisLoop L;
    L.sweeps_per_step = o.sweeps_per_step[rate];
    L.rate = (hi - lo) / ((o.steps - 1) * static_cast<double>(L.sweeps_per_step));
    for (int k = 0; k < o.steps; ++k) L.field.push_back(grid[k]);
    for (int k = 0; k < o.steps; ++k) L.field.push_back(grid[o.steps - 1 - k]);
    // Area: integral over the parameter of (return - outgoing branch), trapezoids on the grid.
    std::vector<double> areas, cu, cd, oareas;
    for (int rep = 0; rep < R; ++rep) {
      const auto& v = m[rate][rep];
      areas.push_back(loop_area(grid, v));
      if (K) oareas.push_back(loop_area(grid, obs[rate][rep]));
      cu.push_back(abs_m ? NAN : loop_crossing(L.field, v, 0, o.steps, true));
      cd.push_back(abs_m ? NAN : loop_crossing(L.field, v, o.steps, 2 * o.steps, false));
    }
    for (size_t p = 0; p < L.field.size(); ++p) {
      std::vector<double> col;
      for (int rep = 0; rep < R; ++rep) col.push_back(m[rate][rep][p]);
      L.magnetization.push_back(sample_mean(col));
      if (K) {
        for (int rep = 0; rep < R; ++rep) col[rep] = obs[rate][rep][p];
        L.observed.push_back(sample_mean(col));
      }
    }
    if (K) L.observed_area = sample_mean(oareas);
    L.area = sample_mean(areas);
    L.coercive_up = sample_mean(cu);
    L.coercive_down = sample_mean(cd);
    if (L.area.mean > 0 && L.area.error > 0) {
      lx.push_back(std::log(L.rate));
      ly.push_back(std::log(L.area.mean));
      ls.push_back(L.area.error / L.area.mean);
    }
    r.loops.push_back(std::move(L));
  }
  r.exponent = fit_slope(lx, ly, ls);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

QuenchResult quench(const IsingModel& model, double equilibrium_density, const QuenchOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!(o.beta_initial >= 0) || !(o.beta_final > 0) || !std::isfinite(o.beta_initial) || !std::isfinite(o.beta_final))
    throw InputError("--beta: expected A:B with 0 <= A and B > 0");
  if (o.repeats < 2) throw InputError("--repeats must be >= 2 (errors come from the spread over repeats)");
  if (o.ramp_sweeps.empty()) throw InputError("--tau: give at least one ramp length");
  for (int64_t t : o.ramp_sweeps)
    if (t < 1) throw InputError("--tau values must be >= 1");
  make_move(o.algo, model, o.beta_initial);
  const int R = o.repeats, T = static_cast<int>(o.ramp_sweeps.size());
  std::vector<std::vector<double>> density(T, std::vector<double>(R));
  std::atomic<int> done{0};
  parallel_tasks(T * R, o.threads, [&](int task) {
    const int ti = task / R, rep = task % R;
    Rng rng(o.seed, static_cast<uint64_t>(task));
    std::vector<Spin> s = hot_state(model.size(), rng);
    model.pin(s);
    auto move = make_move(o.algo, model, o.beta_initial);
    const int64_t tau = o.ramp_sweeps[ti];
    for (int64_t t = 0; t < tau; ++t) {
      move->set_beta(o.beta_initial + (o.beta_final - o.beta_initial) * static_cast<double>(t + 1) / static_cast<double>(tau));
      move->sweep(s, rng);
    }
    density[ti][rep] = broken_bond_fraction(model, s);
    if (o.progress) o.progress(static_cast<double>(++done) / (T * R));
  });
  QuenchResult r;
  r.equilibrium_density = equilibrium_density;
  std::vector<double> lx, ly, ls;
  for (int ti = 0; ti < T; ++ti) {
    QuenchPoint p;
    p.ramp_sweeps = o.ramp_sweeps[ti];
    p.wall_density = sample_mean(density[ti]);
    p.excess_density = p.wall_density;
    p.excess_density.mean -= equilibrium_density;
    if (p.excess_density.mean > 2 * p.excess_density.error && p.excess_density.error > 0) {
      lx.push_back(std::log(static_cast<double>(p.ramp_sweeps)));
      ly.push_back(std::log(p.excess_density.mean));
      ls.push_back(p.excess_density.error / p.excess_density.mean);
    }
    r.points.push_back(p);
  }
  r.kappa = fit_slope(lx, ly, ls);
  r.kappa.mean = -r.kappa.mean;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
