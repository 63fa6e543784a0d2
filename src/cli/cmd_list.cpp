// `spinlab list`: every registered algorithm and exact oracle, from the registries themselves.
#include <fmt/core.h>

#include "cli/common.hpp"
#include "sample/move.hpp"

namespace spinlab::cli {

void register_list(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("list", "List the sampling algorithms (--algo) and exact oracles (--method)");
  cmd->callback([&run] {
    run = [] {
      fmt::print("Sampling algorithms (simulate --algo NAME; combine with '+', e.g. wolff+metropolis):\n");
      for (const auto& info : move_registry()) fmt::print("  {:<24} {}\n", info.name, info.description);
      fmt::print("  {:<24} {}\n", "glauber", "alias of heatbath-random");
      fmt::print("  {:<24} {}\n", "swendsen-wang", "alias of sw");
      fmt::print("\nExact oracles (exact --method NAME):\n");
      fmt::print("  {:<24} {}\n", "auto", "enumerate for N <= 20, else chain or kaufman when they apply, else enumerate up to N = 26");
      fmt::print("  {:<24} {}\n", "enumerate", "Gray-code enumeration of all 2^N states, N <= 26");
      fmt::print("  {:<24} {}\n", "chain", "1D ring or open chain in a field, transfer matrix");
      fmt::print("  {:<24} {}\n", "kaufman", "2D L x L torus at h = 0, Kaufman 1949 (finite size)");
      fmt::print("  {:<24} {}\n", "onsager", "2D infinite lattice: energy, C, spontaneous magnetisation");
      fmt::print("  {:<24} {}\n", "mean-field", "m = tanh(beta (z J m + h)), all solutions");
      fmt::print("  {:<24} {}\n", "bethe", "exact --bethe K: critical point of the degree-K Bethe lattice");
      return 0;
    };
  });
}

}  // namespace spinlab::cli
