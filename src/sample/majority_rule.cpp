// Zero-temperature majority rule in random-sequential order (sample/opinion_moves.hpp).
#include <cmath>

#include "core/error.hpp"
#include "sample/opinion_moves.hpp"

namespace spinlab {
namespace {

class MajorityRule final : public SingleSpinMove {
 public:
  MajorityRule(const IsingModel& m, double beta)
      : m_(m), rows_(m.graph(), m.graph().weights().data()),
        frozen_(m.has_frozen() ? m.frozen().data() : nullptr), beta_(beta) {}
  void sweep(std::span<Spin> s, Rng& rng) override {
    const auto n = static_cast<uint32_t>(s.size());
    for (uint32_t k = 0; k < n; ++k) update_site(static_cast<int32_t>(rng.below(n)), s, rng);
  }
  void update_site(int32_t i, std::span<Spin> s, Rng& rng) override {
    if (frozen_ && frozen_[i]) return;
    const double f = rows_.dot(i, s.data(), m_.field(i));
    if (f > 0.0) s[i] = 1;
    else if (f < 0.0) s[i] = -1;
    else s[i] = (rng.next_u32() & 1u) ? 1 : -1;  // tie: a fair coin
  }
  double flip_probability(int32_t i, std::span<const Spin> s) const override {
    if (frozen_ && frozen_[i]) return 0.0;
    const double f = rows_.dot(i, s.data(), m_.field(i));
    if (f == 0.0) return 0.5;
    return (f > 0.0) == (s[i] > 0) ? 0.0 : 1.0;
  }
  void set_beta(double beta) override { beta_ = beta; }  // no temperature: kept for reporting
  double beta() const override { return beta_; }
  std::string name() const override { return "majority"; }
  std::string kernel() const override { return m_.graph().is_dense() ? "dense" : "csr"; }

 private:
  const IsingModel& m_;
  CouplingRows<double> rows_;
  const Spin* frozen_;
  double beta_;
};

}  // namespace

std::unique_ptr<SingleSpinMove> make_majority_rule(const IsingModel& model, double beta) {
  return std::make_unique<MajorityRule>(model, beta);
}

}  // namespace spinlab
