#include "probe/spectroscopy.hpp"

#include "core/error.hpp"

namespace spinlab {

std::vector<SiteFunction> spectroscopy_blocks(const IsingModel& model, int32_t block, std::vector<Rect>* rects,
                                              std::vector<std::pair<int32_t, int32_t>>* runs) {
  if (block < 1) throw InputError("--block must be >= 1");
  std::vector<SiteFunction> out;
  const Lattice* lat = model.lattice();
  if (lat && lat->dim() == 2) {
    if (block > lat->extent(0) || block > lat->extent(1)) throw InputError("--block is larger than the lattice");
    for (int32_t y = 0; y < lat->extent(1); y += block)
      for (int32_t x = 0; x < lat->extent(0); x += block) {
        const Rect r{x, y, std::min(block, lat->extent(0) - x), std::min(block, lat->extent(1) - y)};
        out.push_back(site_sum(rect_string(r), rectangle_sites(*lat, r, "--block"), model.size()));
        if (rects) rects->push_back(r);
      }
    return out;
  }
  if (block > model.size()) throw InputError("--block is larger than the model");
  for (int32_t a = 0; a < model.size(); a += block) {
    const int32_t c = std::min(block, model.size() - a);
    std::vector<int32_t> sites(c);
    for (int32_t k = 0; k < c; ++k) sites[k] = a + k;
    out.push_back(site_sum("sites:" + std::to_string(a) + "-" + std::to_string(a + c - 1), sites, model.size()));
    if (runs) runs->push_back({a, c});
  }
  return out;
}

SpectroscopyResult spectroscopy(const IsingModel& model, int32_t block, ChiOptions o) {
  std::vector<Rect> rects;
  std::vector<std::pair<int32_t, int32_t>> runs;
  o.probes = spectroscopy_blocks(model, block, &rects, &runs);
  SpectroscopyResult r;
  r.run = measure_chi(model, o);
  r.lattice_blocks = !rects.empty();
  for (const auto& f : o.observables) r.observables.push_back(f.name);
  const size_t K = o.observables.size();
  for (size_t p = 0; p < o.probes.size(); ++p) {
    SpectroscopyBlock b;
    if (r.lattice_blocks) b.rect = rects[p];
    else b.first = runs[p].first, b.count = runs[p].second;
    double best = -2.0;
    for (size_t k = 0; k < K; ++k) {
      b.chi.push_back(r.run.estimates.chi[p * K + k]);
      b.pearson.push_back(r.run.estimates.pearson[p * K + k]);
      if (b.pearson.back().mean > best) best = b.pearson.back().mean, b.dominant = static_cast<int>(k);
    }
    r.blocks.push_back(std::move(b));
  }
  return r;
}

}  // namespace spinlab
