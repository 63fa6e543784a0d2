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

}  // namespace
}  // namespace spinlab
