// `spinlab simulate`: Monte Carlo of a lattice or graph model across inverse temperatures.
#include <fmt/core.h>

#include "app/exact_model.hpp"
#include "cli/common.hpp"
#include "cli/report.hpp"
#include "core/error.hpp"
#include "io/files.hpp"

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

int run_simulate(const SimulateFlags& f) {
  IsingModel model = build_model(f.model);
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
  else {
    o.init = InitialState::Given;
    o.initial_state = read_spin_state(f.init, model.size());
  }
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
  for (const auto& c : f.covs) {
    auto comma = c.find(',');
    if (comma == std::string::npos) throw InputError("--cov: expected A,B, got '" + c + "'");
    o.covariances.emplace_back(c.substr(0, comma), c.substr(comma + 1));
  }
  o.correlation_function = f.correlation;
  check_series_memory(simulation_memory_bytes(model, o), o);
  check_writable(f.csv);
  check_writable(f.plot);
  ProgressLine progress("simulate", f.quiet);
  o.progress = progress.callback();

  SimulationResult r = simulate(model, o);
  const IsingModel* exact = has_exact_oracle(model) ? &model : nullptr;
  if (f.json) {
    nlohmann::json j;
    j["command"] = "simulate";
    j["model"] = model_json(f.model, model);
    j["algo"] = r.algo;
    j["kernel"] = r.kernel;
    j["seed"] = f.seed;
    j["sweeps"] = f.sweeps;
    j["therm"] = f.therm;
    j["measure_every"] = f.measure_every;
    j["threads"] = f.threads;
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
  cmd->add_option("--threads", f->threads, "beta points run in parallel")->capture_default_str();
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
