// Swendsen-Wang on uniform periodic lattices: bond masks 64 sites at a time, union-find over runs
// (see the header for the layout and the random words). Buffers are allocated once per move.
//
// A sweep, row by row (one row = L0 sites, held as ceil(L0 / 64) 64-bit words):
//  0. sign bits of every spin (bit set: spin -1);
//  1. per row: bond masks for x, y, z: the bonds whose spins agree, thinned by bit-sliced
//     comparisons with the threshold (about 7 random 64-bit words per 64 bonds at beta_c instead
//     of 64 32-bit ones); runs start where the x bond from the left is inactive; each run is a
//     new union-find root; the runs are linked to the runs of the rows below (y - 1, z - 1)
//     through the active y and z bonds (Rem's union), skipping a bond when the bond before it
//     joins the same two runs. Bonds that wrap around to a later row are linked after the last
//     row;
//  2. per row: every run's root (a root is the smallest run of its tree, so in run order
//     P[P[k]] is already the root), the root's coin, and the spins flipped 64 at a time: the
//     flip bits of the runs are deposited at the run starts (pdep) and spread to the rest of
//     each run by a prefix xor of the changes.
// The template argument picks AVX-512 (sign bits, flips), pdep and the AVX-512 Philox, or
// portable loops and the scalar Philox; both give the same states (tests/test_cluster.cpp).
#include "sample/cluster_lattice.hpp"
#include "sample/union_find.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
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

// Bits of src deposited, lowest first, at the set bits of mask.
template <bool kVec>
inline uint64_t deposit(uint64_t src, uint64_t mask) {
#if defined(__BMI2__)
  if constexpr (kVec) return _pdep_u64(src, mask);
#endif
  uint64_t out = 0;
  for (; mask; mask &= mask - 1, src >>= 1) out |= (src & 1u) ? (mask & -mask) : 0;
  return out;
}

// Bit x of the result: xor of bits 0..x of v.
inline uint64_t prefix_xor(uint64_t v) {
  for (int k = 1; k < 64; k *= 2) v ^= v << k;
  return v;
}

// Bit i (i < n <= 64): spin p[i] is -1.
template <bool kVec>
inline uint64_t sign_bits(const Spin* p, int n) {
#ifdef SPINLAB_CL_AVX512
  if constexpr (kVec) {
    const __mmask64 valid = n == 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
    return _mm512_movepi8_mask(_mm512_maskz_loadu_epi8(valid, p));
  }
#endif
  uint64_t m = 0;
  for (int i = 0; i < n; ++i) m |= static_cast<uint64_t>(p[i] < 0) << i;
  return m;
}

// Negates the spins p[i], i < n <= 64, whose bit is set in flip.
template <bool kVec>
inline void flip_spins(Spin* p, int n, uint64_t flip) {
#ifdef SPINLAB_CL_AVX512
  if constexpr (kVec) {
    const __mmask64 valid = n == 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
    const __m512i v = _mm512_maskz_loadu_epi8(valid, p);
    _mm512_mask_storeu_epi8(p, valid & flip, _mm512_sub_epi8(_mm512_setzero_si512(), v));
    return;
  }
#endif
  for (int i = 0; i < n; ++i)
    if ((flip >> i) & 1u) p[i] = static_cast<Spin>(-p[i]);
}

using BatchFn = void (*)(uint64_t, uint64_t, uint64_t, size_t, uint32_t*);

// Bond coins bit-sliced (see the header): 64 bonds compare their 32-bit numbers with the
// threshold T at once, most significant bit first, one 64-bit word per bit, and stop when every
// bond is decided.
struct SlicedThreshold {
  bool never = false, always = false;
  uint64_t bit[32] = {};   // all ones where bit 31 - i of T is set
  uint64_t keep[32] = {};  // all ones while bonds equal to T so far are still undecided

  void set(uint64_t thr) {
    never = thr == 0;
    always = thr >= (uint64_t{1} << 32);
    const int nb = never || always ? 0 : 32 - std::countr_zero(thr);  // bits up to T's last set bit
    for (int i = 0; i < 32; ++i) {
      bit[i] = (thr >> (31 - i)) & 1u ? ~uint64_t{0} : 0;
      keep[i] = i < nb - 1 ? ~uint64_t{0} : 0;
    }
  }

  // Active bonds among the lanes u (0 < T < 2^32); reads r[pos], r[pos + 1], ... and advances pos
  // by the words used (at most 32; r must hold 32 words from pos, whatever is used).
  uint64_t draw(uint64_t u, const uint64_t* __restrict r, size_t& pos) const {
    uint64_t act = 0;
    size_t p = pos;
    const uint64_t* __restrict x = r + pos;
    // Most groups need 6 to 10 bits (64 lanes: 7.3 on average): 10 without a branch, then the rest.
    for (int i = 0; i < 10; ++i) {
      p += u != 0;
      act |= u & ~x[i] & bit[i];
      u &= ~(x[i] ^ bit[i]) & keep[i];  // undecided: the bit equals T's (and T has more bits)
    }
    for (int i = 10; u; ++i) {
      ++p;
      act |= u & ~x[i] & bit[i];
      u &= ~(x[i] ^ bit[i]) & keep[i];
    }
    pos = p;
    return act;
  }
};

template <bool kVec>
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
    bits_.assign(kBatchWords + kMaxDraw, 0);
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
    pending_.assign(static_cast<size_t>(D_ - 1) * L0_ + 1, 0);
    gen_ = kVec ? philox_batch::generate_avx512 : philox_batch::generate_scalar;
    set_beta(beta);
  }

  std::string name() const override { return "sw"; }
  std::string kernel() const override { return "lattice-uf"; }
  double beta() const override { return beta_; }
  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    thr_.set(acceptance_threshold(-std::expm1(-2.0 * beta * J_)));
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
        sg[r * W + w] = sign_bits<kVec>(s + r * L0 + 64 * w, w + 1 < W ? 64 : tail);

    // 1. Masks and links, row by row.
    const uint64_t coin_first = rng.take_blocks(16 * static_cast<uint64_t>(coin_groups_));
    const SlicedThreshold& thr = thr_;
    const uint64_t* __restrict bw = bits_.data();
    size_t pos = 0, end = 0;  // unread bond words [pos, end)
    auto draw = [&](uint64_t lanes) {
      if (thr.never) return uint64_t{0};
      if (thr.always) return lanes;
      if (end - pos < kMaxDraw) [[unlikely]] {
        end = refill(rng, pos, end);
        pos = 0;
      }
      return thr.draw(lanes, bw, pos);
    };
    int32_t runs = 0;
    for (int64_t r = 0; r < R; ++r) {
      const uint64_t* a = sg + r * W;
      const int32_t first_run = runs;
      uint64_t carry = 0;  // the x bond from the previous word's last site
      bool wrap = false;   // the x bond from L0 - 1 to 0
      for (int64_t w = 0; w < W; ++w) {
        const uint64_t valid = w + 1 < W ? ~uint64_t{0} : tail_mask;
        // Sign of the right neighbour: the next word, or site 0 after the last.
        const uint64_t right = (a[w] >> 1) | (w + 1 < W ? a[w + 1] << 63 : (a[0] & 1u) << (tail - 1));
        uint64_t h = draw(~(a[w] ^ right) & valid);
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
          vb[((d - 1) * R + r) * W + w] = draw(~(a[w] ^ b[w]) & valid);
        }
      }
      link_row(r, first_run, runs, wrap);
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
        const uint64_t change = deposit<kVec>(slice ^ ((slice << 1) | carry), st[r * W + w]);
        const uint64_t flip = prefix_xor(change) ^ (uint64_t{0} - carry);
        carry = flip >> 63;
        flip_spins<kVec>(s + r * L0 + 64 * w, w + 1 < W ? 64 : tail, flip);
      }
    }
  }

 private:
  static constexpr size_t kMaxDraw = 32;           // most words a group reads
  static constexpr size_t kBatchGroups = 64;       // Philox groups (16 blocks each) per batch
  static constexpr size_t kBatchWords = 32 * kBatchGroups;  // 64-bit words per batch

  // Keeps the unread bond words [pos, end), moved to the front, and appends a batch; returns the
  // new end (the cursor restarts at 0).
  size_t refill(Rng& rng, size_t pos, size_t end) {
    const size_t left = end - pos;
    if (left) std::memmove(bits_.data(), bits_.data() + pos, left * sizeof(uint64_t));
    const uint64_t first = rng.take_blocks(16 * kBatchGroups);
    // 64-bit word j = 32-bit words 2j (low half) and 2j + 1 (high half), little-endian.
    gen_(rng.seed(), rng.stream(), first, kBatchGroups, reinterpret_cast<uint32_t*>(bits_.data() + left));
    return left + kBatchWords;
  }

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
  // a pair of different labels is queued for a union. A bond that joins the same two runs as the
  // bond before it (no run starts in either row since) offers nothing new and is skipped. Then
  // each run points at its label's root (few steps: the queued unions join roots), which the rows
  // above read as their labels.
  void link_row(int64_t r, int32_t lo, int32_t hi, bool wrap) {
    const int64_t W = W_;
    int32_t* __restrict P = parent_.data();
    int32_t* __restrict lab = label_.data() - lo;  // lab[k] for the runs k of row r
    uint64_t* __restrict pend = pending_.data();  // label pairs, one word each (one store)
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
      uint64_t cy = 0;  // a run started since the latest bond (column 0 starts runs anyway)
      for (int64_t w = 0; w < W; ++w) {
        const uint64_t a = sq[w], b = sr[w];
        const int32_t ba = bq[w] - 1, bb = br[w] - 1;
        // New bonds: a start at the bond, or a start after the latest bond carried up to it
        // (ones of ~v carry a start's bit along; a bond absorbs it).
        const uint64_t starts = a | b, gaps = ~v[w];
        const uint64_t half = gaps + (starts & gaps), sum = half + cy;
        cy = (half < gaps) | (sum < half);  // carry out of the 64-bit sum
        for (uint64_t m = v[w] & (sum | starts); m; m &= m - 1) {
          const uint64_t upto = m ^ (m - 1);  // up to the bond (blsmsk)
          const int32_t x = P[ba + std::popcount(a & upto)];
          const int32_t c = bb + std::popcount(b & upto);
          const int32_t y = lab[c];
          lab[c] = std::min(x, y);
          pend[np] = static_cast<uint32_t>(x) | static_cast<uint64_t>(static_cast<uint32_t>(y)) << 32;
          np += (y != kNone) & (x != y);
        }
      }
    }
    for (int64_t p = 0; p < np; ++p)
      uf_rem_union(P, static_cast<int32_t>(pend[p]), static_cast<int32_t>(pend[p] >> 32));
    for (int32_t k = lo; k < hi; ++k) P[k] = std::min(lab[k], k);  // no label: a root
    if (wrap && hi - 1 > lo) uf_rem_union(P, lo, hi - 1);
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
        const uint64_t upto = m ^ (m - 1);  // up to the bond (blsmsk)
        uf_rem_union(P, ba + std::popcount(a & upto), bb + std::popcount(b & upto));
      }
    }
  }

  double J_ = 1.0, beta_ = 0.0;
  SlicedThreshold thr_;
  int D_ = 2;
  int32_t L0_ = 0, L1_ = 0, L2_ = 1;
  int64_t R_ = 0, N_ = 0, W_ = 0, coin_groups_ = 0;
  std::vector<uint64_t> bits_;  // bond words: unread ones of the last batch, then a new batch
  std::vector<uint32_t> coins_;
  std::vector<uint64_t> sign_, start_, vbond_, flipbits_;  // bit arrays, W words per row
  std::vector<int32_t> runbase_;  // runs before each word (and the total at the end)
  std::vector<int32_t> parent_;   // union-find over runs, parent[k] <= k
  std::vector<int32_t> label_;
  std::vector<uint64_t> pending_;  // one row: smallest label per run, label pairs to join
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

bool cluster_lattice_vector_available() {
#ifdef SPINLAB_CL_AVX512
  return philox_batch::avx512_available();
#else
  return false;
#endif
}

std::unique_ptr<Move> make_lattice_swendsen_wang(const IsingModel& model, double beta, LatticeKernelImpl impl) {
  const bool vec = cluster_lattice_vector_available();
  if (impl == LatticeKernelImpl::Avx512 && !vec)
    throw InputError("lattice Swendsen-Wang: the AVX-512 path is not built in or not supported by this CPU");
#ifdef SPINLAB_CL_AVX512
  if (impl != LatticeKernelImpl::Scalar && vec) return std::make_unique<LatticeSwendsenWang<true>>(model, beta);
#endif
  return std::make_unique<LatticeSwendsenWang<false>>(model, beta);
}

}  // namespace spinlab
