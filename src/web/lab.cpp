// Strict JSON protocol and simulation registry of `spinlab lab` (see lab.hpp and docs/cli.md).
#include "web/lab.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "core/error.hpp"
#include "exact/oracles.hpp"
#include "probe/site_function.hpp"

namespace spinlab::web {
namespace {

using nlohmann::json;

json parse_object(const std::string& body, const LabLimits& limits) {
  if (body.size() > limits.max_body)
    throw InputError("request body larger than " + std::to_string(limits.max_body) + " bytes");
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw InputError("request body is not valid JSON");
  if (!j.is_object()) throw InputError("request body must be a JSON object");
  return j;
}

void check_keys(const json& j, const std::set<std::string>& allowed) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!allowed.count(it.key())) throw InputError("unknown field \"" + it.key() + "\"");
}

double get_beta(const json& v) {
  if (!v.is_number()) throw InputError("beta must be a number");
  const double b = v.get<double>();
  if (!std::isfinite(b) || b < 0.1 || b > 1.0) throw InputError("beta must lie in [0.10, 1.00]");
  return b;
}

std::string get_choice(const json& v, const char* field, std::initializer_list<const char*> choices) {
  std::string all;
  for (const char* c : choices) all += std::string(all.empty() ? "" : ", ") + c;
  if (!v.is_string()) throw InputError(std::string(field) + " must be a string (" + all + ")");
  const auto s = v.get<std::string>();
  for (const char* c : choices)
    if (s == c) return s;
  throw InputError(std::string(field) + " must be one of " + all);
}

int64_t get_integer(const json& v, const char* field, int64_t lo, int64_t hi) {
  if (!v.is_number_integer()) throw InputError(std::string(field) + " must be an integer");
  if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(hi) : false)
    throw InputError(std::string(field) + " must lie in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  const int64_t x = v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>();
  if (x < lo || x > hi)
    throw InputError(std::string(field) + " must lie in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return x;
}

// Wolff, Swendsen-Wang and probe fields run on the byte state with the lattice graph (about 60
// bytes per site); beyond this L only the packed kernels (1 bit per site) are offered.
constexpr int kMaxGraphL = 1024;

void check_graph_size(int L, const char* what) {
  if (L > kMaxGraphL)
    throw InputError(std::string(what) + " runs up to L = " + std::to_string(kMaxGraphL) +
                     " (it builds the lattice graph); use metropolis or heatbath at L = " + std::to_string(L));
}

int max_sweeps_per_frame(int L, const LabLimits& limits) {
  return static_cast<int>(std::clamp<int64_t>(limits.max_updates_per_frame / (int64_t{L} * L), 1, 1000));
}

int get_sweeps_per_frame(const json& v, int L, const LabLimits& limits) {
  return static_cast<int>(get_integer(v, "sweeps_per_frame", 1, max_sweeps_per_frame(L, limits)));
}

std::string new_id() {
  static std::mutex mu;
  static std::random_device rd;
  std::lock_guard lk(mu);
  const uint64_t x = (uint64_t{rd()} << 32) ^ rd();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
  return buf;
}

ApiResponse ok(const json& j) { return {200, j.dump()}; }

}  // namespace

ApiResponse api_error(int status, const std::string& message) {
  return {status, json{{"error", message}}.dump()};
}

namespace {

// The hysteresis view's amplitude and steps per branch.
double get_field_max(const json& v) {
  if (!v.is_number()) throw InputError("H must be a number");
  const double H = v.get<double>();
  if (!std::isfinite(H) || H <= 0.0 || H > 10.0) throw InputError("H must lie in (0, 10]");
  return H;
}
int get_steps(const json& v) { return static_cast<int>(get_integer(v, "steps", 3, 400)); }

// Cluster moves have no coercivity (hysteresis.hpp): the loops use single-spin dynamics.
void check_algo_for_view(const std::string& view, const std::string& algo) {
  if (view == "hysteresis" && algo != "metropolis" && algo != "heatbath")
    throw InputError("the hysteresis view runs metropolis or heatbath (cluster moves have no coercivity)");
}

// [[x, y, dir], ...] of the chambers box: bonds the open boundary allows.
std::vector<LabBond> get_bonds(const json& v, const char* field) {
  if (!v.is_array()) throw InputError(std::string(field) + " must be an array of [x, y, dir]");
  if (v.size() > 400) throw InputError(std::string(field) + ": at most 400 bonds per command");
  std::vector<LabBond> out;
  for (const json& b : v) {
    if (!b.is_array() || b.size() != 3) throw InputError(std::string(field) + " must be an array of [x, y, dir]");
    const int dir = static_cast<int>(get_integer(b[2], field, 0, 1));
    const int x = static_cast<int>(get_integer(b[0], field, 0, kChambersL - 1 - (dir == 0)));
    const int y = static_cast<int>(get_integer(b[1], field, 0, kChambersL - 1 - (dir == 1)));
    out.push_back({x, y, dir});
  }
  return out;
}

}  // namespace

SimConfig parse_sim_config(const std::string& body, const LabLimits& limits) {
  const json j = parse_object(body, limits);
  check_keys(j, {"view", "L", "beta", "algo", "start", "sweeps_per_frame", "seed", "H", "steps"});
  SimConfig c;
  c.max_fps = limits.max_fps;
  if (j.contains("view")) c.view = get_choice(j["view"], "view", {"lattice", "chambers", "hysteresis"});
  if (c.view == "chambers") {
    // Wolff: tau_int ~ 0.5 sweeps near beta_c on the chambers (heat-bath ~400, probe_flags.hpp).
    c.L = kChambersL, c.beta = 0.44, c.algo = "wolff", c.sweeps_per_frame = 20;
    if (j.contains("L")) throw InputError("L: the chambers view is the 80 x 80 box of the preset");
  } else if (c.view == "hysteresis") {
    c.L = 128, c.beta = 0.6, c.start = "cold", c.sweeps_per_frame = 10;
  }
  if (c.view != "hysteresis" && (j.contains("H") || j.contains("steps")))
    throw InputError("H and steps belong to the hysteresis view");
  if (j.contains("L")) {
    const int64_t L = get_integer(j["L"], "L", 1, 1 << 20);
    if (std::find(std::begin(kLabSizes), std::end(kLabSizes), L) == std::end(kLabSizes))
      throw InputError("L must be one of 64, 128, 256, 512, 1024, 2048, 4096");
    if (L > limits.max_size)
      throw InputError("L = " + std::to_string(L) + " exceeds this server's limit " +
                       std::to_string(limits.max_size) + " (spinlab lab --max-size)");
    if (c.view == "hysteresis" && L > kMaxHysteresisL)
      throw InputError("L: the hysteresis view runs up to L = " + std::to_string(kMaxHysteresisL));
    c.L = static_cast<int>(L);
  }
  if (c.view != "chambers") c.L = std::min(c.L, limits.max_size);
  if (j.contains("beta")) c.beta = get_beta(j["beta"]);
  if (j.contains("algo")) c.algo = get_choice(j["algo"], "algo", {"metropolis", "heatbath", "wolff", "sw"});
  if (c.algo == "wolff" || c.algo == "sw") check_graph_size(c.L, c.algo.c_str());
  check_algo_for_view(c.view, c.algo);
  if (j.contains("start")) c.start = get_choice(j["start"], "start", {"hot", "cold"});
  c.sweeps_per_frame = std::min(c.sweeps_per_frame, max_sweeps_per_frame(c.L, limits));
  if (j.contains("sweeps_per_frame")) c.sweeps_per_frame = get_sweeps_per_frame(j["sweeps_per_frame"], c.L, limits);
  if (j.contains("seed")) c.seed = static_cast<uint64_t>(get_integer(j["seed"], "seed", 0, INT64_MAX));
  if (j.contains("H")) c.field_max = get_field_max(j["H"]);
  if (j.contains("steps")) c.steps = get_steps(j["steps"]);
  return c;
}

SimCommand parse_command(const std::string& body, int L, const LabLimits& limits) {
  SimConfig config;
  config.L = L;
  return parse_command(body, config, limits);
}

SimCommand parse_command(const std::string& body, const SimConfig& config, const LabLimits& limits) {
  const json j = parse_object(body, limits);
  const int L = config.L;
  const std::string& view = config.view;
  if (!j.contains("cmd")) throw InputError("missing field \"cmd\"");
  const std::string cmd = get_choice(j["cmd"], "cmd", {"set", "start", "pause", "resume", "step", "probe", "bonds", "infer", "hysteresis"});
  auto only_in = [&](const char* v) {
    if (view != v) throw InputError(cmd + " belongs to the " + v + " view (this simulation is the " + view + " view)");
  };
  SimCommand c;
  if (cmd == "set") {
    check_keys(j, {"cmd", "beta", "algo", "sweeps_per_frame"});
    if (j.size() == 1) throw InputError("set needs at least one of beta, algo, sweeps_per_frame");
    if (j.contains("beta")) c.beta = get_beta(j["beta"]);
    if (j.contains("algo")) c.algo = get_choice(j["algo"], "algo", {"metropolis", "heatbath", "wolff", "sw"});
    if (c.algo && (*c.algo == "wolff" || *c.algo == "sw")) check_graph_size(L, c.algo->c_str());
    if (c.algo) check_algo_for_view(view, *c.algo);
    if (j.contains("sweeps_per_frame")) c.sweeps_per_frame = get_sweeps_per_frame(j["sweeps_per_frame"], L, limits);
  } else if (cmd == "start") {
    check_keys(j, {"cmd", "state"});
    if (!j.contains("state")) throw InputError("start needs \"state\": \"hot\" or \"cold\"");
    c.start = get_choice(j["state"], "state", {"hot", "cold"});
  } else if (cmd == "probe") {
    check_keys(j, {"cmd", "rect", "h"});
    check_graph_size(L, "the probe view");
    if (view == "hysteresis") throw InputError("probe: the hysteresis view's field is uniform (use the lattice view)");
    if (view == "chambers" && j.contains("h"))
      throw InputError("h: the chambers view's probe only measures (use the lattice view for a probe field)");
    if (j.size() == 1) throw InputError("probe needs \"rect\" and/or \"h\"");
    if (j.contains("rect")) {
      const json& r = j["rect"];
      if (r.is_null()) {
        c.rect = std::optional<std::array<int, 4>>{};
      } else {
        if (!r.is_array() || r.size() != 4) throw InputError("rect must be [x0, y0, x1, y1] or null");
        std::array<int, 4> v{};
        for (int k = 0; k < 4; ++k) v[k] = static_cast<int>(get_integer(r[k], "rect", 0, L));
        if (v[0] >= v[2] || v[1] >= v[3]) throw InputError("rect needs x0 < x1 and y0 < y1 (half-open, 0 ... L)");
        c.rect = std::optional<std::array<int, 4>>{v};
      }
    }
    if (j.contains("h")) {
      if (!j["h"].is_number()) throw InputError("h must be a number");
      const double h = j["h"].get<double>();
      if (!std::isfinite(h) || h < -10.0 || h > 10.0) throw InputError("h must lie in [-10, 10]");
      c.probe_h = h;
    }
  } else if (cmd == "bonds") {
    only_in("chambers");
    check_keys(j, {"cmd", "remove", "restore", "reset"});
    if (j.size() == 1) throw InputError("bonds needs \"remove\", \"restore\" and/or \"reset\"");
    if (j.contains("reset")) {
      if (!j["reset"].is_boolean()) throw InputError("reset must be true or false");
      c.reset_bonds = j["reset"].get<bool>();
    }
    if (j.contains("remove")) c.remove_bonds = get_bonds(j["remove"], "remove");
    if (j.contains("restore")) c.restore_bonds = get_bonds(j["restore"], "restore");
  } else if (cmd == "infer") {
    only_in("chambers");
    check_keys(j, {"cmd", "auto"});
    c.infer = true;
    if (j.contains("auto")) {
      if (!j["auto"].is_boolean()) throw InputError("auto must be true or false");
      c.infer_auto = j["auto"].get<bool>();
    }
  } else if (cmd == "hysteresis") {
    only_in("hysteresis");
    check_keys(j, {"cmd", "H", "steps"});
    if (j.size() == 1) throw InputError("hysteresis needs \"H\" and/or \"steps\"");
    if (j.contains("H")) c.field_max = get_field_max(j["H"]);
    if (j.contains("steps")) c.steps_per_branch = get_steps(j["steps"]);
  } else if (cmd == "step") {
    check_keys(j, {"cmd", "frames"});
    c.steps = j.contains("frames") ? static_cast<int>(get_integer(j["frames"], "frames", 1, 100)) : 1;
    c.paused = true;
  } else {
    check_keys(j, {"cmd"});
    c.paused = cmd == "pause";
  }
  return c;
}

ApiResponse Lab::create(const std::string& body) {
  SimConfig config;
  try {
    config = parse_sim_config(body, limits_);
  } catch (const InputError& e) {
    return api_error(body.size() > limits_.max_body ? 413 : 400, e.what());
  }
  std::shared_ptr<Simulation> sim;
  std::string id;
  {
    std::lock_guard lk(mu_);
    if (stopping_) return api_error(503, "the lab is shutting down");
    if (static_cast<int>(sims_.size()) >= limits_.max_sims)
      return api_error(503, "too many simulations (limit " + std::to_string(limits_.max_sims) +
                                "); close another tab or wait for idle ones to stop");
    do id = new_id();
    while (sims_.count(id));
    sim = std::make_shared<Simulation>(config);
    sim->start();  // before it is visible to shutdown() and the reaper, which stop() and join it
    sims_[id] = sim;
  }
  return ok({{"id", id},
             {"config",
              {{"view", config.view}, {"H", config.field_max}, {"steps", config.steps}, {"L", config.L}, {"beta", config.beta}, {"algo", config.algo}, {"start", config.start},
               {"sweeps_per_frame", config.sweeps_per_frame}, {"seed", config.seed},
               {"max_sweeps_per_frame", max_sweeps_per_frame(config.L, limits_)}}}});
}

ApiResponse Lab::command(const std::string& id, const std::string& body) {
  auto sim = find(id);
  if (!sim) return api_error(404, "no simulation " + id + " (closed or stopped when idle)");
  try {
    if (!sim->post(parse_command(body, sim->config(), limits_)))
      return api_error(429, "too many bond edits waiting; try again after the next frame");
  } catch (const InputError& e) {
    return api_error(body.size() > limits_.max_body ? 413 : 400, e.what());
  }
  return ok({{"ok", true}});
}

ApiResponse Lab::close(const std::string& id) {
  std::shared_ptr<Simulation> sim;
  {
    std::lock_guard lk(mu_);
    auto it = sims_.find(id);
    if (it == sims_.end()) return api_error(404, "no simulation " + id);
    sim = it->second;
    sims_.erase(it);
  }
  sim->stop();
  return ok({{"ok", true}});
}

ApiResponse Lab::exact(const std::string& beta_text) const {
  double beta = 0.0;
  try {
    size_t used = 0;
    beta = std::stod(beta_text, &used);
    if (used != beta_text.size()) throw InputError("");
  } catch (...) {
    return api_error(400, "beta must be a number");
  }
  if (!std::isfinite(beta) || beta <= 0.0 || beta > 10.0) return api_error(400, "beta must lie in (0, 10]");
  const OnsagerResult r = onsager(beta);
  return ok({{"beta", beta},
             {"beta_c", onsager_beta_c()},
             {"e", r.energy_per_spin},
             {"abs_m", r.spontaneous_magnetization},
             {"c", r.specific_heat_per_spin}});
}

ApiResponse Lab::info() const {
  json sizes = json::array();
  for (int L : kLabSizes)
    if (L <= limits_.max_size) sizes.push_back(L);
  return ok({{"sizes", sizes},
             {"views", {"lattice", "chambers", "hysteresis"}},
             {"chambers", {{"L", kChambersL}, {"wall", chambers_preset().wall}}},
             {"max_hysteresis_L", kMaxHysteresisL},
             {"algorithms", {"metropolis", "heatbath", "wolff", "sw"}},
             {"beta_min", 0.1},
             {"beta_max", 1.0},
             {"beta_c", onsager_beta_c()},
             {"max_sims", limits_.max_sims},
             {"max_body", limits_.max_body},
             {"idle_timeout_s", limits_.idle_timeout_s},
             {"max_fps", limits_.max_fps},
             {"simulations", count()}});
}

std::shared_ptr<Simulation> Lab::find(const std::string& id) {
  std::lock_guard lk(mu_);
  if (stopping_) return nullptr;
  auto it = sims_.find(id);
  if (it == sims_.end()) return nullptr;
  it->second->touch();
  return it->second;
}

int Lab::reap_idle(std::chrono::steady_clock::time_point now) {
  std::vector<std::shared_ptr<Simulation>> idle;
  {
    std::lock_guard lk(mu_);
    const auto limit = std::chrono::duration<double>(limits_.idle_timeout_s);
    for (auto it = sims_.begin(); it != sims_.end();) {
      if (it->second->streams.load() == 0 && now - it->second->last_activity() > limit) {
        idle.push_back(it->second);
        it = sims_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : idle) s->stop();  // joins outside the lock
  return static_cast<int>(idle.size());
}

int Lab::count() const {
  std::lock_guard lk(mu_);
  return static_cast<int>(sims_.size());
}

void Lab::shutdown() {
  std::map<std::string, std::shared_ptr<Simulation>> sims;
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
    sims.swap(sims_);
  }
  for (auto& [id, s] : sims) s->stop();
}

}  // namespace spinlab::web
