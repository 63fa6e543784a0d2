// The one place where samplers are registered: name -> (one-line description, factory).
// Adding a sampler = writing its file + one line in move_registry() below.
#include <algorithm>
#include <sstream>

#include "core/error.hpp"
#include "sample/cluster.hpp"
#include "sample/colored_heatbath.hpp"
#include "sample/move.hpp"
#include "sample/opinion_moves.hpp"
#include "sample/single_spin.hpp"

namespace spinlab {
namespace {

MoveFactory single(SingleSpinRule rule, SiteOrder order) {
  return [rule, order](const IsingModel& m, double beta) -> std::unique_ptr<Move> {
    return make_single_spin(m, beta, rule, order);
  };
}

// Runs its parts in order; one composite sweep = one sweep of each part.
class CompositeMove final : public Move {
 public:
  explicit CompositeMove(std::vector<std::unique_ptr<Move>> parts) : parts_(std::move(parts)) {}
  void sweep(std::span<Spin> s, Rng& rng) override {
    for (auto& p : parts_) p->sweep(s, rng);
  }
  void set_beta(double beta) override {
    for (auto& p : parts_) p->set_beta(beta);
  }
  double beta() const override { return parts_.front()->beta(); }
  void end_thermalization(std::span<Spin> s, Rng& rng) override {
    for (auto& p : parts_) p->end_thermalization(s, rng);
  }
  int set_threads(int threads) override {
    int used = 1;
    for (auto& p : parts_) used = std::max(used, p->set_threads(threads));
    return used;
  }
  std::string name() const override { return join([](const Move& m) { return m.name(); }); }
  std::string kernel() const override { return join([](const Move& m) { return m.kernel(); }); }

 private:
  template <class F>
  std::string join(F f) const {
    std::string out;
    for (const auto& p : parts_) out += (out.empty() ? "" : "+") + f(*p);
    return out;
  }
  std::vector<std::unique_ptr<Move>> parts_;
};

}  // namespace

const std::vector<MoveInfo>& move_registry() {
  using R = SingleSpinRule;
  using O = SiteOrder;
  static const std::vector<MoveInfo> registry = {
      {"metropolis",
       "Metropolis: in simulate, the bit-packed multi-spin-coded kernel on periodic square/cubic "
       "lattices with one J, h = 0 and L = 8k <= 128, 256, 512 or 1024k; else the vectorised "
       "checkerboard kernel on uniform periodic even-L 2D/3D lattices; else metropolis-sequential; "
       "sweep = N attempts",
       single(R::Metropolis, O::Auto)},
      {"metropolis-sequential", "Metropolis single-spin flips, sites in index order; sweep = N attempts",
       single(R::Metropolis, O::Sequential)},
      {"metropolis-random", "Metropolis at uniformly random sites; sweep = N attempts",
       single(R::Metropolis, O::Random)},
      {"metropolis-checkerboard",
       "Metropolis by colour classes (checkerboard on bipartite graphs; vectorised kernel on uniform "
       "periodic even-L lattices); sweep = N attempts",
       single(R::Metropolis, O::Checkerboard)},
      {"heatbath",
       "heat-bath (Glauber): the same kernels as metropolis (multi-spin-coded in simulate where it "
       "applies, else checkerboard, else heatbath-sequential); sweep = N updates",
       single(R::HeatBath, O::Auto)},
      {"heatbath-sequential", "heat-bath (Glauber) single-spin updates, sites in index order; sweep = N updates",
       single(R::HeatBath, O::Sequential)},
      {"heatbath-random", "heat-bath (Glauber dynamics) at uniformly random sites; sweep = N updates",
       single(R::HeatBath, O::Random)},
      {"heatbath-checkerboard", "heat-bath by colour classes (vectorised kernel where it applies); sweep = N updates",
       single(R::HeatBath, O::Checkerboard)},
      {"heatbath-colored",
       "heat-bath (Glauber) by colour classes of a greedy colouring, colour-sequential order (not "
       "random-sequential; same equilibrium): the fast network kernel for one coupling magnitude |J| "
       "(unweighted or +-J), any fields, zealots; one sweep split over --threads (results do not "
       "depend on it); weighted graphs run heatbath-checkerboard; sweep = N updates",
       [](const IsingModel& m, double b) -> std::unique_ptr<Move> { return make_colored_heatbath(m, b); }},
      {"wolff",
       "Wolff single-cluster flips (ferromagnets, field via ghost spin); sweep = k clusters, "
       "k ~ N/<cluster size> fixed at the end of thermalisation",
       make_wolff},
      {"sw", "Swendsen-Wang: all FK clusters, each flipped with p = 1/2 (ferromagnets, ghost spin); "
             "sweep = one update",
       make_swendsen_wang},
      {"majority", "opinion dynamics: zero-temperature majority rule s_i <- sign(sum_j J_ij s_j + h_i), "
                   "ties by a coin; random-sequential; beta ignored; sweep = N updates",
       [](const IsingModel& m, double b) -> std::unique_ptr<Move> { return make_majority_rule(m, b); }, false},
      {"voter", "opinion dynamics: voter model, copy a random neighbour (the opposite across J < 0); "
                "random-sequential; beta ignored; sweep = N updates",
       [](const IsingModel& m, double b) -> std::unique_ptr<Move> { return make_voter(m, b); }, false},
      {"majority-vote", "opinion dynamics: majority-vote model (Oliveira 1992), the minority with noise "
                        "q = 1/(1+e^(2 beta)); random-sequential; sweep = N updates",
       [](const IsingModel& m, double b) -> std::unique_ptr<Move> { return make_majority_vote(m, b); }, false},
  };
  return registry;
}

std::unique_ptr<Move> make_move(std::string_view spec, const IsingModel& model, double beta) {
  std::vector<std::string> names;
  std::stringstream ss{std::string(spec)};
  for (std::string part; std::getline(ss, part, '+');) names.push_back(part);
  if (!spec.empty() && spec.back() == '+') names.emplace_back();
  if (names.empty()) throw InputError("--algo: empty algorithm name");
  std::vector<std::unique_ptr<Move>> parts;
  for (const auto& name : names) {
    const MoveInfo* found = nullptr;
    for (const auto& info : move_registry())
      if (info.name == name || (name == "swendsen-wang" && info.name == "sw") ||
          (name == "glauber" && info.name == "heatbath-random"))
        found = &info;
    if (!found) {
      std::string known;
      for (const auto& info : move_registry()) known += (known.empty() ? "" : ", ") + info.name;
      throw InputError("--algo: unknown algorithm '" + name + "' (known: " + known +
                       "; combine with '+', e.g. wolff+metropolis)");
    }
    parts.push_back(found->make(model, beta));
  }
  if (parts.size() == 1) return std::move(parts.front());
  return std::make_unique<CompositeMove>(std::move(parts));
}

}  // namespace spinlab
