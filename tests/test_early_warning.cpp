// Early-warning signals: the O(n) rolling indicators against direct per-window formulas, Kendall
// tau-b against a brute-force count with ties, detrending, a ramping AR(1) that must be flagged,
// a stationary AR(1) that must not be, and independence of the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "measure/early_warning.hpp"

namespace spinlab {
namespace {

double normal53(Rng& rng) {
  const double u1 = 1.0 - rng.uniform53(), u2 = rng.uniform53();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// x_t = phi(t) x_{t-1} + z_t with phi ramping linearly from phi0 to phi1.
std::vector<double> ar1_series(size_t n, double phi0, double phi1, uint64_t seed) {
  Rng rng(seed, 0);
  std::vector<double> x(n);
  double v = 0.0;
  for (size_t t = 0; t < n; ++t) {
    const double phi = phi0 + (phi1 - phi0) * static_cast<double>(t) / static_cast<double>(n - 1);
    v = phi * v + normal53(rng);
    x[t] = v;
  }
  return x;
}

void expect_close(double a, double b, const std::string& what) {
  EXPECT_LE(std::fabs(a - b), 1e-9 * std::max(1.0, std::fabs(b))) << what << ": " << a << " vs " << b;
}

TEST(EarlyWarning, RollingIndicatorsEqualDirectWindowFormulas) {
  // Offset and drift, so the running sums must cope with a mean far from zero that moves.
  Rng rng(5, 0);
  const size_t n = 700, w = 97;
  std::vector<double> x(n);
  for (size_t t = 0; t < n; ++t) x[t] = 1000.0 + 0.05 * static_cast<double>(t) + normal53(rng) * (1.0 + 0.002 * t);
  const auto r = rolling_indicators(x, w);
  for (size_t t = 0; t < n; ++t) {
    if (t + 1 < w) {
      for (int k = 0; k < 4; ++k) EXPECT_TRUE(std::isnan(r[k][t])) << k << " at " << t;
      continue;
    }
    const size_t f = t + 1 - w;
    const double m = static_cast<double>(w);
    double mean = 0.0;
    for (size_t i = f; i <= t; ++i) mean += x[i];
    mean /= m;
    double m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (size_t i = f; i <= t; ++i) {
      const double d = x[i] - mean;
      m2 += d * d / m;
      m3 += d * d * d / m;
      m4 += d * d * d * d / m;
    }
    // pandas: var (ddof 1), skew (adjusted Fisher-Pearson), kurt (bias-corrected excess).
    const double var = m2 * m / (m - 1.0);
    const double skew = std::sqrt(m * (m - 1.0)) / (m - 2.0) * m3 / std::pow(m2, 1.5);
    const double kurt = (m - 1.0) / ((m - 2.0) * (m - 3.0)) * ((m + 1.0) * (m4 / (m2 * m2) - 3.0) + 6.0);
    // Lag-1 autocorrelation: Pearson correlation of (x_{i-1}, x_i) inside the window.
    double ma = 0.0, mb = 0.0;
    for (size_t i = f + 1; i <= t; ++i) {
      ma += x[i - 1] / (m - 1.0);
      mb += x[i] / (m - 1.0);
    }
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t i = f + 1; i <= t; ++i) {
      sab += (x[i - 1] - ma) * (x[i] - mb);
      saa += (x[i - 1] - ma) * (x[i - 1] - ma);
      sbb += (x[i] - mb) * (x[i] - mb);
    }
    const double ac = sab / std::sqrt(saa * sbb);
    const std::string at = " at t = " + std::to_string(t);
    expect_close(r[kEwsVariance][t], var, "variance" + at);
    expect_close(r[kEwsLag1Autocorrelation][t], ac, "lag-1 autocorrelation" + at);
    expect_close(r[kEwsSkewness][t], skew, "skewness" + at);
    expect_close(r[kEwsKurtosis][t], kurt, "kurtosis" + at);
  }
}

TEST(EarlyWarning, ConstantWindowsHaveNoShapeIndicators) {
  std::vector<double> x(60, 3.0);
  for (size_t t = 40; t < 60; ++t) x[t] = static_cast<double>(t % 3);
  const auto r = rolling_indicators(x, 10);
  EXPECT_EQ(r[kEwsVariance][20], 0.0);
  EXPECT_TRUE(std::isnan(r[kEwsSkewness][20]));
  EXPECT_TRUE(std::isnan(r[kEwsKurtosis][20]));
  EXPECT_TRUE(std::isnan(r[kEwsLag1Autocorrelation][20]));
  EXPECT_GT(r[kEwsVariance][59], 0.0);
  EXPECT_FALSE(std::isnan(r[kEwsSkewness][59]));
  EXPECT_THROW(rolling_indicators(x, 3), InputError);
}

double brute_force_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  double c = 0, d = 0, tx = 0, ty = 0, n0 = 0;
  for (size_t i = 0; i < x.size(); ++i)
    for (size_t j = i + 1; j < x.size(); ++j) {
      const double sx = (x[i] > x[j]) - (x[i] < x[j]), sy = (y[i] > y[j]) - (y[i] < y[j]);
      n0 += 1;
      if (sx == 0) tx += 1;
      if (sy == 0) ty += 1;
      if (sx * sy > 0) c += 1;
      if (sx * sy < 0) d += 1;
    }
  return (c - d) / std::sqrt((n0 - tx) * (n0 - ty));
}

TEST(EarlyWarning, KendallTauBEqualsBruteForceWithTies) {
  Rng rng(9, 0);
  for (uint32_t levels : {2u, 3u, 7u, 1000000u}) {
    std::vector<double> x(301), y(301);
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] = rng.below(levels);
      y[i] = rng.below(levels) + 0.3 * x[i];
    }
    expect_close(kendall_tau_b(x, y), brute_force_tau_b(x, y), "levels " + std::to_string(levels));
    // Against the index (the indicator trend): x without ties.
    std::vector<double> t(y.size());
    for (size_t i = 0; i < t.size(); ++i) t[i] = static_cast<double>(i);
    expect_close(kendall_tau_b(t, y), brute_force_tau_b(t, y), "against the index");
  }
  // NaN pairs are dropped; constant or too short gives NaN; a perfect trend gives 1 and -1.
  std::vector<double> a = {1, 2, NAN, 4, 5}, b = {2, 1, 7, 4, 8};
  expect_close(kendall_tau_b(a, b), brute_force_tau_b({1, 2, 4, 5}, {2, 1, 4, 8}), "NaN dropped");
  EXPECT_TRUE(std::isnan(kendall_tau_b(std::vector<double>{1, 2, 3}, std::vector<double>{5, 5, 5})));
  EXPECT_TRUE(std::isnan(kendall_tau_b(std::vector<double>{1}, std::vector<double>{2})));
  EXPECT_DOUBLE_EQ(kendall_tau_b(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6}), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau_b(std::vector<double>{1, 2, 3}, std::vector<double>{6, 5, 4}), -1.0);
}

TEST(EarlyWarning, Detrending) {
  // Linear: an exact line is all trend.
  std::vector<double> line(300);
  for (size_t t = 0; t < line.size(); ++t) line[t] = 2.5 - 0.75 * static_cast<double>(t);
  const auto lt = ews_trend(line, Detrend::linear, 0.0);
  for (size_t t = 0; t < line.size(); ++t) EXPECT_NEAR(lt[t], line[t], 1e-9) << t;
  // None: zero trend.
  for (double v : ews_trend(line, Detrend::none, 0.0)) EXPECT_EQ(v, 0.0);
  // Gaussian smoothing of a constant is that constant, on the direct path (short kernel) and the
  // FFT path (n (2 radius + 1) above 4e6), including kernels longer than the series.
  for (size_t n : {100, 5000})
    for (double bw : {0.05, 0.2, 1.0}) {
      const std::vector<double> c(n, -3.25);
      const auto g = ews_trend(c, Detrend::gaussian, bw);
      for (size_t t = 0; t < n; ++t) ASSERT_NEAR(g[t], -3.25, 1e-12) << "n " << n << " bw " << bw << " t " << t;
    }
  // The FFT path equals the direct reflected sum (scipy.ndimage.gaussian_filter, mode reflect).
  Rng rng(3, 0);
  const size_t n = 3000;
  std::vector<double> x(n);
  for (size_t t = 0; t < n; ++t) x[t] = std::sin(0.01 * static_cast<double>(t)) + normal53(rng);
  for (double bw : {0.3, 0.9}) {
    const double sigma = bw * n;
    const auto radius = static_cast<int64_t>(4.0 * sigma + 0.5);
    double total = 0.0;
    for (int64_t k = -radius; k <= radius; ++k) total += std::exp(-0.5 * k * k / (sigma * sigma));
    const auto g = ews_trend(x, Detrend::gaussian, bw);
    const auto N = static_cast<int64_t>(n);
    for (size_t i = 0; i < n; i += 37) {
      double s = 0.0;
      for (int64_t k = -radius; k <= radius; ++k) {
        int64_t j = ((static_cast<int64_t>(i) + k) % (2 * N) + 2 * N) % (2 * N);
        if (j >= N) j = 2 * N - 1 - j;
        s += std::exp(-0.5 * k * k / (sigma * sigma)) / total * x[j];
      }
      EXPECT_NEAR(g[i], s, 1e-10) << "bw " << bw << " t " << i;
    }
  }
  // The residuals of the full function are series - trend.
  EwsOptions o;
  o.detrend = Detrend::linear;
  o.surrogates = 0;
  const auto r = early_warning_signals(line, o);
  for (double v : r.residuals) EXPECT_NEAR(v, 0.0, 1e-9);
  EXPECT_TRUE(std::isnan(r.indicators[kEwsVariance].p_value));
}

TEST(EarlyWarning, RampingAr1IsFlagged) {
  const auto x = ar1_series(2000, 0.1, 0.95, 21);
  EwsOptions o;
  o.seed = 4;
  o.threads = 2;
  const auto r = early_warning_signals(x, o);
  EXPECT_EQ(r.window_points, 1000u);
  EXPECT_EQ(r.indicators[kEwsLag1Autocorrelation].name, "lag1_autocorrelation");
  EXPECT_GT(r.indicators[kEwsLag1Autocorrelation].kendall_tau, 0.5);
  EXPECT_LT(r.indicators[kEwsLag1Autocorrelation].p_value, 0.05);
  EXPECT_GT(r.indicators[kEwsVariance].kendall_tau, 0.5);
  EXPECT_LT(r.indicators[kEwsVariance].p_value, 0.05);
  // The residual AR(1) coefficient lies inside the ramp.
  EXPECT_GT(r.ar1, 0.3);
  EXPECT_LT(r.ar1, 0.95);
  // Indicator values exist exactly from the first full window on.
  EXPECT_TRUE(std::isnan(r.indicators[kEwsVariance].series[998]));
  EXPECT_FALSE(std::isnan(r.indicators[kEwsVariance].series[999]));
}

TEST(EarlyWarning, StationaryAr1IsNotFlagged) {
  int quiet = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const auto x = ar1_series(500, 0.5, 0.5, 100 + seed);
    EwsOptions o;
    o.surrogates = 200;
    o.seed = seed;
    const auto r = early_warning_signals(x, o);
    EXPECT_NEAR(r.ar1, 0.5, 0.15) << seed;
    if (r.indicators[kEwsLag1Autocorrelation].p_value >= 0.05) ++quiet;
  }
  EXPECT_GE(quiet, 18);
}

TEST(EarlyWarning, ResultsDoNotDependOnThreadsAndFollowTheSeed) {
  const auto x = ar1_series(400, 0.2, 0.9, 8);
  EwsOptions o;
  o.surrogates = 150;
  o.seed = 77;
  o.threads = 1;
  const auto a = early_warning_signals(x, o);
  o.threads = 4;
  const auto b = early_warning_signals(x, o);
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(a.indicators[k].kendall_tau, b.indicators[k].kendall_tau);
    EXPECT_EQ(a.indicators[k].p_value, b.indicators[k].p_value);
    EXPECT_EQ(a.indicators[k].surrogate_taus, b.indicators[k].surrogate_taus);
  }
  o.seed = 78;
  const auto c = early_warning_signals(x, o);
  EXPECT_NE(a.indicators[kEwsVariance].surrogate_taus, c.indicators[kEwsVariance].surrogate_taus);
  EXPECT_EQ(a.indicators[kEwsVariance].kendall_tau, c.indicators[kEwsVariance].kendall_tau);
}

TEST(EarlyWarning, BadInputThrows) {
  const auto x = ar1_series(100, 0.5, 0.5, 1);
  EwsOptions o;
  o.surrogates = 0;
  EXPECT_THROW(early_warning_signals(std::span<const double>(x.data(), 19), o), InputError);
  for (double w : {0.0, 1.0, -0.2, 0.03}) {
    EwsOptions b = o;
    b.window = w;
    EXPECT_THROW(early_warning_signals(x, b), InputError) << w;
  }
  EwsOptions b = o;
  b.bandwidth = 0.0;
  EXPECT_THROW(early_warning_signals(x, b), InputError);
  b = o;
  b.threads = 0;
  EXPECT_THROW(early_warning_signals(x, b), InputError);
  std::vector<double> y = x;
  y[50] = NAN;
  EXPECT_THROW(early_warning_signals(y, o), InputError);
}

}  // namespace
}  // namespace spinlab
