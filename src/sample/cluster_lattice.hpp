// Cluster moves for uniform periodic square and simple-cubic lattices without a field:
// Swendsen-Wang on bit masks and run-length union-find ("lattice-uf"), and Wolff with neighbours by
// index arithmetic ("lattice-stack"). make_swendsen_wang() and make_wolff() pick them when
// cluster_lattice_applies(model); everything else takes the CSR moves in cluster.cpp.
//
// Sites s = x + L0 * r with row r = y + L1 * z (R = L1 * L2 rows). Bond (s, d) joins s to its +d
// neighbour (d = 0: x, 1: y, 2: z), periodic. T = acceptance_threshold(1 - exp(-2 beta J)).
//
// Swendsen-Wang. A run is a maximal stretch of a row joined by active x bonds, the bond from
// x = L0 - 1 to x = 0 excepted (it is linked like the y and z bonds); runs are numbered 0, 1, ...
// in site order and are the elements of the union-find.
//
// Random words (fixed by (seed, stream), independent of vector width). A sweep first reserves,
// with Rng::take_blocks, 16 * ceil(N / 2048) blocks for the coins. For 0 < T < 2^32 the bonds
// then read 64-bit words in order from batches: before each group (below), when fewer than 32 words
// are unread, the unread ones are kept and a batch is appended: take_blocks(1024) blocks, whose
// 4096 32-bit words u_k (philox_batch's group layout: u_k is word (k % 64) / 16 of block
// first + 16 * (k / 64) + k % 16) give the 2048 words u_2j | u_2j+1 << 32. Words still unread at
// the end of the sweep are dropped.
//   The groups, in order: for each row r, each word w of the row (columns x = 64 w ... up to
// min(64 w + 63, L0 - 1)) and d = 0, ..., D - 1: the bonds (s, d) of those columns whose two spins
// agree are the group's lanes, lane x % 64. A lane is active when u < T, where u is a 32-bit
// number whose bit 31 - i is bit x % 64 of the group's i-th word: the group compares all its
// lanes with T bit-sliced, most significant bit first, and reads words only while some lane is
// undecided and T has set bits left (a lane equal to T up to T's last set bit is inactive). So a
// group reads at most 32 - countr_zero(T) words, none when it has no lanes; each lane is active
// with probability T / 2^32. With T = 0 no bond is active, with T = 2^32 every lane is; neither
// takes batches.
//   The cluster whose smallest run is k flips when bit k % 32 of coin word k / 32 is set (coin
// words in the group layout of the coin blocks, as u_k above).
//
// Wolff (in cluster.cpp). Clusters per sweep, random words and their batches as the CSR Wolff
// move: the seed by below(N) from the sweep's word buffer, then one word per candidate neighbour
// (spin equal to the seed's), the bond active when that word is below T. Members are flipped when
// pushed on a stack and popped last in, first out; a member's neighbours are visited in the order
// (+z, -z,) +y, -y, +x, -x.
#pragma once

#include <memory>

#include "sample/lattice_checkerboard.hpp"
#include "sample/move.hpp"

namespace spinlab {

/// True for a model built from a periodic 2D or 3D lattice with every extent >= 3, one coupling
/// J > 0 on every bond and no field.
bool cluster_lattice_applies(const IsingModel& model);

/// True when the AVX-512 path of the lattice Swendsen-Wang move is built in and runs on this CPU.
bool cluster_lattice_vector_available();

/// The lattice Swendsen-Wang move (kernel() "lattice-uf"); throws InputError when the model does
/// not qualify, or impl is Avx512 and !cluster_lattice_vector_available(). Auto takes AVX-512
/// where available; Scalar (portable loops, scalar Philox) gives bit-identical states.
std::unique_ptr<Move> make_lattice_swendsen_wang(const IsingModel& model, double beta,
                                                 LatticeKernelImpl impl = LatticeKernelImpl::Auto);

}  // namespace spinlab
