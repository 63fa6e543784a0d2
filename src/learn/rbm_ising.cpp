// RBM -> Ising mapping (derivation in the header) and the mean-field temperature scale.
#include "learn/rbm_ising.hpp"

#include <cmath>

namespace spinlab {

IsingModel rbm_to_ising(const Rbm& m) {
  const int32_t nv = m.nv, nh = m.nh;
  const bool binary = m.units == RbmUnits::Binary;
  const double scale = binary ? 0.25 : 1.0;
  std::vector<Edge> edges;
  edges.reserve(static_cast<size_t>(nv) * nh);
  std::vector<double> h(static_cast<size_t>(nv) + nh, 0.0);
  double offset = 0.0;
  for (int32_t i = 0; i < nv; ++i) h[i] = binary ? 0.5 * m.b[i] : m.b[i];
  for (int32_t j = 0; j < nh; ++j) h[nv + j] = binary ? 0.5 * m.c[j] : m.c[j];
  for (int32_t i = 0; i < nv; ++i)
    for (int32_t j = 0; j < nh; ++j) {
      const double w = m.W[static_cast<size_t>(i) * nh + j];
      edges.push_back({i, nv + j, scale * w});
      if (binary) {
        h[i] += 0.25 * w;
        h[nv + j] += 0.25 * w;
        offset -= 0.25 * w;
      }
    }
  if (binary) {
    for (int32_t i = 0; i < nv; ++i) offset -= 0.5 * m.b[i];
    for (int32_t j = 0; j < nh; ++j) offset -= 0.5 * m.c[j];
  }
  return IsingModel(Graph::from_edges(nv + nh, edges), std::move(h), offset);
}

std::vector<Spin> rbm_spins(const Rbm& m, std::span<const float> v, std::span<const float> h) {
  std::vector<Spin> s(static_cast<size_t>(m.nv) + m.nh);
  for (int32_t i = 0; i < m.nv; ++i) s[i] = v[i] > 0.5f ? 1 : -1;
  for (int32_t j = 0; j < m.nh; ++j) s[m.nv + j] = h[j] > 0.5f ? 1 : -1;
  return s;
}

double rbm_mean_field_temperature(const Rbm& m, std::vector<double>* u_out) {
  // Power iteration on W W^T from a fixed, non-symmetric start (deterministic); 300 iterations
  // or until the Rayleigh quotient settles to 1e-12.
  const int32_t nv = m.nv, nh = m.nh;
  std::vector<double> u(nv), t(nh);
  for (int32_t i = 0; i < nv; ++i) u[i] = 1.0 + static_cast<double>(i) / nv;
  double lambda = 0.0;
  for (int it = 0; it < 300; ++it) {
    double norm = 0;
    for (double x : u) norm += x * x;
    norm = std::sqrt(norm);
    if (!(norm > 0)) break;
    for (double& x : u) x /= norm;
    std::fill(t.begin(), t.end(), 0.0);
    for (int32_t i = 0; i < nv; ++i)
      for (int32_t j = 0; j < nh; ++j) t[j] += m.W[static_cast<size_t>(i) * nh + j] * u[i];
    std::vector<double> w(nv, 0.0);
    for (int32_t i = 0; i < nv; ++i)
      for (int32_t j = 0; j < nh; ++j) w[i] += m.W[static_cast<size_t>(i) * nh + j] * t[j];
    double rq = 0;
    for (int32_t i = 0; i < nv; ++i) rq += u[i] * w[i];
    u.swap(w);
    const bool settled = std::fabs(rq - lambda) <= 1e-12 * std::fabs(rq);
    lambda = rq;
    if (settled) break;
  }
  double norm = 0, sum = 0;
  for (double x : u) norm += x * x, sum += x;
  norm = std::sqrt(norm);
  if (norm > 0)
    for (double& x : u) x /= sum < 0 ? -norm : norm;
  if (u_out) *u_out = u;
  return (m.units == RbmUnits::Binary ? 0.25 : 1.0) * std::sqrt(std::max(lambda, 0.0));
}

}  // namespace spinlab
