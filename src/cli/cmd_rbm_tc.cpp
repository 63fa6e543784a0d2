// `spinlab rbm tc`: the ordering temperature of a trained RBM read as a spin model (Barney,
// Winer & Galitski 2024), and the scan flags that `rbm train --track-tc` shares.
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/common.hpp"
#include "cli/rbm_common.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "io/svg_plot.hpp"
#include "learn/rbm_ising.hpp"

namespace spinlab::cli {

void add_tc_flags(CLI::App* cmd, TcFlags& f, const std::string& prefix) {
  const std::string p = "--" + prefix;
  cmd->add_option(p + "T", f.T, "temperature multipliers: list or start:stop:count (default: --" + prefix +
                                    "points values geometric in [0.1, 1.5] x T_mf, T_mf = sigma_max(W)/4)");
  cmd->add_option(p + "points", f.points, "temperatures of the default grid")->capture_default_str();
  cmd->add_option(p + "pairs", f.pairs, "replica pairs per temperature")->capture_default_str();
  cmd->add_option(p + "burn-in", f.burn_in, "block Gibbs sweeps discarded per chain")->capture_default_str();
  cmd->add_option(p + "sweeps", f.sweeps, "measured sweeps per chain")->capture_default_str();
  cmd->add_option(p + "blocks", f.blocks, "jackknife groups of sweeps for the error of T_c")->capture_default_str();
  cmd->add_option(p + "align", f.align,
                  "direction of the aligned order parameter: pc1 (top principal direction of the data; default "
                  "with data) | mean (data mean pattern) | weights (top singular vector of W; default without data)");
  cmd->add_option(p + "max-r-hat", f.max_r_hat, "Gelman-Rubin R above which a temperature counts as not equilibrated")
      ->capture_default_str();
  cmd->add_option(p + "order", f.order, "which susceptibility defines T_c: auto | overlap | aligned")->capture_default_str();
}

TcOptions tc_options(const TcFlags& f, const std::string& prefix, const Dataset* data) {
  const std::string p = "--" + prefix;
  TcOptions o;
  if (!f.T.empty()) o.temperatures = parse_value_list(f.T, p + "T");
  o.points = f.points;
  o.pairs = f.pairs;
  o.burn_in = f.burn_in;
  o.sweeps = f.sweeps;
  o.blocks = f.blocks;
  o.max_r_hat = f.max_r_hat;
  if (!(f.max_r_hat >= 1)) throw InputError(p + "max-r-hat must be >= 1");
  if (f.order == "auto") o.order = TcOrder::Auto;
  else if (f.order == "overlap") o.order = TcOrder::Overlap;
  else if (f.order == "aligned") o.order = TcOrder::Aligned;
  else throw InputError(p + "order: expected auto, overlap or aligned, got '" + f.order + "'");
  const std::string align = !f.align.empty() ? f.align : data ? "pc1" : "weights";
  if (align == "pc1" || align == "mean") {
    if (!data) throw InputError(p + "align " + align + " needs --data");
    o.direction = align == "pc1" ? data_principal_direction(*data) : data_mean_direction(*data);
    o.direction_name = align;
  } else if (align != "weights") {
    throw InputError(p + "align: expected pc1, mean or weights, got '" + align + "'");
  }
  return o;
}

nlohmann::json tc_json(const TcResult& r) {
  nlohmann::json j;
  j["T_c"] = to_json(r.T_c);
  j["order"] = r.order;
  auto peak = [](const TcPeak& p) {
    return nlohmann::json{{"T_c", to_json(p.T)}, {"grid_index", p.grid_index}, {"at_edge", p.at_edge}};
  };
  j["overlap_peak"] = peak(r.overlap);
  j["aligned_peak"] = peak(r.aligned);
  j["aligned_share"] = r.aligned_share;
  j["folded"] = r.folded;
  j["swaps"] = r.swaps;
  j["first_equilibrated_T"] = r.points[r.first_equilibrated].T;
  j["mean_field_T"] = r.mean_field_T;
  j["direction"] = r.direction_name;
  nlohmann::json pts = nlohmann::json::array();
  for (const TcPoint& p : r.points)
    pts.push_back({{"T", p.T}, {"q_abs", to_json(p.q_abs)}, {"q2", to_json(p.q2)}, {"m_abs", to_json(p.m_abs)},
                   {"m2", to_json(p.m2)}, {"chi_q", to_json(p.chi_q)}, {"chi_m", to_json(p.chi_m)},
                   {"r_hat", std::isfinite(p.r_hat) ? nlohmann::json(p.r_hat) : nlohmann::json(nullptr)},
                   {"equilibrated", p.equilibrated}});
  j["points"] = pts;
  j["seconds"] = r.seconds;
  return j;
}

namespace {

struct TcCommandFlags {
  DataFlags data;
  TcFlags tc;
  std::string model, plot;
  uint64_t seed = 1;
  int threads = 1;
  bool json = false, quiet = false;
};

int run_tc(const TcCommandFlags& f) {
  if (f.model.empty()) throw InputError("--model FILE is required");
  const Rbm m = load_rbm(f.model);
  std::optional<Dataset> d;
  if (!f.data.data.empty()) {
    d = load_binary(f.data, "train");
    require_columns(*d, m.nv, "the model (" + std::to_string(m.nv) + " visible units)");
  }
  if (!f.plot.empty()) check_writable(f.plot);
  TcOptions o = tc_options(f.tc, "", d ? &*d : nullptr);
  o.seed = f.seed;
  o.threads = f.threads;
  ProgressLine line("rbm tc", f.quiet);
  o.progress = line.callback();
  const TcResult r = rbm_critical_temperature(m, o);
  line(1.0);
  if (!f.plot.empty()) {
    std::vector<PlotPanel> panels(2);
    for (int k = 0; k < 2; ++k) {
      const bool ov = k == 0;
      PlotPanel& p = panels[k];
      p.title = ov ? "replica overlap" : "aligned (" + r.direction_name + ")";
      p.xlabel = "temperature multiplier T";
      p.ylabel = ov ? "chi_q = N(<q^2> - <|q|>^2)" : "chi_m = nv(<m^2> - <|m|>^2)";
      PlotSeries s;
      s.label = ov ? "chi_q" : "chi_m";
      for (const TcPoint& pt : r.points) {
        const Estimate& e = ov ? pt.chi_q : pt.chi_m;
        s.x.push_back(pt.T), s.y.push_back(e.mean), s.error.push_back(e.error);
      }
      p.series.push_back(s);
      p.marker_x = ov ? r.overlap.T.mean : r.aligned.T.mean;
      p.marker_label = "peak";
    }
    write_output(f.plot, render_svg(panels, 2));
  }
  nlohmann::json j = tc_json(r);
  if (f.json) {
    nlohmann::json out;
    out["command"] = "rbm tc";
    out["model"] = f.model;
    out["visible"] = m.nv;
    out["hidden"] = m.nh;
    out["units"] = units_name(m.units);
    out["data"] = d ? d->source : "";
    out["pairs"] = o.pairs;
    out["burn_in"] = o.burn_in;
    out["sweeps"] = o.sweeps;
    out["seed"] = o.seed;
    out.update(j);
    std::printf("%s\n", out.dump(1).c_str());
    return 0;
  }
  std::printf("# %s: %d visible x %d hidden (%s), T_mf = %.4g, aligned direction: %s, %d pair(s), %d + %d sweeps\n",
              f.model.c_str(), m.nv, m.nh, units_name(m.units), r.mean_field_T, r.direction_name.c_str(), o.pairs,
              o.burn_in, o.sweeps);
  std::printf("%10s %10s %18s %10s %18s %8s\n", "T", "<|q|>", "chi_q", "<|m|>", "chi_m", "R_hat");
  for (const TcPoint& p : r.points)
    std::printf("%10.4g %10.4f %10.4g +- %-6.2g %10.4f %10.4g +- %-6.2g %8.3g%s\n", p.T, p.q_abs.mean, p.chi_q.mean,
                p.chi_q.error, p.m_abs.mean, p.chi_m.mean, p.chi_m.error, p.r_hat, p.equilibrated ? "" : "  (frozen)");
  std::printf("overlap peak: T = %.4g +- %.2g%s\n", r.overlap.T.mean, r.overlap.T.error,
              r.overlap.at_edge ? " (at the edge of the scan)" : "");
  std::printf("aligned peak: T = %.4g +- %.2g%s\n", r.aligned.T.mean, r.aligned.T.error,
              r.aligned.at_edge ? " (at the edge of the scan)" : "");
  std::printf("T_c = %.4g +- %.2g from the %s susceptibility (<m^2>/<q^2> at the chi_m peak = %.3f); %.2f s\n",
              r.T_c.mean, r.T_c.error, r.order.c_str(), r.aligned_share, r.seconds);
  return 0;
}

}  // namespace

void register_rbm_tc(CLI::App* rbm, Action& run) {
  auto* cmd = rbm->add_subcommand("tc", "Ordering temperature T_c of the RBM read as an Ising model (block Gibbs T scan)");
  cmd->footer("Example: spinlab rbm tc --model rbm.bin --data digits --json");
  auto f = std::make_shared<TcCommandFlags>();
  cmd->add_option("--model", f->model, "model file written by rbm train");
  add_data_flags(cmd, f->data, "train (default) | test | all: rows for the aligned direction");
  add_tc_flags(cmd, f->tc, "");
  cmd->add_option("--seed", f->seed, "random seed")->capture_default_str()->check(seed_validator());
  cmd->add_option("--threads", f->threads, "GEMM threads")->capture_default_str();
  cmd->add_option("--plot", f->plot, "SVG of chi_q(T) and chi_m(T)");
  cmd->add_flag("--json", f->json, "print JSON (schema in docs/cli.md)");
  cmd->add_flag("--quiet", f->quiet, "no progress line on stderr");
  cmd->callback([&run, f] { run = [f] { return run_tc(*f); }; });
}

}  // namespace spinlab::cli
