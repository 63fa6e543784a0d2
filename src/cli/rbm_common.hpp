// Flags and helpers shared by `spinlab rbm ...` and `spinlab dbn ...` (defined in cmd_rbm.cpp).
#pragma once

#include <string>

#include "cli/common.hpp"
#include "io/datasets.hpp"
#include "learn/rbm.hpp"

namespace spinlab::cli {

struct DataFlags {
  std::string data, split;
  double binarize = -1;  // < 0: named sets at 0.5, files must already be 0/1
};

/// Loads and binarises (digits / fashion-mnist at 0.5 unless --binarize; files must be 0/1).
Dataset load_binary(const DataFlags& f, const std::string& default_split);
void add_data_flags(CLI::App* cmd, DataFlags& f, const std::string& split_help);
const char* units_name(RbmUnits u);
RbmUnits parse_units(const std::string& u);
/// --gemm openblas | blocked.
void set_gemm(const std::string& g);

/// Registers `rbm tc` under the `rbm` command (cmd_rbm_tc.cpp).
void register_rbm_tc(CLI::App* rbm, Action& run);

}  // namespace spinlab::cli

#include "learn/rbm_tc.hpp"

namespace spinlab::cli {

/// Flags of the temperature scan, shared by `rbm tc` and `rbm train --track-tc` (prefix "--tc-").
struct TcFlags {
  std::string T, align, order = "auto";
  int points = 16, pairs = 1, burn_in = 500, sweeps = 2000, blocks = 16;
  double max_r_hat = 1.1;
};
void add_tc_flags(CLI::App* cmd, TcFlags& f, const std::string& prefix);
/// Options from flags; the aligned direction from `data` (may be null: the top singular vector of W).
TcOptions tc_options(const TcFlags& f, const std::string& prefix, const Dataset* data);
nlohmann::json tc_json(const TcResult& r);

}  // namespace spinlab::cli
