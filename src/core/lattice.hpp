// Hypercubic lattices (chain, square, simple cubic) with per-bond couplings and removable bonds.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.hpp"

namespace spinlab {

enum class Boundary { Periodic, Open };

/// A D-dimensional box L[0] x L[1] x L[2] (unused dimensions have L = 1). Site index
/// s = x + L0*(y + L1*z). Bond (s, d) joins s to its +d neighbour; it exists unless the boundary
/// is open at the edge or the bond was removed (a "wall"). Every bond carries its own J.
class Lattice {
 public:
  Lattice() = default;
  Lattice(int dim, std::array<int32_t, 3> L, Boundary boundary, double J = 1.0);
  static Lattice chain(int32_t L, Boundary b = Boundary::Periodic, double J = 1.0);
  static Lattice square(int32_t L, Boundary b = Boundary::Periodic, double J = 1.0);
  static Lattice cubic(int32_t L, Boundary b = Boundary::Periodic, double J = 1.0);

  int dim() const { return dim_; }
  int32_t extent(int d) const { return L_[d]; }
  int64_t num_sites() const { return n_; }
  Boundary boundary() const { return boundary_; }
  std::string describe() const;

  int32_t site(int32_t x, int32_t y = 0, int32_t z = 0) const {
    return x + L_[0] * (y + L_[1] * z);
  }
  std::array<int32_t, 3> coords(int32_t s) const {
    return {s % L_[0], (s / L_[0]) % L_[1], s / (L_[0] * L_[1])};
  }
  /// Neighbour of s one step along direction d in sense +1 or -1; -1 when there is none (open edge).
  int32_t neighbor(int32_t s, int d, int sense) const;

  bool has_bond(int32_t s, int d) const { return present_[static_cast<size_t>(s) * dim_ + d] != 0; }
  double bond(int32_t s, int d) const { return J_[static_cast<size_t>(s) * dim_ + d]; }
  void set_bond(int32_t s, int d, double J);
  void remove_bond(int32_t s, int d);
  /// Removes the bonds crossing the plane between coordinate position-1 and position along
  /// `axis` (position 0 or L: the periodic seam). range_axis < 0: the whole plane; otherwise only
  /// where coordinate range_axis lies in [lo, hi) (e.g. x=40 for rows 0 <= y < 53).
  void add_wall(int axis, int32_t position, int range_axis = -1, int32_t lo = 0, int32_t hi = 0);

  /// True when every existing bond has the same J (returned in *J) and no bond was removed:
  /// the condition for the fast uniform-lattice paths.
  bool is_uniform(double* J) const;
  int64_t num_removed_bonds() const { return removed_; }
  /// A bond of the full lattice (s and its +d neighbour).
  struct BondRef {
    int32_t site = 0;
    int dir = 0;
  };
  /// The bonds removed by walls (not the open edges), in (site, direction) order.
  std::vector<BondRef> removed_bonds() const;
  /// Every bond the boundary allows (removed or not), in (site, direction) order.
  std::vector<BondRef> possible_bonds() const;

  Graph to_graph() const;

 private:
  int dim_ = 0;
  std::array<int32_t, 3> L_{1, 1, 1};
  int64_t n_ = 0;
  Boundary boundary_ = Boundary::Periodic;
  std::vector<double> J_;
  std::vector<uint8_t> present_;
  int64_t removed_ = 0;
};

}  // namespace spinlab
