// Susceptibility spectroscopy maps: the lattice (or graph) tiled with probe blocks, every
// block's chi vector against the chosen observables from one run (the fluctuation-dissipation
// theorem makes it one simulation, not one per probe).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probe/chi.hpp"
#include "probe/site_function.hpp"

namespace spinlab {

struct SpectroscopyBlock {
  Rect rect;                     // square lattices: the block
  int32_t first = 0, count = 0;  // other models: vertices first .. first + count - 1
  std::vector<Estimate> chi, pearson;  // per observable
  int dominant = -1;             // observable with the largest Pearson correlation
};

struct SpectroscopyResult {
  std::vector<std::string> observables;
  std::vector<SpectroscopyBlock> blocks;
  bool lattice_blocks = false;
  ChiResult run;
};

/// The probe blocks: b x b rectangles on a square lattice (smaller at the far edges when b does
/// not divide L), else runs of b consecutive vertices.
std::vector<SiteFunction> spectroscopy_blocks(const IsingModel& model, int32_t block, std::vector<Rect>* rects,
                                              std::vector<std::pair<int32_t, int32_t>>* runs);

/// `options.probes` is replaced by the blocks; observables are taken from options.
SpectroscopyResult spectroscopy(const IsingModel& model, int32_t block, ChiOptions options);

}  // namespace spinlab
