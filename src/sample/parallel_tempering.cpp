// Parallel tempering with two replica sets: sweeps, exchanges, round trips, ladder feedback.
#include "sample/parallel_tempering.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace spinlab {
namespace {

void check_ladder(const std::vector<double>& betas, const char* what) {
  if (betas.empty()) throw InputError(std::string(what) + ": no inverse temperature given");
  for (size_t k = 0; k < betas.size(); ++k) {
    if (!std::isfinite(betas[k]) || betas[k] < 0.0)
      throw InputError(std::string(what) + ": betas must be finite and >= 0");
    if (k > 0 && betas[k] < betas[k - 1])
      throw InputError(std::string(what) + ": betas must be ascending (beta_" + std::to_string(k) +
                       " = " + std::to_string(betas[k]) + " < beta_" + std::to_string(k - 1) +
                       " = " + std::to_string(betas[k - 1]) + ")");
  }
}

// x with erfc(x) = a for a in (0, 1): bisection on [0, 6] (erfc(6) ~ 2e-17), monotone and exact
// enough for a feedback step.
double inverse_erfc(double a) {
  double lo = 0.0, hi = 6.0;
  for (int it = 0; it < 80; ++it) {
    const double mid = 0.5 * (lo + hi);
    (std::erfc(mid) > a ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

std::vector<double> geometric_ladder(double beta_min, double beta_max, int R) {
  if (R < 1) throw InputError("temperature ladder: need at least 1 temperature");
  if (!std::isfinite(beta_min) || !std::isfinite(beta_max) || !(beta_min > 0.0) ||
      beta_max < beta_min)
    throw InputError("temperature ladder: need 0 < beta_min <= beta_max (finite)");
  if (R == 1) {
    if (beta_min != beta_max)
      throw InputError("temperature ladder: one temperature needs beta_min == beta_max");
    return {beta_min};
  }
  std::vector<double> b(R);
  const double ratio = std::log(beta_max / beta_min);
  for (int k = 0; k < R; ++k) b[k] = beta_min * std::exp(ratio * k / (R - 1));
  b.front() = beta_min;  // exact endpoints (exp/log round)
  b.back() = beta_max;
  return b;
}

std::vector<double> equalize_acceptance_ladder(std::span<const double> betas,
                                               std::span<const double> acceptance, double damping) {
  const size_t R = betas.size();
  if (acceptance.size() + 1 != R && !(R == 0 && acceptance.empty()))
    throw InputError("equalize_acceptance_ladder: need R - 1 acceptance rates");
  std::vector<double> out(betas.begin(), betas.end());
  if (R < 3) return out;
  // Thermodynamic length of each interval and its running sum.
  std::vector<double> len(R - 1), cum(R, 0.0);
  for (size_t k = 0; k + 1 < R; ++k) {
    const double a = std::clamp(acceptance[k], 1e-6, 1.0 - 1e-6);
    len[k] = std::max(inverse_erfc(a), 1e-9);
    cum[k + 1] = cum[k] + len[k];
  }
  const double total = cum[R - 1];
  size_t k = 0;
  for (size_t j = 1; j + 1 < R; ++j) {
    const double target = total * static_cast<double>(j) / static_cast<double>(R - 1);
    while (k + 2 < R && cum[k + 1] <= target) ++k;
    const double f = std::clamp((target - cum[k]) / len[k], 0.0, 1.0);
    const double b = betas[k] + f * (betas[k + 1] - betas[k]);
    out[j] = (1.0 - damping) * betas[j] + damping * b;
  }
  return out;
}

ParallelTempering::ParallelTempering(const IsingModel& model, std::string_view algo,
                                     std::vector<double> betas, uint64_t seed, uint64_t stream_base)
    : model_(&model), n_(static_cast<size_t>(model.size())), betas_(std::move(betas)) {
  check_ladder(betas_, "parallel tempering");
  if (model.size() < 1) throw InputError("parallel tempering: the model has no spins");
  const int R = this->R();
  moves_.reserve(kSets * R);
  for (int c = 0; c < kSets; ++c)
    for (int k = 0; k < R; ++k) moves_.push_back(make_move(algo, model, betas_[k]));
  states_.resize(static_cast<size_t>(kSets * R) * n_);
  energy_.resize(kSets * R);
  rngs_.reserve(kSets * R + kSets);
  for (int i = 0; i < kSets * R; ++i)
    rngs_.emplace_back(seed, stream_base + static_cast<uint64_t>(i));
  for (int c = 0; c < kSets; ++c)
    rngs_.emplace_back(seed, stream_base + static_cast<uint64_t>(kSets * R + c));
  for (int i = 0; i < kSets * R; ++i) {
    std::span<Spin> s(states_.data() + static_cast<size_t>(i) * n_, n_);
    for (auto& x : s) x = (rngs_[i].next_u32() & 1u) ? 1 : -1;  // as hot_state()
    energy_[i] = model.energy(s);
  }
  slot_replica_.resize(kSets * R);
  for (int c = 0; c < kSets; ++c)
    for (int k = 0; k < R; ++k) slot_replica_[c * R + k] = k;
  attempts_.assign(kSets * R, 0);
  accepts_.assign(kSets * R, 0);
  last_end_.assign(kSets * R, -1);
  trip_start_.assign(kSets * R, -1);
  update_ends();
}

void ParallelTempering::step() {
  const int R = this->R();
  for (int c = 0; c < kSets; ++c) {
    for (int k = 0; k < R; ++k) {
      const int i = c * R + slot_replica_[c * R + k];
      std::span<Spin> s(states_.data() + static_cast<size_t>(i) * n_, n_);
      moves_[c * R + k]->sweep(s, rngs_[i]);
      // The Move interface does not report energy changes, so recompute: O(edges), the cost
      // of one more sweep.
      energy_[i] = model_->energy(s);
    }
  }
  if (houdayer_) houdayer_step();
  const int parity = static_cast<int>(steps_ & 1);
  for (int c = 0; c < kSets; ++c) exchange_set(c, parity);
  ++steps_;
  update_ends();
}

void ParallelTempering::set_houdayer(bool on) {
  if (on && model_->graph().is_dense())
    throw InputError("Houdayer moves need a sparse model (on a dense one the cluster is every disagreeing site)");
  houdayer_ = on;
  in_cluster_.assign(on ? n_ : 0, 0);
}

void ParallelTempering::houdayer_step() {
  if (!houdayer_) set_houdayer(true);  // sizes the work arrays (and refuses dense models)
  for (int k = 0; k < R(); ++k) houdayer_move(k);
}

void ParallelTempering::houdayer_move(int k) {
  const int R = this->R();
  const int ia = slot_replica_[k], ib = R + slot_replica_[R + k];
  Spin* a = states_.data() + static_cast<size_t>(ia) * n_;
  Spin* b = states_.data() + static_cast<size_t>(ib) * n_;
  disagree_.clear();
  for (size_t i = 0; i < n_; ++i)
    if (a[i] != b[i]) disagree_.push_back(static_cast<int32_t>(i));
  // Always draw one word, so the stream's use does not depend on the state.
  const uint32_t u = rngs_[ia].next_u32();
  if (disagree_.empty()) return;
  const int32_t seed = disagree_[(static_cast<uint64_t>(u) * disagree_.size()) >> 32];
  const Graph& g = model_->graph();
  const auto off = g.offsets();
  const auto nb = g.neighbors();
  const auto w = g.weights();
  cluster_stack_.assign(1, seed);
  in_cluster_[seed] = 1;
  size_t grown = 0;
  while (grown < cluster_stack_.size()) {
    const int32_t v = cluster_stack_[grown++];
    for (int64_t q = off[v]; q < off[v + 1]; ++q) {
      const int32_t j = nb[q];
      if (w[q] != 0.0 && !in_cluster_[j] && a[j] != b[j]) {
        in_cluster_[j] = 1;
        cluster_stack_.push_back(j);
      }
    }
  }
  for (int32_t v : cluster_stack_) {  // exchange: s^a = -s^b here, so flipping both swaps them
    a[v] = static_cast<Spin>(-a[v]);
    b[v] = static_cast<Spin>(-b[v]);
    in_cluster_[v] = 0;
  }
  energy_[ia] = model_->energy({a, n_});
  energy_[ib] = model_->energy({b, n_});
  ++houdayer_moves_;
  houdayer_flipped_ += static_cast<int64_t>(cluster_stack_.size());
}

void ParallelTempering::exchange_set(int c, int parity) {
  const int R = this->R();
  Rng& rng = rngs_[kSets * R + c];
  int* slot = slot_replica_.data() + c * R;
  const double* e = energy_.data() + c * R;
  for (int k = parity; k + 1 < R; k += 2) {
    const double x = (betas_[k] - betas_[k + 1]) * (e[slot[k]] - e[slot[k + 1]]);
    const uint64_t threshold = acceptance_threshold(x >= 0.0 ? 1.0 : std::exp(x));
    ++attempts_[c * R + k];
    if (accept_u32(rng.next_u32(), threshold)) {
      ++accepts_[c * R + k];
      std::swap(slot[k], slot[k + 1]);
    }
  }
}

// Round-trip bookkeeping: only the replicas at the two end slots can change state.
void ParallelTempering::update_ends() {
  const int R = this->R();
  if (R < 2) return;
  for (int c = 0; c < kSets; ++c) {
    const int hot = c * R + slot_replica_[c * R];
    const int cold = c * R + slot_replica_[c * R + R - 1];
    if (last_end_[hot] == 1) last_end_[hot] = 0;
    if (last_end_[cold] != 1) {
      if (last_end_[cold] == 0 && trip_start_[cold] >= 0) {
        ++trips_[c];
        trip_steps_ += steps_ - trip_start_[cold];
      }
      trip_start_[cold] = steps_;
      last_end_[cold] = 1;
    }
  }
}

void ParallelTempering::end_thermalization() {
  const int R = this->R();
  for (int c = 0; c < kSets; ++c)
    for (int k = 0; k < R; ++k) {
      const int i = c * R + slot_replica_[c * R + k];
      std::span<Spin> s(states_.data() + static_cast<size_t>(i) * n_, n_);
      moves_[c * R + k]->end_thermalization(s, rngs_[i]);
      energy_[i] = model_->energy(s);
    }
}

void ParallelTempering::set_betas(std::vector<double> betas) {
  if (betas.size() != betas_.size())
    throw InputError("parallel tempering: set_betas needs " + std::to_string(betas_.size()) +
                     " betas");
  check_ladder(betas, "parallel tempering");
  betas_ = std::move(betas);
  const int R = this->R();
  for (int c = 0; c < kSets; ++c)
    for (int k = 0; k < R; ++k) moves_[c * R + k]->set_beta(betas_[k]);
}

void ParallelTempering::adapt_ladder(int rounds, int64_t steps_per_round, double damping) {
  for (int r = 0; r < rounds; ++r) {
    reset_statistics();
    for (int64_t t = 0; t < steps_per_round; ++t) step();
    if (R() >= 3) set_betas(equalize_acceptance_ladder(betas_, acceptance_rates(), damping));
  }
  reset_statistics();
}

std::vector<double> ParallelTempering::acceptance_rates() const {
  const int R = this->R();
  std::vector<double> a(R > 1 ? R - 1 : 0, 0.0);
  for (int k = 0; k + 1 < R; ++k) {
    int64_t att = 0, acc = 0;
    for (int c = 0; c < kSets; ++c) {
      att += attempts_[c * R + k];
      acc += accepts_[c * R + k];
    }
    a[k] = att > 0 ? static_cast<double>(acc) / static_cast<double>(att) : 0.0;
  }
  return a;
}

double ParallelTempering::mean_round_trip_steps() const {
  const int64_t n = trips_[0] + trips_[1];
  return n > 0 ? static_cast<double>(trip_steps_) / static_cast<double>(n) : 0.0;
}

void ParallelTempering::reset_statistics() {
  std::fill(attempts_.begin(), attempts_.end(), 0);
  std::fill(accepts_.begin(), accepts_.end(), 0);
  std::fill(last_end_.begin(), last_end_.end(), -1);
  std::fill(trip_start_.begin(), trip_start_.end(), -1);
  trips_ = {};
  trip_steps_ = 0;
  houdayer_moves_ = houdayer_flipped_ = 0;
  update_ends();
}

}  // namespace spinlab
