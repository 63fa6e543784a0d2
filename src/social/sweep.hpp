// `spinlab social sweep`: order parameters of a network ferromagnet (or any registered dynamics)
// against beta, the transition estimate from the susceptibility peak, and the predictions that
// exist for the network (Bethe lattice, uncorrelated networks, scale-free runaway).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "measure/simulate.hpp"
#include "social/network.hpp"

namespace spinlab {

struct SocialSweepOptions {
  std::string algo = "heatbath";  // any registered move ("glauber" = heatbath-random)
  std::vector<double> betas;      // >= 3 increasing points for the peak fit
  int64_t sweeps = 2000, therm = 500, measure_every = 1;
  uint64_t seed = 1;
  int threads = 2;                // beta points in parallel; results do not depend on it
  int bootstrap = 200;            // resamples for the error of the peak position
  bool keep_final_state = false;  // SocialSweepResult::final_state: the last beta point's last state
  std::function<void(double)> progress;
};

struct SocialPoint {
  double beta = 0.0;
  Estimate abs_m, m, susceptibility, binder, energy;   // per spin; chi = beta N (<m^2> - <|m|>^2)
  Estimate wall_density, polarization, echo_agree, echo_index;
  std::vector<Estimate> community_m;                   // m_c per community (sbm / node file)
};

struct Prediction {
  std::string name;  // "bethe", "uncorrelated"
  double beta_c = 0.0;
  std::string formula, reference;
};

struct SocialSweepResult {
  std::string algo, kernel;
  std::vector<SocialPoint> points;
  Estimate beta_c;             // susceptibility peak: parabola through the top points, bootstrap error
  size_t peak_index = 0;
  std::vector<Prediction> predictions;
  std::vector<std::string> notes;     // e.g. the scale-free runaway statement
  std::vector<std::string> warnings;
  double seconds = 0.0;
  std::vector<Spin> final_state;      // with keep_final_state (zealots at their values)
};

SocialSweepResult social_sweep(const SocialNetwork& net, const SocialSweepOptions& o);

/// Vertex of the least-squares parabola through (x, y) at up to `half` points either side of the
/// largest y, and its bootstrap error (y_k resampled as y_k + error_k * N(0,1), `resamples` times,
/// Philox stream (seed, 0x50ea)). Exposed for tests. Returns NaN when the peak lies at an end.
Estimate parabola_peak(const std::vector<double>& x, const std::vector<double>& y,
                       const std::vector<double>& error, int half, int resamples, uint64_t seed,
                       size_t* peak_index = nullptr);

}  // namespace spinlab
