// `spinlab ews`: early-warning signals of one column of a CSV file: detrending, rolling variance,
// lag-1 autocorrelation, skewness and kurtosis, their Kendall-tau trends and AR(1)-surrogate
// p-values (measure/early_warning.hpp).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <cstring>

#include "cli/common.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "io/parse.hpp"
#include "io/svg_plot.hpp"
#include "measure/early_warning.hpp"

namespace spinlab::cli {
namespace {

struct EwsFlags {
  std::string input, column, time;
  double window = 0.5;
  std::string detrend = "gaussian:0.2";
  int64_t surrogates = 1000;
  uint64_t seed = 1;
  int threads = 2;
  bool json = false, quiet = false;
  std::string csv, plot;
};

// A number as printf's %g writes it.
std::string fmt_g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  std::string t = s.substr(b, e - b + 1);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

struct Columns {
  std::vector<double> value, time;
};

// A CSV with a header row: comma-separated, '#' comment lines and blank lines skipped. Only the
// requested columns must hold numbers; every row must have as many fields as the header.
Columns read_columns(const std::string& path, const std::string& column, const std::string& time) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::string line;
  std::vector<std::string> header;
  int64_t lineno = 0;
  long vi = -1, ti = -1;
  Columns c;
  auto where = [&] { return path + ":" + std::to_string(lineno) + ": "; };
  while (std::getline(in, line)) {
    ++lineno;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    std::vector<std::string> fields = split(line, ',');
    for (auto& f : fields) f = trim(f);
    if (header.empty()) {
      header = fields;
      for (size_t k = 0; k < header.size(); ++k) {
        if (header[k] == column && vi < 0) vi = static_cast<long>(k);
        if (!time.empty() && header[k] == time && ti < 0) ti = static_cast<long>(k);
      }
      std::string names;
      for (const auto& h : header) names += (names.empty() ? "" : ", ") + h;
      if (vi < 0) throw InputError(path + ": --column '" + column + "' is not a column (columns: " + names + ")");
      if (!time.empty() && ti < 0)
        throw InputError(path + ": --time '" + time + "' is not a column (columns: " + names + ")");
      continue;
    }
    if (fields.size() != header.size())
      throw InputError(where() + std::to_string(fields.size()) + " fields, the header has " +
                       std::to_string(header.size()));
    auto number = [&](long k, const std::string& name) {
      double v = 0.0;
      if (!parse_real(fields[k], &v))
        throw InputError(where() + "column '" + name + "': '" + fields[k] + "' is not a number");
      if (!std::isfinite(v))
        throw InputError(where() + "column '" + name + "': '" + fields[k] + "' is not a finite number");
      return v;
    };
    c.value.push_back(number(vi, column));
    if (ti >= 0) {
      const double tv = number(ti, time);
      if (!c.time.empty() && !(tv > c.time.back()))
        throw InputError(where() + "--time column '" + time + "' must increase (" + fields[ti] + " after " +
                         fmt_g(c.time.back()) + ")");
      c.time.push_back(tv);
    }
  }
  if (header.empty()) throw InputError(path + ": no header row (expected comma-separated column names)");
  if (c.value.size() < 20)
    throw InputError(path + ": column '" + column + "' has " + std::to_string(c.value.size()) +
                     " values; early-warning signals need at least 20");
  if (c.time.empty())
    for (size_t i = 0; i < c.value.size(); ++i) c.time.push_back(static_cast<double>(i));
  return c;
}

}  // namespace

void parse_detrend(const std::string& spec, EwsOptions& o) {
  if (spec == "linear") {
    o.detrend = Detrend::linear;
  } else if (spec == "none") {
    o.detrend = Detrend::none;
  } else if (spec == "gaussian") {
    o.detrend = Detrend::gaussian;
  } else if (spec.rfind("gaussian:", 0) == 0) {
    o.detrend = Detrend::gaussian;
    o.bandwidth = parse_number(spec.substr(9), "--detrend gaussian:BW");
    if (!(o.bandwidth > 0.0 && o.bandwidth <= 1.0))
      throw InputError("--detrend gaussian:BW: the bandwidth must be in (0, 1] (a fraction of the series length), "
                       "got " + spec.substr(9));
  } else {
    throw InputError("--detrend: '" + spec + "' is not gaussian[:BW], linear or none");
  }
}

void print_ews_indicators(const EwsResult& r) {
  std::printf("%-22s %12s %10s\n", "indicator", "kendall_tau", "p_value");
  for (const auto& e : r.indicators)
    std::printf("%-22s %12.4f %10.4g%s\n", e.name.c_str(), e.kendall_tau, e.p_value,
                e.p_value < 0.05 && e.kendall_tau > 0 ? "   rising (p < 0.05)" : "");
}

nlohmann::json ews_indicators_json(const EwsResult& r) {
  nlohmann::json ind = nlohmann::json::object();
  for (const auto& e : r.indicators) ind[e.name] = {{"kendall_tau", e.kendall_tau}, {"p_value", e.p_value}};
  return ind;
}

namespace {

std::string detrend_label(const EwsOptions& o) {
  if (o.detrend != Detrend::gaussian) return detrend_name(o.detrend);
  char buf[64];
  std::snprintf(buf, sizeof buf, "gaussian:%g", o.bandwidth);
  return buf;
}

int run_ews(const EwsFlags& f) {
  EwsOptions o;
  if (!(f.window > 0.0 && f.window < 1.0))
    throw InputError("--window must be in (0, 1) (a fraction of the series length), got " + fmt_g(f.window));
  parse_detrend(f.detrend, o);
  if (f.surrogates < 0) throw InputError("--surrogates must be >= 0");
  if (f.threads < 1) throw InputError("--threads must be >= 1");
  check_writable(f.csv);
  check_writable(f.plot);
  o.window = f.window;
  o.surrogates = f.surrogates;
  o.seed = f.seed;
  o.threads = f.threads;
  const Columns c = read_columns(f.input, f.column, f.time);
  ProgressLine line("ews", f.quiet);
  o.progress = line.callback();
  const EwsResult r = early_warning_signals(c.value, o);
  line(1.0);
  const std::string dl = detrend_label(o);
  const std::string tname = f.time.empty() ? "index" : f.time;

  if (!f.csv.empty()) {
    std::ostringstream csv;
    csv.precision(12);
    csv << "time,value,trend,residual";
    for (const auto& e : r.indicators) csv << "," << e.name;
    csv << "\n";
    for (size_t i = 0; i < r.n; ++i) {
      csv << c.time[i] << "," << c.value[i] << "," << r.trend[i] << "," << r.residuals[i];
      for (const auto& e : r.indicators) csv << "," << e.series[i];
      csv << "\n";
    }
    write_output(f.csv, csv.str());
  }
  if (!f.plot.empty()) {
    std::vector<PlotPanel> panels;
    PlotPanel top;
    top.title = f.column + " and its trend (detrend " + dl + ")";
    top.xlabel = tname;
    top.ylabel = f.column;
    top.series.push_back({f.column, c.time, c.value, {}, true, palette_colour(0)});
    if (o.detrend != Detrend::none) top.series.push_back({"trend", c.time, r.trend, {}, true, palette_colour(1)});
    panels.push_back(top);
    PlotPanel res;
    char rtitle[96];
    std::snprintf(rtitle, sizeof rtitle, "residuals (AR(1) %.3f), window %zu points", r.ar1, r.window_points);
    res.title = rtitle;
    res.xlabel = tname;
    res.ylabel = "residual";
    res.series.push_back({"residual", c.time, r.residuals, {}, true, palette_colour(0)});
    panels.push_back(res);
    for (size_t k = 0; k < r.indicators.size(); ++k) {
      const auto& e = r.indicators[k];
      char title[160];
      std::snprintf(title, sizeof title, "%s: tau = %.3f, p = %.2g", e.name.c_str(), e.kendall_tau, e.p_value);
      PlotPanel p;
      p.title = title;
      p.xlabel = tname;
      p.ylabel = e.name;
      p.series.push_back({e.name, c.time, e.series, {}, true, palette_colour(k + 2)});
      panels.push_back(p);
    }
    write_output(f.plot, render_svg(panels, 2));
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "ews";
    j["input"] = f.input;
    j["column"] = f.column;
    if (!f.time.empty()) j["time"] = f.time;
    j["n"] = r.n;
    j["window"] = f.window;
    j["window_points"] = r.window_points;
    j["detrend"] = dl;
    if (o.detrend == Detrend::gaussian) j["bandwidth_points"] = r.bandwidth_points;
    j["ar1"] = r.ar1;
    j["ar1_noise_sd"] = r.ar1_noise_sd;
    j["indicators"] = ews_indicators_json(r);
    j["surrogates"] = r.surrogates;
    j["seed"] = f.seed;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("# %s, column '%s': %zu points, window %g (%zu points), detrend %s", f.input.c_str(), f.column.c_str(),
              r.n, f.window, r.window_points, dl.c_str());
  if (o.detrend == Detrend::gaussian) std::printf(" (sigma = %g points)", r.bandwidth_points);
  std::printf("\n# residual AR(1) coefficient %.4f (noise sd %.4g); %lld AR(1) surrogates, seed %llu; %.2f s\n", r.ar1,
              r.ar1_noise_sd, static_cast<long long>(r.surrogates), static_cast<unsigned long long>(f.seed), r.seconds);
  print_ews_indicators(r);
  return 0;
}

}  // namespace

void register_ews(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("ews", "Early-warning signals of a time series (rolling variance, AC1, ...)");
  cmd->footer(
      "Detrends one column of a CSV file, computes rolling-window variance, lag-1 autocorrelation, skewness and\n"
      "(excess) kurtosis of the residuals, the Kendall tau of each against time, and one-sided p-values of those\n"
      "taus from AR(1) surrogates fitted to the residuals (definitions of ewstools, Bury 2023).\n"
      "Example: spinlab ews --input series.csv --column m --detrend gaussian:0.2 --window 0.5 --json");
  auto f = std::make_shared<EwsFlags>();
  cmd->add_option("--input", f->input, "CSV file with a header row")->required();
  cmd->add_option("--column", f->column, "the column to analyse")->required();
  cmd->add_option("--time", f->time, "a column of increasing times (for output; default: the row index)");
  cmd->add_option("--window", f->window, "rolling window as a fraction of the series length, in (0, 1)")
      ->capture_default_str();
  cmd->add_option("--detrend", f->detrend, "gaussian[:BW] (bandwidth BW as a fraction of the length), linear, none")
      ->capture_default_str();
  cmd->add_option("--surrogates", f->surrogates, "AR(1) surrogates for the p-values (0: none)")->capture_default_str();
  cmd->add_option("--seed", f->seed, "random seed of the surrogates")->check(seed_validator())->capture_default_str();
  cmd->add_option("--threads", f->threads, "threads for the surrogates (results do not depend on it)")
      ->capture_default_str();
  cmd->add_flag("--json", f->json, "print JSON");
  cmd->add_option("--csv", f->csv, "write time, value, trend, residual and the four indicators to FILE.csv");
  cmd->add_option("--plot", f->plot, "write an SVG: the series with its trend, the residuals and each indicator");
  cmd->add_flag("--quiet", f->quiet, "no progress line");
  cmd->callback([&run, f] { run = [f] { return run_ews(*f); }; });
}

}  // namespace spinlab::cli
