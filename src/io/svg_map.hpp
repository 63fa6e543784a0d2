// Dependency-free SVG maps of lattice data: panels of coloured cells (a heat map with a colour
// bar, or categories with a legend) with line segments drawn over them (walls, inferred bonds).
#pragma once

#include <string>
#include <vector>

namespace spinlab {

struct MapCell {
  double x = 0, y = 0, w = 1, h = 1;  // in lattice units, y downwards (row 0 at the top)
  double value = 0.0;                 // heat maps: the value; category maps: the category index
};

struct MapSegment {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // lattice units
  std::string colour = "#000000";
  double width = 2.0;   // px
  double opacity = 1.0;
  bool dashed = false;
};

struct MapPanel {
  std::string title;
  double width = 0, height = 0;  // extent in lattice units
  std::vector<MapCell> cells;
  bool categorical = false;
  std::vector<std::string> categories;  // legend labels (categorical)
  std::string value_label;              // colour-bar label (heat maps)
  std::vector<MapSegment> segments;
};

/// Panels side by side (`columns` per row). Heat maps use a diverging blue-white-vermilion scale
/// symmetric about 0 when values have both signs, else white-to-blue; categories use the
/// Okabe-Ito palette. Non-finite values are grey.
std::string render_map_svg(const std::vector<MapPanel>& panels, int columns = 3);

}  // namespace spinlab
