// The Ising model E(s) = -sum_{<ij>} J_ij s_i s_j - sum_i h_i s_i + offset, and its exact
// rewritings as QUBO and MaxCut.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/graph.hpp"
#include "core/lattice.hpp"

namespace spinlab {

using Spin = int8_t;  // +1 or -1

class IsingModel {
 public:
  IsingModel() = default;
  /// Couplings are the graph's edge weights; h empty means zero field.
  explicit IsingModel(Graph g, std::vector<double> h = {}, double offset = 0.0);
  /// A lattice model with uniform field h; keeps the lattice for fast paths and G(r).
  static IsingModel on_lattice(const Lattice& lattice, double h = 0.0);

  /// The same couplings, offset and zealots with fields h instead (a copy of the graph; the
  /// lattice fast paths are not kept). Every rebuild of a model for a new field goes through
  /// here so that a frozen mask is never lost.
  IsingModel with_fields(std::vector<double> h) const;

  int32_t size() const { return graph_.num_vertices(); }
  const Graph& graph() const { return graph_; }
  std::span<const double> fields() const { return h_; }
  double field(int32_t i) const { return h_[i]; }
  double offset() const { return offset_; }
  /// The lattice this model was built from, or nullptr for a general graph.
  const Lattice* lattice() const { return lattice_.get(); }

  bool has_field() const;
  /// All couplings >= 0 (what cluster algorithms need).
  bool is_ferromagnetic() const;
  /// True when all couplings equal one J and all fields one h: Delta E then takes few values,
  /// so samplers may use lookup tables. Always false for dense graphs.
  bool is_uniform(double* J, double* h) const;

  double energy(std::span<const Spin> s) const;
  /// sum_j J_ij s_j + h_i
  double local_field(int32_t i, std::span<const Spin> s) const {
    if (graph_.is_dense()) return CouplingRows<double>(graph_, graph_.weights().data()).dot(i, s.data(), h_[i]);
    auto off = graph_.offsets();
    auto nb = graph_.neighbors();
    auto w = graph_.weights();
    double f = h_[i];
    for (int64_t k = off[i]; k < off[i + 1]; ++k) f += w[k] * s[nb[k]];
    return f;
  }
  /// Energy change when spin i flips.
  double delta_energy(int32_t i, std::span<const Spin> s) const {
    return 2.0 * s[i] * local_field(i, s);
  }
  static int64_t magnetization(std::span<const Spin> s);

  /// Zealots (frozen spins): frozen[i] = +1 or -1 pins spin i to that value, 0 leaves it free;
  /// empty = none. Every move leaves pinned spins alone (cluster moves refuse such a model) and
  /// simulate() writes the pinned values into its start state. Size n, else InputError.
  void set_frozen(std::vector<Spin> frozen);
  bool has_frozen() const { return !frozen_.empty(); }
  std::span<const Spin> frozen() const { return frozen_; }
  bool is_frozen(int32_t i) const { return !frozen_.empty() && frozen_[i] != 0; }
  /// Writes the pinned values into s (no-op without zealots).
  void pin(std::span<Spin> s) const {
    for (size_t i = 0; i < frozen_.size(); ++i)
      if (frozen_[i] != 0) s[i] = frozen_[i];
  }

 private:
  Graph graph_;
  std::vector<double> h_;
  double offset_ = 0.0;
  std::shared_ptr<const Lattice> lattice_;
  std::vector<Spin> frozen_;  // zealots: +1/-1 pinned, 0 free; empty = none
  // Set by on_lattice when every bond has one J and every site one h: energy() then sums
  // s_i s_j row by row over the lattice (vectorised) instead of walking the edge list.
  bool uniform_lattice_ = false;
  double J0_ = 0.0, h0_ = 0.0;
};

/// sum over the lattice's bonds of s_i s_j, for lattices without removed bonds (any boundary).
int64_t lattice_bond_sum(const Lattice& lattice, std::span<const Spin> s);

/// QUBO: E(x) = sum_{i<=j} Q_ij x_i x_j + offset, x in {0,1}. Diagonal terms have i == j.
struct Qubo {
  int32_t n = 0;
  std::vector<Edge> terms;  // i <= j, w = Q_ij
  double offset = 0.0;
  double value(std::span<const uint8_t> x) const;
};

/// MaxCut instance: cut(s) = sum_{<ij>} w_ij (1 - s_i s_j) / 2.
double cut_value(const Graph& g, std::span<const Spin> s);

/// Exact rewritings (x = (1 + s)/2). Energies agree to rounding for every configuration.
Qubo ising_to_qubo(const IsingModel& m);
IsingModel qubo_to_ising(const Qubo& q);
/// MaxCut -> Ising with E(s) = -cut(s) exactly (J = -w/2, offset = -W/2).
IsingModel maxcut_to_ising(const Graph& g);
/// Ising -> MaxCut. With fields, a ghost vertex N is added (coupled by -2h_i) and
/// E(s) = constant - cut(s, s_ghost = +1). Returns the graph and sets *constant.
Graph ising_to_maxcut(const IsingModel& m, double* constant);

/// Initial states.
std::vector<Spin> cold_state(int32_t n, Spin sign = 1);
class Rng;
std::vector<Spin> hot_state(int32_t n, Rng& rng);

}  // namespace spinlab
