// The bf16 AMX GEMM backend against a double-precision reference (exactly on bf16-representable
// inputs, within a derived bound on general ones), and training with it: a seed fixes the model
// for any thread count. Skipped where the CPU or the kernel offers no AMX.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "core/rng.hpp"
#include "io/datasets.hpp"
#include "learn/kernels.hpp"
#include "learn/train.hpp"

using namespace spinlab;
using namespace spinlab::rbm_detail;

namespace {

struct Problem {
  int m, n, k, lda, ldb, ldc;
  bool ta, tb;
  std::vector<float> A, B, C0;
};

// op(A) m x k and op(B) k x n with leading dimensions larger than needed (strides are exercised);
// values from draw(rng). C0 holds values beyond column n too, which must survive untouched.
template <class Draw> Problem make_problem(int m, int n, int k, bool ta, bool tb, Rng &r, Draw draw) {
  Problem p{m, n, k, (ta ? m : k) + 3, (tb ? k : n) + 5, n + 2, ta, tb, {}, {}, {}};
  p.A.resize(static_cast<size_t>(ta ? k : m) * p.lda);
  p.B.resize(static_cast<size_t>(tb ? n : k) * p.ldb);
  p.C0.resize(static_cast<size_t>(m) * p.ldc);
  for (float &x : p.A)
    x = draw(r);
  for (float &x : p.B)
    x = draw(r);
  for (float &x : p.C0)
    x = draw(r);
  return p;
}

float a_at(const Problem &p, int i, int q) {
  return p.ta ? p.A[static_cast<size_t>(q) * p.lda + i] : p.A[static_cast<size_t>(i) * p.lda + q];
}
float b_at(const Problem &p, int q, int j) {
  return p.tb ? p.B[static_cast<size_t>(j) * p.ldb + q] : p.B[static_cast<size_t>(q) * p.ldb + j];
}

struct Case {
  int m, n, k;
  bool ta, tb;
};

// Shapes with every edge case, each with all four transposes: below one tile, ragged in m / n (not
// multiples of 16) and in k (not a multiple of 32, odd: a half-filled bf16 pair), exact multiples,
// odd numbers of tile pairs, random ones; then the three RBM products (batch 100, 784 visible, 256
// hidden) with the transposes train.cpp uses: H W^T, [V; Vn] W, [V; Vn]^T [Hp; -Hn].
std::vector<Case> cases(Rng &r) {
  std::vector<std::tuple<int, int, int>> s = {{1, 1, 1},    {3, 5, 7},    {16, 16, 32},
                                              {17, 33, 65}, {32, 32, 64}, {48, 48, 31}};
  for (int t = 0; t < 5; ++t)
    s.emplace_back(1 + static_cast<int>(r.below(90)), 1 + static_cast<int>(r.below(90)),
                   1 + static_cast<int>(r.below(300)));
  std::vector<Case> c;
  for (auto [m, n, k] : s)
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        c.push_back({m, n, k, ta, tb});
  c.push_back({100, 784, 256, false, true});
  c.push_back({200, 256, 784, false, false});
  c.push_back({784, 256, 200, true, false});
  return c;
}

class AmxGemm : public ::testing::Test {
protected:
  void SetUp() override {
    if (!amx_available()) GTEST_SKIP() << "no AMX-BF16 on this CPU / kernel";
  }
  void TearDown() override { set_gemm_threads(1); }
};

} // namespace

TEST_F(AmxGemm, ExactOnBf16RepresentableInputs) {
  // Entries j / 8 with |j| <= 8 are exact in bf16; their products (multiples of 1/64, |x| <= 1) and
  // every partial sum (|sum| <= k <= 784, a multiple of 1/64: < 2^24 units) are exact in fp32, as are
  // alpha acc and alpha acc + beta C for alpha = 0.5, beta in {0, 2}. Any misplaced, dropped or
  // duplicated term therefore shows as an inequality.
  Rng r(11, 0);
  auto draw = [](Rng &g) { return static_cast<float>(static_cast<int>(g.below(17)) - 8) / 8.0f; };
  for (const auto [m, n, k, ta, tb] : cases(r))
    for (float beta : {0.0f, 2.0f})
      for (bool split : {false, true}) {
        Problem p = make_problem(m, n, k, ta, tb, r, draw);
        std::vector<float> C = p.C0;
        // beta = 0 must not read C: a NaN there would otherwise propagate.
        if (beta == 0.0f)
          for (int i = 0; i < m; ++i)
            for (int j = 0; j < n; ++j)
              C[static_cast<size_t>(i) * p.ldc + j] = std::numeric_limits<float>::quiet_NaN();
        sgemm_amx(ta, tb, m, n, k, 0.5f, p.A.data(), p.lda, p.B.data(), p.ldb, beta, C.data(), p.ldc, split);
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < p.ldc; ++j) {
            const size_t q = static_cast<size_t>(i) * p.ldc + j;
            if (j >= n) {
              ASSERT_EQ(C[q], p.C0[q]) << "wrote outside C";
              continue;
            }
            double s = 0;
            for (int t = 0; t < k; ++t)
              s += static_cast<double>(a_at(p, i, t)) * b_at(p, t, j);
            const double want = 0.5 * s + (beta == 0.0f ? 0.0 : beta * static_cast<double>(p.C0[q]));
            ASSERT_EQ(C[q], want) << m << "x" << n << "x" << k << " ta " << ta << " tb " << tb << " split " << split
                                  << " (" << i << "," << j << ")";
          }
      }
}

TEST_F(AmxGemm, WithinTheBf16BoundOnGeneralInputs) {
  // Error bound. Rounding to bf16 (8 significant bits, nearest) gives a~ = a (1 + d), |d| <= u =
  // 2^-8. Split B is hi + lo with hi = bf16(b), lo = bf16(b - hi): |b - hi - lo| <= u |b - hi| <= u^2 |b|.
  // So each product carries a relative error of at most eb = 2u + u^2 (B rounded) or u + u^2 + u^3
  // (B split), and only the B part (u^2 (1 + u) resp. 2u + u^2 -> u) when A is exact in bf16 (binary
  // states; here multiples of 1/8). The fp32 accumulation of K terms (K = k, or 2k with the split)
  // adds at most gamma_K = K u32 / (1 - K u32) ~ K 2^-24 of S~ <= (1 + 3u) S, S = sum |a b|; alpha acc
  // and + beta C round twice more (2^-24 each, relative to their magnitudes). Hence
  //   |C_amx - C_exact| <= |alpha| (eb + 1.1 (K + 2) 2^-24) S + 2^-22 (|alpha| S + |beta C0|).
  Rng r(12, 0);
  auto general = [](Rng &g) { return static_cast<float>(2 * g.uniform() - 1); };
  auto eighths = [](Rng &g) { return static_cast<float>(static_cast<int>(g.below(17)) - 8) / 8.0f; };
  const double u = std::ldexp(1.0, -8), u32 = std::ldexp(1.0, -24);
  for (bool split : {false, true})
    for (bool exact_a : {false, true}) {
      double worst = 0; // largest error / bound seen (reported)
      const double eb = exact_a ? (split ? u * u * (1 + u) : u) : (split ? u + u * u + u * u * u : 2 * u + u * u);
      for (const auto [m, n, k, ta, tb] : cases(r)) {
        Problem p = make_problem(m, n, k, ta, tb, r, general);
        if (exact_a)
          for (float &x : p.A)
            x = eighths(r);
        std::vector<float> C = p.C0;
        const float alpha = 0.75f, beta = -1.5f;
        sgemm_amx(ta, tb, m, n, k, alpha, p.A.data(), p.lda, p.B.data(), p.ldb, beta, C.data(), p.ldc, split);
        const int K = split ? 2 * k : k;
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < n; ++j) {
            const size_t q = static_cast<size_t>(i) * p.ldc + j;
            double s = 0, S = 0;
            for (int t = 0; t < k; ++t) {
              const double ab = static_cast<double>(a_at(p, i, t)) * b_at(p, t, j);
              s += ab;
              S += std::fabs(ab);
            }
            const double exact = alpha * s + beta * static_cast<double>(p.C0[q]);
            const double bound =
                alpha * (eb + 1.1 * (K + 2) * u32) * S + 4 * u32 * (alpha * S + std::fabs(beta * p.C0[q]));
            const double err = std::fabs(C[q] - exact);
            worst = std::max(worst, err / bound);
            ASSERT_LE(err, bound) << m << "x" << n << "x" << k << " ta " << ta << " tb " << tb << " split " << split
                                  << " exact_a " << exact_a << " (" << i << "," << j << ")";
          }
      }
      // The bound is not vacuous: the worst case uses a visible fraction of it (the rounding
      // really happens; a kernel rounding B to bf16 would break the split bound by ~100x).
      EXPECT_GT(worst, 0.05) << "split " << split << " exact_a " << exact_a;
      std::printf("split %d, A exact in bf16 %d: largest error / bound %.3f\n", split, exact_a, worst);
    }
}

TEST_F(AmxGemm, ThreadsSplitRowsWithoutChangingBits) {
  Rng r(13, 0);
  auto draw = [](Rng &g) { return static_cast<float>(2 * g.uniform() - 1); };
  for (bool ta : {false, true}) {
    Problem p = make_problem(300, 200, 500, ta, false, r, draw);
    std::vector<float> C1 = p.C0, C3 = p.C0;
    set_gemm_threads(1);
    sgemm_amx(ta, false, p.m, p.n, p.k, 1.0f, p.A.data(), p.lda, p.B.data(), p.ldb, 1.0f, C1.data(), p.ldc, true);
    set_gemm_threads(3);
    sgemm_amx(ta, false, p.m, p.n, p.k, 1.0f, p.A.data(), p.lda, p.B.data(), p.ldb, 1.0f, C3.data(), p.ldc, true);
    EXPECT_EQ(C1, C3);
  }
}

TEST_F(AmxGemm, TrainingFollowsTheSeedForAnyThreadCount) {
  // 400 binary rows of 300 pixels (two noisy prototypes); PCD-1 with momentum through both AMX
  // backends: 1, 2 and 3 threads give bit-identical models, and each model differs from the fp32
  // OpenBLAS one (bf16 rounding really is in the loop) while staying close to it.
  Dataset d;
  d.source = "stripes";
  d.rows = 400;
  d.cols = 300;
  d.width = 300;
  d.height = 1;
  d.x.resize(static_cast<size_t>(d.rows) * d.cols);
  Rng r(5, 0);
  for (int64_t i = 0; i < d.rows; ++i)
    for (int j = 0; j < d.cols; ++j)
      d.x[i * d.cols + j] = (((j / 30 + i) % 2 == 0) != (r.uniform() < 0.1)) ? 1.0f : 0.0f;
  RbmTrainOptions o;
  o.hidden = 64;
  o.epochs = 2;
  o.batch = 100;
  o.monitor_rows = 0;
  o.momentum = 0.5;
  for (GemmBackend be : {GemmBackend::Amx, GemmBackend::AmxBf16}) {
    o.threads = 1;
    set_gemm_backend(be);
    const Rbm m1 = train_rbm(d, o);
    for (int t : {2, 3}) {
      o.threads = t;
      const Rbm mt = train_rbm(d, o);
      EXPECT_EQ(mt.W, m1.W) << t << " threads, " << gemm_backend_name(be);
      EXPECT_EQ(mt.b, m1.b);
      EXPECT_EQ(mt.c, m1.c);
    }
    o.threads = 1;
    set_gemm_backend(GemmBackend::OpenBlas);
    const Rbm mo = train_rbm(d, o);
    double diff = 0, norm = 0;
    for (size_t q = 0; q < mo.W.size(); ++q) {
      diff = std::max(diff, static_cast<double>(std::fabs(mo.W[q] - m1.W[q])));
      norm = std::max(norm, static_cast<double>(std::fabs(mo.W[q])));
    }
    EXPECT_GT(diff, 0.0) << gemm_backend_name(be);
    EXPECT_LT(diff, 0.5 * norm) << gemm_backend_name(be);
  }
}
