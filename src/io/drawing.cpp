// SVG and raster output of a Drawing (io/drawing.hpp).
#include "io/drawing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/error.hpp"
#include "io/svg_plot.hpp"

namespace spinlab {
namespace {

std::string hex(const Rgb& c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c[0], c[1], c[2]);
  return buf;
}

}  // namespace

std::string render_drawing_svg(const Drawing& d) {
  std::ostringstream o;
  o.precision(6);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << d.width << "\" height=\"" << d.height
    << "\" viewBox=\"0 0 " << d.width << ' ' << d.height << "\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  if (!d.title.empty())
    o << "<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"14\">" << xml_escape(d.title) << "</text>\n";
  o << "<g stroke-linecap=\"round\">\n";
  for (const auto& l : d.lines)
    o << "<line x1=\"" << l.x1 << "\" y1=\"" << l.y1 << "\" x2=\"" << l.x2 << "\" y2=\"" << l.y2 << "\" stroke=\""
      << hex(l.colour) << "\" stroke-width=\"" << l.width << "\" stroke-opacity=\"" << l.opacity << "\"/>\n";
  o << "</g>\n<g>\n";
  for (const auto& c : d.discs) {
    o << "<circle cx=\"" << c.x << "\" cy=\"" << c.y << "\" r=\"" << c.r << "\" fill=\"" << hex(c.fill) << '"';
    if (c.outline) o << " stroke=\"#000000\" stroke-width=\"1.5\"";
    o << "/>\n";
  }
  o << "</g>\n</svg>\n";
  return o.str();
}

Image rasterise_drawing(const Drawing& d) {
  if (d.width < 1 || d.height < 1 || d.width > 20000 || d.height > 20000)
    throw InputError("drawing: size must be between 1 and 20000 pixels");
  Image img;
  img.width = d.width;
  img.height = d.height;
  img.channels = 3;
  img.pixels.assign(static_cast<size_t>(d.width) * d.height * 3, 255);
  auto blend = [&](int x, int y, const Rgb& c, double a) {
    uint8_t* p = &img.pixels[(static_cast<size_t>(y) * d.width + x) * 3];
    for (int k = 0; k < 3; ++k) p[k] = static_cast<uint8_t>(std::lround(p[k] * (1 - a) + c[k] * a));
  };
  for (const auto& l : d.lines) {
    // Pixels whose centre lies within width/2 of the segment (a capsule).
    const double hw = std::max(0.5, l.width / 2);
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min(l.x1, l.x2) - hw)));
    const int x1 = std::min(d.width - 1, static_cast<int>(std::ceil(std::max(l.x1, l.x2) + hw)));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min(l.y1, l.y2) - hw)));
    const int y1 = std::min(d.height - 1, static_cast<int>(std::ceil(std::max(l.y1, l.y2) + hw)));
    const double dx = l.x2 - l.x1, dy = l.y2 - l.y1, len2 = dx * dx + dy * dy;
    const double a = std::clamp(l.opacity, 0.0, 1.0);
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const double px = x + 0.5 - l.x1, py = y + 0.5 - l.y1;
        const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
        const double ex = px - t * dx, ey = py - t * dy;
        if (ex * ex + ey * ey <= hw * hw) blend(x, y, l.colour, a);
      }
  }
  for (const auto& c : d.discs) {
    const double outer = c.r + (c.outline ? 1.5 : 0.0);
    const int x0 = std::max(0, static_cast<int>(std::floor(c.x - outer))), x1 = std::min(d.width - 1, static_cast<int>(std::ceil(c.x + outer)));
    const int y0 = std::max(0, static_cast<int>(std::floor(c.y - outer))), y1 = std::min(d.height - 1, static_cast<int>(std::ceil(c.y + outer)));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const double ex = x + 0.5 - c.x, ey = y + 0.5 - c.y, r2 = ex * ex + ey * ey;
        if (r2 <= c.r * c.r) blend(x, y, c.fill, 1.0);
        else if (r2 <= outer * outer) blend(x, y, Rgb{0, 0, 0}, 1.0);
      }
  }
  return img;
}

}  // namespace spinlab
