#include "io/svg_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/svg_plot.hpp"

namespace spinlab {
namespace {

// Linear blend of two #rrggbb colours.
std::string blend(unsigned a, unsigned b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto ch = [&](int shift) {
    const double x = ((a >> shift) & 255) * (1 - t) + ((b >> shift) & 255) * t;
    return static_cast<unsigned>(std::lround(x));
  };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", ch(16), ch(8), ch(0));
  return buf;
}

constexpr unsigned kBlue = 0x0072B2, kVermilion = 0xD55E00, kWhite = 0xFFFFFF;

}  // namespace

std::string render_map_svg(const std::vector<MapPanel>& panels, int columns) {
  const double panel_px = 300, margin = 40, legend_h = 60;
  columns = std::max(1, std::min<int>(columns, static_cast<int>(panels.size())));
  const int rows = static_cast<int>((panels.size() + columns - 1) / columns);
  const double W = columns * (panel_px + 2 * margin), H = rows * (panel_px + 2 * margin + legend_h);
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" "
                "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                W, H);
  out += buf;
  for (size_t p = 0; p < panels.size(); ++p) {
    const MapPanel& m = panels[p];
    const double ox = (p % columns) * (panel_px + 2 * margin) + margin;
    const double oy = (p / columns) * (panel_px + 2 * margin + legend_h) + margin;
    const double scale = panel_px / std::max({m.width, m.height, 1e-12});
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\">%s</text>\n", ox, oy - 10, xml_escape(m.title).c_str());
    out += buf;
    double lo = 0, hi = 0;
    bool first = true;
    for (const auto& c : m.cells)
      if (std::isfinite(c.value)) {
        lo = first ? c.value : std::min(lo, c.value);
        hi = first ? c.value : std::max(hi, c.value);
        first = false;
      }
    const bool diverging = lo < 0 && hi > 0;
    const double amax = std::max(std::fabs(lo), std::fabs(hi));
    auto colour = [&](double v) -> std::string {
      if (!std::isfinite(v)) return "#999999";
      if (m.categorical) return palette_colour(static_cast<size_t>(std::max(0.0, v)));
      if (diverging) return v < 0 ? blend(kWhite, kBlue, -v / amax) : blend(kWhite, kVermilion, v / amax);
      if (hi <= 0) return blend(kWhite, kBlue, amax > 0 ? -v / amax : 0);
      return blend(kWhite, kVermilion, amax > 0 ? v / amax : 0);
    };
    for (const auto& c : m.cells) {
      std::snprintf(buf, sizeof buf, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n",
                    ox + c.x * scale, oy + c.y * scale, c.w * scale, c.h * scale, colour(c.value).c_str());
      out += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n", ox, oy,
                  m.width * scale, m.height * scale);
    out += buf;
    for (const auto& s : m.segments) {
      std::snprintf(buf, sizeof buf,
                    "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"%.1f\" "
                    "stroke-opacity=\"%.2f\"%s/>\n",
                    ox + s.x1 * scale, oy + s.y1 * scale, ox + s.x2 * scale, oy + s.y2 * scale, s.colour.c_str(), s.width,
                    s.opacity, s.dashed ? " stroke-dasharray=\"5,3\"" : "");
      out += buf;
    }
    // Legend / colour bar under the panel.
    const double ly = oy + m.height * scale + 15;
    if (m.categorical) {
      for (size_t k = 0; k < m.categories.size(); ++k) {
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                      ox + 90.0 * (k % 3), ly + 18.0 * (k / 3), palette_colour(k).c_str(), ox + 90.0 * (k % 3) + 16,
                      ly + 18.0 * (k / 3) + 11, xml_escape(m.categories[k]).c_str());
        out += buf;
      }
    } else if (!first) {
      const int steps = 40;
      const double lo_bar = diverging ? -amax : (hi <= 0 ? lo : 0.0), hi_bar = diverging ? amax : (hi <= 0 ? 0.0 : hi);
      for (int k = 0; k < steps; ++k) {
        const double v = lo_bar + (hi_bar - lo_bar) * (k + 0.5) / steps;
        std::snprintf(buf, sizeof buf, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"10\" fill=\"%s\"/>\n",
                      ox + panel_px * k / steps, ly, panel_px / steps + 0.3, colour(v).c_str());
        out += buf;
      }
      std::snprintf(buf, sizeof buf,
                    "<text x=\"%.1f\" y=\"%.1f\">%.3g</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                    ox, ly + 24, lo_bar, ox + panel_px, ly + 24, hi_bar, ox + panel_px / 2, ly + 24, xml_escape(m.value_label).c_str());
      out += buf;
    }
  }
  out += "</svg>\n";
  return out;
}

}  // namespace spinlab
