// ARS-5: the AES-based counter-based generator of Salmon, Moraes, Dror & Shaw, "Parallel random
// numbers: as easy as 1, 2, 3" (SC'11), with 5 rounds (the paper's Crush-resistant choice; it
// passes BigCrush). It is the same function as Random123's ars4x32_R(5, ctr, key):
//   k_0 = key, k_{r+1} = k_r + (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)   (two 64-bit lanes)
//   out = AESENCLAST(AESENC^4(ctr ^ k_0; k_1 .. k_4); k_5)
// The multi-spin-coded lattice kernels use it because one 512-bit AES round is one instruction on
// CPUs with VAES: 512 random bits cost 5 instructions. This header holds the key schedule and a
// portable software AES (the reference the vector code is tested against); the AES-NI / VAES
// versions live in the kernels.
#pragma once

#include <cstdint>

namespace spinlab::ars {

constexpr int kRounds = 5;

/// Round keys k_0 .. k_5 as (lo, hi) 64-bit pairs; key = (seed, stream).
struct Key {
  uint64_t lo[kRounds + 1], hi[kRounds + 1];
};
Key make_key(uint64_t seed, uint64_t stream);

/// One 128-bit block: counter (ctr_lo, ctr_hi) -> (out[0], out[1]) (little-endian halves, as
/// _mm_storeu_si128 would store them). Software AES; slow, exact.
void block_soft(const Key& key, uint64_t ctr_lo, uint64_t ctr_hi, uint64_t out[2]);

/// One AES encryption round (AESENC) or last round (AESENCLAST) on 16 bytes, in software.
void aesenc_soft(uint8_t state[16], const uint8_t round_key[16], bool last);

/// True when the CPU has AES-NI (then the kernels may use the hardware rounds).
bool aesni_available();

}  // namespace spinlab::ars
