// Social networks: igraph generators' degree statistics, signs, zealots (the frozen-site hook),
// a 16-node signed network with zealots against enumeration, the social observables, the peak fit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "core/error.hpp"
#include "exact/enumerate.hpp"
#include "exact/oracles.hpp"
#include "measure/simulate.hpp"
#include "sample/move.hpp"
#include "social/network.hpp"
#include "social/observables.hpp"
#include "social/sweep.hpp"
#include "social/target.hpp"
#include "test_util.hpp"

using namespace spinlab;
using spinlab::testing::expect_z;

namespace {

SocialNetwork net(const std::string& spec, uint64_t seed = 1, std::string antagonistic = "") {
  NetworkOptions o;
  o.spec = spec;
  o.seed = seed;
  o.antagonistic = std::move(antagonistic);
  return build_network(o);
}

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST(SocialNetworks, GeneratorsHaveTheirDegreeStatistics) {
  const auto rr = net("rr:n=1000,k=3");
  EXPECT_EQ(rr.model.size(), 1000);
  EXPECT_EQ(rr.model.graph().num_edges(), 1500);
  for (int32_t v = 0; v < 1000; ++v) ASSERT_EQ(rr.model.graph().degree(v), 3);
  EXPECT_EQ(rr.regular_degree, 3);

  const auto er = net("er:n=2000,k=6");  // G(n, m) with m = n k / 2 edges exactly
  EXPECT_EQ(er.model.graph().num_edges(), 6000);
  EXPECT_DOUBLE_EQ(er.mean_degree, 6.0);
  // Poisson degrees: <k^2> - <k>^2 = <k> up to O(1/sqrt n) fluctuations.
  EXPECT_NEAR(er.mean_degree_sq - 36.0, 6.0, 0.6);

  const auto ba = net("ba:n=5000,m=3");
  EXPECT_NEAR(ba.mean_degree, 6.0, 0.01);
  EXPECT_GT(ba.max_degree, 10 * 6);  // hubs: P(k) ~ k^-3, k_max ~ m sqrt(n) ~ 200
  EXPECT_GT(ba.mean_degree_sq, 2.0 * 36.0);

  const auto ring = net("ws:n=500,k=4,p=0");
  for (int32_t v = 0; v < 500; ++v) ASSERT_EQ(ring.model.graph().degree(v), 4);
  const auto ws = net("ws:n=500,k=4,p=0.2");  // rewiring keeps the number of edges
  EXPECT_EQ(ws.model.graph().num_edges(), 1000);
  EXPECT_GT(ws.max_degree, 4);

  const auto sbm = net("sbm:sizes=300,200,p_in=0.1,p_out=0.01");
  ASSERT_EQ(sbm.num_communities, 2);
  ASSERT_EQ(sbm.community.size(), 500u);
  EXPECT_EQ(sbm.community[299], 0);
  EXPECT_EQ(sbm.community[300], 1);
  int64_t in = 0, out = 0;
  sbm.model.graph().for_each_edge([&](int32_t i, int32_t j, double) { (sbm.community[i] == sbm.community[j] ? in : out)++; });
  const double pairs_in = 300.0 * 299 / 2 + 200.0 * 199 / 2, pairs_out = 300.0 * 200;
  EXPECT_LT(std::abs(in - 0.1 * pairs_in), 4 * std::sqrt(0.1 * 0.9 * pairs_in));
  EXPECT_LT(std::abs(out - 0.01 * pairs_out), 4 * std::sqrt(0.01 * 0.99 * pairs_out));

  const auto karate = net("karate");
  EXPECT_EQ(karate.model.size(), 34);
  EXPECT_EQ(karate.model.graph().num_edges(), 78);
  EXPECT_EQ(karate.max_degree, 17);
}

TEST(SocialNetworks, TheSeedDecidesTheNetwork) {
  auto edges = [](const SocialNetwork& n) {
    std::vector<std::pair<int32_t, int32_t>> e;
    n.model.graph().for_each_edge([&](int32_t i, int32_t j, double) { e.emplace_back(i, j); });
    return e;
  };
  EXPECT_EQ(edges(net("er:n=300,k=4", 7)), edges(net("er:n=300,k=4", 7)));
  EXPECT_NE(edges(net("er:n=300,k=4", 7)), edges(net("er:n=300,k=4", 8)));
  EXPECT_EQ(edges(net("ba:n=300,m=2", 3)), edges(net("ba:n=300,m=2", 3)));
}

TEST(SocialNetworks, ConfigurationModelKeepsTheDegrees) {
  std::string text = "# degrees\n";
  for (int i = 0; i < 200; ++i) text += std::to_string(i % 2 ? 3 : 5) + "\n";
  const auto c = net("config:degrees=" + temp_file("deg.txt", text));
  ASSERT_EQ(c.model.size(), 200);
  for (int32_t v = 0; v < 200; ++v) ASSERT_EQ(c.model.graph().degree(v), v % 2 ? 3 : 5);
}

TEST(SocialNetworks, SignsFromTheFractionAndBetweenCommunities) {
  const auto a = net("er:n=2000,k=10", 5, "0.3");  // 10000 edges, each negative with p = 0.3
  const double m = static_cast<double>(a.model.graph().num_edges());
  EXPECT_LT(std::abs(a.num_negative - 0.3 * m), 4 * std::sqrt(0.21 * m));
  EXPECT_EQ(net("er:n=2000,k=10", 5, "0.3").num_negative, a.num_negative);  // deterministic
  EXPECT_EQ(net("er:n=2000,k=10", 5, "0").num_negative, 0);
  EXPECT_EQ(net("er:n=2000,k=10", 5, "1").num_negative, 10000);

  const auto s = net("sbm:sizes=50,50,p_in=0.3,p_out=0.05", 2, "between");
  int64_t cross = 0;
  s.model.graph().for_each_edge([&](int32_t i, int32_t j, double w) {
    const bool between = s.community[i] != s.community[j];
    cross += between;
    EXPECT_EQ(w < 0.0, between);
  });
  EXPECT_EQ(cross, s.num_negative);
  EXPECT_GT(cross, 0);
}

// A feed bias per community: each node gets its community's value on top of the uniform field.
TEST(SocialNetworks, FieldPerCommunity) {
  NetworkOptions o;
  o.spec = "sbm:sizes=30,20,10,p_in=0.3,p_out=0.05";
  o.field = 0.5;
  o.community_field = {1.0, -2.0, 0.0};
  const SocialNetwork s = build_network(o);
  ASSERT_EQ(s.num_communities, 3);
  for (int32_t i = 0; i < s.model.size(); ++i)
    EXPECT_DOUBLE_EQ(s.model.field(i), 0.5 + o.community_field[s.community[i]]) << i;
  o.community_field = {1.0, 2.0};
  EXPECT_THROW(build_network(o), InputError);  // 2 values for 3 communities
  o.community_field = {1.0, NAN, 0.0};
  EXPECT_THROW(build_network(o), InputError);
  o.spec = "er:n=50,k=4";
  o.community_field = {1.0};
  EXPECT_THROW(build_network(o), InputError);  // no communities
}

TEST(SocialNetworks, EdgeListFileWithSignsAndComments) {
  const auto path = temp_file("edges.txt", "# a triangle and a tail\n0 1\n1 2 -\n0 2 -0.5  \n2 3 +\n\n");
  const auto n = net(path);
  EXPECT_EQ(n.model.size(), 4);
  EXPECT_EQ(n.model.graph().num_edges(), 4);
  EXPECT_EQ(n.num_negative, 2);
  EXPECT_EQ(n.kind, "file");
}

TEST(SocialNetworks, GmlAndGraphmlThroughIgraphWithWeights) {
  const auto gml = temp_file("g.gml", "graph [\n directed 0\n node [ id 0 ]\n node [ id 1 ]\n node [ id 2 ]\n"
                                       " edge [ source 0 target 1 weight 2.5 ]\n edge [ source 1 target 2 weight -1 ]\n]\n");
  const auto a = net(gml);
  ASSERT_EQ(a.model.size(), 3);
  ASSERT_EQ(a.model.graph().num_edges(), 2);
  EXPECT_DOUBLE_EQ(a.model.graph().edges()[0].w, 2.5);
  EXPECT_DOUBLE_EQ(a.model.graph().edges()[1].w, -1.0);
  EXPECT_EQ(a.num_negative, 1);
  const auto graphml = temp_file("g.graphml",
      "<?xml version=\"1.0\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
      "<key id=\"w\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
      "<graph edgedefault=\"undirected\"><node id=\"a\"/><node id=\"b\"/><node id=\"c\"/><node id=\"d\"/>\n"
      "<edge source=\"a\" target=\"b\"><data key=\"w\">0.5</data></edge>\n"
      "<edge source=\"c\" target=\"d\"><data key=\"w\">-3</data></edge></graph></graphml>\n");
  const auto b = net(graphml);
  ASSERT_EQ(b.model.size(), 4);
  ASSERT_EQ(b.model.graph().num_edges(), 2);
  EXPECT_DOUBLE_EQ(b.model.graph().edges()[0].w, 0.5);
  EXPECT_DOUBLE_EQ(b.model.graph().edges()[1].w, -3.0);
  EXPECT_THROW(net(temp_file("bad.gml", "graph [ edge [ source 0 ")), InputError);
}

TEST(SocialNetworks, BadInputIsAnInputError) {
  for (const char* spec : {"xx:n=10", "er:n=100,k=-1", "ws:n=100,k=4,p=1.5", "ws:n=100,k=4,p=-0.1",
                           "sbm:sizes=10,0,p_in=0.5,p_out=0.1", "sbm:sizes=10,10,p_in=0.5", "rr:n=5,k=3",
                           "ba:n=10,m=0", "er:n=abc,k=2", "karate:n=3"})
    EXPECT_THROW(net(spec), InputError) << spec;
  EXPECT_THROW(net(temp_file("dangling.txt", "0 1\n2\n")), InputError);
  EXPECT_THROW(net("config:degrees=" + temp_file("neg.txt", "3 -1 2\n")), InputError);
  EXPECT_THROW(net("er:n=100,k=3", 1, "1.5"), InputError);
  EXPECT_THROW(net("er:n=100,k=3", 1, "between"), InputError);  // no communities
  NetworkOptions o;
  o.spec = "karate";
  o.zealots = {"40:+1"};
  EXPECT_THROW(build_network(o), InputError);
}

TEST(SocialZealots, MovesNeverChangeAFrozenSpin) {
  NetworkOptions o;
  o.spec = "karate";
  o.zealots = {"top:2:-1", "5,7-9:+1"};
  const auto n = build_network(o);
  const IsingModel& m = n.model;
  ASSERT_TRUE(m.has_frozen());
  EXPECT_EQ(m.frozen()[33], -1);  // the two hubs of Zachary's club: 33 (degree 17) and 0 (16)
  EXPECT_EQ(m.frozen()[0], -1);
  EXPECT_EQ(m.frozen()[8], 1);
  for (const char* algo : {"heatbath", "metropolis-random", "glauber", "majority", "voter", "majority-vote"}) {
    auto move = make_move(algo, m, 0.8);
    Rng rng(3, 4);
    std::vector<Spin> s(m.size(), 1);
    m.pin(s);
    int64_t changed = 0;
    for (int t = 0; t < 200; ++t) {
      auto before = s;
      move->sweep(s, rng);
      for (int32_t i = 0; i < m.size(); ++i) {
        if (m.is_frozen(i)) {
          ASSERT_EQ(s[i], m.frozen()[i]) << algo;
        }
        changed += s[i] != before[i];
      }
    }
    EXPECT_GT(changed, 0) << algo << ": the free spins must move";
    if (auto* single = dynamic_cast<SingleSpinMove*>(move.get())) {
      EXPECT_EQ(single->flip_probability(0, s), 0.0);
    }
  }
  EXPECT_THROW(make_move("wolff", m, 0.5), InputError);
  EXPECT_THROW(make_move("sw", m, 0.5), InputError);
}

// Signed 16-node network with fields and two opposite zealots against enumeration: the free spins
// see the zealots as extra fields, h'_i = h_i + sum_{j frozen} J_ij s_j, so the exact averages are
// those of the 14 free spins in h' (energies shifted by a constant).
namespace {

// Simulation of a 16-node network with zealots +1 and -1 against enumeration of its free spins.
void check_sixteen_nodes_against_enumeration(const NetworkOptions& o, const std::vector<std::string>& algos) {
  const auto net16 = build_network(o);
  const IsingModel& m = net16.model;
  std::vector<int32_t> free_sites, index(16, -1);
  for (int32_t i = 0; i < 16; ++i)
    if (!m.is_frozen(i)) index[i] = static_cast<int32_t>(free_sites.size()), free_sites.push_back(i);
  std::vector<Edge> red;
  std::vector<double> h(free_sites.size());
  for (size_t a = 0; a < free_sites.size(); ++a) h[a] = m.field(free_sites[a]);
  m.graph().for_each_edge([&](int32_t i, int32_t j, double w) {
    if (index[i] >= 0 && index[j] >= 0) red.push_back({index[i], index[j], w});
    else if (index[i] >= 0) h[index[i]] += w * m.frozen()[j];
    else if (index[j] >= 0) h[index[j]] += w * m.frozen()[i];
  });
  const IsingModel reduced(Graph::from_edges(static_cast<int32_t>(free_sites.size()), red), h);
  // E_full(s) - E_reduced(s_free) is a constant (frozen-frozen bonds and frozen fields).
  std::vector<Spin> s(16, 1);
  m.pin(s);
  std::vector<Spin> sf(free_sites.size(), 1);
  const double shift = m.energy(s) - reduced.energy(sf);
  std::vector<int32_t> A, B, Ar, Br;  // two halves of the free sites
  for (size_t a = 0; a < free_sites.size(); ++a) {
    (a < free_sites.size() / 2 ? A : B).push_back(free_sites[a]);
    (a < free_sites.size() / 2 ? Ar : Br).push_back(static_cast<int32_t>(a));
  }
  for (const std::string& algo : algos) {
    for (double beta : {0.3, 0.7}) {
      EnumerationOptions eo;
      eo.regions = {Ar, Br};
      const auto ex = enumerate_exact(reduced, beta, eo);
      SimulationOptions so;
      so.algo = algo;
      so.betas = {beta};
      so.sweeps = 40000;
      so.therm = 500;
      so.seed = 17;
      so.regions = {{"A", A}, {"B", B}};
      so.covariances = {{"A", "B"}};
      const auto r = simulate(m, so);
      const auto& p = r.points[0];
      const std::string tag = algo + " (" + r.kernel + ") beta=" + std::to_string(beta);
      expect_z(p.energy_per_spin, (ex.energy + shift) / 16.0, tag + " E/N");
      // The zealots cancel (+1, -1): |M| = |M_free|.
      expect_z(p.abs_magnetization_per_spin, ex.abs_mag / 16.0, tag + " |M|/N");
      expect_z(p.specific_heat, beta * beta * ex.energy_var / 16.0, tag + " C/N");
      expect_z(p.observables[0].value, ex.region_mean[0], tag + " <M_A>");
      expect_z(p.observables[1].value, ex.region_mean[1], tag + " <M_B>");
      expect_z(p.covariances[0].value, ex.region_cov[0][1], tag + " Cov[M_A, M_B]");
    }
  }
}

}  // namespace

TEST(SocialZealots, SixteenNodeSignedNetworkMatchesEnumeration) {
  NetworkOptions o;
  o.spec = "ws:n=16,k=4,p=0.3";
  o.seed = 11;
  o.antagonistic = "0.3";
  o.field = 0.1;
  o.zealots = {"0:+1", "9:-1"};
  ASSERT_GT(build_network(o).num_negative, 0);
  check_sixteen_nodes_against_enumeration(o, {"heatbath", "metropolis-random"});
}

TEST(SocialZealots, ColoredNetworkKernelMatchesEnumeration) {
  // heatbath-colored, the fast network kernel (one |J|: int32 positions, colour classes, batched
  // Philox), on the 16-node network with a field and zealots.
  NetworkOptions o;
  o.spec = "ws:n=16,k=4,p=0.3";
  o.seed = 11;
  o.field = 0.1;
  o.zealots = {"0:+1", "9:-1"};
  EXPECT_EQ(make_move("heatbath-colored", build_network(o).model, 0.5)->kernel().rfind("colored", 0), 0u);
  check_sixteen_nodes_against_enumeration(o, {"heatbath-colored"});
}

TEST(SocialObservables, DefinitionsOnHandMadeStates) {
  // Two 4-cliques joined by one edge (3-4).
  std::vector<Edge> e;
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 4; ++i)
      for (int j = i + 1; j < 4; ++j) e.push_back({4 * c + i, 4 * c + j, 1.0});
  e.push_back({3, 4, 1.0});
  const Graph g = Graph::from_edges(8, e);
  auto obs = social_observables(g, {0, 0, 0, 0, 1, 1, 1, 1});
  std::vector<double> out(4);
  const std::vector<Spin> polar = {1, 1, 1, 1, -1, -1, -1, -1};
  obs->measure(polar, out);
  EXPECT_DOUBLE_EQ(out[0], 1.0 / 13.0);  // one disagreeing edge of 13
  EXPECT_DOUBLE_EQ(out[1], 1.0);         // community means +1 and -1
  // agreement: nodes 3 and 4 agree with 3 of 4 neighbours, the others with all 3
  const double agree = (6.0 + 2 * 0.75) / 8.0;
  EXPECT_DOUBLE_EQ(out[2], agree);
  EXPECT_DOUBLE_EQ(out[3], agree - 3.0 / 7.0);  // shuffled: (n_s - 1)/(N - 1) = 3/7 for everyone
  const std::vector<Spin> all_up(8, 1);
  obs->measure(all_up, out);
  EXPECT_DOUBLE_EQ(out[0], 0.0);
  EXPECT_DOUBLE_EQ(out[1], 0.0);
  EXPECT_DOUBLE_EQ(out[2], 1.0);
  EXPECT_DOUBLE_EQ(out[3], 0.0);  // consensus is not an echo chamber beyond its composition
  auto noc = social_observables(g, {});  // polarisation from local opinions
  noc->measure(polar, out);
  // a_i = +1 for 0,1,2 and -1 for 5,6,7; a_3 = (3 - 1)/4 = 0.5, a_4 = -0.5: mean 0
  EXPECT_NEAR(out[1], std::sqrt((6.0 + 0.5) / 8.0), 1e-12);
}

TEST(SocialSweep, ParabolaPeakFindsTheVertexAndItsError) {
  std::vector<double> x, y, err;
  for (int k = 0; k < 11; ++k) {
    x.push_back(0.1 * k);
    y.push_back(5.0 - 20.0 * (x.back() - 0.43) * (x.back() - 0.43));
    err.push_back(0.01);
  }
  size_t p = 0;
  const Estimate v = parabola_peak(x, y, err, 2, 400, 1, &p);
  EXPECT_EQ(p, 4u);
  EXPECT_NEAR(v.mean, 0.43, 1e-9);
  EXPECT_GT(v.error, 0.0);
  EXPECT_LT(v.error, 0.01);
  y[10] = 100.0;  // peak at the end: no estimate
  EXPECT_TRUE(std::isnan(parabola_peak(x, y, err, 2, 100, 1).mean));
}

// Random regular graph k = 3, N = 3000: the susceptibility peak against the Bethe lattice
// beta_c = atanh(1/2) = 0.5493. At this size the finite-size shift of the chi peak is a few per
// cent (mean-field class: shift ~ N^-1/2), hence the 5% tolerance; the N = 10^5, 1% check is the
// validate-labelled tests/validate/social_bethe.sh.
TEST(SocialSweep, RandomRegularGraphNearTheBethePoint) {
  const auto rr = net("rr:n=3000,k=3", 4);
  SocialSweepOptions o;
  for (int k = 0; k < 11; ++k) o.betas.push_back(0.45 + 0.02 * k);
  o.sweeps = 3000;
  o.therm = 500;
  o.threads = 2;
  const auto r = social_sweep(rr, o);
  ASSERT_FALSE(r.predictions.empty());
  EXPECT_EQ(r.predictions[0].name, "bethe");
  EXPECT_NEAR(r.predictions[0].beta_c, std::atanh(0.5), 1e-12);
  ASSERT_TRUE(std::isfinite(r.beta_c.mean));
  EXPECT_GT(r.beta_c.error, 0.0);
  EXPECT_NEAR(r.beta_c.mean / std::atanh(0.5), 1.0, 0.05) << r.beta_c.mean << " +- " << r.beta_c.error;
  // Above beta_c the network orders: |m| at the last point well above its value at the first.
  EXPECT_GT(r.points.back().abs_m.mean, 3 * r.points.front().abs_m.mean);
  EXPECT_LT(r.points.back().wall_density.mean, r.points.front().wall_density.mean);
}

// Hub targeting on a Barabasi-Albert network (n = 2000, m = 2): from all -1 at beta = 0.3, a field
// h = 100 (larger than any degree: the targets turn +1) on the 20 largest hubs re-magnetises the
// network more than on 20 random nodes, with separated errors (8 replicas x 2 networks). (A weak
// field, h = 2, cannot turn a hub against its ~50 neighbours: there random low-degree seeds do
// slightly better -- the README shows both.)
TEST(SocialTarget, HubsBeatRandomSeedingOnBarabasiAlbert) {
  NetworkOptions no;
  no.spec = "ba:n=2000,m=2";
  TargetOptions o;
  o.strategies = {"hubs", "random", "bridges", "walls"};
  o.budget = 20;
  o.h = 100.0;
  o.beta = 0.3;
  o.max_sweeps = 60;
  o.replicas = 8;
  o.networks = 2;
  const auto r = social_target(no, o);
  ASSERT_EQ(r.strategies.size(), 4u);
  const auto& hubs = r.strategies[0];
  const auto& rnd = r.strategies[1];
  EXPECT_EQ(hubs.runs, 16);
  EXPECT_FALSE(r.strategies[3].applicable);  // all -1 without zealots has no walls
  EXPECT_GT(spinlab::testing::z_difference(hubs.final_magnetization, rnd.final_magnetization), 4.0)
      << hubs.final_magnetization.mean << " +- " << hubs.final_magnetization.error << " vs "
      << rnd.final_magnetization.mean << " +- " << rnd.final_magnetization.error;
  EXPECT_GT(hubs.flipped_fraction, rnd.flipped_fraction);
  EXPECT_GT(r.strategies[2].final_magnetization.mean, rnd.final_magnetization.mean);  // bridges overlap hubs on BA
  EXPECT_THROW(social_target(no, [] { TargetOptions b; b.strategies = {"nope"}; return b; }()), InputError);
}

TEST(SocialTarget, HubAdvantageIsLargeOnBarabasiAlbertAndSmallOnErdosRenyi) {
  // The comparison at n = 10^4 and equal mean degree 4: K = 50 nodes held by h = 100.
  // BA: hubs flip the network, random seeds do not (separated by > 4 sigma). ER: no strategy flips
  // it in 100 sweeps and the hub advantage in final m is small -- stated as less than a fifth of
  // BA's (measured: BA 0.96, ER 0.13).
  TargetOptions o;
  o.strategies = {"hubs", "random"};
  o.budget = 50;
  o.h = 100.0;
  o.beta = 0.3;
  o.max_sweeps = 100;
  o.replicas = 4;
  o.networks = 2;
  NetworkOptions ba, er;
  ba.spec = "ba:n=10000,m=2";
  er.spec = "er:n=10000,k=4";
  const auto b = social_target(ba, o), e = social_target(er, o);
  const double adv_ba = b.strategies[0].final_magnetization.mean - b.strategies[1].final_magnetization.mean;
  const double adv_er = e.strategies[0].final_magnetization.mean - e.strategies[1].final_magnetization.mean;
  EXPECT_GT(spinlab::testing::z_difference(b.strategies[0].final_magnetization, b.strategies[1].final_magnetization), 4.0);
  EXPECT_EQ(b.strategies[0].flipped_fraction, 1.0);
  EXPECT_EQ(e.strategies[0].flipped_fraction, 0.0);
  EXPECT_EQ(e.strategies[1].flipped_fraction, 0.0);
  EXPECT_LT(adv_er, adv_ba / 5) << "BA " << adv_ba << ", ER " << adv_er;
  // ... though hubs still help on ER (degree ~10 vs 4): a positive, smaller advantage.
  EXPECT_GT(spinlab::testing::z_difference(e.strategies[0].final_magnetization, e.strategies[1].final_magnetization), 4.0);
}

