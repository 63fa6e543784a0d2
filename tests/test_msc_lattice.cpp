// The multi-spin-coded lattice kernels: ARS-5 against Random123, packing and packed measurements
// against the byte-state model, bit-identical SIMD levels and thread counts, the bit-sliced
// acceptance against a spin-by-spin comparison, and statistics against exact results.
#include <gtest/gtest.h>

#include <Random123/ars.h>
#include <immintrin.h>

#include <cmath>

#include "core/error.hpp"
#include "exact/oracles.hpp"
#include "sample/ars.hpp"
#include "sample/msc_kernel.hpp"
#include "sample/msc_lattice.hpp"
#include "measure/simulate.hpp"
#include "sample/move.hpp"
#include "test_util.hpp"

namespace spinlab {
namespace {

std::vector<SimdLevel> levels() {
  std::vector<SimdLevel> v{SimdLevel::Scalar};
  for (SimdLevel l : {SimdLevel::Avx2, SimdLevel::Avx512})
    if (simd_level_available(l)) v.push_back(l);
  return v;
}

#if R123_USE_AES_NI
TEST(Ars, SoftwareRoundMatchesAesNi) {
  Rng rng(3, 0);
  for (int t = 0; t < 200; ++t) {
    alignas(16) uint8_t st[16], rk[16], out[16];
    for (int i = 0; i < 16; ++i) {
      st[i] = static_cast<uint8_t>(rng.next_u32());
      rk[i] = static_cast<uint8_t>(rng.next_u32());
    }
    for (bool last : {false, true}) {
      const __m128i s = _mm_load_si128(reinterpret_cast<const __m128i*>(st));
      const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(rk));
      _mm_store_si128(reinterpret_cast<__m128i*>(out), last ? _mm_aesenclast_si128(s, k) : _mm_aesenc_si128(s, k));
      uint8_t soft[16];
      std::copy(st, st + 16, soft);
      ars::aesenc_soft(soft, rk, last);
      for (int i = 0; i < 16; ++i) ASSERT_EQ(soft[i], out[i]) << "byte " << i << " last " << last;
    }
  }
}

TEST(Ars, BlockIsRandom123Ars5) {
  const uint64_t seed = 0x0123456789abcdefULL, stream = 42;
  const ars::Key key = ars::make_key(seed, stream);
  for (uint64_t c = 0; c < 50; ++c) {
    const uint64_t lo = c * 0x9e3779b97f4a7c15ULL, hi = c + 7;
    uint64_t out[2];
    ars::block_soft(key, lo, hi, out);
    r123array4x32 ctr = {{uint32_t(lo), uint32_t(lo >> 32), uint32_t(hi), uint32_t(hi >> 32)}};
    r123array4x32 k = {{uint32_t(seed), uint32_t(seed >> 32), uint32_t(stream), uint32_t(stream >> 32)}};
    const r123array4x32 r = ars4x32_R(5, ctr, k);
    EXPECT_EQ(out[0], r.v[0] | uint64_t{r.v[1]} << 32);
    EXPECT_EQ(out[1], r.v[2] | uint64_t{r.v[3]} << 32);
  }
}
#endif

TEST(MscGeometry, SupportedSizes) {
  for (int64_t L : {8, 16, 24, 64, 120, 128, 256, 512, 1024, 2048, 3072, 65536})
    EXPECT_TRUE(MscGeometry::unsupported_reason(2, L).empty()) << L;
  for (int64_t L : {4, 6, 12, 130, 384, 1000}) EXPECT_FALSE(MscGeometry::unsupported_reason(2, L).empty()) << L;
  EXPECT_FALSE(MscGeometry::unsupported_reason(1, 64).empty());
  EXPECT_THROW(MscLattice(2, 12), InputError);
  const MscGeometry g = MscGeometry::make(2, 65536);
  EXPECT_EQ(g.spins(), int64_t{1} << 32);
  EXPECT_EQ(g.words * 2 * 8, int64_t{512} << 20);  // 512 MiB for 4.3e9 spins
}

Lattice lattice_of(int dim, int L, double J = 1.0) {
  return dim == 2 ? Lattice::square(L, Boundary::Periodic, J) : Lattice::cubic(L, Boundary::Periodic, J);
}

TEST(MscLattice, PackUnpackAndMeasurementsMatchTheByteModel) {
  for (auto [dim, L] : {std::pair{2, 8}, {2, 24}, {2, 64}, {2, 128}, {2, 256}, {2, 512}, {2, 1024}, {3, 8}, {3, 16}, {3, 64}}) {
    const IsingModel model = IsingModel::on_lattice(lattice_of(dim, L));
    Rng rng(5, static_cast<uint64_t>(L));
    const std::vector<Spin> s = hot_state(model.size(), rng);
    MscLattice lat(dim, L);
    lat.pack(s);
    EXPECT_EQ(lat.unpack(), s) << dim << "D L=" << L;
    EXPECT_EQ(lat.at(1, 2, dim == 3 ? 3 : 0), s[model.lattice()->site(1, 2, dim == 3 ? 3 : 0)]);
    for (SimdLevel level : levels()) {
      for (double J : {1.0, -0.5}) {
        MscUpdate up(lat.geometry(), MscRule::Metropolis, J, 0.3, level);
        const IsingModel mj = IsingModel::on_lattice(lattice_of(dim, L, J));
        const MscTotals t = up.measure(lat);
        EXPECT_EQ(t.magnetization, IsingModel::magnetization(s)) << simd_level_name(level);
        EXPECT_DOUBLE_EQ(t.energy(J), mj.energy(s)) << simd_level_name(level) << " " << dim << "D L=" << L;
      }
    }
  }
}

// Runs k sweeps from one hot state and returns the packed words.
std::vector<uint64_t> run(int dim, int L, MscRule rule, double J, double beta, SimdLevel level, int threads, int k) {
  MscLattice lat(dim, L);
  Rng rng(11, 3);
  lat.randomize(rng);
  MscUpdate up(lat.geometry(), rule, J, beta, level, threads);
  for (int t = 0; t < k; ++t) up.sweep(lat, rng);
  return lat.words();
}

TEST(MscUpdate, SimdLevelsAndThreadCountsGiveBitIdenticalLattices) {
  struct Case {
    int dim, L;
  };
  for (Case c : {Case{2, 8}, Case{2, 24}, Case{2, 64}, Case{2, 128}, Case{2, 256}, Case{2, 512}, Case{2, 1024}, Case{2, 2048},
                 Case{3, 8}, Case{3, 16}, Case{3, 32}})
    for (MscRule rule : {MscRule::Metropolis, MscRule::HeatBath})
      for (double beta : {0.0, 0.2, 0.4406868, 1.5}) {
        const double J = c.L % 16 == 0 ? 1.0 : -0.7;
        const int k = c.L >= 1024 ? 2 : 4;
        const auto ref = run(c.dim, c.L, rule, J, beta, SimdLevel::Scalar, 1, k);
        for (SimdLevel level : levels())
          for (int threads : {1, 2}) {
            if (level == SimdLevel::Scalar && threads == 1) continue;
            EXPECT_EQ(run(c.dim, c.L, rule, J, beta, level, threads, k), ref)
                << c.dim << "D L=" << c.L << " " << simd_level_name(level) << " threads=" << threads
                << " beta=" << beta << (rule == MscRule::Metropolis ? " metropolis" : " heatbath");
          }
      }
}

// The larger 3D geometries (whole-word rows, W = 1, 2) against the scalar reference, for the
// Metropolis class layouts the SIMD kernels special-case (one sweep each: the reference is slow).
TEST(MscUpdate, LargeCubicLatticesMatchTheScalarReference) {
  for (int L : {128, 256})
    for (double beta : {0.2216546, 0.6}) {
      const auto ref = run(3, L, MscRule::Metropolis, 1.0, beta, SimdLevel::Scalar, 1, 1);
      for (SimdLevel level : levels())
        for (int threads : {1, 2}) {
          if (level == SimdLevel::Scalar) continue;
          EXPECT_EQ(run(3, L, MscRule::Metropolis, 1.0, beta, level, threads, 1), ref)
              << "3D L=" << L << " " << simd_level_name(level) << " threads=" << threads << " beta=" << beta;
        }
    }
}

// The bit-sliced, early-exiting comparison against a spin-by-spin one: each spin's full 32-bit u
// assembled from its planes, compared with the threshold of its class.
TEST(MscUpdate, OnePassEqualsSpinBySpinComparison) {
  for (auto [dim, L] : {std::pair{2, 16}, {2, 256}, {3, 8}})
    for (MscRule rule : {MscRule::Metropolis, MscRule::HeatBath})
      for (double beta : {0.15, 0.4406868}) {
        const IsingModel model = IsingModel::on_lattice(lattice_of(dim, L));
        Rng rng(21, 0);
        std::vector<Spin> s = hot_state(model.size(), rng);
        MscLattice lat(dim, L);
        lat.pack(s);
        const uint64_t seed = 77, stream = 5, id = 12345;
        MscUpdate up(lat.geometry(), rule, 1.0, beta, SimdLevel::Scalar);
        up.colour_pass(lat, 0, seed, stream, id);
        const ars::Key key = ars::make_key(seed, stream);
        const MscGeometry& g = lat.geometry();
        const Lattice& ll = *model.lattice();
        int flips = 0;
        for (int32_t i = 0; i < model.size(); ++i) {
          const auto [x, y, z] = ll.coords(i);
          if ((x + y + z) & 1) continue;  // colour 1 is untouched by the pass
          int n = 0;
          for (int d = 0; d < dim; ++d)
            for (int sense : {-1, 1}) n += s[ll.neighbor(i, d, sense)] != s[i];
          const int64_t k = x / 2, word = (y + int64_t{L} * z) * g.W + k / 64, bit = k % 64;
          uint32_t u = 0;
          for (int P = 0; P < 32; ++P) {
            uint64_t out[2];
            ars::block_soft(key, msc::counter_lo(word / 8, static_cast<int>((word % 8) / 2), P, 0), id, out);
            u |= static_cast<uint32_t>((out[word % 2] >> bit) & 1) << (31 - P);
          }
          const bool flip = u < up.threshold(n);
          flips += flip;
          ASSERT_EQ(lat.at(x, y, z), flip ? -s[i] : s[i]) << dim << "D L=" << L << " site " << i << " n=" << n;
        }
        EXPECT_GT(flips, 0);
      }
}

// Over 1e7 draws with every spin in one class (all up: dE = 2 z J), the flipped fraction is
// exp(-beta dE) (Metropolis) or 1 / (1 + exp(beta dE)) (heat-bath) within 4 standard errors.
TEST(MscUpdate, AcceptedFractionMatchesTheExactProbability) {
  struct Case {
    int dim;
    MscRule rule;
    double beta;
  };
  for (Case c : {Case{2, MscRule::Metropolis, 0.4406868}, Case{2, MscRule::Metropolis, 0.05},
                 Case{2, MscRule::HeatBath, 0.1}, Case{3, MscRule::Metropolis, 0.2216546}}) {
    const int L = c.dim == 2 ? 1024 : 128;
    MscLattice lat(c.dim, L);
    MscUpdate up(lat.geometry(), c.rule, 1.0, c.beta);
    const double dE = 2.0 * 2 * c.dim;
    const double p = c.rule == MscRule::Metropolis ? std::exp(-c.beta * dE) : 1.0 / (1.0 + std::exp(c.beta * dE));
    const int64_t per_pass = lat.size() / 2;
    int64_t draws = 0, flipped = 0;
    for (uint64_t id = 0; draws < 10000000; ++id) {
      lat.fill(1);
      up.colour_pass(lat, 0, 99, 1, id);
      flipped += (lat.size() - up.measure(lat).magnetization) / 2;
      draws += per_pass;
    }
    const double f = static_cast<double>(flipped) / static_cast<double>(draws);
    const double sigma = std::sqrt(p * (1 - p) / static_cast<double>(draws));
    EXPECT_LT(std::fabs(f - p) / sigma, 4.0) << c.dim << "D beta=" << c.beta << " fraction " << f << " exact " << p;
  }
}

double zscore(const Estimate& e, double exact) { return (e.mean - exact) / e.error; }

// Time averages over 2e5 sweeps on the 32x32 and 64x64 tori against Kaufman, through simulate()
// (which picks the packed kernel for plain metropolis / heatbath).
TEST(MscUpdate, TorusTimeAveragesMatchKaufman) {
  uint64_t seed = 7000;
  for (int L : {32, 64})
    for (const char* algo : {"metropolis", "heatbath"}) {
      SimulationOptions o;
      o.algo = algo;
      o.betas = {0.3, 0.4406868, 0.5};
      o.sweeps = 200000;  // at beta_c heat-bath |M| has tau_int ~ 500 sweeps on 64^2
      o.therm = 2000;
      o.seed = ++seed;
      // Ordered start: quenched from a hot start below T_c, a torus can freeze into two stripe
      // domains that live far longer than the run (a true slow mode, flagged by the half-vs-half
      // check), while the ordered start relaxes in a few sweeps at every beta here.
      o.init = InitialState::Up;
      const SimulationResult r = simulate(IsingModel::on_lattice(Lattice::square(L)), o);
      EXPECT_EQ(r.kernel, std::string("msc-") + simd_level_name(best_simd_level()));
      for (const auto& p : r.points) {
        const ExactThermo ex = kaufman_torus(L, L, p.beta);
        const std::string tag = std::string(algo) + " L=" + std::to_string(L) + " beta=" + std::to_string(p.beta);
        ASSERT_GT(p.energy_per_spin.error, 0.0) << tag;
        EXPECT_LT(std::fabs(zscore(p.energy_per_spin, ex.energy_per_spin)), 4.0)
            << tag << " E/N " << p.energy_per_spin.mean << " +- " << p.energy_per_spin.error << " exact " << ex.energy_per_spin;
        EXPECT_LT(std::fabs(zscore(p.specific_heat, ex.specific_heat_per_spin)), 4.0)
            << tag << " C/N " << p.specific_heat.mean << " +- " << p.specific_heat.error << " exact " << ex.specific_heat_per_spin;
        EXPECT_TRUE(p.warnings.empty()) << tag << ": " << (p.warnings.empty() ? "" : p.warnings[0]);
      }
    }
}

// 3D: the packed kernel on 8^3 agrees with the generic sequential Metropolis path within errors.
TEST(MscUpdate, Cubic8VsGenericPath) {
  const IsingModel m = IsingModel::on_lattice(Lattice::cubic(8));
  SimulationOptions o;
  o.betas = {0.18, 0.2216546, 0.3};
  o.sweeps = 100000;
  o.therm = 2000;
  o.seed = 31;
  o.algo = "metropolis";
  const SimulationResult fast = simulate(m, o);
  EXPECT_EQ(fast.kernel.rfind("msc-", 0), 0u) << fast.kernel;
  o.algo = "metropolis-sequential";
  o.sweeps = 40000;
  o.seed = 32;
  const SimulationResult gen = simulate(m, o);
  for (size_t k = 0; k < o.betas.size(); ++k) {
    const auto &a = fast.points[k], &b = gen.points[k];
    const std::string tag = "beta=" + std::to_string(a.beta);
    EXPECT_LT(std::fabs(testing::z_difference(a.energy_per_spin, b.energy_per_spin)), 4.0) << tag << " E/N";
    EXPECT_LT(std::fabs(testing::z_difference(a.abs_magnetization_per_spin, b.abs_magnetization_per_spin)), 4.0) << tag << " |M|/N";
    EXPECT_LT(std::fabs(testing::z_difference(a.specific_heat, b.specific_heat)), 4.0) << tag << " C/N";
    EXPECT_LT(std::fabs(testing::z_difference(a.susceptibility, b.susceptibility)), 4.0) << tag << " chi";
  }
}

// A fixed seed fixes the packed run; the thread count does not matter.
TEST(MscUpdate, SimulateIsReproducibleAndThreadIndependent) {
  SimulationOptions o;
  o.betas = {0.44};
  o.sweeps = 200;
  o.therm = 10;
  o.seed = 3;
  const SimulationResult a = simulate_packed({2, 256, 1.0}, o);
  o.threads = 2;
  const SimulationResult b = simulate_packed({2, 256, 1.0}, o);
  EXPECT_EQ(a.points[0].energy_per_spin.mean, b.points[0].energy_per_spin.mean);
  EXPECT_EQ(a.points[0].m2.mean, b.points[0].m2.mean);
  EXPECT_EQ(b.kernel_threads, 2);
  EXPECT_EQ(a.state_bytes, 256 * 256 / 8);
  o.seed = 4;
  EXPECT_NE(simulate_packed({2, 256, 1.0}, o).points[0].energy_per_spin.mean, a.points[0].energy_per_spin.mean);
  o.algo = "wolff";
  EXPECT_THROW(simulate_packed({2, 256, 1.0}, o), InputError);
  EXPECT_THROW(simulate_packed({2, 100, 1.0}, SimulationOptions{.betas = {0.4}}), InputError);
}

}  // namespace
}  // namespace spinlab

#include <atomic>

#include "sample/thread_team.hpp"

namespace spinlab {
namespace {

// Every member runs each task once, run() returns only when all have finished, and a team is
// reusable for many small passes (the sweep's pattern).
TEST(ThreadTeam, RunsEveryMemberOncePerTaskAndWaitsForAll) {
  for (int n : {1, 2, 3}) {
    ThreadTeam team(n);
    EXPECT_EQ(team.size(), n);
    std::vector<int64_t> hits(n, 0);
    std::atomic<int> total{0};
    for (int rep = 0; rep < 2000; ++rep) {
      team.run([&](int t, int size) {
        EXPECT_EQ(size, n);
        ++hits[t];  // each member writes only its own slot
        total.fetch_add(1);
      });
      ASSERT_EQ(total.load(), (rep + 1) * n);  // all finished before run() returned
    }
    for (int t = 0; t < n; ++t) EXPECT_EQ(hits[t], 2000);
  }
  EXPECT_THROW(ThreadTeam(0), InputError);
}

}  // namespace
}  // namespace spinlab
