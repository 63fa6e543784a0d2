// Hysteresis loops and quenches: open loops below T_c, closed ones above as the rate goes to
// zero; frozen-in domain walls decrease with the ramp time.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "probe/hysteresis.hpp"

namespace spinlab {
namespace {

TEST(Hysteresis, LoopIsOpenBelowTcAndClosesAboveAsTheRateGoesToZero) {
  const IsingModel m = IsingModel::on_lattice(Lattice::square(32));
  HysteresisOptions o;
  o.beta = 0.6;
  o.field_max = 1.0;
  o.steps = 40;
  o.sweeps_per_step = {1, 4, 16};
  o.repeats = 8;
  o.threads = 2;
  const HysteresisResult cold = hysteresis(m, o);
  ASSERT_EQ(cold.loops.size(), 3u);
  for (const auto& L : cold.loops) {
    EXPECT_GT(L.area.mean, 10.0 * L.area.error) << L.sweeps_per_step;
    EXPECT_GT(L.coercive_up.mean, 0.0);
    EXPECT_LT(L.coercive_down.mean, 0.0);
    // The loop is symmetric under h -> -h, m -> -m.
    EXPECT_LT(std::fabs(L.coercive_up.mean + L.coercive_down.mean),
              4.0 * std::hypot(L.coercive_up.error, L.coercive_down.error));
    ASSERT_EQ(L.magnetization.size(), 80u);
    EXPECT_NEAR(L.magnetization[39].mean, 1.0, 0.05);  // saturated at +H
  }
  // Slower sweeps, smaller loops; the area exponent is positive.
  EXPECT_GT(cold.loops[0].area.mean, cold.loops[1].area.mean);
  EXPECT_GT(cold.loops[1].area.mean, cold.loops[2].area.mean);
  EXPECT_GT(cold.exponent.mean, 4.0 * cold.exponent.error);
  o.beta = 0.2;
  o.steps = 20;
  o.sweeps_per_step = {128};
  const HysteresisResult hot = hysteresis(m, o);
  EXPECT_LT(std::fabs(hot.loops[0].area.mean), 4.0 * hot.loops[0].area.error);
  // Results depend on the seed, not the threads.
  o.threads = 1;
  EXPECT_EQ(hysteresis(m, o).loops[0].area.mean, hot.loops[0].area.mean);
  o.repeats = 1;
  EXPECT_THROW(hysteresis(m, o), InputError);
  o.repeats = 4;
  EXPECT_THROW(hysteresis(IsingModel::on_lattice(Lattice::square(8), 0.1), o), InputError);
}

TEST(Quench, DefectDensityDecreasesWithTheRampTime) {
  const Lattice lat = Lattice::square(32);
  const IsingModel m = IsingModel::on_lattice(lat);
  QuenchOptions o;
  o.beta_initial = 0.2;
  o.beta_final = 0.6;
  o.ramp_sweeps = {8, 64, 512};
  o.repeats = 16;
  o.threads = 2;
  const QuenchResult r = quench(m, 0.0227, o);
  ASSERT_EQ(r.points.size(), 3u);
  for (size_t k = 0; k + 1 < r.points.size(); ++k)
    EXPECT_GT(r.points[k].wall_density.mean - r.points[k + 1].wall_density.mean,
              3.0 * std::hypot(r.points[k].wall_density.error, r.points[k + 1].wall_density.error));
  EXPECT_GT(r.kappa.mean, 0.0);
  EXPECT_NEAR(r.points[0].excess_density.mean, r.points[0].wall_density.mean - 0.0227, 1e-12);
  o.ramp_sweeps = {0};
  EXPECT_THROW(quench(m, 0.0, o), InputError);
}

TEST(FitSlope, RecoversALine) {
  const Estimate e = fit_slope({0, 1, 2, 3}, {1, 3, 5, 7}, {0.1, 0.1, 0.1, 0.1});
  EXPECT_NEAR(e.mean, 2.0, 1e-12);
  EXPECT_GT(e.error, 0.0);
  EXPECT_TRUE(std::isnan(fit_slope({1}, {1}, {1}).mean));
}

}  // namespace
}  // namespace spinlab
