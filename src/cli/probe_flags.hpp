// Flags shared by the spectroscopy commands (probe, spectroscopy, walls, ...): the model (a
// lattice with walls, a graph, or --preset chambers), named regions, probes and observables.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "io/svg_map.hpp"
#include "probe/chi.hpp"
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

/// The run flags of the chi-based commands (probe, spectroscopy, walls).
struct ChiRunFlags {
  double beta = 0.44;
  std::string algo = "wolff";  // near beta_c: tau_int ~ 0.5 sweeps on the chambers (heat-bath: ~400)
  int64_t sweeps = 100000, therm = 10000, measure_every = 1;
  uint64_t seed = 1;
  int threads = 2, chains = 2;
  std::string init = "hot";
  bool json = false, quiet = false;
};
void add_chi_run_flags(CLI::App* cmd, ChiRunFlags& f);
/// ChiOptions from the run flags (probes and observables left empty).
ChiOptions chi_options(const ChiRunFlags& f);

/// Line segments (lattice units) along the bonds removed from a square lattice: a bond between
/// (x, y) and (x + 1, y) is the unit segment x + 1, y .. y + 1.
std::vector<MapSegment> removed_bond_segments(const Lattice& lattice, const std::vector<Lattice::BondRef>& bonds,
                                              const std::string& colour, double width);

}  // namespace spinlab::cli
