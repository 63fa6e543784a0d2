// Hysteresis loops and quenches: open loops below T_c, closed ones above as the rate goes to
// zero; frozen-in domain walls decrease with the ramp time.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "measure/early_warning.hpp"
#include "probe/hysteresis.hpp"
#include "probe/ramp.hpp"

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
  // A beta loop through T_c: cooling lags heating, the |m| loop is open at finite rate.
  HysteresisOptions b;
  b.parameter = "beta";
  b.beta_from = 0.3;
  b.beta_to = 0.6;
  b.steps = 30;
  b.sweeps_per_step = {1};
  b.repeats = 8;
  const HysteresisResult loop = hysteresis(m, b);
  EXPECT_GT(loop.loops[0].area.mean, 3.0 * loop.loops[0].area.error);
  EXPECT_TRUE(std::isnan(loop.loops[0].coercive_up.mean));
  b.beta_to = 0.2;
  EXPECT_THROW(hysteresis(m, b), InputError);
  // Antagonistic couplings on a ferromagnet: adding them destroys order more slowly than
  // removing them restores it at finite rate, so the return branch lies below (negative area);
  // the loop narrows as the rate falls.
  HysteresisOptions a;
  a.parameter = "antagonistic";
  a.antagonistic_max = 0.5;
  a.beta = 0.6;
  a.steps = 26;
  a.sweeps_per_step = {1, 16};
  a.repeats = 8;
  const HysteresisResult ant = hysteresis(m, a);
  EXPECT_LT(ant.loops[0].area.mean, -4.0 * ant.loops[0].area.error);
  EXPECT_GT(ant.loops[1].area.mean, ant.loops[0].area.mean);
  EXPECT_NEAR(ant.loops[0].magnetization[0].mean, 1.0, 0.05);  // all ties friendly: ordered
  a.antagonistic_max = 1.5;
  EXPECT_THROW(hysteresis(m, a), InputError);
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

// A beta ramp towards beta_c: the variance and lag-1 autocorrelation of M rise (significant
// against AR(1) surrogates); a field ramp below T_c flips the magnetisation.
TEST(Ramp, ApproachingTheTransitionRaisesTheEarlyWarningIndicators) {
  const IsingModel m = IsingModel::on_lattice(Lattice::square(32));
  RampOptions o;
  o.start = 0.3;
  o.end = 0.43;
  o.ramp_sweeps = 20000;
  o.measure_every = 10;
  o.regions = {site_sum("corner", {0, 1, 32, 33}, m.size())};
  const RampSeries r = ramp(m, o);
  ASSERT_EQ(r.rows.size(), 2000u);
  EXPECT_EQ(r.columns, (std::vector<std::string>{"sweep", "beta", "E", "M", "|M|", "corner"}));
  EXPECT_NEAR(r.rows.back()[1], 0.43, 1e-3);
  std::vector<double> M;
  for (const auto& row : r.rows) M.push_back(row[3]);
  EwsOptions e;
  e.surrogates = 200;
  const EwsResult w = early_warning_signals(M, e);
  EXPECT_GT(w.indicators[kEwsVariance].kendall_tau, 0.5);
  EXPECT_LT(w.indicators[kEwsVariance].p_value, 0.05);
  EXPECT_LT(w.indicators[kEwsLag1Autocorrelation].p_value, 0.05);
  RampOptions h = o;
  h.parameter = "h";
  h.start = -1;
  h.end = 1;
  h.beta = 0.6;
  h.ramp_sweeps = 2000;
  h.init = InitialState::Down;
  const RampSeries f = ramp(m, h);
  EXPECT_LT(f.rows.front()[3], -0.9);
  EXPECT_GT(f.rows.back()[3], 0.9);
  h.parameter = "T";
  EXPECT_THROW(ramp(m, h), InputError);
}

TEST(FitSlope, RecoversALine) {
  const Estimate e = fit_slope({0, 1, 2, 3}, {1, 3, 5, 7}, {0.1, 0.1, 0.1, 0.1});
  EXPECT_NEAR(e.mean, 2.0, 1e-12);
  EXPECT_GT(e.error, 0.0);
  EXPECT_TRUE(std::isnan(fit_slope({1}, {1}, {1}).mean));
}

}  // namespace
}  // namespace spinlab
