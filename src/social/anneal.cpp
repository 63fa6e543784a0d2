// social_anneal: quench() on a network with a measured equilibrium density (social/anneal.hpp).
#include "social/anneal.hpp"

#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sample/move.hpp"

namespace spinlab {

AnnealResult social_anneal(const SocialNetwork& net, const AnnealOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  AnnealResult r;
  const IsingModel& model = net.model;
  if (std::isfinite(o.equilibrium)) {
    if (o.equilibrium < 0 || o.equilibrium > 1) throw InputError("--equilibrium must lie in [0, 1]");
    r.equilibrium = {o.equilibrium, 0.0, 0.5, 0.0};
    r.equilibrium_source = "given";
  } else {
    if (o.eq_sweeps < 100) throw InputError("--eq-sweeps must be >= 100");
    if (o.eq_therm < 0) throw InputError("--eq-therm must be >= 0");
    if (!(o.quench.beta_final > 0) || !std::isfinite(o.quench.beta_final)) throw InputError("--beta: the final beta must be > 0");
    Rng rng(o.quench.seed, uint64_t{1} << 41);  // apart from quench()'s streams 0 .. T*R-1
    std::vector<Spin> s = cold_state(model.size(), 1);
    model.pin(s);
    auto move = make_move(o.quench.algo, model, o.quench.beta_final);
    for (int64_t t = 0; t < o.eq_therm; ++t) move->sweep(s, rng);
    std::vector<double> series(o.eq_sweeps);
    for (auto& x : series) {
      move->sweep(s, rng);
      x = broken_bond_fraction(model, s);
    }
    r.equilibrium = estimate_mean(series);
    r.equilibrium_source = "measured from consensus at beta_final";
  }
  if (!net.community.empty()) {
    int64_t between = 0, total = 0;
    model.graph().for_each_edge([&](int32_t i, int32_t j, double) {
      ++total;
      between += net.community[i] != net.community[j];
    });
    r.between_fraction = total ? static_cast<double>(between) / static_cast<double>(total) : NAN;
  }
  r.quench = quench(model, r.equilibrium.mean, o.quench);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
