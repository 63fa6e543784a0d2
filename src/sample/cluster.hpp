// Wolff single-cluster and Swendsen-Wang cluster updates for ferromagnetic couplings on any graph.
#pragma once

#include <memory>

#include "sample/move.hpp"

namespace spinlab {

/// Fortuin-Kasteleyn bond probability p = 1 - exp(-2 beta J) per satisfied bond. A field is
/// handled by a ghost spin s_g = +1 coupled to spin i with strength h_i (Wang & Swendsen 1990):
/// when the ghost's cluster flips, the complement is flipped instead (global-flip gauge).
/// Antiferromagnetic or frustrated couplings throw InputError. Uniform periodic 2D/3D lattices
/// without a field take the lattice kernels of cluster_lattice.hpp.
std::unique_ptr<Move> make_wolff(const IsingModel& model, double beta);
std::unique_ptr<Move> make_swendsen_wang(const IsingModel& model, double beta);

}  // namespace spinlab
