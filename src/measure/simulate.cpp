// The simulate driver: thermalise, sweep, record series, reduce them to estimates.
#include "measure/simulate.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "measure/observables.hpp"
#include "sample/move.hpp"
#include "sample/msc_lattice.hpp"

namespace spinlab {

std::vector<Spin> initial_spins(InitialState init, int32_t n, Rng& rng) {
  if (init == InitialState::Up) return cold_state(n, 1);
  if (init == InitialState::Down) return cold_state(n, -1);
  return hot_state(n, rng);
}
namespace {

// Built-in series recorded at every measurement.
enum Series { kE, kE2, kM, kAbsM, kM2, kM4, kNumBuiltin };

struct ObservableSet {
  std::vector<std::shared_ptr<const Observable>> obs;
  std::vector<std::string> names;  // one per component, after the builtins
};

ObservableSet build_observables(const IsingModel& model, const SimulationOptions& o) {
  ObservableSet set;
  const int32_t n = model.size();
  for (const auto& [name, sites] : o.regions) set.obs.push_back(region_magnetization(name, sites, n));
  for (const auto& [i, j] : o.pairs) set.obs.push_back(spin_product(i, j, n));
  if (o.correlation_function) {
    if (!model.lattice())
      throw InputError("--correlation: G(r) needs a lattice model (--lattice), not a general graph");
    set.obs.push_back(correlation_function(*model.lattice()));
  }
  for (const auto& ob : o.extra_observables) set.obs.push_back(ob);
  for (const auto& ob : set.obs)
    for (auto& nm : ob->names()) set.names.push_back(nm);
  return set;
}

// The checks that do not depend on the model; n = number of spins.
void validate_run(int64_t n, const SimulationOptions& o) {
  if (o.betas.empty()) throw InputError("--beta: no inverse temperature given");
  for (double b : o.betas)
    if (!std::isfinite(b) || b < 0.0) throw InputError("--beta: values must be finite and >= 0");
  if (o.sweeps < 2) throw InputError("--sweeps must be at least 2");
  if (o.therm < 0) throw InputError("--therm must be >= 0");
  if (o.measure_every < 1) throw InputError("--measure-every must be >= 1");
  if (o.sweeps / o.measure_every < 2) throw InputError("fewer than 2 measurements: raise --sweeps");
  if (o.threads < 1) throw InputError("--threads must be >= 1");
  if (o.init == InitialState::Given && static_cast<int64_t>(o.initial_state.size()) != n)
    throw InputError("initial state has " + std::to_string(o.initial_state.size()) + " spins, the model has " +
                     std::to_string(n));
}

void validate(const IsingModel& model, const SimulationOptions& o) {
  if (model.size() < 1) throw InputError("the model has no spins");
  validate_run(model.size(), o);
}

// Index of a named series for covariances: builtins as totals, then user components.
int series_index(const std::string& name, const std::vector<std::string>& user) {
  if (name == "E") return kE;
  if (name == "M") return kM;
  if (name == "|M|") return kAbsM;
  for (size_t k = 0; k < user.size(); ++k)
    if (user[k] == name) return static_cast<int>(kNumBuiltin + k);
  throw InputError("--cov: unknown observable '" + name + "' (use E, M, |M|, a region name or s<i>*s<j>)");
}

class Progress {
 public:
  Progress(std::function<void(double)> cb, int64_t total) : cb_(std::move(cb)), total_(total) {}
  void add(int64_t sweeps) {
    done_ += sweeps;
    if (!cb_) return;
    auto now = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock() || now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    cb_(static_cast<double>(done_.load()) / static_cast<double>(total_));
  }

 private:
  std::function<void(double)> cb_;
  int64_t total_;
  std::atomic<int64_t> done_{0};
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// Half-vs-half comparison of the measurements: a drift beyond 4 combined errors means the
// run was not thermalised (or is far too short for its autocorrelation time).
void thermalization_check(const char* what, std::span<const double> x, std::vector<std::string>& warnings) {
  const Estimate d = half_difference(x);
  if (d.error <= 0.0) return;
  const double z = d.mean / d.error;
  if (std::fabs(z) > 4.0)
    warnings.push_back(std::string(what) + ": first and second half of the measurements differ by " +
                       std::to_string(z) + " standard errors of the second half; raise --therm or --sweeps");
}

void record_builtins(std::vector<std::vector<double>>& series, int64_t k, double e, double m) {
  series[kE][k] = e;
  series[kE2][k] = e * e;
  series[kM][k] = m;
  series[kAbsM][k] = std::fabs(m);
  series[kM2][k] = m * m;
  series[kM4][k] = m * m * m * m;
}

PointResult reduce_point(double beta, int64_t n, const SimulationOptions& o, const std::vector<std::vector<double>>& series,
                         const std::vector<std::string>& user_names);

PointResult run_point(const IsingModel& model, const SimulationOptions& o, size_t index, int kernel_threads,
                      Progress& progress) {
  auto t0 = std::chrono::steady_clock::now();
  const double beta = o.betas[index];
  const int32_t n = model.size();
  Rng rng(o.seed, index);
  std::vector<Spin> s;
  s = o.init == InitialState::Given ? o.initial_state : initial_spins(o.init, n, rng);
  model.pin(s);  // zealots start (and stay) at their pinned values
  auto move = make_move(o.algo, model, beta);
  move->set_threads(kernel_threads);
  ObservableSet user = build_observables(model, o);
  const int64_t chunk = 64;
  for (int64_t t = 0; t < o.therm; ++t) {
    move->sweep(s, rng);
    if ((t + 1) % chunk == 0) progress.add(chunk);
  }
  progress.add(o.therm % chunk);
  move->end_thermalization(s, rng);

  const int64_t nmeas = o.sweeps / o.measure_every;
  const size_t ns = kNumBuiltin + user.names.size();
  std::vector<std::vector<double>> series(ns, std::vector<double>(nmeas));
  std::vector<double> buf(user.names.size());
  const double invn = 1.0 / n;
  int64_t since = 0;
  for (int64_t k = 0; k < nmeas; ++k) {
    for (int64_t t = 0; t < o.measure_every; ++t) move->sweep(s, rng);
    record_builtins(series, k, model.energy(s) * invn, static_cast<double>(IsingModel::magnetization(s)) * invn);
    size_t c = 0;
    for (const auto& ob : user.obs) {
      std::span<double> out(buf.data() + c, ob->size());
      ob->measure(s, out);
      c += ob->size();
    }
    for (size_t u = 0; u < buf.size(); ++u) series[kNumBuiltin + u][k] = buf[u];
    since += o.measure_every;
    if (since >= chunk) {
      progress.add(since);
      since = 0;
    }
  }
  progress.add(since);
  PointResult r = reduce_point(beta, n, o, series, user.names);
  if (o.keep_final_states) r.final_state = std::move(s);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// Estimates of one beta point from its measurement series (builtins per spin, then user ones).
PointResult reduce_point(double beta, int64_t n, const SimulationOptions& o, const std::vector<std::vector<double>>& series,
                         const std::vector<std::string>& user_names) {
  const auto nmeas = static_cast<int64_t>(series[kE].size());
  PointResult r;
  r.beta = beta;
  r.measurements = nmeas;
  std::array<Estimate, kNumBuiltin> est;
  for (int i = 0; i < kNumBuiltin; ++i) est[i] = estimate_mean(series[i]);
  r.energy_per_spin = est[kE];
  r.e2 = est[kE2];
  r.magnetization_per_spin = est[kM];
  r.abs_magnetization_per_spin = est[kAbsM];
  r.m2 = est[kM2];
  r.m4 = est[kM4];

  // Derived quantities by jackknife over blocks longer than the slowest input's tau_int.
  auto derived = [&](std::initializer_list<int> idx, const std::function<double(std::span<const double>)>& f) {
    std::vector<std::span<const double>> sp;
    double tau = 0.5;
    for (int i : idx) {
      sp.emplace_back(series[i]);
      tau = std::max(tau, est[i].tau_int);
    }
    return jackknife(sp, f, choose_block_size(tau, static_cast<size_t>(nmeas)));
  };
  const double N = n;
  r.susceptibility = derived({kAbsM, kM2}, [&](std::span<const double> m) { return beta * N * (m[1] - m[0] * m[0]); });
  r.specific_heat = derived({kE, kE2}, [&](std::span<const double> m) { return beta * beta * N * (m[1] - m[0] * m[0]); });
  if (est[kM2].mean > 0.0) {
    r.binder_cumulant = derived({kM2, kM4}, [](std::span<const double> m) { return 1.0 - m[1] / (3.0 * m[0] * m[0]); });
  } else {  // every measurement had M = 0 (e.g. a frozen antiferromagnet): U = 1 - 0/0
    r.binder_cumulant.mean = r.binder_cumulant.error = std::numeric_limits<double>::quiet_NaN();
    r.warnings.push_back("binder cumulant: undefined, every measurement had M = 0");
  }

  for (size_t u = 0; u < user_names.size(); ++u)
    r.observables.push_back({user_names[u], estimate_mean(series[kNumBuiltin + u])});
  for (const auto& [a, b] : o.covariances) {
    int ia = series_index(a, user_names), ib = series_index(b, user_names);
    // Builtins are stored per spin; covariances are reported for totals E, M, |M|.
    auto total = [&](int i) {
      std::vector<double> v = series[i];
      if (i < kNumBuiltin)
        for (double& x : v) x *= N;
      return v;
    };
    auto va = total(ia), vb = total(ib);
    r.covariances.push_back({"Cov[" + a + "," + b + "]", covariance(va, vb)});
  }

  thermalization_check("energy", series[kE], r.warnings);
  thermalization_check("|magnetization|", series[kAbsM], r.warnings);
  for (const auto& [name, est] : {std::pair{"energy", r.energy_per_spin}, std::pair{"|magnetization|", r.abs_magnetization_per_spin}})
    if (est.n_eff < 100)
      r.warnings.push_back(std::string(name) + ": only " + std::to_string(static_cast<int64_t>(est.n_eff)) +
                           " effective samples (tau_int = " + std::to_string(est.tau_int) +
                           " measurements); error bars are unreliable, raise --sweeps");
  return r;
}

}  // namespace

double simulation_memory_bytes(const IsingModel& model, const SimulationOptions& o) {
  int64_t user = static_cast<int64_t>(o.regions.size() + o.pairs.size());
  for (const auto& ob : o.extra_observables) user += static_cast<int64_t>(ob->size());
  if (o.correlation_function && model.lattice()) user += model.lattice()->extent(0) / 2 + 1;
  return simulation_memory_bytes(model.size(), user, o);
}

double simulation_memory_bytes(int64_t num_spins, int64_t user_components, const SimulationOptions& o) {
  // In double: absurd --sweeps must not overflow the guard that refuses them.
  const double user = static_cast<double>(user_components);
  const double nmeas = static_cast<double>(o.measure_every > 0 ? o.sweeps / o.measure_every : o.sweeps);
  const double per_point = nmeas * (static_cast<double>(kNumBuiltin) + user) * 8.0 + static_cast<double>(num_spins) * 8.0;
  return per_point * static_cast<double>(std::min<int64_t>(std::max(o.threads, 1), static_cast<int64_t>(o.betas.size())));
}

bool packed_path_applies(const SimulationOptions& o, std::string* why_not) {
  auto no = [&](const char* why) {
    if (why_not) *why_not = why;
    return false;
  };
  if (o.algo != "metropolis" && o.algo != "heatbath") return no("the packed kernels run plain metropolis and heatbath");
  if (!o.regions.empty() || !o.pairs.empty() || o.correlation_function || !o.extra_observables.empty())
    return no("--region, --pair, --correlation and library observables are measured on the byte state (generic path)");
  for (const auto& [a, b] : o.covariances)
    for (const auto& x : {a, b})
      if (x != "E" && x != "M" && x != "|M|") return no("--cov of user observables needs the generic path");
  return true;
}

SimulationResult simulate_packed(const PackedLattice& spec, const SimulationOptions& o) {
  std::string why;
  if (!packed_path_applies(o, &why)) throw InputError("packed lattice path: " + why);
  const MscGeometry geo = MscGeometry::make(spec.dim, spec.L);
  const int64_t n = geo.spins();
  validate_run(n, o);
  const MscRule rule = o.algo == "metropolis" ? MscRule::Metropolis : MscRule::HeatBath;

  SimulationResult result;
  result.algo = o.algo;
  result.num_spins = n;
  result.kernel_threads = o.threads;
  MscLattice lat(spec.dim, spec.L);
  MscUpdate update(geo, rule, spec.J, o.betas.front(), best_simd_level(), o.threads);
  result.kernel = update.kernel();
  result.state_bytes = lat.memory_bytes();
  const int64_t nmeas = o.sweeps / o.measure_every;
  result.series_bytes = nmeas * kNumBuiltin * static_cast<int64_t>(sizeof(double));
  Progress progress(o.progress, static_cast<int64_t>(o.betas.size()) * (o.therm + o.sweeps));
  const std::vector<std::string> no_user;
  for (size_t index = 0; index < o.betas.size(); ++index) {
    auto t0 = std::chrono::steady_clock::now();
    const double beta = o.betas[index];
    Rng rng(o.seed, index);
    switch (o.init) {
      case InitialState::Hot: lat.randomize(rng, o.threads); break;
      case InitialState::Up: lat.fill(1); break;
      case InitialState::Down: lat.fill(-1); break;
      case InitialState::Given: lat.pack(o.initial_state); break;
    }
    update.set_beta(beta);
    // Progress in steps of ~1e8 spin updates (or every sweep on huge lattices).
    const int64_t chunk = std::max<int64_t>(1, 100000000 / n);
    for (int64_t t = 0; t < o.therm; ++t) {
      update.sweep(lat, rng);
      if ((t + 1) % chunk == 0) progress.add(chunk);
    }
    progress.add(o.therm % chunk);
    std::vector<std::vector<double>> series(kNumBuiltin, std::vector<double>(nmeas));
    const double invn = 1.0 / static_cast<double>(n);
    int64_t since = 0;
    for (int64_t k = 0; k < nmeas; ++k) {
      for (int64_t t = 0; t < o.measure_every; ++t) update.sweep(lat, rng);
      const MscTotals tot = update.measure(lat);
      record_builtins(series, k, tot.energy(spec.J) * invn, static_cast<double>(tot.magnetization) * invn);
      since += o.measure_every;
      if (since >= chunk) {
        progress.add(since);
        since = 0;
      }
    }
    progress.add(since);
    PointResult r = reduce_point(beta, n, o, series, no_user);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.points.push_back(std::move(r));
  }
  return result;
}

SimulationResult simulate(const IsingModel& model, const SimulationOptions& o) {
  validate(model, o);
  if (packed_path_applies(o) && msc_applies(model)) {
    const Lattice& lat = *model.lattice();
    double J = 0.0;
    lat.is_uniform(&J);
    return simulate_packed({lat.dim(), lat.extent(0), J}, o);
  }
  const size_t np = o.betas.size();
  // Threads beyond one per beta point go inside the sweeps of moves that split one (heatbath-colored).
  const int nt = static_cast<int>(std::min<size_t>(static_cast<size_t>(o.threads), np));
  const int kernel_threads = std::max(1, o.threads / nt);
  SimulationResult result;
  result.num_spins = model.size();
  result.state_bytes = static_cast<int64_t>(model.size()) * static_cast<int64_t>(sizeof(Spin)) *
                       std::min<int64_t>(o.threads, static_cast<int64_t>(o.betas.size()));
  result.series_bytes = static_cast<int64_t>(simulation_memory_bytes(model, o)) - result.state_bytes;
  {
    auto probe = make_move(o.algo, model, o.betas.front());  // throws early on bad algo/model
    result.algo = probe->name();
    result.kernel = probe->kernel();
    result.kernel_threads = probe->set_threads(kernel_threads);
    ObservableSet user = build_observables(model, o);
    for (const auto& [a, b] : o.covariances) {
      series_index(a, user.names);
      series_index(b, user.names);
    }
  }
  result.points.resize(np);
  Progress progress(o.progress, static_cast<int64_t>(np) * (o.therm + o.sweeps));
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto worker = [&] {
    for (size_t k; (k = next++) < np;) {
      try {
        result.points[k] = run_point(model, o, k, kernel_threads, progress);
      } catch (...) {
        std::lock_guard lock(error_mu);
        if (!error) error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < nt; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  return result;
}

}  // namespace spinlab
