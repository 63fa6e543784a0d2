// A minimal vector drawing (filled discs and straight lines on a white page) rendered as SVG or
// rasterised into an RGB Image for io/png.hpp: network pictures coloured by opinion.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "io/png.hpp"

namespace spinlab {

using Rgb = std::array<uint8_t, 3>;

struct DrawingDisc {
  double x = 0, y = 0, r = 1;  // pixels, y downwards
  Rgb fill{0, 0, 0};
  bool outline = false;        // a black ring (e.g. zealots)
};

struct DrawingLine {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // pixels
  double width = 1;
  Rgb colour{150, 150, 150};
  double opacity = 0.5;
};

struct Drawing {
  int width = 800, height = 800;
  std::string title;             // a caption at the top (SVG only)
  std::vector<DrawingLine> lines;  // drawn first
  std::vector<DrawingDisc> discs;  // drawn over the lines, in order
};

std::string render_drawing_svg(const Drawing& d);

/// Rasterises onto white: lines as capsules of their width blended with their opacity, discs
/// filled exactly (a pixel belongs to a disc when its centre does), outlines 1.5 px wide.
Image rasterise_drawing(const Drawing& d);

}  // namespace spinlab
