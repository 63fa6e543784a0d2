// Table, JSON, CSV and SVG renderings of simulation results.
#include "cli/report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/exact_model.hpp"
#include "cli/common.hpp"
#include "io/svg_plot.hpp"

namespace spinlab::cli {
namespace {

struct Column {
  const char* key;
  const char* header;
  Estimate PointResult::*field;
  double ExactPoint::*exact;
};
const Column kColumns[] = {
    {"energy_per_spin", "E/N", &PointResult::energy_per_spin, &ExactPoint::energy_per_spin},
    {"abs_magnetization_per_spin", "|M|/N", &PointResult::abs_magnetization_per_spin,
     &ExactPoint::abs_magnetization_per_spin},
    {"susceptibility", "chi", &PointResult::susceptibility, &ExactPoint::susceptibility},
    {"specific_heat", "C", &PointResult::specific_heat, &ExactPoint::specific_heat},
    {"binder_cumulant", "U", &PointResult::binder_cumulant, &ExactPoint::binder_cumulant},
};

// value(error) in the compact physics notation, e.g. -1.4523(12).
std::string with_error(double v, double e) {
  if (!std::isfinite(v)) return "nan";
  if (!(e > 0.0) || !std::isfinite(e)) return fmt::format("{:.6g}", v);
  int digits = std::clamp(1 - static_cast<int>(std::floor(std::log10(e))), 0, 12);
  auto scaled = static_cast<long long>(std::llround(e * std::pow(10.0, digits)));
  if (scaled >= 100) {  // keep two significant digits in the bracket
    --digits;
    scaled = std::llround(e * std::pow(10.0, std::max(digits, 0)));
  }
  return fmt::format("{:.{}f}({})", v, std::max(digits, 0), scaled);
}

}  // namespace

nlohmann::json point_json(const PointResult& p, const IsingModel* exact_model) {
  nlohmann::json j;
  j["beta"] = p.beta;
  j["temperature"] = p.beta > 0.0 ? nlohmann::json(1.0 / p.beta) : nlohmann::json(nullptr);
  for (const auto& c : kColumns) j[c.key] = to_json(p.*(c.field));
  j["magnetization_per_spin"] = to_json(p.magnetization_per_spin);
  j["m2"] = to_json(p.m2);
  j["m4"] = to_json(p.m4);
  for (const auto& o : p.observables) j["observables"][o.name] = to_json(o.value);
  for (const auto& o : p.covariances) j["covariances"][o.name] = to_json(o.value);
  j["measurements"] = p.measurements;
  j["seconds"] = p.seconds;
  j["warnings"] = p.warnings;
  if (exact_model) {
    ExactPoint x = exact_point(*exact_model, p.beta, ExactMethod::Auto);
    nlohmann::json ex;
    for (const auto& c : kColumns) {
      double v = x.*(c.exact);
      if (!std::isfinite(v)) continue;
      const Estimate& est = p.*(c.field);
      ex[c.key] = v;
      if (est.error > 0.0) ex["z_" + std::string(c.key)] = (est.mean - v) / est.error;
    }
    j["exact"] = ex;
  }
  return j;
}

std::string results_table(const SimulationResult& r) {
  std::string out = fmt::format("{:>9} {:>18} {:>16} {:>16} {:>16} {:>14} {:>8}\n", "beta", "E/N", "|M|/N",
                                "chi", "C", "U", "tau(E)");
  for (const auto& p : r.points) {
    out += fmt::format("{:>9.5f} {:>18} {:>16} {:>16} {:>16} {:>14} {:>8.2f}\n", p.beta,
                       with_error(p.energy_per_spin.mean, p.energy_per_spin.error),
                       with_error(p.abs_magnetization_per_spin.mean, p.abs_magnetization_per_spin.error),
                       with_error(p.susceptibility.mean, p.susceptibility.error),
                       with_error(p.specific_heat.mean, p.specific_heat.error),
                       with_error(p.binder_cumulant.mean, p.binder_cumulant.error), p.energy_per_spin.tau_int);
    for (const auto& o : p.observables)
      out += fmt::format("{:>9} {:<24} {}\n", "", o.name, with_error(o.value.mean, o.value.error));
    for (const auto& o : p.covariances)
      out += fmt::format("{:>9} {:<24} {}\n", "", o.name, with_error(o.value.mean, o.value.error));
    for (const auto& w : p.warnings) out += fmt::format("{:>9} warning: {}\n", "", w);
  }
  return out;
}

std::string results_csv(const SimulationResult& r) {
  std::string out = "beta";
  for (const auto& c : kColumns) out += fmt::format(",{0},{0}_error,{0}_tau_int", c.key);
  out += "\n";
  for (const auto& p : r.points) {
    out += fmt::format("{:.17g}", p.beta);
    for (const auto& c : kColumns) {
      const Estimate& e = p.*(c.field);
      out += fmt::format(",{:.17g},{:.17g},{:.17g}", e.mean, e.error, e.tau_int);
    }
    out += "\n";
  }
  return out;
}

std::string results_svg(const std::vector<LabelledRun>& runs, const std::string& title,
                        double beta_c_marker, bool onsager_curves) {
  // Exact curves on a fine grid, evaluated once per run (enumeration is the costly oracle).
  std::vector<std::vector<ExactPoint>> exact(runs.size());
  for (size_t r = 0; r < runs.size(); ++r) {
    const auto& run = runs[r];
    if (!run.model || !has_exact_oracle(*run.model) || run.result->points.empty()) continue;
    double lo = run.result->points.front().beta, hi = lo;
    for (const auto& p : run.result->points) {
      lo = std::min(lo, p.beta);
      hi = std::max(hi, p.beta);
    }
    const int n = hi > lo ? 121 : 1;
    for (int k = 0; k < n; ++k)
      exact[r].push_back(exact_point(*run.model, n == 1 ? lo : lo + (hi - lo) * k / (n - 1), ExactMethod::Auto));
  }
  std::vector<PlotPanel> panels;
  for (const auto& c : kColumns) {
    PlotPanel panel;
    panel.title = title.empty() ? c.header : title + ": " + c.header;
    panel.xlabel = "beta";
    panel.ylabel = c.header;
    if (std::isfinite(beta_c_marker)) {
      panel.marker_x = beta_c_marker;
      panel.marker_label = "beta_c";
    }
    for (size_t r = 0; r < runs.size(); ++r) {
      PlotSeries s;
      s.label = runs[r].label;
      s.colour = palette_colour(r);
      for (const auto& p : runs[r].result->points) {
        s.x.push_back(p.beta);
        s.y.push_back((p.*(c.field)).mean);
        s.error.push_back((p.*(c.field)).error);
      }
      panel.series.push_back(s);
      PlotSeries ex;
      ex.label = runs[r].label + " exact";
      ex.curve = true;
      ex.colour = s.colour;
      for (const auto& x : exact[r])
        if (std::isfinite(x.*(c.exact))) {
          ex.x.push_back(x.beta);
          ex.y.push_back(x.*(c.exact));
        }
      if (!ex.x.empty()) panel.series.push_back(ex);
    }
    if (onsager_curves && !runs.empty() && !exact.empty()) {
      // The infinite lattice, evaluated on the same beta grid as the finite-size curves.
      PlotSeries inf;
      inf.label = "L=inf (Onsager/Yang)";
      inf.curve = true;
      inf.colour = "#000000";
      double lo = runs.front().result->points.front().beta, hi = lo;
      for (const auto& r : runs)
        for (const auto& p : r.result->points) {
          lo = std::min(lo, p.beta);
          hi = std::max(hi, p.beta);
        }
      // The log divergence of C at beta_c would squash the finite-size data: the curve is cut
      // (NaN breaks it) above 1.3 x the largest value already in the panel.
      double ymax = -std::numeric_limits<double>::infinity();
      for (const auto& sr : panel.series)
        for (double y : sr.y)
          if (std::isfinite(y)) ymax = std::max(ymax, y);
      IsingModel sq = IsingModel::on_lattice(Lattice::square(4));
      for (int k = 0; k < 241; ++k) {
        const double b = lo + (hi - lo) * k / 240.0;
        double v = exact_point(sq, b, ExactMethod::Onsager).*(c.exact);
        if (std::isfinite(ymax) && v > 1.3 * ymax) v = std::numeric_limits<double>::quiet_NaN();
        inf.x.push_back(b);
        inf.y.push_back(v);
      }
      if (std::any_of(inf.y.begin(), inf.y.end(), [](double y) { return std::isfinite(y); }))
        panel.series.push_back(inf);
    }
    panels.push_back(panel);
  }
  return render_svg(panels, 2);
}

}  // namespace spinlab::cli
