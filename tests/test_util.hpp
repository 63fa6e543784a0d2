// Small helpers shared by the test binaries.
#pragma once

#include <cstdint>
#include <vector>

#include "core/model.hpp"

namespace spinlab::testing {

/// The configuration whose bit i is spin i (1 -> +1, 0 -> -1): enumerates all 2^n states.
inline std::vector<Spin> spins_of(uint64_t bits, int n) {
  std::vector<Spin> s(n);
  for (int i = 0; i < n; ++i) s[i] = (bits >> i) & 1 ? 1 : -1;
  return s;
}

}  // namespace spinlab::testing
