// Exact maximum likelihood for Boltzmann machines with hidden units: enumeration of the hidden
// layer for every distinct visible pattern (clamped phase) and of all 2^N states (free phase).
#include "learn/boltzmann.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace spinlab {
namespace {

constexpr int32_t kMaxUnits = 20;

// Spins of a state code (bit i set: s_i = +1).
inline double spin(uint32_t code, int32_t i) { return (code >> i) & 1u ? 1.0 : -1.0; }

// x(s) = sum_i h_i s_i + sum_pairs K_ab s_a s_b of the state `code`.
double exponent(const std::vector<double>& x, int32_t n, const std::vector<BoltzmannPair>& pairs, uint32_t code) {
  double e = 0;
  for (int32_t i = 0; i < n; ++i) e += x[i] * spin(code, i);
  for (size_t p = 0; p < pairs.size(); ++p) e += x[n + p] * spin(code, pairs[p].a) * spin(code, pairs[p].b);
  return e;
}

// Enumerates the 2^nfree states base | (c << shift), c < 2^nfree: returns log sum exp x(s) and,
// when feat is given, adds weight * P(s | block) * (s_i, s_a s_b) to feat.
double enumerate_block(const std::vector<double>& x, int32_t n, const std::vector<BoltzmannPair>& pairs, uint32_t base,
                       int32_t shift, int32_t nfree, double weight, std::vector<double>* feat,
                       std::vector<double>* scratch) {
  const uint32_t count = 1u << nfree;
  scratch->resize(count);
  double top = -INFINITY;
  for (uint32_t c = 0; c < count; ++c) {
    (*scratch)[c] = exponent(x, n, pairs, base | (c << shift));
    top = std::max(top, (*scratch)[c]);
  }
  double z = 0;
  for (uint32_t c = 0; c < count; ++c) z += std::exp((*scratch)[c] - top);
  const double lse = top + std::log(z);
  if (feat) {
    for (uint32_t c = 0; c < count; ++c) {
      const uint32_t code = base | (c << shift);
      const double p = weight * std::exp((*scratch)[c] - lse);
      for (int32_t i = 0; i < n; ++i) (*feat)[i] += p * spin(code, i);
      for (size_t q = 0; q < pairs.size(); ++q) (*feat)[n + q] += p * spin(code, pairs[q].a) * spin(code, pairs[q].b);
    }
  }
  return lse;
}

void check_x(const HiddenBmProblem& pb, const std::vector<double>& x) {
  if (x.size() != pb.num_parameters()) throw InputError("Boltzmann machine: wrong parameter count");
}

}  // namespace

HiddenBmProblem::HiddenBmProblem(std::span<const Spin> samples, std::span<const double> weights, int32_t nv,
                                 const HiddenBmOptions& o)
    : nv_(nv), nh_(o.hidden), l2_(o.l2) {
  if (nv < 1) throw InputError("Boltzmann machine: at least one visible unit");
  if (o.hidden < 0) throw InputError("--hidden must be >= 0");
  if (nv + o.hidden > kMaxUnits)
    throw InputError("Boltzmann machine with hidden units: visible + hidden = " + std::to_string(nv + o.hidden) +
                     " > 20 (exact enumeration)");
  if (!(o.l2 >= 0) || !std::isfinite(o.l2)) throw InputError("--l2 must be finite and >= 0");
  if (samples.empty() || samples.size() % static_cast<size_t>(nv) != 0)
    throw InputError("Boltzmann machine: no samples, or rows not of " + std::to_string(nv) + " spins");
  const size_t rows = samples.size() / static_cast<size_t>(nv);
  if (!weights.empty() && weights.size() != rows) throw InputError("Boltzmann machine: one weight per sample");
  std::map<uint32_t, double> by_code;
  for (size_t r = 0; r < rows; ++r) {
    uint32_t code = 0;
    for (int32_t i = 0; i < nv; ++i) {
      const Spin s = samples[r * nv + i];
      if (s != 1 && s != -1) throw InputError("Boltzmann machine: sample " + std::to_string(r) + " holds a value other than +-1");
      code |= (s == 1 ? 1u : 0u) << i;
    }
    const double w = weights.empty() ? 1.0 : weights[r];
    if (!(w >= 0) || !std::isfinite(w)) throw InputError("Boltzmann machine: weights must be finite and >= 0");
    by_code[code] += w;
    total_ += w;
    total_sq_ += w * w;
  }
  if (!(total_ > 0)) throw InputError("Boltzmann machine: the weights sum to 0");
  for (const auto& [code, w] : by_code)
    if (w > 0) codes_.push_back(code), counts_.push_back(w);
  const int32_t n = nv_ + nh_;
  for (int32_t a = 0; a < n; ++a)
    for (int32_t b = a + 1; b < n; ++b) {
      const bool va = a < nv_, vb = b < nv_;
      if ((va && vb && o.visible_couplings) || (va != vb) || (!va && !vb && o.hidden_couplings)) pairs_.push_back({a, b, 0.0});
    }
}

double HiddenBmProblem::objective(const std::vector<double>& x, std::vector<double>* grad) const {
  check_x(*this, x);
  const int32_t n = size();
  std::vector<double> scratch, clamped(num_parameters(), 0.0), free_phase(num_parameters(), 0.0);
  double ll = 0;
  for (size_t p = 0; p < codes_.size(); ++p) {
    const double w = counts_[p] / total_;
    ll += w * enumerate_block(x, n, pairs_, codes_[p], nv_, nh_, w, grad ? &clamped : nullptr, &scratch);
  }
  const double log_z = enumerate_block(x, n, pairs_, 0u, 0, n, 1.0, grad ? &free_phase : nullptr, &scratch);
  double f = log_z - ll;
  for (size_t q = 0; q < pairs_.size(); ++q) f += 0.5 * l2_ * x[n + q] * x[n + q];
  if (grad) {
    grad->assign(num_parameters(), 0.0);
    for (size_t k = 0; k < num_parameters(); ++k) (*grad)[k] = free_phase[k] - clamped[k];
    for (size_t q = 0; q < pairs_.size(); ++q) (*grad)[n + q] += l2_ * x[n + q];
  }
  return f;
}

void HiddenBmProblem::log_probabilities(const std::vector<double>& x, std::vector<double>* log_p, double* log_z) const {
  check_x(*this, x);
  std::vector<double> scratch;
  *log_z = enumerate_block(x, size(), pairs_, 0u, 0, size(), 1.0, nullptr, &scratch);
  log_p->resize(codes_.size());
  for (size_t p = 0; p < codes_.size(); ++p)
    (*log_p)[p] = enumerate_block(x, size(), pairs_, codes_[p], nv_, nh_, 1.0, nullptr, &scratch) - *log_z;
}

namespace {

// The weighted mean of log P(v) over the samples with its standard error (n_eff = W^2 / sum w^2).
Estimate mean_log_likelihood(const HiddenBmProblem& pb, const std::vector<double>& x, double* log_z) {
  std::vector<double> lp;
  pb.log_probabilities(x, &lp, log_z);
  const auto& c = pb.pattern_weights();
  const double W = pb.total_weight();
  double m = 0, var = 0;
  for (size_t p = 0; p < lp.size(); ++p) m += c[p] * lp[p] / W;
  for (size_t p = 0; p < lp.size(); ++p) var += c[p] * (lp[p] - m) * (lp[p] - m) / W;
  Estimate e;
  e.mean = m;
  e.n_eff = W * W / pb.sum_squared_weights();
  e.error = e.n_eff > 1 ? std::sqrt(var / (e.n_eff - 1.0)) : 0.0;
  return e;
}

}  // namespace

HiddenBmFit fit_hidden_boltzmann(std::span<const Spin> samples, std::span<const double> weights, int32_t nv,
                                 const HiddenBmOptions& o) {
  if (o.restarts < 1 || o.restarts > 1000) throw InputError("--restarts must lie in [1, 1000]");
  if (!(o.init_sd >= 0) || !std::isfinite(o.init_sd)) throw InputError("Boltzmann machine: init_sd must be finite and >= 0");
  const HiddenBmProblem pb(samples, weights, nv, o);
  const int32_t n = pb.size();
  LbfgsResult best;
  bool have = false;
  HiddenBmFit fit;
  std::vector<double> finals;
  for (int32_t r = 0; r < o.restarts; ++r) {
    // Fields and the visible-visible / hidden-hidden couplings start at 0; only the
    // visible-hidden couplings start random: they break the symmetry between hidden units.
    std::vector<double> x0(pb.num_parameters(), 0.0);
    Rng rng(o.seed, static_cast<uint64_t>(r));
    for (size_t q = 0; q < pb.pairs().size(); ++q) {
      const auto& pr = pb.pairs()[q];
      if ((pr.a < nv) != (pr.b < nv)) x0[n + q] = o.init_sd * normal(rng);
    }
    LbfgsResult res = minimize_lbfgs([&](const std::vector<double>& x, std::vector<double>* g) { return pb.objective(x, g); },
                                     std::move(x0), o.lbfgs);
    fit.restarts_converged += res.converged;
    finals.push_back(res.f);
    if (!have || res.f < best.f) best = std::move(res), have = true;
  }
  for (double f : finals) fit.restarts_at_best += f <= best.f + 1e-7;
  fit.nv = nv;
  fit.nh = o.hidden;
  fit.fields.assign(best.x.begin(), best.x.begin() + n);
  fit.couplings = pb.pairs();
  for (size_t q = 0; q < fit.couplings.size(); ++q) fit.couplings[q].K = best.x[n + q];
  fit.log_likelihood = mean_log_likelihood(pb, best.x, &fit.log_z);
  fit.gradient_norm = best.gradient_norm;
  fit.iterations = best.iterations;
  fit.converged = best.converged;
  return fit;
}

Estimate pairwise_log_likelihood(std::span<const Spin> samples, std::span<const double> weights, int32_t n,
                                 std::span<const double> h, std::span<const double> K) {
  HiddenBmOptions o;
  o.hidden = 0;
  const HiddenBmProblem pb(samples, weights, n, o);
  if (h.size() != static_cast<size_t>(n) || K.size() != static_cast<size_t>(n) * n)
    throw InputError("pairwise_log_likelihood: h needs n values and K n * n");
  std::vector<double> x(h.begin(), h.end());
  for (const auto& pr : pb.pairs()) x.push_back(K[static_cast<size_t>(pr.a) * n + pr.b]);
  double log_z = 0;
  return mean_log_likelihood(pb, x, &log_z);
}

}  // namespace spinlab
