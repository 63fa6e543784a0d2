// Multi-spin-coded (1 bit per spin) checkerboard Metropolis and heat-bath for the periodic square
// (2D) and simple-cubic (3D) Ising lattice with one coupling J != 0 and no field.
//
// Multi-spin coding packs 64 spins of one checkerboard colour into a machine word and counts
// unsatisfied bonds with bitwise adders (Preis, Virnau, Paul & Schneider, J. Comput. Phys. 228,
// 4468 (2009); Block, Virnau & Preis, Comput. Phys. Commun. 181, 1549 (2010); the black/white
// storage of Romero et al., Comput. Phys. Commun. 256, 107473 (2020)). Unlike those codes no random
// number is shared between spins: every spin compares its own 32-bit uniform u with the exact
// threshold thr = acceptance_threshold(p) of its class (core/rng.hpp), bit-plane by bit-plane from
// the most significant bit, and flips iff u < thr, i.e. with probability exactly thr / 2^32.
// Planes are only computed until every spin of a 512-spin group is decided (about log2(512) + 1
// planes instead of 32); which planes were computed changes nothing in the outcome.
//
// Layout. Colour c of site (x, y, z) is (x + y + z) & 1; colour 0 is updated first. A row is a
// fixed (y, z), row index r = y + L z (2D: r = y). Row r holds L/2 sites of colour c at
// x = p + 2k, p = (c + y + z) & 1, rank k = 0 .. L/2 - 1, packed into W words: rank k = 64 w + b
// is bit b of word w (spin +1 = bit 1). W = L / 128 for L >= 128, else W = 1 with the L/2 low bits
// used. Word (r, w) of colour c is flat word r W + w of that colour's array (M = L^(D-1) W words).
// Supported L: multiples of 8 up to 128, 256, 512, and multiples of 1024 (so that 8-word groups
// tile the rows).
//
// Random numbers: ARS-5 (sample/ars.hpp) keyed by (seed, stream) of the chain's Rng. A sweep
// takes one block of the chain's Philox stream (Rng::take_blocks(1)); its counter `id` names the
// sweep. Plane P (P = 0 is the most significant bit of u) of the 64 spins of flat word i of colour
// c is 64-bit half (i & 1) of the ARS block with counter
//   lo = (i & 7) >> 1 | P << 2 | c << 8 | (i >> 3) << 9,   hi = id.
// So a result depends on (seed, stream) and not on the SIMD width or the number of threads.
// A hot start uses plane 63 of id = the block taken by randomize().
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/rng.hpp"

namespace spinlab {

class ThreadTeam;

enum class SimdLevel { Scalar, Avx2, Avx512 };
/// "scalar", "avx2", "avx512".
const char* simd_level_name(SimdLevel level);
/// avx512: AVX-512 F/BW/VL/VPOPCNTDQ + VAES; avx2: AVX2 + VAES; scalar: plain C++ (software AES).
bool simd_level_available(SimdLevel level);
SimdLevel best_simd_level();

struct MscGeometry {
  int dim = 2;
  int64_t L = 0;
  int64_t W = 0;      // words per row and colour
  int bits = 64;      // used bits per word (L/2 when W = 1 and L < 128)
  int64_t rows = 0;   // L^(dim-1)
  int64_t words = 0;  // per colour: rows * W
  int64_t spins() const { return rows * L; }
  /// Empty when (dim, L) is supported, else why not.
  static std::string unsupported_reason(int dim, int64_t L);
  /// Throws InputError when unsupported.
  static MscGeometry make(int dim, int64_t L);
};

/// Bit-packed lattice state (layout above).
class MscLattice {
 public:
  MscLattice(int dim, int64_t L);
  const MscGeometry& geometry() const { return g_; }
  int64_t size() const { return g_.spins(); }
  uint64_t* colour(int c) { return bits_.data() + c * g_.words; }
  const uint64_t* colour(int c) const { return bits_.data() + c * g_.words; }
  /// Bytes held by the packed state.
  int64_t memory_bytes() const { return static_cast<int64_t>(bits_.size() * sizeof(uint64_t)); }

  void fill(Spin s);
  /// Independent fair spins from ARS plane 63 (takes one block of rng).
  void randomize(Rng& rng, int threads = 1);
  /// Byte state s[x + L y + L^2 z] (+1 / -1) -> packed, and back.
  void pack(std::span<const Spin> s);
  void unpack(std::span<Spin> s) const;
  std::vector<Spin> unpack() const;
  /// Copy of the packed words (colour 0, then colour 1).
  std::vector<uint64_t> words() const { return bits_; }
  /// Spin at (x, y, z).
  Spin at(int64_t x, int64_t y, int64_t z = 0) const;

 private:
  MscGeometry g_;
  std::vector<uint64_t> bits_;
};

/// Totals measured on the packed state.
struct MscTotals {
  int64_t magnetization = 0;  // sum of s_i
  int64_t bond_sum = 0;       // sum over bonds of s_i s_j (D N bonds)
  double energy(double J) const { return -J * static_cast<double>(bond_sum); }
};

enum class MscRule { Metropolis, HeatBath };

/// The sweep of the packed lattice.
class MscUpdate {
 public:
  /// Throws InputError for unsupported geometry, J = 0 or non-finite, beta < 0, or a SIMD level
  /// this CPU lacks.
  MscUpdate(const MscGeometry& g, MscRule rule, double J, double beta, SimdLevel level = best_simd_level(),
            int threads = 1);
  ~MscUpdate();
  void set_beta(double beta);
  double beta() const { return beta_; }
  void set_threads(int threads);
  int threads() const { return threads_; }
  SimdLevel level() const { return level_; }
  MscRule rule() const { return rule_; }
  /// "msc-avx512", "msc-avx2" or "msc-scalar".
  std::string kernel() const;

  /// One sweep (colour 0, then colour 1); takes one block of rng.
  void sweep(MscLattice& lat, Rng& rng);
  /// One colour pass with an explicit sweep id (for tests).
  void colour_pass(MscLattice& lat, int c, uint64_t seed, uint64_t stream, uint64_t id);
  MscTotals measure(const MscLattice& lat) const;

  /// Flip threshold (out of 2^32) of a spin whose n of 2D neighbours differ from it.
  uint64_t threshold(int n_differ) const { return thr_[n_differ]; }

 private:
  MscGeometry g_;
  MscRule rule_;
  double J_, beta_ = 0.0;
  SimdLevel level_;
  int threads_ = 1;
  std::unique_ptr<ThreadTeam> team_;  // threads_ > 1: the bands of a pass run on it
  uint64_t thr_[8] = {};
};

/// Which kernel simulate would use for a lattice (for reports); empty when none applies.
bool msc_applies(const IsingModel& model, std::string* why_not = nullptr);

}  // namespace spinlab
