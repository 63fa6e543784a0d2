// `spinlab bench`: kernel throughput on this machine (rows and fields in app/bench.hpp).
#include <fmt/core.h>

#include <cmath>
#include <fstream>
#include <thread>

#include "app/bench.hpp"
#include "cli/common.hpp"
#include "core/error.hpp"
#include "social/network.hpp"
#include "sample/msc_lattice.hpp"

namespace spinlab::cli {
namespace {

struct BenchFlags {
  bool json = false, quick = false, quiet = false;
  std::vector<int> threads{1, 2};
  std::string network;  // --network: the heat-bath rows on this network only
  uint64_t network_seed = 1;
  double beta = 0.05;
};

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

nlohmann::json num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

int run_bench_cmd(const BenchFlags& f) {
  for (int t : f.threads)
    if (t < 1 || t > 1024) throw InputError("--threads: values must be between 1 and 1024");
  BenchOptions o;
  o.quick = f.quick;
  o.threads = f.threads;
  ProgressLine progress("bench", f.quiet);
  o.progress = progress.callback();
  std::vector<BenchRow> rows;
  double build_s = -1.0;
  std::string net_desc;
  if (!f.network.empty()) {
    if (!std::isfinite(f.beta) || f.beta < 0.0) throw InputError("--beta must be finite and >= 0");
    NetworkOptions no;
    no.spec = f.network;
    no.seed = f.network_seed;
    const SocialNetwork net = build_network(no);
    build_s = net.build_seconds;
    net_desc = net.description;
    rows = run_network_bench(net.model, f.beta, o);
  } else {
    rows = run_bench(o);
  }
  const std::string cpu = cpu_model();
  const unsigned cores = std::thread::hardware_concurrency();
  if (f.json) {
    nlohmann::json j;
    j["command"] = "bench";
    j["cpu"] = cpu;
    j["hardware_threads"] = cores;
    j["best_simd_level"] = simd_level_name(best_simd_level());
    if (build_s >= 0.0) {
      j["network"] = net_desc;
      j["network_build_seconds"] = build_s;
      j["beta"] = f.beta;
    }
    j["rows"] = nlohmann::json::array();
    for (const BenchRow& r : rows)
      j["rows"].push_back({{"kernel", r.kernel}, {"dim", r.dim}, {"L", r.L}, {"threads", r.threads},
                           {"flips_per_ns", num(r.flips_per_ns)}, {"baseline_flips_per_ns", num(r.baseline_flips_per_ns)},
                           {"speedup", num(r.speedup)}, {"ms_per_sweep", num(r.ms_per_sweep)}, {"tau_int", num(r.tau_int)},
                           {"ms_per_independent_sample", num(r.ms_per_independent_sample)}});
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  if (build_s >= 0.0)
    fmt::print("# {} ({} hardware threads); {} built in {:.2f} s; heat-bath at beta = {}; baseline = the generic "
               "kernel, 1 chain, same process; L = nodes\n", cpu, cores, net_desc, build_s, f.beta);
  else
    fmt::print("# {} ({} hardware threads); naive = byte-per-spin Metropolis baseline, same process\n", cpu, cores);
  fmt::print("{:<20} {:>3} {:>6} {:>7} {:>12} {:>12} {:>9} {:>10} {:>8} {:>12}\n", "kernel", "dim", "L", "threads",
             "flips/ns", "baseline", "speedup", "ms/sweep", "tau_int", "ms/indep");
  auto cell = [](double x, const char* fmtspec) { return std::isfinite(x) ? fmt::format(fmt::runtime(fmtspec), x) : std::string("-"); };
  for (const BenchRow& r : rows)
    fmt::print("{:<20} {:>3} {:>6} {:>7} {:>12} {:>12} {:>9} {:>10} {:>8} {:>12}\n", r.kernel, r.dim, r.L, r.threads,
               cell(r.flips_per_ns, "{:.3f}"), cell(r.baseline_flips_per_ns, "{:.3f}"), cell(r.speedup, "{:.1f}x"),
               cell(r.ms_per_sweep, "{:.3f}"), cell(r.tau_int, "{:.2f}"), cell(r.ms_per_independent_sample, "{:.3f}"));
  return 0;
}

}  // namespace

void register_bench(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand(
      "bench",
      "Spin-flip throughput: multi-spin-coded kernels (each SIMD level) vs a naive byte-per-spin baseline, "
      "and Swendsen-Wang / Wolff cost per independent sample at beta_c");
  auto f = std::make_shared<BenchFlags>();
  cmd->add_flag("--json", f->json, "print JSON rows {kernel, dim, L, threads, flips_per_ns, baseline_flips_per_ns, speedup, ...}");
  cmd->add_flag("--quick", f->quick, "small sizes and short timings (a smoke run, not for reporting)");
  cmd->add_option("--threads", f->threads, "thread counts to time the lattice kernels with")->capture_default_str();
  cmd->add_flag("--quiet", f->quiet, "no progress line on stderr");
  cmd->add_option("--network", f->network,
                  "instead: heat-bath rows on this network (a spinlab social --network SPEC, e.g. "
                  "ba:n=1000000,m=10): the generic kernel (1 chain, one chain per thread) vs heatbath-colored");
  cmd->add_option("--network-seed", f->network_seed, "seed of the network generator")->capture_default_str();
  cmd->add_option("--beta", f->beta, "inverse temperature of the --network rows")->capture_default_str();
  cmd->footer("Full run: about a minute. 2D at beta_c = 0.4406868, 3D at 0.2216546; medians of 3 repeats >= 0.2 s.");
  cmd->callback([&run, f] { run = [f] { return run_bench_cmd(*f); }; });
}

}  // namespace spinlab::cli
