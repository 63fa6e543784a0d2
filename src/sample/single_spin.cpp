// Metropolis and heat-bath (Glauber) single-spin kernels over CSR (or dense) couplings. Uniform models
// (one J, one h) use a lookup table of acceptance thresholds indexed by the neighbour sum; the
// generic path evaluates exp() per attempt. Both accept with probability threshold / 2^32.
#include "sample/single_spin.hpp"

#include <cmath>

#include "core/error.hpp"
#include "sample/lattice_checkerboard.hpp"

namespace spinlab {
namespace {

constexpr uint64_t kAlways = uint64_t{1} << 32;

template <SingleSpinRule Rule>
class SingleSpinUpdate final : public SingleSpinMove {
 public:
  SingleSpinUpdate(const IsingModel& m, double beta, SiteOrder order)
      : m_(m), order_(order), rows_(m.graph(), m.graph().weights().data()),
        frozen_(m.has_frozen() ? m.frozen().data() : nullptr) {
    table_ = m.is_uniform(&J_, &h_);
    dmax_ = m.graph().max_degree();
    if (order == SiteOrder::Checkerboard) {
      int32_t nc = 0;
      auto colour = m.graph().colouring(&nc);
      colour_start_.assign(nc + 1, 0);
      for (int32_t c : colour) ++colour_start_[c + 1];
      for (int32_t c = 0; c < nc; ++c) colour_start_[c + 1] += colour_start_[c];
      sites_.resize(colour.size());
      auto pos = colour_start_;
      for (int32_t i = 0; i < static_cast<int32_t>(colour.size()); ++i) sites_[pos[colour[i]]++] = i;
    }
    set_beta(beta);
  }

  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    if (!table_) return;
    // thr_[side * width + k + dmax]: side 1 for s_i = +1, k = neighbour spin sum.
    const int width = 2 * dmax_ + 1;
    thr_.assign(2 * width, 0);
    for (int side = 0; side < 2; ++side)
      for (int k = -dmax_; k <= dmax_; ++k)
        thr_[side * width + k + dmax_] = threshold_from_field(side ? 1 : -1, J_ * k + h_);
  }
  double beta() const override { return beta_; }

  std::string name() const override {
    std::string n = Rule == SingleSpinRule::Metropolis ? "metropolis" : "heatbath";
    if (order_ == SiteOrder::Sequential) n += "-sequential";
    if (order_ == SiteOrder::Random) n += "-random";
    if (order_ == SiteOrder::Checkerboard) n += "-checkerboard";
    return n;
  }
  std::string kernel() const override { return table_ ? "csr-table" : "csr"; }

  double flip_probability(int32_t i, std::span<const Spin> s) const override {
    if (frozen_ && frozen_[i]) return 0.0;  // a zealot never flips
    double p = static_cast<double>(threshold(i, s)) * 0x1.0p-32;
    if (Rule == SingleSpinRule::Metropolis) return p;
    return s[i] > 0 ? 1.0 - p : p;  // heat bath: threshold is P(new spin = +1)
  }

  void update_site(int32_t i, std::span<Spin> s, Rng& rng) override { update(i, s, rng); }

  void sweep(std::span<Spin> s, Rng& rng) override {
    const auto n = static_cast<int32_t>(s.size());
    switch (order_) {
      case SiteOrder::Auto:  // resolved to Sequential at construction
      case SiteOrder::Sequential:
        for (int32_t i = 0; i < n; ++i) update(i, s, rng);
        break;
      case SiteOrder::Random:
        for (int32_t k = 0; k < n; ++k) update(static_cast<int32_t>(rng.below(n)), s, rng);
        break;
      case SiteOrder::Checkerboard:
        for (size_t c = 0; c + 1 < colour_start_.size(); ++c)
          for (int32_t k = colour_start_[c]; k < colour_start_[c + 1]; ++k) update(sites_[k], s, rng);
        break;
    }
  }

 private:
  // Threshold for the move given the spin value and its local field f = sum_j J_ij s_j + h_i.
  uint64_t threshold_from_field(int spin, double f) const {
    if constexpr (Rule == SingleSpinRule::Metropolis) {
      double dE = 2.0 * spin * f;
      if (dE <= 0.0) return kAlways;
      return acceptance_threshold(std::exp(-beta_ * dE));
    } else {
      // P(s_i = +1) = e^{beta f} / (e^{beta f} + e^{-beta f})
      return acceptance_threshold(1.0 / (1.0 + std::exp(-2.0 * beta_ * f)));
    }
  }

  inline uint64_t threshold(int32_t i, std::span<const Spin> s) const {
    if (table_) {
      int k = 0;
      rows_.for_row(i, [&](int32_t j, double) { k += s[j]; });
      return thr_[(s[i] > 0 ? 2 * dmax_ + 1 : 0) + k + dmax_];
    }
    return threshold_from_field(s[i], rows_.dot(i, s.data(), m_.field(i)));
  }

  inline void update(int32_t i, std::span<Spin> s, Rng& rng) {
    if (frozen_ && frozen_[i]) return;  // zealot: no update, no random number
    uint64_t t = threshold(i, s);
    if constexpr (Rule == SingleSpinRule::Metropolis) {
      // Moves that lower the energy are always accepted and draw no random number.
      if (t >= kAlways || rng.next_u32() < t) s[i] = static_cast<Spin>(-s[i]);
    } else {
      s[i] = rng.next_u32() < t ? 1 : -1;
    }
  }

  const IsingModel& m_;
  SiteOrder order_;
  CouplingRows<double> rows_;  // CSR or dense
  const Spin* frozen_;         // the model's zealot mask (+-1 pinned), or nullptr
  double beta_ = 0.0;
  bool table_ = false;
  double J_ = 0.0, h_ = 0.0;
  int dmax_ = 0;
  std::vector<uint64_t> thr_;
  std::vector<int32_t> colour_start_, sites_;
};

}  // namespace

std::unique_ptr<SingleSpinMove> make_single_spin(const IsingModel& model, double beta,
                                                 SingleSpinRule rule, SiteOrder order) {
  // Uniform periodic square/cubic lattices with even L get the vectorised checkerboard kernel.
  if ((order == SiteOrder::Checkerboard || order == SiteOrder::Auto) && lattice_checkerboard_applies(model))
    return make_lattice_checkerboard(model, beta, rule);
  if (order == SiteOrder::Auto) order = SiteOrder::Sequential;
  if (rule == SingleSpinRule::Metropolis)
    return std::make_unique<SingleSpinUpdate<SingleSpinRule::Metropolis>>(model, beta, order);
  return std::make_unique<SingleSpinUpdate<SingleSpinRule::HeatBath>>(model, beta, order);
}

}  // namespace spinlab
