// Graph construction from an edge list (validation, duplicate merge, CSR) and colouring.
#include "core/graph.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <stdexcept>

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
  const auto by_ij = [](const Edge& a, const Edge& b) { return a.i != b.i ? a.i < b.i : a.j < b.j; };
  // Lists that arrive in (i, j) order (the social layer's canonical lists: 10^7 edges for a 10^6-node
  // network) skip the sort; one pass checks it, and the merge below sees the same sequence.
  if (!std::is_sorted(es.begin(), es.end(), by_ij)) std::stable_sort(es.begin(), es.end(), by_ij);
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

Graph Graph::dense(int32_t n, std::vector<double> J) {
  if (n < 0) throw InputError("graph: negative number of vertices");
  const size_t nn = static_cast<size_t>(n) * static_cast<size_t>(n);
  if (J.size() != nn)
    throw InputError("graph: a dense coupling matrix for " + std::to_string(n) + " vertices needs " +
                     std::to_string(nn) + " entries, got " + std::to_string(J.size()));
  Graph g;
  g.n_ = n;
  g.dense_ = true;
  for (int32_t i = 0; i < n; ++i)
    if (J[static_cast<size_t>(i) * n + i] != 0.0)
      throw InputError("graph: dense coupling (" + std::to_string(i) + ", " + std::to_string(i) + ") is a self-loop");
  // Upper triangle against its mirror, in 64 x 64 tiles (a plain column walk misses the cache).
  constexpr int32_t B = 64;
  for (int32_t ib = 0; ib < n; ib += B)
    for (int32_t jb = ib; jb < n; jb += B)
      for (int32_t i = ib; i < std::min(n, ib + B); ++i)
        for (int32_t j = std::max(jb, i + 1); j < std::min(n, jb + B); ++j) {
          const double a = J[static_cast<size_t>(i) * n + j], b = J[static_cast<size_t>(j) * n + i];
          if (!std::isfinite(a) || !std::isfinite(b))
            throw InputError("graph: dense coupling (" + std::to_string(i) + ", " + std::to_string(j) + ") is not finite");
          if (a != b)
            throw InputError("graph: dense couplings (" + std::to_string(i) + ", " + std::to_string(j) + ") and (" +
                             std::to_string(j) + ", " + std::to_string(i) + ") differ");
          g.dense_edges_ += a != 0.0;
        }
  g.offsets_.clear();
  g.w_ = std::move(J);
  return g;
}

Graph Graph::to_sparse() const {
  if (!dense_) return *this;
  std::vector<Edge> es;
  es.reserve(static_cast<size_t>(dense_edges_));
  for_each_edge([&](int32_t i, int32_t j, double w) { es.push_back({i, j, w}); });
  return from_edges(n_, es);
}

void Graph::require_sparse() const {
  if (dense_)
    throw std::logic_error("a dense (n x n) coupling matrix was read as CSR/edges; use Graph::to_sparse() or CouplingRows");
}

int32_t Graph::max_degree() const {
  if (dense_) return n_ > 0 ? n_ - 1 : 0;
  int32_t d = 0;
  for (int32_t v = 0; v < n_; ++v) d = std::max(d, degree(v));
  return d;
}

std::vector<int32_t> Graph::colouring(int32_t* num_colours) const {
  if (dense_) return to_sparse().colouring(num_colours);
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
