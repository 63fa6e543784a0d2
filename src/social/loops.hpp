// `spinlab social hysteresis`: heating/cooling asymmetry of opinion structure. The polarisation
// index and m are recorded forward and back while the fraction of antagonistic ties (0 -> F -> 0)
// or a uniform field (-H -> +H -> -H) is swept, through probe/hysteresis's engine with the social
// observables as its extra observable; loop areas with errors over repeats.
#pragma once

#include <string>
#include <vector>

#include "probe/hysteresis.hpp"
#include "social/network.hpp"

namespace spinlab {

struct SocialLoop {
  std::string parameter;     // "antagonistic" | "h"
  HysteresisResult result;   // loops[rate]: field, magnetization (|m| for antagonistic), observed = polarisation
};

/// One loop set per parameter ("antagonistic", "h"), each with options' settings (its `parameter`
/// and `observable` are set here: the polarisation index of social/observables.hpp on the
/// network's communities). The field loop needs a network without fields of its own.
std::vector<SocialLoop> social_hysteresis(const SocialNetwork& net, const std::vector<std::string>& parameters,
                                          const HysteresisOptions& options);

}  // namespace spinlab
