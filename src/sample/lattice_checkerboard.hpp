// Fast checkerboard Metropolis / heat-bath for uniform periodic square and simple-cubic lattices.
//
// Applies when the model was built from a periodic 2D or 3D lattice with every extent even (so
// the checkerboard colouring x+y+z mod 2 is a proper 2-colouring), one coupling J != 0 on every
// bond and one field h. make_single_spin() picks it for the "*-checkerboard" orders and for plain
// "metropolis" / "heatbath" (SiteOrder::Auto).
//
// Random numbers (fixed, independent of vector width and thread count). A sweep reserves
// 2 * 16 * G blocks of the chain's own Philox stream with Rng::take_blocks (G = ceil(N/2 / 64)),
// base = the first reserved counter. Colour c (0: x+y+z even, updated first) owns the blocks
// base + 16*c*G .. base + 16*(c+1)*G - 1. The site i of colour c has rank k = i / 2 among its
// colour (each row holds L0/2 sites of each colour, in x order); it uses the word
//   word (k % 64) / 16 of block base + 16*(c*G + k/64) + k % 16
// ("group layout": group g = 16 consecutive blocks serves 64 consecutive ranks, lane = block).
// Every site draws exactly one word per sweep, whatever the outcome.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "sample/single_spin.hpp"

namespace spinlab {

/// Batched Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as
/// 1, 2, 3", SC'11), key = seed, counter = {block lo, block hi, stream lo, stream hi}: the same
/// blocks as Rng(seed, stream). Output in the group layout:
///   out[64*g + 16*j + b] = word j of block first_block + 16*g + b,  g < ngroups, j < 4, b < 16.
namespace philox_batch {
constexpr int kGroupBlocks = 16;
constexpr int kGroupWords = 64;
/// True when this CPU runs the AVX-512 (F, BW, VL, DQ) and BMI2 code paths.
bool avx512_available();
void generate_scalar(uint64_t seed, uint64_t stream, uint64_t first_block, size_t ngroups, uint32_t* out);
/// Same numbers as generate_scalar; only call when avx512_available().
void generate_avx512(uint64_t seed, uint64_t stream, uint64_t first_block, size_t ngroups, uint32_t* out);
}  // namespace philox_batch

enum class LatticeKernelImpl { Auto, Scalar, Avx512 };

/// True when the fast kernel can run this model (see the conditions above); sets *J and *h.
bool lattice_checkerboard_applies(const IsingModel& model, double* J = nullptr, double* h = nullptr);

/// The fast checkerboard move. Auto picks AVX-512 when the CPU has it, else the scalar reference
/// loop; both give bit-identical states. Throws InputError when the model does not qualify or
/// Avx512 is requested on a CPU without it.
std::unique_ptr<SingleSpinMove> make_lattice_checkerboard(const IsingModel& model, double beta,
                                                          SingleSpinRule rule,
                                                          LatticeKernelImpl impl = LatticeKernelImpl::Auto);

namespace detail {
/// One colour pass (colour 0: x+y+z even) of a move made by make_lattice_checkerboard, with the
/// caller's words (words[k] for the site of colour rank k, N/2 of them) in place of Philox, so
/// tests can feed words that random draws practically never produce (0, 2^32-1, threshold +-1).
void lattice_colour_pass_with_words(SingleSpinMove& move, std::span<Spin> s, int colour,
                                    std::span<const uint32_t> words);
}  // namespace detail

}  // namespace spinlab
