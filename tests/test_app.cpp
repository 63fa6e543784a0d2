// Application layer: exact-oracle dispatch (incl. L = 2 rings) and the Binder-crossing estimator.
#include <gtest/gtest.h>

#include <cmath>

#include "app/demo.hpp"
#include "app/exact_model.hpp"
#include "core/error.hpp"

using namespace spinlab;

TEST(ExactModel, OraclesAgreeWithEnumerationIncludingDoubledBonds) {
  for (int32_t L : {2, 3, 10}) {
    IsingModel chain = IsingModel::on_lattice(Lattice::chain(L, Boundary::Periodic, 0.8), 0.3);
    for (double beta : {0.2, 1.1}) {
      ExactPoint a = exact_point(chain, beta, ExactMethod::Enumerate);
      ExactPoint b = exact_point(chain, beta, ExactMethod::Chain);
      EXPECT_NEAR(a.energy_per_spin, b.energy_per_spin, 1e-10) << L;
      EXPECT_NEAR(a.specific_heat, b.specific_heat, 1e-10) << L;
      EXPECT_NEAR(a.log_z, b.log_z, 1e-10) << L;
    }
  }
  for (int32_t L : {2, 4}) {
    IsingModel sq = IsingModel::on_lattice(Lattice::square(L));
    ExactPoint a = exact_point(sq, 0.44, ExactMethod::Enumerate);
    ExactPoint b = exact_point(sq, 0.44, ExactMethod::Kaufman);
    EXPECT_NEAR(a.energy_per_spin, b.energy_per_spin, 1e-10) << L;
    EXPECT_NEAR(a.specific_heat, b.specific_heat, 1e-10) << L;
  }
}

TEST(ExactModel, AutoPicksTheRightOracleAndRefusesOthers) {
  EXPECT_EQ(resolve_exact_method(IsingModel::on_lattice(Lattice::square(4)), ExactMethod::Auto),
            ExactMethod::Enumerate);
  EXPECT_EQ(resolve_exact_method(IsingModel::on_lattice(Lattice::square(32)), ExactMethod::Auto),
            ExactMethod::Kaufman);
  EXPECT_EQ(resolve_exact_method(IsingModel::on_lattice(Lattice::chain(500), 0.2), ExactMethod::Auto),
            ExactMethod::Chain);
  IsingModel field = IsingModel::on_lattice(Lattice::square(32), 0.1);
  EXPECT_FALSE(has_exact_oracle(field));
  EXPECT_THROW(resolve_exact_method(field, ExactMethod::Kaufman), InputError);
  EXPECT_THROW(resolve_exact_method(IsingModel::on_lattice(Lattice::square(6)), ExactMethod::Enumerate),
               InputError);
  EXPECT_THROW(parse_exact_method("nope"), InputError);
}

TEST(ExactModel, MeanFieldIsFiniteAtInfiniteTemperature) {
  IsingModel m = IsingModel::on_lattice(Lattice::cubic(4));
  ExactPoint p = exact_point(m, 0.0, ExactMethod::MeanField);
  EXPECT_NEAR(p.log_z, 64 * std::log(2.0), 1e-9);
  ExactPoint cold = exact_point(m, 1.0, ExactMethod::MeanField);
  EXPECT_GT(cold.abs_magnetization_per_spin, 0.99);  // beta zJ = 6 >> 1
}

namespace {
// Synthetic Binder curves U_L(beta) = 0.3 + 0.3 tanh(a L (beta - b0)) crossing exactly at b0.
SimulationResult binder_curve(int32_t L, double b0, double err, const std::vector<double>& betas) {
  SimulationResult r;
  for (double b : betas) {
    PointResult p;
    p.beta = b;
    p.binder_cumulant.mean = 0.3 + 0.3 * std::tanh(0.5 * L * (b - b0));
    p.binder_cumulant.error = err;
    r.points.push_back(p);
  }
  return r;
}
}  // namespace

TEST(Demo, BinderCrossingFindsTheCrossingWithACalibratedError) {
  std::vector<double> betas;
  for (int k = 0; k <= 20; ++k) betas.push_back(0.40 + 0.005 * k);
  auto a = binder_curve(16, 0.4407, 0.0, betas), b = binder_curve(32, 0.4407, 0.0, betas);
  BinderCrossing c = binder_crossing(a, b, 16, 32, 1);
  ASSERT_TRUE(c.found);
  EXPECT_NEAR(c.beta.mean, 0.4407, 1e-4);  // linear interpolation of smooth curves
  EXPECT_EQ(c.beta.error, 0.0);
  // With errors on U the bootstrap error is positive and of the size error / (slope difference).
  auto an = binder_curve(16, 0.4407, 0.002, betas), bn = binder_curve(32, 0.4407, 0.002, betas);
  BinderCrossing cn = binder_crossing(an, bn, 16, 32, 1);
  const double slope_diff = 0.3 * 0.5 * (32 - 16);  // dU/dbeta difference at the crossing
  const double expected = std::sqrt(2.0) * 0.002 / slope_diff;
  EXPECT_GT(cn.beta.error, 0.5 * expected);
  EXPECT_LT(cn.beta.error, 2.0 * expected);
  // No crossing inside the grid: reported as not found.
  std::vector<double> far(betas.begin(), betas.begin() + 5);
  EXPECT_FALSE(binder_crossing(binder_curve(16, 0.47, 0.0, far), binder_curve(32, 0.47, 0.0, far), 16, 32, 1).found);
}

// Sizes may come in any order or repeated: the demo sorts and deduplicates them, and refuses a
// single distinct size (a crossing needs two).
TEST(Demo, SortsSizesAndRejectsASingleSize) {
  DemoOptions o;
  o.sizes = {8, 4, 8};
  o.betas = {0.40, 0.44, 0.48, 0.44};
  o.sweeps = 300;
  o.therm = 50;
  o.threads = 1;
  DemoResult r = demo(o);
  ASSERT_EQ(r.runs.size(), 2u);
  EXPECT_EQ(r.runs[0].L, 4);
  EXPECT_EQ(r.runs[1].L, 8);
  EXPECT_EQ(r.runs[0].result.points.size(), 3u);  // duplicate beta removed
  o.sizes = {16, 16};
  EXPECT_THROW(demo(o), InputError);
  o.sizes = {1, 4};
  EXPECT_THROW(demo(o), InputError);
}
