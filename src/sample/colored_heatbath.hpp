// "heatbath-colored": heat-bath (Glauber) updates by colour classes on networks whose couplings
// share one magnitude J (unweighted, or signed +-J ties), any per-node fields, zealots honoured.
//
// Order (colour-sequential, NOT random-sequential). Graph::colouring() gives a proper colouring of
// the graph; a sweep updates every free spin of colour 0, then of colour 1, and so on. No edge joins
// two spins of one class, so within a class each update reads only spins of other classes: the class
// update is the same map in any order and can be split across threads. Every single-site heat-bath
// kernel leaves the Boltzmann distribution invariant, hence so does their product in a fixed scan
// order (a deterministic-scan Gibbs sampler: Geman & Geman, IEEE PAMI 6, 721 (1984); Sokal, "Monte
// Carlo methods in statistical mechanics", Cargese lectures 1996). Equilibrium averages are those of
// heatbath-random; dynamic quantities (tau_int, relaxation and flip times) are not.
//
// Layout. Positions p = 0 .. F-1 are the free spins, colour by colour (by node index within a
// colour), then the zealots. The move holds its own CSR in position labels (int32 neighbours, the
// positive ties of a node first, then its negative ones; no weights) and a copy of the state in
// position order, one bit per spin (125 KB for 10^6 nodes, cache-resident): a sweep gathers the
// caller's state into it, updates, and scatters it back. Threads split a class at whole 64-bit
// words, so each writes its own words; the bits it reads in a word being written belong to other
// classes and do not change during the pass.
//
// Acceptance: s_i <- +1 iff u < floor(2^32 / (1 + exp(-2 beta (J k_i + h_i)))), k_i = sum_j
// sign(J_ij) s_j: the threshold of the generic heat-bath (single_spin.cpp), from a table indexed by
// (field class, k) when the fields take few distinct values (else computed per update).
//
// Random numbers (independent of the thread count). A sweep reserves 16 * ceil(F / 64) blocks of the
// chain's Philox stream (Rng::take_blocks; base = the first); position p draws exactly one word,
//   word (p % 64) / 16 of block base + 16 * (p / 64) + p % 16
// (philox_batch's group layout), so a spin's word is a function of (seed, stream, sweep, position)
// and 1, 2, ... threads give bit-identical chains.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sample/single_spin.hpp"

namespace spinlab {

/// True when the fast kernel runs this model: a sparse graph with at least one edge whose couplings
/// all have one magnitude J > 0 (sets *J). Fields and zealots may be anything.
bool colored_heatbath_applies(const IsingModel& model, double* J = nullptr);

/// The colour-class heat-bath move with exactly `threads` threads inside each sweep; results do not
/// depend on it. Move::set_threads(t) (what simulate calls) uses min(t, F / 16384) threads, at
/// least 1: on small graphs the hand-offs between colour classes cost more than they share. A model the kernel does not
/// run (weighted couplings, dense graphs) gets the generic heatbath-checkerboard (same colour-sequential order, kernel
/// "csr").
std::unique_ptr<SingleSpinMove> make_colored_heatbath(const IsingModel& model, double beta, int threads = 1);

namespace detail {
/// The node updated at each position of a colored move's sweep (free spins, in update order) and the
/// first position of every colour class (plus F at the end). Throws InputError for another move.
void colored_heatbath_order(const SingleSpinMove& move, std::vector<int32_t>* nodes, std::vector<int64_t>* class_start);
}  // namespace detail

}  // namespace spinlab
