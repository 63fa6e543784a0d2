// Union-find over int32 parent arrays with the smaller index as root (parent[x] <= x always), as
// the cluster moves use it: no allocation, no ranks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

namespace spinlab {

/// Root of x, with path halving.
inline int32_t uf_find(int32_t* __restrict p, int32_t x) {
  while (p[x] != x) {
    p[x] = p[p[x]];
    x = p[x];
  }
  return x;
}

/// Joins the trees of a and b; returns the new root (the smaller of the two roots).
inline int32_t uf_link(int32_t* __restrict p, int32_t a, int32_t b) {
  a = uf_find(p, a);
  b = uf_find(p, b);
  const int32_t lo = std::min(a, b);
  p[std::max(a, b)] = lo;  // a == b: p[a] = a, no change
  return lo;
}

/// Rem's union with splicing (Patwary, Blair, Manne, "Experiments on union-find algorithms for
/// the disjoint-set data structure", SEA 2010): walks both paths at once, redirecting the higher
/// parent to the lower one, and stops as soon as they meet.
inline void uf_rem_union(int32_t* __restrict p, int32_t a, int32_t b) {
  while (p[a] != p[b]) {
    if (p[a] < p[b]) std::swap(a, b);  // now p[a] > p[b]
    const int32_t z = p[a];
    p[a] = p[b];
    if (z == a) return;  // a was a root: now linked below p[b]
    a = z;
  }
}

}  // namespace spinlab
