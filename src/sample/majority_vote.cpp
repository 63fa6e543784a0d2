// The majority-vote model with noise q (Oliveira 1992) in random-sequential order
// (sample/opinion_moves.hpp).
#include <cmath>

#include "core/error.hpp"
#include "sample/opinion_moves.hpp"

namespace spinlab {

double majority_vote_q(double beta) { return 1.0 / (1.0 + std::exp(2.0 * beta)); }
double majority_vote_beta(double q) {
  if (!(q > 0.0 && q <= 0.5)) throw InputError("--q: the noise must lie in (0, 0.5]");
  return 0.5 * std::log((1.0 - q) / q);
}

namespace {

class MajorityVote final : public SingleSpinMove {
 public:
  MajorityVote(const IsingModel& m, double beta)
      : m_(m), rows_(m.graph(), m.graph().weights().data()),
        frozen_(m.has_frozen() ? m.frozen().data() : nullptr) {
    set_beta(beta);
  }
  void sweep(std::span<Spin> s, Rng& rng) override {
    const auto n = static_cast<uint32_t>(s.size());
    for (uint32_t k = 0; k < n; ++k) update_site(static_cast<int32_t>(rng.below(n)), s, rng);
  }
  void update_site(int32_t i, std::span<Spin> s, Rng& rng) override {
    if (frozen_ && frozen_[i]) return;
    const double f = rows_.dot(i, s.data(), m_.field(i));
    const uint32_t u = rng.next_u32();
    if (f == 0.0) {
      s[i] = (u & 1u) ? 1 : -1;  // tie: a fair coin
      return;
    }
    const Spin major = f > 0.0 ? 1 : -1;
    s[i] = accept_u32(u, q_threshold_) ? static_cast<Spin>(-major) : major;  // minority with prob. q
  }
  double flip_probability(int32_t i, std::span<const Spin> s) const override {
    if (frozen_ && frozen_[i]) return 0.0;
    const double f = rows_.dot(i, s.data(), m_.field(i));
    if (f == 0.0) return 0.5;
    const double q = static_cast<double>(q_threshold_) * 0x1.0p-32;
    return (f > 0.0) == (s[i] > 0) ? q : 1.0 - q;
  }
  void set_beta(double beta) override {
    if (!(beta >= 0.0)) throw InputError("beta must be >= 0");
    beta_ = beta;
    q_threshold_ = acceptance_threshold(majority_vote_q(beta));
  }
  double beta() const override { return beta_; }
  std::string name() const override { return "majority-vote"; }
  std::string kernel() const override { return m_.graph().is_dense() ? "dense" : "csr"; }

 private:
  const IsingModel& m_;
  CouplingRows<double> rows_;
  const Spin* frozen_;
  double beta_ = 0.0;
  uint64_t q_threshold_ = 0;
};

}  // namespace

std::unique_ptr<SingleSpinMove> make_majority_vote(const IsingModel& model, double beta) {
  return std::make_unique<MajorityVote>(model, beta);
}

}  // namespace spinlab
