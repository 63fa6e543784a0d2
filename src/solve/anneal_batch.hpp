// The replica-parallel annealing sweep: 16 reads advance together, one per 32-bit lane, so that
// an update of vertex i for all 16 reads is a handful of vector instructions and its neighbours'
// fields are updated with one masked add each (no branches, no gathers). Used by anneal() for
// integer couplings when at least 16 reads are asked for. The scalar loop is the reference; the
// AVX-512 version (anneal_batch_avx512.cpp) gives bit-identical states.
//
// Layout: lane l of vertex i at index 16 i + l (spins as int32 +-1, fields in units of the
// model's unit, see integer_couplings). Random words of one sweep: lane l of vertex i takes
// word (i % 4) of Philox block first + 16 (i / 4) + l of the batch's stream (philox_batch group
// layout: 16 consecutive words per vertex).
#pragma once

#include <cstdint>

namespace spinlab::anneal_batch {

constexpr int kLanes = 16;

struct SweepArgs {
  int32_t n = 0;
  const int64_t* offsets = nullptr;    // CSR
  const int32_t* neighbors = nullptr;
  const int32_t* weights = nullptr;    // couplings in units
  int32_t* spins = nullptr;            // 16 n
  int32_t* fields = nullptr;           // 16 n
  const uint32_t* words = nullptr;     // 16 n random words of this sweep
  const uint32_t* thr = nullptr;       // thr[k - 1]: threshold of k = s f in units, k = 1 .. kmax
  int32_t kmax = 0;
  int64_t* de = nullptr;               // 16 lanes: sum of k over the flips (dE = 2 unit k)
};

void sweep_scalar(const SweepArgs& a);
void sweep_avx512(const SweepArgs& a);
bool avx512_available();

}  // namespace spinlab::anneal_batch
