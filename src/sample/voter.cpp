// The voter model in random-sequential order (sample/opinion_moves.hpp).
#include "core/error.hpp"
#include "sample/opinion_moves.hpp"

namespace spinlab {
namespace {

class Voter final : public SingleSpinMove {
 public:
  Voter(const IsingModel& m, double beta) : m_(m), beta_(beta) {
    if (m.graph().is_dense()) throw InputError("--algo voter: needs a sparse network, not dense couplings");
    off_ = m.graph().offsets().data();
    nb_ = m.graph().neighbors().data();
    w_ = m.graph().weights().data();
    frozen_ = m.has_frozen() ? m.frozen().data() : nullptr;
  }
  void sweep(std::span<Spin> s, Rng& rng) override {
    const auto n = static_cast<uint32_t>(s.size());
    for (uint32_t k = 0; k < n; ++k) update_site(static_cast<int32_t>(rng.below(n)), s, rng);
  }
  void update_site(int32_t i, std::span<Spin> s, Rng& rng) override {
    if (frozen_ && frozen_[i]) return;
    const int64_t d = off_[i + 1] - off_[i];
    if (d == 0) return;
    const int64_t k = off_[i] + rng.below(static_cast<uint32_t>(d));
    const Spin v = s[nb_[k]];
    s[i] = w_[k] < 0.0 ? static_cast<Spin>(-v) : v;  // an antagonistic tie copies the opposite
  }
  double flip_probability(int32_t i, std::span<const Spin> s) const override {
    const int64_t d = off_[i + 1] - off_[i];
    if ((frozen_ && frozen_[i]) || d == 0) return 0.0;
    int64_t differ = 0;
    for (int64_t k = off_[i]; k < off_[i + 1]; ++k) {
      const int target = w_[k] < 0.0 ? -s[nb_[k]] : s[nb_[k]];
      differ += target != s[i];
    }
    return static_cast<double>(differ) / static_cast<double>(d);
  }
  void set_beta(double beta) override { beta_ = beta; }  // no temperature: kept for reporting
  double beta() const override { return beta_; }
  std::string name() const override { return "voter"; }
  std::string kernel() const override { return "csr"; }

 private:
  const IsingModel& m_;
  const int64_t* off_ = nullptr;
  const int32_t* nb_ = nullptr;
  const double* w_ = nullptr;
  const Spin* frozen_ = nullptr;
  double beta_;
};

}  // namespace

std::unique_ptr<SingleSpinMove> make_voter(const IsingModel& model, double beta) {
  return std::make_unique<Voter>(model, beta);
}

}  // namespace spinlab
