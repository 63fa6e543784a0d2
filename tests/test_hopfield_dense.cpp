// Dense associative memory: O(P) energy differences vs brute force, energy descent, retrieval at
// low load and failure at high load, the overload classification, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "memory/dense.hpp"

namespace spinlab {
namespace {

// Delta E from the kept overlaps equals E(flipped) - E(s) computed from scratch, for every neuron.
TEST(DenseMemory, EnergyDifferenceMatchesBruteForce) {
  for (const char* spec : {"poly:2", "poly:3", "poly:4", "poly:5", "exp"}) {
    const DamEnergy e = parse_dam_energy(spec);
    const int n = 24;
    const Patterns p = random_patterns(n, 7, 0.0, 3, 0);
    DenseMemory dm(p, e);
    Rng rng(2, 2);
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<Spin> s(n);
      for (Spin& x : s) x = rng.next_u32() & 1 ? 1 : -1;
      std::vector<int32_t> M(7);
      dm.overlaps(s, M);
      const double e0 = dm.energy(s);
      for (int i = 0; i < n; ++i) {
        std::vector<Spin> t(s);
        t[i] = static_cast<Spin>(-t[i]);
        const double exact = dm.energy(t) - e0;
        const double fast = dm.delta_energy(i, s, M);
        if (e.exponential) EXPECT_NEAR(fast, exact, 1e-9 * std::fabs(e0)) << spec;
        else EXPECT_EQ(fast, exact) << spec << " i=" << i;  // integers: exact
      }
    }
  }
}

TEST(DenseMemory, AsynchronousDynamicsLowersTheEnergyAndKeepsOverlaps) {
  const int n = 40;
  const Patterns p = random_patterns(n, 60, 0.0, 5, 0);
  for (const char* spec : {"poly:3", "exp"}) {
    DenseMemory dm(p, parse_dam_energy(spec));
    Rng rng(7, 1);
    std::vector<Spin> s(n);
    for (Spin& x : s) x = rng.next_u32() & 1 ? 1 : -1;
    std::vector<int32_t> M(60), fresh(60);
    dm.overlaps(s, M);
    double e = dm.energy(s);
    bool done = false;
    for (int sweep = 0; sweep < 100 && !done; ++sweep) {
      done = dm.relax_async(s, M, rng, 1).converged;
      const double e2 = dm.energy(s);
      EXPECT_LE(e2, e + 1e-9 * std::fabs(e)) << spec;
      e = e2;
    }
    EXPECT_TRUE(done);
    dm.overlaps(s, fresh);
    EXPECT_EQ(M, fresh);
    for (int i = 0; i < n; ++i) EXPECT_GE(dm.delta_energy(i, s, M), 0.0) << spec;  // a local minimum
  }
}

// poly:3 at N = 60 stores P = 100 > 0.138 N patterns (beyond Hebb) and repairs noisy cues;
// poly:2 (Hebb) at the same load does not.
TEST(DenseMemory, CubicMemoryBeatsHebbAtTheSameLoad) {
  DamCapacityOptions o;
  o.sizes = {60};
  o.loads = {100.0 / 3600.0};  // P = 100 = load N^2
  o.samples = 2;
  o.probes = 20;
  o.noise = 0.1;
  o.energy = parse_dam_energy("poly:3");
  const DamCapacityResult cubic = dam_capacity(o);
  EXPECT_EQ(cubic.sizes[0].points[0].patterns, 100);
  EXPECT_GT(cubic.sizes[0].points[0].retrieval.mean, 0.9);
  o.energy = parse_dam_energy("poly:2");
  o.loads = {100.0 / 60.0};  // P = 100 = load N
  const DamCapacityResult hebb = dam_capacity(o);
  EXPECT_LT(hebb.sizes[0].points[0].retrieval.mean, 0.2);
}

TEST(DenseMemory, OverloadTurnsCuesIntoNewAttractors) {
  DamOverloadOptions o;
  o.energy = parse_dam_energy("poly:3");
  o.n = 40;
  o.patterns = {5, 2000};
  o.samples = 2;
  o.starts = 10;
  o.threads = 2;
  const DamOverloadResult r = dam_overload(o);
  ASSERT_EQ(r.points.size(), 2u);
  EXPECT_EQ(r.points[0].exact.mean, 1.0);  // few patterns: every cue returns to its pattern
  EXPECT_GT(r.points[1].novel.mean, 0.5);  // overloaded: new attractors
  EXPECT_GT(r.crossover.mean, 5.0);
  EXPECT_LT(r.crossover.mean, 2000.0);
  o.threads = 1;
  EXPECT_EQ(dam_overload(o).points[1].max_overlap.mean, r.points[1].max_overlap.mean);
}

TEST(DenseMemory, BadInputIsRefused) {
  EXPECT_THROW(parse_dam_energy("poly:1"), InputError);
  EXPECT_THROW(parse_dam_energy("poly:x"), InputError);
  EXPECT_THROW(parse_dam_energy("cosh"), InputError);
  DamCapacityOptions o;
  o.loads = {0.1};
  o.sizes = {4};
  EXPECT_THROW(dam_capacity(o), InputError);
  o.sizes = {50};
  o.noise = -0.1;
  EXPECT_THROW(dam_capacity(o), InputError);
  o.noise = 0;
  o.energy = parse_dam_energy("exp");
  o.loads = {1.0};  // e^50 patterns
  EXPECT_THROW(dam_capacity(o), InputError);
  DamOverloadOptions v;
  v.patterns = {10, 5};
  EXPECT_THROW(dam_overload(v), InputError);
}

}  // namespace
}  // namespace spinlab
