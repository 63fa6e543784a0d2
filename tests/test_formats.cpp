// Formats (Gset, .qubo, dimod COO, cut solutions) and spin-glass generators (SK, EA, RRG).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/rng.hpp"
#include "core/spin_glass.hpp"
#include "io/files.hpp"
#include "io/formats.hpp"
#include "test_util.hpp"

using namespace spinlab;
using spinlab::testing::spins_of;
namespace fs = std::filesystem;

namespace {

// A scratch directory per test binary run, removed at exit.
const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("spinlab_test_formats_" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(
          fs::temp_directory_path() / ("spinlab_test_formats_" + std::to_string(::getpid())), ec);
    });
    return d;
  }();
  return dir;
}

std::string write_text(const std::string& name, const std::string& text) {
  const std::string p = (scratch() / name).string();
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

// ../shared (next to the repository) unless SPINLAB_SHARED says otherwise.
fs::path shared_dir() {
  if (const char* env = std::getenv("SPINLAB_SHARED")) return env;
  return fs::path(SPINLAB_SOURCE_DIR).parent_path() / "shared";  // ../shared beside the checkout
}

std::vector<uint8_t> bits_of(std::span<const Spin> s) {
  std::vector<uint8_t> x(s.size());
  for (size_t i = 0; i < s.size(); ++i) x[i] = s[i] > 0 ? 1 : 0;
  return x;
}

// Small integer couplings and fields, offset a quarter: every conversion is exact in doubles.
IsingModel integer_model(int n, uint64_t seed, bool fields) {
  Rng rng(seed, 0);
  std::vector<Edge> e;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (rng.uniform() < 0.6)
        e.push_back({i, j, static_cast<double>(static_cast<int>(rng.below(7)) - 3)});
  std::vector<double> h(n, 0.0);
  if (fields)
    for (double& x : h) x = static_cast<double>(static_cast<int>(rng.below(5)) - 2);
  return IsingModel(Graph::from_edges(n, e), h, 1.25);
}

// Random doubles (not exactly representable in decimal) to exercise the exact number printing.
Qubo random_qubo(int n, uint64_t seed) {
  Rng rng(seed, 0);
  Qubo q;
  q.n = n;
  q.offset = rng.uniform53() * 3.0 - 1.0;
  for (int i = 0; i < n; ++i)
    for (int j = i; j < n; ++j)
      if (rng.uniform() < 0.5)
        q.terms.push_back({i, j, (rng.uniform53() - 0.5) * std::pow(10.0, rng.below(9) - 4.0)});
  q.terms.push_back({0, 1, 1e-300});  // a repeated term (summed) and extreme magnitudes
  q.terms.push_back({1, 1, -3.5e17});
  return q;
}

void expect_input_error(const std::function<void()>& f, const std::string& where,
                        const std::string& what = "") {
  try {
    f();
    ADD_FAILURE() << "no InputError; expected one at " << where;
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(where), std::string::npos)
        << "message '" << msg << "' should name " << where;
    if (!what.empty()) {
      EXPECT_NE(msg.find(what), std::string::npos) << "message '" << msg << "' should say " << what;
    }
  }
}

}  // namespace

// ---- QUBO / COO round trips ---------------------------------------------------------------

TEST(QuboFormat, RoundTripIsExact) {
  const Qubo q = random_qubo(9, 11);
  const std::string p = (scratch() / "a.qubo").string();
  write_qubo(p, q);
  const Qubo q1 = read_qubo(p);
  EXPECT_EQ(q1.n, q.n);
  EXPECT_EQ(q1.offset, q.offset);  // bit for bit, through "c offset : ..."
  for (uint64_t b = 0; b < (1u << q.n); ++b) {
    auto x = bits_of(spins_of(b, q.n));
    EXPECT_NEAR(q1.value(x), q.value(x), 1e-9 * (1.0 + std::fabs(q.value(x))));
  }
  // The written file is canonical (merged, sorted): a second trip reproduces every bit.
  write_qubo(p, q1);
  const Qubo q2 = read_qubo(p);
  ASSERT_EQ(q2.terms.size(), q1.terms.size());
  for (size_t k = 0; k < q1.terms.size(); ++k) {
    EXPECT_EQ(q2.terms[k].i, q1.terms[k].i);
    EXPECT_EQ(q2.terms[k].j, q1.terms[k].j);
    EXPECT_EQ(q2.terms[k].w, q1.terms[k].w);
  }
  for (const Edge& t : q1.terms) EXPECT_LE(t.i, t.j);
}

TEST(QuboFormat, ReadsQbsolvFile) {
  const std::string p = write_text("qbsolv.qubo",
                                   "c a qbsolv example\r\n"
                                   "c\n"
                                   "p qubo 0 4 2 3\n"
                                   "0 0 -1\n"
                                   "3 3 +2.5\n"
                                   "0 1 4\n"
                                   "c comments may sit anywhere\n"
                                   "2 1 -1e1\n"
                                   "0 3 0.5\n");
  const Qubo q = read_qubo(p);
  EXPECT_EQ(q.n, 4);
  EXPECT_EQ(q.offset, 0.0);
  ASSERT_EQ(q.terms.size(), 5u);
  EXPECT_EQ(q.terms[3].i, 1);  // "2 1" stored as (1, 2)
  EXPECT_EQ(q.terms[3].j, 2);
  EXPECT_EQ(q.terms[3].w, -10.0);
  const std::vector<uint8_t> x = {1, 1, 1, 1};
  EXPECT_EQ(q.value(x), -1 + 2.5 + 4 - 10 + 0.5);
}

TEST(CooFormat, QuboRoundTripIsExact) {
  const Qubo q = random_qubo(8, 12);
  const std::string p = (scratch() / "a.coo").string();
  write_coo(p, q);
  const CooModel c = read_coo(p);
  ASSERT_TRUE(c.vartype.has_value());
  EXPECT_EQ(*c.vartype, Vartype::Binary);
  const Qubo q1 = read_coo_qubo(p);
  EXPECT_EQ(q1.n, q.n);
  EXPECT_EQ(q1.offset, q.offset);
  for (uint64_t b = 0; b < (1u << q.n); ++b) {
    auto x = bits_of(spins_of(b, q.n));
    EXPECT_NEAR(q1.value(x), q.value(x), 1e-9 * (1.0 + std::fabs(q.value(x))));
  }
  write_coo(p, q1);
  const Qubo q2 = read_coo_qubo(p);
  ASSERT_EQ(q2.terms.size(), q1.terms.size());
  for (size_t k = 0; k < q1.terms.size(); ++k) EXPECT_EQ(q2.terms[k].w, q1.terms[k].w);
  // dimod's reader takes no exponents: the file must not contain any.
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);)
    if (!line.starts_with("#")) {
      EXPECT_EQ(line.find_first_of("eE"), std::string::npos) << line;
    }
}

TEST(CooFormat, IsingRoundTripIsBitExactAndKeepsIsolatedLastSpin) {
  Rng rng(5, 0);
  std::vector<Edge> e;
  for (int i = 0; i < 7; ++i)
    for (int j = i + 1; j < 7; ++j)
      if (rng.uniform() < 0.5) e.push_back({i, j, rng.uniform53() - 0.5});
  std::vector<double> h(8, 0.0);  // spin 7 is isolated and has no field
  for (int i = 0; i < 7; i += 2) h[i] = rng.uniform53() - 0.3;
  const IsingModel m(Graph::from_edges(8, e), h, -0.1);
  const std::string p = (scratch() / "ising.coo").string();
  write_coo(p, m);
  const IsingModel m1 = read_coo_ising(p);
  ASSERT_EQ(m1.size(), 8);
  EXPECT_EQ(m1.offset(), m.offset());
  for (uint64_t b = 0; b < 256; ++b) {
    auto s = spins_of(b, 8);
    EXPECT_EQ(m1.energy(s), m.energy(s));
  }
  EXPECT_THROW(read_coo_qubo(p), InputError);  // header says SPIN
}

TEST(CooFormat, ReadsDimodOutputWithDimodSigns) {
  // dimod: BQM.from_ising({0: 1, 1: 2}, {(0, 1): -1}); coo.dumps(bqm, vartype_header=True).
  const std::string p =
      write_text("dimod.coo", "# vartype=SPIN\n0 0 1.000000\n0 1 -1.000000\n1 1 2.000000");
  const IsingModel m = read_coo_ising(p);
  ASSERT_EQ(m.size(), 2);
  for (uint64_t b = 0; b < 4; ++b) {
    auto s = spins_of(b, 2);
    const double dimod_energy = 1.0 * s[0] + 2.0 * s[1] - 1.0 * s[0] * s[1];
    EXPECT_EQ(m.energy(s), dimod_energy);
  }
  // No header: the caller's choice decides.
  const std::string p2 = write_text("plain.coo", "0 0 -1\n0 1 1\n1 2 -4.5\n");
  const Qubo q = read_coo_qubo(p2);
  EXPECT_EQ(q.n, 3);
  EXPECT_FALSE(read_coo(p2).vartype.has_value());
  EXPECT_EQ(read_coo_ising(p2).size(), 3);
}

// ---- the offset relations, exactly, for every state ----------------------------------------

TEST(FormatsEnergy, IsingQuboMaxCutAgreeForEveryState) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const int n = 4 + static_cast<int>(seed);  // 5 .. 10 spins
    const IsingModel m = integer_model(n, seed, seed % 2 == 0);
    const Qubo q = ising_to_qubo(m);
    const std::string pq = (scratch() / "e.qubo").string(), pc = (scratch() / "e.coo").string(),
                      pi = (scratch() / "e_ising.coo").string(),
                      pg = (scratch() / "e.gset").string();
    write_qubo(pq, q);
    write_coo(pc, q);
    write_coo(pi, m);
    const Qubo q_file = read_qubo(pq), q_coo = read_coo_qubo(pc);
    const IsingModel m_back = qubo_to_ising(q_file), m_coo = read_coo_ising(pi);
    double constant = 0.0;
    const Graph g = ising_to_maxcut(m, &constant);
    write_gset(pg, g);
    const MaxCutInstance inst = read_gset(pg);
    for (uint64_t b = 0; b < (uint64_t{1} << n); ++b) {
      const auto s = spins_of(b, n);
      const auto x = bits_of(s);
      const double e = m.energy(s);
      // E_ising(s) = E_qubo(x) with x = (1 + s)/2; the QUBO's offset carries the constant.
      ASSERT_EQ(q.value(x), e) << "seed " << seed << " state " << b;
      ASSERT_EQ(q_file.value(x), e);
      ASSERT_EQ(q_coo.value(x), e);
      ASSERT_EQ(m_back.energy(s), e);
      ASSERT_EQ(m_coo.energy(s), e);
      // E(s) = constant - cut(s, s_ghost = +1), the ghost vertex n standing for the fields.
      std::vector<Spin> sg(s);
      if (g.num_vertices() > n) sg.push_back(1);
      ASSERT_EQ(e, constant - cut_value(g, sg));
      ASSERT_EQ(inst.cut(sg), cut_value(g, sg));
      // And back: the MaxCut instance as an Ising model has energy -cut exactly.
      ASSERT_EQ(inst.to_ising().energy(sg), -inst.cut(sg));
    }
  }
}

// ---- Gset ---------------------------------------------------------------------------------

TEST(Gset, SmallInstanceCutByHand) {
  const std::string p = write_text("tiny.gset", "4 5 \n1 2 1\n2 3 -1\n3 4 1\n4 1 2\n\n2 4 3\n");
  const MaxCutInstance inst = read_gset(p);
  EXPECT_EQ(inst.graph.num_vertices(), 4);
  EXPECT_EQ(inst.declared_edges, 5);
  const std::vector<Spin> s = {1, 1, -1, -1};
  // Cut edges: (2,3) w=-1, (4,1) w=2, (2,4) w=3 -> 4.
  EXPECT_EQ(inst.cut(s), 4.0);
  EXPECT_EQ(inst.to_ising().energy(s), -4.0);
  EXPECT_EQ(inst.cut(cold_state(4)), 0.0);
}

TEST(Gset, ReadsG1AndBestKnown) {
  const fs::path dir = shared_dir() / "data" / "gset";
  if (!fs::exists(dir / "G1")) GTEST_SKIP() << "no Gset data at " << dir << " (set SPINLAB_SHARED)";
  const MaxCutInstance g1 = read_gset((dir / "G1").string());
  EXPECT_EQ(g1.graph.num_vertices(), 800);
  EXPECT_EQ(g1.declared_edges, 19176);
  EXPECT_EQ(g1.graph.num_edges(), 19176);  // no repeated edges in G1
  EXPECT_EQ(g1.cut(cold_state(800)), 0.0);
  // Alternating state: count the cut edges straight from the file, independently of the reader.
  std::vector<Spin> s(800);
  for (int i = 0; i < 800; ++i) s[i] = i % 2 == 0 ? 1 : -1;
  std::ifstream in(dir / "G1");
  int64_t n, m, hand = 0;
  in >> n >> m;
  for (int64_t k = 0; k < m; ++k) {
    int64_t i, j, w;
    in >> i >> j >> w;
    if ((i - 1) % 2 != (j - 1) % 2) hand += w;
  }
  ASSERT_TRUE(in);
  EXPECT_GT(hand, 0);
  EXPECT_EQ(g1.cut(s), static_cast<double>(hand));
  EXPECT_EQ(g1.to_ising().energy(s), -static_cast<double>(hand));

  const auto best = read_gset_best_known((dir / "best_known.csv").string());
  EXPECT_EQ(best.size(), 71u);
  EXPECT_EQ(best.at("G1"), 11624);
  EXPECT_EQ(best.at("G81"), 14060);
  // Every listed instance with its file present reads back with the listed size.
  const MaxCutInstance g81 = read_gset((dir / "G81").string());
  EXPECT_EQ(g81.graph.num_vertices(), 20000);
  EXPECT_EQ(g81.declared_edges, 40000);
}

TEST(Gset, BestKnownCsvQuoting) {
  const std::string p = write_text("best.csv",
                                   "name,n,m,best_known,source\n"
                                   "A,1,0,5,\"x, \"\"quoted\"\", y\"\n"
                                   "B,2,1,-3,plain\n");
  const auto best = read_gset_best_known(p);
  ASSERT_EQ(best.size(), 2u);
  EXPECT_EQ(best.at("A"), 5);
  EXPECT_EQ(best.at("B"), -3);
}

// ---- malformed input: InputError naming file and line -------------------------------------

TEST(FormatsErrors, GsetNamesFileAndLine) {
  auto gset = [](const std::string& name, const std::string& text) {
    const std::string p = write_text(name, text);
    return std::pair{p, [p] { read_gset(p); }};
  };
  {
    auto [p, f] = gset("few.gset", "3 3\n1 2 1\n2 3 1\n");
    expect_input_error(f, p + ":1:", "m = 3");
  }
  {
    auto [p, f] = gset("many.gset", "3 1\n1 2 1\n2 3 1\n");
    expect_input_error(f, p + ":3:", "more edges");
  }
  {
    auto [p, f] = gset("word.gset", "3 2\n1 2 1\n2 x 1\n");
    expect_input_error(f, p + ":3:", "integers");
  }
  {
    auto [p, f] = gset("range.gset", "3 2\n1 2 1\n0 3 1\n");
    expect_input_error(f, p + ":3:", "1..3");
  }
  {
    auto [p, f] = gset("range2.gset", "3 2\n1 2 1\n2 4 1\n");
    expect_input_error(f, p + ":3:", "1..3");
  }
  {
    auto [p, f] = gset("nan.gset", "3 2\n1 2 nan\n2 3 1\n");
    expect_input_error(f, p + ":2:", "finite");
  }
  {
    auto [p, f] = gset("inf.gset", "3 2\n1 2 1\n2 3 1e999\n");
    expect_input_error(f, p + ":3:", "finite");
  }
  {
    auto [p, f] = gset("header2.gset", "3 2\n3 2\n1 2 1\n2 3 1\n");
    expect_input_error(f, p + ":2:", "second header");
  }
  {
    auto [p, f] = gset("loop.gset", "3 1\n2 2 1\n");
    expect_input_error(f, p + ":2:", "self-loop");
  }
  {
    auto [p, f] = gset("junk.gset", "3 1\n1 2 1x\n");
    expect_input_error(f, p + ":2:", "finite");
  }
  {
    auto [p, f] = gset("badheader.gset", "3\n1 2 1\n");
    expect_input_error(f, p + ":1:", "header");
  }
  {
    auto [p, f] = gset("empty.gset", "\n\n");
    expect_input_error(f, p + ":", "empty");
  }
  expect_input_error([] { read_gset("/nonexistent/G1"); }, "/nonexistent/G1", "cannot open");
  expect_input_error([] { read_gset(scratch().string()); }, scratch().string(), "directory");
}

TEST(FormatsErrors, QuboNamesFileAndLine) {
  auto check = [](const std::string& name, const std::string& text, const std::string& line,
                  const std::string& what) {
    const std::string p = write_text(name, text);
    expect_input_error([p] { read_qubo(p); }, p + ":" + line + ":", what);
  };
  check("dup.qubo", "p qubo 0 2 1 0\np qubo 0 2 1 0\n0 0 1\n", "2", "second 'p qubo'");
  check("early.qubo", "c x\n0 0 1\np qubo 0 2 1 0\n", "2", "before");
  check("fewdiag.qubo", "c x\np qubo 0 2 2 1\n0 0 1\n0 1 1\n", "2", "declares");
  check("manyelem.qubo", "p qubo 0 3 0 1\n0 1 1\n1 2 1\n", "3", "nElements");
  check("range.qubo", "p qubo 0 2 0 1\n0 2 1\n", "2", "outside");
  check("nan.qubo", "p qubo 0 2 1 0\n1 1 NaN\n", "2", "finite");
  check("word.qubo", "p qubo 0 2 1 0\n1 one 1\n", "2", "integers");
  check("fields.qubo", "p qubo 0 2 1 0\n1 1\n", "2", "3 fields");
  check("header.qubo", "p qubo 0 2 x 0\n", "1", "integers");
  check("offset.qubo", "c offset : abc\np qubo 0 1 0 0\n", "1", "offset");
  const std::string p = write_text("nohead.qubo", "c nothing\n");
  expect_input_error([p] { read_qubo(p); }, p + ":", "header");
}

TEST(FormatsErrors, CooAndSolutionNameFileAndLine) {
  auto coo = [](const std::string& name, const std::string& text, const std::string& line,
                const std::string& what) {
    const std::string p = write_text(name, text);
    expect_input_error([p] { read_coo(p); }, p + ":" + line + ":", what);
  };
  coo("nan.coo", "0 0 1\n0 1 nan\n", "2", "finite");
  coo("word.coo", "0 0 1\n0 b 1\n", "2", "integers");
  coo("neg.coo", "0 -1 1\n", "1", "outside");
  coo("fields.coo", "0 1 2 3\n", "1", "3 fields");
  coo("vt.coo", "# vartype=SPIN\n# vartype=BINARY\n", "2", "vartype");
  coo("vt2.coo", "# vartype=TERNARY\n", "1", "vartype");

  auto sol = [](const std::string& name, const std::string& text, int32_t n,
                const std::string& where, const std::string& what) {
    const std::string p = write_text(name, text);
    expect_input_error([p, n] { read_cut_solution(p, n); }, p + where, what);
  };
  sol("twice.sol", "1 0\n2 1\n1 1\n", 2, ":3:", "twice");
  sol("range.sol", "1 0\n3 1\n", 2, ":2:", "outside");
  sol("zero.sol", "0 0\n1 1\n", 2, ":1:", "outside");  // 1-based by default
  sol("mixed.sol", "1 0\n2 -1\n", 2, ":2:", "mixes");
  sol("label.sol", "1 2\n", 1, ":1:", "label");
  sol("missing.sol", "# header\n1 1\n3 0\n", 3, ":", "vertex 2 is missing");

  const std::string p = write_text("bad.csv", "name,best_known\nG1,11624\nG2,1.5\n");
  expect_input_error([p] { read_gset_best_known(p); }, p + ":3:", "integer");
  const std::string p2 = write_text("bad2.csv", "name,best_known\nG1,11624,3\n");
  expect_input_error([p2] { read_gset_best_known(p2); }, p2 + ":2:", "fields");
  const std::string p3 = write_text("bad3.csv", "name,n\nG1,800\n");
  expect_input_error([p3] { read_gset_best_known(p3); }, p3 + ":1:", "best_known");
}

// ---- MaxCut solution files ----------------------------------------------------------------

TEST(CutSolution, RoundTripsInBothLabelStylesAndBases) {
  Rng rng(9, 0);
  const std::vector<Spin> s = hot_state(37, rng);
  for (CutLabels labels : {CutLabels::Side01, CutLabels::Spin})
    for (int base : {0, 1}) {
      const std::string p = (scratch() / "cut.sol").string();
      write_cut_solution(p, s, labels, base, "instance test\ncut 12");
      EXPECT_EQ(read_cut_solution(p, 37, base), s);
    }
  // Order does not matter; "+1" is a spin.
  const std::string p = write_text("shuffled.sol", "3 +1\n1 -1\n2 1\n");
  EXPECT_EQ(read_cut_solution(p, 3), (std::vector<Spin>{-1, 1, 1}));
  expect_input_error([] { read_cut_solution((scratch() / "cut.sol").string(), 36, 1); },
                     "cut.sol:", "outside");
}

// ---- generators ---------------------------------------------------------------------------

namespace {

bool same_couplings(const IsingModel& a, const IsingModel& b) {
  if (a.size() != b.size() || a.graph().num_edges() != b.graph().num_edges()) return false;
  for (int64_t k = 0; k < a.graph().num_edges(); ++k) {
    const Edge &x = a.graph().edges()[k], &y = b.graph().edges()[k];
    if (x.i != y.i || x.j != y.j || x.w != y.w) return false;
  }
  return true;
}

// The CSR arrays hold every coupling from both ends with the same value.
void expect_symmetric_csr(const Graph& g) {
  auto off = g.offsets();
  auto nb = g.neighbors();
  auto w = g.weights();
  std::map<std::pair<int32_t, int32_t>, double> seen;
  for (int32_t v = 0; v < g.num_vertices(); ++v)
    for (int64_t k = off[v]; k < off[v + 1]; ++k) seen[{v, nb[k]}] = w[k];
  for (const auto& [key, val] : seen) {
    auto it = seen.find({key.second, key.first});
    ASSERT_NE(it, seen.end());
    EXPECT_EQ(it->second, val);
  }
}

}  // namespace

TEST(SpinGlass, SherringtonKirkpatrickCountsSeedAndPrefix) {
  const IsingModel dense = sherrington_kirkpatrick(50, Disorder::Gaussian, 7);
  EXPECT_TRUE(dense.graph().is_dense());
  EXPECT_EQ(dense.graph().weights().size(), 50u * 50u);  // n x n, no index arrays
  EXPECT_THROW(dense.graph().edges(), std::logic_error);
  EXPECT_THROW(dense.graph().offsets(), std::logic_error);
  // The same couplings in CSR form (to_sparse) for the edge-wise checks below.
  const IsingModel a(dense.graph().to_sparse());
  EXPECT_EQ(a.size(), 50);
  EXPECT_EQ(dense.graph().num_edges(), 50 * 49 / 2);
  EXPECT_EQ(a.graph().num_edges(), 50 * 49 / 2);
  EXPECT_FALSE(a.has_field());
  EXPECT_EQ(a.offset(), 0.0);
  for (int32_t v = 0; v < 50; ++v) EXPECT_EQ(a.graph().degree(v), 49);
  for (int32_t v = 0; v < 50; ++v) EXPECT_EQ(dense.graph().degree(v), 49);
  expect_symmetric_csr(a.graph());
  for (const Edge& e : a.graph().edges()) EXPECT_EQ(dense.graph().weights()[e.i * 50 + e.j], e.w);
  auto sparse_sk = [](int32_t n, Disorder d, uint64_t seed) {
    return IsingModel(sherrington_kirkpatrick(n, d, seed).graph().to_sparse());
  };
  EXPECT_TRUE(same_couplings(a, sparse_sk(50, Disorder::Gaussian, 7)));
  EXPECT_FALSE(same_couplings(a, sparse_sk(50, Disorder::Gaussian, 8)));
  // J_ij = x_ij / sqrt(N) with x_ij independent of N.
  const IsingModel small = sparse_sk(20, Disorder::Gaussian, 7);
  std::map<std::pair<int32_t, int32_t>, double> big;
  for (const Edge& e : a.graph().edges()) big[{e.i, e.j}] = e.w;
  for (const Edge& e : small.graph().edges())
    EXPECT_NEAR(e.w * std::sqrt(20.0), big.at({e.i, e.j}) * std::sqrt(50.0), 1e-12);
  const IsingModel pm = sparse_sk(30, Disorder::PlusMinusOne, 3);
  for (const Edge& e : pm.graph().edges()) EXPECT_EQ(std::fabs(e.w), 1.0 / std::sqrt(30.0));
  EXPECT_THROW(sherrington_kirkpatrick(1, Disorder::Gaussian, 1), InputError);
  EXPECT_THROW(sherrington_kirkpatrick(40001, Disorder::Gaussian, 1), InputError);
}

TEST(SpinGlass, SherringtonKirkpatrickCouplingStatistics) {
  // N = 400: 79800 couplings. Gaussian: mean 0 (sd 1/sqrt(N M)), N var = 1 (sd sqrt(2/M)),
  // fourth moment N^2 <J^4> = 3 (sd sqrt(96/M)); +-1: P(J > 0) = 1/2 (sd 1/(2 sqrt M)). |z| < 4.
  const int n = 400;
  const IsingModel g(sherrington_kirkpatrick(n, Disorder::Gaussian, 2024).graph().to_sparse());
  const double M = static_cast<double>(g.graph().num_edges());
  double s1 = 0, s2 = 0, s4 = 0;
  for (const Edge& e : g.graph().edges()) {
    const double x = e.w * std::sqrt(static_cast<double>(n));
    s1 += x;
    s2 += x * x;
    s4 += x * x * x * x;
  }
  EXPECT_LT(std::fabs(s1 / M) / std::sqrt(1.0 / M), 4.0) << "mean " << s1 / M;
  EXPECT_LT(std::fabs(s2 / M - 1.0) / std::sqrt(2.0 / M), 4.0) << "N var " << s2 / M;
  EXPECT_LT(std::fabs(s4 / M - 3.0) / std::sqrt(96.0 / M), 4.0) << "kurtosis " << s4 / M;
  const IsingModel pm(sherrington_kirkpatrick(n, Disorder::PlusMinusOne, 2024).graph().to_sparse());
  double pos = 0;
  for (const Edge& e : pm.graph().edges()) pos += e.w > 0;
  EXPECT_LT(std::fabs(pos / M - 0.5) / (0.5 / std::sqrt(M)), 4.0) << "P(J>0) " << pos / M;
}

TEST(SpinGlass, EdwardsAndersonLattices) {
  const IsingModel sq = edwards_anderson(2, 8, Disorder::PlusMinusOne, 5);
  ASSERT_NE(sq.lattice(), nullptr);
  EXPECT_EQ(sq.size(), 64);
  EXPECT_EQ(sq.graph().num_edges(), 128);
  for (int32_t v = 0; v < 64; ++v) EXPECT_EQ(sq.graph().degree(v), 4);
  for (const Edge& e : sq.graph().edges()) EXPECT_EQ(std::fabs(e.w), 1.0);
  expect_symmetric_csr(sq.graph());
  EXPECT_TRUE(same_couplings(sq, edwards_anderson(2, 8, Disorder::PlusMinusOne, 5)));
  EXPECT_FALSE(same_couplings(sq, edwards_anderson(2, 8, Disorder::PlusMinusOne, 6)));
  // The lattice keeps the per-bond J, and energies agree with a direct sum over its bonds.
  const Lattice& lat = *sq.lattice();
  Rng rng(1, 0);
  for (int rep = 0; rep < 5; ++rep) {
    auto s = hot_state(64, rng);
    double e = 0;
    for (int32_t site = 0; site < 64; ++site)
      for (int d = 0; d < 2; ++d) e -= lat.bond(site, d) * s[site] * s[lat.neighbor(site, d, 1)];
    EXPECT_EQ(sq.energy(s), e);
  }
  const IsingModel cube = edwards_anderson(3, 4, Disorder::Gaussian, 5);
  EXPECT_EQ(cube.size(), 64);
  EXPECT_EQ(cube.graph().num_edges(), 192);
  for (int32_t v = 0; v < 64; ++v) EXPECT_EQ(cube.graph().degree(v), 6);
  const IsingModel open = edwards_anderson(2, 5, Disorder::Gaussian, 5, Boundary::Open);
  EXPECT_EQ(open.graph().num_edges(), 2 * 5 * 4);
  EXPECT_THROW(edwards_anderson(4, 4, Disorder::Gaussian, 1), InputError);
  EXPECT_THROW(edwards_anderson(2, 1, Disorder::Gaussian, 1), InputError);  // periodic L = 1

  // Gaussian bonds of a 16^3 torus (12288): mean 0, variance 1 within 4 sigma.
  const IsingModel big = edwards_anderson(3, 16, Disorder::Gaussian, 77);
  const double M = static_cast<double>(big.graph().num_edges());
  ASSERT_EQ(M, 3.0 * 4096);
  double s1 = 0, s2 = 0;
  for (const Edge& e : big.graph().edges()) {
    s1 += e.w;
    s2 += e.w * e.w;
  }
  EXPECT_LT(std::fabs(s1 / M) * std::sqrt(M), 4.0);
  EXPECT_LT(std::fabs(s2 / M - 1.0) / std::sqrt(2.0 / M), 4.0);
}

TEST(SpinGlass, RandomRegularIsSimpleAndRegular) {
  for (auto [n, d] : {std::pair{1000, 3}, {50, 7}, {7, 4}, {20, 10}, {2, 1}, {9, 8}}) {
    const IsingModel m = random_regular(n, d, Disorder::PlusMinusOne, 42);
    ASSERT_EQ(m.size(), n);
    // Graph merges repeated edges: n d / 2 edges means none were repeated; it rejects loops.
    EXPECT_EQ(m.graph().num_edges(), static_cast<int64_t>(n) * d / 2) << n << " " << d;
    for (int32_t v = 0; v < n; ++v) ASSERT_EQ(m.graph().degree(v), d);
    for (const Edge& e : m.graph().edges()) {
      EXPECT_NE(e.i, e.j);
      EXPECT_EQ(std::fabs(e.w), 1.0);
    }
    expect_symmetric_csr(m.graph());
  }
  const IsingModel a = random_regular(200, 3, Disorder::Gaussian, 1);
  EXPECT_TRUE(same_couplings(a, random_regular(200, 3, Disorder::Gaussian, 1)));
  EXPECT_FALSE(same_couplings(a, random_regular(200, 3, Disorder::Gaussian, 2)));
  // Different graphs for different seeds, not just different couplings.
  std::set<std::pair<int32_t, int32_t>> ea, eb;
  for (const Edge& e : a.graph().edges()) ea.insert({e.i, e.j});
  for (const Edge& e : random_regular(200, 3, Disorder::Gaussian, 2).graph().edges())
    eb.insert({e.i, e.j});
  EXPECT_NE(ea, eb);
  EXPECT_THROW(random_regular(7, 3, Disorder::Gaussian, 1), InputError);  // n d odd
  EXPECT_THROW(random_regular(5, 5, Disorder::Gaussian, 1), InputError);  // degree >= n
  EXPECT_THROW(random_regular(5, 0, Disorder::Gaussian, 1), InputError);
}

TEST(SpinGlass, DisorderNames) {
  EXPECT_EQ(parse_disorder(disorder_name(Disorder::Gaussian)), Disorder::Gaussian);
  EXPECT_EQ(parse_disorder(disorder_name(Disorder::PlusMinusOne)), Disorder::PlusMinusOne);
  EXPECT_THROW(parse_disorder("cauchy"), InputError);
}

// The state writer and reader agree: 70 spins over three lines, a comment, read back exactly.
TEST(SpinState, FormatReadsBack) {
  Rng r(4, 0);
  std::vector<Spin> s(70);
  for (Spin& x : s) x = r.uniform() < 0.5 ? 1 : -1;
  const std::string p = write_text("state.txt", format_spin_state(s, "a test state"));
  EXPECT_EQ(read_spin_state(p, 70), s);
  EXPECT_THROW(read_spin_state(p, 71), InputError);
}
