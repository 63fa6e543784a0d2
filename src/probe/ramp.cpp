#include "probe/ramp.hpp"

#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sample/move.hpp"

namespace spinlab {

RampSeries ramp(const IsingModel& model, const RampOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const bool field = o.parameter == "h";
  if (!field && o.parameter != "beta") throw InputError("ramp: the parameter must be beta or h");
  if (!std::isfinite(o.start) || !std::isfinite(o.end)) throw InputError("ramp: START:END must be finite");
  if (!field && (o.start < 0 || o.end < 0)) throw InputError("--beta: a ramp needs beta >= 0");
  if (field && (!(o.beta >= 0) || !std::isfinite(o.beta))) throw InputError("--at-beta must be finite and >= 0");
  if (field && model.has_field()) throw InputError("--h ramp: the model already has a field; leave out the fixed --h");
  if (o.ramp_sweeps < 2 || o.measure_every < 1 || o.ramp_sweeps / o.measure_every < 2)
    throw InputError("--ramp-sweeps must be >= 2 measurements (--measure-every " + std::to_string(o.measure_every) + ")");
  if (o.therm < 0) throw InputError("--therm must be >= 0");
  const int32_t n = model.size();
  Rng rng(o.seed, 0);
  std::vector<Spin> s = initial_spins(o.init, n, rng);
  auto value_at = [&](int64_t t) { return o.start + (o.end - o.start) * static_cast<double>(t) / static_cast<double>(o.ramp_sweeps); };
  auto with_field = [&](double h) { return IsingModel(model.graph(), std::vector<double>(n, h), model.offset()); };
  IsingModel current = field ? with_field(o.start) : model;
  auto move = make_move(o.algo, current, field ? o.beta : o.start);
  for (int64_t t = 0; t < o.therm; ++t) move->sweep(s, rng);
  move->end_thermalization(s, rng);
  RampSeries r;
  r.columns = {"sweep", o.parameter, "E", "M", "|M|"};
  for (const auto& f : o.regions) r.columns.push_back(f.name);
  const SiteFunctionSet regions(o.regions);
  std::vector<double> reg(o.regions.size());
  for (int64_t t = 0; t < o.ramp_sweeps; ++t) {
    const double v = value_at(t);
    if (!field) {
      move->set_beta(v);
    } else if (t % o.measure_every == 0) {
      current = with_field(v);
      move = make_move(o.algo, current, o.beta);
    }
    move->sweep(s, rng);
    if ((t + 1) % o.measure_every == 0) {
      const double m = static_cast<double>(IsingModel::magnetization(s)) / n;
      std::vector<double> row = {static_cast<double>(t + 1), v, model.energy(s) / n, m, std::fabs(m)};
      regions.evaluate(model, s, reg);
      row.insert(row.end(), reg.begin(), reg.end());
      r.rows.push_back(std::move(row));
      if (o.progress && (r.rows.size() & 255) == 0) o.progress(static_cast<double>(t + 1) / static_cast<double>(o.ramp_sweeps));
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace spinlab
