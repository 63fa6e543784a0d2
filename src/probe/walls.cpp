#include "probe/walls.hpp"
#include "measure/parallel.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

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

BondVerdicts classify_bonds(std::span<const Estimate> x, double decide_sigma) {
  BondVerdicts v;
  std::vector<double> values;
  for (const auto& e : x) values.push_back(e.mean);
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  v.typical = values.empty() ? 0.0 : values[values.size() / 2];
  v.threshold = 0.5 * v.typical;
  for (const auto& e : x) {
    const double side = (e.mean - v.threshold) * (v.typical >= 0 ? 1.0 : -1.0);
    const double z = e.error > 0 ? std::fabs(side) / e.error : INFINITY;
    v.missing.push_back(side < 0);
    v.decided.push_back(z >= decide_sigma);
    v.confidence.push_back(0.5 * std::erfc(-z / std::sqrt(2.0)));
    if (z < decide_sigma) ++v.undecided;
  }
  return v;
}

std::vector<CandidatePair> wall_candidates(const Lattice& lat) {
  std::vector<CandidatePair> pairs;
  for (const auto& b : lat.possible_bonds()) pairs.push_back({b.site, lat.neighbor(b.site, b.dir, +1)});
  return pairs;
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

  const std::vector<Lattice::BondRef> possible = lat->possible_bonds();
  const std::vector<CandidatePair> pairs = wall_candidates(*lat);
  const int B = o.blocks_per_chain * o.chains;
  std::vector<LocalPatternCounts> counts;
  for (int c = 0; c < o.chains; ++c) counts.emplace_back(model.size(), pairs, B);
  // Spectroscopy sums per jackknife block: sum of s_a s_b per bond and of s_i per site.
  const size_t nbond = pairs.size(), nsite = static_cast<size_t>(model.size());
  std::vector<std::vector<int64_t>> pair_sum(B, std::vector<int64_t>(nbond, 0)), site_sum(B, std::vector<int64_t>(nsite, 0));

  ProgressCounter progress(static_cast<double>(o.chains) * static_cast<double>(o.therm + measurements * o.measure_every),
                           o.progress);
  parallel_tasks(o.chains, o.threads, [&](int c) {
    Rng rng(o.seed, static_cast<uint64_t>(c));
    std::vector<Spin> s = initial_spins(o.init, model.size(), rng);
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
      auto& ps = pair_sum[block];
      auto& ss = site_sum[block];
      for (size_t k = 0; k < nbond; ++k) ps[k] += s[pairs[k].a] * s[pairs[k].b];
      for (size_t i = 0; i < nsite; ++i) ss[i] += s[i];
      if ((m & 63) == 63) progress.add(64 * o.measure_every);
    }
  });
  for (int c = 1; c < o.chains; ++c) counts[0].merge(counts[c]);
  const PseudoLikelihoodResult fit = fit_pseudolikelihood(counts[0], o.fit);

  WallInferenceResult r;
  r.algo = make_move(o.algo, model, o.beta)->name();
  r.samples = fit.samples;
  r.newton_failures = fit.newton_failures;
  // Pearson correlation of each bond's spins, with the jackknife over the blocks (s^2 = 1).
  const std::vector<int64_t>& block_n = counts[0].block_samples;  // all chains, merged above
  std::vector<Estimate> correlation(nbond);
  {
    std::vector<int64_t> tp(nbond, 0), ts(nsite, 0);
    int64_t tn = 0;
    for (int b = 0; b < B; ++b) {
      tn += block_n[b];
      for (size_t k = 0; k < nbond; ++k) tp[k] += pair_sum[b][k];
      for (size_t i = 0; i < nsite; ++i) ts[i] += site_sum[b][i];
    }
    auto pearson = [](double sab, double sa, double sb, double n) {
      const double ma = sa / n, mb = sb / n, va = 1.0 - ma * ma, vb = 1.0 - mb * mb;
      return va > 0 && vb > 0 ? (sab / n - ma * mb) / std::sqrt(va * vb) : 0.0;
    };
    for (size_t k = 0; k < nbond; ++k) {
      const int32_t a = pairs[k].a, bb = pairs[k].b;
      const double full = pearson(double(tp[k]), double(ts[a]), double(ts[bb]), double(tn));
      std::vector<double> loo(B);
      double mean = 0;
      for (int b = 0; b < B; ++b) {
        loo[b] = pearson(double(tp[k] - pair_sum[b][k]), double(ts[a] - site_sum[b][a]), double(ts[bb] - site_sum[b][bb]),
                         double(tn - block_n[b]));
        mean += loo[b];
      }
      mean /= B;
      double var = 0;
      for (double x : loo) var += (x - mean) * (x - mean);
      Estimate e;
      e.mean = B * full - (B - 1) * mean;
      e.error = std::sqrt(var * (B - 1) / B);
      e.n_eff = static_cast<double>(tn);
      correlation[k] = e;
    }
  }
  std::vector<Estimate> couplings;
  for (const auto& c : fit.couplings) couplings.push_back(c.coupling);
  const BondVerdicts by_J = classify_bonds(couplings, o.decide_sigma), by_r = classify_bonds(correlation, o.decide_sigma);
  r.typical_coupling = by_J.typical;
  r.threshold = by_J.threshold;
  r.undecided = by_J.undecided;
  r.typical_correlation = by_r.typical;
  r.undecided_by_correlation = by_r.undecided;
  std::set<std::pair<int32_t, int>> truth;
  for (const auto& b : lat->removed_bonds()) truth.insert({b.site, b.dir});
  r.true_missing = static_cast<int>(truth.size());
  std::vector<Lattice::BondRef> called, called_r;
  for (size_t k = 0; k < possible.size(); ++k) {
    BondVerdict v;
    v.bond = possible[k];
    v.from = lat->coords(possible[k].site);
    v.to = lat->coords(pairs[k].b);
    v.coupling = couplings[k];
    v.correlation = correlation[k];
    v.missing = by_J.missing[k];
    v.decided = by_J.decided[k];
    v.confidence = by_J.confidence[k];
    v.missing_by_correlation = by_r.missing[k];
    const bool is_missing = truth.count({v.bond.site, v.bond.dir}) > 0;
    if (v.missing) {
      called.push_back(v.bond);
      r.missing.push_back(v);
      (is_missing ? r.true_positives : r.false_positives)++;
    } else if (is_missing) {
      ++r.false_negatives;
    }
    if (v.missing_by_correlation) {
      called_r.push_back(v.bond);
      ++r.missing_by_correlation;
      (is_missing ? r.correlation_true_positives : r.correlation_false_positives)++;
    } else if (is_missing) {
      ++r.correlation_false_negatives;
    }
    if (v.missing != v.missing_by_correlation) ++r.methods_disagree;
    r.bonds.push_back(v);
  }
  r.walls = merge_walls(*lat, called);
  r.walls_by_correlation = merge_walls(*lat, called_r);
  r.precision = r.missing.empty() ? 1.0 : static_cast<double>(r.true_positives) / static_cast<double>(r.missing.size());
  r.recall = r.true_missing == 0 ? 1.0 : static_cast<double>(r.true_positives) / r.true_missing;
  r.correlation_precision =
      r.missing_by_correlation == 0 ? 1.0 : static_cast<double>(r.correlation_true_positives) / r.missing_by_correlation;
  r.correlation_recall = r.true_missing == 0 ? 1.0 : static_cast<double>(r.correlation_true_positives) / r.true_missing;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
