// Swendsen-Wang for uniform periodic square and simple-cubic lattices without a field, on bit
// masks and run-length union-find ("lattice-uf"). make_swendsen_wang() picks it when
// cluster_lattice_applies(model); everything else takes the CSR move in cluster.cpp.
//
// Layout. Sites s = x + L0 * r with row r = y + L1 * z (R = L1 * L2 rows). Bond (s, d) joins s to
// its +d neighbour (d = 0: x, 1: y, 2: z), periodic. A run is a maximal stretch of a row joined by
// active x bonds, the bond from x = L0 - 1 to x = 0 excepted (it is linked like the y and z bonds);
// runs are numbered 0, 1, ... in site order and are the elements of the union-find.
//
// Random words (fixed by (seed, stream), independent of vector width). A sweep reserves, with
// Rng::take_blocks, first R * Q / 4 blocks for the bonds (Q = D * L0 rounded up to 64), then
// 16 * ceil(N / 2048) blocks for the coins. Word k of a range is word (k % 64) / 16 of block
// first + 16 * (k / 64) + k % 16 (philox_batch's group layout). Bond (s, d) of row r, column x
// uses bond word r * Q + d * L0 + x and is active when that word is below
// acceptance_threshold(1 - exp(-2 beta J)) and its two spins agree (every bond has its word,
// satisfied or not). The cluster whose smallest run is k flips when bit k % 32 of coin word k / 32
// is set.
#pragma once

#include <memory>

#include "sample/move.hpp"

namespace spinlab {

/// True for a model built from a periodic 2D or 3D lattice with every extent >= 3, one coupling
/// J > 0 on every bond and no field.
bool cluster_lattice_applies(const IsingModel& model);

/// The lattice Swendsen-Wang move (kernel() "lattice-uf"); throws InputError when the model does
/// not qualify.
std::unique_ptr<Move> make_lattice_swendsen_wang(const IsingModel& model, double beta);

}  // namespace spinlab
