// An RBM read as an Ising model on its bipartite graph (Barney, Winer & Galitski 2024,
// arXiv:2408.06421: neurons are spins, weights are couplings).
//
// Spins are numbered visible first (0 .. nv-1), then hidden (nv .. nv+nh-1). For {0,1} units,
// with s_i = 2 v_i - 1 and t_j = 2 h_j - 1 (so v = (1 + s)/2, h = (1 + t)/2):
//   v_i h_j = (1 + s_i + t_j + s_i t_j) / 4,   v_i = (1 + s_i) / 2,   h_j = (1 + t_j) / 2,
// hence E_RBM(v, h) = -b.v - c.h - v^T W h
//   = -sum_ij (W_ij / 4) s_i t_j - sum_i h^s_i s_i - sum_j h^t_j t_j + offset,
//   h^s_i = b_i / 2 + sum_j W_ij / 4,      h^t_j = c_j / 2 + sum_i W_ij / 4,
//   offset = -sum_i b_i / 2 - sum_j c_j / 2 - sum_ij W_ij / 4.
// For {-1,+1} units the mapping is the identity: J = W, fields b and c, offset 0.
#pragma once

#include <span>
#include <vector>

#include "core/model.hpp"
#include "learn/rbm.hpp"

namespace spinlab {

/// The exact Ising model: E_Ising(sigma(v, h)) = E_RBM(v, h) for every configuration. The graph
/// is sparse CSR (couplings only between the layers; zero weights are kept as edges).
IsingModel rbm_to_ising(const Rbm& m);

/// The spins of a configuration: visible then hidden, on -> +1, off -> -1.
std::vector<Spin> rbm_spins(const Rbm& m, std::span<const float> v, std::span<const float> h);

/// The largest singular value of W times the coupling scale (1/4 binary, 1 spin): the temperature
/// at which the field-free mapped model's paramagnet becomes linearly unstable (mean field: the
/// largest eigenvalue of the bipartite coupling matrix [[0, J], [J^T, 0]] is sigma_max(J)).
/// `u` (if non-null) receives the top left singular vector (nv values, unit norm, sum >= 0).
double rbm_mean_field_temperature(const Rbm& m, std::vector<double>* u = nullptr);

}  // namespace spinlab
