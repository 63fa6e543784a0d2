// Network generators (igraph) and files -> Graph / IsingModel with signs, fields and zealots.
//
// igraph's generators draw from igraph's default RNG (a global): build_network seeds it with
// igraph_rng_seed(igraph_rng_default(), --network-seed) under a mutex, so the same seed gives the
// same network on this igraph version (0.10's default RNG is PCG32). Everything we draw ourselves
// (the signs of --antagonistic F) comes from our Philox, keyed by (seed, edge index).
#include "social/network.hpp"

#include <igraph.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace spinlab {
namespace {

constexpr uint64_t kSignStream = 0x5167'0001;  // Philox stream of the --antagonistic signs

std::mutex& igraph_mutex() {
  static std::mutex mu;
  return mu;
}

// igraph's default handler aborts: we ignore its errors and turn return codes into InputError.
void igraph_setup() {
  static bool done = [] {
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    igraph_set_attribute_table(&igraph_cattribute_table);
    return true;
  }();
  (void)done;
}

// One igraph call at a time (igraph's default RNG and error state are global), set up once, and
// its RNG seeded where the call draws random numbers.
class IgraphSession {
 public:
  IgraphSession() { igraph_setup(); }
  explicit IgraphSession(uint64_t seed) : IgraphSession() {
    igraph_rng_seed(igraph_rng_default(), static_cast<igraph_uint_t>(seed));
  }

 private:
  std::lock_guard<std::mutex> lock_{igraph_mutex()};
};

void check(igraph_error_t e, const std::string& what) {
  if (e != IGRAPH_SUCCESS) throw InputError(what + ": " + igraph_strerror(e));
}

// Owns one igraph_t.
struct IGraph {
  igraph_t g;
  bool ready = false;
  ~IGraph() {
    if (ready) igraph_destroy(&g);
  }
};

// "n=100,k=4" -> {n: 100, k: 4}; a part without '=' continues the previous value (sizes=A,B,C).
std::map<std::string, std::string> parse_params(const std::string& body, const std::string& spec) {
  std::map<std::string, std::string> out;
  std::string last;
  std::stringstream ss(body);
  for (std::string part; std::getline(ss, part, ',');) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) {
      if (last.empty()) throw InputError("--network " + spec + ": expected key=value, got '" + part + "'");
      out[last] += "," + part;
      continue;
    }
    last = part.substr(0, eq);
    out[last] = part.substr(eq + 1);
  }
  return out;
}

double number(const std::map<std::string, std::string>& p, const std::string& key, const std::string& spec) {
  auto it = p.find(key);
  if (it == p.end()) throw InputError("--network " + spec + ": missing " + key + "=");
  try {
    size_t used = 0;
    double v = std::stod(it->second, &used);
    if (used != it->second.size() || !std::isfinite(v)) throw std::invalid_argument("x");
    return v;
  } catch (const std::exception&) {
    throw InputError("--network " + spec + ": " + key + "=" + it->second + " is not a number");
  }
}

int64_t integer(const std::map<std::string, std::string>& p, const std::string& key, const std::string& spec,
                int64_t min) {
  const double v = number(p, key, spec);
  if (v != std::floor(v)) throw InputError("--network " + spec + ": " + key + " must be an integer");
  if (v < static_cast<double>(min))
    throw InputError("--network " + spec + ": " + key + " must be >= " + std::to_string(min) +
                     (v < 0 ? " (negative)" : ""));
  if (v > 2e9) throw InputError("--network " + spec + ": " + key + " is too large");
  return static_cast<int64_t>(v);
}

double probability(const std::map<std::string, std::string>& p, const std::string& key, const std::string& spec) {
  const double v = number(p, key, spec);
  if (!(v >= 0.0 && v <= 1.0)) throw InputError("--network " + spec + ": " + key + " must lie in [0, 1]");
  return v;
}

std::vector<Edge> edges_of(const igraph_t& g, const std::string& what, bool weights) {
  igraph_vector_int_t el;
  check(igraph_vector_int_init(&el, 0), what);
  const igraph_error_t e = igraph_get_edgelist(&g, &el, false);
  if (e != IGRAPH_SUCCESS) {
    igraph_vector_int_destroy(&el);
    check(e, what);
  }
  const bool has_w = weights && igraph_cattribute_has_attr(&g, IGRAPH_ATTRIBUTE_EDGE, "weight");
  const igraph_integer_t m = igraph_ecount(&g);
  std::vector<Edge> out;
  out.reserve(static_cast<size_t>(m));
  for (igraph_integer_t k = 0; k < m; ++k) {
    const auto a = static_cast<int32_t>(VECTOR(el)[2 * k]), b = static_cast<int32_t>(VECTOR(el)[2 * k + 1]);
    const double w = has_w ? EAN(&g, "weight", k) : 1.0;
    if (a == b) continue;  // self-loops carry no interaction (s_i s_i = 1)
    out.push_back({std::min(a, b), std::max(a, b), w});
  }
  igraph_vector_int_destroy(&el);
  return out;
}

std::vector<int64_t> read_degrees(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open degree file");
  std::vector<int64_t> d;
  std::string line;
  for (int ln = 1; std::getline(in, line); ++ln) {
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    std::istringstream ss(line);
    for (std::string tok; ss >> tok;) {
      char* end = nullptr;
      const long long v = std::strtoll(tok.c_str(), &end, 10);
      if (*end != '\0') throw InputError(path + ":" + std::to_string(ln) + ": '" + tok + "' is not an integer degree");
      if (v < 0) throw InputError(path + ":" + std::to_string(ln) + ": negative degree " + tok);
      d.push_back(v);
    }
  }
  if (d.empty()) throw InputError(path + ": no degrees");
  return d;
}

// Edge list "i j [w]" ('#' comments; w a number or a bare sign '+' / '-').
std::vector<Edge> read_edge_file(const std::string& path, int32_t* n) {
  std::ifstream in(path);
  if (!in) throw InputError("--network " + path + ": cannot open (not a generator name either: er, ba, ws, rr, sbm, config, karate)");
  std::vector<Edge> edges;
  int64_t maxv = -1;
  std::string line;
  for (int ln = 1; std::getline(in, line); ++ln) {
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    std::istringstream ss(line);
    std::vector<std::string> tok;
    for (std::string t; ss >> t;) tok.push_back(t);
    if (tok.empty()) continue;
    const std::string where = path + ":" + std::to_string(ln);
    if (tok.size() == 1) throw InputError(where + ": dangling vertex " + tok[0] + " (an edge needs two endpoints)");
    if (tok.size() > 3) throw InputError(where + ": expected 'i j [weight]', got " + std::to_string(tok.size()) + " fields");
    int64_t v[2];
    for (int k = 0; k < 2; ++k) {
      char* end = nullptr;
      const long long x = std::strtoll(tok[k].c_str(), &end, 10);
      if (*end != '\0' || tok[k].empty()) throw InputError(where + ": vertex '" + tok[k] + "' is not an integer");
      if (x < 0 || x > 2'000'000'000) throw InputError(where + ": vertex " + tok[k] + " out of range (0-based, >= 0)");
      v[k] = x;
    }
    if (v[0] == v[1]) throw InputError(where + ": self-loop " + tok[0] + "-" + tok[1]);
    double w = 1.0;
    if (tok.size() == 3) {
      if (tok[2] == "+") w = 1.0;
      else if (tok[2] == "-") w = -1.0;
      else {
        char* end = nullptr;
        w = std::strtod(tok[2].c_str(), &end);
        if (*end != '\0' || !std::isfinite(w)) throw InputError(where + ": weight '" + tok[2] + "' is not a finite number");
      }
    }
    maxv = std::max({maxv, v[0], v[1]});
    edges.push_back({static_cast<int32_t>(std::min(v[0], v[1])), static_cast<int32_t>(std::max(v[0], v[1])), w});
  }
  if (edges.empty()) throw InputError(path + ": no edges");
  *n = static_cast<int32_t>(maxv + 1);
  return edges;
}

// Sorted by (i, j), duplicates merged by summing (Graph's convention), zero weights dropped.
void canonicalise(std::vector<Edge>& e) {
  std::sort(e.begin(), e.end(), [](const Edge& a, const Edge& b) { return a.i != b.i ? a.i < b.i : a.j < b.j; });
  size_t out = 0;
  for (size_t k = 0; k < e.size(); ++k) {
    if (out > 0 && e[out - 1].i == e[k].i && e[out - 1].j == e[k].j) e[out - 1].w += e[k].w;
    else e[out++] = e[k];
  }
  e.resize(out);
  std::erase_if(e, [](const Edge& x) { return x.w == 0.0; });
}

}  // namespace

std::vector<int32_t> select_nodes(const std::string& spec, const std::string& flag, const Graph& g) {
  const int32_t n = g.num_vertices();
  std::vector<int32_t> out;
  if (spec.rfind("top:", 0) == 0) {  // the K highest-degree nodes (ties: lower index first)
    const long long k = std::strtoll(spec.c_str() + 4, nullptr, 10);
    if (k < 1 || k > n) throw InputError(flag + " " + spec + ": K must lie in 1.." + std::to_string(n));
    std::vector<int32_t> idx(n);
    for (int32_t i = 0; i < n; ++i) idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) { return g.degree(a) > g.degree(b); });
    return {idx.begin(), idx.begin() + k};
  }
  std::stringstream ss(spec);
  for (std::string part; std::getline(ss, part, ',');) {
    const auto dash = part.find('-', 1);
    char* end = nullptr;
    const long long a = std::strtoll(part.c_str(), &end, 10);
    long long b = a;
    if (dash != std::string::npos) b = std::strtoll(part.c_str() + dash + 1, &end, 10);
    if (part.empty() || *end != '\0' || a < 0 || b < a || b >= n)
      throw InputError(flag + ": '" + part + "' is not a site or range within 0.." + std::to_string(n - 1));
    for (long long i = a; i <= b; ++i) out.push_back(static_cast<int32_t>(i));
  }
  return out;
}


double uncorrelated_beta_c(double mean_k, double mean_k2) {
  const double x = mean_k / (mean_k2 - mean_k);
  return x > 0.0 && x < 1.0 ? std::atanh(x) : NAN;
}

std::vector<Edge> generate_edges(const std::string& spec, uint64_t seed, int32_t* n,
                                 std::vector<int32_t>* community, std::string* kind) {
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const std::string body = colon == std::string::npos ? "" : spec.substr(colon + 1);
  const auto p = parse_params(body, spec);
  const IgraphSession session(seed);
  IGraph ig;
  const std::string what = "--network " + spec;
  if (community) community->clear();
  if (name == "er") {
    const int64_t nn = integer(p, "n", spec, 2);
    const double k = number(p, "k", spec);
    if (!(k >= 0.0) || k > static_cast<double>(nn - 1)) throw InputError(what + ": k must lie in [0, n-1]");
    const auto m = static_cast<igraph_integer_t>(std::llround(k * static_cast<double>(nn) / 2.0));
    check(igraph_erdos_renyi_game_gnm(&ig.g, nn, m, IGRAPH_UNDIRECTED, IGRAPH_NO_LOOPS), what);
  } else if (name == "ba") {
    const int64_t nn = integer(p, "n", spec, 2), m = integer(p, "m", spec, 1);
    if (m >= nn) throw InputError(what + ": m must be < n");
    check(igraph_barabasi_game(&ig.g, nn, 1.0, m, nullptr, false, 1.0, IGRAPH_UNDIRECTED,
                               IGRAPH_BARABASI_PSUMTREE, nullptr), what);
  } else if (name == "ws") {
    const int64_t nn = integer(p, "n", spec, 3), k = integer(p, "k", spec, 2);
    const double pr = probability(p, "p", spec);
    if (k % 2 != 0 || k >= nn) throw InputError(what + ": k (the ring degree) must be even and < n");
    check(igraph_watts_strogatz_game(&ig.g, 1, nn, k / 2, pr, false, false), what);
  } else if (name == "rr") {
    const int64_t nn = integer(p, "n", spec, 2), k = integer(p, "k", spec, 0);
    if (k >= nn || (nn * k) % 2 != 0) throw InputError(what + ": k must be < n and n*k even");
    check(igraph_k_regular_game(&ig.g, nn, k, IGRAPH_UNDIRECTED, false), what);
  } else if (name == "sbm") {
    auto it = p.find("sizes");
    if (it == p.end()) throw InputError(what + ": missing sizes=A,B,...");
    std::vector<int64_t> sizes;
    std::stringstream ss(it->second);
    for (std::string s; std::getline(ss, s, ',');) {
      const long long v = std::strtoll(s.c_str(), nullptr, 10);
      if (v <= 0) throw InputError(what + ": community size '" + s + "' must be >= 1 (zero-size community)");
      sizes.push_back(v);
    }
    if (sizes.size() < 2) throw InputError(what + ": sbm needs at least two communities");
    const double pin = probability(p, "p_in", spec), pout = probability(p, "p_out", spec);
    int64_t total = 0;
    for (int64_t s : sizes) total += s;
    if (total > 2'000'000'000) throw InputError(what + ": too many nodes");
    const auto K = static_cast<igraph_integer_t>(sizes.size());
    igraph_matrix_t pref;
    igraph_vector_int_t bs;
    check(igraph_matrix_init(&pref, K, K), what);
    check(igraph_vector_int_init(&bs, K), what);
    for (igraph_integer_t a = 0; a < K; ++a) {
      VECTOR(bs)[a] = sizes[a];
      for (igraph_integer_t b = 0; b < K; ++b) MATRIX(pref, a, b) = a == b ? pin : pout;
    }
    const igraph_error_t e = igraph_sbm_game(&ig.g, total, &pref, &bs, false, false);
    igraph_matrix_destroy(&pref);
    igraph_vector_int_destroy(&bs);
    check(e, what);
    if (community)
      for (size_t c = 0; c < sizes.size(); ++c) community->insert(community->end(), sizes[c], static_cast<int32_t>(c));
  } else if (name == "config") {
    auto it = p.find("degrees");
    if (it == p.end()) throw InputError(what + ": missing degrees=FILE");
    const auto deg = read_degrees(it->second);
    int64_t sum = 0;
    for (int64_t d : deg) sum += d;
    if (sum % 2 != 0) throw InputError(it->second + ": the degrees sum to an odd number");
    igraph_vector_int_t dv;
    check(igraph_vector_int_init(&dv, static_cast<igraph_integer_t>(deg.size())), what);
    for (size_t k = 0; k < deg.size(); ++k) VECTOR(dv)[k] = deg[k];
    const igraph_error_t e = igraph_degree_sequence_game(&ig.g, &dv, nullptr, IGRAPH_DEGSEQ_FAST_HEUR_SIMPLE);
    igraph_vector_int_destroy(&dv);
    check(e, what + " (is the degree sequence graphical?)");
  } else if (name == "karate" && body.empty()) {
    check(igraph_famous(&ig.g, "Zachary"), what);
  } else {
    throw InputError("--network: unknown generator '" + name +
                     "' (known: er, ba, ws, rr, sbm, config, karate, or an edge-list / .graphml / .gml file)");
  }
  ig.ready = true;
  *n = static_cast<int32_t>(igraph_vcount(&ig.g));
  if (kind) *kind = name;
  auto e = edges_of(ig.g, what, false);
  canonicalise(e);
  return e;
}

namespace {

// The undirected igraph of g's edges (weights dropped); the caller holds an IgraphSession.
void to_igraph(const Graph& g, IGraph& ig, const std::string& what) {
  igraph_vector_int_t ev;
  check(igraph_vector_int_init(&ev, 2 * g.num_edges()), what);
  igraph_integer_t k = 0;
  g.for_each_edge([&](int32_t i, int32_t j, double) {
    VECTOR(ev)[k++] = i;
    VECTOR(ev)[k++] = j;
  });
  const igraph_error_t e = igraph_create(&ig.g, &ev, g.num_vertices(), IGRAPH_UNDIRECTED);
  igraph_vector_int_destroy(&ev);
  check(e, what);
  ig.ready = true;
}

}  // namespace

std::vector<double> betweenness(const Graph& g) {
  const IgraphSession session;
  IGraph ig;
  to_igraph(g, ig, "betweenness");
  igraph_vector_t res;
  check(igraph_vector_init(&res, 0), "betweenness");
  const igraph_error_t e2 = igraph_betweenness(&ig.g, &res, igraph_vss_all(), false, nullptr);
  std::vector<double> out(static_cast<size_t>(g.num_vertices()));
  if (e2 == IGRAPH_SUCCESS)
    for (size_t v = 0; v < out.size(); ++v) out[v] = VECTOR(res)[v];
  igraph_vector_destroy(&res);
  check(e2, "betweenness");
  return out;
}

std::vector<double> layout_network(const Graph& g, const std::string& method, uint64_t seed,
                                   const std::vector<double>& weights) {
  if (method != "fr" && method != "drl") throw InputError("--layout: unknown layout '" + method + "' (known: fr, drl)");
  if (!weights.empty() && static_cast<int64_t>(weights.size()) != g.num_edges()) throw InputError("layout: wrong weight count");
  const IgraphSession session(seed);
  IGraph ig;
  to_igraph(g, ig, "layout");
  igraph_matrix_t res;
  check(igraph_matrix_init(&res, 0, 0), "layout");
  igraph_vector_t w;
  igraph_vector_view(&w, weights.data(), static_cast<igraph_integer_t>(weights.size()));
  const igraph_vector_t* wp = weights.empty() ? nullptr : &w;
  igraph_error_t e;
  if (method == "fr") {
    e = igraph_layout_fruchterman_reingold(&ig.g, &res, false, 500, std::sqrt(static_cast<double>(g.num_vertices())),
                                           IGRAPH_LAYOUT_AUTOGRID, wp, nullptr, nullptr, nullptr, nullptr);
  } else {
    igraph_layout_drl_options_t opts;
    e = igraph_layout_drl_options_init(&opts, IGRAPH_LAYOUT_DRL_DEFAULT);
    if (e == IGRAPH_SUCCESS) e = igraph_layout_drl(&ig.g, &res, false, &opts, wp);
  }
  std::vector<double> out(2 * static_cast<size_t>(g.num_vertices()));
  if (e == IGRAPH_SUCCESS)
    for (int32_t v = 0; v < g.num_vertices(); ++v) out[2 * v] = MATRIX(res, v, 0), out[2 * v + 1] = MATRIX(res, v, 1);
  igraph_matrix_destroy(&res);
  check(e, "layout " + method);
  return out;
}

std::vector<int32_t> multilevel_communities(const Graph& g, uint64_t seed) {
  const IgraphSession session(seed);
  IGraph ig;
  to_igraph(g, ig, "communities");
  igraph_vector_int_t membership;
  check(igraph_vector_int_init(&membership, 0), "communities");
  const igraph_error_t e = igraph_community_multilevel(&ig.g, nullptr, 1.0, &membership, nullptr, nullptr);
  std::vector<int32_t> out(static_cast<size_t>(g.num_vertices()));
  if (e == IGRAPH_SUCCESS)
    for (size_t v = 0; v < out.size(); ++v) out[v] = static_cast<int32_t>(VECTOR(membership)[v]);
  igraph_vector_int_destroy(&membership);
  check(e, "igraph_community_multilevel");
  return out;
}

SocialNetwork build_network(const NetworkOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.spec.empty()) throw InputError("--network is required (e.g. rr:n=1000,k=3, ba:n=10000,m=2, karate, FILE)");
  if (!std::isfinite(o.J) || o.J == 0.0) throw InputError("--J must be finite and non-zero");
  if (!std::isfinite(o.field)) throw InputError("--field must be finite");
  SocialNetwork net;
  int32_t n = 0;
  std::vector<Edge> edges;
  std::ifstream probe(o.spec);
  const bool is_file = static_cast<bool>(probe);
  probe.close();
  auto ends_with = [&](const char* suf) {
    const std::string s(suf);
    return o.spec.size() >= s.size() && o.spec.compare(o.spec.size() - s.size(), s.size(), s) == 0;
  };
  if (is_file && (ends_with(".graphml") || ends_with(".gml"))) {
    const IgraphSession session;
    FILE* f = std::fopen(o.spec.c_str(), "r");
    if (!f) throw InputError(o.spec + ": cannot open");
    IGraph ig;
    const igraph_error_t e = ends_with(".gml") ? igraph_read_graph_gml(&ig.g, f) : igraph_read_graph_graphml(&ig.g, f, 0);
    std::fclose(f);
    check(e, o.spec);
    ig.ready = true;
    n = static_cast<int32_t>(igraph_vcount(&ig.g));
    edges = edges_of(ig.g, o.spec, true);
    canonicalise(edges);
    net.kind = "file";
  } else if (is_file) {
    edges = read_edge_file(o.spec, &n);
    canonicalise(edges);
    net.kind = "file";
  } else {
    edges = generate_edges(o.spec, o.seed, &n, &net.community, &net.kind);
  }
  if (n < 1) throw InputError("--network " + o.spec + ": no nodes");

  // Node file: "i h [zealot [community]]".
  std::vector<double> h(n, o.field);
  std::vector<Spin> frozen(n, 0);
  if (!o.nodes_file.empty()) {
    std::ifstream in(o.nodes_file);
    if (!in) throw InputError("--nodes " + o.nodes_file + ": cannot open");
    std::vector<int32_t> comm(n, 0);
    bool any_comm = false;
    std::string line;
    for (int ln = 1; std::getline(in, line); ++ln) {
      if (auto c = line.find('#'); c != std::string::npos) line.resize(c);
      std::istringstream ss(line);
      std::vector<std::string> tok;
      for (std::string t; ss >> t;) tok.push_back(t);
      if (tok.empty()) continue;
      const std::string where = o.nodes_file + ":" + std::to_string(ln);
      if (tok.size() < 2 || tok.size() > 4) throw InputError(where + ": expected 'node field [zealot [community]]'");
      char* end = nullptr;
      const long long i = std::strtoll(tok[0].c_str(), &end, 10);
      if (*end != '\0' || i < 0 || i >= n)
        throw InputError(where + ": node '" + tok[0] + "' is not in the network (0.." + std::to_string(n - 1) + ")");
      const double hv = std::strtod(tok[1].c_str(), &end);
      if (*end != '\0' || !std::isfinite(hv)) throw InputError(where + ": field '" + tok[1] + "' is not a finite number");
      h[i] += hv;
      if (tok.size() >= 3) {
        const long long z = std::strtoll(tok[2].c_str(), &end, 10);
        if (*end != '\0' || z < -1 || z > 1) throw InputError(where + ": zealot must be -1, 0 or +1");
        frozen[i] = static_cast<Spin>(z);
      }
      if (tok.size() == 4) {
        const long long c = std::strtoll(tok[3].c_str(), &end, 10);
        if (*end != '\0' || c < 0 || c > 1'000'000) throw InputError(where + ": community must be an integer >= 0");
        comm[i] = static_cast<int32_t>(c);
        any_comm = true;
      }
    }
    if (any_comm) net.community = comm;
  }
  if (!net.community.empty()) {
    net.num_communities = *std::max_element(net.community.begin(), net.community.end()) + 1;
    std::vector<int64_t> sz(net.num_communities, 0);
    for (int32_t c : net.community) ++sz[c];
    for (int32_t c = 0; c < net.num_communities; ++c)
      if (sz[c] == 0) throw InputError("--nodes: community " + std::to_string(c) + " has no nodes (zero-size community)");
  }
  if (!o.community_field.empty()) {
    if (net.community.empty())
      throw InputError("--community-field: needs communities (an sbm network or a community column in --nodes)");
    if (static_cast<int32_t>(o.community_field.size()) != net.num_communities)
      throw InputError("--community-field: " + std::to_string(o.community_field.size()) + " values for " +
                       std::to_string(net.num_communities) + " communities");
    for (double v : o.community_field)
      if (!std::isfinite(v)) throw InputError("--community-field: values must be finite");
    for (int32_t i = 0; i < n; ++i) h[i] += o.community_field[net.community[i]];
  }

  // Signs: a random fraction F of the edges (Bernoulli per edge from Philox keyed by the edge's
  // index in (i, j) order), or every edge between communities.
  if (!o.antagonistic.empty()) {
    if (o.antagonistic == "between") {
      if (net.community.empty())
        throw InputError("--antagonistic between: needs communities (an sbm network or a community column in --nodes)");
      for (Edge& e : edges)
        if (net.community[e.i] != net.community[e.j]) e.w = -std::abs(e.w);
    } else {
      char* end = nullptr;
      const double F = std::strtod(o.antagonistic.c_str(), &end);
      if (*end != '\0' || !(F >= 0.0 && F <= 1.0))
        throw InputError("--antagonistic: expected a fraction in [0, 1] or 'between', got '" + o.antagonistic + "'");
      for (size_t k = 0; k < edges.size(); ++k) {
        Rng rng(o.seed, kSignStream, k);
        if (rng.uniform() < F) edges[k].w = -edges[k].w;
      }
    }
  }
  for (Edge& e : edges) {
    e.w *= o.J;
    net.num_negative += e.w < 0.0;
  }
  Graph g = Graph::from_edges(n, edges);
  for (const std::string& z : o.zealots) {
    const auto colon = z.rfind(':');
    const std::string val = colon == std::string::npos ? "" : z.substr(colon + 1);
    if (val != "+1" && val != "1" && val != "-1")
      throw InputError("--zealots " + z + ": expected SITES:+1 or SITES:-1 (SITES like 0,3,7-12 or top:K)");
    for (int32_t i : select_nodes(z.substr(0, colon), "--zealots", g)) frozen[i] = val == "-1" ? -1 : 1;
  }
  double k1 = 0.0, k2 = 0.0;
  for (int32_t v = 0; v < n; ++v) {
    const double d = g.degree(v);
    k1 += d;
    k2 += d * d;
  }
  net.mean_degree = k1 / n;
  net.mean_degree_sq = k2 / n;
  net.max_degree = g.max_degree();
  if (net.kind == "rr") net.regular_degree = net.max_degree;
  int64_t zealots = 0;
  for (Spin v : frozen) zealots += v != 0;
  std::ostringstream d;
  d << o.spec << " (" << n << " nodes, " << g.num_edges() << " edges";
  if (net.num_negative) d << ", " << net.num_negative << " negative";
  if (zealots) d << ", " << zealots << " zealots";
  if (net.num_communities) d << ", " << net.num_communities << " communities";
  d << ")";
  net.description = d.str();
  net.model = IsingModel(std::move(g), std::move(h));
  net.model.set_frozen(std::move(frozen));
  net.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return net;
}

}  // namespace spinlab
