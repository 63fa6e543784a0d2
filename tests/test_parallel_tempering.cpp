// Parallel tempering and spin-glass observables against exact enumeration of small SK instances.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <numeric>

#include "core/error.hpp"
#include "core/spin_glass.hpp"
#include "measure/spin_glass.hpp"
#include "sample/parallel_tempering.hpp"
#include "test_util.hpp"

namespace spinlab {
namespace {

using testing::expect_z;
using testing::spins_of;

// Exact equilibrium of two independent replicas at one beta.
struct ExactSpinGlass {
  double e = 0, q2 = 0, q4 = 0, abs_q = 0, ql = 0, g = 0;
  std::vector<double> pq;  // P(q), bin m for q = -1 + 2m/N
};

std::vector<double> all_energies(const IsingModel& model) {
  const int n = model.size();
  std::vector<double> E(size_t{1} << n);
  for (uint64_t b = 0; b < E.size(); ++b) E[b] = model.energy(spins_of(b, n));
  return E;
}

std::vector<double> boltzmann(const std::vector<double>& E, double beta) {
  const double emin = *std::min_element(E.begin(), E.end());
  std::vector<double> p(E.size());
  double z = 0;
  for (size_t b = 0; b < E.size(); ++b) z += p[b] = std::exp(-beta * (E[b] - emin));
  for (double& x : p) x /= z;
  return p;
}

// In-place Walsh-Hadamard transform (unnormalised; applying it twice multiplies by the size).
void walsh_hadamard(std::vector<double>& v) {
  for (size_t len = 1; len < v.size(); len <<= 1)
    for (size_t i = 0; i < v.size(); i += 2 * len)
      for (size_t j = i; j < i + len; ++j) {
        const double a = v[j], b = v[j + len];
        v[j] = a + b;
        v[j + len] = a - b;
      }
}

ExactSpinGlass exact_spin_glass(const IsingModel& model, const std::vector<double>& E,
                                double beta) {
  const int n = model.size();
  const std::vector<double> p = boltzmann(E, beta);
  ExactSpinGlass x;
  for (size_t b = 0; b < p.size(); ++b) x.e += p[b] * E[b] / n;
  // The distribution of r = s xor t for independent s, t ~ p is the XOR self-convolution of p:
  // WHT(conv) = WHT(p)^2. q = (N - 2 popcount(r)) / N, so bin m = N - popcount(r).
  std::vector<double> c = p;
  walsh_hadamard(c);
  for (double& v : c) v *= v;
  walsh_hadamard(c);
  x.pq.assign(n + 1, 0.0);
  for (uint64_t r = 0; r < c.size(); ++r)
    x.pq[n - std::popcount(r)] += c[r] / static_cast<double>(c.size());
  for (int m = 0; m <= n; ++m) {
    const double q = -1.0 + 2.0 * m / n;
    x.q2 += x.pq[m] * q * q;
    x.q4 += x.pq[m] * q * q * q * q;
    x.abs_q += x.pq[m] * std::fabs(q);
  }
  x.g = 0.5 * (3.0 - x.q4 / (x.q2 * x.q2));
  // Pair correlations give <q^2> a second way and the link overlap: <q_l> = mean_<ij> <s_i s_j>^2.
  std::vector<double> corr(static_cast<size_t>(n) * n, 0.0);
  for (uint64_t b = 0; b < p.size(); ++b)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        corr[i * n + j] += p[b] * (((b >> i) ^ (b >> j)) & 1 ? -1.0 : 1.0);
  double q2_pairs = 0;
  for (double v : corr) q2_pairs += v * v / (static_cast<double>(n) * n);
  EXPECT_NEAR(q2_pairs, x.q2, 1e-12);
  model.graph().for_each_edge([&](int32_t i, int32_t j, double) { x.ql += corr[i * n + j] * corr[i * n + j]; });
  x.ql /= static_cast<double>(model.graph().num_edges());
  return x;
}

// Exact exchange acceptance between beta1 < beta2: E_{s~p1, t~p2} min(1, exp((b1 - b2)(E_s -
// E_t))), summed over distinct energies.
double exact_exchange_acceptance(const std::vector<double>& E, double b1, double b2) {
  const std::vector<double> p1 = boltzmann(E, b1), p2 = boltzmann(E, b2);
  std::map<double, std::pair<double, double>> levels;  // energy -> (p1, p2)
  for (size_t b = 0; b < E.size(); ++b) {
    levels[E[b]].first += p1[b];
    levels[E[b]].second += p2[b];
  }
  double a = 0;
  for (const auto& [es, ps] : levels)
    for (const auto& [et, pt] : levels)
      a += ps.first * pt.second * std::min(1.0, std::exp((b1 - b2) * (es - et)));
  return a;
}

SpinGlassOptions sk_options() {
  SpinGlassOptions o;
  o.algo = "metropolis-sequential";
  o.betas = geometric_ladder(0.3, 2.0, 6);
  o.sweeps = 20000;
  o.therm = 2000;
  o.seed = 7;
  return o;
}

TEST(ParallelTempering, MatchesEnumerationOnSk12) {
  const IsingModel model = sherrington_kirkpatrick(12, Disorder::Gaussian, 3);
  const SpinGlassOptions o = sk_options();
  const SpinGlassResult r = run_spin_glass(model, o);
  const std::vector<double> E = all_energies(model);
  ASSERT_EQ(r.points.size(), o.betas.size());
  EXPECT_EQ(r.num_spins, 12);
  EXPECT_EQ(r.num_bonds, 66);
  for (const auto& p : r.points) {
    const ExactSpinGlass x = exact_spin_glass(model, E, p.beta);
    const std::string at = "beta " + std::to_string(p.beta);
    expect_z(p.energy_per_spin, x.e, at + " e");
    expect_z(p.q2, x.q2, at + " q2");
    expect_z(p.q4, x.q4, at + " q4");
    expect_z(p.abs_q, x.abs_q, at + " |q|");
    expect_z(p.link_overlap, x.ql, at + " q_l");
    expect_z(p.chi_sg, 12.0 * x.q2, at + " chi_SG");
    expect_z(p.binder_g, x.g, at + " g");
    expect_z(p.q, 0.0, at + " q (spin-flip symmetry)");
    ASSERT_EQ(p.overlap_histogram.size(), 13u);
    EXPECT_NEAR(std::accumulate(p.overlap_histogram.begin(), p.overlap_histogram.end(), 0.0), 1.0,
                1e-12);
    // P(q) bin by bin: 20000 correlated measurements, so allow 0.02 absolute (the bins are <= 0.5).
    for (int m = 0; m <= 12; ++m)
      EXPECT_NEAR(p.overlap_histogram[m], x.pq[m], 0.02) << at << " bin " << m;
  }
  // Exchange acceptance against the exact value of each pair. ~20000 attempts per pair (binomial
  // sd <= 0.0035); 0.03 leaves room for the correlation between successive attempts.
  ASSERT_EQ(r.exchange_acceptance.size(), o.betas.size() - 1);
  for (size_t k = 0; k + 1 < o.betas.size(); ++k) {
    const double exact = exact_exchange_acceptance(E, r.betas[k], r.betas[k + 1]);
    EXPECT_GT(r.exchange_acceptance[k], 0.0);
    EXPECT_LT(r.exchange_acceptance[k], 1.0);
    EXPECT_NEAR(r.exchange_acceptance[k], exact, 0.03) << "pair " << k;
    EXPECT_NEAR(r.exchange_acceptance_a[k], r.exchange_acceptance_b[k], 0.05) << "pair " << k;
  }
  EXPECT_GT(r.round_trips_a, 0);
  EXPECT_GT(r.round_trips_b, 0);
  // A replica moves at most one slot per step, so a trip takes at least 2 (R - 1) steps.
  EXPECT_GE(r.mean_round_trip_steps, 2.0 * (o.betas.size() - 1));
  EXPECT_TRUE(r.equilibrated) << (r.warnings.empty() ? "" : r.warnings.front());
}

TEST(ParallelTempering, OtherMovesAndSparseGraphsAgreeWithEnumeration) {
  // On SK q_l = (N^2 q^2 - N) / (2 N_b) exactly, so the link overlap is only a separate check
  // on a sparse graph: a 3-regular random graph with 12 vertices.
  struct Case {
    IsingModel model;
    const char* algo;
  };
  const Case cases[] = {{sherrington_kirkpatrick(10, Disorder::Gaussian, 11), "heatbath-random"},
                        {random_regular(12, 3, Disorder::Gaussian, 8), "metropolis"}};
  for (const Case& c : cases) {
    const std::vector<double> E = all_energies(c.model);
    SpinGlassOptions o;
    o.algo = c.algo;
    o.betas = geometric_ladder(0.5, 1.8, 4);
    o.sweeps = 8000;
    o.therm = 500;
    o.seed = 5;
    const SpinGlassResult r = run_spin_glass(c.model, o);
    for (const auto& p : r.points) {
      const ExactSpinGlass x = exact_spin_glass(c.model, E, p.beta);
      const std::string at = std::string(c.algo) + " at " + std::to_string(p.beta);
      expect_z(p.energy_per_spin, x.e, at + " e");
      expect_z(p.q2, x.q2, at + " q2");
      expect_z(p.link_overlap, x.ql, at + " q_l");
      expect_z(p.binder_g, x.g, at + " g");
    }
  }
}

TEST(ParallelTempering, BookkeepingInvariants) {
  const IsingModel model = sherrington_kirkpatrick(9, Disorder::PlusMinusOne, 2);
  ParallelTempering pt(model, "metropolis", geometric_ladder(0.2, 1.5, 5), 3, 40);
  const int R = pt.num_temperatures();
  for (int t = 0; t < 200; ++t) {
    pt.step();
    for (int c = 0; c < ParallelTempering::kSets; ++c) {
      std::vector<int> seen(R, 0);
      for (int k = 0; k < R; ++k) {
        ++seen[pt.replica_at(c, k)];
        EXPECT_DOUBLE_EQ(pt.energy(c, k), model.energy(pt.state(c, k)));
      }
      for (int v : seen) ASSERT_EQ(v, 1);  // a permutation
    }
  }
  // Even pairs on even steps, odd pairs on odd steps: 100 attempts each after 200 steps.
  for (int c = 0; c < 2; ++c)
    for (int k = 0; k + 1 < R; ++k) EXPECT_EQ(pt.exchange_attempts(c, k), 100);
  pt.reset_statistics();
  EXPECT_EQ(pt.exchange_attempts(0, 0), 0);
  EXPECT_EQ(pt.round_trips(0) + pt.round_trips(1), 0);
  EXPECT_EQ(pt.mean_round_trip_steps(), 0.0);
  EXPECT_EQ(ParallelTempering::streams_per_sample(5), 12u);
}

TEST(ParallelTempering, SameSeedSameResultAndStreamsMatter) {
  const IsingModel model = sherrington_kirkpatrick(10, Disorder::Gaussian, 4);
  SpinGlassOptions o;
  o.betas = geometric_ladder(0.4, 1.6, 4);
  o.sweeps = 600;
  o.therm = 100;
  o.seed = 9;
  const SpinGlassResult a = run_spin_glass(model, o), b = run_spin_glass(model, o);
  for (size_t k = 0; k < a.points.size(); ++k) {
    EXPECT_EQ(a.points[k].q2.mean, b.points[k].q2.mean);
    EXPECT_EQ(a.points[k].q2.error, b.points[k].q2.error);
    EXPECT_EQ(a.points[k].energy_per_spin.mean, b.points[k].energy_per_spin.mean);
    EXPECT_EQ(a.points[k].binder_g.mean, b.points[k].binder_g.mean);
    EXPECT_EQ(a.points[k].overlap_histogram, b.points[k].overlap_histogram);
  }
  EXPECT_EQ(a.exchange_acceptance, b.exchange_acceptance);
  EXPECT_EQ(a.mean_round_trip_steps, b.mean_round_trip_steps);
  SpinGlassOptions o2 = o;
  o2.seed = 10;
  EXPECT_NE(run_spin_glass(model, o2).points[0].energy_per_spin.mean,
            a.points[0].energy_per_spin.mean);
  SpinGlassOptions o3 = o;
  o3.sample_index = 1;
  EXPECT_NE(run_spin_glass(model, o3).points[0].energy_per_spin.mean,
            a.points[0].energy_per_spin.mean);
}

TEST(DisorderAverage, DoesNotDependOnThreadsAndMatchesSingleRuns) {
  auto make = [](uint64_t s) { return sherrington_kirkpatrick(8, Disorder::Gaussian, 100 + s); };
  SpinGlassOptions o;
  o.betas = geometric_ladder(0.4, 1.5, 4);
  o.sweeps = 4000;
  o.therm = 400;
  o.seed = 21;
  const int S = 5;
  const DisorderAverage one = average_over_samples(make, o, S, 1);
  const DisorderAverage two = average_over_samples(make, o, S, 2);
  ASSERT_EQ(one.points.size(), 4u);
  EXPECT_EQ(one.samples, S);
  EXPECT_EQ(one.num_spins, 8);
  for (size_t k = 0; k < one.points.size(); ++k) {
    EXPECT_EQ(one.points[k].q2.mean, two.points[k].q2.mean);
    EXPECT_EQ(one.points[k].q2.error, two.points[k].q2.error);
    EXPECT_EQ(one.points[k].binder_g.mean, two.points[k].binder_g.mean);
    EXPECT_EQ(one.points[k].binder_g.error, two.points[k].binder_g.error);
    EXPECT_EQ(one.points[k].overlap_histogram, two.points[k].overlap_histogram);
  }
  // Sample 3 of the average is exactly the single run with sample_index 3.
  SpinGlassOptions o3 = o;
  o3.sample_index = 3;
  const SpinGlassResult single = run_spin_glass(make(3), o3);
  EXPECT_EQ(single.points[2].q2.mean, one.per_sample[3].points[2].q2.mean);
  // Disorder averages against the exact averages over the same instances. The error bars are
  // spreads across samples, so they also cover sample-to-sample fluctuations (a loose check).
  for (size_t k = 0; k < one.points.size(); ++k) {
    double q2 = 0, q4 = 0, e = 0;
    for (int s = 0; s < S; ++s) {
      const IsingModel m = make(s);
      const ExactSpinGlass x = exact_spin_glass(m, all_energies(m), one.betas[k]);
      q2 += x.q2 / S;
      q4 += x.q4 / S;
      e += x.e / S;
    }
    const auto& p = one.points[k];
    expect_z(p.q2, q2, "[<q2>]");
    expect_z(p.chi_sg, 8 * q2, "chi_SG");
    expect_z(p.energy_per_spin, e, "[<e>]");
    EXPECT_GT(p.binder_g.error, 0.0);
    EXPECT_LT(std::fabs(p.binder_g.mean - 0.5 * (3.0 - q4 / (q2 * q2))),
              4.0 * p.binder_g.error + 1e-3);
    EXPECT_NEAR(std::accumulate(p.overlap_histogram.begin(), p.overlap_histogram.end(), 0.0), 1.0,
                1e-12);
  }
}

TEST(Ladder, GeometricEndpointsAndRatio) {
  const auto b = geometric_ladder(0.25, 4.0, 5);
  ASSERT_EQ(b.size(), 5u);
  EXPECT_EQ(b.front(), 0.25);
  EXPECT_EQ(b.back(), 4.0);
  for (int k = 1; k < 5; ++k) EXPECT_NEAR(b[k] / b[k - 1], 2.0, 1e-12);
  EXPECT_EQ(geometric_ladder(1.5, 1.5, 1), std::vector<double>{1.5});
  EXPECT_THROW(geometric_ladder(0.0, 1.0, 3), InputError);
  EXPECT_THROW(geometric_ladder(2.0, 1.0, 3), InputError);
  EXPECT_THROW(geometric_ladder(1.0, 2.0, 0), InputError);
  EXPECT_THROW(geometric_ladder(1.0, 2.0, 1), InputError);
}

TEST(Ladder, EqualizeAcceptanceStep) {
  // Equal rates: the ladder is a fixed point.
  const std::vector<double> b = {0.1, 0.3, 0.6, 1.0};
  const std::vector<double> same = {0.4, 0.4, 0.4};
  const auto f = equalize_acceptance_ladder(b, same);
  for (size_t k = 0; k < b.size(); ++k) EXPECT_NEAR(f[k], b[k], 1e-9);
  // Gaussian model A = erfc(d sigma / 2) with one sigma: a full step (damping 1) spaces evenly.
  const std::vector<double> g = {0.0, 0.1, 1.0};
  const std::vector<double> rates = {std::erfc(0.1 / 2), std::erfc(0.9 / 2)};
  const auto even = equalize_acceptance_ladder(g, rates, 1.0);
  EXPECT_EQ(even.front(), 0.0);
  EXPECT_EQ(even.back(), 1.0);
  EXPECT_NEAR(even[1], 0.5, 1e-9);
  // A hard upper pair pulls the middle beta up.
  EXPECT_GT(equalize_acceptance_ladder(g, std::vector<double>{0.9, 0.1})[1], 0.1);
}

TEST(Ladder, AdaptiveLadderEvensOutAcceptance) {
  const IsingModel model = sherrington_kirkpatrick(12, Disorder::Gaussian, 3);
  SpinGlassOptions o;
  // Linear spacing in beta is far from even acceptance for SK (hot pairs accept almost always).
  o.betas = {0.1, 0.6, 1.1, 1.6, 2.1, 2.6, 3.1};
  o.sweeps = 4000;
  o.therm = 4000;
  o.seed = 13;
  const SpinGlassResult fixed = run_spin_glass(model, o);
  o.adaptive_ladder = true;
  const SpinGlassResult tuned = run_spin_glass(model, o);
  EXPECT_EQ(tuned.betas.front(), 0.1);
  EXPECT_EQ(tuned.betas.back(), 3.1);
  for (size_t k = 1; k < tuned.betas.size(); ++k) EXPECT_GT(tuned.betas[k], tuned.betas[k - 1]);
  auto spread = [](const std::vector<double>& a) {
    const auto [lo, hi] = std::minmax_element(a.begin(), a.end());
    return *hi - *lo;
  };
  EXPECT_LT(spread(tuned.exchange_acceptance), 0.5 * spread(fixed.exchange_acceptance))
      << "fixed spread " << spread(fixed.exchange_acceptance) << " tuned "
      << spread(tuned.exchange_acceptance);
  // tune_ladder gives the same ladder (same streams, same pilot).
  EXPECT_EQ(tune_ladder(model, o), tuned.betas);
}

TEST(SpinGlassRun, LastTwoBinsFlagDrift) {
  Rng rng(1, 0);
  std::vector<double> flat(4096), drift(4096);
  for (size_t t = 0; t < flat.size(); ++t) {
    flat[t] = rng.uniform();
    drift[t] = flat[t] + 0.5 * static_cast<double>(t) / 4096.0;
  }
  const Estimate d0 = last_two_bins_difference(flat), d1 = last_two_bins_difference(drift);
  EXPECT_LT(std::fabs(d0.mean / d0.error), 4.0);
  EXPECT_GT(d1.mean / d1.error, 10.0);
  EXPECT_EQ(last_two_bins_difference(std::span<const double>(flat).first(20)).error, 0.0);
}

TEST(SpinGlassRun, UnthermalisedRunIsFlagged) {
  // A 32x32 +-J Edwards-Anderson glass quenched from a random state to T = 1/3 without
  // thermalisation (one temperature, so no exchanges): its energy still falls (coarsening)
  // between the last two logarithmic bins.
  const IsingModel model = edwards_anderson(2, 32, Disorder::PlusMinusOne, 5);
  SpinGlassOptions o;
  o.betas = {3.0};
  o.sweeps = 1000;
  o.therm = 0;
  const SpinGlassResult r = run_spin_glass(model, o);
  EXPECT_FALSE(r.equilibrated);
  ASSERT_FALSE(r.warnings.empty());
  const auto& e = r.points[0].stability[1];
  EXPECT_EQ(e.observable, "e");
  EXPECT_LT(e.z, -4.0);
  EXPECT_TRUE(r.exchange_acceptance.empty());
  EXPECT_EQ(r.round_trips_a + r.round_trips_b, 0);
}

TEST(SpinGlassRun, BadOptionsThrowInputError) {
  const IsingModel model = sherrington_kirkpatrick(6, Disorder::Gaussian, 1);
  SpinGlassOptions o;
  o.betas = {0.5, 1.0};
  o.sweeps = 100;
  EXPECT_NO_THROW(run_spin_glass(model, o));
  auto bad = [&](auto change) {
    SpinGlassOptions b = o;
    change(b);
    EXPECT_THROW(run_spin_glass(model, b), InputError);
  };
  bad([](SpinGlassOptions& b) { b.betas.clear(); });
  bad([](SpinGlassOptions& b) { b.betas = {1.0, 0.5}; });
  bad([](SpinGlassOptions& b) { b.betas = {0.5, 0.5}; });
  bad([](SpinGlassOptions& b) { b.betas = {-1.0, 0.5}; });
  bad([](SpinGlassOptions& b) { b.sweeps = 1; });
  bad([](SpinGlassOptions& b) { b.therm = -1; });
  bad([](SpinGlassOptions& b) { b.measure_every = 0; });
  bad([](SpinGlassOptions& b) { b.algo = "no-such-move"; });
  bad([](SpinGlassOptions& b) {
    b.adaptive_ladder = true;
    b.ladder_rounds = 0;
  });
  EXPECT_THROW(ParallelTempering(model, "metropolis", {1.0, 0.5}, 1), InputError);
  EXPECT_THROW(ParallelTempering(model, "metropolis", {}, 1), InputError);
  auto make = [](uint64_t s) { return sherrington_kirkpatrick(6, Disorder::Gaussian, s); };
  EXPECT_THROW(average_over_samples(make, o, 0, 1), InputError);
  EXPECT_THROW(average_over_samples(make, o, 2, 0), InputError);
  auto sizes = [](uint64_t s) {
    return sherrington_kirkpatrick(6 + static_cast<int>(s), Disorder::Gaussian, 1);
  };
  EXPECT_THROW(average_over_samples(sizes, o, 2, 1), InputError);
}

}  // namespace
}  // namespace spinlab
