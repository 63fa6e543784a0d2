// Susceptibility spectroscopy: the running-sum chi accumulator against direct formulas, chi from
// the samplers against exact covariances by enumeration, and chi against finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "measure/chi_accumulator.hpp"
#include "probe/chi.hpp"
#include "probe/site_function.hpp"
#include "probe/spectroscopy.hpp"
#include "probe/inverse_ising.hpp"
#include "probe/walls.hpp"
#include "sample/move.hpp"

namespace spinlab {
namespace {

// Exact Cov[phi_k, F_p] and Pearson correlations by enumerating all 2^N states.
struct ExactChi {
  std::vector<double> chi, pearson;
};
ExactChi exact_chi(const IsingModel& m, double beta, const std::vector<SiteFunction>& probes,
                   const std::vector<SiteFunction>& obs) {
  const int32_t n = m.size();
  const size_t P = probes.size(), K = obs.size();
  std::vector<Spin> s(n);
  double Z = 0.0, e_min = 1e300;
  for (uint64_t c = 0; c < (uint64_t{1} << n); ++c) {
    for (int32_t i = 0; i < n; ++i) s[i] = (c >> i) & 1 ? 1 : -1;
    e_min = std::min(e_min, m.energy(s));
  }
  std::vector<double> sF(P), sFF(P), sO(K), sOO(K), sFO(P * K);
  for (uint64_t c = 0; c < (uint64_t{1} << n); ++c) {
    for (int32_t i = 0; i < n; ++i) s[i] = (c >> i) & 1 ? 1 : -1;
    const double w = std::exp(-beta * (m.energy(s) - e_min));
    Z += w;
    std::vector<double> F(P), O(K);
    for (size_t p = 0; p < P; ++p) F[p] = probes[p].evaluate(m, s);
    for (size_t k = 0; k < K; ++k) O[k] = obs[k].evaluate(m, s);
    for (size_t p = 0; p < P; ++p) {
      sF[p] += w * F[p];
      sFF[p] += w * F[p] * F[p];
      for (size_t k = 0; k < K; ++k) sFO[p * K + k] += w * F[p] * O[k];
    }
    for (size_t k = 0; k < K; ++k) {
      sO[k] += w * O[k];
      sOO[k] += w * O[k] * O[k];
    }
  }
  ExactChi r;
  for (size_t p = 0; p < P; ++p)
    for (size_t k = 0; k < K; ++k) {
      const double mf = sF[p] / Z, mo = sO[k] / Z;
      const double c = sFO[p * K + k] / Z - mf * mo;
      r.chi.push_back(c);
      r.pearson.push_back(c / std::sqrt((sFF[p] / Z - mf * mf) * (sOO[k] / Z - mo * mo)));
    }
  return r;
}

void expect_matches_exact(const IsingModel& m, double beta, const std::string& algo, const std::vector<SiteFunction>& probes,
                          const std::vector<SiteFunction>& obs, int64_t sweeps) {
  ChiOptions o;
  o.algo = algo;
  o.beta = beta;
  o.sweeps = sweeps;
  o.therm = 1000;
  o.seed = 11;
  o.probes = probes;
  o.observables = obs;
  const ChiResult r = measure_chi(m, o);
  const ExactChi x = exact_chi(m, beta, probes, obs);
  for (size_t p = 0; p < probes.size(); ++p)
    for (size_t k = 0; k < obs.size(); ++k) {
      const Estimate& c = r.estimates.chi[p * obs.size() + k];
      const Estimate& q = r.estimates.pearson[p * obs.size() + k];
      const std::string what = algo + " probe " + probes[p].name + " observable " + obs[k].name;
      ASSERT_GT(c.error, 0.0) << what;
      EXPECT_LT(std::fabs(c.mean - x.chi[p * obs.size() + k]) / c.error, 4.0)
          << what << ": chi " << c.mean << " +- " << c.error << ", exact " << x.chi[p * obs.size() + k];
      EXPECT_LT(std::fabs(q.mean - x.pearson[p * obs.size() + k]) / q.error, 4.0)
          << what << ": pearson " << q.mean << " +- " << q.error << ", exact " << x.pearson[p * obs.size() + k];
    }
}

TEST(ChiAccumulator, MatchesTheDirectFormulasAndMergesChains) {
  Rng rng(3, 3);
  const size_t n = 5000;
  std::vector<double> a(n), b(n), c(n);
  for (size_t t = 0; t < n; ++t) {
    a[t] = rng.uniform();
    b[t] = 0.5 * a[t] + rng.uniform();
    c[t] = -2.0 * a[t] + 0.1 * rng.uniform() + 3.0;
  }
  ChiAccumulator acc(1, 2, 16), first(1, 2, 16), second(1, 2, 16);
  for (size_t t = 0; t < n; ++t) {
    const double F[1] = {a[t]}, O[2] = {b[t], c[t]};
    acc.add(F, O);
    (t < n / 2 ? first : second).add(F, O);
  }
  first.merge(second);
  auto direct = [&](const std::vector<double>& x, const std::vector<double>& y) {
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (size_t t = 0; t < n; ++t) mx += x[t], my += y[t];
    mx /= n, my /= n;
    for (size_t t = 0; t < n; ++t) {
      sxy += (x[t] - mx) * (y[t] - my);
      sxx += (x[t] - mx) * (x[t] - mx);
      syy += (y[t] - my) * (y[t] - my);
    }
    return std::pair{sxy / (n - 1), sxy / std::sqrt(sxx * syy)};
  };
  for (const ChiAccumulator* x : {&acc, &first}) {
    const ChiEstimates e = x->estimate();
    EXPECT_GE(e.num_blocks, 16u);
    EXPECT_LE(e.num_blocks, 33u);
    EXPECT_EQ(e.samples, static_cast<int64_t>(n));
    const auto [cb, rb] = direct(a, b);
    const auto [cc, rc] = direct(a, c);
    // The block jackknife's bias correction (O(chi / n)) is close to the n - 1 of the
    // unbiased covariance: both far below the error.
    EXPECT_NEAR(e.chi[0].mean, cb, 0.01 * e.chi[0].error);
    EXPECT_NEAR(e.chi[1].mean, cc, 0.01 * e.chi[1].error);
    EXPECT_NEAR(e.pearson[0].mean, rb, 0.05 * e.pearson[0].error);
    EXPECT_NEAR(e.pearson[1].mean, rc, 0.05 * e.pearson[1].error);
    EXPECT_NEAR(e.observable_mean[1].mean, 3.0 - 1.0 + 0.05, 4 * e.observable_mean[1].error);
    // Independent samples: the effective tau_int is about 1/2.
    EXPECT_NEAR(e.chi[0].tau_int, 0.5, 0.35);
  }
  EXPECT_THROW(acc.add(std::vector<double>{1.0, 2.0}, std::vector<double>{1.0, 2.0}), InputError);
}

// The jackknife error of a covariance of correlated data (two AR(1) series sharing noise)
// matches the spread over independent replicas.
TEST(ChiAccumulator, ErrorBarsAreCalibratedOnCorrelatedSeries) {
  const int replicas = 200;
  const size_t n = 20000;
  std::vector<double> values, errors;
  for (int r = 0; r < replicas; ++r) {
    Rng rng(r + 1, 5);
    ChiAccumulator acc(1, 1);
    double x = 0, y = 0;
    for (size_t t = 0; t < n; ++t) {
      const double u = rng.uniform() - 0.5, v = rng.uniform() - 0.5;
      x = 0.9 * x + u;
      y = 0.9 * y + 0.5 * u + v;
      const double F[1] = {x}, O[1] = {y};
      acc.add(F, O);
    }
    const ChiEstimates e = acc.estimate();
    values.push_back(e.chi[0].mean);
    errors.push_back(e.chi[0].error);
  }
  double m = 0, v = 0, me = 0;
  for (int r = 0; r < replicas; ++r) m += values[r], me += errors[r];
  m /= replicas, me /= replicas;
  for (int r = 0; r < replicas; ++r) v += (values[r] - m) * (values[r] - m);
  const double spread = std::sqrt(v / (replicas - 1));
  // The ratio's own uncertainty with 200 replicas is ~5%; blocks of >= 156 >> tau ~ 10.
  EXPECT_GT(me / spread, 0.8);
  EXPECT_LT(me / spread, 1.2);
  // Exact stationary covariance: Cov[x, y] = 0.5 var(u) / (1 - 0.81), var(u) = 1/12.
  EXPECT_NEAR(m, 0.5 / 12.0 / 0.19, 4.0 * spread / std::sqrt(static_cast<double>(replicas)));
}

TEST(Chi, MatchesEnumerationOnAWalledBox) {
  // 4x4 open box with the wall x=2 for rows 0..2: probes and observables of every kind at once.
  Lattice lat = Lattice::square(4, Boundary::Open);
  lat.add_wall(0, 2, 1, 0, 3);
  const IsingModel m = IsingModel::on_lattice(lat);
  const int32_t n = m.size();
  std::vector<SiteFunction> probes = {site_sum("rect", rectangle_sites(lat, {0, 0, 2, 2}, "rect"), n),
                                      single_spin(5, n), spin_product("s0*s1", 0, 1, n)};
  std::vector<SiteFunction> obs = {site_sum("left", rectangle_sites(lat, {0, 0, 2, 3}, "left"), n),
                                   site_sum("right", rectangle_sites(lat, {2, 0, 2, 3}, "right"), n),
                                   energy_function(), total_magnetization(n)};
  for (const char* algo : {"metropolis", "heatbath", "wolff", "sw"})
    expect_matches_exact(m, 0.45, algo, probes, obs, 100000);
}

TEST(Chi, MatchesEnumerationOnAGraphWithFields) {
  Rng rng(4, 4);
  std::vector<Edge> e;
  for (int32_t i = 0; i < 12; ++i)
    for (int32_t j = i + 1; j < 12; ++j)
      if (rng.uniform() < 0.3) e.push_back({i, j, rng.uniform() - 0.3});
  std::vector<double> h(12);
  for (auto& x : h) x = 0.4 * (rng.uniform() - 0.5);
  const IsingModel m(Graph::from_edges(12, e), h);
  std::vector<SiteFunction> probes = {site_sum("a", {0, 1, 2, 3}, 12), single_spin(7, 12), spin_product("s2*s9", 2, 9, 12)};
  std::vector<SiteFunction> obs = {site_sum("b", {4, 5, 6}, 12), energy_function(), single_spin(11, 12)};
  expect_matches_exact(m, 0.8, "metropolis", probes, obs, 100000);
}

TEST(Chi, AgreesWithFiniteDifferencesOnAWalledLattice) {
  Lattice lat = Lattice::square(16, Boundary::Open);
  lat.add_wall(0, 8, 1, 0, 10);
  const IsingModel m = IsingModel::on_lattice(lat);
  const int32_t n = m.size();
  ChiOptions o;
  o.algo = "heatbath";  // monotone: the +h and -h chains sharing random numbers stay close
  o.beta = 0.35;
  o.sweeps = 40000;
  o.seed = 5;
  o.threads = 2;
  o.probes = {site_sum("p", rectangle_sites(lat, {2, 2, 4, 4}, "p"), n)};
  o.observables = {site_sum("left", rectangle_sites(lat, {0, 0, 8, 10}, "left"), n),
                   site_sum("right", rectangle_sites(lat, {8, 0, 8, 10}, "right"), n), energy_function()};
  o.finite_difference_h = 0.05;
  const ChiResult r = measure_chi(m, o);
  ASSERT_EQ(r.finite_difference.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    const Estimate& c = r.estimates.chi[k];
    const Estimate& d = r.finite_difference[k];
    const double z = (c.mean - d.mean) / std::hypot(c.error, d.error);
    EXPECT_LT(std::fabs(z), 4.0) << o.observables[k].name << ": chi " << c.mean << " +- " << c.error << ", fd "
                                 << d.mean << " +- " << d.error;
    std::printf("%s: chi %g +- %g, fd %g +- %g\n", o.observables[k].name.c_str(), c.mean, c.error, d.mean, d.error);
  }
  // Informative: the finite difference resolves the response to the probe's own chamber.
  EXPECT_LT(r.finite_difference[0].error, 0.25 * r.estimates.chi[0].mean);
  // Left responds to a probe inside it much more than right.
  EXPECT_GT(r.estimates.chi[0].mean, 3.0 * std::fabs(r.estimates.chi[1].mean));
}

TEST(Chi, ResultsDependOnChainsNotThreadsAndBadInputIsRefused) {
  const IsingModel m = IsingModel::on_lattice(Lattice::square(8, Boundary::Open));
  ChiOptions o;
  o.sweeps = 2000;
  o.therm = 100;
  o.probes = {single_spin(3, 64)};
  o.observables = {total_magnetization(64)};
  o.trace_sweeps = {200, 1000, 2000};
  o.threads = 1;
  const ChiResult a = measure_chi(m, o);
  o.threads = 3;
  const ChiResult b = measure_chi(m, o);
  EXPECT_EQ(a.estimates.chi[0].mean, b.estimates.chi[0].mean);
  EXPECT_EQ(a.estimates.chi[0].error, b.estimates.chi[0].error);
  ASSERT_EQ(a.trace.size(), 3u);
  EXPECT_EQ(a.trace.back().sweeps, 2000);
  EXPECT_EQ(a.trace.back().estimates.chi[0].mean, a.estimates.chi[0].mean);
  ChiOptions bad = o;
  bad.probes = {energy_function()};
  EXPECT_THROW(measure_chi(m, bad), InputError);
  bad = o;
  bad.sweeps = 2;
  EXPECT_THROW(measure_chi(m, bad), InputError);
  bad = o;
  bad.observables.clear();
  EXPECT_THROW(measure_chi(m, bad), InputError);
  EXPECT_THROW(site_sum("empty", {}, 64), InputError);
  EXPECT_THROW(rectangle_sites(Lattice::square(8), {6, 6, 4, 4}, "--probe"), InputError);
}

// Two halves separated by a full wall: every block responds in its own half only.
TEST(Spectroscopy, BlocksSeeTheChamberTheyAreIn) {
  Lattice lat = Lattice::square(16, Boundary::Open);
  lat.add_wall(0, 8);
  const IsingModel m = IsingModel::on_lattice(lat);
  ChiOptions o;
  o.algo = "wolff";
  o.beta = 0.44;
  o.sweeps = 4000;
  o.therm = 200;
  o.observables = {site_sum("left", rectangle_sites(lat, {0, 0, 8, 16}, "left"), 256),
                   site_sum("right", rectangle_sites(lat, {8, 0, 8, 16}, "right"), 256)};
  const SpectroscopyResult r = spectroscopy(m, 3, o);  // 3 does not divide 16: edge blocks are 1 wide
  ASSERT_TRUE(r.lattice_blocks);
  ASSERT_EQ(r.blocks.size(), 36u);
  for (const auto& b : r.blocks) {
    if (b.rect.x0 + b.rect.w <= 8) {
      EXPECT_EQ(b.dominant, 0) << rect_string(b.rect);
    } else if (b.rect.x0 >= 8) {
      EXPECT_EQ(b.dominant, 1) << rect_string(b.rect);
    }
    // No bond crosses the wall: the other half's response is zero within errors.
    const int other = b.rect.x0 + b.rect.w <= 8 ? 1 : b.rect.x0 >= 8 ? 0 : -1;
    if (other >= 0) {
      EXPECT_LT(std::fabs(b.chi[other].mean), 4.0 * b.chi[other].error + 1e-12) << rect_string(b.rect);
    }
  }
  EXPECT_EQ(r.blocks.back().rect.w, 1);
  // Graph models: runs of consecutive vertices.
  const IsingModel g(lat.to_graph());
  const SpectroscopyResult q = spectroscopy(g, 100, o);
  ASSERT_FALSE(q.lattice_blocks);
  ASSERT_EQ(q.blocks.size(), 3u);
  EXPECT_EQ(q.blocks[2].first, 200);
  EXPECT_EQ(q.blocks[2].count, 56);
  EXPECT_THROW(spectroscopy(m, 0, o), InputError);
  EXPECT_THROW(spectroscopy(m, 17, o), InputError);
}

// Pseudo-likelihood is consistent: fed the exact pattern frequencies of a small model (by
// enumeration, as counts of 1e9 total), it returns the true beta J and beta h.
TEST(InverseIsing, PseudoLikelihoodRecoversTheCouplingsFromExactFrequencies) {
  Lattice lat = Lattice::square(3, Boundary::Open);
  lat.add_wall(0, 1, 1, 0, 2);
  lat.set_bond(lat.site(1, 1), 1, -0.7);
  Rng rng(2, 2);
  std::vector<double> h(9);
  for (auto& x : h) x = rng.uniform() - 0.5;
  const IsingModel m(lat.to_graph(), h);
  const double beta = 0.6;
  std::vector<CandidatePair> pairs;
  for (const auto& b : lat.possible_bonds()) pairs.push_back({b.site, lat.neighbor(b.site, b.dir, +1)});
  LocalPatternCounts counts(9, pairs, 2);
  std::vector<Spin> s(9);
  double Z = 0;
  for (int c = 0; c < 512; ++c) {
    for (int i = 0; i < 9; ++i) s[i] = (c >> i) & 1 ? 1 : -1;
    Z += std::exp(-beta * m.energy(s));
  }
  for (int c = 0; c < 512; ++c) {
    for (int i = 0; i < 9; ++i) s[i] = (c >> i) & 1 ? 1 : -1;
    const double p = std::exp(-beta * m.energy(s)) / Z;
    for (int b = 0; b < 2; ++b) counts.add(s, b, static_cast<uint32_t>(std::llround(p * 1e9)));
  }
  PseudoLikelihoodOptions o;
  o.l2 = 0.0;
  const PseudoLikelihoodResult r = fit_pseudolikelihood(counts, o);
  EXPECT_EQ(r.newton_failures, 0);
  for (size_t k = 0; k < pairs.size(); ++k) {
    const auto b = lat.possible_bonds()[k];
    EXPECT_NEAR(r.couplings[k].coupling.mean, beta * lat.bond(b.site, b.dir), 2e-6) << "bond " << k;
  }
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(r.fields[i].mean, beta * h[i], 2e-6) << "field " << i;
}

TEST(Walls, MergesBondsIntoSegments) {
  const Lattice lat = Lattice::square(10, Boundary::Open);
  std::vector<Lattice::BondRef> bonds;
  for (int32_t y = 2; y < 6; ++y) bonds.push_back({lat.site(3, y), 0});  // x=4, y=2:6
  bonds.push_back({lat.site(3, 8), 0});                                  // x=4, y=8:9
  for (int32_t x = 0; x < 3; ++x) bonds.push_back({lat.site(x, 6), 1});  // y=7, x=0:3
  EXPECT_EQ(merge_walls(lat, bonds), (std::vector<std::string>{"x=4,y=2:6", "x=4,y=8:9", "y=7,x=0:3"}));
}

// The test: on a 24x24 box with one wall the inferred missing bonds are the true ones.
TEST(Walls, InfersTheWallOfA24Box) {
  Lattice lat = Lattice::square(24, Boundary::Open);
  lat.add_wall(1, 10, 0, 4, 20);  // y=10, x=4:20
  const IsingModel m = IsingModel::on_lattice(lat);
  WallInferenceOptions o;
  o.beta = 0.44;
  o.sweeps = 20000;
  o.therm = 1000;
  o.threads = 2;
  const WallInferenceResult r = infer_walls(m, o);
  EXPECT_EQ(r.walls, std::vector<std::string>{"y=10,x=4:20"});
  EXPECT_EQ(r.true_missing, 16);
  EXPECT_EQ(r.true_positives, 16);
  EXPECT_EQ(r.false_positives, 0);
  EXPECT_EQ(r.undecided, 0);
  EXPECT_NEAR(r.typical_coupling, 0.44, 0.01);
  // The independent spectroscopy method agrees.
  EXPECT_EQ(r.walls_by_correlation, std::vector<std::string>{"y=10,x=4:20"});
  EXPECT_EQ(r.correlation_true_positives, 16);
  EXPECT_EQ(r.correlation_false_positives, 0);
  EXPECT_EQ(r.methods_disagree, 0);
  // Honest about too few data: with 40 configurations some bonds stay undecided.
  o.sweeps = 40;
  o.blocks_per_chain = 4;
  o.therm = 100;
  const WallInferenceResult few = infer_walls(m, o);
  EXPECT_GT(few.undecided, 0);
  EXPECT_THROW(infer_walls(IsingModel(lat.to_graph()), o), InputError);
}

// Exact maximum likelihood by enumeration: from the exact moments of a model it returns that
// model's beta h and beta J.
TEST(InverseIsing, ExactMaximumLikelihoodRecoversTheModelFromItsMoments) {
  const int32_t n = 8;
  Rng rng(6, 6);
  std::vector<double> K(n * n, 0.0), h(n);
  for (auto& x : h) x = rng.uniform() - 0.5;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) K[i * n + j] = rng.uniform() < 0.5 ? rng.uniform() - 0.4 : 0.0;
  std::vector<double> mean(n, 0.0), corr(n * n, 0.0);
  double Z = 0;
  for (int c = 0; c < (1 << n); ++c) {
    std::vector<double> s(n);
    for (int i = 0; i < n; ++i) s[i] = (c >> i) & 1 ? 1 : -1;
    double e = 0;
    for (int i = 0; i < n; ++i) {
      e += h[i] * s[i];
      for (int j = i + 1; j < n; ++j) e += K[i * n + j] * s[i] * s[j];
    }
    const double w = std::exp(e);
    Z += w;
    for (int i = 0; i < n; ++i) {
      mean[i] += w * s[i];
      for (int j = 0; j < n; ++j) corr[i * n + j] += w * s[i] * s[j];
    }
  }
  for (auto& x : mean) x /= Z;
  for (auto& x : corr) x /= Z;
  const DenseFit r = fit_exact_ml(mean, corr, n, 0);
  EXPECT_EQ(r.failures, 0);
  for (int i = 0; i < n; ++i) EXPECT_NEAR(r.fields[i].mean, h[i], 1e-6);
  for (const auto& c : r.couplings) EXPECT_NEAR(c.coupling.mean, K[c.a * n + c.b], 1e-6) << c.a << "," << c.b;
  EXPECT_THROW(fit_exact_ml(mean, corr, 21, 0), InputError);
}

// The fully visible Boltzmann machine on a 10-spin model with dense random couplings and fields:
// exact maximum likelihood from the exact moments returns the model to 1e-6; maximum likelihood
// by persistent Markov chains returns it within its stated errors (|z| < 4), from the exact
// moments (Monte Carlo error only) and from 20000 exact samples (data + Monte Carlo error).
TEST(BoltzmannMachine, RecoversTheCouplingsOfATenSpinModel) {
  const int32_t n = 10;
  Rng rng(10, 10);
  std::vector<double> K(n * n, 0.0), h(n);
  for (auto& x : h) x = 0.6 * (rng.uniform() - 0.5);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) K[i * n + j] = 0.6 * (rng.uniform() - 0.5);
  const int S = 1 << n;
  std::vector<double> p(S), mean(n, 0.0), corr(n * n, 0.0);
  double Z = 0;
  for (int c = 0; c < S; ++c) {
    double e = 0;
    for (int i = 0; i < n; ++i) {
      const double si = (c >> i) & 1 ? 1 : -1;
      e += h[i] * si;
      for (int j = i + 1; j < n; ++j) e += K[i * n + j] * si * ((c >> j) & 1 ? 1 : -1);
    }
    p[c] = std::exp(e);
    Z += p[c];
  }
  for (int c = 0; c < S; ++c) {
    p[c] /= Z;
    for (int i = 0; i < n; ++i) {
      const double si = (c >> i) & 1 ? 1 : -1;
      mean[i] += p[c] * si;
      for (int j = 0; j < n; ++j) corr[i * n + j] += p[c] * si * ((c >> j) & 1 ? 1 : -1);
    }
  }
  const DenseFit exact = fit_exact_ml(mean, corr, n, 0);
  EXPECT_EQ(exact.failures, 0);
  for (int i = 0; i < n; ++i) EXPECT_NEAR(exact.fields[i].mean, h[i], 1e-6);
  for (const auto& c : exact.couplings) EXPECT_NEAR(c.coupling.mean, K[c.a * n + c.b], 1e-6);

  auto expect_within_errors = [&](const DenseFit& r, const char* what, double max_error) {
    EXPECT_EQ(r.failures, 0) << what;
    double worst = 0;
    for (int i = 0; i < n; ++i) {
      EXPECT_GT(r.fields[i].error, 0.0);
      EXPECT_LT(r.fields[i].error, max_error) << what;
      worst = std::max(worst, std::fabs(r.fields[i].mean - h[i]) / r.fields[i].error);
    }
    for (const auto& c : r.couplings) {
      EXPECT_LT(c.coupling.error, max_error) << what;
      worst = std::max(worst, std::fabs(c.coupling.mean - K[c.a * n + c.b]) / c.coupling.error);
    }
    EXPECT_LT(worst, 4.0) << what << ": largest |z| over 55 parameters";
  };
  McmcFitOptions o;
  o.seed = 3;
  o.threads = 2;
  expect_within_errors(fit_mcmc_ml(mean, corr, n, 0, o), "MCMC from exact moments", 0.02);

  // 20000 exact samples (inverse CDF over the 1024 states).
  std::vector<double> cdf(S);
  std::partial_sum(p.begin(), p.end(), cdf.begin());
  const int64_t M = 20000;
  std::vector<Spin> samples;
  Rng draw(11, 0);
  for (int64_t k = 0; k < M; ++k) {
    const int c = static_cast<int>(std::lower_bound(cdf.begin(), cdf.end(), draw.uniform() * cdf.back()) - cdf.begin());
    for (int i = 0; i < n; ++i) samples.push_back((c >> i) & 1 ? 1 : -1);
  }
  std::vector<double> sm, sc;
  sample_moments(samples, n, &sm, &sc);
  expect_within_errors(fit_mcmc_ml(sm, sc, n, M, o), "MCMC from 20000 samples", 0.05);
  expect_within_errors(fit_exact_ml(sm, sc, n, M), "exact ML from 20000 samples", 0.05);
  EXPECT_THROW(fit_mcmc_ml(mean, corr, 41, 0, o), InputError);
}

// Pseudo-likelihood on 10^5 samples of a random sparse 30-spin model (couplings +-0.2..0.6 on
// ~10% of the pairs, fields): RMS error of the couplings, and no false bonds at 4 errors.
TEST(InverseIsing, PseudoLikelihoodRecoversASparseModelFromSamples) {
  const int32_t n = 30;
  Rng rng(8, 8);
  std::vector<Edge> edges;
  std::vector<double> truth(n * n, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (rng.uniform() < 0.1) {
        const double J = (rng.uniform() < 0.5 ? -1 : 1) * (0.2 + 0.4 * rng.uniform());
        edges.push_back({i, j, J});
        truth[i * n + j] = J;
      }
  std::vector<double> h(n);
  for (auto& x : h) x = 0.3 * (rng.uniform() - 0.5);
  const IsingModel m(Graph::from_edges(n, edges), h);
  auto move = make_move("heatbath", m, 1.0);
  Rng chain(9, 0);
  std::vector<Spin> s = hot_state(n, chain);
  const int64_t M = 100000;
  std::vector<Spin> samples;
  samples.reserve(M * n);
  for (int t = 0; t < 100; ++t) move->sweep(s, chain);
  for (int64_t k = 0; k < M; ++k) {
    for (int t = 0; t < 3; ++t) move->sweep(s, chain);  // nearly independent samples
    samples.insert(samples.end(), s.begin(), s.end());
  }
  DenseFitOptions o;
  o.threads = 2;
  const DenseFit r = infer_pseudolikelihood(samples, n, o);
  EXPECT_EQ(r.failures, 0);
  double se = 0;
  int false_bonds = 0, missed = 0;
  for (const auto& c : r.couplings) {
    const double t = truth[c.a * n + c.b];
    se += (c.coupling.mean - t) * (c.coupling.mean - t);
    const bool called = std::fabs(c.coupling.mean) > 4 * c.coupling.error;
    if (called && t == 0.0) ++false_bonds;
    if (!called && t != 0.0) ++missed;
    EXPECT_LT(std::fabs(c.coupling.mean - t), 4.5 * c.coupling.error) << c.a << "," << c.b;
  }
  const double rms = std::sqrt(se / r.couplings.size());
  std::printf("30 spins, %zu true bonds: RMS coupling error %.4f, false bonds %d, missed %d\n", edges.size(), rms,
              false_bonds, missed);
  EXPECT_LT(rms, 0.01);
  EXPECT_EQ(false_bonds, 0);
  EXPECT_EQ(missed, 0);
}

}  // namespace
}  // namespace spinlab
