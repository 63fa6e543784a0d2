// Unconstrained minimisation by L-BFGS (Nocedal & Wright, "Numerical Optimization", 2nd ed.,
// alg. 7.4: the two-loop recursion) with a backtracking Armijo line search (alg. 3.1): one
// implementation for every full-batch fit of the learn layer (the linear probe, Boltzmann
// machines with hidden units).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace spinlab {

struct LbfgsOptions {
  int32_t max_iterations = 200;
  double tolerance = 1e-6;  // stop when max_k |grad_k| < tolerance
  int32_t memory = 10;      // (s, y) pairs kept
};

struct LbfgsResult {
  std::vector<double> x;
  double f = 0, gradient_norm = 0;  // f(x) and max_k |grad_k f(x)|
  int32_t iterations = 0;
  bool converged = false;           // gradient_norm < tolerance
};

/// f(x, grad) returns the objective and writes its gradient (grad->size() == x.size()). Starts at
/// x0; stops at the tolerance, after max_iterations, or where no decrease is representable.
/// Deterministic: no randomness, the same steps for the same f.
using Objective = std::function<double(const std::vector<double>& x, std::vector<double>* grad)>;
LbfgsResult minimize_lbfgs(const Objective& f, std::vector<double> x0, const LbfgsOptions& options = {});

}  // namespace spinlab
