// AVX-512 + VAES multi-spin-coded kernel: one 512-bit vector = one 8-word group, one VAES
// instruction = one AES round on the group's four ARS blocks. Neighbour words come from loads and
// lane shuffles (valignq / vpermq) instead of index arithmetic; the result is bit-identical to
// msc_kernel_scalar.cpp. The usual ferromagnetic class layouts run a specialised path (namespace
// fast below); the rest the generic MscEngine. Compiled with AVX-512 flags (see CMakeLists.txt); only called when
// simd_level_available(SimdLevel::Avx512).
#include <immintrin.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "sample/msc_engine.hpp"

namespace spinlab::msc {
namespace {

struct Avx512Ops {
  using V = __m512i;
  static V zero() { return _mm512_setzero_si512(); }
  static V set1(uint64_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }
  static V band(V a, V b) { return _mm512_and_si512(a, b); }
  static V bor(V a, V b) { return _mm512_or_si512(a, b); }
  static V bxor(V a, V b) { return _mm512_xor_si512(a, b); }
  static V andnot(V a, V b) { return _mm512_andnot_si512(a, b); }
  static V xor3(V a, V b, V c) { return _mm512_ternarylogic_epi64(a, b, c, 0x96); }
  static V maj(V a, V b, V c) { return _mm512_ternarylogic_epi64(a, b, c, 0xE8); }
  static V or_andnot(V acc, V und, V u) { return _mm512_ternarylogic_epi64(acc, und, u, 0xF4); }
  static V and_andnot(V und, V u, V t) { return _mm512_ternarylogic_epi64(und, u, t, 0x20); }  // und & ~u & t
  static V and_xnor(V und, V u, V t) { return _mm512_ternarylogic_epi64(und, u, t, 0x90); }    // und & ~(u ^ t)
  // Truth-table index of vpternlog is a*4 + b*2 + c, so class n is the table 1 << n.
  static V class_mask(int n, V b2, V b1, V b0) {
    switch (n) {
      case 0: return _mm512_ternarylogic_epi64(b2, b1, b0, 0x01);
      case 1: return _mm512_ternarylogic_epi64(b2, b1, b0, 0x02);
      case 2: return _mm512_ternarylogic_epi64(b2, b1, b0, 0x04);
      case 3: return _mm512_ternarylogic_epi64(b2, b1, b0, 0x08);
      case 4: return _mm512_ternarylogic_epi64(b2, b1, b0, 0x10);
      case 5: return _mm512_ternarylogic_epi64(b2, b1, b0, 0x20);
      case 6: return _mm512_ternarylogic_epi64(b2, b1, b0, 0x40);
      default: return _mm512_ternarylogic_epi64(b2, b1, b0, 0x80);
    }
  }
  static bool none(V a) { return _mm512_test_epi64_mask(a, a) == 0; }
  struct Ars {
    V rk[ars::kRounds + 1];
    V base;  // counters of blocks 0..3 of group 0, plane 0 (this pass's colour and sweep id)
    V plane[64];  // P << 2 in the low half of each 128-bit block
  };
  using Ctr = V;  // counter ^ k0 of the group's four blocks at plane 0
  static Ars make_ars(const ars::Key& k, int c = 0, uint64_t id = 0) {
    Ars a;
    const auto lo = static_cast<long long>(counter_lo(0, 0, 0, c));
    const auto hi = static_cast<long long>(id);
    a.base = _mm512_set_epi64(hi, lo | 3, hi, lo | 2, hi, lo | 1, hi, lo);
    for (int r = 0; r <= ars::kRounds; ++r)
      a.rk[r] = _mm512_broadcast_i32x4(_mm_set_epi64x(static_cast<long long>(k.hi[r]), static_cast<long long>(k.lo[r])));
    for (int P = 0; P < 64; ++P) a.plane[P] = _mm512_maskz_set1_epi64(0x55, static_cast<long long>(P) << 2);
    return a;
  }
  // Counter ^ k0 of group g (make_ars must have been given this pass's colour and id).
  static Ctr counter(const Ars& ars, int64_t g, int, uint64_t) {
    const V ctr = _mm512_or_si512(ars.base, _mm512_maskz_set1_epi64(0x55, static_cast<long long>(counter_lo(g, 0, 0, 0))));
    return _mm512_xor_si512(ctr, ars.rk[0]);
  }
  static V plane(const Ars& ars, Ctr ctr, int P) {
    V x = _mm512_xor_si512(ctr, ars.plane[P]);
    for (int r = 1; r < ars::kRounds; ++r) x = _mm512_aesenc_epi128(x, ars.rk[r]);
    return _mm512_aesenclast_epi128(x, ars.rk[ars::kRounds]);
  }
};

using Engine = MscEngine<Avx512Ops>;
using V = __m512i;

inline V load(const uint64_t* p) { return _mm512_loadu_si512(p); }

// Position of a group, advanced without divisions (they cost more than the group's bit work).
struct Cursor {
  int64_t g, y, z, w0;  // group, row coordinates, first word within the row (W >= 8)
  Cursor(const MscGeometry& geo, int64_t g0) : g(g0) {
    const int64_t base = 8 * g0, r0 = base / geo.W;
    y = r0 % geo.L;
    z = r0 / geo.L;
    w0 = base % geo.W;
  }
  template <int WC>
  void next(const MscGeometry& geo) {
    ++g;
    if constexpr (WC == 8) {
      w0 += 8;
      if (w0 < geo.W) return;
      w0 = 0;
      ++y;
    } else {
      y += 8 / WC;
    }
    if (y == geo.L) {
      y = 0;
      ++z;
    }
  }
};

// Neighbour words of the group at cursor c (flat words 8g .. 8g+7 of colour a.colour), as in the
// scalar neighbours(). WC: W = 1, 2, 4, or a multiple of 8 (WC = 8).
template <int WC>
MSC_INLINE void neighbours(const PassArgs& a, const Cursor& c, V o, V nb[6]) {
  const MscGeometry& geo = a.geo;
  const uint64_t* O = a.other;
  const int64_t W = geo.W, L = geo.L, PW = L * W, base = 8 * c.g;
  const int64_t y0 = c.y, z0 = c.z;
  const int64_t ym = y0 == 0 ? L - 1 : y0 - 1, yp = y0 + 1 == L ? 0 : y0 + 1;
  const int p0 = static_cast<int>((a.colour + y0 + z0) & 1);
  nb[0] = o;
  if constexpr (WC == 8) {
    const int64_t w0 = c.w0, rb = base - w0;
    if (p0) {
      const V next = _mm512_alignr_epi64(load(O + rb + (w0 + 8 == W ? 0 : w0 + 8)), o, 1);
      nb[1] = _mm512_or_si512(_mm512_srli_epi64(o, 1), _mm512_slli_epi64(next, 63));
    } else {
      const V prev = _mm512_alignr_epi64(o, load(O + rb + (w0 == 0 ? W - 8 : w0 - 8)), 7);
      nb[1] = _mm512_or_si512(_mm512_slli_epi64(o, 1), _mm512_srli_epi64(prev, 63));
    }
    nb[2] = load(O + base + (ym - y0) * W);
    nb[3] = load(O + base + (yp - y0) * W);
  } else {
    // Rows of the group: lane l is word l % W of row y0 + l / W; groups tile each z-plane.
    const int64_t pb = z0 * PW, off = base - pb;
    const V prevg = load(O + pb + (off == 0 ? PW - 8 : off - 8)), nextg = load(O + pb + (off + 8 == PW ? 0 : off + 8));
    nb[2] = _mm512_alignr_epi64(o, prevg, 8 - WC);
    nb[3] = _mm512_alignr_epi64(nextg, o, WC);
    V right, left;  // ranks k + 1 (rows with p = 1) and k - 1 (p = 0)
    __mmask8 pmask;
    if constexpr (WC == 1) {
      const int n = geo.bits;
      if (n == 64) {  // L = 128: whole words, the row shifts are rotations
        right = _mm512_ror_epi64(o, 1);
        left = _mm512_rol_epi64(o, 1);
      } else {
        const __m128i sh = _mm_cvtsi32_si128(n - 1);
        right = _mm512_or_si512(_mm512_srli_epi64(o, 1), _mm512_sll_epi64(_mm512_and_si512(o, _mm512_set1_epi64(1)), sh));
        left = _mm512_or_si512(_mm512_and_si512(_mm512_slli_epi64(o, 1), _mm512_set1_epi64(static_cast<long long>(a.valid))),
                               _mm512_srl_epi64(o, sh));
      }
      pmask = p0 ? 0x55 : 0xAA;
    } else if constexpr (WC == 2) {
      const V other = _mm512_permutex_epi64(o, _MM_SHUFFLE(2, 3, 0, 1));
      right = _mm512_or_si512(_mm512_srli_epi64(o, 1), _mm512_slli_epi64(other, 63));
      left = _mm512_or_si512(_mm512_slli_epi64(o, 1), _mm512_srli_epi64(other, 63));
      pmask = p0 ? 0x33 : 0xCC;
    } else {
      const V next = _mm512_permutex_epi64(o, _MM_SHUFFLE(0, 3, 2, 1));
      const V prev = _mm512_permutex_epi64(o, _MM_SHUFFLE(2, 1, 0, 3));
      right = _mm512_or_si512(_mm512_srli_epi64(o, 1), _mm512_slli_epi64(next, 63));
      left = _mm512_or_si512(_mm512_slli_epi64(o, 1), _mm512_srli_epi64(prev, 63));
      pmask = p0 ? 0x0F : 0xF0;
    }
    nb[1] = _mm512_mask_blend_epi64(pmask, left, right);
  }
  if (geo.dim == 3) {
    const int64_t M = geo.words;
    nb[4] = load(O + (z0 == 0 ? base + M - PW : base - PW));
    nb[5] = load(O + (base + PW >= M ? base + PW - M : base + PW));
  }
}

template <int WC, int K>
void pass_wk(const PassArgs& a, int64_t g0, int64_t g1) {
  const Avx512Ops::Ars ars = Avx512Ops::make_ars(a.key, a.colour, a.id);
  // Groups with spins still undecided after the unconditional planes (~10% at beta_c) are
  // finished after the sweep over the band: appending them without a branch keeps the main loop
  // free of mispredicted exits. Deferring is exact: a pass only reads the other colour.
  struct Pending {
    int64_t g;
    V und[K > 0 ? K : 1];
  };
  thread_local std::vector<Pending> pending;
  if constexpr (K > 0) pending.resize(static_cast<size_t>(g1 - g0) + 1);
  size_t np = 0;
  auto push = [&](int64_t g, const V* und) {
    if constexpr (K > 0) {
      Pending& slot = pending[np];
      slot.g = g;
      for (int k = 0; k < K; ++k) slot.und[k] = und[k];
      const V any = Engine::template any_of<K>(und);
      np += _mm512_test_epi64_mask(any, any) != 0;
    }
  };
  Cursor c(a.geo, g0);
  for (; c.g + 1 < g1;) {  // two groups per step
    V nb0[6], nb1[6], und0[K > 0 ? K : 1], und1[K > 0 ? K : 1], f0, f1;
    const int64_t g = c.g;
    const V s0 = load(a.self + 8 * g);
    neighbours<WC>(a, c, load(a.other + 8 * g), nb0);
    c.next<WC>(a.geo);
    const V s1 = load(a.self + 8 * g + 8);
    neighbours<WC>(a, c, load(a.other + 8 * g + 8), nb1);
    c.next<WC>(a.geo);
    Engine::template decide_head2<K>(a, ars, g, s0, nb0, s1, nb1, und0, und1, f0, f1);
    _mm512_storeu_si512(a.self + 8 * g, _mm512_xor_si512(s0, f0));
    _mm512_storeu_si512(a.self + 8 * g + 8, _mm512_xor_si512(s1, f1));
    push(g, und0);
    push(g + 1, und1);
  }
  if (c.g < g1) {
    V nb[6], und[K > 0 ? K : 1];
    const V self = load(a.self + 8 * c.g);
    neighbours<WC>(a, c, load(a.other + 8 * c.g), nb);
    const V flip = Engine::template decide_head<K>(a, ars, c.g, self, nb, und);
    _mm512_storeu_si512(a.self + 8 * c.g, _mm512_xor_si512(self, flip));
    push(c.g, und);
  }
  if constexpr (K > 0)
    for (size_t i = 0; i < np; ++i) {
      uint64_t* w = a.self + 8 * pending[i].g;
      _mm512_storeu_si512(w, _mm512_xor_si512(load(w), Engine::template decide_tail<K>(a, ars, pending[i].g, pending[i].und)));
    }
}

template <int WC>
void pass_w(const PassArgs& a, int64_t g0, int64_t g1) {
  with_small_int(a.nmaybe, [&]<int K>() { pass_wk<WC, K>(a, g0, g1); });
}

template <int WC>
Sums sums_w(const PassArgs& a, int64_t g0, int64_t g1) {
  V up = _mm512_setzero_si512(), diff = _mm512_setzero_si512();
  const V valid = _mm512_set1_epi64(static_cast<long long>(a.valid));
  for (Cursor c(a.geo, g0); c.g < g1; c.next<WC>(a.geo)) {
    V nb[6];
    const V self = load(a.self + 8 * c.g);
    neighbours<WC>(a, c, load(a.other + 8 * c.g), nb);
    up = _mm512_add_epi64(up, _mm512_popcnt_epi64(_mm512_and_si512(self, valid)));
    for (int j = 0; j < 2 * a.geo.dim; ++j)
      diff = _mm512_add_epi64(diff, _mm512_popcnt_epi64(_mm512_and_si512(_mm512_xor_si512(self, nb[j]), valid)));
  }
  return {_mm512_reduce_add_epi64(up), _mm512_reduce_add_epi64(diff)};
}

// ---------------------------------------------------------------------------------------------
// Fast path for the usual class layout: classes n = 0 .. K-1 uncertain, n = K .. 2D flip surely
// (J > 0; Metropolis has K = D at every finite beta > 0), K <= 3. The same function as the
// generic engine above (and the scalar reference), organised for the core's ports: VAES runs on
// port 0 only and the 512-bit bitwise ops on ports 0 and 5, so every bitwise op saved leaves
// port 0 to the AES rounds.
//  - Dimension, W-case and K are template parameters: no runtime loops over neighbours and no
//    jump tables for the class masks (the class sets are ternary-logic immediates).
//  - The threshold bits of each plane are turned into a per-pass code (bit k = class k's bit);
//    the head planes are unrolled and branch on that code: the branches take the same way for
//    every group, so they are predicted, and no per-plane bit extraction is left.
//  - Only kHead planes are unconditional (two groups per step, their AES chains interleaved);
//    the groups left undecided are finished plane by plane every kChunk groups (plane-major,
//    compacting the list after each plane), so that planes are computed for just the groups that
//    still need them, with no mispredicted per-group exit.
//  - Class counts fold the spin word into the adders (see classify); the x-neighbour is one bit
//    select and one variable rotation; inside a z-plane the y-neighbours of W < 8 rows are
//    unaligned loads instead of loads of the neighbour groups plus lane shifts.
// Deferring is exact: a pass only reads the other colour, and a group's outcome does not
// depend on which planes were computed. Other layouts (J < 0, heat-bath with K > 3, extreme
// beta where a class never flips) take the generic path above.
// Measured on Sapphire Rapids, one thread, Metropolis at beta_c: 2D L = 2048 about 20 -> 29,
// 3D L = 128 about 16 -> 26 flips/ns. kHead = 9 or 11 and three groups per step were slower.
namespace fast {

#define MSC_LAMBDA_INLINE __attribute__((always_inline))

constexpr int kHead = 10;
// The undecided groups are finished every kChunk groups, while their slots and lattice words are
// still in L1 (finishing them once per band streamed both from L2, at twice the cost per plane).
constexpr int64_t kChunk = 256;

// Truth table of f for vpternlogq (index a*4 + b*2 + c).
template <class F>
consteval int tt(F f) {
  int r = 0;
  for (int i = 0; i < 8; ++i) r |= (f(i >> 2 & 1, i >> 1 & 1, i & 1) & 1) << i;
  return r;
}
template <int Imm>
MSC_INLINE V tl(V a, V b, V c) {
  return _mm512_ternarylogic_epi64(a, b, c, Imm);
}
MSC_INLINE bool any(V a) { return _mm512_test_epi64_mask(a, a) != 0; }

// Registers that describe the classes of the undecided spins (which are all of class n < K):
// K = 2: x[0] = b0 (n = 1); K = 3: x[0] = b0, x[1] = b1, x[2] = b0 | b1 (b2 = 0 there).
template <int K>
constexpr int kX = K == 3 ? 3 : 1;
// The class set C (bit k = class k) on the undecided spins is x[reg], complemented when neg.
struct Sel {
  int reg;
  bool neg;
};
template <int K, int C>
consteval Sel class_set() {
  if (K == 2) return {0, C == 1};  // C = 2: n = 1 = b0; C = 1: n = 0 = ~b0
  switch (C) {
    case 1: return {2, true};   // n = 0: ~(b0 | b1)
    case 2: return {0, false};  // n = 1: b0
    case 3: return {1, true};   // n = 0, 1: ~b1
    case 4: return {1, false};  // n = 2: b1
    case 5: return {0, true};   // n = 0, 2: ~b0
    default: return {2, false};  // n = 1, 2: b0 | b1
  }
}

// Calls f.template operator()<C>() for the runtime plane code c (0 .. 2^K - 1).
template <int K, class F>
MSC_INLINE void with_code(unsigned c, F&& f) {
  if constexpr (K == 1) {
    if (c) f.template operator()<1>();
    else f.template operator()<0>();
  } else if constexpr (K == 2) {
    switch (c) {
      case 0: return f.template operator()<0>();
      case 1: return f.template operator()<1>();
      case 2: return f.template operator()<2>();
      default: return f.template operator()<3>();
    }
  } else {
    with_small_int(static_cast<int>(c), f);
  }
}

// One plane with code C: u = the plane's random bits of the group, w = its undecided spins.
// Returns the spins decided to flip at this plane (zero for C = 0).
//   C = 0 (every threshold bit 0):  u-bit 1 decides "stay";  w &= ~u.
//   C = all ones:                    u-bit 0 decides "flip";  flips = w & ~u, w &= u.
//   otherwise (t = the spins whose class has bit 1): flips = w & ~u & t, w &= ~(u ^ t).
template <int K, int C>
MSC_INLINE V plane_op(V& w, V u, const V* x) {
  constexpr int full = (1 << K) - 1;
  if constexpr (C == 0) {
    w = _mm512_andnot_si512(u, w);
    return _mm512_setzero_si512();
  } else if constexpr (C == full) {
    const V f = _mm512_andnot_si512(u, w);
    w = _mm512_and_si512(w, u);
    return f;
  } else {
    constexpr Sel s = class_set<K, C>();
    const V t = x[s.reg];
    V f;
    if constexpr (s.neg) {
      f = tl<tt([](int w, int u, int t) { return w & ~u & ~t; })>(w, u, t);
      w = tl<tt([](int w, int u, int t) { return w & (u ^ t); })>(w, u, t);
    } else {
      f = tl<tt([](int w, int u, int t) { return w & ~u & t; })>(w, u, t);
      w = tl<tt([](int w, int u, int t) { return w & ~(u ^ t); })>(w, u, t);
    }
    return f;
  }
}

// Per pass: round keys, counters and the plane codes.
struct Ctx {
  V rk[ars::kRounds + 1];
  V base;        // counter ^ k0 of blocks 0..3 of group 0, plane 0
  V plane[32];   // P << 2 in the low half of each 128-bit block
  V selmask[2];  // x-neighbour: the bit taken from the neighbouring word, by row parity of lane 0
  V rot[2];      // ... and the rotation (63 = right by one, 1 = left by one)
  V perm[2];     // W = 2, 4: the lane holding the neighbouring word
  uint8_t code[32];
};

template <int WC>
Ctx make_ctx(const PassArgs& a) {
  Ctx x;
  const Avx512Ops::Ars ars = Avx512Ops::make_ars(a.key, a.colour, a.id);
  for (int r = 0; r <= ars::kRounds; ++r) x.rk[r] = ars.rk[r];
  x.base = _mm512_xor_si512(ars.base, ars.rk[0]);
  for (int P = 0; P < 32; ++P) {
    x.plane[P] = ars.plane[P];
    unsigned c = 0;
    for (int k = 0; k < a.nmaybe; ++k) c |= (a.maybe_thr[k] >> (31 - P) & 1u) << k;
    x.code[P] = static_cast<uint8_t>(c);
  }
  for (int p0 = 0; p0 < 2; ++p0) {
    alignas(64) uint64_t sel[8], rot[8], perm[8];
    for (int l = 0; l < 8; ++l) {
      const int p = WC < 8 ? (p0 + l / WC) & 1 : p0;  // lane l is in row y0 + l / W
      sel[l] = p ? 1 : uint64_t{1} << 63;
      rot[l] = p ? 63 : 1;
      const int w = l % WC, rb = l - w;  // p = 1: word w + 1 of the row, p = 0: word w - 1
      perm[l] = static_cast<uint64_t>(rb + (p ? (w + 1) % WC : (w + WC - 1) % WC));
    }
    x.selmask[p0] = _mm512_load_si512(sel);
    x.rot[p0] = _mm512_load_si512(rot);
    x.perm[p0] = _mm512_load_si512(perm);
  }
  return x;
}

MSC_INLINE V ars_plane(const Ctx& x, V ctr, V plane) {
  V v = _mm512_xor_si512(ctr, plane);
  for (int r = 1; r < ars::kRounds; ++r) v = _mm512_aesenc_epi128(v, x.rk[r]);
  return _mm512_aesenclast_epi128(v, x.rk[ars::kRounds]);
}

MSC_INLINE V counter(const Ctx& x, int64_t g) {
  return _mm512_xor_si512(x.base, _mm512_maskz_set1_epi64(0x55, static_cast<long long>(counter_lo(g, 0, 0, 0))));
}

// Neighbour words of the group at cursor c (as neighbours() above). The x-neighbour of rank k is
// rank k + 1 (p = 1) or k - 1 (p = 0) of the other colour: the word rotated by one, with the bit
// that wraps taken from the neighbouring word (bit select + one variable rotation).
template <int DIM, int WC>
MSC_INLINE void nbrs(const PassArgs& a, const Ctx& x, const Cursor& c, V o, V* nb) {
  const MscGeometry& geo = a.geo;
  const uint64_t* O = a.other;
  const int64_t W = geo.W, L = geo.L, PW = L * W, base = 8 * c.g;
  const int64_t y0 = c.y, z0 = c.z;
  const int p0 = static_cast<int>((a.colour + y0 + z0) & 1);
  nb[0] = o;
  constexpr int sel = tt([](int m, int n, int o) { return m ? n : o; });
  if constexpr (WC == 8) {
    const int64_t w0 = c.w0, rb = base - w0;
    if (p0) {
      const V next = _mm512_alignr_epi64(load(O + rb + (w0 + 8 == W ? 0 : w0 + 8)), o, 1);
      nb[1] = _mm512_ror_epi64(tl<sel>(_mm512_set1_epi64(1), next, o), 1);
    } else {
      const V prev = _mm512_alignr_epi64(o, load(O + rb + (w0 == 0 ? W - 8 : w0 - 8)), 7);
      nb[1] = _mm512_rol_epi64(tl<sel>(_mm512_set1_epi64(static_cast<long long>(uint64_t{1} << 63)), prev, o), 1);
    }
    nb[2] = load(O + base + (y0 == 0 ? (L - 1) * W : -W));
    nb[3] = load(O + base + (y0 + 1 == L ? -(L - 1) * W : W));
  } else {
    // Lane l is word l % W of row y0 + l / W; groups tile each z-plane. Inside the plane the
    // rows above and below are unaligned loads; the first and last group of a plane wrap.
    const int64_t pb = z0 * PW, off = base - pb;
    if (off != 0 && off + 8 != PW) {
      nb[2] = load(O + base - WC);
      nb[3] = load(O + base + WC);
    } else {
      const V prevg = load(O + pb + (off == 0 ? PW - 8 : off - 8)), nextg = load(O + pb + (off + 8 == PW ? 0 : off + 8));
      nb[2] = _mm512_alignr_epi64(o, prevg, 8 - WC);
      nb[3] = _mm512_alignr_epi64(nextg, o, WC);
    }
    if constexpr (WC == 1) {
      const int n = geo.bits;
      if (n == 64) {  // L = 128: whole words, the row shifts are rotations
        nb[1] = _mm512_rolv_epi64(o, x.rot[p0]);
      } else {
        const __m128i sh = _mm_cvtsi32_si128(n - 1);
        const V right = _mm512_or_si512(_mm512_srli_epi64(o, 1), _mm512_sll_epi64(_mm512_and_si512(o, _mm512_set1_epi64(1)), sh));
        const V left = _mm512_or_si512(_mm512_and_si512(_mm512_slli_epi64(o, 1), _mm512_set1_epi64(static_cast<long long>(a.valid))),
                                       _mm512_srl_epi64(o, sh));
        nb[1] = _mm512_mask_blend_epi64(p0 ? 0x55 : 0xAA, left, right);
      }
    } else {
      const V other = _mm512_permutexvar_epi64(x.perm[p0], o);
      nb[1] = _mm512_rolv_epi64(tl<sel>(x.selmask[p0], other, o), x.rot[p0]);
    }
  }
  if constexpr (DIM == 3) {
    const int64_t M = geo.words;
    nb[4] = load(O + (z0 == 0 ? base + M - PW : base - PW));
    nb[5] = load(O + (base + PW >= M ? base + PW - M : base + PW));
  }
}

// A group in flight: its undecided spins w, its flips f so far, its counter and the class
// registers x (see kX).
template <int K>
struct Group {
  V w, f, ctr;
  V x[kX<K>];
};

// Class counts without the per-bond words d_j = s ^ nb_j: xor3 and majority commute with
// complementing all inputs, so s is folded in once per adder instead of once per neighbour.
template <int DIM, int K>
MSC_INLINE void classify(const PassArgs& a, V s, const V* nb, Group<K>& G) {
  constexpr int xor3 = 0x96, maj = 0xE8;
  constexpr int ge = (0xFF << K) & 0xFF;  // vpternlog on (b2, b1, b0): class n is bit n
  const V X1 = tl<xor3>(nb[0], nb[1], nb[2]), M1 = tl<maj>(nb[0], nb[1], nb[2]);
  if constexpr (DIM == 2 && K == 2) {
    // b0 = s1 ^ d3 and n >= 2 <=> k1 | k2, with s1 = X1 ^ s, k1 = M1 ^ s, k2 = s1 & d3.
    const V k2 = tl<tt([](int x, int n, int s) { return (x ^ s) & (n ^ s); })>(X1, nb[3], s);
    G.f = tl<tt([](int m, int s, int k) { return (m ^ s) | k; })>(M1, s, k2);
    G.w = tl<tt([](int m, int s, int k) { return ~((m ^ s) | k); })>(M1, s, k2);
    G.x[0] = _mm512_xor_si512(X1, nb[3]);
  } else {
    V b0, b1, b2;
    if constexpr (DIM == 2) {
      b0 = _mm512_xor_si512(X1, nb[3]);
      const V k1 = _mm512_xor_si512(M1, s);
      const V k2 = tl<tt([](int x, int n, int s) { return (x ^ s) & (n ^ s); })>(X1, nb[3], s);
      b1 = _mm512_xor_si512(k1, k2);
      b2 = _mm512_and_si512(k1, k2);
    } else {
      const V X2 = tl<xor3>(nb[3], nb[4], nb[5]), M2 = tl<maj>(nb[3], nb[4], nb[5]);
      b0 = _mm512_xor_si512(X1, X2);
      const V k3 = tl<tt([](int x, int y, int s) { return (x ^ s) & (y ^ s); })>(X1, X2, s);
      // b1 = k1 ^ k2 ^ k3 and b2 = maj(k1, k2, k3) with k1 = M1 ^ s, k2 = M2 ^ s: when k1 = k2
      // (e = 0) the majority is k1, else k3.
      const V e = _mm512_xor_si512(M1, M2);
      b1 = _mm512_xor_si512(e, k3);
      b2 = tl<tt([](int e, int k, int m) { return e ? k : m; })>(e, k3, _mm512_xor_si512(M1, s));
    }
    G.f = tl<ge>(b2, b1, b0);
    G.w = tl<~ge & 0xFF>(b2, b1, b0);
    if constexpr (K == 2) G.x[0] = b0;
    if constexpr (K == 3) {
      G.x[0] = b0;
      G.x[1] = b1;
      G.x[2] = _mm512_or_si512(b0, b1);
    }
  }
  if (a.valid != ~uint64_t{0}) {  // W = 1 and L < 128: bits above L/2 are not spins
    const V v = _mm512_set1_epi64(static_cast<long long>(a.valid));
    G.f = _mm512_and_si512(G.f, v);
    G.w = _mm512_and_si512(G.w, v);
  }
}

// A group still undecided after the head, finished by tail().
template <int K>
struct Slot {
  V w, ctr;
  V x[kX<K>];
  int64_t g;
};

template <int K>
struct Band {
  std::vector<Slot<K>> slots;
  std::vector<uint32_t> live;
  std::vector<uint8_t> keep;
};

// NG consecutive groups: neighbours, classes, the head planes (their AES chains interleave),
// the store, and the undecided ones appended to the band's slots.
template <int DIM, int WC, int K, int NG>
MSC_INLINE void step(const PassArgs& a, const Ctx& x, Cursor& c, Band<K>& band, size_t& ns) {
  Group<K> G[NG];
  V s[NG];
  int64_t g[NG];
  for (int i = 0; i < NG; ++i) {
    g[i] = c.g;
    s[i] = load(a.self + 8 * c.g);
    V nb[2 * DIM];
    nbrs<DIM, WC>(a, x, c, load(a.other + 8 * c.g), nb);
    classify<DIM, K>(a, s[i], nb, G[i]);
    G[i].ctr = counter(x, c.g);
    c.next<WC>(a.geo);
  }
  if constexpr (K > 0) {
    [&]<int... P>(std::integer_sequence<int, P...>) MSC_LAMBDA_INLINE {
      (
          [&]() MSC_LAMBDA_INLINE {
            V u[NG];
            for (int i = 0; i < NG; ++i) u[i] = ars_plane(x, G[i].ctr, x.plane[P]);
            with_code<K>(x.code[P], [&]<int C>() MSC_LAMBDA_INLINE {
              for (int i = 0; i < NG; ++i) G[i].f = _mm512_or_si512(G[i].f, plane_op<K, C>(G[i].w, u[i], G[i].x));
            });
          }(),
          ...);
    }(std::make_integer_sequence<int, kHead>{});
  }
  for (int i = 0; i < NG; ++i) {
    _mm512_storeu_si512(a.self + 8 * g[i], _mm512_xor_si512(s[i], G[i].f));
    if constexpr (K > 0) {  // append unconditionally, keep if undecided (no branch)
      Slot<K>& sl = band.slots[ns];
      sl.w = G[i].w;
      sl.ctr = G[i].ctr;
      for (int j = 0; j < kX<K>; ++j) sl.x[j] = G[i].x[j];
      sl.g = g[i];
      ns += any(G[i].w);
    }
  }
}

// Planes kHead .. 31 for the slots, plane-major: each plane runs over the groups still
// undecided and keeps those that stay so (after plane 31 the rest have u = thr: stay). The list
// is compacted in a second, scalar loop: compacting inside the AES loop would make every store
// address wait for the previous group's AES chain, and the groups would no longer overlap.
template <int K>
void tail(const PassArgs& a, const Ctx& x, Band<K>& band, size_t ns) {
  uint32_t* const live = band.live.data();
  uint8_t* const keep = band.keep.data();
  Slot<K>* const slots = band.slots.data();
  uint64_t* const self = a.self;
  for (size_t i = 0; i < ns; ++i) live[i] = static_cast<uint32_t>(i);
  size_t n = ns;
  for (int P = kHead; P < 32 && n > 0; ++P) {
    const V plane = x.plane[P];
    with_code<K>(x.code[P], [&]<int C>() MSC_LAMBDA_INLINE {
      for (size_t i = 0; i < n; ++i) {
        Slot<K>& sl = slots[live[i]];
        V w = sl.w;
        const V f = plane_op<K, C>(w, ars_plane(x, sl.ctr, plane), sl.x);
        if constexpr (C != 0) {
          uint64_t* p = self + 8 * sl.g;
          _mm512_storeu_si512(p, _mm512_xor_si512(load(p), f));
        }
        sl.w = w;
        keep[i] = static_cast<uint8_t>(_mm512_test_epi64_mask(w, w));
      }
    });
    size_t m = 0;
    for (size_t i = 0; i < n; ++i) {
      live[m] = live[i];
      m += keep[i] != 0;
    }
    n = m;
  }
}

template <int DIM, int WC, int K>
void pass(const PassArgs& a, int64_t g0, int64_t g1) {
  const Ctx x = make_ctx<WC>(a);
  thread_local Band<K> band;
  if constexpr (K > 0) {
    if (band.slots.size() < kChunk + 1) {
      band.slots.resize(kChunk + 1);
      band.live.resize(kChunk + 1);
      band.keep.resize(kChunk + 1);
    }
  }
  Cursor c(a.geo, g0);
  while (c.g < g1) {
    const int64_t end = std::min(g1, c.g + kChunk);
    size_t ns = 0;
    while (c.g + 1 < end) step<DIM, WC, K, 2>(a, x, c, band, ns);
    if (c.g < end) step<DIM, WC, K, 1>(a, x, c, band, ns);
    if constexpr (K > 0) tail<K>(a, x, band, ns);
  }
}

// Classes 0 .. K-1 uncertain and K .. 2D sure, K <= 3?
bool applies(const PassArgs& a) {
  const int K = a.nmaybe, z = 2 * a.geo.dim;
  if (K > 3) return false;
  for (int k = 0; k < K; ++k)
    if (a.maybe_class[k] != k) return false;
  unsigned sure = 0;
  for (int n = K; n <= z; ++n) sure |= 1u << n;
  return a.always == sure;
}

template <int DIM, int WC>
void pass_dw(const PassArgs& a, int64_t g0, int64_t g1) {
  switch (a.nmaybe) {
    case 0: return pass<DIM, WC, 0>(a, g0, g1);
    case 1: return pass<DIM, WC, 1>(a, g0, g1);
    case 2: return pass<DIM, WC, 2>(a, g0, g1);
    default: return pass<DIM, WC, 3>(a, g0, g1);
  }
}

template <int DIM>
void pass_d(const PassArgs& a, int64_t g0, int64_t g1) {
  switch (a.geo.W) {
    case 1: return pass_dw<DIM, 1>(a, g0, g1);
    case 2: return pass_dw<DIM, 2>(a, g0, g1);
    case 4: return pass_dw<DIM, 4>(a, g0, g1);
    default: return pass_dw<DIM, 8>(a, g0, g1);
  }
}

}  // namespace fast

int wcase(int64_t W) { return W == 1 ? 1 : W == 2 ? 2 : W == 4 ? 4 : 8; }

}  // namespace

void pass_avx512(const PassArgs& a, int64_t g0, int64_t g1) {
  if (fast::applies(a)) return a.geo.dim == 2 ? fast::pass_d<2>(a, g0, g1) : fast::pass_d<3>(a, g0, g1);
  switch (wcase(a.geo.W)) {
    case 1: return pass_w<1>(a, g0, g1);
    case 2: return pass_w<2>(a, g0, g1);
    case 4: return pass_w<4>(a, g0, g1);
    default: return pass_w<8>(a, g0, g1);
  }
}

Sums sums_avx512(const PassArgs& a, int64_t g0, int64_t g1) {
  switch (wcase(a.geo.W)) {
    case 1: return sums_w<1>(a, g0, g1);
    case 2: return sums_w<2>(a, g0, g1);
    case 4: return sums_w<4>(a, g0, g1);
    default: return sums_w<8>(a, g0, g1);
  }
}

void randomize_avx512(const PassArgs& a, int64_t g0, int64_t g1) {
  const Avx512Ops::Ars ars = Avx512Ops::make_ars(a.key, a.colour, a.id);
  const V valid = _mm512_set1_epi64(static_cast<long long>(a.valid));
  for (int64_t g = g0; g < g1; ++g) {
    const V r = Avx512Ops::plane(ars, Avx512Ops::counter(ars, g, a.colour, a.id), 63);
    _mm512_storeu_si512(a.self + 8 * g, _mm512_and_si512(r, valid));
  }
}

}  // namespace spinlab::msc
