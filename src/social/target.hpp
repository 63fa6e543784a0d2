// `spinlab social target`: which nodes should a campaign tilt? Start from everyone at -1, apply a
// field h to K nodes chosen by a strategy, run the dynamics, and compare final magnetisation and
// time to flip across strategies, with errors over replicas and network realisations.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "measure/estimators.hpp"
#include "social/network.hpp"

namespace spinlab {

struct TargetOptions {
  /// hubs: the K highest-degree nodes; random: K uniform nodes (new per replica); bridges: the K
  /// highest betweenness; walls: the K nodes with the most disagreeing ties in the start state
  /// (needs walls there: zealots of the other opinion), ties broken by degree.
  std::vector<std::string> strategies = {"hubs", "random", "bridges", "walls"};
  int budget = 10;                 // K
  double h = 1.0;                  // field on each targeted node (added to the network's fields)
  double beta = 1.0;               // inverse social temperature of the dynamics
  std::string algo = "glauber";    // any registered move
  int64_t max_sweeps = 200;        // a run stops at M > 0 (flip) or here
  int replicas = 20;               // per network realisation
  int networks = 1;                // realisations: --network-seed + r for r = 0 .. networks-1
  std::vector<Spin> start;         // start state (N values; zealots pinned); empty = all -1
  uint64_t seed = 1;
  int threads = 2;
  std::function<void(double)> progress;
};

struct StrategyResult {
  std::string name;
  bool applicable = true;
  std::string why_not;
  Estimate final_magnetization;  // m = M/N after the run (stops at max_sweeps; a flipped run keeps going)
  Estimate time_to_flip;         // sweeps until M > 0, over the runs that flipped
  double flipped_fraction = 0.0;
  int runs = 0;
};

struct TargetResult {
  std::vector<StrategyResult> strategies;
  std::string description;  // the first realisation's network
  /// The final state of replica 0 of the first strategy on the first realisation (--state-out).
  std::vector<Spin> final_state;
  double seconds = 0.0;
};

TargetResult social_target(const NetworkOptions& network, const TargetOptions& o);

}  // namespace spinlab
