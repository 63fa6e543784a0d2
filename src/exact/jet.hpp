// Second-order forward-mode jets: a value with its exact first and second derivative in one variable.
#pragma once

#include <cmath>

namespace spinlab::jets {

/// f, f' and f'' with respect to one seeded variable. Arithmetic and the elementary functions below
/// propagate derivatives by the chain rule, (f o x)'' = f''(x) x'^2 + f'(x) x'', so an oracle written
/// once for ln Z also yields <E>, Var(E) (or <M>, Var(M)) without finite differences.
/// Kept in its own namespace so that unqualified exp/log on doubles elsewhere never pick these up.
struct Jet {
  double v = 0.0, d = 0.0, dd = 0.0;

  constexpr Jet() = default;
  constexpr Jet(double value) : v(value) {}  // NOLINT: constants convert implicitly
  constexpr Jet(double value, double d1, double d2) : v(value), d(d1), dd(d2) {}
  /// The independent variable x = value (x' = 1, x'' = 0).
  static constexpr Jet variable(double value) { return {value, 1.0, 0.0}; }

  Jet& operator+=(const Jet& o) { return *this = {v + o.v, d + o.d, dd + o.dd}; }
  Jet& operator-=(const Jet& o) { return *this = {v - o.v, d - o.d, dd - o.dd}; }
  Jet& operator*=(const Jet& o);
  Jet& operator/=(const Jet& o);
};

/// g(x) given g, g', g'' evaluated at x.v.
inline Jet chain(const Jet& x, double g0, double g1, double g2) {
  return {g0, g1 * x.d, g2 * x.d * x.d + g1 * x.dd};
}

inline Jet operator+(const Jet& a) { return a; }
inline Jet operator-(const Jet& a) { return {-a.v, -a.d, -a.dd}; }
inline Jet operator+(const Jet& a, const Jet& b) { return {a.v + b.v, a.d + b.d, a.dd + b.dd}; }
inline Jet operator-(const Jet& a, const Jet& b) { return {a.v - b.v, a.d - b.d, a.dd - b.dd}; }
inline Jet operator*(const Jet& a, const Jet& b) {
  return {a.v * b.v, a.d * b.v + a.v * b.d, a.dd * b.v + 2.0 * a.d * b.d + a.v * b.dd};
}
inline Jet operator/(const Jet& a, const Jet& b) {
  const double q = a.v / b.v;
  const double q1 = (a.d - q * b.d) / b.v;
  const double q2 = (a.dd - 2.0 * q1 * b.d - q * b.dd) / b.v;
  return {q, q1, q2};
}
inline Jet operator+(const Jet& a, double b) { return {a.v + b, a.d, a.dd}; }
inline Jet operator+(double a, const Jet& b) { return {a + b.v, b.d, b.dd}; }
inline Jet operator-(const Jet& a, double b) { return {a.v - b, a.d, a.dd}; }
inline Jet operator-(double a, const Jet& b) { return {a - b.v, -b.d, -b.dd}; }
inline Jet operator*(const Jet& a, double b) { return {a.v * b, a.d * b, a.dd * b}; }
inline Jet operator*(double a, const Jet& b) { return {a * b.v, a * b.d, a * b.dd}; }
inline Jet operator/(const Jet& a, double b) { return {a.v / b, a.d / b, a.dd / b}; }
inline Jet operator/(double a, const Jet& b) { return Jet(a) / b; }

inline Jet& Jet::operator*=(const Jet& o) { return *this = *this * o; }
inline Jet& Jet::operator/=(const Jet& o) { return *this = *this / o; }

inline Jet exp(const Jet& x) {
  const double e = std::exp(x.v);
  return chain(x, e, e, e);
}
// log, log1p, acosh and sqrt are written with x'/x-style ratios rather than through chain(), whose
// g''(x) x'^2 would overflow (or underflow) for very large (small) x.
inline Jet log(const Jet& x) {
  const double q = x.d / x.v;
  return {std::log(x.v), q, x.dd / x.v - q * q};
}
/// exp(x) - 1, accurate for small x.
inline Jet expm1(const Jet& x) {
  const double e = std::exp(x.v);
  return chain(x, std::expm1(x.v), e, e);
}
/// log(1 + x), accurate for small x.
inline Jet log1p(const Jet& x) {
  const double w = 1.0 + x.v, q = x.d / w;
  return {std::log1p(x.v), q, x.dd / w - q * q};
}
inline Jet sinh(const Jet& x) {
  const double s = std::sinh(x.v), c = std::cosh(x.v);
  return chain(x, s, c, s);
}
inline Jet cosh(const Jet& x) {
  const double s = std::sinh(x.v), c = std::cosh(x.v);
  return chain(x, c, s, c);
}
inline Jet tanh(const Jet& x) {
  const double t = std::tanh(x.v), sech2 = 1.0 - t * t;
  return chain(x, t, sech2, -2.0 * t * sech2);
}
/// acosh(x) for x > 1; (x - 1)(x + 1) avoids cancellation in x^2 - 1 near x = 1.
inline Jet acosh(const Jet& x) {
  const double r = std::sqrt((x.v - 1.0) * (x.v + 1.0)), g1 = x.d / r;
  return {std::acosh(x.v), g1, (x.dd - x.v * g1 * g1) / r};
}
inline Jet sqrt(const Jet& x) {
  const double s = std::sqrt(x.v), g1 = 0.5 * x.d / s;
  return {s, g1, 0.5 * x.dd / s - g1 * g1 / s};
}
/// x^n for integer n >= 0 (x may be zero or negative).
inline Jet ipow(const Jet& x, int n) {
  if (n == 0) return Jet(1.0);
  if (n == 1) return x;
  const double p2 = std::pow(x.v, n - 2), p1 = p2 * x.v;
  return chain(x, p1 * x.v, n * p1, n * (n - 1.0) * p2);
}
/// |x|, differentiated on the side of the sign of x.v.
inline Jet abs(const Jet& x) { return x.v < 0.0 ? -x : x; }

}  // namespace spinlab::jets
