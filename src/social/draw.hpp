// `spinlab social draw`: a picture of a network coloured by opinion. Small networks are drawn
// node by node (igraph layouts, discs sized by degree); large ones are coarse-grained by
// community (the network's own communities, else Louvain), one disc per community sized by its
// size and coloured by its mean opinion, lines between communities by their tie count.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "io/drawing.hpp"
#include "social/network.hpp"

namespace spinlab {

struct DrawOptions {
  int32_t max_nodes = 2000;    // networks with more nodes are coarse-grained by community
  std::string layout = "auto"; // fr | drl | auto (fr up to 1000 drawn nodes, drl above)
  int size = 800;              // picture width = height in pixels
  uint64_t seed = 1;           // igraph's RNG for the layout and the Louvain communities
  std::function<void(double)> progress;  // called after the communities and after the layout
};

struct NetworkPicture {
  Drawing drawing;
  bool coarse = false;          // drawn by community
  int32_t drawn_nodes = 0;      // discs
  int64_t drawn_edges = 0;      // lines
  int32_t communities = 0;      // when coarse
  std::string layout;           // fr | drl
  std::string community_source; // "network" | "louvain" (coarse only)
};

/// state: one opinion per node (+1 vermilion, -1 blue; a community's mean blends through white),
/// or empty (every node grey). Zealots get a black ring; antagonistic ties are drawn in red.
NetworkPicture draw_network(const SocialNetwork& net, std::span<const Spin> state, const DrawOptions& o);

}  // namespace spinlab
