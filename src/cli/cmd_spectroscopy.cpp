// `spinlab spectroscopy`: tile the lattice (or graph) with probe blocks and map every block's
// susceptibility vector against the observables, from one run.
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "cli/probe_flags.hpp"
#include "core/error.hpp"
#include "io/svg_map.hpp"
#include "probe/spectroscopy.hpp"

namespace spinlab::cli {
namespace {

struct SpectroscopyFlags {
  GeometryFlags geo;
  ChiRunFlags run;
  int32_t block = 4;
  std::string plot, csv;
};

int run_spectroscopy(const SpectroscopyFlags& f) {
  const Geometry g = build_geometry(f.geo);
  ChiOptions o = chi_options(f.run);
  o.observables = resolve_observables(f.geo.observe, g);
  ProgressLine line("spectroscopy", f.run.quiet);
  o.progress = line.callback();
  const SpectroscopyResult r = spectroscopy(g.model, f.block, o);
  line(1.0);
  const size_t K = r.observables.size();
  auto block_name = [&](const SpectroscopyBlock& b) {
    return r.lattice_blocks ? rect_string(b.rect)
                            : "sites:" + std::to_string(b.first) + "-" + std::to_string(b.first + b.count - 1);
  };
  if (!f.csv.empty()) {
    std::ostringstream csv;
    csv.precision(10);
    csv << "block,x0,y0,w,h,first,count,observable,chi,chi_error,pearson,pearson_error,dominant\n";
    for (const auto& b : r.blocks)
      for (size_t k = 0; k < K; ++k)
        csv << "\"" << block_name(b) << "\"," << b.rect.x0 << "," << b.rect.y0 << "," << b.rect.w << "," << b.rect.h << ","
            << b.first << "," << b.count << "," << r.observables[k] << "," << b.chi[k].mean << "," << b.chi[k].error << ","
            << b.pearson[k].mean << "," << b.pearson[k].error << "," << r.observables[b.dominant] << "\n";
    write_output(f.csv, csv.str());
  }
  if (!f.plot.empty()) {
    const Lattice* lat = g.model.lattice();
    if (!r.lattice_blocks || !lat) throw InputError("--plot: maps need a square lattice");
    std::vector<MapPanel> panels;
    const auto walls = removed_bond_segments(*lat, lat->removed_bonds(), "#000000", 2.5);
    for (size_t k = 0; k < K; ++k) {
      MapPanel p;
      p.title = "chi(block, " + r.observables[k] + ")";
      p.value_label = "Cov[M_" + r.observables[k] + ", M_block]";
      p.width = lat->extent(0);
      p.height = lat->extent(1);
      for (const auto& b : r.blocks) p.cells.push_back({double(b.rect.x0), double(b.rect.y0), double(b.rect.w), double(b.rect.h), b.chi[k].mean});
      p.segments = walls;
      panels.push_back(p);
    }
    MapPanel d;
    d.title = "dominant observable (largest Pearson r)";
    d.categorical = true;
    d.categories = r.observables;
    d.width = lat->extent(0);
    d.height = lat->extent(1);
    for (const auto& b : r.blocks) d.cells.push_back({double(b.rect.x0), double(b.rect.y0), double(b.rect.w), double(b.rect.h), double(b.dominant)});
    d.segments = walls;
    panels.push_back(d);
    write_output(f.plot, render_map_svg(panels, static_cast<int>(std::min<size_t>(panels.size(), 4))));
  }
  if (f.run.json) {
    nlohmann::json j;
    j["command"] = "spectroscopy";
    j["model"] = g.description;
    j["beta"] = f.run.beta;
    j["algo"] = r.run.algo;
    j["block"] = f.block;
    j["sweeps"] = (f.run.sweeps / f.run.chains) * f.run.chains;
    j["chains"] = f.run.chains;
    j["seed"] = f.run.seed;
    j["observables"] = r.observables;
    nlohmann::json blocks = nlohmann::json::array();
    for (const auto& b : r.blocks) {
      nlohmann::json bj;
      bj["name"] = block_name(b);
      if (r.lattice_blocks) bj["rect"] = {b.rect.x0, b.rect.y0, b.rect.w, b.rect.h};
      else bj["sites"] = {b.first, b.first + b.count - 1};
      nlohmann::json c = nlohmann::json::object(), q = nlohmann::json::object();
      for (size_t k = 0; k < K; ++k) c[r.observables[k]] = to_json(b.chi[k]), q[r.observables[k]] = to_json(b.pearson[k]);
      bj["chi"] = c;
      bj["pearson"] = q;
      bj["dominant"] = r.observables[b.dominant];
      blocks.push_back(bj);
    }
    j["blocks"] = blocks;
    j["warnings"] = r.run.warnings;
    j["seconds"] = r.run.seconds;
    std::printf("%s\n", j.dump(1).c_str());
  } else {
    std::printf("# %s, beta = %g, %s, %zu blocks of %d, %lld measured sweeps, %.1f s\n", g.description.c_str(), f.run.beta,
                r.run.algo.c_str(), r.blocks.size(), f.block, static_cast<long long>((f.run.sweeps / f.run.chains) * f.run.chains),
                r.run.seconds);
    std::vector<int> counts(K, 0);
    for (const auto& b : r.blocks) ++counts[b.dominant];
    for (size_t k = 0; k < K; ++k) std::printf("  dominant %-12s %d blocks\n", r.observables[k].c_str(), counts[k]);
    if (r.lattice_blocks && g.model.lattice()) {  // a character map of the dominant observable
      const Lattice& lat = *g.model.lattice();
      const int32_t nx = (lat.extent(0) + f.block - 1) / f.block;
      std::string row;
      for (size_t i = 0; i < r.blocks.size(); ++i) {
        row += static_cast<char>(r.observables[r.blocks[i].dominant].empty() ? '?' : r.observables[r.blocks[i].dominant][0]);
        if (static_cast<int32_t>((i + 1) % nx) == 0) {
          std::printf("  %s\n", row.c_str());
          row.clear();
        }
      }
    }
  }
  std::fflush(stdout);
  for (const auto& w : r.run.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  return 0;
}

}  // namespace

void register_spectroscopy(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("spectroscopy", "Map every probe block's susceptibility vector (one run)");
  cmd->footer(
      "Tiles a square lattice with b x b probe blocks (other models: runs of b consecutive vertices) and measures\n"
      "every block's chi = Cov[phi_k, M_block] against the observables in one run.\n"
      "Example: spinlab spectroscopy --preset chambers --beta 0.44 --block 4 --sweeps 100000 --plot map.svg");
  auto f = std::make_shared<SpectroscopyFlags>();
  add_geometry_flags(cmd, f->geo, false);
  cmd->add_option("--observe", f->geo.observe,
                  "observables NAME,NAME,...: region names, E, M, sI, sI*sJ (default: every region, or M)");
  add_chi_run_flags(cmd, f->run);
  cmd->add_option("--block", f->block, "probe block side (lattices) or vertex count (graphs)")->capture_default_str();
  cmd->add_option("--plot", f->plot, "write SVG maps: chi per observable and the dominant observable per block");
  cmd->add_option("--csv", f->csv, "write one row per block and observable to FILE.csv");
  cmd->callback([&run, f] { run = [f] { return run_spectroscopy(*f); }; });
}

}  // namespace spinlab::cli
