// Metropolis and heat-bath single-spin updates in sequential, random or checkerboard order.
#pragma once

#include <memory>

#include "sample/move.hpp"

namespace spinlab {

enum class SiteOrder { Sequential, Random, Checkerboard };
enum class SingleSpinRule { Metropolis, HeatBath };

std::unique_ptr<SingleSpinMove> make_single_spin(const IsingModel& model, double beta,
                                                 SingleSpinRule rule, SiteOrder order);

}  // namespace spinlab
