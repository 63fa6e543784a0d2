// Ground-state solvers: exact ground states of small random instances (by enumeration), the
// schedule and parameter checks, and reproducibility.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/spin_glass.hpp"
#include "exact/enumerate.hpp"
#include "solve/anneal.hpp"
#include "solve/breakout.hpp"
#include "solve/gain_buckets.hpp"
#include "solve/ground_state.hpp"
#include "solve/tabu.hpp"

namespace spinlab {
namespace {

// N = 20, every pair coupled with J = +-1 (an SK instance up to the 1/sqrt(N) scale), and for
// odd seeds integer fields: a frustrated landscape with many near-degenerate states.
IsingModel random_pm_instance(uint64_t seed) {
  Rng rng(seed, 77);
  const int32_t n = 20;
  std::vector<Edge> e;
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = i + 1; j < n; ++j) e.push_back({i, j, rng.below(2) ? 1.0 : -1.0});
  std::vector<double> h(n, 0.0);
  if (seed % 2)
    for (auto& x : h) x = static_cast<double>(static_cast<int>(rng.below(3)) - 1);
  return IsingModel(Graph::from_edges(n, e), h);
}

// Annealing, tabu search and breakout local search each find the exact ground state of 50
// instances.
TEST(GroundState, AnnealTabuAndBreakoutFindTheExactGroundStateOf50RandomInstances) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const IsingModel m = random_pm_instance(seed);
    const double exact = enumerate_exact(m, 1.0).ground_energy;
    AnnealOptions o;
    o.num_reads = 8;
    o.num_sweeps = 300;
    o.seed = seed;
    const AnnealResult r = anneal(m, o);
    EXPECT_DOUBLE_EQ(r.best_energy, exact) << "anneal, instance " << seed;
    EXPECT_DOUBLE_EQ(m.energy(r.best_state), r.best_energy);
    EXPECT_EQ(r.kernel, "int-table");
    EXPECT_EQ(r.reads_done, 8);
    Rng rng(seed, 0);
    TabuOptions t;
    t.max_iterations = 5000;
    const TabuResult q = tabu_search(m, hot_state(m.size(), rng), t, rng);
    EXPECT_DOUBLE_EQ(q.best_energy, exact) << "tabu, instance " << seed;
    EXPECT_DOUBLE_EQ(m.energy(q.best_state), q.best_energy);
    BreakoutOptions b;
    b.max_moves = 20000;  // descents and perturbations together
    Rng rng2(seed, 1);
    const BreakoutResult br = breakout_local_search(m, hot_state(m.size(), rng2), b, rng2);
    EXPECT_DOUBLE_EQ(br.best_energy, exact) << "breakout, instance " << seed;
    EXPECT_DOUBLE_EQ(m.energy(br.best_state), br.best_energy);
    EXPECT_GT(br.local_minima, 1);
  }
}

// Real couplings take the scanning path of the breakout search (no gain buckets).
TEST(Breakout, RealCouplingsFindTheGroundStateAndStopAtTheTarget) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Rng rng(seed, 5);
    std::vector<Edge> e;
    for (int32_t i = 0; i < 14; ++i)
      for (int32_t j = i + 1; j < 14; ++j) e.push_back({i, j, rng.uniform() - 0.5});
    const IsingModel m(Graph::from_edges(14, e));
    const double exact = enumerate_exact(m, 1.0).ground_energy;
    BreakoutOptions b;
    b.max_moves = 20000;
    const BreakoutResult r = breakout_local_search(m, hot_state(14, rng), b, rng);
    EXPECT_NEAR(r.best_energy, exact, 1e-9) << "instance " << seed;
    b.target_energy = exact + 1e-9;
    b.max_moves = std::numeric_limits<int64_t>::max();
    const BreakoutResult t = breakout_local_search(m, hot_state(14, rng), b, rng);
    EXPECT_TRUE(t.reached_target);
    EXPECT_NEAR(t.best_energy, exact, 1e-9);
  }
  const std::vector<Edge> one{{0, 1, 1.0}};
  const IsingModel m(Graph::from_edges(3, one));
  Rng rng(1, 1);
  BreakoutOptions bad;
  bad.directed_min = 1.5;
  EXPECT_THROW(breakout_local_search(m, hot_state(3, rng), bad, rng), InputError);
  EXPECT_THROW(breakout_local_search(m, hot_state(2, rng), BreakoutOptions{}, rng), InputError);
}

// The tabu bucket structure against a plain reference: after random gain updates, tabu marks
// and expiries, the best admissible move and the lowest gain agree with a scan.
TEST(TabuBuckets, AgreeWithAScanUnderRandomOperations) {
  const int32_t n = 60;
  const int64_t gmax = 20, tenure = 7;
  TabuBuckets b(n, gmax, tenure);
  std::vector<int64_t> g(n), until(n, 0);
  Rng rng(9, 9);
  for (int32_t i = 0; i < n; ++i) {
    g[i] = static_cast<int64_t>(rng.below(2 * gmax + 1)) - gmax;
    b.insert(i, g[i], rng.below(2) == 0);
  }
  for (int64_t it = 1; it <= 20000; ++it) {
    b.expire(it, rng.below(2) == 0);
    for (int k = 0; k < 3; ++k) {
      const int32_t v = static_cast<int32_t>(rng.below(n));
      g[v] = static_cast<int64_t>(rng.below(2 * gmax + 1)) - gmax;
      b.update(v, g[v], rng.below(2) == 0);
    }
    const int32_t v = static_cast<int32_t>(rng.below(n));
    until[v] = it + 1 + static_cast<int64_t>(rng.below(tenure));
    b.make_tabu(v, until[v], rng.below(2) == 0);
    const int64_t aspire = static_cast<int64_t>(rng.below(2 * gmax + 1)) - gmax;
    int64_t best_free = gmax + 1, best_any = gmax + 1;
    for (int32_t i = 0; i < n; ++i) {
      ASSERT_EQ(b.is_tabu(i), until[i] > it) << "vertex " << i << " iteration " << it;
      best_any = std::min(best_any, g[i]);
      if (until[i] <= it || g[i] < aspire) best_free = std::min(best_free, g[i]);
    }
    const int32_t a = b.best_admissible(aspire);
    ASSERT_GE(a, 0);
    ASSERT_EQ(g[a], best_free) << "iteration " << it;
    ASSERT_TRUE(!b.is_tabu(a) || g[a] < aspire);
    ASSERT_EQ(g[b.lowest()], best_any);
    ASSERT_EQ(b.gain(a), g[a]);
  }
}

TEST(Anneal, RealCouplingsUseTheDoubleKernelAndStillFindTheGroundState) {
  Rng rng(3, 1);
  std::vector<Edge> e;
  for (int32_t i = 0; i < 14; ++i)
    for (int32_t j = i + 1; j < 14; ++j) e.push_back({i, j, rng.uniform() - 0.5});
  const IsingModel m(Graph::from_edges(14, e));
  AnnealOptions o;
  o.num_reads = 8;
  o.num_sweeps = 500;
  const AnnealResult r = anneal(m, o);
  EXPECT_EQ(r.kernel, "double");
  EXPECT_NEAR(r.best_energy, enumerate_exact(m, 1.0).ground_energy, 1e-12);
}

TEST(Anneal, ResultsDependOnTheSeedNotTheThreads) {
  const IsingModel m = random_pm_instance(4);
  AnnealOptions o;
  o.num_reads = 6;
  o.num_sweeps = 20;  // short: the reads end in different states
  o.threads = 1;
  const AnnealResult a = anneal(m, o);
  o.threads = 3;
  const AnnealResult b = anneal(m, o);
  EXPECT_EQ(a.read_energies, b.read_energies);
  EXPECT_EQ(a.best_state, b.best_state);
  o.seed = 2;
  EXPECT_NE(anneal(m, o).read_energies, a.read_energies);
}

TEST(Anneal, SchedulesAndBadOptions) {
  AnnealOptions o;
  o.num_sweeps = 5;
  auto g = anneal_schedule(o, {0.1, 10.0});
  ASSERT_EQ(g.size(), 5u);
  EXPECT_DOUBLE_EQ(g.front(), 0.1);
  EXPECT_NEAR(g.back(), 10.0, 1e-12);
  EXPECT_NEAR(g[2], 1.0, 1e-12);  // geometric midpoint
  o.beta_schedule_type = "linear";
  EXPECT_NEAR(anneal_schedule(o, {0.1, 10.0})[2], 5.05, 1e-12);
  o.beta_schedule_type = "cosine";
  EXPECT_THROW(anneal_schedule(o, {0.1, 10.0}), InputError);
  o.beta_schedule_type = "geometric";
  EXPECT_THROW(anneal_schedule(o, {0.0, 10.0}), InputError);
  EXPECT_THROW(anneal_schedule(o, {2.0, 1.0}), InputError);
  o.beta_schedule_type = "custom";
  o.beta_schedule = {0.1, std::nan("")};
  EXPECT_THROW(anneal_schedule(o, {0.1, 1.0}), InputError);
  // neal's rule: the largest possible dE flips with p = 1/2 at beta_hot, the smallest with 1/100
  // at beta_cold.
  const IsingModel m = random_pm_instance(2);  // no fields, |J| = 1, 19 neighbours each
  const auto [hot, cold] = default_beta_range(m);
  EXPECT_NEAR(std::exp(-hot * 2 * 19), 0.5, 1e-12);
  EXPECT_NEAR(std::exp(-cold * 2 * 1), 0.01, 1e-12);
  AnnealOptions bad;
  bad.num_reads = 0;
  EXPECT_THROW(anneal(m, bad), InputError);
}

TEST(Anneal, TimeLimitAndTargetStopEarlyWithPartialResults) {
  const IsingModel m = random_pm_instance(6);
  const double exact = enumerate_exact(m, 1.0).ground_energy;
  AnnealOptions o;
  o.num_reads = 1000000;
  o.num_sweeps = 200;
  o.target_energy = exact;
  const AnnealResult r = anneal(m, o);
  EXPECT_TRUE(r.reached_target);
  EXPECT_DOUBLE_EQ(r.best_energy, exact);
  EXPECT_LT(r.reads_done, 1000000);
  o.target_energy.reset();
  o.time_limit_s = 0.05;
  const AnnealResult t = anneal(m, o);
  EXPECT_TRUE(t.stopped_by_time);
  EXPECT_LT(t.time_s, 1.0);
  EXPECT_GT(t.sweeps_done, 0);
  EXPECT_DOUBLE_EQ(m.energy(t.best_state), t.best_energy);
}

}  // namespace
}  // namespace spinlab

namespace spinlab {
namespace {

TEST(GroundState, PortfolioFindsGroundStatesAndHonoursStops) {
  for (const char* algo : {"auto", "anneal", "tabu", "bls"})
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      const IsingModel m = random_pm_instance(seed);
      const double exact = enumerate_exact(m, 1.0).ground_energy;
      GroundStateOptions o;
      o.algo = algo;
      o.seed = seed;
      o.threads = 2;
      o.time_limit_s = 5.0;
      o.target_energy = exact;
      const GroundStateResult r = solve_ground_state(m, o);
      EXPECT_TRUE(r.reached_target) << algo << " instance " << seed;
      EXPECT_DOUBLE_EQ(r.energy, exact) << algo;
      EXPECT_DOUBLE_EQ(m.energy(r.state), r.energy);
      EXPECT_LT(r.time_s, 5.0);
    }
  // Without a reachable target the time limit ends the run, with the work done reported.
  GroundStateOptions o;
  o.time_limit_s = 0.2;
  o.target_energy = -1e9;
  const GroundStateResult r = solve_ground_state(random_pm_instance(3), o);
  EXPECT_TRUE(r.stopped_by_time);
  EXPECT_FALSE(r.reached_target);
  EXPECT_GT(r.reads, 0);
  EXPECT_GT(r.sweeps + r.tabu_iterations, 0);
  EXPECT_LT(r.time_s, 1.0);
  o.algo = "greedy";
  EXPECT_THROW(solve_ground_state(random_pm_instance(3), o), InputError);
}

}  // namespace
}  // namespace spinlab

#include "solve/anneal_batch.hpp"

namespace spinlab {
namespace {

// The AVX-512 replica-parallel sweep equals its scalar reference bit for bit.
TEST(AnnealBatch, Avx512SweepEqualsScalarReference) {
  if (!anneal_batch::avx512_available()) GTEST_SKIP() << "no AVX-512";
  const IsingModel m = random_pm_instance(9);
  const int L = anneal_batch::kLanes;
  const int32_t n = m.size();
  std::vector<int32_t> w(m.graph().weights().size());
  for (size_t k = 0; k < w.size(); ++k) w[k] = static_cast<int32_t>(m.graph().weights()[k]);
  Rng rng(5, 5);
  std::vector<int32_t> s(L * n), f(L * n);
  for (auto& x : s) x = rng.below(2) ? 1 : -1;
  const auto off = m.graph().offsets();
  const auto nb = m.graph().neighbors();
  for (int32_t i = 0; i < n; ++i)
    for (int l = 0; l < L; ++l) {
      int32_t x = static_cast<int32_t>(m.field(i));
      for (int64_t k = off[i]; k < off[i + 1]; ++k) x += w[k] * s[L * nb[k] + l];
      f[L * i + l] = x;
    }
  int32_t kmax = 0;
  for (int32_t i = 0; i < n; ++i) kmax = std::max(kmax, m.graph().degree(i) + 1);
  for (double beta : {0.05, 0.3, 2.0}) {
    std::vector<uint32_t> thr(kmax), u(L * n);
    for (int32_t k = 1; k <= kmax; ++k) thr[k - 1] = static_cast<uint32_t>(acceptance_threshold(std::exp(-2.0 * beta * k)));
    for (auto& x : u) x = rng.next_u32();
    auto s1 = s, f1 = f, s2 = s, f2 = f;
    int64_t de1[16] = {}, de2[16] = {};
    anneal_batch::SweepArgs a{n, off.data(), nb.data(), w.data(), s1.data(), f1.data(), u.data(), thr.data(), kmax, de1};
    anneal_batch::sweep_scalar(a);
    a.spins = s2.data();
    a.fields = f2.data();
    a.de = de2;
    anneal_batch::sweep_avx512(a);
    EXPECT_EQ(s1, s2) << beta;
    EXPECT_EQ(f1, f2) << beta;
    for (int l = 0; l < L; ++l) EXPECT_EQ(de1[l], de2[l]);
    EXPECT_NE(s1, s) << "some spins flip at beta " << beta;
    s = s1;
    f = f1;
  }
}

TEST(AnnealBatch, SixteenReadsAtOnceFindGroundStatesAndIgnoreThreads) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const IsingModel m = random_pm_instance(seed);
    AnnealOptions o;
    o.num_reads = 32;
    o.num_sweeps = 300;
    o.seed = seed;
    const AnnealResult r = anneal(m, o);
    EXPECT_EQ(r.kernel.rfind("int-batch16", 0), 0u) << r.kernel;
    EXPECT_DOUBLE_EQ(r.best_energy, enumerate_exact(m, 1.0).ground_energy) << seed;
    EXPECT_EQ(r.reads_done, 32);
    o.threads = 2;
    const AnnealResult r2 = anneal(m, o);
    EXPECT_EQ(r.read_energies, r2.read_energies);
    EXPECT_EQ(r.best_state, r2.best_state);
  }
}

// SK is stored dense (an n x n matrix): every solver must give what it gives on the same
// couplings in CSR form, and the exact ground state. N = 16 (+-1, integer unit 1/4) and N = 18
// (Gaussian, double kernels).
TEST(DenseCouplings, SolversAgreeWithTheSparseFormAndFindTheGroundState) {
  for (const auto& [n, d] : {std::pair{16, Disorder::PlusMinusOne}, std::pair{18, Disorder::Gaussian}}) {
    const IsingModel dense = sherrington_kirkpatrick(n, d, 5);
    const IsingModel sparse(dense.graph().to_sparse());
    ASSERT_TRUE(dense.graph().is_dense());
    Rng rng(3, 0);
    for (int t = 0; t < 20; ++t) {
      const std::vector<Spin> s = hot_state(n, rng);
      EXPECT_NEAR(dense.energy(s), sparse.energy(s), 1e-12);
      for (int32_t i = 0; i < n; ++i) EXPECT_NEAR(dense.local_field(i, s), sparse.local_field(i, s), 1e-12);
    }
    const double exact = enumerate_exact(sparse, 1.0).ground_energy;
    EXPECT_NEAR(enumerate_exact(dense, 1.0).ground_energy, exact, 1e-12);
    EXPECT_EQ(default_beta_range(dense), default_beta_range(sparse));
    double unit_d = 0, unit_s = 0;
    int64_t kmax_d = 0, kmax_s = 0;
    EXPECT_EQ(integer_couplings(dense, &unit_d, &kmax_d), integer_couplings(sparse, &unit_s, &kmax_s));
    EXPECT_EQ(unit_d, unit_s);
    EXPECT_EQ(kmax_d, kmax_s);
    for (const char* algo : {"anneal", "tabu", "bls", "auto"}) {
      GroundStateOptions o;
      o.algo = algo;
      o.seed = 2;
      o.time_limit_s = 5.0;
      o.target_energy = exact + 1e-9;
      const GroundStateResult r = solve_ground_state(dense, o);
      EXPECT_TRUE(r.reached_target) << algo << " n=" << n;
      EXPECT_NEAR(r.energy, exact, 1e-9) << algo;
      EXPECT_NEAR(sparse.energy(r.state), r.energy, 1e-9) << algo;
    }
  }
  // Malformed dense matrices.
  EXPECT_THROW(Graph::dense(2, {0, 1, 2, 0}), InputError);   // not symmetric
  EXPECT_THROW(Graph::dense(2, {1, 0, 0, 0}), InputError);   // diagonal
  EXPECT_THROW(Graph::dense(2, {0, 1, 1}), InputError);      // wrong size
  EXPECT_THROW(Graph::dense(2, {0, NAN, NAN, 0}), InputError);
}

}  // namespace
}  // namespace spinlab
