// social_hysteresis: the probe hysteresis engine with the polarisation index recorded (social/loops.hpp).
#include "social/loops.hpp"

#include "core/error.hpp"
#include "social/observables.hpp"

namespace spinlab {

std::vector<SocialLoop> social_hysteresis(const SocialNetwork& net, const std::vector<std::string>& parameters,
                                          const HysteresisOptions& options) {
  if (parameters.empty()) throw InputError("--loop: give antagonistic, h or both");
  for (const auto& p : parameters)
    if (p != "antagonistic" && p != "h") throw InputError("--loop: unknown loop '" + p + "' (known: antagonistic, h)");
  if (net.model.has_field())
    for (const auto& p : parameters)
      if (p == "h") throw InputError("--loop h: the network already has fields (--field / --nodes); the loop sets the field");
  const auto obs = social_observables(net.model.graph(), net.community);
  std::vector<SocialLoop> out;
  for (size_t k = 0; k < parameters.size(); ++k) {
    HysteresisOptions o = options;
    o.parameter = parameters[k];
    o.observable = obs;
    o.observable_component = 1;  // polarization
    if (o.progress)
      o.progress = [&, k](double f) { options.progress((static_cast<double>(k) + f) / parameters.size()); };
    out.push_back({parameters[k], hysteresis(net.model, o)});
  }
  return out;
}

}  // namespace spinlab
