// The web lab's request handlers without a network: protocol parsing, bad messages, limits,
// the simulation registry, and frames (bit layout, E and M consistent with the spins).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <thread>

#include "core/error.hpp"
#include "exact/oracles.hpp"
#include "web/frame.hpp"
#include "core/rng.hpp"
#include "probe/site_function.hpp"
#include "sample/move.hpp"
#include "web/lab.hpp"
#include "web/views.hpp"

using namespace spinlab;
using namespace spinlab::web;
using nlohmann::json;

namespace {

std::string b64(const std::string& s) {
  std::string out;
  base64_append(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()), out);
  return out;
}

json body_of(const ApiResponse& r) { return json::parse(r.body); }

// The next frame of a simulation after seq (fails the test on a 5 s timeout).
json next_frame(Simulation& sim, uint64_t& seq) {
  auto f = sim.wait_frame(seq, std::chrono::milliseconds(5000));
  EXPECT_TRUE(f.has_value());
  if (!f) return json::object();
  seq = f->seq;
  return json::parse(*f->json);
}

// Frames until `done` holds for one (returned) or `seconds` pass (the last frame returned).
json frame_when(Simulation& sim, const std::function<bool(const json&)>& done, int seconds) {
  uint64_t seq = 0;
  json f = next_frame(sim, seq);
  const auto t0 = std::chrono::steady_clock::now();
  while (!done(f) && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(seconds)) f = next_frame(sim, seq);
  return f;
}

// A lab whose frames are not paced (the tests wait for statistics, not for the clock) with one
// simulation made from `config`.
struct FastLab {
  LabLimits limits = [] {
    LabLimits l;
    l.max_fps = 1000;
    return l;
  }();
  Lab lab{limits};
  std::string id;
  std::shared_ptr<Simulation> sim;
  explicit FastLab(const std::string& config) {
    const ApiResponse r = lab.create(config);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return;
    id = body_of(r)["id"];
    sim = lab.find(id);
  }
  ~FastLab() { lab.shutdown(); }
};

}  // namespace

TEST(WebFrame, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(b64(""), "");
  EXPECT_EQ(b64("f"), "Zg==");
  EXPECT_EQ(b64("fo"), "Zm8=");
  EXPECT_EQ(b64("foo"), "Zm9v");
  EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
  std::vector<uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
  std::string t;
  base64_append(all, t);
  EXPECT_EQ(base64_decode(t), all);
  EXPECT_THROW(base64_decode("Zm9"), InputError);
  EXPECT_THROW(base64_decode("Zm$v"), InputError);
  EXPECT_THROW(base64_decode("Z=9v"), InputError);
}

TEST(WebFrame, PacksRowMajorLeastSignificantBitFirst) {
  std::vector<Spin> s(12, Spin{-1});
  s[0] = s[3] = s[8] = s[11] = 1;
  std::vector<uint8_t> out;
  pack_spins_rowmajor(s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], 0b00001001);
  EXPECT_EQ(out[1], 0b00001001);
}

TEST(WebProtocol, CreateDefaultsAndFields) {
  LabLimits lim;
  SimConfig c = parse_sim_config("{}", lim);
  EXPECT_EQ(c.L, 256);
  EXPECT_EQ(c.algo, "metropolis");
  c = parse_sim_config(R"({"L":512,"beta":0.44,"algo":"sw","start":"cold","sweeps_per_frame":3,"seed":7})", lim);
  EXPECT_EQ(c.L, 512);
  EXPECT_DOUBLE_EQ(c.beta, 0.44);
  EXPECT_EQ(c.algo, "sw");
  EXPECT_EQ(c.start, "cold");
  EXPECT_EQ(c.sweeps_per_frame, 3);
  EXPECT_EQ(c.seed, 7u);
}

TEST(WebProtocol, CreateRejectsBadMessages) {
  LabLimits lim;
  lim.max_size = 1024;
  for (const char* bad : {"", "nul", "[1,2]", "42", R"("L")", R"({"L":256,})", R"({"size":256})",
                          R"({"L":"256"})", R"({"L":100})", R"({"L":2048})", R"({"L":-64})",
                          R"({"L":1e3})", R"({"L":18446744073709551615})", R"({"beta":"0.3"})",
                          R"({"beta":0.05})", R"({"beta":1.5})", R"({"beta":1e400})", R"({"beta":NaN})",
                          R"({"beta":null})", R"({"algo":"glauber"})", R"({"algo":1})", R"({"start":"warm"})",
                          R"({"sweeps_per_frame":0})", R"({"sweeps_per_frame":1.5})",
                          R"({"L":1024,"sweeps_per_frame":1000})", R"({"seed":-1})"}) {
    EXPECT_THROW(parse_sim_config(bad, lim), InputError) << bad;
  }
  LabLimits big;
  big.max_size = 4096;
  EXPECT_EQ(parse_sim_config(R"({"L":4096})", big).L, 4096);  // the packed kernel goes to 4096
  EXPECT_THROW(parse_sim_config(R"({"L":2048,"algo":"wolff"})", big), InputError);
  EXPECT_THROW(parse_command(R"({"cmd":"set","algo":"sw"})", 2048, big), InputError);
  EXPECT_THROW(parse_command(R"({"cmd":"probe","h":1})", 2048, big), InputError);
  const std::string huge = "{\"pad\":\"" + std::string(5000, 'x') + "\"}";
  EXPECT_THROW(parse_sim_config(huge, lim), InputError);
}

TEST(WebProtocol, Commands) {
  LabLimits lim;
  SimCommand c = parse_command(R"({"cmd":"set","beta":0.5,"algo":"wolff","sweeps_per_frame":2})", 256, lim);
  EXPECT_DOUBLE_EQ(*c.beta, 0.5);
  EXPECT_EQ(*c.algo, "wolff");
  EXPECT_EQ(*c.sweeps_per_frame, 2);
  c = parse_command(R"({"cmd":"start","state":"cold"})", 256, lim);
  EXPECT_EQ(*c.start, "cold");
  c = parse_command(R"({"cmd":"step","frames":3})", 256, lim);
  EXPECT_EQ(c.steps, 3);
  EXPECT_TRUE(*c.paused);
  EXPECT_FALSE(*parse_command(R"({"cmd":"resume"})", 256, lim).paused);
  c = parse_command(R"({"cmd":"probe","rect":[10,20,30,40],"h":-2.5})", 256, lim);
  EXPECT_EQ(**c.rect, (std::array<int, 4>{10, 20, 30, 40}));
  EXPECT_DOUBLE_EQ(*c.probe_h, -2.5);
  c = parse_command(R"({"cmd":"probe","rect":null})", 256, lim);
  ASSERT_TRUE(c.rect.has_value());
  EXPECT_FALSE(c.rect->has_value());
  for (const char* bad : {R"({})", R"({"cmd":"explode"})", R"({"cmd":7})", R"({"cmd":"set"})",
                          R"({"cmd":"set","beta":"hot"})", R"({"cmd":"set","beta":0.3,"x":1})",
                          R"({"cmd":"start"})", R"({"cmd":"start","state":1})", R"({"cmd":"pause","now":true})",
                          R"({"cmd":"step","frames":0})", R"({"cmd":"step","frames":1000})",
                          R"({"cmd":"set","sweeps_per_frame":100000})", R"({"cmd":"probe"})",
                          R"({"cmd":"probe","rect":[0,0,300,10]})", R"({"cmd":"probe","rect":[5,0,5,10]})",
                          R"({"cmd":"probe","rect":[0,0,10]})", R"({"cmd":"probe","rect":"all"})",
                          R"({"cmd":"probe","rect":[-1,0,10,10]})", R"({"cmd":"probe","h":11})",
                          R"({"cmd":"probe","h":"up"})", R"({"cmd":"probe","h":1e999})"}) {
    EXPECT_THROW(parse_command(bad, 256, lim), InputError) << bad;
  }
}

TEST(WebLab, StatusCodesAndLimits) {
  LabLimits lim;
  lim.max_sims = 2;
  lim.max_size = 256;
  Lab lab(lim);
  EXPECT_EQ(lab.create(R"({"L":512})").status, 400);
  EXPECT_NE(body_of(lab.create(R"({"L":512})"))["error"].get<std::string>().find("limit 256"), std::string::npos);
  EXPECT_EQ(lab.create("{\"x\":\"" + std::string(5000, 'y') + "\"}").status, 413);
  const auto a = lab.create(R"({"L":64})"), b = lab.create(R"({"L":64,"algo":"wolff"})");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(lab.count(), 2);
  const auto c = lab.create(R"({"L":64})");
  EXPECT_EQ(c.status, 503);
  EXPECT_NE(body_of(c)["error"].get<std::string>().find("too many"), std::string::npos);
  const std::string ida = body_of(a)["id"];
  EXPECT_EQ(lab.command(ida, R"({"cmd":"nope"})").status, 400);
  EXPECT_EQ(lab.command(ida, R"({"cmd":"pause"})").status, 200);
  EXPECT_EQ(lab.command("0123456789abcdef", R"({"cmd":"pause"})").status, 404);
  EXPECT_EQ(lab.close(ida).status, 200);
  EXPECT_EQ(lab.close(ida).status, 404);
  EXPECT_EQ(lab.count(), 1);
  EXPECT_EQ(lab.create(R"({"L":64})").status, 200);  // room again
  // Idle reaping: nothing is idle now, everything is an hour from now.
  const auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(lab.reap_idle(now), 0);
  EXPECT_EQ(lab.reap_idle(now + std::chrono::hours(1)), 2);
  EXPECT_EQ(lab.count(), 0);
  lab.shutdown();
  EXPECT_EQ(lab.create("{}").status, 503);
}

TEST(WebLab, ExactAndInfo) {
  Lab lab(LabLimits{});
  EXPECT_EQ(lab.exact("abc").status, 400);
  EXPECT_EQ(lab.exact("0.3x").status, 400);
  EXPECT_EQ(lab.exact("nan").status, 400);
  EXPECT_EQ(lab.exact("-1").status, 400);
  const auto r = lab.exact("0.5");
  ASSERT_EQ(r.status, 200);
  EXPECT_DOUBLE_EQ(body_of(r)["e"].get<double>(), onsager(0.5).energy_per_spin);
  EXPECT_GT(body_of(r)["abs_m"].get<double>(), 0.9);
  const json info = body_of(lab.info());
  EXPECT_NEAR(info["beta_c"].get<double>(), 0.440687, 1e-6);
  EXPECT_EQ(info["sizes"].back().get<int>(), 1024);
}

// Frames carry the spins; E/N and M/N must be those of the spins sent, for every algorithm
// (packed Metropolis/heat-bath and the byte-state cluster moves, and switches between them).
TEST(WebSimulation, FramesAreConsistentWithTheirSpins) {
  Lab lab(LabLimits{});
  const auto r = lab.create(R"({"L":64,"beta":0.4,"start":"hot","seed":3})");
  ASSERT_EQ(r.status, 200);
  auto sim = lab.find(body_of(r)["id"]);
  ASSERT_TRUE(sim);
  uint64_t seq = 0;
  for (const char* algo : {"metropolis", "wolff", "heatbath", "sw", "metropolis"}) {
    ASSERT_EQ(lab.command(body_of(r)["id"], std::string(R"({"cmd":"set","algo":")") + algo + "\"}").status, 200);
    for (int k = 0; k < 4; ++k) {
      const json f = next_frame(*sim, seq);
      ASSERT_TRUE(f.contains("spins"));
      const auto bits = base64_decode(f["spins"]);
      ASSERT_EQ(bits.size(), 64u * 64 / 8);
      auto at = [&](int x, int y) { const int i = x + 64 * y; return (bits[i >> 3] >> (i & 7)) & 1 ? 1 : -1; };
      int64_t m = 0, bonds = 0;
      for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
          m += at(x, y);
          bonds += at(x, y) * (at((x + 1) % 64, y) + at(x, (y + 1) % 64));
        }
      EXPECT_DOUBLE_EQ(f["m"].get<double>(), m / 4096.0) << algo;
      EXPECT_DOUBLE_EQ(f["e"].get<double>(), -bonds / 4096.0) << algo;
    }
  }
  lab.shutdown();
}

// Cold start at beta = 0.2 (disordered): |M|/N must fall from 1 to below 0.2 within seconds.
TEST(WebSimulation, ColdStartMeltsAtHighTemperature) {
  Lab lab(LabLimits{});
  const auto r = lab.create(R"({"L":128,"beta":0.2,"start":"cold","sweeps_per_frame":2})");
  auto sim = lab.find(body_of(r)["id"]);
  ASSERT_TRUE(sim);
  uint64_t seq = 0;
  json f = next_frame(*sim, seq);
  EXPECT_DOUBLE_EQ(f["abs_m"].get<double>(), 1.0);  // the first frame is the start state
  EXPECT_DOUBLE_EQ(f["m"].get<double>(), -1.0);
  const auto t0 = std::chrono::steady_clock::now();
  while (f["abs_m"].get<double>() >= 0.2 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5))
    f = next_frame(*sim, seq);
  EXPECT_LT(f["abs_m"].get<double>(), 0.2);
  // Pause, then one step advances exactly one frame of sweeps.
  lab.command(body_of(r)["id"], R"({"cmd":"pause"})");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  seq = sim->latest().seq;
  const int64_t sweeps = json::parse(*sim->latest().json)["sweeps"];
  EXPECT_FALSE(sim->wait_frame(seq, std::chrono::milliseconds(200)).has_value());
  lab.command(body_of(r)["id"], R"({"cmd":"step"})");
  f = next_frame(*sim, seq);
  EXPECT_EQ(f["sweeps"].get<int64_t>(), sweeps + 2);
  EXPECT_TRUE(f["paused"].get<bool>());
  lab.shutdown();
}

// The running average of E/N at beta = 0.3 (correlation length ~ 1, so L = 64 is the infinite
// lattice up to exponentially small terms) agrees with Onsager's value within 5 errors.
TEST(WebSimulation, RunningAveragesHaveErrors) {
  LabLimits lim;
  lim.max_fps = 1000;
  Lab lab(lim);
  const auto r = lab.create(R"({"L":64,"beta":0.3,"algo":"metropolis","sweeps_per_frame":2})");
  auto sim = lab.find(body_of(r)["id"]);
  uint64_t seq = 0;
  json f = next_frame(*sim, seq);
  const auto t0 = std::chrono::steady_clock::now();
  while ((f["avg"]["e"].is_null() || f["avg"]["e"]["frames"].get<int>() < 400) &&
         std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10))
    f = next_frame(*sim, seq);
  ASSERT_FALSE(f["avg"]["e"].is_null());
  const double mean = f["avg"]["e"]["mean"], err = f["avg"]["e"]["error"];
  EXPECT_GT(err, 0.0);
  EXPECT_LT(std::fabs(mean - onsager(0.3).energy_per_spin), 5 * err);
  EXPECT_DOUBLE_EQ(f["exact"]["e"].get<double>(), onsager(0.3).energy_per_spin);
  lab.shutdown();
}

// Probe view: a field h = +10 on a rectangle of a cold (-1) lattice at beta = 0.44 pulls the
// rectangle to +1 (the field runs on the byte state with per-site fields, for every algorithm);
// (at h = 10 nearly every frame has M_rect/|R| = 1 exactly, so its error may be 0).
TEST(WebSimulation, ProbeFieldPullsTheRectangle) {
  LabLimits lim;
  lim.max_fps = 1000;
  Lab lab(lim);
  for (const char* algo : {"metropolis", "wolff"}) {
    const auto r = lab.create(std::string(R"({"L":64,"beta":0.44,"start":"cold","algo":")") + algo + "\"}");
    const std::string id = body_of(r)["id"];
    auto sim = lab.find(id);
    ASSERT_EQ(lab.command(id, R"({"cmd":"probe","rect":[8,8,24,24],"h":10})").status, 200);
    uint64_t seq = 0;
    json f = next_frame(*sim, seq);
    const auto t0 = std::chrono::steady_clock::now();
    while ((f["probe"].is_null() || f["probe"]["stats"].is_null() ||
            f["probe"]["stats"]["frames"].get<int>() < 200) &&
           std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10))
      f = next_frame(*sim, seq);
    ASSERT_FALSE(f["probe"]["stats"].is_null()) << algo;
    EXPECT_EQ(f["probe"]["rect"], json::array({8, 8, 24, 24}));
    EXPECT_GT(f["probe"]["stats"]["m_rect"]["mean"].get<double>(), 0.95) << algo;
    EXPECT_GT(f["probe"]["m_rect"].get<double>(), 0.9) << algo;
    // Removing the probe returns to the packed kernel for Metropolis.
    ASSERT_EQ(lab.command(id, R"({"cmd":"probe","rect":null})").status, 200);
    do f = next_frame(*sim, seq);
    while (!f["probe"].is_null() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(15));
    EXPECT_TRUE(f["probe"].is_null());
    if (std::string(algo) == "metropolis") {
      f = next_frame(*sim, seq);
      EXPECT_EQ(f["kernel"].get<std::string>().rfind("msc", 0), 0u) << f["kernel"];
    }
    lab.close(id);
  }
}

// With h = 0 the probe only watches: Cov[M_rect, M] > 0 (a ferromagnet's regions move together)
// at beta = 0.3, with an error.
TEST(WebSimulation, ProbeCovarianceAtZeroField) {
  FastLab fl(R"({"L":64,"beta":0.3})");
  auto& sim = fl.sim;
  ASSERT_TRUE(sim);
  ASSERT_EQ(fl.lab.command(fl.id, R"({"cmd":"probe","rect":[0,0,16,16]})").status, 200);
  const json f = frame_when(*sim, [](const json& f) {
    return !f["probe"].is_null() && !f["probe"]["stats"].is_null() && f["probe"]["stats"]["frames"].get<int>() >= 1000;
  }, 10);
  ASSERT_FALSE(f["probe"]["stats"].is_null());
  EXPECT_EQ(f["kernel"].get<std::string>().rfind("msc", 0), 0u);  // h = 0 stays on the packed kernel
  const double cov = f["probe"]["stats"]["cov"]["mean"], err = f["probe"]["stats"]["cov"]["error"];
  EXPECT_GT(err, 0.0);
  EXPECT_GT(cov, 4 * err);
  EXPECT_LT(std::fabs(f["probe"]["stats"]["m_rect"]["mean"].get<double>()), 0.2);
  EXPECT_GT(f["probe"]["stats"]["m_rect"]["error"].get<double>(), 0.0);
}

// ---- The chambers and hysteresis views ----

TEST(WebProtocol, ViewsCreateWithTheirDefaultsAndLimits) {
  LabLimits lim;
  SimConfig c = parse_sim_config(R"({"view":"chambers"})", lim);
  EXPECT_EQ(c.view, "chambers");
  EXPECT_EQ(c.L, 80);
  EXPECT_EQ(c.algo, "wolff");
  EXPECT_DOUBLE_EQ(c.beta, 0.44);
  c = parse_sim_config(R"({"view":"hysteresis","H":2.5,"steps":20,"L":64})", lim);
  EXPECT_EQ(c.L, 64);
  EXPECT_EQ(c.algo, "metropolis");
  EXPECT_EQ(c.start, "cold");
  EXPECT_DOUBLE_EQ(c.field_max, 2.5);
  EXPECT_EQ(c.steps, 20);
  for (const char* bad : {R"({"view":"box"})", R"({"view":3})", R"({"view":"chambers","L":64})",
                          R"({"view":"hysteresis","L":512})", R"({"view":"hysteresis","algo":"wolff"})",
                          R"({"view":"hysteresis","H":0})", R"({"view":"hysteresis","H":11})",
                          R"({"view":"hysteresis","H":"big"})", R"({"view":"hysteresis","H":NaN})",
                          R"({"view":"hysteresis","steps":2})", R"({"view":"hysteresis","steps":401})",
                          R"({"H":1})", R"({"view":"chambers","steps":10})"})
    EXPECT_THROW(parse_sim_config(bad, lim), InputError) << bad;
}

TEST(WebProtocol, ViewCommands) {
  LabLimits lim;
  const SimConfig box = parse_sim_config(R"({"view":"chambers"})", lim);
  const SimConfig loop = parse_sim_config(R"({"view":"hysteresis"})", lim);
  SimCommand c = parse_command(R"({"cmd":"bonds","remove":[[3,4,0],[78,79,0]],"restore":[[0,0,1]],"reset":true})", box, lim);
  EXPECT_TRUE(c.reset_bonds);
  ASSERT_EQ(c.remove_bonds.size(), 2u);
  EXPECT_EQ(c.remove_bonds[1], (LabBond{78, 79, 0}));
  EXPECT_EQ(c.restore_bonds[0], (LabBond{0, 0, 1}));
  c = parse_command(R"({"cmd":"infer","auto":true})", box, lim);
  EXPECT_TRUE(c.infer);
  EXPECT_TRUE(*c.infer_auto);
  c = parse_command(R"({"cmd":"probe","rect":[0,0,80,10]})", box, lim);
  EXPECT_EQ(**c.rect, (std::array<int, 4>{0, 0, 80, 10}));
  c = parse_command(R"({"cmd":"hysteresis","H":3,"steps":12})", loop, lim);
  EXPECT_DOUBLE_EQ(*c.field_max, 3.0);
  EXPECT_EQ(*c.steps_per_branch, 12);
  std::string many = R"({"cmd":"bonds","remove":[)";
  for (int k = 0; k < 401; ++k) many += std::string(k ? "," : "") + "[1,1,0]";
  many += "]}";
  for (const char* bad : {R"({"cmd":"bonds"})", R"({"cmd":"bonds","remove":[[79,0,0]]})",
                          R"({"cmd":"bonds","remove":[[0,79,1]]})", R"({"cmd":"bonds","remove":[[0,0,2]]})",
                          R"({"cmd":"bonds","remove":[[0,0]]})", R"({"cmd":"bonds","remove":[[-1,0,0]]})",
                          R"({"cmd":"bonds","remove":"x=40"})", R"({"cmd":"bonds","reset":1})",
                          R"({"cmd":"bonds","remove":[[0.5,0,0]]})", R"({"cmd":"infer","auto":"yes"})",
                          R"({"cmd":"infer","now":true})", R"({"cmd":"hysteresis","H":1})",
                          R"({"cmd":"probe","rect":[0,0,81,10]})", R"({"cmd":"probe","rect":[0,0,8,8],"h":1})"})
    EXPECT_THROW(parse_command(bad, box, lim), InputError) << bad;
  EXPECT_THROW(parse_command(many, box, lim), InputError);
  for (const char* bad : {R"({"cmd":"hysteresis"})", R"({"cmd":"hysteresis","H":-1})", R"({"cmd":"hysteresis","steps":1})",
                          R"({"cmd":"probe","rect":[0,0,8,8]})", R"({"cmd":"set","algo":"sw"})",
                          R"({"cmd":"bonds","reset":true})", R"({"cmd":"infer"})"})
    EXPECT_THROW(parse_command(bad, loop, lim), InputError) << bad;
  // The lattice view takes neither.
  EXPECT_THROW(parse_command(R"({"cmd":"bonds","reset":true})", 256, lim), InputError);
  EXPECT_THROW(parse_command(R"({"cmd":"infer"})", 256, lim), InputError);
}

// A probe in the left chamber at beta = 0.44: corr(M_probe, M_left) far above corr(M_probe,
// M_right) (the wall between them), with error bars that do not overlap; the curve points grow
// log-spaced in t; the block map and the frame's walls are the preset's.
TEST(WebSimulation, ChambersProbeCorrelatesWithItsOwnChamber) {
  FastLab fl(R"({"view":"chambers","sweeps_per_frame":50,"seed":5})");
  auto& sim = fl.sim;
  ASSERT_TRUE(sim);
  ASSERT_EQ(fl.lab.command(fl.id, R"({"cmd":"probe","rect":[10,10,16,16]})").status, 200);
  const json f = frame_when(*sim, [](const json& f) {
    return !f["chambers"]["curves"].is_null() && f["chambers"]["curves"]["sweeps"].get<int>() >= 3000;
  }, 8);
  const json& ch = f["chambers"];
  EXPECT_EQ(f["L"], 80);
  EXPECT_EQ(ch["walls_merged"], json::array({"x=40,y=0:53"}));
  EXPECT_EQ(ch["walls"].size(), 53u);
  ASSERT_FALSE(ch["curves"]["now"].is_null());
  const json& now = ch["curves"]["now"];
  const double left = now[0]["mean"], el = now[0]["error"], right = now[1]["mean"], er = now[1]["error"];
  EXPECT_GT(el, 0.0);
  EXPECT_GT(er, 0.0);
  EXPECT_GT(left - 4 * el, right + 4 * er) << "left " << left << " right " << right;
  const json& pts = ch["curves"]["points"];
  ASSERT_GE(pts.size(), 20u);
  for (size_t k = 1; k < pts.size(); ++k) EXPECT_GT(pts[k][0].get<double>(), pts[k - 1][0].get<double>());
  ASSERT_FALSE(ch["map"].is_null());
  EXPECT_EQ(ch["map"]["pearson"].size(), 400u);
  // Block (2, 2) holds the probe's corner: it correlates with the left chamber most.
  const json& b = ch["map"]["pearson"][2 * 20 + 2];
  EXPECT_GT(b[0].get<double>(), b[1].get<double>());
  EXPECT_GT(b[0].get<double>(), b[2].get<double>());
}

// User walls: bonds removed, put back and reset change the frame's walls; a wall edit starts
// the statistics again.
TEST(WebSimulation, ChambersBondEditsRebuildTheModel) {
  FastLab fl(R"({"view":"chambers","seed":2})");
  auto& sim = fl.sim;
  ASSERT_TRUE(sim);
  Lab& lab = fl.lab;
  const std::string& id = fl.id;
  uint64_t seq = 0;
  json f = next_frame(*sim, seq);
  while (f["chambers"]["samples"].get<int>() < 200) f = next_frame(*sim, seq);
  std::string remove = R"({"cmd":"bonds","remove":[)";
  for (int x = 10; x < 30; ++x) remove += std::string(x > 10 ? "," : "") + "[" + std::to_string(x) + ",65,1]";
  remove += "]}";
  ASSERT_EQ(lab.command(id, remove).status, 200);
  ASSERT_EQ(lab.command(id, R"({"cmd":"bonds","restore":[[39,0,0]]})").status, 200);
  auto walls_are = [&](const json& want) {
    for (int k = 0; k < 200; ++k) {
      f = next_frame(*sim, seq);
      if (f["chambers"]["walls_merged"] == want) return true;
    }
    return false;
  };
  EXPECT_TRUE(walls_are(json::array({"x=40,y=1:53", "y=66,x=10:30"}))) << f["chambers"]["walls_merged"];
  EXPECT_LT(f["chambers"]["samples"].get<int>(), 200);
  ASSERT_EQ(lab.command(id, R"({"cmd":"bonds","reset":true})").status, 200);
  EXPECT_TRUE(walls_are(json::array({"x=40,y=0:53"}))) << f["chambers"]["walls_merged"];
}

// The wall inference on the live chain's counts (fixed seed, 6000 Wolff sweeps): the walls of
// the sampled lattice, nothing else: the preset's, and the preset's plus one drawn by the user.
void expect_inferred_walls(const Lattice& lattice, const json& want, int true_missing, uint64_t seed) {
  const IsingModel model = IsingModel::on_lattice(lattice);
  ChambersStats stats(model);
  Rng rng(seed, 0);
  std::vector<Spin> s = hot_state(model.size(), rng);
  auto move = make_move("wolff", model, 0.44);
  for (int t = 0; t < 200; ++t) move->sweep(s, rng);
  move->end_thermalization(s, rng);
  EXPECT_TRUE(stats.infer(lattice).is_null());  // too few samples
  for (int t = 0; t < 6000; ++t) {
    move->sweep(s, rng);
    stats.add(model, s);
  }
  const json inf = stats.infer(lattice);
  ASSERT_FALSE(inf.is_null());
  EXPECT_EQ(inf["walls"], want);
  EXPECT_EQ(inf["true_walls"], want);
  EXPECT_EQ(inf["true_positives"], true_missing);
  EXPECT_EQ(inf["false_positives"], 0);
  EXPECT_EQ(inf["missing"].size(), static_cast<size_t>(true_missing));
  for (const json& m : inf["missing"]) EXPECT_GT(m[3].get<double>(), 0.5);
}

TEST(WebViews, ChambersInferenceFindsTheWall) {
  expect_inferred_walls(chambers_preset().lattice, json::array({"x=40,y=0:53"}), 53, 11);
}

TEST(WebViews, ChambersInferenceFindsADrawnWall) {
  Lattice lat = chambers_preset().lattice;
  for (int x = 10; x < 30; ++x) lat.remove_bond(lat.site(x, 65), 1);  // y=66,x=10:30
  expect_inferred_walls(lat, json::array({"x=40,y=0:53", "y=66,x=10:30"}), 73, 12);
}

// A square loop fed by hand: area and coercive fields by the trapezoids of loop_area /
// loop_crossing (steps 5: h = -1, -0.5, 0, 0.5, 1).
TEST(WebViews, HysteresisRunAveragesCompletedLoops) {
  HysteresisRun run(1.0, 5);
  EXPECT_DOUBLE_EQ(run.field(), -1.0);
  for (int loop = 0; loop < 3; ++loop)
    for (int k = 0; k < 10; ++k) {
      const double h = run.field();
      run.record(k < 5 ? (h >= 0.5 ? 1.0 : -1.0) : (h <= -0.5 ? -1.0 : 1.0));
    }
  const json j = run.state();
  EXPECT_EQ(j["loops"], 3);
  EXPECT_DOUBLE_EQ(j["area"]["mean"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["area"]["error"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["coercive_up"]["mean"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["coercive_down"]["mean"].get<double>(), -0.25);
  ASSERT_EQ(j["mean"].size(), 10u);
  EXPECT_DOUBLE_EQ(j["mean"][5][0].get<double>(), 1.0);  // the return branch starts at +H
  run.restart();
  EXPECT_EQ(run.state()["loops"], 0);
  EXPECT_TRUE(run.state()["area"].is_null());
}

// The live loop at beta = 0.6 (ordered) opens: its area is far above the one at beta = 0.2.
TEST(WebSimulation, HysteresisLoopOpensAtLowTemperature) {
  LabLimits lim;
  lim.max_fps = 1000;
  Lab lab(lim);
  auto area_after_loops = [&](double beta) {
    const auto r = lab.create(R"({"view":"hysteresis","L":64,"steps":10,"sweeps_per_frame":5,"seed":3,"beta":)" +
                              std::to_string(beta) + "}");
    EXPECT_EQ(r.status, 200);
    auto sim = lab.find(body_of(r)["id"]);
    uint64_t seq = 0;
    json f = next_frame(*sim, seq);
    while (f["hysteresis"]["loops"].get<int>() < 8) f = next_frame(*sim, seq);
    EXPECT_EQ(f["kernel"].get<std::string>().find("checkerboard"), std::string::npos) << f["kernel"];  // as hysteresis()
    lab.close(body_of(r)["id"]);
    return f["hysteresis"];
  };
  const json cold = area_after_loops(0.6), hot = area_after_loops(0.2);
  const double a = cold["area"]["mean"], ea = cold["area"]["error"], b = hot["area"]["mean"], eb = hot["area"]["error"];
  EXPECT_GT(a - 4 * ea, b + 4 * eb) << a << " +- " << ea << " vs " << b << " +- " << eb;
  EXPECT_GT(cold["coercive_up"]["mean"].get<double>(), 0.0);
  EXPECT_LT(cold["coercive_down"]["mean"].get<double>(), 0.0);
}

// Bond edits waiting for the engine are bounded (the HTTP layer answers 429 beyond); later edits
// of the same bond replace earlier ones, so removals and restorations stay disjoint.
TEST(WebSimulation, PendingBondEditsAreBounded) {
  SimConfig config;
  config.view = "chambers";
  config.L = 80;
  Simulation sim(config);  // not started: nothing consumes the queue
  SimCommand c;
  c.remove_bonds.assign(Simulation::kMaxPendingBonds, LabBond{1, 1, 0});
  EXPECT_TRUE(sim.post(c));
  SimCommand one;
  one.restore_bonds = {LabBond{2, 2, 1}};
  EXPECT_FALSE(sim.post(one));
  SimCommand reset;
  reset.reset_bonds = true;
  EXPECT_TRUE(sim.post(reset));  // a reset drops the waiting edits
  EXPECT_TRUE(sim.post(one));
}
