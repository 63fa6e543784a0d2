// `spinlab exact`: oracle values for a model (enumeration, chain, Kaufman, Onsager, mean field).
#include <fmt/core.h>

#include <cmath>

#include "app/exact_model.hpp"
#include "cli/common.hpp"
#include "core/error.hpp"
#include "exact/oracles.hpp"

namespace spinlab::cli {
namespace {

struct ExactFlags {
  ModelFlags model;
  std::string beta, T, method = "auto";
  int bethe = 0;
  bool json = false;
};

nlohmann::json exact_value(double v) {
  if (!std::isfinite(v)) return nullptr;
  return {{"mean", v}, {"error", 0.0}, {"tau_int", 0.0}};
}

int run_exact(const ExactFlags& f) {
  if (f.bethe != 0) {
    if (f.bethe < 3) throw InputError("--bethe: degree must be >= 3");
    double bc = bethe_beta_c(f.bethe, f.model.J);
    if (f.json) fmt::print("{}\n", nlohmann::json{{"command", "exact"}, {"method", "bethe"}, {"degree", f.bethe}, {"J", f.model.J}, {"beta_c", bc}}.dump(2));
    else fmt::print("Bethe lattice, degree {}, J = {}: beta_c = {:.12g} (T_c = {:.12g})\n", f.bethe, f.model.J, bc, 1.0 / bc);
    return 0;
  }
  IsingModel model = build_model(f.model);
  std::vector<double> betas = betas_from_flags(f.beta, f.T);
  ExactMethod method = resolve_exact_method(model, parse_exact_method(f.method));
  nlohmann::json j;
  j["command"] = "exact";
  j["method"] = exact_method_name(method);
  j["model"] = model_json(f.model, model);
  j["results"] = nlohmann::json::array();
  if (!f.json)
    fmt::print("# exact ({}) | {} spins\n{:>9} {:>16} {:>16} {:>16} {:>16} {:>12} {:>16}\n", exact_method_name(method),
               model.size(), "beta", "E/N", "|M|/N", "chi", "C", "U", "lnZ");
  for (double b : betas) {
    ExactPoint p = exact_point(model, b, method);
    nlohmann::json r;
    r["beta"] = b;
    r["temperature"] = b > 0 ? nlohmann::json(1.0 / b) : nlohmann::json(nullptr);
    r["energy_per_spin"] = exact_value(p.energy_per_spin);
    r["abs_magnetization_per_spin"] = exact_value(p.abs_magnetization_per_spin);
    r["magnetization_per_spin"] = exact_value(p.magnetization_per_spin);
    r["susceptibility"] = exact_value(p.susceptibility);
    r["specific_heat"] = exact_value(p.specific_heat);
    r["binder_cumulant"] = exact_value(p.binder_cumulant);
    r["log_z"] = std::isfinite(p.log_z) ? nlohmann::json(p.log_z) : nlohmann::json(nullptr);
    if (method == ExactMethod::MeanField) {
      double J = 0, h = 0;
      model.is_uniform(&J, &h);
      nlohmann::json sols = nlohmann::json::array();
      for (const auto& s : mean_field_solutions(b, model.graph().max_degree() * J, h))
        sols.push_back({{"m", s.m}, {"stable", s.stable}, {"free_energy_per_spin", s.free_energy_per_spin}});
      r["solutions"] = sols;
    }
    j["results"].push_back(r);
    if (!f.json)
      fmt::print("{:>9.5f} {:>16.10g} {:>16.10g} {:>16.10g} {:>16.10g} {:>12.8g} {:>16.10g}\n", b, p.energy_per_spin,
                 p.abs_magnetization_per_spin, p.susceptibility, p.specific_heat, p.binder_cumulant, p.log_z);
  }
  if ((method == ExactMethod::Kaufman || method == ExactMethod::Onsager) && f.model.J > 0.0)
    j["beta_c_infinite"] = onsager_beta_c(f.model.J);
  if (f.json) fmt::print("{}\n", j.dump(2));
  return 0;
}

}  // namespace

void register_exact(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("exact", "Exact values for a model: enumeration, 1D chain, Kaufman, Onsager, mean field, Bethe");
  auto f = std::make_shared<ExactFlags>();
  add_model_flags(cmd, f->model);
  add_temperature_flags(cmd, f->beta, f->T);
  cmd->add_option("--method", f->method, "auto | enumerate | chain | kaufman | onsager | mean-field")->capture_default_str();
  cmd->add_option("--bethe", f->bethe, "print the Bethe-lattice critical point for degree K (no model needed)");
  cmd->add_flag("--json", f->json, "print JSON (same shape as simulate, error 0)");
  cmd->callback([&run, f] { run = [f] { return run_exact(*f); }; });
}

}  // namespace spinlab::cli
