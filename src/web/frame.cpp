// Bit packing and base64 for the frames the lab streams to the page.
#include "web/frame.hpp"

#include "core/error.hpp"

namespace spinlab::web {

void pack_spins_rowmajor(std::span<const Spin> s, std::vector<uint8_t>& out) {
  out.assign((s.size() + 7) / 8, 0);
  const size_t full = s.size() / 8;
  for (size_t b = 0; b < full; ++b) {  // 8 sites per byte, branch-free
    const Spin* p = s.data() + 8 * b;
    uint8_t v = 0;
    for (int k = 0; k < 8; ++k) v |= static_cast<uint8_t>((p[k] > 0) << k);
    out[b] = v;
  }
  for (size_t i = 8 * full; i < s.size(); ++i)
    if (s[i] > 0) out[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
}

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

void base64_append(std::span<const uint8_t> bytes, std::string& out) {
  const size_t n = bytes.size();
  out.reserve(out.size() + 4 * ((n + 2) / 3));
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const uint32_t v = uint32_t{bytes[i]} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (n - i == 2) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
}

std::vector<uint8_t> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) throw InputError("base64: length is not a multiple of 4");
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int pad = 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      int d = 0;
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        ++pad;
      } else {
        if (pad > 0 || (d = value(c)) < 0) throw InputError("base64: bad character");
      }
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out.push_back(static_cast<uint8_t>(v >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(v >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

}  // namespace spinlab::web
