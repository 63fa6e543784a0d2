// The scalar reference of the replica-parallel sweep (anneal_batch.hpp).
#include "solve/anneal_batch.hpp"

namespace spinlab::anneal_batch {

void sweep_scalar(const SweepArgs& a) {
  for (int32_t i = 0; i < a.n; ++i) {
    int32_t* s = a.spins + kLanes * i;
    const int32_t* f = a.fields + kLanes * i;
    const uint32_t* u = a.words + kLanes * i;
    for (int l = 0; l < kLanes; ++l) {
      const int32_t k = s[l] * f[l];  // dE = 2 unit k
      const bool flip = k <= 0 || u[l] < a.thr[(k > a.kmax ? a.kmax : k) - 1];
      if (!flip) continue;
      s[l] = -s[l];
      a.de[l] += k;
      const int32_t two_s = 2 * s[l];
      for (int64_t q = a.offsets[i]; q < a.offsets[i + 1]; ++q) a.fields[kLanes * a.neighbors[q] + l] += two_s * a.weights[q];
    }
  }
}

bool avx512_available() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

}  // namespace spinlab::anneal_batch
