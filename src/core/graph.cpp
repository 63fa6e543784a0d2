// Graph construction from an edge list (validation, duplicate merge, CSR) and colouring.
#include "core/graph.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

#include "core/error.hpp"

namespace spinlab {

Graph Graph::from_edges(int32_t n, std::span<const Edge> edges) {
  if (n < 0) throw InputError("graph: negative number of vertices");
  std::vector<Edge> es;
  es.reserve(edges.size());
  for (size_t k = 0; k < edges.size(); ++k) {
    Edge e = edges[k];
    if (e.i < 0 || e.i >= n || e.j < 0 || e.j >= n)
      throw InputError("graph: edge " + std::to_string(k) + " (" + std::to_string(e.i) + ", " +
                       std::to_string(e.j) + ") has a vertex outside 0.." + std::to_string(n - 1));
    if (e.i == e.j)
      throw InputError("graph: edge " + std::to_string(k) + " is a self-loop on vertex " +
                       std::to_string(e.i));
    if (!std::isfinite(e.w))
      throw InputError("graph: edge " + std::to_string(k) + " has a non-finite weight");
    if (e.i > e.j) std::swap(e.i, e.j);
    es.push_back(e);
  }
  std::stable_sort(es.begin(), es.end(),
                   [](const Edge& a, const Edge& b) { return a.i != b.i ? a.i < b.i : a.j < b.j; });
  Graph g;
  g.n_ = n;
  for (const Edge& e : es) {  // merge duplicates by summing weights
    if (!g.edges_.empty() && g.edges_.back().i == e.i && g.edges_.back().j == e.j)
      g.edges_.back().w += e.w;
    else
      g.edges_.push_back(e);
  }
  for (const Edge& e : g.edges_)  // finite terms can add up to infinity
    if (!std::isfinite(e.w))
      throw InputError("graph: the duplicate edges (" + std::to_string(e.i) + ", " + std::to_string(e.j) +
                       ") sum to a non-finite coupling");
  std::vector<int64_t> deg(n + 1, 0);
  for (const Edge& e : g.edges_) {
    ++deg[e.i + 1];
    ++deg[e.j + 1];
  }
  g.offsets_.assign(n + 1, 0);
  for (int32_t v = 0; v < n; ++v) g.offsets_[v + 1] = g.offsets_[v] + deg[v + 1];
  g.nbr_.resize(g.offsets_[n]);
  g.w_.resize(g.offsets_[n]);
  std::vector<int64_t> pos(g.offsets_.begin(), g.offsets_.end() - 1);
  for (const Edge& e : g.edges_) {
    g.nbr_[pos[e.i]] = e.j;
    g.w_[pos[e.i]++] = e.w;
    g.nbr_[pos[e.j]] = e.i;
    g.w_[pos[e.j]++] = e.w;
  }
  return g;
}

int32_t Graph::max_degree() const {
  int32_t d = 0;
  for (int32_t v = 0; v < n_; ++v) d = std::max(d, degree(v));
  return d;
}

std::vector<int32_t> Graph::colouring(int32_t* num_colours) const {
  // Try a BFS 2-colouring first (exact for bipartite graphs), else greedy in vertex order.
  std::vector<int32_t> c(n_, -1);
  bool bipartite = true;
  for (int32_t s = 0; s < n_ && bipartite; ++s) {
    if (c[s] >= 0) continue;
    c[s] = 0;
    std::queue<int32_t> q;
    q.push(s);
    while (!q.empty() && bipartite) {
      int32_t v = q.front();
      q.pop();
      for (int64_t k = offsets_[v]; k < offsets_[v + 1]; ++k) {
        int32_t u = nbr_[k];
        if (c[u] < 0) {
          c[u] = 1 - c[v];
          q.push(u);
        } else if (c[u] == c[v]) {
          bipartite = false;
          break;
        }
      }
    }
  }
  if (bipartite) {
    *num_colours = n_ > 0 ? (n_ > 1 && num_edges() > 0 ? 2 : 1) : 0;
    return c;
  }
  std::fill(c.begin(), c.end(), -1);
  int32_t nc = 0;
  std::vector<char> used;
  for (int32_t v = 0; v < n_; ++v) {
    used.assign(static_cast<size_t>(degree(v)) + 1, 0);
    for (int64_t k = offsets_[v]; k < offsets_[v + 1]; ++k) {
      int32_t cu = c[nbr_[k]];
      if (cu >= 0 && cu < static_cast<int32_t>(used.size())) used[cu] = 1;
    }
    int32_t col = 0;
    while (used[col]) ++col;
    c[v] = col;
    nc = std::max(nc, col + 1);
  }
  *num_colours = nc;
  return c;
}

}  // namespace spinlab
