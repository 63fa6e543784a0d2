// `spinlab glass`: disorder-averaged spin-glass observables (Binder ratio g, chi_SG, overlaps) of
// SK or Edwards-Anderson models for several sizes, by parallel tempering.
#include <fmt/core.h>

#include <cmath>

#include "cli/common.hpp"
#include "core/error.hpp"
#include "core/spin_glass.hpp"
#include "io/svg_plot.hpp"
#include "measure/spin_glass.hpp"
#include "sample/parallel_tempering.hpp"

namespace spinlab::cli {
namespace {

struct GlassFlags {
  std::string model = "ea3", sizes = "4,6", beta, T, disorder = "pm1", algo = "metropolis", plot;
  int samples = 16, threads = 1, temperatures = 0;
  int64_t sweeps = 4000, therm = 1000;
  uint64_t seed = 1;
  bool adaptive = false, houdayer = false, json = false, quiet = false;
};

IsingModel make_instance(const std::string& model, int size, Disorder d, uint64_t sample) {
  if (model == "sk") return sherrington_kirkpatrick(size, d, sample);
  if (model == "ea2") return edwards_anderson(2, size, d, sample);
  if (model == "ea3") return edwards_anderson(3, size, d, sample);
  throw InputError("--model: expected sk, ea2 or ea3, got '" + model + "'");
}

int run_glass(const GlassFlags& f) {
  const Disorder d = parse_disorder(f.disorder);
  std::vector<int> sizes;
  for (double x : parse_value_list(f.sizes, "--sizes")) {
    if (x != std::floor(x) || x < 2 || x > 100000) throw InputError("--sizes: whole numbers >= 2, got '" + f.sizes + "'");
    sizes.push_back(static_cast<int>(x));
  }
  std::vector<double> betas = betas_from_flags(f.beta, f.T);
  std::sort(betas.begin(), betas.end());
  if (betas.size() < 2) throw InputError("--beta/--T: parallel tempering needs at least 2 temperatures");
  if (f.samples < 2) throw InputError("--samples must be at least 2 (errors come from sample-to-sample spread)");
  make_instance(f.model, sizes.front(), d, 0);  // checks the model name early
  SpinGlassOptions o;
  o.algo = f.algo;
  o.betas = betas;
  o.sweeps = f.sweeps;
  o.therm = f.therm;
  o.seed = f.seed;
  o.adaptive_ladder = f.adaptive;
  o.houdayer = f.houdayer;
  ProgressLine progress("glass", f.quiet);
  std::vector<DisorderAverage> runs;
  for (size_t k = 0; k < sizes.size(); ++k) {
    const int size = sizes[k];
    runs.push_back(average_over_samples([&](uint64_t s) { return make_instance(f.model, size, d, s); }, o, f.samples,
                                        f.threads));
    progress(static_cast<double>(k + 1) / static_cast<double>(sizes.size()));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "glass";
    j["model"] = f.model;
    j["disorder"] = f.disorder;
    j["samples"] = f.samples;
    j["sweeps"] = f.sweeps;
    j["therm"] = f.therm;
    j["seed"] = f.seed;
    j["algo"] = f.algo;
    j["houdayer"] = f.houdayer;
    j["sizes"] = nlohmann::json::array();
    for (size_t k = 0; k < sizes.size(); ++k) {
      const DisorderAverage& a = runs[k];
      nlohmann::json s;
      s["size"] = sizes[k];
      s["num_spins"] = a.num_spins;
      s["exchange_acceptance"] = a.exchange_acceptance;
      s["mean_round_trip_steps"] = a.mean_round_trip_steps;
      if (f.houdayer) s["houdayer_cluster_fraction"] = a.houdayer_cluster_fraction;
      s["unequilibrated_samples"] = a.unequilibrated_samples;
      s["points"] = nlohmann::json::array();
      for (const DisorderPoint& p : a.points)
        s["points"].push_back({{"beta", p.beta}, {"temperature", 1.0 / p.beta}, {"energy_per_spin", to_json(p.energy_per_spin)},
                               {"q2", to_json(p.q2)}, {"abs_q", to_json(p.abs_q)}, {"chi_sg", to_json(p.chi_sg)},
                               {"binder_g", to_json(p.binder_g)}, {"link_overlap", to_json(p.link_overlap)},
                               {"stable", p.stable}});
      j["sizes"].push_back(s);
    }
    fmt::print("{}\n", j.dump(2));
  } else {
    for (size_t k = 0; k < sizes.size(); ++k) {
      const DisorderAverage& a = runs[k];
      fmt::print("# {} size {} ({} spins), {} samples, {} PT steps after {}, mean round trip {:.0f} steps{}\n", f.model,
                 sizes[k], a.num_spins, a.samples, f.sweeps, f.therm, a.mean_round_trip_steps,
                 a.unequilibrated_samples ? fmt::format(", {} samples failed the equilibration check", a.unequilibrated_samples)
                                          : std::string());
      fmt::print("{:>9} {:>9} {:>22} {:>22} {:>22} {:>22}\n", "beta", "T", "E/N", "<q^2>", "chi_SG", "g");
      for (const DisorderPoint& p : a.points)
        fmt::print("{:>9.5f} {:>9.5f} {:>14.6f} ± {:<7.2g}{:>14.6f} ± {:<7.2g}{:>14.4f} ± {:<7.2g}{:>14.5f} ± {:<7.2g}{}\n", p.beta,
                   1.0 / p.beta, p.energy_per_spin.mean, p.energy_per_spin.error, p.q2.mean, p.q2.error, p.chi_sg.mean,
                   p.chi_sg.error, p.binder_g.mean, p.binder_g.error, p.stable ? "" : "  (not stable)");
    }
  }
  if (!f.plot.empty()) {
    PlotPanel g{"Binder ratio g(T)", "T", "g", {}, {}, ""};
    PlotPanel chi{"spin-glass susceptibility", "T", "chi_SG = N [<q^2>]", {}, {}, ""};
    for (size_t k = 0; k < sizes.size(); ++k) {
      PlotSeries sg{"L = " + std::to_string(sizes[k]), {}, {}, {}, false, ""}, sc = sg;
      if (f.model == "sk") sg.label = sc.label = "N = " + std::to_string(sizes[k]);
      for (const DisorderPoint& p : runs[k].points) {
        sg.x.push_back(1.0 / p.beta);
        sg.y.push_back(p.binder_g.mean);
        sg.error.push_back(p.binder_g.error);
        sc.x.push_back(1.0 / p.beta);
        sc.y.push_back(p.chi_sg.mean);
        sc.error.push_back(p.chi_sg.error);
      }
      g.series.push_back(sg);
      chi.series.push_back(sc);
    }
    write_output(f.plot, render_svg({g, chi}));
  }
  return 0;
}

}  // namespace

void register_glass(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("glass", "Disorder-averaged spin-glass observables (Binder g, chi_SG) by parallel tempering");
  auto f = std::make_shared<GlassFlags>();
  cmd->add_option("--model", f->model, "sk | ea2 | ea3 (Edwards-Anderson, periodic)")->capture_default_str();
  cmd->add_option("--sizes", f->sizes, "sizes: N for sk, L for ea2/ea3 (e.g. 4,6,8)")->capture_default_str();
  add_temperature_flags(cmd, f->beta, f->T);
  cmd->add_option("--disorder", f->disorder, "pm1 | gaussian couplings")->capture_default_str();
  cmd->add_option("--samples", f->samples, "disorder samples per size (sample s = disorder seed s)")->capture_default_str();
  cmd->add_option("--sweeps", f->sweeps, "measured PT steps per sample")->capture_default_str();
  cmd->add_option("--therm", f->therm, "discarded PT steps first")->capture_default_str();
  cmd->add_option("--algo", f->algo, "per-replica sweep (spinlab list)")->capture_default_str();
  cmd->add_flag("--adaptive", f->adaptive, "tune the intermediate temperatures for even exchange acceptance");
  cmd->add_flag("--houdayer", f->houdayer, "Houdayer cluster moves between the two replica sets (sparse models; best in 2D)");
  cmd->add_option("--seed", f->seed, "random seed of the Monte Carlo")->check(seed_validator())->capture_default_str();
  cmd->add_option("--threads", f->threads, "samples run in parallel (results do not depend on it)")->capture_default_str();
  cmd->add_option("--plot", f->plot, "SVG of g(T) and chi_SG(T) for every size");
  cmd->add_flag("--json", f->json, "print JSON instead of the tables");
  cmd->add_flag("--quiet", f->quiet, "no progress line");
  cmd->callback([&run, f] { run = [f] { return run_glass(*f); }; });
}

}  // namespace spinlab::cli
