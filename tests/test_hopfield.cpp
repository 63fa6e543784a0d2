// Hopfield networks: storage rules against direct formulas, fixed points, energy descent under
// T = 0 dynamics, heat-bath detailed balance vs enumeration, the AGS references, the capacity scan.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "measure/estimators.hpp"
#include "memory/ags.hpp"
#include "memory/capacity.hpp"
#include "memory/hopfield.hpp"
#include "memory/phase.hpp"
#include "memory/recall.hpp"
#include "sample/single_spin.hpp"
#include "test_util.hpp"

namespace spinlab {
namespace {

using testing::spins_of;

// True when every neuron's field agrees with (or ties at) its spin.
bool is_fixed_point(const HopfieldNetwork& net, std::span<const Spin> s) {
  std::vector<double> h(s.size());
  net.fields(s, h);
  for (int32_t i = 0; i < net.size(); ++i) {
    const int d = net.decision(i, h[i]);
    if (d != 0 && d != s[i]) return false;
  }
  return true;
}

TEST(Hopfield, HebbCouplingsAreTheDirectSumWithZeroDiagonal) {
  const Patterns p = random_patterns(37, 9, 0.0, 5, 0);
  HopfieldNetwork net(37, StorageRule::Hebb);
  net.store(p, 0, 4);
  net.store(p, 4, 5);  // in two blocks: the same couplings
  for (int i = 0; i < 37; ++i)
    for (int j = 0; j < 37; ++j) {
      double direct = 0;
      for (int mu = 0; mu < 9; ++mu) direct += p.row(mu)[i] * p.row(mu)[j];
      EXPECT_EQ(net.coupling(i, j), i == j ? 0.0 : direct / 37.0);
    }
}

TEST(Hopfield, StoredPatternsAreFixedPointsAtSmallLoad) {
  const Patterns p = random_patterns(400, 8, 0.0, 3, 1);  // alpha = 0.02
  for (StorageRule rule : {StorageRule::Hebb, StorageRule::Storkey, StorageRule::PseudoInverse}) {
    HopfieldNetwork net(400, rule);
    net.store(p);
    for (int mu = 0; mu < p.p; ++mu) EXPECT_TRUE(is_fixed_point(net, p.row(mu))) << storage_rule_name(rule) << " " << mu;
  }
}

// Storkey (1997) written out literally: h_ij = sum_{k != i, j} w_ik xi_k.
TEST(Hopfield, StorkeyMatchesTheNaiveFormula) {
  const int n = 12;
  const Patterns p = random_patterns(n, 5, 0.2, 11, 0);
  std::vector<double> w(n * n, 0.0);
  for (int mu = 0; mu < p.p; ++mu) {
    const auto xi = p.row(mu);
    std::vector<double> nw(w);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        if (i == j) continue;
        double hij = 0, hji = 0;
        for (int k = 0; k < n; ++k) {
          if (k != i && k != j) hij += w[i * n + k] * xi[k];
          if (k != j && k != i) hji += w[j * n + k] * xi[k];
        }
        nw[i * n + j] = w[i * n + j] + (xi[i] * xi[j] - xi[i] * hji - hij * xi[j]) / n;
      }
    w = nw;
  }
  HopfieldNetwork net(n, StorageRule::Storkey);
  net.store(p);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      EXPECT_NEAR(net.coupling(i, j), w[i * n + j], 1e-6) << i << "," << j;
      EXPECT_EQ(net.coupling(i, j), net.coupling(j, i));
    }
}

// Correlated (biased) patterns break Hebb but not the projection rule, which stores any linearly
// independent set exactly; a pattern already in the span adds nothing.
TEST(Hopfield, PseudoInverseStoresCorrelatedPatternsExactly) {
  const int n = 64;
  const Patterns p = random_patterns(n, 30, 0.6, 2, 0);
  HopfieldNetwork hebb(n, StorageRule::Hebb), pinv(n, StorageRule::PseudoInverse);
  hebb.store(p);
  pinv.store(p);
  int hebb_fixed = 0;
  for (int mu = 0; mu < p.p; ++mu) {
    EXPECT_TRUE(is_fixed_point(pinv, p.row(mu))) << mu;
    hebb_fixed += is_fixed_point(hebb, p.row(mu));
  }
  EXPECT_LT(hebb_fixed, p.p / 2);
  // The projector: J xi = (1 - Pi_ii) xi componentwise, i.e. sum_j J_ij xi_j + Pi_ii xi_i = xi_i.
  Patterns neg = p;
  for (Spin& x : neg.xi) x = static_cast<Spin>(-x);
  HopfieldNetwork again = pinv;
  again.store(neg, 0, 1);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) EXPECT_EQ(again.coupling(i, j), pinv.coupling(i, j));
}

TEST(Hopfield, AsynchronousDynamicsNeverRaisesTheEnergy) {
  const int n = 150;
  for (StorageRule rule : {StorageRule::Hebb, StorageRule::Storkey, StorageRule::PseudoInverse}) {
    const Patterns p = random_patterns(n, 40, 0.0, 7, 0);  // alpha = 0.27: glassy, many flips
    HopfieldNetwork net(n, rule);
    net.store(p);
    std::vector<double> theta(n);
    Rng tr(9, 9);
    for (double& t : theta) t = 0.05 * (tr.uniform() - 0.5);
    net.set_thresholds(theta);
    Rng rng(1, static_cast<uint64_t>(rule));
    std::vector<Spin> s(n);
    for (Spin& x : s) x = rng.next_u32() & 1 ? 1 : -1;
    std::vector<double> h(n);
    net.fields(s, h);
    // Flip by flip: every update changes E by -2 |f_i| <= 0.
    double e = net.energy(s);
    int64_t flips = 0;
    for (int sweep = 0; sweep < 50; ++sweep)
      for (int i = 0; i < n; ++i) {
        const int d = net.decision(i, h[i]);
        if (d == 0 || d == s[i]) continue;
        const double f = net.local_field(i, h[i]);
        s[i] = static_cast<Spin>(d);
        net.apply_flip(i, s[i], h);
        const double e2 = net.energy(s);
        EXPECT_LE(e2, e + 1e-9);
        EXPECT_NEAR(e2 - e, -2.0 * std::fabs(f), 1e-9);
        e = e2;
        ++flips;
      }
    EXPECT_GT(flips, 10);
    // relax_async from a fresh random state: E decreases sweep by sweep to a fixed point.
    for (Spin& x : s) x = rng.next_u32() & 1 ? 1 : -1;
    net.fields(s, h);
    e = net.energy(s);
    bool done = false;
    for (int sweep = 0; sweep < 200 && !done; ++sweep) {
      const RelaxStats st = net.relax_async(s, h, rng, 1);
      EXPECT_LE(net.energy(s), e + 1e-9);
      e = net.energy(s);
      done = st.converged;
    }
    EXPECT_TRUE(done);
    EXPECT_TRUE(is_fixed_point(net, s));
    std::vector<double> fresh(n);
    net.fields(s, fresh);
    for (int i = 0; i < n; ++i) EXPECT_NEAR(h[i], fresh[i], 1e-9);
  }
}

TEST(Hopfield, SynchronousDynamicsFindsFixedPointsAndTwoCycles) {
  // One pattern (+1, -1): J_12 = -1/2. From (+1, +1) both neurons flip every step.
  Patterns p;
  p.n = 2;
  p.p = 1;
  p.xi = {1, -1};
  HopfieldNetwork net(2, StorageRule::Hebb);
  net.store(p);
  std::vector<Spin> s{1, 1};
  std::vector<double> h(2);
  net.fields(s, h);
  RelaxStats st = net.relax_sync(s, h, 100);
  EXPECT_TRUE(st.two_cycle);
  EXPECT_FALSE(st.converged);
  EXPECT_EQ(st.sweeps, 2);
  // A corrupted pattern at low load is repaired in one synchronous step.
  const Patterns q = random_patterns(300, 5, 0.0, 4, 0);
  HopfieldNetwork big(300, StorageRule::Hebb);
  big.store(q);
  std::vector<Spin> c(q.row(2).begin(), q.row(2).end());
  Rng rng(3, 3);
  corrupt(c, 0.1, rng);
  EXPECT_NEAR(overlap(q.row(2), c), 0.8, 1e-12);
  std::vector<double> hb(300);
  big.fields(c, hb);
  st = big.relax_sync(c, hb, 100);
  EXPECT_TRUE(st.converged);
  EXPECT_EQ(overlap(q.row(2), c), 1.0);
}

// Hebb fields are integers: the float path (batched fields and dynamics) is bit-identical to double.
TEST(Hopfield, FloatFieldsAreExactForHebb) {
  const int n = 300;
  const Patterns p = random_patterns(n, 60, 0.0, 12, 0);  // alpha = 0.2: long relaxations
  HopfieldNetwork net(n, StorageRule::Hebb);
  net.store(p);
  ASSERT_TRUE(net.float_fields_exact());
  std::vector<float> S(p.xi.begin(), p.xi.end());
  std::vector<double> Hd(S.size());
  std::vector<float> Hf(S.size());
  net.fields_batch(S.data(), p.p, Hd.data());
  net.fields_batch(S.data(), p.p, Hf.data());
  for (size_t k = 0; k < S.size(); ++k) ASSERT_EQ(static_cast<double>(Hf[k]), Hd[k]);
  int64_t flips = 0;
  for (int mu = 0; mu < 10; ++mu) {
    std::vector<Spin> a(p.row(mu).begin(), p.row(mu).end()), b(a);
    Rng ra(1, mu), rb(1, mu);
    const RelaxStats sa = net.relax_async(a, std::span<double>(Hd.data() + mu * n, n), ra, 1000);
    const RelaxStats sb = net.relax_async(b, std::span<float>(Hf.data() + mu * n, n), rb, 1000);
    EXPECT_EQ(a, b);
    EXPECT_EQ(sa.flips, sb.flips);
    flips += sa.flips;
  }
  EXPECT_GT(flips, 100);
  HopfieldNetwork st(n, StorageRule::Storkey);
  EXPECT_FALSE(st.float_fields_exact());
}

TEST(Hopfield, BatchedFieldsEqualRowByRowFields) {
  for (int n : {40, 100, 129}) {
    const Patterns p = random_patterns(n, 9, 0.0, 8, 0);
    for (StorageRule rule : {StorageRule::Hebb, StorageRule::Storkey}) {
      HopfieldNetwork net(n, rule);
      net.store(p);
      const int B = 7;
      const Patterns st = random_patterns(n, B, 0.0, 8, 1);
      std::vector<float> S(st.xi.begin(), st.xi.end());
      std::vector<double> H(static_cast<size_t>(B) * n), h(n);
      net.fields_batch(S.data(), B, H.data());
      for (int b = 0; b < B; ++b) {
        net.fields(st.row(b), h);
        for (int i = 0; i < n; ++i) {
          if (rule == StorageRule::Hebb) EXPECT_EQ(H[b * n + i], h[i]);  // integers: exact
          else EXPECT_NEAR(H[b * n + i], h[i], 1e-9);
        }
      }
    }
  }
}

// The dense heat bath uses the foundation's exact-threshold formula: its flip probabilities equal
// those of the heat-bath kernel on an IsingModel with the same couplings and fields h = -theta,
// and each single-neuron update leaves the Boltzmann distribution invariant (exact, enumeration).
TEST(HopfieldHeatBath, DetailedBalanceOnSixNeuronsAndAgreementWithTheFoundation) {
  const int n = 6;
  const Patterns p = random_patterns(n, 2, 0.0, 21, 0);
  HopfieldNetwork net(n, StorageRule::Storkey);
  net.store(p);
  std::vector<double> theta{0.1, -0.2, 0.0, 0.3, 0.05, -0.1};
  net.set_thresholds(theta);
  std::vector<Edge> edges;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) edges.push_back({i, j, net.coupling(i, j)});
  std::vector<double> field(n);
  for (int i = 0; i < n; ++i) field[i] = -theta[i];
  IsingModel model(Graph::from_edges(n, edges), field);
  for (double beta : {0.3, 1.0, 3.0}) {
    HopfieldHeatBath hb(net, beta);
    auto ref = make_single_spin(model, beta, SingleSpinRule::HeatBath, SiteOrder::Sequential);
    std::vector<double> pi(1 << n);
    double z = 0;
    for (int c = 0; c < (1 << n); ++c) {
      const auto s = spins_of(c, n);
      EXPECT_NEAR(net.energy(s), model.energy(s), 1e-12);
      z += pi[c] = std::exp(-beta * net.energy(s));
    }
    for (double& x : pi) x /= z;
    for (int i = 0; i < n; ++i) {
      std::vector<double> out(1 << n, 0.0);
      for (int c = 0; c < (1 << n); ++c) {
        const auto s = spins_of(c, n);
        const double q = hb.flip_probability(i, s);
        EXPECT_NEAR(q, ref->flip_probability(i, s), 1e-9);
        const int c2 = c ^ (1 << i);
        out[c] += pi[c] * (1 - q);
        out[c2] += pi[c] * q;
        EXPECT_NEAR(pi[c] * q, pi[c2] * hb.flip_probability(i, spins_of(c2, n)), 1e-9);
      }
      for (int c = 0; c < (1 << n); ++c) EXPECT_NEAR(out[c], pi[c], 1e-9);
    }
  }
}

// Sampling: <E> and <s_0 s_1> of a heat-bath chain agree with enumeration within 4 errors.
TEST(HopfieldHeatBath, ChainAveragesMatchEnumeration) {
  const int n = 8;
  const Patterns p = random_patterns(n, 3, 0.0, 31, 0);
  HopfieldNetwork net(n, StorageRule::Hebb);
  net.store(p);
  const double beta = 1.5;
  double z = 0, e_exact = 0, c_exact = 0;
  for (int c = 0; c < (1 << n); ++c) {
    const auto s = spins_of(c, n);
    const double w = std::exp(-beta * net.energy(s));
    z += w, e_exact += w * net.energy(s), c_exact += w * s[0] * s[1];
  }
  e_exact /= z, c_exact /= z;
  HopfieldHeatBath hb(net, beta);
  Rng rng(5, 0);
  std::vector<Spin> s(p.row(0).begin(), p.row(0).end());
  std::vector<double> h(n);
  net.fields(s, h);
  for (int t = 0; t < 1000; ++t) hb.sweep(s, h, rng);
  std::vector<double> es, cs;
  for (int t = 0; t < 200000; ++t) {
    hb.sweep(s, h, rng);
    es.push_back(net.energy(s));
    cs.push_back(s[0] * s[1]);
  }
  testing::expect_z(estimate_mean(es), e_exact, "E");
  testing::expect_z(estimate_mean(cs), c_exact, "s0 s1");
}

TEST(Ags, ZeroTemperatureReferences) {
  const double ac = ags_alpha_c();
  EXPECT_GT(ac, 0.1375);
  EXPECT_LT(ac, 0.1385);
  const double m = ags_overlap_t0(ac - 1e-4);
  EXPECT_GT(m, 0.96);  // AGS: m = 0.967 just below alpha_c
  EXPECT_LT(m, 0.972);
  EXPECT_TRUE(std::isnan(ags_overlap_t0(0.15)));
  EXPECT_GT(ags_overlap_t0(0.05), 0.9999);
  // The finite-T equations at low T reproduce the T = 0 overlap.
  EXPECT_NEAR(ags_solve(0.1, 0.02).m, ags_overlap_t0(0.1), 2e-3);
  EXPECT_LT(ags_solve(0.1, 0.99).m, 0.05);
  // T_M decreases from 1 at alpha = 0 to 0 at alpha_c.
  const double t1 = ags_retrieval_temperature(0.001), t2 = ags_retrieval_temperature(0.05),
               t3 = ags_retrieval_temperature(0.13);
  EXPECT_GT(t1, 0.9);
  EXPECT_GT(t1, t2);
  EXPECT_GT(t2, t3);
  EXPECT_GT(t3, 0.0);
  EXPECT_DOUBLE_EQ(ags_glass_temperature(0.25), 1.5);
}

TEST(HopfieldCapacity, SmallScanRetrievesBelowAndFailsAboveAndIgnoresThreads) {
  CapacityOptions o;
  o.sizes = {256};
  o.alphas = {0.02, 0.06, 0.3, 0.45};
  o.samples = 3;
  o.threads = 1;
  o.seed = 4;
  const CapacityResult a = hopfield_capacity(o);
  ASSERT_EQ(a.sizes.size(), 1u);
  const auto& pts = a.sizes[0].points;
  EXPECT_EQ(pts[0].patterns, 5);
  EXPECT_EQ(pts[0].retrieval.mean, 1.0);
  EXPECT_GT(pts[0].overlap.mean, 0.999);
  EXPECT_LT(pts[3].retrieval.mean, 0.5);
  EXPECT_LT(pts[3].overlap.mean, 0.9);
  EXPECT_GT(a.sizes[0].alpha_c.mean, 0.06);
  EXPECT_LT(a.sizes[0].alpha_c.mean, 0.45);
  o.threads = 2;
  const CapacityResult b = hopfield_capacity(o);
  for (size_t k = 0; k < pts.size(); ++k) EXPECT_EQ(b.sizes[0].points[k].overlap.mean, pts[k].overlap.mean);
  // Noise 0.1 with a few probes: cues are repaired at low load, by either dynamics.
  o.noise = 0.1;
  o.probes = 3;
  const CapacityResult c = hopfield_capacity(o);
  EXPECT_EQ(c.sizes[0].points[0].retrieval.mean, 1.0);
  o.synchronous = true;
  const CapacityResult d = hopfield_capacity(o);
  EXPECT_EQ(d.sizes[0].points[0].retrieval.mean, 1.0);
  EXPECT_LT(d.sizes[0].points[3].retrieval.mean, 0.5);
}

// Corners of the AGS diagram: retrieval at low load and low T, paramagnet above T_g, spin glass at
// high load and low T (replicas started at the pattern lose it but stay frozen together).
TEST(HopfieldPhase, CornersAreClassifiedAndThreadsDoNotMatter) {
  PhaseOptions o;
  o.n = 200;
  o.alphas = {0.02, 0.5};
  o.temperatures = {0.1, 1.8};
  o.samples = 2;
  o.therm = 50;
  o.sweeps = 50;
  o.threads = 1;
  const PhaseResult a = hopfield_phase(o);
  ASSERT_EQ(a.points.size(), 4u);
  EXPECT_EQ(a.points[0].phase, "retrieval");     // (0.02, 0.1)
  EXPECT_EQ(a.points[1].phase, "paramagnetic");  // (0.02, 1.8)
  EXPECT_EQ(a.points[2].phase, "spin-glass");    // (0.5, 0.1)
  EXPECT_EQ(a.points[3].phase, "paramagnetic");  // (0.5, 1.8) > T_g = 1.71
  EXPECT_GT(a.points[0].ags_m, 0.99);
  EXPECT_EQ(a.points[2].ags_m, 0.0);
  EXPECT_NEAR(a.line_tm.front(), 1.0, 1e-12);
  EXPECT_EQ(a.line_tm.back(), 0.0);
  o.threads = 2;
  o.ags_lines = false;
  const PhaseResult b = hopfield_phase(o);
  for (size_t k = 0; k < 4; ++k) EXPECT_EQ(a.points[k].q.mean, b.points[k].q.mean);
  o.temperatures = {0.0};
  EXPECT_THROW(hopfield_phase(o), InputError);
}

// Correlated patterns (mean 0.5, like images) at alpha = 0.1: the projection rule recalls every
// cue exactly, Hebb recalls none (it falls into the shared mean state).
TEST(HopfieldRecall, ProjectionRuleRecallsCorrelatedPatternsHebbDoesNot) {
  const Patterns p = random_patterns(200, 20, 0.5, 6, 0);
  RecallOptions o;
  o.rules = {StorageRule::Hebb, StorageRule::PseudoInverse};
  o.noise = 0.1;
  const RecallResult r = hopfield_recall(p, o);
  ASSERT_EQ(r.rules.size(), 2u);
  EXPECT_EQ(r.rules[1].exact_fraction, 1.0);
  EXPECT_EQ(r.rules[0].retrieved_fraction, 0.0);
  EXPECT_NEAR(overlap(p.row(3), std::span<const Spin>(r.cues.data() + 3 * 200, 200)), 0.8, 1e-12);
  o.noise = 2;
  EXPECT_THROW(hopfield_recall(p, o), InputError);
}

// Thresholds enter the T = 0 dynamics as s_i = sign(h_i - theta_i): one larger than any field
// sends every neuron to -1, one below any field to +1, and per-neuron thresholds act per neuron.
TEST(HopfieldRecall, ThresholdsDecideTheFixedPoint) {
  const Patterns p = random_patterns(100, 5, 0.0, 7, 0);
  RecallOptions o;
  o.rules = {StorageRule::Hebb};
  o.noise = 0.1;
  const RecallResult free_run = hopfield_recall(p, o);
  EXPECT_EQ(free_run.rules[0].exact_fraction, 1.0);  // alpha = 0.05, no threshold: every cue recalled
  o.theta = {1e3};
  const RecallResult down = hopfield_recall(p, o);
  for (Spin x : down.rules[0].recalled) ASSERT_EQ(x, -1);
  o.theta = {-1e3};
  const RecallResult up = hopfield_recall(p, o);
  for (Spin x : up.rules[0].recalled) ASSERT_EQ(x, 1);
  o.theta.assign(100, 0.0);
  for (int i = 0; i < 50; ++i) o.theta[i] = 1e3;  // first half pinned to -1, the rest free
  const RecallResult half = hopfield_recall(p, o);
  for (int32_t mu = 0; mu < p.p; ++mu)
    for (int i = 0; i < 50; ++i) ASSERT_EQ(half.rules[0].recalled[mu * 100 + i], -1);
  o.theta = {1.0, 2.0};
  EXPECT_THROW(hopfield_recall(p, o), InputError);
  o.theta = {NAN};
  EXPECT_THROW(hopfield_recall(p, o), InputError);
}

TEST(HopfieldCapacity, CrossingAndFitHelpers) {
  EXPECT_DOUBLE_EQ(crossing_down({0.1, 0.2, 0.3}, {1.0, 0.8, 0.2}, 0.5), 0.25);
  EXPECT_TRUE(std::isnan(crossing_down({0.1, 0.2}, {1.0, 0.9}, 0.5)));
  const LineFit f = fit_line({0.0, 1.0, 2.0}, {1.0, 3.0, 5.0}, {0.1, 0.1, 0.1});
  EXPECT_NEAR(f.intercept.mean, 1.0, 1e-12);
  EXPECT_NEAR(f.slope.mean, 2.0, 1e-12);
  EXPECT_NEAR(f.chi2, 0.0, 1e-12);
  // Jackknife over samples of a crossing: identical samples give zero error.
  const Estimate j = jackknife_crossing({0.1, 0.2}, {{1.0, 0.0}, {1.0, 0.0}, {1.0, 0.0}}, 0.5);
  EXPECT_DOUBLE_EQ(j.mean, 0.15);
  EXPECT_DOUBLE_EQ(j.error, 0.0);
}

TEST(HopfieldCapacity, BadInputIsRefused) {
  CapacityOptions o;
  o.alphas = {0.1};
  o.sizes = {0};
  EXPECT_THROW(hopfield_capacity(o), InputError);
  o.sizes = {100};
  o.alphas = {1.5};
  EXPECT_THROW(hopfield_capacity(o), InputError);
  o.alphas = {0.2, 0.1};
  EXPECT_THROW(hopfield_capacity(o), InputError);
  o.alphas = {0.1};
  o.noise = 1.5;
  EXPECT_THROW(hopfield_capacity(o), InputError);
  o.noise = 0;
  o.samples = 1;
  EXPECT_THROW(hopfield_capacity(o), InputError);
  EXPECT_THROW(parse_storage_rule("oja"), InputError);
  EXPECT_THROW(HopfieldNetwork(0, StorageRule::Hebb), InputError);
  EXPECT_THROW(random_patterns(10, 2, 1.0, 1, 0), InputError);
}

}  // namespace
}  // namespace spinlab
