// Opinion dynamics as registered moves (not equilibrium samplers): the zero-temperature majority
// rule, the voter model and the majority-vote model with noise (Oliveira 1992). One file each.
#pragma once

#include <memory>

#include "sample/move.hpp"

namespace spinlab {

// All three update in random-sequential order: a sweep is N updates, each at a site drawn
// uniformly (rng.below(N)); zealots (IsingModel::set_frozen) are drawn but never changed.
// The local field f_i = sum_j J_ij s_j + h_i is the weighted, signed "majority" of i's ties.

/// Zero-temperature majority rule: s_i <- sign(f_i), a fair coin when f_i = 0 (beta is ignored;
/// the beta -> infinity limit of heat-bath).
std::unique_ptr<SingleSpinMove> make_majority_rule(const IsingModel& model, double beta);

/// Voter model (Clifford & Sudbury 1973; Holley & Liggett 1975): i copies a uniformly chosen
/// neighbour j, s_i <- sign(J_ij) s_j (an antagonistic tie copies the opposite opinion). beta
/// is ignored; isolated vertices keep their opinion; dense (SK) graphs are refused.
std::unique_ptr<SingleSpinMove> make_voter(const IsingModel& model, double beta);

/// Majority-vote model with noise q (M. J. de Oliveira, J. Stat. Phys. 66, 273 (1992)):
/// s_i <- sign(f_i) with probability 1 - q and -sign(f_i) with probability q (a fair coin when
/// f_i = 0). The noise is tied to beta as q = 1 / (1 + e^{2 beta}) -- the heat-bath probability
/// of opposing a unit field -- so beta sweeps scan q from 1/2 (beta = 0) to 0 (beta -> inf);
/// q = q_of_beta(beta), beta = beta_of_q(q).
std::unique_ptr<SingleSpinMove> make_majority_vote(const IsingModel& model, double beta);
double majority_vote_q(double beta);
double majority_vote_beta(double q);

}  // namespace spinlab
