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
#include "memory/phase.hpp"
#include "memory/recall.hpp"
#include "io/datasets.hpp"
#include "io/png.hpp"

#include <filesystem>
#include <map>

namespace spinlab::cli {
namespace {

std::string fmt_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return buf;
}

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
  std::string sizes = "2000", alphas = "0.05:0.25:21", rule = "hebb", update = "async", plot;
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
  if (f.update != "async" && f.update != "sync") throw InputError("--update: expected async or sync, got '" + f.update + "'");
  o.synchronous = f.update == "sync";
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
    j["dynamics"] = o.synchronous ? "T = 0 synchronous, to a fixed point or 2-cycle" : "T = 0 asynchronous, random order, to a fixed point";
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
    std::printf("# Hopfield capacity: rule %s, %d samples, noise %g, retrieved = final m >= %g, T = 0 %s, %.1f s\n",
                f.rule.c_str(), f.samples, f.noise, f.threshold,
                o.synchronous ? "synchronous dynamics to a fixed point or 2-cycle" : "asynchronous dynamics to a fixed point",
                r.seconds);
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
        if (p.unconverged)
          std::printf("   (%lld starts %s)", static_cast<long long>(p.unconverged),
                      o.synchronous ? "ended in a 2-cycle or hit --max-sweeps" : "hit --max-sweeps");
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

struct PhaseFlags {
  int32_t n = 400;
  std::string alphas = "0.02:0.2:10", temps = "0.1:1.3:13", rule = "hebb", plot;
  int samples = 2, threads = 2;
  int64_t therm = 100, sweeps = 100;
  double m_threshold = 0.4, q_threshold = 0;
  uint64_t seed = 1;
  bool json = false, quiet = false;
};

std::string phase_svg(const PhaseResult& r, int32_t n) {
  PlotPanel p;
  p.title = "Hopfield phases, N = " + std::to_string(n);
  p.xlabel = "alpha = P/N";
  p.ylabel = "T";
  PlotSeries ret, sg, para, tm, tg;
  ret.label = "retrieval";
  sg.label = "spin glass";
  para.label = "paramagnet";
  ret.colour = "#0072B2", sg.colour = "#D55E00", para.colour = "#999999";
  for (const auto& q : r.points) {
    PlotSeries& s = q.phase == "retrieval" ? ret : (q.phase == "spin-glass" ? sg : para);
    s.x.push_back(q.alpha), s.y.push_back(q.T);
  }
  tm.label = "AGS T_M";
  tg.label = "AGS T_g";
  tm.curve = tg.curve = true;
  tm.colour = "#000000", tg.colour = "#009E73";
  tm.x = r.line_alpha, tm.y = r.line_tm;
  double amax = 0;
  for (const auto& q : r.points) amax = std::max(amax, q.alpha);
  for (int k = 0; k <= 50; ++k) {
    const double a = amax * k / 50.0;
    tg.x.push_back(a), tg.y.push_back(ags_glass_temperature(a));
  }
  p.series = {ret, sg, para, tm, tg};
  return render_svg({p}, 1);
}

int run_phase(const PhaseFlags& f) {
  PhaseOptions o;
  o.n = f.n;
  o.alphas = parse_value_list(f.alphas, "--alpha");
  o.temperatures = parse_value_list(f.temps, "--T");
  o.rule = parse_storage_rule(f.rule);
  o.samples = f.samples;
  o.therm = f.therm;
  o.sweeps = f.sweeps;
  o.m_threshold = f.m_threshold;
  o.q_threshold = f.q_threshold;
  o.seed = f.seed;
  o.threads = f.threads;
  if (f.threads < 1 || f.threads > 1024) throw InputError("--threads must lie in [1, 1024]");
  if (f.n < 8 || f.n > 65536) throw InputError("--N must lie in [8, 65536], got " + std::to_string(f.n));
  check_coupling_memory({f.n}, o.rule, f.threads);
  if (!f.plot.empty()) check_writable(f.plot);
  ProgressLine line("hopfield phase", f.quiet);
  o.progress = line.callback();
  const PhaseResult r = hopfield_phase(o);
  line(1.0);
  if (!f.plot.empty()) write_output(f.plot, phase_svg(r, f.n));
  if (f.json) {
    nlohmann::json j;
    j["command"] = "hopfield phase";
    j["N"] = f.n;
    j["rule"] = f.rule;
    j["samples"] = f.samples;
    j["therm"] = f.therm;
    j["sweeps"] = f.sweeps;
    j["seed"] = f.seed;
    j["m_threshold"] = f.m_threshold;
    j["q_threshold"] = r.q_threshold;
    j["points"] = nlohmann::json::array();
    for (const auto& p : r.points)
      j["points"].push_back({{"alpha", p.alpha}, {"T", p.T}, {"P", p.patterns}, {"m", to_json(p.m)}, {"q", to_json(p.q)},
                             {"phase", p.phase}, {"ags_m", p.ags_m}});
    j["ags_lines"] = {{"alpha", r.line_alpha}, {"T_M", r.line_tm}, {"T_g", r.line_tg}};
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# Hopfield phases: N = %d, rule %s, %d samples, heat bath from pattern 1, %lld + %lld sweeps, %.1f s\n",
              f.n, f.rule.c_str(), f.samples, static_cast<long long>(f.therm), static_cast<long long>(f.sweeps), r.seconds);
  std::printf("# R retrieval (m >= %g), S spin glass (q >= %g), P paramagnetic. AGS (N -> inf): retrieval states "
              "exist for alpha < alpha_M(T) (T_M line); spin glass for alpha > alpha_g(T) = (T - 1)^2 (T_g = 1 + sqrt(alpha))\n",
              f.m_threshold, r.q_threshold);
  const size_t K = o.alphas.size(), TT = o.temperatures.size();
  std::printf("%8s", "T \\ a");
  for (double a : o.alphas) std::printf(" %6.3f", a);
  std::printf("   %9s %9s\n", "alpha_M", "alpha_g");
  for (size_t t = TT; t-- > 0;) {
    std::printf("%8.3f", o.temperatures[t]);
    for (size_t k = 0; k < K; ++k) {
      const std::string& ph = r.points[k * TT + t].phase;
      std::printf(" %6s", ph == "retrieval" ? "R" : (ph == "spin-glass" ? "S" : "P"));
    }
    // AGS: the largest alpha with a retrieval state at this T (T_M inverted), and (T-1)^2 for T_g.
    double a_m = 0;
    for (size_t k = 0; k < r.line_alpha.size(); ++k)
      if (r.line_tm[k] >= o.temperatures[t]) a_m = r.line_alpha[k];
    const double T = o.temperatures[t];
    std::printf("   %9.3f %9s\n", a_m, T > 1 ? fmt_number((T - 1) * (T - 1)).c_str() : "0");
  }
  std::printf("\n%8s %8s %22s %22s %12s %10s\n", "alpha", "T", "m", "q", "phase", "m (AGS RS)");
  for (const auto& p : r.points)
    std::printf("%8.4f %8.4f %10.4f +- %-8.2g %10.4f +- %-8.2g %12s %10.4f\n", p.alpha, p.T, p.m.mean, p.m.error, p.q.mean,
                p.q.error, p.phase.c_str(), p.ags_m);
  return 0;
}

struct RecallFlags {
  std::string images, rules = "hebb,storkey,pinv", png;
  int count = 10, show = 0;
  double noise = 0.2, binarize_at = 0.5, threshold = 0.9;
  std::string theta;
  int64_t max_sweeps = 1000;
  uint64_t seed = 1;
  bool json = false;
};

int run_recall(const RecallFlags& f) {
  if (f.count < 1) throw InputError("--count must be >= 1");
  if (!(f.noise >= 0.0 && f.noise <= 1.0)) throw InputError("--noise must lie in [0, 1]");
  if (!(f.binarize_at > 0.0 && f.binarize_at < 1.0)) throw InputError("--binarize must lie in (0, 1)");
  RecallOptions o;
  o.rules.clear();
  for (const auto& r : split(f.rules, ',')) o.rules.push_back(parse_storage_rule(r));
  o.noise = f.noise;
  o.threshold = f.threshold;
  o.max_sweeps = f.max_sweeps;
  o.seed = f.seed;
  if (!f.theta.empty()) {
    // A number, or a CSV/text file of one threshold per neuron (in any row layout, # comments).
    std::error_code tec;
    if (std::filesystem::is_regular_file(f.theta, tec)) {
      const Dataset t = read_csv_rows(f.theta);
      o.theta.assign(t.x.begin(), t.x.end());
      if (o.theta.empty()) throw InputError("--theta " + f.theta + ": no numbers");
    } else {
      o.theta = {parse_number(f.theta, "--theta")};
    }
  }
  if (!f.png.empty()) check_writable(f.png);
  // digits | fashion-mnist | a directory of Fashion-MNIST-style IDX files | a CSV/.npy file.
  std::error_code ec;
  Dataset d = std::filesystem::is_directory(f.images, ec) ? load_fashion_mnist(Split::Train, f.images)
                                                         : load_dataset(f.images, Split::Train);
  if (f.count > d.rows)
    throw InputError("--count: " + d.source + " has only " + std::to_string(d.rows) + " images");
  binarize(d, f.binarize_at);
  // One image per label in turn (the first 0, 1, ..., 9, then the second of each ...), so the
  // patterns are different digits or garments; files without labels give their first rows.
  std::vector<int64_t> pick;
  if (!d.labels.empty()) {
    std::map<int32_t, std::vector<int64_t>> by_label;
    for (int64_t r = 0; r < d.rows; ++r)
      if (by_label[d.labels[r]].size() < static_cast<size_t>(f.count)) by_label[d.labels[r]].push_back(r);
    for (size_t k = 0; pick.size() < static_cast<size_t>(f.count); ++k)
      for (auto& [label, rows] : by_label)
        if (k < rows.size() && pick.size() < static_cast<size_t>(f.count)) pick.push_back(rows[k]);
  } else {
    for (int64_t r = 0; r < f.count; ++r) pick.push_back(r);
  }
  Patterns pats;
  pats.n = d.cols;
  pats.p = f.count;
  for (int64_t r : pick)
    for (int32_t i = 0; i < d.cols; ++i) pats.xi.push_back(d.row(r)[i] > 0.5f ? 1 : -1);
  const RecallResult res = hopfield_recall(pats, o);
  if (!f.png.empty()) {
    // Rows: patterns; columns: stored, cue, then the recalled state under each rule.
    const int shown = f.show > 0 ? std::min(f.show, f.count) : std::min(f.count, 12);
    const int cols = 2 + static_cast<int>(res.rules.size());
    const size_t n = static_cast<size_t>(d.cols);
    std::vector<float> tiles;
    auto add = [&](const Spin* s) {
      for (size_t i = 0; i < n; ++i) tiles.push_back(s[i] > 0 ? 1.0f : 0.0f);
    };
    for (int mu = 0; mu < shown; ++mu) {
      add(pats.xi.data() + mu * n);
      add(res.cues.data() + mu * n);
      for (const auto& rr : res.rules) add(rr.recalled.data() + mu * n);
    }
    const int zoom = std::max(1, 56 / std::max(d.width, d.height));
    write_png(f.png, tile_images(tiles, static_cast<int64_t>(shown) * cols, d.width, d.height, cols, 2, zoom));
  }
  const double alpha = static_cast<double>(f.count) / d.cols;
  if (f.json) {
    nlohmann::json j;
    j["command"] = "hopfield recall";
    j["images"] = d.source;
    j["N"] = d.cols;
    j["count"] = f.count;
    j["alpha"] = alpha;
    j["noise"] = f.noise;
    j["binarize"] = f.binarize_at;
    j["theta"] = o.theta;
    j["seed"] = f.seed;
    j["rows"] = pick;
    j["rules"] = nlohmann::json::array();
    for (const auto& rr : res.rules)
      j["rules"].push_back({{"rule", storage_rule_name(rr.rule)}, {"mean_overlap", rr.mean_overlap},
                            {"exact_fraction", rr.exact_fraction}, {"retrieved_fraction", rr.retrieved_fraction},
                            {"overlaps", rr.overlap}, {"unconverged", rr.unconverged}});
    if (!f.png.empty()) j["png"] = f.png;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s: %d images of %d x %d (N = %d, alpha = P/N = %.4f), binarised at %g, cues with %g of the pixels "
              "flipped, T = 0 asynchronous recall\n",
              d.source.c_str(), f.count, d.width, d.height, d.cols, alpha, f.binarize_at, f.noise);
  std::printf("%10s %14s %16s %18s\n", "rule", "mean overlap", "exact recalls", "m >= threshold");
  for (const auto& rr : res.rules)
    std::printf("%10s %14.4f %16.3f %18.3f\n", storage_rule_name(rr.rule).c_str(), rr.mean_overlap, rr.exact_fraction,
                rr.retrieved_fraction);
  if (!f.png.empty())
    std::printf("wrote %s: rows = patterns; columns = stored, cue, then %s\n", f.png.c_str(), f.rules.c_str());
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
    cmd->add_option("--update", f->update, "T = 0 dynamics: async (random order per sweep) | sync")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--plot", f->plot, "write retrieval rate and overlap vs alpha as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_capacity(*f); }; });
  }
  {
    auto* cmd = hop->add_subcommand("phase", "The (alpha, T) phase diagram on a grid: retrieval / spin glass / paramagnet vs AGS");
    cmd->footer("Example: spinlab hopfield phase --N 400 --alpha 0.02:0.2:10 --T 0.1:1.3:13 --plot phase.svg");
    auto f = std::make_shared<PhaseFlags>();
    cmd->add_option("--N", f->n, "neurons")->capture_default_str();
    cmd->add_option("--alpha", f->alphas, "loads P/N: START:STOP:COUNT or a list")->capture_default_str();
    cmd->add_option("--T", f->temps, "temperatures: START:STOP:COUNT or a list")->capture_default_str();
    cmd->add_option("--rule", f->rule, "storage rule: hebb | storkey | pinv (AGS lines are for hebb)")->capture_default_str();
    cmd->add_option("--samples", f->samples, "pattern sets per grid point")->capture_default_str();
    cmd->add_option("--therm", f->therm, "heat-bath sweeps discarded")->capture_default_str();
    cmd->add_option("--sweeps", f->sweeps, "heat-bath sweeps measured")->capture_default_str();
    cmd->add_option("--m-threshold", f->m_threshold, "retrieval when the pattern overlap m >= this")->capture_default_str();
    cmd->add_option("--q-threshold", f->q_threshold, "spin glass when the replica overlap q >= this (0: max(0.05, 2/sqrt(N)))")
        ->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--plot", f->plot, "write the phase picture with the AGS lines as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_phase(*f); }; });
  }
  {
    auto* cmd = hop->add_subcommand("recall", "Store binarised images, recall them from noisy cues; PNG grid per rule");
    cmd->footer("Example: spinlab hopfield recall --images digits --count 10 --noise 0.2 --rule hebb,storkey,pinv --png recall.png");
    auto f = std::make_shared<RecallFlags>();
    cmd->add_option("--images", f->images, "digits | fashion-mnist | a directory of IDX files | a CSV/.npy file")->required();
    cmd->add_option("--count", f->count, "images stored (one per label in turn)")->capture_default_str();
    cmd->add_option("--noise", f->noise, "fraction of pixels flipped in each cue")->capture_default_str();
    cmd->add_option("--rule", f->rules, "storage rules, comma-separated: hebb, storkey, pinv")->capture_default_str();
    cmd->add_option("--binarize", f->binarize_at, "pixel / full intensity >= this is +1")->capture_default_str();
    cmd->add_option("--threshold", f->threshold, "recall counts as retrieved when m >= this")->capture_default_str();
    cmd->add_option("--theta", f->theta, "neuron thresholds: one number for every neuron, or a file of N numbers (s_i = sign(h_i - theta_i))");
    cmd->add_option("--max-sweeps", f->max_sweeps, "sweep limit of one relaxation")->capture_default_str();
    cmd->add_option("--show", f->show, "patterns drawn in the PNG (default min(count, 12))");
    cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--png", f->png, "write stored | cue | recalled per rule as a PNG grid");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->callback([&run, f] { run = [f] { return run_recall(*f); }; });
  }
}

}  // namespace spinlab::cli
