// Wire format of a lattice frame: spins packed 1 bit per site in row-major order, base64-encoded.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace spinlab::web {

/// Site i = x + L y is bit (i & 7) of byte i >> 3 (least significant bit first); +1 -> 1, -1 -> 0.
/// out is resized to ceil(n / 8) bytes.
void pack_spins_rowmajor(std::span<const Spin> s, std::vector<uint8_t>& out);

/// Standard base64 (RFC 4648, with '=' padding), appended to out.
void base64_append(std::span<const uint8_t> bytes, std::string& out);

/// Inverse of base64_append; throws InputError on a character outside the alphabet or a bad length.
std::vector<uint8_t> base64_decode(const std::string& text);

}  // namespace spinlab::web
