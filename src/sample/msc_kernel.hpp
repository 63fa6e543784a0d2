// Internal interface between MscUpdate (msc_lattice.cpp) and the hot multi-spin-coded kernels:
// msc_kernel_scalar.cpp (the plain reference), msc_kernel_avx2.cpp and msc_kernel_avx512.cpp.
// All three compute the same function of (state, key, sweep id): bit-identical results.
#pragma once

#include <cstdint>

#include "sample/ars.hpp"
#include "sample/msc_lattice.hpp"

namespace spinlab::msc {

/// One colour pass over flat groups [g0, g1) (group = 8 consecutive words of colour c).
struct PassArgs {
  MscGeometry geo;
  int colour = 0;
  uint64_t* self = nullptr;         // words of colour c (updated)
  const uint64_t* other = nullptr;  // words of colour 1 - c
  uint64_t valid = ~uint64_t{0};    // used bits of a word
  ars::Key key;
  uint64_t id = 0;
  // Classes by n = number of the 2D neighbours that differ from the spin (0 .. 2D):
  uint8_t always = 0;      // bit n: flips surely (threshold 2^32)
  int nmaybe = 0;          // classes with 0 < threshold < 2^32 ...
  int maybe_class[8] = {};
  uint32_t maybe_thr[8] = {};  // ... and their thresholds
};

void pass_scalar(const PassArgs& a, int64_t g0, int64_t g1);
void pass_avx2(const PassArgs& a, int64_t g0, int64_t g1);
void pass_avx512(const PassArgs& a, int64_t g0, int64_t g1);

/// Sums over colour-0 groups [g0, g1): popcount of colour-0 spins and number of differing bonds
/// (every bond has exactly one colour-0 end). a.self = colour 0, a.other = colour 1.
struct Sums {
  int64_t up0 = 0, differ = 0;
};
Sums sums_scalar(const PassArgs& a, int64_t g0, int64_t g1);
Sums sums_avx2(const PassArgs& a, int64_t g0, int64_t g1);
Sums sums_avx512(const PassArgs& a, int64_t g0, int64_t g1);

/// Hot start: word i of colour c = ARS plane 63 (valid bits only), for groups [g0, g1).
void randomize_scalar(const PassArgs& a, int64_t g0, int64_t g1);
void randomize_avx512(const PassArgs& a, int64_t g0, int64_t g1);

/// Counter of the ARS block j (0..3) of group g, plane P, colour c (see msc_lattice.hpp).
inline uint64_t counter_lo(int64_t g, int j, int P, int c) {
  return static_cast<uint64_t>(j) | static_cast<uint64_t>(P) << 2 | static_cast<uint64_t>(c) << 8 |
         static_cast<uint64_t>(g) << 9;
}

}  // namespace spinlab::msc
