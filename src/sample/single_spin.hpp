// Metropolis and heat-bath single-spin updates in sequential, random or checkerboard order.
#pragma once

#include <memory>

#include "sample/move.hpp"

namespace spinlab {

/// Auto: the vectorised checkerboard kernel where it applies (uniform periodic 2D/3D lattice,
/// even L), otherwise sequential order.
enum class SiteOrder { Auto, Sequential, Random, Checkerboard };
enum class SingleSpinRule { Metropolis, HeatBath };

std::unique_ptr<SingleSpinMove> make_single_spin(const IsingModel& model, double beta,
                                                 SingleSpinRule rule, SiteOrder order);

}  // namespace spinlab
