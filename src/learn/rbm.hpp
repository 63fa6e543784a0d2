// Restricted Boltzmann machine: parameters, energies, conditionals, sampling, save/load.
//
// Energy (Smolensky 1986; Hinton 2002): E(v, h) = -v^T W h - b^T v - c^T h with W an nv x nh
// matrix, visible biases b and hidden biases c, and p(v, h) = exp(-E) / Z. Units take the values
// {0, 1} (Bernoulli-Bernoulli) or {-1, +1} (the spin variant); the formulas below hold for both
// with the per-unit log partition function
//   binary: log sum_{h in {0,1}} e^{h x} = softplus(x) = log(1 + e^x),   E[h] = sigmoid(x)
//   spin:   log sum_{h in {-1,1}} e^{h x} = log(2 cosh x),                E[h] = tanh(x)
// so that, with x_j = c_j + sum_i v_i W_ij,
//   free energy  F(v) = -b^T v - sum_j lse(x_j),  p(v) = e^{-F(v)} / Z,
//   p(h_j = 1 | v) = sigmoid(x_j)  (binary)   p(h_j = +1 | v) = sigmoid(2 x_j)  (spin),
// and the same with the roles of v and h exchanged. Parameters are float32 (the GEMMs); every
// sum over units that enters a log-likelihood is done in double.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace spinlab {

enum class RbmUnits : uint32_t { Binary = 0, Spin = 1 };

struct Rbm {
  int32_t nv = 0, nh = 0;
  RbmUnits units = RbmUnits::Binary;
  std::vector<float> W;  // nv x nh, row-major: W[i * nh + j]
  std::vector<float> b;  // nv visible biases
  std::vector<float> c;  // nh hidden biases

  /// Zero parameters of the given shape (InputError for sizes < 1 or > 2^24 units).
  static Rbm zeros(int32_t nv, int32_t nh, RbmUnits units = RbmUnits::Binary);

  /// The value a unit takes when "off": 0 (binary) or -1 (spin).
  float off() const { return units == RbmUnits::Binary ? 0.0f : -1.0f; }

  /// E(v, h) in double.
  double energy(std::span<const float> v, std::span<const float> h) const;
  /// F(v) = -b.v - sum_j lse(x_j), in double.
  double free_energy(std::span<const float> v) const;
  /// The hidden free energy G(h) = -c.h - sum_i lse(b_i + (W h)_i), so p(h) = e^{-G(h)} / Z.
  double hidden_free_energy(std::span<const float> h) const;
  /// p(h_j = on | v) for all j (nh values) and p(v_i = on | h) (nv values), in double.
  std::vector<double> p_hidden(std::span<const float> v) const;
  std::vector<double> p_visible(std::span<const float> h) const;
};

/// log(1 + e^x) and log(2 cosh x) without overflow.
double softplus(double x);
double log2cosh(double x);
/// The per-unit log partition function of the model's units.
inline double unit_lse(RbmUnits u, double x) { return u == RbmUnits::Binary ? softplus(x) : log2cosh(x); }

/// The data value 0/1 as a unit value of the model (0 -> off()).
inline float unit_value(RbmUnits u, float x01) { return u == RbmUnits::Binary ? x01 : 2.0f * x01 - 1.0f; }

/// Throws InputError naming `what` if a parameter is NaN or infinite.
void check_finite(const Rbm& m, const std::string& what);

/// Binary model file (little endian): magic "SPLRBM\0\0", u32 version = 1, u32 units (0 binary,
/// 1 spin), u32 nv, u32 nh, then float32 W (nv x nh row-major), b (nv), c (nh), then u64 FNV-1a
/// hash of all preceding bytes. The reader checks magic, version, sizes against the file length,
/// the hash and finiteness; any failure is one InputError naming the file.
void save_rbm(const std::string& path, const Rbm& m);
Rbm load_rbm(const std::string& path);
/// The same bytes in memory (the DBN container stores one per layer); `what` names the source in
/// errors. fnv1a64 is the checksum both use.
std::string rbm_to_bytes(const Rbm& m);
Rbm rbm_from_bytes(const std::string& bytes, const std::string& what);
uint64_t fnv1a64(const char* p, size_t n);

/// A scikit-learn BernoulliRBM exported as components_ (nh x nv), intercept_hidden_ (nh) and
/// intercept_visible_ (nv), each as DIR/NAME.npy or DIR/NAME.csv. components_ is W transposed.
Rbm import_sklearn_rbm(const std::string& dir);

}  // namespace spinlab
