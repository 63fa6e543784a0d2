// Temperature scan of an RBM's learned energy with block Gibbs sampling (all chains of all
// temperatures in one GEMM per half sweep), overlap and aligned susceptibilities, peak location
// with a block jackknife, and the power-law fit of T_c against training time.
#include "learn/rbm_tc.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "learn/kernels.hpp"
#include "learn/rbm_ising.hpp"
#include "probe/hysteresis.hpp"

namespace spinlab {
namespace {

using namespace rbm_detail;

void normalise(std::vector<double>& u, const std::string& what) {
  double n = 0;
  for (double x : u) {
    if (!std::isfinite(x)) throw InputError(what + ": direction has a NaN or infinite entry");
    n += x * x;
  }
  if (!(n > 0)) throw InputError(what + ": direction is the zero vector");
  n = std::sqrt(n);
  for (double& x : u) x /= n;
}

void check_options(const Rbm& m, const TcOptions& o) {
  if (o.pairs < 1 || o.pairs > 4096) throw InputError("--pairs must lie in 1..4096");
  if (o.burn_in < 0) throw InputError("--burn-in must be >= 0");
  if (o.blocks < 4) throw InputError("--blocks must be >= 4");
  if (o.sweeps < 64 || o.sweeps < 4 * o.blocks) throw InputError("--sweeps must be >= 64 and >= 4 x --blocks");
  if (o.threads < 1) throw InputError("--threads must be >= 1");
  if (o.temperatures.empty() && o.points < 3) throw InputError("--points must be >= 3");
  if (!o.temperatures.empty()) {
    if (o.temperatures.size() < 3) throw InputError("--T: at least 3 temperatures");
    for (size_t k = 0; k < o.temperatures.size(); ++k) {
      if (!(o.temperatures[k] > 0) || !std::isfinite(o.temperatures[k]))
        throw InputError("--T: temperatures must be finite and > 0");
      if (k > 0 && !(o.temperatures[k] > o.temperatures[k - 1])) throw InputError("--T: temperatures must increase");
    }
  }
  if (!o.direction.empty() && static_cast<int32_t>(o.direction.size()) != m.nv)
    throw InputError("--align: direction has " + std::to_string(o.direction.size()) + " entries, the model " +
                     std::to_string(m.nv) + " visible units");
}

// Series indices.
enum { kQ2 = 0, kQabs = 1, kM2 = 2, kMabs = 3, kSeries = 4 };

// chi from means: N (<x^2> - <|x|>^2).
double chi_of(double n, double x2, double xabs) { return n * (x2 - xabs * xabs); }

// Gelman-Rubin potential scale reduction over C chains of n values each (Gelman & Rubin, Stat.
// Sci. 7, 457 (1992)): sqrt(((n-1)/n W + B/n) / W), W the mean within-chain variance, B/n the
// variance of the chain means. Chains frozen in different states give W -> 0 and R -> infinity;
// identical constant chains give 1.
double gelman_rubin(const std::vector<std::vector<double>>& chains) {
  const size_t C = chains.size(), n = chains.front().size();
  if (C < 2 || n < 2) return 1.0;
  std::vector<double> mean(C, 0.0);
  double W = 0, grand = 0;
  for (size_t c = 0; c < C; ++c) {
    for (double x : chains[c]) mean[c] += x;
    mean[c] /= static_cast<double>(n);
    grand += mean[c] / static_cast<double>(C);
    double v = 0;
    for (double x : chains[c]) v += (x - mean[c]) * (x - mean[c]);
    W += v / static_cast<double>(n - 1) / static_cast<double>(C);
  }
  double Bn = 0;
  for (double m : mean) Bn += (m - grand) * (m - grand);
  Bn /= static_cast<double>(C - 1);
  if (!(W > 0)) return Bn > 0 ? INFINITY : 1.0;
  return std::sqrt(((static_cast<double>(n) - 1) / static_cast<double>(n) * W + Bn) / W);
}

}  // namespace

double locate_peak(const std::vector<double>& T, const std::vector<double>& y, int32_t* argmax, bool* at_edge) {
  const auto n = static_cast<int32_t>(T.size());
  int32_t top = 0;
  for (int32_t i = 1; i < n; ++i)
    if (y[i] > y[top]) top = i;
  // The highest-T peak: the largest k whose y_k is the maximum of y over k-2 .. k+2 and at least
  // half the global maximum (a lower-T peak is a second freezing inside the ordered phase).
  int32_t k = top;
  for (int32_t i = n - 1; i > top; --i) {
    bool local = y[i] >= 0.5 * y[top];
    for (int32_t j = std::max(0, i - 2); j <= std::min(n - 1, i + 2) && local; ++j) local = y[i] >= y[j];
    if (local) {
      k = i;
      break;
    }
  }
  if (argmax) *argmax = k;
  if (at_edge) *at_edge = k == 0 || k == n - 1;
  const int32_t lo = std::max(0, k - 2), hi = std::min(n - 1, k + 2);
  if (hi - lo < 2) return T[k];
  // Least squares y = a + b x + c x^2, x = log(T / T_k): normal equations by Cramer's rule.
  double S[5] = {0, 0, 0, 0, 0}, R[3] = {0, 0, 0};
  for (int32_t i = lo; i <= hi; ++i) {
    const double x = std::log(T[i] / T[k]);
    double p = 1;
    for (double& s : S) s += p, p *= x;
    R[0] += y[i], R[1] += y[i] * x, R[2] += y[i] * x * x;
  }
  auto det3 = [](double a, double b, double c, double d, double e, double f, double g, double h, double i) {
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  };
  const double D = det3(S[0], S[1], S[2], S[1], S[2], S[3], S[2], S[3], S[4]);
  if (!(std::fabs(D) > 0)) return T[k];
  const double b = det3(S[0], R[0], S[2], S[1], R[1], S[3], S[2], R[2], S[4]) / D;
  const double c = det3(S[0], S[1], R[0], S[1], S[2], R[1], S[2], S[3], R[2]) / D;
  if (!(c < 0)) return T[k];
  const double xv = -b / (2 * c), xlo = std::log(T[lo] / T[k]), xhi = std::log(T[hi] / T[k]);
  if (!(xv >= xlo && xv <= xhi)) return T[k];
  return T[k] * std::exp(xv);
}

std::vector<double> data_mean_direction(const Dataset& d) {
  std::vector<double> u(d.cols, 0.0);
  for (int64_t r = 0; r < d.rows; ++r)
    for (int32_t i = 0; i < d.cols; ++i) u[i] += 2.0 * d.row(r)[i] - 1.0;
  normalise(u, "data mean pattern");
  return u;
}

std::vector<double> data_principal_direction(const Dataset& d, int64_t max_rows) {
  const int64_t rows = std::min(d.rows, std::max<int64_t>(max_rows, 2));
  const int32_t nv = d.cols;
  std::vector<double> mu(nv, 0.0), X(static_cast<size_t>(rows) * nv);
  for (int64_t r = 0; r < rows; ++r)
    for (int32_t i = 0; i < nv; ++i) mu[i] += 2.0 * d.row(r)[i] - 1.0;
  for (double& x : mu) x /= static_cast<double>(rows);
  for (int64_t r = 0; r < rows; ++r)
    for (int32_t i = 0; i < nv; ++i) X[r * nv + i] = 2.0 * d.row(r)[i] - 1.0 - mu[i];
  // Power iteration u <- Xc^T Xc u from a fixed start; stops when the Rayleigh quotient settles.
  std::vector<double> u(nv), t(rows), w(nv);
  for (int32_t i = 0; i < nv; ++i) u[i] = 1.0 + static_cast<double>(i) / nv;
  double lambda = 0;
  for (int it = 0; it < 200; ++it) {
    normalise(u, "principal direction (constant data?)");
    for (int64_t r = 0; r < rows; ++r) {
      double s = 0;
      for (int32_t i = 0; i < nv; ++i) s += X[r * nv + i] * u[i];
      t[r] = s;
    }
    std::fill(w.begin(), w.end(), 0.0);
    for (int64_t r = 0; r < rows; ++r)
      for (int32_t i = 0; i < nv; ++i) w[i] += X[r * nv + i] * t[r];
    double rq = 0;
    for (int32_t i = 0; i < nv; ++i) rq += u[i] * w[i];
    u.swap(w);
    const bool settled = std::fabs(rq - lambda) <= 1e-10 * std::fabs(rq);
    lambda = rq;
    if (settled) break;
  }
  normalise(u, "principal direction (constant data?)");
  double proj = 0, sum = 0;
  for (int32_t i = 0; i < nv; ++i) proj += u[i] * mu[i], sum += u[i];
  if (proj < 0 || (proj == 0 && sum < 0))
    for (double& x : u) x = -x;
  return u;
}

TcResult rbm_critical_temperature(const Rbm& m, const TcOptions& o) {
  check_options(m, o);
  check_finite(m, "model");
  const auto start = std::chrono::steady_clock::now();
  TcResult res;
  std::vector<double> u = o.direction;
  res.mean_field_T = rbm_mean_field_temperature(m, u.empty() ? &u : nullptr);
  res.direction_name = o.direction.empty() ? "weights" : o.direction_name;
  normalise(u, "--align");
  std::vector<double> T = o.temperatures;
  if (T.empty()) {
    if (!(res.mean_field_T > 0))
      throw InputError("the model has W = 0, so there is no temperature scale: give the temperatures (--T)");
    for (int32_t k = 0; k < o.points; ++k)
      T.push_back(res.mean_field_T * 0.1 * std::pow(15.0, static_cast<double>(k) / (o.points - 1)));
  }
  const auto nT = static_cast<int32_t>(T.size());
  // Z2 symmetry: without fields in the mapped Ising model, E(-sigma) = E(sigma), and the order
  // parameters are |q| and |m|; with fields there is no symmetry to break, and the
  // susceptibilities are plain variances, N (<q^2> - <q>^2) and nv (<m^2> - <m>^2).
  {
    const IsingModel im = rbm_to_ising(m);
    double hmax = 0, jmax = 0;
    for (double h : im.fields()) hmax = std::max(hmax, std::fabs(h));
    for (const float w : m.W) jmax = std::max(jmax, static_cast<double>(std::fabs(w)));
    res.folded = hmax <= 1e-6 * std::max(jmax, 1e-30);
  }
  const int32_t nv = m.nv, nh = m.nh, P = o.pairs, R = nT * 2 * P;
  const double N = static_cast<double>(nv) + nh;
  set_gemm_threads(o.threads);

  // Chains: row r = (k * P + p) * 2 + replica, inverse temperature 1 / T_k.
  const size_t sv = words_stride(nv), sh = words_stride(nh);
  std::vector<float> V(static_cast<size_t>(R) * nv), H(static_cast<size_t>(R) * nh),
      X(static_cast<size_t>(R) * std::max(nv, nh)), half(std::max(nv, nh), 0.5f);
  std::vector<uint32_t> wv(static_cast<size_t>(R) * sv), wh(static_cast<size_t>(R) * sh);
  std::vector<float> beta(R);
  for (int32_t r = 0; r < R; ++r) beta[r] = static_cast<float>(1.0 / T[r / (2 * P)]);
  fill_words(o.seed, stream_id(kTcInit, o.stream_offset), 0, R, nv, wv.data());
  for (int32_t r = 0; r < R; ++r) sample_from_p(m.units, half.data(), V.data() + static_cast<size_t>(r) * nv, nv, wv.data() + r * sv);

  // Per T: the four series (pair-averaged), one value per measured sweep.
  const size_t n = static_cast<size_t>(o.sweeps);
  std::vector<std::array<std::vector<double>, kSeries>> series(nT);
  for (auto& s : series)
    for (auto& v : s) v.assign(n, 0.0);
  const bool binary = m.units == RbmUnits::Binary;
  auto sig = [binary](float x) { return binary ? 2.0 * x - 1.0 : static_cast<double>(x); };
  std::vector<float> uf(u.begin(), u.end());
  // Per chain: energy E(v, h) and m, for the equilibration check.
  std::vector<std::vector<double>> chain_e(R, std::vector<double>(n)), chain_m(R, std::vector<double>(n));
  std::vector<double> energy(R);
  const double inv_sqrt_nv = 1.0 / std::sqrt(static_cast<double>(nv));
  const int32_t total = o.burn_in + o.sweeps;
  for (int32_t s = 0; s < total; ++s) {
    sgemm(false, false, R, nh, nv, 1.0f, V.data(), nv, m.W.data(), nh, 0.0f, X.data(), nh);
    add_bias_rows(X.data(), m.c.data(), R, nh);
    fill_words(o.seed, stream_id(kTcHidden, o.stream_offset), static_cast<uint64_t>(s), R, nh, wh.data());
    for (int32_t r = 0; r < R; ++r)
      sample_units(m.units, X.data() + static_cast<size_t>(r) * nh, H.data() + static_cast<size_t>(r) * nh, nh, beta[r],
                   wh.data() + r * sh);
    // E(v, h) = -b.v - h.(W^T v + c) for the current (v, h), a sample of p_T(v, h).
    for (int32_t r = 0; r < R; ++r) {
      const float *v = V.data() + static_cast<size_t>(r) * nv, *h = H.data() + static_cast<size_t>(r) * nh,
                  *x = X.data() + static_cast<size_t>(r) * nh;
      double e = 0;
      for (int32_t i = 0; i < nv; ++i) e -= static_cast<double>(m.b[i]) * v[i];
      for (int32_t j = 0; j < nh; ++j) e -= static_cast<double>(h[j]) * x[j];
      energy[r] = e;
    }
    // Replica exchange (Hukushima & Nemoto 1996) along each of the 2P ladders c: the states at
    // T_k and T_k+1 swap with probability min(1, exp((beta_k - beta_k+1)(E_k - E_k+1))),
    // even pairs on even sweeps, odd on odd.
    if (o.exchange)
      for (int32_t k = s % 2; k + 1 < nT; k += 2)
        for (int32_t c = 0; c < 2 * P; ++c) {
          const int32_t ra = k * 2 * P + c, rb = ra + 2 * P;
          Rng rng(o.seed, stream_id(kTcSwap, o.stream_offset + static_cast<uint64_t>(ra)), static_cast<uint64_t>(s));
          const double d = (static_cast<double>(beta[ra]) - beta[rb]) * (energy[ra] - energy[rb]);
          if (d >= 0 || rng.uniform() < std::exp(d)) {
            std::swap_ranges(V.begin() + static_cast<size_t>(ra) * nv, V.begin() + static_cast<size_t>(ra + 1) * nv,
                             V.begin() + static_cast<size_t>(rb) * nv);
            std::swap_ranges(H.begin() + static_cast<size_t>(ra) * nh, H.begin() + static_cast<size_t>(ra + 1) * nh,
                             H.begin() + static_cast<size_t>(rb) * nh);
            std::swap(energy[ra], energy[rb]);
            ++res.swaps;
          }
        }
    if (s >= o.burn_in)
      for (int32_t r = 0; r < R; ++r) chain_e[r][static_cast<size_t>(s - o.burn_in)] = energy[r];
    sgemm(false, true, R, nv, nh, 1.0f, H.data(), nh, m.W.data(), nh, 0.0f, X.data(), nv);
    add_bias_rows(X.data(), m.b.data(), R, nv);
    fill_words(o.seed, stream_id(kTcVisible, o.stream_offset), static_cast<uint64_t>(s), R, nv, wv.data());
    for (int32_t r = 0; r < R; ++r)
      sample_units(m.units, X.data() + static_cast<size_t>(r) * nv, V.data() + static_cast<size_t>(r) * nv, nv, beta[r],
                   wv.data() + r * sv);
    if (s >= o.burn_in) {
      const size_t t = static_cast<size_t>(s - o.burn_in);
      for (int32_t k = 0; k < nT; ++k) {
        double acc[kSeries] = {0, 0, 0, 0};
        for (int32_t p = 0; p < P; ++p) {
          const size_t ra = static_cast<size_t>((k * P + p) * 2), rb = ra + 1;
          const float *va = V.data() + ra * nv, *vb = V.data() + rb * nv, *ha = H.data() + ra * nh, *hb = H.data() + rb * nh;
          double q = 0, ma = 0, mb = 0;
          for (int32_t i = 0; i < nv; ++i) {
            const double a = sig(va[i]), b = sig(vb[i]);
            q += a * b, ma += uf[i] * a, mb += uf[i] * b;
          }
          for (int32_t j = 0; j < nh; ++j) q += sig(ha[j]) * sig(hb[j]);
          q /= N, ma *= inv_sqrt_nv, mb *= inv_sqrt_nv;
          chain_m[ra][t] = ma, chain_m[rb][t] = mb;
          acc[kQ2] += q * q, acc[kQabs] += res.folded ? std::fabs(q) : q;
          acc[kM2] += 0.5 * (ma * ma + mb * mb);
          acc[kMabs] += res.folded ? 0.5 * (std::fabs(ma) + std::fabs(mb)) : 0.5 * (ma + mb);
        }
        for (int c = 0; c < kSeries; ++c) series[k][c][t] = acc[c] / P;
      }
    }
    if (o.progress && (s % 32 == 31 || s + 1 == total)) o.progress(static_cast<double>(s + 1) / total);
  }

  // Per-T estimates: means by binning, chi by a block jackknife.
  res.points.resize(nT);
  for (int32_t k = 0; k < nT; ++k) {
    TcPoint& pt = res.points[k];
    const auto& S = series[k];
    pt.T = T[k];
    pt.q2 = estimate_mean(S[kQ2]);
    pt.q_abs = estimate_mean(S[kQabs]);
    pt.m2 = estimate_mean(S[kM2]);
    pt.m_abs = estimate_mean(S[kMabs]);
    auto chi = [&](int a, int b, double scale, const Estimate& ea, const Estimate& eb) {
      const std::span<const double> ss[2] = {S[a], S[b]};
      const size_t block = choose_block_size(std::max(ea.tau_int, eb.tau_int), n);
      return jackknife(ss, [scale](std::span<const double> x) { return chi_of(scale, x[0], x[1]); }, block);
    };
    pt.chi_q = chi(kQ2, kQabs, N, pt.q2, pt.q_abs);
    pt.chi_m = chi(kM2, kMabs, static_cast<double>(nv), pt.m2, pt.m_abs);
    std::vector<std::vector<double>> ce(chain_e.begin() + k * 2 * P, chain_e.begin() + (k + 1) * 2 * P),
        cm(chain_m.begin() + k * 2 * P, chain_m.begin() + (k + 1) * 2 * P);
    pt.r_hat = std::max(gelman_rubin(ce), gelman_rubin(cm));
    pt.equilibrated = pt.r_hat <= o.max_r_hat;
  }
  // The scan starts at the lowest T above which every point is equilibrated.
  int32_t k0 = nT;
  while (k0 > 0 && res.points[k0 - 1].equilibrated) --k0;
  if (k0 > nT - 3) throw InputError("fewer than 3 equilibrated temperatures at the top of the scan (Gelman-Rubin R > " +
                                    std::to_string(o.max_r_hat) + "): raise --sweeps / --burn-in or the temperatures");
  res.first_equilibrated = k0;
  const std::vector<double> Teq(T.begin() + k0, T.end());

  // Peak locations with a jackknife over G groups of consecutive measured sweeps.
  const int32_t G = o.blocks;
  const size_t g = n / static_cast<size_t>(G);
  std::vector<std::array<double, kSeries>> tot(nT);
  std::vector<std::vector<std::array<double, kSeries>>> grp(nT, std::vector<std::array<double, kSeries>>(G));
  for (int32_t k = 0; k < nT; ++k)
    for (int c = 0; c < kSeries; ++c) {
      tot[k][c] = 0;
      for (int32_t b = 0; b < G; ++b) {
        double s = 0;
        for (size_t t = b * g; t < (b + 1) * g; ++t) s += series[k][c][t];
        grp[k][b][c] = s;
        tot[k][c] += s;
      }
    }
  auto peak = [&](bool overlap, TcPeak* out) {
    const int a = overlap ? kQ2 : kM2, b = overlap ? kQabs : kMabs;
    const double scale = overlap ? N : static_cast<double>(nv);
    std::vector<double> y(nT - k0);
    for (int32_t k = k0; k < nT; ++k) y[k - k0] = chi_of(scale, tot[k][a] / (G * g), tot[k][b] / (G * g));
    out->T.mean = locate_peak(Teq, y, &out->grid_index, &out->at_edge);
    out->grid_index += k0;
    std::vector<double> jk(G);
    double mean = 0;
    for (int32_t j = 0; j < G; ++j) {
      const double cnt = static_cast<double>((G - 1) * g);
      for (int32_t k = k0; k < nT; ++k)
        y[k - k0] = chi_of(scale, (tot[k][a] - grp[k][j][a]) / cnt, (tot[k][b] - grp[k][j][b]) / cnt);
      jk[j] = locate_peak(Teq, y);
      mean += jk[j] / G;
    }
    double var = 0;
    for (double x : jk) var += (x - mean) * (x - mean);
    out->T.error = std::sqrt(var * (G - 1) / G);
    // A peak that the parabola did not refine is known to the grid spacing only: the error is at
    // least half the larger gap to the neighbouring temperatures.
    if (out->T.mean == T[out->grid_index]) {
      const int32_t k = out->grid_index;
      const double gap = std::max(k > k0 ? T[k] - T[k - 1] : 0.0, k + 1 < nT ? T[k + 1] - T[k] : 0.0);
      out->T.error = std::max(out->T.error, 0.5 * gap);
    }
    out->T.n_eff = G;
  };
  peak(true, &res.overlap);
  peak(false, &res.aligned);
  // The point where the aligned order sets in (the chi_m peak) decides: is the order that forms
  // there aligned with u (m^2 a macroscopic share of q^2) or unrelated to it (m^2 ~ q^2 / nv)?
  const TcPoint& at = res.points[res.aligned.grid_index];
  res.aligned_share = at.q2.mean > 0 ? at.m2.mean / at.q2.mean : 0.0;
  const bool aligned = o.order == TcOrder::Aligned || (o.order == TcOrder::Auto && res.aligned_share >= 0.1);
  res.order = aligned ? "aligned" : "overlap";
  res.T_c = aligned ? res.aligned.T : res.overlap.T;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

PowerLawFit fit_power_law(const std::vector<double>& t, const std::vector<Estimate>& y) {
  std::vector<double> lx, ly, ls;
  for (size_t k = 0; k < t.size() && k < y.size(); ++k)
    if (t[k] > 0 && y[k].mean > 0 && y[k].error > 0 && std::isfinite(y[k].error)) {
      lx.push_back(std::log(t[k]));
      ly.push_back(std::log(y[k].mean));
      ls.push_back(y[k].error / y[k].mean);
    }
  PowerLawFit f;
  f.points = static_cast<int32_t>(lx.size());
  f.exponent = fit_slope(lx, ly, ls);
  if (f.points < 2 || !std::isfinite(f.exponent.mean)) return f;
  double S = 0, Sx = 0, Sy = 0;
  for (size_t k = 0; k < lx.size(); ++k) {
    const double w = 1.0 / (ls[k] * ls[k]);
    S += w, Sx += w * lx[k], Sy += w * ly[k];
  }
  const double a = (Sy - f.exponent.mean * Sx) / S;
  f.amplitude = std::exp(a);
  double chi2 = 0;
  for (size_t k = 0; k < lx.size(); ++k) {
    const double r = (ly[k] - a - f.exponent.mean * lx[k]) / ls[k];
    chi2 += r * r;
  }
  f.chi2_per_dof = f.points > 2 ? chi2 / (f.points - 2) : 0.0;
  if (f.chi2_per_dof > 1) f.exponent.error *= std::sqrt(f.chi2_per_dof);
  f.grows = f.exponent.mean > 2 * f.exponent.error;
  f.consistent = f.points > 2 && f.chi2_per_dof <= 1 + 3 * std::sqrt(2.0 / (f.points - 2));
  return f;
}

}  // namespace spinlab
