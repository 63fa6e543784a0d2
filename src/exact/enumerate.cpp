// Exact thermal averages by visiting all 2^N states in Gray-code order with incremental E and M.
#include "exact/enumerate.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/error.hpp"

namespace spinlab {

namespace {

constexpr int32_t kMaxSpins = 26;
constexpr uint64_t kBlock = 4096;  // states summed into a block before it joins the total

// Accumulator layout: Boltzmann-weighted sums of powers of x = E - E_ref and of M, then <M_Ra>,
// <M_Ra M_Rb> (a <= b, row-major upper triangle) and <s_i s_j>.
enum : size_t { kW = 0, kX, kX2, kM, kAbsM, kM2, kM4, kFixed };

void validate(const IsingModel& model, double beta, const EnumerationOptions& options) {
  const int32_t n = model.size();
  if (n < 1) throw InputError("enumerate: the model has no spins");
  if (n > kMaxSpins)
    throw InputError("enumerate: N = " + std::to_string(n) + " spins is too many for exact enumeration " +
                     "(2^N states; the limit is N <= " + std::to_string(kMaxSpins) + ")");
  if (!std::isfinite(beta) || beta < 0.0)
    throw InputError("enumerate: beta must be finite and >= 0");
  for (size_t a = 0; a < options.regions.size(); ++a) {
    std::vector<uint8_t> seen(n, 0);
    for (int32_t s : options.regions[a]) {
      if (s < 0 || s >= n)
        throw InputError("enumerate: region " + std::to_string(a) + " has site " + std::to_string(s) +
                         " outside 0.." + std::to_string(n - 1));
      if (seen[s]++)
        throw InputError("enumerate: region " + std::to_string(a) + " lists site " + std::to_string(s) +
                         " twice");
    }
  }
  for (size_t p = 0; p < options.pairs.size(); ++p) {
    auto [i, j] = options.pairs[p];
    if (i < 0 || i >= n || j < 0 || j >= n)
      throw InputError("enumerate: pair " + std::to_string(p) + " (" + std::to_string(i) + ", " +
                       std::to_string(j) + ") has a site outside 0.." + std::to_string(n - 1));
  }
}

}  // namespace

EnumerationResult enumerate_exact(const IsingModel& model, double beta, const EnumerationOptions& options) {
  if (model.graph().is_dense())  // n is small here: walk the non-zero couplings in CSR form
    return enumerate_exact(IsingModel(model.graph().to_sparse(), std::vector<double>(model.fields().begin(), model.fields().end()),
                                      model.offset()),
                           beta, options);
  validate(model, beta, options);
  const int32_t n = model.size();
  const size_t nr = options.regions.size(), np = options.pairs.size();
  const size_t region_base = kFixed, prod_base = region_base + nr, pair_base = prod_base + nr * (nr + 1) / 2;
  const size_t nacc = pair_base + np;

  const auto off = model.graph().offsets();
  const auto nbr = model.graph().neighbors();
  const auto wts = model.graph().weights();
  const auto fld = model.fields();

  // Regions each site belongs to (CSR), for O(1) updates of M_Ra per flip.
  std::vector<int32_t> reg_off(n + 1, 0), reg_idx;
  for (const auto& r : options.regions)
    for (int32_t s : r) ++reg_off[s + 1];
  for (int32_t s = 0; s < n; ++s) reg_off[s + 1] += reg_off[s];
  reg_idx.resize(reg_off[n]);
  {
    std::vector<int32_t> pos(reg_off.begin(), reg_off.end() - 1);
    for (size_t a = 0; a < nr; ++a)
      for (int32_t s : options.regions[a]) reg_idx[pos[s]++] = static_cast<int32_t>(a);
  }

  // Start from all spins up (Gray code 0); state k differs from k-1 by spin ctz(k).
  std::vector<Spin> s(n, 1);
  std::vector<double> mreg(nr);
  for (size_t a = 0; a < nr; ++a) mreg[a] = static_cast<double>(options.regions[a].size());
  int64_t m = n;
  double e = model.energy(s);
  double e_ref = e;  // lowest energy seen so far; weights are exp(-beta (E - e_ref)) <= 1

  std::vector<double> total(nacc, 0.0), block(nacc, 0.0);
  // A new lowest energy: rescale every partial sum to the new reference. Weights gain the factor
  // exp(-beta d) and x = E - e_ref grows by d, so the x-moments mix (binomially).
  auto rebase = [&](double e_new) {
    const double d = e_ref - e_new, f = std::exp(-beta * d);
    for (auto* part : {&total, &block}) {
      auto& a = *part;
      const double w = a[kW], x = a[kX], x2 = a[kX2];
      a[kX2] = f * (x2 + 2.0 * d * x + d * d * w);
      a[kX] = f * (x + d * w);
      for (size_t k = 0; k < nacc; ++k)
        if (k != kX && k != kX2) a[k] *= f;
    }
    e_ref = e_new;
  };

  const uint64_t states = uint64_t{1} << n;
  double* acc = block.data();
  for (uint64_t k = 0;; ++k) {
    // Accumulate state k.
    const double x = e - e_ref;
    const double w = std::exp(-beta * x);
    const double md = static_cast<double>(m), m2 = md * md;
    acc[kW] += w;
    acc[kX] += w * x;
    acc[kX2] += w * x * x;
    acc[kM] += w * md;
    acc[kAbsM] += w * std::fabs(md);
    acc[kM2] += w * m2;
    acc[kM4] += w * m2 * m2;
    if (nr) {
      size_t q = prod_base;
      for (size_t a = 0; a < nr; ++a) {
        const double wa = w * mreg[a];
        acc[region_base + a] += wa;
        for (size_t b = a; b < nr; ++b) acc[q++] += wa * mreg[b];
      }
    }
    for (size_t p = 0; p < np; ++p)
      acc[pair_base + p] += w * (s[options.pairs[p].first] * s[options.pairs[p].second]);

    if ((k + 1) % kBlock == 0 || k + 1 == states) {
      for (size_t q = 0; q < nacc; ++q) total[q] += block[q];
      std::fill(block.begin(), block.end(), 0.0);
    }
    if (k + 1 == states) break;

    // Flip to state k+1: Delta E = 2 s_i (h_i + sum_j J_ij s_j).
    const int i = std::countr_zero(k + 1);
    double lf = fld[i];
    for (int64_t q = off[i]; q < off[i + 1]; ++q) lf += wts[q] * s[nbr[q]];
    e += 2.0 * s[i] * lf;
    s[i] = static_cast<Spin>(-s[i]);
    m += 2 * s[i];
    for (int32_t q = reg_off[i]; q < reg_off[i + 1]; ++q) mreg[reg_idx[q]] += 2.0 * s[i];
    // Re-evaluate from scratch now and then, and before trusting a new minimum, so rounding in the
    // running sum never drifts and ground_energy is the energy of an actual state.
    if ((k + 1) % kBlock == 0) e = model.energy(s);
    if (e < e_ref) {
      e = model.energy(s);
      if (e < e_ref) rebase(e);
    }
  }

  EnumerationResult r;
  r.beta = beta;
  r.n = n;
  const double z = total[kW];
  r.log_z = std::log(z) - beta * e_ref;
  r.ground_energy = e_ref;
  const double mx = total[kX] / z, var_e = std::max(0.0, total[kX2] / z - mx * mx);
  r.energy = e_ref + mx;
  r.energy_sq = r.energy * r.energy + var_e;
  r.energy_var = var_e;
  r.mag = total[kM] / z;
  r.abs_mag = total[kAbsM] / z;
  r.mag_sq = total[kM2] / z;
  r.mag_4 = total[kM4] / z;
  r.region_mean.resize(nr);
  for (size_t a = 0; a < nr; ++a) r.region_mean[a] = total[region_base + a] / z;
  r.region_cov.assign(nr, std::vector<double>(nr, 0.0));
  for (size_t a = 0, q = prod_base; a < nr; ++a)
    for (size_t b = a; b < nr; ++b, ++q)
      r.region_cov[a][b] = r.region_cov[b][a] = total[q] / z - r.region_mean[a] * r.region_mean[b];
  r.pair_corr.resize(np);
  for (size_t p = 0; p < np; ++p) r.pair_corr[p] = total[pair_base + p] / z;
  return r;
}

}  // namespace spinlab
