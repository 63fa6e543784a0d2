// Wolff and Swendsen-Wang on the code paths the sampler tests leave out (regular graphs of
// degree 6, uniform and non-uniform couplings, graphs of uneven degree without a field, uniform
// fields, a vertex with more neighbours than the unrolled loops take), against exact results;
// and the batched random words: a fixed (seed, stream) gives a fixed trajectory.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "exact/enumerate.hpp"
#include "measure/simulate.hpp"
#include "test_util.hpp"
#include "sample/move.hpp"

using namespace spinlab;
using spinlab::testing::expect_z;

namespace {

struct Exact {
  double e = 0.0, c = 0.0, abs_m = 0.0;  // per spin: <E>/N, beta^2 Var(E)/N, <|M|>/N
};

Exact by_enumeration(const IsingModel& m, double beta) {
  EnumerationResult r = enumerate_exact(m, beta);
  return {r.energy_per_spin(), r.specific_heat_per_spin(), r.abs_magnetization_per_spin()};
}


void check(const IsingModel& m, double beta, const std::string& algo, const Exact& ex, uint64_t seed,
           const std::string& what, int64_t sweeps = 30000) {
  SimulationOptions o;
  o.algo = algo;
  o.betas = {beta};
  o.sweeps = sweeps;
  o.therm = 500;
  o.seed = seed;
  SimulationResult r = simulate(m, o);
  const PointResult& p = r.points[0];
  const std::string tag = what + " " + algo + " beta=" + std::to_string(beta);
  expect_z(p.energy_per_spin, ex.e, tag + " E/N");
  expect_z(p.specific_heat, ex.c, tag + " C/N");
  expect_z(p.abs_magnetization_per_spin, ex.abs_m, tag + " |M|/N");
}

// Circulant graph: i ~ i +- k for k in steps (6-regular for three steps), couplings J(i, j).
template <class Coupling>
IsingModel circulant(int n, std::vector<int> steps, Coupling J, double h = 0.0) {
  std::vector<Edge> e;
  for (int i = 0; i < n; ++i)
    for (int k : steps) e.push_back({i, (i + k) % n, J(i, (i + k) % n)});
  return IsingModel(Graph::from_edges(n, e), std::vector<double>(n, h));
}

// Star: leaves 0 .. m-1 and the hub m (the largest index, so all m bonds reach it from below).
IsingModel star(int m, double J, double h) {
  std::vector<Edge> e;
  for (int i = 0; i < m; ++i) e.push_back({i, m, J});
  return IsingModel(Graph::from_edges(m + 1, e), std::vector<double>(m + 1, h));
}

// The star exactly: k leaves up out of m, hub s0. E = -J s0 (2k - m) - h (s0 + 2k - m).
Exact star_exact(int m, double J, double h, double beta) {
  std::vector<double> logw, E, M;
  for (int s0 : {-1, 1})
    for (int k = 0; k <= m; ++k) {
      const double sum = 2.0 * k - m;
      E.push_back(-J * s0 * sum - h * (s0 + sum));
      M.push_back(s0 + sum);
      const double log_binom = std::lgamma(m + 1.0) - std::lgamma(k + 1.0) - std::lgamma(m - k + 1.0);
      logw.push_back(log_binom - beta * E.back());
    }
  double mx = logw[0];
  for (double x : logw) mx = std::max(mx, x);
  double z = 0, e1 = 0, am = 0;
  for (size_t k = 0; k < logw.size(); ++k) {
    const double w = std::exp(logw[k] - mx);
    z += w;
    e1 += w * E[k];
    am += w * std::fabs(M[k]);
  }
  e1 /= z;
  double var = 0;
  for (size_t k = 0; k < logw.size(); ++k) var += std::exp(logw[k] - mx) * (E[k] - e1) * (E[k] - e1);
  var /= z;
  const double n = m + 1.0;
  return {e1 / n, beta * beta * var / n, am / z / n};
}

}  // namespace

// Degree 6 everywhere (the unrolled Wolff loop), one coupling or many, with and without a field.
TEST(ClusterMoves, SixRegularGraphVsEnumeration) {
  const std::vector<int> steps = {1, 2, 3};
  IsingModel uniform = circulant(14, steps, [](int, int) { return 0.3; });
  IsingModel mixed = circulant(14, steps, [](int i, int j) { return 0.15 + 0.1 * ((i + 2 * j) % 4); });
  IsingModel field = circulant(14, steps, [](int, int) { return 0.3; }, 0.15);
  uint64_t seed = 400;
  for (const char* algo : {"wolff", "sw"})
    for (double beta : {0.35, 0.8}) {
      check(uniform, beta, algo, by_enumeration(uniform, beta), ++seed, "6-regular uniform");
      check(mixed, beta, algo, by_enumeration(mixed, beta), ++seed, "6-regular mixed J");
      check(field, beta, algo, by_enumeration(field, beta), ++seed, "6-regular uniform field");
    }
}

// Uneven degrees without a field (the general CSR loop), one coupling and many; a uniform
// field on a lattice (the ghost path with one coupling).
TEST(ClusterMoves, UnevenDegreesAndUniformFieldVsEnumeration) {
  IsingModel open = IsingModel::on_lattice(Lattice::square(4, Boundary::Open));
  std::vector<Edge> e;
  for (int i = 0; i < 13; ++i) {
    e.push_back({i, i + 1, 0.3 + 0.05 * (i % 5)});
    if (i % 3 == 0 && i + 4 < 14) e.push_back({i, i + 4, 0.6});
  }
  e.push_back({0, 13, 0.4});
  IsingModel mixed(Graph::from_edges(14, e));
  IsingModel field = IsingModel::on_lattice(Lattice::square(4), 0.2);
  uint64_t seed = 500;
  for (const char* algo : {"wolff", "sw", "wolff+metropolis"})
    for (double beta : {0.3, 0.7}) {
      check(open, beta, algo, by_enumeration(open, beta), ++seed, "open 4x4");
      check(mixed, beta, algo, by_enumeration(mixed, beta), ++seed, "uneven graph");
      check(field, beta, algo, by_enumeration(field, beta), ++seed, "4x4 torus h=0.2");
    }
}

// A hub with 70 neighbours: longer than the rows Wolff copies ahead and than the branch-free
// Swendsen-Wang loop takes (63).
TEST(ClusterMoves, StarWithLargeHubVsExact) {
  const int m = 70;
  uint64_t seed = 600;
  for (double h : {0.0, 0.1})
    for (const char* algo : {"wolff", "sw"})
      for (double beta : {0.2, 0.6}) {
        IsingModel s = star(m, 0.5, h);
        check(s, beta, algo, star_exact(m, 0.5, h, beta), ++seed, "star h=" + std::to_string(h), 20000);
      }
}

// Same (seed, stream): the same states and the same stream position, for any model; another
// stream: another trajectory.
TEST(ClusterMoves, TrajectoryFollowsSeedAndStream) {
  // Near or above the critical points, so that two streams practically never agree.
  std::vector<std::pair<IsingModel, double>> models;
  models.emplace_back(IsingModel::on_lattice(Lattice::square(12)), 0.4);
  models.emplace_back(IsingModel::on_lattice(Lattice::cubic(4), 0.1), 0.2);
  models.emplace_back(star(80, 0.4, 0.0), 0.5);
  for (const auto& [m, beta] : models)
    for (const char* algo : {"wolff", "sw"}) {
      auto run = [&](uint64_t stream, uint64_t* block) {
        auto mv = make_move(algo, m, beta);
        Rng rng(11, stream);
        auto s = hot_state(m.size(), rng);
        for (int t = 0; t < 20; ++t) mv->sweep(s, rng);
        mv->end_thermalization(s, rng);
        for (int t = 0; t < 20; ++t) mv->sweep(s, rng);
        *block = rng.block();
        return s;
      };
      uint64_t b1 = 0, b2 = 0, b3 = 0;
      const auto s1 = run(3, &b1), s2 = run(3, &b2), s3 = run(4, &b3);
      EXPECT_EQ(s1, s2) << algo << " N=" << m.size();
      EXPECT_EQ(b1, b2) << algo << " N=" << m.size();
      EXPECT_NE(s1, s3) << algo << " N=" << m.size();
    }
}
