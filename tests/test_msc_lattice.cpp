// Multi-spin-coded square-lattice Metropolis: packing, packed energy, bit-identity with a byte reference, Kaufman.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "exact/oracles.hpp"
#include "measure/estimators.hpp"
#include "sample/msc_lattice.hpp"
#include "test_util.hpp"

using namespace spinlab;

namespace {

uint32_t r123_word(uint64_t seed, uint64_t stream, uint64_t block, int j) {
  r123::Philox4x32::ctr_type c = {{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32),
                                   static_cast<uint32_t>(stream), static_cast<uint32_t>(stream >> 32)}};
  r123::Philox4x32::key_type k = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
  return r123::Philox4x32()(c, k)[j];
}

// The naive reference: one byte per spin, neighbour sums, dE and exp per site, and each site's
// uniform assembled bit by bit from Random123 following the layout documented in msc_lattice.hpp.
void reference_sweep(std::vector<Spin>& s, int L, double J, double beta, Rng& rng) {
  const uint64_t base = rng.take_blocks(static_cast<uint64_t>(L) * L / 4);
  const int64_t W = L / 128, M = int64_t{L} * W;
  auto at = [&](int x, int y) -> Spin& { return s[((x + L) % L) + int64_t{L} * ((y + L) % L)]; };
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < L; ++y)
      for (int x = (c + y) & 1; x < L; x += 2) {
        const int k = x / 2, w = k / 64, b = k % 64;
        const int64_t wi = int64_t{y} * W + w;
        uint32_t u = 0;
        for (int P = 0; P < 32; ++P) {
          const uint32_t word = r123_word(rng.seed(), rng.stream(), base + (16 * c + P / 2) * M + wi, 2 * (P & 1) + b / 32);
          u |= ((word >> (b % 32)) & 1u) << (31 - P);
        }
        const int sum = at(x + 1, y) + at(x - 1, y) + at(x, y + 1) + at(x, y - 1);
        const double dE = 2.0 * J * at(x, y) * sum;
        const uint64_t thr = dE <= 0.0 ? uint64_t{1} << 32 : acceptance_threshold(std::exp(-beta * dE));
        if (accept_u32(u, thr)) at(x, y) = static_cast<Spin>(-at(x, y));
      }
}

IsingModel square_model(int L, double J) { return IsingModel::on_lattice(Lattice::square(L, Boundary::Periodic, J)); }

}  // namespace

TEST(MscLattice, RejectsUnsupportedSizes) {
  EXPECT_THROW(MscLattice2D(64), InputError);
  EXPECT_THROW(MscLattice2D(192), InputError);
  EXPECT_THROW(MscMetropolis2D(100, 1.0, 0.4), InputError);
  EXPECT_THROW(MscMetropolis2D(128, 0.0, 0.4), InputError);
  EXPECT_THROW(MscMetropolis2D(128, 1.0, -1.0), InputError);
}

TEST(MscLattice, PackUnpackRoundTripAndPackedObservables) {
  for (int L : {128, 256, 384}) {
    Rng rng(11, static_cast<uint64_t>(L));
    for (int t = 0; t < 3; ++t) {
      std::vector<Spin> s = t == 0 ? cold_state(L * L, -1) : hot_state(L * L, rng);
      if (t == 2)  // a striped state: exercises the word boundaries of the x-neighbours
        for (int i = 0; i < L * L; ++i) s[i] = ((i % L) / 3) % 2 ? 1 : -1;
      MscLattice2D lat(L);
      lat.pack(s);
      EXPECT_EQ(lat.unpack(), s) << "L " << L;
      EXPECT_EQ(lat.magnetization(), IsingModel::magnetization(s));
      for (double J : {1.0, -1.0, 0.75}) {
        IsingModel m = square_model(L, J);
        EXPECT_DOUBLE_EQ(lat.energy(J), m.energy(s)) << "L " << L << " J " << J << " state " << t;
      }
    }
  }
}

TEST(MscMetropolis, BitIdenticalToByteReference) {
  for (int L : {128, 256})
    for (double beta : {0.2, 0.4406868, 1.0})
      for (double J : {1.0, -1.0}) {
        Rng init(5, 9);
        std::vector<Spin> ref = hot_state(L * L, init);
        MscLattice2D lat(L);
        lat.pack(ref);
        MscMetropolis2D move(L, J, beta);
        Rng r1(77, 3), r2(77, 3);
        const int sweeps = L == 128 ? 4 : 2;
        for (int t = 0; t < sweeps; ++t) {
          move.sweep(lat, r1);
          reference_sweep(ref, L, J, beta, r2);
          ASSERT_EQ(lat.unpack(), ref) << "L " << L << " beta " << beta << " J " << J << " sweep " << t;
        }
        EXPECT_EQ(r1.block(), r2.block());
        EXPECT_EQ(r1.next_u32(), r2.next_u32());
        // The packed energy follows the state.
        EXPECT_DOUBLE_EQ(lat.energy(J), square_model(L, J).energy(ref));
      }
}

TEST(MscMetropolis, BetaZeroFlipsEverySpin) {
  // beta = 0: every threshold is 2^32, so one sweep flips every spin exactly once.
  const int L = 128;
  Rng init(1, 1);
  std::vector<Spin> s = hot_state(L * L, init);
  MscLattice2D lat(L);
  lat.pack(s);
  MscMetropolis2D move(L, 1.0, 0.0);
  Rng rng(2, 2);
  move.sweep(lat, rng);
  std::vector<Spin> out = lat.unpack();
  for (int i = 0; i < L * L; ++i) ASSERT_EQ(out[i], -s[i]) << i;
}

TEST(MscMetropolis, EnergyMatchesKaufman128) {
  const int L = 128;
  const int64_t N = int64_t{L} * L;
  for (double J : {1.0, -1.0})
    for (double beta : {0.3, 0.5}) {
      MscLattice2D lat(L);
      Rng rng(2024, beta < 0.4 ? 0 : 1);
      std::vector<Spin> s = beta < 0.4 ? hot_state(static_cast<int32_t>(N), rng) : cold_state(static_cast<int32_t>(N));
      if (J < 0)  // the Neel state is the ground state of the antiferromagnet
        for (int i = 0; i < N; ++i) s[i] = static_cast<Spin>(s[i] * (((i % L) + (i / L)) % 2 ? -1 : 1));
      lat.pack(s);
      MscMetropolis2D move(L, J, beta);
      for (int t = 0; t < 2000; ++t) move.sweep(lat, rng);
      std::vector<double> e;
      const int sweeps = 20000;
      e.reserve(sweeps);
      for (int t = 0; t < sweeps; ++t) {
        move.sweep(lat, rng);
        e.push_back(lat.energy(J) / static_cast<double>(N));
      }
      // On the bipartite torus the antiferromagnet's energy equals the ferromagnet's.
      const double exact = kaufman_torus(L, L, beta, 1.0).energy_per_spin;
      spinlab::testing::expect_z(estimate_mean(e), exact, "E/N beta " + std::to_string(beta) + " J " + std::to_string(J));
    }
}
