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

template <class Ops>
struct MscEngine {
  static constexpr int kUnconditionalPlanes = 12;
  using V = typename Ops::V;

  // Count bits of n = sum of the d[j] (j < 2 dim), at most 6.
  static void count(int dim, const V* d, V& b2, V& b1, V& b0) {
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
  static V decide(const spinlab::msc::PassArgs& a, const typename Ops::Ars& ars, int64_t g, V self, const V* nb) {
    const int dim = a.geo.dim;
    V d[6];
    for (int j = 0; j < 2 * dim; ++j) d[j] = Ops::bxor(self, nb[j]);
    V b2, b1, b0;
    count(dim, d, b2, b1, b0);
    const V valid = Ops::set1(a.valid);
    V acc = Ops::zero();
    if (a.always) {
      if (a.always == ge_mask(dim)) {  // Metropolis: n >= dim (dE <= 0)
        acc = dim == 2 ? Ops::bor(b2, b1) : Ops::bor(b2, Ops::band(b1, b0));
      } else {
        for (int n = 0; n < 8; ++n)
          if (a.always >> n & 1) acc = Ops::bor(acc, Ops::class_mask(n, b2, b1, b0));
      }
      acc = Ops::band(acc, valid);
    }
    if constexpr (K > 0) {
      V und[K];
      for (int k = 0; k < K; ++k) und[k] = Ops::band(Ops::class_mask(a.maybe_class[k], b2, b1, b0), valid);
      const typename Ops::Ctr ctr = Ops::counter(ars, g, a.colour, a.id);
      for (int P = 0; P < 32; ++P) {
        // The first planes run unconditionally: a 512-spin group almost never settles in fewer
        // than ~log2(512) planes, and an early-exit branch that mispredicts costs more than a
        // plane (measured: 12 is the fastest choice on a Sapphire Rapids core).
        if (P >= kUnconditionalPlanes) {
          V any = Ops::zero();
          for (int k = 0; k < K; ++k) any = Ops::bor(any, und[k]);
          if (Ops::none(any)) break;
        }
        const V u = Ops::plane(ars, ctr, P);
        for (int k = 0; k < K; ++k) {  // the same branch pattern for every group: predicted
          if (a.maybe_thr[k] >> (31 - P) & 1) {
            acc = Ops::or_andnot(acc, und[k], u);  // acc | (und & ~u)
            und[k] = Ops::band(und[k], u);
          } else {
            und[k] = Ops::andnot(u, und[k]);  // und & ~u
          }
        }
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
