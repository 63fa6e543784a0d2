// `spinlab hopfield capacity|phase`: the storage capacity of Hopfield networks (retrieval
// collapse at alpha_c, finite-size extrapolation, AGS beside it) and the (alpha, T) phase diagram.
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "io/svg_plot.hpp"
#include "memory/ags.hpp"
#include "memory/capacity.hpp"

namespace spinlab::cli {
namespace {

std::vector<int32_t> parse_sizes(const std::string& spec) {
  std::vector<int32_t> out;
  for (const auto& t : split(spec, ',')) {
    const int64_t v = parse_integer(t, "--N");
    if (v < 8 || v > 65536) throw InputError("--N: sizes must lie in [8, 65536], got '" + t + "'");
    out.push_back(static_cast<int32_t>(v));
  }
  if (out.empty()) throw InputError("--N: give at least one size");
  return out;
}

// Each running task holds one N x N float coupling matrix (pinv also its double projector).
void check_coupling_memory(const std::vector<int32_t>& sizes, StorageRule rule, int threads) {
  int32_t nmax = 0;
  for (int32_t n : sizes) nmax = std::max(nmax, n);
  const double per = static_cast<double>(nmax) * nmax * (rule == StorageRule::PseudoInverse ? 12.0 : 4.0);
  const double need = per * std::max(1, threads);
  if (need > 0.5 * static_cast<double>(physical_memory_bytes()))
    throw InputError("--N: " + std::to_string(nmax) + " neurons on " + std::to_string(threads) + " threads need " +
                     std::to_string(static_cast<int64_t>(need / 1e6)) + " MB of couplings, more than half of this "
                     "machine's memory; lower --N or --threads");
}

struct CapacityFlags {
  std::string sizes = "2000", alphas = "0.05:0.25:21", rule = "hebb", plot;
  int samples = 10, threads = 2, probes = 0;
  double noise = 0.0, threshold = 0.9, bias = 0.0;
  int64_t max_sweeps = 1000;
  uint64_t seed = 1;
  bool json = false, quiet = false;
};

std::string capacity_svg(const CapacityResult& r, const CapacityOptions& o) {
  PlotPanel rate, m;
  rate.title = "retrieval rate (m >= " + format_tick(o.threshold, 0.01) + "), rule " + storage_rule_name(o.rule);
  rate.xlabel = m.xlabel = "alpha = P/N";
  rate.ylabel = "fraction of starts retrieved";
  rate.marker_x = r.ags_alpha_c;
  rate.marker_label = "AGS alpha_c = 0.138";
  m.title = "final overlap m";
  m.ylabel = "m";
  for (const auto& cs : r.sizes) {
    PlotSeries a, b;
    a.label = b.label = "N = " + std::to_string(cs.n);
    for (const auto& p : cs.points) {
      a.x.push_back(p.alpha), a.y.push_back(p.retrieval.mean), a.error.push_back(p.retrieval.error);
      b.x.push_back(p.alpha), b.y.push_back(p.overlap.mean), b.error.push_back(p.overlap.error);
    }
    rate.series.push_back(a);
    m.series.push_back(b);
  }
  if (o.rule == StorageRule::Hebb) {
    PlotSeries ags;
    ags.label = "AGS T = 0, N -> inf";
    ags.curve = true;
    ags.colour = "#000000";
    const double lo = o.alphas.front(), hi = std::min(o.alphas.back(), r.ags_alpha_c);
    for (int k = 0; k <= 100; ++k) {
      const double a = lo + (hi - lo) * k / 100.0;
      ags.x.push_back(a), ags.y.push_back(ags_overlap_t0(a));
    }
    m.series.push_back(ags);
  }
  std::vector<PlotPanel> panels{rate, m};
  if (r.sizes.size() >= 2 && std::isfinite(r.alpha_c_infinity.mean)) {
    PlotPanel fs;
    fs.title = "finite size: alpha_c(N) = alpha_c(inf) + a N^-1/2";
    fs.xlabel = "N^-1/2";
    fs.ylabel = "alpha_c";
    PlotSeries pts, line;
    pts.label = "measured";
    line.label = "fit";
    line.curve = true;
    for (const auto& cs : r.sizes) {
      pts.x.push_back(1.0 / std::sqrt(static_cast<double>(cs.n)));
      pts.y.push_back(cs.alpha_c.mean), pts.error.push_back(cs.alpha_c.error);
    }
    const double xmax = *std::max_element(pts.x.begin(), pts.x.end());
    for (double x : {0.0, xmax}) line.x.push_back(x), line.y.push_back(r.alpha_c_infinity.mean + r.slope.mean * x);
    fs.series = {pts, line};
    panels.push_back(fs);
  }
  return render_svg(panels, 2);
}

int run_capacity(const CapacityFlags& f) {
  CapacityOptions o;
  o.sizes = parse_sizes(f.sizes);
  o.alphas = parse_value_list(f.alphas, "--alpha");
  o.rule = parse_storage_rule(f.rule);
  o.samples = f.samples;
  o.noise = f.noise;
  o.threshold = f.threshold;
  o.bias = f.bias;
  o.probes = f.probes;
  o.max_sweeps = f.max_sweeps;
  o.seed = f.seed;
  o.threads = f.threads;
  if (!(f.bias > -1.0 && f.bias < 1.0)) throw InputError("--bias must lie in (-1, 1)");
  if (f.threads < 1 || f.threads > 1024) throw InputError("--threads must lie in [1, 1024]");
  check_coupling_memory(o.sizes, o.rule, std::min(f.threads, f.samples * static_cast<int>(o.sizes.size())));
  if (!f.plot.empty()) check_writable(f.plot);
  ProgressLine line("hopfield capacity", f.quiet);
  o.progress = line.callback();
  const CapacityResult r = hopfield_capacity(o);
  line(1.0);
  if (!f.plot.empty()) write_output(f.plot, capacity_svg(r, o));
  const char* criterion = "alpha where the sample-averaged retrieval rate first falls through 1/2 "
                          "(linear interpolation), jackknife error over samples";
  if (f.json) {
    nlohmann::json j;
    j["command"] = "hopfield capacity";
    j["rule"] = f.rule;
    j["samples"] = f.samples;
    j["noise"] = f.noise;
    j["bias"] = f.bias;
    j["threshold"] = f.threshold;
    j["probes"] = f.probes;
    j["seed"] = f.seed;
    j["dynamics"] = "T = 0 asynchronous, random order, to a fixed point";
    j["alpha_c_criterion"] = criterion;
    j["ags_alpha_c"] = r.ags_alpha_c;
    j["sizes"] = nlohmann::json::array();
    for (const auto& cs : r.sizes) {
      nlohmann::json s;
      s["N"] = cs.n;
      s["alpha_c"] = to_json(cs.alpha_c);
      s["seconds"] = {{"couplings", cs.seconds_couplings}, {"start_fields", cs.seconds_fields},
                      {"dynamics", cs.seconds_dynamics}};
      s["points"] = nlohmann::json::array();
      for (const auto& p : cs.points)
        s["points"].push_back({{"alpha", p.alpha}, {"P", p.patterns}, {"overlap", to_json(p.overlap)},
                               {"retrieval", to_json(p.retrieval)},
                               {"ags_overlap", std::isfinite(p.ags_overlap) ? nlohmann::json(p.ags_overlap) : nlohmann::json()},
                               {"unconverged", p.unconverged}});
      j["sizes"].push_back(s);
    }
    if (r.sizes.size() >= 2)
      j["extrapolation"] = {{"form", "alpha_c(N) = alpha_c_inf + a N^(-1/2), weighted least squares"},
                            {"alpha_c_inf", to_json(r.alpha_c_infinity)},
                            {"a", to_json(r.slope)},
                            {"chi2_per_dof", std::isfinite(r.chi2_per_dof) ? nlohmann::json(r.chi2_per_dof) : nlohmann::json()}};
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
  } else {
    std::printf("# Hopfield capacity: rule %s, %d samples, noise %g, retrieved = final m >= %g, T = 0 asynchronous "
                "dynamics to a fixed point, %.1f s\n",
                f.rule.c_str(), f.samples, f.noise, f.threshold, r.seconds);
    for (const auto& cs : r.sizes) {
      std::printf("## N = %d\n%8s %6s %24s %24s %10s\n", cs.n, "alpha", "P", "final overlap m", "retrieval rate",
                  o.rule == StorageRule::Hebb ? "m (AGS)" : "");
      for (const auto& p : cs.points) {
        std::printf("%8.4f %6d %12.5f +- %-9.2g %12.4f +- %-9.2g", p.alpha, p.patterns, p.overlap.mean, p.overlap.error,
                    p.retrieval.mean, p.retrieval.error);
        if (o.rule == StorageRule::Hebb) {
          if (std::isfinite(p.ags_overlap)) std::printf(" %10.4f", p.ags_overlap);
          else std::printf(" %10s", "-");
        }
        if (p.unconverged) std::printf("   (%lld starts hit --max-sweeps)", static_cast<long long>(p.unconverged));
        std::printf("\n");
      }
      std::printf("alpha_c(N = %d) = %.4f +- %.4f   [AGS, N -> inf: %.4f]\n", cs.n, cs.alpha_c.mean, cs.alpha_c.error,
                  r.ags_alpha_c);
      std::printf("time (CPU s over threads): couplings %.2f, start fields %.2f, dynamics %.2f\n", cs.seconds_couplings,
                  cs.seconds_fields, cs.seconds_dynamics);
    }
    std::printf("alpha_c: %s.\n", criterion);
    if (r.sizes.size() >= 2)
      std::printf("finite size: alpha_c(N) = alpha_c(inf) + a N^-1/2: alpha_c(inf) = %.4f +- %.4f, a = %.3f +- %.3f, "
                  "chi2/dof = %.2f   [AGS: %.4f]\n",
                  r.alpha_c_infinity.mean, r.alpha_c_infinity.error, r.slope.mean, r.slope.error, r.chi2_per_dof,
                  r.ags_alpha_c);
  }
  std::fflush(stdout);
  for (const auto& cs : r.sizes)
    if (!std::isfinite(cs.alpha_c.mean))
      std::fprintf(stderr, "warning: at N = %d the retrieval rate never falls through 1/2 inside --alpha; widen the range\n",
                   cs.n);
  return 0;
}

}  // namespace

void register_hopfield(CLI::App& app, Action& run) {
  auto* hop = app.add_subcommand("hopfield", "Hopfield networks: storage capacity, (alpha, T) phase diagram");
  hop->require_subcommand(1);
  {
    auto* cmd = hop->add_subcommand("capacity", "Retrieval rate and final overlap vs load alpha = P/N; alpha_c with error");
    cmd->footer("Example: spinlab hopfield capacity --N 2000 --alpha 0.05:0.25:21 --rule hebb --samples 10 --json");
    auto f = std::make_shared<CapacityFlags>();
    cmd->add_option("--N", f->sizes, "neurons; a list 500,1000,2000 adds the finite-size extrapolation")->capture_default_str();
    cmd->add_option("--alpha", f->alphas, "loads P/N: START:STOP:COUNT or a list")->capture_default_str();
    cmd->add_option("--rule", f->rule, "storage rule: hebb | storkey | pinv")->capture_default_str();
    cmd->add_option("--samples", f->samples, "independent pattern sets per size")->capture_default_str();
    cmd->add_option("--noise", f->noise, "fraction of neurons flipped in each start (cue)")->capture_default_str();
    cmd->add_option("--threshold", f->threshold, "a start is retrieved when its fixed point has m >= this")->capture_default_str();
    cmd->add_option("--bias", f->bias, "pattern mean a (each neuron +1 with probability (1+a)/2)")->capture_default_str();
    cmd->add_option("--probes", f->probes, "patterns started per sample and alpha (0 = every stored pattern)")->capture_default_str();
    cmd->add_option("--max-sweeps", f->max_sweeps, "sweep limit of one relaxation")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--plot", f->plot, "write retrieval rate and overlap vs alpha as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_capacity(*f); }; });
  }
}

}  // namespace spinlab::cli
