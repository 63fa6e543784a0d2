// Vertices bucketed by integer gain, shared by the local searches (tabu, breakout).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <type_traits>
#include <vector>

#include "core/model.hpp"

namespace spinlab {

/// A model's couplings in units of `unit` (exact integers when integer_couplings() chose the
/// unit), the single-flip gains of a state, and the bound |gain| <= gmax that sizes the buckets.
template <class G>
struct UnitCouplings {
  std::vector<G> w;  // Graph::weights() / unit (CSR, or the dense n x n matrix), unless data() is the model's own
  /// The weights in units, laid out like Graph::weights().
  const G* data() const { return data_; }
  int64_t gmax = 0;  // integral G only
  UnitCouplings(const UnitCouplings&) = delete;  // data() may point into w
  UnitCouplings& operator=(const UnitCouplings&) = delete;
  UnitCouplings(const IsingModel& m, double unit) : m_(m), unit_(unit) {
    const auto wd = m.graph().weights();
    if constexpr (std::is_same_v<G, double>) {
      if (unit == 1.0) data_ = wd.data();  // no copy (8 n^2 bytes for dense SK)
    }
    if (!data_) {
      w.resize(wd.size());
      for (size_t k = 0; k < wd.size(); ++k) w[k] = static_cast<G>(wd[k] / unit);
      data_ = w.data();
    }
    const CouplingRows<G> rows(m.graph(), data_);
    if constexpr (std::is_integral_v<G>)
      for (int32_t i = 0; i < m.size(); ++i) {
        int64_t sum = static_cast<int64_t>(std::fabs(m.field(i) / unit));
        rows.for_row(i, [&](int32_t, G x) { sum += std::llabs(static_cast<int64_t>(x)); });
        gmax = std::max(gmax, 2 * sum);
      }
  }
  /// Gain buckets apply: integer gains in a modest range.
  bool buckets_fit() const { return std::is_integral_v<G> && gmax <= (int64_t{1} << 22); }
  /// Local fields f_i (units) and gains 2 s_i f_i (energy change of flipping i, units).
  void gains(std::span<const Spin> s, std::vector<G>& f, std::vector<G>& gain) const {
    const CouplingRows<G> rows(m_.graph(), data_);
    f.resize(m_.size());
    gain.resize(m_.size());
    for (int32_t i = 0; i < m_.size(); ++i) {
      const G x = rows.dot(i, s.data(), static_cast<G>(m_.field(i) / unit_));
      f[i] = x;
      gain[i] = 2 * s[i] * x;
    }
  }

 private:
  const G* data_ = nullptr;
  const IsingModel& m_;
  double unit_;
};

/// Cheap xorshift bits for the order among equal gains (a search heuristic, not sampling).
class TieCoin {
 public:
  explicit TieCoin(uint64_t seed) : c_(seed | 1) {}
  bool operator()() {
    c_ ^= c_ << 13;
    c_ ^= c_ >> 7;
    c_ ^= c_ << 17;
    return (c_ & 1) != 0;
  }

 private:
  uint64_t c_;
};

// Vertices bucketed by integer gain (doubly linked lists), so that the best admissible move is
// found by walking up from the lowest non-empty bucket instead of scanning all N gains (the
// bucket structure of Fiduccia-Mattheyses, as in Breakout Local Search).
class GainBuckets {
 public:
  GainBuckets(int32_t n, int64_t gmax) : gmax_(gmax), head_(2 * gmax + 1, -1), next_(n, -1), prev_(n, -1), g_(n, 0) {}
  void insert(int32_t v, int64_t g, bool front) {
    const int64_t b = g + gmax_;
    g_[v] = g;
    if (front || head_[b] < 0) {
      next_[v] = head_[b];
      prev_[v] = -1;
      if (head_[b] >= 0) prev_[head_[b]] = v;
      head_[b] = v;
    } else {  // second place: cheap variation of the order among equal gains
      const int32_t h = head_[b];
      next_[v] = next_[h];
      prev_[v] = h;
      if (next_[h] >= 0) prev_[next_[h]] = v;
      next_[h] = v;
    }
    lo_ = std::min(lo_, b);
  }
  void remove(int32_t v) {
    const int64_t b = g_[v] + gmax_;
    if (prev_[v] >= 0) next_[prev_[v]] = next_[v];
    else head_[b] = next_[v];
    if (next_[v] >= 0) prev_[next_[v]] = prev_[v];
  }
  void update(int32_t v, int64_t g, bool front) {
    remove(v);
    insert(v, g, front);
  }
  int64_t gain(int32_t v) const { return g_[v]; }
  /// Lowest-gain vertex; -1 if none.
  int32_t lowest() {
    while (lo_ < static_cast<int64_t>(head_.size()) && head_[lo_] < 0) ++lo_;
    return lo_ < static_cast<int64_t>(head_.size()) ? head_[lo_] : -1;
  }
  /// Lowest-gain vertex with ok(v, gain); -1 if none.
  template <class Ok>
  int32_t find(Ok ok) {
    while (lo_ < static_cast<int64_t>(head_.size()) && head_[lo_] < 0) ++lo_;
    for (int64_t b = lo_; b < static_cast<int64_t>(head_.size()); ++b)
      for (int32_t v = head_[b]; v >= 0; v = next_[v])
        if (ok(v, b - gmax_)) return v;
    return -1;
  }

 private:
  int64_t gmax_;
  std::vector<int32_t> head_, next_, prev_;
  std::vector<int64_t> g_;
  int64_t lo_ = 0;
};

// Gain buckets for tabu search: tabu vertices are kept in a bucket structure of their own, so
// that the best non-tabu move is the head of the lowest free bucket (walking over tabu vertices
// in the low buckets cost more than the rest of a move: a flipped vertex has the most negative
// gain, that of flipping back) and the aspiration test looks at the lowest tabu vertex only.
// Tabu status ends through a timing wheel indexed by the iteration at which it expires.
class TabuBuckets {
 public:
  TabuBuckets(int32_t n, int64_t gmax, int64_t max_tenure)
      : free_(n, gmax), tabu_(n, gmax), until_(n, 0), in_tabu_(n, 0) {
    int64_t w = 1;
    while (w <= max_tenure + 1) w <<= 1;
    wheel_.resize(static_cast<size_t>(w));
  }
  void insert(int32_t v, int64_t g, bool front) { free_.insert(v, g, front); }
  void update(int32_t v, int64_t g, bool front) { (in_tabu_[v] ? tabu_ : free_).update(v, g, front); }
  int64_t gain(int32_t v) const { return in_tabu_[v] ? tabu_.gain(v) : free_.gain(v); }
  bool is_tabu(int32_t v) const { return in_tabu_[v] != 0; }
  /// v stays tabu while the iteration count is below `until` (until - now <= max_tenure).
  void make_tabu(int32_t v, int64_t until, bool front) {
    if (!in_tabu_[v]) {
      const int64_t g = free_.gain(v);
      free_.remove(v);
      tabu_.insert(v, g, front);
      in_tabu_[v] = 1;
    }
    until_[v] = until;
    wheel_[static_cast<size_t>(until) & (wheel_.size() - 1)].push_back(v);
  }
  /// Ends the tabu status of the vertices whose tenure ends at iteration `now` (call once per
  /// iteration, in order).
  void expire(int64_t now, bool front) {
    auto& slot = wheel_[static_cast<size_t>(now) & (wheel_.size() - 1)];
    for (const int32_t v : slot)
      if (in_tabu_[v] && until_[v] == now) {
        const int64_t g = tabu_.gain(v);
        tabu_.remove(v);
        free_.insert(v, g, front);
        in_tabu_[v] = 0;
      }
    slot.clear();
  }
  /// Best non-tabu vertex, or a tabu one whose gain is below `aspire` and below the best free
  /// gain (aspiration); -1 if none.
  int32_t best_admissible(int64_t aspire) {
    const int32_t f = free_.lowest();
    const int32_t t = tabu_.lowest();
    if (t >= 0 && tabu_.gain(t) < aspire && (f < 0 || tabu_.gain(t) < free_.gain(f))) return t;
    return f;
  }
  /// Lowest-gain vertex, tabu or not.
  int32_t lowest() {
    const int32_t f = free_.lowest();
    const int32_t t = tabu_.lowest();
    if (f < 0) return t;
    if (t < 0) return f;
    return tabu_.gain(t) < free_.gain(f) ? t : f;
  }

 private:
  GainBuckets free_, tabu_;
  std::vector<int64_t> until_;
  std::vector<uint8_t> in_tabu_;
  std::vector<std::vector<int32_t>> wheel_;
};

}  // namespace spinlab
