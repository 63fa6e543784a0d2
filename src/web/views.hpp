// Statistics of the lab's chambers and hysteresis views, fed one configuration at a time from the
// single live chain. The batch library functions (measure_chi, spectroscopy, infer_walls,
// hysteresis) run chains of their own; these reuse their pieces: ChiAccumulator for the Pearson
// correlations and the block map, LocalPatternCounts + fit_pseudolikelihood + classify_bonds +
// merge_walls for the wall inference, loop_area / loop_crossing for the loops.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/lattice.hpp"
#include "core/model.hpp"
#include "measure/chi_accumulator.hpp"
#include "probe/inverse_ising.hpp"
#include "probe/site_function.hpp"

namespace spinlab::web {

/// A probe rectangle [x0, x1) x [y0, y1) as the protocol sends it: {x0, y0, x1, y1}.
using LabRect = std::array<int, 4>;

/// The chambers view (80 x 80 open box, regions left / right / bottom of chambers_preset()):
///  - corr(M_probe, M_region) for the three regions, cumulative since the probe was drawn, with
///    jackknife errors, recorded at log-spaced sweep counts (the curves);
///  - every 4 x 4 block's Pearson correlation with the three regions (the spectroscopy map);
///  - local pattern counts of every possible bond, for the wall inference on demand.
class ChambersStats {
 public:
  static constexpr int kBlock = 4;          // side of a map block
  static constexpr int kCountBlocks = 8;    // jackknife blocks of the pattern counts
  static constexpr int64_t kChunk = 64;     // consecutive sweeps that go into one count block
  static constexpr double kCurveGrowth = 1.12;  // ratio of successive curve times

  explicit ChambersStats(const IsingModel& model);
  /// The model changed (walls, beta, algorithm, restart): every statistic starts again.
  void reset(const IsingModel& model);
  /// A new probe (nullopt: none): the curves start again at t = 0.
  void set_probe(const std::optional<LabRect>& rect);
  /// One configuration (one per sweep).
  void add(const IsingModel& model, std::span<const Spin> s);

  /// {"sweeps", "now": [r_left, err, r_right, err, r_bottom, err] | null, "points": [[t, r_l, e_l,
  /// r_r, e_r, r_b, e_b], ...]}; null without a probe.
  nlohmann::json curves_json() const;
  /// {"block", "nx", "ny", "samples", "observables", "pearson": [[l, r, b] per block, row-major]}; null before 64 samples.
  nlohmann::json map_json() const;
  /// Missing bonds inferred from the counts so far: {"samples", "typical", "threshold",
  /// "undecided", "walls" (merged), "missing": [[x, y, dir, confidence, decided], ...],
  /// "true_walls", "true_positives", "false_positives", "false_negatives"}; against `lattice`'s
  /// own removed bonds. null before kCountBlocks * kChunk samples.
  nlohmann::json infer(const Lattice& lattice, double decide_sigma = 3.0) const;
  /// A copy of the counts (for infer_from on another thread: the fit takes seconds); null before
  /// kCountBlocks * kChunk samples.
  std::shared_ptr<const LocalPatternCounts> counts_snapshot() const;
  static nlohmann::json infer_from(const LocalPatternCounts& counts, const Lattice& lattice, double decide_sigma = 3.0);
  int64_t samples() const { return samples_; }
  int64_t probe_sweeps() const { return probe_sweeps_; }

 private:
  std::vector<SiteFunction> regions_, blocks_;
  std::vector<Rect> block_rects_;
  std::optional<SiteFunctionSet> region_set_, block_set_;
  std::optional<SiteFunctionSet> probe_set_;
  std::optional<LabRect> probe_;
  ChiAccumulator curve_acc_{1, 3}, map_acc_{1, 3};
  std::vector<std::array<double, 7>> points_;
  double next_point_ = 10;
  int64_t probe_sweeps_ = 0, samples_ = 0;
  std::optional<LocalPatternCounts> counts_;
  std::vector<double> region_values_, block_values_;
};

/// The hysteresis view: h runs -H -> +H -> -H in `steps` values per branch (the grid of
/// probe/hysteresis.hpp); one frame per field value. Completed loops are the repeats of the
/// mean loop, its area and coercive fields (errors over loops, sample_mean).
class HysteresisRun {
 public:
  static constexpr size_t kMaxLoops = 64;  // loops kept for the averages (the latest)
  HysteresisRun(double H, int steps);
  /// The field of the current step.
  double field() const;
  /// m after the current step's sweeps; advances to the next step.
  void record(double m);
  /// Back to the first step, forgetting every loop.
  void restart();
  /// {"H", "steps", "index", "h", "branch", "loops", "points": [[h, m], ...] of the current loop,
  /// "mean": [[h, m, error], ...] | null, "area", "coercive_up", "coercive_down"}.
  nlohmann::json state() const;
  int completed_loops() const { return completed_; }
  double H() const { return H_; }
  int steps() const { return static_cast<int>(grid_.size()); }

 private:
  double field_at(size_t index) const;
  double H_;
  std::vector<double> grid_;
  size_t index_ = 0;  // 0 .. 2 steps - 1
  std::vector<double> current_;
  std::vector<std::vector<double>> loops_;
  int completed_ = 0;
};

}  // namespace spinlab::web
