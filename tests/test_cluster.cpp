// Wolff and Swendsen-Wang on the code paths the sampler tests leave out (regular graphs of
// degree 6, uniform and non-uniform couplings, graphs of uneven degree without a field, uniform
// fields, a vertex with more neighbours than the unrolled loops take), against exact results;
// and the batched random words: a fixed (seed, stream) gives a fixed trajectory. The lattice
// Swendsen-Wang kernel ("lattice-uf") against enumeration, Kaufman, the CSR move and a naive
// union-find written here from the documented word layout, its scalar path against its AVX-512
// path; the lattice Wolff kernel ("lattice-stack") against enumeration, Kaufman and the CSR move.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "exact/enumerate.hpp"
#include "exact/oracles.hpp"
#include "measure/simulate.hpp"
#include "sample/cluster_lattice.hpp"
#include "sample/lattice_checkerboard.hpp"
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
  // An open box with an internal wall from the top edge (the lab's chambers in miniature): the
  // CSR moves take it (the lattice cluster kernels need a uniform torus).
  Lattice box = Lattice::square(4, Boundary::Open);
  box.add_wall(0, 2, 1, 0, 2);
  IsingModel walled = IsingModel::on_lattice(box);
  uint64_t seed = 500;
  for (const char* algo : {"wolff", "sw", "wolff+metropolis"})
    for (double beta : {0.3, 0.7}) {
      check(open, beta, algo, by_enumeration(open, beta), ++seed, "open 4x4");
      check(mixed, beta, algo, by_enumeration(mixed, beta), ++seed, "uneven graph");
      check(field, beta, algo, by_enumeration(field, beta), ++seed, "4x4 torus h=0.2");
      check(walled, beta, algo, by_enumeration(walled, beta), ++seed, "open 4x4 with a wall");
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

// 20 sweeps from a hot start of stream (seed, stream), the end of thermalisation, 20 more: the
// final state, and the stream's position in *block.
std::vector<Spin> tuned_trajectory(Move& mv, const IsingModel& m, uint64_t seed, uint64_t stream, uint64_t* block) {
  Rng rng(seed, stream);
  auto s = hot_state(m.size(), rng);
  for (int t = 0; t < 20; ++t) mv.sweep(s, rng);
  mv.end_thermalization(s, rng);
  for (int t = 0; t < 20; ++t) mv.sweep(s, rng);
  *block = rng.block();
  return s;
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
      auto run = [&](uint64_t stream, uint64_t* block) { return tuned_trajectory(*make_move(algo, m, beta), m, 11, stream, block); };
      uint64_t b1 = 0, b2 = 0, b3 = 0;
      const auto s1 = run(3, &b1), s2 = run(3, &b2), s3 = run(4, &b3);
      EXPECT_EQ(s1, s2) << algo << " N=" << m.size();
      EXPECT_EQ(b1, b2) << algo << " N=" << m.size();
      EXPECT_NE(s1, s3) << algo << " N=" << m.size();
    }
}

namespace {

Lattice torus(int dim, int32_t a, int32_t b, int32_t c = 1) {
  return Lattice(dim, {a, b, c}, Boundary::Periodic);
}

// One Swendsen-Wang sweep as cluster_lattice.hpp documents it, the slow way: Philox words from
// the scalar generator, each bond compared with the threshold bit by bit, a union-find over sites,
// runs numbered in site order, one coin per cluster indexed by its smallest run.
void reference_sw_sweep(const Lattice& lat, double beta, std::vector<Spin>& s, Rng& rng) {
  const int D = lat.dim();
  const int32_t L0 = lat.extent(0);
  const auto n = static_cast<int32_t>(lat.num_sites());
  const int32_t rows = n / L0;
  const uint64_t coin_first = rng.take_blocks(16 * static_cast<uint64_t>((n + 2047) / 2048));
  std::vector<uint32_t> coin(static_cast<size_t>((n + 2047) / 2048 * 64));
  philox_batch::generate_scalar(rng.seed(), rng.stream(), coin_first, coin.size() / 64, coin.data());
  const uint64_t thr = acceptance_threshold(-std::expm1(-2.0 * beta));
  // The bond words: unread ones first; a batch of 1024 blocks when fewer than 32 are unread.
  std::vector<uint64_t> words;
  size_t next = 0;
  auto before_group = [&] {
    if (words.size() - next >= 32) return;
    words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(next));
    next = 0;
    std::vector<uint32_t> u(4096);
    philox_batch::generate_scalar(rng.seed(), rng.stream(), rng.take_blocks(1024), 64, u.data());
    for (size_t j = 0; j < 2048; ++j) words.push_back(u[2 * j] | static_cast<uint64_t>(u[2 * j + 1]) << 32);
  };
  std::vector<char> active(static_cast<size_t>(n) * D, 0);  // bond (i, d)
  for (int32_t r = 0; r < rows; ++r)
    for (int32_t x0 = 0; x0 < L0; x0 += 64)
      for (int d = 0; d < D; ++d) {
        std::vector<int32_t> lanes;  // sites i of the group's bonds whose spins agree
        for (int32_t x = x0; x < std::min(L0, x0 + 64); ++x) {
          const int32_t i = r * L0 + x;
          if (s[i] == s[lat.neighbor(i, d, +1)]) lanes.push_back(i);
        }
        if (thr == 0) continue;
        if (thr >= (uint64_t{1} << 32)) {
          for (int32_t i : lanes) active[static_cast<size_t>(i) * D + d] = 1;
          continue;
        }
        before_group();
        // Bit by bit, most significant first, while a lane is undecided and T has set bits left.
        const int bits = 32 - std::countr_zero(thr);
        std::vector<int32_t> undecided = lanes;
        for (int b = 0; b < bits && !undecided.empty(); ++b) {
          const uint64_t word = words[next++];
          const int tb = static_cast<int>((thr >> (31 - b)) & 1u);
          std::vector<int32_t> still;
          for (int32_t i : undecided) {
            const int ub = static_cast<int>((word >> (i % L0 - x0)) & 1u);
            if (ub < tb) active[static_cast<size_t>(i) * D + d] = 1;  // u < T
            else if (ub == tb && b + 1 < bits) still.push_back(i);   // equal at T's last set bit: u >= T
          }
          undecided = still;
        }
      }
  std::vector<int32_t> parent(n), run(n), smallest(n, n);
  for (int32_t i = 0; i < n; ++i) parent[i] = i;
  auto find = [&](int32_t i) {
    while (parent[i] != i) i = parent[i];
    return i;
  };
  for (int32_t i = 0; i < n; ++i)
    for (int d = 0; d < D; ++d) {
      if (!active[static_cast<size_t>(i) * D + d]) continue;
      const int32_t a = find(i), b = find(lat.neighbor(i, d, +1));
      parent[std::max(a, b)] = std::min(a, b);
    }
  int32_t runs = -1;
  for (int32_t i = 0; i < n; ++i) {
    if (i % L0 == 0 || !active[static_cast<size_t>(i - 1) * D]) ++runs;
    run[i] = runs;
  }
  for (int32_t i = 0; i < n; ++i) smallest[find(i)] = std::min(smallest[find(i)], run[i]);
  for (int32_t i = 0; i < n; ++i) {
    const int32_t k = smallest[find(i)];
    if ((coin[k / 32] >> (k % 32)) & 1u) s[i] = static_cast<Spin>(-s[i]);
  }
}

}  // namespace

// Which models take the lattice kernel.
TEST(LatticeSwendsenWang, AppliesToUniformPeriodicLatticesWithoutField) {
  EXPECT_EQ(make_move("sw", IsingModel::on_lattice(Lattice::square(16)), 0.4)->kernel(), "lattice-uf");
  EXPECT_EQ(make_move("sw", IsingModel::on_lattice(torus(3, 5, 3, 4)), 0.2)->kernel(), "lattice-uf");
  EXPECT_NE(make_move("sw", IsingModel::on_lattice(Lattice::square(16), 0.1), 0.4)->kernel(), "lattice-uf");
  EXPECT_NE(make_move("sw", IsingModel::on_lattice(Lattice::square(4, Boundary::Open)), 0.4)->kernel(), "lattice-uf");
  EXPECT_NE(make_move("sw", IsingModel::on_lattice(Lattice::square(2)), 0.4)->kernel(), "lattice-uf");
  Lattice walled = Lattice::square(8);
  walled.add_wall(0, 4);
  EXPECT_NE(make_move("sw", IsingModel::on_lattice(walled), 0.4)->kernel(), "lattice-uf");
}

// Bit for bit the naive sweep above: rows of one partial word (5, 70 = 64 + 6 sites), of whole
// words (128), 2D and 3D, every seam, at beta_c and beyond (nearly every bond active), and the
// thresholds that read no words (beta = 0: T = 0; beta = 400: T = 2^32). 200 x 40 reads several
// batches per sweep.
TEST(LatticeSwendsenWang, MatchesNaiveUnionFindBitForBit) {
  const std::vector<std::pair<Lattice, double>> cases = {
      {torus(2, 5, 3), 0.44},         {torus(2, 70, 9), 0.4406868},  {torus(2, 128, 4), 0.4406868},
      {torus(2, 64, 64), 1.5},        {torus(3, 5, 4, 3), 0.2216544}, {torus(3, 66, 3, 5), 0.3},
      {torus(2, 200, 40), 0.4406868}, {torus(2, 6, 5), 0.0},          {torus(2, 7, 4), 400.0}};
  for (const auto& [lat, beta] : cases) {
    IsingModel m = IsingModel::on_lattice(lat);
    auto mv = make_move("sw", m, beta);
    ASSERT_EQ(mv->kernel(), "lattice-uf");
    Rng a(21, 5), b(21, 5);
    auto s = hot_state(m.size(), a);
    auto ref = hot_state(m.size(), b);
    for (int t = 0; t < 12; ++t) {
      mv->sweep(s, a);
      reference_sw_sweep(lat, beta, ref, b);
      ASSERT_EQ(s, ref) << lat.describe() << " sweep " << t;
      ASSERT_EQ(a.block(), b.block());
    }
  }
}

// E, C and |M| per spin against enumeration on small tori (|z| < 4, fixed seeds).
TEST(LatticeSwendsenWang, SmallToriVsEnumeration) {
  uint64_t seed = 700;
  for (const Lattice& lat : {torus(2, 4, 4), torus(2, 5, 3)}) {
    IsingModel m = IsingModel::on_lattice(lat);
    for (double beta : {0.3, 0.4406868, 0.8})
      check(m, beta, "sw", by_enumeration(m, beta), ++seed, lat.describe());
  }
}

// E and C per spin against Kaufman's finite torus (|z| < 4, fixed seeds), at beta_c and
// either side; 70 x 12 has a row of two words, the second partial.
// simulate(algo) on Lx x Ly tori at beta_c and either side: E and C per spin within 4 errors of
// Kaufman's finite-torus values (fixed seeds from seed0).
void expect_tori_match_kaufman(const char* algo, std::initializer_list<std::pair<int, int>> sizes, uint64_t seed0) {
  uint64_t seed = seed0;
  for (auto [lx, ly] : sizes) {
    IsingModel m = IsingModel::on_lattice(torus(2, lx, ly));
    for (double beta : {0.35, 0.4406868, 0.55}) {
      SimulationOptions o;
      o.algo = algo;
      o.betas = {beta};
      o.sweeps = 20000;
      o.therm = 500;
      o.seed = ++seed;
      const PointResult p = simulate(m, o).points[0];
      const ExactThermo ex = kaufman_torus(lx, ly, beta);
      const std::string tag = std::string(algo) + " " + std::to_string(lx) + "x" + std::to_string(ly) + " beta=" + std::to_string(beta);
      expect_z(p.energy_per_spin, ex.energy_per_spin, tag + " E/N");
      expect_z(p.specific_heat, ex.specific_heat_per_spin, tag + " C/N");
    }
  }
}

TEST(LatticeSwendsenWang, TorusVsKaufman) { expect_tori_match_kaufman("sw", {{16, 16}, {70, 12}}, 800); }

// The lattice kernel of `algo` on `lat` against the CSR move on the same couplings (the bare
// graph): E and |M| per spin agree within 4 combined standard errors at the 3D beta_c and 0.3.
void expect_lattice_kernel_matches_csr(const char* algo, const Lattice& lat, uint64_t seed) {
  IsingModel m = IsingModel::on_lattice(lat);
  IsingModel csr(m.graph());  // the same couplings without the lattice: the CSR move
  for (double beta : {0.2216544, 0.3}) {
    SimulationOptions o;
    o.algo = algo;
    o.betas = {beta};
    o.sweeps = 20000;
    o.therm = 500;
    o.seed = seed;
    const PointResult a = simulate(m, o).points[0];
    o.seed = seed + 1;
    const PointResult b = simulate(csr, o).points[0];
    const std::string tag = std::string(algo) + " " + lat.describe() + " beta=" + std::to_string(beta);
    EXPECT_LT(std::fabs(spinlab::testing::z_difference(a.energy_per_spin, b.energy_per_spin)), 4.0) << tag;
    EXPECT_LT(std::fabs(spinlab::testing::z_difference(a.abs_magnetization_per_spin, b.abs_magnetization_per_spin)), 4.0) << tag;
  }
}

// The 3D kernel against the CSR Swendsen-Wang on the same 4 x 3 x 5 torus: the two estimates of
// E and |M| per spin agree within 4 combined standard errors.
TEST(LatticeSwendsenWang, CubicAgreesWithCsrMove) { expect_lattice_kernel_matches_csr("sw", torus(3, 4, 3, 5), 900); }

// A fixed (seed, stream) gives the same states and stream position; another stream another
// trajectory (2D rows of 70 sites, 3D).
TEST(LatticeSwendsenWang, TrajectoryFollowsSeedAndStream) {
  for (const Lattice& lat : {torus(2, 70, 20), torus(3, 6, 5, 4)}) {
    IsingModel m = IsingModel::on_lattice(lat);
    auto run = [&](uint64_t stream, uint64_t* block) {
      auto mv = make_move("sw", m, lat.dim() == 2 ? 0.4406868 : 0.2216544);
      Rng rng(13, stream);
      auto s = hot_state(m.size(), rng);
      for (int t = 0; t < 30; ++t) mv->sweep(s, rng);
      *block = rng.block();
      return s;
    };
    uint64_t b1 = 0, b2 = 0, b3 = 0;
    const auto s1 = run(2, &b1), s2 = run(2, &b2), s3 = run(3, &b3);
    EXPECT_EQ(s1, s2) << lat.describe();
    EXPECT_EQ(b1, b2) << lat.describe();
    EXPECT_NE(s1, s3) << lat.describe();
  }
}

// The portable scalar path (no AVX-512 intrinsics, no pdep, scalar Philox) against the default
// one: the same states and stream positions, sweep after sweep, 2D and 3D, partial words.
TEST(LatticeSwendsenWang, ScalarPathMatchesVectorPath) {
  if (!cluster_lattice_vector_available()) GTEST_SKIP() << "no AVX-512 path in this build or CPU";
  for (const auto& [lat, beta] : std::vector<std::pair<Lattice, double>>{
           {torus(2, 70, 33), 0.4406868}, {torus(2, 128, 64), 0.5}, {torus(3, 66, 5, 4), 0.2216544}}) {
    IsingModel m = IsingModel::on_lattice(lat);
    auto vec = make_lattice_swendsen_wang(m, beta, LatticeKernelImpl::Avx512);
    auto sca = make_lattice_swendsen_wang(m, beta, LatticeKernelImpl::Scalar);
    Rng a(31, 7), b(31, 7);
    auto s = hot_state(m.size(), a);
    auto t = hot_state(m.size(), b);
    for (int k = 0; k < 20; ++k) {
      vec->sweep(s, a);
      sca->sweep(t, b);
      ASSERT_EQ(s, t) << lat.describe() << " sweep " << k;
      ASSERT_EQ(a.block(), b.block());
    }
  }
}

// The scalar path against the naive sweep too (so it is checked where AVX-512 is missing).
TEST(LatticeSwendsenWang, ScalarPathMatchesNaiveUnionFind) {
  for (const auto& [lat, beta] : std::vector<std::pair<Lattice, double>>{
           {torus(2, 70, 9), 0.4406868}, {torus(3, 5, 4, 3), 0.2216544}}) {
    IsingModel m = IsingModel::on_lattice(lat);
    auto mv = make_lattice_swendsen_wang(m, beta, LatticeKernelImpl::Scalar);
    Rng a(23, 1), b(23, 1);
    auto s = hot_state(m.size(), a);
    auto ref = hot_state(m.size(), b);
    for (int t = 0; t < 8; ++t) {
      mv->sweep(s, a);
      reference_sw_sweep(lat, beta, ref, b);
      ASSERT_EQ(s, ref) << lat.describe() << " sweep " << t;
    }
  }
}

// Which models take the lattice Wolff kernel.
TEST(LatticeWolff, AppliesToUniformPeriodicLatticesWithoutField) {
  EXPECT_EQ(make_move("wolff", IsingModel::on_lattice(Lattice::square(16)), 0.4)->kernel(), "lattice-stack");
  EXPECT_EQ(make_move("wolff", IsingModel::on_lattice(torus(3, 5, 3, 4)), 0.2)->kernel(), "lattice-stack");
  EXPECT_NE(make_move("wolff", IsingModel::on_lattice(Lattice::square(16), 0.1), 0.4)->kernel(), "lattice-stack");
  EXPECT_NE(make_move("wolff", IsingModel::on_lattice(Lattice::square(4, Boundary::Open)), 0.4)->kernel(),
            "lattice-stack");
  EXPECT_NE(make_move("wolff", IsingModel::on_lattice(Lattice::square(2)), 0.4)->kernel(), "lattice-stack");
  IsingModel csr(IsingModel::on_lattice(Lattice::square(8)).graph());
  EXPECT_NE(make_move("wolff", csr, 0.4)->kernel(), "lattice-stack");
}

// E, C and |M| per spin against enumeration on small tori (|z| < 4, fixed seeds), with the
// clusters per sweep frozen at the end of thermalisation as simulate() does.
TEST(LatticeWolff, SmallToriVsEnumeration) {
  uint64_t seed = 1700;
  for (const Lattice& lat : {torus(2, 4, 4), torus(2, 5, 3), torus(2, 3, 4)}) {
    IsingModel m = IsingModel::on_lattice(lat);
    ASSERT_EQ(make_move("wolff", m, 0.4)->kernel(), "lattice-stack");
    for (double beta : {0.3, 0.4406868, 0.8})
      check(m, beta, "wolff", by_enumeration(m, beta), ++seed, lat.describe());
  }
}

// E and C per spin against Kaufman's finite torus (|z| < 4, fixed seeds), at beta_c and either
// side; 70 x 12 is not square, 3 x 40 has the shortest rows.
TEST(LatticeWolff, TorusVsKaufman) { expect_tori_match_kaufman("wolff", {{16, 16}, {70, 12}, {3, 40}}, 1800); }

// Lattice models now take the lattice kernel, so the CSR Wolff move on a 4-regular graph (its
// unrolled degree-4 loop) is checked here on the torus's graph alone, against Kaufman.
TEST(LatticeWolff, CsrMoveOnSquareTorusGraphVsKaufman) {
  IsingModel csr(IsingModel::on_lattice(torus(2, 16, 16)).graph());
  ASSERT_EQ(make_move("wolff", csr, 0.4)->kernel(), "csr");
  uint64_t seed = 1850;
  for (double beta : {0.35, 0.4406868}) {
    SimulationOptions o;
    o.algo = "wolff";
    o.betas = {beta};
    o.sweeps = 20000;
    o.therm = 500;
    o.seed = ++seed;
    const PointResult p = simulate(csr, o).points[0];
    const ExactThermo ex = kaufman_torus(16, 16, beta);
    const std::string tag = "CSR 16x16 beta=" + std::to_string(beta);
    expect_z(p.energy_per_spin, ex.energy_per_spin, tag + " E/N");
    expect_z(p.specific_heat, ex.specific_heat_per_spin, tag + " C/N");
  }
}

// The 3D kernel against the CSR Wolff move on the same 4 x 3 x 5 torus and SW on 6 x 5 x 4: the
// estimates of E and |M| per spin agree within 4 combined standard errors.
TEST(LatticeWolff, CubicAgreesWithCsrMove) {
  for (const Lattice& lat : {torus(3, 4, 3, 5), torus(3, 6, 5, 4)}) {
    ASSERT_EQ(make_move("wolff", IsingModel::on_lattice(lat), 0.2)->kernel(), "lattice-stack");
    ASSERT_NE(make_move("wolff", IsingModel(IsingModel::on_lattice(lat).graph()), 0.2)->kernel(), "lattice-stack");
    expect_lattice_kernel_matches_csr("wolff", lat, 1900);
  }
}

// A fixed (seed, stream) gives the same states and stream position, through tuning and the
// frozen clusters per sweep; another stream another trajectory (2D, 3D).
TEST(LatticeWolff, TrajectoryFollowsSeedAndStream) {
  for (const Lattice& lat : {torus(2, 70, 20), torus(3, 6, 5, 4)}) {
    IsingModel m = IsingModel::on_lattice(lat);
    auto run = [&](uint64_t stream, uint64_t* block) {
      auto mv = make_move("wolff", m, lat.dim() == 2 ? 0.4406868 : 0.2216544);
      EXPECT_EQ(mv->kernel(), "lattice-stack");
      return tuned_trajectory(*mv, m, 13, stream, block);
    };
    uint64_t b1 = 0, b2 = 0, b3 = 0;
    const auto s1 = run(2, &b1), s2 = run(2, &b2), s3 = run(3, &b3);
    EXPECT_EQ(s1, s2) << lat.describe();
    EXPECT_EQ(b1, b2) << lat.describe();
    EXPECT_NE(s1, s3) << lat.describe();
  }
}
