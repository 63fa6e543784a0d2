// Multi-spin-coded (1 bit per spin) checkerboard Metropolis for the periodic L x L square lattice.
//
// Multi-spin coding packs 64 spins of one checkerboard sublattice into a machine word and counts
// unsatisfied bonds with bitwise adders (the idea of Preis, Virnau, Paul & Schneider, J. Comput.
// Phys. 228, 4468 (2009) and Block, Virnau & Preis, Comput. Phys. Commun. 181, 1549 (2010); the
// black/white split of Romero et al., Comput. Phys. Commun. 256, 107473 (2020)). Unlike those
// codes, no random number is shared between spins: every spin compares its own 32-bit uniform
// with the exact threshold, bit-sliced over 32 bit-planes, so it flips with probability exactly
// threshold / 2^32, threshold = acceptance_threshold(exp(-beta dE)) (core/rng.hpp).
//
// Applies to: periodic square lattice, L a multiple of 128, one coupling J != 0, h = 0.
//
// Packed state. Colour c of site (x, y) is (x + y) & 1 (colour 0 is updated first). Row y holds
// the L/2 sites of colour c at x = p + 2k, p = (c + y) & 1, k = 0 .. L/2 - 1 (rank k); they are
// packed into W = L/128 words: rank k = 64 w + b is bit b of word w. Spin +1 is bit 1. Word
// (c, y, w) sits at index (c * L + y) * W + w. Within a colour, wi = y * W + w is the word index
// (0 .. M - 1, M = L * W = L^2 / 128).
//
// Random numbers. A sweep reserves L^2 / 4 blocks (one 32-bit word per spin) of the chain's
// Philox stream with Rng::take_blocks; base = the first reserved counter. The uniform u (32 bits)
// of the spin of colour c, word index wi, bit b is made of 32 bit-planes P = 0 .. 31 (P = 0 is the
// most significant bit of u):
//   bit (31 - P) of u = bit (b & 31) of word j = 2 * (P & 1) + (b >> 5)
//                       of block base + (16 * c + P / 2) * M + wi.
// So block (c, q, wi) carries planes 2q and 2q+1 of the 64 spins of word wi, and all blocks of
// one plane pair q of one colour are consecutive (a batch of words can draw its leading planes
// first; the deeper planes are only computed where the comparison is still undecided, which
// changes nothing in the outcome). The spin flips iff u < threshold.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/model.hpp"
#include "core/rng.hpp"

namespace spinlab {

/// Bit-packed square-lattice state (layout above).
class MscLattice2D {
 public:
  /// Throws InputError unless supports(L).
  explicit MscLattice2D(int32_t L);
  static bool supports(int32_t L) { return L >= 128 && L % 128 == 0; }

  int32_t L() const { return L_; }
  int32_t words_per_row() const { return W_; }
  int64_t size() const { return int64_t{L_} * L_; }

  /// Byte state s[x + L*y] (+1 / -1) -> packed, and back.
  void pack(std::span<const Spin> s);
  void unpack(std::span<Spin> s) const;
  std::vector<Spin> unpack() const;

  /// Number of nearest-neighbour pairs with opposite spins (each bond once; 2N bonds in all).
  int64_t unsatisfied_bonds() const;
  /// Sum of spins.
  int64_t magnetization() const;
  /// E = -J * sum over bonds s_i s_j = -J (2N - 2 * unsatisfied_bonds()).
  double energy(double J) const;

  uint64_t* row(int c, int32_t y) { return bits_.data() + (static_cast<int64_t>(c) * L_ + y) * W_; }
  const uint64_t* row(int c, int32_t y) const { return bits_.data() + (static_cast<int64_t>(c) * L_ + y) * W_; }

 private:
  int32_t L_ = 0, W_ = 0;
  std::vector<uint64_t> bits_;
};

/// One Metropolis sweep (colour 0, then colour 1) on an MscLattice2D with coupling J, h = 0.
class MscMetropolis2D {
 public:
  /// Throws InputError for unsupported L, J = 0 or non-finite J, beta < 0.
  MscMetropolis2D(int32_t L, double J, double beta);
  void set_beta(double beta);
  double beta() const { return beta_; }

  /// Philox blocks one sweep takes from the stream: L^2 / 4.
  static uint64_t blocks_per_sweep(int32_t L) { return static_cast<uint64_t>(L) * L / 4; }

  void sweep(MscLattice2D& lat, Rng& rng);

  /// Threshold (out of 2^32) for a spin with n_unsat of its 4 bonds unsatisfied: dE = 2|J|(4 - 2 n_unsat)
  /// (dE <= 0, n_unsat >= 2: 2^32, always accepted).
  uint64_t threshold(int n_unsat) const { return n_unsat >= 2 ? uint64_t{1} << 32 : thr_[n_unsat]; }

 private:
  void colour_pass(MscLattice2D& lat, int c, uint64_t seed, uint64_t stream, uint64_t base);

  static constexpr int kLeadPairs = 5;  // plane pairs (10 planes) drawn in batch for every word

  int32_t L_, W_;
  int64_t M_;
  double J_, beta_ = 0.0;
  uint64_t thr_[2] = {0, 0};  // [0]: no unsatisfied bond (dE = 8|J|), [1]: one (dE = 4|J|)
  uint64_t tmask_[2][32] = {};  // bit P of the thresholds spread to 0 / ~0, plane P = bit 31 - P
  bool always_[2] = {false, false};
  int32_t band_rows_ = 16;
  std::vector<uint32_t> planes_;                // kLeadPairs batches in the philox_batch group layout
  std::vector<uint64_t> ge2_, e0_, e1_;         // per word of a band
};

}  // namespace spinlab
