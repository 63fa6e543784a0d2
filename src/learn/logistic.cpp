// Softmax regression: objective and gradient by dgemm over row chunks, minimised by L-BFGS
// (learn/lbfgs.hpp).
#include "learn/logistic.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "learn/kernels.hpp"
#include "learn/lbfgs.hpp"

namespace spinlab {
double logistic_objective(const std::vector<double>& theta, const float* X, int64_t n, int32_t d, const int32_t* y,
                          int32_t K, double l2, std::vector<double>* grad) {
  const double* W = theta.data();
  const double* b = theta.data() + static_cast<size_t>(K) * d;
  if (grad) grad->assign(theta.size(), 0.0);
  constexpr int64_t kChunk = 1024;
  std::vector<double> Xc(static_cast<size_t>(kChunk) * d), Z(static_cast<size_t>(kChunk) * K);
  double nll = 0;
  for (int64_t r0 = 0; r0 < n; r0 += kChunk) {
    const int64_t rows = std::min(kChunk, n - r0);
    std::copy(X + r0 * d, X + (r0 + rows) * d, Xc.begin());
    // Z = Xc W^T + b
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows), K, d, 1.0, Xc.data(), d, W, d, 0.0,
                Z.data(), K);
    for (int64_t r = 0; r < rows; ++r) {
      double* z = Z.data() + r * K;
      double mx = -INFINITY;
      for (int32_t k = 0; k < K; ++k) z[k] += b[k], mx = std::max(mx, z[k]);
      double s = 0;
      for (int32_t k = 0; k < K; ++k) s += std::exp(z[k] - mx);
      const double lse = mx + std::log(s);
      nll += lse - z[y[r0 + r]];
      // dz = softmax - onehot (the gradient of the per-row loss with respect to the logits)
      for (int32_t k = 0; k < K; ++k) z[k] = std::exp(z[k] - lse);
      z[y[r0 + r]] -= 1.0;
    }
    if (grad) {
      double* gW = grad->data();
      double* gb = grad->data() + static_cast<size_t>(K) * d;
      // gW += dZ^T Xc
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, d, static_cast<int>(rows), 1.0, Z.data(), K, Xc.data(), d,
                  1.0, gW, d);
      for (int64_t r = 0; r < rows; ++r)
        for (int32_t k = 0; k < K; ++k) gb[k] += Z[r * K + k];
    }
  }
  const double inv = 1.0 / static_cast<double>(n);
  double reg = 0;
  for (size_t q = 0; q < static_cast<size_t>(K) * d; ++q) reg += W[q] * W[q];
  if (grad) {
    for (double& g : *grad) g *= inv;
    for (size_t q = 0; q < static_cast<size_t>(K) * d; ++q) (*grad)[q] += l2 * W[q];
  }
  return nll * inv + 0.5 * l2 * reg;
}

int32_t LogisticModel::predict(const float* x) const {
  int32_t best = 0;
  double best_z = -INFINITY;
  for (int32_t k = 0; k < K; ++k) {
    double z = b[k];
    for (int32_t i = 0; i < d; ++i) z += W[static_cast<size_t>(k) * d + i] * ((x[i] - mean[i]) * inv_sd[i]);
    if (z > best_z) best_z = z, best = k;
  }
  return best;
}

LogisticModel fit_logistic(const float* X, int64_t n, int32_t d, const int32_t* y, int32_t K, const LogisticOptions& o) {
  if (n < 1 || d < 1) throw InputError("logistic regression: no rows or no features");
  if (K < 2) throw InputError("logistic regression: at least 2 classes");
  if (!(o.l2 >= 0) || !std::isfinite(o.l2)) throw InputError("--probe-l2 must be finite and >= 0");
  if (o.max_iterations < 1) throw InputError("--probe-iterations must be >= 1");
  for (int64_t r = 0; r < n; ++r)
    if (y[r] < 0 || y[r] >= K) throw InputError("logistic regression: label " + std::to_string(y[r]) + " of row " +
                                               std::to_string(r) + " outside 0.." + std::to_string(K - 1));
  rbm_detail::openblas_core();  // OpenBLAS on its best kernels for this CPU
  openblas_set_num_threads(1);  // the same summation order on every run
  LogisticModel m;
  m.d = d;
  m.K = K;
  m.mean.assign(d, 0.0);
  m.inv_sd.assign(d, 1.0);
  if (o.standardize) {
    std::vector<double> s2(d, 0.0);
    for (int64_t r = 0; r < n; ++r)
      for (int32_t i = 0; i < d; ++i) m.mean[i] += X[r * d + i];
    for (double& x : m.mean) x /= static_cast<double>(n);
    for (int64_t r = 0; r < n; ++r)
      for (int32_t i = 0; i < d; ++i) {
        const double e = X[r * d + i] - m.mean[i];
        s2[i] += e * e;
      }
    for (int32_t i = 0; i < d; ++i) {
      const double sd = std::sqrt(s2[i] / static_cast<double>(n));
      m.inv_sd[i] = sd > 1e-12 ? 1.0 / sd : 1.0;
    }
  }
  std::vector<float> Xs(static_cast<size_t>(n) * d);
  for (int64_t r = 0; r < n; ++r)
    for (int32_t i = 0; i < d; ++i) Xs[r * d + i] = static_cast<float>((X[r * d + i] - m.mean[i]) * m.inv_sd[i]);

  // L-BFGS from theta = 0.
  const size_t P = static_cast<size_t>(K) * d + K;
  const LbfgsResult fit = minimize_lbfgs(
      [&](const std::vector<double>& th, std::vector<double>* g) { return logistic_objective(th, Xs.data(), n, d, y, K, o.l2, g); },
      std::vector<double>(P, 0.0), LbfgsOptions{o.max_iterations, o.tolerance, o.memory});
  const std::vector<double>& theta = fit.x;
  m.W.assign(theta.begin(), theta.begin() + static_cast<size_t>(K) * d);
  m.b.assign(theta.begin() + static_cast<size_t>(K) * d, theta.end());
  m.iterations = fit.iterations;
  m.objective = fit.f;
  m.gradient_norm = fit.gradient_norm;
  m.converged = fit.converged;
  return m;
}

Estimate logistic_accuracy(const LogisticModel& m, const float* X, int64_t n, const int32_t* y) {
  int64_t right = 0;
  for (int64_t r = 0; r < n; ++r) right += m.predict(X + r * m.d) == y[r];
  Estimate e;
  e.mean = n > 0 ? static_cast<double>(right) / static_cast<double>(n) : 0.0;
  e.error = n > 0 ? std::sqrt(e.mean * (1 - e.mean) / static_cast<double>(n)) : 0.0;
  e.n_eff = static_cast<double>(n);
  return e;
}

}  // namespace spinlab
