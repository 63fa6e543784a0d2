// Social observables on a network state, as measure/observables.hpp Observables (so simulate()
// reports each with {mean, error, tau_int}). Definitions (docs/cli.md, "social sweep"):
//   wall_density  = (1/|E|) sum_{edges ij} [s_i != s_j]   (disagreeing edges: domain walls)
//   polarization  = with communities c (sizes n_c, magnetisations m_c, weights w_c = n_c/N):
//                   sqrt(sum_c w_c (m_c - m_bar)^2), m_bar = sum_c w_c m_c (1 for two equal
//                   communities at +1 and -1, 0 at consensus); without communities, the standard
//                   deviation over nodes (degree > 0) of the local opinion a_i = (1/k_i) sum_j s_j
//   echo_agree    = A = mean over nodes with k_i > 0 of the fraction of neighbours that agree
//   echo_index    = A - A_shuffled, where A_shuffled is A's exact expectation when the same
//                   opinions are permuted uniformly at random over the nodes:
//                   (1/N') sum_{i: k_i > 0} (n_{s_i} - 1)/(N - 1), n_{+-} = number of +-1 opinions
// (the homophily of the opinion pattern beyond what its composition alone gives; Cota et al.,
// EPJ Data Sci. 8, 35 (2019) measure echo chambers by neighbour agreement in the same spirit).
#pragma once

#include <memory>
#include <vector>

#include "core/graph.hpp"
#include "measure/observables.hpp"

namespace spinlab {

/// The four components above, measured on one state (O(N + |E|), no allocation).
/// community: one entry per node (0..K-1) or empty.
std::shared_ptr<const Observable> social_observables(const Graph& g, std::vector<int32_t> community);

}  // namespace spinlab
