// Core: graph construction and validation, lattices and walls, energies, Ising/QUBO/MaxCut identities, RNG.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <cmath>
#include <limits>
#include <set>

#include "core/error.hpp"
#include "test_util.hpp"
#include "core/graph.hpp"
#include "core/lattice.hpp"
#include "core/model.hpp"
#include "core/rng.hpp"

using namespace spinlab;
using spinlab::testing::spins_of;

namespace {

IsingModel random_model(int n, double density, uint64_t seed, bool fields) {
  Rng rng(seed, 0);
  std::vector<Edge> e;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (rng.uniform() < density) e.push_back({i, j, 2.0 * rng.uniform() - 1.0});
  std::vector<double> h(n, 0.0);
  if (fields)
    for (double& x : h) x = rng.uniform() - 0.5;
  return IsingModel(Graph::from_edges(n, e), h, 0.25);
}

}  // namespace

TEST(Graph, BuildsSymmetricCsr) {
  std::vector<Edge> e = {{0, 1, 1.0}, {2, 1, -0.5}, {3, 0, 2.0}};
  Graph g = Graph::from_edges(4, e);
  EXPECT_EQ(g.num_vertices(), 4);
  EXPECT_EQ(g.num_edges(), 3);
  EXPECT_EQ(g.degree(0), 2);
  EXPECT_EQ(g.degree(1), 2);
  EXPECT_EQ(g.max_degree(), 2);
  double sum = 0;
  for (double w : g.weights()) sum += w;
  EXPECT_DOUBLE_EQ(sum, 2 * (1.0 - 0.5 + 2.0));
  for (const Edge& x : g.edges()) EXPECT_LT(x.i, x.j);
}

TEST(Graph, MergesDuplicatesBySumming) {
  std::vector<Edge> e = {{0, 1, 1.0}, {1, 0, 0.5}, {0, 1, -0.25}};
  Graph g = Graph::from_edges(2, e);
  ASSERT_EQ(g.num_edges(), 1);
  EXPECT_DOUBLE_EQ(g.edges()[0].w, 1.25);
}

TEST(Graph, RejectsBadEdges) {
  std::vector<Edge> loop = {{1, 1, 1.0}};
  EXPECT_THROW(Graph::from_edges(3, loop), InputError);
  std::vector<Edge> out = {{0, 3, 1.0}};
  EXPECT_THROW(Graph::from_edges(3, out), InputError);
  std::vector<Edge> neg = {{-1, 2, 1.0}};
  EXPECT_THROW(Graph::from_edges(3, neg), InputError);
  std::vector<Edge> nan = {{0, 1, std::numeric_limits<double>::quiet_NaN()}};
  EXPECT_THROW(Graph::from_edges(3, nan), InputError);
  std::vector<Edge> inf = {{0, 1, std::numeric_limits<double>::infinity()}};
  EXPECT_THROW(Graph::from_edges(3, inf), InputError);
  std::vector<Edge> overflow = {{0, 1, 1e308}, {1, 0, 1e308}};
  EXPECT_THROW(Graph::from_edges(2, overflow), InputError);
}

TEST(Graph, ColouringIsProper) {
  IsingModel m = random_model(30, 0.2, 7, false);
  int32_t nc = 0;
  auto c = m.graph().colouring(&nc);
  for (const Edge& e : m.graph().edges()) EXPECT_NE(c[e.i], c[e.j]);
  for (int32_t x : c) EXPECT_LT(x, nc);
  Graph sq = Lattice::square(6).to_graph();
  sq.colouring(&nc);
  EXPECT_EQ(nc, 2);  // bipartite torus: a checkerboard
  Graph odd = Lattice::square(5).to_graph();
  auto co = odd.colouring(&nc);
  EXPECT_GT(nc, 2);
  for (const Edge& e : odd.edges()) EXPECT_NE(co[e.i], co[e.j]);
}

TEST(Lattice, CountsBondsAndNeighbours) {
  EXPECT_EQ(Lattice::chain(10).to_graph().num_edges(), 10);
  EXPECT_EQ(Lattice::chain(10, Boundary::Open).to_graph().num_edges(), 9);
  EXPECT_EQ(Lattice::square(8).to_graph().num_edges(), 128);
  EXPECT_EQ(Lattice::square(8, Boundary::Open).to_graph().num_edges(), 2 * 8 * 7);
  EXPECT_EQ(Lattice::cubic(4).to_graph().num_edges(), 3 * 64);
  EXPECT_EQ(Lattice::cubic(4, Boundary::Open).to_graph().num_edges(), 3 * 16 * 3);
  Lattice sq = Lattice::square(5);
  EXPECT_EQ(sq.neighbor(sq.site(4, 2), 0, +1), sq.site(0, 2));
  EXPECT_EQ(sq.neighbor(sq.site(1, 0), 1, -1), sq.site(1, 4));
  Lattice op = Lattice::square(5, Boundary::Open);
  EXPECT_EQ(op.neighbor(op.site(4, 2), 0, +1), -1);
  Lattice cu = Lattice::cubic(3);
  for (int32_t s = 0; s < 27; ++s) {
    auto c = cu.coords(s);
    EXPECT_EQ(cu.site(c[0], c[1], c[2]), s);
  }
}

TEST(Lattice, L2PeriodicHasDoubleBonds) {
  // On a 2-site ring both bonds join the same pair: the merged coupling is 2J.
  Graph g = Lattice::chain(2, Boundary::Periodic, 1.5).to_graph();
  ASSERT_EQ(g.num_edges(), 1);
  EXPECT_DOUBLE_EQ(g.edges()[0].w, 3.0);
}

TEST(Lattice, RejectsBadSizes) {
  EXPECT_THROW(Lattice::square(1), InputError);
  EXPECT_THROW(Lattice::square(0, Boundary::Open), InputError);
  EXPECT_THROW(Lattice::square(50000), InputError);  // 2.5e9 sites > 2^31-1
  EXPECT_THROW(Lattice::chain(4, Boundary::Periodic, std::nan("")), InputError);
}

TEST(Lattice, WallRemovesExactlyTheCrossingBonds) {
  // The chambers geometry: L = 80, open, wall x = 40 for rows 0 <= y < 53.
  Lattice lat = Lattice::square(80, Boundary::Open);
  int64_t before = lat.to_graph().num_edges();
  lat.add_wall(0, 40, 1, 0, 53);
  EXPECT_EQ(lat.num_removed_bonds(), 53);
  EXPECT_EQ(lat.to_graph().num_edges(), before - 53);
  EXPECT_FALSE(lat.has_bond(lat.site(39, 0), 0));
  EXPECT_FALSE(lat.has_bond(lat.site(39, 52), 0));
  EXPECT_TRUE(lat.has_bond(lat.site(39, 53), 0));
  EXPECT_TRUE(lat.has_bond(lat.site(38, 10), 0));
  double J;
  EXPECT_FALSE(lat.is_uniform(&J));
  EXPECT_THROW(lat.add_wall(2, 3, 1, 0, 1), InputError);
  EXPECT_THROW(lat.add_wall(0, 81, 1, 0, 1), InputError);
  EXPECT_THROW(lat.add_wall(0, 10, 0, 0, 5), InputError);   // range along the wall's own axis
  EXPECT_THROW(lat.add_wall(0, 10, 2, 0, 5), InputError);   // no z in 2D
  EXPECT_THROW(lat.add_wall(0, 10, 1, 70, 90), InputError);  // beyond the lattice
  // In 3D a y-range restricts y only: the whole z extent is cut.
  Lattice cube = Lattice::cubic(8);
  cube.add_wall(0, 3, 1, 0, 5);
  EXPECT_EQ(cube.num_removed_bonds(), 5 * 8);
  Lattice cube2 = Lattice::cubic(8);
  cube2.add_wall(2, 0);  // the periodic seam, whole plane
  EXPECT_EQ(cube2.num_removed_bonds(), 64);
}

TEST(Lattice, PerBondCouplings) {
  Lattice lat = Lattice::square(4);
  lat.set_bond(lat.site(1, 1), 1, -2.0);
  Graph g = lat.to_graph();
  int found = 0;
  for (const Edge& e : g.edges())
    if (e.w == -2.0) {
      ++found;
      EXPECT_EQ(std::min(e.i, e.j), lat.site(1, 1));
      EXPECT_EQ(std::max(e.i, e.j), lat.site(1, 2));
    }
  EXPECT_EQ(found, 1);
  EXPECT_THROW(lat.set_bond(0, 0, std::nan("")), InputError);
}

TEST(Model, EnergyLocalFieldAndDeltaE) {
  IsingModel m = random_model(10, 0.5, 3, true);
  Rng rng(1, 2);
  for (int t = 0; t < 50; ++t) {
    auto s = hot_state(10, rng);
    double e = m.energy(s);
    for (int32_t i = 0; i < 10; ++i) {
      auto s2 = s;
      s2[i] = static_cast<Spin>(-s2[i]);
      EXPECT_NEAR(m.energy(s2) - e, m.delta_energy(i, s), 1e-12);
    }
  }
  auto up = cold_state(10, 1);
  EXPECT_EQ(IsingModel::magnetization(up), 10);
  EXPECT_EQ(IsingModel::magnetization(cold_state(10, -1)), -10);
}

TEST(Model, SquareLatticeGroundStateEnergy) {
  IsingModel m = IsingModel::on_lattice(Lattice::square(8));
  EXPECT_DOUBLE_EQ(m.energy(cold_state(64, 1)), -128.0);
  IsingModel f = IsingModel::on_lattice(Lattice::square(8), 0.5);
  EXPECT_DOUBLE_EQ(f.energy(cold_state(64, 1)), -128.0 - 32.0);
  EXPECT_TRUE(f.has_field());
  EXPECT_TRUE(f.is_ferromagnetic());
  EXPECT_THROW(IsingModel::on_lattice(Lattice::square(4), std::nan("")), InputError);
}

// The row-by-row lattice energy equals the plain sum over the graph's edges.
TEST(Model, LatticeFastEnergyMatchesEdgeSum) {
  Rng rng(4, 4);
  for (int dim = 1; dim <= 3; ++dim)
    for (Boundary b : {Boundary::Periodic, Boundary::Open})
      for (int32_t L : {2, 3, 4, 7}) {
        Lattice lat(dim, {L, L, L}, b, -0.7);
        IsingModel m = IsingModel::on_lattice(lat, 0.3);
        for (int t = 0; t < 5; ++t) {
          auto s = hot_state(m.size(), rng);
          double e = 0.0;
          for (const Edge& ed : m.graph().edges()) e -= ed.w * s[ed.i] * s[ed.j];
          e -= 0.3 * IsingModel::magnetization(s);
          EXPECT_NEAR(m.energy(s), e, 1e-9) << dim << " L=" << L << " open=" << (b == Boundary::Open);
        }
      }
  // With a wall the generic path runs and still agrees.
  Lattice walled = Lattice::square(6, Boundary::Open);
  walled.add_wall(0, 3, 1, 0, 4);
  IsingModel m = IsingModel::on_lattice(walled);
  auto s = hot_state(m.size(), rng);
  double e = 0.0;
  for (const Edge& ed : m.graph().edges()) e -= ed.w * s[ed.i] * s[ed.j];
  EXPECT_NEAR(m.energy(s), e, 1e-12);
}

TEST(Model, RejectsBadFields) {
  Graph g = Graph::from_edges(2, std::vector<Edge>{{0, 1, 1.0}});
  EXPECT_THROW(IsingModel(g, {1.0}), InputError);
  EXPECT_THROW(IsingModel(g, {1.0, std::numeric_limits<double>::infinity()}), InputError);
}

TEST(Conversions, IsingQuboRoundTripOnEveryState) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    IsingModel m = random_model(9, 0.5, seed, true);
    Qubo q = ising_to_qubo(m);
    IsingModel back = qubo_to_ising(q);
    for (uint64_t b = 0; b < 512; ++b) {
      auto s = spins_of(b, 9);
      std::vector<uint8_t> x(9);
      for (int i = 0; i < 9; ++i) x[i] = s[i] > 0;
      EXPECT_NEAR(q.value(x), m.energy(s), 1e-12);
      EXPECT_NEAR(back.energy(s), m.energy(s), 1e-12);
    }
  }
}

TEST(Conversions, MaxCutIdentities) {
  Rng rng(5, 0);
  std::vector<Edge> e;
  for (int i = 0; i < 10; ++i)
    for (int j = i + 1; j < 10; ++j)
      if (rng.uniform() < 0.4) e.push_back({i, j, std::floor(rng.uniform() * 5) - 1});
  Graph g = Graph::from_edges(10, e);
  IsingModel m = maxcut_to_ising(g);
  for (uint64_t b = 0; b < 1024; ++b) {
    auto s = spins_of(b, 10);
    EXPECT_NEAR(m.energy(s), -cut_value(g, s), 1e-12);
  }
  // Ising with fields -> MaxCut with a ghost vertex fixed at +1.
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    IsingModel im = random_model(8, 0.5, seed, true);
    double c = 0.0;
    Graph mg = ising_to_maxcut(im, &c);
    EXPECT_EQ(mg.num_vertices(), 9);
    for (uint64_t b = 0; b < 256; ++b) {
      auto s = spins_of(b, 8);
      auto sg = s;
      sg.push_back(1);
      EXPECT_NEAR(im.energy(s), c - cut_value(mg, sg), 1e-12);
    }
  }
}

TEST(Rng, MatchesRandom123Philox) {
  Rng rng(0x123456789abcdefULL, 42);
  r123::Philox4x32 philox;
  for (uint32_t block = 0; block < 3; ++block) {
    r123::Philox4x32::ctr_type c = {{block, 0, 42, 0}};
    r123::Philox4x32::key_type k = {{0x89abcdefu, 0x1234567u}};
    auto r = philox(c, k);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(rng.next_u32(), r[i]);
  }
  EXPECT_EQ(rng.block(), 3u);
}

TEST(Rng, StreamsDifferAndAreReproducible) {
  Rng a(7, 0), b(7, 1), a2(7, 0);
  int same = 0;
  for (int i = 0; i < 1000; ++i) {
    uint32_t x = a.next_u32();
    same += x == b.next_u32();
    EXPECT_EQ(x, a2.next_u32());
  }
  EXPECT_LT(same, 3);
}

TEST(Rng, UniformMomentsAndBelow) {
  Rng rng(11, 3);
  const int n = 400000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    s += u;
    s2 += u * u;
  }
  // mean 1/2 with sd sqrt(1/12 / n); |z| < 4
  EXPECT_LT(std::fabs(s / n - 0.5) / std::sqrt(1.0 / 12.0 / n), 4.0);
  EXPECT_LT(std::fabs(s2 / n - 1.0 / 3.0) / std::sqrt((1.0 / 5 - 1.0 / 9) / n), 4.0);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) ++counts[rng.below(7)];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 10000.0) * (c - 10000.0) / 10000.0;
  EXPECT_LT(chi2, 30.0);  // 6 degrees of freedom; P(chi2 > 30) ~ 4e-5
}

TEST(Rng, AcceptanceThresholdIsExact) {
  EXPECT_EQ(acceptance_threshold(0.0), 0u);
  EXPECT_EQ(acceptance_threshold(1.0), uint64_t{1} << 32);
  EXPECT_EQ(acceptance_threshold(2.0), uint64_t{1} << 32);
  EXPECT_EQ(acceptance_threshold(0.5), uint64_t{1} << 31);
  EXPECT_EQ(acceptance_threshold(std::nan("")), 0u);
  // Over 1e7 draws the accepted fraction matches p within 4 sigma.
  Rng rng(3, 9);
  const double p = std::exp(-0.44 * 4.0);
  const uint64_t t = acceptance_threshold(p);
  const int n = 10000000;
  int64_t acc = 0;
  for (int i = 0; i < n; ++i) acc += accept_u32(rng.next_u32(), t);
  double z = (acc / static_cast<double>(n) - p) / std::sqrt(p * (1 - p) / n);
  EXPECT_LT(std::fabs(z), 4.0);
}
