// Early-warning signals: detrending, O(n) rolling indicators, Kendall tau-b, AR(1) surrogates.
#include "measure/early_warning.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <numbers>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace spinlab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A window whose central second moment is below this fraction of its (shifted) mean square is
// constant up to rounding.
constexpr double kFlat = 1e-14;
// Gaussian smoothing: direct sums up to this many multiply-adds, the FFT beyond.
constexpr double kDirectSmoothOps = 4.0e6;

using cplx = std::complex<double>;

// A number as printf's %g writes it.
std::string fmt_g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// In-place iterative radix-2 FFT; a.size() is a power of two; inverse: sign +i, no 1/N.
void fft(std::vector<cplx>& a, bool inverse) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  const double sign = inverse ? 1.0 : -1.0;
  std::vector<cplx> w;
  for (size_t len = 2; len <= n; len <<= 1) {
    const size_t half = len / 2;
    w.resize(half);
    for (size_t k = 0; k < half; ++k)
      w[k] = std::polar(1.0, sign * 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(len));
    for (size_t start = 0; start < n; start += len)
      for (size_t k = 0; k < half; ++k) {
        const cplx u = a[start + k], v = a[start + k + half] * w[k];
        a[start + k] = u + v;
        a[start + k + half] = u - v;
      }
  }
}

// Half-sample symmetric reflection with period 2n: ... x1 x0 | x0 x1 ... x_{n-1} | x_{n-1} ...
size_t reflect(int64_t j, int64_t n) {
  int64_t m = j % (2 * n);
  if (m < 0) m += 2 * n;
  return static_cast<size_t>(m < n ? m : 2 * n - 1 - m);
}

// scipy.ndimage.gaussian_filter1d(x, sigma, mode="reflect", truncate=4.0).
std::vector<double> gaussian_smooth(std::span<const double> x, double sigma) {
  const auto n = static_cast<int64_t>(x.size());
  const auto radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  if (radius == 0 || n == 0) return {x.begin(), x.end()};
  std::vector<double> weight(2 * radius + 1);
  double total = 0.0;
  for (int64_t k = -radius; k <= radius; ++k) {
    const double v = std::exp(-0.5 * static_cast<double>(k * k) / (sigma * sigma));
    weight[k + radius] = v;
    total += v;
  }
  for (double& v : weight) v /= total;
  std::vector<double> out(n);
  if (static_cast<double>(n) * static_cast<double>(2 * radius + 1) <= kDirectSmoothOps) {
    for (int64_t i = 0; i < n; ++i) {
      double s = 0.0;
      for (int64_t k = -radius; k <= radius; ++k) s += weight[k + radius] * x[reflect(i + k, n)];
      out[i] = s;
    }
    return out;
  }
  // The reflected series is periodic with period P = 2n, so the sum is a circular convolution of
  // one period s = (x, reversed x) with the kernel folded modulo P (the kernel is symmetric).
  const size_t P = 2 * static_cast<size_t>(n);
  std::vector<double> g(P, 0.0);
  const auto period = static_cast<int64_t>(P);
  for (int64_t k = -radius; k <= radius; ++k)
    g[static_cast<size_t>(((k % period) + period) % period)] += weight[k + radius];
  size_t L = 1;
  while (L < 2 * P) L <<= 1;
  std::vector<cplx> a(L, 0.0), b(L, 0.0);
  for (size_t j = 0; j < P; ++j) {
    a[j] = x[j < static_cast<size_t>(n) ? j : P - 1 - j];
    b[j] = g[j];
  }
  fft(a, false);
  fft(b, false);
  for (size_t j = 0; j < L; ++j) a[j] *= b[j];
  fft(a, true);
  const double inv = 1.0 / static_cast<double>(L);
  for (int64_t i = 0; i < n; ++i) out[i] = (a[i].real() + a[i + P].real()) * inv;
  return out;
}

std::vector<double> linear_trend(std::span<const double> x) {
  const size_t n = x.size();
  const double tm = 0.5 * static_cast<double>(n - 1);
  double xm = 0.0;
  for (double v : x) xm += v;
  xm /= static_cast<double>(n);
  double sxy = 0.0, sxx = 0.0;
  for (size_t t = 0; t < n; ++t) {
    const double d = static_cast<double>(t) - tm;
    sxy += d * (x[t] - xm);
    sxx += d * d;
  }
  const double b = sxx > 0.0 ? sxy / sxx : 0.0;
  std::vector<double> out(n);
  for (size_t t = 0; t < n; ++t) out[t] = xm + b * (static_cast<double>(t) - tm);
  return out;
}

// Rolling indicators into out[0..3] (each resized to x.size()).
void rolling_into(std::span<const double> x, size_t w, std::array<std::vector<double>, 4>& out) {
  const size_t n = x.size();
  for (auto& v : out) v.assign(n, kNaN);
  const double m = static_cast<double>(w), mp = m - 1.0;
  const double skew_factor = std::sqrt(m * (m - 1.0)) / (m - 2.0);
  const double kurt_div = (m - 2.0) * (m - 3.0);
  double c = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, p = 0.0;
  size_t fresh = 0;
  for (size_t t = w - 1; t < n; ++t) {
    const size_t first = t + 1 - w;
    if (t == w - 1 || t - fresh >= w) {
      // Fresh sums, shifted by the window mean: no accumulated rounding, no cancellation.
      double mean = 0.0;
      for (size_t i = first; i <= t; ++i) mean += x[i];
      c = mean / m;
      s1 = s2 = s3 = s4 = p = 0.0;
      for (size_t i = first; i <= t; ++i) {
        const double y = x[i] - c, y2 = y * y;
        s1 += y;
        s2 += y2;
        s3 += y2 * y;
        s4 += y2 * y2;
        if (i > first) p += y * (x[i - 1] - c);
      }
      fresh = t;
    } else {
      const double yo = x[first - 1] - c, yf = x[first] - c, yn = x[t] - c, yp = x[t - 1] - c;
      const double yo2 = yo * yo, yn2 = yn * yn;
      s1 += yn - yo;
      s2 += yn2 - yo2;
      s3 += yn2 * yn - yo2 * yo;
      s4 += yn2 * yn2 - yo2 * yo2;
      p += yn * yp - yf * yo;
    }
    const double a = s1 / m, q2 = s2 / m, q3 = s3 / m, q4 = s4 / m;
    const double m2 = q2 - a * a;
    const double m3 = q3 - 3.0 * a * q2 + 2.0 * a * a * a;
    const double m4 = q4 - 4.0 * a * q3 + 6.0 * a * a * q2 - 3.0 * a * a * a * a;
    out[kEwsVariance][t] = std::max(m2, 0.0) * m / mp;
    if (m2 > kFlat * q2) {
      out[kEwsSkewness][t] = skew_factor * m3 / (m2 * std::sqrt(m2));
      out[kEwsKurtosis][t] = ((m * m - 1.0) * m4 / (m2 * m2) - 3.0 * mp * mp) / kurt_div;
    }
    // Lag-1 pairs (x_{i-1}, x_i), i = first+1..t: first members first..t-1, second first+1..t.
    const double yf = x[first] - c, yn = x[t] - c;
    const double sa = s1 - yn, sb = s1 - yf, saa = s2 - yn * yn, sbb = s2 - yf * yf;
    const double va = saa - sa * sa / mp, vb = sbb - sb * sb / mp;
    if (va > kFlat * saa && vb > kFlat * sbb) out[kEwsLag1Autocorrelation][t] = (p - sa * sb / mp) / std::sqrt(va * vb);
  }
}

// Inversions (i < j, v[i] > v[j] strictly) by merge sort; v ends sorted. tmp is scratch.
uint64_t count_inversions(std::vector<double>& v, std::vector<double>& tmp) {
  const size_t n = v.size();
  tmp.resize(n);
  uint64_t inv = 0;
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      const size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (v[i] <= v[j]) {
          tmp[k++] = v[i++];
        } else {
          inv += mid - i;
          tmp[k++] = v[j++];
        }
      }
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    v.swap(tmp);
  }
  return inv;
}

// Sum over runs of equal values of t(t-1)/2 in a sorted vector.
uint64_t tied_pairs(const std::vector<double>& sorted) {
  uint64_t ties = 0, run = 1;
  for (size_t i = 1; i <= sorted.size(); ++i) {
    if (i < sorted.size() && sorted[i] == sorted[i - 1]) {
      ++run;
    } else {
      ties += run * (run - 1) / 2;
      run = 1;
    }
  }
  return ties;
}

double tau_from_counts(uint64_t n, uint64_t n1, uint64_t n2, uint64_t n3, uint64_t discordant) {
  const double n0 = 0.5 * static_cast<double>(n) * static_cast<double>(n - 1);
  const double dx = n0 - static_cast<double>(n1), dy = n0 - static_cast<double>(n2);
  if (!(dx > 0.0) || !(dy > 0.0)) return kNaN;
  const double s = n0 - static_cast<double>(n1) - static_cast<double>(n2) + static_cast<double>(n3) -
                   2.0 * static_cast<double>(discordant);
  return s / std::sqrt(dx * dy);
}

// Kendall tau-b of y against its index, over the finite entries (the index has no ties).
double kendall_tau_vs_index(std::span<const double> y, std::vector<double>& buf, std::vector<double>& tmp) {
  buf.clear();
  for (double v : y)
    if (!std::isnan(v)) buf.push_back(v);
  const uint64_t n = buf.size();
  if (n < 2) return kNaN;
  const uint64_t d = count_inversions(buf, tmp);
  return tau_from_counts(n, 0, tied_pairs(buf), 0, d);
}

struct Ar1Fit {
  double phi = 0.0, noise_sd = 0.0;
};

Ar1Fit fit_ar1(std::span<const double> r) {
  const size_t M = r.size() - 1;
  double ma = 0.0, mb = 0.0;
  for (size_t t = 1; t <= M; ++t) {
    ma += r[t - 1];
    mb += r[t];
  }
  ma /= static_cast<double>(M);
  mb /= static_cast<double>(M);
  double saa = 0.0, sab = 0.0;
  for (size_t t = 1; t <= M; ++t) {
    saa += (r[t - 1] - ma) * (r[t - 1] - ma);
    sab += (r[t - 1] - ma) * (r[t] - mb);
  }
  Ar1Fit f;
  f.phi = saa > 0.0 ? sab / saa : 0.0;
  double sse = 0.0;
  for (size_t t = 1; t <= M; ++t) {
    const double e = (r[t] - mb) - f.phi * (r[t - 1] - ma);
    sse += e * e;
  }
  f.noise_sd = std::sqrt(sse / static_cast<double>(M));
  return f;
}

// Surrogate k: stationary AR(1) of length n from Rng(seed, k), Box-Muller normals.
void ar1_surrogate(std::vector<double>& y, size_t n, double phi, double sd, uint64_t seed, uint64_t k) {
  Rng rng(seed, k);
  y.resize(n);
  double spare = 0.0;
  bool have = false;
  auto normal = [&] {
    if (have) {
      have = false;
      return spare;
    }
    const double u1 = 1.0 - rng.uniform53(), u2 = rng.uniform53();
    const double rad = std::sqrt(-2.0 * std::log(u1)), ang = 2.0 * std::numbers::pi * u2;
    spare = rad * std::sin(ang);
    have = true;
    return rad * std::cos(ang);
  };
  y[0] = sd / std::sqrt(1.0 - phi * phi) * normal();
  for (size_t t = 1; t < n; ++t) y[t] = phi * y[t - 1] + sd * normal();
}

}  // namespace

std::string detrend_name(Detrend d) {
  switch (d) {
    case Detrend::gaussian: return "gaussian";
    case Detrend::linear: return "linear";
    case Detrend::none: return "none";
  }
  return "?";
}

std::vector<double> ews_trend(std::span<const double> series, Detrend detrend, double bandwidth) {
  switch (detrend) {
    case Detrend::gaussian: return gaussian_smooth(series, bandwidth * static_cast<double>(series.size()));
    case Detrend::linear: return linear_trend(series);
    case Detrend::none: return std::vector<double>(series.size(), 0.0);
  }
  return {};
}

std::array<std::vector<double>, 4> rolling_indicators(std::span<const double> x, size_t w) {
  if (w < 4 || w > x.size())
    throw InputError("rolling indicators: window of " + std::to_string(w) + " points for a series of " +
                     std::to_string(x.size()) + " (need 4 <= window <= length)");
  std::array<std::vector<double>, 4> out;
  rolling_into(x, w, out);
  return out;
}

double kendall_tau_b(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size())
    throw InputError("kendall_tau_b: x and y have different lengths (" + std::to_string(x.size()) + " and " +
                     std::to_string(y.size()) + ")");
  std::vector<std::pair<double, double>> xy;
  xy.reserve(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) xy.emplace_back(x[i], y[i]);
  const uint64_t n = xy.size();
  if (n < 2) return kNaN;
  std::sort(xy.begin(), xy.end());
  uint64_t n1 = 0, n3 = 0, rx = 1, rxy = 1;
  for (size_t i = 1; i <= n; ++i) {
    const bool same_x = i < n && xy[i].first == xy[i - 1].first;
    const bool same_xy = same_x && xy[i].second == xy[i - 1].second;
    if (same_x) {
      ++rx;
    } else {
      n1 += rx * (rx - 1) / 2;
      rx = 1;
    }
    if (same_xy) {
      ++rxy;
    } else {
      n3 += rxy * (rxy - 1) / 2;
      rxy = 1;
    }
  }
  // Sorted by (x, y): a strict inversion in y is exactly a discordant pair (pairs tied in x are
  // in y order, pairs tied in y are not inversions).
  std::vector<double> ys(n), tmp;
  for (size_t i = 0; i < n; ++i) ys[i] = xy[i].second;
  const uint64_t d = count_inversions(ys, tmp);
  return tau_from_counts(n, n1, tied_pairs(ys), n3, d);
}

EwsResult early_warning_signals(std::span<const double> series, const EwsOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const size_t n = series.size();
  if (n < 20)
    throw InputError("early warning signals: the series has " + std::to_string(n) + " points; need at least 20");
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(series[i]))
      throw InputError("early warning signals: value " + std::to_string(i) + " of the series is not finite");
  if (!(o.window > 0.0 && o.window < 1.0))
    throw InputError("--window must be in (0, 1) (a fraction of the series length), got " + fmt_g(o.window));
  const auto w = static_cast<size_t>(std::floor(o.window * static_cast<double>(n)));
  if (w < 4)
    throw InputError("--window " + fmt_g(o.window) + ": a window of " + std::to_string(w) +
                     " points (window x " + std::to_string(n) + "); need at least 4");
  if (o.detrend == Detrend::gaussian && !(o.bandwidth > 0.0 && o.bandwidth <= 1.0))
    throw InputError("--detrend gaussian:BW: the bandwidth must be in (0, 1] (a fraction of the series length), got " +
                     fmt_g(o.bandwidth));
  if (o.surrogates < 0) throw InputError("--surrogates must be >= 0");
  if (o.threads < 1) throw InputError("--threads must be >= 1");

  EwsResult r;
  r.n = n;
  r.window_points = w;
  r.bandwidth_points = o.detrend == Detrend::gaussian ? o.bandwidth * static_cast<double>(n) : 0.0;
  r.trend = ews_trend(series, o.detrend, o.bandwidth);
  r.residuals.resize(n);
  for (size_t i = 0; i < n; ++i) r.residuals[i] = series[i] - r.trend[i];
  const Ar1Fit fit = fit_ar1(r.residuals);
  r.ar1 = fit.phi;
  r.ar1_noise_sd = fit.noise_sd;
  r.surrogate_ar1 = std::clamp(fit.phi, -0.999, 0.999);
  r.surrogates = o.surrogates;

  std::array<std::vector<double>, 4> ind;
  rolling_into(r.residuals, w, ind);
  std::vector<double> buf, tmp;
  for (size_t k = 0; k < 4; ++k) {
    EwsIndicator& e = r.indicators[k];
    e.name = kEwsIndicatorNames[k];
    e.kendall_tau = kendall_tau_vs_index(ind[k], buf, tmp);
    e.series = std::move(ind[k]);
    e.surrogate_taus.assign(static_cast<size_t>(o.surrogates), kNaN);
  }

  // Surrogates: index k draws from Rng(seed, k) whichever thread runs it.
  const int64_t S = o.surrogates;
  std::atomic<int64_t> next{0}, done{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto worker = [&](bool caller) {
    try {
      std::vector<double> y, b, s;
      std::array<std::vector<double>, 4> si;
      for (int64_t k; (k = next.fetch_add(1)) < S;) {
        ar1_surrogate(y, n, r.surrogate_ar1, r.ar1_noise_sd, o.seed, static_cast<uint64_t>(k));
        rolling_into(y, w, si);
        for (size_t q = 0; q < 4; ++q) r.indicators[q].surrogate_taus[k] = kendall_tau_vs_index(si[q], b, s);
        const int64_t d = done.fetch_add(1) + 1;
        if (caller && o.progress) o.progress(static_cast<double>(d) / static_cast<double>(S));
      }
    } catch (...) {
      std::lock_guard lock(error_mu);
      if (!error) error = std::current_exception();
      next.store(S);
    }
  };
  const int nt = static_cast<int>(std::min<int64_t>(o.threads, std::max<int64_t>(S, 1)));
  std::vector<std::thread> pool;
  for (int t = 1; t < nt; ++t) pool.emplace_back(worker, false);
  worker(true);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);

  for (auto& e : r.indicators) {
    if (S == 0 || std::isnan(e.kendall_tau)) {
      e.p_value = kNaN;
      continue;
    }
    int64_t above = 0;
    for (double t : e.surrogate_taus)
      if (t >= e.kendall_tau) ++above;
    e.p_value = static_cast<double>(1 + above) / static_cast<double>(1 + S);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace spinlab
