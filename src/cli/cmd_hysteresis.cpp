// `spinlab hysteresis` (field loops at several sweep rates) and `spinlab quench` (linear cooling
// ramps, frozen-in domain walls vs Kibble-Zurek).
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "cli/probe_flags.hpp"
#include "core/error.hpp"
#include "exact/oracles.hpp"
#include "io/svg_plot.hpp"
#include "probe/hysteresis.hpp"

namespace spinlab::cli {
namespace {

std::vector<int64_t> parse_counts(const std::string& spec, const std::string& flag) {
  std::vector<int64_t> out;
  for (const auto& t : split(spec, ',')) out.push_back(parse_integer(t, flag));
  if (out.empty()) throw InputError(flag + ": give at least one value");
  return out;
}

struct HysteresisFlags {
  GeometryFlags geo;
  double beta = 0.6, H = 1.0;
  int steps = 40, repeats = 8, threads = 2;
  std::string rates = "10", algo = "metropolis", plot, beta_loop;
  double antagonistic = 0.0;
  uint64_t seed = 1;
  bool json = false, quiet = false;
};

int run_hysteresis(const HysteresisFlags& f) {
  const Geometry g = build_geometry(f.geo);
  HysteresisOptions o;
  o.algo = f.algo;
  o.beta = f.beta;
  o.field_max = f.H;
  o.steps = f.steps;
  o.repeats = f.repeats;
  o.seed = f.seed;
  o.threads = f.threads;
  o.sweeps_per_step = parse_counts(f.rates, "--sweeps-per-step");
  if (!f.beta_loop.empty()) {
    const auto p = split(f.beta_loop, ':');
    if (p.size() != 2) throw InputError("--beta-loop: expected A:B, got '" + f.beta_loop + "'");
    o.parameter = "beta";
    o.beta_from = parse_number(p[0], "--beta-loop");
    o.beta_to = parse_number(p[1], "--beta-loop");
  }
  if (f.antagonistic != 0.0) {
    if (!f.beta_loop.empty()) throw InputError("give --beta-loop or --antagonistic-loop, not both");
    o.parameter = "antagonistic";
    o.antagonistic_max = f.antagonistic;
  }
  ProgressLine line("hysteresis", f.quiet);
  o.progress = line.callback();
  const HysteresisResult r = hysteresis(g.model, o);
  line(1.0);
  if (!f.plot.empty()) {
    PlotPanel p;
    p.title = g.description + ", beta = " + std::to_string(f.beta);
    p.xlabel = o.parameter;
    p.ylabel = o.parameter == "h" ? "m = M/N" : "|m|";
    if (o.parameter == "antagonistic") p.xlabel = "fraction of antagonistic couplings";
    for (const auto& L : r.loops) {
      PlotSeries s;
      s.label = std::to_string(L.sweeps_per_step) + " sweeps/step";
      s.x = L.field;
      for (const auto& e : L.magnetization) s.y.push_back(e.mean), s.error.push_back(e.error);
      p.series.push_back(s);
    }
    write_output(f.plot, render_svg({p}, 1));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "hysteresis";
    j["model"] = g.description;
    j["beta"] = f.beta;
    j["parameter"] = o.parameter;
    if (o.parameter == "h") j["H"] = f.H;
    else if (o.parameter == "beta") j["beta_loop"] = {o.beta_from, o.beta_to};
    else j["antagonistic_max"] = o.antagonistic_max;
    j["steps"] = f.steps;
    j["repeats"] = f.repeats;
    j["algo"] = f.algo;
    j["seed"] = f.seed;
    nlohmann::json loops = nlohmann::json::array();
    for (const auto& L : r.loops) {
      nlohmann::json m = nlohmann::json::array();
      for (const auto& e : L.magnetization) m.push_back(to_json(e));
      loops.push_back({{"sweeps_per_step", L.sweeps_per_step}, {"rate", L.rate}, {"field", L.field}, {"m", m},
                       {"area", to_json(L.area)}, {"coercive_up", to_json(L.coercive_up)},
                       {"coercive_down", to_json(L.coercive_down)}});
    }
    j["loops"] = loops;
    j["area_exponent"] = to_json(r.exponent);
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  if (o.parameter == "h")
    std::printf("# %s, beta = %g, h from %g to %g and back in %d steps, %s, %d repeats, %.1f s\n", g.description.c_str(),
                f.beta, -f.H, f.H, f.steps, f.algo.c_str(), f.repeats, r.seconds);
  else if (o.parameter == "beta")
    std::printf("# %s, beta from %g to %g and back in %d steps (|m| loop), %s, %d repeats, %.1f s\n",
                g.description.c_str(), o.beta_from, o.beta_to, f.steps, f.algo.c_str(), f.repeats, r.seconds);
  else
    std::printf("# %s, beta = %g, antagonistic fraction from 0 to %g and back in %d steps (|m| loop), %s, %d repeats, "
                "%.1f s\n",
                g.description.c_str(), f.beta, o.antagonistic_max, f.steps, f.algo.c_str(), f.repeats, r.seconds);
  if (o.parameter == "h") {
    std::printf("%14s %12s %24s %24s %24s\n", "sweeps/step", "dh/sweep", "loop area", "coercive field (up)",
                "coercive field (down)");
    for (const auto& L : r.loops)
      std::printf("%14lld %12.3g %12.5f +- %-9.2g %12.5f +- %-9.2g %12.5f +- %-9.2g\n",
                  static_cast<long long>(L.sweeps_per_step), L.rate, L.area.mean, L.area.error, L.coercive_up.mean,
                  L.coercive_up.error, L.coercive_down.mean, L.coercive_down.error);
  } else {
    std::printf("%14s %14s %24s\n", "sweeps/step", "d(param)/sweep", "loop area (|m| dparam)");
    for (const auto& L : r.loops)
      std::printf("%14lld %14.3g %12.5f +- %-9.2g\n", static_cast<long long>(L.sweeps_per_step), L.rate, L.area.mean,
                  L.area.error);
  }
  if (std::isfinite(r.exponent.mean))
    std::printf("loop area ~ rate^alpha: alpha = %.4f +- %.4f\n", r.exponent.mean, r.exponent.error);
  std::fflush(stdout);
  for (const auto& L : r.loops)
    if (!std::isfinite(L.coercive_up.mean) || !std::isfinite(L.coercive_down.mean))
      if (o.parameter == "h") std::fprintf(stderr, "warning: at %lld sweeps/step the magnetisation did not reverse within +-%g in every repeat "
                           "(coercive field nan): raise --H\n", static_cast<long long>(L.sweeps_per_step), f.H);
  return 0;
}

struct QuenchFlags {
  GeometryFlags geo;
  std::string beta = "0.2:0.6", taus = "16,64,256,1024", algo = "metropolis", plot;
  int repeats = 16, threads = 2;
  uint64_t seed = 1;
  double equilibrium = NAN;
  bool json = false, quiet = false;
};

int run_quench(const QuenchFlags& f) {
  const Geometry g = build_geometry(f.geo);
  QuenchOptions o;
  const auto parts = split(f.beta, ':');
  if (parts.size() != 2) throw InputError("--beta: expected START:END, got '" + f.beta + "'");
  o.beta_initial = parse_number(parts[0], "--beta");
  o.beta_final = parse_number(parts[1], "--beta");
  o.ramp_sweeps = parse_counts(f.taus, "--tau");
  o.repeats = f.repeats;
  o.threads = f.threads;
  o.seed = f.seed;
  o.algo = f.algo;
  // The equilibrium broken-bond fraction at beta_final: Kaufman's exact finite-torus energy
  // (E/N = -2 J (1 - 2 p) on the square lattice), or --equilibrium.
  double eq = f.equilibrium;
  std::string eq_source = "--equilibrium";
  if (!std::isfinite(eq)) {
    const Lattice* lat = g.model.lattice();
    double J = 0;
    if (!lat || lat->dim() != 2 || lat->boundary() != Boundary::Periodic || !lat->is_uniform(&J) || !(J > 0) ||
        g.model.has_field())
      throw InputError("quench: the exact equilibrium wall density needs a periodic square ferromagnet without field; "
                       "give it with --equilibrium P");
    const double e = kaufman_torus(lat->extent(0), lat->extent(1), o.beta_final, J).energy_per_spin / J;
    eq = 0.5 * (1.0 + e / 2.0);
    eq_source = "Kaufman (exact, finite torus)";
  }
  ProgressLine line("quench", f.quiet);
  o.progress = line.callback();
  const QuenchResult r = quench(g.model, eq, o);
  line(1.0);
  // Kibble-Zurek for the 2D Ising class: nu = 1 (Onsager), z = 2.1665 for single-spin dynamics
  // (Nightingale & Bloete, PRL 76, 4548 (1996)); walls per length ~ 1/xi_hat ~ tau^(-nu/(1+z nu)).
  const double nu = 1.0, z = 2.1665, kz = nu / (1.0 + z * nu);
  if (!f.plot.empty()) {
    PlotPanel p;
    p.title = "excess domain-wall density after a linear quench";
    p.xlabel = "log10 tau_Q";
    p.ylabel = "log10 excess wall density";
    PlotSeries s;
    s.label = "measured";
    for (const auto& q : r.points)
      if (q.excess_density.mean > 0) {
        s.x.push_back(std::log10(static_cast<double>(q.ramp_sweeps)));
        s.y.push_back(std::log10(q.excess_density.mean));
        s.error.push_back(q.excess_density.error / (q.excess_density.mean * std::log(10.0)));
      }
    p.series.push_back(s);
    write_output(f.plot, render_svg({p}, 1));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "quench";
    j["model"] = g.description;
    j["beta_initial"] = o.beta_initial;
    j["beta_final"] = o.beta_final;
    j["algo"] = f.algo;
    j["repeats"] = f.repeats;
    j["seed"] = f.seed;
    j["equilibrium_density"] = eq;
    j["equilibrium_source"] = eq_source;
    nlohmann::json pts = nlohmann::json::array();
    for (const auto& q : r.points)
      pts.push_back({{"tau", q.ramp_sweeps}, {"wall_density", to_json(q.wall_density)}, {"excess_density", to_json(q.excess_density)}});
    j["points"] = pts;
    j["kappa"] = to_json(r.kappa);
    j["kibble_zurek"] = {{"nu", nu}, {"z", z}, {"kappa", kz}};
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s, beta %g -> %g linearly over tau_Q sweeps, %s, %d repeats, %.1f s\n", g.description.c_str(),
              o.beta_initial, o.beta_final, f.algo.c_str(), f.repeats, r.seconds);
  std::printf("equilibrium wall density at beta_final: %.6f (%s)\n", eq, eq_source.c_str());
  std::printf("%10s %26s %26s\n", "tau_Q", "wall density", "excess");
  for (const auto& q : r.points)
    std::printf("%10lld %14.6f +- %-9.2g %14.6f +- %-9.2g\n", static_cast<long long>(q.ramp_sweeps), q.wall_density.mean,
                q.wall_density.error, q.excess_density.mean, q.excess_density.error);
  std::printf("excess ~ tau_Q^-kappa: kappa = %.4f +- %.4f; Kibble-Zurek nu/(1+z nu) = %.4f (nu = 1, z = %.4f)\n",
              r.kappa.mean, r.kappa.error, kz, z);
  return 0;
}

}  // namespace

void register_hysteresis(CLI::App& app, Action& run) {
  {
    auto* cmd = app.add_subcommand("hysteresis", "Field loops M(h) at several sweep rates: area, coercive fields");
    cmd->footer("Example: spinlab hysteresis --lattice square --L 32 --beta 0.6 --H 1 --sweeps-per-step 1,4,16");
    auto f = std::make_shared<HysteresisFlags>();
    add_geometry_flags(cmd, f->geo, false);
    cmd->add_option("--beta", f->beta, "inverse temperature")->capture_default_str();
    cmd->add_option("--H", f->H, "field amplitude: h runs -H -> +H -> -H")->capture_default_str();
    cmd->add_option("--antagonistic-loop", f->antagonistic,
                    "loop in the fraction of sign-flipped couplings instead: 0 -> F -> 0 at --beta, recording |m|");
    cmd->add_option("--beta-loop", f->beta_loop, "loop in beta instead: A:B runs A -> B -> A (cooling, heating), recording |m|");
    cmd->add_option("--steps", f->steps, "field values per branch")->capture_default_str();
    cmd->add_option("--sweeps-per-step", f->rates, "sweeps at each field value, one loop per value (e.g. 1,4,16)")
        ->capture_default_str();
    cmd->add_option("--repeats", f->repeats, "independent loops per rate (errors from their spread)")->capture_default_str();
    cmd->add_option("--algo", f->algo, "single-spin dynamics: metropolis | heatbath")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--plot", f->plot, "write the loops as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_hysteresis(*f); }; });
  }
  {
    auto* cmd = app.add_subcommand("quench", "Linear cooling ramps: frozen-in domain walls vs Kibble-Zurek");
    cmd->footer("Example: spinlab quench --lattice square --L 64 --beta 0.2:0.6 --tau 16,64,256,1024 --repeats 16");
    auto f = std::make_shared<QuenchFlags>();
    add_geometry_flags(cmd, f->geo, false);
    cmd->add_option("--beta", f->beta, "START:END of the linear ramp in beta")->capture_default_str();
    cmd->add_option("--tau", f->taus, "ramp lengths tau_Q in sweeps, comma-separated")->capture_default_str();
    cmd->add_option("--repeats", f->repeats, "ramps per tau_Q")->capture_default_str();
    cmd->add_option("--algo", f->algo, "single-spin dynamics: metropolis | heatbath")->capture_default_str();
    cmd->add_option("--equilibrium", f->equilibrium, "equilibrium wall density at the final beta (default: exact, Kaufman)");
    cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--plot", f->plot, "write log excess density vs log tau_Q as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_quench(*f); }; });
  }
}

}  // namespace spinlab::cli
