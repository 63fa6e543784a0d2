// Small helpers shared by the test binaries.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/estimators.hpp"

namespace spinlab::testing {

/// The configuration whose bit i is spin i (1 -> +1, 0 -> -1): enumerates all 2^n states.
inline std::vector<Spin> spins_of(uint64_t bits, int n) {
  std::vector<Spin> s(n);
  for (int i = 0; i < n; ++i) s[i] = (bits >> i) & 1 ? 1 : -1;
  return s;
}

/// |mean - exact| < 4 error bars (the project's fixed-seed significance), with a readable message.
inline void expect_z(const Estimate& e, double exact, const std::string& what) {
  ASSERT_GT(e.error, 0.0) << what;
  EXPECT_LT(std::fabs((e.mean - exact) / e.error), 4.0)
      << what << ": " << e.mean << " +- " << e.error << " exact " << exact;
}

/// (a - b) in units of their combined error: two independent estimates of the same quantity.
inline double z_difference(const Estimate& a, const Estimate& b) {
  return (a.mean - b.mean) / std::sqrt(a.error * a.error + b.error * b.error);
}

}  // namespace spinlab::testing
