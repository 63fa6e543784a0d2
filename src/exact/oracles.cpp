// Closed-form oracles: transfer-matrix chain, Kaufman torus, Onsager lattice, mean field, Bethe lattice.
#include "exact/oracles.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "exact/jet.hpp"

namespace spinlab {

namespace {

using jets::Jet;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPi = std::numbers::pi;
constexpr double kLn2 = std::numbers::ln2;

void require_finite(const std::string& who, const char* what, double x) {
  if (!std::isfinite(x)) throw InputError(who + ": " + what + " must be finite");
}
void require_beta(const std::string& who, double beta) {
  if (!std::isfinite(beta) || beta < 0.0) throw InputError(who + ": beta must be finite and >= 0");
}

// ---------------------------------------------------------------------------------------------
// Overflow-free logarithms of hyperbolic functions, for jets and for plain doubles.

/// ln(2 cosh x) = |x| + ln(1 + e^{-2|x|}).
Jet log_2cosh(const Jet& x) {
  const Jet a = jets::abs(x);
  return a + jets::log1p(jets::exp(-2.0 * a));
}
double log_2cosh(double x) {
  const double a = std::fabs(x);
  return a + std::log1p(std::exp(-2.0 * a));
}
/// ln(2 sinh x) for x > 0: direct for small x (where 1 - e^{-2x} would cancel), else
/// x + ln(1 - e^{-2x}).
Jet log_2sinh(const Jet& x) {
  if (x.v < 1.0) return jets::log(2.0 * jets::sinh(x));
  return x + jets::log1p(-jets::exp(-2.0 * x));
}

// ---------------------------------------------------------------------------------------------
// 1D chain: T = [[e^{k+a}, e^{-k}], [e^{-k}, e^{k-a}]] with k = beta J, a = beta h (row/column 0 is
// s = +1). Everything is scaled by e^{-c}, c the largest exponent, so no entry overflows:
// T e^{-c} = [[p, r], [r, q]]. Eigenvalues (Kramers & Wannier 1941; Baxter, "Exactly Solved Models",
// ch. 2): l+- e^{-c} = (p + q)/2 +- sqrt(((p - q)/2)^2 + r^2); rho = l-/l+ = det / l+^2 with
// det e^{-2c} = p q - r^2, and 1 + rho = Tr T / l+ = (p + q) / (l+ e^{-c}) exactly, which matters
// for the antiferromagnet where rho -> -1.
struct ChainSpectrum {
  Jet c;             // scale exponent
  Jet log_lplus;     // ln l+
  Jet lp;            // l+ e^{-c}
  Jet p, q, r;       // scaled matrix entries
  Jet half_diff;     // (p - q)/2
  Jet root;          // sqrt(half_diff^2 + r^2)
  Jet rho;           // l- / l+, |rho| < 1
  Jet one_plus_rho;  // 1 + rho
};

ChainSpectrum chain_spectrum(const Jet& k, const Jet& a) {
  Jet c = k + a;
  if ((k - a).v > c.v) c = k - a;
  if ((-k).v > c.v) c = -k;
  ChainSpectrum s;
  s.c = c;
  s.p = jets::exp(k + a - c);
  s.q = jets::exp(k - a - c);
  s.r = jets::exp(-k - c);
  s.half_diff = 0.5 * (s.p - s.q);
  // root = hypot(half_diff, r), scaled by the larger so that r^2 never underflows to a 0 whose
  // square root has infinite derivatives; r itself underflows only for beta |J| > ~370.
  const Jet abs_hd = jets::abs(s.half_diff);
  if (s.r.v == 0.0) {
    s.root = abs_hd;
  } else if (abs_hd.v > s.r.v) {
    const Jet x = s.r / abs_hd;
    s.root = abs_hd * jets::sqrt(1.0 + x * x);
  } else {
    const Jet x = s.half_diff / s.r;
    s.root = s.r * jets::sqrt(1.0 + x * x);
  }
  s.lp = 0.5 * (s.p + s.q) + s.root;
  s.log_lplus = c + jets::log(s.lp);
  s.rho = (s.p * s.q - s.r * s.r) / (s.lp * s.lp);
  s.one_plus_rho = (s.p + s.q) / s.lp;
  return s;
}

/// 1 - |rho|^n for rho < 0, as -expm1(n ln(1 + rho)): no cancellation as rho -> -1.
Jet one_minus_abs_pow(const ChainSpectrum& s, int32_t n) {
  return -jets::expm1(static_cast<double>(n) * jets::log1p(-s.one_plus_rho));
}
/// 1 + rho^n. For odd n and rho near -1 (low-temperature antiferromagnet) the two terms cancel, so
/// that case goes through 1 - |rho|^n.
Jet one_plus_pow(const ChainSpectrum& s, int32_t n) {
  if (n % 2 != 0 && s.rho.v < -0.5) return one_minus_abs_pow(s, n);
  return 1.0 + jets::ipow(s.rho, n);
}

/// ln Z of the chain as a jet in whichever of k, a is seeded.
Jet chain_log_z(int32_t n, const Jet& k, const Jet& a, Boundary boundary) {
  const ChainSpectrum s = chain_spectrum(k, a);
  // Periodic: Z = Tr T^N = l+^N (1 + rho^N).
  if (boundary == Boundary::Periodic) return static_cast<double>(n) * s.log_lplus + jets::log(one_plus_pow(s, n));
  // Open: Z = v^T T^(N-1) v, v = (e^{a/2}, e^{-a/2}) puts the field on the two end spins exactly
  // once (each T carries half a field on either side). v is scaled by e^{-|a|/2} only where it
  // would overflow.
  const bool scale_v = std::fabs(a.v) > 600.0;
  const Jet shift = scale_v ? jets::abs(a) : Jet(0.0);
  const Jet v1 = jets::exp(0.5 * (a - shift)), v2 = jets::exp(0.5 * (-a - shift));
  const double n1 = n - 1.0;
  if (s.r.v == 0.0) {
    // T is diagonal to double precision (beta |J| or beta |h| in the hundreds).
    return n1 * s.c + shift + jets::log(v1 * v1 * jets::ipow(s.p, n - 1) + v2 * v2 * jets::ipow(s.q, n - 1));
  }
  // With T = l+ u+ u+^T + l- u- u-^T: Z = l+^(N-1) [(v.u+)^2 + rho^(N-1) (v.u-)^2]. The
  // unnormalised eigenvector u+ = (u1, u2) comes from the row that avoids cancellation, with
  // u1 - u2 in closed form, and is scaled to a largest component of 1.
  const Jet hd2 = s.half_diff * s.half_diff / (s.root + s.r);  // root - r
  Jet u1, u2, diff;
  if (s.p.v >= s.q.v) {
    u1 = s.half_diff + s.root;  // l+ e^{-c} - q
    u2 = s.r;
    diff = s.half_diff + hd2;
  } else {
    u1 = s.r;
    u2 = s.root - s.half_diff;  // l+ e^{-c} - p
    diff = s.half_diff - hd2;
  }
  const Jet scale = u1.v >= u2.v ? u1 : u2;
  u1 /= scale;
  u2 /= scale;
  diff /= scale;
  const Jet plus = v1 * u1 + v2 * u2, minus = v2 * u1 - v1 * u2;
  Jet sum;  // |u|^2 [(v.u+)^2 + rho^(N-1) (v.u-)^2]
  if ((n - 1) % 2 != 0 && s.rho.v < -0.5) {
    // rho^(N-1) -> -1: plus^2 - minus^2 = (v1^2 - v2^2)(u1^2 - u2^2) + 4 v1 v2 u1 u2 (both terms
    // >= 0), then + minus^2 (1 - |rho|^(N-1)).
    const Jet v_diff = !scale_v ? 2.0 * jets::sinh(0.5 * a)
                                : (a.v >= 0.0 ? -jets::expm1(-a) : jets::expm1(a));  // v1 - v2
    sum = v_diff * (v1 + v2) * diff * (u1 + u2) + 4.0 * v1 * v2 * u1 * u2 +
          minus * minus * one_minus_abs_pow(s, n - 1);
  } else {
    sum = plus * plus + jets::ipow(s.rho, n - 1) * minus * minus;
  }
  return n1 * s.log_lplus + shift + jets::log(sum / (u1 * u1 + u2 * u2));
}

/// <M^2> of the ferromagnetic chain (k = beta J > 0) at h = 0, from <s_i s_j> = t^|i-j| (open) or
/// (t^r + t^(N-r)) / (1 + t^N) (ring), t = tanh k. Summed in closed form (ring) or term by term
/// (open, all terms positive): the jets' route through ln l+ cancels ~e^{2k}/N digits here.
double chain_m2_zero_field(int32_t n, double k, Boundary boundary) {
  const double nd = n;
  if (boundary == Boundary::Periodic) {
    // <M^2> = N (1 + t)/(1 - t) (1 - t^N)/(1 + t^N) = N e^{2k} tanh(N y / 2), y = -ln t.
    if (k > 300.0) return nd * nd;  // relative correction below 1e-200
    const double y = std::log1p(2.0 / std::expm1(2.0 * k));
    return nd * std::exp(2.0 * k) * std::tanh(0.5 * nd * y);
  }
  const double t = std::tanh(k);
  double sum = 0.0, p = 1.0;
  for (int32_t d = 1; d < n && p > 0.0; ++d) {
    p *= t;
    sum += (nd - d) * p;
  }
  return nd + 2.0 * sum;
}

void validate_chain(const char* who, int32_t n, double beta, double J, double h, Boundary boundary) {
  if (n < 1) throw InputError(std::string(who) + ": N must be at least 1");
  if (boundary == Boundary::Periodic && n < 2)
    throw InputError(std::string(who) + ": a periodic chain needs N >= 2 (N = 1 would bond a spin to itself)");
  require_beta(who, beta);
  require_finite(who, "J", J);
  require_finite(who, "h", h);
}

// ---------------------------------------------------------------------------------------------
// Kaufman (Phys. Rev. 76, 1232 (1949)), eqs. for the m x n torus with K = beta |J|:
//   Z = 1/2 (2 sinh 2K)^{mn/2} (Z1 + Z2 + Z3 + Z4),
//   Z1,2 = prod_{r=0}^{n-1} 2 cosh,sinh(m g_{2r+1} / 2),  Z3,4 = prod_{r=0}^{n-1} 2 cosh,sinh(m g_{2r} / 2),
//   cosh g_k = cosh 2K coth 2K - cos(pi k / n) (g_k > 0, k >= 1),  g_0 = 2K + ln tanh K (signed).
// Z is symmetric in m <-> n; the tests check non-square tori against enumeration.

/// Above this value of ln sinh 2K, g_k is computed in logarithmic form.
constexpr double kKaufmanLogForm = 1.1;  // sinh 2K ~ 3

/// g_k for k >= 1. Near K_c, cosh g_k is close to 1 and acosh loses digits, so there we use
/// cosh g_k - 1 = (1 - s)^2/s + 2 sin^2(theta/2) (s = sinh 2K; no cancellation) and
/// acosh(1 + d) = ln(1 + d + sqrt(d (d + 2))). At low temperature g_k ~ 2K, and the chain rule
/// through acosh would compute the tiny g_k'' as a difference of O(1) terms; the logarithmic form
/// keeps the linear part 2K exact (ln s = 2K - ln 2 + ln(1 - e^{-4K})) and never overflows:
///   g_k = ln C + ln 2 + ln(1 - q / (2 (1 + sqrt(1 - q)))),  C = cosh g_k, q = C^-2,
///   ln C = ln s + ln(1 + (1/s - cos theta) / s).
Jet kaufman_gamma(const Jet& log_s, const Jet& s, double theta) {
  if (log_s.v < kKaufmanLogForm) {
    const double sh = std::sin(0.5 * theta);
    const Jet d = (1.0 - s) * (1.0 - s) / s + 2.0 * sh * sh;
    return jets::log1p(d + jets::sqrt(d * (d + 2.0)));
  }
  const Jet inv_s = jets::exp(-log_s);
  const Jet log_c = log_s + jets::log1p((inv_s - std::cos(theta)) * inv_s);
  const Jet q = jets::exp(-2.0 * log_c);
  return log_c + kLn2 + jets::log1p(-q / (2.0 * (1.0 + jets::sqrt(1.0 - q))));
}

Jet kaufman_log_z(int32_t m, int32_t n, const Jet& K) {
  const Jet log_2s = log_2sinh(2.0 * K);  // ln(2 sinh 2K)
  const Jet log_s = log_2s - kLn2;
  const Jet s = log_s.v < kKaufmanLogForm ? jets::sinh(2.0 * K) : Jet(kNaN);  // unused beyond
  const double half_m = 0.5 * m;
  Jet lz1, lz2, lz3, lz4;  // ln|Z_i|; lz4 leaves out the r = 0 factor 2 sinh(m g_0 / 2)
  for (int32_t r = 0; r < n; ++r) {
    const Jet x_odd = half_m * kaufman_gamma(log_s, s, kPi * (2.0 * r + 1.0) / n);
    lz1 += log_2cosh(x_odd);
    lz2 += log_2sinh(x_odd);
    if (r > 0) {
      const Jet x_even = half_m * kaufman_gamma(log_s, s, kPi * (2.0 * r) / n);
      lz3 += log_2cosh(x_even);
      lz4 += log_2sinh(x_even);
    }
  }
  // g_0 changes sign at K_c (negative above T_c), and with it Z4. Its factor 2 sinh(m g_0 / 2)
  // passes through zero there, so it is multiplied in linearly instead of through its logarithm.
  const Jet x0 = half_m * (2.0 * K + jets::log(jets::tanh(K)));
  lz3 += log_2cosh(x0);
  Jet r4;
  if (std::fabs(x0.v) <= 1.0) {
    r4 = 2.0 * jets::sinh(x0) * jets::exp(lz4 - lz1);
  } else {
    const Jet mag = jets::exp(log_2sinh(jets::abs(x0)) + lz4 - lz1);
    r4 = x0.v > 0.0 ? mag : -mag;
  }
  const Jet r2 = jets::exp(lz2 - lz1), r3 = jets::exp(lz3 - lz1);
  // 1 + R2 + R3 + R4 >= 1 because |R4| <= R3: no cancellation.
  return (0.5 * m * n) * log_2s - kLn2 + lz1 + jets::log1p(r2 + r3 + r4);
}

// ---------------------------------------------------------------------------------------------
// Onsager (Phys. Rev. 65, 117 (1944)).

/// Pieces of the complete elliptic integrals K(k), E(k) from the arithmetic-geometric mean
/// (Abramowitz & Stegun 17.6.3-4), with a_0 = 1, b_0 = k', c_0 = k:
///   K = pi / (2 a_inf) = pi/2 + D,   K - E = K (k^2/2 + S'),   S' = sum_{n>=1} 2^{n-1} c_n^2.
/// Everything is computed without subtraction: c_{n+1} = c_n^2 / (4 a_{n+1}), and the defects
/// 1 - a_n, 1 - b_n follow their own recurrences (1 - a b = (1 - a) + a (1 - b)). So D and S' keep
/// full relative precision both as k -> 0 (where they are O(k^2), O(k^4)) and as k -> 1
/// (started from k' rather than from k).
struct EllipticParts {
  double K = 0.0, D = 0.0, S1 = 0.0;
};
EllipticParts elliptic_parts(double k, double kp) {
  if (kp == 0.0) return {kInf, kInf, kInf};
  double a = 1.0, b = kp, da = 0.0, db = k * k / (1.0 + kp), c = k, weight = 0.5, s1 = 0.0;
  for (int i = 0; i < 64; ++i) {
    const double an = 0.5 * (a + b), bn = std::sqrt(a * b);
    const double dan = 0.5 * (da + db), dbn = (da + a * db) / (1.0 + bn);
    c = c * c / (4.0 * an);
    weight *= 2.0;
    s1 += weight * c * c;
    a = an;
    b = bn;
    da = dan;
    db = dbn;
    if (c <= 1e-18 * da) break;
  }
  return {kPi / (2.0 * a), 0.5 * kPi * da / a, s1};
}

/// Nodes and weights of 20-point Gauss-Legendre on [-1, 1] (Newton on P_20).
struct GaussLegendre20 {
  static constexpr int n = 20;
  std::array<double, n> x{}, w{};
  GaussLegendre20() {
    for (int i = 0; i < n; ++i) {
      double z = std::cos(kPi * (i + 0.75) / (n + 0.5)), pp = 1.0;
      for (int it = 0; it < 100; ++it) {
        double p1 = 1.0, p2 = 0.0;
        for (int j = 1; j <= n; ++j) {
          const double p3 = p2;
          p2 = p1;
          p1 = ((2.0 * j - 1.0) * z * p2 - (j - 1.0) * p3) / j;
        }
        pp = n * (z * p1 - p2) / (z * z - 1.0);
        const double dz = p1 / pp;
        z -= dz;
        if (std::fabs(dz) < 1e-16) break;
      }
      x[i] = z;
      w[i] = 2.0 / ((1.0 - z * z) * pp * pp);
    }
  }
  template <class F>
  double integrate(const F& f, double a, double b) const {
    const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    double s = 0.0;
    for (int i = 0; i < n; ++i) s += w[i] * f(mid + half * x[i]);
    return s * half;
  }
};

const GaussLegendre20& gauss_legendre20() {
  static const GaussLegendre20 gl;
  return gl;
}

/// Adaptive bisection with 20-point Gauss-Legendre panels; tol is absolute.
template <class F>
double integrate_adaptive(const F& f, double a, double b, double whole, double tol, int depth) {
  const GaussLegendre20& gl = gauss_legendre20();
  const double mid = 0.5 * (a + b);
  const double left = gl.integrate(f, a, mid), right = gl.integrate(f, mid, b);
  if (depth <= 0 || std::fabs(left + right - whole) <= tol) return left + right;
  return integrate_adaptive(f, a, mid, left, 0.5 * tol, depth - 1) +
         integrate_adaptive(f, mid, b, right, 0.5 * tol, depth - 1);
}
template <class F>
double integrate(const F& f, double a, double b, double tol) {
  return integrate_adaptive(f, a, b, gauss_legendre20().integrate(f, a, b), tol, 60);
}

// ---------------------------------------------------------------------------------------------
// Mean field.

double mean_field_f(double beta, double zJ, double h, double m) {
  return m - std::tanh(beta * (zJ * m + h));
}

/// Root of the monotone f on [lo, hi] where f(lo) and f(hi) have opposite signs (or one is 0).
double bisect_root(double beta, double zJ, double h, double lo, double hi) {
  double flo = mean_field_f(beta, zJ, h, lo);
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    const double fm = mean_field_f(beta, zJ, h, mid);
    if (fm == 0.0) return mid;
    if ((fm < 0.0) == (flo < 0.0)) {
      lo = mid;
      flo = fm;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

ExactThermo chain_exact(int32_t N, double beta, double J, double h, Boundary boundary) {
  validate_chain("chain_exact", N, beta, J, h, boundary);
  const double n = N;
  ExactThermo t;
  // Jets in beta: d lnZ/d beta = -<E>, d2 lnZ/d beta2 = Var(E).
  const Jet b = Jet::variable(beta);
  const Jet lz_beta = chain_log_z(N, b * J, b * h, boundary);
  t.log_z = lz_beta.v;
  t.energy_per_spin = -lz_beta.d / n;
  t.specific_heat_per_spin = beta * beta * lz_beta.dd / n;
  // Jets in a = beta h (no division by beta): d lnZ/da = <M>, d2 lnZ/da2 = Var(M).
  const Jet lz_a = chain_log_z(N, Jet(beta * J), Jet::variable(beta * h), boundary);
  t.magnetization_per_spin = lz_a.d / n;
  t.susceptibility_connected = beta * lz_a.dd / n;
  t.mag_sq_per_spin2 = (lz_a.dd + lz_a.d * lz_a.d) / (n * n);
  if (h == 0.0 && J > 0.0 && beta > 0.0) {
    const double m2 = chain_m2_zero_field(N, beta * J, boundary);
    t.magnetization_per_spin = 0.0;
    t.susceptibility_connected = beta * m2 / n;
    t.mag_sq_per_spin2 = m2 / (n * n);
  }
  for (double x : {t.log_z, t.energy_per_spin, t.specific_heat_per_spin, t.magnetization_per_spin,
                   t.susceptibility_connected, t.mag_sq_per_spin2})
    if (!std::isfinite(x))  // only reachable for beta |h| in the hundreds with J < 0
      throw InputError("chain_exact: beta |J|, beta |h| too large for double precision");
  return t;
}

double chain_correlation(int32_t N, double beta, double J, double h, int32_t r) {
  validate_chain("chain_correlation", N, beta, J, h, Boundary::Periodic);
  if (r < 0 || r > N)
    throw InputError("chain_correlation: distance r = " + std::to_string(r) + " outside 0.." +
                     std::to_string(N));
  // Tr(sigma T^r sigma T^(N-r)) / Z in the eigenbasis of T: with cos 2phi, sin 2phi the rotation
  // to the eigenvectors, <s_0 s_r> = cos^2 2phi + sin^2 2phi (rho^r + rho^(N-r)) / (1 + rho^N)
  // (the ring form of Baxter, "Exactly Solved Models", ch. 2).
  const ChainSpectrum s = chain_spectrum(Jet(beta * J), Jet(beta * h));
  double cos2 = 0.0, sin2 = 1.0;  // h = 0 (root may underflow to 0 only there)
  if (s.root.v > 0.0) {
    cos2 = (s.half_diff.v / s.root.v) * (s.half_diff.v / s.root.v);
    sin2 = (s.r.v / s.root.v) * (s.r.v / s.root.v);
  }
  // rho^r + rho^(N-r) = rho^r (1 + rho^(N-2r)) with r <= N - r; both factors 1 + rho^m go through
  // one_plus_pow, which avoids the cancellation of the odd-N antiferromagnet.
  const int32_t rr = std::min(r, N - r);
  const double num = std::pow(s.rho.v, rr) * one_plus_pow(s, N - 2 * rr).v;
  return cos2 + sin2 * num / one_plus_pow(s, N).v;
}

ExactThermo kaufman_torus(int32_t Lx, int32_t Ly, double beta, double J) {
  if (Lx < 2 || Ly < 2) throw InputError("kaufman_torus: the torus needs Lx, Ly >= 2");
  require_beta("kaufman_torus", beta);
  require_finite("kaufman_torus", "J", J);
  if (J < 0.0 && (Lx % 2 != 0 || Ly % 2 != 0))
    throw InputError("kaufman_torus: J < 0 needs even Lx and Ly (an odd torus is frustrated)");
  const double n_spins = static_cast<double>(Lx) * Ly;
  ExactThermo t;
  t.magnetization_per_spin = 0.0;  // h = 0: zero by symmetry
  t.susceptibility_connected = kNaN;
  t.mag_sq_per_spin2 = kNaN;
  const double k = beta * std::fabs(J);
  if (k == 0.0) {
    t.log_z = n_spins * kLn2;
    t.energy_per_spin = 0.0;
    t.specific_heat_per_spin = 0.0;
    return t;
  }
  // On an even torus the sublattice flip maps J to -J, so Z depends on |J| only.
  const Jet lz = kaufman_log_z(Lx, Ly, Jet::variable(k));
  t.log_z = lz.v;
  t.energy_per_spin = -std::fabs(J) * lz.d / n_spins;
  t.specific_heat_per_spin = k * k * lz.dd / n_spins;
  return t;
}

OnsagerResult onsager(double beta, double J) {
  require_beta("onsager", beta);
  if (!std::isfinite(J) || J <= 0.0) throw InputError("onsager: J must be finite and > 0");
  OnsagerResult o;
  const double K = beta * J;
  if (K == 0.0) {
    o.free_energy_per_spin = kLn2;
    return o;
  }
  const double t = std::tanh(2.0 * K), sech = 1.0 / std::cosh(2.0 * K), coth = 1.0 / t;
  // k = 2 sinh 2K / cosh^2 2K; k' = |2 tanh^2 2K - 1| = |(t - sech)(t + sech)| exactly, which keeps
  // its digits at K_c where k -> 1.
  const double k = 2.0 * t * sech, kps = (t - sech) * (t + sech), kp = std::fabs(kps);
  const EllipticParts ell = elliptic_parts(k, kp);
  const double kps_K1 = kp == 0.0 ? 0.0 : kps * ell.K;  // -> 0 at K_c (k' ln k')
  // Internal energy (Onsager 1944; e.g. Huang, "Statistical Mechanics", sec. 17.4):
  //   u = -J coth 2K [1 + (2/pi) (2 tanh^2 2K - 1) K1(k)].
  // Below T_c, k' = -(2 tanh^2 2K - 1) and 1 - k' K1 (2/pi) = k^2/(1 + k') - (2/pi) k' D avoids the
  // cancellation of 1 - k' K1 (2/pi) -> 0 at high temperature.
  const double bracket = kps >= 0.0 ? 1.0 + (2.0 / kPi) * kps_K1
                                    : k * k / (1.0 + kp) - (2.0 / kPi) * kp * ell.D;
  o.energy_per_spin = -J * coth * bracket;
  // Specific heat C/N = -K^2 d(u/J)/dK, differentiated by hand with dK1/dk = (E1 - k'^2 K1)/(k k'^2):
  //   C/N = (4/pi) (K coth 2K)^2 B,  B = K1 - E1 - sech^2 2K [pi/2 + (2 tanh^2 2K - 1) K1].
  // (The form sometimes quoted with (2/pi) and 2K1 - 2E1 but an undoubled last term is wrong;
  // this one agrees with a numerical derivative of u, see tests/test_exact.cpp.)
  // B cancels to O(k^4) at low and high temperature, so it is rewritten with the AGM pieces
  // (sech^2 2K = k^2 / (2 (1 +- k')) above / below T_c) as a sum of positive terms:
  //   K > K_c: B = (pi/2) S' + D [S' + k^2 / (2 (1 + k'))]
  //   K < K_c: B = (pi/2) S' + D [S' + k^2/2 + k' (1 + k') / 2].
  // It diverges as -ln|K - K_c| (+inf when k' == 0 exactly).
  const double b_term =
      kps >= 0.0 ? 0.5 * kPi * ell.S1 + ell.D * (ell.S1 + k * k / (2.0 * (1.0 + kp)))
                 : 0.5 * kPi * ell.S1 + ell.D * (ell.S1 + 0.5 * k * k + 0.5 * kp * (1.0 + kp));
  const double kc = K * coth;
  o.specific_heat_per_spin = (4.0 / kPi) * kc * kc * b_term;
  // Yang, Phys. Rev. 85, 808 (1952).
  const double s2 = std::sinh(2.0 * K);
  o.spontaneous_magnetization = s2 > 1.0 ? std::pow(1.0 - std::pow(s2, -4.0), 0.125) : 0.0;
  // ln Z/N = ln(2 cosh 2K) + (1/pi) int_0^{pi/2} ln[(1 + sqrt(1 - k^2 sin^2 phi)) / 2] dphi
  // (Onsager's double integral with one integration done), 1 - k^2 sin^2 = cos^2 + k'^2 sin^2.
  auto integrand = [kp](double phi) {
    const double c = std::cos(phi), s = std::sin(phi);
    return std::log(0.5 * (1.0 + std::sqrt(c * c + kp * kp * s * s)));
  };
  o.free_energy_per_spin = log_2cosh(2.0 * K) + integrate(integrand, 0.0, 0.5 * kPi, 1e-15) / kPi;
  return o;
}

double onsager_beta_c(double J) {
  if (!std::isfinite(J) || J <= 0.0) throw InputError("onsager_beta_c: J must be finite and > 0");
  return std::log(1.0 + std::numbers::sqrt2) / (2.0 * J);
}

std::vector<MeanFieldSolution> mean_field_solutions(double beta, double zJ, double h) {
  require_beta("mean_field_solutions", beta);
  require_finite("mean_field_solutions", "zJ", zJ);
  require_finite("mean_field_solutions", "h", h);
  // f(m) = m - tanh(beta (zJ m + h)) has f' = 1 - beta zJ sech^2(u): when beta zJ > 1 it has two
  // turning points at u = +-acosh(sqrt(beta zJ)), u = beta (zJ m + h). f is monotone between them,
  // so each piece of [-1, 1] holds at most one root, found by bisection.
  std::vector<double> cuts{-1.0, 1.0};
  const double bz = beta * zJ;
  if (bz > 1.0) {
    const double uc = std::acosh(std::sqrt(bz));
    for (double u : {-uc, uc}) {
      const double m = (u / beta - h) / zJ;
      if (m > -1.0 && m < 1.0) cuts.push_back(m);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  std::vector<double> roots;
  if (h == 0.0) roots.push_back(0.0);  // exact root by symmetry
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double lo = cuts[i], hi = cuts[i + 1];
    if (h == 0.0 && lo < 0.0 && hi > 0.0) continue;  // the piece holding m = 0
    const double flo = mean_field_f(beta, zJ, h, lo), fhi = mean_field_f(beta, zJ, h, hi);
    if (flo == 0.0) roots.push_back(lo);
    if (fhi == 0.0) roots.push_back(hi);
    if ((flo < 0.0 && fhi > 0.0) || (flo > 0.0 && fhi < 0.0)) roots.push_back(bisect_root(beta, zJ, h, lo, hi));
  }
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end(),
                          [](double a, double b) { return std::fabs(a - b) <= 1e-14; }),
              roots.end());
  std::vector<MeanFieldSolution> out;
  for (double m : roots) {
    MeanFieldSolution s;
    s.m = m;
    s.stable = bz * (1.0 - m * m) < 1.0;
    // At beta = 0 the entropy term -T ln 2 is -infinity.
    s.free_energy_per_spin =
        beta == 0.0 ? -kInf : 0.5 * zJ * m * m - log_2cosh(beta * (zJ * m + h)) / beta;
    out.push_back(s);
  }
  return out;
}

double mean_field_beta_c(double zJ) {
  if (!std::isfinite(zJ) || zJ <= 0.0) throw InputError("mean_field_beta_c: zJ must be finite and > 0");
  return 1.0 / zJ;
}

double bethe_beta_c(int k, double J) {
  if (k < 3) throw InputError("bethe_beta_c: the coordination number k must be at least 3 (k = 2 is a chain, no transition)");
  if (!std::isfinite(J) || J <= 0.0) throw InputError("bethe_beta_c: J must be finite and > 0");
  return std::atanh(1.0 / (k - 1.0)) / J;
}

}  // namespace spinlab
