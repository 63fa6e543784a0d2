// Shared pieces of the command-line face: model flags, value lists, progress line, JSON helpers.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/early_warning.hpp"
#include "measure/estimators.hpp"
#include "measure/simulate.hpp"

namespace spinlab::cli {

/// Flags that define a model: a lattice or a graph file, couplings and field.
struct ModelFlags {
  std::string lattice;  // chain | square | cubic
  int64_t L = 0;
  std::string boundary = "periodic";
  std::string graph;    // edge-list file
  double J = 1.0;
  double h = 0.0;
  std::vector<std::string> walls;  // "x=C,y=A:B"
};
void add_model_flags(CLI::App* cmd, ModelFlags& f);
/// Builds the model; refuses (InputError) sizes that would not fit in memory.
IsingModel build_model(const ModelFlags& f);
nlohmann::json model_json(const ModelFlags& f, const IsingModel& m);

/// --seed: 0 .. 2^64-1 (CLI11 would otherwise wrap "-1" into 2^64-1).
CLI::Validator seed_validator();

/// Refuses (InputError naming --sweeps) runs whose measurement series would not fit in half
/// of this machine's memory.
void check_series_memory(double bytes, const SimulationOptions& options);

/// A finite number / an integer, or InputError naming the flag.
double parse_number(const std::string& tok, const std::string& flag);
int64_t parse_integer(const std::string& tok, const std::string& flag);
/// Splits at sep (a trailing separator gives a last empty part).
std::vector<std::string> split(const std::string& s, char sep);
/// "x=C[,y=A:B]": removes the bonds of the wall (Lattice::add_wall), InputError naming the flag.
void apply_wall(Lattice& lat, const std::string& spec);

/// --detrend gaussian[:BW] | linear | none into o (InputError naming the flag).
void parse_detrend(const std::string& spec, EwsOptions& o);
/// The early-warning indicators as a table on stdout / as JSON {name: {kendall_tau, p_value}}.
void print_ews_indicators(const EwsResult& r);
nlohmann::json ews_indicators_json(const EwsResult& r);

/// --init hot | up | down.
InitialState parse_init(const std::string& spec);

/// "0.4", "0.3,0.4,0.5" or "start:stop:count" (count points, both ends included).
std::vector<double> parse_value_list(const std::string& spec, const std::string& flag);
/// Registers --beta and --T (the syntax of parse_value_list); read them with betas_from_flags.
void add_temperature_flags(CLI::App* cmd, std::string& beta, std::string& T);
/// Inverse temperatures from --beta or --T (exactly one must be given).
std::vector<double> betas_from_flags(const std::string& beta, const std::string& T);
/// Site lists "0,3,7-12"; every site must lie in 0..n-1.
std::vector<int32_t> parse_site_list(const std::string& spec, const std::string& flag, int32_t n);

nlohmann::json to_json(const Estimate& e);

/// A progress line on stderr for runs longer than ~2 s: rewritten in place on a terminal,
/// one line every ~5 s otherwise. Silent when quiet.
class ProgressLine {
 public:
  ProgressLine(std::string label, bool quiet);
  ~ProgressLine();
  void operator()(double fraction);
  std::function<void(double)> callback() {
    return [this](double f) { (*this)(f); };
  }

 private:
  std::string label_;
  bool quiet_, tty_, printed_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

/// Writes text to path atomically, or to stdout when path is "-".
void write_output(const std::string& path, const std::string& text);

/// Each command registers itself: adds its subcommand and sets `run` when chosen.
using Action = std::function<int()>;
void register_simulate(CLI::App& app, Action& run);
void register_exact(CLI::App& app, Action& run);
void register_demo(CLI::App& app, Action& run);
void register_list(CLI::App& app, Action& run);
void register_bench(CLI::App& app, Action& run);
void register_maxcut(CLI::App& app, Action& run);
void register_glass(CLI::App& app, Action& run);
void register_probe(CLI::App& app, Action& run);
void register_spectroscopy(CLI::App& app, Action& run);
void register_walls(CLI::App& app, Action& run);
void register_infer(CLI::App& app, Action& run);
void register_hysteresis(CLI::App& app, Action& run);
void register_ews(CLI::App& app, Action& run);
void register_ramp(CLI::App& app, Action& run);
void register_detect(CLI::App& app, Action& run);
void register_hopfield(CLI::App& app, Action& run);
void register_dam(CLI::App& app, Action& run);
void register_rbm(CLI::App& app, Action& run);
void register_dbn(CLI::App& app, Action& run);
void register_social(CLI::App& app, Action& run);
void register_lab(CLI::App& app, Action& run);

}  // namespace spinlab::cli
