// Tests of the time-series estimators against AR(1) processes and Gaussian samples with known answers.
#include "measure/estimators.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "core/rng.hpp"

namespace spinlab {
namespace {

// Standard normal deviates by Box-Muller from a counter-based stream (deterministic).
class Gaussian {
 public:
  Gaussian(uint64_t seed, uint64_t stream) : rng_(seed, stream) {}
  double operator()() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(rng_.uniform()));  // uniform() is in (0, 1)
    const double phi = 2.0 * std::numbers::pi * rng_.uniform();
    spare_ = r * std::sin(phi);
    has_spare_ = true;
    return r * std::cos(phi);
  }

 private:
  Rng rng_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// Stationary AR(1) with unit variance: x_t = phi x_{t-1} + sqrt(1 - phi^2) eps_t, x_0 ~ N(0, 1).
// rho(t) = phi^t, tau_int = (1 + phi) / (2 (1 - phi)).
std::vector<double> ar1(double phi, size_t n, uint64_t stream, uint64_t seed = 20240611) {
  Gaussian g(seed, stream);
  std::vector<double> x(n);
  const double s = std::sqrt(1.0 - phi * phi);
  x[0] = g();
  for (size_t t = 1; t < n; ++t) x[t] = phi * x[t - 1] + s * g();
  return x;
}

double ar1_tau(double phi) { return (1.0 + phi) / (2.0 * (1.0 - phi)); }

std::vector<double> iid(size_t n, uint64_t stream) { return ar1(0.0, n, stream); }

bool finite(const Estimate& e) {
  return std::isfinite(e.mean) && std::isfinite(e.error) && std::isfinite(e.tau_int) && std::isfinite(e.n_eff);
}

// ---------------------------------------------------------------------------------------------
// Autocorrelation and Madras-Sokal tau_int

TEST(Autocorrelation, FftMatchesDirectSum) {
  const auto x = ar1(0.7, 1000, 1);  // not a power of two; lags beyond the direct-sum range
  double m = 0.0;
  for (double v : x) m += v;
  m /= static_cast<double>(x.size());
  auto direct = [&](size_t t) {
    double s = 0.0;
    for (size_t i = 0; i + t < x.size(); ++i) s += (x[i] - m) * (x[i + t] - m);
    return s / static_cast<double>(x.size() - t);
  };
  const auto rho = autocorrelation(x, 400);
  ASSERT_EQ(rho.size(), 401u);
  EXPECT_EQ(rho[0], 1.0);
  for (size_t t = 0; t <= 400; ++t) EXPECT_NEAR(rho[t], direct(t) / direct(0), 1e-12) << "t = " << t;
  // Short max_lag (direct-sum path) agrees with the FFT path.
  const auto rho_short = autocorrelation(x, 10);
  ASSERT_EQ(rho_short.size(), 11u);
  for (size_t t = 0; t <= 10; ++t) EXPECT_NEAR(rho_short[t], rho[t], 1e-12);
  // max_lag >= n is truncated to n - 1.
  EXPECT_EQ(autocorrelation(std::span<const double>(x).first(5), 100).size(), 5u);
}

TEST(Autocorrelation, Ar1DecaysAsPhiToTheT) {
  const double phi = 0.8;
  const auto x = ar1(phi, 1 << 18, 2);
  const auto rho = autocorrelation(x, 40);
  for (size_t t = 1; t <= 10; ++t) EXPECT_NEAR(rho[t], std::pow(phi, static_cast<double>(t)), 0.02) << "t = " << t;
}

class Ar1Long : public ::testing::TestWithParam<double> {};

TEST_P(Ar1Long, TauErrorAndMeanMatchExact) {
  const double phi = GetParam();
  const size_t n = size_t{1} << 20;
  const auto x = ar1(phi, n, 100 + static_cast<uint64_t>(std::lround(phi * 100)));
  const double tau_exact = ar1_tau(phi);

  const auto ms = integrated_autocorrelation(x);
  EXPECT_TRUE(ms.converged);
  EXPECT_LT(std::abs(ms.tau_int - tau_exact), 4.0 * ms.error);
  EXPECT_LT(std::abs(ms.tau_int - tau_exact) / tau_exact, 0.10);
  EXPECT_GE(static_cast<double>(ms.window), 6.0 * ms.tau_int);

  // Binning error at the chosen level vs the exact standard error of the mean (variance 1).
  const size_t block = choose_block_size(ms.tau_int, n);
  const double se_exact = std::sqrt(2.0 * tau_exact / static_cast<double>(n));
  double binned = -1.0;
  for (const auto& level : binning_analysis(x))
    if (level.block_size == block) binned = level.error;
  ASSERT_GT(binned, 0.0) << "no binning level with block " << block;
  EXPECT_LT(std::abs(binned / se_exact - 1.0), 0.10);

  const Estimate e = estimate_mean(x);
  EXPECT_DOUBLE_EQ(e.error, binned);  // blocks of >= 10 tau fit: no tau fallback
  EXPECT_DOUBLE_EQ(e.tau_int, ms.tau_int);
  EXPECT_NEAR(e.n_eff, static_cast<double>(n) / (2.0 * ms.tau_int), 1e-6);
  EXPECT_LT(std::abs(e.mean) / e.error, 4.0);

  std::printf("  phi = %.2f: tau_int = %.4f +- %.4f (exact %.4f, W = %zu), block %zu, binned error %.4e "
              "(exact %.4e, ratio %.4f), mean %.2e (%.2f sigma)\n",
              phi, ms.tau_int, ms.error, tau_exact, ms.window, block, binned, se_exact, binned / se_exact, e.mean,
              e.mean / e.error);
}

INSTANTIATE_TEST_SUITE_P(Phis, Ar1Long, ::testing::Values(0.0, 0.5, 0.9, 0.98));

TEST(IntegratedAutocorrelation, ShortRunIsFlaggedUnconverged) {
  // A linear trend (a run far shorter than the relaxation) keeps rho(t) > 0.37 up to t = n/4, so
  // the window outgrows n/4 = 256: tau is reported at W = n/4 with converged = false. (Random
  // series are unreliable here: a random walk or an AR(1) with tau ~ n/10 often swings back
  // across its mean, rho turns negative and the window closes early, as it should by the rule.)
  const size_t n = 1024;
  std::vector<double> x(n);
  for (size_t t = 0; t < n; ++t) x[t] = static_cast<double>(t);
  const auto ms = integrated_autocorrelation(x);
  EXPECT_FALSE(ms.converged);
  EXPECT_EQ(ms.window, 256u);
  EXPECT_TRUE(std::isfinite(ms.tau_int));
  EXPECT_TRUE(std::isfinite(ms.error));
  EXPECT_GT(ms.tau_int, 0.5 * 256.0 / 6.0);
  // estimate_mean falls back on sqrt(2 tau var / n), larger than the capped blocked error.
  const Estimate e = estimate_mean(x);
  double var = 0.0;
  for (double v : x) var += (v - 511.5) * (v - 511.5);
  var /= static_cast<double>(n - 1);
  EXPECT_DOUBLE_EQ(e.mean, 511.5);
  EXPECT_NEAR(e.error, std::sqrt(2.0 * ms.tau_int * var / static_cast<double>(n)), 1e-9 * e.error);
}

TEST(IntegratedAutocorrelation, WindowConstantChangesWindow) {
  const auto x = ar1(0.5, 1 << 16, 4);
  const auto c6 = integrated_autocorrelation(x);
  const auto c10 = integrated_autocorrelation(x, 10.0);
  EXPECT_GE(static_cast<double>(c10.window), 10.0 * c10.tau_int);
  EXPECT_GT(c10.window, c6.window);
  EXPECT_THROW(integrated_autocorrelation(x, 0.0), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Binning and block size

TEST(Binning, LevelsAndIidPlateau) {
  const size_t n = 1000;
  const auto x = iid(n, 5);
  const auto levels = binning_analysis(x, 32);
  ASSERT_EQ(levels.size(), 5u);  // blocks 1, 2, 4, 8, 16 (n/16 = 62 >= 32, n/32 = 31 < 32)
  for (size_t k = 0; k < levels.size(); ++k) {
    EXPECT_EQ(levels[k].block_size, size_t{1} << k);
    EXPECT_EQ(levels[k].num_blocks, n >> k);
  }
  // Level 0 is the naive error s / sqrt(n).
  double m = 0.0, ss = 0.0;
  for (double v : x) m += v;
  m /= static_cast<double>(n);
  for (double v : x) ss += (v - m) * (v - m);
  EXPECT_NEAR(levels[0].error, std::sqrt(ss / (n - 1) / n), 1e-14);
  EXPECT_TRUE(binning_analysis(x, 2000).empty());
}

TEST(Binning, ChooseBlockSize) {
  EXPECT_EQ(choose_block_size(0.5, 1 << 20), 8u);       // 10 tau = 5
  EXPECT_EQ(choose_block_size(1.6, 1 << 20), 16u);      // 10 tau = 16 exactly
  EXPECT_EQ(choose_block_size(49.5, 1 << 20), 512u);
  EXPECT_EQ(choose_block_size(0.0, 1 << 20), 1u);
  EXPECT_EQ(choose_block_size(1e6, 1 << 20), 32768u);   // capped: 2^20 / 32 blocks
  EXPECT_EQ(choose_block_size(1e6, 1000), 16u);         // 1000 / 16 = 62 >= 32, 1000 / 32 < 32
  EXPECT_EQ(choose_block_size(5.0, 10), 1u);            // not even 32 blocks of 1: at least 1
  EXPECT_EQ(choose_block_size(5.0, 100, 4), 16u);       // 100 / 16 = 6 >= 4, 100 / 32 = 3
  EXPECT_EQ(choose_block_size(std::numeric_limits<double>::quiet_NaN(), 1 << 20), 1u);
  EXPECT_EQ(choose_block_size(std::numeric_limits<double>::infinity(), 1 << 20), 32768u);
}

// ---------------------------------------------------------------------------------------------
// Calibration of the error bars over independent runs

class Calibration : public ::testing::TestWithParam<double> {};

TEST_P(Calibration, OneSigmaCoverageIs68Percent) {
  const double phi = GetParam();
  const int runs = 200;
  const size_t n = 8192;
  int inside = 0;
  for (int r = 0; r < runs; ++r) {
    const auto x = ar1(phi, n, 1000 * (1 + static_cast<uint64_t>(std::lround(phi * 100))) + static_cast<uint64_t>(r));
    const Estimate e = estimate_mean(x);
    if (std::abs(e.mean) < e.error) ++inside;
  }
  const double p = 0.6827, frac = static_cast<double>(inside) / runs;
  const double band = 4.0 * std::sqrt(p * (1.0 - p) / runs);
  EXPECT_LT(std::abs(frac - p), band);
  std::printf("  phi = %.2f: %d / %d runs with |mean| < error (%.3f; 0.683 +- %.3f allowed)\n", phi, inside, runs,
              frac, band);
}

INSTANTIATE_TEST_SUITE_P(Phis, Calibration, ::testing::Values(0.0, 0.5, 0.9));

// ---------------------------------------------------------------------------------------------
// Jackknife

TEST(Jackknife, LinearFunctionReproducesBinningError) {
  const auto x = ar1(0.9, 1 << 14, 6);
  const std::span<const double> cols[1] = {x};
  const size_t block = 64;
  const Estimate e = jackknife(cols, [](std::span<const double> m) { return m[0]; }, block);
  double binned = -1.0;
  for (const auto& level : binning_analysis(x))
    if (level.block_size == block) binned = level.error;
  EXPECT_NEAR(e.error, binned, 1e-12 * binned);
  double m = 0.0;
  for (double v : x) m += v;
  EXPECT_NEAR(e.mean, m / static_cast<double>(x.size()), 1e-13);  // 2^14 / 64 blocks: nothing dropped
  EXPECT_DOUBLE_EQ(e.tau_int, integrated_autocorrelation(x).tau_int);
}

TEST(Jackknife, SquareOfMeanMatchesDeltaMethodAndIsBiasCorrected) {
  // f = m^2 with m = <x>, x ~ N(1, 1): delta method error 2 |m| err(m).
  const size_t n = 1 << 16;
  auto x = iid(n, 7);
  for (auto& v : x) v += 1.0;
  const std::span<const double> cols[1] = {x};
  const Estimate e = jackknife(cols, [](std::span<const double> m) { return m[0] * m[0]; }, 1);
  double m = 0.0, ss = 0.0;
  for (double v : x) m += v;
  m /= static_cast<double>(n);
  for (double v : x) ss += (v - m) * (v - m);
  const double var = ss / static_cast<double>(n - 1);
  const double delta = 2.0 * std::abs(m) * std::sqrt(var / static_cast<double>(n));
  EXPECT_NEAR(e.error / delta, 1.0, 1e-3);
  // The bias-corrected jackknife of m^2 is exactly m^2 - s^2 / n (unbiased for mu^2).
  EXPECT_NEAR(e.mean, m * m - var / static_cast<double>(n), 1e-12);
  // With blocks of 16 the delta method uses the blocked error of the mean.
  const Estimate eb = jackknife(cols, [](std::span<const double> mm) { return mm[0] * mm[0]; }, 16);
  double binned = -1.0;
  for (const auto& level : binning_analysis(x))
    if (level.block_size == 16) binned = level.error;
  EXPECT_NEAR(eb.error / (2.0 * std::abs(m) * binned), 1.0, 2e-3);
  std::printf("  m^2: jackknife error %.6e, delta method %.6e\n", e.error, delta);
}

TEST(Jackknife, VarianceOfGaussianMatchesExact) {
  // Var = <x^2> - <x>^2 on N(0, 1): exact 1 with standard error sqrt(2 / n).
  const size_t n = 1 << 18;
  const auto x = iid(n, 8);
  std::vector<double> x2(n);
  for (size_t i = 0; i < n; ++i) x2[i] = x[i] * x[i];
  const std::span<const double> cols[2] = {x, x2};
  auto var_of = [](std::span<const double> m) { return m[1] - m[0] * m[0]; };
  const Estimate e = jackknife(cols, var_of, 1);
  const double se = std::sqrt(2.0 / static_cast<double>(n));
  EXPECT_LT(std::abs(e.mean - 1.0) / se, 4.0);
  EXPECT_NEAR(e.error / se, 1.0, 0.05);
  // With single-sample blocks the bias-corrected plug-in variance is the unbiased variance.
  double m = 0.0, ss = 0.0;
  for (double v : x) m += v;
  m /= static_cast<double>(n);
  for (double v : x) ss += (v - m) * (v - m);
  EXPECT_NEAR(e.mean, ss / static_cast<double>(n - 1), 1e-10);
  EXPECT_NEAR(e.tau_int, 0.5, 0.02);
  std::printf("  variance: %.5f +- %.5f (exact 1 +- %.5f, z = %.2f)\n", e.mean, e.error, se, (e.mean - 1.0) / se);
}

TEST(Jackknife, RejectsBadInput) {
  const std::vector<double> a(100, 1.0), b(99, 1.0);
  auto first = [](std::span<const double> m) { return m[0]; };
  const std::span<const double> mismatched[2] = {a, b};
  EXPECT_THROW(jackknife(mismatched, first, 1), std::invalid_argument);
  const std::span<const double> one[1] = {a};
  EXPECT_THROW(jackknife(one, first, 51), std::invalid_argument);  // a single block
  EXPECT_THROW(jackknife(one, first, 0), std::invalid_argument);
  EXPECT_THROW(jackknife(std::span<const std::span<const double>>{}, first, 1), std::invalid_argument);
  EXPECT_NO_THROW(jackknife(one, first, 50));  // exactly two blocks
}

// ---------------------------------------------------------------------------------------------
// Covariance

class CovarianceIid : public ::testing::TestWithParam<double> {};

TEST_P(CovarianceIid, MatchesExactRho) {
  // a = x, b = rho x + sqrt(1 - rho^2) y: Cov = rho, Var[ab] = 1 + rho^2.
  const double rho = GetParam();
  const size_t n = 1 << 16;
  const auto x = iid(n, 9), y = iid(n, 10);
  std::vector<double> b(n);
  for (size_t i = 0; i < n; ++i) b[i] = rho * x[i] + std::sqrt(1.0 - rho * rho) * y[i];
  const Estimate e = covariance(x, b);
  const double se = std::sqrt((1.0 + rho * rho) / static_cast<double>(n));
  EXPECT_LT(std::abs(e.mean - rho) / e.error, 4.0);
  EXPECT_NEAR(e.error / se, 1.0, 0.10);
  EXPECT_NEAR(e.tau_int, 0.5, 0.05);
  std::printf("  rho = %.2f: cov %.5f +- %.5f (exact error %.5f, z = %.2f)\n", rho, e.mean, e.error, se,
              (e.mean - rho) / e.error);
}

INSTANTIATE_TEST_SUITE_P(Rhos, CovarianceIid, ::testing::Values(0.0, 0.3, 0.8, -0.6));

TEST(Covariance, CorrelatedSeriesAndLargeOffset) {
  // AR(1) pairs: the block size follows tau_int; a large common offset must not matter.
  const double rho = 0.5, phi = 0.9;
  const size_t n = 1 << 17;
  const auto x = ar1(phi, n, 11), y = ar1(phi, n, 12);
  std::vector<double> a(n), b(n);
  for (size_t i = 0; i < n; ++i) {
    a[i] = 1e6 + x[i];
    b[i] = -3e5 + rho * x[i] + std::sqrt(1.0 - rho * rho) * y[i];
  }
  const Estimate e = covariance(a, b);
  EXPECT_LT(std::abs(e.mean - rho) / e.error, 4.0);
  EXPECT_NEAR(e.tau_int, ar1_tau(phi), 0.1 * ar1_tau(phi));
  // Exact: Var(mean of ab) ~ (2 / n) sum_t Cov(a_0 b_0, a_t b_t) = (1 + rho^2) * tau_int(phi^2) * 2 / n.
  const double se = std::sqrt(2.0 * (1.0 + rho * rho) * ar1_tau(phi * phi) / static_cast<double>(n));
  EXPECT_NEAR(e.error / se, 1.0, 0.15);
  std::printf("  AR(1) pair: cov %.5f +- %.5f (exact %.2f +- %.5f), tau_int %.3f\n", e.mean, e.error, rho, se,
              e.tau_int);
}

TEST(Covariance, RejectsBadInput) {
  const std::vector<double> a(10, 1.0), b(11, 1.0);
  EXPECT_THROW(covariance(a, b), std::invalid_argument);
  EXPECT_THROW(covariance(std::span<const double>(a).first(1), std::span<const double>(b).first(1)),
               std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Degenerate input: constant, tiny, anticorrelated

TEST(Degenerate, ConstantSeries) {
  const std::vector<double> x(1000, 0.1);
  const auto rho = autocorrelation(x, 100);
  ASSERT_EQ(rho.size(), 101u);
  EXPECT_EQ(rho[0], 1.0);
  for (size_t t = 1; t < rho.size(); ++t) EXPECT_EQ(rho[t], 0.0);
  const auto ms = integrated_autocorrelation(x);
  EXPECT_EQ(ms.tau_int, 0.5);
  EXPECT_EQ(ms.error, 0.0);
  EXPECT_TRUE(ms.converged);
  const Estimate e = estimate_mean(x);
  EXPECT_EQ(e.mean, 0.1);
  EXPECT_EQ(e.error, 0.0);
  EXPECT_EQ(e.tau_int, 0.5);
  EXPECT_EQ(e.n_eff, 1000.0);
  for (const auto& level : binning_analysis(x)) EXPECT_EQ(level.error, 0.0);
  const std::span<const double> cols[1] = {x};
  const Estimate j = jackknife(cols, [](std::span<const double> m) { return m[0] * m[0]; }, 10);
  EXPECT_TRUE(finite(j));
  EXPECT_EQ(j.error, 0.0);
  const Estimate c = covariance(x, x);
  EXPECT_TRUE(finite(c));
  EXPECT_EQ(c.mean, 0.0);
  EXPECT_EQ(c.error, 0.0);
}

TEST(Degenerate, TinySeries) {
  const std::vector<double> empty;
  EXPECT_TRUE(autocorrelation(empty, 5).empty());
  const Estimate e0 = estimate_mean(empty);
  EXPECT_TRUE(finite(e0));
  EXPECT_EQ(e0.n_eff, 0.0);
  EXPECT_FALSE(integrated_autocorrelation(empty).converged);

  const std::vector<double> one{3.0};
  const Estimate e1 = estimate_mean(one);
  EXPECT_EQ(e1.mean, 3.0);
  EXPECT_EQ(e1.error, 0.0);
  EXPECT_EQ(e1.n_eff, 1.0);
  EXPECT_EQ(autocorrelation(one, 5), std::vector<double>{1.0});

  const auto x = ar1(0.5, 40, 13);
  for (size_t n = 2; n <= x.size(); ++n) {
    const auto s = std::span<const double>(x).first(n);
    const Estimate e = estimate_mean(s);
    EXPECT_TRUE(finite(e)) << "n = " << n;
    EXPECT_GT(e.error, 0.0) << "n = " << n;
    const auto ms = integrated_autocorrelation(s);
    EXPECT_TRUE(std::isfinite(ms.tau_int) && std::isfinite(ms.error)) << "n = " << n;
    EXPECT_LE(ms.window, n / 4) << "n = " << n;
    for (double r : autocorrelation(s, n)) EXPECT_TRUE(std::isfinite(r)) << "n = " << n;
  }
}

TEST(Degenerate, UnderflowingVarianceStaysFinite) {
  std::vector<double> x(64, 0.0);
  x[7] = 1e-200;  // (1e-200)^2 underflows: treated like a constant series
  for (double r : autocorrelation(x, 20)) EXPECT_TRUE(std::isfinite(r));
  EXPECT_TRUE(finite(estimate_mean(x)));
  EXPECT_TRUE(std::isfinite(integrated_autocorrelation(x).tau_int));
}

TEST(Degenerate, AlternatingSeriesStaysFinite) {
  std::vector<double> x(1024);
  for (size_t i = 0; i < x.size(); ++i) x[i] = (i % 2 == 0) ? 1.0 : -1.0;
  const auto ms = integrated_autocorrelation(x);
  EXPECT_GT(ms.tau_int, 0.0);
  EXPECT_TRUE(std::isfinite(ms.error));
  const Estimate e = estimate_mean(x);
  EXPECT_TRUE(finite(e));
  EXPECT_NEAR(e.mean, 0.0, 1e-15);
}

// A rare slow mode of small amplitude: white noise plus 0.1 x a telegraph signal that flips with
// probability 1e-3 per step. rho(t) ~ 0.01 (1 - 2e-3)^t is too small for the Madras-Sokal
// window (it closes at W ~ 4, tau ~ 0.5) while the true tau_int is ~ 5.4: without the binning
// cross-check the error bars would be ~3x too small. Over 60 independent series the fraction of
// |mean| < error must be 68% within a 4-sigma binomial band.
TEST(EstimateMean, RareSlowModeGetsHonestErrorBars) {
  const size_t n = size_t{1} << 18;
  const int reps = 60;
  int inside = 0;
  double tau_min = 1e9;
  for (int r = 0; r < reps; ++r) {
    Gaussian g(777, 5000 + static_cast<uint64_t>(r));
    Rng flip(778, 5000 + static_cast<uint64_t>(r));
    std::vector<double> x(n);
    double telegraph = (flip.next_u32() & 1u) ? 1.0 : -1.0;
    for (size_t t = 0; t < n; ++t) {
      if (flip.uniform() < 1e-3) telegraph = -telegraph;
      x[t] = g() + 0.1 * telegraph;
    }
    const Estimate e = estimate_mean(x);
    inside += std::fabs(e.mean) < e.error;
    tau_min = std::min(tau_min, e.tau_int);
  }
  const double p = 0.6827, frac = static_cast<double>(inside) / reps;
  EXPECT_LT(std::fabs(frac - p), 4.0 * std::sqrt(p * (1 - p) / reps)) << inside << " of " << reps;
  EXPECT_GT(tau_min, 2.0);  // tau_int was raised to match the error, not left at ~0.5
}

// The thermalisation check: an unrelaxed start (an offset of 5 standard deviations decaying over
// the first 5%) is flagged at |z| > 4; a stationary AR(1) series is not.
TEST(HalfDifference, FlagsADriftAndPassesStationarySeries) {
  auto x = ar1(0.5, 20000, 4242);
  EXPECT_LT(std::fabs(half_difference(x).mean / half_difference(x).error), 4.0);
  for (size_t t = 0; t < 1000; ++t) x[t] += 5.0 * std::exp(-static_cast<double>(t) / 300.0);
  const Estimate d = half_difference(x);
  EXPECT_GT(std::fabs(d.mean / d.error), 4.0) << d.mean << " +- " << d.error;
  EXPECT_EQ(half_difference(std::vector<double>(20, 1.0)).error, 0.0);  // too short: no verdict
}

}  // namespace
}  // namespace spinlab
