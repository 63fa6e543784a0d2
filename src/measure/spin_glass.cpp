// Spin-glass runs: record overlap series from parallel tempering, reduce them to estimates,
// average over disorder samples.
#include "measure/spin_glass.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "sample/parallel_tempering.hpp"

namespace spinlab {
namespace {

// Series recorded per temperature at every measurement.
enum Series { kE, kQ, kAbsQ, kQ2, kQ4, kQl, kNumSeries };

void validate(const IsingModel& model, const SpinGlassOptions& o) {
  if (model.size() < 1) throw InputError("spin glass: the model has no spins");
  if (o.betas.empty()) throw InputError("--beta: no inverse temperature given");
  for (size_t k = 0; k < o.betas.size(); ++k) {
    if (!std::isfinite(o.betas[k]) || o.betas[k] < 0.0)
      throw InputError("--beta: values must be finite and >= 0");
    if (k > 0 && o.betas[k] <= o.betas[k - 1])
      throw InputError("--beta: parallel tempering needs strictly ascending betas");
  }
  if (o.sweeps < 2) throw InputError("--sweeps must be at least 2");
  if (o.therm < 0) throw InputError("--therm must be >= 0");
  if (o.measure_every < 1) throw InputError("--measure-every must be >= 1");
  if (o.sweeps / o.measure_every < 2) throw InputError("fewer than 2 measurements: raise --sweeps");
  if (o.adaptive_ladder && o.ladder_rounds < 1) throw InputError("--ladder-rounds must be >= 1");
  if (!(o.stability_sigmas > 0.0)) throw InputError("stability_sigmas must be > 0");
}

uint64_t stream_base(const SpinGlassOptions& o) {
  return o.sample_index * ParallelTempering::streams_per_sample(o.betas.size());
}

// Thermalisation; with the adaptive ladder its first half runs the feedback rounds.
void thermalize(ParallelTempering& pt, const SpinGlassOptions& o) {
  int64_t done = 0;
  if (o.adaptive_ladder) {
    const int64_t per_round = std::max<int64_t>(1, o.therm / 2 / o.ladder_rounds);
    pt.adapt_ladder(o.ladder_rounds, per_round);
    done = per_round * o.ladder_rounds;
  }
  for (int64_t t = done; t < o.therm; ++t) pt.step();
}

Estimate scaled(Estimate e, double f) {
  e.mean *= f;
  e.error *= std::fabs(f);
  return e;
}

double binder_ratio(double q2, double q4) { return 0.5 * (3.0 - q4 / (q2 * q2)); }


SpinGlassPoint reduce_point(double beta, int64_t n, const std::vector<std::vector<double>>& s,
                            std::span<const int64_t> hist, const SpinGlassOptions& o) {
  SpinGlassPoint p;
  p.beta = beta;
  p.energy_per_spin = estimate_mean(s[kE]);
  p.q = estimate_mean(s[kQ]);
  p.abs_q = estimate_mean(s[kAbsQ]);
  p.q2 = estimate_mean(s[kQ2]);
  p.q4 = estimate_mean(s[kQ4]);
  p.link_overlap = estimate_mean(s[kQl]);
  p.chi_sg = scaled(p.q2, static_cast<double>(n));
  const size_t nmeas = s[kQ2].size();
  if (p.q2.mean > 0.0 && nmeas >= 2) {
    const std::span<const double> cols[2] = {s[kQ2], s[kQ4]};
    const size_t block = choose_block_size(std::max(p.q2.tau_int, p.q4.tau_int), nmeas);
    p.binder_g = jackknife(
        cols, [](std::span<const double> m) { return binder_ratio(m[0], m[1]); }, block);
  } else {  // q = 0 in every measurement (tiny even N): g = 0/0, report 0
    p.binder_g.n_eff = 0.0;
  }
  int64_t total = 0;
  for (int64_t c : hist) total += c;
  p.overlap_histogram.resize(hist.size());
  for (size_t m = 0; m < hist.size(); ++m)
    p.overlap_histogram[m] = static_cast<double>(hist[m]) / static_cast<double>(total);
  const std::pair<const char*, int> checks[] = {{"q2", kQ2}, {"e", kE}, {"ql", kQl}};
  for (const auto& [name, idx] : checks) {
    StabilityCheck c;
    c.observable = name;
    c.difference = last_two_bins_difference(s[idx]);
    c.z = c.difference.error > 0.0 ? c.difference.mean / c.difference.error : 0.0;
    c.stable = std::fabs(c.z) <= o.stability_sigmas;
    p.stability.push_back(c);
  }
  return p;
}

}  // namespace

Estimate last_two_bins_difference(std::span<const double> x) {
  Estimate d;
  const size_t n = x.size();
  if (n < 32) return d;
  const size_t a0 = n / 4, a1 = n / 2;
  const Estimate a = estimate_mean(x.subspan(a0, a1 - a0)), b = estimate_mean(x.subspan(a1));
  d.mean = b.mean - a.mean;
  d.error = std::sqrt(a.error * a.error + b.error * b.error);
  d.tau_int = std::max(a.tau_int, b.tau_int);
  d.n_eff = std::min(a.n_eff, b.n_eff);
  return d;
}

std::vector<double> tune_ladder(const IsingModel& model, const SpinGlassOptions& options) {
  SpinGlassOptions o = options;
  o.adaptive_ladder = true;
  validate(model, o);
  ParallelTempering pt(model, o.algo, o.betas, o.seed, stream_base(o));
  pt.set_houdayer(o.houdayer);
  const int64_t per_round = std::max<int64_t>(1, o.therm / 2 / o.ladder_rounds);
  pt.adapt_ladder(o.ladder_rounds, per_round);
  return pt.betas();
}

SpinGlassResult run_spin_glass(const IsingModel& model, const SpinGlassOptions& o) {
  validate(model, o);
  const auto t0 = std::chrono::steady_clock::now();
  const int R = static_cast<int>(o.betas.size());
  const int32_t n = model.size();
  const Graph& graph = model.graph();
  const int64_t num_bonds = graph.num_edges();
  ParallelTempering pt(model, o.algo, o.betas, o.seed, stream_base(o));
  pt.set_houdayer(o.houdayer);
  thermalize(pt, o);
  pt.end_thermalization();
  pt.reset_statistics();

  const int64_t nmeas = o.sweeps / o.measure_every;
  std::vector<std::vector<std::vector<double>>> series(
      R, std::vector<std::vector<double>>(kNumSeries, std::vector<double>(nmeas)));
  std::vector<int64_t> hist(static_cast<size_t>(R) * (n + 1), 0);
  std::vector<int8_t> overlap(n);  // s^a_i s^b_i
  const double invn = 1.0 / n;
  const double invb = num_bonds == 0 ? 0.0 : 1.0 / static_cast<double>(num_bonds);
  for (int64_t m = 0; m < nmeas; ++m) {
    for (int64_t t = 0; t < o.measure_every; ++t) pt.step();
    for (int k = 0; k < R; ++k) {
      const auto sa = pt.state(0, k), sb = pt.state(1, k);
      int64_t qsum = 0;
      for (int32_t i = 0; i < n; ++i) {
        overlap[i] = static_cast<int8_t>(sa[i] * sb[i]);
        qsum += overlap[i];
      }
      int64_t lsum = 0;
      graph.for_each_edge([&](int32_t i, int32_t j, double) { lsum += overlap[i] * overlap[j]; });
      const double q = static_cast<double>(qsum) * invn, q2 = q * q;
      auto& s = series[k];
      s[kE][m] = 0.5 * (pt.energy(0, k) + pt.energy(1, k)) * invn;
      s[kQ][m] = q;
      s[kAbsQ][m] = std::fabs(q);
      s[kQ2][m] = q2;
      s[kQ4][m] = q2 * q2;
      s[kQl][m] = static_cast<double>(lsum) * invb;
      ++hist[static_cast<size_t>(k) * (n + 1) + static_cast<size_t>((qsum + n) / 2)];
    }
  }

  SpinGlassResult r;
  r.algo = pt.algo_name();
  r.kernel = pt.kernel();
  r.num_spins = n;
  r.num_bonds = num_bonds;
  r.betas = pt.betas();
  r.measurements = nmeas;
  for (int k = 0; k < R; ++k) {
    r.points.push_back(reduce_point(
        r.betas[k], n, series[k],
        std::span<const int64_t>(hist).subspan(static_cast<size_t>(k) * (n + 1), n + 1), o));
    for (const auto& c : r.points.back().stability)
      if (!c.stable) {
        r.equilibrated = false;
        r.warnings.push_back("beta " + std::to_string(r.betas[k]) + ": <" + c.observable +
                             "> differs between the last two logarithmic bins by " +
                             std::to_string(c.z) + " combined errors; raise --therm and --sweeps");
      }
  }
  r.exchange_acceptance = pt.acceptance_rates();
  for (int k = 0; k + 1 < R; ++k) {
    auto rate = [&](int c) {
      const int64_t a = pt.exchange_attempts(c, k);
      return a > 0 ? static_cast<double>(pt.exchange_accepts(c, k)) / static_cast<double>(a) : 0.0;
    };
    r.exchange_acceptance_a.push_back(rate(0));
    r.exchange_acceptance_b.push_back(rate(1));
    if (r.exchange_acceptance[k] < 0.05)
      r.warnings.push_back("exchange acceptance between beta " + std::to_string(r.betas[k]) +
                           " and " + std::to_string(r.betas[k + 1]) + " is " +
                           std::to_string(r.exchange_acceptance[k]) +
                           ": add temperatures there (or use the adaptive ladder)");
  }
  r.round_trips_a = pt.round_trips(0);
  r.round_trips_b = pt.round_trips(1);
  r.mean_round_trip_steps = pt.mean_round_trip_steps();
  if (pt.houdayer_moves() > 0)
    r.houdayer_cluster_fraction = static_cast<double>(pt.houdayer_flipped()) / (static_cast<double>(pt.houdayer_moves()) * n);
  if (R >= 2 && r.round_trips_a + r.round_trips_b == 0)
    r.warnings.push_back(
        "no replica completed a round trip between the lowest and highest temperature");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

DisorderAverage average_over_samples(const std::function<IsingModel(uint64_t sample)>& make,
                                     const SpinGlassOptions& options, int samples, int threads) {
  if (samples < 1) throw InputError("--samples must be >= 1");
  if (threads < 1) throw InputError("--threads must be >= 1");
  if (!make) throw InputError("average_over_samples: no model generator");
  SpinGlassOptions o = options;
  if (o.adaptive_ladder) {
    // One ladder for all samples (averages need common temperatures), tuned on sample 0's
    // instance with the streams after the last sample's.
    SpinGlassOptions pilot = o;
    pilot.sample_index = static_cast<uint64_t>(samples);
    o.betas = tune_ladder(make(0), pilot);
    o.adaptive_ladder = false;
  }

  DisorderAverage avg;
  avg.samples = samples;
  avg.per_sample.resize(samples);
  std::atomic<int> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto worker = [&] {
    for (int s; (s = next++) < samples;) {
      try {
        SpinGlassOptions so = o;
        so.sample_index = static_cast<uint64_t>(s);
        const IsingModel model = make(static_cast<uint64_t>(s));
        avg.per_sample[s] = run_spin_glass(model, so);
      } catch (...) {
        std::lock_guard lock(error_mu);
        if (!error) error = std::current_exception();
      }
    }
  };
  const int nt = std::min(threads, samples);
  std::vector<std::thread> pool;
  for (int t = 1; t < nt; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);

  const auto& first = avg.per_sample.front();
  avg.num_spins = first.num_spins;
  avg.betas = first.betas;
  for (const auto& r : avg.per_sample)
    if (r.num_spins != avg.num_spins)
      throw InputError("disorder average: samples have different sizes (" +
                       std::to_string(avg.num_spins) + " and " + std::to_string(r.num_spins) +
                       " spins)");
  const size_t R = avg.betas.size();
  const double N = static_cast<double>(avg.num_spins);
  std::vector<double> e(samples), aq(samples), q2(samples), q4(samples), ql(samples), dq2(samples);
  for (size_t k = 0; k < R; ++k) {
    DisorderPoint p;
    p.beta = avg.betas[k];
    p.overlap_histogram.assign(avg.num_spins + 1, 0.0);
    for (int s = 0; s < samples; ++s) {
      const SpinGlassPoint& sp = avg.per_sample[s].points[k];
      e[s] = sp.energy_per_spin.mean;
      aq[s] = sp.abs_q.mean;
      q2[s] = sp.q2.mean;
      q4[s] = sp.q4.mean;
      ql[s] = sp.link_overlap.mean;
      dq2[s] = sp.stability.front().difference.mean;  // "q2" is the first check
      for (size_t m = 0; m < p.overlap_histogram.size(); ++m)
        p.overlap_histogram[m] += sp.overlap_histogram[m] / samples;
    }
    p.energy_per_spin = sample_mean(e);
    p.abs_q = sample_mean(aq);
    p.q2 = sample_mean(q2);
    p.q4 = sample_mean(q4);
    p.link_overlap = sample_mean(ql);
    p.chi_sg = scaled(p.q2, N);
    if (samples >= 2 && p.q2.mean > 0.0) {
      const std::span<const double> cols[2] = {q2, q4};
      p.binder_g = jackknife(
          cols, [](std::span<const double> m) { return binder_ratio(m[0], m[1]); }, 1);
      p.binder_g.tau_int = 0.5;  // samples are independent
      p.binder_g.n_eff = samples;
    } else if (p.q2.mean > 0.0) {
      p.binder_g.mean = binder_ratio(p.q2.mean, p.q4.mean);
      p.binder_g.n_eff = 1.0;
    }
    p.q2_bin_difference = sample_mean(dq2);
    p.stable =
        !(p.q2_bin_difference.error > 0.0 &&
          std::fabs(p.q2_bin_difference.mean / p.q2_bin_difference.error) > o.stability_sigmas);
    avg.points.push_back(std::move(p));
  }
  avg.exchange_acceptance.assign(R > 1 ? R - 1 : 0, 0.0);
  int with_trips = 0;
  for (const auto& r : avg.per_sample) {
    for (size_t k = 0; k + 1 < R; ++k)
      avg.exchange_acceptance[k] += r.exchange_acceptance[k] / samples;
    if (r.round_trips_a + r.round_trips_b > 0) {
      avg.mean_round_trip_steps += r.mean_round_trip_steps;
      ++with_trips;
    }
    if (!r.equilibrated) ++avg.unequilibrated_samples;
    avg.houdayer_cluster_fraction += r.houdayer_cluster_fraction / samples;
  }
  if (with_trips > 0) avg.mean_round_trip_steps /= with_trips;
  return avg;
}

}  // namespace spinlab
