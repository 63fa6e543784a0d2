// Spin-glass generators (SK, EA, random regular) with counter-based Philox disorder.
#include "core/spin_glass.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace spinlab {

std::string disorder_name(Disorder d) { return d == Disorder::Gaussian ? "gaussian" : "pm1"; }

Disorder parse_disorder(const std::string& name) {
  if (name == "gaussian" || name == "normal") return Disorder::Gaussian;
  if (name == "pm1" || name == "bimodal" || name == "+-1" || name == "binary")
    return Disorder::PlusMinusOne;
  throw InputError("disorder: unknown distribution '" + name + "' (gaussian or pm1)");
}

double disorder_value(Disorder d, uint64_t seed, uint64_t stream, uint64_t k) {
  Rng rng(seed, stream, k);
  if (d == Disorder::PlusMinusOne) return (rng.next_u32() >> 31) ? 1.0 : -1.0;
  // Box-Muller: 1 - u1 lies in (0, 1], so the logarithm is finite; one block = two uniform53.
  const double u1 = rng.uniform53(), u2 = rng.uniform53();
  return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

IsingModel sherrington_kirkpatrick(int32_t n, Disorder d, uint64_t disorder_seed) {
  if (n < 2 || n > 40000)
    throw InputError("sherrington-kirkpatrick: n must be in 2 .. 40000 (the n x n coupling matrix takes 8 n^2 bytes), got " +
                     std::to_string(n));
  // Dense storage: 8 n^2 bytes, against ~36 n^2 at peak for the complete graph as an edge list
  // plus CSR; kernels sweep contiguous rows. Coupling (i < j) still comes from Philox block
  // k = j (j - 1) / 2 + i, so the instance is the same as before the storage changed.
  const double scale = 1.0 / std::sqrt(static_cast<double>(n));
  const size_t nn = static_cast<size_t>(n);
  std::vector<double> J(nn * nn, 0.0);
  // Rows j are dealt to threads round-robin; each coupling is keyed by k alone, so the matrix
  // does not depend on the thread count (n = 20000: 2 10^8 Gaussian draws).
  const int nt = n < 512 ? 1 : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 64u));
  auto fill = [&](int t) {
    for (int32_t j = 1 + t; j < n; j += nt)
      for (int32_t i = 0; i < j; ++i) {
        const uint64_t k = static_cast<uint64_t>(j) * (j - 1) / 2 + i;
        J[j * nn + i] = scale * disorder_value(d, disorder_seed, kStreamSk, k);  // lower triangle, row by row
      }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < nt; ++t) pool.emplace_back(fill, t);
  fill(0);
  for (auto& th : pool) th.join();
  // Mirror to the upper triangle in 64 x 64 tiles (a plain column walk misses the cache).
  constexpr int32_t B = 64;
  for (int32_t jb = 0; jb < n; jb += B)
    for (int32_t ib = 0; ib <= jb; ib += B)
      for (int32_t j = jb; j < std::min(n, jb + B); ++j)
        for (int32_t i = ib; i < std::min(j, ib + B); ++i) J[i * nn + j] = J[j * nn + i];
  return IsingModel(Graph::dense(n, std::move(J)));
}

IsingModel edwards_anderson(int dim, int32_t L, Disorder d, uint64_t disorder_seed, Boundary b) {
  if (dim < 1 || dim > 3) throw InputError("edwards-anderson: dimension must be 1, 2 or 3");
  if (L < 1) throw InputError("edwards-anderson: L must be at least 1");
  Lattice lat(dim, {L, L, L}, b);  // validates L (periodic needs L >= 2) and the site count
  const int64_t n = lat.num_sites();
  for (int64_t s = 0; s < n; ++s)
    for (int dir = 0; dir < dim; ++dir)
      if (lat.has_bond(static_cast<int32_t>(s), dir))
        lat.set_bond(
            static_cast<int32_t>(s), dir,
            disorder_value(d, disorder_seed, kStreamEa, static_cast<uint64_t>(s) * dim + dir));
  return IsingModel::on_lattice(lat);
}

namespace {

// Adjacency of a graph under construction: at most `degree` neighbours per vertex in one flat
// array (degrees are small, so a linear scan beats hashing).
class RegularBuilder {
 public:
  RegularBuilder(int32_t n, int degree)
      : degree_(degree), count_(n, 0), adj_(static_cast<size_t>(n) * degree) {}
  void clear() { std::fill(count_.begin(), count_.end(), 0); }
  bool adjacent(int32_t u, int32_t v) const {
    const int32_t* a = &adj_[static_cast<size_t>(u) * degree_];
    return std::find(a, a + count_[u], v) != a + count_[u];
  }
  void add(int32_t u, int32_t v) {
    adj_[static_cast<size_t>(u) * degree_ + count_[u]++] = v;
    adj_[static_cast<size_t>(v) * degree_ + count_[v]++] = u;
  }
  std::vector<Edge> edges() const {
    std::vector<Edge> e;
    for (int32_t u = 0; u < static_cast<int32_t>(count_.size()); ++u)
      for (int32_t k = 0; k < count_[u]; ++k) {
        const int32_t v = adj_[static_cast<size_t>(u) * degree_ + k];
        if (u < v) e.push_back({u, v, 0.0});
      }
    std::sort(e.begin(), e.end(),
              [](const Edge& a, const Edge& b) { return a.i != b.i ? a.i < b.i : a.j < b.j; });
    return e;
  }

 private:
  int degree_;
  std::vector<int32_t> count_;
  std::vector<int32_t> adj_;
};

void shuffle(std::vector<int32_t>& v, Rng& rng) {  // Fisher-Yates, unbiased via Rng::below
  for (size_t k = v.size(); k > 1; --k) std::swap(v[k - 1], v[rng.below(static_cast<uint32_t>(k))]);
}

// Some pair of distinct, non-adjacent vertices among the leftover stubs exists (else the attempt
// is stuck and must restart).
bool admissible_pair_left(std::vector<int32_t> stubs, const RegularBuilder& g) {
  std::sort(stubs.begin(), stubs.end());
  stubs.erase(std::unique(stubs.begin(), stubs.end()), stubs.end());
  for (size_t a = 0; a < stubs.size(); ++a)
    for (size_t b = a + 1; b < stubs.size(); ++b)
      if (!g.adjacent(stubs[a], stubs[b])) return true;
  return false;
}

}  // namespace

IsingModel random_regular(int32_t n, int degree, Disorder d, uint64_t disorder_seed) {
  if (n < 2) throw InputError("random-regular: n must be at least 2, got " + std::to_string(n));
  if (degree < 1 || degree >= n)
    throw InputError("random-regular: degree must be in 1 .. n-1 = " + std::to_string(n - 1) +
                     ", got " + std::to_string(degree));
  const int64_t num_stubs = static_cast<int64_t>(n) * degree;
  if (num_stubs % 2 != 0)
    throw InputError("random-regular: n * degree = " + std::to_string(num_stubs) +
                     " is odd, so no degree-regular graph exists");
  if (num_stubs >= (int64_t{1} << 31))
    throw InputError("random-regular: n * degree must be below 2^31");

  constexpr int kMaxAttempts = 1000;
  Rng rng(disorder_seed, kStreamRrgGraph);
  RegularBuilder g(n, degree);
  std::vector<int32_t> stubs, left;
  bool done = false;
  for (int attempt = 0; attempt < kMaxAttempts && !done; ++attempt) {
    g.clear();
    stubs.resize(static_cast<size_t>(num_stubs));
    for (int64_t k = 0; k < num_stubs; ++k) stubs[k] = static_cast<int32_t>(k / degree);
    // Each round pairs the remaining stubs at random and keeps the admissible pairs. A round
    // that keeps nothing is possible but rare; the cap only guards against pathological loops.
    for (int round = 0; round < 100000; ++round) {
      shuffle(stubs, rng);
      left.clear();
      for (size_t k = 0; k + 1 < stubs.size(); k += 2) {
        const int32_t u = stubs[k], v = stubs[k + 1];
        if (u != v && !g.adjacent(u, v)) {
          g.add(u, v);
        } else {
          left.push_back(u);
          left.push_back(v);
        }
      }
      if (left.empty()) {
        done = true;
        break;
      }
      if (!admissible_pair_left(left, g)) break;
      stubs.swap(left);
    }
  }
  if (!done)
    throw InputError("random-regular: no simple " + std::to_string(degree) + "-regular graph on " +
                     std::to_string(n) + " vertices found in " + std::to_string(kMaxAttempts) +
                     " attempts (degree too close to n?)");
  std::vector<Edge> edges = g.edges();
  for (size_t k = 0; k < edges.size(); ++k)
    edges[k].w = disorder_value(d, disorder_seed, kStreamRrgCoupling, k);
  return IsingModel(Graph::from_edges(n, edges));
}

}  // namespace spinlab
