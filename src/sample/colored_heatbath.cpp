// The colour-class heat-bath kernel for networks with one coupling magnitude (see the header).
#include "sample/colored_heatbath.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <new>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "core/error.hpp"
#include "sample/lattice_checkerboard.hpp"
#include "sample/thread_team.hpp"

namespace spinlab {
namespace {

constexpr int64_t kGB = philox_batch::kGroupBlocks, kGW = philox_batch::kGroupWords;
constexpr int64_t kBatchGroups = 16;  // 1024 words (4 KB) per batch: generated and consumed in L1
// Field classes get lookup tables while all tables together stay below 2^20 entries (8 MB).
constexpr int64_t kMaxTableEntries = int64_t{1} << 20;
constexpr int64_t kMinSpinsPerThread = 16384;

// Allocator for the arrays a sweep walks (state, neighbours): buffers of 256 KB and more are
// 2 MB-aligned and marked for transparent huge pages (madvise), since the gathers touch the whole
// state at random and 4 KB pages would miss the TLB on most lanes (1 MB state = 256 pages).
template <class T>
struct HugePages {
  using value_type = T;
  HugePages() = default;
  template <class U>
  HugePages(const HugePages<U>&) {}
  T* allocate(size_t n) {
    constexpr size_t kHuge = size_t{2} << 20;
    const size_t bytes = n * sizeof(T);
    if (bytes < (size_t{256} << 10)) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* ptr = std::aligned_alloc(kHuge, rounded);
    if (!ptr) throw std::bad_alloc();
    madvise(ptr, rounded, MADV_HUGEPAGE);  // a hint: without THP the buffer works as usual
    return static_cast<T*>(ptr);
  }
  void deallocate(T* ptr, size_t n) {
    if (n * sizeof(T) < (size_t{256} << 10))
      ::operator delete(ptr);
    else
      std::free(ptr);
  }
  template <class U>
  bool operator==(const HugePages<U>&) const {
    return true;
  }
};

class ColoredHeatbath final : public SingleSpinMove {
 public:
  ColoredHeatbath(const IsingModel& m, double beta, double J, int threads) : m_(m), J_(J) {
    const Graph& g = m.graph();
    const int32_t n = g.num_vertices();
    int32_t nc = 0;
    const std::vector<int32_t> colour = g.colouring(&nc);
    // Positions: free spins by colour (index order within a colour), then the zealots.
    class_start_.assign(static_cast<size_t>(nc) + 1, 0);
    for (int32_t i = 0; i < n; ++i)
      if (!m.is_frozen(i)) ++class_start_[colour[i] + 1];
    for (int32_t c = 0; c < nc; ++c) class_start_[c + 1] += class_start_[c];
    free_ = class_start_.back();
    node_.resize(n);
    std::vector<int32_t> pos(n);
    {
      std::vector<int64_t> next(class_start_.begin(), class_start_.end() - 1);
      int64_t fz = free_;
      for (int32_t i = 0; i < n; ++i) {
        const int64_t p = m.is_frozen(i) ? fz++ : next[colour[i]]++;
        node_[p] = i;
        pos[i] = static_cast<int32_t>(p);
      }
    }
    // CSR in position labels for the free spins: positive ties first, then negative ones.
    const auto off = g.offsets();
    const auto nb = g.neighbors();
    const auto w = g.weights();
    off_.assign(static_cast<size_t>(free_) + 1, 0);
    npos_.assign(static_cast<size_t>(free_), 0);
    for (int64_t p = 0; p < free_; ++p) off_[p + 1] = off_[p] + g.degree(node_[p]);
    nb_.resize(static_cast<size_t>(off_[free_]));
    for (int64_t p = 0; p < free_; ++p) {
      const int32_t i = node_[p];
      int64_t lo = off_[p], hi = off_[p + 1];
      for (int64_t k = off[i]; k < off[i + 1]; ++k) (w[k] > 0 ? nb_[lo++] : nb_[--hi]) = pos[nb[k]];
      npos_[p] = static_cast<int32_t>(lo - off_[p]);
      signed_ = signed_ || lo != off_[p + 1];
      dmax_ = std::max<int>(dmax_, g.degree(i));
    }
    // Field classes: distinct values of h over the free spins.
    std::map<double, int32_t> classes;
    h_.resize(static_cast<size_t>(free_));
    for (int64_t p = 0; p < free_; ++p) classes.emplace(h_[p] = m.field(node_[p]), 0);
    int32_t id = 0;
    for (auto& [value, k] : classes) {
      k = id++;
      field_values_.push_back(value);
    }
    width_ = 2 * dmax_ + 1;
    table_ = static_cast<int64_t>(field_values_.size()) * width_ <= kMaxTableEntries;
    if (table_ && field_values_.size() > 1) {
      fid_.resize(static_cast<size_t>(free_));
      for (int64_t p = 0; p < free_; ++p) fid_[p] = classes[h_[p]] * width_;
    }
    groups_ = (free_ + kGW - 1) / kGW;
    // One bit per position; + 1 word: the vector gather reads 4 bytes from the byte of bit j.
    x_.assign(static_cast<size_t>((n + 63) / 64 + 1), 0);
    gen_ = philox_batch::avx512_available() ? philox_batch::generate_avx512 : philox_batch::generate_scalar;
    set_beta(beta);
    use_threads(threads);
  }

  void set_beta(double beta) override {
    if (!(beta >= 0.0) || !std::isfinite(beta)) throw InputError("beta must be finite and >= 0");
    beta_ = beta;
    if (!table_) return;
    thr_.resize(field_values_.size() * static_cast<size_t>(width_));
    for (size_t f = 0; f < field_values_.size(); ++f)
      for (int k = -dmax_; k <= dmax_; ++k) thr_[f * width_ + k + dmax_] = threshold(k, field_values_[f]);
  }
  double beta() const override { return beta_; }

  // At most one thread per kMinSpinsPerThread free spins: on small graphs the hand-offs between
  // colour classes cost more than the updates they share.
  int set_threads(int threads) override {
    if (threads < 1 || threads > 1024) throw InputError("threads must be between 1 and 1024");
    return use_threads(static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, free_ / kMinSpinsPerThread))));
  }

  // Exactly `threads` threads (make_colored_heatbath's explicit request).
  int use_threads(int threads) {
    if (threads < 1 || threads > 1024) throw InputError("threads must be between 1 and 1024");
    threads_ = threads;
    team_ = threads > 1 ? std::make_unique<ThreadTeam>(threads) : nullptr;
    buf_.assign(threads, std::vector<uint32_t>(static_cast<size_t>(kBatchGroups * kGW)));
    // Split each class between the threads at equal work (neighbours read + 4 per spin).
    split_.assign((class_start_.size() - 1) * (threads + 1), 0);
    for (size_t c = 0; c + 1 < class_start_.size(); ++c) {
      const int64_t a = class_start_[c], b = class_start_[c + 1];
      auto work = [&](int64_t p) { return off_[p] + 4 * p; };
      const int64_t w0 = work(a), w1 = work(b);
      int64_t* sp = &split_[c * (threads + 1)];
      sp[0] = a;
      sp[threads] = b;
      for (int t = 1; t < threads; ++t) {
        const int64_t target = w0 + (w1 - w0) * t / threads;
        int64_t lo = sp[t - 1], hi = b;  // first p with work(p) >= target
        while (lo < hi) {
          const int64_t mid = (lo + hi) / 2;
          if (work(mid) < target)
            lo = mid + 1;
          else
            hi = mid;
        }
        // Whole 64-bit state words per thread: no word is written by two threads in one pass.
        sp[t] = std::max(sp[t - 1], std::min(b, (lo + 63) / 64 * 64));
      }
    }
    return threads;
  }

  std::string name() const override { return "heatbath-colored"; }
  std::string kernel() const override {
    return std::string(signed_ ? "colored-signed" : "colored") + (table_ ? "-table" : "-exp");
  }

  double flip_probability(int32_t i, std::span<const Spin> s) const override {
    if (m_.is_frozen(i)) return 0.0;
    const double p = static_cast<double>(threshold(neighbour_sum(i, s), m_.field(i))) * 0x1.0p-32;
    return s[i] > 0 ? 1.0 - p : p;  // the threshold is P(new spin = +1)
  }

  void update_site(int32_t i, std::span<Spin> s, Rng& rng) override {
    if (m_.is_frozen(i)) return;
    s[i] = rng.next_u32() < threshold(neighbour_sum(i, s), m_.field(i)) ? 1 : -1;
  }

  void sweep(std::span<Spin> s, Rng& rng) override {
    const uint64_t base = rng.take_blocks(static_cast<uint64_t>(kGB * groups_));
    const uint64_t seed = rng.seed(), stream = rng.stream();
    const int64_t n = static_cast<int64_t>(node_.size());
    Spin* S = s.data();
    const int64_t words = (n + 63) / 64;
    run([&](int t, int T) {  // gather the caller's state into position order, 1 bit per spin
      for (int64_t wi = words * t / T, we = words * (t + 1) / T; wi < we; ++wi) {
        uint64_t w = 0;
        for (int64_t p = 64 * wi, e = std::min(n, 64 * wi + 64); p < e; ++p)
          w |= static_cast<uint64_t>(S[node_[p]] > 0) << (p & 63);
        x_[wi] = w;
      }
    });
    for (size_t c = 0; c + 1 < class_start_.size(); ++c) {
      run([&](int t, int T) {
        const int64_t a = split_[c * (T + 1) + t], b = split_[c * (T + 1) + t + 1];
        if (a < b) update_range(a, b, seed, stream, base, t);
      });
    }
    run([&](int t, int T) {  // and back (zealots never change)
      for (int64_t p = free_ * t / T, e = free_ * (t + 1) / T; p < e; ++p)
        S[node_[p]] = static_cast<Spin>(2 * static_cast<int>((x_[p >> 6] >> (p & 63)) & 1) - 1);
    });
  }

  void order(std::vector<int32_t>* nodes, std::vector<int64_t>* starts) const {
    nodes->assign(node_.begin(), node_.begin() + free_);
    *starts = class_start_;
  }

 private:
  template <class F>
  void run(F&& f) {
    if (!team_) return f(0, 1);
    team_->run(f);
  }

  uint64_t threshold(int k, double h) const {
    // P(s_i = +1) = e^{beta f} / (e^{beta f} + e^{-beta f}), f = J k + h (single_spin.cpp's formula)
    return acceptance_threshold(1.0 / (1.0 + std::exp(-2.0 * beta_ * (J_ * k + h))));
  }

  int neighbour_sum(int32_t i, std::span<const Spin> s) const {
    const Graph& g = m_.graph();
    const auto off = g.offsets();
    const auto nb = g.neighbors();
    const auto w = g.weights();
    int k = 0;
    for (int64_t q = off[i]; q < off[i + 1]; ++q) k += w[q] > 0 ? s[nb[q]] : -s[nb[q]];
    return k;
  }

  // Updates positions a .. b-1 of one class; their words come from groups a/64 .. (b-1)/64.
  void update_range(int64_t a, int64_t b, uint64_t seed, uint64_t stream, uint64_t base, int t) {
    std::vector<uint32_t>& buf = buf_[t];
    for (int64_t g0 = a / kGW; g0 * kGW < b; g0 += kBatchGroups) {
      const int64_t g1 = std::min(g0 + kBatchGroups, (b + kGW - 1) / kGW);
      gen_(seed, stream, base + static_cast<uint64_t>(kGB * g0), static_cast<size_t>(g1 - g0), buf.data());
      const int64_t p0 = std::max(a, g0 * kGW), p1 = std::min(b, g1 * kGW);
      const uint32_t* u = buf.data() - g0 * kGW;  // u[p] is the word of position p
      if (signed_)
        pass<true>(p0, p1, u);
      else
        pass<false>(p0, p1, u);
    }
  }

  // Everything the loop reads sits in locals: stores through Spin* (a char type) may alias any
  // member, which would make the compiler reload them after every update.
  template <bool Signed>
  void pass(int64_t p0, int64_t p1, const uint32_t* __restrict u) {
    uint64_t* __restrict x = x_.data();
    const int32_t* __restrict nb = nb_.data();
    const int64_t* __restrict off = off_.data();
    const int32_t* __restrict npos = npos_.data();
    const int32_t* __restrict fid = fid_.empty() ? nullptr : fid_.data();
    const uint64_t* __restrict thr = table_ ? thr_.data() + dmax_ : nullptr;
    // The current state word is kept in a register: no neighbour of p shares p's class, so the
    // bits the gathers read from it (other classes) are the same in memory and in the register.
    int64_t wi = p0 >> 6;
    uint64_t word = x[wi];
    for (int64_t p = p0; p < p1; ++p) {
      if ((p >> 6) != wi) {
        x[wi] = word;
        word = x[wi = p >> 6];
      }
      const int64_t q0 = off[p], q1 = off[p + 1], qm = Signed ? q0 + npos[p] : q1;
      const int k = neighbour_sum<Signed>(x, nb, q0, qm, q1);
      const uint64_t t = thr ? thr[(fid ? fid[p] : 0) + k] : threshold(k, h_[p]);
      // Bit 1 (spin +1) iff u < t, branch-free (a coin flip a branch predictor cannot learn).
      const uint64_t up = static_cast<uint64_t>(u[p]) < t;
      word = (word & ~(uint64_t{1} << (p & 63))) | (up << (p & 63));
    }
    x[wi] = word;
  }

  // sum_{q0 <= q < qm} s[nb[q]] - sum_{qm <= q < q1} s[nb[q]], s = 2 bit - 1.
  template <bool Signed>
  static inline int neighbour_sum(const uint64_t* __restrict x, const int32_t* __restrict nb, int64_t q0, int64_t qm,
                                  int64_t q1) {
#if defined(__AVX512F__)
    // 16 neighbours per gather: lane j loads the 4 bytes from byte j / 8 of the state (x_ has one
    // word of padding) and keeps bit j % 8. Lanes at q >= qm (negative ties) are subtracted.
    const auto* bytes = reinterpret_cast<const char*>(x);
    const __m512i one = _mm512_set1_epi32(1), seven = _mm512_set1_epi32(7);
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    __m512i acc = _mm512_setzero_si512();
    for (int64_t q = q0; q < q1; q += 16) {
      const int64_t left = q1 - q;
      const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
      const __m512i idx = _mm512_maskz_loadu_epi32(m, nb + q);
      const __m512i v = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, _mm512_srli_epi32(idx, 3), bytes, 1);
      const __m512i bit = _mm512_and_si512(_mm512_srlv_epi32(v, _mm512_and_si512(idx, seven)), one);
      const __m512i spin = _mm512_sub_epi32(_mm512_add_epi32(bit, bit), one);
      if constexpr (Signed) {
        const __mmask16 neg = _mm512_cmpge_epi32_mask(
            _mm512_add_epi32(lane, _mm512_set1_epi32(static_cast<int32_t>(q - qm))), _mm512_setzero_si512());
        acc = _mm512_mask_add_epi32(acc, m & ~neg, acc, spin);
        acc = _mm512_mask_sub_epi32(acc, m & neg, acc, spin);
      } else {
        acc = _mm512_mask_add_epi32(acc, m, acc, spin);
      }
    }
    return _mm512_reduce_add_epi32(acc);
#else
    auto spin = [x](int32_t j) { return 2 * static_cast<int>((x[j >> 6] >> (j & 63)) & 1) - 1; };
    int k = 0;
    for (int64_t q = q0; q < qm; ++q) k += spin(nb[q]);
    if constexpr (Signed)
      for (int64_t q = qm; q < q1; ++q) k -= spin(nb[q]);
    return k;
#endif
  }

  const IsingModel& m_;
  double J_;
  double beta_ = 0.0;
  int64_t free_ = 0, groups_ = 0;
  std::vector<int32_t> node_;                    // node at each position (free spins, then zealots)
  std::vector<int64_t> class_start_;             // first position of each colour, then free_
  std::vector<int64_t> off_;                     // CSR over the free positions
  std::vector<int32_t, HugePages<int32_t>> nb_;  // neighbour positions
  std::vector<int32_t> npos_;                    // count of positive ties per position
  std::vector<double> h_;                        // field per free position
  std::vector<double> field_values_;             // distinct fields (field classes)
  std::vector<int32_t> fid_;                     // field class * width per position (empty: one class)
  std::vector<uint64_t> thr_;                    // P(+1) * 2^32 by (field class, k)
  bool signed_ = false, table_ = false;
  int dmax_ = 0, width_ = 1;
  std::vector<uint64_t, HugePages<uint64_t>> x_;  // the state in position order, bit p = (spin p is +1)
  int threads_ = 1;
  std::unique_ptr<ThreadTeam> team_;
  std::vector<int64_t> split_;              // per class: threads + 1 split positions
  std::vector<std::vector<uint32_t>> buf_;  // random words, one buffer per thread
  void (*gen_)(uint64_t, uint64_t, uint64_t, size_t, uint32_t*) = nullptr;
};

}  // namespace

bool colored_heatbath_applies(const IsingModel& model, double* J) {
  const Graph& g = model.graph();
  if (g.is_dense() || g.num_edges() == 0) return false;
  const double j0 = std::fabs(g.edges()[0].w);
  if (!(j0 > 0.0)) return false;
  for (const Edge& e : g.edges())
    if (std::fabs(e.w) != j0) return false;
  if (J) *J = j0;
  return true;
}

std::unique_ptr<SingleSpinMove> make_colored_heatbath(const IsingModel& model, double beta, int threads) {
  double J = 0.0;
  if (!colored_heatbath_applies(model, &J))
    return make_single_spin(model, beta, SingleSpinRule::HeatBath, SiteOrder::Checkerboard);
  return std::make_unique<ColoredHeatbath>(model, beta, J, threads);
}

void detail::colored_heatbath_order(const SingleSpinMove& move, std::vector<int32_t>* nodes,
                                    std::vector<int64_t>* class_start) {
  const auto* c = dynamic_cast<const ColoredHeatbath*>(&move);
  if (!c) throw InputError("colored heat-bath order: not a heatbath-colored move on a qualifying model");
  c->order(nodes, class_start);
}

}  // namespace spinlab
