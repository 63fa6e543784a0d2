// Tests of the exact oracles: enumeration against hand sums, closed forms against enumeration.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/error.hpp"
#include "core/lattice.hpp"
#include "core/model.hpp"
#include "exact/enumerate.hpp"
#include "exact/jet.hpp"
#include "exact/oracles.hpp"

namespace spinlab {
namespace {

// |a - b| <= max(rel |b|, floor): relative, with an absolute floor for values near zero.
::testing::AssertionResult Close(double a, double b, double rel, double floor = 1e-12) {
  const double tol = std::max(rel * std::fabs(b), floor);
  if (std::fabs(a - b) <= tol) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " vs " << b << " (diff " << a - b << ", tol " << tol << ")";
}

// Brute-force sums over all states, written independently of enumerate_exact (plain loops,
// energies from IsingModel::energy, no shifting): the hand-computed reference for tiny systems.
struct Brute {
  double z = 0, e = 0, e2 = 0, m = 0, am = 0, m2 = 0, m4 = 0, ground = 1e300;
  std::vector<double> pair, site;  // <s_i s_j> for the requested pairs, <s_i> for every site
};
Brute brute(const IsingModel& model, double beta, const std::vector<std::pair<int, int>>& pairs = {}) {
  const int n = model.size();
  Brute b;
  b.pair.assign(pairs.size(), 0.0);
  b.site.assign(n, 0.0);
  for (uint32_t c = 0; c < (1u << n); ++c) {
    std::vector<Spin> s(n);
    for (int i = 0; i < n; ++i) s[i] = (c >> i) & 1 ? -1 : 1;
    const double e = model.energy(s), m = static_cast<double>(IsingModel::magnetization(s));
    const double w = std::exp(-beta * e);
    b.z += w;
    b.e += w * e;
    b.e2 += w * e * e;
    b.m += w * m;
    b.am += w * std::fabs(m);
    b.m2 += w * m * m;
    b.m4 += w * m * m * m * m;
    b.ground = std::min(b.ground, e);
    for (size_t p = 0; p < pairs.size(); ++p) b.pair[p] += w * s[pairs[p].first] * s[pairs[p].second];
    for (int i = 0; i < n; ++i) b.site[i] += w * s[i];
  }
  for (double* x : {&b.e, &b.e2, &b.m, &b.am, &b.m2, &b.m4}) *x /= b.z;
  for (double& x : b.pair) x /= b.z;
  for (double& x : b.site) x /= b.z;
  return b;
}

IsingModel torus(int32_t Lx, int32_t Ly, double J = 1.0) {
  return IsingModel::on_lattice(Lattice(2, {Lx, Ly, 1}, Boundary::Periodic, J));
}

// ---------------------------------------------------------------------------------------------
// Jets

TEST(Jet, DerivativesOfComposite) {
  using jets::Jet;
  // f(x) = ln(cosh x) + sqrt(x) * exp(x) / tanh(x) - acosh(1 + x^2) at x = 0.7, against
  // central differences.
  auto f = [](auto x) {
    using std::acosh, std::cosh, std::exp, std::log, std::sqrt, std::tanh;
    using jets::acosh, jets::cosh, jets::exp, jets::log, jets::sqrt, jets::tanh;
    return log(cosh(x)) + sqrt(x) * exp(x) / tanh(x) - acosh(1.0 + x * x);
  };
  const double x0 = 0.7, hstep = 1e-4;
  const Jet j = f(Jet::variable(x0));
  const double fp = f(x0 + hstep), fm = f(x0 - hstep), f0 = f(x0);
  EXPECT_NEAR(j.v, f0, 1e-15);
  EXPECT_NEAR(j.d, (fp - fm) / (2 * hstep), 1e-8);
  EXPECT_NEAR(j.dd, (fp - 2 * f0 + fm) / (hstep * hstep), 1e-5);
  const Jet p = jets::ipow(Jet::variable(-1.5), 5);
  EXPECT_DOUBLE_EQ(p.v, std::pow(-1.5, 5));
  EXPECT_DOUBLE_EQ(p.d, 5 * std::pow(-1.5, 4));
  EXPECT_DOUBLE_EQ(p.dd, 20 * std::pow(-1.5, 3));
}

// ---------------------------------------------------------------------------------------------
// Enumeration

TEST(Enumerate, TwoSpinsClosedForm) {
  // E = -J s1 s2: Z = 4 cosh(bJ), <E> = -J tanh(bJ), <s1 s2> = tanh(bJ), <M^2> = 2 + 2 tanh(bJ).
  const double J = 0.8, beta = 0.9;
  std::vector<Edge> edges{{0, 1, J}};
  IsingModel model(Graph::from_edges(2, edges));
  EnumerationOptions opt;
  opt.pairs = {{0, 1}};
  auto r = enumerate_exact(model, beta, opt);
  const double t = std::tanh(beta * J);
  EXPECT_TRUE(Close(r.log_z, std::log(4 * std::cosh(beta * J)), 1e-14));
  EXPECT_TRUE(Close(r.energy, -J * t, 1e-14));
  EXPECT_TRUE(Close(r.energy_sq, J * J, 1e-14));
  EXPECT_TRUE(Close(r.pair_corr[0], t, 1e-14));
  EXPECT_TRUE(Close(r.mag_sq, 2 + 2 * t, 1e-14));
  EXPECT_NEAR(r.mag, 0.0, 1e-15);
  EXPECT_DOUBLE_EQ(r.ground_energy, -J);
}

TEST(Enumerate, TwoSpinsWithFields) {
  // E = -J s1 s2 - h1 s1 - h2 s2, the four states written out by hand.
  const double J = -0.6, h1 = 0.3, h2 = -1.1, beta = 1.3;
  std::vector<Edge> edges{{0, 1, J}};
  IsingModel model(Graph::from_edges(2, edges), {h1, h2}, 0.25);
  const double E[4] = {-J - h1 - h2, J - h1 + h2, J + h1 - h2, -J + h1 + h2};  // ++, +-, -+, --
  const double M[4] = {2, 0, 0, -2};
  double z = 0, e = 0, m = 0, s1 = 0;
  for (int k = 0; k < 4; ++k) {
    const double w = std::exp(-beta * (E[k] + 0.25));
    z += w;
    e += w * (E[k] + 0.25);
    m += w * M[k];
    s1 += w * (k < 2 ? 1 : -1);
  }
  EnumerationOptions opt;
  opt.regions = {{0}, {1}, {0, 1}};
  auto r = enumerate_exact(model, beta, opt);
  EXPECT_TRUE(Close(r.log_z, std::log(z), 1e-14));
  EXPECT_TRUE(Close(r.energy, e / z, 1e-14));
  EXPECT_TRUE(Close(r.mag, m / z, 1e-14));
  EXPECT_TRUE(Close(r.region_mean[0], s1 / z, 1e-14));
  EXPECT_TRUE(Close(r.region_mean[2], m / z, 1e-14));
  EXPECT_DOUBLE_EQ(r.ground_energy, *std::min_element(E, E + 4) + 0.25);
  // Var(M) = Cov[M_0 + M_1, M_0 + M_1] from the region covariance matrix.
  const auto& c = r.region_cov;
  EXPECT_TRUE(Close(c[0][0] + c[1][1] + 2 * c[0][1], r.mag_sq - r.mag * r.mag, 1e-12));
  EXPECT_TRUE(Close(c[2][2], r.mag_sq - r.mag * r.mag, 1e-12));
  EXPECT_DOUBLE_EQ(c[0][1], c[1][0]);
}

TEST(Enumerate, ThreeSpinsWithFieldsAgainstBruteForce) {
  std::vector<Edge> edges{{0, 1, 1.0}, {1, 2, -0.5}, {0, 2, 0.75}};
  IsingModel model(Graph::from_edges(3, edges), {0.2, -0.4, 0.9});
  EnumerationOptions opt;
  opt.pairs = {{0, 1}, {1, 2}, {0, 2}, {2, 2}};
  for (double beta : {0.0, 0.4, 2.0}) {
    auto r = enumerate_exact(model, beta, opt);
    auto b = brute(model, beta, {{0, 1}, {1, 2}, {0, 2}, {2, 2}});
    EXPECT_TRUE(Close(r.log_z, std::log(b.z), 1e-14));
    EXPECT_TRUE(Close(r.energy, b.e, 1e-13));
    EXPECT_TRUE(Close(r.energy_sq, b.e2, 1e-13));
    EXPECT_TRUE(Close(r.mag, b.m, 1e-13));
    EXPECT_TRUE(Close(r.abs_mag, b.am, 1e-13));
    EXPECT_TRUE(Close(r.mag_sq, b.m2, 1e-13));
    EXPECT_TRUE(Close(r.mag_4, b.m4, 1e-13));
    EXPECT_DOUBLE_EQ(r.ground_energy, b.ground);
    for (size_t p = 0; p < opt.pairs.size(); ++p) EXPECT_TRUE(Close(r.pair_corr[p], b.pair[p], 1e-13));
  }
}

TEST(Enumerate, InfiniteTemperatureCountsStates) {
  for (int32_t n : {1, 5, 12}) {
    std::vector<Edge> edges;
    for (int32_t i = 0; i + 1 < n; ++i) edges.push_back({i, i + 1, 0.3 * i - 1.0});
    IsingModel model(Graph::from_edges(n, edges), std::vector<double>(n, 0.7));
    auto r = enumerate_exact(model, 0.0);
    EXPECT_TRUE(Close(r.log_z, n * std::numbers::ln2, 1e-14));
    EXPECT_TRUE(Close(r.mag_sq, n, 1e-13));  // independent spins at beta = 0
  }
}

TEST(Enumerate, GroundStateAndLargeBeta) {
  auto model = IsingModel::on_lattice(Lattice::square(4));
  for (double beta : {50.0, 1e4}) {
    auto r = enumerate_exact(model, beta);
    EXPECT_DOUBLE_EQ(r.ground_energy, -32.0);
    EXPECT_TRUE(std::isfinite(r.log_z));
    EXPECT_TRUE(Close(r.log_z, std::log(2.0) + 32.0 * beta, 1e-12));
    EXPECT_TRUE(Close(r.energy, -32.0, 1e-12));
    EXPECT_TRUE(Close(r.abs_mag, 16.0, 1e-12));
  }
  // A frustrated model whose ground state is far from the all-up start: the running shift must
  // rebase many times without losing anything (compare against a smaller beta by continuity).
  std::vector<Edge> edges;
  for (int32_t i = 0; i < 14; ++i)
    for (int32_t j = i + 1; j < 14; ++j) edges.push_back({i, j, std::sin(1.0 + i * 14 + j)});
  IsingModel glass(Graph::from_edges(14, edges), std::vector<double>(14, -0.3));
  auto hot = enumerate_exact(glass, 1e3);
  auto b = brute(glass, 0.0);
  EXPECT_DOUBLE_EQ(hot.ground_energy, b.ground);
  EXPECT_TRUE(Close(hot.energy, b.ground, 1e-9));
  EXPECT_TRUE(std::isfinite(hot.log_z));
  auto mild = enumerate_exact(glass, 0.7);
  auto bm = brute(glass, 0.7);
  EXPECT_TRUE(Close(mild.log_z, std::log(bm.z), 1e-13));
  EXPECT_TRUE(Close(mild.specific_heat_per_spin(), 0.49 * (bm.e2 - bm.e * bm.e) / 14, 1e-10));
}

TEST(Enumerate, RegionsAndPairsSurviveRebasing) {
  // A frustrated 12-spin model with random fields, started far from its ground state, at a beta
  // where the running reference energy moves many times: region means/covariances and pair
  // correlations against brute force (Cov[M_A, M_B] = sum_{i in A, j in B} (<s_i s_j> - <s_i><s_j>)).
  const int32_t n = 12;
  std::vector<Edge> edges;
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = i + 1; j < n; ++j)
      if ((i * 7 + j * 3) % 4 != 0) edges.push_back({i, j, std::cos(3.0 * i + 1.7 * j)});
  std::vector<double> h(n);
  for (int32_t i = 0; i < n; ++i) h[i] = -0.5 + 0.1 * i;
  IsingModel model(Graph::from_edges(n, edges), h);
  const std::vector<std::vector<int32_t>> regions{{0, 3, 5}, {1, 2}, {11}, {4, 6, 7, 8, 9, 10}};
  std::vector<std::pair<int, int>> all_pairs;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) all_pairs.push_back({i, j});
  EnumerationOptions opt;
  opt.regions = regions;
  for (auto [i, j] : all_pairs) opt.pairs.push_back({i, j});
  for (double beta : {0.3, 2.0, 8.0}) {  // (the naive brute force overflows beyond ~beta 30)
    auto r = enumerate_exact(model, beta, opt);
    auto b = brute(model, beta, all_pairs);
    SCOPED_TRACE(testing::Message() << "beta " << beta);
    EXPECT_TRUE(Close(r.log_z, std::log(b.z), 1e-13));
    EXPECT_TRUE(Close(r.energy, b.e, 1e-12));
    EXPECT_DOUBLE_EQ(r.ground_energy, b.ground);
    for (size_t p = 0; p < all_pairs.size(); ++p) EXPECT_TRUE(Close(r.pair_corr[p], b.pair[p], 1e-12, 1e-13));
    for (size_t a = 0; a < regions.size(); ++a) {
      double mean = 0;
      for (int i : regions[a]) mean += b.site[i];
      EXPECT_TRUE(Close(r.region_mean[a], mean, 1e-12, 1e-13));
      for (size_t c = 0; c < regions.size(); ++c) {
        double cov = 0;
        for (int i : regions[a])
          for (int j : regions[c]) cov += b.pair[i * n + j] - b.site[i] * b.site[j];
        EXPECT_TRUE(Close(r.region_cov[a][c], cov, 1e-10, 1e-12)) << a << "," << c;
      }
    }
  }
}

TEST(Enumerate, RegionsOnAChain) {
  // Region covariances are sums of pair correlations: Cov[M_A, M_B] = sum_{i in A, j in B} <s_i s_j>
  // at h = 0.
  auto model = IsingModel::on_lattice(Lattice::chain(10));
  EnumerationOptions opt;
  opt.regions = {{0, 1, 2}, {5, 7}, {}};
  for (int j = 0; j < 10; ++j) opt.pairs.push_back({0, j});
  auto r = enumerate_exact(model, 0.6, opt);
  auto corr = [&](int i, int j) { return r.pair_corr[std::abs(i - j) <= 5 ? std::abs(i - j) : 10 - std::abs(i - j)]; };
  double caa = 0, cab = 0, cbb = 0;
  for (int i : opt.regions[0])
    for (int j : opt.regions[0]) caa += corr(i, j);
  for (int i : opt.regions[0])
    for (int j : opt.regions[1]) cab += corr(i, j);
  for (int i : opt.regions[1])
    for (int j : opt.regions[1]) cbb += corr(i, j);
  EXPECT_TRUE(Close(r.region_cov[0][0], caa, 1e-13));
  EXPECT_TRUE(Close(r.region_cov[0][1], cab, 1e-13));
  EXPECT_TRUE(Close(r.region_cov[1][1], cbb, 1e-13));
  EXPECT_EQ(r.region_cov[2][2], 0.0);
  EXPECT_EQ(r.region_mean[2], 0.0);
}

TEST(Enumerate, TwentySpinsIsFast) {
  auto model = torus(5, 4);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = enumerate_exact(model, 0.4);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 1.0);
  EXPECT_DOUBLE_EQ(r.ground_energy, -40.0);
}

// ---------------------------------------------------------------------------------------------
// Kaufman torus against enumeration

void expect_kaufman_matches(int32_t Lx, int32_t Ly, double beta, double rel) {
  auto r = enumerate_exact(torus(Lx, Ly), beta);
  auto k = kaufman_torus(Lx, Ly, beta);
  SCOPED_TRACE(testing::Message() << Lx << "x" << Ly << " beta " << beta);
  EXPECT_TRUE(Close(k.log_z, r.log_z, rel, 0.0));
  EXPECT_TRUE(Close(k.energy_per_spin, r.energy_per_spin(), rel, 0.0));
  EXPECT_TRUE(Close(k.specific_heat_per_spin, r.specific_heat_per_spin(), rel, 0.0));
}

TEST(Kaufman, SquareFourByFourMatchesEnumeration) {
  for (double beta : {0.05, 0.2, 0.3, 0.4406868, onsager_beta_c(), 0.5, 1.0})
    expect_kaufman_matches(4, 4, beta, 1e-9);
}

TEST(Kaufman, LowTemperatureAgainstHighPrecisionReference) {
  // At beta = 3, C/N ~ 2e-8 and enumeration's <E^2> - <E>^2 (with <E> = -32) keeps only ~6 digits;
  // the reference is Kaufman's formula evaluated with 60-digit arithmetic (mpmath), which agrees
  // with enumeration to those 6 digits.
  auto k = kaufman_torus(4, 4, 3.0);
  auto r = enumerate_exact(torus(4, 4), 3.0);
  EXPECT_TRUE(Close(k.log_z, r.log_z, 1e-14));
  EXPECT_TRUE(Close(k.energy_per_spin, r.energy_per_spin(), 1e-14));
  EXPECT_TRUE(Close(k.specific_heat_per_spin, 2.1745376212604680e-08, 1e-8));
  EXPECT_TRUE(Close(r.specific_heat_per_spin(), 2.1745376212604680e-08, 1e-5));
  // Deep in the ordered phase the 64 x 64 torus has the thermodynamic C to exponential accuracy.
  auto k64 = kaufman_torus(64, 64, 1.0);
  EXPECT_TRUE(Close(k64.specific_heat_per_spin, onsager(1.0).specific_heat_per_spin, 1e-12));
}

TEST(Kaufman, NonSquareToriMatchEnumeration) {
  const int32_t shapes[][2] = {{4, 3}, {3, 4}, {2, 4}, {4, 2}, {2, 2}, {3, 3}, {2, 5}, {5, 3}, {4, 5}, {5, 4}};
  for (auto [lx, ly] : shapes)
    for (double beta : {0.2, 0.4406868, 0.7}) expect_kaufman_matches(lx, ly, beta, 1e-9);
}

TEST(Kaufman, AntiferromagnetOnEvenTorus) {
  auto r = enumerate_exact(torus(4, 2, -1.0), 0.5);
  auto k = kaufman_torus(4, 2, 0.5, -1.0);
  EXPECT_TRUE(Close(k.log_z, r.log_z, 1e-10));
  EXPECT_TRUE(Close(k.energy_per_spin, r.energy_per_spin(), 1e-10));
  EXPECT_TRUE(Close(k.specific_heat_per_spin, r.specific_heat_per_spin(), 1e-10));
  EXPECT_THROW(kaufman_torus(3, 4, 0.5, -1.0), InputError);
}

TEST(Kaufman, SmoothThroughTheCriticalPoint) {
  const double bc = onsager_beta_c();
  for (int32_t L : {16, 64}) {
    auto lo = kaufman_torus(L, L, bc * (1 - 1e-9));
    auto mid = kaufman_torus(L, L, bc);
    auto hi = kaufman_torus(L, L, bc * (1 + 1e-9));
    for (auto* t : {&lo, &mid, &hi}) {
      EXPECT_TRUE(std::isfinite(t->log_z));
      EXPECT_TRUE(std::isfinite(t->energy_per_spin));
      EXPECT_TRUE(std::isfinite(t->specific_heat_per_spin));
    }
    // Changes over d(beta) = 1e-9 beta_c must be of that order: no jump where g_0 changes sign.
    EXPECT_NEAR(lo.energy_per_spin, hi.energy_per_spin, 1e-8);
    EXPECT_NEAR(lo.specific_heat_per_spin, hi.specific_heat_per_spin, 1e-6);
    EXPECT_NEAR(mid.energy_per_spin, 0.5 * (lo.energy_per_spin + hi.energy_per_spin), 1e-10);
    // dE/dbeta = -C / beta^2: the energy difference agrees with the specific heat.
    const double slope = (hi.energy_per_spin - lo.energy_per_spin) / (2e-9 * bc);
    EXPECT_NEAR(slope, -mid.specific_heat_per_spin / (bc * bc), 1e-5 * mid.specific_heat_per_spin);
  }
}

TEST(Kaufman, LargeTorusApproachesOnsager) {
  for (double beta : {0.3, 0.5, 0.8}) {
    auto k = kaufman_torus(256, 256, beta);
    auto o = onsager(beta);
    EXPECT_NEAR(k.energy_per_spin, o.energy_per_spin, 1e-10) << beta;
    EXPECT_NEAR(k.specific_heat_per_spin, o.specific_heat_per_spin, 1e-9) << beta;
    // Below T_c the torus has two ground-state sectors: ln Z = N f_inf + ln 2 up to O(e^-L).
    const double sectors = beta > onsager_beta_c() ? std::numbers::ln2 : 0.0;
    EXPECT_NEAR((k.log_z - sectors) / (256.0 * 256.0), o.free_energy_per_spin, 1e-12) << beta;
  }
  // At beta_c the finite-size energy approaches -sqrt 2 like 1/L.
  const double bc = onsager_beta_c();
  const double e256 = kaufman_torus(256, 256, bc).energy_per_spin;
  const double e512 = kaufman_torus(512, 512, bc).energy_per_spin;
  EXPECT_NEAR(e256, -std::numbers::sqrt2, 5e-3);
  EXPECT_LT(std::fabs(e512 + std::numbers::sqrt2), 0.6 * std::fabs(e256 + std::numbers::sqrt2));
}

TEST(Kaufman, InfiniteTemperatureAndVeryLowTemperature) {
  auto t0 = kaufman_torus(6, 5, 0.0);
  EXPECT_DOUBLE_EQ(t0.log_z, 30 * std::numbers::ln2);
  EXPECT_EQ(t0.energy_per_spin, 0.0);
  auto cold = kaufman_torus(8, 8, 400.0);
  EXPECT_TRUE(Close(cold.energy_per_spin, -2.0, 1e-12));
  EXPECT_TRUE(Close(cold.log_z, 128 * 400.0 + std::numbers::ln2, 1e-12));
}

// ---------------------------------------------------------------------------------------------
// 1D chain

void expect_chain_matches(int32_t n, double beta, double J, double h, Boundary b) {
  auto model = IsingModel::on_lattice(Lattice::chain(n, b, J), h);
  EnumerationOptions opt;
  for (int32_t r = 0; r <= n / 2; ++r) opt.pairs.push_back({0, r});
  auto r = enumerate_exact(model, beta, opt);
  auto c = chain_exact(n, beta, J, h, b);
  SCOPED_TRACE(testing::Message() << "N " << n << " beta " << beta << " J " << J << " h " << h
                                  << (b == Boundary::Periodic ? " periodic" : " open"));
  EXPECT_TRUE(Close(c.log_z, r.log_z, 1e-12));
  EXPECT_TRUE(Close(c.energy_per_spin, r.energy_per_spin(), 1e-11));
  EXPECT_TRUE(Close(c.specific_heat_per_spin, r.specific_heat_per_spin(), 1e-10));
  EXPECT_TRUE(Close(c.magnetization_per_spin, r.mag / n, 1e-11));
  // Enumeration's Var(M) = <M^2> - <M>^2 cancels when <M> ~ N: allow 1e-12 of beta <M^2> / N.
  EXPECT_TRUE(Close(c.susceptibility_connected, beta * (r.mag_sq - r.mag * r.mag) / n, 1e-10,
                    1e-12 * beta * r.mag_sq / n));
  EXPECT_TRUE(Close(c.mag_sq_per_spin2, r.mag_sq / (double(n) * n), 1e-11));
  if (b == Boundary::Periodic)
    for (int32_t d = 0; d <= n / 2; ++d) {
      EXPECT_TRUE(Close(chain_correlation(n, beta, J, h, d), r.pair_corr[d], 1e-12)) << "r = " << d;
      EXPECT_TRUE(Close(chain_correlation(n, beta, J, h, n - d), r.pair_corr[d], 1e-12)) << "r = " << d;
    }
}

TEST(Chain, MatchesEnumeration) {
  for (auto b : {Boundary::Periodic, Boundary::Open})
    for (int32_t n : {10, 11, 12})
      for (double beta : {0.3, 1.0, 2.5})
        for (double J : {1.0, -0.7})
          for (double h : {0.0, 0.3, -1.2}) expect_chain_matches(n, beta, J, h, b);
}

TEST(Chain, ExtremeParametersAgainstHighPrecisionReference) {
  // References: Tr T^N and v^T T^(N-1) v with 60-digit arithmetic (mpmath) and numerical
  // derivatives; columns ln Z, u, C/N, <M>/N, chi, <M^2>/N^2.
  struct Case {
    Boundary b;
    int32_t n;
    double beta, J, h;
    double ref[6];
  };
  const Case cases[] = {
      // frustrated odd antiferromagnetic ring at low T (1 + rho^N cancels naively)
      {Boundary::Periodic, 7, 10, -1, 0, {52.639057329615259, -0.71428571428571427, 4.8552620060475301e-15, 0.0, 1.4285714285714287, 0.020408163265306124}},
      {Boundary::Open, 8, 10, -1, 0.3, {70.69314884980968, -0.8749997074162462, 4.1054808194009187e-5, 4.1576111356841261e-7, 8.3153106243946654e-6, 1.0394155566223687e-7}},
      {Boundary::Periodic, 9, 12, -1, 0.05, {87.060507044674251, -0.78076138648332242, 0.02846311050348892, 0.059672174110892812, 0.94877035011629704, 0.012345679012345679}},
      // correlation length e^16/2 >> N: Var(M) from the zero-field sum
      {Boundary::Open, 1000, 8, 1, 0, {7992.6932596031932, -0.99899977515474621, 2.8780189245834588e-5, 0.0, 7999.3998467712391, 0.99992498084640489}},
      {Boundary::Periodic, 7, 10, 1, 0.01, {70.920417409918451, -1.0060436777711716, 0.044431771298789577, 0.60436777711716347, 44.431771298772099, 0.99999999999999994}},
  };
  for (const Case& c : cases) {
    auto t = chain_exact(c.n, c.beta, c.J, c.h, c.b);
    SCOPED_TRACE(testing::Message() << "N " << c.n << " beta " << c.beta << " J " << c.J << " h " << c.h);
    const double got[6] = {t.log_z, t.energy_per_spin, t.specific_heat_per_spin,
                           t.magnetization_per_spin, t.susceptibility_connected, t.mag_sq_per_spin2};
    for (int q = 0; q < 6; ++q) EXPECT_TRUE(Close(got[q], c.ref[q], 1e-11, 1e-13)) << "column " << q;
  }
  // Correlations on the frustrated ring (N = 7, beta = 10, J = -1): -5/7, 3/7, -1/7 to 1e-16;
  // and N = 9, beta = 3, J = -1, h = 0.4.
  const double ring7[] = {1.0, -0.71428571428571427, 0.42857142857142856, -0.14285714285714285};
  const double ring9[] = {1.0, -0.77766934446195615, 0.55545734771382782, -0.33323410892117904};
  for (int32_t r = 0; r < 4; ++r) {
    EXPECT_TRUE(Close(chain_correlation(7, 10, -1, 0, r), ring7[r], 1e-13)) << r;
    EXPECT_TRUE(Close(chain_correlation(9, 3, -1, 0.4, r), ring9[r], 1e-13)) << r;
  }
  // Very low temperature: finite, ground-state values.
  auto cold = chain_exact(10, 1e4, 1.0, 0.0, Boundary::Open);
  EXPECT_TRUE(Close(cold.log_z, 9e4 + std::numbers::ln2, 1e-15));
  EXPECT_TRUE(Close(cold.energy_per_spin, -0.9, 1e-15));
  EXPECT_TRUE(Close(cold.mag_sq_per_spin2, 1.0, 1e-15));
}

TEST(Chain, SmallAndDegenerateCases) {
  // N = 2 periodic: the two bonds between the same pair merge into one of weight 2J.
  expect_chain_matches(2, 0.8, 1.0, 0.4, Boundary::Periodic);
  expect_chain_matches(3, 0.8, -1.0, 0.4, Boundary::Periodic);
  // Open N = 1: a free spin in a field.
  auto one = chain_exact(1, 0.7, 1.0, 0.5, Boundary::Open);
  EXPECT_TRUE(Close(one.log_z, std::log(2 * std::cosh(0.35)), 1e-15));
  EXPECT_TRUE(Close(one.magnetization_per_spin, std::tanh(0.35), 1e-15));
  EXPECT_TRUE(Close(one.energy_per_spin, -0.5 * std::tanh(0.35), 1e-15));
  // beta = 0: free spins.
  auto hot = chain_exact(7, 0.0, 1.0, 0.5, Boundary::Periodic);
  EXPECT_TRUE(Close(hot.log_z, 7 * std::numbers::ln2, 1e-15));
  EXPECT_NEAR(hot.magnetization_per_spin, 0.0, 1e-16);
  EXPECT_TRUE(Close(hot.mag_sq_per_spin2, 1.0 / 7, 1e-15));
  // Thermodynamic limit, h = 0: u = -J tanh(bJ), c = (bJ)^2 sech^2(bJ).
  auto big = chain_exact(100000, 0.9, 1.0, 0.0, Boundary::Periodic);
  EXPECT_TRUE(Close(big.energy_per_spin, -std::tanh(0.9), 1e-12));
  EXPECT_TRUE(Close(big.specific_heat_per_spin, 0.81 / std::pow(std::cosh(0.9), 2), 1e-10));
  // Correlation length: <s0 sr> = tanh(bJ)^r for r << N at h = 0.
  EXPECT_TRUE(Close(chain_correlation(100000, 0.9, 1.0, 0.0, 7), std::pow(std::tanh(0.9), 7), 1e-12));
}

// ---------------------------------------------------------------------------------------------
// Onsager

TEST(Onsager, CriticalPointValues) {
  const double bc = onsager_beta_c();
  EXPECT_DOUBLE_EQ(bc, 0.5 * std::log(1 + std::sqrt(2.0)));
  EXPECT_DOUBLE_EQ(onsager_beta_c(2.0), 0.5 * bc);
  auto o = onsager(bc);
  EXPECT_NEAR(o.energy_per_spin, -std::numbers::sqrt2, 1e-14);
  // ln Z/N at T_c = ln(2)/2 + 2G/pi (G Catalan's constant).
  const double catalan = 0.915965594177219015054603514932;
  EXPECT_NEAR(o.free_energy_per_spin, 0.5 * std::numbers::ln2 + 2 * catalan / std::numbers::pi, 1e-12);
  EXPECT_NEAR(o.free_energy_per_spin, 0.9296953983, 1e-10);
  EXPECT_EQ(o.spontaneous_magnetization, 0.0);
  // C diverges logarithmically; in double precision k' at beta_c is ~1e-16, so C is large but finite.
  EXPECT_GT(o.specific_heat_per_spin, 10.0);
  // Energy is continuous at beta_c.
  EXPECT_NEAR(onsager(bc * (1 + 1e-12)).energy_per_spin, -std::numbers::sqrt2, 1e-9);
  EXPECT_NEAR(onsager(bc * (1 - 1e-12)).energy_per_spin, -std::numbers::sqrt2, 1e-9);
}

TEST(Onsager, SpecificHeatIsDerivativeOfEnergy) {
  // C/N = -beta^2 du/dbeta, and u = -d(lnZ/N)/dbeta (five-point differences).
  for (double beta : {0.1, 0.3, 0.42, 0.46, 0.6, 1.0, 2.0}) {
    const double hs = 1e-4 * beta;
    auto u = [](double b) { return onsager(b).energy_per_spin; };
    auto f = [](double b) { return onsager(b).free_energy_per_spin; };
    const double du = (-u(beta + 2 * hs) + 8 * u(beta + hs) - 8 * u(beta - hs) + u(beta - 2 * hs)) / (12 * hs);
    const double df = (-f(beta + 2 * hs) + 8 * f(beta + hs) - 8 * f(beta - hs) + f(beta - 2 * hs)) / (12 * hs);
    auto o = onsager(beta);
    EXPECT_TRUE(Close(o.specific_heat_per_spin, -beta * beta * du, 1e-8, 1e-10)) << beta;
    EXPECT_TRUE(Close(o.energy_per_spin, -df, 1e-9)) << beta;
  }
}

TEST(Onsager, HighPrecisionReference) {
  // u, C/N and ln Z/N from the same closed forms (and quadrature for ln Z) in 50-digit mpmath.
  struct Ref {
    double K, u, c, f;
  };
  const Ref refs[] = {
      {0.05, -0.10041801062029366, 0.0050628370584692723, 0.69565240007066647},
      {0.4, -1.1060792037457909, 0.86169835683076363, 0.87936382077494819},
      {0.44, -1.4022269600314212, 2.8896870923765861, 0.92872854045688848},
      {0.6, -1.9090861776840752, 0.31344535812616716, 1.2101323882884129},
      {3.0, -1.9999999996979837, 2.1745376210141682e-8, 6.0000000000377518},
      {8.0, -2.0, 6.569209407687595e-25, 16.0},
  };
  for (const Ref& r : refs) {
    auto o = onsager(r.K);
    EXPECT_TRUE(Close(o.energy_per_spin, r.u, 1e-14)) << r.K;
    EXPECT_TRUE(Close(o.specific_heat_per_spin, r.c, 1e-13, 1e-300)) << r.K;
    EXPECT_TRUE(Close(o.free_energy_per_spin, r.f, 1e-14)) << r.K;
  }
}

TEST(Onsager, LimitsAndMagnetisation) {
  auto hot = onsager(0.0);
  EXPECT_EQ(hot.energy_per_spin, 0.0);
  EXPECT_DOUBLE_EQ(hot.free_energy_per_spin, std::numbers::ln2);
  auto cold = onsager(20.0);
  EXPECT_NEAR(cold.energy_per_spin, -2.0, 1e-14);
  EXPECT_NEAR(cold.free_energy_per_spin, 40.0, 1e-12);
  EXPECT_NEAR(cold.spontaneous_magnetization, 1.0, 1e-14);
  EXPECT_EQ(onsager(0.4).spontaneous_magnetization, 0.0);
  // Yang: at beta = 0.5, sinh(1) = 1.1752..., m = (1 - sinh(1)^-4)^(1/8) = 0.911319...
  EXPECT_NEAR(onsager(0.5).spontaneous_magnetization, std::pow(1 - std::pow(std::sinh(1.0), -4), 0.125), 1e-15);
  EXPECT_NEAR(onsager(0.5).spontaneous_magnetization, 0.9113194, 1e-6);
  // High-temperature series: u = -2K - 4K^3 + O(K^5) ... checked loosely at small K.
  EXPECT_NEAR(onsager(0.01).energy_per_spin, -2 * 0.01, 1e-5);
}

// ---------------------------------------------------------------------------------------------
// Mean field and Bethe lattice

TEST(MeanField, RootsAndStability) {
  const double zJ = 4.0;
  EXPECT_DOUBLE_EQ(mean_field_beta_c(zJ), 0.25);
  // Below T_c, h = 0: -m*, 0, +m*; 0 unstable.
  auto below = mean_field_solutions(0.5, zJ, 0.0);
  ASSERT_EQ(below.size(), 3u);
  EXPECT_EQ(below[1].m, 0.0);
  EXPECT_FALSE(below[1].stable);
  EXPECT_TRUE(below[0].stable && below[2].stable);
  EXPECT_DOUBLE_EQ(below[0].m, -below[2].m);
  EXPECT_NEAR(below[2].m, std::tanh(0.5 * zJ * below[2].m), 1e-15);
  EXPECT_NEAR(below[2].m, 0.9575040240, 1e-9);  // root of m = tanh(2m)
  EXPECT_LT(below[2].free_energy_per_spin, below[1].free_energy_per_spin);
  EXPECT_NEAR(below[1].free_energy_per_spin, -std::log(2.0) / 0.5, 1e-15);
  // Above T_c: only m = 0, stable.
  auto above = mean_field_solutions(0.2, zJ, 0.0);
  ASSERT_EQ(above.size(), 1u);
  EXPECT_EQ(above[0].m, 0.0);
  EXPECT_TRUE(above[0].stable);
  // Just below T_c the nonzero roots are small: m^2 ~ 3 (beta zJ - 1).
  auto near = mean_field_solutions(0.25 * (1 + 1e-6), zJ, 0.0);
  ASSERT_EQ(near.size(), 3u);
  EXPECT_NEAR(near[2].m, std::sqrt(3e-6), 1e-8);
  // Small field below T_c: a stable, a metastable and an unstable root; the one along h is lowest.
  auto field = mean_field_solutions(0.5, zJ, 0.05);
  ASSERT_EQ(field.size(), 3u);
  EXPECT_TRUE(field[0].stable);
  EXPECT_FALSE(field[1].stable);
  EXPECT_TRUE(field[2].stable);
  EXPECT_LT(field[2].free_energy_per_spin, field[0].free_energy_per_spin);
  for (auto& s : field) EXPECT_NEAR(s.m, std::tanh(0.5 * (zJ * s.m + 0.05)), 1e-14);
  // Large field: a single root.
  EXPECT_EQ(mean_field_solutions(0.5, zJ, 3.0).size(), 1u);
  // Saturated: m = tanh(...) == 1 in double precision.
  auto sat = mean_field_solutions(50.0, zJ, 0.0);
  ASSERT_EQ(sat.size(), 3u);
  EXPECT_EQ(sat[2].m, 1.0);
}

TEST(Bethe, CriticalCouplings) {
  EXPECT_DOUBLE_EQ(bethe_beta_c(4), std::atanh(1.0 / 3.0));
  EXPECT_DOUBLE_EQ(bethe_beta_c(3, 2.0), std::atanh(0.5) / 2.0);
  // Bethe lies between mean field (1/k) and the exact square lattice for k = 4.
  EXPECT_GT(bethe_beta_c(4), mean_field_beta_c(4.0));
  EXPECT_LT(bethe_beta_c(4), onsager_beta_c());
  EXPECT_THROW(bethe_beta_c(2), InputError);
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST(ExactInputs, Rejected) {
  Lattice big(2, {9, 3, 1}, Boundary::Periodic);  // 27 spins
  EXPECT_THROW(enumerate_exact(IsingModel::on_lattice(big), 0.5), InputError);
  auto small = IsingModel::on_lattice(Lattice::square(3));
  EnumerationOptions bad_region;
  bad_region.regions = {{0, 9}};
  EXPECT_THROW(enumerate_exact(small, 0.5, bad_region), InputError);
  bad_region.regions = {{0, 1, 0}};
  EXPECT_THROW(enumerate_exact(small, 0.5, bad_region), InputError);
  EnumerationOptions bad_pair;
  bad_pair.pairs = {{-1, 2}};
  EXPECT_THROW(enumerate_exact(small, 0.5, bad_pair), InputError);
  EXPECT_THROW(enumerate_exact(small, -0.1), InputError);
  EXPECT_THROW(enumerate_exact(small, std::nan("")), InputError);
  EXPECT_THROW(enumerate_exact(IsingModel(), 0.5), InputError);

  EXPECT_THROW(chain_exact(0, 0.5, 1, 0, Boundary::Open), InputError);
  EXPECT_THROW(chain_exact(1, 0.5, 1, 0, Boundary::Periodic), InputError);
  EXPECT_THROW(chain_exact(5, INFINITY, 1, 0, Boundary::Open), InputError);
  EXPECT_THROW(chain_exact(5, 0.5, NAN, 0, Boundary::Open), InputError);
  EXPECT_THROW(chain_correlation(5, 0.5, 1, 0, 6), InputError);
  EXPECT_THROW(kaufman_torus(1, 4, 0.5), InputError);
  EXPECT_THROW(kaufman_torus(4, 4, -0.5), InputError);
  EXPECT_THROW(onsager(0.5, -1.0), InputError);
  EXPECT_THROW(onsager(NAN), InputError);
  EXPECT_THROW(onsager_beta_c(0.0), InputError);
  EXPECT_THROW(mean_field_solutions(-1.0, 4.0, 0.0), InputError);
  EXPECT_THROW(mean_field_beta_c(0.0), InputError);
}

}  // namespace
}  // namespace spinlab
