// The reference multi-spin-coded kernel: plain C++ over 8 x uint64 "vectors", software AES, and
// neighbour words from direct index arithmetic (no shuffles). The SIMD kernels must match it bit
// for bit.
#include <bit>

#include "sample/msc_engine.hpp"

namespace spinlab::msc {
namespace {

struct ScalarOps {
  struct V {
    uint64_t w[8];
  };
  template <class F>
  static V map(F f) {
    V r;
    for (int i = 0; i < 8; ++i) r.w[i] = f(i);
    return r;
  }
  static V zero() { return set1(0); }
  static V set1(uint64_t x) { return map([&](int) { return x; }); }
  static V band(const V& a, const V& b) { return map([&](int i) { return a.w[i] & b.w[i]; }); }
  static V bor(const V& a, const V& b) { return map([&](int i) { return a.w[i] | b.w[i]; }); }
  static V bxor(const V& a, const V& b) { return map([&](int i) { return a.w[i] ^ b.w[i]; }); }
  static V andnot(const V& a, const V& b) { return map([&](int i) { return ~a.w[i] & b.w[i]; }); }
  static V xor3(const V& a, const V& b, const V& c) { return map([&](int i) { return a.w[i] ^ b.w[i] ^ c.w[i]; }); }
  static V maj(const V& a, const V& b, const V& c) {
    return map([&](int i) { return (a.w[i] & b.w[i]) | (a.w[i] & c.w[i]) | (b.w[i] & c.w[i]); });
  }
  static V or_andnot(const V& acc, const V& und, const V& u) {
    return map([&](int i) { return acc.w[i] | (und.w[i] & ~u.w[i]); });
  }
  static V class_mask(int n, const V& b2, const V& b1, const V& b0) {
    return map([&](int i) {
      return ((n & 4) ? b2.w[i] : ~b2.w[i]) & ((n & 2) ? b1.w[i] : ~b1.w[i]) & ((n & 1) ? b0.w[i] : ~b0.w[i]);
    });
  }
  static bool none(const V& a) {
    uint64_t x = 0;
    for (int i = 0; i < 8; ++i) x |= a.w[i];
    return x == 0;
  }
  struct Ars {
    ars::Key key;
  };
  struct Ctr {
    int64_t g;
    int c;
    uint64_t id;
  };
  static Ctr counter(const Ars&, int64_t g, int c, uint64_t id) { return {g, c, id}; }
  static V plane(const Ars& ars, const Ctr& ctr, int P) {
    V r;
    for (int j = 0; j < 4; ++j) ars::block_soft(ars.key, counter_lo(ctr.g, j, P, ctr.c), ctr.id, r.w + 2 * j);
    return r;
  }
};

using Engine = MscEngine<ScalarOps>;

// Neighbour words of flat word i of colour a.colour, aligned with its ranks (msc_lattice.hpp).
// p = 1: the x-neighbours have ranks k and k + 1; p = 0: ranks k and k - 1.
void neighbours(const PassArgs& a, int64_t i, uint64_t nb[6]) {
  const MscGeometry& g = a.geo;
  const uint64_t* O = a.other;
  const int64_t W = g.W, L = g.L;
  const int64_t r = i / W, w = i % W, y = r % L, z = r / L;
  const int p = static_cast<int>((a.colour + y + z) & 1);
  const uint64_t o = O[i];
  nb[0] = o;
  if (W == 1) {
    const int n = g.bits;
    nb[1] = p ? (o >> 1) | ((o & 1) << (n - 1)) : ((o << 1) & a.valid) | (o >> (n - 1));
  } else {
    const int64_t rb = r * W;
    nb[1] = p ? (o >> 1) | (O[rb + (w + 1) % W] << 63) : (o << 1) | (O[rb + (w + W - 1) % W] >> 63);
  }
  nb[2] = O[(z * L + (y + L - 1) % L) * W + w];
  nb[3] = O[(z * L + (y + 1) % L) * W + w];
  if (g.dim == 3) {
    nb[4] = O[(((z + L - 1) % L) * L + y) * W + w];
    nb[5] = O[(((z + 1) % L) * L + y) * W + w];
  }
}

template <int K>
void pass_k(const PassArgs& a, int64_t g0, int64_t g1) {
  const ScalarOps::Ars ars{a.key};
  for (int64_t g = g0; g < g1; ++g) {
    ScalarOps::V self, nb[6];
    for (int l = 0; l < 8; ++l) {
      uint64_t w[6];
      neighbours(a, 8 * g + l, w);
      self.w[l] = a.self[8 * g + l];
      for (int j = 0; j < 2 * a.geo.dim; ++j) nb[j].w[l] = w[j];
    }
    const ScalarOps::V flip = Engine::decide<K>(a, ars, g, self, nb);
    for (int l = 0; l < 8; ++l) a.self[8 * g + l] ^= flip.w[l];
  }
}

}  // namespace

void pass_scalar(const PassArgs& a, int64_t g0, int64_t g1) {
  with_small_int(a.nmaybe, [&]<int K>() { pass_k<K>(a, g0, g1); });
}

Sums sums_scalar(const PassArgs& a, int64_t g0, int64_t g1) {
  Sums s;
  for (int64_t i = 8 * g0; i < 8 * g1; ++i) {
    uint64_t nb[6];
    neighbours(a, i, nb);
    const uint64_t self = a.self[i];
    s.up0 += std::popcount(self & a.valid);
    for (int j = 0; j < 2 * a.geo.dim; ++j) s.differ += std::popcount((self ^ nb[j]) & a.valid);
  }
  return s;
}

void randomize_scalar(const PassArgs& a, int64_t g0, int64_t g1) {
  const ScalarOps::Ars ars{a.key};
  for (int64_t g = g0; g < g1; ++g) {
    const ScalarOps::V r = ScalarOps::plane(ars, ScalarOps::counter(ars, g, a.colour, a.id), 63);
    for (int l = 0; l < 8; ++l) a.self[8 * g + l] = r.w[l] & a.valid;
  }
}

}  // namespace spinlab::msc
