// The replica-symmetric theory of the Hebb Hopfield network (Amit, Gutfreund & Sompolinsky,
// PRL 55, 1530 (1985); Ann. Phys. 173, 30 (1987)): retrieval overlap and the phase lines of the
// (alpha, T) diagram, solved numerically. The references beside our measurements.
#pragma once

namespace spinlab {

/// T = 0: the retrieval solution exists while erf(y) = y (sqrt(2 alpha) + (2/sqrt(pi)) e^{-y^2})
/// has a root y > 0 (AGS 1987, eq. for beta -> infinity with C = beta (1 - q) finite); then
/// m = erf(y) (the larger root). Returns NaN above ags_alpha_c().
double ags_overlap_t0(double alpha);
/// The largest alpha with a T = 0 retrieval solution, found as max_y phi(y)^2 / 2 with
/// phi(y) = erf(y)/y - (2/sqrt(pi)) e^{-y^2} (golden-section search): 0.1379.
double ags_alpha_c();

/// RS solution at (alpha, T > 0) reached from m = q = 1 by iterating
/// m = <tanh b(m + sqrt(alpha r) z)>_z, q = <tanh^2 ...>_z, r = q / (1 - b (1 - q))^2
/// (Gaussian averages by the trapezoidal rule on [-8, 8]). m > 0 means a retrieval state exists.
struct AgsSolution {
  double m = 0, q = 0, r = 0;
  bool converged = false;
};
AgsSolution ags_solve(double alpha, double T);

/// The retrieval line T_M(alpha): the highest T at which the retrieval solution exists
/// (bisection on T with ags_solve; T_M(0) = 1, T_M(ags_alpha_c()) = 0). NaN for alpha > ags_alpha_c().
double ags_retrieval_temperature(double alpha);

/// The spin-glass line T_g = 1 + sqrt(alpha) (AGS 1985).
double ags_glass_temperature(double alpha);

}  // namespace spinlab
