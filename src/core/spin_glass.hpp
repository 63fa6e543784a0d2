// Spin-glass instance generators: Sherrington-Kirkpatrick, Edwards-Anderson, random regular graphs.
//
// Convention (as in core/model.hpp): E(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i; the
// generators set h = 0 and offset = 0. A disorder variable x is either Gaussian N(0, 1) or +-1
// with probability 1/2 each.
//
// Reproducibility: the k-th disorder variable of a generator is drawn from its own Philox block
// (seed = disorder_seed, stream = the generator's stream below, counter = k), so every coupling
// depends only on (disorder_seed, generator, k): never on the order of evaluation, the thread
// count or the platform's <random>.
#pragma once

#include <cstdint>
#include <string>

#include "core/lattice.hpp"
#include "core/model.hpp"

namespace spinlab {

enum class Disorder { Gaussian, PlusMinusOne };

/// "gaussian" / "pm1"; parse_disorder also accepts "normal", "bimodal", "+-1", "binary".
std::string disorder_name(Disorder d);
Disorder parse_disorder(const std::string& name);

/// Philox streams of the generators (stream 0 stays free for ad-hoc use in tests and tools).
inline constexpr uint64_t kStreamSk = 1;           // counter k = j(j-1)/2 + i for the pair i < j
inline constexpr uint64_t kStreamEa = 2;           // counter k = site * dim + direction
inline constexpr uint64_t kStreamRrgGraph = 3;     // sequential draws of the pairing algorithm
inline constexpr uint64_t kStreamRrgCoupling = 4;  // counter k = rank of the edge in (i, j) order

/// The disorder variable of Philox block (seed, stream, counter k). Gaussian: Box-Muller on the
/// block's four words, z = sqrt(-2 ln(1 - u1)) cos(2 pi u2) with u1, u2 uniform53 in [0, 1);
/// PlusMinusOne: the sign is the top bit of the block's first word.
double disorder_value(Disorder d, uint64_t seed, uint64_t stream, uint64_t k);

/// Sherrington-Kirkpatrick (1975) on the complete graph K_n: J_ij = x_ij / sqrt(n) for every
/// i < j, so E = O(n) and var(J_ij) = 1/n. x_ij uses counter j(j-1)/2 + i, which does not depend
/// on n: the instance of size n is the top-left corner of every larger one with the same seed.
/// Stored dense (Graph::dense: one n x n matrix of doubles, 8 n^2 bytes, 3.2 GB at n = 20000).
/// InputError unless 2 <= n <= 40000.
IsingModel sherrington_kirkpatrick(int32_t n, Disorder d, uint64_t disorder_seed);

/// Edwards-Anderson (1975) on the L^dim chain/square/cubic lattice (dim 1, 2 or 3): one x per
/// bond, J = x (no scaling), bond (s, direction) uses counter s * dim + direction. Returns
/// IsingModel::on_lattice, so the lattice (and its per-bond J) stays available. For periodic
/// L = 2 the two bonds between a pair of sites keep separate couplings (the Graph sums them).
IsingModel edwards_anderson(int dim, int32_t L, Disorder d, uint64_t disorder_seed,
                            Boundary b = Boundary::Periodic);

/// Random `degree`-regular simple graph on n vertices (no self-loops, no multi-edges) with J = x
/// on every edge (no scaling). The graph comes from the pairing (configuration) model with
/// Steger-Wormald style repairs, as networkx does: shuffle the remaining stubs, pair them up,
/// keep the pairs that are new edges between distinct vertices, reshuffle the rest; restart from
/// scratch when no admissible pair is left (at most 1000 restarts). Asymptotically uniform for
/// fixed degree (Steger & Wormald 1999, Combin. Probab. Comput. 8, 377). InputError unless
/// 1 <= degree < n, n * degree is even and n * degree < 2^31.
IsingModel random_regular(int32_t n, int degree, Disorder d, uint64_t disorder_seed);

}  // namespace spinlab
