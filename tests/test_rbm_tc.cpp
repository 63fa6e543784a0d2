// RBM -> Ising mapping checked on every configuration; the T_c scan against the exact
// finite-size answer of a bipartite Curie-Weiss ferromagnet; the peak finder and the power-law fit.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "learn/rbm_ising.hpp"
#include "learn/rbm_tc.hpp"

using namespace spinlab;

namespace {

Rbm random_rbm(int nv, int nh, RbmUnits u, double scale, uint64_t seed) {
  Rbm m = Rbm::zeros(nv, nh, u);
  Rng r(seed, 0);
  for (float& w : m.W) w = static_cast<float>(scale * (2 * r.uniform() - 1));
  for (float& x : m.b) x = static_cast<float>(scale * (2 * r.uniform() - 1));
  for (float& x : m.c) x = static_cast<float>(scale * (2 * r.uniform() - 1));
  return m;
}

// The bipartite Curie-Weiss model as an RBM. Spin units: W_ij = J / sqrt(nv nh), no biases, so
// E = -(J / sqrt(nv nh)) M_v M_h with M_v = sum_i s_i, M_h = sum_j t_j. Mean field (exact for
// N -> infinity): m_v = tanh(beta J sqrt(nh/nv) m_h), m_h = tanh(beta J sqrt(nv/nh) m_v); linearised,
// m_v = (beta J)^2 m_v, so T_c = J. Binary units: W = 4 J / sqrt(nv nh) and b_i = -sum_j W_ij / 2,
// c_j = -sum_i W_ij / 2 cancel the mapped fields (rbm_ising.hpp), giving the same Ising model.
Rbm curie_weiss(int nv, int nh, double J, RbmUnits u) {
  Rbm m = Rbm::zeros(nv, nh, u);
  const double w = (u == RbmUnits::Spin ? 1.0 : 4.0) * J / std::sqrt(static_cast<double>(nv) * nh);
  for (float& x : m.W) x = static_cast<float>(w);
  if (u == RbmUnits::Binary) {
    for (float& x : m.b) x = static_cast<float>(-0.5 * w * nh);
    for (float& x : m.c) x = static_cast<float>(-0.5 * w * nv);
  }
  return m;
}

// Exact <m^2> and <|m|>, m = M_v / nv, of the bipartite Curie-Weiss model at temperature T by
// summing over (M_v, M_h) with binomial degeneracies.
void curie_weiss_exact(int nv, int nh, double J, double T, double* m2, double* mabs) {
  std::vector<double> lc_v(nv + 1), lc_h(nh + 1);
  for (int k = 0; k <= nv; ++k) lc_v[k] = std::lgamma(nv + 1.0) - std::lgamma(k + 1.0) - std::lgamma(nv - k + 1.0);
  for (int k = 0; k <= nh; ++k) lc_h[k] = std::lgamma(nh + 1.0) - std::lgamma(k + 1.0) - std::lgamma(nh - k + 1.0);
  const double g = J / (T * std::sqrt(static_cast<double>(nv) * nh));
  double mx = -1e300;
  for (int a = 0; a <= nv; ++a)
    for (int b = 0; b <= nh; ++b) mx = std::max(mx, lc_v[a] + lc_h[b] + g * (2 * a - nv) * (2 * b - nh));
  double Z = 0, s2 = 0, s1 = 0;
  for (int a = 0; a <= nv; ++a)
    for (int b = 0; b <= nh; ++b) {
      const double w = std::exp(lc_v[a] + lc_h[b] + g * (2 * a - nv) * (2 * b - nh) - mx);
      const double mv = (2.0 * a - nv) / nv;
      Z += w, s2 += w * mv * mv, s1 += w * std::fabs(mv);
    }
  *m2 = s2 / Z;
  *mabs = s1 / Z;
}

}  // namespace

TEST(RbmIsing, EnergyEqualsRbmEnergyForEveryConfiguration) {
  for (RbmUnits u : {RbmUnits::Binary, RbmUnits::Spin}) {
    const Rbm m = random_rbm(5, 3, u, 1.3, u == RbmUnits::Binary ? 11 : 12);
    const IsingModel im = rbm_to_ising(m);
    ASSERT_EQ(im.size(), 8);
    EXPECT_EQ(im.graph().num_edges(), 15);
    for (int cfg = 0; cfg < 256; ++cfg) {
      std::vector<float> v(5), h(3);
      for (int i = 0; i < 5; ++i) v[i] = (cfg >> i & 1) ? 1.0f : m.off();
      for (int j = 0; j < 3; ++j) h[j] = (cfg >> (5 + j) & 1) ? 1.0f : m.off();
      EXPECT_NEAR(im.energy(rbm_spins(m, v, h)), m.energy(v, h), 1e-9) << "configuration " << cfg;
    }
  }
}

TEST(RbmIsing, SpinUnitsMapByTheIdentity) {
  const Rbm m = random_rbm(4, 3, RbmUnits::Spin, 0.9, 5);
  const IsingModel im = rbm_to_ising(m);
  EXPECT_EQ(im.offset(), 0.0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(im.field(i), static_cast<double>(m.b[i]));
  for (int j = 0; j < 3; ++j) EXPECT_EQ(im.field(4 + j), static_cast<double>(m.c[j]));
  for (const Edge& e : im.graph().edges())
    EXPECT_EQ(e.w, static_cast<double>(m.W[static_cast<size_t>(e.i) * 3 + (e.j - 4)]));
}

TEST(RbmIsing, CurieWeissMapsToAFieldFreeFerromagnetWithMeanFieldTcJ) {
  const Rbm m = curie_weiss(12, 20, 1.5, RbmUnits::Binary);
  const IsingModel im = rbm_to_ising(m);
  for (int k = 0; k < im.size(); ++k) EXPECT_NEAR(im.field(k), 0.0, 1e-6);
  for (const Edge& e : im.graph().edges()) EXPECT_NEAR(e.w, 1.5 / std::sqrt(240.0), 1e-7);
  std::vector<double> u;
  EXPECT_NEAR(rbm_mean_field_temperature(m, &u), 1.5, 1e-6);
  for (double x : u) EXPECT_NEAR(x, 1.0 / std::sqrt(12.0), 1e-9);
}

TEST(RbmTc, PeakFinderRecoversTheVertexOfAParabolaInLogT) {
  std::vector<double> T, y;
  for (int k = 0; k < 12; ++k) {
    T.push_back(0.3 * std::pow(1.2, k));
    const double x = std::log(T.back() / 0.9);
    y.push_back(5.0 - 3.0 * x * x);
  }
  int32_t arg = -1;
  bool edge = true;
  EXPECT_NEAR(locate_peak(T, y, &arg, &edge), 0.9, 1e-9);
  EXPECT_FALSE(edge);
  y.assign(12, 0.0);
  for (int k = 0; k < 12; ++k) y[k] = k;  // increasing: the peak is the last point, at the edge
  EXPECT_EQ(locate_peak(T, y, &arg, &edge), T.back());
  EXPECT_TRUE(edge);
}

TEST(RbmTc, PowerLawFitRecoversTheExponent) {
  std::vector<double> t;
  std::vector<Estimate> y;
  for (int k = 1; k <= 8; ++k) {
    t.push_back(k);
    const double v = 0.7 * std::pow(k, 0.4);
    y.push_back({v, 0.01 * v, 0.5, 0});
  }
  const PowerLawFit f = fit_power_law(t, y);
  EXPECT_NEAR(f.exponent.mean, 0.4, 1e-12);
  EXPECT_NEAR(f.amplitude, 0.7, 1e-12);
  EXPECT_NEAR(f.exponent.error, 0.01 / std::sqrt([&] {  // sum w (x - xbar)^2, w = 1e4
                double xb = 0, s = 0;
                for (double x : t) xb += std::log(x) / 8;
                for (double x : t) s += 1e4 * (std::log(x) - xb) * (std::log(x) - xb);
                return s * 1e-4;
              }()), 1e-12);
  EXPECT_TRUE(f.grows);
  EXPECT_TRUE(f.consistent);
  EXPECT_LT(f.chi2_per_dof, 1e-20);
  // Alternating +-20% scatter with 1% errors: growth, but no power law.
  for (size_t k = 0; k < y.size(); ++k) y[k].mean *= k % 2 ? 1.2 : 0.8;
  const PowerLawFit g = fit_power_law(t, y);
  EXPECT_FALSE(g.consistent);
  EXPECT_GT(g.chi2_per_dof, 100.0);
}

// T_c of the bipartite Curie-Weiss ferromagnet (nv = nh = 64, J = 1, binary units): the
// sampled aligned-susceptibility peak agrees within 4 errors with the same peak finder applied
// to the exact chi_m on the same grid; the exact finite-size peak lies near the mean-field T_c = J.
TEST(RbmTc, CurieWeissTcMatchesTheExactFiniteSizePeak) {
  const int nv = 64, nh = 64;
  const Rbm m = curie_weiss(nv, nh, 1.0, RbmUnits::Binary);
  TcOptions o;
  for (int k = 0; k < 11; ++k) o.temperatures.push_back(0.8 * std::pow(1.6, k / 10.0));
  o.pairs = 4;
  o.burn_in = 300;
  o.sweeps = 4000;
  o.seed = 7;
  const TcResult r = rbm_critical_temperature(m, o);
  EXPECT_EQ(r.order, "aligned");
  EXPECT_NEAR(r.mean_field_T, 1.0, 1e-6);
  std::vector<double> chi_exact;
  for (const TcPoint& p : r.points) {
    double m2 = 0, ma = 0;
    curie_weiss_exact(nv, nh, 1.0, p.T, &m2, &ma);
    chi_exact.push_back(nv * (m2 - ma * ma));
    EXPECT_LT(std::fabs(p.m2.mean - m2), 4 * p.m2.error + 1e-12) << "T = " << p.T;
    EXPECT_LT(std::fabs(p.chi_m.mean - nv * (m2 - ma * ma)), 4 * p.chi_m.error) << "T = " << p.T;
  }
  const double exact_peak = locate_peak(o.temperatures, chi_exact);
  std::printf("T_c sampled %.4f +- %.4f (overlap %.4f +- %.4f), exact finite-size peak %.4f, mean field 1\n",
              r.T_c.mean, r.T_c.error, r.overlap.T.mean, r.overlap.T.error, exact_peak);
  EXPECT_GT(r.T_c.error, 0.0);
  EXPECT_LT(r.T_c.error, 0.05);
  EXPECT_LT(std::fabs(r.T_c.mean - exact_peak), 4 * r.T_c.error);
  EXPECT_NEAR(exact_peak, 1.0, 0.15);
}

TEST(RbmTc, BadOptionsAreRefused) {
  const Rbm m = curie_weiss(8, 8, 1.0, RbmUnits::Spin);
  TcOptions o;
  o.temperatures = {0.5, 0.4, 1.0};
  EXPECT_THROW(rbm_critical_temperature(m, o), InputError);
  o.temperatures = {0.5, std::numeric_limits<double>::quiet_NaN(), 1.0};
  EXPECT_THROW(rbm_critical_temperature(m, o), InputError);
  o.temperatures = {};
  o.sweeps = 10;
  EXPECT_THROW(rbm_critical_temperature(m, o), InputError);
  o.sweeps = 2000;
  o.direction = {1.0, 2.0};
  EXPECT_THROW(rbm_critical_temperature(m, o), InputError);
  const Rbm zero = Rbm::zeros(4, 4, RbmUnits::Binary);
  EXPECT_THROW(rbm_critical_temperature(zero, TcOptions{}), InputError);
  Rbm nan = curie_weiss(8, 8, 1.0, RbmUnits::Binary);
  nan.W[5] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(rbm_critical_temperature(nan, TcOptions{}), InputError);
}

// The oracle itself: the exact finite-size peak of chi_m moves towards the mean-field T_c = J as
// N grows (the shift of a mean-field transition scales as N^(-1/2)).
TEST(RbmTc, ExactCurieWeissPeakApproachesMeanFieldTc) {
  double prev = 1.0;
  for (int n : {32, 128, 512}) {
    std::vector<double> T, chi;
    for (int k = 0; k <= 60; ++k) {
      T.push_back(0.7 + 0.01 * k);
      double m2 = 0, ma = 0;
      curie_weiss_exact(n, n, 1.0, T.back(), &m2, &ma);
      chi.push_back(n * (m2 - ma * ma));
    }
    const double peak = locate_peak(T, chi);
    EXPECT_LT(std::fabs(peak - 1.0), prev) << "n = " << n;
    prev = std::fabs(peak - 1.0);
  }
  EXPECT_LT(prev, 0.05);
}
