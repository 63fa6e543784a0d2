// The tabu search loop. Gains (energy changes of single flips) are kept for every spin and
// updated along the edges of the flipped spin; the best admissible move is found by a scan.
#include "solve/tabu.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "core/error.hpp"
#include "solve/anneal.hpp"
#include "solve/gain_buckets.hpp"

namespace spinlab {
namespace {

using Clock = std::chrono::steady_clock;

template <class G>
TabuResult run(const IsingModel& m, std::vector<Spin> s, const TabuOptions& o, Rng& rng, double unit,
               const std::function<bool()>& stop, const std::function<void(double, double)>& on_best) {
  const int32_t n = m.size();
  const UnitCouplings<G> units(m, unit);
  const CouplingRows<G> rows(m.graph(), units.data());
  std::vector<G> f(n), gain(n);
  const auto t0 = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  auto rebuild = [&] { units.gains(s, f, gain); };
  rebuild();
  const int64_t gmax = units.gmax;
  const bool use_buckets = units.buckets_fit();
  std::unique_ptr<GainBuckets> buckets;
  TieCoin flip_coin(rng.next_u32());
  auto fill_buckets = [&] {
    buckets = std::make_unique<GainBuckets>(n, gmax);
    for (int32_t i = 0; i < n; ++i) buckets->insert(i, static_cast<int64_t>(gain[i]), flip_coin());
  };
  if (use_buckets) fill_buckets();
  TabuResult r;
  // Energies in units, relative to the start (exact for integer gains).
  G e = 0, best = 0;
  const double e0 = m.energy(s);
  r.best_state = s;
  r.best_energy = e0;
  const int64_t stall = o.stall_iterations > 0 ? o.stall_iterations : 20 * static_cast<int64_t>(n);
  // N / 10: the best of N/100 .. N/5 on G14 (measured; shorter tenures cycle on sparse graphs).
  const int32_t tenure_base = o.tenure_base > 0 ? o.tenure_base : n / 10 + 3;
  std::vector<int64_t> tabu_until(n, 0);
  int64_t since_best = 0;
  auto target_reached = [&] { return o.target_energy && r.best_energy <= *o.target_energy; };
  if (target_reached()) r.reached_target = true;
  for (int64_t it = 0; it < o.max_iterations && !r.reached_target; ++it) {
    if ((it & 255) == 0) {
      if (stop && stop()) break;
      if (elapsed() > o.time_limit_s) {
        r.stopped_by_time = true;
        break;
      }
    }
    // Best admissible move: not tabu, or tabu but leading below the best (aspiration).
    // Ties (common with +-1 couplings) go to the first in a scan from a random position, so
    // that no index is favoured.
    int32_t pick = -1;
    G pg = std::numeric_limits<G>::max();
    const G aspire = best - e;  // gain needed to beat the best
    if (use_buckets) {
      pick = buckets->find([&](int32_t v, int64_t g) { return tabu_until[v] <= it || g < static_cast<int64_t>(aspire); });
      if (pick >= 0) pg = gain[pick];
    } else {
      const int32_t from = static_cast<int32_t>(rng.below(static_cast<uint32_t>(n)));
      auto scan = [&](int32_t lo, int32_t hi) {
        for (int32_t i = lo; i < hi; ++i) {
          const G g = gain[i];
          if (g < pg && (tabu_until[i] <= it || g < aspire)) {
            pg = g;
            pick = i;
          }
        }
      };
      scan(from, n);
      scan(0, from);
    }
    if (pick < 0) continue;
    // Flip it.
    e += pg;
    s[pick] = static_cast<Spin>(-s[pick]);
    gain[pick] = -gain[pick];
    if (use_buckets) buckets->update(pick, static_cast<int64_t>(gain[pick]), flip_coin());
    const G two = static_cast<G>(2 * s[pick]);
    rows.for_row(pick, [&](int32_t j, G wj) {
      if (j == pick) return;  // a dense row's zero diagonal
      const G d = two * wj;
      f[j] += d;
      gain[j] += 2 * s[j] * d;
      if (use_buckets) buckets->update(j, static_cast<int64_t>(gain[j]), flip_coin());
    });
    tabu_until[pick] = it + tenure_base + static_cast<int64_t>(rng.below(static_cast<uint32_t>(o.tenure_rand) + 1));
    ++r.iterations;
    if (e < best) {
      best = e;
      since_best = 0;
      r.best_state = s;
      r.best_energy = e0 + static_cast<double>(best) * unit;
      r.time_to_best_s = elapsed();
      if (on_best) on_best(r.best_energy, r.time_to_best_s);
      if (target_reached()) r.reached_target = true;
    } else if (++since_best >= stall) {
      // Breakout: restart from the best state with a few random flips.
      s = r.best_state;
      const int32_t k = std::max<int32_t>(1, static_cast<int32_t>(o.perturb_fraction * n));
      for (int32_t q = 0; q < k; ++q) {
        const uint32_t i = rng.below(static_cast<uint32_t>(n));
        s[i] = static_cast<Spin>(-s[i]);
      }
      rebuild();
      if (use_buckets) fill_buckets();
      e = static_cast<G>(std::llround((m.energy(s) - e0) / unit));
      if constexpr (!std::is_integral_v<G>) e = static_cast<G>((m.energy(s) - e0) / unit);
      std::fill(tabu_until.begin(), tabu_until.end(), 0);
      since_best = 0;
      ++r.restarts;
    }
  }
  // The reported energy is recomputed from the state (no drift from accumulated gains).
  r.best_energy = m.energy(r.best_state);
  r.time_s = elapsed();
  return r;
}

}  // namespace

TabuResult tabu_search(const IsingModel& model, std::vector<Spin> start, const TabuOptions& o, Rng& rng,
                       const std::function<bool()>& stop, const std::function<void(double, double)>& on_best) {
  if (static_cast<int32_t>(start.size()) != model.size())
    throw InputError("tabu search: start state has " + std::to_string(start.size()) + " spins, model has " +
                     std::to_string(model.size()));
  if (model.size() < 1) throw InputError("the model has no spins");
  if (o.tenure_rand < 0 || o.perturb_fraction < 0.0 || o.perturb_fraction > 1.0)
    throw InputError("tabu search: bad tenure or perturbation settings");
  double unit = 1.0;
  int64_t kmax = 0;
  if (integer_couplings(model, &unit, &kmax)) return run<int64_t>(model, std::move(start), o, rng, unit, stop, on_best);
  return run<double>(model, std::move(start), o, rng, 1.0, stop, on_best);
}

}  // namespace spinlab
