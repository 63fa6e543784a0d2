// Transition detection from feature distributions: the Jensen-Shannon divergence and the peak
// finder on known inputs, the features of known states, and a small square lattice whose
// dissimilarity peak lands near the exact finite-size specific-heat maximum.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "exact/oracles.hpp"
#include "probe/detect.hpp"

namespace spinlab {
namespace {

TEST(Detect, JensenShannonIsZeroForIdenticalAndLn2ForDisjointHistograms) {
  // Plain arrays: GCC 12.2 at -O2 -mavx512f miscompiles some pairs of vector<double> initialiser
  // lists such as c{1, 1, 0, 0}, d{0, 0, 5, 1} (c became {1, 1, 1, 1}).
  const double a[] = {1, 2, 3, 0}, b[] = {2, 4, 6, 0};  // the same distribution, other totals
  EXPECT_NEAR(jensen_shannon(a, a), 0.0, 1e-15);
  EXPECT_NEAR(jensen_shannon(a, b), 0.0, 1e-15);
  const double c[] = {1, 1, 0, 0}, d[] = {0, 0, 5, 1};
  EXPECT_NEAR(jensen_shannon(c, d), std::log(2.0), 1e-15);  // nats: ln 2 (1 in bits)
  // Symmetric, and between the two for partial overlap: P = (1/2, 1/2, 0), Q = (0, 1/2, 1/2):
  // M = (1/4, 1/2, 1/4), KL(P||M) = 1/2 ln 2, so JS = 1/2 ln 2.
  const double p[] = {1, 1, 0}, q[] = {0, 1, 1};
  EXPECT_NEAR(jensen_shannon(p, q), 0.5 * std::log(2.0), 1e-15);
  EXPECT_DOUBLE_EQ(jensen_shannon(p, q), jensen_shannon(q, p));
  EXPECT_THROW(jensen_shannon(std::vector<double>{1, 2}, std::vector<double>{1}), InputError);
  EXPECT_THROW(jensen_shannon(std::vector<double>{0, 0}, std::vector<double>{1, 1}), InputError);
  EXPECT_THROW(jensen_shannon(std::vector<double>{-1, 2}, std::vector<double>{1, 1}), InputError);
}

TEST(Detect, PeakLocationRefinesByAParabola) {
  // y = -(x - 0.43)^2 sampled at 0.40, 0.42, 0.44, 0.46: the vertex is recovered exactly.
  const std::vector<double> x{0.40, 0.42, 0.44, 0.46};
  std::vector<double> y;
  for (double v : x) y.push_back(1.0 - (v - 0.43) * (v - 0.43));
  size_t k = 99;
  EXPECT_NEAR(peak_location(x, y, &k), 0.43, 1e-12);
  EXPECT_EQ(k, 1u);  // 0.42 and 0.44 tie; the first wins
  // Uneven spacing, vertex at 0.5.
  const std::vector<double> x2{0.0, 0.3, 0.9};
  std::vector<double> y2;
  for (double v : x2) y2.push_back(2.0 - 3.0 * (v - 0.5) * (v - 0.5));
  EXPECT_NEAR(peak_location(x2, y2), 0.5, 1e-12);
  // A peak at an end is not refined.
  EXPECT_DOUBLE_EQ(peak_location(x, std::vector<double>{4, 3, 2, 1}), 0.40);
}

TEST(Detect, FeaturesOfKnownStatesAreFlipInvariant) {
  const IsingModel m = IsingModel::on_lattice(Lattice::square(8));
  DetectFeatures fx(m);
  const std::vector<std::string> expected{"broken_bonds", "local_u0", "local_u1", "local_u2", "local_u3",
                                          "local_u4", "clusters_per_site", "largest_cluster"};
  ASSERT_EQ(fx.names(), expected);
  std::vector<double> f(fx.size()), g(fx.size());
  std::vector<Spin> up(64, 1);
  fx.compute(up, f);
  EXPECT_EQ(f, (std::vector<double>{0, 1, 0, 0, 0, 0, 1.0 / 64, 1}));
  // Checkerboard: every bond broken, 64 single-site clusters.
  std::vector<Spin> chk(64);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) chk[y * 8 + x] = (x + y) % 2 ? 1 : -1;
  fx.compute(chk, f);
  EXPECT_EQ(f, (std::vector<double>{1, 0, 0, 0, 0, 1, 1, 1.0 / 64}));
  // Two stripes of 4 columns: 16 broken bonds of 128, the 16 sites at the two walls have one each.
  std::vector<Spin> stripes(64);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) stripes[y * 8 + x] = x < 4 ? 1 : -1;
  fx.compute(stripes, f);
  EXPECT_EQ(f, (std::vector<double>{16.0 / 128, 0.5, 0.5, 0, 0, 0, 2.0 / 64, 0.5}));
  // Random states: the features do not change under s -> -s.
  Rng rng(3, 0);
  for (int t = 0; t < 5; ++t) {
    std::vector<Spin> s = hot_state(64, rng), r(s);
    for (auto& v : r) v = static_cast<Spin>(-v);
    fx.compute(s, f);
    fx.compute(r, g);
    EXPECT_EQ(f, g);
  }
}

TEST(Detect, SmallSquareLatticePeaksNearThePseudoCriticalPoint) {
  const int L = 24;
  const IsingModel m = IsingModel::on_lattice(Lattice::square(L));
  // The exact finite-size specific-heat maximum of the 24 x 24 torus (Kaufman).
  double beta_star = 0.0, cmax = 0.0;
  for (double b = 0.40; b <= 0.47; b += 1e-4) {
    const double c = kaufman_torus(L, L, b).specific_heat_per_spin;
    if (c > cmax) cmax = c, beta_star = b;
  }
  EXPECT_NEAR(beta_star, onsager_beta_c() / (1.0 + 0.36 / L), 0.003);  // Ferdinand-Fisher shift
  DetectOptions o;
  for (int k = 0; k < 13; ++k) o.betas.push_back(0.3 + 0.025 * k);
  o.samples = 1000;
  o.therm = 200;
  o.bootstrap = 100;
  o.threads = 2;
  const DetectResult r = detect_transition(m, o);
  ASSERT_EQ(r.dissimilarity.size(), 12u);
  EXPECT_EQ(r.features.size(), 8u);
  EXPECT_EQ(r.algo, "wolff");
  EXPECT_NEAR(r.dissimilarity[0].beta_mid, 0.3125, 1e-12);
  // Within a loose band around the pseudo-critical point (the grid spacing is 0.025), a positive
  // bootstrap error, and the curve's peak well above its far ends and its same-beta floor.
  EXPECT_NEAR(r.transition.mean, beta_star, 0.015) << r.transition.error;
  EXPECT_GT(r.transition.error, 0.0);
  EXPECT_LT(r.transition.error, 0.01);
  const auto& peak = r.dissimilarity[r.peak_index];
  EXPECT_GT(peak.value.mean, 1.5 * r.dissimilarity.front().value.mean);
  EXPECT_GT(peak.value.mean, 1.5 * r.dissimilarity.back().value.mean);
  EXPECT_GT(peak.value.mean, 10.0 * peak.floor);
  for (const auto& p : r.dissimilarity) {
    EXPECT_GT(p.value.error, 0.0);
    EXPECT_EQ(p.per_feature.size(), r.features.size());
  }
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();

  // Results depend on the seed, never on the threads.
  o.threads = 1;
  const DetectResult r1 = detect_transition(m, o);
  EXPECT_EQ(r1.transition.mean, r.transition.mean);
  EXPECT_EQ(r1.transition.error, r.transition.error);
  for (size_t k = 0; k < r.dissimilarity.size(); ++k) {
    EXPECT_EQ(r1.dissimilarity[k].value.mean, r.dissimilarity[k].value.mean);
    EXPECT_EQ(r1.dissimilarity[k].value.error, r.dissimilarity[k].value.error);
  }
  o.seed = 2;
  EXPECT_NE(detect_transition(m, o).transition.mean, r.transition.mean);
}

TEST(Detect, UnevenGridAndOtherSamplers) {
  // Metropolis works too, and an uneven grid is rescaled to the mean spacing: the curve stays
  // smooth and the peak stays near the transition.
  const IsingModel m = IsingModel::on_lattice(Lattice::square(16));
  DetectOptions o;
  o.betas = {0.30, 0.34, 0.38, 0.40, 0.42, 0.43, 0.44, 0.45, 0.46, 0.48, 0.52, 0.56, 0.60};
  o.algo = "metropolis";
  o.samples = 2000;
  o.therm = 500;
  o.measure_every = 4;
  o.bootstrap = 50;
  o.threads = 2;
  const DetectResult r = detect_transition(m, o);
  EXPECT_EQ(r.algo.rfind("metropolis", 0), 0u) << r.algo;  // the checkerboard kernel on this lattice
  EXPECT_NEAR(r.transition.mean, onsager_beta_c() / (1.0 + 0.36 / 16), 0.025) << r.transition.error;
  EXPECT_GT(r.transition.error, 0.0);
}

TEST(Detect, BadInputThrows) {
  const IsingModel m = IsingModel::on_lattice(Lattice::square(8));
  DetectOptions o;
  o.betas = {0.3, 0.4};
  o.samples = 100;
  EXPECT_THROW(detect_transition(m, o), InputError);  // fewer than 3 betas
  o.betas = {0.3, 0.5, 0.4};
  EXPECT_THROW(detect_transition(m, o), InputError);  // not increasing
  o.betas = {0.3, 0.4, NAN};
  EXPECT_THROW(detect_transition(m, o), InputError);
  o.betas = {-0.1, 0.4, 0.5};
  EXPECT_THROW(detect_transition(m, o), InputError);
  o.betas = {0.3, 0.4, 0.5};
  o.samples = 0;
  EXPECT_THROW(detect_transition(m, o), InputError);
  o.samples = 100;
  o.algo = "nonsense";
  EXPECT_THROW(detect_transition(m, o), InputError);
  o.algo = "wolff";
  o.bootstrap = 1;
  EXPECT_THROW(detect_transition(m, o), InputError);
  o.bootstrap = 10;
  o.bins = 1;
  EXPECT_THROW(detect_transition(m, o), InputError);
  o.bins = 16;
  o.measure_every = 0;
  EXPECT_THROW(detect_transition(m, o), InputError);
  o.measure_every = 1;
  o.threads = 0;
  EXPECT_THROW(detect_transition(m, o), InputError);
  o.threads = 1;
  // Wolff needs a ferromagnet.
  const IsingModel afm = IsingModel::on_lattice(Lattice::square(8, Boundary::Periodic, -1.0));
  EXPECT_THROW(detect_transition(afm, o), InputError);
  EXPECT_NO_THROW(detect_transition(m, o));
}

}  // namespace
}  // namespace spinlab
