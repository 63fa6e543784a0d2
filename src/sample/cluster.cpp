// Wolff (PRL 62, 361 (1989)) and Swendsen-Wang (PRL 58, 86 (1987)) cluster moves with a ghost
// spin for fields. Buffers are allocated once per move, never per sweep.
//
// Random words. A sweep draws its words in batches from the chain's own stream: each batch
// reserves the next 16 * G Philox blocks with Rng::take_blocks and computes them with
// philox_batch (AVX-512 where available, else the scalar loop; both give the same words), G = 1,
// 2, 4, ... up to 16 groups within one sweep. Words are read in the batch's order and each word
// is used at most once; the words left at the end of a sweep are dropped. So the result depends
// only on (seed, stream) and the calls made, never on timing or the vector width.
//
// Hot loops keep every array pointer, the buffer cursor and the threshold in locals: a store to
// a spin (int8_t, a character type) may alias anything, so members would be reloaded after every
// store. Bond tests are branch-free (their outcomes are unpredictable): a word is consumed (the
// cursor advanced) only when the bond is satisfied; Wolff appends a candidate member to its
// queue unconditionally and advances the tail by the outcome, Swendsen-Wang appends pending
// links the same way. Models whose bonds all have one coupling use one threshold.
#include "sample/cluster.hpp"
#include "sample/union_find.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>

#include "core/error.hpp"
#include "sample/cluster_lattice.hpp"
#include "sample/lattice_checkerboard.hpp"

namespace spinlab {
namespace {

void require_ferromagnetic(const IsingModel& m, const char* algo) {
  if (m.graph().is_dense())
    throw InputError(std::string(algo) + ": cluster moves need a sparse model; this one stores its couplings densely "
                     "(Sherrington-Kirkpatrick). Use metropolis or heatbath.");
  int64_t bad = 0;
  for (const Edge& e : m.graph().edges())
    if (e.w < 0.0) ++bad;
  if (bad > 0)
    throw InputError(std::string(algo) + ": cluster moves need ferromagnetic couplings (J_ij >= 0); " +
                     "this model has " + std::to_string(bad) +
                     " antiferromagnetic bonds. Use metropolis or heatbath.");
}

uint64_t bond_threshold(double beta, double J) { return acceptance_threshold(-std::expm1(-2.0 * beta * J)); }

// flip ? -x : x without a branch (flip is 0 or 1): (x ^ -flip) + flip.
inline Spin negate_if(Spin x, uint32_t flip) {
  return static_cast<Spin>((x ^ -static_cast<int32_t>(flip)) + static_cast<int32_t>(flip));
}

using BatchFn = void (*)(uint64_t, uint64_t, uint64_t, size_t, uint32_t*);
BatchFn batch_generator() {
  return philox_batch::avx512_available() ? philox_batch::generate_avx512 : philox_batch::generate_scalar;
}

// The words of one sweep (see the top of the file). Hot loops copy the cursor (pos, end) into
// locals and call refill() when fewer words are left than the next step may use.
class WordBuffer {
 public:
  static constexpr size_t kMaxGroups = 16;
  static constexpr size_t kW = philox_batch::kGroupWords;

  // max_request: the most words a single refill() may be asked to guarantee.
  void init(size_t max_request) {
    max_request_ = std::max<size_t>(max_request, 1);
    const size_t cap_groups = std::max(kMaxGroups, (max_request_ + kW - 1) / kW);
    buf_.assign(max_request_ + kW * cap_groups, 0);
    gen_ = batch_generator();
  }
  void start(Rng& rng) {
    rng_ = &rng;
    groups_ = 1;
  }
  const uint32_t* data() const { return buf_.data(); }

  // Keeps the unread words [pos, end), moved to the front, and appends a fresh batch so that at
  // least k <= max_request words are unread. Returns the new end; the cursor restarts at 0.
  // (By value, so that callers keep their cursor in registers.)
  size_t refill(size_t pos, size_t end, size_t k) {
    const size_t left = end - pos;
    if (left) std::memmove(buf_.data(), buf_.data() + pos, left * sizeof(uint32_t));
    const size_t want = std::min(k, max_request_);
    const size_t groups = std::max(groups_, (want - std::min(left, want) + kW - 1) / kW);
    const uint64_t first = rng_->take_blocks(philox_batch::kGroupBlocks * groups);
    gen_(rng_->seed(), rng_->stream(), first, groups, buf_.data() + left);
    groups_ = std::min(2 * groups_, kMaxGroups);
    return left + kW * groups;
  }

 private:
  std::vector<uint32_t> buf_;
  size_t max_request_ = 1, groups_ = 1;
  Rng* rng_ = nullptr;
  BatchFn gen_ = nullptr;
};

// Shared state of both cluster moves: per-bond and per-ghost-bond activation thresholds.
class ClusterBase : public Move {
 protected:
  ClusterBase(const IsingModel& m, double beta, const char* algo) : m_(m) {
    require_ferromagnetic(m, algo);
    field_ = m.has_field();
    // The ghost bond (i, ghost) is satisfied when h_i s_i > 0 (s_ghost = +1): when s_i equals
    // the sign of h_i (never for h_i = 0).
    if (field_) {
      ghost_sign_.resize(m.size());
      for (int32_t i = 0; i < m.size(); ++i)
        ghost_sign_[i] = static_cast<Spin>(m.field(i) > 0.0 ? 1 : m.field(i) < 0.0 ? -1 : 0);
    }
    set_beta(beta);
  }

 public:
  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    auto w = m_.graph().weights();
    csr_thr_.resize(w.size());
    for (size_t k = 0; k < w.size(); ++k) csr_thr_[k] = bond_threshold(beta, w[k]);
    // One coupling on every bond: a single threshold instead of a load per bond.
    uniform_ = true;
    for (size_t k = 1; k < w.size() && uniform_; ++k) uniform_ = w[k] == w[0];
    uniform_thr_ = w.empty() ? 0 : csr_thr_[0];
    ghost_thr_.assign(field_ ? m_.size() : 0, 0);
    for (size_t i = 0; i < ghost_thr_.size(); ++i)
      ghost_thr_[i] = bond_threshold(beta, std::fabs(m_.field(static_cast<int32_t>(i))));
  }
  double beta() const override { return beta_; }
  std::string kernel() const override { return field_ ? "csr-ghost" : "csr"; }

 protected:
  const IsingModel& m_;
  double beta_ = 0.0;
  bool field_ = false;
  bool uniform_ = false;
  uint64_t uniform_thr_ = 0;
  std::vector<uint64_t> csr_thr_, ghost_thr_;  // per CSR entry, per site
  std::vector<Spin> ghost_sign_;  // sign of h_i (0 for h_i = 0)
  WordBuffer words_;
};

// Degree of every vertex when all are equal and the CSR rows are back to back (off[i] = D i),
// else 0.
int32_t regular_degree(const Graph& g) {
  auto off = g.offsets();
  const int32_t n = g.num_vertices();
  if (n == 0) return 0;
  const int64_t d = off[1] - off[0];
  for (int32_t i = 0; i <= n; ++i)
    if (off[i] != d * i) return 0;
  return static_cast<int32_t>(d);
}

// Uniform integer in [0, n) from buffered words (Lemire 2019, as Rng::below).
// Cursor in and out through c (not in the hot loops).
struct Cursor {
  size_t pos = 0, end = 0;
};
inline uint32_t below(uint32_t n, WordBuffer& wb, Cursor& c) {
  auto next = [&] {
    if (c.pos == c.end) {
      c.end = wb.refill(c.pos, c.end, 1);
      c.pos = 0;
    }
    return wb.data()[c.pos++];
  };
  uint64_t m = static_cast<uint64_t>(next()) * n;
  auto low = static_cast<uint32_t>(m);
  if (low < n) {
    const uint32_t threshold = static_cast<uint32_t>(-n) % n;
    while (low < threshold) {
      m = static_cast<uint64_t>(next()) * n;
      low = static_cast<uint32_t>(m);
    }
  }
  return static_cast<uint32_t>(m >> 32);
}

// Clusters per Wolff sweep, shared by the CSR and lattice moves. While thermalising: clusters
// until their sizes add up to N, counting how many that took. After freeze(): a fixed
// k = round(mean count) clusters per sweep. A sweep that stops on a size threshold is a
// state-dependent stopping time and biases measurements towards states after large clusters
// (seen as a 60-sigma energy bias on the 4x4 torus).
class WolffSchedule {
 public:
  // One sweep of a move whose grow(spins, cursor) grows and flips one cluster from the words of wb.
  template <class Grow>
  void sweep_with(std::span<Spin> s, WordBuffer& wb, Rng& rng, Grow&& grow) {
    if (s.empty()) return;
    wb.start(rng);
    Cursor c;
    sweep(static_cast<int64_t>(s.size()), [&] { return grow(s.data(), c); });
  }
  // End of thermalisation: tuning sweeps (sweep_once()) until enough were counted, then freeze.
  template <class SweepOnce>
  void finish_tuning(SweepOnce&& sweep_once) {
    if (frozen()) return;
    while (wants_tuning()) sweep_once();
    freeze();
  }
  // grow() grows and flips one cluster and returns its size.
  template <class Grow>
  void sweep(int64_t n, Grow&& grow) {
    if (clusters_per_sweep_ > 0) {
      for (int64_t k = 0; k < clusters_per_sweep_; ++k) grow();
      return;
    }
    int64_t done = 0, clusters = 0;
    while (done < n) {
      done += std::max<int64_t>(1, grow());
      ++clusters;
    }
    recent_[tuning_sweeps_ % recent_.size()] = clusters;
    ++tuning_sweeps_;
  }
  bool frozen() const { return clusters_per_sweep_ > 0; }
  // More tuning sweeps wanted before freeze(): with fewer than kMinTuning (e.g. --therm 0),
  // k = 1 would make a "sweep" a single cluster and inflate tau_int per sweep by orders of
  // magnitude.
  bool wants_tuning() const { return tuning_sweeps_ < kMinTuning; }
  // k from the latest sweeps only (up to 64, at most the second half of thermalisation): early
  // sweeps from a hot start have small clusters and would make k needlessly large.
  void freeze() {
    const int64_t use = std::min<int64_t>(static_cast<int64_t>(recent_.size()), (tuning_sweeps_ + 1) / 2);
    int64_t total = 0;
    for (int64_t k = 1; k <= use; ++k) total += recent_[(tuning_sweeps_ - k) % recent_.size()];
    clusters_per_sweep_ = use > 0 ? std::max<int64_t>(1, std::llround(static_cast<double>(total) / use)) : 1;
  }

 private:
  static constexpr int64_t kMinTuning = 16;
  int64_t clusters_per_sweep_ = 0;  // 0 while tuning
  int64_t tuning_sweeps_ = 0;
  std::array<int64_t, 64> recent_{};  // clusters used by the latest tuning sweeps (ring)
};

class WolffUpdate final : public ClusterBase {
 public:
  WolffUpdate(const IsingModel& m, double beta) : ClusterBase(m, beta, "wolff") {
    if (field_) mark_.assign(m.size(), 0);
    queue_.assign(static_cast<size_t>(m.size()) + 3, 0);  // + 3: append and look-ahead past a full cluster
    degree_ = regular_degree(m.graph());
    // Per refill: a vertex's neighbours plus its ghost bond, or a chunk of ghost bonds.
    words_.init(std::max<size_t>(static_cast<size_t>(m.graph().max_degree()) + 1, kGhostChunk));
  }
  std::string name() const override { return "wolff"; }

  // Clusters per sweep: see WolffSchedule.
  void sweep(std::span<Spin> s, Rng& rng) override {
    schedule_.sweep_with(s, words_, rng, [this](Spin* sp, Cursor& c) { return grow_and_flip(sp, c); });
  }
  void end_thermalization(std::span<Spin> s, Rng& rng) override {
    schedule_.finish_tuning([&] { sweep(s, rng); });
  }

 private:
  int64_t grow_and_flip(Spin* s, Cursor& c) {
    if (field_) return uniform_ ? grow_ghost<true>(s, c) : grow_ghost<false>(s, c);
    switch (degree_) {
      case 4: return uniform_ ? grow_regular<4, true>(s, c) : grow_regular<4, false>(s, c);
      case 6: return uniform_ ? grow_regular<6, true>(s, c) : grow_regular<6, false>(s, c);
      default: return uniform_ ? grow<true>(s, c) : grow<false>(s, c);
    }
  }

  // No field: every member has the seed's spin s0 and is flipped when it joins, so "not yet in
  // the cluster and satisfied" is just s_j == s0 (no marks).
  //
  // Software-pipelined: the next member's neighbour list is loaded (into registers, or a local
  // copy) before this member's spins are stored, so the store addresses are known by the time
  // later loads of s[] run. Otherwise those loads run ahead of stores to the same sites (members
  // close in the queue share neighbours) and are replayed; that more than halved the speed.
  template <bool Uniform>
  [[gnu::noinline]] int64_t grow(Spin* __restrict s, Cursor& c) {
    const int32_t n = m_.size();
    const int64_t* __restrict off = m_.graph().offsets().data();
    const int32_t* __restrict nb = m_.graph().neighbors().data();
    const int64_t nnb = off[n];
    const uint64_t* __restrict thr = csr_thr_.data();
    const uint64_t t0 = uniform_thr_;
    int32_t* __restrict q = queue_.data();
    WordBuffer& wb = words_;
    const uint32_t* __restrict w = wb.data();
    const auto seed = static_cast<int32_t>(below(static_cast<uint32_t>(n), wb, c));
    size_t pos = c.pos, end = c.end;
    const Spin s0 = s[seed], f0 = static_cast<Spin>(-s0);
    s[seed] = f0;
    q[0] = seed;
    int32_t tail = 1;
    // Rows of up to kPipe neighbours are copied whole (a fixed-size copy where the array allows).
    alignas(64) int32_t buf[2][kPipe];
    auto fetch = [&](int32_t v, int32_t* dst, int64_t& b, int64_t& d) { fetch_row(off, nb, nnb, v, dst, b, d); };
    int32_t *cur = buf[0], *nxt = buf[1];
    int64_t b, d, bn, dn;
    fetch(seed, cur, b, d);
    for (int32_t head = 0; head < tail; ++head) {
      const int32_t tail0 = tail;
      fetch(q[head + 1], nxt, bn, dn);  // q[head + 1] is a site index even before it is written
      __builtin_prefetch(nb + off[q[head + 2]]);
      __builtin_prefetch(off + q[head + 3]);
      if (end - pos < static_cast<size_t>(d)) {
        end = wb.refill(pos, end, static_cast<size_t>(d));
        pos = 0;
      }
      const int32_t* __restrict row = d <= kPipe ? cur : nb + b;
      for (int64_t k = 0; k < d; ++k) {
        const int32_t j = row[k];
        const Spin sj = s[j];
        const bool cand = sj == s0;
        const uint32_t u = w[pos];
        pos += cand;
        const bool take = cand & (u < (Uniform ? t0 : thr[b + k]));
        s[j] = negate_if(sj, take);  // take ? f0 : sj, without a branch (take implies sj = s0)
        q[tail] = j;
        tail += take;
      }
      if (head + 1 >= tail0) [[unlikely]]  // the next member joined just now
        fetch(q[head + 1], nxt, bn, dn);
      std::swap(cur, nxt);
      b = bn;
      d = dn;
    }
    c.pos = pos;
    c.end = end;
    return tail;
  }

  // The same on a D-regular CSR graph (rows at D i): the rows live in registers.
  template <int D, bool Uniform>
  [[gnu::noinline]] int64_t grow_regular(Spin* __restrict s, Cursor& c) {
    const int32_t n = m_.size();
    const int32_t* __restrict nb = m_.graph().neighbors().data();
    const uint64_t* __restrict thr = csr_thr_.data();
    const uint64_t t0 = uniform_thr_;
    int32_t* __restrict q = queue_.data();
    WordBuffer& wb = words_;
    const uint32_t* __restrict w = wb.data();
    const auto seed = static_cast<int32_t>(below(static_cast<uint32_t>(n), wb, c));
    size_t pos = c.pos, end = c.end;
    const Spin s0 = s[seed], f0 = static_cast<Spin>(-s0);
    s[seed] = f0;
    q[0] = seed;
    int32_t tail = 1;
    int32_t i = seed;
    int32_t cur[D];
    for (int k = 0; k < D; ++k) cur[k] = nb[int64_t{D} * i + k];
    for (int32_t head = 0; head < tail; ++head) {
      // q[head + 1] is a site index even before it is written (q holds indices only).
      const int32_t tail0 = tail;
      int32_t inext = q[head + 1];
      int32_t nxt[D];
      for (int k = 0; k < D; ++k) nxt[k] = nb[int64_t{D} * inext + k];
      __builtin_prefetch(nb + int64_t{D} * q[head + 2]);
      if (end - pos < static_cast<size_t>(D)) {
        end = wb.refill(pos, end, D);
        pos = 0;
      }
      for (int k = 0; k < D; ++k) {
        const int32_t j = cur[k];
        const Spin sj = s[j];
        const bool cand = sj == s0;
        const uint32_t u = w[pos];
        pos += cand;
        const bool take = cand & (u < (Uniform ? t0 : thr[int64_t{D} * i + k]));
        s[j] = negate_if(sj, take);  // take ? f0 : sj, without a branch (take implies sj = s0)
        q[tail] = j;
        tail += take;
      }
      if (head + 1 >= tail0) [[unlikely]] {  // the next member joined just now
        inext = q[head + 1];
        for (int k = 0; k < D; ++k) nxt[k] = nb[int64_t{D} * inext + k];
      }
      i = inext;
      for (int k = 0; k < D; ++k) cur[k] = nxt[k];
    }
    c.pos = pos;
    c.end = end;
    return tail;
  }

  // With a field: the ghost may join, and then pulls in spins of either sign, so membership is
  // kept in generation marks and the spins flip at the end (the cluster, or its complement
  // when it holds the ghost: the same state up to a global flip). Pipelined as grow().
  template <bool Uniform>
  [[gnu::noinline]] int64_t grow_ghost(Spin* __restrict s, Cursor& c) {
    const int32_t n = m_.size();
    if (++gen_ == 0) {  // generation counter wrapped: clear marks once
      std::fill(mark_.begin(), mark_.end(), 0);
      gen_ = 1;
    }
    const uint32_t g = gen_;
    const int64_t* __restrict off = m_.graph().offsets().data();
    const int32_t* __restrict nb = m_.graph().neighbors().data();
    const int64_t nnb = off[n];
    const uint64_t* __restrict thr = csr_thr_.data();
    const uint64_t* __restrict gthr = ghost_thr_.data();
    const Spin* __restrict gsign = ghost_sign_.data();
    const uint64_t t0 = uniform_thr_;
    uint32_t* __restrict mark = mark_.data();
    int32_t* __restrict q = queue_.data();
    WordBuffer& wb = words_;
    const uint32_t* __restrict w = wb.data();
    const auto seed = static_cast<int32_t>(below(static_cast<uint32_t>(n), wb, c));
    size_t pos = c.pos, end = c.end;
    bool ghost_in = false;
    mark[seed] = g;
    q[0] = seed;
    int32_t tail = 1;
    alignas(64) int32_t buf[2][kPipe];
    auto fetch = [&](int32_t v, int32_t* dst, int64_t& b, int64_t& d) { fetch_row(off, nb, nnb, v, dst, b, d); };
    int32_t *cur = buf[0], *nxt = buf[1];
    int64_t b, d, bn, dn;
    fetch(seed, cur, b, d);
    for (int32_t head = 0; head < tail; ++head) {
      const int32_t tail0 = tail;
      const int32_t i = q[head];
      const Spin si = s[i];
      fetch(q[head + 1], nxt, bn, dn);  // q[head + 1] is a site index even before it is written
      __builtin_prefetch(nb + off[q[head + 2]]);
      __builtin_prefetch(off + q[head + 3]);
      if (end - pos < static_cast<size_t>(d) + 1) {
        end = wb.refill(pos, end, static_cast<size_t>(d) + 1);
        pos = 0;
      }
      const int32_t* __restrict row = d <= kPipe ? cur : nb + b;
      for (int64_t k = 0; k < d; ++k) {
        const int32_t j = row[k];
        const uint32_t mj = mark[j];
        const bool cand = (mj != g) & (s[j] == si);
        const uint32_t u = w[pos];
        pos += cand;
        const bool take = cand & (u < (Uniform ? t0 : thr[b + k]));
        mark[j] = mj ^ ((mj ^ g) & -static_cast<uint32_t>(take));  // take ? g : mj, without a branch
        q[tail] = j;
        tail += take;
      }
      if (!ghost_in && gsign[i] == si && w[pos++] < gthr[i]) [[unlikely]] {
        ghost_in = true;  // the ghost joins: every satisfied ghost bond may pull its spin in
        for (int32_t j0 = 0; j0 < n; j0 += kGhostChunk) {
          const int32_t j1 = std::min<int32_t>(n, j0 + kGhostChunk);
          if (end - pos < static_cast<size_t>(j1 - j0)) {
            end = wb.refill(pos, end, static_cast<size_t>(j1 - j0));
            pos = 0;
          }
          for (int32_t j = j0; j < j1; ++j) {
            const uint32_t mj = mark[j];
            const bool cand = (mj != g) & (gsign[j] == s[j]);
            const uint32_t u = w[pos];
            pos += cand;
            const bool take = cand & (u < gthr[j]);
            mark[j] = mj ^ ((mj ^ g) & -static_cast<uint32_t>(take));
            q[tail] = j;
            tail += take;
          }
        }
      }
      if (head + 1 >= tail0) [[unlikely]]  // the next member joined just now
        fetch(q[head + 1], nxt, bn, dn);
      std::swap(cur, nxt);
      b = bn;
      d = dn;
    }
    if (ghost_in) {
      for (int32_t j = 0; j < n; ++j) s[j] = negate_if(s[j], mark[j] != g);
    } else {
      for (int32_t k = 0; k < tail; ++k) s[q[k]] = static_cast<Spin>(-s[q[k]]);
    }
    c.pos = pos;
    c.end = end;
    return tail;
  }

  static constexpr int kPipe = 16;           // longest row the pipeline copies
  // Copies the neighbour row of v (offset *b, length *d) into dst: a fixed-size copy of kPipe
  // entries where the array allows (so the compiler emits two vector moves), else element-wise.
  static void fetch_row(const int64_t* off, const int32_t* nb, int64_t nnb, int32_t v, int32_t* dst,
                        int64_t& b, int64_t& d) {
    b = off[v];
    d = off[v + 1] - b;
    if (b + kPipe <= nnb) {
      for (int k = 0; k < kPipe; ++k) dst[k] = nb[b + k];
    } else {
      for (int64_t k = 0; k < std::min<int64_t>(d, kPipe); ++k) dst[k] = nb[b + k];
    }
  }
  static constexpr int32_t kGhostChunk = 256;  // ghost bonds per check of the word buffer
  std::vector<uint32_t> mark_;
  uint32_t gen_ = 0;
  int32_t degree_ = 0;
  WolffSchedule schedule_;
  std::vector<int32_t> queue_;        // the cluster's members in the order they joined
};

// Wolff on a uniform periodic 2D/3D lattice without a field ("lattice-stack"; see
// cluster_lattice.hpp): neighbours by index arithmetic (x and y from i by multiplications, no
// division), members on a preallocated stack, one threshold. Words as in WolffUpdate.
template <int D>
class LatticeWolff final : public Move {
 public:
  LatticeWolff(const IsingModel& m, double beta) {
    const Lattice& lat = *m.lattice();
    lat.is_uniform(&J_);
    L0_ = lat.extent(0);
    L1_ = lat.extent(1);
    n_ = static_cast<int32_t>(lat.num_sites());
    plane_ = L0_ * L1_;
    div0_ = ~uint64_t{0} / static_cast<uint64_t>(L0_) + 1;  // L0, L1 >= 3
    div1_ = ~uint64_t{0} / static_cast<uint64_t>(L1_) + 1;
    stack_.assign(static_cast<size_t>(n_) + 2 * D + 1, 0);
    words_.init(2 * D);
    set_beta(beta);
  }
  std::string name() const override { return "wolff"; }
  std::string kernel() const override { return "lattice-stack"; }
  double beta() const override { return beta_; }
  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    thr_ = bond_threshold(beta, J_);
  }
  void sweep(std::span<Spin> s, Rng& rng) override {
    schedule_.sweep_with(s, words_, rng, [this](Spin* sp, Cursor& c) { return grow_and_flip(sp, c); });
  }
  void end_thermalization(std::span<Spin> s, Rng& rng) override {
    schedule_.finish_tuning([&] { sweep(s, rng); });
  }

 private:
  // a / d for 32-bit a (Lemire, Kaser, Kurz 2019: exact for every 32-bit a and d > 1).
  static uint32_t fastdiv(uint32_t a, uint64_t m) {
    return static_cast<uint32_t>((static_cast<unsigned __int128>(m) * a) >> 64);
  }

  // Every member has the seed's spin s0 and is flipped when pushed, so "not yet in the cluster
  // and satisfied" is s_j == s0. Neighbours in the order (+z, -z,) +y, -y, +x, -x; the x
  // neighbours, pushed last and popped first, share cache lines with the member.
  //
  // Stack entries hold a site and its x (no division for the x neighbours). The next member is
  // picked in registers, the last neighbour taken or else the entry below: popping it from
  // memory would put a store-to-load round trip on the chain from one member to the next.
  [[gnu::noinline]] int64_t grow_and_flip(Spin* __restrict s, Cursor& c) {
    const int32_t n = n_, L0 = L0_, L1 = L1_, plane = plane_;
    const uint64_t d0 = div0_, d1 = div1_, t0 = thr_;
    uint64_t* __restrict st = stack_.data();  // st[0]: the sentinel; entries from st[1]
    WordBuffer& wb = words_;
    const uint32_t* __restrict w = wb.data();
    const auto seed = static_cast<int32_t>(below(static_cast<uint32_t>(n), wb, c));
    size_t pos = c.pos, end = c.end;
    const Spin s0 = s[seed];
    s[seed] = static_cast<Spin>(-s0);
    auto entry = [](int32_t i, int32_t x) { return static_cast<uint32_t>(i) | static_cast<uint64_t>(x) << 32; };
    constexpr uint64_t kEmpty = ~uint64_t{0};
    st[0] = kEmpty;
    uint64_t cur = entry(seed, seed - static_cast<int32_t>(fastdiv(static_cast<uint32_t>(seed), d0)) * L0);
    int64_t top = 0, size = 1;
    const int32_t far = D == 2 ? L0 : plane;
    for (;;) {
      const auto i = static_cast<int32_t>(cur);
      const auto x = static_cast<int32_t>(cur >> 32);
      uint64_t next = st[top];  // the entry below, unless a neighbour is taken
      int32_t nb[2 * D], nx[2 * D];
      constexpr int kx = 2 * D - 2;
      nb[kx] = x == L0 - 1 ? i - (L0 - 1) : i + 1;
      nx[kx] = x == L0 - 1 ? 0 : x + 1;
      nb[kx + 1] = x == 0 ? i + (L0 - 1) : i - 1;
      nx[kx + 1] = x == 0 ? L0 - 1 : x - 1;
      for (int k = 0; k < kx; ++k) nx[k] = x;
      if constexpr (D == 2) {
        nb[0] = i >= n - L0 ? i - (n - L0) : i + L0;
        nb[1] = i < L0 ? i + (n - L0) : i - L0;
      } else {
        const auto r = static_cast<int32_t>(fastdiv(static_cast<uint32_t>(i), d0));
        const int32_t y = r - static_cast<int32_t>(fastdiv(static_cast<uint32_t>(r), d1)) * L1;
        nb[0] = i >= n - plane ? i - (n - plane) : i + plane;
        nb[1] = i < plane ? i + (n - plane) : i - plane;
        nb[2] = y == L1 - 1 ? i - (plane - L0) : i + L0;
        nb[3] = y == 0 ? i + (plane - L0) : i - L0;
      }
      // The rows two steps away along the slowest axis: where a member pushed now looks next.
      __builtin_prefetch(s + std::min(i + 2 * far, n - 1));
      __builtin_prefetch(s + std::max(i - 2 * far, 0));
      if (end - pos < static_cast<size_t>(2 * D)) [[unlikely]] {
        end = wb.refill(pos, end, 2 * D);
        pos = 0;
      }
      const int64_t top0 = top;
      for (int k = 0; k < 2 * D; ++k) {
        const int32_t j = nb[k];
        const Spin sj = s[j];
        const bool cand = sj == s0;
        const uint32_t u = w[pos];
        pos += cand;
        const bool take = cand & (u < t0);
        s[j] = negate_if(sj, take);  // take ? -s0 : sj, without a branch
        const uint64_t e = entry(j, nx[k]);
        st[top + 1] = e;
        top += take;
        next = take ? e : next;
      }
      size += top - top0;
      --top;  // pop next: the last entry pushed, or the one below
      if (next == kEmpty) break;
      cur = next;
    }
    c.pos = pos;
    c.end = end;
    return size;
  }

  double J_ = 1.0, beta_ = 0.0;
  uint64_t thr_ = 0;
  int32_t L0_ = 0, L1_ = 0, n_ = 0, plane_ = 0;
  uint64_t div0_ = 0, div1_ = 0;
  std::vector<uint64_t> stack_;  // (site, x) entries
  WordBuffer words_;
  WolffSchedule schedule_;
};

class SwendsenWangUpdate final : public ClusterBase {
 public:
  SwendsenWangUpdate(const IsingModel& m, double beta) : ClusterBase(m, beta, "swendsen-wang") {
    const int32_t n = m.size();
    parent_.resize(static_cast<size_t>(n) + 1);
    const size_t coin_words = (static_cast<size_t>(n) + 1 + 31) / 32;
    coin_groups_ = (coin_words + philox_batch::kGroupWords - 1) / philox_batch::kGroupWords;
    coins_.assign(coin_groups_ * philox_batch::kGroupWords, 0);
    gen_ = batch_generator();
    // Each edge once, from its larger end j to its smaller end i: bwd rows in CSR order.
    auto off = m.graph().offsets();
    auto nb = m.graph().neighbors();
    bwd_off_.assign(static_cast<size_t>(n) + 1, 0);
    for (int32_t j = 0; j < n; ++j) {
      for (int64_t e = off[j]; e < off[j + 1]; ++e)
        if (nb[e] < j) {
          bwd_nb_.push_back(nb[e]);
          bwd_csr_.push_back(e);
        }
      bwd_off_[j + 1] = static_cast<int64_t>(bwd_nb_.size());
    }
    pending_.assign(2 * bwd_nb_.size() + 2, 0);
    int64_t max_block = 0;  // most bonds in a block of kBlock sites
    for (int32_t j0 = 0; j0 < n; j0 += kBlock)
      max_block = std::max(max_block, bwd_off_[std::min<int32_t>(n, j0 + kBlock)] - bwd_off_[j0]);
    words_.init(std::max<size_t>(static_cast<size_t>(max_block), kChunk));
  }
  std::string name() const override { return "sw"; }

  // Sites in index order; each activates its bonds to smaller neighbours (each edge once, with
  // its FK probability). The first active bond makes that neighbour's parent the site's parent;
  // each further one is queued and the trees are linked after the scan (Rem's union). Then
  // the ghost bonds. Every parent index is at most its child's, so a tree's root is its smallest
  // site. The cluster with root r flips when bit r of the coin words is set, except the
  // ghost's cluster: it is the reference (flipping it = flipping the rest).
  void sweep(std::span<Spin> sp, Rng& rng) override {
    if (uniform_)
      sweep_impl<true>(sp, rng);
    else
      sweep_impl<false>(sp, rng);
  }

 private:
  template <bool Uniform>
  void sweep_impl(std::span<Spin> sp, Rng& rng) {
    const auto n = static_cast<int32_t>(sp.size());
    const int32_t ghost = n;
    Spin* __restrict s = sp.data();
    int32_t* __restrict P = parent_.data();
    const int64_t* __restrict boff = bwd_off_.data();
    const int32_t* __restrict bnb = bwd_nb_.data();
    const int64_t* __restrict bcsr = bwd_csr_.data();
    const uint64_t* __restrict thr = csr_thr_.data();
    const uint64_t t0 = uniform_thr_;
    words_.start(rng);
    const uint32_t* __restrict w = words_.data();
    size_t pos = 0, end = 0;
    int32_t lab[kMaxFast + 1];
    int32_t* __restrict pend = pending_.data();  // pairs of labels to link after the scan
    int64_t np = 0;

    // Blocks of kBlock sites: one check of the word buffer per block (enough for every bond).
    for (int32_t j0 = 0; j0 < n; j0 += kBlock) {
      const int32_t j1 = std::min<int32_t>(n, j0 + kBlock);
      int64_t b = boff[j0];
      if (end - pos < static_cast<size_t>(boff[j1] - b)) {
        end = words_.refill(pos, end, static_cast<size_t>(boff[j1] - b));
        pos = 0;
      }
      for (int32_t j = j0; j < j1; ++j) {
        const int64_t e = boff[j + 1], d = e - b;
        const Spin sj = s[j];
        const int32_t* __restrict row = bnb + b;
        int32_t label = j;  // j's parent: itself, or a neighbour's parent if joined by an active bond
        // The first active bond gives j its parent: the parent of that neighbour, read back from
        // lab[] (lab[k] = parent of the k-th neighbour, lab[d] = j for none). Selecting through
        // memory makes P[j] depend on the chosen parent only; a cmov would wait for every
        // neighbour's load, P[j-1] included, chaining the sites one after another. Every store
        // goes to a fixed slot, so later loads never wait on an unknown store address.
        // W > 0: the row length as a constant (an unrolled copy for the common length).
        auto scan_row = [&]<int W>(int64_t dd) {
          const int64_t d = W > 0 ? W : dd;
          uint64_t active = 0;
          for (int64_t k = 0; k < d; ++k) {
            const int32_t i = row[k];
            const bool cand = s[i] == sj;
            const uint32_t u = w[pos];
            pos += cand;
            const bool act = cand & (u < (Uniform ? t0 : thr[bcsr[b + k]]));
            lab[k] = P[i];
            active |= static_cast<uint64_t>(act) << k;
          }
          lab[d] = j;
          // The index is data, not a branch (which bond is active is unpredictable); the asm
          // keeps GCC from turning the load back into selects.
          int32_t f = std::countr_zero(active | (uint64_t{1} << d));
          asm("" : "+r"(f));
          const int32_t lbl = lab[f];
          // Further active bonds: their trees are linked after the scan (pairs appended
          // without a branch; none when the parents agree).
          const uint64_t rest = active & (active - 1);
          for (int64_t k = 1; k < d; ++k) {
            pend[2 * np] = lbl;
            pend[2 * np + 1] = lab[k];
            np += static_cast<int64_t>((rest >> k) & 1u) & (lab[k] != lbl);
          }
          return lbl;
        };
        if (d == 2) {
          label = scan_row.template operator()<2>(d);
        } else if (d <= kMaxFast) [[likely]] {
          label = scan_row.template operator()<0>(d);
        } else {
          bool any = false;
          for (int64_t k = 0; k < d; ++k) {
            const int32_t i = row[k];
            const bool cand = s[i] == sj;
            const uint32_t u = w[pos];
            pos += cand;
            if (cand & (u < (Uniform ? t0 : thr[bcsr[b + k]]))) {
              label = any ? uf_link(P, label, i) : i;
              any = true;
            }
          }
        }
        P[j] = label;
        b = e;
      }
    }
    for (int64_t p = 0; p < np; ++p) uf_rem_union(P, pend[2 * p], pend[2 * p + 1]);
    P[ghost] = ghost;
    if (field_) {
      const uint64_t* __restrict gthr = ghost_thr_.data();
      const Spin* __restrict gsign = ghost_sign_.data();
      for (int32_t i0 = 0; i0 < n; i0 += kChunk) {
        const int32_t i1 = std::min<int32_t>(n, i0 + kChunk);
        if (end - pos < static_cast<size_t>(i1 - i0)) {
          end = words_.refill(pos, end, static_cast<size_t>(i1 - i0));
          pos = 0;
        }
        for (int32_t i = i0; i < i1; ++i) {
          const bool cand = gsign[i] == s[i];
          const uint32_t u = w[pos];
          pos += cand;
          if (cand & (u < gthr[i])) uf_rem_union(P, i, ghost);
        }
      }
    }
    // Coins: bit r of the coin words for the cluster rooted at r.
    const uint64_t first = rng.take_blocks(philox_batch::kGroupBlocks * coin_groups_);
    gen_(rng.seed(), rng.stream(), first, coin_groups_, coins_.data());
    const uint32_t* __restrict cw = coins_.data();
    const int32_t rg = uf_find(P, ghost);
    // In index order every parent p < i already points at its root, so root(i) = P[P[i]].
    for (int32_t i = 0; i < n; ++i) {
      const int32_t r = P[P[i]];
      P[i] = r;
      const uint32_t flip = ((cw[r >> 5] >> (r & 31)) & 1u) & static_cast<uint32_t>(r != rg);
      s[i] = negate_if(s[i], flip);
    }
  }

  static constexpr size_t kChunk = 256;   // ghost bonds per check of the word buffer
  static constexpr int32_t kBlock = 64;   // sites per check of the word buffer
  static constexpr int64_t kMaxFast = 63;  // backward degree up to which the branch-free loop runs
  std::vector<int32_t> parent_;
  std::vector<int64_t> bwd_off_, bwd_csr_;
  std::vector<int32_t> bwd_nb_, pending_;
  std::vector<uint32_t> coins_;
  size_t coin_groups_ = 0;
  BatchFn gen_ = nullptr;
};

}  // namespace

// Uniform periodic lattices without a field take the lattice kernel (cluster_lattice.hpp).
std::unique_ptr<Move> make_wolff(const IsingModel& model, double beta) {
  if (model.has_frozen()) throw InputError("--algo wolff: zealots (frozen spins) need a single-spin move");
  if (cluster_lattice_applies(model)) {
    if (model.lattice()->dim() == 2) return std::make_unique<LatticeWolff<2>>(model, beta);
    return std::make_unique<LatticeWolff<3>>(model, beta);
  }
  return std::make_unique<WolffUpdate>(model, beta);
}
// Uniform periodic lattices without a field take the bit-mask kernel (cluster_lattice.hpp).
std::unique_ptr<Move> make_swendsen_wang(const IsingModel& model, double beta) {
  if (model.has_frozen()) throw InputError("--algo sw: zealots (frozen spins) need a single-spin move");
  if (cluster_lattice_applies(model)) return make_lattice_swendsen_wang(model, beta);
  return std::make_unique<SwendsenWangUpdate>(model, beta);
}

}  // namespace spinlab
