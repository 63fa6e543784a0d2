// RBM element-wise kernels, compiled with -ffast-math so that exp/log1p/tanh vectorise through
// glibc's libmvec (no NaN or inf ever reaches them: parameters and data are checked on entry).
#include "learn/kernels.hpp"

#include <cblas.h>
#include <cpuid.h>
#include <cstdlib>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <cmath>
#include <thread>
#include <vector>

#include "sample/lattice_checkerboard.hpp"
#include "sample/thread_team.hpp"

namespace spinlab::rbm_detail {
namespace {
std::atomic<GemmBackend> g_backend{GemmBackend::OpenBlas};
std::atomic<int> g_threads{1};
// Threads split the rows of C; every member calls single-threaded OpenBLAS on its slice. Each
// element of C is then computed by the same kernel with the same summation order whatever the
// split (OpenBLAS's own threading changed the low bits), so results do not depend on --threads.
std::mutex g_team_mu;
std::unique_ptr<ThreadTeam> g_team;
}  // namespace

namespace {
bool detect_amx() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  const bool amx_bf16 = d & (1u << 22), amx_tile = d & (1u << 24);
  if (!amx_bf16 || !amx_tile) return false;
  unsigned a1 = 0, b1 = 0, c1 = 0, d1 = 0;
  const bool avx512_bf16 = __get_cpuid_count(7, 1, &a1, &b1, &c1, &d1) && (a1 & (1u << 5));
  __builtin_cpu_init();
  if (!avx512_bf16 || !__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512vl") || !__builtin_cpu_supports("avx512dq"))
    return false;
  // Linux keeps the tile data state off until the process asks (arch_prctl ARCH_REQ_XCOMP_PERM
  // = 0x1023 for XFEATURE_XTILEDATA = 18); the permission covers every thread of the process.
  return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
}

// OpenBLAS 0.3.21 (Debian 12) picks its kernels by CPU model and falls back to the SSE3 "Prescott"
// kernels on models it does not know (Emerald Rapids, family 6 model 207, among them): sgemm then
// runs ~5x slower than with its AVX-512 kernels. Where the user set no OPENBLAS_CORETYPE and the
// CPU has the instructions, re-run OpenBLAS's kernel choice (gotoblas_dynamic_init, exported by
// its DYNAMIC_ARCH builds) with the newest kernel set the CPU supports. Nothing is in flight: this
// runs once, before our first BLAS call.
extern "C" {
char* openblas_get_corename(void);
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));
}

const char* better_openblas_core() {
  static const char* const kGeneric[] = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai",
                                         "Coppermine", "Northwood", "Banias"};
  const char* current = openblas_get_corename();
  bool generic = false;
  for (const char* g : kGeneric) generic = generic || (current && std::strcmp(current, g) == 0);
  if (!generic) return nullptr;
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("avx512cd");
  unsigned a = 0, b = 0, c = 0, d = 0;
  const bool bf16 = __get_cpuid_count(7, 1, &a, &b, &c, &d) && (a & (1u << 5));
  if (avx512) return bf16 ? "Cooperlake" : "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return nullptr;
}

void tune_openblas_core() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (std::getenv("OPENBLAS_CORETYPE") || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return;
    const char* core = better_openblas_core();
    if (!core) return;
    setenv("OPENBLAS_CORETYPE", core, 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");  // not inherited by anything we start
  });
}

}  // namespace

std::string openblas_core() {
  tune_openblas_core();
  const char* name = openblas_get_corename();
  return name ? name : "unknown";
}

bool amx_available() {
  static const bool ok = detect_amx();
  return ok;
}

void set_gemm_backend(GemmBackend b) { g_backend = b; }
GemmBackend gemm_backend() { return g_backend; }
GemmBackend effective_gemm_backend() {
  const GemmBackend b = g_backend;
  return (b == GemmBackend::Amx || b == GemmBackend::AmxBf16) && !amx_available() ? GemmBackend::OpenBlas : b;
}
const char* gemm_backend_name(GemmBackend b) {
  return b == GemmBackend::Amx       ? "amx"
         : b == GemmBackend::AmxBf16 ? "amx-bf16"
         : b == GemmBackend::Blocked ? "blocked"
                                     : "openblas";
}
void run_on_gemm_team(int parts, const std::function<void(int t, int nt)>& body) {
  if (parts > 1 && g_threads > 1 && g_team) g_team->run(body);
  else body(0, 1);
}
void set_gemm_threads(int threads) {
  threads = std::max(1, threads);
  g_threads = threads;
  tune_openblas_core();
  openblas_set_num_threads(1);
  std::lock_guard<std::mutex> lock(g_team_mu);
  if (threads > 1 && (!g_team || g_team->size() != threads)) g_team = std::make_unique<ThreadTeam>(threads);
}
std::string blas_description() { return std::string(openblas_get_config()) + ", kernels " + openblas_core(); }

void sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb,
           float beta, float* C, int ldc) {
  const GemmBackend backend = effective_gemm_backend();
  if (backend == GemmBackend::Blocked) {
    sgemm_blocked(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  if (backend == GemmBackend::Amx || backend == GemmBackend::AmxBf16) {
    sgemm_amx(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, backend == GemmBackend::Amx);
    return;
  }
  tune_openblas_core();
  auto slice = [&](int m0, int m1) {
    if (m1 <= m0) return;
    const float* a = ta ? A + m0 : A + static_cast<size_t>(m0) * lda;
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m1 - m0, n, k, alpha, a,
                lda, B, ldb, beta, C + static_cast<size_t>(m0) * ldc, ldc);
  };
  const int T = g_threads;
  // Small products stay on one thread (the hand-off costs more than it saves).
  if (T <= 1 || !g_team || static_cast<double>(m) * n * k < 2e6 || m < 32 * T) {
    slice(0, m);
    return;
  }
  g_team->run([&](int t, int nt) {
    // slices of whole 16-row panels
    const int panels = (m + 15) / 16;
    slice(std::min(m, 16 * (panels * t / nt)), std::min(m, 16 * (panels * (t + 1) / nt)));
  });
}

// Our blocked kernel: op(A) and op(B) are packed into contiguous panels (A: MC x KC row panels,
// B: KC x NC), and a register tile of 4 rows x 32 columns accumulates in 8 vectors of 16 floats
// that the compiler keeps in registers (-O3 -march=native). Threads split the rows of C.
namespace {
constexpr int kMC = 64, kKC = 256, kNC = 512, kMR = 4, kNR = 32;

void micro_tile(int kc, const float* a, const float* b, float* c, int ldc, int mr, int nr) {
  float acc[kMR][kNR] = {};
  for (int p = 0; p < kc; ++p) {
    const float* bp = b + static_cast<size_t>(p) * kNR;
    for (int r = 0; r < kMR; ++r) {
      const float av = a[static_cast<size_t>(p) * kMR + r];
#pragma GCC ivdep
      for (int q = 0; q < kNR; ++q) acc[r][q] += av * bp[q];
    }
  }
  for (int r = 0; r < mr; ++r)
    for (int q = 0; q < nr; ++q) c[static_cast<size_t>(r) * ldc + q] += acc[r][q];
}

void blocked_rows(bool ta, bool tb, int m0, int m1, int n, int k, float alpha, const float* A, int lda, const float* B,
                  int ldb, float* C, int ldc) {
  std::vector<float> pa(static_cast<size_t>(kMC) * kKC), pb(static_cast<size_t>(kKC) * kNC);
  auto a_at = [&](int i, int p) { return ta ? A[static_cast<size_t>(p) * lda + i] : A[static_cast<size_t>(i) * lda + p]; };
  auto b_at = [&](int p, int j) { return tb ? B[static_cast<size_t>(j) * ldb + p] : B[static_cast<size_t>(p) * ldb + j]; };
  for (int jc = 0; jc < n; jc += kNC) {
    const int nc = std::min(kNC, n - jc);
    const int nct = (nc + kNR - 1) / kNR;
    for (int pc = 0; pc < k; pc += kKC) {
      const int kc = std::min(kKC, k - pc);
      // B panel: for each 32-column strip, kc rows of 32 (zero padded), alpha folded in.
      for (int t = 0; t < nct; ++t)
        for (int p = 0; p < kc; ++p)
          for (int q = 0; q < kNR; ++q) {
            const int j = jc + t * kNR + q;
            pb[(static_cast<size_t>(t) * kc + p) * kNR + q] = j < jc + nc ? alpha * b_at(pc + p, j) : 0.0f;
          }
      for (int ic = m0; ic < m1; ic += kMC) {
        const int mc = std::min(kMC, m1 - ic);
        const int mct = (mc + kMR - 1) / kMR;
        for (int s = 0; s < mct; ++s)
          for (int p = 0; p < kc; ++p)
            for (int r = 0; r < kMR; ++r) {
              const int i = ic + s * kMR + r;
              pa[(static_cast<size_t>(s) * kc + p) * kMR + r] = i < ic + mc ? a_at(i, pc + p) : 0.0f;
            }
        for (int s = 0; s < mct; ++s)
          for (int t = 0; t < nct; ++t) {
            const int i = ic + s * kMR, j = jc + t * kNR;
            micro_tile(kc, pa.data() + static_cast<size_t>(s) * kc * kMR, pb.data() + static_cast<size_t>(t) * kc * kNR,
                       C + static_cast<size_t>(i) * ldc + j, ldc, std::min(kMR, ic + mc - i), std::min(kNR, jc + nc - j));
          }
      }
    }
  }
}
}  // namespace

void sgemm_blocked(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb,
                   float beta, float* C, int ldc) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float& c = C[static_cast<size_t>(i) * ldc + j];
      c = beta == 0.0f ? 0.0f : beta * c;
    }
  if (k == 0) return;
  const int T = std::min(g_threads.load(), std::max(1, m / kMR));
  if (T <= 1) {
    blocked_rows(ta, tb, 0, m, n, k, alpha, A, lda, B, ldb, C, ldc);
    return;
  }
  std::vector<std::thread> team;
  for (int t = 0; t < T; ++t) {
    const int m0 = static_cast<int>(static_cast<int64_t>(m) * t / T), m1 = static_cast<int>(static_cast<int64_t>(m) * (t + 1) / T);
    team.emplace_back([=] { blocked_rows(ta, tb, m0, m1, n, k, alpha, A, lda, B, ldb, C, ldc); });
  }
  for (auto& th : team) th.join();
}

void add_bias_rows(float* X, const float* bias, int64_t rows, int n) {
  for (int64_t r = 0; r < rows; ++r) {
    float* x = X + r * n;
    for (int j = 0; j < n; ++j) x[j] += bias[j];
  }
}

// -ffast-math assumes no infinities: the argument of exp is clamped to |t| <= 80 (e^80 ~ 5.5e34
// fits a float), so 1 / (1 + e^t) never meets inf (sigmoid(-80) = 1.8e-35, as good as 0).
inline float clamp80(float t) { return std::min(80.0f, std::max(-80.0f, t)); }

void mean_units(RbmUnits u, const float* x, float* out, size_t n, float beta) {
  if (u == RbmUnits::Binary) {
    for (size_t j = 0; j < n; ++j) out[j] = 1.0f / (1.0f + std::exp(clamp80(-beta * x[j])));
  } else {
    for (size_t j = 0; j < n; ++j) out[j] = std::tanh(beta * x[j]);
  }
}

void sample_units(RbmUnits u, const float* x, float* out, size_t n, float beta, const uint32_t* w) {
  const float f = u == RbmUnits::Binary ? beta : 2.0f * beta, off = u == RbmUnits::Binary ? 0.0f : -1.0f;
  for (size_t j = 0; j < n; ++j) {
    const float p = 1.0f / (1.0f + std::exp(clamp80(-f * x[j])));
    out[j] = static_cast<float>(w[j] >> 8) * 0x1.0p-24f < p ? 1.0f : off;
  }
}

void sample_from_p(RbmUnits u, const float* p, float* out, size_t n, const uint32_t* w) {
  const float off = u == RbmUnits::Binary ? 0.0f : -1.0f;
  for (size_t j = 0; j < n; ++j) out[j] = static_cast<float>(w[j] >> 8) * 0x1.0p-24f < p[j] ? 1.0f : off;
}

double sum_lse(RbmUnits u, const float* x, size_t n, double beta) {
  double s = 0;
  if (u == RbmUnits::Binary) {
    for (size_t j = 0; j < n; ++j) {
      const double y = beta * x[j];
      s += std::max(y, 0.0) + std::log1p(std::exp(-std::fabs(y)));
    }
  } else {
    for (size_t j = 0; j < n; ++j) {
      const double a = std::fabs(beta * x[j]);
      s += a + std::log1p(std::exp(-2.0 * a));
    }
  }
  return s;
}

double sum_lse_d(RbmUnits u, const double* x, size_t n) {
  double s = 0;
  if (u == RbmUnits::Binary) {
    for (size_t j = 0; j < n; ++j) s += std::max(x[j], 0.0) + std::log1p(std::exp(-std::fabs(x[j])));
  } else {
    for (size_t j = 0; j < n; ++j) {
      const double a = std::fabs(x[j]);
      s += a + std::log1p(std::exp(-2.0 * a));
    }
  }
  return s;
}

void fill_words(uint64_t seed, uint64_t stream0, uint64_t step, int64_t rows, size_t n, uint32_t* words) {
  const size_t stride = words_stride(n), groups = stride / 64;
  const bool simd = philox_batch::avx512_available();
  for (int64_t r = 0; r < rows; ++r) {
    uint32_t* out = words + r * stride;
    if (simd) philox_batch::generate_avx512(seed, stream0 + r, step * kBlocksPerStep, groups, out);
    else philox_batch::generate_scalar(seed, stream0 + r, step * kBlocksPerStep, groups, out);
  }
}

}  // namespace spinlab::rbm_detail
