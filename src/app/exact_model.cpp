// Dispatch from a model to the exact oracle that covers it.
#include "app/exact_model.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "exact/enumerate.hpp"
#include "exact/oracles.hpp"

namespace spinlab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int32_t kAutoEnumerateMax = 20;

bool uniform_lattice(const IsingModel& m, int dim, double* J, double* h) {
  const Lattice* lat = m.lattice();
  if (!lat || lat->dim() != dim) return false;
  double lj = 0.0;
  if (!lat->is_uniform(&lj)) return false;
  return m.is_uniform(J, h) || (m.graph().num_edges() == 0);
}

}  // namespace

ExactMethod parse_exact_method(const std::string& name) {
  if (name == "auto") return ExactMethod::Auto;
  if (name == "enumerate") return ExactMethod::Enumerate;
  if (name == "chain") return ExactMethod::Chain;
  if (name == "kaufman") return ExactMethod::Kaufman;
  if (name == "onsager") return ExactMethod::Onsager;
  if (name == "mean-field") return ExactMethod::MeanField;
  throw InputError("--method: unknown '" + name +
                   "' (auto, enumerate, chain, kaufman, onsager, mean-field)");
}

std::string exact_method_name(ExactMethod m) {
  switch (m) {
    case ExactMethod::Auto: return "auto";
    case ExactMethod::Enumerate: return "enumerate";
    case ExactMethod::Chain: return "chain";
    case ExactMethod::Kaufman: return "kaufman";
    case ExactMethod::Onsager: return "onsager";
    case ExactMethod::MeanField: return "mean-field";
  }
  return "?";
}

ExactMethod resolve_exact_method(const IsingModel& model, ExactMethod requested) {
  double J = 0.0, h = 0.0;
  const bool chain = uniform_lattice(model, 1, &J, &h);
  const bool square = uniform_lattice(model, 2, &J, &h) && h == 0.0 &&
                      model.lattice()->boundary() == Boundary::Periodic;
  switch (requested) {
    case ExactMethod::Auto:
      if (model.size() <= kAutoEnumerateMax) return ExactMethod::Enumerate;
      if (chain) return ExactMethod::Chain;
      if (square) return ExactMethod::Kaufman;
      if (model.size() <= 26) return ExactMethod::Enumerate;  // up to ~0.6 s per beta
      throw InputError("no exact finite-size oracle for this model (N = " + std::to_string(model.size()) +
                       " > 26 and not a uniform chain or zero-field periodic square lattice); "
                       "try --method mean-field or --method onsager");
    case ExactMethod::Enumerate:
      if (model.size() > 26)
        throw InputError("--method enumerate: N = " + std::to_string(model.size()) + " > 26 spins");
      return requested;
    case ExactMethod::Chain:
      if (!chain) throw InputError("--method chain: needs a uniform --lattice chain model");
      return requested;
    case ExactMethod::Kaufman:
      if (!square) throw InputError("--method kaufman: needs a uniform periodic --lattice square model with h = 0");
      return requested;
    case ExactMethod::Onsager:
      if (!square && !(uniform_lattice(model, 2, &J, &h) && h == 0.0))
        throw InputError("--method onsager: needs a uniform --lattice square model with h = 0");
      return requested;
    case ExactMethod::MeanField:
      if (!model.is_uniform(&J, &h))
        throw InputError("--method mean-field: needs uniform couplings and field");
      return requested;
  }
  return requested;
}

bool has_exact_oracle(const IsingModel& model) {
  // Only the cheap oracles: plots evaluate ~120 points and JSON one per beta.
  try {
    return model.size() <= kAutoEnumerateMax ||
           resolve_exact_method(model, ExactMethod::Auto) != ExactMethod::Enumerate;
  } catch (const InputError&) {
    return false;
  }
}

ExactPoint exact_point(const IsingModel& model, double beta, ExactMethod method) {
  ExactPoint p;
  p.beta = beta;
  p.abs_magnetization_per_spin = p.magnetization_per_spin = p.susceptibility = p.binder_cumulant = kNaN;
  double J = 0.0, h = 0.0;
  model.is_uniform(&J, &h);
  // Lattice oracles take the lattice's bond J: on an L = 2 ring the graph merges the two
  // bonds between the same pair into one of weight 2J.
  if (model.lattice()) model.lattice()->is_uniform(&J);
  const int32_t n = model.size();
  switch (method) {
    case ExactMethod::Auto:
      return exact_point(model, beta, resolve_exact_method(model, method));
    case ExactMethod::Enumerate: {
      EnumerationResult r = enumerate_exact(model, beta);
      p.log_z = r.log_z;
      p.energy_per_spin = r.energy_per_spin();
      p.specific_heat = r.specific_heat_per_spin();
      p.abs_magnetization_per_spin = r.abs_magnetization_per_spin();
      p.magnetization_per_spin = r.mag / n;
      p.susceptibility = r.susceptibility();
      p.binder_cumulant = r.binder_cumulant();
      return p;
    }
    case ExactMethod::Chain: {
      ExactThermo t = chain_exact(n, beta, J, h, model.lattice()->boundary());
      p.log_z = t.log_z;
      p.energy_per_spin = t.energy_per_spin;
      p.specific_heat = t.specific_heat_per_spin;
      p.magnetization_per_spin = t.magnetization_per_spin;
      return p;
    }
    case ExactMethod::Kaufman: {
      const Lattice* lat = model.lattice();
      ExactThermo t = kaufman_torus(lat->extent(0), lat->extent(1), beta, J);
      p.log_z = t.log_z;
      p.energy_per_spin = t.energy_per_spin;
      p.specific_heat = t.specific_heat_per_spin;
      return p;
    }
    case ExactMethod::Onsager: {
      OnsagerResult o = onsager(beta, J);
      p.log_z = o.free_energy_per_spin * n;
      p.energy_per_spin = o.energy_per_spin;
      p.specific_heat = o.specific_heat_per_spin;
      p.abs_magnetization_per_spin = o.spontaneous_magnetization;
      return p;
    }
    case ExactMethod::MeanField: {
      const double zJ = model.graph().max_degree() * J;
      auto sols = mean_field_solutions(beta, zJ, h);
      const MeanFieldSolution* best = nullptr;
      for (const auto& s : sols)
        if (s.stable && (!best || s.free_energy_per_spin < best->free_energy_per_spin)) best = &s;
      if (!best && !sols.empty()) best = &sols.front();
      double m = best ? best->m : 0.0;
      p.magnetization_per_spin = m;
      p.abs_magnetization_per_spin = std::fabs(m);
      p.energy_per_spin = -0.5 * zJ * m * m - h * m;
      p.specific_heat = kNaN;
      // ln Z = N [ln 2cosh(beta(zJ m + h)) - beta zJ m^2 / 2] (finite at beta = 0, unlike -beta f N).
      const double x = std::fabs(beta * (zJ * m + h));  // ln 2cosh x = x + ln(1 + e^{-2x})
      p.log_z = n * (x + std::log1p(std::exp(-2.0 * x)) - 0.5 * beta * zJ * m * m);
      return p;
    }
  }
  return p;
}

}  // namespace spinlab
