// `spinlab maxcut` (cut of a weighted graph) and `spinlab anneal` (ground-state energy of an
// Ising or QUBO model): both run solve_ground_state() and report the best state found.
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "cli/common.hpp"
#include "core/error.hpp"
#include "core/spin_glass.hpp"
#include "io/files.hpp"
#include "io/formats.hpp"
#include "solve/ground_state.hpp"

namespace spinlab::cli {
namespace {

struct SolveFlags {
  std::string file, format = "auto", solution, beta_range, schedule = "geometric", beta_schedule;
  std::string model, disorder = "gaussian";  // anneal: a generated instance instead of FILE
  uint64_t disorder_seed = 1;
  double time_limit = 10.0;
  std::optional<double> target;
  uint64_t seed = 1;
  int threads = 1;
  std::string algo = "auto";
  int64_t num_sweeps = 1000, num_reads = 0;
  bool json = false, quiet = false;
};

// "G22" or "G22.txt" -> "G22" (to look up best_known.csv next to the instance).
std::string instance_name(const std::string& path) { return std::filesystem::path(path).stem().string(); }

std::string detect_format(const SolveFlags& f, bool maxcut) {
  if (f.format != "auto") return f.format;
  const std::string ext = std::filesystem::path(f.file).extension().string();
  if (ext == ".qubo") return "qubo";
  if (ext == ".coo") return "coo";
  if (ext == ".edges") return "edges";
  return maxcut ? "gset" : "edges";
}

// Best-so-far lines on stderr: the first after ~1 s, then on improvement at most every 0.5 s.
class BestLine {
 public:
  BestLine(std::string label, bool quiet, bool maximise) : label_(std::move(label)), quiet_(quiet), max_(maximise) {}
  void operator()(double energy, double seconds, int64_t work) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    if (seconds < 1.0 || now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    std::fprintf(stderr, "[%s] %.1f s: best %s %.10g (%lld runs)\n", label_.c_str(), seconds, max_ ? "cut" : "energy",
                 max_ ? -energy : energy, static_cast<long long>(work));
  }

 private:
  std::string label_;
  bool quiet_, max_;
  std::chrono::steady_clock::time_point last_{};
};

// --model sk:N | ea2:L | ea3:L | rrg:N,D with --disorder and --disorder-seed.
IsingModel generated_model(const SolveFlags& f) {
  const auto colon = f.model.find(':');
  if (colon == std::string::npos) throw InputError("--model: expected sk:N, ea2:L, ea3:L or rrg:N,D, got '" + f.model + "'");
  const std::string kind = f.model.substr(0, colon);
  const auto v = parse_value_list(f.model.substr(colon + 1), "--model");
  for (double x : v)
    if (x != std::floor(x) || x < 1 || x > 1e7) throw InputError("--model: sizes must be whole numbers, got '" + f.model + "'");
  const Disorder d = parse_disorder(f.disorder);
  if (kind == "sk" && v.size() == 1) return sherrington_kirkpatrick(static_cast<int32_t>(v[0]), d, f.disorder_seed);
  if ((kind == "ea2" || kind == "ea3") && v.size() == 1)
    return edwards_anderson(kind == "ea2" ? 2 : 3, static_cast<int32_t>(v[0]), d, f.disorder_seed);
  if (kind == "rrg" && v.size() == 2)
    return random_regular(static_cast<int32_t>(v[0]), static_cast<int>(v[1]), d, f.disorder_seed);
  throw InputError("--model: expected sk:N, ea2:L, ea3:L or rrg:N,D, got '" + f.model + "'");
}

GroundStateOptions options_from(const SolveFlags& f, const IsingModel& m) {
  GroundStateOptions o;
  o.algo = f.algo;
  o.time_limit_s = f.time_limit;
  o.seed = f.seed;
  o.threads = f.threads;
  o.anneal.num_sweeps = f.num_sweeps;
  o.anneal.beta_schedule_type = f.schedule;
  // With only a time limit, annealing reads go on until it (num_reads 0 = unlimited).
  o.anneal.num_reads = f.num_reads > 0 ? f.num_reads : std::numeric_limits<int64_t>::max() / 2;
  if (!f.beta_range.empty()) {
    const auto v = parse_value_list(f.beta_range, "--beta-range");
    if (v.size() != 2) throw InputError("--beta-range: expected HOT,COLD (two inverse temperatures)");
    o.anneal.beta_range = std::pair{v[0], v[1]};
  }
  if (!f.beta_schedule.empty()) {  // a custom table: one beta per sweep
    o.anneal.beta_schedule_type = "custom";
    o.anneal.beta_schedule = parse_value_list(f.beta_schedule, "--beta-schedule");
  }
  anneal_schedule(o.anneal, o.anneal.beta_range ? *o.anneal.beta_range : default_beta_range(m));  // validates early
  return o;
}

int run_solve(const SolveFlags& f, bool maxcut) {
  const std::string format = detect_format(f, maxcut);
  check_writable(f.solution);
  MaxCutInstance inst;
  IsingModel model;
  if (maxcut) {
    if (format == "gset") inst = read_gset(f.file);
    else if (format == "edges") inst.graph = read_edge_list(f.file);
    else throw InputError("--format: maxcut reads gset or edges (a weighted graph), got '" + format + "'");
    model = inst.to_ising();
  } else if (!f.model.empty()) {
    model = generated_model(f);
  } else {
    if (f.file.empty()) throw InputError("anneal: give a FILE or --model");
    if (format == "qubo") model = qubo_to_ising(read_qubo(f.file));
    else if (format == "coo") model = read_coo_ising(f.file);
    else if (format == "edges") model = IsingModel(read_edge_list(f.file));
    else throw InputError("--format: anneal reads qubo, coo or edges (Ising couplings), got '" + format + "'");
  }
  GroundStateOptions o = options_from(f, model);
  if (f.target) o.target_energy = maxcut ? -*f.target : *f.target;
  BestLine line(maxcut ? "maxcut" : "anneal", f.quiet, maxcut);
  o.progress = [&](double e, double t, int64_t w) { line(e, t, w); };
  const GroundStateResult r = solve_ground_state(model, o);
  const double cut = maxcut ? inst.cut(r.state) : std::nan("");
  // E = -cut exactly for integer weights; real weights may differ by rounding in the last bits.
  if (maxcut && std::fabs(cut + r.energy) > 1e-9 * (1.0 + std::fabs(cut)))
    throw std::runtime_error("cut and energy disagree");

  std::optional<int64_t> best_known;
  if (maxcut) {
    const auto csv = std::filesystem::path(f.file).parent_path() / "best_known.csv";
    if (std::filesystem::exists(csv)) {
      const auto table = read_gset_best_known(csv.string());
      if (auto it = table.find(instance_name(f.file)); it != table.end()) best_known = it->second;
    }
  }
  if (!f.solution.empty()) {
    const std::string comment = maxcut ? fmt::format("spinlab maxcut {}: cut {}", f.file, cut)
                                       : fmt::format("spinlab anneal {}: energy {}", f.model.empty() ? f.file : f.model, r.energy);
    const int base = maxcut && format == "gset" ? 1 : 0;
    write_cut_solution(f.solution, r.state, maxcut ? CutLabels::Side01 : CutLabels::Spin, base, comment);
    // Re-check what was written: read it back and recompute.
    const std::vector<Spin> back = read_cut_solution(f.solution, model.size(), base);
    const double again = maxcut ? inst.cut(back) : model.energy(back);
    if (again != (maxcut ? cut : r.energy))
      throw std::runtime_error("solution file " + f.solution + " does not reproduce the result");
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = maxcut ? "maxcut" : "anneal";
    if (f.model.empty()) {
      j["file"] = f.file;
      j["format"] = format;
    } else {
      j["model"] = f.model;
      j["disorder"] = f.disorder;
      j["disorder_seed"] = f.disorder_seed;
    }
    j["energy_per_spin"] = r.energy / model.size();
    j["num_vertices"] = model.size();
    j["num_edges"] = model.graph().num_edges();
    if (maxcut) j["cut"] = cut;
    j["energy"] = r.energy;
    if (best_known) j["best_known"] = *best_known;
    j["time_to_best_s"] = r.time_to_best_s;
    j["time_s"] = r.time_s;
    j["reads"] = r.reads;
    j["sweeps"] = r.sweeps;
    j["tabu_iterations"] = r.tabu_iterations;
    j["algorithm"] = r.algorithm;
    j["seed"] = f.seed;
    j["threads"] = f.threads;
    j["time_limit_s"] = f.time_limit;
    j["reached_target"] = r.reached_target;
    j["stopped_by_time"] = r.stopped_by_time;
    if (!f.solution.empty()) j["solution"] = f.solution;
    fmt::print("{}\n", j.dump(2));
  } else {
    if (maxcut)
      fmt::print("cut {}{} | {} vertices, {} edges | {} | best after {:.3f} s of {:.3f} s | {} runs, seed {}, {} threads\n",
                 cut, best_known ? fmt::format(" (best known {})", *best_known) : std::string(), model.size(),
                 model.graph().num_edges(), r.algorithm, r.time_to_best_s, r.time_s, r.reads, f.seed, f.threads);
    else
      fmt::print("energy {:.12g} | {} spins | {} | best after {:.3f} s of {:.3f} s | {} runs, seed {}, {} threads\n",
                 r.energy, model.size(), r.algorithm, r.time_to_best_s, r.time_s, r.reads, f.seed, f.threads);
  }
  return 0;
}

void add_solve_flags(CLI::App* cmd, SolveFlags& f, bool maxcut) {
  auto* file = cmd->add_option("FILE", f.file, maxcut ? "weighted graph: Gset (1-based 'n m' header) or 0-based edge list"
                                                      : "Ising/QUBO model: .qubo, dimod COO text, or 0-based edge list");
  if (maxcut) {
    file->required();
  } else {
    cmd->add_option("--model", f.model, "a generated instance instead of FILE: sk:N, ea2:L, ea3:L (periodic), rrg:N,D");
    cmd->add_option("--disorder", f.disorder, "gaussian | pm1 (couplings of --model)")->capture_default_str();
    cmd->add_option("--disorder-seed", f.disorder_seed, "seed of the couplings of --model")->capture_default_str();
  }
  cmd->add_option("--format", f.format, maxcut ? "gset | edges (default: by extension, else gset)"
                                               : "qubo | coo | edges (default: by extension)")
      ->capture_default_str();
  cmd->add_option("--time-limit", f.time_limit, "seconds; the best state so far is returned")->capture_default_str();
  cmd->add_option("--target", f.target, maxcut ? "stop when the cut reaches this value" : "stop at this energy");
  cmd->add_option("--seed", f.seed, "random seed (run r uses stream r)")->check(seed_validator())->capture_default_str();
  cmd->add_option("--threads", f.threads, "parallel searches")->capture_default_str();
  cmd->add_option("--algo", f.algo, "auto (annealing reads polished by breakout local search) | anneal | tabu | bls (breakout local search from random states)")->capture_default_str();
  cmd->add_option("--num-sweeps", f.num_sweeps, "sweeps per annealing read")->capture_default_str();
  cmd->add_option("--num-reads", f.num_reads, "annealing reads (algo anneal; 0: until the time limit)")->capture_default_str();
  cmd->add_option("--beta-range", f.beta_range, "HOT,COLD inverse temperatures (default: neal's rule)");
  cmd->add_option("--beta-schedule-type", f.schedule, "geometric | linear")->capture_default_str();
  cmd->add_option("--beta-schedule", f.beta_schedule,
                  "a custom schedule, one beta per sweep: a list '0.1,0.5,1' or START:STOP:COUNT (replaces --num-sweeps)");
  cmd->add_option("--solution", f.solution,
                  maxcut ? "write the side (0/1) of every vertex (1-based for gset), re-checked after writing"
                         : "write the spin (+1/-1) of every variable, re-checked after writing");
  cmd->add_flag("--json", f.json, "print JSON instead of the summary line");
  cmd->add_flag("--quiet", f.quiet, "no best-so-far lines on stderr");
}

}  // namespace

void register_maxcut(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("maxcut", "Maximum cut of a weighted graph (Gset, edge list), with a time limit");
  auto f = std::make_shared<SolveFlags>();
  add_solve_flags(cmd, *f, true);
  cmd->callback([&run, f] { run = [f] { return run_solve(*f, true); }; });
  auto* an = app.add_subcommand("anneal", "Lowest energy of an Ising or QUBO model (annealing + tabu search)");
  auto g = std::make_shared<SolveFlags>();
  add_solve_flags(an, *g, false);
  an->callback([&run, g] { run = [g] { return run_solve(*g, false); }; });
}

}  // namespace spinlab::cli
