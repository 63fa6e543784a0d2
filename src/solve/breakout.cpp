// The breakout local search loop. Gains (energy changes of single flips) are kept for every spin
// and updated along the edges of the flipped spin; integer gains sit in buckets so that the best
// move costs O(1) amortised, other gains are scanned.
#include "solve/breakout.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <type_traits>

#include "core/error.hpp"
#include "solve/anneal.hpp"
#include "solve/gain_buckets.hpp"

namespace spinlab {
namespace {

using Clock = std::chrono::steady_clock;

template <class G>
BreakoutResult run(const IsingModel& m, std::vector<Spin> s, const BreakoutOptions& o, Rng& rng, double unit,
                   const std::function<bool()>& stop, const std::function<void(const std::vector<Spin>&, double, double)>& on_best) {
  const int32_t n = m.size();
  const UnitCouplings<G> units(m, unit);
  const CouplingRows<G> rows(m.graph(), units.data());
  std::vector<G> f, gain;
  units.gains(s, f, gain);
  const int64_t gmax = units.gmax;
  const bool use_buckets = units.buckets_fit();
  TieCoin flip_coin(rng.next_u32());
  const int32_t tenure_hi = std::max<int32_t>(o.tenure_min + 10, static_cast<int32_t>(o.tenure_max_fraction * n));
  std::unique_ptr<TabuBuckets> buckets;
  if (use_buckets) {
    buckets = std::make_unique<TabuBuckets>(n, gmax, tenure_hi);
    for (int32_t i = 0; i < n; ++i) buckets->insert(i, static_cast<int64_t>(gain[i]), flip_coin());
  }
  std::vector<int64_t> tabu_until(n, 0);
  int64_t moves = 0;
  // Lowest gain among the spins with ok(v, gain), by a scan from a random position (gains that
  // are not small integers).
  auto scan = [&](auto ok) -> int32_t {
    int32_t pick = -1;
    G pg = std::numeric_limits<G>::max();
    const int32_t from = static_cast<int32_t>(rng.below(static_cast<uint32_t>(n)));
    for (int32_t c = 0; c < n; ++c) {
      const int32_t i = from + c < n ? from + c : from + c - n;
      if (gain[i] < pg && ok(i, gain[i])) {
        pg = gain[i];
        pick = i;
      }
    }
    return pick;
  };
  auto lowest = [&]() -> int32_t {
    if (use_buckets) return buckets->lowest();
    return scan([](int32_t, G) { return true; });
  };
  // Best non-tabu flip; a tabu one only if its gain is below `aspire` (beats the best).
  auto best_admissible = [&](G aspire) -> int32_t {
    if (use_buckets) return buckets->best_admissible(static_cast<int64_t>(aspire));
    return scan([&](int32_t i, G g) { return tabu_until[i] <= moves || g < aspire; });
  };
  // Spins in order of their last flip (doubly linked, least recent at the head).
  std::vector<int32_t> rnext(n), rprev(n);
  for (int32_t i = 0; i < n; ++i) {
    rnext[i] = i + 1 < n ? i + 1 : -1;
    rprev[i] = i - 1;
  }
  int32_t rhead = 0, rtail = n - 1;
  auto to_back = [&](int32_t v) {
    if (v == rtail) return;
    if (rprev[v] >= 0) rnext[rprev[v]] = rnext[v];
    else rhead = rnext[v];
    rprev[rnext[v]] = rprev[v];
    rprev[v] = rtail;
    rnext[v] = -1;
    rnext[rtail] = v;
    rtail = v;
  };

  BreakoutResult r;
  const auto t0 = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  const double e0 = m.energy(s);
  G e = 0, best = 0;  // energies in units relative to the start (exact for integer gains)
  r.best_state = s;
  r.best_energy = e0;
  if (o.target_energy && e0 <= *o.target_energy) r.reached_target = true;
  bool halt = r.reached_target;
  auto flip = [&](int32_t v) {
    e += gain[v];
    s[v] = static_cast<Spin>(-s[v]);
    gain[v] = -gain[v];
    if (use_buckets) buckets->update(v, static_cast<int64_t>(gain[v]), flip_coin());
    const G two = static_cast<G>(2 * s[v]);
    rows.for_row(v, [&](int32_t j, G wj) {
      if (j == v) return;  // a dense row's zero diagonal
      gain[j] += 2 * s[j] * two * wj;
      if (use_buckets) buckets->update(j, static_cast<int64_t>(gain[j]), flip_coin());
    });
    to_back(v);
    ++moves;
    if (use_buckets) buckets->expire(moves, flip_coin());
    if ((moves & 255) == 0) {
      if (stop && stop()) halt = true;
      if (elapsed() > o.time_limit_s) {
        r.stopped_by_time = true;
        halt = true;
      }
      if (moves >= o.max_moves) halt = true;
    }
  };

  const int32_t jump_min = std::max<int32_t>(1, static_cast<int32_t>(o.jump_min_fraction * n));
  const int32_t jump_max = std::max<int32_t>({jump_min, static_cast<int32_t>(o.jump_max_fraction * n), std::min(n / 2, 10)});
  int32_t jump = jump_min;
  int64_t omega = 0;  // local minima since the last new best
  G previous_minimum = std::numeric_limits<G>::max();
  // Records the current state as the new best; true when it reaches the target.
  auto record_best = [&] {
    best = e;
    omega = 0;
    r.best_state = s;
    r.best_energy = e0 + static_cast<double>(best) * unit;
    r.time_to_best_s = elapsed();
    if (on_best) on_best(s, r.best_energy, r.time_to_best_s);
    if (o.target_energy && r.best_energy <= *o.target_energy) r.reached_target = halt = true;
  };
  while (!halt) {
    // Steepest descent: flip the spin with the most negative gain while there is one.
    for (int32_t v = lowest(); !halt && v >= 0 && gain[v] < 0; v = lowest()) flip(v);
    ++r.local_minima;
    if (e < best) record_best();
    else ++omega;
    if (halt) break;
    // Jump size: the strong jump after T minima without progress; one more each time the
    // descent fell back into the minimum it left; L0 after reaching a new one.
    if (omega > o.stagnation) {
      jump = jump_max;
      omega = 0;
    } else if (e == previous_minimum) {
      jump = std::min(jump + 1, jump_max);
    } else {
      jump = jump_min;
    }
    previous_minimum = e;
    const double directed = std::max(std::exp(-static_cast<double>(omega) / static_cast<double>(o.stagnation)), o.directed_min);
    const double u = rng.uniform();
    const int kind = u < directed ? 0 : (rng.uniform() < o.recency ? 1 : 2);
    for (int32_t q = 0; q < jump && !halt; ++q) {
      int32_t v = -1;
      if (kind == 0) {  // best non-tabu flip; a tabu one only if it beats the best (aspiration)
        v = best_admissible(best - e);
      } else if (kind == 1) {  // least recently flipped
        v = rhead;
      } else {  // a random non-tabu spin (a few tries, then any)
        for (int t = 0; t < 8; ++t) {
          v = static_cast<int32_t>(rng.below(static_cast<uint32_t>(n)));
          if (tabu_until[v] <= moves) break;
        }
      }
      if (v < 0) break;
      flip(v);
      tabu_until[v] = moves + o.tenure_min +
                      static_cast<int64_t>(rng.below(static_cast<uint32_t>(tenure_hi - o.tenure_min + 1)));
      if (use_buckets) buckets->make_tabu(v, tabu_until[v], flip_coin());
      if (e < best) record_best();  // a perturbation can improve too (directed moves especially)
    }
  }
  r.moves = moves;
  r.best_energy = m.energy(r.best_state);  // recomputed from the state: no drift from the gains
  r.time_s = elapsed();
  return r;
}

}  // namespace

BreakoutResult breakout_local_search(const IsingModel& model, std::vector<Spin> start, const BreakoutOptions& o,
                                     Rng& rng, const std::function<bool()>& stop,
                                     const std::function<void(const std::vector<Spin>&, double, double)>& on_best) {
  if (static_cast<int32_t>(start.size()) != model.size())
    throw InputError("breakout local search: start state has " + std::to_string(start.size()) +
                     " spins, model has " + std::to_string(model.size()));
  if (model.size() < 1) throw InputError("the model has no spins");
  if (!(o.jump_min_fraction >= 0.0 && o.jump_max_fraction >= 0.0 && o.jump_max_fraction <= 1.0) || o.stagnation < 1 ||
      !(o.directed_min >= 0.0 && o.directed_min <= 1.0) || !(o.recency >= 0.0 && o.recency <= 1.0) ||
      o.tenure_min < 1 || !(o.tenure_max_fraction >= 0.0))
    throw InputError("breakout local search: bad perturbation or tenure settings");
  double unit = 1.0;
  int64_t kmax = 0;
  if (integer_couplings(model, &unit, &kmax)) return run<int64_t>(model, std::move(start), o, rng, unit, stop, on_best);
  return run<double>(model, std::move(start), o, rng, 1.0, stop, on_best);
}

}  // namespace spinlab
