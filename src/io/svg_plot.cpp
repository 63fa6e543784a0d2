// Dependency-free SVG chart renderer: gridded panels with nice ticks, error bars, curves and legends.
#include "io/svg_plot.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>

namespace spinlab {

namespace {

constexpr double kPanelW = 460.0;
constexpr double kPanelH = 320.0;
constexpr double kMarginTop = 34.0;
constexpr double kMarginBottom = 48.0;
constexpr double kMarginRight = 18.0;
constexpr double kFontSize = 11.0;
constexpr double kCharW = 6.3;  // rough advance of an 11px sans-serif glyph

constexpr std::array<const char*, 8> kPalette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                 "#E69F00", "#56B4E9", "#F0E442", "#000000"};

}  // namespace

std::string palette_colour(std::size_t k) { return kPalette[k % kPalette.size()]; }

namespace {

// A series' own colour, else the palette by series index.
std::string colour_of(const PlotPanel& p, std::size_t si) {
  const auto& c = p.series[si].colour;
  if (!c.empty()) return c;
  return kPalette[si % kPalette.size()];
}

// Coordinates: fixed with up to 2 decimals, trailing zeros stripped; never "nan"/"inf".
std::string num(double v) {
  if (!std::isfinite(v)) v = 0.0;
  v = std::clamp(v, -1e9, 1e9);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  std::string s(buf, res.ptr);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}


// Approximate rendered width in px (UTF-8 continuation bytes do not count).
double text_width(std::string_view s, double char_w = kCharW) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return static_cast<double>(n) * char_w;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return !(lo <= hi); }
  // Unit range when empty, widened when (nearly) zero width, then padded by 5% each side.
  void finish() {
    if (empty()) {
      lo = 0.0;
      hi = 1.0;
      return;
    }
    double mag = std::max(std::fabs(lo), std::fabs(hi));
    if (!(hi - lo > 1e-9 * mag) || !std::isfinite(hi - lo)) {
      double mid = 0.5 * lo + 0.5 * hi;
      double d = mid != 0.0 ? 0.1 * std::fabs(mid) : 1.0;
      lo = mid - d;
      hi = mid + d;
    }
    double pad = 0.05 * (hi - lo);
    if (!std::isfinite(pad)) pad = 0.05 * (0.5 * hi - 0.5 * lo) * 2.0;
    lo -= pad;
    hi += pad;
    if (!std::isfinite(lo) || !std::isfinite(hi)) {  // astronomically large data
      lo = std::max(lo, -1e307);
      hi = std::min(hi, 1e307);
    }
  }
};

bool finite_point(const PlotSeries& s, std::size_t i) {
  return std::isfinite(s.x[i]) && std::isfinite(s.y[i]);
}

double error_of(const PlotSeries& s, std::size_t i) {
  if (s.curve || i >= s.error.size()) return 0.0;
  double e = std::fabs(s.error[i]);
  return std::isfinite(e) ? e : 0.0;
}

std::size_t npoints(const PlotSeries& s) { return std::min(s.x.size(), s.y.size()); }

struct Axes {
  double x0, y0, w, h;  // plot area in panel coordinates
  double xlo, xhi, ylo, yhi;
  double px(double x) const { return x0 + (x - xlo) / (xhi - xlo) * w; }
  double py(double y) const { return y0 + h - (y - ylo) / (yhi - ylo) * h; }
};

struct Box {
  double x, y, w, h;
  bool contains(double px, double py, double slack) const {
    return px >= x - slack && px <= x + w + slack && py >= y - slack && py <= y + h + slack;
  }
};

void render_panel(std::string& o, const PlotPanel& p, double ox, double oy) {
  // --- data ranges (error bars and the marker line included) ---
  Range rx, ry;
  for (const auto& s : p.series) {
    for (std::size_t i = 0; i < npoints(s); ++i) {
      if (!finite_point(s, i)) continue;
      rx.add(s.x[i]);
      double e = error_of(s, i);
      ry.add(s.y[i] - e);
      ry.add(s.y[i] + e);
    }
  }
  if (p.marker_x && std::isfinite(*p.marker_x)) rx.add(*p.marker_x);
  rx.finish();
  ry.finish();

  const auto xt = nice_ticks(rx.lo, rx.hi, 6);
  const auto yt = nice_ticks(ry.lo, ry.hi, 5);
  const double xstep = xt.size() >= 2 ? xt[1] - xt[0] : (rx.hi - rx.lo);
  const double ystep = yt.size() >= 2 ? yt[1] - yt[0] : (ry.hi - ry.lo);
  std::vector<std::string> xlab, ylab;
  double ylab_w = 0.0;
  for (double v : xt) xlab.push_back(format_tick(v, xstep));
  for (double v : yt) {
    ylab.push_back(format_tick(v, ystep));
    ylab_w = std::max(ylab_w, text_width(ylab.back()));
  }

  const double left = std::clamp(ylab_w + 34.0, 52.0, 120.0);
  Axes ax{left, kMarginTop, kPanelW - left - kMarginRight, kPanelH - kMarginTop - kMarginBottom,
          rx.lo, rx.hi, ry.lo, ry.hi};
  const double bottom = ax.y0 + ax.h;
  const double right = ax.x0 + ax.w;

  o += "<g transform=\"translate(" + num(ox) + "," + num(oy) + ")\">\n";
  o += "<title>" + xml_escape(p.title) + "</title>\n";

  // --- grid lines, frame, ticks and tick labels ---
  o += "<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n";
  for (double v : xt) {
    double X = ax.px(v);
    o += "<line x1=\"" + num(X) + "\" y1=\"" + num(ax.y0) + "\" x2=\"" + num(X) + "\" y2=\"" +
         num(bottom) + "\"/>\n";
  }
  for (double v : yt) {
    double Y = ax.py(v);
    o += "<line x1=\"" + num(ax.x0) + "\" y1=\"" + num(Y) + "\" x2=\"" + num(right) + "\" y2=\"" +
         num(Y) + "\"/>\n";
  }
  o += "</g>\n";

  o += "<g stroke=\"#222222\" stroke-width=\"1\">\n";
  for (double v : xt) {
    double X = ax.px(v);
    o += "<line x1=\"" + num(X) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(X) + "\" y2=\"" +
         num(bottom + 5) + "\"/>\n";
  }
  for (double v : yt) {
    double Y = ax.py(v);
    o += "<line x1=\"" + num(ax.x0 - 5) + "\" y1=\"" + num(Y) + "\" x2=\"" + num(ax.x0) +
         "\" y2=\"" + num(Y) + "\"/>\n";
  }
  o += "</g>\n";

  o += "<g font-size=\"" + num(kFontSize) + "\" fill=\"#222222\">\n";
  for (std::size_t i = 0; i < xt.size(); ++i)
    o += "<text x=\"" + num(ax.px(xt[i])) + "\" y=\"" + num(bottom + 17) +
         "\" text-anchor=\"middle\">" + xml_escape(xlab[i]) + "</text>\n";
  for (std::size_t i = 0; i < yt.size(); ++i)
    o += "<text x=\"" + num(ax.x0 - 8) + "\" y=\"" + num(ax.py(yt[i]) + 4) +
         "\" text-anchor=\"end\">" + xml_escape(ylab[i]) + "</text>\n";
  o += "</g>\n";

  // --- title and axis labels ---
  o += "<text x=\"" + num(ax.x0 + ax.w / 2) +
       "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\" fill=\"#111111\">" +
       xml_escape(p.title) + "</text>\n";
  o += "<text x=\"" + num(ax.x0 + ax.w / 2) + "\" y=\"" + num(kPanelH - 9) +
       "\" text-anchor=\"middle\" font-size=\"12\" fill=\"#111111\">" + xml_escape(p.xlabel) + "</text>\n";
  {
    double X = 15, Y = ax.y0 + ax.h / 2;
    o += "<text x=\"" + num(X) + "\" y=\"" + num(Y) + "\" transform=\"rotate(-90 " + num(X) + " " +
         num(Y) + ")\" text-anchor=\"middle\" font-size=\"12\" fill=\"#111111\">" + xml_escape(p.ylabel) +
         "</text>\n";
  }

  // --- marker line ---
  if (p.marker_x && std::isfinite(*p.marker_x)) {
    double X = ax.px(*p.marker_x);
    o += "<line x1=\"" + num(X) + "\" y1=\"" + num(ax.y0) + "\" x2=\"" + num(X) + "\" y2=\"" +
         num(bottom) + "\" stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"6,4\"/>\n";
    if (!p.marker_label.empty()) {
      const double tw = text_width(p.marker_label);
      bool flip = X + 4 + tw > right;
      o += "<rect x=\"" + num(flip ? X - 6 - tw : X + 2) + "\" y=\"" + num(ax.y0 + 2) +
           "\" width=\"" + num(tw + 4) + "\" height=\"14\" fill=\"#ffffff\" fill-opacity=\"0.8\"/>\n";
      o += "<text x=\"" + num(flip ? X - 4 : X + 4) + "\" y=\"" + num(ax.y0 + 12) +
           "\" text-anchor=\"" + (flip ? "end" : "start") + "\" font-size=\"" + num(kFontSize) +
           "\" fill=\"#555555\">" + xml_escape(p.marker_label) + "</text>\n";
    }
  }

  // --- data: curves first (underneath), then markers with error bars ---
  for (std::size_t si = 0; si < p.series.size(); ++si) {
    const auto& s = p.series[si];
    if (!s.curve) continue;
    const std::string col = colour_of(p, si);
    std::string pts;
    std::size_t count = 0;
    auto flush = [&] {
      if (count >= 2)
        o += "<polyline fill=\"none\" stroke=\"" + col +
             "\" stroke-width=\"1.6\" stroke-linejoin=\"round\" points=\"" + pts + "\"/>\n";
      pts.clear();
      count = 0;
    };
    for (std::size_t i = 0; i < npoints(s); ++i) {
      if (!finite_point(s, i)) {
        flush();  // a NaN breaks the curve
        continue;
      }
      if (count) pts += ' ';
      pts += num(ax.px(s.x[i])) + "," + num(ax.py(s.y[i]));
      ++count;
    }
    flush();
  }
  for (std::size_t si = 0; si < p.series.size(); ++si) {
    const auto& s = p.series[si];
    if (s.curve) continue;
    const std::string col = colour_of(p, si);
    o += "<g stroke=\"" + col + "\" fill=\"" + col + "\">\n";
    for (std::size_t i = 0; i < npoints(s); ++i) {
      if (!finite_point(s, i)) continue;
      double X = ax.px(s.x[i]), Y = ax.py(s.y[i]);
      double e = error_of(s, i);
      if (e > 0) {
        double Y1 = ax.py(s.y[i] + e), Y2 = ax.py(s.y[i] - e);
        if (Y2 - Y1 > 0.5) {
          o += "<line x1=\"" + num(X) + "\" y1=\"" + num(Y1) + "\" x2=\"" + num(X) + "\" y2=\"" +
               num(Y2) + "\" stroke-width=\"1.2\"/>\n";
          o += "<line x1=\"" + num(X - 3) + "\" y1=\"" + num(Y1) + "\" x2=\"" + num(X + 3) +
               "\" y2=\"" + num(Y1) + "\" stroke-width=\"1.2\"/>\n";
          o += "<line x1=\"" + num(X - 3) + "\" y1=\"" + num(Y2) + "\" x2=\"" + num(X + 3) +
               "\" y2=\"" + num(Y2) + "\" stroke-width=\"1.2\"/>\n";
        }
      }
      o += "<circle cx=\"" + num(X) + "\" cy=\"" + num(Y) +
           "\" r=\"3.2\" stroke=\"#ffffff\" stroke-width=\"0.7\"/>\n";
    }
    o += "</g>\n";
  }

  // --- frame on top of the data ---
  o += "<rect x=\"" + num(ax.x0) + "\" y=\"" + num(ax.y0) + "\" width=\"" + num(ax.w) +
       "\" height=\"" + num(ax.h) + "\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1\"/>\n";

  // --- legend, in the corner that hides the fewest data points ---
  std::vector<std::size_t> entries;
  double label_w = 0.0;
  for (std::size_t si = 0; si < p.series.size(); ++si) {
    if (p.series[si].label.empty()) continue;
    entries.push_back(si);
    label_w = std::max(label_w, text_width(p.series[si].label));
  }
  if (!entries.empty()) {
    const double line_h = 15.0;
    Box box{0, 0, std::min(label_w + 40.0, ax.w - 16.0),
            static_cast<double>(entries.size()) * line_h + 8.0};
    // The four corners first, then the middles of the two sides (curves that run along the top
    // and the bottom, such as fractions switching from 0 to 1, leave those free).
    const double middle = ax.y0 + 0.5 * (ax.h - box.h);
    const std::array<std::array<double, 2>, 6> corners = {{
        {right - 8 - box.w, ax.y0 + 8},                 // top right
        {ax.x0 + 8, ax.y0 + 8},                         // top left
        {right - 8 - box.w, bottom - 8 - box.h},        // bottom right
        {ax.x0 + 8, bottom - 8 - box.h},                // bottom left
        {right - 8 - box.w, middle},                    // middle right
        {ax.x0 + 8, middle},                            // middle left
    }};
    std::size_t best = 0, best_hits = static_cast<std::size_t>(-1);
    for (std::size_t c = 0; c < corners.size(); ++c) {
      Box b{corners[c][0], corners[c][1], box.w, box.h};
      std::size_t hits = 0;
      for (const auto& s : p.series)
        for (std::size_t i = 0; i < npoints(s); ++i)
          if (finite_point(s, i) && b.contains(ax.px(s.x[i]), ax.py(s.y[i]), 4.0)) ++hits;
      if (p.marker_x && std::isfinite(*p.marker_x) && !p.marker_label.empty() &&
          b.contains(ax.px(*p.marker_x), ax.y0 + 8, 4.0))
        hits += 3;
      if (hits < best_hits) {
        best_hits = hits;
        best = c;
      }
    }
    box.x = corners[best][0];
    box.y = corners[best][1];
    o += "<g font-size=\"" + num(kFontSize) + "\">\n";
    o += "<rect x=\"" + num(box.x) + "\" y=\"" + num(box.y) + "\" width=\"" + num(box.w) +
         "\" height=\"" + num(box.h) +
         "\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#bbbbbb\" stroke-width=\"0.8\"/>\n";
    for (std::size_t k = 0; k < entries.size(); ++k) {
      const auto& s = p.series[entries[k]];
      const std::string col = colour_of(p, entries[k]);
      double cy = box.y + 4 + line_h * (static_cast<double>(k) + 0.5);
      double sx = box.x + 8;
      if (s.curve) {
        o += "<line x1=\"" + num(sx) + "\" y1=\"" + num(cy) + "\" x2=\"" + num(sx + 20) +
             "\" y2=\"" + num(cy) + "\" stroke=\"" + col + "\" stroke-width=\"1.6\"/>\n";
      } else {
        // A rounded square reads as a marker but is not a <circle> (those are data only).
        o += "<line x1=\"" + num(sx + 10) + "\" y1=\"" + num(cy - 5) + "\" x2=\"" + num(sx + 10) +
             "\" y2=\"" + num(cy + 5) + "\" stroke=\"" + col + "\" stroke-width=\"1.2\"/>\n";
        o += "<rect x=\"" + num(sx + 6.8) + "\" y=\"" + num(cy - 3.2) +
             "\" width=\"6.4\" height=\"6.4\" rx=\"3.2\" ry=\"3.2\" fill=\"" + col +
             "\" stroke=\"#ffffff\" stroke-width=\"0.7\"/>\n";
      }
      o += "<text x=\"" + num(sx + 28) + "\" y=\"" + num(cy + 4) + "\" fill=\"#222222\">" +
           xml_escape(s.label) + "</text>\n";
    }
    o += "</g>\n";
  }

  o += "</g>\n";
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return ticks;
  if (hi < lo) std::swap(lo, hi);
  target = std::clamp(target, 1, 100);
  double span = hi - lo;
  if (!std::isfinite(span)) span = std::numeric_limits<double>::max();
  if (span <= 0.0) {  // a single value: one tick there
    ticks.push_back(lo);
    return ticks;
  }
  double raw = span / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  if (!(mag > 0.0) || !std::isfinite(mag)) return ticks;
  double norm = raw / mag;
  double step = (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * mag;
  for (int guard = 0; guard < 8; ++guard) {
    double k0 = std::ceil(lo / step - 1e-9), k1 = std::floor(hi / step + 1e-9);
    if (!std::isfinite(k0) || !std::isfinite(k1)) return ticks;
    // Refuse step sizes below the resolution of the offset (k*step would repeat values).
    if (k1 - k0 <= 4.0 * target && std::max(std::fabs(k0), std::fabs(k1)) < 1e15) {
      for (double k = k0; k <= k1; k += 1.0) {
        double v = k * step;
        if (std::fabs(v) < step * 1e-9) v = 0.0;
        ticks.push_back(v);
      }
      return ticks;
    }
    step *= 10.0;
  }
  return ticks;
}

std::string format_tick(double v, double step) {
  if (!std::isfinite(v)) return "";
  step = std::fabs(step);
  if (!std::isfinite(step) || step == 0.0) step = std::fabs(v) > 0 ? std::fabs(v) : 1.0;
  if (std::fabs(v) < step * 1e-9) v = 0.0;
  char buf[128];
  const int estep = static_cast<int>(std::floor(std::log10(step) + 1e-9));
  const double mag = std::fabs(v);
  if (estep >= 5 || estep < -3) {  // the step decides, so one axis uses one notation
    if (v == 0.0) return "0";
    const int ev = static_cast<int>(std::floor(std::log10(mag) + 1e-9));
    const int prec = std::clamp(ev - estep, 0, 15);
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, prec);
    std::string s(buf, res.ptr);
    auto epos = s.find('e');
    std::string mant = s.substr(0, epos), ex = s.substr(epos + 1);
    if (mant.find('.') != std::string::npos) {
      while (mant.back() == '0') mant.pop_back();
      if (mant.back() == '.') mant.pop_back();
    }
    bool neg = !ex.empty() && ex[0] == '-';
    if (!ex.empty() && (ex[0] == '-' || ex[0] == '+')) ex.erase(0, 1);
    while (ex.size() > 1 && ex[0] == '0') ex.erase(0, 1);
    return mant + "e" + (neg ? "-" : "") + ex;
  }
  const int decimals = std::clamp(-estep, 0, 15);
  // Same number of decimals on the whole axis (1.8, 2.0, 2.2), as the step needs.
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  std::string s(buf, res.ptr);
  if (s.find_first_not_of("-0.") == std::string::npos) s = s.substr(s[0] == '-' ? 1 : 0);
  return s;
}

std::string render_svg(const std::vector<PlotPanel>& panels, int columns) {
  const int n = static_cast<int>(panels.size());
  const int cols = std::clamp(columns, 1, std::max(n, 1));
  const int rows = std::max(1, (n + cols - 1) / cols);
  const double width = cols * kPanelW, height = rows * kPanelH;

  std::string o;
  o += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + num(width) +
       "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
       "\" font-family=\"Helvetica, Arial, sans-serif\">\n";
  o += "<rect x=\"0\" y=\"0\" width=\"" + num(width) + "\" height=\"" + num(height) +
       "\" fill=\"#ffffff\"/>\n";
  for (int i = 0; i < n; ++i)
    render_panel(o, panels[static_cast<std::size_t>(i)], (i % cols) * kPanelW,
                 (i / cols) * kPanelH);
  o += "</svg>\n";
  return o;
}

// XML text/attribute escaping; drops control characters that XML 1.0 forbids.
std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

}  // namespace spinlab
