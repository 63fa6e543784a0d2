// Software AES rounds (FIPS-197: SubBytes, ShiftRows, MixColumns, AddRoundKey), written for
// clarity: they are the reference the AES-NI / VAES kernels must reproduce bit for bit.
#include "sample/ars.hpp"

#include <cstring>

namespace spinlab::ars {
namespace {

// The AES S-box, computed once from its definition (multiplicative inverse in GF(2^8) followed
// by the affine map b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63).
struct SBox {
  uint8_t s[256];
  SBox() {
    auto mul = [](uint8_t a, uint8_t b) {
      uint8_t p = 0;
      for (int i = 0; i < 8; ++i) {
        if (b & 1) p ^= a;
        const bool hi = a & 0x80;
        a = static_cast<uint8_t>(a << 1);
        if (hi) a ^= 0x1b;
        b >>= 1;
      }
      return p;
    };
    for (int x = 0; x < 256; ++x) {
      uint8_t inv = 0;
      for (int y = 1; y < 256 && x != 0; ++y)
        if (mul(static_cast<uint8_t>(x), static_cast<uint8_t>(y)) == 1) inv = static_cast<uint8_t>(y);
      auto rotl = [](uint8_t b, int k) { return static_cast<uint8_t>((b << k) | (b >> (8 - k))); };
      s[x] = static_cast<uint8_t>(inv ^ rotl(inv, 1) ^ rotl(inv, 2) ^ rotl(inv, 3) ^ rotl(inv, 4) ^ 0x63);
    }
  }
};

const SBox& sbox() {
  static const SBox box;
  return box;
}

inline uint8_t xtime(uint8_t a) { return static_cast<uint8_t>((a << 1) ^ ((a & 0x80) ? 0x1b : 0)); }

void store(uint64_t lo, uint64_t hi, uint8_t b[16]) {
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(lo >> (8 * i));
    b[8 + i] = static_cast<uint8_t>(hi >> (8 * i));
  }
}

}  // namespace

Key make_key(uint64_t seed, uint64_t stream) {
  Key k;
  k.lo[0] = seed;
  k.hi[0] = stream;
  for (int r = 1; r <= kRounds; ++r) {
    k.lo[r] = k.lo[r - 1] + 0x9E3779B97F4A7C15ULL;  // golden ratio
    k.hi[r] = k.hi[r - 1] + 0xBB67AE8584CAA73BULL;  // sqrt(3) - 1
  }
  return k;
}

void aesenc_soft(uint8_t st[16], const uint8_t rk[16], bool last) {
  const SBox& sb = sbox();
  // State byte i sits in row i % 4, column i / 4. SubBytes + ShiftRows (row r moves left by r).
  uint8_t t[16];
  for (int c = 0; c < 4; ++c)
    for (int r = 0; r < 4; ++r) t[4 * c + r] = sb.s[st[4 * ((c + r) % 4) + r]];
  if (!last) {  // MixColumns
    for (int c = 0; c < 4; ++c) {
      uint8_t* a = t + 4 * c;
      const uint8_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
      const uint8_t all = a0 ^ a1 ^ a2 ^ a3;
      a[0] = a0 ^ all ^ xtime(a0 ^ a1);
      a[1] = a1 ^ all ^ xtime(a1 ^ a2);
      a[2] = a2 ^ all ^ xtime(a2 ^ a3);
      a[3] = a3 ^ all ^ xtime(a3 ^ a0);
    }
  }
  for (int i = 0; i < 16; ++i) st[i] = t[i] ^ rk[i];
}

void block_soft(const Key& key, uint64_t ctr_lo, uint64_t ctr_hi, uint64_t out[2]) {
  uint8_t st[16], rk[16];
  store(ctr_lo ^ key.lo[0], ctr_hi ^ key.hi[0], st);
  for (int r = 1; r <= kRounds; ++r) {
    store(key.lo[r], key.hi[r], rk);
    aesenc_soft(st, rk, r == kRounds);
  }
  out[0] = out[1] = 0;
  for (int i = 0; i < 8; ++i) {
    out[0] |= static_cast<uint64_t>(st[i]) << (8 * i);
    out[1] |= static_cast<uint64_t>(st[8 + i]) << (8 * i);
  }
}

bool aesni_available() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("aes");
#else
  return false;
#endif
}

}  // namespace spinlab::ars
