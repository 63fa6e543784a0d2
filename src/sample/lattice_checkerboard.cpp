// Checkerboard Metropolis / heat-bath for uniform periodic lattices: batched Philox, scalar and AVX-512 rows.
#include "sample/lattice_checkerboard.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SPINLAB_X86 1
// Target attributes (not global flags) so that a portable build still carries the fast path and
// picks it at run time.
#define SPINLAB_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,bmi2")))
#define SPINLAB_AVX512_INLINE SPINLAB_AVX512 inline __attribute__((always_inline))
// GCC 12 reports its own _mm512_undefined_* placeholders inside the intrinsic headers as
// "maybe uninitialized" (fixed in GCC 13); nothing in this file reads an uninitialised value.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace spinlab {

// ------------------------------------------------------------------------------------------
// Batched Philox4x32-10 (Salmon et al., SC'11). Round: (hi0, lo0) = M0 * c0, (hi1, lo1) = M1 * c2,
// c' = {hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0}; the key is bumped by (W0, W1) between rounds.
namespace philox_batch {
namespace {
constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
}  // namespace

bool avx512_available() {
#ifdef SPINLAB_X86
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                         __builtin_cpu_supports("bmi2");
  return ok;
#else
  return false;
#endif
}

void generate_scalar(uint64_t seed, uint64_t stream, uint64_t first_block, size_t ngroups, uint32_t* out) {
  const auto k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  const auto s0 = static_cast<uint32_t>(stream), s1 = static_cast<uint32_t>(stream >> 32);
  for (size_t g = 0; g < ngroups; ++g)
    for (int b = 0; b < kGroupBlocks; ++b) {
      const uint64_t ctr = first_block + kGroupBlocks * g + b;
      uint32_t c0 = static_cast<uint32_t>(ctr), c1 = static_cast<uint32_t>(ctr >> 32), c2 = s0, c3 = s1;
      uint32_t a = k0, bk = k1;
      for (int r = 0; r < 10; ++r) {
        const uint64_t p0 = uint64_t{kM0} * c0, p1 = uint64_t{kM1} * c2;
        const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ a;
        const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ bk;
        c1 = static_cast<uint32_t>(p1);
        c3 = static_cast<uint32_t>(p0);
        c0 = n0;
        c2 = n2;
        a += kW0;
        bk += kW1;
      }
      uint32_t* o = out + kGroupWords * g + b;
      o[0] = c0;
      o[16] = c1;
      o[32] = c2;
      o[48] = c3;
    }
}

#ifdef SPINLAB_X86
namespace {

// One 32-bit Philox lane per 64-bit lane, so that _mm512_mul_epu32 yields the full 64-bit product
// with no even/odd shuffling; the high halves of the lanes hold garbage that no step reads
// (mul_epu32 reads only the low halves, and only the low halves are stored).
struct PhiloxKeys {
  __m512i rk0[10], rk1[10], s0, s1, m0, m1;
};

// V vectors of 8 blocks each (V/2 groups): blocks first + 8v + lane.
template <int V>
SPINLAB_AVX512_INLINE void philox_groups(const PhiloxKeys& k, uint64_t first, uint32_t* out) {
  const __m512i iota = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  __m512i c0[V], c1[V], c2[V], c3[V];
  for (int v = 0; v < V; ++v) {
    const __m512i ctr = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(first + 8 * v)), iota);
    c0[v] = ctr;
    c1[v] = _mm512_srli_epi64(ctr, 32);
    c2[v] = k.s0;
    c3[v] = k.s1;
  }
  for (int r = 0; r < 10; ++r) {
    for (int v = 0; v < V; ++v) {
      const __m512i p0 = _mm512_mul_epu32(c0[v], k.m0);
      const __m512i p1 = _mm512_mul_epu32(c2[v], k.m1);
      // Swapping the 32-bit halves moves hi into the low half (one shuffle, off the shift port).
      const __m512i h0 = _mm512_shuffle_epi32(p0, _MM_PERM_CDAB);
      const __m512i h1 = _mm512_shuffle_epi32(p1, _MM_PERM_CDAB);
      c0[v] = _mm512_ternarylogic_epi64(h1, c1[v], k.rk0[r], 0x96);  // three-way xor
      c2[v] = _mm512_ternarylogic_epi64(h0, c3[v], k.rk1[r], 0x96);
      c1[v] = p1;
      c3[v] = p0;
    }
  }
  // Low halves of two vectors (blocks 0-7, 8-15 of a group) -> 16 consecutive words.
  const __m512i pack = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  for (int q = 0; q < V / 2; ++q) {
    uint32_t* o = out + kGroupWords * q;
    _mm512_storeu_si512(o + 0, _mm512_permutex2var_epi32(c0[2 * q], pack, c0[2 * q + 1]));
    _mm512_storeu_si512(o + 16, _mm512_permutex2var_epi32(c1[2 * q], pack, c1[2 * q + 1]));
    _mm512_storeu_si512(o + 32, _mm512_permutex2var_epi32(c2[2 * q], pack, c2[2 * q + 1]));
    _mm512_storeu_si512(o + 48, _mm512_permutex2var_epi32(c3[2 * q], pack, c3[2 * q + 1]));
  }
}

}  // namespace

SPINLAB_AVX512 void generate_avx512(uint64_t seed, uint64_t stream, uint64_t first_block, size_t ngroups,
                                    uint32_t* out) {
  PhiloxKeys k;
  const auto k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    k.rk0[r] = _mm512_set1_epi64(static_cast<uint32_t>(k0 + r * kW0));
    k.rk1[r] = _mm512_set1_epi64(static_cast<uint32_t>(k1 + r * kW1));
  }
  k.s0 = _mm512_set1_epi64(static_cast<uint32_t>(stream));
  k.s1 = _mm512_set1_epi64(static_cast<uint32_t>(stream >> 32));
  k.m0 = _mm512_set1_epi64(kM0);
  k.m1 = _mm512_set1_epi64(kM1);
  size_t g = 0;
  // Two groups (four independent vectors) per step hide the multiply latency.
  for (; g + 2 <= ngroups; g += 2) philox_groups<4>(k, first_block + kGroupBlocks * g, out + kGroupWords * g);
  if (g < ngroups) philox_groups<2>(k, first_block + kGroupBlocks * g, out + kGroupWords * g);
}
#else
void generate_avx512(uint64_t seed, uint64_t stream, uint64_t first_block, size_t ngroups, uint32_t* out) {
  generate_scalar(seed, stream, first_block, ngroups, out);
}
#endif

}  // namespace philox_batch

// ------------------------------------------------------------------------------------------
// Row kernels. A row holds L0 spins; the sites of the current colour sit at x = p, p+2, ...;
// nb[] are the rows y+1, y-1 (and z+1, z-1 in 3D), w[m] is the random word of the row's m-th site.
namespace {

// Lookup index of a site from its spin and neighbour sum: idx = sum + 8 + (s < 0). With
// sum in [-6, 6] and even, idx lies in [2, 15] and is distinct for every (s, sum), so one 16-entry
// table serves both the scalar loop and a 16-lane vector permute.
inline int site_index(int spin, int sum) { return sum + 8 + (spin < 0 ? 1 : 0); }

struct Tables {
  // Accept / set +1 with probability thr64[idx] / 2^32 (thr64 <= 2^32).
  alignas(64) uint64_t thr64[16] = {};
  // The same as a 32-bit compare: u < thr32 (thr32 = min(thr64, 2^32-1)) or always[idx] = 0xFF
  // when thr64 = 2^32 (a 33rd bit the 32-bit lanes cannot hold).
  alignas(64) uint32_t thr32[16] = {};
  alignas(16) uint8_t always[16] = {};
};

// Extents and, per y and per z, the offset from a row to its neighbour rows (periodic wrap
// folded in, so the walk below needs no division or wrap test per row).
struct Geometry {
  int32_t L0 = 0, L1 = 1, L2 = 1;
  const int64_t *yp = nullptr, *ym = nullptr, *zp = nullptr, *zm = nullptr;
};

// Updates the colour-c sites of rows r0 .. r1-1; w holds their words, L0/2 per row from row r0.
using RowsKernel = void (*)(Spin* S, const Geometry& g, int c, int64_t r0, int64_t r1, const uint32_t* w,
                            const Tables& t);

// Visits rows r0 .. r1-1, even r first, then odd r (L1 is even, so r and y have the same parity).
// Any order gives the same result, since sites of one colour do not interact. This one keeps a
// row's store away from its reload as a neighbour row: in index order each row reloads the row
// stored just before, and in 3D (one 32-spin chunk per row) that chains every row to the last.
template <int NNB>
class RowWalk {
 public:
  RowWalk(Spin* S, const Geometry& g, int c, int64_t r0, int64_t r1, const uint32_t* w)
      : S_(S), g_(g), c_(c), r0_(r0), r1_(r1), w0_(w) {
    start(0);
    if (!valid()) start(1);
  }
  bool valid() const { return r_ < r1_; }
  void advance() {
    r_ += 2;
    y_ += 2;
    if (y_ >= g_.L1) {
      y_ -= g_.L1;
      ++z_;
    }
    if (!valid() && half_ == 0) start(1);
  }
  Spin* row() const { return S_ + r_ * g_.L0; }
  int parity() const { return (c_ + y_ + z_) & 1; }  // sites of the colour at x = parity, parity+2, ...
  const uint32_t* words() const { return w0_ + (r_ - r0_) * (g_.L0 / 2); }
  void neighbours(const Spin** nb) const {
    const Spin* row = S_ + r_ * g_.L0;
    nb[0] = row + g_.yp[y_];
    nb[1] = row + g_.ym[y_];
    if constexpr (NNB == 4) {
      nb[2] = row + g_.zp[z_];
      nb[3] = row + g_.zm[z_];
    }
  }

 private:
  void start(int half) {
    half_ = half;
    r_ = r0_ + ((r0_ & 1) != half ? 1 : 0);
    y_ = static_cast<int32_t>(r_ % g_.L1);
    z_ = static_cast<int32_t>(r_ / g_.L1);
  }
  Spin* S_;
  const Geometry& g_;
  int c_;
  int64_t r0_, r1_;
  const uint32_t* w0_;
  int half_ = 0;
  int64_t r_ = 0;
  int32_t y_ = 0, z_ = 0;
};

// The reference: one site at a time, the same thresholds in 64 bits.
template <SingleSpinRule Rule, int NNB>
inline void row_scalar(Spin* row, const Spin* const* nb, int32_t L0, int p, const uint32_t* w, const Tables& t) {
  for (int32_t x = p; x < L0; x += 2) {
    int sum = row[x == 0 ? L0 - 1 : x - 1] + row[x == L0 - 1 ? 0 : x + 1];
    for (int q = 0; q < NNB; ++q) sum += nb[q][x];
    const int r = w[x >> 1] < t.thr64[site_index(row[x], sum)] ? 1 : 0;
    if constexpr (Rule == SingleSpinRule::Metropolis)
      row[x] = static_cast<Spin>(row[x] * (1 - 2 * r));
    else
      row[x] = static_cast<Spin>(2 * r - 1);
  }
}

template <SingleSpinRule Rule, int NNB>
void rows_scalar(Spin* S, const Geometry& g, int c, int64_t r0, int64_t r1, const uint32_t* w, const Tables& t) {
  const Spin* nb[4];
  for (RowWalk<NNB> it(S, g, c, r0, r1, w); it.valid(); it.advance()) {
    it.neighbours(nb);
    row_scalar<Rule, NNB>(it.row(), nb, g.L0, it.parity(), it.words(), t);
  }
}

#ifdef SPINLAB_X86
SPINLAB_AVX512_INLINE __mmask32 first_bytes(int32_t n) {
  return n >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((1u << n) - 1u);
}

// 32 bytes of the row from x0; a chunk that runs past the row end is zero-filled and carries
// row[0] just past the end, the periodic right neighbour of the last site.
SPINLAB_AVX512_INLINE __m256i load_row_chunk(const Spin* row, int32_t x0, int32_t L0) {
  if (x0 + 32 <= L0) return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + x0));
  const int32_t nv = L0 - x0;
  __m256i v = _mm256_maskz_loadu_epi8(first_bytes(nv), row + x0);
  return _mm256_mask_set1_epi8(v, static_cast<__mmask32>(1u << nv), row[0]);
}

// One row, 16 sites per 32-byte chunk. Chunks sit at x0 = 0, 32, ... for both colours (not at
// the first site): every load of a neighbour row then matches an earlier store of that row in
// address and size and forwards from the store buffer, where a load straddling two stores would
// wait for them to reach the cache. Whole: L0 is a multiple of 32 (no partial chunk).
// R (per byte) is the outcome u < threshold: flip for Metropolis, new spin +1 for heat bath.
template <SingleSpinRule Rule, int NNB, int P, bool Whole>
SPINLAB_AVX512_INLINE void row_avx512(Spin* row, const Spin* const* nb, int32_t L0, const uint32_t* w,
                                      __m512i T, __m256i A) {
  const __m256i eight = _mm256_set1_epi8(8), one = _mm256_set1_epi8(1);
  constexpr uint32_t kSites = P ? 0xAAAAAAAAu : 0x55555555u;
  __m256i prev = _mm256_set1_epi8(row[L0 - 1]);  // byte 31 = periodic left neighbour of x = 0
  __m256i cur = Whole ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row)) : load_row_chunk(row, 0, L0);
  for (int32_t x0 = 0; x0 < L0; x0 += 32) {
    const bool full = Whole || x0 + 32 <= L0;
    __m256i next;
    if (x0 + 32 >= L0)
      next = _mm256_set1_epi8(row[0]);
    else if (Whole)
      next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + x0 + 32));
    else
      next = load_row_chunk(row, x0 + 32, L0);
    // left[j] = byte j-1, right[j] = byte j+1 of prev|cur|next: 128-bit lane shuffle + alignr.
    const __m256i left = _mm256_alignr_epi8(cur, _mm256_permute2x128_si256(prev, cur, 0x21), 15);
    const __m256i right = _mm256_alignr_epi8(_mm256_permute2x128_si256(cur, next, 0x21), cur, 1);
    __m256i sum = _mm256_add_epi8(_mm256_add_epi8(left, right), eight);
    const __mmask32 m = first_bytes(L0 - x0);
    for (int q = 0; q < NNB; ++q)
      sum = _mm256_add_epi8(sum, full ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(nb[q] + x0))
                                      : _mm256_maskz_loadu_epi8(m, nb[q] + x0));
    __m256i idx = _mm256_mask_add_epi8(sum, _mm256_movepi8_mask(cur), sum, one);
    if (P) idx = _mm256_srli_epi16(idx, 8);  // sites in the odd bytes: move them to the even ones
    // Even byte 2k = site k; zero-extending 16-bit words gives a lane whose low 4 bits are its index.
    const __m512i thr = _mm512_permutexvar_epi32(_mm512_cvtepu16_epi32(idx), T);
    const __mmask16 lt = _mm512_cmplt_epu32_mask(_mm512_loadu_si512(w + (x0 >> 1)), thr);
    const uint32_t al = _mm256_movepi8_mask(_mm256_shuffle_epi8(A, idx));
    uint32_t R = ((_pdep_u32(lt, 0x55555555u) | al) & 0x55555555u) << P;  // byte mask of the results
    if (!full) R &= m;
    __m256i out;
    if constexpr (Rule == SingleSpinRule::Metropolis) {
      out = _mm256_mask_sub_epi8(cur, R, _mm256_setzero_si256(), cur);  // s -> -s where R
    } else {
      out = _mm256_mask_blend_epi8(kSites, cur, _mm256_set1_epi8(-1));
      out = _mm256_mask_blend_epi8(R, out, one);
    }
    if (full)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(row + x0), out);
    else
      _mm256_mask_storeu_epi8(row + x0, m, out);
    prev = cur;
    cur = next;
  }
}

template <SingleSpinRule Rule, int NNB, bool Whole>
SPINLAB_AVX512 void rows_avx512_impl(Spin* S, const Geometry& g, int c, int64_t r0, int64_t r1,
                                     const uint32_t* w, const Tables& t) {
  const __m512i T = _mm512_load_si512(t.thr32);
  const __m256i A = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.always)));
  const Spin* nb[4];
  for (RowWalk<NNB> it(S, g, c, r0, r1, w); it.valid(); it.advance()) {
    it.neighbours(nb);
    if (it.parity())
      row_avx512<Rule, NNB, 1, Whole>(it.row(), nb, g.L0, it.words(), T, A);
    else
      row_avx512<Rule, NNB, 0, Whole>(it.row(), nb, g.L0, it.words(), T, A);
  }
}

template <SingleSpinRule Rule, int NNB>
void rows_avx512(Spin* S, const Geometry& g, int c, int64_t r0, int64_t r1, const uint32_t* w, const Tables& t) {
  if (g.L0 % 32 == 0)
    rows_avx512_impl<Rule, NNB, true>(S, g, c, r0, r1, w, t);
  else
    rows_avx512_impl<Rule, NNB, false>(S, g, c, r0, r1, w, t);
}
#endif

constexpr uint64_t kAlways = uint64_t{1} << 32;

template <SingleSpinRule Rule>
class LatticeCheckerboard final : public SingleSpinMove {
 public:
  LatticeCheckerboard(const IsingModel& m, double beta, double J, double h, bool simd)
      : simd_(simd), J_(J), h_(h) {
    const Lattice& lat = *m.lattice();
    dim_ = lat.dim();
    L0_ = lat.extent(0);
    L1_ = lat.extent(1);
    L2_ = dim_ == 3 ? lat.extent(2) : 1;
    n_ = lat.num_sites();
    rows_ = n_ / L0_;
    H_ = L0_ / 2;
    // Neighbour-row offsets with the periodic wrap folded in.
    for (int32_t y = 0; y < L1_; ++y) {
      yp_.push_back(int64_t{L0_} * (y + 1 == L1_ ? -(L1_ - 1) : 1));
      ym_.push_back(int64_t{L0_} * (y == 0 ? L1_ - 1 : -1));
    }
    for (int32_t z = 0; z < L2_; ++z) {
      zp_.push_back(int64_t{L0_} * L1_ * (z + 1 == L2_ ? -(L2_ - 1) : 1));
      zm_.push_back(int64_t{L0_} * L1_ * (z == 0 ? L2_ - 1 : -1));
    }
    geo_ = Geometry{L0_, L1_, L2_, yp_.data(), ym_.data(), zp_.data(), zm_.data()};
    groups_ = (n_ / 2 + philox_batch::kGroupWords - 1) / philox_batch::kGroupWords;
    // ~16 KB of random words per batch: generated and consumed while in L1.
    rows_per_batch_ = std::max<int64_t>(1, 4096 / H_);
    buf_.assign(static_cast<size_t>(rows_per_batch_ * H_ + 4 * philox_batch::kGroupWords), 0);
    const bool three = dim_ == 3;
#ifdef SPINLAB_X86
    if (simd_)
      kernel_ = three ? rows_avx512<Rule, 4> : rows_avx512<Rule, 2>;
    else
#endif
      kernel_ = three ? rows_scalar<Rule, 4> : rows_scalar<Rule, 2>;
    gen_ = simd_ ? philox_batch::generate_avx512 : philox_batch::generate_scalar;
    set_beta(beta);
  }
  // geo_ points into the offset vectors of this object.
  LatticeCheckerboard(const LatticeCheckerboard&) = delete;
  LatticeCheckerboard& operator=(const LatticeCheckerboard&) = delete;

  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    t_ = Tables{};
    const int z = 2 * dim_;
    for (int spin : {-1, 1})
      for (int k = -z; k <= z; k += 2) {
        const int idx = site_index(spin, k);
        const uint64_t thr = threshold_from_field(spin, J_ * k + h_);
        t_.thr64[idx] = thr;
        t_.thr32[idx] = static_cast<uint32_t>(std::min<uint64_t>(thr, kAlways - 1));
        t_.always[idx] = thr >= kAlways ? 0xFF : 0;
      }
  }
  double beta() const override { return beta_; }

  std::string name() const override {
    return Rule == SingleSpinRule::Metropolis ? "metropolis-checkerboard" : "heatbath-checkerboard";
  }
  std::string kernel() const override {
    return simd_ ? "lattice-checkerboard-avx512" : "lattice-checkerboard-scalar";
  }

  double flip_probability(int32_t i, std::span<const Spin> s) const override {
    const double p = static_cast<double>(t_.thr64[site_index(s[i], neighbour_sum(i, s))]) * 0x1.0p-32;
    if (Rule == SingleSpinRule::Metropolis) return p;
    return s[i] > 0 ? 1.0 - p : p;  // heat bath: the table holds P(new spin = +1)
  }

  void update_site(int32_t i, std::span<Spin> s, Rng& rng) override {
    const bool r = rng.next_u32() < t_.thr64[site_index(s[i], neighbour_sum(i, s))];
    if constexpr (Rule == SingleSpinRule::Metropolis) {
      if (r) s[i] = static_cast<Spin>(-s[i]);
    } else {
      s[i] = r ? 1 : -1;
    }
  }

  void colour_pass_with_words(std::span<Spin> s, int c, std::span<const uint32_t> words) {
    if (c < 0 || c > 1 || static_cast<int64_t>(words.size()) != n_ / 2 || static_cast<int64_t>(s.size()) != n_)
      throw InputError("colour pass: needs colour 0 or 1, N spins and N/2 words");
    // The vector kernel reads whole 16-word chunks: pad past the last row.
    std::vector<uint32_t> w(words.begin(), words.end());
    w.resize(w.size() + 64, 0);
    kernel_(s.data(), geo_, c, 0, rows_, w.data(), t_);
  }

  void sweep(std::span<Spin> s, Rng& rng) override {
    constexpr int64_t GB = philox_batch::kGroupBlocks, GW = philox_batch::kGroupWords;
    const uint64_t base = rng.take_blocks(static_cast<uint64_t>(2 * GB * groups_));
    const uint64_t seed = rng.seed(), stream = rng.stream();
    Spin* S = s.data();
    for (int c = 0; c < 2; ++c) {
      const uint64_t cbase = base + static_cast<uint64_t>(GB * c * groups_);
      for (int64_t r0 = 0; r0 < rows_; r0 += rows_per_batch_) {
        const int64_t r1 = std::min(rows_, r0 + rows_per_batch_);
        const int64_t g0 = r0 * H_ / GW, g1 = (r1 * H_ + GW - 1) / GW;
        gen_(seed, stream, cbase + static_cast<uint64_t>(GB * g0), static_cast<size_t>(g1 - g0), buf_.data());
        kernel_(S, geo_, c, r0, r1, buf_.data() + (r0 * H_ - GW * g0), t_);
      }
    }
  }

 private:
  int64_t row_start(int32_t y, int32_t z) const { return static_cast<int64_t>(L0_) * (y + int64_t{L1_} * z); }

  int neighbour_sum(int32_t i, std::span<const Spin> s) const {
    const int32_t x = i % L0_, r = i / L0_, y = r % L1_, z = r / L1_;
    const int64_t row = row_start(y, z);
    int sum = s[row + (x + 1) % L0_] + s[row + (x + L0_ - 1) % L0_];
    sum += s[row_start((y + 1) % L1_, z) + x] + s[row_start((y + L1_ - 1) % L1_, z) + x];
    if (dim_ == 3) sum += s[row_start(y, (z + 1) % L2_) + x] + s[row_start(y, (z + L2_ - 1) % L2_) + x];
    return sum;
  }

  // The formulas of the generic kernels (single_spin.cpp), so both paths draw with the same thresholds.
  uint64_t threshold_from_field(int spin, double f) const {
    if constexpr (Rule == SingleSpinRule::Metropolis) {
      const double dE = 2.0 * spin * f;
      if (dE <= 0.0) return kAlways;
      return acceptance_threshold(std::exp(-beta_ * dE));
    } else {
      return acceptance_threshold(1.0 / (1.0 + std::exp(-2.0 * beta_ * f)));
    }
  }

  bool simd_;
  double J_, h_;
  double beta_ = 0.0;
  int dim_ = 0;
  int32_t L0_ = 0, L1_ = 1, L2_ = 1;
  int64_t n_ = 0, rows_ = 0, H_ = 0, groups_ = 0, rows_per_batch_ = 1;
  Tables t_;
  std::vector<uint32_t> buf_;
  std::vector<int64_t> yp_, ym_, zp_, zm_;
  Geometry geo_;
  RowsKernel kernel_ = nullptr;
  void (*gen_)(uint64_t, uint64_t, uint64_t, size_t, uint32_t*) = nullptr;
};

}  // namespace

void detail::lattice_colour_pass_with_words(SingleSpinMove& move, std::span<Spin> s, int colour,
                                            std::span<const uint32_t> words) {
  if (auto* m = dynamic_cast<LatticeCheckerboard<SingleSpinRule::Metropolis>*>(&move))
    m->colour_pass_with_words(s, colour, words);
  else if (auto* h = dynamic_cast<LatticeCheckerboard<SingleSpinRule::HeatBath>*>(&move))
    h->colour_pass_with_words(s, colour, words);
  else
    throw InputError("colour pass: not a lattice checkerboard move");
}

bool lattice_checkerboard_applies(const IsingModel& model, double* J, double* h) {
  const Lattice* lat = model.lattice();
  if (model.has_frozen()) return false;  // zealots: the generic kernel honours the mask
  if (!lat || (lat->dim() != 2 && lat->dim() != 3) || lat->boundary() != Boundary::Periodic) return false;
  // Even extents make x+y+z mod 2 a proper colouring; L = 2 is excluded because the graph then
  // merges the two bonds between a pair into one of weight 2J.
  for (int d = 0; d < lat->dim(); ++d)
    if (lat->extent(d) < 4 || lat->extent(d) % 2 != 0) return false;
  double jl = 0.0, jm = 0.0, hm = 0.0;
  if (!lat->is_uniform(&jl) || !model.is_uniform(&jm, &hm)) return false;
  if (jl == 0.0 || jm != jl || model.size() != lat->num_sites()) return false;
  if (J) *J = jl;
  if (h) *h = hm;
  return true;
}

std::unique_ptr<SingleSpinMove> make_lattice_checkerboard(const IsingModel& model, double beta,
                                                          SingleSpinRule rule, LatticeKernelImpl impl) {
  double J = 0.0, h = 0.0;
  if (!lattice_checkerboard_applies(model, &J, &h))
    throw InputError("lattice checkerboard kernel: needs a periodic 2D/3D lattice with even L >= 4, "
                     "one coupling J != 0 and one field h");
  if (impl == LatticeKernelImpl::Avx512 && !philox_batch::avx512_available())
    throw InputError("lattice checkerboard kernel: this CPU has no AVX-512 (F, BW, VL, DQ) with BMI2");
  const bool simd = impl == LatticeKernelImpl::Avx512 ||
                    (impl == LatticeKernelImpl::Auto && philox_batch::avx512_available());
  if (rule == SingleSpinRule::Metropolis)
    return std::make_unique<LatticeCheckerboard<SingleSpinRule::Metropolis>>(model, beta, J, h, simd);
  return std::make_unique<LatticeCheckerboard<SingleSpinRule::HeatBath>>(model, beta, J, h, simd);
}

}  // namespace spinlab
