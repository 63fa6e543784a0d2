// Undirected weighted graph in CSR form: the storage every sampler and oracle reads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace spinlab {

struct Edge {
  int32_t i = 0, j = 0;
  double w = 0.0;
};

/// N vertices, undirected weighted edges in compressed sparse rows. Each edge appears once in
/// edges() (with i < j) and twice in the CSR arrays (once from each end).
/// Built from an edge list: self-loops, non-finite weights and out-of-range vertices are rejected
/// with InputError; duplicate edges (i,j) and (j,i) are MERGED by summing their weights, the
/// convention of QUBO/Ising files where repeated terms add up.
class Graph {
 public:
  Graph() = default;
  static Graph from_edges(int32_t n, std::span<const Edge> edges);

  int32_t num_vertices() const { return n_; }
  int64_t num_edges() const { return static_cast<int64_t>(edges_.size()); }
  std::span<const Edge> edges() const { return edges_; }

  /// CSR: neighbours of v are neighbors()[offsets()[v] .. offsets()[v+1]), couplings alike.
  std::span<const int64_t> offsets() const { return offsets_; }
  std::span<const int32_t> neighbors() const { return nbr_; }
  std::span<const double> weights() const { return w_; }
  int32_t degree(int32_t v) const { return static_cast<int32_t>(offsets_[v + 1] - offsets_[v]); }
  int32_t max_degree() const;

  /// Greedy proper colouring (2 colours whenever the graph is bipartite), used for
  /// checkerboard-order updates: spins of one colour have no edges between them.
  std::vector<int32_t> colouring(int32_t* num_colours) const;

 private:
  int32_t n_ = 0;
  std::vector<Edge> edges_;
  std::vector<int64_t> offsets_{0};
  std::vector<int32_t> nbr_;
  std::vector<double> w_;
};

}  // namespace spinlab
