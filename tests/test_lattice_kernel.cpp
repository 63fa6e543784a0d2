// Lattice checkerboard kernel: Philox vs Random123, SIMD vs scalar, random layout, probabilities, statistics.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "exact/oracles.hpp"
#include "measure/simulate.hpp"
#include "sample/lattice_checkerboard.hpp"
#include "sample/move.hpp"
#include "sample/single_spin.hpp"
#include "test_util.hpp"

using namespace spinlab;

namespace {

using R = SingleSpinRule;

// Word j of Philox4x32-10 block `block` of stream (seed, stream), straight from Random123.
uint32_t r123_word(uint64_t seed, uint64_t stream, uint64_t block, int j) {
  r123::Philox4x32::ctr_type c = {{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32),
                                   static_cast<uint32_t>(stream), static_cast<uint32_t>(stream >> 32)}};
  r123::Philox4x32::key_type k = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
  return r123::Philox4x32()(c, k)[j];
}

IsingModel lattice_model(int dim, int L, double J, double h) {
  Lattice lat = dim == 2 ? Lattice::square(L, Boundary::Periodic, J) : Lattice::cubic(L, Boundary::Periodic, J);
  return IsingModel::on_lattice(lat, h);
}

bool simd() { return philox_batch::avx512_available(); }

double z(const Estimate& e, double exact) { return (e.mean - exact) / e.error; }

}  // namespace

TEST(PhiloxBatch, ScalarMatchesRandom123) {
  const uint64_t seeds[] = {0, 1, 0x123456789abcdefULL, ~0ULL};
  const uint64_t streams[] = {0, 7, 0xfedcba9876543210ULL};
  // The last start crosses the 2^32 boundary of the block counter inside a group.
  const uint64_t firsts[] = {0, 48, 0xFFFFFFF8ULL, 0x0000000500000000ULL};
  std::vector<uint32_t> out(3 * philox_batch::kGroupWords);
  for (uint64_t seed : seeds)
    for (uint64_t stream : streams)
      for (uint64_t first : firsts) {
        philox_batch::generate_scalar(seed, stream, first, 3, out.data());
        for (int g = 0; g < 3; ++g)
          for (int j = 0; j < 4; ++j)
            for (int b = 0; b < 16; ++b)
              ASSERT_EQ(out[64 * g + 16 * j + b], r123_word(seed, stream, first + 16 * g + b, j))
                  << "seed " << seed << " stream " << stream << " block " << first + 16 * g + b;
      }
}

TEST(PhiloxBatch, Avx512MatchesScalar) {
  if (!simd()) GTEST_SKIP() << "no AVX-512 on this CPU";
  Rng pick(42, 0);
  // Odd and even group counts exercise both the two-group loop and the one-group tail.
  for (size_t ngroups : {1, 2, 3, 8, 33}) {
    for (int rep = 0; rep < 20; ++rep) {
      const uint64_t seed = (uint64_t{pick.next_u32()} << 32) | pick.next_u32();
      const uint64_t stream = (uint64_t{pick.next_u32()} << 32) | pick.next_u32();
      uint64_t first = (uint64_t{pick.next_u32() & 3} << 32) | pick.next_u32();
      if (rep == 0) first = 0xFFFFFFF0ULL;
      std::vector<uint32_t> a(ngroups * 64), b(ngroups * 64, 1);
      philox_batch::generate_scalar(seed, stream, first, ngroups, a.data());
      philox_batch::generate_avx512(seed, stream, first, ngroups, b.data());
      ASSERT_EQ(a, b) << "ngroups " << ngroups << " rep " << rep;
    }
  }
}

TEST(PhiloxBatch, RngAccessorsAndTakeBlocks) {
  Rng a(0x1122334455667788ULL, 0x99aabbccddeeff00ULL, 5);
  EXPECT_EQ(a.seed(), 0x1122334455667788ULL);
  EXPECT_EQ(a.stream(), 0x99aabbccddeeff00ULL);
  a.next_u32();  // block 5 is now partly read
  EXPECT_EQ(a.take_blocks(10), 6u);
  EXPECT_EQ(a.block(), 16u);
  Rng b(a.seed(), a.stream(), 16);
  for (int k = 0; k < 9; ++k) EXPECT_EQ(a.next_u32(), b.next_u32());
}

// The SIMD kernel and the scalar reference leave bit-identical lattices (and identical streams).
TEST(LatticeKernel, SimdMatchesScalarBitForBit) {
  if (!simd()) GTEST_SKIP() << "no AVX-512 on this CPU";
  struct Case {
    int dim, L;
  };
  // 16, 64, 8: whole and partial 32-spin chunks; 20 and 12: rows that end in a partial chunk.
  const Case cases[] = {{2, 16}, {2, 64}, {2, 20}, {3, 8}, {3, 16}, {3, 12}};
  uint64_t seed = 1000;
  for (const Case& c : cases)
    for (R rule : {R::Metropolis, R::HeatBath})
      for (double J : {1.0, -1.0})
        for (double h : {0.0, 0.3})
          for (double beta : {0.35, 5.0}) {  // 5.0: thresholds of 0 and of 2^32 both occur
            IsingModel m = lattice_model(c.dim, c.L, J, h);
            auto fast = make_lattice_checkerboard(m, beta, rule, LatticeKernelImpl::Avx512);
            auto ref = make_lattice_checkerboard(m, beta, rule, LatticeKernelImpl::Scalar);
            EXPECT_EQ(fast->kernel(), "lattice-checkerboard-avx512");
            EXPECT_EQ(ref->kernel(), "lattice-checkerboard-scalar");
            Rng r1(++seed, 3), r2(seed, 3);
            auto s1 = hot_state(m.size(), r1);
            auto s2 = hot_state(m.size(), r2);
            const std::string tag = std::to_string(c.dim) + "D L=" + std::to_string(c.L) + " rule " +
                                    std::to_string(int(rule)) + " J=" + std::to_string(J) +
                                    " h=" + std::to_string(h) + " beta=" + std::to_string(beta);
            for (int t = 0; t < 7; ++t) {
              fast->sweep(s1, r1);
              ref->sweep(s2, r2);
              ASSERT_EQ(s1, s2) << tag << " sweep " << t;
            }
            EXPECT_EQ(r1.next_u32(), r2.next_u32()) << tag;
          }
}

// The scalar reference follows the random-number layout documented in lattice_checkerboard.hpp
// and the generic probability formulas, written out here independently.
TEST(LatticeKernel, FollowsDocumentedLayoutAndFormulas) {
  struct Case {
    int dim, L;
    double J, h, beta;
  };
  const Case cases[] = {{2, 8, 1.0, 0.0, 0.44}, {2, 6, -1.0, 0.2, 0.7}, {3, 4, 1.0, -0.1, 0.3}, {3, 6, -0.5, 0.3, 0.9}};
  for (const Case& c : cases)
    for (R rule : {R::Metropolis, R::HeatBath})
      for (auto impl : {LatticeKernelImpl::Scalar, LatticeKernelImpl::Auto}) {
        IsingModel m = lattice_model(c.dim, c.L, c.J, c.h);
        const int n = m.size();
        auto mv = make_lattice_checkerboard(m, c.beta, rule, impl);
        Rng rng(77, 5);
        auto s = hot_state(n, rng);
        std::vector<Spin> expect = s;
        const uint64_t G = (n / 2 + 63) / 64;
        for (int t = 0; t < 3; ++t) {
          // The unread words of the current block are skipped: the sweep starts at block().
          const uint64_t first = rng.block();
          mv->sweep(s, rng);
          EXPECT_EQ(rng.block(), first + 32 * G);
          for (int col = 0; col < 2; ++col)
            for (int i = 0; i < n; ++i) {
              const int32_t x = i % c.L, y = (i / c.L) % c.L, zc = i / (c.L * c.L);
              if ((x + y + (c.dim == 3 ? zc : 0)) % 2 != col) continue;
              const uint64_t k = static_cast<uint64_t>(i) / 2;
              const uint32_t u = r123_word(rng.seed(), rng.stream(), first + 16 * (col * G + k / 64) + k % 16,
                                           static_cast<int>((k % 64) / 16));
              const double f = m.local_field(i, expect);
              if (rule == R::Metropolis) {
                const double dE = 2.0 * expect[i] * f;
                const uint64_t thr = dE <= 0 ? uint64_t{1} << 32 : acceptance_threshold(std::exp(-c.beta * dE));
                if (u < thr) expect[i] = static_cast<Spin>(-expect[i]);
              } else {
                expect[i] = u < acceptance_threshold(1.0 / (1.0 + std::exp(-2.0 * c.beta * f))) ? 1 : -1;
              }
            }
          ASSERT_EQ(s, expect) << c.dim << "D L=" << c.L << " rule " << int(rule) << " sweep " << t;
          rng.next_u32();  // leave a partly read block again
        }
      }
}

// Words at and around every threshold, and the extremes 0 and 2^32-1 (which random draws
// practically never hit), give exactly the decisions u < threshold in both implementations,
// including thresholds of 0 (never) and 2^32 (always, beyond the 32-bit compare).
TEST(LatticeKernel, ExtremeWordsFollowThresholds) {
  struct Case {
    int dim, L;
    double J, h, beta;
  };
  const Case cases[] = {{2, 8, 1.0, 0.3, 5.0},  {2, 64, -1.0, 0.3, 5.0}, {2, 40, 1.0, -0.2, 0.4},
                        {3, 4, 1.0, 0.3, 5.0},  {3, 32, -1.0, -0.3, 5.0}, {3, 10, 0.5, 0.1, 0.3}};
  for (const Case& c : cases)
    for (R rule : {R::Metropolis, R::HeatBath})
      for (auto impl : {LatticeKernelImpl::Scalar, LatticeKernelImpl::Auto}) {
        IsingModel m = lattice_model(c.dim, c.L, c.J, c.h);
        const int n = m.size();
        auto mv = make_lattice_checkerboard(m, c.beta, rule, impl);
        Rng rng(3, 4);
        auto s = hot_state(n, rng);
        // An up block and a down block, so that all-equal neighbourhoods (the extreme thresholds) occur.
        for (int i = 0; i < n / 3; ++i) s[i] = 1;
        for (int i = n / 3; i < 2 * n / 3; ++i) s[i] = -1;
        bool saw_never = false, saw_always = false;
        for (int col = 0; col < 2; ++col) {
          std::vector<uint32_t> words(n / 2);
          std::vector<Spin> expect = s;
          for (int i = 0; i < n; ++i) {
            const int32_t x = i % c.L, y = (i / c.L) % c.L, zc = i / (c.L * c.L);
            if ((x + y + (c.dim == 3 ? zc : 0)) % 2 != col) continue;
            const double f = m.local_field(i, s);
            uint64_t thr;
            if (rule == R::Metropolis) {
              const double dE = 2.0 * s[i] * f;
              thr = dE <= 0 ? uint64_t{1} << 32 : acceptance_threshold(std::exp(-c.beta * dE));
            } else {
              thr = acceptance_threshold(1.0 / (1.0 + std::exp(-2.0 * c.beta * f)));
            }
            saw_never |= thr == 0;
            saw_always |= thr == uint64_t{1} << 32;
            const uint64_t pool[] = {0, 1, thr - 1, thr, thr + 1, 0xFFFFFFFEull, 0xFFFFFFFFull};
            const uint64_t pick = pool[(i / 2 + rng.below(7)) % 7];
            const auto u = static_cast<uint32_t>(std::min<uint64_t>(pick == ~uint64_t{0} ? 0 : pick, 0xFFFFFFFFull));
            words[i / 2] = u;
            const bool r = u < thr;
            if (rule == R::Metropolis)
              expect[i] = static_cast<Spin>(r ? -s[i] : s[i]);
            else
              expect[i] = r ? 1 : -1;
          }
          detail::lattice_colour_pass_with_words(*mv, s, col, words);
          ASSERT_EQ(s, expect) << c.dim << "D L=" << c.L << " rule " << int(rule) << " colour " << col
                               << " impl " << int(impl);
        }
        if (c.beta > 1) {
          EXPECT_TRUE(saw_never && saw_always) << c.dim << "D L=" << c.L << " rule " << int(rule) << " "
                                               << saw_never << saw_always;
        }
      }
}

// Same formulas as the generic table path (cf. test_samplers TablePathMatchesFormula); update_site
// applies exactly that probability with one word of the Rng.
TEST(LatticeKernel, FlipProbabilityMatchesFormula) {
  struct Case {
    int dim, L;
    double J, h, beta;
  };
  const Case cases[] = {{2, 4, 1.0, 0.25, 0.37}, {2, 6, -1.0, 0.0, 0.5}, {3, 4, -1.0, 0.1, 0.3}, {3, 4, 0.7, -0.4, 2.0}};
  for (const Case& c : cases)
    for (auto impl : {LatticeKernelImpl::Scalar, LatticeKernelImpl::Auto}) {
      IsingModel m = lattice_model(c.dim, c.L, c.J, c.h);
      auto metro = make_lattice_checkerboard(m, c.beta, R::Metropolis, impl);
      auto heat = make_lattice_checkerboard(m, c.beta, R::HeatBath, impl);
      Rng rng(1, 1);
      const int n = m.size();
      for (int t = 0; t < 10; ++t) {
        auto s = hot_state(n, rng);
        for (int i = 0; i < n; ++i) {
          const double dE = m.delta_energy(i, s);
          const double pm = dE <= 0 ? 1.0 : acceptance_threshold(std::exp(-c.beta * dE)) * 0x1.0p-32;
          EXPECT_DOUBLE_EQ(metro->flip_probability(i, s), pm);
          const double f = m.local_field(i, s);
          const double pup = acceptance_threshold(1.0 / (1.0 + std::exp(-2 * c.beta * f))) * 0x1.0p-32;
          EXPECT_DOUBLE_EQ(heat->flip_probability(i, s), s[i] > 0 ? 1 - pup : pup);

          Rng a(9, static_cast<uint64_t>(i)), b(9, static_cast<uint64_t>(i));
          const uint32_t u = b.next_u32();
          auto s2 = s;
          metro->update_site(i, s2, a);
          EXPECT_EQ(s2[i] != s[i], u < acceptance_threshold(pm)) << "site " << i;
          s2 = s;
          Rng a2(9, static_cast<uint64_t>(i));
          heat->update_site(i, s2, a2);
          EXPECT_EQ(s2[i], u < acceptance_threshold(pup) ? 1 : -1);
        }
      }
    }
}

TEST(LatticeKernel, ChosenOnlyWhenItApplies) {
  const std::string fast = simd() ? "lattice-checkerboard-avx512" : "lattice-checkerboard-scalar";
  EXPECT_EQ(make_move("metropolis-checkerboard", lattice_model(2, 16, 1.0, 0.0), 0.4)->kernel(), fast);
  EXPECT_EQ(make_move("heatbath-checkerboard", lattice_model(3, 8, -1.0, 0.2), 0.4)->kernel(), fast);
  EXPECT_EQ(make_move("metropolis-checkerboard", lattice_model(3, 8, 1.0, 0.0), 0.4)->name(),
            "metropolis-checkerboard");
  // Other orders keep the generic path.
  EXPECT_EQ(make_move("metropolis-sequential", lattice_model(2, 16, 1.0, 0.0), 0.4)->kernel(), "csr-table");
  // Plain "metropolis" takes the fast kernel where it applies, the sequential CSR path elsewhere.
  EXPECT_EQ(make_move("metropolis", lattice_model(2, 16, 1.0, 0.0), 0.4)->kernel().rfind("lattice-checkerboard", 0), 0u);
  EXPECT_EQ(make_move("metropolis", lattice_model(2, 15, 1.0, 0.0), 0.4)->kernel(), "csr-table");
  EXPECT_EQ(make_move("metropolis", lattice_model(2, 15, 1.0, 0.0), 0.4)->name(), "metropolis-sequential");
  // Odd L, open boundary, a 1D chain, a wall, L = 2, J = 0, a general graph: generic path.
  EXPECT_EQ(make_move("metropolis-checkerboard", lattice_model(2, 15, 1.0, 0.0), 0.4)->kernel(), "csr-table");
  EXPECT_EQ(make_move("metropolis-checkerboard", IsingModel::on_lattice(Lattice::square(16, Boundary::Open)), 0.4)
                ->kernel(),
            "csr-table");
  EXPECT_EQ(make_move("metropolis-checkerboard", IsingModel::on_lattice(Lattice::chain(16)), 0.4)->kernel(),
            "csr-table");
  Lattice walled = Lattice::square(16);
  walled.add_wall(0, 4, 1, 0, 8);
  EXPECT_NE(make_move("metropolis-checkerboard", IsingModel::on_lattice(walled), 0.4)->kernel(), fast);
  EXPECT_NE(make_move("metropolis-checkerboard", lattice_model(2, 2, 1.0, 0.0), 0.4)->kernel(), fast);
  EXPECT_NE(make_move("metropolis-checkerboard", lattice_model(2, 8, 0.0, 0.1), 0.4)->kernel(), fast);
  Lattice bond = Lattice::square(8);
  bond.set_bond(3, 0, 2.0);
  EXPECT_NE(make_move("heatbath-checkerboard", IsingModel::on_lattice(bond), 0.4)->kernel(), fast);
  EXPECT_THROW(make_lattice_checkerboard(lattice_model(2, 15, 1.0, 0.0), 0.4, R::Metropolis), InputError);
  EXPECT_THROW(make_move("metropolis-checkerboard", lattice_model(2, 16, 1.0, 0.0), -1.0), InputError);
}

// E/N and C/N on the 16x16 and 32x32 tori vs Kaufman, through simulate().
TEST(LatticeKernel, TorusVsKaufman) {
  uint64_t seed = 500;
  for (int L : {16, 32})
    for (const char* algo : {"metropolis-checkerboard", "heatbath-checkerboard"}) {
      IsingModel m = IsingModel::on_lattice(Lattice::square(L));
      SimulationOptions o;
      o.algo = algo;
      o.betas = {0.3, 0.4406868, 0.5};
      o.sweeps = L == 16 ? 100000 : 60000;
      o.therm = 2000;
      o.seed = ++seed;
      SimulationResult r = simulate(m, o);
      EXPECT_EQ(r.kernel.rfind("lattice-checkerboard", 0), 0u) << r.kernel;
      for (const auto& p : r.points) {
        ExactThermo ex = kaufman_torus(L, L, p.beta);
        const std::string tag = std::string(algo) + " L=" + std::to_string(L) + " beta=" + std::to_string(p.beta);
        ASSERT_GT(p.energy_per_spin.error, 0.0);
        EXPECT_LT(std::fabs(z(p.energy_per_spin, ex.energy_per_spin)), 4.0)
            << tag << " E/N " << p.energy_per_spin.mean << " +- " << p.energy_per_spin.error << " exact "
            << ex.energy_per_spin;
        EXPECT_LT(std::fabs(z(p.specific_heat, ex.specific_heat_per_spin)), 4.0)
            << tag << " C/N " << p.specific_heat.mean << " +- " << p.specific_heat.error << " exact "
            << ex.specific_heat_per_spin;
        EXPECT_TRUE(p.warnings.empty()) << tag << ": " << (p.warnings.empty() ? "" : p.warnings[0]);
      }
    }
}

// 3D 8^3 in a field: the fast kernel agrees with the generic sequential Metropolis path.
TEST(LatticeKernel, CubicWithFieldVsGenericPath) {
  IsingModel m = IsingModel::on_lattice(Lattice::cubic(8), 0.1);
  SimulationOptions o;
  o.betas = {0.18, 0.2216544, 0.3};
  o.sweeps = 40000;
  o.therm = 1000;
  o.seed = 900;
  o.algo = "metropolis-checkerboard";
  SimulationResult fast = simulate(m, o);
  EXPECT_EQ(fast.kernel.rfind("lattice-checkerboard", 0), 0u) << fast.kernel;
  o.algo = "metropolis-sequential";
  o.seed = 901;
  SimulationResult gen = simulate(m, o);
  EXPECT_EQ(gen.kernel, "csr-table");
  for (size_t k = 0; k < o.betas.size(); ++k) {
    const auto &a = fast.points[k], &b = gen.points[k];
    const std::string tag = "beta=" + std::to_string(a.beta);
    EXPECT_LT(std::fabs(spinlab::testing::z_difference(a.energy_per_spin, b.energy_per_spin)), 4.0) << tag << " E/N";
    EXPECT_LT(std::fabs(spinlab::testing::z_difference(a.magnetization_per_spin, b.magnetization_per_spin)), 4.0) << tag << " M/N";
    EXPECT_LT(std::fabs(spinlab::testing::z_difference(a.specific_heat, b.specific_heat)), 4.0) << tag << " C/N";
    EXPECT_LT(std::fabs(spinlab::testing::z_difference(a.susceptibility, b.susceptibility)), 4.0) << tag << " chi";
  }
}
