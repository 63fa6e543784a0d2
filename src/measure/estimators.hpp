// Estimators on time series: mean with binning error, Madras-Sokal integrated autocorrelation
// time, jackknife for derived quantities and covariances. Every number carries {mean, error, tau_int}.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace spinlab {

/// What every reported number carries. tau_int is in units of the series' sampling interval
/// (0.5 for uncorrelated data); n_eff = n / (2 tau_int).
struct Estimate {
  double mean = 0.0;
  double error = 0.0;
  double tau_int = 0.5;
  double n_eff = 0.0;
};

/// Integrated autocorrelation time with automatic windowing (Madras & Sokal, J. Stat. Phys. 50,
/// 109 (1988)): tau(W) = 1/2 + sum_{t=1}^{W} rho(t), W = smallest window with W >= c * tau(W).
/// rho computed by FFT. `converged` is false when the window needed exceeds n/4 (run too short).
struct TauIntResult {
  double tau_int = 0.5;
  double error = 0.0;  // Madras-Sokal: tau * sqrt(2(2W+1)/n)
  size_t window = 0;
  bool converged = true;
};
TauIntResult integrated_autocorrelation(std::span<const double> x, double c = 6.0);

/// Normalised autocorrelation function rho(t), t = 0..max_lag (FFT, O(n log n)).
std::vector<double> autocorrelation(std::span<const double> x, size_t max_lag);

/// Logarithmic binning: level k has blocks of 2^k samples; error_k = std of block means / sqrt(nb).
struct BinningLevel {
  size_t block_size = 1;
  size_t num_blocks = 0;
  double error = 0.0;
};
std::vector<BinningLevel> binning_analysis(std::span<const double> x, size_t min_blocks = 32);

/// Block size for error estimates: the smallest power of two >= 10 * tau_int, capped so that at
/// least min_blocks blocks remain.
size_t choose_block_size(double tau_int, size_t n, size_t min_blocks = 32);

/// Mean of a series; error from binning at choose_block_size(tau_int); tau_int from Madras-Sokal.
/// Cross-check: if the largest blocks leaving >= 64 of them give an error 20% larger (a slow mode
/// the window missed), that error is reported and tau_int raised to n err^2 / (2 var).
Estimate estimate_mean(std::span<const double> x);

/// Mean of independent values (disorder samples, replicas, pattern sets) with the standard error
/// sd / sqrt(n) (0 for one value); tau_int 1/2, n_eff = n. Empty input gives the zero Estimate.
Estimate sample_mean(std::span<const double> x);

/// Jackknife over blocks of `block_size` consecutive samples for a function of the means of
/// several equally long series. Returns the bias-corrected estimate, the jackknife error, and
/// tau_int = the largest tau_int of the input series.
Estimate jackknife(std::span<const std::span<const double>> series,
                   const std::function<double(std::span<const double>)>& f, size_t block_size);

/// Thermalisation check: the mean of the second half minus the mean of the first half, with
/// error sqrt(2) x the second half's error (an unrelaxed first half would inflate its own).
/// |mean/error| > 4 means the series drifts.
/// Series shorter than 32 give {0, 0}.
Estimate half_difference(std::span<const double> x);

/// Cov[A, B] = <AB> - <A><B> with a jackknife error (the fluctuation-dissipation susceptibility).
Estimate covariance(std::span<const double> a, std::span<const double> b);

}  // namespace spinlab
