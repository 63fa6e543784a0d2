// `spinlab ramp`: a run while beta or h changes linearly, written as a CSV time series; with
// --ews the early-warning indicators of one column in the same go.
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "cli/probe_flags.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "io/svg_plot.hpp"
#include "measure/early_warning.hpp"
#include "probe/ramp.hpp"

namespace spinlab::cli {
namespace {

struct RampFlags {
  GeometryFlags geo;
  std::string beta, hramp, algo = "metropolis", csv, plot, column = "M", detrend = "gaussian:0.2", init = "hot";
  double at_beta = 0.44, window = 0.5;
  int64_t ramp_sweeps = 100000, measure_every = 10, therm = 1000, surrogates = 1000;
  uint64_t seed = 1;
  int threads = 2;
  bool ews = false, json = false, quiet = false;
};

std::pair<double, double> parse_range(const std::string& spec, const std::string& flag) {
  const auto p = split(spec, ':');
  if (p.size() != 2) throw InputError(flag + ": expected START:END, got '" + spec + "'");
  return {parse_number(p[0], flag), parse_number(p[1], flag)};
}

int run_ramp(const RampFlags& f) {
  if (f.beta.empty() == f.hramp.empty()) throw InputError("give exactly one of --beta START:END and --h START:END");
  if (f.csv.empty() && !f.ews && !f.json) throw InputError("nothing to output: give --csv FILE, --ews or --json");
  check_writable(f.csv);
  check_writable(f.plot);
  const Geometry g = build_geometry(f.geo);
  RampOptions o;
  o.algo = f.algo;
  o.parameter = f.beta.empty() ? "h" : "beta";
  std::tie(o.start, o.end) = parse_range(f.beta.empty() ? f.hramp : f.beta, f.beta.empty() ? "--h" : "--beta");
  o.beta = f.at_beta;
  o.ramp_sweeps = f.ramp_sweeps;
  o.measure_every = f.measure_every;
  o.therm = f.therm;
  o.seed = f.seed;
  o.init = parse_init(f.init);
  o.regions = g.regions;
  // EWS options are checked before the run.
  EwsOptions e;
  size_t col = 0;
  if (f.ews) {
    if (!(f.window > 0.0 && f.window < 1.0)) throw InputError("--window must be in (0, 1)");
    parse_detrend(f.detrend, e);
    e.window = f.window;
    e.surrogates = f.surrogates;
    e.seed = f.seed;
    e.threads = f.threads;
    if (f.surrogates < 0) throw InputError("--surrogates must be >= 0");
  }
  ProgressLine line("ramp", f.quiet);
  o.progress = line.callback();
  const RampSeries r = ramp(g.model, o);
  line(1.0);
  if (f.ews) {
    col = r.columns.size();
    for (size_t k = 0; k < r.columns.size(); ++k)
      if (r.columns[k] == f.column) col = k;
    if (col == r.columns.size() || col < 2) {
      std::string known;
      for (size_t k = 2; k < r.columns.size(); ++k) known += (known.empty() ? "" : ", ") + r.columns[k];
      throw InputError("--column " + f.column + ": not a measured column (" + known + ")");
    }
  }
  if (!f.csv.empty()) {
    std::ostringstream csv;
    csv.precision(12);
    for (size_t k = 0; k < r.columns.size(); ++k) csv << (k ? "," : "") << r.columns[k];
    csv << "\n";
    for (const auto& row : r.rows) {
      for (size_t k = 0; k < row.size(); ++k) csv << (k ? "," : "") << row[k];
      csv << "\n";
    }
    write_output(f.csv, csv.str());
  }
  EwsResult ews;
  std::vector<double> x, y;
  for (const auto& row : r.rows) x.push_back(row[1]);
  if (f.ews) {
    for (const auto& row : r.rows) y.push_back(row[col]);
    ews = early_warning_signals(y, e);
  }
  if (!f.plot.empty()) {
    std::vector<PlotPanel> panels;
    PlotPanel top;
    top.title = "ramp of " + o.parameter;
    top.xlabel = o.parameter;
    top.ylabel = "per spin";
    for (size_t k = 2; k < 5; ++k) {
      std::vector<double> v;
      for (const auto& row : r.rows) v.push_back(row[k]);
      top.series.push_back({r.columns[k], x, v, {}, true, palette_colour(k - 2)});
    }
    panels.push_back(top);
    if (f.ews)
      for (size_t k = 0; k < 2; ++k) {  // variance and lag-1 autocorrelation
        const auto& ind = ews.indicators[k];
        char title[160];
        std::snprintf(title, sizeof title, "%s of %s: tau = %.3f, p = %.2g", ind.name.c_str(), f.column.c_str(),
                      ind.kendall_tau, ind.p_value);
        PlotPanel p;
        p.title = title;
        p.xlabel = o.parameter;
        p.ylabel = ind.name;
        p.series.push_back({ind.name, x, ind.series, {}, true, palette_colour(k + 3)});
        panels.push_back(p);
      }
    write_output(f.plot, render_svg(panels, 1));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "ramp";
    j["model"] = g.description;
    j["parameter"] = o.parameter;
    j["start"] = o.start;
    j["end"] = o.end;
    j["ramp_sweeps"] = o.ramp_sweeps;
    j["measure_every"] = o.measure_every;
    j["rows"] = r.rows.size();
    j["columns"] = r.columns;
    if (!f.csv.empty()) j["csv"] = f.csv;
    if (f.ews) {
      j["ews"] = {{"column", f.column}, {"window", f.window}, {"window_points", ews.window_points}, {"ar1", ews.ar1},
                  {"surrogates", ews.surrogates}, {"indicators", ews_indicators_json(ews)}};
    }
    j["seed"] = f.seed;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("# %s: %s from %g to %g over %lld sweeps, %zu measurements, %.1f s\n", g.description.c_str(),
              o.parameter.c_str(), o.start, o.end, static_cast<long long>(o.ramp_sweeps), r.rows.size(), r.seconds);
  if (f.ews) {
    std::printf("# early-warning indicators of %s (window %g, detrend %s, %lld surrogates)\n", f.column.c_str(), f.window,
                f.detrend.c_str(), static_cast<long long>(f.surrogates));
    print_ews_indicators(ews);
  }
  return 0;
}

}  // namespace

void register_ramp(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("ramp", "Run while beta or h changes linearly; write the time series (and its EWS)");
  cmd->footer(
      "Columns: sweep, the parameter, E/N, M/N, |M|/N and every --region's M_R. With --ews the early-warning\n"
      "indicators of --column (see spinlab ews) are computed from the series in the same run.\n"
      "Example: spinlab ramp --lattice square --L 64 --beta 0.3:0.44 --ramp-sweeps 100000 --csv ramp.csv --ews");
  auto f = std::make_shared<RampFlags>();
  add_geometry_flags(cmd, f->geo, false);
  cmd->remove_option(cmd->get_option("--h"));  // here --h is the ramped field, not a fixed one
  cmd->add_option("--beta", f->beta, "ramp beta: START:END");
  cmd->add_option("--h", f->hramp, "ramp a uniform field instead: START:END (at --at-beta)");
  cmd->add_option("--at-beta", f->at_beta, "beta of a field ramp")->capture_default_str();
  cmd->add_option("--ramp-sweeps", f->ramp_sweeps, "sweeps over which the parameter goes from START to END")->capture_default_str();
  cmd->add_option("--measure-every", f->measure_every, "sweeps between rows")->capture_default_str();
  cmd->add_option("--therm", f->therm, "sweeps at START before the ramp")->capture_default_str();
  cmd->add_option("--algo", f->algo, "sampling algorithm")->capture_default_str();
  cmd->add_option("--init", f->init, "hot | up | down")->capture_default_str();
  cmd->add_option("--seed", f->seed, "random seed")->check(seed_validator())->capture_default_str();
  cmd->add_option("--csv", f->csv, "write the time series to FILE.csv");
  cmd->add_flag("--ews", f->ews, "also compute the early-warning indicators of --column");
  cmd->add_option("--column", f->column, "the column for --ews (E, M, |M| or a region)")->capture_default_str();
  cmd->add_option("--window", f->window, "--ews rolling window, fraction of the series")->capture_default_str();
  cmd->add_option("--detrend", f->detrend, "--ews detrending: gaussian:BW | linear | none")->capture_default_str();
  cmd->add_option("--surrogates", f->surrogates, "--ews AR(1) surrogates for the p-values")->capture_default_str();
  cmd->add_option("--threads", f->threads, "threads for the surrogates")->capture_default_str();
  cmd->add_option("--plot", f->plot, "write the series (and the indicators) as an SVG");
  cmd->add_flag("--json", f->json, "print JSON");
  cmd->add_flag("--quiet", f->quiet, "no progress line");
  cmd->callback([&run, f] { run = [f] { return run_ramp(*f); }; });
}

}  // namespace spinlab::cli
