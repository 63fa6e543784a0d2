// Flags shared by the spectroscopy commands (probe, spectroscopy, walls, ...): the model (a
// lattice with walls, a graph, or --preset chambers), named regions, probes and observables.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "probe/site_function.hpp"

namespace spinlab::cli {

struct GeometryFlags {
  ModelFlags model;
  std::string preset;                 // "" or "chambers"
  std::vector<std::string> regions;   // NAME=x0,y0,w,h | NAME=sites:LIST
  std::vector<std::string> probes;    // x0,y0,w,h | NAME | sites:LIST | sI | sI*sJ
  std::string observe;                // NAME,NAME,... (regions, E, M, sI, sI*sJ)
};
/// Adds the model flags, --preset, --region; with_probes adds --probe and --observe too.
void add_geometry_flags(CLI::App* cmd, GeometryFlags& f, bool with_probes);

struct Geometry {
  IsingModel model;
  std::vector<NamedRegion> rect_regions;  // regions given as rectangles (lattices)
  std::vector<SiteFunction> regions;      // every named region as a site sum
  std::vector<std::string> true_walls;    // the --wall specs of the model (or the preset's)
  std::string description;
};
/// Builds the model and regions; InputError naming the flag on bad input.
Geometry build_geometry(const GeometryFlags& f);
/// A probe or observable spec resolved against the geometry (flag names the option in errors).
SiteFunction resolve_site_function(const std::string& spec, const Geometry& g, const std::string& flag,
                                   bool allow_energy);
/// --observe, or (when empty) the named regions, or M when there are none.
std::vector<SiteFunction> resolve_observables(const std::string& observe, const Geometry& g);

}  // namespace spinlab::cli
