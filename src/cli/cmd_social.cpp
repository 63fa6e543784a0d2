// `spinlab social ...`: opinion dynamics on networks (src/social). `network` builds a network and
// prints its statistics; `sweep` scans beta with the social order parameters and beta_c.
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "io/svg_plot.hpp"
#include "io/png.hpp"
#include "social/anneal.hpp"
#include "social/cascade.hpp"
#include "social/draw.hpp"
#include "social/loops.hpp"
#include "social/network.hpp"
#include "social/ridge.hpp"
#include "social/sweep.hpp"
#include "social/target.hpp"

namespace spinlab::cli {
namespace {

void add_network_flags(CLI::App* cmd, NetworkOptions& o) {
  cmd->add_option("--network", o.spec,
                  "er:n=N,k=MEANDEG | ba:n=N,m=M | ws:n=N,k=K,p=P | rr:n=N,k=K | sbm:sizes=A,B[,...],p_in=P,p_out=Q | "
                  "config:degrees=FILE | karate | FILE (edge list 'i j [w]', .graphml, .gml)");
  cmd->add_option("--network-seed", o.seed, "seed of the generator (igraph's RNG) and of --antagonistic F")
      ->check(seed_validator())->capture_default_str();
  cmd->add_option("--antagonistic", o.antagonistic,
                  "F: each edge negative with probability F | between: edges between communities negative");
  cmd->add_option("--J", o.J, "coupling scale (every weight times J)")->capture_default_str();
  cmd->add_option("--field", o.field, "uniform field h on every node (added to --nodes fields)")->capture_default_str();
  cmd->add_option("--community-field", o.community_field, "a field per community: H0,H1,... (one per community, added)")
      ->delimiter(',');
  cmd->add_option("--nodes", o.nodes_file, "node file: lines 'i h [zealot [community]]', zealot -1/0/+1");
  cmd->add_option("--zealots", o.zealots, "frozen spins SITES:+1 or SITES:-1 (SITES 0,3,7-12 or top:K); repeatable");
}

nlohmann::json network_json(const SocialNetwork& net) {
  return {{"spec", net.description},
          {"kind", net.kind},
          {"nodes", net.model.size()},
          {"edges", net.model.graph().num_edges()},
          {"negative_edges", net.num_negative},
          {"communities", net.num_communities},
          {"mean_degree", net.mean_degree},
          {"mean_degree_sq", net.mean_degree_sq},
          {"max_degree", net.max_degree},
          {"build_seconds", net.build_seconds}};
}

struct NetworkCmd {
  NetworkOptions net;
  bool json = false;
};

int run_network(const NetworkCmd& f) {
  const SocialNetwork net = build_network(f.net);
  if (f.json) {
    std::printf("%s\n", network_json(net).dump(1).c_str());
    return 0;
  }
  std::printf("%s\n", net.description.c_str());
  std::printf("<k> = %.6g, <k^2> = %.6g, max degree %d, built in %.3f s\n", net.mean_degree, net.mean_degree_sq,
              net.max_degree, net.build_seconds);
  return 0;
}

// A spin state file that read_spin_state reads back (io/files.hpp).
void write_state(const std::string& path, std::span<const Spin> s, const std::string& what) {
  write_output(path, format_spin_state(s, what));
}

struct SweepCmd {
  NetworkOptions net;
  std::string beta, algo = "heatbath", csv, plot, state_out;
  int64_t sweeps = 2000, therm = 500, measure_every = 1;
  uint64_t seed = 1;
  int threads = 2, bootstrap = 200;
  bool json = false, quiet = false;
};

nlohmann::json est(const Estimate& e) { return to_json(e); }

int run_sweep(const SweepCmd& f) {
  if (f.beta.empty()) throw InputError("--beta is required (e.g. 0.3:0.8:21)");
  if (!f.csv.empty() && f.csv != "-") check_writable(f.csv);
  if (!f.plot.empty()) check_writable(f.plot);
  if (!f.state_out.empty()) check_writable(f.state_out);
  const SocialNetwork net = build_network(f.net);
  SocialSweepOptions o;
  o.keep_final_state = !f.state_out.empty();
  o.algo = f.algo;
  o.betas = parse_value_list(f.beta, "--beta");
  o.sweeps = f.sweeps;
  o.therm = f.therm;
  o.measure_every = f.measure_every;
  o.seed = f.seed;
  o.threads = f.threads;
  o.bootstrap = f.bootstrap;
  ProgressLine line("social sweep", f.quiet);
  o.progress = line.callback();
  const SocialSweepResult r = social_sweep(net, o);
  if (!f.state_out.empty())
    write_state(f.state_out, r.final_state,
                "social sweep: final state at beta = " + std::to_string(o.betas.back()) + ", " + net.description);
  line(1.0);

  if (!f.csv.empty()) {
    std::ostringstream c;
    c.precision(10);
    c << "beta,abs_m,abs_m_err,susceptibility,susceptibility_err,binder,binder_err,wall_density,wall_density_err,"
         "polarization,polarization_err,echo_index,echo_index_err,energy,energy_err\n";
    for (const auto& p : r.points)
      c << p.beta << ',' << p.abs_m.mean << ',' << p.abs_m.error << ',' << p.susceptibility.mean << ','
        << p.susceptibility.error << ',' << p.binder.mean << ',' << p.binder.error << ',' << p.wall_density.mean << ','
        << p.wall_density.error << ',' << p.polarization.mean << ',' << p.polarization.error << ','
        << p.echo_index.mean << ',' << p.echo_index.error << ',' << p.energy.mean << ',' << p.energy.error << '\n';
    write_output(f.csv, c.str());
  }
  if (!f.plot.empty()) {
    auto panel = [&](const std::string& title, auto get) {
      PlotPanel p;
      p.title = title;
      p.xlabel = "beta";
      p.ylabel = title;
      PlotSeries s;
      s.label = net.kind;
      for (const auto& pt : r.points) {
        s.x.push_back(pt.beta);
        s.y.push_back(get(pt).mean);
        s.error.push_back(get(pt).error);
      }
      p.series.push_back(s);
      if (std::isfinite(r.beta_c.mean)) {
        p.marker_x = r.beta_c.mean;
        p.marker_label = "beta_c estimate";
      }
      return p;
    };
    std::vector<PlotPanel> panels = {
        panel("|M|/N", [](const SocialPoint& p) { return p.abs_m; }),
        panel("susceptibility", [](const SocialPoint& p) { return p.susceptibility; }),
        panel("Binder cumulant", [](const SocialPoint& p) { return p.binder; }),
        panel("domain-wall density", [](const SocialPoint& p) { return p.wall_density; }),
        panel("polarization index", [](const SocialPoint& p) { return p.polarization; }),
        panel("echo-chamber index", [](const SocialPoint& p) { return p.echo_index; })};
    panels[0].title = net.description;
    write_output(f.plot, render_svg(panels, 2));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "social sweep";
    j["network"] = network_json(net);
    j["algo"] = r.algo;
    j["kernel"] = r.kernel;
    j["sweeps"] = f.sweeps;
    j["therm"] = f.therm;
    j["seed"] = f.seed;
    nlohmann::json pts = nlohmann::json::array();
    for (const auto& p : r.points) {
      nlohmann::json q = {{"beta", p.beta},
                          {"abs_m", est(p.abs_m)},
                          {"m", est(p.m)},
                          {"susceptibility", est(p.susceptibility)},
                          {"binder", est(p.binder)},
                          {"energy", est(p.energy)},
                          {"wall_density", est(p.wall_density)},
                          {"polarization", est(p.polarization)},
                          {"echo_agree", est(p.echo_agree)},
                          {"echo_index", est(p.echo_index)}};
      nlohmann::json cm = nlohmann::json::array();
      for (const auto& e : p.community_m) cm.push_back(est(e));
      q["community_m"] = cm;
      pts.push_back(q);
    }
    j["points"] = pts;
    j["beta_c_estimate"] = {{"mean", r.beta_c.mean}, {"error", r.beta_c.error}, {"method", "susceptibility peak, parabola, bootstrap"}};
    nlohmann::json pred = nlohmann::json::object();
    for (const auto& p : r.predictions)
      pred[p.name] = {{"beta_c", p.beta_c}, {"formula", p.formula}, {"reference", p.reference}};
    j["predictions"] = pred;
    j["notes"] = r.notes;
    j["warnings"] = r.warnings;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
  } else {
    std::printf("# %s, %s (%s), %lld sweeps after %lld, %.1f s\n", net.description.c_str(), r.algo.c_str(),
                r.kernel.c_str(), static_cast<long long>(f.sweeps), static_cast<long long>(f.therm), r.seconds);
    std::printf("%8s %22s %22s %20s %20s %20s %20s\n", "beta", "|M|/N", "chi", "Binder", "walls", "polarization",
                "echo index");
    for (size_t k = 0; k < r.points.size(); ++k) {
      const auto& p = r.points[k];
      std::printf("%8.4f %10.5f +- %-8.2g %10.4g +- %-8.2g %9.4f +- %-7.2g %9.4f +- %-7.2g %9.4f +- %-7.2g %9.4f +- %-7.2g%s\n",
                  p.beta, p.abs_m.mean, p.abs_m.error, p.susceptibility.mean, p.susceptibility.error, p.binder.mean,
                  p.binder.error, p.wall_density.mean, p.wall_density.error, p.polarization.mean, p.polarization.error,
                  p.echo_index.mean, p.echo_index.error, k == r.peak_index ? "  <- chi peak" : "");
    }
    std::printf("beta_c estimate (susceptibility peak): %.5f +- %.5f\n", r.beta_c.mean, r.beta_c.error);
    for (const auto& p : r.predictions)
      std::printf("prediction %-13s beta_c = %.6f  [%s; %s]\n", p.name.c_str(), p.beta_c, p.formula.c_str(),
                  p.reference.c_str());
    for (const auto& n : r.notes) std::printf("note: %s\n", n.c_str());
  }
  std::fflush(stdout);
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  return 0;
}


struct TargetCmd {
  NetworkOptions net;
  TargetOptions o;
  std::string strategies = "hubs,random,bridges,walls", state, state_out;
  bool json = false, quiet = false;
};

int run_target(TargetCmd f) {
  f.o.strategies = split(f.strategies, ',');
  check_writable(f.state_out);
  if (!f.state.empty()) {
    NetworkOptions first = f.net;
    f.o.start = read_spin_state(f.state, build_network(first).model.size());
  }
  ProgressLine line("social target", f.quiet);
  f.o.progress = line.callback();
  const TargetResult r = social_target(f.net, f.o);
  line(1.0);
  if (!f.state_out.empty() && !r.final_state.empty())
    write_state(f.state_out, r.final_state, "social target: final state of replica 0, strategy " + f.o.strategies[0] + ", " + r.description);
  if (f.json) {
    nlohmann::json j;
    j["command"] = "social target";
    j["network"] = r.description;
    j["budget"] = f.o.budget;
    j["h"] = f.o.h;
    j["beta"] = f.o.beta;
    j["algo"] = f.o.algo;
    j["sweeps"] = f.o.max_sweeps;
    j["replicas"] = f.o.replicas;
    j["networks"] = f.o.networks;
    nlohmann::json s = nlohmann::json::object();
    for (const auto& x : r.strategies) {
      if (!x.applicable) {
        s[x.name] = {{"applicable", false}, {"why_not", x.why_not}};
        continue;
      }
      s[x.name] = {{"final_magnetization", to_json(x.final_magnetization)},
                   {"time_to_flip", to_json(x.time_to_flip)},
                   {"flipped_fraction", x.flipped_fraction},
                   {"runs", x.runs}};
    }
    j["strategies"] = s;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s; K = %d nodes get h = %g; %s at beta = %g from all -1, %lld sweeps; %d replicas x %d networks; %.1f s\n",
              r.description.c_str(), f.o.budget, f.o.h, f.o.algo.c_str(), f.o.beta,
              static_cast<long long>(f.o.max_sweeps), f.o.replicas, f.o.networks, r.seconds);
  std::printf("%-9s %24s %24s %8s\n", "strategy", "final m", "time to flip (sweeps)", "flipped");
  for (const auto& x : r.strategies) {
    if (!x.applicable) {
      std::printf("%-9s not applicable: %s\n", x.name.c_str(), x.why_not.c_str());
      continue;
    }
    std::printf("%-9s %11.4f +- %-9.2g %11.2f +- %-9.2g %7.0f%%\n", x.name.c_str(), x.final_magnetization.mean,
                x.final_magnetization.error, x.time_to_flip.mean, x.time_to_flip.error, 100.0 * x.flipped_fraction);
  }
  return 0;
}


// "A:B" -> {A, B}, InputError naming the flag.
std::pair<double, double> parse_pair(const std::string& spec, const std::string& flag) {
  const auto p = split(spec, ':');
  if (p.size() != 2) throw InputError(flag + ": expected A:B, got '" + spec + "'");
  return {parse_number(p[0], flag), parse_number(p[1], flag)};
}

struct RidgeCmd {
  NetworkOptions net;
  RidgeOptions o;
  std::string seeds, h = "0:1", state, csv, plot, detrend = "gaussian:0.2";
  double ews_window = 0.5;
  int64_t surrogates = 200;
  bool json = false, quiet = false;
};

int run_ridge(RidgeCmd f) {
  check_writable(f.csv);
  check_writable(f.plot);
  std::tie(f.o.h_start, f.o.h_end) = parse_pair(f.h, "--h");
  if (!(f.ews_window > 0.0 && f.ews_window < 1.0)) throw InputError("--ews-window must be in (0, 1)");
  if (f.surrogates < 0) throw InputError("--surrogates must be >= 0");
  parse_detrend(f.detrend, f.o.ews);
  f.o.ews.window = f.ews_window;
  f.o.ews.surrogates = f.surrogates;
  f.o.ews.seed = f.o.seed;
  const SocialNetwork net = build_network(f.net);
  if (!f.seeds.empty()) f.o.seeds = select_nodes(f.seeds, "--seeds", net.model.graph());
  if (!f.state.empty()) f.o.start = read_spin_state(f.state, net.model.size());
  ProgressLine line("social ridge", f.quiet);
  f.o.progress = line.callback();
  const RidgeResult r = social_ridge(net.model, f.o);
  line(1.0);
  const std::string who = f.seeds.empty() ? "every node" : std::to_string(r.seed_count) + " seed nodes (" + f.seeds + ")";
  if (!f.csv.empty()) {
    std::ostringstream c;
    c.precision(10);
    c << "sweep,h,gain,gain_err,m,m_err\n";
    for (size_t k = 0; k < r.time.size(); ++k)
      c << r.time[k] << ',' << r.field[k] << ',' << r.gain[k].mean << ',' << r.gain[k].error << ','
        << r.magnetization[k].mean << ',' << r.magnetization[k].error << '\n';
    write_output(f.csv, c.str());
  }
  if (!f.plot.empty()) {
    auto panel = [&](const std::string& title, const std::string& y, const std::vector<Estimate>& v, int colour) {
      PlotPanel p;
      p.title = title;
      p.xlabel = "sweep";
      p.ylabel = y;
      PlotSeries s;
      s.label = y;
      s.x = r.time;
      for (const auto& e : v) s.y.push_back(e.mean), s.error.push_back(e.error);
      s.curve = true;
      s.colour = palette_colour(colour);
      p.series.push_back(s);
      if (std::isfinite(r.flip_time.mean)) {
        p.marker_x = r.flip_time.mean;
        p.marker_label = "flip";
      }
      return p;
    };
    std::vector<PlotPanel> panels = {
        panel(net.description + ": response gain d<m>/dh on " + who, "gain", r.gain, 0),
        panel("opinion m = M/N (ridge peak at sweep " + std::to_string(static_cast<long long>(r.peak_time.mean)) + ")",
              "m", r.magnetization, 1)};
    write_output(f.plot, render_svg(panels, 1));
  }
  static const char* kNames[4] = {"variance", "lag1_autocorrelation", "skewness", "kurtosis"};
  if (f.json) {
    nlohmann::json j;
    j["command"] = "social ridge";
    j["network"] = network_json(net);
    j["seeds"] = f.seeds.empty() ? "all" : f.seeds;
    j["seed_count"] = r.seed_count;
    j["h"] = {f.o.h_start, f.o.h_end};
    j["beta"] = f.o.beta;
    j["algo"] = f.o.algo;
    j["kernel"] = r.kernel;
    j["ramp_sweeps"] = static_cast<int64_t>(r.time.size()) * f.o.window;
    j["window"] = f.o.window;
    j["replicas"] = r.runs;
    j["seed"] = f.o.seed;
    j["peak_time"] = to_json(r.peak_time);
    j["peak_field"] = to_json(r.peak_field);
    j["peak_gain"] = to_json(r.peak_gain);
    j["initial_gain"] = to_json(r.initial_gain);
    j["flip_time"] = to_json(r.flip_time);
    j["flip_field"] = to_json(r.flip_field);
    j["lead_time"] = to_json(r.lead_time);
    j["flipped_fraction"] = r.flipped_fraction;
    nlohmann::json ews = nlohmann::json::object();
    for (size_t i = 0; i < 4; ++i)
      ews[kNames[i]] = {{"kendall_tau", to_json(r.ews_tau[i])}, {"significant_fraction", r.ews_significant[i]}};
    j["ews"] = {{"runs", r.ews_runs}, {"surrogates", f.surrogates}, {"indicators", ews}};
    nlohmann::json steps = nlohmann::json::array();
    for (size_t k = 0; k < r.time.size(); ++k)
      steps.push_back({{"sweep", r.time[k]}, {"h", r.field[k]}, {"gain", to_json(r.gain[k])}, {"m", to_json(r.magnetization[k])}});
    j["steps"] = steps;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s; field %g -> %g on %s over %lld sweeps (%lld per step), %s at beta = %g, %d replicas, %.1f s\n",
              net.description.c_str(), f.o.h_start, f.o.h_end, who.c_str(),
              static_cast<long long>(r.time.size() * f.o.window), static_cast<long long>(f.o.window), f.o.algo.c_str(),
              f.o.beta, r.runs, r.seconds);
  auto row = [](const char* name, const Estimate& e, const char* unit) {
    std::printf("%-22s %12.5g +- %-10.3g %s\n", name, e.mean, e.error, unit);
  };
  row("ridge peak time", r.peak_time, "sweeps");
  row("ridge peak field", r.peak_field, "");
  row("gain at the peak", r.peak_gain, "d<m>/dh");
  row("gain at the start", r.initial_gain, "d<m>/dh");
  row("flip time", r.flip_time, "sweeps");
  row("flip field", r.flip_field, "");
  row("lead time (flip-peak)", r.lead_time, "sweeps");
  std::printf("flipped in %.0f%% of the replicas\n", 100.0 * r.flipped_fraction);
  std::printf("# early-warning indicators of m before the flip (%d replicas, %lld surrogates each)\n", r.ews_runs,
              static_cast<long long>(f.surrogates));
  for (size_t i = 0; i < 4; ++i)
    std::printf("%-22s Kendall tau %8.4f +- %-8.2g p < 0.05 in %.0f%%\n", kNames[i], r.ews_tau[i].mean,
                r.ews_tau[i].error, 100.0 * r.ews_significant[i]);
  return 0;
}

std::vector<int64_t> parse_counts(const std::string& spec, const std::string& flag) {
  std::vector<int64_t> out;
  for (const auto& t : split(spec, ',')) out.push_back(parse_integer(t, flag));
  if (out.empty()) throw InputError(flag + ": give at least one value");
  return out;
}

struct LoopCmd {
  NetworkOptions net;
  HysteresisOptions o;
  std::string loops = "antagonistic,h", rates = "10", csv, plot;
  bool json = false, quiet = false;
};

int run_loops(LoopCmd f) {
  check_writable(f.csv);
  check_writable(f.plot);
  f.o.sweeps_per_step = parse_counts(f.rates, "--sweeps-per-step");
  const SocialNetwork net = build_network(f.net);
  ProgressLine line("social hysteresis", f.quiet);
  f.o.progress = line.callback();
  const std::vector<SocialLoop> r = social_hysteresis(net, split(f.loops, ','), f.o);
  line(1.0);
  auto xlabel = [](const std::string& p) { return p == "h" ? std::string("field h") : std::string("antagonistic fraction"); };
  auto mname = [](const std::string& p) { return p == "h" ? std::string("m") : std::string("|m|"); };
  if (!f.csv.empty()) {
    std::ostringstream c;
    c.precision(10);
    c << "loop,sweeps_per_step,branch,parameter,m,m_err,polarization,polarization_err\n";
    for (const auto& L : r)
      for (const auto& loop : L.result.loops)
        for (size_t k = 0; k < loop.field.size(); ++k)
          c << L.parameter << ',' << loop.sweeps_per_step << ',' << (k < loop.field.size() / 2 ? "forward" : "back") << ','
            << loop.field[k] << ',' << loop.magnetization[k].mean << ',' << loop.magnetization[k].error << ','
            << loop.observed[k].mean << ',' << loop.observed[k].error << '\n';
    write_output(f.csv, c.str());
  }
  if (!f.plot.empty()) {
    std::vector<PlotPanel> panels;
    for (const auto& L : r)
      for (int which = 0; which < 2; ++which) {
        PlotPanel p;
        p.title = (which ? "polarization index" : mname(L.parameter)) + " vs " + xlabel(L.parameter) + ", beta = " +
                  std::to_string(f.o.beta);
        if (panels.empty()) p.title = net.description + ": " + p.title;
        p.xlabel = xlabel(L.parameter);
        p.ylabel = which ? "polarization" : mname(L.parameter);
        int colour = 0;
        for (const auto& loop : L.result.loops) {
          const size_t half = loop.field.size() / 2;
          for (int branch = 0; branch < 2; ++branch) {
            PlotSeries s;
            s.label = std::to_string(loop.sweeps_per_step) + " sweeps/step " + (branch ? "back" : "forward");
            const auto& v = which ? loop.observed : loop.magnetization;
            for (size_t k = branch * half; k < (branch + 1) * half; ++k)
              s.x.push_back(loop.field[k]), s.y.push_back(v[k].mean), s.error.push_back(v[k].error);
            s.curve = true;
            s.colour = palette_colour(colour++);
            p.series.push_back(s);
          }
        }
        panels.push_back(p);
      }
    write_output(f.plot, render_svg(panels, 2));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "social hysteresis";
    j["network"] = network_json(net);
    j["beta"] = f.o.beta;
    j["H"] = f.o.field_max;
    j["antagonistic_max"] = f.o.antagonistic_max;
    j["steps"] = f.o.steps;
    j["repeats"] = f.o.repeats;
    j["algo"] = f.o.algo;
    j["seed"] = f.o.seed;
    nlohmann::json loops = nlohmann::json::object();
    double seconds = 0.0;
    for (const auto& L : r) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& loop : L.result.loops) {
        nlohmann::json m = nlohmann::json::array(), pol = nlohmann::json::array();
        for (const auto& e : loop.magnetization) m.push_back(to_json(e));
        for (const auto& e : loop.observed) pol.push_back(to_json(e));
        arr.push_back({{"sweeps_per_step", loop.sweeps_per_step}, {"rate", loop.rate}, {"parameter", loop.field},
                       {"m", m}, {"polarization", pol}, {"area_m", to_json(loop.area)},
                       {"area_polarization", to_json(loop.observed_area)}});
      }
      loops[L.parameter] = arr;
      seconds += L.result.seconds;
    }
    j["loops"] = loops;
    j["seconds"] = seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  for (const auto& L : r) {
    std::printf("# %s; %s loop %s, beta = %g, %d steps per branch, %s, %d repeats, %.1f s\n", net.description.c_str(),
                L.parameter.c_str(),
                L.parameter == "h" ? ("-H -> +H -> -H, H = " + std::to_string(f.o.field_max)).c_str()
                                   : ("0 -> F -> 0, F = " + std::to_string(f.o.antagonistic_max)).c_str(),
                f.o.beta, f.o.steps, f.o.algo.c_str(), f.o.repeats, L.result.seconds);
    std::printf("%14s %12s %26s %26s\n", "sweeps/step", "rate", ("loop area of " + mname(L.parameter)).c_str(),
                "loop area of polarization");
    for (const auto& loop : L.result.loops)
      std::printf("%14lld %12.3g %13.5f +- %-10.2g %13.5f +- %-10.2g\n", static_cast<long long>(loop.sweeps_per_step),
                  loop.rate, loop.area.mean, loop.area.error, loop.observed_area.mean, loop.observed_area.error);
  }
  return 0;
}

struct AnnealCmd {
  NetworkOptions net;
  AnnealOptions o;
  std::string beta = "0.1:2", taus = "1,10,100,1000", csv, plot;
  bool json = false, quiet = false;
};

int run_anneal(AnnealCmd f) {
  check_writable(f.csv);
  check_writable(f.plot);
  std::tie(f.o.quench.beta_initial, f.o.quench.beta_final) = parse_pair(f.beta, "--beta");
  f.o.quench.ramp_sweeps = parse_counts(f.taus, "--tau");
  const SocialNetwork net = build_network(f.net);
  ProgressLine line("social anneal", f.quiet);
  f.o.quench.progress = line.callback();
  const AnnealResult r = social_anneal(net, f.o);
  line(1.0);
  const auto& q = r.quench;
  if (!f.csv.empty()) {
    std::ostringstream c;
    c.precision(10);
    c << "tau,wall_density,wall_density_err,excess,excess_err\n";
    for (const auto& p : q.points)
      c << p.ramp_sweeps << ',' << p.wall_density.mean << ',' << p.wall_density.error << ',' << p.excess_density.mean
        << ',' << p.excess_density.error << '\n';
    write_output(f.csv, c.str());
  }
  if (!f.plot.empty()) {
    PlotPanel p;
    p.title = net.description + ": residual domain walls after cooling to beta = " + std::to_string(f.o.quench.beta_final);
    p.xlabel = "log10 cooling time tau (sweeps)";
    p.ylabel = "log10 excess wall density";
    PlotSeries s;
    s.label = "measured";
    for (const auto& pt : q.points)
      if (pt.excess_density.mean > 0) {
        s.x.push_back(std::log10(static_cast<double>(pt.ramp_sweeps)));
        s.y.push_back(std::log10(pt.excess_density.mean));
        s.error.push_back(pt.excess_density.error / (pt.excess_density.mean * std::log(10.0)));
      }
    p.series.push_back(s);
    write_output(f.plot, render_svg({p}, 1));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "social anneal";
    j["network"] = network_json(net);
    j["beta_initial"] = f.o.quench.beta_initial;
    j["beta_final"] = f.o.quench.beta_final;
    j["algo"] = f.o.quench.algo;
    j["repeats"] = f.o.quench.repeats;
    j["seed"] = f.o.quench.seed;
    j["equilibrium_density"] = to_json(r.equilibrium);
    j["equilibrium_source"] = r.equilibrium_source;
    j["between_fraction"] = std::isfinite(r.between_fraction) ? nlohmann::json(r.between_fraction) : nlohmann::json();
    nlohmann::json pts = nlohmann::json::array();
    for (const auto& p : q.points)
      pts.push_back({{"tau", p.ramp_sweeps}, {"wall_density", to_json(p.wall_density)}, {"excess_density", to_json(p.excess_density)}});
    j["points"] = pts;
    j["kappa"] = to_json(q.kappa);
    j["fit"] = "excess ~ tau^-kappa, weighted least squares on log-log over points with excess > 2 errors";
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s; beta %g -> %g linearly over tau sweeps from random opinions, %s, %d repeats, %.1f s\n",
              net.description.c_str(), f.o.quench.beta_initial, f.o.quench.beta_final, f.o.quench.algo.c_str(),
              f.o.quench.repeats, r.seconds);
  std::printf("equilibrium wall density at beta_final: %.6g +- %.2g (%s)\n", r.equilibrium.mean, r.equilibrium.error,
              r.equilibrium_source.c_str());
  if (std::isfinite(r.between_fraction))
    std::printf("ties between communities: %.6g (the walls of communities frozen on opposite sides)\n", r.between_fraction);
  std::printf("%10s %26s %26s\n", "tau", "wall density", "excess");
  for (const auto& p : q.points)
    std::printf("%10lld %14.6f +- %-9.2g %14.6f +- %-9.2g\n", static_cast<long long>(p.ramp_sweeps), p.wall_density.mean,
                p.wall_density.error, p.excess_density.mean, p.excess_density.error);
  std::printf("excess ~ tau^-kappa: kappa = %.4f +- %.4f\n", q.kappa.mean, q.kappa.error);
  return 0;
}

struct DrawCmd {
  NetworkOptions net;
  DrawOptions o;
  std::string state, svg, png;
  bool json = false, quiet = false;
};

int run_draw(DrawCmd f) {
  if (f.svg.empty() && f.png.empty()) throw InputError("give --svg FILE and/or --png FILE");
  check_writable(f.svg);
  check_writable(f.png);
  const SocialNetwork net = build_network(f.net);
  std::vector<Spin> s;
  if (!f.state.empty()) s = read_spin_state(f.state, net.model.size());
  ProgressLine line("social draw", f.quiet);
  f.o.progress = line.callback();
  NetworkPicture pic = draw_network(net, s, f.o);
  line(1.0);
  char title[400];
  std::snprintf(title, sizeof title, "%s%s, %s layout%s", net.description.c_str(),
                s.empty() ? "" : (", m = " + std::to_string(static_cast<double>(IsingModel::magnetization(s)) / s.size())).c_str(),
                pic.layout.c_str(),
                pic.coarse ? (", " + std::to_string(pic.communities) + " communities (" + pic.community_source + ")").c_str() : "");
  pic.drawing.title = title;
  if (!f.svg.empty()) write_output(f.svg, render_drawing_svg(pic.drawing));
  if (!f.png.empty()) write_png(f.png, rasterise_drawing(pic.drawing));
  if (f.json) {
    nlohmann::json j = {{"command", "social draw"}, {"network", network_json(net)}, {"coarse", pic.coarse},
                        {"drawn_nodes", pic.drawn_nodes}, {"drawn_edges", pic.drawn_edges}, {"layout", pic.layout},
                        {"communities", pic.communities}, {"size", f.o.size}};
    if (pic.coarse) j["community_source"] = pic.community_source;
    if (!s.empty()) j["m"] = static_cast<double>(IsingModel::magnetization(s)) / s.size();
    if (!f.svg.empty()) j["svg"] = f.svg;
    if (!f.png.empty()) j["png"] = f.png;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("%s: %d %s, %lld lines, %s layout -> %s%s%s\n", net.description.c_str(), pic.drawn_nodes,
              pic.coarse ? "community discs" : "nodes", static_cast<long long>(pic.drawn_edges), pic.layout.c_str(),
              f.svg.c_str(), f.svg.empty() || f.png.empty() ? "" : ", ", f.png.c_str());
  return 0;
}

struct CascadeCmd {
  NetworkOptions net;
  CascadeOptions o;
  std::string seeds, state, csv;
  bool no_pin = false, json = false, quiet = false;
};

int run_cascade(CascadeCmd f) {
  check_writable(f.csv);
  if (f.seeds.empty()) throw InputError("--seeds is required (SITES, top:K or random:K)");
  const SocialNetwork net = build_network(f.net);
  if (f.seeds.rfind("random:", 0) == 0) {
    const int64_t k = parse_integer(f.seeds.substr(7), "--seeds random:K");
    if (k < 1 || k > net.model.size()) throw InputError("--seeds random:K: K must lie in 1.." + std::to_string(net.model.size()));
    f.o.random_seeds = static_cast<int32_t>(k);
  } else {
    f.o.seeds = select_nodes(f.seeds, "--seeds", net.model.graph());
  }
  if (!f.state.empty()) f.o.start = read_spin_state(f.state, net.model.size());
  f.o.pin = !f.no_pin;
  ProgressLine line("social cascade", f.quiet);
  f.o.progress = line.callback();
  const CascadeResult r = social_cascade(net.model, f.o);
  line(1.0);
  if (!f.csv.empty()) {
    std::ostringstream c;
    c << "replica,size,damage\n";
    for (size_t q = 0; q < r.sizes.size(); ++q) c << q << ',' << r.sizes[q] << ',' << r.damages[q] << '\n';
    write_output(f.csv, c.str());
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "social cascade";
    j["network"] = network_json(net);
    j["seeds"] = f.seeds;
    j["seed_count"] = r.seed_count;
    j["pinned"] = f.o.pin;
    j["beta"] = f.o.beta;
    j["algo"] = f.o.algo;
    j["therm"] = f.o.therm;
    j["sweeps"] = f.o.sweeps;
    j["replicas"] = f.o.replicas;
    j["seed"] = f.o.seed;
    j["cascade_size"] = to_json(r.size);
    j["damage"] = to_json(r.damage);
    j["perturbed_changed"] = to_json(r.perturbed_changed);
    j["control_changed"] = to_json(r.control_changed);
    j["global_fraction"] = r.global_fraction;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s; %d seed nodes (%s) flipped%s after %lld sweeps at beta = %g (%s), followed %lld sweeps, %d replicas, %.1f s\n",
              net.description.c_str(), r.seed_count, f.seeds.c_str(), f.o.pin ? " and held" : "",
              static_cast<long long>(f.o.therm), f.o.beta, f.o.algo.c_str(), static_cast<long long>(f.o.sweeps),
              f.o.replicas, r.seconds);
  std::printf("cascade size (perturbed - control changes) %12.4f +- %-10.3g nodes\n", r.size.mean, r.size.error);
  std::printf("damage (copies differ at the end)          %12.4f +- %-10.3g nodes\n", r.damage.mean, r.damage.error);
  std::printf("changed: perturbed %.4f +- %.3g, control %.4f +- %.3g; global cascades (> half): %.0f%%\n",
              r.perturbed_changed.mean, r.perturbed_changed.error, r.control_changed.mean, r.control_changed.error,
              100.0 * r.global_fraction);
  return 0;
}

}  // namespace

void register_social(CLI::App& app, Action& run) {
  auto* social = app.add_subcommand("social", "Opinion dynamics on social networks (igraph generators, signed ties, zealots)");
  social->require_subcommand(1);
  {
    auto* cmd = social->add_subcommand("network", "Build a network and print its size and degree statistics");
    cmd->footer("Example: spinlab social network --network ba:n=100000,m=2 --json");
    auto f = std::make_shared<NetworkCmd>();
    add_network_flags(cmd, f->net);
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->callback([&run, f] { run = [f] { return run_network(*f); }; });
  }
  {
    auto* cmd = social->add_subcommand("sweep", "Order parameters vs beta with errors, beta_c from the susceptibility peak, "
                                                "beside the Bethe / uncorrelated-network predictions");
    cmd->footer("Example: spinlab social sweep --network rr:n=2000,k=3 --beta 0.45:0.65:11 --plot sweep.svg");
    auto f = std::make_shared<SweepCmd>();
    add_network_flags(cmd, f->net);
    cmd->add_option("--beta", f->beta, "inverse temperatures, >= 3 increasing: 0.3,0.4,0.5 | START:STOP:COUNT");
    cmd->add_option("--algo", f->algo, "dynamics: any registered move (spinlab list), glauber = heatbath-random")
        ->capture_default_str();
    cmd->add_option("--sweeps", f->sweeps, "measured sweeps per beta")->capture_default_str();
    cmd->add_option("--therm", f->therm, "discarded sweeps per beta")->capture_default_str();
    cmd->add_option("--measure-every", f->measure_every, "sweeps between measurements")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed of the dynamics")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--bootstrap", f->bootstrap, "resamples for the error of beta_c")->capture_default_str();
    cmd->add_option("--csv", f->csv, "write the table as CSV");
    cmd->add_option("--plot", f->plot, "write the order parameters as an SVG");
    cmd->add_option("--state-out", f->state_out, "write the final state at the last beta (for social draw --state)");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_sweep(*f); }; });
  }
  {
    auto* cmd = social->add_subcommand("target", "Tilt K nodes chosen by degree / at random / by betweenness / on "
                                                 "domain walls; final magnetisation and time to flip with errors");
    cmd->footer("Example: spinlab social target --network ba:n=10000,m=2 --budget 20 --h 2 --beta 0.6");
    auto f = std::make_shared<TargetCmd>();
    add_network_flags(cmd, f->net);
    cmd->add_option("--strategies", f->strategies, "comma list of hubs, random, bridges, walls")->capture_default_str();
    cmd->add_option("--budget", f->o.budget, "K: number of targeted nodes")->capture_default_str();
    cmd->add_option("--h", f->o.h, "field on each targeted node")->capture_default_str();
    cmd->add_option("--beta", f->o.beta, "inverse social temperature")->capture_default_str();
    cmd->add_option("--algo", f->o.algo, "dynamics (any registered move)")->capture_default_str();
    cmd->add_option("--sweeps", f->o.max_sweeps, "sweeps per run")->capture_default_str();
    cmd->add_option("--replicas", f->o.replicas, "runs per strategy and network")->capture_default_str();
    cmd->add_option("--networks", f->o.networks, "network realisations (seeds --network-seed + r)")->capture_default_str();
    cmd->add_option("--state", f->state, "start state file (N values +-1); default all -1");
    cmd->add_option("--state-out", f->state_out, "write the final state of replica 0 of the first strategy (for social draw)");
    cmd->add_option("--seed", f->o.seed, "random seed of the dynamics")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->o.threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_target(*f); }; });
  }
  {
    auto* cmd = social->add_subcommand("ridge", "Ramp a field on a seed set (or everyone) from all -1: response gain "
                                                "(FDT) along the ramp, its peak, the flip, the lead time, EWS");
    cmd->footer("Example: spinlab social ridge --network rr:n=2000,k=4 --beta 0.5 --h 0:0.6 --ramp-sweeps 3000 --window 50");
    auto f = std::make_shared<RidgeCmd>();
    add_network_flags(cmd, f->net);
    cmd->add_option("--seeds", f->seeds, "nodes that get the field: SITES (0,3,7-12) or top:K; default every node");
    cmd->add_option("--h", f->h, "field ramp START:END on the seeds")->capture_default_str();
    cmd->add_option("--beta", f->o.beta, "inverse social temperature")->capture_default_str();
    cmd->add_option("--algo", f->o.algo, "dynamics (any registered single-spin move)")->capture_default_str();
    cmd->add_option("--ramp-sweeps", f->o.ramp_sweeps, "sweeps of the whole ramp")->capture_default_str();
    cmd->add_option("--window", f->o.window, "sweeps per field step (one gain estimate each)")->capture_default_str();
    cmd->add_option("--smooth", f->o.smooth, "steps in the running mean before the peak is taken")->capture_default_str();
    cmd->add_option("--sustain", f->o.sustain, "sweeps M > 0 must hold to count as the flip")->capture_default_str();
    cmd->add_option("--replicas", f->o.replicas, "independent ramps (errors from their spread)")->capture_default_str();
    cmd->add_option("--state", f->state, "start state file (N values +-1); default all -1");
    cmd->add_option("--detrend", f->detrend, "EWS detrending: gaussian:BW | linear | none")->capture_default_str();
    cmd->add_option("--ews-window", f->ews_window, "EWS rolling window, fraction of the pre-flip series")->capture_default_str();
    cmd->add_option("--surrogates", f->surrogates, "EWS AR(1) surrogates per replica (0: no p-values)")->capture_default_str();
    cmd->add_option("--seed", f->o.seed, "random seed of the dynamics")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->o.threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--csv", f->csv, "write gain and m per step as CSV");
    cmd->add_option("--plot", f->plot, "write gain and m vs sweep as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_ridge(*f); }; });
  }
  {
    auto* cmd = social->add_subcommand("hysteresis", "Polarisation index and m forward and back in the antagonistic "
                                                     "fraction and in a field: loops and their areas with errors");
    cmd->footer("Example: spinlab social hysteresis --network sbm:sizes=200,200,p_in=0.05,p_out=0.01 --beta 1 --loop h");
    auto f = std::make_shared<LoopCmd>();
    f->o.algo = "glauber";
    f->o.threads = 2;
    f->o.beta = 1.0;
    add_network_flags(cmd, f->net);
    cmd->add_option("--loop", f->loops, "comma list: antagonistic (0 -> F -> 0) and/or h (-H -> +H -> -H)")->capture_default_str();
    cmd->add_option("--beta", f->o.beta, "inverse social temperature")->capture_default_str();
    cmd->add_option("--antagonistic-max", f->o.antagonistic_max, "F: the largest antagonistic fraction")->capture_default_str();
    cmd->add_option("--H", f->o.field_max, "field amplitude of the h loop")->capture_default_str();
    cmd->add_option("--steps", f->o.steps, "values per branch")->capture_default_str();
    cmd->add_option("--sweeps-per-step", f->rates, "sweeps at each value, one loop per entry (e.g. 1,4,16)")->capture_default_str();
    cmd->add_option("--repeats", f->o.repeats, "independent loops per rate (errors from their spread)")->capture_default_str();
    cmd->add_option("--algo", f->o.algo, "single-spin dynamics")->capture_default_str();
    cmd->add_option("--seed", f->o.seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->o.threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--csv", f->csv, "write every branch point as CSV");
    cmd->add_option("--plot", f->plot, "write the loops as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_loops(*f); }; });
  }
  {
    auto* cmd = social->add_subcommand("anneal", "Quench vs slow anneal: residual domain-wall density vs cooling time "
                                                 "with a power-law fit");
    cmd->footer("Example: spinlab social anneal --network sbm:sizes=250,250,250,250,p_in=0.05,p_out=0.002 --beta 0.1:2 --tau 1,10,100,1000");
    auto f = std::make_shared<AnnealCmd>();
    f->o.quench.algo = "glauber";
    f->o.quench.threads = 2;
    add_network_flags(cmd, f->net);
    cmd->add_option("--beta", f->beta, "START:END of the linear ramp in beta")->capture_default_str();
    cmd->add_option("--tau", f->taus, "cooling times in sweeps, comma-separated (1 = a quench)")->capture_default_str();
    cmd->add_option("--repeats", f->o.quench.repeats, "ramps per tau (errors from their spread)")->capture_default_str();
    cmd->add_option("--algo", f->o.quench.algo, "single-spin dynamics")->capture_default_str();
    cmd->add_option("--equilibrium", f->o.equilibrium, "equilibrium wall density at the final beta (default: measured from consensus)");
    cmd->add_option("--eq-sweeps", f->o.eq_sweeps, "measured sweeps of the equilibrium run")->capture_default_str();
    cmd->add_option("--eq-therm", f->o.eq_therm, "discarded sweeps of the equilibrium run")->capture_default_str();
    cmd->add_option("--seed", f->o.quench.seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->o.quench.threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--csv", f->csv, "write the table as CSV");
    cmd->add_option("--plot", f->plot, "write log excess density vs log tau as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_anneal(*f); }; });
  }
  {
    auto* cmd = social->add_subcommand("draw", "Picture of the network coloured by opinion (igraph layouts; large "
                                               "networks coarse-grained by community)");
    cmd->footer("Example: spinlab social target --network ba:n=500,m=2 --budget 10 --h 100 --beta 0.3 --state-out s.txt\n"
                "         spinlab social draw --network ba:n=500,m=2 --state s.txt --svg net.svg --png net.png");
    auto f = std::make_shared<DrawCmd>();
    add_network_flags(cmd, f->net);
    cmd->add_option("--state", f->state, "opinions: a state file (N values +-1); default grey");
    cmd->add_option("--svg", f->svg, "write the picture as SVG");
    cmd->add_option("--png", f->png, "write the picture as PNG");
    cmd->add_option("--layout", f->o.layout, "auto | fr (Fruchterman-Reingold) | drl")->capture_default_str();
    cmd->add_option("--max-nodes", f->o.max_nodes, "above this many nodes, draw one disc per community")->capture_default_str();
    cmd->add_option("--size", f->o.size, "picture width and height in pixels")->capture_default_str();
    cmd->add_option("--seed", f->o.seed, "seed of the layout and of the Louvain communities")->check(seed_validator())->capture_default_str();
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_draw(*f); }; });
  }
  {
    auto* cmd = social->add_subcommand("cascade", "Flip a seed set in an equilibrated state and count the nodes that "
                                                  "follow (damage spreading against a control copy)");
    cmd->footer("Example: spinlab social cascade --network ba:n=10000,m=2 --seeds top:10 --beta 0.3 --sweeps 50");
    auto f = std::make_shared<CascadeCmd>();
    add_network_flags(cmd, f->net);
    cmd->add_option("--seeds", f->seeds, "flipped nodes: SITES (0,3,7-12), top:K (highest degree) or random:K (new per replica)");
    cmd->add_option("--beta", f->o.beta, "inverse social temperature")->capture_default_str();
    cmd->add_option("--algo", f->o.algo, "dynamics (any registered single-spin move)")->capture_default_str();
    cmd->add_option("--therm", f->o.therm, "sweeps from the start state before the flip")->capture_default_str();
    cmd->add_option("--sweeps", f->o.sweeps, "sweeps after the flip")->capture_default_str();
    cmd->add_option("--replicas", f->o.replicas, "independent perturbations (errors from their spread)")->capture_default_str();
    cmd->add_flag("--no-pin", f->no_pin, "let the flipped seeds relax instead of holding them");
    cmd->add_option("--state", f->state, "start state file (N values +-1); default all -1");
    cmd->add_option("--seed", f->o.seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->o.threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--csv", f->csv, "write per-replica cascade sizes and damage as CSV");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_cascade(*f); }; });
  }
}

}  // namespace spinlab::cli
