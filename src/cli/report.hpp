// Renders simulation results: the readable table, JSON objects, CSV and the SVG figure.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/simulate.hpp"

namespace spinlab::cli {

nlohmann::json point_json(const PointResult& p, const IsingModel* exact_model);
std::string results_table(const SimulationResult& r);
std::string results_csv(const SimulationResult& r);

/// One labelled result set (e.g. one lattice size) and, optionally, the model whose exact
/// oracle is drawn beside it.
struct LabelledRun {
  std::string label;
  const SimulationResult* result = nullptr;
  const IsingModel* model = nullptr;
};
/// With onsager_curves, the infinite square lattice's E/N, C (Onsager) and spontaneous |M|/N
/// (Yang) are drawn too, in black.
std::string results_svg(const std::vector<LabelledRun>& runs, const std::string& title,
                        double beta_c_marker, bool onsager_curves = false);

}  // namespace spinlab::cli
