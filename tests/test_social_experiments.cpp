// The social experiments: ridge (response gain along a field ramp vs the Bethe spinodal),
// hysteresis of the polarisation index, quench vs anneal, cascades, network drawings.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "social/network.hpp"
#include "social/anneal.hpp"
#include "social/cascade.hpp"
#include "social/draw.hpp"
#include "social/loops.hpp"
#include "social/ridge.hpp"
#include "test_util.hpp"

using namespace spinlab;

namespace {

SocialNetwork net(const std::string& spec, uint64_t seed = 1) {
  NetworkOptions o;
  o.spec = spec;
  o.seed = seed;
  return build_network(o);
}

// Bethe lattice of degree k (the random regular graph's local tree; Mezard & Parisi, EPJ B 20, 217
// (2001)) in a uniform field h, on the m < 0 branch: the cavity field u = h + (k-1)/beta
// atanh(tanh(beta) tanh(beta u)) iterated from u = -10, m = tanh(beta h + k atanh(tanh(beta)
// tanh(beta u))). Returns m, or NaN where the branch no longer exists (above the spinodal).
double bethe_m(int k, double beta, double h) {
  double u = -10.0;
  for (int it = 0; it < 200000; ++it) {
    const double next = h + (k - 1) / beta * std::atanh(std::tanh(beta) * std::tanh(beta * u));
    if (std::fabs(next - u) < 1e-14) break;
    u = next;
  }
  if (u > 0) return NAN;
  return std::tanh(beta * h + k * std::atanh(std::tanh(beta) * std::tanh(beta * u)));
}

double bethe_spinodal(int k, double beta) {
  double lo = 0.0, hi = 2.0;
  for (int i = 0; i < 50; ++i) (std::isfinite(bethe_m(k, beta, 0.5 * (lo + hi))) ? lo : hi) = 0.5 * (lo + hi);
  return lo;
}

// The mean over steps of a per-step estimate (steps of a constant field are independent runs'
// windows), with the error of that mean.
Estimate step_mean(const std::vector<Estimate>& v) {
  Estimate e;
  double var = 0.0;
  for (const auto& x : v) e.mean += x.mean, var += x.error * x.error;
  e.mean /= v.size();
  e.error = std::sqrt(var) / v.size();
  return e;
}

}  // namespace

TEST(SocialRidge, GainIsTheBetheSusceptibilityOnTheOrderedAndMetastableBranches) {
  // rr:k=4 at beta = 0.5 (beta_c = atanh(1/3) = 0.347), from all -1 at a constant field: the
  // FDT gain beta Cov[M, M]/N must be dm/dh of the Bethe solution's m < 0 branch, at h = 0
  // (ordered) and at h = 0.2 (metastable: the field favours +1, h_sp = 0.3236).
  const SocialNetwork g = net("rr:n=2000,k=4");
  RidgeOptions o;
  o.beta = 0.5;
  o.ramp_sweeps = 6000;
  o.window = 200;
  o.replicas = 8;
  o.ews.surrogates = 0;
  for (double h : {0.0, 0.2}) {
    o.h_start = o.h_end = h;
    const RidgeResult r = social_ridge(g.model, o);
    EXPECT_EQ(r.flipped_fraction, 0.0) << h;
    const double d = 1e-5, chi = (bethe_m(4, 0.5, h + d) - bethe_m(4, 0.5, h - d)) / (2 * d);
    spinlab::testing::expect_z(step_mean(r.gain), chi, "gain at h = " + std::to_string(h));
    EXPECT_NEAR(step_mean(r.magnetization).mean, bethe_m(4, 0.5, h), 0.002) << h;
  }
}

TEST(SocialRidge, RidgeRisesAndPrecedesTheFlipBelowTheBetheSpinodal) {
  // A global ramp from all -1: the gain rises along the metastable branch and peaks before the
  // flip; on a finite graph the flip (nucleation) comes at or below the Bethe spinodal h_sp, plus
  // a lag that shrinks with the rate (measured: 0.338 at dh/dsweep = 2e-4, 0.320 at 5e-5).
  const SocialNetwork g = net("rr:n=2000,k=4");
  RidgeOptions o;
  o.beta = 0.5;
  o.h_start = 0.2;
  o.h_end = 0.45;
  o.ramp_sweeps = 5000;
  o.window = 20;
  o.replicas = 16;
  o.ews.surrogates = 50;
  const RidgeResult r = social_ridge(g.model, o);
  const double h_sp = bethe_spinodal(4, 0.5);
  EXPECT_NEAR(h_sp, 0.32358, 1e-4);
  EXPECT_EQ(r.flipped_fraction, 1.0);
  EXPECT_LT(r.flip_field.mean, h_sp + 4 * r.flip_field.error + 0.25 / 250);  // one step of lag allowed
  EXPECT_GT(r.peak_gain.mean - r.initial_gain.mean, 4 * std::hypot(r.peak_gain.error, r.initial_gain.error));
  EXPECT_GT(r.lead_time.mean, 4 * r.lead_time.error);
  // Variance and lag-1 autocorrelation of m rise before the flip (critical slowing down).
  EXPECT_GT(r.ews_tau[kEwsVariance].mean, 0.5);
  EXPECT_GT(r.ews_tau[kEwsLag1Autocorrelation].mean, 0.5);
  // Deterministic and independent of the thread count.
  o.replicas = 3;
  o.ramp_sweeps = 400;
  const RidgeResult two = social_ridge(g.model, o);
  o.threads = 1;
  const RidgeResult one = social_ridge(g.model, o);
  EXPECT_EQ(one.peak_time.mean, two.peak_time.mean);
  EXPECT_EQ(one.gain.back().mean, two.gain.back().mean);
  EXPECT_EQ(one.m_series, two.m_series);
}

TEST(SocialRidge, ZealotsAreKeptAlongTheRamp) {
  // Half the nodes frozen at -1: m <= 0 for ever, so no replica can flip however strong the field.
  SocialNetwork g = net("rr:n=200,k=4");
  std::vector<Spin> frozen(200, 0);
  for (int i = 0; i < 100; ++i) frozen[i] = -1;
  g.model.set_frozen(frozen);
  RidgeOptions o;
  o.beta = 0.5;
  o.h_end = 5.0;
  o.ramp_sweeps = 300;
  o.window = 20;
  o.replicas = 3;
  o.ews.surrogates = 0;
  const RidgeResult r = social_ridge(g.model, o);
  EXPECT_EQ(r.flipped_fraction, 0.0);
  for (double m : r.m_series) ASSERT_LE(m, 0.0);
  EXPECT_GT(r.magnetization.back().mean, -0.2);  // the free half mostly at +1
  o.replicas = 1;
  EXPECT_THROW(social_ridge(g.model, o), InputError);
  o.replicas = 2;
  o.window = 200;
  EXPECT_THROW(social_ridge(g.model, o), InputError);  // fewer than 3 steps
}

TEST(SocialHysteresis, FieldLoopOpenWhenOrderedClosedWhenHotAndPolarisationRecorded) {
  NetworkOptions no;
  no.spec = "sbm:sizes=100,100,p_in=0.1,p_out=0.02";
  const SocialNetwork g = build_network(no);
  HysteresisOptions o;
  o.algo = "glauber";
  o.field_max = 12.0;
  o.steps = 30;
  o.sweeps_per_step = {16};
  o.repeats = 8;
  o.threads = 2;
  o.beta = 0.5;  // ordered (<k> = 11.9): the -1 state survives far into h > 0
  const auto cold = social_hysteresis(g, {"h"}, o);
  ASSERT_EQ(cold.size(), 1u);
  const HysteresisLoop& c = cold[0].result.loops[0];
  ASSERT_EQ(c.observed.size(), c.field.size());
  EXPECT_GT(c.area.mean, 4 * c.area.error);
  EXPECT_GT(c.area.mean, 10.0);
  // Polarisation of two ferromagnetic communities in a uniform field: no loop.
  EXPECT_LT(std::fabs(c.observed_area.mean), 4 * c.observed_area.error + 1e-12);
  o.beta = 0.02;  // far above the transition: the loop closes as the rate goes to zero
  const HysteresisLoop h = social_hysteresis(g, {"h"}, o)[0].result.loops[0];
  EXPECT_LT(std::fabs(h.area.mean), 4 * h.area.error) << h.area.mean << " +- " << h.area.error;
  // Antagonistic loop: |m| and polarisation both recorded, start ordered (|m| = 1).
  o.beta = 1.0;
  const HysteresisLoop a = social_hysteresis(g, {"antagonistic"}, o)[0].result.loops[0];
  EXPECT_NEAR(a.magnetization[0].mean, 1.0, 0.01);
  EXPECT_EQ(a.observed.size(), a.field.size());
  // Zealots survive the rebuilt models: a frozen +1 node stays +1 in every loop.
  SocialNetwork z = g;
  std::vector<Spin> frozen(200, 0);
  for (int i = 0; i < 100; ++i) frozen[i] = 1;
  z.model.set_frozen(frozen);
  o.beta = 0.5;
  const HysteresisLoop zl = social_hysteresis(z, {"h"}, o)[0].result.loops[0];
  for (const auto& e : zl.magnetization) EXPECT_GE(e.mean, 0.0);  // half pinned at +1: m >= 0 always
  EXPECT_THROW(social_hysteresis(g, {"beta"}, o), InputError);
  no.field = 0.1;
  EXPECT_THROW(social_hysteresis(build_network(no), {"h"}, o), InputError);
}

TEST(SocialAnneal, RingEquilibriumIsExactAndSlowCoolingLeavesFewerWalls) {
  // A ring (ws with p = 0): the equilibrium broken-tie fraction is exactly 1/(1 + e^{2 beta})
  // (the 1D Ising chain; finite-N corrections ~ tanh(beta)^N are negligible at N = 2000).
  AnnealOptions o;
  o.quench.algo = "glauber";
  o.quench.beta_initial = 0.1;
  o.quench.beta_final = 1.0;
  o.quench.ramp_sweeps = {10, 1000};
  o.quench.repeats = 8;
  o.quench.threads = 2;
  o.eq_sweeps = 4000;
  const AnnealResult ring = social_anneal(net("ws:n=2000,k=2,p=0"), o);
  spinlab::testing::expect_z(ring.equilibrium, 1.0 / (1.0 + std::exp(2.0)), "ring equilibrium wall density");
  EXPECT_TRUE(std::isnan(ring.between_fraction));
  // Cooling the ring to beta = 2: the excess over equilibrium falls with tau as a power law
  // (measured kappa = 0.52 +- 0.02 on 10..1000 sweeps).
  o.quench.beta_final = 2.0;
  o.quench.ramp_sweeps = {10, 100, 1000};
  const AnnealResult cooled = social_anneal(net("ws:n=2000,k=2,p=0"), o);
  for (size_t k = 1; k < cooled.quench.points.size(); ++k) {
    const auto& a = cooled.quench.points[k - 1].excess_density;
    const auto& b = cooled.quench.points[k].excess_density;
    EXPECT_GT(a.mean - b.mean, 4 * std::hypot(a.error, b.error)) << k;
  }
  EXPECT_GT(cooled.quench.kappa.mean, 4 * cooled.quench.kappa.error);
  // Eight communities cooled to beta = 2 (equilibrium: consensus, no walls): a fast ramp freezes
  // communities on opposite sides, a slow one mostly reaches consensus.
  o.quench.ramp_sweeps = {10, 1000};
  o.quench.repeats = 16;
  const AnnealResult sbm = social_anneal(net("sbm:sizes=50,50,50,50,50,50,50,50,p_in=0.2,p_out=0.005"), o);
  EXPECT_LT(sbm.equilibrium.mean, 1e-3);
  const auto& fast = sbm.quench.points.front().excess_density;
  const auto& slow = sbm.quench.points.back().excess_density;
  EXPECT_GT(fast.mean - slow.mean, 4 * std::hypot(fast.error, slow.error));
  EXPECT_GT(sbm.between_fraction, 0.1);
  EXPECT_LT(fast.mean, sbm.between_fraction);
  o.equilibrium = 0.25;
  EXPECT_EQ(social_anneal(net("karate"), o).equilibrium.mean, 0.25);
  o.equilibrium = 2.0;
  EXPECT_THROW(social_anneal(net("karate"), o), InputError);
}

TEST(SocialDraw, NodesOrCommunitiesAsDiscsColouredByOpinion) {
  const SocialNetwork k = net("karate");
  std::vector<Spin> s(34, -1);
  s[0] = 1;
  DrawOptions o;
  o.size = 400;
  const NetworkPicture p = draw_network(k, s, o);
  EXPECT_FALSE(p.coarse);
  EXPECT_EQ(p.layout, "fr");
  ASSERT_EQ(p.drawing.discs.size(), 34u);
  EXPECT_EQ(p.drawing.lines.size(), 78u);
  EXPECT_EQ(p.drawing.discs[0].fill, (Rgb{213, 94, 0}));  // +1: vermilion
  EXPECT_EQ(p.drawing.discs[1].fill, (Rgb{0, 114, 178}));  // -1: blue
  EXPECT_GT(p.drawing.discs[33].r, p.drawing.discs[11].r);  // degree 17 vs 1
  for (const auto& d : p.drawing.discs) {
    EXPECT_GE(d.x - d.r, 0.0);
    EXPECT_LE(d.x + d.r, 400.0);
  }
  // Deterministic layout for a seed.
  EXPECT_EQ(draw_network(k, s, o).drawing.discs[5].x, p.drawing.discs[5].x);
  // Raster: the last-drawn disc's centre pixel has its colour.
  const Image img = rasterise_drawing(p.drawing);
  ASSERT_EQ(img.channels, 3);
  const auto& d = p.drawing.discs.back();
  const size_t at = (static_cast<size_t>(d.y) * img.width + static_cast<size_t>(d.x)) * 3;
  EXPECT_EQ(img.pixels[at], d.fill[0]);
  EXPECT_EQ(img.pixels[at + 2], d.fill[2]);
  EXPECT_EQ(img.pixels[0], 255);  // white corner
  const std::string svg = render_drawing_svg(p.drawing);
  size_t circles = 0;
  for (size_t i = svg.find("<circle"); i != std::string::npos; i = svg.find("<circle", i + 1)) ++circles;
  EXPECT_EQ(circles, 34u);
  // Coarse-grained by the sbm's own blocks: one disc per community, coloured by its mean.
  const SocialNetwork b = net("sbm:sizes=300,300,300,p_in=0.05,p_out=0.005");
  std::vector<Spin> t(900, -1);
  for (int i = 0; i < 300; ++i) t[i] = 1;
  o.max_nodes = 100;
  const NetworkPicture q = draw_network(b, t, o);
  EXPECT_TRUE(q.coarse);
  EXPECT_EQ(q.community_source, "network");
  ASSERT_EQ(q.drawing.discs.size(), 3u);
  EXPECT_EQ(q.drawing.lines.size(), 3u);
  int plus = 0;
  for (const auto& c : q.drawing.discs) plus += c.fill == Rgb{213, 94, 0};
  EXPECT_EQ(plus, 1);
  // Without communities: Louvain.
  EXPECT_EQ(draw_network(net("ba:n=300,m=2"), {}, o).community_source, "louvain");
  o.layout = "nope";
  EXPECT_THROW(draw_network(k, s, o), InputError);
}

TEST(SocialCascade, ExactOnAStarAndNothingSpreadsAtInfiniteTemperature) {
  // Star: hub 0 and 19 leaves under the zero-temperature majority rule from all -1. Holding the
  // hub at +1 turns every leaf (its only neighbour says +1); the control (hub held at -1) keeps
  // all at -1: the cascade is exactly 19 nodes in every replica.
  std::vector<Edge> edges;
  for (int32_t v = 1; v < 20; ++v) edges.push_back({0, v, 1.0});
  const IsingModel star(Graph::from_edges(20, edges));
  CascadeOptions o;
  o.algo = "majority";
  o.seeds = {0};
  o.therm = 5;
  o.sweeps = 50;
  o.replicas = 4;
  const CascadeResult r = social_cascade(star, o);
  EXPECT_EQ(r.size.mean, 19.0);
  EXPECT_EQ(r.size.error, 0.0);
  EXPECT_EQ(r.damage.mean, 19.0);
  EXPECT_EQ(r.global_fraction, 1.0);
  // beta = 0: heat-bath updates ignore the neighbours, and with shared random numbers the two
  // copies agree on every node once it has been updated: no cascade, no damage, exactly.
  const SocialNetwork ba = net("ba:n=500,m=2");
  o.algo = "glauber";
  o.beta = 0.0;
  o.seeds.clear();
  o.random_seeds = 5;
  o.sweeps = 40;
  for (bool pin : {true, false}) {
    o.pin = pin;
    const CascadeResult hot = social_cascade(ba.model, o);
    EXPECT_EQ(hot.damage.mean, 0.0) << pin;
    EXPECT_EQ(hot.size.mean, 0.0) << pin;
  }
  // Ordered at beta = 1: five hubs held at +1 move many nodes, five random nodes far fewer.
  o.beta = 1.0;
  o.pin = true;
  o.replicas = 8;
  const CascadeResult rnd = social_cascade(ba.model, o);
  o.random_seeds = 0;
  o.seeds = select_nodes("top:5", "--seeds", ba.model.graph());
  const CascadeResult hubs = social_cascade(ba.model, o);
  EXPECT_GT(spinlab::testing::z_difference(hubs.size, rnd.size), 4.0) << hubs.size.mean << " vs " << rnd.size.mean;
  // A zealot cannot be a seed.
  SocialNetwork z = ba;
  std::vector<Spin> frozen(500, 0);
  frozen[hubs.seed_count > 0 ? o.seeds[0] : 0] = 1;
  z.model.set_frozen(frozen);
  EXPECT_THROW(social_cascade(z.model, o), InputError);
}
