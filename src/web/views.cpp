// The chambers and hysteresis views' statistics (see views.hpp).
#include "web/views.hpp"

#include <cmath>
#include <set>

#include "measure/estimators.hpp"
#include "probe/hysteresis.hpp"
#include "probe/spectroscopy.hpp"
#include "probe/walls.hpp"

namespace spinlab::web {

using nlohmann::json;

namespace {

json estimate_json(const Estimate& e) {
  if (!std::isfinite(e.mean)) return nullptr;
  return {{"mean", e.mean}, {"error", std::isfinite(e.error) ? e.error : 0.0}};
}

}  // namespace

ChambersStats::ChambersStats(const IsingModel& model) {
  const Lattice& lat = *model.lattice();
  const int32_t n = model.size();
  for (const auto& r : chambers_preset().regions)
    regions_.push_back(site_sum(r.name, rectangle_sites(lat, r.rect, r.name), n));
  blocks_ = spectroscopy_blocks(model, kBlock, &block_rects_, nullptr);
  region_set_.emplace(regions_);
  block_set_.emplace(blocks_);
  region_values_.assign(regions_.size(), 0.0);
  block_values_.assign(blocks_.size(), 0.0);
  reset(model);
}

void ChambersStats::reset(const IsingModel& model) {
  map_acc_ = ChiAccumulator(blocks_.size(), regions_.size());
  counts_.emplace(model.size(), wall_candidates(*model.lattice()), kCountBlocks);
  samples_ = 0;
  set_probe(probe_);
}

void ChambersStats::set_probe(const std::optional<LabRect>& rect) {
  probe_ = rect;
  curve_acc_ = ChiAccumulator(1, regions_.size());
  points_.clear();
  next_point_ = 10;
  probe_sweeps_ = 0;
  probe_set_.reset();
  if (rect) {
    std::vector<int32_t> sites;
    for (int y = (*rect)[1]; y < (*rect)[3]; ++y)
      for (int x = (*rect)[0]; x < (*rect)[2]; ++x) sites.push_back(x + 80 * y);
    probe_set_.emplace(std::vector<SiteFunction>{site_sum("probe", std::move(sites), 80 * 80)});
  }
}

void ChambersStats::add(const IsingModel& model, std::span<const Spin> s) {
  region_set_->evaluate(model, s, region_values_);
  block_set_->evaluate(model, s, block_values_);
  map_acc_.add(block_values_, region_values_);
  counts_->add(s, static_cast<int>((samples_ / kChunk) % kCountBlocks));
  ++samples_;
  if (!probe_set_) return;
  double f = 0;
  probe_set_->evaluate(model, s, std::span<double>(&f, 1));
  curve_acc_.add(std::span<const double>(&f, 1), region_values_);
  if (++probe_sweeps_ >= next_point_) {
    const ChiEstimates e = curve_acc_.estimate();
    std::array<double, 7> p{static_cast<double>(probe_sweeps_)};
    for (size_t k = 0; k < 3; ++k) {
      p[1 + 2 * k] = e.pearson[k].mean;
      p[2 + 2 * k] = e.pearson[k].error;
    }
    points_.push_back(p);
    while (next_point_ <= static_cast<double>(probe_sweeps_)) next_point_ = std::ceil(next_point_ * kCurveGrowth);
  }
}

json ChambersStats::curves_json() const {
  if (!probe_) return nullptr;
  json pts = json::array();
  for (const auto& p : points_) pts.push_back(p);
  json now = nullptr;
  if (curve_acc_.samples() >= 10) {
    const ChiEstimates e = curve_acc_.estimate();
    now = json::array();
    for (size_t k = 0; k < 3; ++k) now.push_back(estimate_json(e.pearson[k]));
  }
  return {{"rect", *probe_}, {"sweeps", probe_sweeps_}, {"now", now}, {"points", pts}};
}

json ChambersStats::map_json() const {
  if (map_acc_.samples() < 64) return nullptr;
  const ChiEstimates e = map_acc_.estimate();
  const size_t K = regions_.size();
  json pearson = json::array();
  for (size_t b = 0; b < blocks_.size(); ++b) {
    json row = json::array();
    for (size_t k = 0; k < K; ++k) {
      const double r = e.pearson[b * K + k].mean;
      row.push_back(std::isfinite(r) ? std::round(r * 1000) / 1000 : 0.0);
    }
    pearson.push_back(row);
  }
  return {{"block", kBlock}, {"nx", 80 / kBlock}, {"ny", 80 / kBlock}, {"samples", map_acc_.samples()},
          {"observables", {"left", "right", "bottom"}}, {"pearson", pearson}};
}

std::shared_ptr<const LocalPatternCounts> ChambersStats::counts_snapshot() const {
  if (samples_ < kCountBlocks * kChunk) return nullptr;
  return std::make_shared<const LocalPatternCounts>(*counts_);
}

json ChambersStats::infer(const Lattice& lat, double decide_sigma) const {
  if (samples_ < kCountBlocks * kChunk) return nullptr;
  return infer_from(*counts_, lat, decide_sigma);
}

json ChambersStats::infer_from(const LocalPatternCounts& counts, const Lattice& lat, double decide_sigma) {
  const PseudoLikelihoodResult fit = fit_pseudolikelihood(counts);
  std::vector<Estimate> couplings;
  for (const auto& c : fit.couplings) couplings.push_back(c.coupling);
  const BondVerdicts v = classify_bonds(couplings, decide_sigma);
  const std::vector<Lattice::BondRef> possible = lat.possible_bonds();
  std::set<std::pair<int32_t, int>> truth;
  for (const auto& b : lat.removed_bonds()) truth.insert({b.site, b.dir});
  std::vector<Lattice::BondRef> called;
  json missing = json::array();
  int tp = 0, fp = 0;
  for (size_t k = 0; k < possible.size(); ++k) {
    if (!v.missing[k]) continue;
    const auto c = lat.coords(possible[k].site);
    called.push_back(possible[k]);
    missing.push_back({c[0], c[1], possible[k].dir, std::round(v.confidence[k] * 1e4) / 1e4, v.decided[k] != 0});
    (truth.count({possible[k].site, possible[k].dir}) ? tp : fp)++;
  }
  return {{"samples", fit.samples},
          {"typical", v.typical},
          {"threshold", v.threshold},
          {"undecided", v.undecided},
          {"walls", merge_walls(lat, called)},
          {"missing", missing},
          {"true_walls", merge_walls(lat, lat.removed_bonds())},
          {"true_positives", tp},
          {"false_positives", fp},
          {"false_negatives", static_cast<int>(truth.size()) - tp},
          {"newton_failures", fit.newton_failures}};
}

HysteresisRun::HysteresisRun(double H, int steps) : H_(H) {
  // The grid of hysteresis(): -H .. +H in `steps` values.
  for (int k = 0; k < steps; ++k) grid_.push_back(-H + 2 * H * k / (steps - 1));
}

double HysteresisRun::field_at(size_t i) const {
  const size_t s = grid_.size();
  return i < s ? grid_[i] : grid_[2 * s - 1 - i];
}

double HysteresisRun::field() const { return field_at(index_); }

void HysteresisRun::record(double m) {
  current_.push_back(m);
  if (++index_ < 2 * grid_.size()) return;
  loops_.push_back(std::move(current_));
  if (loops_.size() > kMaxLoops) loops_.erase(loops_.begin());
  current_.clear();
  index_ = 0;
  ++completed_;
}

void HysteresisRun::restart() {
  index_ = 0;
  current_.clear();
  loops_.clear();
  completed_ = 0;
}

json HysteresisRun::state() const {
  nlohmann::json pts = nlohmann::json::array();
  for (size_t i = 0; i < current_.size(); ++i) pts.push_back({field_at(i), current_[i]});
  nlohmann::json j = {{"H", H_},
                      {"steps", grid_.size()},
                      {"index", index_},
                      {"h", field()},
                      {"branch", index_ < grid_.size() ? "up" : "down"},
                      {"loops", completed_},
                      {"points", pts},
                      {"mean", nullptr},
                      {"area", nullptr},
                      {"coercive_up", nullptr},
                      {"coercive_down", nullptr}};
  if (loops_.size() < 2) return j;
  const size_t P = 2 * grid_.size();
  std::vector<double> field(P), mean(P), areas, up, down;
  for (size_t i = 0; i < P; ++i) field[i] = field_at(i);
  nlohmann::json m = nlohmann::json::array();
  std::vector<double> col(loops_.size());
  for (size_t i = 0; i < P; ++i) {
    for (size_t l = 0; l < loops_.size(); ++l) col[l] = loops_[l][i];
    const Estimate e = sample_mean(col);
    mean[i] = e.mean;
    m.push_back({field[i], e.mean, e.error});
  }
  for (const auto& loop : loops_) {
    areas.push_back(loop_area(grid_, loop));
    const double cu = loop_crossing(field, loop, 0, grid_.size(), true);
    const double cd = loop_crossing(field, loop, grid_.size(), P, false);
    if (std::isfinite(cu)) up.push_back(cu);
    if (std::isfinite(cd)) down.push_back(cd);
  }
  j["mean"] = m;
  j["area"] = estimate_json(sample_mean(areas));
  if (up.size() >= 2) j["coercive_up"] = estimate_json(sample_mean(up));
  if (down.size() >= 2) j["coercive_down"] = estimate_json(sample_mean(down));
  return j;
}

}  // namespace spinlab::web
