// Internal RBM kernels: GEMM (OpenBLAS, bf16 AMX tiles or our blocked kernel), unit means and samples, sums of
// per-unit log partition functions, and the random words that drive sampling.
//
// Random words: row r of a sampled matrix draws its words from Rng stream (seed, stream0 + r) at
// Philox blocks step * kBlocksPerStep onward (philox_batch's group layout, sample/
// lattice_checkerboard.hpp), so a result depends on the seed and the step counter only, never
// on the thread count or the vector width.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "learn/rbm.hpp"

namespace spinlab::rbm_detail {

enum class GemmBackend { OpenBlas, Blocked, Amx, AmxBf16 };
/// The backend every sgemm below uses (process-wide; OpenBLAS by default). Amx (op(B) split into
/// bf16 hi + lo) and AmxBf16 (op(B) rounded to bf16) fall back to OpenBLAS where amx_available()
/// is false; both round op(A) to bf16, which is exact for the RBM's binary states.
void set_gemm_backend(GemmBackend b);
GemmBackend gemm_backend();
/// The backend sgemm actually runs (Amx only where available).
GemmBackend effective_gemm_backend();
/// "openblas", "amx", "amx-bf16", "blocked".
const char* gemm_backend_name(GemmBackend b);
/// True when the CPU has AMX-BF16 (CPUID.7.0:EDX bits 22, 24), AVX512-BF16 and the kernel granted
/// the tile data state (arch_prctl ARCH_REQ_XCOMP_PERM, asked once).
bool amx_available();
/// Threads for OpenBLAS and for our blocked kernel.
void set_gemm_threads(int threads);
/// The OpenBLAS kernel set in use ("SkylakeX", ...). Where OpenBLAS fell back to its generic
/// kernels on a CPU it does not know and OPENBLAS_CORETYPE is unset, the first call (or the first
/// set_gemm_threads) switches it to the newest set the CPU supports.
std::string openblas_core();
/// "OpenBLAS <version> <config>, kernels <core>" for reports.
std::string blas_description();

/// C = alpha op(A) op(B) + beta C, row-major, op = transpose when ta / tb. op(A) is m x k,
/// op(B) k x n, C m x n with leading dimensions lda, ldb, ldc.
void sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb,
           float beta, float* C, int ldc);
/// Our cache-blocked kernel (the measured alternative to OpenBLAS); same contract as sgemm.
void sgemm_blocked(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B,
                   int ldb, float beta, float* C, int ldc);

/// bf16 AMX kernel (gemm_amx.cpp): op(A) rounded to bf16 (8 significant bits), op(B) rounded too
/// or, with split_b, carried as bf16 hi + lo (16 bits: 2^-16 relative), products summed in fp32,
/// alpha and beta applied in fp32; same contract as sgemm. Requires amx_available().
void sgemm_amx(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb,
               float beta, float* C, int ldc, bool split_b);
/// Runs body(t, nt) for t < nt on the GEMM thread team (nt = --threads) when parts > 1 and a team
/// exists, else body(0, 1) on the calling thread.
void run_on_gemm_team(int parts, const std::function<void(int t, int nt)>& body);

/// X[r * n + j] += bias[j] for r < rows.
void add_bias_rows(float* X, const float* bias, int64_t rows, int n);

/// out[j] = E[unit | field beta * x[j]]: sigmoid(beta x) (binary) or tanh(beta x) (spin).
void mean_units(RbmUnits u, const float* x, float* out, size_t n, float beta);
/// out[j] = on with probability p_on(beta x[j]) (sigmoid(beta x), spin: sigmoid(2 beta x)), else
/// off, deciding with the 32-bit word w[j]: on iff (w >> 8) 2^-24 < p_on.
void sample_units(RbmUnits u, const float* x, float* out, size_t n, float beta, const uint32_t* w);
/// Same for probabilities already computed: out[j] = on iff (w >> 8) 2^-24 < p[j].
void sample_from_p(RbmUnits u, const float* p, float* out, size_t n, const uint32_t* w);
/// sum_j lse(beta x[j]) in double (softplus or log 2cosh).
double sum_lse(RbmUnits u, const float* x, size_t n, double beta);
double sum_lse_d(RbmUnits u, const double* x, size_t n);

constexpr uint64_t kBlocksPerStep = uint64_t{1} << 22;  // 2^24 words: rows of up to 2^24 units
/// Words for `rows` rows of n units: row r gets words[r * stride ..] from stream stream0 + r,
/// stride = words_stride(n) (n rounded up to 64).
inline size_t words_stride(size_t n) { return (n + 63) / 64 * 64; }
void fill_words(uint64_t seed, uint64_t stream0, uint64_t step, int64_t rows, size_t n, uint32_t* words);

/// Stream purposes (high bits of the stream id), so that no two uses share numbers.
enum Purpose : uint64_t {
  kInitWeights = 1, kShuffle = 2, kNegHidden = 3, kNegVisible = 4, kPtSwap = 5, kPll = 6,
  kAisVisible = 7, kAisHidden = 8, kSampleVisible = 9, kSampleHidden = 10, kPosHidden = 11,
  kTcInit = 12, kTcHidden = 13, kTcVisible = 14, kDbnSample = 15, kTcSwap = 16,
};
inline uint64_t stream_id(Purpose p, uint64_t chain) { return (static_cast<uint64_t>(p) << 40) | chain; }

}  // namespace spinlab::rbm_detail
