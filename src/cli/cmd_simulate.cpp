// `spinlab simulate`: Monte Carlo of a lattice or graph model across inverse temperatures.
#include <fmt/core.h>

#include "app/exact_model.hpp"
#include "cli/common.hpp"
#include "cli/report.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "sample/msc_lattice.hpp"

#include <cmath>
#include <optional>

namespace spinlab::cli {
namespace {

struct SimulateFlags {
  ModelFlags model;
  std::string beta, T, algo = "metropolis", init = "hot", csv, plot;
  int64_t sweeps = 10000, therm = 1000, measure_every = 1;
  uint64_t seed = 1;
  int threads = 1;
  std::vector<std::string> regions, pairs, covs;
  bool correlation = false, json = false, quiet = false;
};

// The packed (multi-spin-coded) path needs no IsingModel: lattices beyond the generic path's
// memory (65536^2) run, and large ones start at once.
bool packed_eligible(const SimulateFlags& f, const SimulationOptions& o) {
  const ModelFlags& m = f.model;
  if (!m.graph.empty() || (m.lattice != "square" && m.lattice != "cubic") || m.boundary != "periodic" ||
      !m.walls.empty() || m.h != 0.0 || !std::isfinite(m.J) || m.J == 0.0)
    return false;
  if (!MscGeometry::unsupported_reason(m.lattice == "square" ? 2 : 3, m.L).empty()) return false;
  const bool file_init = f.init != "hot" && f.init != "up" && f.init != "down";
  return !file_init && packed_path_applies(o);
}

SimulationOptions options_from_flags(const SimulateFlags& f) {
  SimulationOptions o;
  o.algo = f.algo;
  o.betas = betas_from_flags(f.beta, f.T);
  o.sweeps = f.sweeps;
  o.therm = f.therm;
  o.measure_every = f.measure_every;
  o.seed = f.seed;
  o.threads = f.threads;
  if (f.init == "hot") o.init = InitialState::Hot;
  else if (f.init == "up") o.init = InitialState::Up;
  else if (f.init == "down") o.init = InitialState::Down;
  else o.init = InitialState::Given;
  for (const auto& c : f.covs) {
    auto comma = c.find(',');
    if (comma == std::string::npos) throw InputError("--cov: expected A,B, got '" + c + "'");
    o.covariances.emplace_back(c.substr(0, comma), c.substr(comma + 1));
  }
  o.correlation_function = f.correlation;
  if (!f.regions.empty()) o.regions.emplace_back();  // placeholders until the model is known
  if (!f.pairs.empty()) o.pairs.emplace_back();
  return o;
}

nlohmann::json run_json(const SimulateFlags& f, const SimulationResult& r, nlohmann::json model) {
  nlohmann::json j;
  j["command"] = "simulate";
  j["model"] = std::move(model);
  j["algo"] = r.algo;
  j["kernel"] = r.kernel;
  j["kernel_threads"] = r.kernel_threads;
  j["memory"] = {{"state_bytes", r.state_bytes}, {"series_bytes", r.series_bytes}};
  j["seed"] = f.seed;
  j["sweeps"] = f.sweeps;
  j["therm"] = f.therm;
  j["measure_every"] = f.measure_every;
  j["threads"] = f.threads;
  return j;
}

int run_packed(const SimulateFlags& f, SimulationOptions o) {
  const int dim = f.model.lattice == "square" ? 2 : 3;
  check_series_memory(static_cast<double>(o.sweeps / o.measure_every) * 6 * 8, o);
  check_writable(f.csv);
  check_writable(f.plot);
  ProgressLine progress("simulate", f.quiet);
  o.progress = progress.callback();
  SimulationResult r = simulate_packed({dim, f.model.L, f.model.J}, o);
  // Exact curves (Kaufman's torus) for lattices small enough to build the model cheaply.
  std::optional<IsingModel> small;
  if (r.num_spins <= (1 << 16)) small = build_model(f.model);
  const IsingModel* exact = small && has_exact_oracle(*small) ? &*small : nullptr;
  const std::string desc = (dim == 2 ? "square " : "cubic ") + std::to_string(f.model.L) + "^" + std::to_string(dim) + " periodic";
  if (f.json) {
    nlohmann::json m = {{"num_spins", r.num_spins}, {"num_bonds", dim * r.num_spins}, {"lattice", f.model.lattice},
                        {"L", f.model.L}, {"boundary", "periodic"}, {"description", desc}, {"removed_bonds", 0},
                        {"J", f.model.J}, {"h", 0.0}};
    nlohmann::json j = run_json(f, r, std::move(m));
    j["results"] = nlohmann::json::array();
    for (const auto& p : r.points) j["results"].push_back(point_json(p, exact));
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("# {} | {} spins | algo {} ({}, {} threads) | state {:.3g} MiB | {} sweeps after {} thermalisation, seed {}\n",
               desc, r.num_spins, r.algo, r.kernel, r.kernel_threads, static_cast<double>(r.state_bytes) / (1 << 20),
               f.sweeps, f.therm, f.seed);
    fmt::print("{}", results_table(r));
  }
  if (!f.csv.empty()) write_output(f.csv, results_csv(r));
  if (!f.plot.empty())
    write_output(f.plot, results_svg({{desc, &r, exact}}, "", std::numeric_limits<double>::quiet_NaN()));
  return 0;
}

int run_simulate(const SimulateFlags& f) {
  {
    SimulationOptions o = options_from_flags(f);
    if (packed_eligible(f, o)) return run_packed(f, std::move(o));
  }
  IsingModel model = build_model(f.model);
  SimulationOptions o = options_from_flags(f);
  o.regions.clear();
  o.pairs.clear();
  if (o.init == InitialState::Given) o.initial_state = read_spin_state(f.init, model.size());
  for (const auto& r : f.regions) {
    auto eq = r.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError("--region: expected NAME=SITES, got '" + r + "'");
    o.regions.emplace_back(r.substr(0, eq), parse_site_list(r.substr(eq + 1), "--region " + r.substr(0, eq), model.size()));
  }
  for (const auto& p : f.pairs) {
    auto sites = parse_site_list(p, "--pair", model.size());
    if (sites.size() != 2) throw InputError("--pair: expected I,J, got '" + p + "'");
    o.pairs.emplace_back(sites[0], sites[1]);
  }
  check_series_memory(simulation_memory_bytes(model, o), o);
  check_writable(f.csv);
  check_writable(f.plot);
  ProgressLine progress("simulate", f.quiet);
  o.progress = progress.callback();

  SimulationResult r = simulate(model, o);
  const IsingModel* exact = has_exact_oracle(model) ? &model : nullptr;
  if (f.json) {
    nlohmann::json j = run_json(f, r, model_json(f.model, model));
    j["results"] = nlohmann::json::array();
    for (const auto& p : r.points) j["results"].push_back(point_json(p, exact));
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("# {} | {} spins | algo {} ({}) | {} sweeps after {} thermalisation, seed {}\n",
               model.lattice() ? model.lattice()->describe() : "graph " + f.model.graph, model.size(), r.algo,
               r.kernel, f.sweeps, f.therm, f.seed);
    fmt::print("{}", results_table(r));
  }
  if (!f.csv.empty()) write_output(f.csv, results_csv(r));
  if (!f.plot.empty())
    write_output(f.plot, results_svg({{model.lattice() ? model.lattice()->describe() : "graph", &r, exact}},
                                     "", std::numeric_limits<double>::quiet_NaN()));
  return 0;
}

}  // namespace

void register_simulate(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("simulate", "Monte Carlo of a lattice or graph model across beta, with error bars");
  cmd->footer(
      "Fast path: --algo metropolis or heatbath on a periodic square/cubic lattice with one J and h = 0, and L\n"
      "a multiple of 8 up to 128, 256, 512 or a multiple of 1024, runs the multi-spin-coded kernel (1 bit per\n"
      "spin, AVX-512/AVX2, --threads inside each sweep; \"kernel\": \"msc-avx512\"). Open boundaries, walls,\n"
      "a field h, other L, --region/--pair/--correlation and an --init file use the generic path.");
  auto f = std::make_shared<SimulateFlags>();
  add_model_flags(cmd, f->model);
  add_temperature_flags(cmd, f->beta, f->T);
  cmd->add_option("--algo", f->algo, "sampling algorithm (spinlab list); 'a+b' runs both per sweep")
      ->capture_default_str();
  cmd->add_option("--sweeps", f->sweeps, "measured sweeps per beta")->capture_default_str();
  cmd->add_option("--therm", f->therm, "thermalisation sweeps discarded first")->capture_default_str();
  cmd->add_option("--measure-every", f->measure_every, "sweeps between measurements")->capture_default_str();
  cmd->add_option("--seed", f->seed, "random seed, 0 .. 2^64-1 (results depend on it, not on --threads)")
      ->check(seed_validator())
      ->capture_default_str();
  cmd->add_option("--threads", f->threads,
                  "threads: beta points run in parallel; on the packed lattice kernel, threads inside each sweep")
      ->capture_default_str();
  cmd->add_option("--init", f->init, "hot | up | down | FILE of +1/-1 spins")->capture_default_str();
  cmd->add_option("--region", f->regions, "NAME=SITES (e.g. left=0-99,200): measures M_R = sum of s_i; repeatable");
  cmd->add_option("--pair", f->pairs, "I,J: measures s_i s_j; repeatable");
  cmd->add_flag("--correlation", f->correlation, "measure G(r) along the lattice axes");
  cmd->add_option("--cov", f->covs, "A,B: Cov[A,B] with jackknife error (E, M, |M|, region names, sI*sJ); repeatable");
  cmd->add_flag("--json", f->json, "print JSON (schema in docs/cli.md) instead of the table");
  cmd->add_option("--csv", f->csv, "also write a CSV table to FILE");
  cmd->add_option("--plot", f->plot, "also write an SVG figure (exact curves overlaid where known)");
  cmd->add_flag("--quiet", f->quiet, "no progress line on stderr");
  cmd->callback([&run, f] { run = [f] { return run_simulate(*f); }; });
}

}  // namespace spinlab::cli
