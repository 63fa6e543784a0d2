// Numerical solution of the AGS replica-symmetric equations (see ags.hpp).
#include "memory/ags.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace spinlab {
namespace {

constexpr double kTwoOverSqrtPi = 1.1283791670955126;

double phi(double y) { return std::erf(y) / y - kTwoOverSqrtPi * std::exp(-y * y); }

// argmax of phi on (0, 5) by golden-section search (phi is unimodal there).
double phi_argmax() {
  double a = 0.05, b = 5.0;
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - g * (b - a), d = a + g * (b - a);
  for (int it = 0; it < 200; ++it) {
    if (phi(c) > phi(d)) b = d;
    else a = c;
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  return 0.5 * (a + b);
}

}  // namespace

double ags_alpha_c() {
  const double p = phi(phi_argmax());
  return 0.5 * p * p;
}

double ags_overlap_t0(double alpha) {
  if (!(alpha >= 0)) return NAN;
  if (alpha == 0) return 1.0;
  const double y0 = phi_argmax(), target = std::sqrt(2.0 * alpha);
  if (phi(y0) < target) return NAN;
  // phi decreases from its maximum to 0 as y -> infinity: bisection for the larger root.
  double lo = y0, hi = 12.0;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (phi(mid) > target ? lo : hi) = mid;
  }
  return std::erf(0.5 * (lo + hi));
}

AgsSolution ags_solve(double alpha, double T) {
  AgsSolution s;
  const double beta = 1.0 / T;
  // Trapezoid on [-8, 8]; the step (<= T/5) resolves tanh's width T / sqrt(alpha r) (sqrt(alpha r) < 1
  // on the retrieval branch); halving it changes T_M in the fourth decimal at most.
  const double h = std::min(0.08, 0.2 * T);
  const int K = static_cast<int>(std::ceil(16.0 / h));
  std::vector<double> z(K + 1), wz(K + 1);
  double wsum = 0;
  for (int k = 0; k <= K; ++k) {
    z[k] = -8.0 + 16.0 * k / K;
    wz[k] = std::exp(-0.5 * z[k] * z[k]) * ((k == 0 || k == K) ? 0.5 : 1.0);
    wsum += wz[k];
  }
  for (double& w : wz) w /= wsum;
  double m = 1.0, q = 1.0;
  for (int it = 0; it < 2000; ++it) {
    const double c = beta * (1.0 - q);
    if (!(c < 1.0)) {  // outside the physical branch: no stable RS state from this start
      m = 0;
      break;
    }
    const double r = q / ((1.0 - c) * (1.0 - c));
    const double sig = std::sqrt(alpha * r);
    double mn = 0, qn = 0;
    for (int k = 0; k <= K; ++k) {
      const double t = std::tanh(beta * (m + sig * z[k]));
      mn += wz[k] * t;
      qn += wz[k] * t * t;
    }
    const double dm = std::fabs(mn - m), dq = std::fabs(qn - q);
    m = mn, q = qn, s.r = r;
    if (dm < 1e-10 && dq < 1e-10) {
      s.converged = true;
      break;
    }
  }
  s.m = m;
  s.q = q;
  return s;
}

double ags_retrieval_temperature(double alpha) {
  if (!(alpha >= 0)) return NAN;
  if (alpha == 0) return 1.0;
  if (alpha > ags_alpha_c()) return NAN;
  auto retrieves = [&](double T) { return ags_solve(alpha, T).m > 0.05; };
  double lo = 0.005, hi = 1.0;
  if (!retrieves(lo)) return 0.0;
  for (int it = 0; it < 20; ++it) {  // T_M to 1e-6
    const double mid = 0.5 * (lo + hi);
    (retrieves(mid) ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double ags_glass_temperature(double alpha) { return 1.0 + std::sqrt(std::max(0.0, alpha)); }

}  // namespace spinlab
