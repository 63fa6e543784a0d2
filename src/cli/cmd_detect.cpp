// `spinlab detect`: locate a transition from the change of generic feature distributions between
// neighbouring betas (probe/detect.hpp), without naming an order parameter.
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "cli/probe_flags.hpp"
#include "core/error.hpp"
#include "exact/oracles.hpp"
#include "io/svg_plot.hpp"
#include "probe/detect.hpp"

namespace spinlab::cli {
namespace {

struct DetectFlags {
  GeometryFlags geo;
  std::string beta, algo = "wolff", plot;
  int64_t samples = 2000, therm = 500, measure_every = 1;
  int bins = 64, bootstrap = 200, threads = 2;
  uint64_t seed = 1;
  bool json = false, quiet = false;
};

// Onsager's beta_c when the model is a uniform 2D square ferromagnet without field or walls.
std::optional<double> square_beta_c(const IsingModel& m) {
  const Lattice* lat = m.lattice();
  double J = 0.0;
  if (!lat || lat->dim() != 2 || !lat->is_uniform(&J) || !(J > 0.0) || lat->num_removed_bonds() != 0 || m.has_field())
    return std::nullopt;
  return onsager_beta_c(J);
}

int run_detect(const DetectFlags& f) {
  const Geometry g = build_geometry(f.geo);
  DetectOptions o;
  if (f.beta.empty()) throw InputError("--beta is required (e.g. 0.3:0.6:31)");
  o.betas = parse_value_list(f.beta, "--beta");
  o.algo = f.algo;
  o.samples = f.samples;
  o.therm = f.therm;
  o.measure_every = f.measure_every;
  o.bins = f.bins;
  o.bootstrap = f.bootstrap;
  o.seed = f.seed;
  o.threads = f.threads;
  ProgressLine line("detect", f.quiet);
  o.progress = line.callback();
  const DetectResult r = detect_transition(g.model, o);
  line(1.0);
  const std::optional<double> beta_c = square_beta_c(g.model);
  const double deviation = beta_c ? (r.transition.mean - *beta_c) / *beta_c : NAN;
  if (!f.plot.empty()) {
    PlotPanel p;
    p.title = g.description;
    p.xlabel = "beta (midpoint of neighbours)";
    p.ylabel = "mean Jensen-Shannon divergence (nats)";
    PlotSeries s;
    s.label = "JS of neighbours";
    for (const auto& d : r.dissimilarity) {
      s.x.push_back(d.beta_mid);
      s.y.push_back(d.value.mean);
      s.error.push_back(d.value.error);
    }
    p.series.push_back(s);
    PlotSeries fl;
    fl.label = "same-beta floor";
    fl.curve = true;
    for (const auto& d : r.dissimilarity) fl.x.push_back(d.beta_mid), fl.y.push_back(d.floor);
    p.series.push_back(fl);
    if (beta_c) {
      p.marker_x = *beta_c;
      p.marker_label = "beta_c (Onsager)";
    }
    write_output(f.plot, render_svg({p}, 1));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "detect";
    j["model"] = g.description;
    j["betas"] = r.betas;
    j["algo"] = r.algo;
    j["samples"] = f.samples;
    j["therm"] = f.therm;
    j["measure_every"] = f.measure_every;
    j["bins"] = f.bins;
    j["bootstrap"] = f.bootstrap;
    j["seed"] = f.seed;
    j["features"] = r.features;
    nlohmann::json d = nlohmann::json::array();
    for (const auto& p : r.dissimilarity)
      d.push_back({{"beta_mid", p.beta_mid},
                   {"value", {{"mean", p.value.mean}, {"error", p.value.error}}},
                   {"per_feature", p.per_feature},
                   {"floor", p.floor}});
    j["dissimilarity"] = d;
    j["transition_estimate"] = {{"mean", r.transition.mean}, {"error", r.transition.error}};
    if (beta_c) {
      j["beta_c"] = *beta_c;
      j["relative_deviation"] = deviation;
    }
    j["tau_int"] = r.tau_int;
    j["warnings"] = r.warnings;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
  } else {
    std::printf("# %s, %zu betas %g..%g, %s, %lld samples every %lld sweeps after %lld, %d bins, B = %d, %.1f s\n",
                g.description.c_str(), r.betas.size(), r.betas.front(), r.betas.back(), r.algo.c_str(),
                static_cast<long long>(f.samples), static_cast<long long>(f.measure_every),
                static_cast<long long>(f.therm), f.bins, f.bootstrap, r.seconds);
    std::string names;
    for (const auto& n : r.features) names += (names.empty() ? "" : ", ") + n;
    std::printf("# features: %s\n", names.c_str());
    std::printf("%12s %24s %12s\n", "beta_mid", "dissimilarity (nats)", "floor");
    for (size_t k = 0; k < r.dissimilarity.size(); ++k) {
      const auto& p = r.dissimilarity[k];
      std::printf("%12.6f %12.6f +- %-9.2g %12.6f%s\n", p.beta_mid, p.value.mean, p.value.error, p.floor,
                  k == r.peak_index ? "  <- peak" : "");
    }
    std::printf("transition estimate: beta = %.5f +- %.5f\n", r.transition.mean, r.transition.error);
    if (beta_c)
      std::printf("Onsager beta_c = %.6f: relative deviation %+.2f%%\n", *beta_c, 100.0 * deviation);
  }
  std::fflush(stdout);
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  return 0;
}

}  // namespace

void register_detect(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand(
      "detect", "Locate a transition from how generic feature distributions change between neighbouring betas");
  cmd->footer("Example: spinlab detect --lattice square --L 64 --beta 0.3:0.6:31 --plot detect.svg");
  auto f = std::make_shared<DetectFlags>();
  add_geometry_flags(cmd, f->geo, false);
  cmd->add_option("--beta", f->beta, "inverse temperatures, >= 3 increasing: 0.3,0.4,0.5 | START:STOP:COUNT");
  cmd->add_option("--algo", f->algo, "sampler (any registered move or a+b composite)")->capture_default_str();
  cmd->add_option("--samples", f->samples, "configurations per beta")->capture_default_str();
  cmd->add_option("--therm", f->therm, "discarded sweeps per beta")->capture_default_str();
  cmd->add_option("--measure-every", f->measure_every, "sweeps between configurations")->capture_default_str();
  cmd->add_option("--bins", f->bins, "histogram bins per feature")->capture_default_str();
  cmd->add_option("--bootstrap", f->bootstrap, "bootstrap replicates for the errors")->capture_default_str();
  cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
  cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
  cmd->add_option("--plot", f->plot, "write the dissimilarity curve as an SVG");
  cmd->add_flag("--json", f->json, "print JSON");
  cmd->add_flag("--quiet", f->quiet, "no progress line");
  cmd->callback([&run, f] { run = [f] { return run_detect(*f); }; });
}

}  // namespace spinlab::cli
