// Dependency-free SVG charts: panels of points with error bars and exact curves.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spinlab {

struct PlotSeries {
  std::string label;
  std::vector<double> x, y;
  std::vector<double> error;  // empty: no error bars
  bool curve = false;         // true: drawn as a line (exact oracles), false: markers + error bars
  std::string colour;         // e.g. "#0072B2"; empty: the palette colour of the series index
};

struct PlotPanel {
  std::string title, xlabel, ylabel;
  std::vector<PlotSeries> series;
  std::optional<double> marker_x;  // a dashed vertical line (e.g. beta_c)
  std::string marker_label;
};

/// Lays the panels out in a grid with `columns` columns; each panel has axes with ticks,
/// a legend and a colour-blind-safe palette (Okabe-Ito). NaN points are skipped.
/// Okabe-Ito palette colour k (cycled).
std::string palette_colour(std::size_t k);

std::string render_svg(const std::vector<PlotPanel>& panels, int columns = 2);

/// Tick values k*step inside [lo, hi] with step = {1,2,5}*10^n chosen so that about
/// `target` intervals cover the range (exposed for tests). Empty for non-finite input.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

/// A compact, locale-independent tick label for `v` on an axis with tick spacing `step`:
/// fixed with the decimals the step needs ("0.42", "-1.5", "2.0" for step 0.2), or
/// scientific when step < 1e-3 or step >= 1e5 ("2e-4", "1.5e6"); never "-0".
std::string format_tick(double v, double step);

/// XML text / attribute escaping (& < > " '), dropping the control characters XML 1.0 forbids:
/// every SVG writer of the io layer uses it.
std::string xml_escape(std::string_view s);

}  // namespace spinlab
