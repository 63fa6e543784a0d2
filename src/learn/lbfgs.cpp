// L-BFGS two-loop recursion with Armijo backtracking (see lbfgs.hpp).
#include "learn/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>

namespace spinlab {
namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
}

double inf_norm(const std::vector<double>& v) {
  double a = 0;
  for (double x : v) a = std::max(a, std::fabs(x));
  return a;
}

}  // namespace

LbfgsResult minimize_lbfgs(const Objective& objective, std::vector<double> theta, const LbfgsOptions& o) {
  const size_t P = theta.size();
  std::vector<double> g(P), g_new(P), dir(P), th_new(P);
  double f = objective(theta, &g);
  std::deque<std::vector<double>> S, Y;
  std::deque<double> rho;
  int32_t it = 0;
  for (; it < o.max_iterations && inf_norm(g) >= o.tolerance; ++it) {
    // Two-loop recursion: dir = -H g.
    dir = g;
    std::vector<double> alpha(S.size());
    for (size_t k = S.size(); k-- > 0;) {
      alpha[k] = rho[k] * dot(S[k], dir);
      for (size_t q = 0; q < P; ++q) dir[q] -= alpha[k] * Y[k][q];
    }
    const double gamma = S.empty() ? 1.0 / std::max(1.0, std::sqrt(dot(g, g))) : dot(S.back(), Y.back()) / dot(Y.back(), Y.back());
    for (double& x : dir) x *= gamma;
    for (size_t k = 0; k < S.size(); ++k) {
      const double beta = rho[k] * dot(Y[k], dir);
      for (size_t q = 0; q < P; ++q) dir[q] += (alpha[k] - beta) * S[k][q];
    }
    for (double& x : dir) x = -x;
    double slope = dot(g, dir);
    if (!(slope < 0)) {  // not a descent direction (rounding): restart with steepest descent
      S.clear(), Y.clear(), rho.clear();
      for (size_t q = 0; q < P; ++q) dir[q] = -g[q] / std::max(1.0, std::sqrt(dot(g, g)));
      slope = dot(g, dir);
    }
    // Backtracking line search with the Armijo condition f(x + t d) <= f(x) + 1e-4 t g.d.
    double t = 1.0, f_new = f;
    bool accepted = false;
    for (int ls = 0; ls < 40; ++ls, t *= 0.5) {
      for (size_t q = 0; q < P; ++q) th_new[q] = theta[q] + t * dir[q];
      f_new = objective(th_new, &g_new);
      if (f_new <= f + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;  // no decrease representable: at the optimum to rounding
    std::vector<double> s(P), yv(P);
    for (size_t q = 0; q < P; ++q) s[q] = th_new[q] - theta[q], yv[q] = g_new[q] - g[q];
    const double sy = dot(s, yv);
    if (sy > 1e-12 * std::sqrt(dot(s, s) * dot(yv, yv))) {  // keep only pairs with positive curvature
      S.push_back(std::move(s)), Y.push_back(std::move(yv)), rho.push_back(1.0 / sy);
      if (static_cast<int32_t>(S.size()) > o.memory) S.pop_front(), Y.pop_front(), rho.pop_front();
    }
    const double df = f - f_new;
    theta.swap(th_new);
    g.swap(g_new);
    f = f_new;
    if (df <= 1e-13 * std::max(1.0, std::fabs(f))) {
      ++it;
      break;
    }
  }
  LbfgsResult r;
  r.x = std::move(theta);
  r.f = f;
  r.gradient_norm = inf_norm(g);
  r.iterations = it;
  r.converged = r.gradient_norm < o.tolerance;
  return r;
}

}  // namespace spinlab
