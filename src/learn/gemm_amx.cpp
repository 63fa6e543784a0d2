// bf16 AMX GEMM for the RBM (TDPBF16PS tiles, fp32 accumulation). Compiled with AMX and AVX-512
// flags (CMakeLists.txt) and called only when amx_available() (kernels.cpp, plain flags, so that
// the check itself runs anywhere) says the CPU and the kernel allow it.
//
// Layout. op(A) (m x k) is packed into A tiles of 16 rows x 32 bf16 (one 64-byte row per row of
// op(A)), op(B) (k x n) into B tiles in the VNNI pair layout TDPBF16PS expects: tile row q holds,
// for 16 columns j, the pair (op(B)(2q, j), op(B)(2q + 1, j)) as one 32-bit word. Edges are zero
// padded to multiples of 16 rows / columns and 32 in k, so ragged shapes need no special kernel.
// Tiles are stored tile after tile: A tile (row tile i, k block p) at (i * KB + p) * 512 bf16, B
// tile (column tile j, k block p, part q) at ((j * KB + p) * P + q) * 512.
//
// Split B (P = 2, GemmBackend::Amx): op(B) = hi + lo + e with hi = bf16(B), lo = bf16(B - hi), so
// |e| <= 2^-16 |B|; C accumulates A hi + A lo. With a binary op(A) (every RBM product: states
// times weights or probabilities) the result is then as accurate as fp32 inputs would give,
// at twice the tile products. P = 1 (GemmBackend::AmxBf16) rounds B to bf16 (2^-8).
//
// Kernel. A block of 2 x 2 C tiles (32 x 32 fp32, tmm0-3) accumulates over the k blocks from two
// A tiles (tmm4-5) and two B tiles (tmm6-7): 4 TDPBF16PS per 4 tile loads. The edges use 1 x 2,
// 2 x 1 or 1 x 1 blocks. Every element of C sums its k blocks in the same order whatever the block
// shape and whatever rows a thread owns, so the result does not depend on the thread count.
// C = alpha acc + beta C is applied in fp32 (beta = 0 never reads C).
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "learn/kernels.hpp"

namespace spinlab::rbm_detail {
namespace {

constexpr int kTile = 512;  // bf16 per tile (16 rows x 64 bytes)

struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0, reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

// Eight 16 x 64-byte tiles: C in tmm0-3, A in tmm4-5, B in tmm6-7.
void configure_tiles() {
  TileConfig cfg;
  for (int t = 0; t < 8; ++t) {
    cfg.colsb[t] = 64;
    cfg.rows[t] = 16;
  }
  _tile_loadconfig(&cfg);
}

// A 64-byte aligned scratch buffer that only grows (one per thread: packing allocates per run of
// the program, not per GEMM).
struct Scratch {
  std::vector<uint16_t> v;
  uint16_t* get(size_t n) {
    if (v.size() < n + 32) v.resize(n + 32);
    auto p = reinterpret_cast<uintptr_t>(v.data());
    return reinterpret_cast<uint16_t*>((p + 63) & ~uintptr_t{63});
  }
};

inline __mmask16 mask_upto(int valid) { return valid >= 16 ? __mmask16(0xFFFF) : valid <= 0 ? 0 : __mmask16((1u << valid) - 1); }

// 16 floats from p (the first `valid`, the rest zero).
inline __m512 load16(const float* p, int valid) {
  return valid >= 16 ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(mask_upto(valid), p);
}

// 32 bf16 (round to nearest even): lanes 0-15 from lo, 16-31 from hi.
inline __m512i to_bf16(__m512 lo, __m512 hi) { return (__m512i)_mm512_cvtne2ps_pbh(hi, lo); }

// x - float(bf16(x)): what rounding to bf16 drops (exact in fp32).
inline __m512 residual(__m512 x) {
  const __m512i h = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(x));
  return _mm512_sub_ps(x, _mm512_castsi512_ps(_mm512_slli_epi32(h, 16)));
}

// Pairs: 32-bit lane i = bf16(lo[i]) | bf16(hi[i]) << 16.
inline __m512i bf16_pairs(__m512 lo, __m512 hi) {
  const __m512i idx = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6, 21, 5,
                                       20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  return _mm512_permutexvar_epi16(idx, to_bf16(lo, hi));
}

// In-register transpose of a 16 x 16 matrix of 32-bit words (r[i] = row i on entry, column i on exit).
inline void transpose16(__m512i r[16]) {
  __m512i t[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  // r[4i + e], 128-bit lane L: element 4L + e of rows 4i .. 4i + 3.
  for (int i = 0; i < 4; ++i) {
    r[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
    r[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
    r[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
    r[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
  }
  for (int e = 0; e < 4; ++e) {
    const __m512i u0 = _mm512_shuffle_i32x4(r[e], r[4 + e], 0x88), u1 = _mm512_shuffle_i32x4(r[e], r[4 + e], 0xDD);
    const __m512i u2 = _mm512_shuffle_i32x4(r[8 + e], r[12 + e], 0x88), u3 = _mm512_shuffle_i32x4(r[8 + e], r[12 + e], 0xDD);
    t[e] = _mm512_shuffle_i32x4(u0, u2, 0x88);
    t[8 + e] = _mm512_shuffle_i32x4(u0, u2, 0xDD);
    t[4 + e] = _mm512_shuffle_i32x4(u1, u3, 0x88);
    t[12 + e] = _mm512_shuffle_i32x4(u1, u3, 0xDD);
  }
  for (int i = 0; i < 16; ++i) r[i] = t[i];
}

inline void store_rows(uint16_t* tile, const __m512i r[16]) {
  for (int i = 0; i < 16; ++i) _mm512_store_si512(tile + 32 * i, r[i]);
}

// A tiles of row tiles [t0, t1) of op(A) (m x k), all KB k blocks, into dst.
void pack_a(bool ta, const float* A, int lda, int m, int k, int t0, int t1, int KB, uint16_t* dst) {
  __m512i r[16];
  // Transposed A is read by rows of A (32 at a time across the row tiles), plain A along its rows.
  const int outer = ta ? KB : t1 - t0, inner = ta ? t1 - t0 : KB;
  for (int o = 0; o < outer; ++o)
    for (int in = 0; in < inner; ++in) {
      const int it = t0 + (ta ? in : o), kb = ta ? o : in;
      uint16_t* tile = dst + (static_cast<size_t>(it - t0) * KB + kb) * kTile;
      const int i0 = 16 * it, p0 = 32 * kb, kv = std::min(32, k - p0);
      if (!ta) {  // row i of op(A) = row i of A: 32 consecutive floats
        for (int q = 0; q < 16; ++q) {
          const int i = i0 + q;
          if (i >= m) {
            r[q] = _mm512_setzero_si512();
            continue;
          }
          const float* a = A + static_cast<size_t>(i) * lda + p0;
          r[q] = to_bf16(load16(a, kv), load16(a + 16, kv - 16));
        }
      } else {  // op(A)(i, p) = A[p][i]: pair rows p, p + 1 of A, then transpose the 16 x 16 pairs
        const int mv = std::min(16, m - i0);
        for (int q = 0; q < 16; ++q) {
          const int p = p0 + 2 * q;
          const float* a = A + static_cast<size_t>(p) * lda + i0;
          const __m512 lo = p < k ? load16(a, mv) : _mm512_setzero_ps();
          const __m512 hi = p + 1 < k ? load16(a + lda, mv) : _mm512_setzero_ps();
          r[q] = bf16_pairs(lo, hi);
        }
        transpose16(r);
      }
      store_rows(tile, r);
    }
}

// B tiles of column tiles [t0, t1) of op(B) (k x n), all KB k blocks, P parts (hi, lo), into dst.
void pack_b(bool tb, const float* B, int ldb, int n, int k, int t0, int t1, int KB, int P, uint16_t* dst) {
  __m512i r[16], rl[16];
  // Plain B is read by rows (32 at a time across the column tiles), transposed B along its rows.
  const int outer = tb ? t1 - t0 : KB, inner = tb ? KB : t1 - t0;
  for (int o = 0; o < outer; ++o)
    for (int in = 0; in < inner; ++in) {
      const int jt = t0 + (tb ? o : in), kb = tb ? in : o;
      uint16_t* tile = dst + (static_cast<size_t>(jt) * KB + kb) * P * kTile;
      const int j0 = 16 * jt, p0 = 32 * kb, kv = std::min(32, k - p0);
      if (!tb) {  // tile row q: rows 2q, 2q + 1 of B, 16 columns, as pairs
        const int nv = std::min(16, n - j0);
        for (int q = 0; q < 16; ++q) {
          const int p = p0 + 2 * q;
          const float* b = B + static_cast<size_t>(p) * ldb + j0;
          const __m512 lo = p < k ? load16(b, nv) : _mm512_setzero_ps();
          const __m512 hi = p + 1 < k ? load16(b + ldb, nv) : _mm512_setzero_ps();
          r[q] = bf16_pairs(lo, hi);
          if (P == 2) rl[q] = bf16_pairs(residual(lo), residual(hi));
        }
      } else {  // op(B)(p, j) = B[j][p]: row j of B gives the 16 pairs of column j; transpose
        for (int q = 0; q < 16; ++q) {
          const int j = j0 + q;
          if (j >= n) {
            r[q] = rl[q] = _mm512_setzero_si512();
            continue;
          }
          const float* b = B + static_cast<size_t>(j) * ldb + p0;
          const __m512 x0 = load16(b, kv), x1 = load16(b + 16, kv - 16);
          r[q] = to_bf16(x0, x1);
          if (P == 2) rl[q] = to_bf16(residual(x0), residual(x1));
        }
        transpose16(r);
        if (P == 2) transpose16(rl);
      }
      store_rows(tile, r);
      if (P == 2) store_rows(tile + kTile, rl);
    }
}

// MT x NT C tiles (MT, NT in {1, 2}) over k blocks [kb0, kb1) with P parts of B; a and b point at
// the first A / B tile of their row / column tile (the second one astep / bstep further). The fp32 tiles start from cin
// (zero when null) and end in cout, tile (s, t) at (2s + t) 256 floats, 16 x 16 each: a spill and
// reload between k chunks is exact, so chunking never changes a bit of the result.
template <int MT, int NT, int P>
void tile_block(const uint16_t* a, const uint16_t* b, size_t astep, size_t bstep, int kb0, int kb1, const float* cin,
                float* cout) {
  if (cin) {
    _tile_loadd(0, cin, 64);
    if constexpr (NT == 2) _tile_loadd(1, cin + 256, 64);
    if constexpr (MT == 2) _tile_loadd(2, cin + 512, 64);
    if constexpr (MT == 2 && NT == 2) _tile_loadd(3, cin + 768, 64);
  } else {
    _tile_zero(0);
    if constexpr (NT == 2) _tile_zero(1);
    if constexpr (MT == 2) _tile_zero(2);
    if constexpr (MT == 2 && NT == 2) _tile_zero(3);
  }
  for (int kb = kb0; kb < kb1; ++kb) {
    const size_t o = static_cast<size_t>(kb) * kTile, ob = o * P;
    _tile_loadd(4, a + o, 64);
    _tile_loadd(6, b + ob, 64);
    if constexpr (NT == 2) _tile_loadd(7, b + bstep + ob, 64);
    _tile_dpbf16ps(0, 4, 6);
    if constexpr (NT == 2) _tile_dpbf16ps(1, 4, 7);
    if constexpr (MT == 2) {
      _tile_loadd(5, a + astep + o, 64);
      _tile_dpbf16ps(2, 5, 6);
      if constexpr (NT == 2) _tile_dpbf16ps(3, 5, 7);
    }
    if constexpr (P == 2) {  // the same A tiles times the lo parts of B
      _tile_loadd(6, b + ob + kTile, 64);
      if constexpr (NT == 2) _tile_loadd(7, b + bstep + ob + kTile, 64);
      _tile_dpbf16ps(0, 4, 6);
      if constexpr (NT == 2) _tile_dpbf16ps(1, 4, 7);
      if constexpr (MT == 2) {
        _tile_dpbf16ps(2, 5, 6);
        if constexpr (NT == 2) _tile_dpbf16ps(3, 5, 7);
      }
    }
  }
  _tile_stored(0, cout, 64);
  if constexpr (NT == 2) _tile_stored(1, cout + 256, 64);
  if constexpr (MT == 2) _tile_stored(2, cout + 512, 64);
  if constexpr (MT == 2 && NT == 2) _tile_stored(3, cout + 768, 64);
}

// C[i0.., j0..] = alpha acc + beta C for the valid part of one 16 x 16 tile.
void store_tile(const float* acc, int rows, int cols, float alpha, float beta, float* C, int ldc) {
  const __mmask16 mk = mask_upto(cols);
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int r = 0; r < rows; ++r) {
    float* c = C + static_cast<size_t>(r) * ldc;
    __m512 v = _mm512_mul_ps(va, _mm512_load_ps(acc + 16 * r));
    if (beta != 0.0f) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mk, c), v);
    _mm512_mask_storeu_ps(c, mk, v);
  }
}

// k blocks per chunk: a chunk of an A tile pair (2 x 8 KB) stays in L1 while the B tile pairs
// stream past it from L2 (k = 784 unchunked would need 50 KB per A pair).
constexpr int kChunkBlocks = 8;

// Row tiles [t0, t1) of C (m x n) from A tiles at pa (row tile t0 first) and all B tiles at pb;
// acc holds ceil(n / 32) blocks of 4 fp32 tiles (the running sums of one row-tile pair).
template <int P>
void compute_rows(int t0, int t1, int m, int n, int KB, const uint16_t* pa, const uint16_t* pb, float alpha, float beta,
                  float* C, int ldc, float* acc) {
  const int NTt = (n + 15) / 16;
  const size_t step = static_cast<size_t>(KB) * kTile, bstep = step * P;
  for (int it = t0; it < t1; it += 2) {
    const int mt = std::min(2, t1 - it);
    const uint16_t* a = pa + static_cast<size_t>(it - t0) * step;
    for (int kb0 = 0; kb0 < KB; kb0 += kChunkBlocks) {
      const int kb1 = std::min(KB, kb0 + kChunkBlocks);
      for (int jt = 0; jt < NTt; jt += 2) {
        const int nt = std::min(2, NTt - jt);
        const uint16_t* b = pb + static_cast<size_t>(jt) * bstep;
        float* blk = acc + static_cast<size_t>(jt / 2) * 1024;
        const float* cin = kb0 == 0 ? nullptr : blk;
        if (mt == 2 && nt == 2) tile_block<2, 2, P>(a, b, step, bstep, kb0, kb1, cin, blk);
        else if (mt == 2) tile_block<2, 1, P>(a, b, step, bstep, kb0, kb1, cin, blk);
        else if (nt == 2) tile_block<1, 2, P>(a, b, step, bstep, kb0, kb1, cin, blk);
        else tile_block<1, 1, P>(a, b, step, bstep, kb0, kb1, cin, blk);
        if (kb1 < KB) continue;
        for (int s = 0; s < mt; ++s)
          for (int t = 0; t < nt; ++t) {
            const int i0 = 16 * (it + s), j0 = 16 * (jt + t);
            store_tile(blk + (2 * s + t) * 256, std::min(16, m - i0), std::min(16, n - j0), alpha, beta,
                       C + static_cast<size_t>(i0) * ldc + j0, ldc);
          }
      }
    }
  }
}

thread_local Scratch t_pack_a, t_pack_b, t_acc;

}  // namespace

void sgemm_amx(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb,
               float beta, float* C, int ldc, bool split_b) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0.0f) {  // C = beta C (BLAS: beta = 0 never reads C)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        float& c = C[static_cast<size_t>(i) * ldc + j];
        c = beta == 0.0f ? 0.0f : beta * c;
      }
    return;
  }
  const int KB = (k + 31) / 32, MTt = (m + 15) / 16, NTt = (n + 15) / 16;
  const int P = split_b ? 2 : 1;
  uint16_t* pb = t_pack_b.get(static_cast<size_t>(NTt) * KB * P * kTile);
  // Threads split the column tiles of op(B) for packing, then pairs of row tiles of C (each packs
  // its own rows of op(A)).
  run_on_gemm_team(NTt * KB >= 64 ? NTt : 1, [&](int t, int nt) {
    pack_b(tb, B, ldb, n, k, NTt * t / nt, NTt * (t + 1) / nt, KB, P, pb);
  });
  const int pairs = (MTt + 1) / 2;
  run_on_gemm_team(static_cast<int64_t>(m) * n * k >= 2000000 ? pairs : 1, [&](int t, int nt) {
    const int t0 = std::min(MTt, 2 * (pairs * t / nt)), t1 = std::min(MTt, 2 * (pairs * (t + 1) / nt));
    if (t1 <= t0) return;
    configure_tiles();
    // A in panels of up to 8 row tiles (128 rows x k: <= 256 KB for k = 1024, L2-resident).
    constexpr int kPanel = 8;
    uint16_t* pa = t_pack_a.get(static_cast<size_t>(kPanel) * KB * kTile);
    auto* acc = reinterpret_cast<float*>(t_acc.get(static_cast<size_t>((NTt + 1) / 2) * 1024 * 2));
    for (int p0 = t0; p0 < t1; p0 += kPanel) {
      const int p1 = std::min(t1, p0 + kPanel);
      pack_a(ta, A, lda, m, k, p0, p1, KB, pa);
      if (split_b) compute_rows<2>(p0, p1, m, n, KB, pa, pb, alpha, beta, C, ldc, acc);
      else compute_rows<1>(p0, p1, m, n, KB, pa, pb, alpha, beta, C, ldc, acc);
    }
    _tile_release();
  });
}

}  // namespace spinlab::rbm_detail
