// Time-series estimators: FFT autocorrelation, Madras-Sokal tau_int, binning, block jackknife.
//
// Conventions chosen here (the header fixes the interface):
//  * Autocovariance C(t) = 1/(n-t) sum_{s=0}^{n-1-t} (x_s - xbar)(x_{s+t} - xbar), the estimator
//    used by Madras & Sokal, J. Stat. Phys. 50, 109 (1988). Dividing by the number of terms
//    removes the -t/n * C(t) bias of the 1/n form (up to the O(1/n) bias from subtracting xbar);
//    the 1/n form's advantages (smaller variance, positive-definite sequence) matter only at lags
//    comparable to n, and the window here never exceeds n/4, where n/(n-t) <= 4/3. The
//    asymptotic error tau * sqrt(2(2W+1)/n) holds for either form when W << n.
//  * A series whose samples are all equal is "constant": rho = (1, 0, 0, ...), tau_int = 1/2,
//    every error 0. Testing exact equality (rather than C(0) == 0) matters: the rounded mean of a
//    constant series leaves identical tiny deviations whose normalised correlation would be 1.
//  * Binning errors follow Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989); the jackknife over
//    blocks follows Efron, "The Jackknife, the Bootstrap and Other Resampling Plans" (SIAM 1982).
#include "measure/estimators.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <string>

namespace spinlab {
namespace {

using cplx = std::complex<double>;

// Lags 0..kDirectLags are summed directly (O(n) each); beyond, one FFT gives all lags at once.
// For short windows (weakly correlated data) the direct sums are cheaper than a 2n-point FFT.
constexpr size_t kDirectLags = 32;

// In-place iterative radix-2 FFT (Cooley-Tukey, decimation in time); a.size() is a power of two.
// inverse = true computes the unnormalised inverse transform (sign +i, no 1/N factor).
void fft(std::vector<cplx>& a, bool inverse) {
  const size_t n = a.size();
  if (n < 2) return;
  for (size_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  // Twiddles from std::polar directly (no recurrence), so rounding does not accumulate.
  std::vector<cplx> w(n / 2);
  const double sign = inverse ? 1.0 : -1.0;
  for (size_t k = 0; k < n / 2; ++k)
    w[k] = std::polar(1.0, sign * 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n));
  // Butterflies on the interleaved (re, im) doubles (std::complex guarantees that layout):
  // GCC keeps std::complex temporaries in memory here, and operator* also handles inf/NaN
  // (C Annex G), both several times slower than the plain arithmetic for finite data.
  double* d = reinterpret_cast<double*>(a.data());
  std::vector<double> ws(n);
  for (size_t len = 2; len <= n; len <<= 1) {
    const size_t half = len / 2, stride = n / len;
    // This stage's twiddles exp(-+2 pi i k / len), gathered contiguously once: read with stride
    // inside the butterfly loop they would cost a cache line each.
    for (size_t k = 0; k < half; ++k) {
      ws[2 * k] = w[k * stride].real();
      ws[2 * k + 1] = w[k * stride].imag();
    }
    for (size_t start = 0; start < n; start += len) {
      double* lo = d + 2 * start;
      double* hi = d + 2 * (start + half);
      for (size_t k = 0; k < half; ++k) {
        const double wr = ws[2 * k], wi = ws[2 * k + 1];
        const double pr = hi[2 * k], pi = hi[2 * k + 1];
        const double vr = pr * wr - pi * wi, vi = pr * wi + pi * wr;
        const double ur = lo[2 * k], ui = lo[2 * k + 1];
        lo[2 * k] = ur + vr;
        lo[2 * k + 1] = ui + vi;
        hi[2 * k] = ur - vr;
        hi[2 * k + 1] = ui - vi;
      }
    }
  }
}

bool is_constant(std::span<const double> x) {
  return std::all_of(x.begin(), x.end(), [&](double v) { return v == x.front(); });
}

// Mean with one correction pass (the second pass removes most of the rounding of the first);
// exact for a constant series, so its deviations are exactly zero.
double accurate_mean(std::span<const double> x) {
  if (x.empty()) return 0.0;
  if (is_constant(x)) return x.front();
  const double n = static_cast<double>(x.size());
  double s = 0.0;
  for (double v : x) s += v;
  double m = s / n;
  double r = 0.0;
  for (double v : x) r += v - m;
  return m + r / n;
}

std::vector<double> deviations(std::span<const double> x) {
  const double m = accurate_mean(x);
  std::vector<double> d(x.size());
  for (size_t i = 0; i < x.size(); ++i) d[i] = x[i] - m;
  return d;
}

// Lag sums S(t) = sum_{s=0}^{n-1-t} d_s d_{s+t} for t = 0..max_lag (max_lag < n), directly.
std::vector<double> lag_sums_direct(const std::vector<double>& d, size_t max_lag) {
  std::vector<double> s(max_lag + 1, 0.0);
  const size_t n = d.size();
  for (size_t t = 0; t <= max_lag; ++t) {
    double acc = 0.0;
    for (size_t i = 0; i + t < n; ++i) acc += d[i] * d[i + t];
    s[t] = acc;
  }
  return s;
}

// The same lag sums by the Wiener-Khinchin route: zero-pad to N >= 2n (so the circular
// correlation has no wrap-around), |FFT|^2, inverse FFT.
std::vector<double> lag_sums_fft(const std::vector<double>& d, size_t max_lag) {
  const size_t n = d.size();
  size_t big = 1;
  while (big < 2 * n) big <<= 1;
  std::vector<cplx> a(big, cplx(0.0, 0.0));
  for (size_t i = 0; i < n; ++i) a[i] = cplx(d[i], 0.0);
  fft(a, false);
  for (auto& z : a) z = cplx(std::norm(z), 0.0);
  fft(a, true);
  std::vector<double> s(max_lag + 1);
  const double inv = 1.0 / static_cast<double>(big);
  for (size_t t = 0; t <= max_lag; ++t) s[t] = a[t].real() * inv;
  return s;
}

// rho(t) = C(t)/C(0) with C(t) = S(t)/(n-t); s holds the lag sums. If C(0) underflowed to 0
// (deviations below ~1e-162), the series is treated as constant.
std::vector<double> normalise(const std::vector<double>& s, size_t n) {
  std::vector<double> rho(s.size(), 0.0);
  const double c0 = s[0] / static_cast<double>(n);
  rho[0] = 1.0;
  if (!(c0 > 0.0)) return rho;
  for (size_t t = 1; t < s.size(); ++t) rho[t] = (s[t] / static_cast<double>(n - t)) / c0;
  return rho;
}

// Error of the mean from non-overlapping blocks of `block` samples (incomplete tail dropped):
// sqrt(unbiased variance of the block means / number of blocks). Needs n / block >= 2.
double blocked_error(std::span<const double> x, size_t block) {
  const size_t nb = x.size() / block;
  std::vector<double> means(nb);
  for (size_t k = 0; k < nb; ++k) means[k] = accurate_mean(x.subspan(k * block, block));
  const double m = accurate_mean(means);
  double ss = 0.0;
  for (double v : means) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(nb - 1) / static_cast<double>(nb));
}

double unbiased_variance(std::span<const double> x) {
  const double m = accurate_mean(x);
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  return ss / static_cast<double>(x.size() - 1);
}

// n / (2 tau_int), the number of effectively independent samples.
double effective_samples(size_t n, double tau) { return static_cast<double>(n) / (2.0 * tau); }

struct JackknifeCore {
  double estimate = 0.0;
  double error = 0.0;
};

// Block jackknife (Efron 1982) of f(means of the series); checks lengths and block count.
JackknifeCore jackknife_core(std::span<const std::span<const double>> series,
                             const std::function<double(std::span<const double>)>& f, size_t block_size) {
  if (series.empty()) throw std::invalid_argument("jackknife: no series given");
  if (!f) throw std::invalid_argument("jackknife: empty function");
  if (block_size == 0) throw std::invalid_argument("jackknife: block_size must be >= 1");
  const size_t n = series.front().size();
  for (const auto& s : series)
    if (s.size() != n)
      throw std::invalid_argument("jackknife: series lengths differ (" + std::to_string(n) + " vs " +
                                  std::to_string(s.size()) + ")");
  const size_t nb = n / block_size;
  if (nb < 2)
    throw std::invalid_argument("jackknife: need at least 2 blocks, got " + std::to_string(nb) + " (n = " +
                                std::to_string(n) + ", block_size = " + std::to_string(block_size) + ")");

  const size_t k = series.size();
  // block_means[j * nb + b]: mean of block b of series j; full[j]: mean over the used samples.
  std::vector<double> block_means(k * nb), full(k);
  for (size_t j = 0; j < k; ++j) {
    for (size_t b = 0; b < nb; ++b)
      block_means[j * nb + b] = accurate_mean(series[j].subspan(b * block_size, block_size));
    full[j] = accurate_mean(std::span<const double>(block_means).subspan(j * nb, nb));
  }

  const double theta_full = f(full);
  // Leave-one-block-out mean: m_{-b} = m + (m - B_b) / (nb - 1); written as a correction to m so
  // that a large common offset does not cancel catastrophically.
  std::vector<double> theta(nb), loo(k);
  const double inv = 1.0 / static_cast<double>(nb - 1);
  for (size_t b = 0; b < nb; ++b) {
    for (size_t j = 0; j < k; ++j) loo[j] = full[j] + (full[j] - block_means[j * nb + b]) * inv;
    theta[b] = f(loo);
  }
  const double theta_bar = accurate_mean(theta);
  double ss = 0.0;
  for (double t : theta) ss += (t - theta_bar) * (t - theta_bar);
  const double dnb = static_cast<double>(nb);
  JackknifeCore r;
  // nb * theta_full - (nb - 1) * theta_bar, the first-order bias correction.
  r.estimate = theta_full + (dnb - 1.0) * (theta_full - theta_bar);
  r.error = std::sqrt((dnb - 1.0) / dnb * ss);
  return r;
}

}  // namespace

std::vector<double> autocorrelation(std::span<const double> x, size_t max_lag) {
  // Lags >= n have no pairs: the result is truncated to t = 0..min(max_lag, n - 1).
  const size_t n = x.size();
  if (n == 0) return {};
  const size_t lag = std::min(max_lag, n - 1);
  if (is_constant(x)) {
    std::vector<double> rho(lag + 1, 0.0);
    rho[0] = 1.0;
    return rho;
  }
  const auto d = deviations(x);
  return normalise(lag <= kDirectLags ? lag_sums_direct(d, lag) : lag_sums_fft(d, lag), n);
}

TauIntResult integrated_autocorrelation(std::span<const double> x, double c) {
  if (!(c > 0.0)) throw std::invalid_argument("integrated_autocorrelation: c must be positive");
  const size_t n = x.size();
  TauIntResult r;
  if (n < 2) {  // nothing to estimate from: report the uncorrelated value, flagged unconverged
    r.converged = false;
    return r;
  }
  if (is_constant(x)) return r;  // tau = 1/2, error 0, window 0, converged

  const size_t max_window = n / 4;
  const auto d = deviations(x);
  // Lazily: direct sums for the first few lags; if the window runs past them, one FFT for all
  // lags up to n/4.
  std::vector<double> rho = normalise(lag_sums_direct(d, std::min(max_window, kDirectLags)), n);

  // Madras & Sokal 1988: tau(W) = 1/2 + sum_{t=1}^W rho(t); the first W with W >= c tau(W)
  // balances the truncation bias (~ exp(-W/tau)) against the statistical error (~ sqrt(W/n)).
  double tau = 0.5;
  size_t window = 0;
  bool converged = false;
  for (size_t w = 1; w <= max_window; ++w) {
    if (w >= rho.size()) rho = normalise(lag_sums_fft(d, max_window), n);
    tau += rho[w];
    window = w;
    if (static_cast<double>(w) >= c * tau) {
      converged = true;
      break;
    }
  }
  // Strongly anticorrelated data can drive tau(W) to <= 0; floor it at 1/(2n) (n_eff <= n^2) so
  // that n_eff and errors stay finite.
  r.tau_int = std::max(tau, 0.5 / static_cast<double>(n));
  r.window = window;
  r.converged = converged;
  r.error = r.tau_int * std::sqrt(2.0 * (2.0 * static_cast<double>(window) + 1.0) / static_cast<double>(n));
  return r;
}

std::vector<BinningLevel> binning_analysis(std::span<const double> x, size_t min_blocks) {
  // Flyvbjerg & Petersen 1989: the blocked error grows with the block size and plateaus at the
  // true error once blocks are much longer than tau_int. min_blocks < 2 is treated as 2 (an
  // unbiased variance needs two blocks).
  const size_t mb = std::max<size_t>(min_blocks, 2);
  std::vector<BinningLevel> levels;
  // Level k+1 block means are pairwise averages of level k means; an odd last one is dropped,
  // which equals dropping the incomplete tail block of 2^(k+1) samples.
  std::vector<double> means(x.begin(), x.end());
  size_t block = 1;
  while (means.size() >= mb) {
    const double m = accurate_mean(means);
    double ss = 0.0;
    for (double v : means) ss += (v - m) * (v - m);
    const double nb = static_cast<double>(means.size());
    levels.push_back({block, means.size(), std::sqrt(ss / (nb - 1.0) / nb)});
    for (size_t i = 0; i + 1 < means.size(); i += 2) means[i / 2] = 0.5 * (means[i] + means[i + 1]);
    means.resize(means.size() / 2);
    block *= 2;
  }
  return levels;
}

size_t choose_block_size(double tau_int, size_t n, size_t min_blocks) {
  const size_t mb = std::max<size_t>(min_blocks, 1);
  size_t cap = 1;  // largest power of two with n / cap >= mb (1 if even that fails)
  while (2 * cap <= n / mb) cap *= 2;
  const double target = 10.0 * tau_int;  // NaN compares false: block 1
  size_t block = 1;
  while (block < cap && static_cast<double>(block) < target) block *= 2;
  return block;
}

Estimate estimate_mean(std::span<const double> x) {
  // Short series: n = 0 gives {0, 0, 1/2, n_eff = 0} (n_eff = 0 marks "no data"); n = 1 gives the
  // single value with error 0 and n_eff = 1. Neither produces a NaN.
  const size_t n = x.size();
  Estimate e;
  if (n == 0) return e;
  e.mean = accurate_mean(x);
  if (n == 1) {
    e.n_eff = 1.0;
    return e;
  }
  e.tau_int = integrated_autocorrelation(x).tau_int;
  e.n_eff = effective_samples(n, e.tau_int);
  const size_t block = choose_block_size(e.tau_int, n);  // n >= 2 => at least 2 blocks
  e.error = blocked_error(x, block);
  // If the run was too short for blocks of 10 tau_int (the cap kept >= 32 blocks, or n < 64),
  // the blocked error is biased low; fall back on the tau_int error sqrt(2 tau var / n) when
  // that is larger.
  if (static_cast<double>(block) < 10.0 * e.tau_int)
    e.error = std::max(e.error, std::sqrt(2.0 * e.tau_int * unbiased_variance(x) / static_cast<double>(n)));
  // A rare slow mode of small amplitude (e.g. tunnelling to a metastable state and back) hardly
  // moves the Madras-Sokal window, but the binning curve keeps rising. Cross-check with the
  // largest blocks that still leave >= 64 of them; when they give a clearly larger error (by
  // 20%: with 64 blocks that error scatters by ~9%, so 1.2 is a >2 sigma rise, not noise), keep
  // it and raise tau_int to match (tau = n err^2 / (2 var)), so derived quantities use long blocks too.
  const auto levels = binning_analysis(x, 64);
  if (!levels.empty() && levels.back().block_size > block && levels.back().error > 1.2 * e.error) {
    e.error = levels.back().error;
    const double var = unbiased_variance(x);
    if (var > 0.0) e.tau_int = std::max(e.tau_int, 0.5 * static_cast<double>(n) * e.error * e.error / var);
    e.n_eff = effective_samples(n, e.tau_int);
  }
  return e;
}

Estimate half_difference(std::span<const double> x) {
  Estimate d;
  const size_t h = x.size() / 2;
  if (h < 16) return d;
  const Estimate a = estimate_mean(x.first(h)), b = estimate_mean(x.subspan(h, h));
  d.mean = b.mean - a.mean;
  // Both halves' errors are taken from the second half: in equilibrium they are alike, while an
  // unrelaxed first half inflates its own error bar (the drift looks like a slow mode) and would
  // hide the very drift this check is for.
  d.error = std::sqrt(2.0) * b.error;
  d.tau_int = std::max(a.tau_int, b.tau_int);
  d.n_eff = std::min(a.n_eff, b.n_eff);
  return d;
}

Estimate jackknife(std::span<const std::span<const double>> series,
                   const std::function<double(std::span<const double>)>& f, size_t block_size) {
  const JackknifeCore core = jackknife_core(series, f, block_size);
  Estimate e;
  e.mean = core.estimate;
  e.error = core.error;
  e.tau_int = 0.0;
  for (const auto& s : series) e.tau_int = std::max(e.tau_int, integrated_autocorrelation(s).tau_int);
  e.n_eff = effective_samples(series.front().size(), e.tau_int);
  return e;
}

Estimate covariance(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size())
    throw std::invalid_argument("covariance: lengths differ (" + std::to_string(a.size()) + " vs " +
                                std::to_string(b.size()) + ")");
  if (a.size() < 2) throw std::invalid_argument("covariance: need at least 2 samples");
  const size_t n = a.size();
  // Work with the centred product p = (a - abar)(b - bbar): Cov = <p> - (<a> - abar)(<b> - bbar)
  // holds identically on every jackknife subsample and avoids the cancellation of <ab> - <a><b>
  // when the means are large compared with the fluctuations. p is also the series whose
  // autocorrelation governs the error of the covariance.
  const double abar = accurate_mean(a), bbar = accurate_mean(b);
  std::vector<double> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = (a[i] - abar) * (b[i] - bbar);

  const double tau_a = integrated_autocorrelation(a).tau_int;
  const double tau_b = integrated_autocorrelation(b).tau_int;
  const double tau_p = integrated_autocorrelation(p).tau_int;
  const size_t block = choose_block_size(std::max({tau_a, tau_b, tau_p}), n);

  const std::span<const double> cols[3] = {a, b, p};
  const JackknifeCore core = jackknife_core(
      cols, [abar, bbar](std::span<const double> m) { return m[2] - (m[0] - abar) * (m[1] - bbar); }, block);
  Estimate e;
  e.mean = core.estimate;
  e.error = core.error;
  e.tau_int = std::max(tau_a, tau_b);
  e.n_eff = effective_samples(n, e.tau_int);
  return e;
}

Estimate sample_mean(std::span<const double> x) {
  Estimate e;
  const auto n = static_cast<double>(x.size());
  if (x.empty()) return e;
  double m = 0.0;
  for (double v : x) m += v;
  m /= n;
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  e.mean = m;
  e.error = x.size() > 1 ? std::sqrt(ss / (n - 1.0) / n) : 0.0;
  e.n_eff = n;
  return e;
}

}  // namespace spinlab
