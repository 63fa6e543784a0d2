// AVX-512 + VAES multi-spin-coded kernel: one 512-bit vector = one 8-word group, one VAES
// instruction = one AES round on the group's four ARS blocks. Neighbour words come from aligned
// loads and lane shuffles (valignq / vpermq) instead of index arithmetic; the result is bit-identical
// to msc_kernel_scalar.cpp. Compiled with AVX-512 flags (see CMakeLists.txt); only called when
// simd_level_available(SimdLevel::Avx512).
#include <immintrin.h>

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
  with_class_count(a.nmaybe, [&]<int K>() { pass_wk<WC, K>(a, g0, g1); });
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

int wcase(int64_t W) { return W == 1 ? 1 : W == 2 ? 2 : W == 4 ? 4 : 8; }

}  // namespace

void pass_avx512(const PassArgs& a, int64_t g0, int64_t g1) {
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
