// Simulated annealing kernel: cached local fields, exact integer thresholds where the couplings
// are integers (Gset, +-J glasses), batched Philox words, reads spread over threads.
#include "solve/anneal.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sample/lattice_checkerboard.hpp"
#include "solve/anneal_batch.hpp"

namespace spinlab {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

bool integer_couplings(const IsingModel& m, double* unit, int64_t* kmax) {
  const CouplingRows<double> rows(m.graph(), m.graph().weights().data());
  for (int p = 0; p <= 4; ++p) {
    const double q = std::ldexp(1.0, -p);
    auto whole = [q](double x) { return x / q == std::nearbyint(x / q); };
    int64_t km = 0;
    bool ok = true;
    for (int32_t i = 0; i < m.size() && ok; ++i) {
      double sum = std::fabs(m.field(i)) / q;
      ok = whole(m.field(i));
      rows.for_row(i, [&](int32_t, double w) {
        ok = ok && whole(w);
        sum += std::fabs(w) / q;
      });
      ok = ok && sum <= (1 << 20);
      km = std::max<int64_t>(km, static_cast<int64_t>(sum));
    }
    if (ok) {
      *unit = q;
      *kmax = km;
      return true;
    }
  }
  return false;
}

namespace {

struct Shared {
  std::mutex mu;
  AnnealResult* result;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> reads_done{0}, sweeps_done{0};
  Clock::time_point t0, last_report;
  const AnnealOptions* o;

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - t0).count(); }

  // False once another read met the target or the time limit passed (then flagged).
  bool keep_going() {
    if (stop.load(std::memory_order_relaxed)) return false;
    if (elapsed() <= o->time_limit_s) return true;
    std::lock_guard lock(mu);
    result->stopped_by_time = true;
    stop = true;
    return false;
  }

  // A read's state with energy e; keeps the best (ties: lower read index).
  void offer(const std::vector<Spin>& s, double e, int64_t read, int64_t& best_read) {
    std::lock_guard lock(mu);
    if (e < result->best_energy || (e == result->best_energy && read < best_read)) {
      const bool better = e < result->best_energy;
      result->best_energy = e;
      result->best_state = s;
      best_read = read;
      if (better) {
        result->time_to_best_s = elapsed();
        if (o->progress) report_locked();
      }
    }
    if (o->target_energy && result->best_energy <= *o->target_energy) {
      result->reached_target = true;
      stop = true;
    }
  }
  // A read that ran its whole schedule ended at energy e.
  void finish_read(int64_t read, double e) {
    std::lock_guard lock(mu);
    result->read_energies[static_cast<size_t>(read)] = e;
    reads_done.fetch_add(1);
  }
  void report_locked() {
    last_report = Clock::now();
    o->progress({result->best_energy, elapsed(), reads_done.load(), sweeps_done.load()});
  }
  void tick() {
    if (!o->progress) return;
    std::unique_lock lock(mu, std::try_to_lock);
    if (lock.owns_lock() && Clock::now() - last_report > std::chrono::milliseconds(250)) report_locked();
  }
};

template <class F>
class Annealer {
 public:
  // Fields and couplings are stored in units of `unit` (1 for the double kernel).
  Annealer(const IsingModel& m, const std::vector<double>& betas, double unit, int64_t kmax)
      : m_(m), betas_(betas), unit_(unit), kmax_(kmax), n_(m.size()) {
    const auto w = m.graph().weights();
    if constexpr (std::is_same_v<F, double>) {
      if (unit == 1.0) wp_ = w.data();  // no per-thread copy (8 n^2 bytes for dense SK)
    }
    if (!wp_) {
      w_.resize(w.size());
      for (size_t k = 0; k < w.size(); ++k) w_[k] = static_cast<F>(w[k] / unit);
      wp_ = w_.data();
    }
    ngroups_ = (static_cast<size_t>(n_) + philox_batch::kGroupWords - 1) / philox_batch::kGroupWords;
    gen_ = philox_batch::avx512_available() ? philox_batch::generate_avx512 : philox_batch::generate_scalar;
  }

  void run(int64_t read, uint64_t seed, Shared& sh, int64_t& best_read) {
    Rng rng(seed, static_cast<uint64_t>(read));
    std::vector<Spin> s = hot_state(n_, rng), best;
    std::vector<F> f(n_);
    const CouplingRows<F> rows(m_.graph(), wp_);
    for (int32_t i = 0; i < n_; ++i) f[i] = rows.dot(i, s.data(), static_cast<F>(m_.field(i) / unit_));
    double e = m_.energy(s), best_e = std::numeric_limits<double>::infinity();
    std::vector<uint32_t> u(ngroups_ * philox_batch::kGroupWords);
    std::vector<uint64_t> thr(2 * static_cast<size_t>(kmax_) + 1);
    bool finished = true;
    for (size_t t = 0; t < betas_.size(); ++t) {
      if (!sh.keep_going()) {
        finished = false;
        break;
      }
      const double beta = betas_[t];
      gen_(rng.seed(), rng.stream(), rng.take_blocks(philox_batch::kGroupBlocks * ngroups_), ngroups_, u.data());
      double de_sum = 0.0;
      if constexpr (std::is_integral_v<F>) {
        // thr[k + kmax] for k = s_i f_i / unit in [-kmax, kmax]: 2^32 (always) for k <= 0, so one
        // comparison decides every attempt.
        for (int64_t k = -kmax_; k <= kmax_; ++k)
          thr[k + kmax_] = k <= 0 ? uint64_t{1} << 32 : acceptance_threshold(std::exp(-2.0 * beta * unit_ * static_cast<double>(k)));
        const uint64_t* T = thr.data() + kmax_;
        int64_t de = 0;
        for (int32_t i = 0; i < n_; ++i) {
          const F k = s[i] * f[i];  // dE = 2 k unit
          if (u[i] < T[k]) {
            s[i] = static_cast<Spin>(-s[i]);
            const F two_s = static_cast<F>(2 * s[i]);
            rows.for_row(i, [&](int32_t j, F w) { f[j] += two_s * w; });
            de += k;
          }
        }
        de_sum = 2.0 * unit_ * static_cast<double>(de);
      } else {
        for (int32_t i = 0; i < n_; ++i) {
          const F k = s[i] * f[i];  // dE = 2 k
          if (k <= 0 || u[i] < acceptance_threshold(std::exp(-2.0 * beta * k))) {
            s[i] = static_cast<Spin>(-s[i]);
            const F two_s = static_cast<F>(2 * s[i]);
            rows.for_row(i, [&](int32_t j, F w) { f[j] += two_s * w; });
            de_sum += 2.0 * static_cast<double>(k);
          }
        }
      }
      e += de_sum;
      sh.sweeps_done.fetch_add(1, std::memory_order_relaxed);
      if (e < best_e) {
        best_e = e;
        best = s;
        if (sh.o->target_energy) {
          const double exact = m_.energy(s);  // e accumulates rounding with real couplings
          if (exact <= *sh.o->target_energy) sh.offer(s, exact, read, best_read);
        }
      }
      sh.tick();
    }
    if (!best.empty()) sh.offer(best, m_.energy(best), read, best_read);
    if (finished) sh.finish_read(read, m_.energy(s));
  }

 private:
  const IsingModel& m_;
  const std::vector<double>& betas_;
  double unit_;
  int64_t kmax_;
  int32_t n_;
  std::vector<F> w_;  // weights / unit, unless the model's own weights serve (wp_)
  const F* wp_ = nullptr;
  size_t ngroups_;
  void (*gen_)(uint64_t, uint64_t, uint64_t, size_t, uint32_t*);
};

// 16 reads at once (anneal_batch.hpp): batch b holds reads 16 b .. 16 b + 15 and draws from
// stream b. Only the final states are offered (and any state that meets the target).
class BatchAnnealer {
 public:
  static constexpr int L = anneal_batch::kLanes;
  BatchAnnealer(const IsingModel& m, const std::vector<double>& betas, double unit, int64_t kmax)
      : m_(m), betas_(betas), unit_(unit), kmax_(static_cast<int32_t>(kmax)), n_(m.size()) {
    const auto w = m.graph().weights();
    w_.resize(w.size());
    for (size_t k = 0; k < w.size(); ++k) w_[k] = static_cast<int32_t>(w[k] / unit);
    ngroups_ = (static_cast<size_t>(n_) + 3) / 4;
    words_.resize(ngroups_ * philox_batch::kGroupWords);
    gen_ = philox_batch::avx512_available() ? philox_batch::generate_avx512 : philox_batch::generate_scalar;
    sweep_ = anneal_batch::avx512_available() ? anneal_batch::sweep_avx512 : anneal_batch::sweep_scalar;
  }
  static const char* kernel() { return anneal_batch::avx512_available() ? "int-batch16-avx512" : "int-batch16-scalar"; }

  std::vector<Spin> lane_state(int l) const {
    std::vector<Spin> st(n_);
    for (int32_t i = 0; i < n_; ++i) st[i] = static_cast<Spin>(s_[L * i + l]);
    return st;
  }

  void run(int64_t batch, int64_t num_reads, uint64_t seed, Shared& sh, int64_t& best_read) {
    Rng rng(seed, static_cast<uint64_t>(batch));
    s_.assign(static_cast<size_t>(L) * n_, 0);
    f_.assign(static_cast<size_t>(L) * n_, 0);
    gen_(rng.seed(), rng.stream(), rng.take_blocks(philox_batch::kGroupBlocks * ngroups_), ngroups_, words_.data());
    for (size_t x = 0; x < s_.size(); ++x) s_[x] = words_[x] >> 31 ? 1 : -1;  // hot start
    const auto off = m_.graph().offsets();
    const auto nb = m_.graph().neighbors();
    for (int32_t i = 0; i < n_; ++i)
      for (int l = 0; l < L; ++l) {
        int32_t x = static_cast<int32_t>(m_.field(i) / unit_);
        for (int64_t k = off[i]; k < off[i + 1]; ++k) x += w_[k] * s_[L * nb[k] + l];
        f_[L * i + l] = x;
      }
    double e0[L];
    for (int l = 0; l < L; ++l) e0[l] = m_.energy(lane_state(l));
    int64_t de[L] = {};
    std::vector<uint32_t> thr(static_cast<size_t>(std::max(kmax_, 1)));
    anneal_batch::SweepArgs a;
    a.n = n_;
    a.offsets = off.data();
    a.neighbors = nb.data();
    a.weights = w_.data();
    a.spins = s_.data();
    a.fields = f_.data();
    a.words = words_.data();
    a.thr = thr.data();
    a.kmax = std::max(kmax_, 1);
    a.de = de;
    bool finished = true;
    for (size_t t = 0; t < betas_.size(); ++t) {
      if (!sh.keep_going()) {
        finished = false;
        break;
      }
      for (int32_t k = 1; k <= a.kmax; ++k)
        thr[k - 1] = static_cast<uint32_t>(acceptance_threshold(std::exp(-2.0 * betas_[t] * unit_ * k)));
      gen_(rng.seed(), rng.stream(), rng.take_blocks(philox_batch::kGroupBlocks * ngroups_), ngroups_, words_.data());
      sweep_(a);
      sh.sweeps_done.fetch_add(std::min<int64_t>(L, num_reads - L * batch), std::memory_order_relaxed);
      if (sh.o->target_energy)
        for (int l = 0; l < L && L * batch + l < num_reads; ++l)
          if (e0[l] + 2.0 * unit_ * static_cast<double>(de[l]) <= *sh.o->target_energy) {
            const std::vector<Spin> st = lane_state(l);
            sh.offer(st, m_.energy(st), L * batch + l, best_read);
          }
      sh.tick();
    }
    for (int l = 0; l < L && L * batch + l < num_reads; ++l) {
      const std::vector<Spin> st = lane_state(l);
      const double e = m_.energy(st);
      sh.offer(st, e, L * batch + l, best_read);
      if (finished) sh.finish_read(L * batch + l, e);
    }
  }

 private:
  const IsingModel& m_;
  const std::vector<double>& betas_;
  double unit_;
  int32_t kmax_;
  int32_t n_;
  std::vector<int32_t> w_, s_, f_;
  std::vector<uint32_t> words_;
  size_t ngroups_;
  void (*gen_)(uint64_t, uint64_t, uint64_t, size_t, uint32_t*);
  void (*sweep_)(const anneal_batch::SweepArgs&);
};

}  // namespace

std::pair<double, double> default_beta_range(const IsingModel& m) {
  const CouplingRows<double> rows(m.graph(), m.graph().weights().data());
  double max_de = 0.0, min_de = std::numeric_limits<double>::infinity();
  for (int32_t i = 0; i < m.size(); ++i) {
    double sum = std::fabs(m.field(i));
    if (m.field(i) != 0.0) min_de = std::min(min_de, 2.0 * std::fabs(m.field(i)));
    rows.for_row(i, [&](int32_t, double w) {
      sum += std::fabs(w);
      if (w != 0.0) min_de = std::min(min_de, 2.0 * std::fabs(w));
    });
    max_de = std::max(max_de, 2.0 * sum);
  }
  if (max_de == 0.0) return {0.1, 1.0};  // no couplings: any state is a ground state
  return {std::log(2.0) / max_de, std::log(100.0) / min_de};
}

std::vector<double> anneal_schedule(const AnnealOptions& o, std::pair<double, double> r) {
  if (o.beta_schedule_type == "custom") {
    if (o.beta_schedule.empty()) throw InputError("--beta-schedule: empty custom schedule");
    for (double b : o.beta_schedule)
      if (!std::isfinite(b) || b < 0.0) throw InputError("--beta-schedule: betas must be finite and >= 0");
    return o.beta_schedule;
  }
  if (o.num_sweeps < 1 || o.num_sweeps > (int64_t{1} << 40)) throw InputError("--num-sweeps must be between 1 and 2^40");
  const auto [b0, b1] = r;
  if (!(std::isfinite(b0) && std::isfinite(b1) && b0 > 0.0 && b1 >= b0))
    throw InputError("--beta-range: need 0 < beta_hot <= beta_cold, both finite");
  std::vector<double> betas(static_cast<size_t>(o.num_sweeps));
  const double n1 = static_cast<double>(std::max<int64_t>(o.num_sweeps - 1, 1));
  for (int64_t t = 0; t < o.num_sweeps; ++t) {
    const double x = static_cast<double>(t) / n1;
    if (o.beta_schedule_type == "geometric")
      betas[t] = b0 * std::pow(b1 / b0, x);
    else if (o.beta_schedule_type == "linear")
      betas[t] = b0 + (b1 - b0) * x;
    else
      throw InputError("--beta-schedule-type: expected geometric, linear or custom, got '" + o.beta_schedule_type + "'");
  }
  return betas;
}

AnnealResult anneal(const IsingModel& model, const AnnealOptions& o) {
  if (model.size() < 1) throw InputError("the model has no spins");
  if (o.num_reads < 1) throw InputError("--num-reads must be >= 1");
  if (o.threads < 1 || o.threads > 1024) throw InputError("--threads must be between 1 and 1024");
  if (!(o.time_limit_s > 0.0)) throw InputError("--time-limit must be > 0");
  AnnealResult result;
  result.beta_range = o.beta_range ? *o.beta_range : default_beta_range(model);
  const std::vector<double> betas = anneal_schedule(o, result.beta_range);
  result.read_energies.assign(static_cast<size_t>(o.num_reads), std::numeric_limits<double>::quiet_NaN());
  int64_t kmax = 0;
  double unit = 1.0;
  const bool integer = integer_couplings(model, &unit, &kmax);
  result.kernel = integer ? "int-table" : "double";
  Shared sh;
  sh.result = &result;
  sh.o = &o;
  sh.t0 = sh.last_report = Clock::now();
  std::atomic<int64_t> next{0};
  int64_t best_read = std::numeric_limits<int64_t>::max();
  // 16 reads per vector when there are enough of them (integer couplings only).
  // Dense (SK) rows take the scalar kernels, whose flip updates are contiguous row sweeps.
  const bool batched = integer && !model.graph().is_dense() && o.num_reads >= anneal_batch::kLanes;
  if (batched) result.kernel = BatchAnnealer::kernel();
  const int64_t units = batched ? (o.num_reads + anneal_batch::kLanes - 1) / anneal_batch::kLanes : o.num_reads;
  auto worker = [&] {
    if (batched) {
      BatchAnnealer a(model, betas, unit, kmax);
      for (int64_t b; !sh.stop && (b = next++) < units;) a.run(b, o.num_reads, o.seed, sh, best_read);
    } else if (integer) {
      Annealer<int32_t> a(model, betas, unit, kmax);
      for (int64_t r; !sh.stop && (r = next++) < o.num_reads;) a.run(r, o.seed, sh, best_read);
    } else {
      Annealer<double> a(model, betas, 1.0, 0);
      for (int64_t r; !sh.stop && (r = next++) < o.num_reads;) a.run(r, o.seed, sh, best_read);
    }
  };
  const int nt = static_cast<int>(std::min<int64_t>(o.threads, units));
  std::vector<std::thread> pool;
  for (int t = 1; t < nt; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  result.reads_done = sh.reads_done;
  result.sweeps_done = sh.sweeps_done;
  result.time_s = sh.elapsed();
  return result;
}

}  // namespace spinlab
