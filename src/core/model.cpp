// IsingModel energies, the QUBO/MaxCut identities and initial states.
#include "core/model.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace spinlab {

IsingModel::IsingModel(Graph g, std::vector<double> h, double offset)
    : graph_(std::move(g)), h_(std::move(h)), offset_(offset) {
  if (h_.empty()) h_.assign(graph_.num_vertices(), 0.0);
  if (static_cast<int32_t>(h_.size()) != graph_.num_vertices())
    throw InputError("model: " + std::to_string(h_.size()) + " fields for " +
                     std::to_string(graph_.num_vertices()) + " spins");
  for (size_t i = 0; i < h_.size(); ++i)
    if (!std::isfinite(h_[i])) throw InputError("model: field h_" + std::to_string(i) + " is not finite");
  if (!std::isfinite(offset_)) throw InputError("model: offset is not finite");
}

IsingModel IsingModel::on_lattice(const Lattice& lattice, double h) {
  if (!std::isfinite(h)) throw InputError("model: field h is not finite");
  IsingModel m(lattice.to_graph(), std::vector<double>(lattice.num_sites(), h));
  m.lattice_ = std::make_shared<const Lattice>(lattice);
  double J = 0.0;
  // L = 2 periodic sides put two bonds between one pair: the graph merges them, the row sums
  // below count both, so either way is exact; the fast sum needs only "no removed bonds".
  if (lattice.is_uniform(&J)) {
    m.uniform_lattice_ = true;
    m.J0_ = J;
    m.h0_ = h;
  }
  return m;
}

IsingModel IsingModel::with_fields(std::vector<double> h) const {
  IsingModel m(graph_, std::move(h), offset_);
  m.frozen_ = frozen_;
  return m;
}

bool IsingModel::has_field() const {
  for (double x : h_)
    if (x != 0.0) return true;
  return false;
}

bool IsingModel::is_ferromagnetic() const {
  bool ferro = true;
  graph_.for_each_edge([&](int32_t, int32_t, double w) { ferro = ferro && w >= 0.0; });
  return ferro;
}

void IsingModel::set_frozen(std::vector<Spin> frozen) {
  if (!frozen.empty() && static_cast<int32_t>(frozen.size()) != size())
    throw InputError("zealots: " + std::to_string(frozen.size()) + " entries for " + std::to_string(size()) + " spins");
  for (Spin v : frozen)
    if (v != 0 && v != 1 && v != -1) throw InputError("zealots: a pinned value must be +1, -1 or 0 (free)");
  bool any = false;
  for (Spin v : frozen) any = any || v != 0;
  frozen_ = any ? std::move(frozen) : std::vector<Spin>{};
}

bool IsingModel::is_uniform(double* J, double* h) const {
  if (graph_.is_dense()) return false;  // the lookup-table paths walk CSR neighbour sums
  auto es = graph_.edges();
  double j0 = es.empty() ? 0.0 : es[0].w;
  for (const Edge& e : es)
    if (e.w != j0) return false;
  double h0 = h_.empty() ? 0.0 : h_[0];
  for (double x : h_)
    if (x != h0) return false;
  if (J) *J = j0;
  if (h) *h = h0;
  return true;
}

int64_t lattice_bond_sum(const Lattice& lat, std::span<const Spin> s) {
  const int32_t L0 = lat.extent(0), L1 = lat.extent(1), L2 = lat.extent(2);
  const bool periodic = lat.boundary() == Boundary::Periodic;
  const int dim = lat.dim();
  int64_t total = 0;
  auto dot = [](const Spin* a, const Spin* b, int32_t n) {
    int32_t acc = 0;  // |acc| <= n < 2^31
    for (int32_t x = 0; x < n; ++x) acc += a[x] * b[x];
    return static_cast<int64_t>(acc);
  };
  for (int32_t z = 0; z < L2; ++z)
    for (int32_t y = 0; y < L1; ++y) {
      const Spin* r = s.data() + static_cast<int64_t>(L0) * (y + static_cast<int64_t>(L1) * z);
      total += dot(r, r + 1, L0 - 1);
      if (periodic) total += r[L0 - 1] * r[0];
      if (dim >= 2 && (periodic || y + 1 < L1)) {
        const int32_t y2 = y + 1 < L1 ? y + 1 : 0;
        total += dot(r, s.data() + static_cast<int64_t>(L0) * (y2 + static_cast<int64_t>(L1) * z), L0);
      }
      if (dim >= 3 && (periodic || z + 1 < L2)) {
        const int32_t z2 = z + 1 < L2 ? z + 1 : 0;
        total += dot(r, s.data() + static_cast<int64_t>(L0) * (y + static_cast<int64_t>(L1) * z2), L0);
      }
    }
  return total;
}

double IsingModel::energy(std::span<const Spin> s) const {
  if (uniform_lattice_)
    return offset_ - J0_ * static_cast<double>(lattice_bond_sum(*lattice_, s)) -
           h0_ * static_cast<double>(magnetization(s));
  double e = offset_;
  if (graph_.is_dense()) {  // E = -1/2 sum_i s_i (J s)_i: rows vectorise, no branch on zeros
    const CouplingRows<double> rows(graph_, graph_.weights().data());
    double pair = 0.0;
    for (int32_t i = 0; i < size(); ++i) pair += s[i] * rows.dot(i, s.data());
    e -= 0.5 * pair;
  } else {
    for (const Edge& ed : graph_.edges()) e -= ed.w * s[ed.i] * s[ed.j];
  }
  for (int32_t i = 0; i < size(); ++i) e -= h_[i] * s[i];
  return e;
}

int64_t IsingModel::magnetization(std::span<const Spin> s) {
  // int32 partial sums over chunks vectorise well; chunks keep them far from overflow.
  int64_t m = 0;
  constexpr size_t kChunk = size_t{1} << 24;
  for (size_t start = 0; start < s.size(); start += kChunk) {
    const size_t end = std::min(s.size(), start + kChunk);
    int32_t part = 0;
    for (size_t i = start; i < end; ++i) part += s[i];
    m += part;
  }
  return m;
}

double Qubo::value(std::span<const uint8_t> x) const {
  double v = offset;
  for (const Edge& t : terms) v += t.w * x[t.i] * x[t.j];
  return v;
}

double cut_value(const Graph& g, std::span<const Spin> s) {
  double c = 0.0;
  g.for_each_edge([&](int32_t i, int32_t j, double w) {
    if (s[i] != s[j]) c += w;
  });
  return c;
}

Qubo ising_to_qubo(const IsingModel& m) {
  // s = 2x - 1:  -J s_i s_j = -4J x_i x_j + 2J x_i + 2J x_j - J;   -h s = -2h x + h.
  Qubo q;
  q.n = m.size();
  q.offset = m.offset();
  std::vector<double> diag(q.n, 0.0);
  m.graph().for_each_edge([&](int32_t i, int32_t j, double w) {
    q.terms.push_back({i, j, -4.0 * w});
    diag[i] += 2.0 * w;
    diag[j] += 2.0 * w;
    q.offset -= w;
  });
  for (int32_t i = 0; i < q.n; ++i) {
    diag[i] -= 2.0 * m.field(i);
    q.offset += m.field(i);
    if (diag[i] != 0.0) q.terms.push_back({i, i, diag[i]});
  }
  return q;
}

IsingModel qubo_to_ising(const Qubo& q) {
  // x = (1 + s)/2:  Q x_i x_j = Q/4 (1 + s_i + s_j + s_i s_j);  Q x_i = Q/2 (1 + s_i).
  std::vector<double> h(q.n, 0.0);
  std::vector<Edge> edges;
  double offset = q.offset;
  for (const Edge& t : q.terms) {
    if (!std::isfinite(t.w)) throw InputError("qubo: non-finite coefficient");
    if (t.i < 0 || t.j < 0 || t.i >= q.n || t.j >= q.n) throw InputError("qubo: index out of range");
    if (t.i == t.j) {
      h[t.i] -= t.w / 2.0;
      offset += t.w / 2.0;
    } else {
      edges.push_back({t.i, t.j, -t.w / 4.0});
      h[t.i] -= t.w / 4.0;
      h[t.j] -= t.w / 4.0;
      offset += t.w / 4.0;
    }
  }
  return IsingModel(Graph::from_edges(q.n, edges), std::move(h), offset);
}

IsingModel maxcut_to_ising(const Graph& g) {
  std::vector<Edge> edges;
  double W = 0.0;
  g.for_each_edge([&](int32_t i, int32_t j, double w) {
    edges.push_back({i, j, -w / 2.0});
    W += w;
  });
  return IsingModel(Graph::from_edges(g.num_vertices(), edges), {}, -W / 2.0);
}

Graph ising_to_maxcut(const IsingModel& m, double* constant) {
  // E = -sum J s s - sum h s s_g + offset with s_g = +1; w = -2J gives
  // -J s_i s_j = (w/2) s_i s_j = w/2 - w [s_i != s_j], so E = offset + W/2 - cut.
  int32_t n = m.size();
  bool field = m.has_field();
  std::vector<Edge> edges;
  double W = 0.0;
  m.graph().for_each_edge([&](int32_t i, int32_t j, double w) {
    edges.push_back({i, j, -2.0 * w});
    W += -2.0 * w;
  });
  if (field)
    for (int32_t i = 0; i < n; ++i)
      if (m.field(i) != 0.0) {
        edges.push_back({i, n, -2.0 * m.field(i)});
        W += -2.0 * m.field(i);
      }
  *constant = m.offset() + W / 2.0;
  return Graph::from_edges(field ? n + 1 : n, edges);
}

std::vector<Spin> cold_state(int32_t n, Spin sign) { return std::vector<Spin>(n, sign >= 0 ? 1 : -1); }

std::vector<Spin> hot_state(int32_t n, Rng& rng) {
  std::vector<Spin> s(n);
  for (int32_t i = 0; i < n; ++i) s[i] = (rng.next_u32() & 1u) ? 1 : -1;
  return s;
}

}  // namespace spinlab
