// `spinlab dam capacity|overload`: dense associative memories (Krotov & Hopfield 2016;
// Demircigil et al. 2017): capacity and its scaling with N, and what an overloaded memory returns.
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "io/svg_plot.hpp"
#include "memory/dense.hpp"

namespace spinlab::cli {
namespace {

struct DamCapacityFlags {
  std::string energy = "poly:3", sizes = "50,100,200", loads = "0.02:0.2:10", plot;
  int samples = 6, probes = 30, threads = 2;
  double noise = 0.0, threshold = 0.9;
  int64_t max_sweeps = 200;
  uint64_t seed = 1;
  bool json = false, quiet = false;
};

int run_dam_capacity(const DamCapacityFlags& f) {
  DamCapacityOptions o;
  o.energy = parse_dam_energy(f.energy);
  o.sizes.clear();
  for (const auto& t : split(f.sizes, ',')) {
    const int64_t v = parse_integer(t, "--N");
    if (v < 8 || v > 65536) throw InputError("--N: sizes must lie in [8, 65536], got '" + t + "'");
    o.sizes.push_back(static_cast<int32_t>(v));
  }
  o.loads = parse_value_list(f.loads, "--load");
  o.samples = f.samples;
  o.probes = f.probes;
  o.noise = f.noise;
  o.threshold = f.threshold;
  o.max_sweeps = f.max_sweeps;
  o.seed = f.seed;
  o.threads = f.threads;
  if (f.threads < 1 || f.threads > 1024) throw InputError("--threads must lie in [1, 1024]");
  if (!f.plot.empty()) check_writable(f.plot);
  ProgressLine line("dam capacity", f.quiet);
  o.progress = line.callback();
  const DamCapacityResult r = dam_capacity(o);
  line(1.0);
  const std::string load_def = o.energy.exponential ? "load = ln(P) / N" : "load = P / N^" + std::to_string(o.energy.degree - 1);
  if (!f.plot.empty()) {
    PlotPanel rate, pm;
    rate.title = "DAM " + o.energy.name() + ": retrieval rate (m >= " + format_tick(f.threshold, 0.01) + ")";
    rate.xlabel = load_def;
    rate.ylabel = "fraction of starts retrieved";
    pm.title = o.energy.exponential ? "ln P_max vs N" : "log P_max vs log N";
    pm.xlabel = o.energy.exponential ? "N" : "ln N";
    pm.ylabel = "ln P_max";
    PlotSeries pts, fit;
    pts.label = "measured";
    for (const auto& cs : r.sizes) {
      PlotSeries s;
      s.label = "N = " + std::to_string(cs.n);
      for (const auto& p : cs.points) s.x.push_back(p.load), s.y.push_back(p.retrieval.mean), s.error.push_back(p.retrieval.error);
      rate.series.push_back(s);
      if (std::isfinite(cs.p_max.mean) && cs.p_max.mean > 0) {
        pts.x.push_back(o.energy.exponential ? cs.n : std::log(static_cast<double>(cs.n)));
        pts.y.push_back(std::log(cs.p_max.mean));
        pts.error.push_back(cs.p_max.error / cs.p_max.mean);
      }
    }
    pm.series.push_back(pts);
    if (!o.energy.exponential && pts.x.size() >= 1) {
      PlotSeries ref;
      ref.label = "slope n - 1 = " + std::to_string(o.energy.degree - 1);
      ref.curve = true;
      ref.colour = "#000000";
      for (double x : {pts.x.front(), pts.x.back()}) ref.x.push_back(x), ref.y.push_back(pts.y.front() + (o.energy.degree - 1) * (x - pts.x.front()));
      pm.series.push_back(ref);
    }
    write_output(f.plot, render_svg({rate, pm}, 2));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "dam capacity";
    j["energy"] = o.energy.name();
    j["load_definition"] = load_def;
    j["samples"] = f.samples;
    j["probes"] = f.probes;
    j["noise"] = f.noise;
    j["threshold"] = f.threshold;
    j["seed"] = f.seed;
    j["sizes"] = nlohmann::json::array();
    for (const auto& cs : r.sizes) {
      nlohmann::json s;
      s["N"] = cs.n;
      s["load_c"] = to_json(cs.load_c);
      s["P_max"] = to_json(cs.p_max);
      s["seconds"] = cs.seconds;
      s["points"] = nlohmann::json::array();
      for (const auto& p : cs.points)
        s["points"].push_back({{"load", p.load}, {"P", p.patterns}, {"overlap", to_json(p.overlap)}, {"retrieval", to_json(p.retrieval)}});
      j["sizes"].push_back(s);
    }
    j["exponent"] = to_json(r.exponent);
    j["exponent_fit"] = o.energy.exponential ? "ln P_max = c + k N" : "ln P_max = c + k ln N";
    j["expected_exponent"] = std::isfinite(r.expected_exponent) ? nlohmann::json(r.expected_exponent) : nlohmann::json();
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# dense associative memory, F = %s, %s, %d samples x %d starts, noise %g, retrieved = m >= %g, %.1f s\n",
              o.energy.name().c_str(), load_def.c_str(), f.samples, f.probes, f.noise, f.threshold, r.seconds);
  for (const auto& cs : r.sizes) {
    std::printf("## N = %d (%.1f s)\n%10s %10s %24s %24s\n", cs.n, cs.seconds, "load", "P", "final overlap m", "retrieval rate");
    for (const auto& p : cs.points)
      std::printf("%10.4f %10lld %12.5f +- %-9.2g %12.4f +- %-9.2g\n", p.load, static_cast<long long>(p.patterns), p.overlap.mean,
                  p.overlap.error, p.retrieval.mean, p.retrieval.error);
    std::printf("load_c = %.4f +- %.4f, P_max = %.4g +- %.2g\n", cs.load_c.mean, cs.load_c.error, cs.p_max.mean, cs.p_max.error);
  }
  if (o.energy.exponential)
    std::printf("ln P_max = c + k N: k = %.4f +- %.4f   [Demircigil et al. 2017: up to ln(2)/2 = 0.3466]\n", r.exponent.mean,
                r.exponent.error);
  else
    std::printf("ln P_max = c + k ln N: k = %.3f +- %.3f   [expected n - 1 = %d, approached slowly: P_max ~ N^(n-1)/ln N]\n",
                r.exponent.mean, r.exponent.error, o.energy.degree - 1);
  return 0;
}

struct DamOverloadFlags {
  std::string energy = "poly:3", patterns = "10:20000:12", plot;
  int32_t n = 100;
  int samples = 4, starts = 40, threads = 2;
  double noise = 0.1, threshold = 0.9;
  int64_t max_sweeps = 200;
  uint64_t seed = 1;
  bool json = false, quiet = false;
};

int run_dam_overload(const DamOverloadFlags& f) {
  DamOverloadOptions o;
  o.energy = parse_dam_energy(f.energy);
  o.n = f.n;
  // --P: a list, or START:STOP:COUNT log-spaced.
  const auto parts = split(f.patterns, ':');
  if (parts.size() == 3) {
    const double a = parse_number(parts[0], "--P"), b = parse_number(parts[1], "--P");
    const int64_t c = parse_integer(parts[2], "--P");
    if (!(a >= 1) || !(b > a) || c < 2 || c > 1000) throw InputError("--P: START:STOP:COUNT needs 1 <= START < STOP, 2 <= COUNT <= 1000");
    for (int64_t k = 0; k < c; ++k) {
      const auto p = static_cast<int64_t>(std::llround(a * std::pow(b / a, static_cast<double>(k) / (c - 1))));
      if (o.patterns.empty() || p > o.patterns.back()) o.patterns.push_back(p);
    }
  } else {
    for (const auto& t : split(f.patterns, ',')) o.patterns.push_back(parse_integer(t, "--P"));
  }
  o.samples = f.samples;
  o.starts = f.starts;
  o.noise = f.noise;
  o.threshold = f.threshold;
  o.max_sweeps = f.max_sweeps;
  o.seed = f.seed;
  o.threads = f.threads;
  if (f.threads < 1 || f.threads > 1024) throw InputError("--threads must lie in [1, 1024]");
  if (!f.plot.empty()) check_writable(f.plot);
  ProgressLine line("dam overload", f.quiet);
  o.progress = line.callback();
  const DamOverloadResult r = dam_overload(o);
  line(1.0);
  if (!f.plot.empty()) {
    PlotPanel p;
    p.title = "DAM " + o.energy.name() + ", N = " + std::to_string(f.n) + ": where cues end (noise " + format_tick(f.noise, 0.01) + ")";
    p.xlabel = "log10 P";
    p.ylabel = "fraction of final states";
    PlotSeries a, b, c;
    a.label = "a stored pattern (exactly)";
    b.label = "near a stored pattern";
    c.label = "new attractor (spurious / mixture)";
    for (const auto& q : r.points) {
      const double x = std::log10(static_cast<double>(q.patterns));
      a.x.push_back(x), a.y.push_back(q.exact.mean), a.error.push_back(q.exact.error);
      b.x.push_back(x), b.y.push_back(q.near.mean), b.error.push_back(q.near.error);
      c.x.push_back(x), c.y.push_back(q.novel.mean), c.error.push_back(q.novel.error);
    }
    p.series = {a, b, c};
    if (std::isfinite(r.crossover.mean)) {
      p.marker_x = std::log10(r.crossover.mean);
      p.marker_label = "crossover P = " + std::to_string(std::llround(r.crossover.mean));
    }
    write_output(f.plot, render_svg({p}, 1));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "dam overload";
    j["energy"] = o.energy.name();
    j["N"] = f.n;
    j["samples"] = f.samples;
    j["starts"] = f.starts;
    j["noise"] = f.noise;
    j["threshold"] = f.threshold;
    j["seed"] = f.seed;
    j["points"] = nlohmann::json::array();
    for (const auto& q : r.points)
      j["points"].push_back({{"P", q.patterns}, {"stored_exact", to_json(q.exact)}, {"stored_near", to_json(q.near)},
                             {"new_attractor", to_json(q.novel)}, {"max_overlap", to_json(q.max_overlap)}});
    j["crossover_P"] = to_json(r.crossover);
    j["crossover_definition"] = "P where the fraction of new attractors first exceeds 1/2 (interpolated in log P), jackknife over samples";
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# dense associative memory, F = %s, N = %d, %d samples x %d cues with noise %g, %.1f s\n", o.energy.name().c_str(), f.n,
              f.samples, f.starts, f.noise, r.seconds);
  std::printf("%10s %22s %22s %22s %22s\n", "P", "stored pattern", "near (m >= thr)", "new attractor", "max overlap");
  for (const auto& q : r.points)
    std::printf("%10lld %10.4f +- %-8.2g %10.4f +- %-8.2g %10.4f +- %-8.2g %10.4f +- %-8.2g\n", static_cast<long long>(q.patterns),
                q.exact.mean, q.exact.error, q.near.mean, q.near.error, q.novel.mean, q.novel.error, q.max_overlap.mean,
                q.max_overlap.error);
  std::printf("crossover (new attractors > 1/2): P = %.4g +- %.2g\n", r.crossover.mean, r.crossover.error);
  return 0;
}

}  // namespace

void register_dam(CLI::App& app, Action& run) {
  auto* dam = app.add_subcommand("dam", "Dense associative memory (F = x^n or exp): capacity scaling, overload");
  dam->require_subcommand(1);
  {
    auto* cmd = dam->add_subcommand("capacity", "Retrieval rate vs load for several N; P_max(N) and its scaling exponent");
    cmd->footer("Example: spinlab dam capacity --energy poly:3 --N 50,100,200 --load 0.02:0.2:10 --samples 6");
    auto f = std::make_shared<DamCapacityFlags>();
    cmd->add_option("--energy", f->energy, "F(x): poly:n (x^n, 2 <= n <= 12) or exp")->capture_default_str();
    cmd->add_option("--N", f->sizes, "neurons, a list (>= 2 sizes give the scaling exponent)")->capture_default_str();
    cmd->add_option("--load", f->loads, "loads P/N^(n-1) (poly) or ln(P)/N (exp): START:STOP:COUNT or a list")->capture_default_str();
    cmd->add_option("--samples", f->samples, "pattern sets per size")->capture_default_str();
    cmd->add_option("--probes", f->probes, "starts per sample and load")->capture_default_str();
    cmd->add_option("--noise", f->noise, "fraction of neurons flipped in each cue")->capture_default_str();
    cmd->add_option("--threshold", f->threshold, "retrieved when the final overlap m >= this")->capture_default_str();
    cmd->add_option("--max-sweeps", f->max_sweeps, "sweep limit of one relaxation")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--plot", f->plot, "write retrieval curves and ln P_max vs N as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_dam_capacity(*f); }; });
  }
  {
    auto* cmd = dam->add_subcommand("overload", "As P grows at fixed N: cues end at stored patterns or at new attractors");
    cmd->footer("Example: spinlab dam overload --energy poly:3 --N 100 --P 10:20000:12 --plot overload.svg");
    auto f = std::make_shared<DamOverloadFlags>();
    cmd->add_option("--energy", f->energy, "F(x): poly:n or exp")->capture_default_str();
    cmd->add_option("--N", f->n, "neurons")->capture_default_str();
    cmd->add_option("--P", f->patterns, "pattern counts: START:STOP:COUNT (log-spaced) or a list")->capture_default_str();
    cmd->add_option("--samples", f->samples, "pattern sets")->capture_default_str();
    cmd->add_option("--starts", f->starts, "cues per sample and P")->capture_default_str();
    cmd->add_option("--noise", f->noise, "fraction of neurons flipped in each cue")->capture_default_str();
    cmd->add_option("--threshold", f->threshold, "near a pattern when max |m| >= this")->capture_default_str();
    cmd->add_option("--max-sweeps", f->max_sweeps, "sweep limit of one relaxation")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
    cmd->add_option("--threads", f->threads, "threads (results do not depend on it)")->capture_default_str();
    cmd->add_option("--plot", f->plot, "write the fractions vs log P with the crossover as an SVG");
    cmd->add_flag("--json", f->json, "print JSON");
    cmd->add_flag("--quiet", f->quiet, "no progress line");
    cmd->callback([&run, f] { run = [f] { return run_dam_overload(*f); }; });
  }
}

}  // namespace spinlab::cli
