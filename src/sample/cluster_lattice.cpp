// Swendsen-Wang on uniform periodic lattices: bond masks 64 sites at a time, union-find over runs
// (see the header for the layout and the random words). Buffers are allocated once per move.
//
// A sweep, row by row (one row = L0 sites, held as ceil(L0 / 64) 64-bit words):
//  0. sign bits of every spin (bit set: spin -1);
//  1. per row: bond masks (spins agree & word < threshold) for x, y, z; runs start where the x
//     bond from the left is inactive; each run is a new union-find root; the runs are linked to
//     the runs of the rows below (y - 1, z - 1) through the active y and z bonds (Rem's union).
//     Bonds that wrap around to a later row are linked after the last row;
//  2. per row: every run's root (a root is the smallest run of its tree, so in run order
//     P[P[k]] is already the root), the root's coin, and the spins flipped 64 at a time: the
//     flip bits of the runs are deposited at the run starts (pdep) and spread to the rest of
//     each run by a prefix xor of the changes.
#include "sample/cluster_lattice.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#if defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>
#define SPINLAB_CL_AVX512 1
#endif
#if defined(__BMI2__)
#include <immintrin.h>
#endif

#include "core/error.hpp"
#include "sample/lattice_checkerboard.hpp"

namespace spinlab {
namespace {

// Rem's union with splicing (Patwary, Blair, Manne, SEA 2010), keeping parent[x] <= x: walks both
// paths at once, redirecting the higher parent to the lower one, and stops when they meet.
inline void rem_union(int32_t* __restrict p, int32_t a, int32_t b) {
  while (p[a] != p[b]) {
    if (p[a] < p[b]) std::swap(a, b);  // now p[a] > p[b]
    const int32_t z = p[a];
    p[a] = p[b];
    if (z == a) return;  // a was a root: now linked below p[b]
    a = z;
  }
}

// Bits of src deposited, lowest first, at the set bits of mask.
inline uint64_t deposit(uint64_t src, uint64_t mask) {
#if defined(__BMI2__)
  return _pdep_u64(src, mask);
#else
  uint64_t out = 0;
  for (; mask; mask &= mask - 1, src >>= 1) out |= (src & 1u) ? (mask & -mask) : 0;
  return out;
#endif
}

// Bit x of the result: xor of bits 0..x of v.
inline uint64_t prefix_xor(uint64_t v) {
  for (int k = 1; k < 64; k *= 2) v ^= v << k;
  return v;
}

// Bit i (i < n <= 64): spin p[i] is -1.
inline uint64_t sign_bits(const Spin* p, int n) {
#ifdef SPINLAB_CL_AVX512
  const __mmask64 valid = n == 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
  return _mm512_movepi8_mask(_mm512_maskz_loadu_epi8(valid, p));
#else
  uint64_t m = 0;
  for (int i = 0; i < n; ++i) m |= static_cast<uint64_t>(p[i] < 0) << i;
  return m;
#endif
}

// Bit i (i < 64): u[i] < threshold; tm1 = threshold - 1 (threshold >= 1). Reads 64 words.
inline uint64_t coin_bits(const uint32_t* u, uint32_t tm1) {
#ifdef SPINLAB_CL_AVX512
  const __m512i t = _mm512_set1_epi32(static_cast<int>(tm1));
  uint64_t m = 0;
  for (int j = 0; j < 4; ++j)
    m |= static_cast<uint64_t>(_mm512_cmple_epu32_mask(_mm512_loadu_si512(u + 16 * j), t)) << (16 * j);
  return m;
#else
  uint64_t m = 0;
  for (int i = 0; i < 64; ++i) m |= static_cast<uint64_t>(u[i] <= tm1) << i;
  return m;
#endif
}

// Negates the spins p[i], i < n <= 64, whose bit is set in flip.
inline void flip_spins(Spin* p, int n, uint64_t flip) {
#ifdef SPINLAB_CL_AVX512
  const __mmask64 valid = n == 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
  const __m512i v = _mm512_maskz_loadu_epi8(valid, p);
  _mm512_mask_storeu_epi8(p, valid & flip, _mm512_sub_epi8(_mm512_setzero_si512(), v));
#else
  for (int i = 0; i < n; ++i)
    if ((flip >> i) & 1u) p[i] = static_cast<Spin>(-p[i]);
#endif
}

using BatchFn = void (*)(uint64_t, uint64_t, uint64_t, size_t, uint32_t*);

class LatticeSwendsenWang final : public Move {
 public:
  LatticeSwendsenWang(const IsingModel& m, double beta) {
    if (!cluster_lattice_applies(m))
      throw InputError("lattice Swendsen-Wang: needs a periodic 2D/3D lattice with L >= 3, one coupling "
                       "J > 0 and no field");
    const Lattice& lat = *m.lattice();
    lat.is_uniform(&J_);
    D_ = lat.dim();
    L0_ = lat.extent(0);
    L1_ = lat.extent(1);
    L2_ = D_ == 3 ? lat.extent(2) : 1;
    R_ = int64_t{L1_} * L2_;
    N_ = R_ * L0_;
    W_ = (L0_ + 63) / 64;
    Q_ = (int64_t{D_} * L0_ + 63) / 64 * 64;
    // Rows per batch of bond words: up to 8k words (32 KiB, within L1), at least one row.
    chunk_rows_ = std::max<int64_t>(1, std::min<int64_t>(R_, 8192 / Q_));
    words_.assign(static_cast<size_t>(chunk_rows_ * Q_ + 64), 0);
    coin_groups_ = (N_ + 2047) / 2048;
    coins_.assign(static_cast<size_t>(coin_groups_) * 64, 0);
    const auto bits = static_cast<size_t>(R_ * W_);
    sign_.assign(bits, 0);
    start_.assign(bits, 0);
    vbond_.assign(bits * (D_ - 1), 0);
    runbase_.assign(bits + 1, 0);
    parent_.assign(static_cast<size_t>(N_), 0);
    flipbits_.assign(static_cast<size_t>(W_) + 2, 0);
    label_.assign(static_cast<size_t>(L0_), 0);
    pending_.assign(2 * static_cast<size_t>(D_ - 1) * L0_ + 2, 0);
    gen_ = philox_batch::avx512_available() ? philox_batch::generate_avx512 : philox_batch::generate_scalar;
    set_beta(beta);
  }

  std::string name() const override { return "sw"; }
  std::string kernel() const override { return "lattice-uf"; }
  double beta() const override { return beta_; }
  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    thr_ = acceptance_threshold(-std::expm1(-2.0 * beta * J_));
  }

  void sweep(std::span<Spin> sp, Rng& rng) override {
    Spin* __restrict s = sp.data();
    const int64_t W = W_, R = R_;
    const int32_t L0 = L0_;
    uint64_t* __restrict sg = sign_.data();
    uint64_t* __restrict st = start_.data();
    uint64_t* __restrict vb = vbond_.data();
    int32_t* __restrict rb = runbase_.data();
    int32_t* __restrict P = parent_.data();
    const int tail = L0 - 64 * static_cast<int>(W - 1);  // sites in a row's last word
    const uint64_t tail_mask = tail == 64 ? ~uint64_t{0} : (uint64_t{1} << tail) - 1;

    // 0. Sign bits.
    for (int64_t r = 0; r < R; ++r)
      for (int64_t w = 0; w < W; ++w)
        sg[r * W + w] = sign_bits(s + r * L0 + 64 * w, w + 1 < W ? 64 : tail);

    // 1. Masks and links, row by row; bond words a batch of rows at a time.
    const uint64_t bond_first = rng.take_blocks(static_cast<uint64_t>(R * Q_ / 4));
    const uint64_t coin_first = rng.take_blocks(16 * static_cast<uint64_t>(coin_groups_));
    const bool never = thr_ == 0;
    const auto tm1 = static_cast<uint32_t>(thr_ - !never);
    int32_t runs = 0;
    for (int64_t r0 = 0; r0 < R; r0 += chunk_rows_) {
      const int64_t r1 = std::min(R, r0 + chunk_rows_);
      gen_(rng.seed(), rng.stream(), bond_first + static_cast<uint64_t>(r0 * Q_ / 4),
           static_cast<size_t>((r1 - r0) * Q_ / 64), words_.data());
      for (int64_t r = r0; r < r1; ++r) {
        const uint32_t* u = words_.data() + (r - r0) * Q_;
        const uint64_t* a = sg + r * W;
        const int32_t first_run = runs;
        uint64_t carry = 0;  // the x bond from the previous word's last site
        bool wrap = false;   // the x bond from L0 - 1 to 0
        for (int64_t w = 0; w < W; ++w) {
          const uint64_t valid = w + 1 < W ? ~uint64_t{0} : tail_mask;
          // Sign of the right neighbour: the next word, or site 0 after the last.
          const uint64_t right = (a[w] >> 1) | (w + 1 < W ? a[w + 1] << 63 : (a[0] & 1u) << (tail - 1));
          uint64_t h = ~(a[w] ^ right) & valid & (never ? 0 : coin_bits(u + 64 * w, tm1));
          if (w + 1 == W) {
            wrap = (h >> (tail - 1)) & 1u;
            h &= ~(uint64_t{1} << (tail - 1));
          }
          const uint64_t starts = valid & ~((h << 1) | carry);
          carry = h >> 63;
          st[r * W + w] = starts;
          rb[r * W + w] = runs;
          runs += std::popcount(starts);
          for (int d = 1; d < D_; ++d) {
            const uint64_t* b = sg + next_row(r, d) * W;
            vb[((d - 1) * R + r) * W + w] =
                ~(a[w] ^ b[w]) & valid & (never ? 0 : coin_bits(u + int64_t{d} * L0 + 64 * w, tm1));
          }
        }
        link_row(r, first_run, runs, wrap);
      }
    }
    rb[R * W] = runs;
    for (int d = 1; d < D_; ++d)  // bonds that wrap around to a later row
      for (int64_t r = 0; r < R; ++r) {
        const int64_t q = prev_row(r, d);
        if (q > r) link_rows(q, r, d);
      }

    // 2. Roots, coins and flips.
    gen_(rng.seed(), rng.stream(), coin_first, static_cast<size_t>((runs + 2047) / 2048), coins_.data());
    const uint32_t* __restrict cw = coins_.data();
    uint64_t* __restrict fb = flipbits_.data();
    for (int64_t r = 0; r < R; ++r) {
      const int32_t lo = rb[r * W], hi = rb[(r + 1) * W];
      fb[W] = fb[W + 1] = 0;
      for (int32_t k0 = lo; k0 < hi; k0 += 64) {  // flip bits of the row's runs, 64 at a time
        const int32_t k1 = std::min(hi, k0 + 64);
        uint64_t bits = 0;
        for (int32_t k = k0; k < k1; ++k) {
          const int32_t root = P[P[k]];
          P[k] = root;
          bits |= static_cast<uint64_t>((cw[root >> 5] >> (root & 31)) & 1u) << (k - k0);
        }
        fb[(k0 - lo) >> 6] = bits;
      }
      uint64_t carry = 0;  // flip state of the run before the word
      for (int64_t w = 0; w < W; ++w) {
        const int32_t off = rb[r * W + w] - lo;
        const int sh = off & 63;
        const uint64_t slice = (fb[off >> 6] >> sh) | (sh ? fb[(off >> 6) + 1] << (64 - sh) : 0);
        // Changes of the flip state at the run starts, spread by a prefix xor.
        const uint64_t change = deposit(slice ^ ((slice << 1) | carry), st[r * W + w]);
        const uint64_t flip = prefix_xor(change) ^ (uint64_t{0} - carry);
        carry = flip >> 63;
        flip_spins(s + r * L0 + 64 * w, w + 1 < W ? 64 : tail, flip);
      }
    }
  }

 private:
  // Row one step along +d (d = 1: y, 2: z), periodic; and one step along -d.
  int64_t next_row(int64_t r, int d) const {
    if (d == 1) return r % L1_ == L1_ - 1 ? r - (L1_ - 1) : r + 1;
    return r / L1_ == L2_ - 1 ? r - int64_t{L2_ - 1} * L1_ : r + L1_;
  }
  int64_t prev_row(int64_t r, int d) const {
    if (d == 1) return r % L1_ == 0 ? r + (L1_ - 1) : r - 1;
    return r / L1_ == 0 ? r + int64_t{L2_ - 1} * L1_ : r - L1_;
  }

  // Gives the runs [lo, hi) of row r their parents: the runs of the rows below (y - 1, z - 1;
  // not across the periodic seam) joined to them by active bonds, and the x bond across the seam.
  // Every earlier run k has P[k] in its tree (its root when its row was done), so each bond
  // offers P[k] as a label for its run in row r, branch-free: a run keeps the smallest label and
  // a pair of different labels is queued for a union. Then each run points at its label's root
  // (few steps: the queued unions join roots), which the rows above read as their labels.
  void link_row(int64_t r, int32_t lo, int32_t hi, bool wrap) {
    const int64_t W = W_;
    int32_t* __restrict P = parent_.data();
    int32_t* __restrict lab = label_.data() - lo;  // lab[k] for the runs k of row r
    int32_t* __restrict pend = pending_.data();
    int64_t np = 0;
    constexpr int32_t kNone = INT32_MAX;
    for (int32_t k = lo; k < hi; ++k) lab[k] = kNone;
    const uint64_t* __restrict sr = start_.data() + r * W;
    const int32_t* __restrict br = runbase_.data() + r * W;
    for (int d = 1; d < D_; ++d) {
      const int64_t q = prev_row(r, d);
      if (q > r) continue;  // across the seam: after the last row
      const uint64_t* __restrict v = vbond_.data() + ((d - 1) * R_ + q) * W;
      const uint64_t* __restrict sq = start_.data() + q * W;
      const int32_t* __restrict bq = runbase_.data() + q * W;
      for (int64_t w = 0; w < W; ++w) {
        const uint64_t a = sq[w], b = sr[w];
        const int32_t ba = bq[w] - 1, bb = br[w] - 1;
        for (uint64_t m = v[w]; m; m &= m - 1) {
          const uint64_t upto = (uint64_t{2} << std::countr_zero(m)) - 1;
          const int32_t x = P[ba + std::popcount(a & upto)];
          const int32_t c = bb + std::popcount(b & upto);
          const int32_t y = lab[c];
          lab[c] = std::min(x, y);
          pend[2 * np] = x;
          pend[2 * np + 1] = y;
          np += (y != kNone) & (x != y);
        }
      }
    }
    for (int64_t p = 0; p < np; ++p) rem_union(P, pend[2 * p], pend[2 * p + 1]);
    for (int32_t k = lo; k < hi; ++k) P[k] = std::min(lab[k], k);  // no label: a root
    if (wrap && hi - 1 > lo) rem_union(P, lo, hi - 1);
    for (int32_t k = lo; k < hi; ++k) {
      int32_t x = P[P[P[k]]];
      while (P[x] != x) x = P[x];
      P[k] = x;
    }
  }

  // Links the runs of row q and row r = next_row(q, d) joined by active d bonds.
  void link_rows(int64_t q, int64_t r, int d) {
    const int64_t W = W_;
    const uint64_t* __restrict v = vbond_.data() + ((d - 1) * R_ + q) * W;
    const uint64_t* __restrict sq = start_.data() + q * W;
    const uint64_t* __restrict sr = start_.data() + r * W;
    const int32_t* __restrict bq = runbase_.data() + q * W;
    const int32_t* __restrict br = runbase_.data() + r * W;
    int32_t* __restrict P = parent_.data();
    for (int64_t w = 0; w < W; ++w) {
      const uint64_t a = sq[w], b = sr[w];
      const int32_t ba = bq[w] - 1, bb = br[w] - 1;
      for (uint64_t m = v[w]; m; m &= m - 1) {
        // Runs of the bond's two sites: the starts at or before it.
        const uint64_t upto = (uint64_t{2} << std::countr_zero(m)) - 1;
        rem_union(P, ba + std::popcount(a & upto), bb + std::popcount(b & upto));
      }
    }
  }

  double J_ = 1.0, beta_ = 0.0;
  uint64_t thr_ = 0;
  int D_ = 2;
  int32_t L0_ = 0, L1_ = 0, L2_ = 1;
  int64_t R_ = 0, N_ = 0, W_ = 0, Q_ = 0, chunk_rows_ = 1, coin_groups_ = 0;
  std::vector<uint32_t> words_, coins_;
  std::vector<uint64_t> sign_, start_, vbond_, flipbits_;  // bit arrays, W words per row
  std::vector<int32_t> runbase_;  // runs before each word (and the total at the end)
  std::vector<int32_t> parent_;   // union-find over runs, parent[k] <= k
  std::vector<int32_t> label_, pending_;  // one row: smallest label per run, label pairs to join
  BatchFn gen_ = nullptr;
};

}  // namespace

bool cluster_lattice_applies(const IsingModel& model) {
  const Lattice* lat = model.lattice();
  if (!lat || (lat->dim() != 2 && lat->dim() != 3) || lat->boundary() != Boundary::Periodic) return false;
  // L >= 3: with L = 2 the graph merges the two bonds between a pair into one.
  for (int d = 0; d < lat->dim(); ++d)
    if (lat->extent(d) < 3) return false;
  double jl = 0.0, jm = 0.0, hm = 0.0;
  if (!lat->is_uniform(&jl) || !model.is_uniform(&jm, &hm)) return false;
  return jl > 0.0 && jm == jl && hm == 0.0 && !model.has_field() && model.size() == lat->num_sites();
}

std::unique_ptr<Move> make_lattice_swendsen_wang(const IsingModel& model, double beta) {
  return std::make_unique<LatticeSwendsenWang>(model, beta);
}

}  // namespace spinlab
