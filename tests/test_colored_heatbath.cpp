// heatbath-colored (sample/colored_heatbath.hpp): the exact distribution of a 12-node signed network
// with fields and a zealot, the heat-bath formula per site, a sweep against the generic heat-bath
// applied in the kernel's order with the kernel's words (bit for bit), thread-count independence,
// and agreement with the generic heat-bath on a mid-size random graph.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "measure/estimators.hpp"
#include "measure/simulate.hpp"
#include "sample/colored_heatbath.hpp"
#include "sample/move.hpp"
#include "test_util.hpp"

using namespace spinlab;
using spinlab::testing::expect_z;
using spinlab::testing::spins_of;
using spinlab::testing::z_difference;

namespace {

// n nodes, each pair joined with probability `density` plus a ring (connected, not bipartite for odd
// n), couplings +-J with a fraction `negative` antagonistic, fields drawn from `fields` (empty: none).
IsingModel signed_graph(int n, double density, double negative, double J, const std::vector<double>& fields,
                        uint64_t seed) {
  Rng rng(seed, 5);
  std::vector<Edge> e;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (j == i + 1 || (i == 0 && j == n - 1) || rng.uniform() < density)
        e.push_back({i, j, rng.uniform() < negative ? -J : J});
  std::vector<double> h(n, 0.0);
  if (!fields.empty())
    for (double& x : h) x = fields[rng.below(static_cast<uint32_t>(fields.size()))];
  return IsingModel(Graph::from_edges(n, e), h);
}

// A sparse random graph with mean degree ~k (no ring): for the mid-size checks.
IsingModel sparse_graph(int n, double k, double negative, uint64_t seed) {
  Rng rng(seed, 6);
  std::vector<Edge> e;
  const auto m = static_cast<int64_t>(k * n / 2);
  for (int64_t t = 0; t < m; ++t) {
    const auto i = static_cast<int32_t>(rng.below(n)), j = static_cast<int32_t>(rng.below(n));
    if (i != j) e.push_back({i, j, rng.uniform() < negative ? -1.0 : 1.0});
  }
  // Duplicates merge by summing (2 or 0): keep one copy of each pair so |J| stays 1.
  std::map<std::pair<int32_t, int32_t>, double> once;
  for (const Edge& x : e) once.emplace(std::pair{std::min(x.i, x.j), std::max(x.i, x.j)}, x.w);
  std::vector<Edge> u;
  for (const auto& [ij, w] : once) u.push_back({ij.first, ij.second, w});
  std::vector<double> h(n);
  for (double& x : h) x = 0.2 * (rng.uniform() - 0.5);
  return IsingModel(Graph::from_edges(n, u), h);
}

// The stream positioned so that its next word is the one of position p in a sweep whose first
// reserved block is `base`: word (p % 64) / 16 of block base + 16 (p / 64) + p % 16 (the header).
Rng stream_at_word(uint64_t seed, uint64_t stream, uint64_t base, int64_t p) {
  Rng r(seed, stream, base + 16 * static_cast<uint64_t>(p / 64) + static_cast<uint64_t>(p % 16));
  for (int64_t j = 0; j < (p % 64) / 16; ++j) r.next_u32();
  return r;
}

}  // namespace

TEST(ColoredHeatbath, RegisteredAndPicksItsKernel) {
  const IsingModel m = signed_graph(12, 0.3, 0.3, 0.7, {0.1, -0.2}, 1);
  ASSERT_TRUE(colored_heatbath_applies(m));
  auto mv = make_move("heatbath-colored", m, 0.5);
  EXPECT_EQ(mv->name(), "heatbath-colored");
  EXPECT_EQ(mv->kernel(), "colored-signed-table");
  EXPECT_EQ(mv->set_threads(2), 1);  // 12 spins: one thread (see make_colored_heatbath)
  // Weighted couplings: not this kernel; the generic colour-order heat-bath runs instead.
  const IsingModel w(Graph::from_edges(3, std::vector<Edge>{{0, 1, 1.0}, {1, 2, 0.5}}));
  EXPECT_FALSE(colored_heatbath_applies(w));
  auto fallback = make_move("heatbath-colored", w, 0.5);
  EXPECT_EQ(fallback->name(), "heatbath-checkerboard");
  EXPECT_EQ(fallback->kernel(), "csr");
  EXPECT_THROW(mv->set_threads(0), InputError);
}

// P(s_i -> +1) = 1 / (1 + exp(-2 beta f_i)) to the 32-bit threshold, f_i = sum_j J_ij s_j + h_i, the
// very number the generic heat-bath uses; zealots never flip.
TEST(ColoredHeatbath, FlipProbabilityIsTheHeatBathFormula) {
  IsingModel m = signed_graph(12, 0.35, 0.4, 0.7, {0.3, -0.25, 0.05}, 2);
  std::vector<Spin> frozen(12, 0);
  frozen[3] = 1;
  m.set_frozen(frozen);
  for (double beta : {0.0, 0.4, 1.3, 40.0}) {
    auto mv = make_colored_heatbath(m, beta);
    auto ref = make_single_spin(m, beta, SingleSpinRule::HeatBath, SiteOrder::Sequential);
    Rng rng(4, 1);
    for (int t = 0; t < 50; ++t) {
      auto s = hot_state(12, rng);
      m.pin(s);
      for (int32_t i = 0; i < 12; ++i) {
        const double f = m.local_field(i, s);
        const double up =
            static_cast<double>(acceptance_threshold(1.0 / (1.0 + std::exp(-2.0 * beta * f)))) * 0x1.0p-32;
        const double expect = m.is_frozen(i) ? 0.0 : (s[i] > 0 ? 1.0 - up : up);
        EXPECT_EQ(mv->flip_probability(i, s), expect) << "beta " << beta << " site " << i;
        EXPECT_EQ(mv->flip_probability(i, s), ref->flip_probability(i, s));
      }
    }
  }
}

// The sweep is the generic heat-bath (single_spin.cpp) applied to the kernel's nodes in the kernel's
// colour order, each drawing the word the header assigns to its position: bit for bit, for 1, 2 and
// 3 threads, on a graph with several colour classes, many word groups, signs, fields and zealots.
TEST(ColoredHeatbath, SweepIsTheReferenceInColourOrderForAnyThreadCount) {
  // 3000 nodes: thresholds from the table; 40000 nodes with 40000 distinct fields: per update.
  for (const auto& [n, kernel] : {std::pair{3000, "colored-signed-table"}, std::pair{40000, "colored-signed-exp"}}) {
    IsingModel m = sparse_graph(n, 6.0, 0.3, 7);
    std::vector<Spin> frozen(n, 0);
    int32_t zealots = 0;
    for (int32_t i = 0; i < n; i += 97, ++zealots) frozen[i] = i % 2 ? 1 : -1;
    m.set_frozen(frozen);
    const double beta = 0.6;
    auto ref = make_single_spin(m, beta, SingleSpinRule::HeatBath, SiteOrder::Sequential);
    std::vector<Spin> start;
    {
      Rng r(9, 9);
      start = hot_state(n, r);
      m.pin(start);
    }
    // The reference chain.
    auto probe = make_colored_heatbath(m, beta);
    std::vector<int32_t> nodes;
    std::vector<int64_t> classes;
    detail::colored_heatbath_order(*probe, &nodes, &classes);
    ASSERT_GE(classes.size(), 4u);  // at least 3 colour classes
    ASSERT_EQ(classes.back(), static_cast<int64_t>(nodes.size()));
    ASSERT_EQ(nodes.size(), static_cast<size_t>(n - zealots));  // zealots are not updated
    EXPECT_EQ(probe->kernel(), kernel);
    const uint64_t blocks = 16 * ((nodes.size() + 63) / 64);
    std::vector<Spin> expect = start;
    {
      Rng rng(21, 3);
      for (int sweep = 0; sweep < 5; ++sweep) {
        const uint64_t base = rng.take_blocks(blocks);
        for (size_t p = 0; p < nodes.size(); ++p) {
          Rng at = stream_at_word(21, 3, base, static_cast<int64_t>(p));  // update_site draws one word
          ref->update_site(nodes[p], expect, at);
        }
      }
    }
    for (int threads : {1, 2, 3}) {
      auto mv = make_colored_heatbath(m, beta, threads);
      Rng rng(21, 3);
      std::vector<Spin> s = start;
      for (int sweep = 0; sweep < 5; ++sweep) mv->sweep(s, rng);
      EXPECT_EQ(s, expect) << threads << " threads";
      EXPECT_EQ(rng.block(), 5 * blocks);
    }
  }
}

// 12 nodes, signed +-0.7 ties, per-node fields and one zealot (node 3 pinned to +1): the chain's
// averages of E, M, |M|, every s_i, every s_i s_j on an edge and the probabilities of the 12 most
// likely states against exact enumeration of the 2^11 free configurations, |z| < 4.
TEST(ColoredHeatbath, TwelveNodeSignedNetworkMatchesEnumeration) {
  IsingModel m = signed_graph(12, 0.3, 0.35, 0.7, {0.3, -0.2, 0.1, 0.0}, 3);
  std::vector<Spin> frozen(12, 0);
  frozen[3] = 1;
  m.set_frozen(frozen);
  const auto edges = m.graph().edges();
  for (double beta : {0.35, 0.9}) {
    // Exact: the states with s_3 = +1, weights exp(-beta E).
    std::vector<double> pr(4096, 0.0);
    double z = 0.0;
    for (uint64_t c = 0; c < 4096; ++c)
      if ((c >> 3) & 1) z += pr[c] = std::exp(-beta * m.energy(spins_of(c, 12)));
    double eE = 0, eM = 0, eA = 0;
    std::vector<double> es(12, 0.0), ess(edges.size(), 0.0);
    for (uint64_t c = 0; c < 4096; ++c) {
      if (pr[c] == 0.0) continue;
      pr[c] /= z;
      const auto s = spins_of(c, 12);
      const double M = static_cast<double>(IsingModel::magnetization(s));
      eE += pr[c] * m.energy(s);
      eM += pr[c] * M;
      eA += pr[c] * std::fabs(M);
      for (int i = 0; i < 12; ++i) es[i] += pr[c] * s[i];
      for (size_t k = 0; k < edges.size(); ++k) ess[k] += pr[c] * s[edges[k].i] * s[edges[k].j];
    }
    std::vector<uint64_t> top(4096);
    for (uint64_t c = 0; c < 4096; ++c) top[c] = c;
    std::partial_sort(top.begin(), top.begin() + 12, top.end(), [&](uint64_t a, uint64_t b) { return pr[a] > pr[b]; });
    // The chain.
    auto mv = make_colored_heatbath(m, beta);
    Rng rng(31, beta > 0.5 ? 1 : 0);
    auto s = hot_state(12, rng);
    m.pin(s);
    for (int t = 0; t < 1000; ++t) mv->sweep(s, rng);
    const int nmeas = 100000;
    std::vector<std::vector<double>> series(3 + 12 + edges.size() + 12, std::vector<double>(nmeas));
    for (int t = 0; t < nmeas; ++t) {
      mv->sweep(s, rng);
      ASSERT_EQ(s[3], 1);
      const double M = static_cast<double>(IsingModel::magnetization(s));
      size_t k = 0;
      series[k++][t] = m.energy(s);
      series[k++][t] = M;
      series[k++][t] = std::fabs(M);
      for (int i = 0; i < 12; ++i) series[k++][t] = s[i];
      for (const Edge& e : edges) series[k++][t] = s[e.i] * s[e.j];
      uint64_t c = 0;
      for (int i = 0; i < 12; ++i) c |= static_cast<uint64_t>(s[i] > 0) << i;
      for (int r = 0; r < 12; ++r) series[k++][t] = c == top[r];
    }
    const std::string tag = "beta " + std::to_string(beta);
    size_t k = 0;
    expect_z(estimate_mean(series[k++]), eE, tag + " E");
    expect_z(estimate_mean(series[k++]), eM, tag + " M");
    expect_z(estimate_mean(series[k++]), eA, tag + " |M|");
    for (int i = 0; i < 12; ++i) {
      if (i == 3) {
        ++k;
        continue;
      }
      expect_z(estimate_mean(series[k++]), es[i], tag + " s" + std::to_string(i));
    }
    for (size_t e = 0; e < edges.size(); ++e)
      expect_z(estimate_mean(series[k++]), ess[e], tag + " bond " + std::to_string(e));
    for (int r = 0; r < 12; ++r)
      expect_z(estimate_mean(series[k++]), pr[top[r]], tag + " P(state " + std::to_string(top[r]) + ")");
  }
}

// One beta point with threads = 1 and 2 through simulate: the second thread goes inside the sweep
// (kernel_threads = 2) and every estimate is bit-identical.
TEST(ColoredHeatbath, SimulateResultsDoNotDependOnThreads) {
  const IsingModel m = sparse_graph(40000, 8.0, 0.0, 12);  // >= 2 x 16384 spins: 2 threads used
  SimulationOptions o;
  o.algo = "heatbath-colored";
  o.betas = {0.2};
  o.sweeps = 100;
  o.therm = 20;
  o.seed = 5;
  o.threads = 1;
  const SimulationResult a = simulate(m, o);
  o.threads = 2;
  const SimulationResult b = simulate(m, o);
  EXPECT_EQ(a.kernel_threads, 1);
  EXPECT_EQ(b.kernel_threads, 2);
  EXPECT_EQ(b.kernel, "colored-exp");  // 40000 distinct fields: thresholds computed per update
  EXPECT_EQ(a.points[0].energy_per_spin.mean, b.points[0].energy_per_spin.mean);
  EXPECT_EQ(a.points[0].abs_magnetization_per_spin.mean, b.points[0].abs_magnetization_per_spin.mean);
  EXPECT_EQ(a.points[0].susceptibility.mean, b.points[0].susceptibility.mean);
}

// A mid-size signed random graph with fields (N = 2000, <k> = 6): E/N and |M|/N of heatbath-colored
// and the generic heatbath-sequential agree within their errors, near (0.22) and below the
// ferromagnet's transition, and on a signed graph.
TEST(ColoredHeatbath, AgreesWithTheGenericHeatBath) {
  for (double negative : {0.0, 0.25}) {
    const IsingModel m = sparse_graph(2000, 6.0, negative, 17);
    for (double beta : {0.22, 0.4}) {
      SimulationOptions o;
      o.betas = {beta};
      o.sweeps = 6000;
      o.therm = 600;
      o.seed = 8;
      o.algo = "heatbath-colored";
      const PointResult c = simulate(m, o).points[0];
      o.algo = "heatbath-sequential";
      o.seed = 9;
      const PointResult g = simulate(m, o).points[0];
      const std::string tag = "negative " + std::to_string(negative) + " beta " + std::to_string(beta);
      EXPECT_LT(std::fabs(z_difference(c.energy_per_spin, g.energy_per_spin)), 4.0)
          << tag << " E/N " << c.energy_per_spin.mean << " vs " << g.energy_per_spin.mean;
      EXPECT_LT(std::fabs(z_difference(c.abs_magnetization_per_spin, g.abs_magnetization_per_spin)), 4.0)
          << tag << " |M|/N " << c.abs_magnetization_per_spin.mean << " vs " << g.abs_magnetization_per_spin.mean;
    }
  }
}
