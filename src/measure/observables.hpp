// Per-measurement observables beyond the built-in E, M family: region magnetisations, spin
// products and the lattice correlation function G(r). Adding one = a class here + a factory.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace spinlab {

class Observable {
 public:
  virtual ~Observable() = default;
  /// One name per component (e.g. "G(3)"); size() == names().size().
  virtual std::vector<std::string> names() const = 0;
  size_t size() const { return names().size(); }
  /// Writes size() values measured on state s into out.
  virtual void measure(std::span<const Spin> s, std::span<double> out) const = 0;
};

/// M_R = sum_{i in R} s_i (extensive, so Cov[M_R, M_R'] is the FDT susceptibility to a field on R').
std::unique_ptr<Observable> region_magnetization(std::string name, std::vector<int32_t> sites,
                                                 int32_t n);
/// s_i s_j
std::unique_ptr<Observable> spin_product(int32_t i, int32_t j, int32_t n);
/// G(r) = (1/(N D)) sum_i sum_d s_i s_{i + r e_d}, r = 0 .. floor(L_min/2) (periodic) or
/// L_min - 1 (open, averaging over the pairs that exist). Not connected: subtract <m>^2 if needed.
std::unique_ptr<Observable> correlation_function(const Lattice& lattice);

}  // namespace spinlab
