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
///
/// A graph may instead be DENSE (Sherrington-Kirkpatrick): one n x n row-major coupling matrix
/// with a zero diagonal (8 n^2 bytes), no edge list and no CSR index arrays. Kernels read either
/// kind through rows(); the CSR accessors and edges() refuse a dense graph (std::logic_error, a
/// bug in the caller, never a silently wrong sum), and to_sparse() converts small ones.
class Graph {
 public:
  Graph() = default;
  static Graph from_edges(int32_t n, std::span<const Edge> edges);
  /// Dense couplings J (n * n, row-major): symmetric, zero diagonal and finite, else InputError.
  static Graph dense(int32_t n, std::vector<double> J);

  int32_t num_vertices() const { return n_; }
  /// Number of non-zero couplings (pairs i < j).
  int64_t num_edges() const { return dense_ ? dense_edges_ : static_cast<int64_t>(edges_.size()); }
  bool is_dense() const { return dense_; }
  std::span<const Edge> edges() const { return require_sparse(), std::span<const Edge>(edges_); }

  /// CSR: neighbours of v are neighbors()[offsets()[v] .. offsets()[v+1]), couplings alike.
  std::span<const int64_t> offsets() const { return require_sparse(), std::span<const int64_t>(offsets_); }
  std::span<const int32_t> neighbors() const { return require_sparse(), std::span<const int32_t>(nbr_); }
  /// CSR weights, or for a dense graph the whole n x n matrix (row v at v * n).
  std::span<const double> weights() const { return w_; }
  int32_t degree(int32_t v) const {
    return dense_ ? n_ - 1 : static_cast<int32_t>(offsets_[v + 1] - offsets_[v]);
  }
  int32_t max_degree() const;

  /// f(i, j, w) for every coupling i < j (non-zero ones for a dense graph).
  template <class F>
  void for_each_edge(F&& f) const {
    if (!dense_) {
      for (const Edge& e : edges_) f(e.i, e.j, e.w);
      return;
    }
    for (int32_t i = 0; i < n_; ++i) {
      const double* r = &w_[static_cast<size_t>(i) * n_];
      for (int32_t j = i + 1; j < n_; ++j)
        if (r[j] != 0.0) f(i, j, r[j]);
    }
  }
  /// The same couplings in CSR form (a dense graph keeps its non-zero entries).
  Graph to_sparse() const;

  /// Greedy proper colouring (2 colours whenever the graph is bipartite), used for
  /// checkerboard-order updates: spins of one colour have no edges between them.
  std::vector<int32_t> colouring(int32_t* num_colours) const;

 private:
  void require_sparse() const;
  int32_t n_ = 0;
  bool dense_ = false;
  int64_t dense_edges_ = 0;
  std::vector<Edge> edges_;
  std::vector<int64_t> offsets_{0};
  std::vector<int32_t> nbr_;
  std::vector<double> w_;
};

/// Row access for kernels, over CSR or dense couplings alike, with the weights in any type
/// (kernels keep their own copy in units, laid out like Graph::weights()).
template <class W>
struct CouplingRows {
  const int64_t* off = nullptr;
  const int32_t* nb = nullptr;
  const W* w = nullptr;
  int32_t n = 0;
  bool dense = false;
  CouplingRows() = default;
  CouplingRows(const Graph& g, const W* weights) : w(weights), n(g.num_vertices()), dense(g.is_dense()) {
    if (!dense) {
      off = g.offsets().data();
      nb = g.neighbors().data();
    }
  }
  /// f(j, J_ij) for the couplings of row i (a dense row includes j = i with J_ii = 0, so that the
  /// loop stays branch-free and vectorises).
  template <class F>
  inline void for_row(int32_t i, F&& f) const {
    if (dense) {
      const W* r = w + static_cast<size_t>(i) * n;
      for (int32_t j = 0; j < n; ++j) f(j, r[j]);
    } else {
      for (int64_t k = off[i], k1 = off[i + 1]; k < k1; ++k) f(nb[k], w[k]);
    }
  }
  /// init + sum_j J_ij x_j (CSR rows add in neighbour order; dense rows in SIMD order)
  template <class X, class Acc = W>
  inline Acc dot(int32_t i, const X* x, Acc init = 0) const {
    Acc a = init;
    if (dense) {
      const W* r = w + static_cast<size_t>(i) * n;
#pragma omp simd reduction(+ : a)
      for (int32_t j = 0; j < n; ++j) a += r[j] * x[j];
    } else {
      for (int64_t k = off[i], k1 = off[i + 1]; k < k1; ++k) a += w[k] * x[nb[k]];
    }
    return a;
  }
};

}  // namespace spinlab
