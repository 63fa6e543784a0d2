#include "probe/walls.hpp"
#include "probe/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sample/move.hpp"

namespace spinlab {

std::vector<std::string> merge_walls(const Lattice& lat, const std::vector<Lattice::BondRef>& bonds) {
  if (lat.dim() != 2) return {};
  // (direction, cut position) -> positions along the cut
  std::map<std::pair<int, int32_t>, std::vector<int32_t>> cuts;
  for (const auto& b : bonds) {
    const auto c = lat.coords(b.site);
    if (b.dir == 0) cuts[{0, c[0] + 1}].push_back(c[1]);
    else cuts[{1, c[1] + 1}].push_back(c[0]);
  }
  std::vector<std::string> out;
  for (auto& [key, along] : cuts) {
    std::sort(along.begin(), along.end());
    size_t a = 0;
    while (a < along.size()) {
      size_t b = a;
      while (b + 1 < along.size() && along[b + 1] == along[b] + 1) ++b;
      const std::string cut = key.first == 0 ? "x=" : "y=", range = key.first == 0 ? ",y=" : ",x=";
      out.push_back(cut + std::to_string(key.second) + range + std::to_string(along[a]) + ":" + std::to_string(along[b] + 1));
      a = b + 1;
    }
  }
  return out;
}

WallInferenceResult infer_walls(const IsingModel& model, const WallInferenceOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const Lattice* lat = model.lattice();
  if (!lat || lat->dim() < 2) throw InputError("wall inference needs a square or cubic lattice model");
  if (!(o.beta > 0.0) || !std::isfinite(o.beta)) throw InputError("--beta must be finite and > 0");
  if (o.chains < 1 || o.chains > 4096) throw InputError("--chains must be between 1 and 4096");
  if (o.threads < 1 || o.threads > 1024) throw InputError("--threads must be between 1 and 1024");
  if (o.therm < 0 || o.measure_every < 1) throw InputError("--therm must be >= 0 and --measure-every >= 1");
  if (o.blocks_per_chain < 1) throw InputError("blocks per chain must be >= 1");
  const int64_t measurements = o.sweeps / o.chains / o.measure_every;
  if (measurements < 2 * o.blocks_per_chain)
    throw InputError("--sweeps " + std::to_string(o.sweeps) + ": too few (need at least " +
                     std::to_string(2 * o.blocks_per_chain * o.chains * o.measure_every) + ")");
  make_move(o.algo, model, o.beta);  // throws early on a bad algorithm

  // Candidates: every bond the boundary allows, whether or not the model has it (the inference
  // must not know which are missing).
  const std::vector<Lattice::BondRef> possible = lat->possible_bonds();
  std::vector<CandidatePair> pairs;
  for (const auto& b : possible) pairs.push_back({b.site, lat->neighbor(b.site, b.dir, +1)});
  const int B = o.blocks_per_chain * o.chains;
  std::vector<LocalPatternCounts> counts;
  for (int c = 0; c < o.chains; ++c) counts.emplace_back(model.size(), pairs, B);

  ProgressCounter progress(static_cast<double>(o.chains) * static_cast<double>(o.therm + measurements * o.measure_every),
                           o.progress);
  parallel_tasks(o.chains, o.threads, [&](int c) {
    Rng rng(o.seed, static_cast<uint64_t>(c));
    std::vector<Spin> s = o.init == InitialState::Up     ? cold_state(model.size(), 1)
                          : o.init == InitialState::Down ? cold_state(model.size(), -1)
                                                         : hot_state(model.size(), rng);
    auto move = make_move(o.algo, model, o.beta);
    for (int64_t t = 0; t < o.therm; ++t) {
      move->sweep(s, rng);
      if ((t & 63) == 63) progress.add(64);
    }
    move->end_thermalization(s, rng);
    // The black box ends here: only configurations reach the counts.
    for (int64_t m = 0; m < measurements; ++m) {
      for (int64_t t = 0; t < o.measure_every; ++t) move->sweep(s, rng);
      const int block = c * o.blocks_per_chain + static_cast<int>(m * o.blocks_per_chain / measurements);
      counts[c].add(s, block);
      if ((m & 63) == 63) progress.add(64 * o.measure_every);
    }
  });
  for (int c = 1; c < o.chains; ++c) counts[0].merge(counts[c]);
  const PseudoLikelihoodResult fit = fit_pseudolikelihood(counts[0], o.fit);

  WallInferenceResult r;
  r.algo = make_move(o.algo, model, o.beta)->name();
  r.samples = fit.samples;
  r.newton_failures = fit.newton_failures;
  std::vector<double> values;
  for (const auto& c : fit.couplings) values.push_back(c.coupling.mean);
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  r.typical_coupling = values.empty() ? 0.0 : values[values.size() / 2];
  r.threshold = 0.5 * r.typical_coupling;
  std::set<std::pair<int32_t, int>> truth;
  for (const auto& b : lat->removed_bonds()) truth.insert({b.site, b.dir});
  r.true_missing = static_cast<int>(truth.size());
  std::vector<Lattice::BondRef> called;
  for (size_t k = 0; k < possible.size(); ++k) {
    BondVerdict v;
    v.bond = possible[k];
    v.from = lat->coords(possible[k].site);
    v.to = lat->coords(pairs[k].b);
    v.coupling = fit.couplings[k].coupling;
    // Which side of the threshold, in the direction of the typical coupling's sign.
    const double side = (v.coupling.mean - r.threshold) * (r.typical_coupling >= 0 ? 1.0 : -1.0);
    v.missing = side < 0;
    const double z = v.coupling.error > 0 ? std::fabs(side) / v.coupling.error : INFINITY;
    v.decided = z >= o.decide_sigma;
    v.confidence = 0.5 * std::erfc(-z / std::sqrt(2.0));
    if (!v.decided) ++r.undecided;
    const bool is_missing = truth.count({v.bond.site, v.bond.dir}) > 0;
    if (v.missing) {
      called.push_back(v.bond);
      r.missing.push_back(v);
      if (is_missing) ++r.true_positives;
      else ++r.false_positives;
    } else if (is_missing) {
      ++r.false_negatives;
    }
    r.bonds.push_back(v);
  }
  r.walls = merge_walls(*lat, called);
  r.precision = r.missing.empty() ? 1.0 : static_cast<double>(r.true_positives) / static_cast<double>(r.missing.size());
  r.recall = r.true_missing == 0 ? 1.0 : static_cast<double>(r.true_positives) / r.true_missing;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
