// Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11) from Random123.
//
// A stream is the pair (seed, stream); its k-th block of four 32-bit words is
// Philox(key = seed, counter = {k_lo, k_hi, stream_lo, stream_hi}). Nothing is shared between
// streams and there is no hidden global state, so a result depends only on which stream drew which
// numbers. Stream assignment (see ARCHITECTURE.md): every independent chain (one beta point, one
// replica, one read) owns stream = its index in the job, never the index of the thread running it,
// so results do not depend on the number of threads.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace spinlab {

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream, uint64_t block = 0) : block_(block) {
    key_ = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
    stream_lo_ = static_cast<uint32_t>(stream);
    stream_hi_ = static_cast<uint32_t>(stream >> 32);
  }

  /// Next 32 random bits.
  uint32_t next_u32() {
    if (pos_ == 4) refill();
    return buf_[pos_++];
  }

  /// Uniform in the open interval (0, 1) with 32-bit resolution: (u + 1/2) / 2^32.
  double uniform() { return (static_cast<double>(next_u32()) + 0.5) * 0x1.0p-32; }

  /// Uniform in [0, 1) with 53-bit resolution (two words).
  double uniform53() {
    uint64_t a = next_u32() >> 5, b = next_u32() >> 6;
    return (static_cast<double>(a) * 67108864.0 + static_cast<double>(b)) * 0x1.0p-53;
  }

  /// Uniform integer in [0, n) without modulo bias (Lemire 2019, "Fast random integer generation
  /// in an interval").
  uint32_t below(uint32_t n) {
    uint64_t m = static_cast<uint64_t>(next_u32()) * n;
    auto low = static_cast<uint32_t>(m);
    if (low < n) {
      uint32_t threshold = static_cast<uint32_t>(-n) % n;
      while (low < threshold) {
        m = static_cast<uint64_t>(next_u32()) * n;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

  /// Number of Philox blocks consumed so far (the counter of the next block).
  uint64_t block() const { return block_; }

  /// The (seed, stream) pair that keys this stream, for batched generators that compute the same
  /// Philox blocks themselves (the lattice kernels draw thousands of blocks per call).
  uint64_t seed() const { return key_[0] | (static_cast<uint64_t>(key_[1]) << 32); }
  uint64_t stream() const { return stream_lo_ | (static_cast<uint64_t>(stream_hi_) << 32); }

  /// Hands the next n blocks of this stream to a batched generator: the unread words of the
  /// current block are dropped (so no word is ever used twice), the counter of the first reserved
  /// block is returned, and next_u32() continues after the reserved range.
  uint64_t take_blocks(uint64_t n) {
    const uint64_t first = block_;
    block_ += n;
    pos_ = 4;
    return first;
  }

 private:
  void refill() {
    r123::Philox4x32::ctr_type ctr = {{static_cast<uint32_t>(block_),
                                       static_cast<uint32_t>(block_ >> 32), stream_lo_, stream_hi_}};
    auto r = r123::Philox4x32()(ctr, key_);
    for (int i = 0; i < 4; ++i) buf_[i] = r[i];
    ++block_;
    pos_ = 0;
  }

  r123::Philox4x32::key_type key_{};
  uint32_t stream_lo_ = 0, stream_hi_ = 0;
  uint64_t block_ = 0;
  uint32_t buf_[4] = {0, 0, 0, 0};
  int pos_ = 4;
};

/// Acceptance with exactly the probability threshold/2^32, where threshold = floor(p * 2^32)
/// (p >= 1 always accepts). Every sampler uses these so that table and generic paths agree bit for bit.
inline uint64_t acceptance_threshold(double p) {
  if (!(p > 0.0)) return 0;
  if (p >= 1.0) return uint64_t{1} << 32;
  return static_cast<uint64_t>(p * 0x1.0p32);
}
inline bool accept_u32(uint32_t u, uint64_t threshold) { return u < threshold; }

/// A standard normal deviate by Box-Muller from two uniforms in (0, 1) (the cosine branch; one
/// deviate per two words).
inline double normal(Rng& r) {
  const double u1 = r.uniform(), u2 = r.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace spinlab
