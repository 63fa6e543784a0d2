// The multi-spin-coded update of one 8-word group, written once over an "ops" type that supplies
// 512-bit-wide bitwise operations (8 x uint64 in the scalar reference, 2 x __m256i for AVX2, one
// __m512i for AVX-512) and the ARS-5 block function. Included only by the msc_kernel_*.cpp files,
// each inside its own anonymous namespace (they are compiled for different instruction sets).
//
// Given the spin words and the words of their 2D neighbours (aligned, bit for bit), a spin's class
// is n = the number of neighbours that differ from it (bitwise adders -> bits b2 b1 b0). Classes
// that flip surely are set in `acc` at once; each uncertain class k keeps an undecided mask und_k.
// Plane P of the spins' uniforms u is compared with bit 31 - P of the class threshold t:
//   t = 1, u-bit = 0: u < thr decided: flip.      t = 0, u-bit = 1: u > thr decided: stay.
//   equal bits: still undecided.
// The loop stops when no spin of the group is undecided (after 32 planes the rest have u = thr:
// stay), so each spin flips with probability exactly thr / 2^32.
#pragma once

#include <cstdint>

#include "sample/msc_kernel.hpp"

#define MSC_INLINE [[gnu::always_inline]] inline

// Calls f.template operator()<V>() with V = n (0 .. 7), for code instantiated per small runtime
// value (the number of uncertain classes, a plane's threshold code) so that masks stay in
// registers and branches are resolved at compile time.
template <class F>
MSC_INLINE void with_small_int(int n, F&& f) {
  switch (n) {
    case 0: return f.template operator()<0>();
    case 1: return f.template operator()<1>();
    case 2: return f.template operator()<2>();
    case 3: return f.template operator()<3>();
    case 4: return f.template operator()<4>();
    case 5: return f.template operator()<5>();
    case 6: return f.template operator()<6>();
    default: return f.template operator()<7>();
  }
}

template <class Ops>
struct MscEngine {
  // A 512-spin group almost never settles in fewer than ~log2(512) planes; the first planes run
  // without an early-exit branch (a mispredicted exit costs more than a plane).
  static constexpr int kUnconditionalPlanes = 13;
  using V = typename Ops::V;

  // Count bits of n = sum of the d[j] (j < 2 dim), at most 6.
  MSC_INLINE static void count(int dim, const V* d, V& b2, V& b1, V& b0) {
    if (dim == 2) {
      const V s1 = Ops::xor3(d[0], d[1], d[2]), k1 = Ops::maj(d[0], d[1], d[2]);
      b0 = Ops::bxor(s1, d[3]);
      const V k2 = Ops::band(s1, d[3]);
      b1 = Ops::bxor(k1, k2);
      b2 = Ops::band(k1, k2);
    } else {
      const V s1 = Ops::xor3(d[0], d[1], d[2]), k1 = Ops::maj(d[0], d[1], d[2]);
      const V s2 = Ops::xor3(d[3], d[4], d[5]), k2 = Ops::maj(d[3], d[4], d[5]);
      b0 = Ops::bxor(s1, s2);
      const V k3 = Ops::band(s1, s2);
      b1 = Ops::xor3(k1, k2, k3);
      b2 = Ops::maj(k1, k2, k3);
    }
  }

  // Flip mask of one group: self and its neighbour words nb[0 .. 2 dim - 1].
  template <int K>
  MSC_INLINE static V decide(const spinlab::msc::PassArgs& a, const typename Ops::Ars& ars, int64_t g, V self, const V* nb) {
    V und[K > 0 ? K : 1];
    V flip = decide_head<K>(a, ars, g, self, nb, und);
    if constexpr (K > 0) flip = Ops::bor(flip, decide_tail<K>(a, ars, g, und));
    return flip;
  }

  // The first kUnconditionalPlanes planes, without early exit: returns the flips decided so far
  // and leaves the still undecided spins of each uncertain class in und[0 .. K-1].
  template <int K>
  MSC_INLINE static V decide_head(const spinlab::msc::PassArgs& a, const typename Ops::Ars& ars, int64_t g, V self, const V* nb,
                       V* und) {
    V acc = classify<K>(a, self, nb, und);
    if constexpr (K > 0) {
      const typename Ops::Ctr ctr = Ops::counter(ars, g, a.colour, a.id);
      for (int P = 0; P < kUnconditionalPlanes; ++P) acc = plane_step<K>(a, ars, ctr, P, acc, und);
    }
    return acc;
  }

  // decide_head for two groups at once: their AES chains interleave and they share the
  // threshold branches (the same result as two calls).
  template <int K>
  MSC_INLINE static void decide_head2(const spinlab::msc::PassArgs& a, const typename Ops::Ars& ars, int64_t g, V self0,
                                      const V* nb0, V self1, const V* nb1, V* und0, V* und1, V& flip0, V& flip1) {
    flip0 = classify<K>(a, self0, nb0, und0);
    flip1 = classify<K>(a, self1, nb1, und1);
    if constexpr (K >= 2) {
      // Several uncertain classes: one merged undecided mask per group; the plane's threshold
      // bits select t = the union of the classes whose bit is 1 (all-zero and all-one cases need
      // no t): 1-3 ops a plane instead of 1-2 per class.
      const typename Ops::Ctr c0 = Ops::counter(ars, g, a.colour, a.id), c1 = Ops::counter(ars, g + 1, a.colour, a.id);
      V w0 = und0[0], w1 = und1[0];
      for (int k = 1; k < K; ++k) {
        w0 = Ops::bor(w0, und0[k]);
        w1 = Ops::bor(w1, und1[k]);
      }
      constexpr unsigned full = (1u << K) - 1;
      for (int P = 0; P < kUnconditionalPlanes; ++P) {
        const V u0 = Ops::plane(ars, c0, P), u1 = Ops::plane(ars, c1, P);
        unsigned code = 0;
        for (int k = 0; k < K; ++k) code |= (a.maybe_thr[k] >> (31 - P) & 1u) << k;
        if (code == 0) {
          w0 = Ops::andnot(u0, w0);
          w1 = Ops::andnot(u1, w1);
        } else if (code == full) {
          flip0 = Ops::or_andnot(flip0, w0, u0);
          w0 = Ops::band(w0, u0);
          flip1 = Ops::or_andnot(flip1, w1, u1);
          w1 = Ops::band(w1, u1);
        } else {
          V t0 = Ops::zero(), t1 = Ops::zero();
          for (int k = 0; k < K; ++k)
            if (code >> k & 1) {
              t0 = Ops::bor(t0, und0[k]);
              t1 = Ops::bor(t1, und1[k]);
            }
          flip0 = Ops::bor(flip0, Ops::and_andnot(w0, u0, t0));
          w0 = Ops::and_xnor(w0, u0, t0);
          flip1 = Ops::bor(flip1, Ops::and_andnot(w1, u1, t1));
          w1 = Ops::and_xnor(w1, u1, t1);
        }
      }
      for (int k = 0; k < K; ++k) {
        und0[k] = Ops::band(w0, und0[k]);
        und1[k] = Ops::band(w1, und1[k]);
      }
    } else if constexpr (K > 0) {
      const typename Ops::Ctr c0 = Ops::counter(ars, g, a.colour, a.id), c1 = Ops::counter(ars, g + 1, a.colour, a.id);
      for (int P = 0; P < kUnconditionalPlanes; ++P) {
        const V u0 = Ops::plane(ars, c0, P), u1 = Ops::plane(ars, c1, P);
        for (int k = 0; k < K; ++k) {
          if (a.maybe_thr[k] >> (31 - P) & 1) {
            flip0 = Ops::or_andnot(flip0, und0[k], u0);
            und0[k] = Ops::band(und0[k], u0);
            flip1 = Ops::or_andnot(flip1, und1[k], u1);
            und1[k] = Ops::band(und1[k], u1);
          } else {
            und0[k] = Ops::andnot(u0, und0[k]);
            und1[k] = Ops::andnot(u1, und1[k]);
          }
        }
      }
    }
  }

  // Neighbour counts -> the surely flipping spins (returned) and the uncertain classes (und).
  template <int K>
  MSC_INLINE static V classify(const spinlab::msc::PassArgs& a, V self, const V* nb, V* und) {
    const int dim = a.geo.dim;
    V d[6];
    for (int j = 0; j < 2 * dim; ++j) d[j] = Ops::bxor(self, nb[j]);
    V b2, b1, b0;
    count(dim, d, b2, b1, b0);
    V acc = Ops::zero();
    if (a.always) {
      if (a.always == ge_mask(dim)) {  // Metropolis: n >= dim (dE <= 0)
        acc = dim == 2 ? Ops::bor(b2, b1) : Ops::bor(b2, Ops::band(b1, b0));
      } else {
        for (int n = 0; n < 8; ++n)
          if (a.always >> n & 1) acc = Ops::bor(acc, Ops::class_mask(n, b2, b1, b0));
      }
    }
    for (int k = 0; k < K; ++k) und[k] = Ops::class_mask(a.maybe_class[k], b2, b1, b0);
    if (a.valid != ~uint64_t{0}) {  // W = 1 and L < 128: bits above L/2 are not spins
      const V valid = Ops::set1(a.valid);
      acc = Ops::band(acc, valid);
      for (int k = 0; k < K; ++k) und[k] = Ops::band(und[k], valid);
    }
    return acc;
  }

  // Planes kUnconditionalPlanes .. 31 for the spins left in und, stopping when none is left.
  template <int K>
  MSC_INLINE static V decide_tail(const spinlab::msc::PassArgs& a, const typename Ops::Ars& ars, int64_t g, V* und) {
    V acc = Ops::zero();
    const typename Ops::Ctr ctr = Ops::counter(ars, g, a.colour, a.id);
    for (int P = kUnconditionalPlanes; P < 32; ++P) {
      if (Ops::none(any_of<K>(und))) break;
      acc = plane_step<K>(a, ars, ctr, P, acc, und);
    }
    return acc;
  }

  template <int K>
  MSC_INLINE static V any_of(const V* und) {
    V any = und[0];
    for (int k = 1; k < K; ++k) any = Ops::bor(any, und[k]);
    return any;
  }

  // Compares plane P of the spins' uniforms with bit 31 - P of their class thresholds.
  template <int K>
  MSC_INLINE static V plane_step(const spinlab::msc::PassArgs& a, const typename Ops::Ars& ars, const typename Ops::Ctr& ctr, int P,
                      V acc, V* und) {
    const V u = Ops::plane(ars, ctr, P);
    for (int k = 0; k < K; ++k) {  // the same branch pattern for every group: predicted
      if (a.maybe_thr[k] >> (31 - P) & 1) {
        acc = Ops::or_andnot(acc, und[k], u);  // acc | (und & ~u)
        und[k] = Ops::band(und[k], u);
      } else {
        und[k] = Ops::andnot(u, und[k]);  // und & ~u
      }
    }
    return acc;
  }

  static uint8_t ge_mask(int dim) {
    uint8_t m = 0;
    for (int n = dim; n <= 2 * dim; ++n) m |= static_cast<uint8_t>(1u << n);
    return m;
  }
};
