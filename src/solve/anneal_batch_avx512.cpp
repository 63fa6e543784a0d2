// AVX-512 replica-parallel sweep: one 512-bit vector holds the 16 reads' spins (or fields) of a
// vertex. Compiled with AVX-512 flags; only called when anneal_batch::avx512_available().
#include <immintrin.h>

#include "solve/anneal_batch.hpp"

namespace spinlab::anneal_batch {

void sweep_avx512(const SweepArgs& a) {
  const __m512i one = _mm512_set1_epi32(1), kmax = _mm512_set1_epi32(a.kmax);
  __m512i de_lo = _mm512_loadu_si512(a.de), de_hi = _mm512_loadu_si512(a.de + 8);
  for (int32_t i = 0; i < a.n; ++i) {
    int32_t* sp = a.spins + kLanes * i;
    const __m512i s = _mm512_loadu_si512(sp);
    const __m512i f = _mm512_loadu_si512(a.fields + kLanes * i);
    const __m512i u = _mm512_loadu_si512(a.words + kLanes * i);
    const __m512i k = _mm512_mullo_epi32(s, f);
    // Threshold of min(k, kmax) (k >= 1); k <= 0 flips surely.
    const __m512i idx = _mm512_sub_epi32(_mm512_max_epi32(_mm512_min_epi32(k, kmax), one), one);
    const __m512i thr = _mm512_i32gather_epi32(idx, reinterpret_cast<const int*>(a.thr), 4);
    const __mmask16 flip = _mm512_cmple_epi32_mask(k, _mm512_setzero_si512()) | _mm512_cmplt_epu32_mask(u, thr);
    if (!flip) continue;
    const __m512i s2 = _mm512_mask_sub_epi32(s, flip, _mm512_setzero_si512(), s);
    _mm512_storeu_si512(sp, s2);
    // de += k on flipped lanes (64-bit accumulators, two halves).
    const __m512i kk = _mm512_maskz_mov_epi32(flip, k);
    de_lo = _mm512_add_epi64(de_lo, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(kk)));
    de_hi = _mm512_add_epi64(de_hi, _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(kk, 1)));
    const __m512i two_s = _mm512_add_epi32(s2, s2);
    for (int64_t q = a.offsets[i]; q < a.offsets[i + 1]; ++q) {
      int32_t* fp = a.fields + kLanes * a.neighbors[q];
      const __m512i d = _mm512_mullo_epi32(two_s, _mm512_set1_epi32(a.weights[q]));
      _mm512_storeu_si512(fp, _mm512_mask_add_epi32(_mm512_loadu_si512(fp), flip, _mm512_loadu_si512(fp), d));
    }
  }
  _mm512_storeu_si512(a.de, de_lo);
  _mm512_storeu_si512(a.de + 8, de_hi);
}

}  // namespace spinlab::anneal_batch
