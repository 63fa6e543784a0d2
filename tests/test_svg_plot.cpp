// SVG plots: document shape, escaping, NaN handling, marker counts, nice ticks, tick labels, well-formedness.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "io/svg_plot.hpp"

using namespace spinlab;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) ++n;
  return n;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A small XML checker: tags balance and nest, one <svg> root, quoted attributes,
// and every '&' starts one of the five predefined entities. Returns "" when well formed.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> stack;
  int roots = 0;
  std::size_t i = 0;
  auto entity_ok = [&](std::size_t at) {
    for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
      if (s.compare(at, std::string(e).size(), e) == 0) return true;
    return false;
  };
  while (i < s.size()) {
    if (s[i] == '&') {
      if (!entity_ok(i)) return "bad entity at " + std::to_string(i);
      ++i;
      continue;
    }
    if (s[i] == '>') return "stray '>' at " + std::to_string(i);
    if (s[i] != '<') {
      ++i;
      continue;
    }
    if (s.compare(i, 5, "<?xml") == 0) {
      if (i != 0) return "XML declaration not first";
      auto end = s.find("?>", i);
      if (end == std::string::npos) return "unterminated declaration";
      i = end + 2;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      auto end = s.find("-->", i);
      if (end == std::string::npos) return "unterminated comment";
      i = end + 3;
      continue;
    }
    bool closing = i + 1 < s.size() && s[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    std::size_t name_start = j;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' ||
                            s[j] == ':' || s[j] == '_'))
      ++j;
    std::string name = s.substr(name_start, j - name_start);
    if (name.empty()) return "empty tag name at " + std::to_string(i);
    // Scan attributes up to '>' respecting quotes.
    char quote = 0;
    while (j < s.size()) {
      char c = s[j];
      if (quote) {
        if (c == quote) quote = 0;
        else if (c == '<') return "'<' inside attribute at " + std::to_string(j);
        else if (c == '&' && !entity_ok(j)) return "bad entity in attribute at " + std::to_string(j);
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      } else if (c == '<') {
        return "'<' inside tag at " + std::to_string(j);
      }
      ++j;
    }
    if (j >= s.size()) return "unterminated tag <" + name;
    bool self_closing = s[j - 1] == '/';
    if (closing) {
      if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
      stack.pop_back();
    } else {
      if (stack.empty()) {
        if (++roots > 1) return "more than one root element";
        if (name != "svg") return "root is <" + name + ">";
      }
      if (!self_closing) stack.push_back(name);
    }
    i = j + 1;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (roots != 1) return "no root element";
  return "";
}

void expect_document(const std::string& svg) {
  ASSERT_FALSE(svg.empty());
  bool starts = svg.rfind("<svg", 0) == 0 ||
                (svg.rfind("<?xml", 0) == 0 && svg.find("?>\n<svg") != std::string::npos);
  EXPECT_TRUE(starts) << svg.substr(0, 80);
  ASSERT_GE(svg.size(), 7u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\""), std::string::npos);
  EXPECT_NE(svg.find("width=\""), std::string::npos);
  EXPECT_NE(svg.find("height=\""), std::string::npos);
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_EQ(count(svg, "<g"), count(svg, "</g>"));
  std::string l = lower(svg);
  EXPECT_EQ(l.find("nan"), std::string::npos);
  EXPECT_EQ(l.find("inf"), std::string::npos);
}

PlotPanel sample_panel() {
  PlotPanel p;
  p.title = "Energy per spin";
  p.xlabel = "beta";
  p.ylabel = "E / N";
  p.marker_x = 0.4407;
  p.marker_label = "beta_c";
  PlotSeries mc{"Metropolis", {}, {}, {}, false};
  PlotSeries exact{"exact", {}, {}, {}, true};
  for (int i = 0; i <= 10; ++i) {
    double b = 0.1 + 0.07 * i;
    mc.x.push_back(b);
    mc.y.push_back(-std::tanh(2 * b) + 0.01 * std::sin(7.0 * i));
    mc.error.push_back(0.02 + 0.005 * (i % 3));
  }
  for (int i = 0; i <= 100; ++i) {
    double b = 0.1 + 0.007 * i;
    exact.x.push_back(b);
    exact.y.push_back(-std::tanh(2 * b));
  }
  p.series = {mc, exact};
  return p;
}

}  // namespace

TEST(SvgPlot, DocumentShapeTitlesAndLabels) {
  PlotPanel a = sample_panel();
  PlotPanel b = sample_panel();
  b.title = "Second panel";
  b.series[0].label = "Wolff cluster";
  std::string svg = render_svg({a, b, a}, 2);
  expect_document(svg);
  for (const char* s : {"Energy per spin", "Second panel", "Metropolis", "Wolff cluster", "exact",
                        "beta_c", "E / N"})
    EXPECT_NE(svg.find(s), std::string::npos) << s;
  // 2 columns x 2 rows of 460x320 panels, white background.
  EXPECT_NE(svg.find("width=\"920\" height=\"640\" viewBox=\"0 0 920 640\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#ffffff\""), std::string::npos);
  EXPECT_NE(svg.find("#0072B2"), std::string::npos);
  EXPECT_NE(svg.find("#D55E00"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  // Deterministic.
  EXPECT_EQ(svg, render_svg({a, b, a}, 2));
}

TEST(SvgPlot, CircleCountEqualsFinitePoints) {
  PlotPanel p = sample_panel();
  std::string svg = render_svg({p}, 1);
  expect_document(svg);
  EXPECT_EQ(count(svg, "<circle"), 11u);  // markers only; the exact curve adds none
  EXPECT_NE(svg.find("width=\"460\" height=\"320\""), std::string::npos);
}

TEST(SvgPlot, NanAndInfAreSkipped) {
  PlotPanel p;
  p.title = "gaps";
  PlotSeries s{"pts", {0, 1, kNaN, 3, 4, 5}, {1, kInf, 2, 3, kNaN, 4}, {0.1, 0.1, 0.1, kNaN, 0.1, kInf}};
  PlotSeries c{"line", {0, 1, 2, kNaN, 4, 5}, {1, 2, kNaN, 3, 4, 5}, {}, true};
  p.series = {s, c};
  p.marker_x = kNaN;
  p.marker_label = "never";
  std::string svg = render_svg({p});
  expect_document(svg);
  EXPECT_EQ(count(svg, "<circle"), 3u);  // (0,1), (3,3), (5,4)
  EXPECT_EQ(count(svg, "<polyline"), 2u);  // broken at the NaNs: {0,1} and {4,5}
  EXPECT_EQ(svg.find("never"), std::string::npos);
}

TEST(SvgPlot, EscapesXmlSpecialCharacters) {
  PlotPanel p;
  p.title = "T<&>\"'";
  p.xlabel = "x<1";
  p.ylabel = "y&z";
  p.marker_x = 1.0;
  p.marker_label = "m<&>";
  p.series = {PlotSeries{"a<&>b", {1, 2}, {3, 4}, {}, false}};
  std::string svg = render_svg({p});
  expect_document(svg);
  EXPECT_NE(svg.find("a&lt;&amp;&gt;b"), std::string::npos);
  EXPECT_NE(svg.find("T&lt;&amp;&gt;&quot;&apos;"), std::string::npos);
  EXPECT_NE(svg.find("m&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("a<&>b"), std::string::npos);
}

TEST(SvgPlot, DegenerateInputs) {
  // No panels, empty panels, empty series, single points, zero range, only-NaN data.
  expect_document(render_svg({}));
  expect_document(render_svg({PlotPanel{}}, 0));
  expect_document(render_svg({PlotPanel{}}, -3));

  PlotPanel p;
  p.title = "degenerate";
  p.series = {PlotSeries{"empty", {}, {}, {}, false}, PlotSeries{"one", {2.0}, {5.0}, {}, false},
              PlotSeries{"flat", {1, 1, 1}, {5, 5, 5}, {0, 0, 0}, false},
              PlotSeries{"all missing", {kNaN}, {kNaN}, {}, true},
              PlotSeries{"mismatch", {1, 2, 3}, {4}, {1, 2, 3, 4, 5}, false}};
  std::string svg = render_svg({p}, 5);
  expect_document(svg);
  EXPECT_EQ(count(svg, "<circle"), 5u);

  PlotPanel zero;
  zero.series = {PlotSeries{"zeros", {0, 0}, {0, 0}, {}, false}};
  expect_document(render_svg({zero}));
  PlotPanel single;
  single.series = {PlotSeries{"s", {3.0}, {-2.0}, {0.5}, false}};
  expect_document(render_svg({single}));
  PlotPanel huge;
  huge.series = {PlotSeries{"h", {-1e308, 1e308}, {1e308, -1e308}, {}, false}};
  expect_document(render_svg({huge}));
  PlotPanel offset;
  offset.series = {PlotSeries{"o", {1e10, 1e10 + 1e-3}, {1, 1 + 1e-14}, {}, false}};
  expect_document(render_svg({offset}));
}

TEST(SvgPlot, NiceTicks) {
  auto t = nice_ticks(0.0, 1.0, 5);
  ASSERT_EQ(t.size(), 6u);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], 0.2 * static_cast<double>(i), 1e-12);

  t = nice_ticks(0.413, 0.462, 5);  // step 0.01
  ASSERT_GE(t.size(), 4u);
  EXPECT_NEAR(t.front(), 0.42, 1e-12);
  EXPECT_NEAR(t[1] - t[0], 0.01, 1e-12);

  t = nice_ticks(-3.3, 7.1, 5);  // step 2
  ASSERT_FALSE(t.empty());
  EXPECT_NEAR(t.front(), -2.0, 1e-12);
  EXPECT_NEAR(t.back(), 6.0, 1e-12);
  EXPECT_NEAR(t[1] - t[0], 2.0, 1e-12);

  t = nice_ticks(0.0, 1e-3, 4);  // step 2.5e-4 is not nice: 2e-4
  ASSERT_GE(t.size(), 2u);
  EXPECT_NEAR(t[1] - t[0], 2e-4, 1e-18);

  // Every step is {1,2,5} x 10^n, ticks lie inside the range and are about `target` many.
  for (double lo : {-1234.5, -0.7, 0.0, 3e-5, 17.0}) {
    for (double span : {1e-4, 0.37, 2.0, 55.0, 1e6}) {
      auto ticks = nice_ticks(lo, lo + span, 5);
      ASSERT_GE(ticks.size(), 2u) << lo << " " << span;
      EXPECT_LE(ticks.size(), 11u);
      double step = ticks[1] - ticks[0];
      double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
      EXPECT_TRUE(std::fabs(m - 1) < 1e-6 || std::fabs(m - 2) < 1e-6 || std::fabs(m - 5) < 1e-6)
          << "step " << step;
      EXPECT_GE(ticks.front(), lo - 1e-9 * span);
      EXPECT_LE(ticks.back(), lo + span + 1e-9 * span);
    }
  }
  // Reversed bounds behave, degenerate ones do not blow up.
  EXPECT_EQ(nice_ticks(1.0, 0.0, 5).size(), 6u);
  EXPECT_EQ(nice_ticks(2.0, 2.0, 5).size(), 1u);
  EXPECT_TRUE(nice_ticks(kNaN, 1.0, 5).empty());
  EXPECT_TRUE(nice_ticks(0.0, kInf, 5).empty());
}

TEST(SvgPlot, TickLabels) {
  EXPECT_EQ(format_tick(0.42, 0.02), "0.42");
  EXPECT_EQ(format_tick(0.44, 0.02), "0.44");
  EXPECT_EQ(format_tick(0.4, 0.1), "0.4");
  EXPECT_EQ(format_tick(-1.5, 0.5), "-1.5");
  EXPECT_EQ(format_tick(-2.0, 2.0), "-2");
  EXPECT_EQ(format_tick(1e-17, 0.2), "0.0");
  EXPECT_EQ(format_tick(-1e-17, 0.2), "0.0");
  EXPECT_EQ(format_tick(0.001, 0.001), "0.001");
  EXPECT_EQ(format_tick(0.003000000000000001, 0.001), "0.003");
  EXPECT_EQ(format_tick(2e-4, 2e-4), "2e-4");
  EXPECT_EQ(format_tick(2.5e-4, 5e-5), "2.5e-4");
  EXPECT_EQ(format_tick(-6e-4, 2e-4), "-6e-4");
  EXPECT_EQ(format_tick(150000.0, 50000.0), "150000");
  EXPECT_EQ(format_tick(1.5e6, 5e5), "1.5e6");
  EXPECT_EQ(format_tick(0.0015, 5e-4), "1.5e-3");
  EXPECT_EQ(format_tick(-1e-20, 1e-4), "0");
  EXPECT_EQ(format_tick(0.0, 2.0), "0");
  EXPECT_EQ(format_tick(1e6, 2e5), "1e6");
  EXPECT_EQ(format_tick(1200.0, 200.0), "1200");
  EXPECT_EQ(format_tick(3 * 0.1, 0.1), "0.3");
  EXPECT_EQ(format_tick(2.0, 0.2), "2.0");  // one axis, one number of decimals
  EXPECT_EQ(format_tick(1.0, 0.05), "1.00");
  EXPECT_EQ(format_tick(-0.000001, 0.5), "0.0");
  // Labels of generated ticks are distinct.
  auto t = nice_ticks(0.413, 0.462, 5);
  std::vector<std::string> labels;
  for (double v : t) labels.push_back(format_tick(v, t[1] - t[0]));
  for (std::size_t i = 1; i < labels.size(); ++i) EXPECT_NE(labels[i], labels[i - 1]);
  EXPECT_EQ(labels.front(), "0.42");
}

TEST(SvgPlot, SampleFigure) {
  // Set SPINLAB_SVG_SAMPLE=/path/to/file.svg to write a sample figure for eyeballing.
  PlotPanel a = sample_panel();
  PlotPanel b;
  b.title = "Susceptibility <chi> & friends";
  b.xlabel = "temperature T";
  b.ylabel = "chi";
  PlotSeries s1{"L = 8", {}, {}, {}, false}, s2{"L = 16", {}, {}, {}, false};
  for (int i = 0; i < 12; ++i) {
    double T = 1.8 + 0.1 * i;
    s1.x.push_back(T);
    s1.y.push_back(1e-3 * (1.0 + 4.0 / (1.0 + 20 * (T - 2.3) * (T - 2.3))));
    s1.error.push_back(1e-4);
    s2.x.push_back(T + 0.03);
    s2.y.push_back(1e-3 * (1.0 + 8.0 / (1.0 + 60 * (T - 2.27) * (T - 2.27))));
    s2.error.push_back(2e-4);
  }
  b.series = {s1, s2};
  b.marker_x = 2.269;
  b.marker_label = "T_c = 2.269";
  PlotPanel c;
  c.title = "Negative values";
  c.xlabel = "step";
  c.ylabel = "m";
  PlotSeries s3{"chain", {}, {}, {}, false}, s4{"fit", {}, {}, {}, true};
  for (int i = 0; i < 20; ++i) {
    s3.x.push_back(i * 500.0);
    s3.y.push_back(-0.5 * std::exp(-i / 6.0) - 0.02 * std::cos(i));
    s3.error.push_back(0.03);
  }
  for (int i = 0; i <= 190; ++i) {
    s4.x.push_back(i * 50.0);
    s4.y.push_back(-0.5 * std::exp(-i / 60.0));
  }
  c.series = {s3, s4};
  PlotPanel d;
  d.title = "Single point";
  d.series = {PlotSeries{"only", {1.0}, {1.0}, {0.1}, false}};
  std::string svg = render_svg({a, b, c, d}, 2);
  expect_document(svg);
  if (const char* path = std::getenv("SPINLAB_SVG_SAMPLE")) {
    std::ofstream(path) << svg;
  }
}
