// `spinlab walls`: infer which nearest-neighbour bonds of a lattice are missing from sampled
// configurations alone (pseudo-likelihood inverse Ising), and compare with the truth.
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "cli/probe_flags.hpp"
#include "core/error.hpp"
#include "io/svg_map.hpp"
#include "probe/walls.hpp"

namespace spinlab::cli {
namespace {

struct WallsFlags {
  GeometryFlags geo;
  ChiRunFlags run;
  int blocks = 8;
  double decide_sigma = 3.0;
  std::string plot;
};

nlohmann::json coords_json(const std::array<int32_t, 3>& c, int dim) {
  nlohmann::json j = nlohmann::json::array();
  for (int d = 0; d < dim; ++d) j.push_back(c[d]);
  return j;
}

int run_walls(const WallsFlags& f) {
  const Geometry g = build_geometry(f.geo);
  const Lattice* lat = g.model.lattice();
  if (!lat || lat->dim() < 2) throw InputError("walls: needs --lattice square|cubic (or --preset chambers)");
  const ChiOptions c = chi_options(f.run);
  WallInferenceOptions o;
  o.algo = c.algo;
  o.beta = c.beta;
  o.sweeps = c.sweeps;
  o.therm = c.therm;
  o.measure_every = c.measure_every;
  o.seed = c.seed;
  o.chains = c.chains;
  o.threads = c.threads;
  o.init = c.init;
  o.blocks_per_chain = f.blocks;
  o.decide_sigma = f.decide_sigma;
  if (!(f.decide_sigma > 0.0)) throw InputError("--decide-sigma must be > 0");
  ProgressLine line("walls", f.run.quiet);
  o.progress = line.callback();
  const WallInferenceResult r = infer_walls(g.model, o);
  line(1.0);
  const int dim = lat->dim();
  if (!f.plot.empty()) {
    if (dim != 2) throw InputError("--plot: pictures need a square lattice");
    MapPanel p;
    p.title = "true wall (black), inferred (dashed)";
    p.width = lat->extent(0);
    p.height = lat->extent(1);
    p.value_label = "fitted beta J";
    for (const auto& v : r.bonds) {
      // A small cell at the bond's midpoint, coloured by its coupling.
      const double x = v.bond.dir == 0 ? v.from[0] + 0.75 : v.from[0] + 0.25;
      const double y = v.bond.dir == 0 ? v.from[1] + 0.25 : v.from[1] + 0.75;
      p.cells.push_back({x, y, 0.5, 0.5, v.coupling.mean});
    }
    p.segments = removed_bond_segments(*lat, lat->removed_bonds(), "#000000", 5.0);
    std::vector<Lattice::BondRef> called;
    for (const auto& v : r.missing) called.push_back(v.bond);
    auto inferred = removed_bond_segments(*lat, called, "#D55E00", 2.0);
    for (auto& s : inferred) s.dashed = true;
    p.segments.insert(p.segments.end(), inferred.begin(), inferred.end());
    write_output(f.plot, render_map_svg({p}, 1));
  }
  if (f.run.json) {
    nlohmann::json j;
    j["command"] = "walls";
    j["model"] = g.description;
    j["beta"] = f.run.beta;
    j["algo"] = r.algo;
    j["sweeps"] = (f.run.sweeps / f.run.chains) * f.run.chains;
    j["samples"] = r.samples;
    j["seed"] = f.run.seed;
    nlohmann::json mb = nlohmann::json::array(), conf = nlohmann::json::array();
    for (const auto& v : r.missing) {
      mb.push_back({coords_json(v.from, dim), coords_json(v.to, dim)});
      conf.push_back({{"bond", {coords_json(v.from, dim), coords_json(v.to, dim)}},
                      {"beta_J", to_json(v.coupling)},
                      {"confidence", v.confidence},
                      {"decided", v.decided}});
    }
    j["missing_bonds"] = mb;
    j["missing_bond_details"] = conf;
    j["walls"] = r.walls;
    j["true_walls"] = g.true_walls;
    j["typical_beta_J"] = r.typical_coupling;
    j["threshold_beta_J"] = r.threshold;
    nlohmann::json und = nlohmann::json::array();
    for (const auto& v : r.bonds)
      if (!v.decided)
        und.push_back({{"bond", {coords_json(v.from, dim), coords_json(v.to, dim)}},
                       {"beta_J", to_json(v.coupling)},
                       {"confidence", v.confidence}});
    j["undecided_bonds"] = und;
    j["bonds_tested"] = r.bonds.size();
    j["precision"] = r.precision;
    j["recall"] = r.recall;
    j["true_positives"] = r.true_positives;
    j["false_positives"] = r.false_positives;
    j["false_negatives"] = r.false_negatives;
    j["newton_failures"] = r.newton_failures;
    // The independent spectroscopy verdicts (Pearson correlation of each bond's two spins).
    j["spectroscopy"] = {{"walls", r.walls_by_correlation},
                         {"typical_correlation", r.typical_correlation},
                         {"threshold_correlation", 0.5 * r.typical_correlation},
                         {"missing_bonds", r.missing_by_correlation},
                         {"undecided_bonds", r.undecided_by_correlation},
                         {"precision", r.correlation_precision},
                         {"recall", r.correlation_recall},
                         {"false_positives", r.correlation_false_positives},
                         {"false_negatives", r.correlation_false_negatives}};
    j["methods_disagree"] = r.methods_disagree;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s, beta = %g, %s, %lld configurations, %.1f s\n", g.description.c_str(), f.run.beta, r.algo.c_str(),
              static_cast<long long>(r.samples), r.seconds);
  std::printf("typical beta J = %.4f; a bond is missing below %.4f\n", r.typical_coupling, r.threshold);
  std::printf("bonds tested %zu, called missing %zu, undecided (within %.1f errors of the threshold) %d\n",
              r.bonds.size(), r.missing.size(), f.decide_sigma, r.undecided);
  std::printf("inferred walls:");
  for (const auto& w : r.walls) std::printf(" %s", w.c_str());
  std::printf("%s\ntrue walls:    ", r.walls.empty() ? " (none)" : "");
  for (const auto& w : g.true_walls) std::printf(" %s", w.c_str());
  std::printf("%s\n", g.true_walls.empty() ? " (none)" : "");
  std::printf("precision %.4f (%d of %zu), recall %.4f (%d of %d)\n", r.precision, r.true_positives, r.missing.size(),
              r.recall, r.true_positives, r.true_missing);
  std::printf("spectroscopy (pair correlations, typical %.4f): walls", r.typical_correlation);
  for (const auto& w : r.walls_by_correlation) std::printf(" %s", w.c_str());
  std::printf("%s; precision %.4f, recall %.4f, undecided %d; the two methods disagree on %d bonds\n",
              r.walls_by_correlation.empty() ? " (none)" : "", r.correlation_precision, r.correlation_recall,
              r.undecided_by_correlation, r.methods_disagree);
  double worst = 1.0;
  for (const auto& v : r.bonds) worst = std::min(worst, v.confidence);
  std::printf("lowest per-bond confidence %.6f\n", worst);
  return 0;
}

}  // namespace

void register_walls(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("walls", "Infer the missing bonds (walls) of a lattice from samples alone");
  cmd->footer(
      "Samples the model as a black box, fits every nearest-neighbour coupling beta J by pseudo-likelihood from the\n"
      "configurations (pattern counts, jackknife errors over blocks), calls a bond missing when its coupling is below\n"
      "half the typical one, and merges the missing bonds into straight walls. Independently, single-site\n"
      "spectroscopy calls a bond missing when the correlation of its two spins is below half the typical one.\n"
      "Example: spinlab walls --preset chambers --beta 0.44 --sweeps 100000 --seed 1 --json");
  auto f = std::make_shared<WallsFlags>();
  add_geometry_flags(cmd, f->geo, false);
  add_chi_run_flags(cmd, f->run);
  cmd->add_option("--blocks", f->blocks, "jackknife blocks per chain")->capture_default_str();
  cmd->add_option("--decide-sigma", f->decide_sigma, "a bond within this many errors of the threshold is undecided")
      ->capture_default_str();
  cmd->add_option("--plot", f->plot, "write an SVG: fitted couplings, the true and the inferred walls");
  cmd->callback([&run, f] { run = [f] { return run_walls(*f); }; });
}

}  // namespace spinlab::cli
