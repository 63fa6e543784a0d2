// Transition detection from feature distributions (see detect.hpp for the method and its
// references). Work: one task per beta (chain + features), then one task per bootstrap replicate;
// tasks are handed to the threads in any order and their results stored by index, so nothing
// depends on the thread count.
#include "probe/detect.hpp"
#include "measure/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sample/move.hpp"
#include "sample/union_find.hpp"

namespace spinlab {
namespace {

using Clock = std::chrono::steady_clock;

double xlogx_ratio(double a, double m) { return a > 0.0 ? a * std::log(a / m) : 0.0; }

// JS of two count histograms with totals na, nb (no normalisation pass).
double js_counts(const uint32_t* a, const uint32_t* b, int bins, double na, double nb) {
  double s = 0.0;
  for (int i = 0; i < bins; ++i) {
    const double p = a[i] / na, q = b[i] / nb, m = 0.5 * (p + q);
    s += xlogx_ratio(p, m) + xlogx_ratio(q, m);
  }
  return std::max(0.0, 0.5 * s);
}

}  // namespace

double jensen_shannon(std::span<const double> p, std::span<const double> q) {
  if (p.size() != q.size() || p.empty()) throw InputError("jensen_shannon: histograms of different or zero length");
  double sp = 0.0, sq = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!(p[i] >= 0.0) || !(q[i] >= 0.0) || !std::isfinite(p[i]) || !std::isfinite(q[i]))
      throw InputError("jensen_shannon: histogram entries must be finite and >= 0");
    sp += p[i];
    sq += q[i];
  }
  if (!(sp > 0.0) || !(sq > 0.0)) throw InputError("jensen_shannon: a histogram is empty");
  double s = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double a = p[i] / sp, b = q[i] / sq, m = 0.5 * (a + b);
    s += xlogx_ratio(a, m) + xlogx_ratio(b, m);
  }
  return std::clamp(0.5 * s, 0.0, std::log(2.0));
}

double peak_location(std::span<const double> x, std::span<const double> y, size_t* index) {
  if (x.size() != y.size() || x.empty()) throw InputError("peak_location: need equally long, non-empty x and y");
  size_t k = 0;
  for (size_t i = 1; i < y.size(); ++i)
    if (y[i] > y[k]) k = i;
  if (index) *index = k;
  if (k == 0 || k + 1 == y.size()) return x[k];
  const double x0 = x[k - 1], x1 = x[k], x2 = x[k + 1], y0 = y[k - 1], y1 = y[k], y2 = y[k + 1];
  // y = A x^2 + B x + C through the three points.
  const double d = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const double A = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / d;
  const double B = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / d;
  if (!(A < 0.0) || !std::isfinite(A) || !std::isfinite(B)) return x1;
  return std::clamp(-B / (2.0 * A), x0, x2);
}

namespace {
int max_degree_capped(const IsingModel& m) {
  int z = 0;
  for (int32_t v = 0; v < m.size(); ++v) z = std::max(z, m.graph().degree(v));
  return std::min(z, 8);
}
}  // namespace

std::vector<std::string> detect_feature_names(const IsingModel& model) {
  std::vector<std::string> names{"broken_bonds"};
  const int z = max_degree_capped(model);
  for (int k = 0; k <= z; ++k) names.push_back("local_u" + std::to_string(k));
  names.push_back("clusters_per_site");
  names.push_back("largest_cluster");
  return names;
}

DetectFeatures::DetectFeatures(const IsingModel& model)
    : model_(model), names_(detect_feature_names(model)), zmax_(max_degree_capped(model)),
      parent_(static_cast<size_t>(model.size())), size_(static_cast<size_t>(model.size())) {
  for (const Edge& e : model.graph().edges())
    if (e.w != 0.0) ++bonds_;
}

void DetectFeatures::compute(std::span<const Spin> s, std::span<double> out) {
  const int32_t n = model_.size();
  const Graph& g = model_.graph();
  auto off = g.offsets();
  auto nb = g.neighbors();
  auto w = g.weights();
  std::fill(out.begin(), out.end(), 0.0);
  int64_t broken2 = 0;  // twice the unsatisfied bonds (each seen from both ends)
  double* local = out.data() + 1;
  for (int32_t i = 0; i < n; ++i) {
    int u = 0;
    for (int64_t k = off[i]; k < off[i + 1]; ++k) u += (w[k] * s[i] * s[nb[k]] < 0.0);
    broken2 += u;
    ++local[std::min(u, zmax_)];
  }
  out[0] = bonds_ > 0 ? static_cast<double>(broken2) / (2.0 * static_cast<double>(bonds_)) : 0.0;
  for (int k = 0; k <= zmax_; ++k) local[k] /= static_cast<double>(n);
  // Geometric clusters: sites joined by satisfied bonds.
  int32_t* p = parent_.data();
  for (int32_t i = 0; i < n; ++i) p[i] = i;
  for (const Edge& e : g.edges())
    if (e.w * s[e.i] * s[e.j] > 0.0) uf_rem_union(p, e.i, e.j);
  std::fill(size_.begin(), size_.end(), 0);
  int64_t clusters = 0;
  int32_t largest = 0;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t r = uf_find(p, i);
    if (r == i) ++clusters;
    largest = std::max(largest, ++size_[static_cast<size_t>(r)]);
  }
  out[static_cast<size_t>(zmax_) + 2] = static_cast<double>(clusters) / n;
  out[static_cast<size_t>(zmax_) + 3] = static_cast<double>(largest) / n;
}

DetectResult detect_transition(const IsingModel& model, const DetectOptions& o) {
  const auto t0 = Clock::now();
  const size_t nb = o.betas.size();
  if (nb < 3) throw InputError("--beta: give at least 3 values (got " + std::to_string(nb) + ")");
  for (size_t k = 0; k < nb; ++k) {
    if (!std::isfinite(o.betas[k]) || o.betas[k] < 0.0) throw InputError("--beta: values must be finite and >= 0");
    if (k > 0 && !(o.betas[k] > o.betas[k - 1])) throw InputError("--beta: values must be strictly increasing");
  }
  if (nb > 4096) throw InputError("--beta: at most 4096 values");
  if (o.samples < 16) throw InputError("--samples must be >= 16 (got " + std::to_string(o.samples) + ")");
  if (o.therm < 0) throw InputError("--therm must be >= 0");
  if (o.measure_every < 1) throw InputError("--measure-every must be >= 1");
  if (o.bins < 2 || o.bins > 4096) throw InputError("--bins must be between 2 and 4096");
  if (o.bootstrap < 2 || o.bootstrap > 100000) throw InputError("--bootstrap must be between 2 and 100000");
  if (o.threads < 1 || o.threads > 1024) throw InputError("--threads must be between 1 and 1024");
  if (model.size() < 2) throw InputError("detect: the model needs at least 2 spins");
  const size_t F0 = detect_feature_names(model).size();
  // The features of every sample are kept (8 bytes each, plus 2 for the bin index): <= 250 MB.
  if (static_cast<double>(o.samples) * static_cast<double>(nb) * static_cast<double>(F0) > 2.5e7)
    throw InputError("--samples: " + std::to_string(o.samples) + " samples x " + std::to_string(nb) + " betas x " +
                     std::to_string(F0) + " features would store more than 2.5e7 numbers");
  for (double b : o.betas) make_move(o.algo, model, b);  // throws early on a bad algorithm or model
  const size_t S = static_cast<size_t>(o.samples);

  // 1. Chains: features[k][sample * F0 + f].
  std::vector<std::vector<double>> feat(nb);
  const double per_beta = static_cast<double>(o.therm + o.samples * o.measure_every);
  // The bootstrap counts as 5% of the work for the progress line.
  ProgressCounter progress(per_beta * static_cast<double>(nb) / 0.95, o.progress);
  std::vector<std::string> algo_name(nb);
  parallel_tasks(static_cast<int>(nb), o.threads, [&](int task) {
    const size_t k = static_cast<size_t>(task);
    Rng rng(o.seed, static_cast<uint64_t>(k));
    std::vector<Spin> s = hot_state(model.size(), rng);
    auto move = make_move(o.algo, model, o.betas[k]);
    algo_name[k] = move->name();
    for (int64_t t = 0; t < o.therm; ++t) {
      move->sweep(s, rng);
      if ((t & 15) == 15) progress.add(16);
    }
    progress.add(o.therm & 15);
    move->end_thermalization(s, rng);
    DetectFeatures fx(model);
    std::vector<double>& out = feat[k];
    out.assign(S * F0, 0.0);
    for (size_t m = 0; m < S; ++m) {
      for (int64_t t = 0; t < o.measure_every; ++t) move->sweep(s, rng);
      fx.compute(s, std::span<double>(out.data() + m * F0, F0));
      progress.add(o.measure_every);
    }
  });

  DetectResult r;
  r.algo = algo_name[0];
  r.betas = o.betas;
  r.sweeps_done = progress.done();

  // 2. Features used (non-constant), common bins, per-sample bin indices.
  const std::vector<std::string> names0 = detect_feature_names(model);
  std::vector<size_t> used;
  std::vector<double> lo, hi;
  for (size_t f = 0; f < F0; ++f) {
    double a = std::numeric_limits<double>::infinity(), b = -a;
    for (size_t k = 0; k < nb; ++k)
      for (size_t m = 0; m < S; ++m) {
        a = std::min(a, feat[k][m * F0 + f]);
        b = std::max(b, feat[k][m * F0 + f]);
      }
    if (b > a) {
      used.push_back(f);
      lo.push_back(a);
      hi.push_back(b);
      r.features.push_back(names0[f]);
    }
  }
  if (used.empty()) throw InputError("detect: every feature is constant over all samples (nothing to compare)");
  const size_t F = used.size();
  const int bins = o.bins;
  // bin[k][m * F + j]
  std::vector<std::vector<uint16_t>> bin(nb, std::vector<uint16_t>(S * F));
  for (size_t k = 0; k < nb; ++k)
    for (size_t m = 0; m < S; ++m)
      for (size_t j = 0; j < F; ++j) {
        const double x = feat[k][m * F0 + used[j]];
        const int b = static_cast<int>((x - lo[j]) / (hi[j] - lo[j]) * bins);
        bin[k][m * F + j] = static_cast<uint16_t>(std::clamp(b, 0, bins - 1));
      }

  // Autocorrelation per beta (largest over the features) and bootstrap block lengths.
  r.tau_int.assign(nb, 0.5);
  std::vector<size_t> block(nb, 1);
  {
    std::vector<double> series(S);
    for (size_t k = 0; k < nb; ++k) {
      double tau = 0.5;
      bool converged = true;
      for (size_t j = 0; j < F; ++j) {
        double mn = feat[k][used[j]], mx = mn;
        for (size_t m = 0; m < S; ++m) {
          series[m] = feat[k][m * F0 + used[j]];
          mn = std::min(mn, series[m]);
          mx = std::max(mx, series[m]);
        }
        if (!(mx > mn)) continue;
        const TauIntResult t = integrated_autocorrelation(series);
        tau = std::max(tau, t.tau_int);
        converged = converged && t.converged;
      }
      r.tau_int[k] = tau;
      block[k] = std::clamp<size_t>(static_cast<size_t>(std::ceil(2.0 * tau)), 1, S / 4);
      if (!converged) {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "beta = %g: the autocorrelation window exceeds a quarter of the samples (tau_int >= %.1f): "
                      "raise --samples or --measure-every",
                      o.betas[k], tau);
        r.warnings.emplace_back(buf);
      }
    }
  }

  // 3. The curve from count histograms. counts[k][j * bins + b].
  std::vector<double> mids(nb - 1), spacing_factor(nb - 1);
  const double mean_spacing = (o.betas[nb - 1] - o.betas[0]) / static_cast<double>(nb - 1);
  for (size_t k = 0; k + 1 < nb; ++k) {
    mids[k] = 0.5 * (o.betas[k] + o.betas[k + 1]);
    const double ratio = mean_spacing / (o.betas[k + 1] - o.betas[k]);
    spacing_factor[k] = ratio * ratio;
  }
  auto histograms = [&](size_t k, const std::vector<uint32_t>* pick, size_t first, size_t count,
                        std::vector<uint32_t>& counts) {
    counts.assign(F * static_cast<size_t>(bins), 0);
    for (size_t i = first; i < first + count; ++i) {
      const size_t m = pick ? (*pick)[i] : i;
      const uint16_t* b = bin[k].data() + m * F;
      for (size_t j = 0; j < F; ++j) ++counts[j * static_cast<size_t>(bins) + b[j]];
    }
  };
  // Mean JS over the features of two count sets; per_feature (optional) gets the terms.
  auto mean_js = [&](const std::vector<uint32_t>& a, double na, const std::vector<uint32_t>& b, double nb_,
                     std::vector<double>* per_feature) {
    double s = 0.0;
    for (size_t j = 0; j < F; ++j) {
      const double v = js_counts(a.data() + j * static_cast<size_t>(bins), b.data() + j * static_cast<size_t>(bins),
                                 bins, na, nb_);
      if (per_feature) per_feature->push_back(v);
      s += v;
    }
    return s / static_cast<double>(F);
  };

  std::vector<std::vector<uint32_t>> full(nb);
  for (size_t k = 0; k < nb; ++k) histograms(k, nullptr, 0, S, full[k]);
  std::vector<double> curve(nb - 1), floor_beta(nb);
  r.dissimilarity.resize(nb - 1);
  for (size_t k = 0; k + 1 < nb; ++k) {
    DissimilarityPoint& p = r.dissimilarity[k];
    p.beta_mid = mids[k];
    curve[k] = spacing_factor[k] * mean_js(full[k], static_cast<double>(S), full[k + 1], static_cast<double>(S), &p.per_feature);
    p.value.mean = curve[k];
    p.value.n_eff = static_cast<double>(S);
  }
  {
    std::vector<uint32_t> h1, h2;
    const size_t half = S / 2;
    for (size_t k = 0; k < nb; ++k) {
      histograms(k, nullptr, 0, half, h1);
      histograms(k, nullptr, half, half, h2);
      floor_beta[k] = mean_js(h1, static_cast<double>(half), h2, static_cast<double>(half), nullptr);
    }
    for (size_t k = 0; k + 1 < nb; ++k) r.dissimilarity[k].floor = 0.5 * (floor_beta[k] + floor_beta[k + 1]);
  }
  r.transition.mean = peak_location(mids, curve, &r.peak_index);

  // 4. Bootstrap replicates.
  const int B = o.bootstrap;
  std::vector<double> peaks(static_cast<size_t>(B));
  std::vector<std::vector<double>> rep_curves(static_cast<size_t>(B));
  parallel_tasks(B, o.threads, [&](int b) {
    Rng rng(o.seed, (uint64_t{1} << 32) + static_cast<uint64_t>(b));
    std::vector<uint32_t> pick(S);
    std::vector<std::vector<uint32_t>> counts(nb);
    for (size_t k = 0; k < nb; ++k) {
      const size_t L = block[k];
      for (size_t i = 0; i < S; i += L) {
        const size_t start = rng.below(static_cast<uint32_t>(S));
        for (size_t t = 0; t < L && i + t < S; ++t) pick[i + t] = static_cast<uint32_t>((start + t) % S);
      }
      histograms(k, &pick, 0, S, counts[k]);
    }
    std::vector<double>& c = rep_curves[static_cast<size_t>(b)];
    c.resize(nb - 1);
    for (size_t k = 0; k + 1 < nb; ++k)
      c[k] = spacing_factor[k] * mean_js(counts[k], static_cast<double>(S), counts[k + 1], static_cast<double>(S), nullptr);
    peaks[static_cast<size_t>(b)] = peak_location(mids, c, nullptr);
    progress.add(static_cast<int64_t>(per_beta * static_cast<double>(nb) * 0.05 / 0.95 / B));
  });
  auto stdev = [](const std::vector<double>& v) {
    double mean = 0.0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    double var = 0.0;
    for (double x : v) var += (x - mean) * (x - mean);
    return std::sqrt(var / static_cast<double>(v.size() - 1));
  };
  r.transition.error = stdev(peaks);
  r.transition.n_eff = static_cast<double>(B);
  {
    std::vector<double> v(static_cast<size_t>(B));
    for (size_t k = 0; k + 1 < nb; ++k) {
      for (int b = 0; b < B; ++b) v[static_cast<size_t>(b)] = rep_curves[static_cast<size_t>(b)][k];
      r.dissimilarity[k].value.error = stdev(v);
    }
  }
  if (r.peak_index == 0 || r.peak_index + 2 == nb)
    r.warnings.emplace_back("the dissimilarity peaks at an end of the beta grid: the transition may lie outside it; "
                            "widen --beta");
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
