// Runs while a control parameter changes linearly in time (beta or a uniform field h), recording
// E, M, |M| and region magnetisations every few sweeps: the time series that early-warning
// indicators (measure/early_warning.hpp) read.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "measure/simulate.hpp"
#include "probe/site_function.hpp"

namespace spinlab {

struct RampOptions {
  std::string algo = "metropolis";
  std::string parameter = "beta";  // "beta" or "h"
  double start = 0.3, end = 0.5;   // the parameter's values at sweep 0 and at the last sweep
  double beta = 0.44;              // fixed beta of an h ramp
  double h = 0.0;                  // fixed field of a beta ramp
  int64_t ramp_sweeps = 100000;
  int64_t measure_every = 10;
  int64_t therm = 1000;            // sweeps at the start value before the ramp
  uint64_t seed = 1;
  InitialState init = InitialState::Hot;
  std::vector<SiteFunction> regions;  // extra columns (region magnetisations)
  std::function<void(double)> progress;
};

struct RampSeries {
  std::vector<std::string> columns;          // sweep, parameter, E, M, |M|, regions... (per spin for E, M, |M|)
  std::vector<std::vector<double>> rows;
  double seconds = 0;
};

/// The model must carry no field of its own for an h ramp. Field ramps rebuild the move when h
/// changes (every measure_every sweeps: the field is a staircase with that step).
RampSeries ramp(const IsingModel& model, const RampOptions& options);

}  // namespace spinlab
