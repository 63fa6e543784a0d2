// Multi-spin-coded square-lattice Metropolis: packing, bitwise neighbour counts, bit-sliced exact acceptance.
#include "sample/msc_lattice.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/error.hpp"
#include "sample/lattice_checkerboard.hpp"

namespace spinlab {

namespace {

// The periodic x-neighbour word of the other colour, aligned with the current colour's ranks.
// Sites of the current colour at x = p + 2k; the other colour's rank k sits at x = (1-p) + 2k.
// p = 0: left neighbour x - 1 has rank k - 1 (bit b <- bit b-1, carry from the previous word),
//        right neighbour x + 1 has rank k (the same word).
// p = 1: left x - 1 has rank k, right x + 1 has rank k + 1 (bit b <- bit b+1, from the next word).
inline uint64_t shifted_neighbour(const uint64_t* o, int32_t w, int32_t W, int p) {
  if (p == 0) return (o[w] << 1) | (o[w == 0 ? W - 1 : w - 1] >> 63);
  return (o[w] >> 1) | (o[w + 1 == W ? 0 : w + 1] << 63);
}

}  // namespace

// ------------------------------------------------------------------------------------------
MscLattice2D::MscLattice2D(int32_t L) {
  if (!supports(L)) throw InputError("multi-spin-coded lattice: L must be a positive multiple of 128");
  L_ = L;
  W_ = L / 128;
  bits_.assign(static_cast<size_t>(2) * L_ * W_, 0);
}

void MscLattice2D::pack(std::span<const Spin> s) {
  if (static_cast<int64_t>(s.size()) != size()) throw InputError("multi-spin-coded lattice: pack needs L*L spins");
  for (int c = 0; c < 2; ++c)
    for (int32_t y = 0; y < L_; ++y) {
      const int p = (c + y) & 1;
      uint64_t* r = row(c, y);
      const Spin* sy = s.data() + int64_t{L_} * y;
      for (int32_t w = 0; w < W_; ++w) {
        uint64_t v = 0;
        for (int b = 0; b < 64; ++b) v |= static_cast<uint64_t>(sy[p + 2 * (64 * w + b)] > 0) << b;
        r[w] = v;
      }
    }
}

void MscLattice2D::unpack(std::span<Spin> s) const {
  if (static_cast<int64_t>(s.size()) != size()) throw InputError("multi-spin-coded lattice: unpack needs L*L spins");
  for (int c = 0; c < 2; ++c)
    for (int32_t y = 0; y < L_; ++y) {
      const int p = (c + y) & 1;
      const uint64_t* r = row(c, y);
      Spin* sy = s.data() + int64_t{L_} * y;
      for (int32_t w = 0; w < W_; ++w)
        for (int b = 0; b < 64; ++b) sy[p + 2 * (64 * w + b)] = (r[w] >> b) & 1 ? 1 : -1;
    }
}

std::vector<Spin> MscLattice2D::unpack() const {
  std::vector<Spin> s(static_cast<size_t>(size()));
  unpack(s);
  return s;
}

int64_t MscLattice2D::unsatisfied_bonds() const {
  // Every bond joins a colour-0 site to a colour-1 site: count the four bonds of each colour-0 site.
  int64_t n = 0;
  for (int32_t y = 0; y < L_; ++y) {
    const int p = y & 1;
    const uint64_t* s = row(0, y);
    const uint64_t* o = row(1, y);
    const uint64_t* up = row(1, y + 1 == L_ ? 0 : y + 1);
    const uint64_t* dn = row(1, y == 0 ? L_ - 1 : y - 1);
    for (int32_t w = 0; w < W_; ++w)
      n += std::popcount(s[w] ^ o[w]) + std::popcount(s[w] ^ shifted_neighbour(o, w, W_, p)) +
           std::popcount(s[w] ^ up[w]) + std::popcount(s[w] ^ dn[w]);
  }
  return n;
}

int64_t MscLattice2D::magnetization() const {
  int64_t up = 0;
  for (uint64_t v : bits_) up += std::popcount(v);
  return 2 * up - size();
}

double MscLattice2D::energy(double J) const {
  return -J * static_cast<double>(2 * size() - 2 * unsatisfied_bonds());
}

// ------------------------------------------------------------------------------------------
MscMetropolis2D::MscMetropolis2D(int32_t L, double J, double beta) : J_(J) {
  if (!MscLattice2D::supports(L)) throw InputError("multi-spin-coded Metropolis: L must be a positive multiple of 128");
  if (!(J != 0.0) || !std::isfinite(J)) throw InputError("multi-spin-coded Metropolis: J must be finite and nonzero");
  L_ = L;
  W_ = L / 128;
  M_ = int64_t{L_} * W_;
  // Bands of whole rows, a multiple of 16 rows (so a band holds whole Philox groups), ~512 words.
  band_rows_ = std::max<int32_t>(16, (512 / W_) / 16 * 16);
  band_rows_ = std::min(band_rows_, L_);
  const size_t band_words = static_cast<size_t>(band_rows_) * W_;
  planes_.assign(kLeadPairs * 4 * band_words, 0);
  ge2_.assign(band_words, 0);
  e0_.assign(band_words, 0);
  e1_.assign(band_words, 0);
  set_beta(beta);
}

void MscMetropolis2D::set_beta(double beta) {
  if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
  beta_ = beta;
  for (int n = 0; n < 2; ++n) {
    const double dE = 2.0 * std::fabs(J_) * (4 - 2 * n);
    thr_[n] = acceptance_threshold(std::exp(-beta_ * dE));
    always_[n] = thr_[n] >= (uint64_t{1} << 32);
    for (int P = 0; P < 32; ++P) tmask_[n][P] = (thr_[n] >> (31 - P)) & 1 ? ~uint64_t{0} : 0;
  }
}

void MscMetropolis2D::sweep(MscLattice2D& lat, Rng& rng) {
  if (lat.L() != L_) throw InputError("multi-spin-coded Metropolis: lattice size does not match");
  const uint64_t base = rng.take_blocks(blocks_per_sweep(L_));
  for (int c = 0; c < 2; ++c) colour_pass(lat, c, rng.seed(), rng.stream(), base);
}

void MscMetropolis2D::colour_pass(MscLattice2D& lat, int c, uint64_t seed, uint64_t stream, uint64_t base) {
  constexpr int GW = philox_batch::kGroupWords, GB = philox_batch::kGroupBlocks;
  auto gen = philox_batch::avx512_available() ? philox_batch::generate_avx512 : philox_batch::generate_scalar;
  const uint64_t flip_all = J_ < 0 ? ~uint64_t{0} : 0;  // antiferromagnet: a bond is unsatisfied when aligned
  const r123::Philox4x32::key_type key = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};

  for (int32_t y0 = 0; y0 < L_; y0 += band_rows_) {
    const int32_t y1 = std::min(L_, y0 + band_rows_);
    const int64_t a = int64_t{y0} * W_, n = int64_t{y1 - y0} * W_;  // n is a multiple of 16
    const size_t ng = static_cast<size_t>(n / GB);
    // Leading plane pairs q < kLeadPairs of every word in the band: block (16c + q) M + a + i.
    for (int q = 0; q < kLeadPairs; ++q)
      gen(seed, stream, base + static_cast<uint64_t>((16 * c + q) * M_ + a), ng, planes_.data() + q * 4 * n);

    // Unsatisfied-bond counts by bitwise adders: d0..d3 are 1 where the bond to that neighbour is
    // unsatisfied; ge2 = at least two (dE <= 0), e1 = exactly one, e0 = none.
    for (int32_t y = y0; y < y1; ++y) {
      const int p = (c + y) & 1;
      const uint64_t* s = lat.row(c, y);
      const uint64_t* o = lat.row(1 - c, y);
      const uint64_t* up = lat.row(1 - c, y + 1 == L_ ? 0 : y + 1);
      const uint64_t* dn = lat.row(1 - c, y == 0 ? L_ - 1 : y - 1);
      const int64_t off = int64_t{y - y0} * W_;
      for (int32_t w = 0; w < W_; ++w) {
        const uint64_t sv = s[w] ^ flip_all;
        const uint64_t d0 = sv ^ o[w], d1 = sv ^ shifted_neighbour(o, w, W_, p), d2 = sv ^ up[w], d3 = sv ^ dn[w];
        const uint64_t s01 = d0 ^ d1, c01 = d0 & d1, s23 = d2 ^ d3, c23 = d2 & d3;
        const uint64_t ge2 = c01 | c23 | (s01 & s23);
        ge2_[off + w] = ge2;
        e1_[off + w] = (s01 ^ s23) & ~ge2;
        e0_[off + w] = ~(d0 | d1 | d2 | d3);
      }
    }

    // Bit-sliced u < threshold, most significant plane first: lt collects the spins decided
    // "below", e the spins still equal to the threshold so far (only spins whose count uses that
    // threshold start in e). First the leading planes of every word (a fixed, branch-free loop over
    // 16 words of a Philox group at a time, which the compiler vectorises); ge2_ becomes the flip mask.
    const uint64_t am0 = always_[0] ? ~uint64_t{0} : 0, am1 = always_[1] ? ~uint64_t{0} : 0;
    for (int64_t gi = 0; gi < n / GB; ++gi) {
      uint64_t* __restrict fl = ge2_.data() + GB * gi;
      uint64_t* __restrict p0 = e0_.data() + GB * gi;
      uint64_t* __restrict p1 = e1_.data() + GB * gi;
      const uint32_t* __restrict g = planes_.data() + GW * gi;
      for (int b = 0; b < GB; ++b) {
        uint64_t e0 = p0[b] & ~am0, e1 = p1[b] & ~am1;
        uint64_t lt = (p0[b] & am0) | (p1[b] & am1);
        for (int P = 0; P < 2 * kLeadPairs; ++P) {
          const uint32_t* gq = g + (P / 2) * 4 * n + 32 * (P & 1) + b;
          const uint64_t B = gq[0] | (static_cast<uint64_t>(gq[16]) << 32);
          lt |= (e0 & ~B & tmask_[0][P]) | (e1 & ~B & tmask_[1][P]);
          e0 &= B ^ ~tmask_[0][P];
          e1 &= B ^ ~tmask_[1][P];
        }
        fl[b] |= lt;
        p0[b] = e0;
        p1[b] = e1;
      }
    }
    // Rarely still undecided: the deeper planes, one Philox block (two planes) at a time.
    for (int64_t i = 0; i < n; ++i) {
      uint64_t e[2] = {e0_[i], e1_[i]}, lt = 0;
      for (int q = kLeadPairs; q < 16 && (e[0] | e[1]); ++q) {
        const uint64_t blk = base + static_cast<uint64_t>((16 * c + q) * M_ + a + i);
        const r123::Philox4x32::ctr_type ctr = {{static_cast<uint32_t>(blk), static_cast<uint32_t>(blk >> 32),
                                                 static_cast<uint32_t>(stream), static_cast<uint32_t>(stream >> 32)}};
        const auto r = r123::Philox4x32()(ctr, key);
        for (int h = 0; h < 2; ++h) {
          const int P = 2 * q + h;
          const uint64_t B = r[2 * h] | (static_cast<uint64_t>(r[2 * h + 1]) << 32);
          for (int k = 0; k < 2; ++k) {
            lt |= e[k] & ~B & tmask_[k][P];
            e[k] &= B ^ ~tmask_[k][P];
          }
        }
      }
      ge2_[i] |= lt;
    }
    for (int32_t y = y0; y < y1; ++y) {
      uint64_t* s = lat.row(c, y);
      const uint64_t* fl = ge2_.data() + int64_t{y - y0} * W_;
      for (int32_t w = 0; w < W_; ++w) s[w] ^= fl[w];
    }
  }
}

}  // namespace spinlab
