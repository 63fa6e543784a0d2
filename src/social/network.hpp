// Social networks as Ising models: igraph generators and files -> the foundation's Graph /
// IsingModel (CSR), with signed ties, per-node fields and zealots. No parallel model type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace spinlab {

/// What --network and its companion flags ask for.
struct NetworkOptions {
  /// er:n=N,k=MEANDEG | ba:n=N,m=M | ws:n=N,k=K,p=P | rr:n=N,k=K |
  /// sbm:sizes=A,B[,...],p_in=P,p_out=Q | config:degrees=FILE | karate | a file (edge list
  /// "i j [w]" with '#' comments; *.graphml / *.gml read by igraph, weights from a "weight" attribute).
  std::string spec;
  uint64_t seed = 1;          // --network-seed: igraph's default RNG is seeded with it
  std::string antagonistic;   // "" | fraction F in [0,1] | "between" (sbm / node-file communities)
  double J = 1.0;             // coupling scale: every weight is multiplied by J
  double field = 0.0;         // uniform field h on every node, added to per-node fields
  /// A feed bias per community: community c's nodes get community_field[c] added (one value per
  /// community of the sbm blocks or the node file's community column).
  std::vector<double> community_field;
  std::string nodes_file;     // lines "i h [zealot [community]]": zealot in {-1,0,+1}
  /// Zealot groups "SITES:+1" / "SITES:-1" (SITES like "0,3,7-12"; "top:K" = the K highest-degree).
  std::vector<std::string> zealots;
};

struct SocialNetwork {
  IsingModel model;                 // couplings J_ij (signed), fields h_i, zealots
  std::vector<int32_t> community;   // community of each node (sbm blocks / node file), or empty
  int32_t num_communities = 0;
  std::string description;          // e.g. "rr:n=1000,k=3 (1000 nodes, 1500 edges)"
  std::string kind;                 // er | ba | ws | rr | sbm | config | karate | file
  int64_t num_negative = 0;         // antagonistic edges
  double mean_degree = 0.0, mean_degree_sq = 0.0;  // <k>, <k^2> (unweighted degrees)
  int32_t max_degree = 0;
  int regular_degree = 0;           // k for rr:, else 0
  double build_seconds = 0.0;
};

/// Builds the network and its model. Bad specs, files and values throw InputError naming the flag
/// or file (unknown generator, p outside [0,1], negative degrees, dangling vertex, empty community).
SocialNetwork build_network(const NetworkOptions& o);

/// Undirected simple edge list (i < j, no loops, no duplicates) from an igraph generator spec,
/// exposed for tests; *community receives sbm blocks.
std::vector<Edge> generate_edges(const std::string& spec, uint64_t seed, int32_t* n,
                                 std::vector<int32_t>* community, std::string* kind);

/// Node sets "0,3,7-12" or "top:K" (the K highest-degree nodes, ties: lower index first), every
/// node within 0..n-1; InputError naming flag otherwise (zealots, seed sets, cascade seeds).
std::vector<int32_t> select_nodes(const std::string& spec, const std::string& flag, const Graph& g);

/// Betweenness centrality of every vertex (igraph_betweenness, unweighted, exact: O(N |E|)).
std::vector<double> betweenness(const Graph& g);

/// Node positions (x_v, y_v interleaved) from igraph: "fr" = igraph_layout_fruchterman_reingold
/// (Fruchterman & Reingold, Softw. Pract. Exper. 21, 1129 (1991); 500 iterations), "drl" =
/// igraph_layout_drl (Martin et al., DrL, Sandia 2007; for large graphs), igraph's RNG seeded with
/// seed; optional edge weights (attraction) in for_each_edge order.
std::vector<double> layout_network(const Graph& g, const std::string& method, uint64_t seed,
                                   const std::vector<double>& weights = {});

/// Louvain communities (igraph_community_multilevel, Blondel et al., J. Stat. Mech. P10008
/// (2008), resolution 1, unweighted): a label 0..K-1 per node.
std::vector<int32_t> multilevel_communities(const Graph& g, uint64_t seed);

/// Network-theory predictions for the ferromagnet J = 1 on it (the sweep prints them).
/// Bethe lattice of degree k (random regular graphs): tanh beta_c = 1/(k-1).
/// Uncorrelated networks (Dorogovtsev, Goltsev & Mendes, PRE 66, 016104 (2002); Leone et al. 2002):
/// tanh beta_c = <k> / (<k^2> - <k>).
double uncorrelated_beta_c(double mean_k, double mean_k2);

}  // namespace spinlab
