// Samplers against exact oracles: detailed balance on 3 spins, z-scores vs enumeration and Kaufman.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "test_util.hpp"
#include "exact/enumerate.hpp"
#include "exact/oracles.hpp"
#include "measure/simulate.hpp"
#include "sample/move.hpp"
#include "sample/single_spin.hpp"

using namespace spinlab;
using spinlab::testing::expect_z;
using spinlab::testing::spins_of;

namespace {

IsingModel random_graph(int n, double density, uint64_t seed, bool ferro, bool fields) {
  Rng rng(seed, 99);
  std::vector<Edge> e;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (rng.uniform() < density) {
        double w = ferro ? 0.2 + rng.uniform() : (rng.next_u32() & 1 ? 1.0 : -1.0);
        e.push_back({i, j, w});
      }
  for (int i = 0; i + 1 < n; ++i) e.push_back({i, i + 1, ferro ? 0.5 : -0.7});  // keep it connected
  std::vector<double> h(n, 0.0);
  if (fields)
    for (double& x : h) x = 0.6 * (rng.uniform() - 0.5);
  return IsingModel(Graph::from_edges(n, e), h);
}


// Every algorithm listed, plus a composite.
std::vector<std::string> all_algos(bool ferro) {
  std::vector<std::string> a;
  for (const auto& info : move_registry())
    if (!info.equilibrium) continue;  // opinion dynamics: tested in test_social_moves.cpp
    else if (ferro || (info.name != "wolff" && info.name != "sw")) a.push_back(info.name);
  if (ferro) a.push_back("wolff+metropolis");
  return a;
}


void check_against_enumeration(const IsingModel& m, double beta, const std::string& algo, int64_t sweeps,
                               uint64_t seed) {
  const int n = m.size();
  std::vector<int32_t> a, b;
  for (int i = 0; i < n; ++i) (i < n / 2 ? a : b).push_back(i);
  EnumerationOptions eo;
  eo.regions = {a, b};
  EnumerationResult ex = enumerate_exact(m, beta, eo);
  SimulationOptions o;
  o.algo = algo;
  o.betas = {beta};
  o.sweeps = sweeps;
  o.therm = 500;
  o.seed = seed;
  o.regions = {{"A", a}, {"B", b}};
  o.covariances = {{"A", "B"}, {"A", "A"}};
  SimulationResult r = simulate(m, o);
  const PointResult& p = r.points[0];
  const std::string tag = algo + " beta=" + std::to_string(beta);
  expect_z(p.energy_per_spin, ex.energy_per_spin(), tag + " E/N");
  expect_z(p.abs_magnetization_per_spin, ex.abs_mag / n, tag + " |M|/N");
  expect_z(p.m2, ex.mag_sq / (double(n) * n), tag + " <m^2>");
  expect_z(p.specific_heat, ex.specific_heat_per_spin(), tag + " C/N");
  expect_z(p.observables[0].value, ex.region_mean[0], tag + " <M_A>");
  expect_z(p.covariances[0].value, ex.region_cov[0][1], tag + " Cov[M_A,M_B]");
  expect_z(p.covariances[1].value, ex.region_cov[0][0], tag + " Var[M_A]");
}

}  // namespace

// The transition matrix of every single-spin update, built from the kernel's own flip
// probabilities, leaves the Boltzmann distribution invariant (site by site, so every order).
TEST(DetailedBalance, SingleSpinKernelsOnThreeSpins) {
  std::vector<Edge> e = {{0, 1, 0.7}, {1, 2, -1.1}, {0, 2, 0.4}};
  IsingModel m(Graph::from_edges(3, e), {0.3, -0.2, 0.5});
  for (double beta : {0.2, 1.0, 2.5}) {
    std::vector<double> pi(8);
    double zsum = 0;
    for (int c = 0; c < 8; ++c) zsum += pi[c] = std::exp(-beta * m.energy(spins_of(c, 3)));
    for (double& x : pi) x /= zsum;
    for (auto rule : {SingleSpinRule::Metropolis, SingleSpinRule::HeatBath}) {
      auto mv = make_single_spin(m, beta, rule, SiteOrder::Sequential);
      for (int i = 0; i < 3; ++i) {
        // T[c][c'] for updating site i; check sum_c pi_c T[c][c'] = pi_c' and detailed balance.
        std::vector<double> out(8, 0.0);
        for (int c = 0; c < 8; ++c) {
          double p = mv->flip_probability(i, spins_of(c, 3));
          ASSERT_GE(p, 0.0);
          ASSERT_LE(p, 1.0);
          int c2 = c ^ (1 << i);
          out[c] += pi[c] * (1 - p);
          out[c2] += pi[c] * p;
          double p_back = mv->flip_probability(i, spins_of(c2, 3));
          EXPECT_NEAR(pi[c] * p, pi[c2] * p_back, 1e-9) << "rule " << int(rule) << " site " << i;
        }
        for (int c = 0; c < 8; ++c) EXPECT_NEAR(out[c], pi[c], 1e-9);
      }
    }
  }
}

// The table path (uniform models) uses exactly the kernel's probability formula.
TEST(DetailedBalance, TablePathMatchesFormula) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(4), 0.25);
  const double beta = 0.37;
  auto metro = make_single_spin(m, beta, SingleSpinRule::Metropolis, SiteOrder::Sequential);
  auto heat = make_single_spin(m, beta, SingleSpinRule::HeatBath, SiteOrder::Sequential);
  EXPECT_EQ(metro->kernel(), "csr-table");
  Rng rng(1, 1);
  for (int t = 0; t < 20; ++t) {
    auto s = hot_state(16, rng);
    for (int i = 0; i < 16; ++i) {
      double dE = m.delta_energy(i, s);
      double pm = dE <= 0 ? 1.0 : acceptance_threshold(std::exp(-beta * dE)) * 0x1.0p-32;
      EXPECT_DOUBLE_EQ(metro->flip_probability(i, s), pm);
      double f = m.local_field(i, s);
      double pup = acceptance_threshold(1.0 / (1.0 + std::exp(-2 * beta * f))) * 0x1.0p-32;
      EXPECT_DOUBLE_EQ(heat->flip_probability(i, s), s[i] > 0 ? 1 - pup : pup);
    }
  }
}

TEST(Samplers, RegistryRejectsUnknownAndFrustrated) {
  IsingModel af = random_graph(8, 0.5, 3, false, false);
  EXPECT_THROW(make_move("wolff", af, 0.5), InputError);
  EXPECT_THROW(make_move("sw", af, 0.5), InputError);
  EXPECT_THROW(make_move("nope", af, 0.5), InputError);
  EXPECT_THROW(make_move("metropolis+", af, 0.5), InputError);
  EXPECT_NO_THROW(make_move("metropolis+heatbath", af, 0.5));
  EXPECT_EQ(make_move("glauber", af, 0.5)->name(), "heatbath-random");
}

TEST(Samplers, TorusFourByFourVsEnumeration) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(4));
  uint64_t seed = 10;
  for (const auto& algo : all_algos(true))
    for (double beta : {0.3, 0.5}) check_against_enumeration(m, beta, algo, 40000, ++seed);
}

TEST(Samplers, FerromagneticGraphWithFieldsVsEnumeration) {
  IsingModel m = random_graph(12, 0.3, 7, true, true);
  uint64_t seed = 100;
  for (const auto& algo : all_algos(true))
    for (double beta : {0.25, 0.6}) check_against_enumeration(m, beta, algo, 40000, ++seed);
}

TEST(Samplers, SpinGlassGraphVsEnumeration) {
  IsingModel m = random_graph(12, 0.4, 11, false, true);
  uint64_t seed = 200;
  for (const auto& algo : all_algos(false))
    for (double beta : {0.3, 1.0}) check_against_enumeration(m, beta, algo, 40000, ++seed);
}

// Every sampler vs Kaufman's exact finite-size energy and specific heat on the 16x16 torus.
TEST(Samplers, SixteenTorusVsKaufman) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(16));
  SimulationOptions o;
  o.betas = {0.3, 0.4406868, 0.5};
  o.threads = 2;
  uint64_t seed = 300;
  for (const auto& algo : all_algos(true)) {
    o.algo = algo;
    o.seed = ++seed;
    const bool cluster = algo.find("wolff") != std::string::npos || algo == "sw";
    o.sweeps = cluster ? 30000 : 150000;
    o.therm = 2000;
    SimulationResult r = simulate(m, o);
    for (const auto& p : r.points) {
      ExactThermo ex = kaufman_torus(16, 16, p.beta);
      const std::string tag = algo + " beta=" + std::to_string(p.beta);
      expect_z(p.energy_per_spin, ex.energy_per_spin, tag + " E/N");
      expect_z(p.specific_heat, ex.specific_heat_per_spin, tag + " C/N");
      EXPECT_TRUE(p.warnings.empty()) << tag << ": " << (p.warnings.empty() ? "" : p.warnings[0]);
    }
  }
}

TEST(Simulate, ResultsDoNotDependOnThreadsAndFollowTheSeed) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(8));
  SimulationOptions o;
  o.algo = "metropolis";
  o.betas = {0.3, 0.4, 0.5};
  o.sweeps = 2000;
  o.therm = 100;
  o.seed = 5;
  o.threads = 1;
  auto a = simulate(m, o);
  o.threads = 3;
  auto b = simulate(m, o);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(a.points[k].energy_per_spin.mean, b.points[k].energy_per_spin.mean);
    EXPECT_EQ(a.points[k].susceptibility.mean, b.points[k].susceptibility.mean);
  }
  o.seed = 6;
  auto c = simulate(m, o);
  EXPECT_NE(a.points[0].energy_per_spin.mean, c.points[0].energy_per_spin.mean);
}

TEST(Simulate, RejectsBadOptions) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(4));
  SimulationOptions o;
  o.betas = {0.4};
  o.sweeps = 100;
  o.therm = 0;
  o.algo = "metropolis";
  auto bad = [&](auto mutate) {
    SimulationOptions x = o;
    mutate(x);
    EXPECT_THROW(simulate(m, x), InputError);
  };
  bad([](SimulationOptions& x) { x.betas = {}; });
  bad([](SimulationOptions& x) { x.betas = {std::nan("")}; });
  bad([](SimulationOptions& x) { x.betas = {-1.0}; });
  bad([](SimulationOptions& x) { x.sweeps = 1; });
  bad([](SimulationOptions& x) { x.threads = 0; });
  bad([](SimulationOptions& x) { x.algo = "bogus"; });
  bad([](SimulationOptions& x) { x.regions = {{"R", {0, 99}}}; });
  bad([](SimulationOptions& x) { x.covariances = {{"E", "nothing"}}; });
  bad([](SimulationOptions& x) {
    x.init = InitialState::Given;
    x.initial_state = {1, 1};
  });
}

TEST(Simulate, CorrelationFunctionStartsAtOne) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(8));
  SimulationOptions o;
  o.algo = "wolff";
  o.betas = {0.6};
  o.sweeps = 2000;
  o.therm = 100;
  o.correlation_function = true;
  auto r = simulate(m, o);
  const auto& obs = r.points[0].observables;
  ASSERT_EQ(obs.size(), 5u);  // G(0) .. G(4)
  EXPECT_EQ(obs[0].name, "G(0)");
  EXPECT_DOUBLE_EQ(obs[0].value.mean, 1.0);
  // Deep in the ordered phase G(r) stays close to m^2 ~ 0.95.
  EXPECT_GT(obs[4].value.mean, 0.9);
}

// U = 1 - <m^4>/(3<m^2>^2) is 0/0 when every measurement has M = 0: reported as undefined, with a
// warning, never as a silent NaN.
TEST(Simulate, BinderUndefinedWhenMagnetisationIsAlwaysZero) {
  IsingModel af(Graph::from_edges(2, std::vector<Edge>{{0, 1, -1.0}}));
  SimulationOptions o;
  o.algo = "metropolis";
  o.betas = {50.0};
  o.sweeps = 200;
  o.therm = 10;
  auto r = simulate(af, o);
  EXPECT_TRUE(std::isnan(r.points[0].binder_cumulant.mean));
  bool warned = false;
  for (const auto& w : r.points[0].warnings) warned |= w.find("binder") != std::string::npos;
  EXPECT_TRUE(warned);
}

// Without thermalisation sweeps Wolff still tunes its clusters per sweep (else a "sweep" would be
// one cluster): tau_int per sweep stays of order one, as with a long thermalisation.
TEST(Simulate, WolffTunesEvenWithoutThermalisation) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(32));
  SimulationOptions o;
  o.algo = "wolff";
  o.betas = {0.3};
  o.sweeps = 4000;
  o.therm = 0;
  auto r = simulate(m, o);
  EXPECT_LT(r.points[0].energy_per_spin.tau_int, 3.0);
  ExactThermo ex = kaufman_torus(32, 32, 0.3);
  expect_z(r.points[0].energy_per_spin, ex.energy_per_spin, "wolff therm 0 E/N");
}

// A hot start deep in the ordered phase without thermalisation coarsens for hundreds of sweeps:
// the run must carry a warning (here the effective-sample count; the half-vs-half test itself is
// checked on controlled series in test_estimators). Thermalised, it is quiet.
TEST(Simulate, DriftingStartIsWarnedAbout) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(32));
  SimulationOptions o;
  o.algo = "metropolis-sequential";
  o.betas = {0.6};
  o.init = InitialState::Hot;
  o.sweeps = 400;
  o.therm = 0;
  auto cold = simulate(m, o);
  EXPECT_FALSE(cold.points[0].warnings.empty());
  o.algo = "wolff";
  o.therm = 500;
  o.sweeps = 5000;
  auto settled = simulate(m, o);
  EXPECT_TRUE(settled.points[0].warnings.empty()) << settled.points[0].warnings.front();
}

// A given initial state is used as is: with beta = huge and Metropolis, an all-down start stays down.
TEST(Simulate, GivenInitialStateIsUsed) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(8));
  SimulationOptions o;
  o.algo = "metropolis";
  o.betas = {20.0};
  o.sweeps = 100;
  o.therm = 0;
  o.init = InitialState::Given;
  o.initial_state = cold_state(64, -1);
  auto r = simulate(m, o);
  EXPECT_DOUBLE_EQ(r.points[0].magnetization_per_spin.mean, -1.0);
}
