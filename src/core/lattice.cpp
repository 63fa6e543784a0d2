// Lattice geometry, bonds, walls and the conversion to the generic graph.
#include "core/lattice.hpp"

#include <cmath>

#include "core/error.hpp"

namespace spinlab {

Lattice::Lattice(int dim, std::array<int32_t, 3> L, Boundary boundary, double J)
    : dim_(dim), L_(L), boundary_(boundary) {
  if (dim < 1 || dim > 3) throw InputError("lattice: dimension must be 1, 2 or 3");
  if (!std::isfinite(J)) throw InputError("lattice: coupling J must be finite");
  int64_t n = 1;
  for (int d = 0; d < 3; ++d) {
    if (d >= dim) {
      L_[d] = 1;
      continue;
    }
    if (L_[d] < 1) throw InputError("lattice: L must be at least 1");
    if (boundary == Boundary::Periodic && L_[d] < 2)
      throw InputError("lattice: a periodic lattice needs L >= 2 (L = 1 would bond a site to itself)");
    n *= L_[d];
    if (n > (int64_t{1} << 31) - 1)
      throw InputError("lattice: more than 2^31-1 sites; the generic path indexes sites with 32 bits");
  }
  n_ = n;
  J_.assign(static_cast<size_t>(n_) * dim_, J);
  present_.assign(static_cast<size_t>(n_) * dim_, 1);
  if (boundary == Boundary::Open) {
    for (int32_t s = 0; s < n_; ++s) {
      auto c = coords(s);
      for (int d = 0; d < dim_; ++d)
        if (c[d] == L_[d] - 1) {
          present_[static_cast<size_t>(s) * dim_ + d] = 0;
          J_[static_cast<size_t>(s) * dim_ + d] = 0.0;
        }
    }
  }
}

Lattice Lattice::chain(int32_t L, Boundary b, double J) { return Lattice(1, {L, 1, 1}, b, J); }
Lattice Lattice::square(int32_t L, Boundary b, double J) { return Lattice(2, {L, L, 1}, b, J); }
Lattice Lattice::cubic(int32_t L, Boundary b, double J) { return Lattice(3, {L, L, L}, b, J); }

std::string Lattice::describe() const {
  static const char* names[] = {"", "chain", "square", "cubic"};
  std::string s = names[dim_];
  s += " ";
  for (int d = 0; d < dim_; ++d) s += (d ? "x" : "") + std::to_string(L_[d]);
  s += boundary_ == Boundary::Periodic ? " periodic" : " open";
  return s;
}

int32_t Lattice::neighbor(int32_t s, int d, int sense) const {
  auto c = coords(s);
  int32_t v = c[d] + sense;
  if (v < 0 || v >= L_[d]) {
    if (boundary_ == Boundary::Open) return -1;
    v = (v + L_[d]) % L_[d];
  }
  c[d] = v;
  return site(c[0], c[1], c[2]);
}

void Lattice::set_bond(int32_t s, int d, double J) {
  if (s < 0 || s >= n_ || d < 0 || d >= dim_) throw InputError("lattice: bond index out of range");
  if (!std::isfinite(J)) throw InputError("lattice: coupling J must be finite");
  if (!has_bond(s, d)) throw InputError("lattice: bond does not exist (open edge or removed)");
  J_[static_cast<size_t>(s) * dim_ + d] = J;
}

std::vector<Lattice::BondRef> Lattice::possible_bonds() const {
  std::vector<BondRef> out;
  for (int32_t s = 0; s < n_; ++s)
    for (int d = 0; d < dim_; ++d)
      if (neighbor(s, d, +1) >= 0) out.push_back({s, d});
  return out;
}

std::vector<Lattice::BondRef> Lattice::removed_bonds() const {
  std::vector<BondRef> out;
  for (const BondRef& b : possible_bonds())
    if (!has_bond(b.site, b.dir)) out.push_back(b);
  return out;
}

void Lattice::remove_bond(int32_t s, int d) {
  if (s < 0 || s >= n_ || d < 0 || d >= dim_) throw InputError("lattice: bond index out of range");
  size_t k = static_cast<size_t>(s) * dim_ + d;
  if (!present_[k]) return;
  present_[k] = 0;
  J_[k] = 0.0;
  ++removed_;
}

void Lattice::add_wall(int axis, int32_t position, int range_axis, int32_t lo, int32_t hi) {
  if (axis < 0 || axis >= dim_) throw InputError("wall: axis outside the lattice dimension");
  if (range_axis >= 0) {
    if (range_axis >= dim_ || range_axis == axis)
      throw InputError("wall: the range must run along another axis of the lattice");
    if (lo < 0 || hi <= lo || hi > L_[range_axis])
      throw InputError("wall: range " + std::to_string(lo) + ":" + std::to_string(hi) + " is empty or outside 0.." +
                       std::to_string(L_[range_axis]));
  }
  if (position < 0 || position > L_[axis])
    throw InputError("wall: position " + std::to_string(position) + " outside 0.." +
                     std::to_string(L_[axis]));
  // The plane between position-1 and position; position 0 (or L) is the periodic seam.
  int32_t from = position == 0 ? L_[axis] - 1 : position - 1;
  if (position == 0 || position == L_[axis]) {
    if (boundary_ == Boundary::Open) return;  // nothing to remove: no bond crosses an open edge
    from = L_[axis] - 1;
  }
  for (int32_t s = 0; s < n_; ++s) {
    auto c = coords(s);
    if (c[axis] != from) continue;
    if (range_axis < 0 || (c[range_axis] >= lo && c[range_axis] < hi)) remove_bond(s, axis);
  }
}

bool Lattice::is_uniform(double* J) const {
  if (removed_ > 0) return false;
  bool first = true;
  double j0 = 0.0;
  for (size_t k = 0; k < J_.size(); ++k) {
    if (!present_[k]) continue;
    if (first) {
      j0 = J_[k];
      first = false;
    } else if (J_[k] != j0) {
      return false;
    }
  }
  if (J) *J = j0;
  return true;
}

Graph Lattice::to_graph() const {
  std::vector<Edge> edges;
  edges.reserve(J_.size());
  for (int32_t s = 0; s < n_; ++s)
    for (int d = 0; d < dim_; ++d)
      if (has_bond(s, d)) edges.push_back({s, neighbor(s, d, +1), bond(s, d)});
  return Graph::from_edges(static_cast<int32_t>(n_), edges);
}

}  // namespace spinlab
