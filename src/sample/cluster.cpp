// Wolff (PRL 62, 361 (1989)) and Swendsen-Wang (PRL 58, 86 (1987)) cluster moves with a ghost
// spin for fields. Buffers are allocated once per move, never per sweep.
#include "sample/cluster.hpp"

#include <array>
#include <cmath>
#include <numeric>

#include "core/error.hpp"

namespace spinlab {
namespace {

void require_ferromagnetic(const IsingModel& m, const char* algo) {
  int64_t bad = 0;
  for (const Edge& e : m.graph().edges())
    if (e.w < 0.0) ++bad;
  if (bad > 0)
    throw InputError(std::string(algo) + ": cluster moves need ferromagnetic couplings (J_ij >= 0); " +
                     "this model has " + std::to_string(bad) +
                     " antiferromagnetic bonds. Use metropolis or heatbath.");
}

uint64_t bond_threshold(double beta, double J) { return acceptance_threshold(-std::expm1(-2.0 * beta * J)); }

// Shared state of both cluster moves: per-bond and per-ghost-bond activation thresholds.
class ClusterBase : public Move {
 protected:
  ClusterBase(const IsingModel& m, double beta, const char* algo) : m_(m) {
    require_ferromagnetic(m, algo);
    field_ = m.has_field();
    set_beta(beta);
  }

 public:
  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    auto w = m_.graph().weights();
    csr_thr_.resize(w.size());
    for (size_t k = 0; k < w.size(); ++k) csr_thr_[k] = bond_threshold(beta, w[k]);
    auto es = m_.graph().edges();
    edge_thr_.resize(es.size());
    for (size_t k = 0; k < es.size(); ++k) edge_thr_[k] = bond_threshold(beta, es[k].w);
    ghost_thr_.assign(field_ ? m_.size() : 0, 0);
    for (size_t i = 0; i < ghost_thr_.size(); ++i)
      ghost_thr_[i] = bond_threshold(beta, std::fabs(m_.field(static_cast<int32_t>(i))));
  }
  double beta() const override { return beta_; }
  std::string kernel() const override { return field_ ? "csr-ghost" : "csr"; }

 protected:
  // The bond (i, ghost) is satisfied when h_i s_i s_ghost > 0, with s_ghost = +1.
  bool ghost_satisfied(int32_t i, Spin si) const { return m_.field(i) * si > 0.0; }

  const IsingModel& m_;
  double beta_ = 0.0;
  bool field_ = false;
  std::vector<uint64_t> csr_thr_, edge_thr_, ghost_thr_;
};

class WolffUpdate final : public ClusterBase {
 public:
  WolffUpdate(const IsingModel& m, double beta) : ClusterBase(m, beta, "wolff") {
    mark_.assign(m.size(), 0);
    stack_.reserve(m.size());
    members_.reserve(m.size());
  }
  std::string name() const override { return "wolff"; }

  // While thermalising: clusters until their sizes add up to N, counting how many that took.
  // After end_thermalization(): a fixed k = round(mean count) clusters per sweep. A sweep
  // that stops on a size threshold is a state-dependent stopping time and biases measurements
  // towards states after large clusters (seen as a 60-sigma energy bias on the 4x4 torus).
  void sweep(std::span<Spin> s, Rng& rng) override {
    const int64_t n = static_cast<int64_t>(s.size());
    if (n == 0) return;
    if (clusters_per_sweep_ > 0) {
      for (int64_t k = 0; k < clusters_per_sweep_; ++k) grow_and_flip(s, rng);
      return;
    }
    int64_t done = 0, clusters = 0;
    while (done < n) {
      done += std::max<int64_t>(1, grow_and_flip(s, rng));
      ++clusters;
    }
    recent_[tuning_sweeps_ % recent_.size()] = clusters;
    ++tuning_sweeps_;
  }
  // k from the latest sweeps only (up to 64, at most the second half of thermalisation): early
  // sweeps from a hot start have small clusters and would make k needlessly large.
  void end_thermalization() override {
    if (clusters_per_sweep_ > 0) return;
    const int64_t use = std::min<int64_t>(static_cast<int64_t>(recent_.size()), (tuning_sweeps_ + 1) / 2);
    int64_t total = 0;
    for (int64_t k = 1; k <= use; ++k) total += recent_[(tuning_sweeps_ - k) % recent_.size()];
    clusters_per_sweep_ = use > 0 ? std::max<int64_t>(1, std::llround(static_cast<double>(total) / use)) : 1;
  }

 private:
  int64_t grow_and_flip(std::span<Spin> s, Rng& rng) {
    const auto n = static_cast<int32_t>(s.size());
    if (++gen_ == 0) {  // generation counter wrapped: clear marks once
      std::fill(mark_.begin(), mark_.end(), 0);
      gen_ = 1;
    }
    auto off = m_.graph().offsets();
    auto nb = m_.graph().neighbors();
    int32_t seed = static_cast<int32_t>(rng.below(n));
    bool ghost_in = false;
    int64_t size = 1;
    mark_[seed] = gen_;
    stack_.clear();
    stack_.push_back(seed);
    members_.clear();
    members_.push_back(seed);
    while (!stack_.empty()) {
      int32_t i = stack_.back();
      stack_.pop_back();
      const Spin si = s[i];
      for (int64_t e = off[i]; e < off[i + 1]; ++e) {
        int32_t j = nb[e];
        if (mark_[j] != gen_ && s[j] == si && rng.next_u32() < csr_thr_[e]) {
          mark_[j] = gen_;
          stack_.push_back(j);
          members_.push_back(j);
          ++size;
        }
      }
      if (field_ && !ghost_in && ghost_satisfied(i, si) && rng.next_u32() < ghost_thr_[i]) {
        ghost_in = true;  // the ghost joins: every satisfied ghost bond may pull its spin in
        for (int32_t j = 0; j < n; ++j)
          if (mark_[j] != gen_ && ghost_satisfied(j, s[j]) && rng.next_u32() < ghost_thr_[j]) {
            mark_[j] = gen_;
            stack_.push_back(j);
            members_.push_back(j);
            ++size;
          }
      }
    }
    // Flip the cluster; if it holds the ghost, flip the complement (same state up to global flip).
    if (ghost_in) {
      for (int32_t j = 0; j < n; ++j)
        if (mark_[j] != gen_) s[j] = static_cast<Spin>(-s[j]);
    } else {
      for (int32_t j : members_) s[j] = static_cast<Spin>(-s[j]);
    }
    return size;
  }

  std::vector<uint32_t> mark_;
  uint32_t gen_ = 0;
  int64_t clusters_per_sweep_ = 0;  // 0 while tuning
  int64_t tuning_sweeps_ = 0;
  std::array<int64_t, 64> recent_{};  // clusters used by the latest tuning sweeps (ring)
  std::vector<int32_t> stack_, members_;
};

class SwendsenWangUpdate final : public ClusterBase {
 public:
  SwendsenWangUpdate(const IsingModel& m, double beta) : ClusterBase(m, beta, "swendsen-wang") {
    parent_.resize(m.size() + 1);
    flip_.resize(m.size() + 1);
  }
  std::string name() const override { return "sw"; }

  void sweep(std::span<Spin> s, Rng& rng) override {
    const auto n = static_cast<int32_t>(s.size());
    const int32_t ghost = n;
    std::iota(parent_.begin(), parent_.end(), 0);
    auto es = m_.graph().edges();
    for (size_t k = 0; k < es.size(); ++k) {
      const Edge& e = es[k];
      if (s[e.i] == s[e.j] && rng.next_u32() < edge_thr_[k]) unite(e.i, e.j);
    }
    if (field_)
      for (int32_t i = 0; i < n; ++i)
        if (ghost_satisfied(i, s[i]) && rng.next_u32() < ghost_thr_[i]) unite(i, ghost);
    // Each cluster flips with probability 1/2; coins are drawn in order of first appearance.
    std::fill(flip_.begin(), flip_.end(), int8_t{-1});
    int32_t gr = find(ghost);
    flip_[gr] = 0;  // the ghost's cluster is the reference: flipping it = flipping the rest
    for (int32_t i = 0; i < n; ++i) {
      int32_t r = find(i);
      if (flip_[r] < 0) flip_[r] = static_cast<int8_t>(rng.next_u32() & 1u);
      if (flip_[r]) s[i] = static_cast<Spin>(-s[i]);
    }
  }

 private:
  int32_t find(int32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }
  void unite(int32_t a, int32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) std::swap(a, b);  // smaller index becomes the root: deterministic, shallow enough
    parent_[a] = b;
  }

  std::vector<int32_t> parent_;
  std::vector<int8_t> flip_;
};

}  // namespace

std::unique_ptr<Move> make_wolff(const IsingModel& model, double beta) {
  return std::make_unique<WolffUpdate>(model, beta);
}
std::unique_ptr<Move> make_swendsen_wang(const IsingModel& model, double beta) {
  return std::make_unique<SwendsenWangUpdate>(model, beta);
}

}  // namespace spinlab
