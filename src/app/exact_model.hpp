// Picks the exact oracle that applies to a model and evaluates it in simulate's conventions.
#pragma once

#include <string>
#include <vector>

#include "core/model.hpp"

namespace spinlab {

enum class ExactMethod { Auto, Enumerate, Chain, Kaufman, Onsager, MeanField };

/// Exact values per spin at one beta; NaN where the method does not give a quantity.
struct ExactPoint {
  double beta = 0.0;
  double energy_per_spin = 0.0, specific_heat = 0.0;
  double abs_magnetization_per_spin = 0.0, magnetization_per_spin = 0.0;
  double susceptibility = 0.0, binder_cumulant = 0.0;
  double log_z = 0.0;
};

ExactMethod parse_exact_method(const std::string& name);
std::string exact_method_name(ExactMethod m);

/// Auto: enumeration for N <= 20, the chain transfer matrix for uniform periodic/open chains,
/// Kaufman for uniform periodic square lattices in zero field, enumeration up to N = 26;
/// otherwise throws InputError.
/// Explicit methods throw InputError when the model is outside their reach.
ExactMethod resolve_exact_method(const IsingModel& model, ExactMethod requested);
/// Whether a cheap exact finite-size oracle exists (N <= 20, chain, Kaufman): used to overlay
/// exact curves on plots and exact values in simulate's JSON.
bool has_exact_oracle(const IsingModel& model);

/// Evaluates `method` (already resolved). Mean field uses z = max degree and the uniform J, h and
/// reports the stable solution with the lowest free energy (|m| then).
ExactPoint exact_point(const IsingModel& model, double beta, ExactMethod method);

}  // namespace spinlab
