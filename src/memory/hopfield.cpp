// Hopfield storage rules, the blocked field kernel and the T = 0 / heat-bath dynamics.
#include "memory/hopfield.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "core/error.hpp"

namespace spinlab {
namespace {

// GCC vector extensions: one AVX-512 register where available, two AVX2 halves otherwise.
typedef double v8d __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));

inline v8d load_w8(const float* p) {
  v8f f;
  std::memcpy(&f, p, sizeof f);
  return __builtin_convertvector(f, v8d);
}
inline v8d load_d8(const double* p) {
  v8d d;
  std::memcpy(&d, p, sizeof d);
  return d;
}
inline void store_d8(double* p, v8d d) { std::memcpy(p, &d, sizeof d); }

// H[b][i0 .. i0+32) += sum_{j in [j0, j1)} S[b][j] w[j][i0 .. i0+32) for NB states b0 .. b0+NB-1:
// NB x 4 accumulators stay in registers while the w tile streams from L1/L2.
template <int NB>
void field_tile(const float* w, int32_t n, const float* S, double* H, int32_t b0, int32_t i0, int32_t j0,
                int32_t j1) {
  v8d acc[NB][4];
  for (int b = 0; b < NB; ++b)
    for (int c = 0; c < 4; ++c) acc[b][c] = load_d8(H + static_cast<size_t>(b0 + b) * n + i0 + 8 * c);
  for (int32_t j = j0; j < j1; ++j) {
    const float* wj = w + static_cast<size_t>(j) * n + i0;
    const v8d w0 = load_w8(wj), w1 = load_w8(wj + 8), w2 = load_w8(wj + 16), w3 = load_w8(wj + 24);
    for (int b = 0; b < NB; ++b) {
      const double sb = S[static_cast<size_t>(b0 + b) * n + j];
      acc[b][0] += sb * w0;
      acc[b][1] += sb * w1;
      acc[b][2] += sb * w2;
      acc[b][3] += sb * w3;
    }
  }
  for (int b = 0; b < NB; ++b)
    for (int c = 0; c < 4; ++c) store_d8(H + static_cast<size_t>(b0 + b) * n + i0 + 8 * c, acc[b][c]);
}

typedef float v16f __attribute__((vector_size(64)));
inline v16f load_f16(const float* p) {
  v16f f;
  std::memcpy(&f, p, sizeof f);
  return f;
}
inline void store_f16(float* p, v16f f) { std::memcpy(p, &f, sizeof f); }

// The float version of field_tile: NB x 2 accumulators of 16 lanes.
template <int NB>
void field_tile_f(const float* w, int32_t n, const float* S, float* H, int32_t b0, int32_t i0, int32_t j0,
                  int32_t j1) {
  v16f acc[NB][2];
  for (int b = 0; b < NB; ++b)
    for (int c = 0; c < 2; ++c) acc[b][c] = load_f16(H + static_cast<size_t>(b0 + b) * n + i0 + 16 * c);
  for (int32_t j = j0; j < j1; ++j) {
    const float* wj = w + static_cast<size_t>(j) * n + i0;
    const v16f w0 = load_f16(wj), w1 = load_f16(wj + 16);
    for (int b = 0; b < NB; ++b) {
      const float sb = S[static_cast<size_t>(b0 + b) * n + j];
      acc[b][0] += sb * w0;
      acc[b][1] += sb * w1;
    }
  }
  for (int b = 0; b < NB; ++b)
    for (int c = 0; c < 2; ++c) store_f16(H + static_cast<size_t>(b0 + b) * n + i0 + 16 * c, acc[b][c]);
}

// H = S w in tiles (w symmetric: H[b][i] = sum_j S[b][j] w[j][i], w read row-wise, 32 columns
// at a time, 256 rows per tile so the tile stays in L1/L2 while every state streams over it).
template <typename F, typename Tile4, typename Tile1>
void fields_batch_impl(const float* w, int32_t n, const float* S, int32_t B, F* H, Tile4 tile4, Tile1 tile1) {
  std::fill(H, H + static_cast<size_t>(B) * n, F(0));
  constexpr int32_t TI = 32, TJ = 256;
  const int32_t n_full = n - n % TI;
  for (int32_t i0 = 0; i0 < n_full; i0 += TI)
    for (int32_t j0 = 0; j0 < n; j0 += TJ) {
      const int32_t j1 = std::min(n, j0 + TJ);
      int32_t b = 0;
      for (; b + 4 <= B; b += 4) tile4(w, n, S, H, b, i0, j0, j1);
      for (; b < B; ++b) tile1(w, n, S, H, b, i0, j0, j1);
    }
  for (int32_t i = n_full; i < n; ++i)  // the last n % 32 columns
    for (int32_t b = 0; b < B; ++b) {
      F acc = 0;
      const float* wi = w + static_cast<size_t>(i) * n;
      const float* sb = S + static_cast<size_t>(b) * n;
      for (int32_t j = 0; j < n; ++j) acc += static_cast<F>(wi[j]) * sb[j];
      H[static_cast<size_t>(b) * n + i] = acc;
    }
}

template <typename F>
void apply_flip_impl(const float* wi, int32_t n, Spin s_new, F* h) {
  const F d = F(2) * s_new;
  for (int32_t j = 0; j < n; ++j) h[j] += d * static_cast<F>(wi[j]);
}

}  // namespace

Patterns random_patterns(int32_t n, int32_t p, double bias, uint64_t seed, uint64_t stream) {
  if (n < 1) throw InputError("patterns: N must be >= 1");
  if (p < 0) throw InputError("patterns: P must be >= 0");
  if (!(bias > -1.0 && bias < 1.0)) throw InputError("patterns: the bias (mean) must lie in (-1, 1)");
  Patterns out;
  out.n = n;
  out.p = p;
  out.xi.resize(static_cast<size_t>(n) * static_cast<size_t>(p));
  const uint64_t thr = acceptance_threshold(0.5 * (1.0 + bias));
  Rng rng(seed, stream);
  for (Spin& x : out.xi) x = accept_u32(rng.next_u32(), thr) ? 1 : -1;
  return out;
}

StorageRule parse_storage_rule(const std::string& name) {
  if (name == "hebb") return StorageRule::Hebb;
  if (name == "storkey") return StorageRule::Storkey;
  if (name == "pinv") return StorageRule::PseudoInverse;
  throw InputError("--rule: expected hebb, storkey or pinv, got '" + name + "'");
}

std::string storage_rule_name(StorageRule rule) {
  switch (rule) {
    case StorageRule::Hebb: return "hebb";
    case StorageRule::Storkey: return "storkey";
    case StorageRule::PseudoInverse: return "pinv";
  }
  return "?";
}

HopfieldNetwork::HopfieldNetwork(int32_t n, StorageRule rule) : n_(n), rule_(rule) {
  if (n < 1 || n > (1 << 20)) throw InputError("Hopfield network: N must lie in [1, 1048576], got " + std::to_string(n));
  // Hebb keeps w = N J (integers, exact in float up to 2^24 patterns); the others keep J itself.
  scale_ = rule == StorageRule::Hebb ? 1.0 / n : 1.0;
  const size_t nn = static_cast<size_t>(n) * static_cast<size_t>(n);
  w_.assign(nn, 0.0f);
  if (rule == StorageRule::PseudoInverse) proj_.assign(nn, 0.0);
  theta_.assign(static_cast<size_t>(n), 0.0);
  theta_over_scale_.assign(static_cast<size_t>(n), 0.0);
}

void HopfieldNetwork::set_thresholds(std::span<const double> theta) {
  if (static_cast<int32_t>(theta.size()) != n_) throw InputError("thresholds: expected one per neuron");
  for (size_t i = 0; i < theta.size(); ++i) {
    if (!std::isfinite(theta[i])) throw InputError("thresholds: every threshold must be finite");
    theta_[i] = theta[i];
    theta_over_scale_[i] = theta[i] / scale_;
  }
}

void HopfieldNetwork::store(const Patterns& pats, int32_t first, int32_t count) {
  if (pats.n != n_) throw InputError("store: patterns have " + std::to_string(pats.n) + " neurons, the network " + std::to_string(n_));
  if (first < 0 || count < 0 || first + count > pats.p) throw InputError("store: pattern range out of bounds");
  if (count == 0) return;
  switch (rule_) {
    case StorageRule::Hebb: store_hebb(pats, first, count); break;
    case StorageRule::Storkey:
      for (int32_t mu = first; mu < first + count; ++mu) store_storkey(pats.row(mu));
      break;
    case StorageRule::PseudoInverse:
      for (int32_t mu = first; mu < first + count; ++mu) store_pinv(pats.row(mu));
      for (size_t k = 0; k < w_.size(); ++k) w_[k] = static_cast<float>(proj_[k]);
      for (int32_t i = 0; i < n_; ++i) w_[static_cast<size_t>(i) * n_ + i] = 0.0f;
      break;
  }
  stored_ += count;
}

// w_ij += sum_b xi_i^b xi_j^b for j > i, four patterns per pass over a row (the row stays in L1),
// then the lower triangle mirrored. Integer-valued, so the order of additions does not matter.
void HopfieldNetwork::store_hebb(const Patterns& pats, int32_t first, int32_t count) {
  const size_t n = static_cast<size_t>(n_);
  std::vector<float> x(static_cast<size_t>(count) * n);
  for (int32_t b = 0; b < count; ++b) {
    const auto r = pats.row(first + b);
    for (size_t j = 0; j < n; ++j) x[b * n + j] = r[j];
  }
  for (size_t i = 0; i + 1 < n; ++i) {
    float* wi = w_.data() + i * n;
    int32_t b = 0;
    for (; b + 4 <= count; b += 4) {
      const float *x0 = &x[b * n], *x1 = x0 + n, *x2 = x1 + n, *x3 = x2 + n;
      const float c0 = x0[i], c1 = x1[i], c2 = x2[i], c3 = x3[i];
      for (size_t j = i + 1; j < n; ++j) wi[j] += (c0 * x0[j] + c1 * x1[j]) + (c2 * x2[j] + c3 * x3[j]);
    }
    for (; b < count; ++b) {
      const float* x0 = &x[b * n];
      const float c0 = x0[i];
      for (size_t j = i + 1; j < n; ++j) wi[j] += c0 * x0[j];
    }
  }
  symmetrize();
}

// Storkey (1997) with h_ij = h_i - w_ij xi_j and h_ji = h_j - w_ij xi_i (zero diagonal):
// Delta w_ij = (1/N) [xi_i xi_j - xi_i h_j - h_i xi_j + 2 w_ij]. The bracket is symmetric in
// (i, j) bit for bit (products with +-1 are exact, a + b = b + a), so w stays symmetric.
void HopfieldNetwork::store_storkey(std::span<const Spin> xi) {
  const size_t n = static_cast<size_t>(n_);
  std::vector<double> h(n);
  const std::vector<float> xf(xi.begin(), xi.end());
  fields_batch(xf.data(), 1, h.data());  // the blocked kernel: vectorised, unlike a scalar dot
  const double inv_n = 1.0 / static_cast<double>(n_);
  std::vector<double> xd(xi.begin(), xi.end());
  for (size_t i = 0; i < n; ++i) {
    float* wi = w_.data() + i * n;
    const double a = xd[i], hi = h[i];
    for (size_t j = 0; j < n; ++j) {
      const double wij = wi[j];
      const double t = (a * xd[j] + 2.0 * wij) - (a * h[j] + hi * xd[j]);
      wi[j] = static_cast<float>(wij + inv_n * t);
    }
    wi[i] = 0.0f;
  }
}

// Projector update Pi += r r^T / |r|^2 with r = xi - Pi xi, projected twice ("twice is enough":
// Giraud, Langou & Rozloznik 2005) so r stays orthogonal to the span in double precision.
void HopfieldNetwork::store_pinv(std::span<const Spin> xi) {
  const size_t n = static_cast<size_t>(n_);
  std::vector<double> r(xi.begin(), xi.end()), pr(n);
  for (int pass = 0; pass < 2; ++pass) {
    // pr = Pi r: Pi is symmetric, so accumulate rows scaled by r_j (vectorises, no reduction).
    std::fill(pr.begin(), pr.end(), 0.0);
    for (size_t j = 0; j < n; ++j) {
      const double* pj = proj_.data() + j * n;
      const double rj = r[j];
      for (size_t i = 0; i < n; ++i) pr[i] += rj * pj[i];
    }
    for (size_t i = 0; i < n; ++i) r[i] -= pr[i];
  }
  double nr = 0;
  for (double v : r) nr += v * v;
  // |xi|^2 = N; a residual below 1e-9 N is numerically in the span: already a fixed point.
  if (!(nr > 1e-9 * static_cast<double>(n_))) return;
  const double inv = 1.0 / nr;
  for (size_t i = 0; i < n; ++i) {
    double* pi = proj_.data() + i * n;
    const double ri = r[i];
    for (size_t j = 0; j < n; ++j) pi[j] += (ri * r[j]) * inv;
  }
}

// Copies the upper triangle onto the lower one, in 64 x 64 blocks (cache-friendly transpose).
void HopfieldNetwork::symmetrize() {
  const size_t n = static_cast<size_t>(n_), B = 64;
  for (size_t i0 = 0; i0 < n; i0 += B)
    for (size_t j0 = i0; j0 < n; j0 += B)
      for (size_t i = i0; i < std::min(n, i0 + B); ++i)
        for (size_t j = std::max(j0, i + 1); j < std::min(n, j0 + B); ++j) w_[j * n + i] = w_[i * n + j];
  for (size_t i = 0; i < n; ++i) w_[i * n + i] = 0.0f;
}

double HopfieldNetwork::energy(std::span<const Spin> s) const {
  const size_t n = static_cast<size_t>(n_);
  double pair = 0, field = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* wi = w_.data() + i * n;
    double acc = 0;
    for (size_t j = 0; j < n; ++j) acc += static_cast<double>(wi[j]) * s[j];
    pair += acc * s[i];
    field += theta_[i] * s[i];
  }
  return -0.5 * scale_ * pair + field;
}

void HopfieldNetwork::fields(std::span<const Spin> s, std::span<double> h) const {
  const size_t n = static_cast<size_t>(n_);
  for (size_t i = 0; i < n; ++i) {
    const float* wi = w_.data() + i * n;
    double acc = 0;
    for (size_t j = 0; j < n; ++j) acc += static_cast<double>(wi[j]) * s[j];
    h[i] = acc;
  }
}

void HopfieldNetwork::fields_batch(const float* S, int32_t B, double* H) const {
  fields_batch_impl(w_.data(), n_, S, B, H, field_tile<4>, field_tile<1>);
}

void HopfieldNetwork::fields_batch(const float* S, int32_t B, float* H) const {
  fields_batch_impl(w_.data(), n_, S, B, H, field_tile_f<4>, field_tile_f<1>);
}

void HopfieldNetwork::apply_flip(int32_t i, Spin s_new, std::span<double> h) const {
  apply_flip_impl(w_.data() + static_cast<size_t>(i) * static_cast<size_t>(n_), n_, s_new, h.data());
}

void HopfieldNetwork::apply_flip(int32_t i, Spin s_new, std::span<float> h) const {
  apply_flip_impl(w_.data() + static_cast<size_t>(i) * static_cast<size_t>(n_), n_, s_new, h.data());
}

void random_permutation(std::span<int32_t> order, Rng& rng) {
  const auto n = static_cast<uint32_t>(order.size());
  std::iota(order.begin(), order.end(), 0);
  for (uint32_t k = n; k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
}

template <typename F>
RelaxStats HopfieldNetwork::relax_async_impl(std::span<Spin> s, std::span<F> h, Rng& rng, int64_t max_sweeps) const {
  RelaxStats st;
  std::vector<int32_t> order(static_cast<size_t>(n_));
  for (int64_t sweep = 1; sweep <= max_sweeps; ++sweep) {
    random_permutation(order, rng);
    int64_t flips = 0;
    for (int32_t i : order) {
      const int d = decision(i, h[i]);
      if (d != 0 && d != s[i]) {
        s[i] = static_cast<Spin>(d);
        apply_flip(i, s[i], h);
        ++flips;
      }
    }
    st.sweeps = sweep;
    st.flips += flips;
    if (flips == 0) {
      st.converged = true;
      break;
    }
  }
  return st;
}

RelaxStats HopfieldNetwork::relax_async(std::span<Spin> s, std::span<double> h, Rng& rng, int64_t max_sweeps) const {
  return relax_async_impl(s, h, rng, max_sweeps);
}

RelaxStats HopfieldNetwork::relax_async(std::span<Spin> s, std::span<float> h, Rng& rng, int64_t max_sweeps) const {
  return relax_async_impl(s, h, rng, max_sweeps);
}

RelaxStats HopfieldNetwork::relax_sync(std::span<Spin> s, std::span<double> h, int64_t max_sweeps) const {
  RelaxStats st;
  const size_t n = static_cast<size_t>(n_);
  std::vector<Spin> prev(s.begin(), s.end()), next(n);
  std::vector<int32_t> changed;
  for (int64_t t = 1; t <= max_sweeps; ++t) {
    changed.clear();
    for (size_t i = 0; i < n; ++i) {
      const int d = decision(static_cast<int32_t>(i), h[i]);
      next[i] = d == 0 ? s[i] : static_cast<Spin>(d);
      if (next[i] != s[i]) changed.push_back(static_cast<int32_t>(i));
    }
    st.sweeps = t;
    if (changed.empty()) {
      st.converged = true;
      return st;
    }
    const bool cycle = t > 1 && std::equal(next.begin(), next.end(), prev.begin());
    std::copy(s.begin(), s.end(), prev.begin());
    for (int32_t i : changed) {
      s[i] = next[i];
      apply_flip(i, s[i], h);
    }
    st.flips += static_cast<int64_t>(changed.size());
    if (cycle) {
      st.two_cycle = true;
      return st;
    }
  }
  return st;
}

HopfieldHeatBath::HopfieldHeatBath(const HopfieldNetwork& net, double beta)
    : net_(net), beta_(beta), order_(static_cast<size_t>(net.size())) {
  if (!(beta >= 0) || !std::isfinite(beta)) throw InputError("heat bath: beta must be finite and >= 0");
}

// P(s_i = +1) = 1 / (1 + exp(-2 beta f_i)), the foundation's heat-bath formula.
uint64_t HopfieldHeatBath::threshold_up(int32_t i, double h_i) const {
  return acceptance_threshold(1.0 / (1.0 + std::exp(-2.0 * beta_ * net_.local_field(i, h_i))));
}

double HopfieldHeatBath::flip_probability(int32_t i, std::span<const Spin> s) const {
  const auto w = net_.w_row(i);
  double h = 0;
  for (size_t j = 0; j < w.size(); ++j) h += static_cast<double>(w[j]) * s[j];
  const double p = static_cast<double>(threshold_up(i, h)) * 0x1.0p-32;
  return s[i] > 0 ? 1.0 - p : p;
}

void HopfieldHeatBath::update(int32_t i, std::span<Spin> s, std::span<double> h, Rng& rng) const {
  const Spin v = accept_u32(rng.next_u32(), threshold_up(i, h[i])) ? 1 : -1;
  if (v != s[i]) {
    s[i] = v;
    net_.apply_flip(i, v, h);
  }
}

void HopfieldHeatBath::sweep(std::span<Spin> s, std::span<double> h, Rng& rng) {
  random_permutation(order_, rng);
  for (int32_t i : order_) update(i, s, h, rng);
}

double overlap(std::span<const Spin> xi, std::span<const Spin> s) {
  int64_t acc = 0;
  for (size_t i = 0; i < xi.size(); ++i) acc += xi[i] * s[i];
  return static_cast<double>(acc) / static_cast<double>(xi.size());
}

void corrupt(std::span<Spin> s, double fraction, Rng& rng) {
  if (!(fraction >= 0.0 && fraction <= 1.0)) throw InputError("--noise must lie in [0, 1]");
  const auto n = static_cast<uint32_t>(s.size());
  const auto k = static_cast<uint32_t>(std::llround(fraction * n));
  std::vector<int32_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  for (uint32_t t = 0; t < k; ++t) {
    std::swap(idx[t], idx[t + rng.below(n - t)]);
    s[idx[t]] = static_cast<Spin>(-s[idx[t]]);
  }
}

}  // namespace spinlab
