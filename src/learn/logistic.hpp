// Multinomial logistic regression (softmax, L2 on the weights) fitted by full-batch L-BFGS with
// a backtracking Armijo line search (Nocedal & Wright, "Numerical Optimization", 2nd ed., alg.
// 7.4 and 3.1): the linear probe that measures what a layer's features know about the labels.
#pragma once

#include <cstdint>
#include <vector>

#include "measure/estimators.hpp"

namespace spinlab {

struct LogisticOptions {
  double l2 = 1e-4;         // lambda in f = -(1/n) sum_r log p(y_r | x_r) + (lambda/2) |W|^2 (biases free)
  int32_t max_iterations = 200;
  double tolerance = 1e-6;  // stop when max_k |grad_k| < tolerance
  int32_t memory = 10;      // L-BFGS pairs kept
  bool standardize = true;  // features z-scored with the training mean / sd (sd 0 -> 1)
};

struct LogisticModel {
  int32_t d = 0, K = 0;
  std::vector<double> W;  // K x d, row-major, on standardised features
  std::vector<double> b;  // K
  std::vector<double> mean, inv_sd;  // d each (identity when not standardising)
  int32_t iterations = 0;
  double objective = 0, gradient_norm = 0;
  bool converged = false;

  /// The most probable class of one row of d raw features (ties: the lower class).
  int32_t predict(const float* x) const;
};

/// The objective f(theta) and its gradient (theta = [W (K x d), b (K)]) on features that are
/// already standardised: X is n x d row-major, y in 0..K-1. Sums in double (dgemm in chunks).
double logistic_objective(const std::vector<double>& theta, const float* X, int64_t n, int32_t d,
                          const int32_t* y, int32_t K, double l2, std::vector<double>* grad);

/// Fits the model; deterministic (single-threaded BLAS, fixed start theta = 0). InputError for
/// labels outside 0..K-1 or fewer than 1 row.
LogisticModel fit_logistic(const float* X, int64_t n, int32_t d, const int32_t* y, int32_t K,
                           const LogisticOptions& o = {});

/// Accuracy on rows X (n x d) with its binomial standard error sqrt(a (1 - a) / n).
Estimate logistic_accuracy(const LogisticModel& m, const float* X, int64_t n, const int32_t* y);

}  // namespace spinlab
