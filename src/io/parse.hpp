// Whole-token number parsing shared by the file readers (edge lists, states, Gset, .qubo, COO).
#pragma once

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace spinlab {

/// Whole-token integer (optional sign); false on junk or overflow.
inline bool parse_int(std::string_view t, int64_t* out) {
  if (t.size() > 1 && t[0] == '+' && t[1] != '-') t.remove_prefix(1);
  if (t.empty()) return false;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
  return ec == std::errc() && p == t.data() + t.size();
}

/// Whole-token real number; "nan"/"inf" parse (callers reject them with their own message);
/// overflow fails, underflow gives the nearest double (0 or subnormal).
inline bool parse_real(std::string_view t, double* out) {
  if (t.size() > 1 && t[0] == '+' && t[1] != '-') t.remove_prefix(1);
  if (t.empty()) return false;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
  if (p != t.data() + t.size()) return false;
  if (ec == std::errc::result_out_of_range) {  // from_chars leaves *out alone: ask strtod which way
    const std::string s(t);
    errno = 0;
    const double v = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(v)) return false;
    *out = v;
    return true;
  }
  return ec == std::errc();
}

}  // namespace spinlab
