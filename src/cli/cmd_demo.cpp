// `spinlab demo`: the 2D Ising transition on L = 16, 32, 64, beta_c from Binder crossings.
#include <fmt/core.h>

#include <cmath>

#include "app/demo.hpp"
#include "cli/common.hpp"
#include "cli/report.hpp"
#include "core/error.hpp"
#include "io/files.hpp"

namespace spinlab::cli {
namespace {

struct DemoFlags {
  std::vector<int32_t> sizes{16, 32, 64};
  std::string beta, plot = "phase_transition.svg", algo = "wolff";
  int64_t sweeps = 20000, therm = 1000;
  uint64_t seed = 1;
  int threads = 2;
  bool json = false, quiet = false;
};

int run_demo(const DemoFlags& f) {
  DemoOptions o;
  o.sizes = f.sizes;
  o.algo = f.algo;
  if (!f.beta.empty()) o.betas = parse_value_list(f.beta, "--beta");
  o.sweeps = f.sweeps;
  o.therm = f.therm;
  o.seed = f.seed;
  o.threads = f.threads;
  {  // refuse impossible runs before starting: series memory (largest size) and the figure path
    SimulationOptions so;
    so.betas = o.betas.empty() ? default_demo_betas() : o.betas;
    so.sweeps = o.sweeps;
    so.threads = o.threads;
    int32_t lmax = 2;
    for (int32_t L : o.sizes) lmax = std::max(lmax, L);
    if (lmax > 4096) throw InputError("--sizes: the demo runs up to L = 4096");
    check_series_memory(simulation_memory_bytes(static_cast<int64_t>(lmax) * lmax, 0, so), so);
    check_writable(f.plot);
  }
  ProgressLine progress("demo", f.quiet);
  o.progress = progress.callback();
  DemoResult r = demo(o);

  std::vector<IsingModel> models;
  for (const auto& run : r.runs) models.push_back(IsingModel::on_lattice(Lattice::square(run.L)));
  std::vector<LabelledRun> labelled;
  for (size_t k = 0; k < r.runs.size(); ++k)
    labelled.push_back({fmt::format("L={}", r.runs[k].L), &r.runs[k].result, &models[k]});
  if (!f.plot.empty())
    write_output(f.plot, results_svg(labelled, "2D Ising, " + f.algo, r.beta_c_exact, true));

  const double rel = (r.beta_c_estimate.mean - r.beta_c_exact) / r.beta_c_exact;
  if (f.json) {
    nlohmann::json j;
    j["command"] = "demo";
    j["algo"] = f.algo;
    j["sweeps"] = f.sweeps;
    j["therm"] = f.therm;
    j["seed"] = f.seed;
    j["runs"] = nlohmann::json::array();
    for (size_t k = 0; k < r.runs.size(); ++k) {
      nlohmann::json run{{"L", r.runs[k].L}, {"algo", r.runs[k].result.algo}, {"results", nlohmann::json::array()}};
      for (const auto& p : r.runs[k].result.points) run["results"].push_back(point_json(p, &models[k]));
      j["runs"].push_back(run);
    }
    for (const auto& c : r.crossings)
      j["binder_crossings"].push_back({{"L1", c.L1}, {"L2", c.L2}, {"found", c.found}, {"beta", {{"mean", c.beta.mean}, {"error", c.beta.error}}}});
    j["beta_c_estimate"] = {{"mean", r.beta_c_estimate.mean}, {"error", r.beta_c_estimate.error}};
    j["beta_c_exact"] = r.beta_c_exact;
    j["relative_deviation"] = rel;
    j["plot"] = f.plot;
    j["seconds"] = r.seconds;
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  for (const auto& run : r.runs) {
    fmt::print("\n# square {}x{} periodic, algo {}, {} sweeps per beta\n", run.L, run.L, run.result.algo, f.sweeps);
    fmt::print("{}", results_table(run.result));
  }
  fmt::print("\nBinder-cumulant crossings:\n");
  for (const auto& c : r.crossings) {
    if (c.found) fmt::print("  L = {:>3} / {:>3}: beta = {:.5f} +- {:.5f}\n", c.L1, c.L2, c.beta.mean, c.beta.error);
    else fmt::print("  L = {:>3} / {:>3}: no crossing inside the beta grid\n", c.L1, c.L2);
  }
  fmt::print("\nbeta_c estimate  {:.5f} +- {:.5f}   (largest pair)\n", r.beta_c_estimate.mean, r.beta_c_estimate.error);
  fmt::print("exact ln(1+sqrt2)/2 = {:.6f}   deviation {:+.3f}%  ({:+.1f} sigma)\n", r.beta_c_exact, 100.0 * rel,
             r.beta_c_estimate.error > 0 ? (r.beta_c_estimate.mean - r.beta_c_exact) / r.beta_c_estimate.error : 0.0);
  if (!f.plot.empty()) fmt::print("figure: {}\n", f.plot);
  fmt::print("time: {:.1f} s\n", r.seconds);
  return 0;
}

}  // namespace

void register_demo(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("demo", "The 2D Ising transition: L = 16, 32, 64 across beta_c, beta_c from Binder crossings");
  auto f = std::make_shared<DemoFlags>();
  cmd->add_option("--sizes", f->sizes, "lattice sizes (at least two)")->delimiter(',')->capture_default_str();
  cmd->add_option("--beta", f->beta, "beta grid (default: dense around beta_c)");
  cmd->add_option("--algo", f->algo, "sampling algorithm")->capture_default_str();
  cmd->add_option("--sweeps", f->sweeps, "measured sweeps per beta")->capture_default_str();
  cmd->add_option("--therm", f->therm, "thermalisation sweeps")->capture_default_str();
  cmd->add_option("--seed", f->seed, "random seed (0 .. 2^64-1)")->check(seed_validator())->capture_default_str();
  cmd->add_option("--threads", f->threads, "beta points in parallel")->capture_default_str();
  cmd->add_option("--plot", f->plot, "SVG figure path ('' for none)")->capture_default_str();
  cmd->add_flag("--json", f->json, "print JSON with a top-level beta_c_estimate {mean, error}");
  cmd->add_flag("--quiet", f->quiet, "no progress line");
  cmd->callback([&run, f] { run = [f] { return run_demo(*f); }; });
}

}  // namespace spinlab::cli
