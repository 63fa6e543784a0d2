// Cue -> recalled state for each stored pattern and each storage rule.
#include "memory/recall.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace spinlab {

RecallResult hopfield_recall(const Patterns& pats, const RecallOptions& o) {
  if (pats.p < 1 || pats.n < 1) throw InputError("recall: no patterns");
  if (!(o.noise >= 0.0 && o.noise <= 1.0)) throw InputError("--noise must lie in [0, 1]");
  if (!(o.threshold > 0.0 && o.threshold <= 1.0)) throw InputError("--threshold must lie in (0, 1]");
  if (o.rules.empty()) throw InputError("--rule: give at least one rule");
  const size_t n = static_cast<size_t>(pats.n);
  if (o.theta.size() > 1 && o.theta.size() != n)
    throw InputError("--theta: " + std::to_string(o.theta.size()) + " thresholds for " + std::to_string(n) + " neurons");
  for (double t : o.theta)
    if (!std::isfinite(t)) throw InputError("--theta: thresholds must be finite");
  const std::vector<double> theta = o.theta.size() == 1 ? std::vector<double>(n, o.theta[0]) : o.theta;
  RecallResult r;
  r.cues = pats.xi;
  for (int32_t mu = 0; mu < pats.p; ++mu) {
    Rng rng(o.seed, static_cast<uint64_t>(mu));
    corrupt(std::span<Spin>(r.cues.data() + mu * n, n), o.noise, rng);
  }
  for (StorageRule rule : o.rules) {
    HopfieldNetwork net(pats.n, rule);
    net.store(pats);
    if (!theta.empty()) net.set_thresholds(theta);
    RecallRule rr;
    rr.rule = rule;
    rr.recalled = r.cues;
    std::vector<double> h(n);
    int64_t exact = 0, retrieved = 0;
    double msum = 0;
    for (int32_t mu = 0; mu < pats.p; ++mu) {
      std::span<Spin> s(rr.recalled.data() + mu * n, n);
      net.fields(s, h);
      Rng rng(o.seed, (uint64_t{1} << 32) + static_cast<uint64_t>(mu));
      if (!net.relax_async(s, h, rng, o.max_sweeps).converged) ++rr.unconverged;
      const double m = overlap(pats.row(mu), s);
      rr.overlap.push_back(m);
      msum += m;
      exact += m == 1.0;
      retrieved += m >= o.threshold;
    }
    rr.mean_overlap = msum / pats.p;
    rr.exact_fraction = static_cast<double>(exact) / pats.p;
    rr.retrieved_fraction = static_cast<double>(retrieved) / pats.p;
    r.rules.push_back(std::move(rr));
  }
  return r;
}

}  // namespace spinlab
