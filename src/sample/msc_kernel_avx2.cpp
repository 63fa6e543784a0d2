// AVX2 + VAES multi-spin-coded kernel: an 8-word group is two 256-bit halves. Rows of W >= 8
// words (L >= 1024) get their neighbour words from unaligned loads; smaller W gather them with
// index arithmetic (correct, not tuned). Bit-identical to msc_kernel_scalar.cpp. Only called
// when simd_level_available(SimdLevel::Avx2).
#include <immintrin.h>

#include <bit>

#include "sample/msc_engine.hpp"

namespace spinlab::msc {
namespace {

struct Avx2Ops {
  struct V {
    __m256i l, h;
  };
  static V zero() { return {_mm256_setzero_si256(), _mm256_setzero_si256()}; }
  static V set1(uint64_t x) {
    const __m256i v = _mm256_set1_epi64x(static_cast<long long>(x));
    return {v, v};
  }
  static V band(V a, V b) { return {_mm256_and_si256(a.l, b.l), _mm256_and_si256(a.h, b.h)}; }
  static V bor(V a, V b) { return {_mm256_or_si256(a.l, b.l), _mm256_or_si256(a.h, b.h)}; }
  static V bxor(V a, V b) { return {_mm256_xor_si256(a.l, b.l), _mm256_xor_si256(a.h, b.h)}; }
  static V andnot(V a, V b) { return {_mm256_andnot_si256(a.l, b.l), _mm256_andnot_si256(a.h, b.h)}; }
  static V xor3(V a, V b, V c) { return bxor(bxor(a, b), c); }
  static V maj(V a, V b, V c) { return bor(band(a, b), band(c, bor(a, b))); }
  static V or_andnot(V acc, V und, V u) { return bor(acc, andnot(u, und)); }
  static V and_andnot(V und, V u, V t) { return band(andnot(u, und), t); }  // und & ~u & t
  static V and_xnor(V und, V u, V t) { return andnot(bxor(u, t), und); }    // und & ~(u ^ t)
  static V class_mask(int n, V b2, V b1, V b0) {
    const V x2 = (n & 4) ? b2 : bxor(b2, set1(~uint64_t{0}));
    const V x1 = (n & 2) ? b1 : bxor(b1, set1(~uint64_t{0}));
    const V x0 = (n & 1) ? b0 : bxor(b0, set1(~uint64_t{0}));
    return band(band(x2, x1), x0);
  }
  static bool none(V a) {
    const __m256i x = _mm256_or_si256(a.l, a.h);
    return _mm256_testz_si256(x, x);
  }
  struct Ars {
    __m256i rk[ars::kRounds + 1];
  };
  using Ctr = V;
  static Ars make_ars(const ars::Key& k) {
    Ars a;
    for (int r = 0; r <= ars::kRounds; ++r)
      a.rk[r] = _mm256_broadcastsi128_si256(_mm_set_epi64x(static_cast<long long>(k.hi[r]), static_cast<long long>(k.lo[r])));
    return a;
  }
  static Ctr counter(const Ars& ars, int64_t g, int c, uint64_t id) {
    const auto lo = static_cast<long long>(counter_lo(g, 0, 0, c));
    const auto hi = static_cast<long long>(id);
    return {_mm256_xor_si256(_mm256_set_epi64x(hi, lo | 1, hi, lo), ars.rk[0]),
            _mm256_xor_si256(_mm256_set_epi64x(hi, lo | 3, hi, lo | 2), ars.rk[0])};
  }
  static __m256i rounds(const Ars& ars, __m256i x) {
    for (int r = 1; r < ars::kRounds; ++r) x = _mm256_aesenc_epi128(x, ars.rk[r]);
    return _mm256_aesenclast_epi128(x, ars.rk[ars::kRounds]);
  }
  static V plane(const Ars& ars, const Ctr& ctr, int P) {
    const __m256i pv = _mm256_set_epi64x(0, static_cast<long long>(P) << 2, 0, static_cast<long long>(P) << 2);
    return {rounds(ars, _mm256_xor_si256(ctr.l, pv)), rounds(ars, _mm256_xor_si256(ctr.h, pv))};
  }
};

using Engine = MscEngine<Avx2Ops>;
using V = Avx2Ops::V;

inline V load(const uint64_t* p) {
  return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)),
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4))};
}
inline void store(uint64_t* p, V v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v.l);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + 4), v.h);
}
inline V shl(V a, int k) { return {_mm256_slli_epi64(a.l, k), _mm256_slli_epi64(a.h, k)}; }
inline V shr(V a, int k) { return {_mm256_srli_epi64(a.l, k), _mm256_srli_epi64(a.h, k)}; }

// Index-arithmetic neighbour words (as in the scalar reference), for W < 8.
void neighbours_gather(const PassArgs& a, int64_t g, V nb[6]) {
  alignas(32) uint64_t w[6][8];
  const MscGeometry& geo = a.geo;
  const uint64_t* O = a.other;
  const int64_t W = geo.W, L = geo.L;
  for (int l = 0; l < 8; ++l) {
    const int64_t i = 8 * g + l, r = i / W, x = i % W, y = r % L, z = r / L;
    const int p = static_cast<int>((a.colour + y + z) & 1);
    const uint64_t o = O[i];
    const int n = geo.bits;
    w[0][l] = o;
    if (W == 1)
      w[1][l] = p ? (o >> 1) | ((o & 1) << (n - 1)) : ((o << 1) & a.valid) | (o >> (n - 1));
    else
      w[1][l] = p ? (o >> 1) | (O[r * W + (x + 1) % W] << 63) : (o << 1) | (O[r * W + (x + W - 1) % W] >> 63);
    w[2][l] = O[(z * L + (y + L - 1) % L) * W + x];
    w[3][l] = O[(z * L + (y + 1) % L) * W + x];
    if (geo.dim == 3) {
      w[4][l] = O[(((z + L - 1) % L) * L + y) * W + x];
      w[5][l] = O[(((z + 1) % L) * L + y) * W + x];
    }
  }
  for (int j = 0; j < 2 * geo.dim; ++j) nb[j] = load(w[j]);
}

// W a multiple of 8: the group is 8 words of one row.
void neighbours_row(const PassArgs& a, int64_t g, V nb[6]) {
  const MscGeometry& geo = a.geo;
  const uint64_t* O = a.other;
  const int64_t W = geo.W, L = geo.L, base = 8 * g;
  const int64_t r0 = base / W, w0 = base % W, y0 = r0 % L, z0 = r0 / L, rb = r0 * W;
  const V o = load(O + base);
  nb[0] = o;
  if ((a.colour + y0 + z0) & 1) {  // ranks k + 1: word w + 1's bit 0 enters at bit 63
    V next;
    if (w0 + 8 < W) {
      next = load(O + base + 1);
    } else {
      alignas(32) uint64_t t[8];
      for (int l = 0; l < 7; ++l) t[l] = O[base + 1 + l];
      t[7] = O[rb];
      next = load(t);
    }
    nb[1] = Avx2Ops::bor(shr(o, 1), shl(next, 63));
  } else {  // ranks k - 1
    V prev;
    if (w0 > 0) {
      prev = load(O + base - 1);
    } else {
      alignas(32) uint64_t t[8];
      t[0] = O[rb + W - 1];
      for (int l = 1; l < 8; ++l) t[l] = O[base + l - 1];
      prev = load(t);
    }
    nb[1] = Avx2Ops::bor(shl(o, 1), shr(prev, 63));
  }
  nb[2] = load(O + (z0 * L + (y0 + L - 1) % L) * W + w0);
  nb[3] = load(O + (z0 * L + (y0 + 1) % L) * W + w0);
  if (geo.dim == 3) {
    const int64_t M = geo.words, PW = L * W;
    nb[4] = load(O + (base + M - PW) % M);
    nb[5] = load(O + (base + PW) % M);
  }
}

MSC_INLINE void neighbours(const PassArgs& a, int64_t g, V nb[6]) {
  if (a.geo.W % 8 == 0)
    neighbours_row(a, g, nb);
  else
    neighbours_gather(a, g, nb);
}

template <int K>
void pass_k(const PassArgs& a, int64_t g0, int64_t g1) {
  const Avx2Ops::Ars ars = Avx2Ops::make_ars(a.key);
  int64_t g = g0;
  for (; g + 1 < g1; g += 2) {  // two groups per step, as the AVX-512 kernel
    V nb0[6], nb1[6], und0[K > 0 ? K : 1], und1[K > 0 ? K : 1], f0, f1;
    const V s0 = load(a.self + 8 * g), s1 = load(a.self + 8 * g + 8);
    neighbours(a, g, nb0);
    neighbours(a, g + 1, nb1);
    Engine::template decide_head2<K>(a, ars, g, s0, nb0, s1, nb1, und0, und1, f0, f1);
    if constexpr (K > 0) {
      f0 = Avx2Ops::bor(f0, Engine::template decide_tail<K>(a, ars, g, und0));
      f1 = Avx2Ops::bor(f1, Engine::template decide_tail<K>(a, ars, g + 1, und1));
    }
    store(a.self + 8 * g, Avx2Ops::bxor(s0, f0));
    store(a.self + 8 * g + 8, Avx2Ops::bxor(s1, f1));
  }
  for (; g < g1; ++g) {
    V nb[6];
    const V self = load(a.self + 8 * g);
    neighbours(a, g, nb);
    store(a.self + 8 * g, Avx2Ops::bxor(self, Engine::decide<K>(a, ars, g, self, nb)));
  }
}

}  // namespace

void pass_avx2(const PassArgs& a, int64_t g0, int64_t g1) {
  with_small_int(a.nmaybe, [&]<int K>() { pass_k<K>(a, g0, g1); });
}

Sums sums_avx2(const PassArgs& a, int64_t g0, int64_t g1) {
  Sums s;
  alignas(32) uint64_t t[8];
  for (int64_t g = g0; g < g1; ++g) {
    V nb[6];
    const V self = load(a.self + 8 * g);
    neighbours(a, g, nb);
    store(t, Avx2Ops::band(self, Avx2Ops::set1(a.valid)));
    for (uint64_t x : t) s.up0 += std::popcount(x);
    for (int j = 0; j < 2 * a.geo.dim; ++j) {
      store(t, Avx2Ops::band(Avx2Ops::bxor(self, nb[j]), Avx2Ops::set1(a.valid)));
      for (uint64_t x : t) s.differ += std::popcount(x);
    }
  }
  return s;
}

}  // namespace spinlab::msc
