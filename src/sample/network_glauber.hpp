// Heat-bath (Glauber) kernel for large unweighted networks: one J on every tie and one h, so a
// spin's update needs only the sum of its neighbours' spins (int32 neighbour indices, no weights)
// and a table. Nodes are relabelled for locality (colour class first, then breadth-first order
// from the highest-degree node, neighbours sorted), each colour class (a greedy proper colouring:
// no ties inside a class) is updated in parallel by a thread team, and the random words come in
// batches from the chain's own Philox stream (Rng::take_blocks): the word for the node at relabelled
// position p is word p of the sweep's reserved blocks, so results do not depend on the thread count.
#pragma once

#include <memory>

#include "sample/move.hpp"

namespace spinlab {

/// threads <= 0: 2 for networks of >= 10^5 nodes, else 1. Models that are not unweighted (one J,
/// one h) or are dense throw InputError; zealots are kept.
std::unique_ptr<Move> make_network_glauber(const IsingModel& model, double beta, int threads = 0);

/// True when make_network_glauber accepts the model (sparse, one J, one h).
bool network_glauber_applies(const IsingModel& model);

}  // namespace spinlab
