// The unweighted-network heat-bath kernel (sample/network_glauber.hpp).
#include "sample/network_glauber.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

#include "core/error.hpp"
#include "sample/thread_team.hpp"

namespace spinlab {
namespace {

class NetworkGlauber final : public Move {
 public:
  NetworkGlauber(const IsingModel& m, double beta, int threads) {
    if (!network_glauber_applies(m))
      throw InputError("glauber-network needs a sparse unweighted network (one coupling J on every tie, one field h)");
    m.is_uniform(&J_, &h_);
    const Graph& g = m.graph();
    n_ = g.num_vertices();
    const auto off = g.offsets();
    const auto nb = g.neighbors();
    // Relabelling: colour class, then BFS order (from the highest-degree unvisited node).
    int32_t nc = 0;
    const std::vector<int32_t> colour = g.colouring(&nc);
    std::vector<int32_t> bfs;
    bfs.reserve(n_);
    std::vector<char> seen(n_, 0);
    std::vector<int32_t> by_degree(n_);
    for (int32_t i = 0; i < n_; ++i) by_degree[i] = i;
    std::stable_sort(by_degree.begin(), by_degree.end(), [&](int32_t a, int32_t b) { return g.degree(a) > g.degree(b); });
    for (int32_t root : by_degree) {
      if (seen[root]) continue;
      seen[root] = 1;
      size_t head = bfs.size();
      bfs.push_back(root);
      while (head < bfs.size()) {
        const int32_t v = bfs[head++];
        for (int64_t k = off[v]; k < off[v + 1]; ++k)
          if (!seen[nb[k]]) seen[nb[k]] = 1, bfs.push_back(nb[k]);
      }
    }
    std::vector<int32_t> rank(n_);
    for (int32_t p = 0; p < n_; ++p) rank[bfs[p]] = p;
    old_.resize(n_);
    for (int32_t i = 0; i < n_; ++i) old_[i] = i;
    std::stable_sort(old_.begin(), old_.end(), [&](int32_t a, int32_t b) {
      return colour[a] != colour[b] ? colour[a] < colour[b] : rank[a] < rank[b];
    });
    std::vector<int32_t> pos(n_);
    for (int32_t p = 0; p < n_; ++p) pos[old_[p]] = p;
    class_start_.assign(nc + 1, 0);
    for (int32_t i = 0; i < n_; ++i) ++class_start_[colour[i] + 1];
    for (int32_t c = 0; c < nc; ++c) class_start_[c + 1] += class_start_[c];
    off_.assign(n_ + 1, 0);
    for (int32_t p = 0; p < n_; ++p) off_[p + 1] = off_[p] + g.degree(old_[p]);
    nb_.resize(off_[n_]);
    for (int32_t p = 0; p < n_; ++p) {
      const int32_t v = old_[p];
      int64_t w = off_[p];
      for (int64_t k = off[v]; k < off[v + 1]; ++k) nb_[w++] = pos[nb[k]];
      std::sort(nb_.begin() + off_[p], nb_.begin() + off_[p + 1]);
      dmax_ = std::max(dmax_, g.degree(v));
    }
    if (m.has_frozen()) {
      frozen_.resize(n_);
      for (int32_t p = 0; p < n_; ++p) frozen_[p] = m.frozen()[old_[p]];
    }
    sp_.resize(n_);
    threads_ = threads > 0 ? threads : (n_ >= 100000 ? 2 : 1);
    if (threads_ > 1) team_ = std::make_unique<ThreadTeam>(threads_);
    set_beta(beta);
  }

  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    // P(s = +1 | neighbour sum k) = 1 / (1 + exp(-2 beta (J k + h))), as heatbath's table.
    thr_.assign(2 * dmax_ + 1, 0);
    for (int k = -dmax_; k <= dmax_; ++k)
      thr_[k + dmax_] = acceptance_threshold(1.0 / (1.0 + std::exp(-2.0 * beta_ * (J_ * k + h_))));
  }
  double beta() const override { return beta_; }
  std::string name() const override { return "glauber-network"; }
  std::string kernel() const override {
    return "network-int32-" + std::to_string(class_start_.size() - 1) + "colours-" + std::to_string(threads_) + "t";
  }

  void sweep(std::span<Spin> s, Rng& rng) override {
    for (int32_t p = 0; p < n_; ++p) sp_[p] = s[old_[p]];
    const uint64_t first = rng.take_blocks((static_cast<uint64_t>(n_) + 3) / 4);
    const uint64_t key = rng.seed(), stream = rng.stream();
    for (size_t c = 0; c + 1 < class_start_.size(); ++c) {
      const int32_t a = class_start_[c], b = class_start_[c + 1];
      if (threads_ == 1 || b - a < 4096) {
        update_range(a, b, key, stream, first);
        continue;
      }
      team_->run([&](int t, int T) {
        // Chunk boundaries on multiples of 4 positions (one Philox block = 4 words).
        const int64_t len = b - a;
        int64_t lo = a + len * t / T, hi = a + len * (t + 1) / T;
        lo = t == 0 ? a : (lo + 3) / 4 * 4;
        hi = t == T - 1 ? b : (hi + 3) / 4 * 4;
        if (lo < hi) update_range(static_cast<int32_t>(lo), static_cast<int32_t>(std::min<int64_t>(hi, b)), key, stream, first);
      });
    }
    for (int32_t p = 0; p < n_; ++p) s[old_[p]] = sp_[p];
  }

 private:
  // Updates positions [a, b); the word for position p is word p % 4 of block first + p / 4.
  void update_range(int32_t a, int32_t b, uint64_t key, uint64_t stream, uint64_t first) {
    Rng r(key, stream, first + static_cast<uint64_t>(a) / 4);
    for (int32_t skip = a % 4; skip > 0; --skip) r.next_u32();
    const int32_t* nb = nb_.data();
    const Spin* sp = sp_.data();
    for (int32_t p = a; p < b; ++p) {
      const uint32_t u = r.next_u32();
      if (!frozen_.empty() && frozen_[p]) continue;  // zealot: its word is skipped, not reused
      int k = 0;
      for (int64_t e = off_[p]; e < off_[p + 1]; ++e) k += sp[nb[e]];
      sp_[p] = u < thr_[k + dmax_] ? 1 : -1;
    }
  }

  int32_t n_ = 0;
  double J_ = 0, h_ = 0, beta_ = 0;
  int dmax_ = 0, threads_ = 1;
  std::vector<int32_t> old_, class_start_, nb_;
  std::vector<int64_t> off_;
  std::vector<Spin> frozen_, sp_;
  std::vector<uint64_t> thr_;  // P(+1 | k) * 2^32 (2^32: always)
  std::unique_ptr<ThreadTeam> team_;
};

}  // namespace

bool network_glauber_applies(const IsingModel& model) {
  double J = 0, h = 0;
  return !model.graph().is_dense() && model.is_uniform(&J, &h);
}

std::unique_ptr<Move> make_network_glauber(const IsingModel& model, double beta, int threads) {
  return std::make_unique<NetworkGlauber>(model, beta, threads);
}

}  // namespace spinlab
