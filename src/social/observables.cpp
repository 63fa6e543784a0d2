// Domain-wall density, polarisation index and echo-chamber index (social/observables.hpp).
#include "social/observables.hpp"

#include <cmath>

#include "core/error.hpp"

namespace spinlab {
namespace {

class SocialObservables final : public Observable {
 public:
  SocialObservables(const Graph& g, std::vector<int32_t> community) : g_(g), comm_(std::move(community)) {
    if (g.is_dense()) throw InputError("social observables need a sparse network");
    if (!comm_.empty()) {
      if (static_cast<int32_t>(comm_.size()) != g.num_vertices()) throw InputError("community labels: wrong length");
      int32_t K = 0;
      for (int32_t c : comm_) K = std::max(K, c + 1);
      weight_.assign(K, 0.0);
      for (int32_t c : comm_) weight_[c] += 1.0;
    }
    for (int32_t v = 0; v < g.num_vertices(); ++v) active_ += g.degree(v) > 0;
  }
  std::vector<std::string> names() const override {
    return {"wall_density", "polarization", "echo_agree", "echo_index"};
  }
  void measure(std::span<const Spin> s, std::span<double> out) const override {
    const auto off = g_.offsets();
    const auto nb = g_.neighbors();
    const int32_t n = g_.num_vertices();
    int64_t differ = 0, up = 0;
    double agree = 0.0, a_sum = 0.0, a_sq = 0.0;
    for (int32_t i = 0; i < n; ++i) {
      up += s[i] > 0;
      const int64_t d = off[i + 1] - off[i];
      if (d == 0) continue;
      int64_t same = 0, sum = 0;
      for (int64_t k = off[i]; k < off[i + 1]; ++k) {
        same += s[nb[k]] == s[i];
        sum += s[nb[k]];
      }
      differ += d - same;
      agree += static_cast<double>(same) / static_cast<double>(d);
      const double a = static_cast<double>(sum) / static_cast<double>(d);
      a_sum += a;
      a_sq += a * a;
    }
    const double E = static_cast<double>(g_.num_edges());
    out[0] = E > 0 ? static_cast<double>(differ) / (2.0 * E) : 0.0;  // each edge counted from both ends
    if (!comm_.empty()) {
      // Per-thread buffer: simulate() measures several beta points at once with one observable.
      thread_local std::vector<double> sums_;
      sums_.assign(weight_.size(), 0.0);
      for (int32_t i = 0; i < n; ++i) sums_[comm_[i]] += s[i];
      double mbar = 0.0, var = 0.0;
      for (size_t c = 0; c < sums_.size(); ++c) mbar += sums_[c] / n;  // sum_c w_c m_c = M/N
      for (size_t c = 0; c < sums_.size(); ++c) {
        if (weight_[c] == 0.0) continue;
        const double mc = sums_[c] / weight_[c];
        var += weight_[c] / n * (mc - mbar) * (mc - mbar);
      }
      out[1] = std::sqrt(var);
    } else {
      const double mean = active_ ? a_sum / active_ : 0.0;
      out[1] = active_ ? std::sqrt(std::max(0.0, a_sq / active_ - mean * mean)) : 0.0;
    }
    out[2] = active_ ? agree / active_ : 0.0;
    // Expected agreement under a uniformly random permutation of the same opinions.
    const double np = static_cast<double>(up), nm = static_cast<double>(n - up);
    double base = 0.0;
    if (n > 1 && active_ > 0) {
      int64_t active_up = 0;
      for (int32_t i = 0; i < n; ++i) active_up += (s[i] > 0 && off[i + 1] > off[i]);
      const double au = static_cast<double>(active_up), am = static_cast<double>(active_) - au;
      base = (au * (np - 1.0) + am * (nm - 1.0)) / ((n - 1.0) * static_cast<double>(active_));
    }
    out[3] = out[2] - base;
  }

 private:
  const Graph& g_;
  std::vector<int32_t> comm_;
  std::vector<double> weight_;
  int64_t active_ = 0;
};

}  // namespace

std::shared_ptr<const Observable> social_observables(const Graph& g, std::vector<int32_t> community) {
  return std::make_shared<SocialObservables>(g, std::move(community));
}

}  // namespace spinlab
