// Early-warning signals of a critical transition in one time series: detrending, rolling-window
// variance, lag-1 autocorrelation, skewness and kurtosis, their Kendall-tau trends, and p-values
// of those trends from AR(1) surrogates.
//
// The definitions follow ewstools (T. M. Bury, "ewstools: A Python package for early warning
// signals of bifurcations in time series data", JOSS 8, 5038 (2023)), which computes its
// indicators with scipy and pandas; each function below names the expression it reproduces.
// The surrogate test is the one of Dakos et al., "Methods for detecting early warnings of
// critical transitions in time series illustrated using simulated ecological data", PLoS ONE 7,
// e41010 (2012).
//
// n is the length of the series, t = 0..n-1 its index (samples are taken as evenly spaced; a
// separate time axis only labels the output).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace spinlab {

enum class Detrend {
  /// trend = Gaussian kernel smoothing of the series, residual = series - trend. Exactly
  /// scipy.ndimage.gaussian_filter(x, sigma = bandwidth * n, mode = "reflect") as ewstools'
  /// detrend(method = "Gaussian") calls it: weights exp(-k^2 / (2 sigma^2)) for |k| <= radius =
  /// int(4 sigma + 0.5), normalised to sum 1, the series extended beyond its ends by half-sample
  /// symmetric reflection (x[-1-k] = x[k], repeated with period 2n when the kernel is longer than
  /// the series).
  gaussian,
  /// trend = the least-squares straight line a + b t, residual = series - trend.
  linear,
  /// no detrending: trend = 0, residual = the series itself (ewstools with no detrend call).
  none,
};

/// "gaussian", "linear" or "none".
std::string detrend_name(Detrend d);

struct EwsOptions {
  Detrend detrend = Detrend::gaussian;
  /// Gaussian kernel bandwidth sigma as a fraction of n, in (0, 1] (ewstools' `bandwidth`).
  double bandwidth = 0.2;
  /// Rolling window as a fraction of n, in (0, 1): w = floor(window * n) points (ewstools'
  /// `rolling_window`, int(rolling_window * n)); w must be >= 4.
  double window = 0.5;
  /// AR(1) surrogate series for the p-values; 0 skips the test (p-values NaN).
  int64_t surrogates = 1000;
  uint64_t seed = 1;
  /// Threads for the surrogates; results do not depend on it (surrogate k uses Rng(seed, k)).
  int threads = 1;
  /// Called with the fraction of surrogates done (from the calling thread only); may be empty.
  std::function<void(double)> progress;
};

/// The four indicators, in the order of EwsResult::indicators.
enum EwsIndicatorIndex : size_t { kEwsVariance = 0, kEwsLag1Autocorrelation, kEwsSkewness, kEwsKurtosis };
/// "variance", "lag1_autocorrelation", "skewness", "kurtosis".
inline constexpr std::array<const char*, 4> kEwsIndicatorNames = {"variance", "lag1_autocorrelation", "skewness",
                                                                   "kurtosis"};

struct EwsIndicator {
  std::string name;
  /// Value of the window ending at t, t = 0..n-1; NaN for t < w - 1 (no full window) and where
  /// the indicator is undefined (a window of constant residuals has no skewness, kurtosis or
  /// autocorrelation).
  std::vector<double> series;
  /// Kendall tau-b of the indicator against t over the points where it is defined (NaN when
  /// fewer than two points or no variation).
  double kendall_tau = 0.0;
  /// One-sided: p = (1 + #{k : tau_k >= kendall_tau}) / (1 + surrogates), tau_k the same tau
  /// from surrogate k (a NaN tau_k never counts). Small p = a rise unlikely under the AR(1) null.
  /// NaN when surrogates = 0 or kendall_tau is NaN.
  double p_value = 0.0;
  /// tau of every surrogate, by surrogate index.
  std::vector<double> surrogate_taus;
};

struct EwsResult {
  size_t n = 0;
  size_t window_points = 0;          // w
  double bandwidth_points = 0.0;     // sigma = bandwidth * n (gaussian detrending), else 0
  std::vector<double> trend;         // the smoothed series (gaussian), the line (linear), 0 (none)
  std::vector<double> residuals;     // series - trend
  /// AR(1) fitted to the residuals r by least squares with an intercept on the pairs
  /// (r_{t-1}, r_t), t = 1..n-1: r_t = c + ar1 r_{t-1} + e_t, noise variance = mean of e_t^2.
  double ar1 = 0.0;
  double ar1_noise_sd = 0.0;
  /// The coefficient the surrogates use: ar1 clamped to [-0.999, 0.999] (a stationary AR(1)).
  double surrogate_ar1 = 0.0;
  std::array<EwsIndicator, 4> indicators;
  int64_t surrogates = 0;
  double seconds = 0.0;
};

/// Detrending, rolling indicators, Kendall taus and surrogate p-values (see the definitions
/// above and of each function below). Surrogates: surrogate k (k = 0..surrogates-1) is the
/// stationary AR(1) series y_0 = s/sqrt(1 - phi^2) z_0, y_t = phi y_{t-1} + s z_t (phi =
/// surrogate_ar1, s = ar1_noise_sd, z standard normals by Box-Muller from Rng(seed, k)) of
/// length n. It stands for the residuals under the null of no trend, so it is not detrended
/// again (as in Dakos et al. 2012); its four indicators and taus are computed exactly as for
/// the residuals. Throws InputError for fewer than 20 points, non-finite values, or bad options.
EwsResult early_warning_signals(std::span<const double> series, const EwsOptions& options);

/// The trend of `series` by `detrend` (bandwidth as in EwsOptions; ignored unless gaussian).
/// The Gaussian smoothing is a direct sum for short kernels and an FFT circular convolution
/// with the kernel folded onto the period-2n reflected series otherwise (the same numbers up
/// to rounding).
std::vector<double> ews_trend(std::span<const double> series, Detrend detrend, double bandwidth);

/// Rolling indicators of x over windows of w consecutive points ending at t (NaN for t < w-1),
/// O(n) each from running sums of powers (shifted by the window mean, recomputed every w steps
/// so rounding does not accumulate). With m = w, the window mean a, and biased central moments
/// m2, m3, m4 of the window, these are pandas' rolling statistics as ewstools calls them:
///  - variance: m2 * m / (m - 1)                                   (Series.rolling(w).var())
///  - lag-1 autocorrelation: the Pearson correlation of the w-1 pairs (x_{i-1}, x_i) inside the
///    window, each member with its own mean       (rolling(w).apply(lambda v: Series(v).autocorr(1)))
///  - skewness: sqrt(m (m-1)) / (m-2) * m3 / m2^{3/2}   (adjusted Fisher-Pearson; rolling(w).skew())
///  - kurtosis: EXCESS kurtosis with pandas' bias correction (rolling(w).kurt()):
///    ((m^2 - 1) m4 / m2^2 - 3 (m-1)^2) / ((m-2)(m-3)); 0 for Gaussian data.
/// A window whose m2 is below 1e-14 of its mean square (constant residuals) gives variance
/// m2 * m/(m-1) and NaN for the other three; the same for the lag-1 autocorrelation when either
/// member of the pairs is constant. Needs w >= 4 and w <= x.size().
std::array<std::vector<double>, 4> rolling_indicators(std::span<const double> x, size_t w);

/// Kendall tau-b of (x_i, y_i) (Knight's O(n log n) algorithm; scipy.stats.kendalltau, which
/// pandas' corr(method = "kendall") calls): (n_c - n_d) / sqrt((n0 - n1)(n0 - n2)), n0 = n(n-1)/2,
/// n1 / n2 the pairs tied in x / in y; pairs tied in both count in neither n_c nor n_d. Pairs
/// where either value is NaN are dropped first. NaN for fewer than two pairs or when x or y is
/// constant.
double kendall_tau_b(std::span<const double> x, std::span<const double> y);

}  // namespace spinlab
