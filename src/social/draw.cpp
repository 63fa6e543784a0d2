// draw_network: layouts and community coarse-graining into a Drawing (social/draw.hpp).
#include "social/draw.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"

namespace spinlab {
namespace {

constexpr Rgb kPlus{213, 94, 0}, kMinus{0, 114, 178}, kWhite{255, 255, 255}, kGrey{160, 160, 160},
              kNeutral{90, 90, 90};  // discs without a state

// Diverging colour of an opinion average m in [-1, 1] (Okabe-Ito vermilion / blue through white).
Rgb opinion_colour(double m) {
  const Rgb& end = m >= 0 ? kPlus : kMinus;
  const double t = std::min(1.0, std::fabs(m));
  Rgb c;
  for (int k = 0; k < 3; ++k) c[k] = static_cast<uint8_t>(std::lround(kWhite[k] + (end[k] - kWhite[k]) * t));
  return c;
}

// Scales layout coordinates into the picture (margin 20 px, 30 px for the caption).
void fit(std::vector<double>& xy, int size) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t v = 0; v < xy.size() / 2; ++v) {
    x0 = std::min(x0, xy[2 * v]), x1 = std::max(x1, xy[2 * v]);
    y0 = std::min(y0, xy[2 * v + 1]), y1 = std::max(y1, xy[2 * v + 1]);
  }
  const double span = std::max({x1 - x0, y1 - y0, 1e-9});
  const double box = size - 60.0;
  for (size_t v = 0; v < xy.size() / 2; ++v) {
    xy[2 * v] = 30.0 + (xy[2 * v] - x0) / span * box + (box - (x1 - x0) / span * box) / 2;
    xy[2 * v + 1] = 40.0 + (xy[2 * v + 1] - y0) / span * (box - 10) + ((box - 10) - (y1 - y0) / span * (box - 10)) / 2;
  }
}

}  // namespace

NetworkPicture draw_network(const SocialNetwork& net, std::span<const Spin> state, const DrawOptions& o) {
  const Graph& g = net.model.graph();
  const int32_t n = g.num_vertices();
  if (!state.empty() && static_cast<int32_t>(state.size()) != n) throw InputError("--state: wrong number of spins");
  if (o.size < 100 || o.size > 8000) throw InputError("--size must be between 100 and 8000 pixels");
  if (o.max_nodes < 1) throw InputError("--max-nodes must be >= 1");
  if (o.layout != "auto" && o.layout != "fr" && o.layout != "drl")
    throw InputError("--layout: unknown layout '" + o.layout + "' (known: auto, fr, drl)");
  NetworkPicture pic;
  pic.drawing.width = pic.drawing.height = o.size;
  auto choose = [&](int32_t drawn) { return o.layout == "auto" ? (drawn <= 1000 ? "fr" : "drl") : o.layout; };
  if (n <= o.max_nodes) {
    pic.layout = choose(n);
    std::vector<double> xy = layout_network(g, pic.layout, o.seed);
    if (o.progress) o.progress(0.9);
    fit(xy, o.size);
    int32_t kmax = 1;
    for (int32_t v = 0; v < n; ++v) kmax = std::max(kmax, g.degree(v));
    const double rmax = std::clamp(o.size / (2.5 * std::sqrt(static_cast<double>(n))), 2.0, 14.0);
    g.for_each_edge([&](int32_t i, int32_t j, double w) {
      DrawingLine l{xy[2 * i], xy[2 * i + 1], xy[2 * j], xy[2 * j + 1], n > 500 ? 0.5 : 1.0, w < 0 ? Rgb{220, 60, 60} : kGrey,
                    n > 500 ? 0.35 : 0.6};
      pic.drawing.lines.push_back(l);
    });
    for (int32_t v = 0; v < n; ++v) {
      const double r = std::max(1.5, rmax * std::sqrt(static_cast<double>(std::max(1, g.degree(v))) / kmax));
      pic.drawing.discs.push_back({xy[2 * v], xy[2 * v + 1], r, state.empty() ? kNeutral : opinion_colour(state[v]),
                                   net.model.is_frozen(v)});
    }
    pic.drawn_nodes = n;
  } else {
    pic.coarse = true;
    std::vector<int32_t> comm = net.community;
    pic.community_source = "network";
    if (comm.empty()) {
      comm = multilevel_communities(g, o.seed);
      pic.community_source = "louvain";
    }
    if (o.progress) o.progress(0.5);
    int32_t K = 0;
    for (int32_t c : comm) K = std::max(K, c + 1);
    std::vector<double> size(K, 0.0), sum(K, 0.0);
    std::vector<int32_t> zealots(K, 0);
    for (int32_t v = 0; v < n; ++v) {
      size[comm[v]] += 1;
      sum[comm[v]] += state.empty() ? 0.0 : state[v];
      zealots[comm[v]] += net.model.is_frozen(v);
    }
    std::map<std::pair<int32_t, int32_t>, std::pair<double, double>> ties;  // count, signed weight
    g.for_each_edge([&](int32_t i, int32_t j, double w) {
      const int32_t a = std::min(comm[i], comm[j]), b = std::max(comm[i], comm[j]);
      if (a == b) return;
      auto& t = ties[{a, b}];
      t.first += 1, t.second += w;
    });
    std::vector<Edge> qe;
    std::vector<double> qw;
    double cmax = 1;
    for (const auto& [ab, t] : ties) {
      qe.push_back({ab.first, ab.second, 1.0});
      cmax = std::max(cmax, t.first);
    }
    const Graph q = Graph::from_edges(K, qe);
    q.for_each_edge([&](int32_t i, int32_t j, double) { qw.push_back(ties[{i, j}].first); });
    pic.layout = choose(K);
    std::vector<double> xy = layout_network(q, pic.layout, o.seed, qw);
    if (o.progress) o.progress(0.9);
    fit(xy, o.size);
    const double smax = *std::max_element(size.begin(), size.end());
    const double rmax = std::clamp(o.size / (2.5 * std::sqrt(static_cast<double>(K))), 4.0, 60.0);
    q.for_each_edge([&](int32_t i, int32_t j, double) {
      const auto& t = ties[{i, j}];
      const double f = std::log1p(t.first) / std::log1p(cmax);  // 0..1
      pic.drawing.lines.push_back({xy[2 * i], xy[2 * i + 1], xy[2 * j], xy[2 * j + 1], 0.5 + 5.0 * f,
                                   t.second < 0 ? Rgb{220, 60, 60} : kGrey, 0.05 + 0.6 * f * f});
    });
    // Largest communities first so small ones stay visible on top.
    std::vector<int32_t> order(K);
    for (int32_t c = 0; c < K; ++c) order[c] = c;
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return size[a] > size[b]; });
    for (int32_t c : order) {
      if (size[c] == 0) continue;
      const double r = std::max(2.0, rmax * std::sqrt(size[c] / smax));
      pic.drawing.discs.push_back({xy[2 * c], xy[2 * c + 1], r, state.empty() ? kNeutral : opinion_colour(sum[c] / size[c]),
                                   zealots[c] > 0});
    }
    pic.drawn_nodes = K;
    pic.communities = K;
  }
  pic.drawn_edges = static_cast<int64_t>(pic.drawing.lines.size());
  return pic;
}

}  // namespace spinlab
