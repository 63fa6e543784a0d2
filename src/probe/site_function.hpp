// Probes and observables of susceptibility spectroscopy: F(s) = sum_k w_k s_{i_k}
// + sum_k w_k s_{a_k} s_{b_k} (+ E(s) for the energy observable), and the lattice geometry they
// are drawn on (rectangles, named regions, the three-chamber box).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/lattice.hpp"
#include "core/model.hpp"

namespace spinlab {

struct SiteTerm {
  int32_t site = 0;
  double weight = 1.0;
};
struct PairTerm {
  int32_t a = 0, b = 0;
  double weight = 1.0;
};

/// A linear function of spins and spin products, optionally plus the model's energy.
struct SiteFunction {
  std::string name;
  std::vector<SiteTerm> sites;
  std::vector<PairTerm> pairs;
  bool energy = false;  // adds E(s) (observables; a probe field on E would be a temperature change)

  double evaluate(const IsingModel& model, std::span<const Spin> s) const;
  size_t num_terms() const { return sites.size() + pairs.size(); }
};

/// Many site functions evaluated together, fast: unit-weight sites are grouped into runs of
/// consecutive indices (a rectangle is one run per row) summed as bytes; other terms as given.
class SiteFunctionSet {
 public:
  explicit SiteFunctionSet(const std::vector<SiteFunction>& functions);
  size_t size() const { return compiled_.size(); }
  /// out[f] = functions[f].evaluate(model, s).
  void evaluate(const IsingModel& model, std::span<const Spin> s, std::span<double> out) const;

 private:
  struct Run {
    int32_t start = 0, length = 0;
  };
  struct Compiled {
    std::vector<Run> runs;
    std::vector<SiteTerm> weighted;
    std::vector<PairTerm> pairs;
    bool energy = false;
  };
  std::vector<Compiled> compiled_;
};

/// Sum of s_i over a site list (each weight 1); InputError for an empty list or a site outside
/// [0, n).
SiteFunction site_sum(std::string name, std::vector<int32_t> sites, int32_t n);
/// s_i (a single spin) and s_a s_b (a coupling term).
SiteFunction single_spin(int32_t i, int32_t n);
SiteFunction spin_product(std::string name, int32_t a, int32_t b, int32_t n);
/// E(s).
SiteFunction energy_function();
/// The magnetisation of all spins.
SiteFunction total_magnetization(int32_t n);

/// A w x h rectangle with corner (x0, y0) on a 2D lattice.
struct Rect {
  int32_t x0 = 0, y0 = 0, w = 0, h = 0;
};
/// Sites of a rectangle; InputError naming `what` if it is empty or leaves the lattice.
std::vector<int32_t> rectangle_sites(const Lattice& lattice, const Rect& r, const std::string& what);
/// "x0,y0,w,h" as a string (for names and JSON).
std::string rect_string(const Rect& r);

struct NamedRegion {
  std::string name;
  Rect rect;
};

/// The demonstration geometry of susceptibility spectroscopy: an 80 x 80 open box with the
/// internal wall x=40, y=0:53 (bonds between columns 39 and 40 removed for rows 0 <= y < 53),
/// making three chambers: left (x < 40, y < 53), right (x >= 40, y < 53), bottom (y >= 53).
struct ChambersPreset {
  Lattice lattice;
  std::vector<NamedRegion> regions;
  std::string wall = "x=40,y=0:53";
};
ChambersPreset chambers_preset();

}  // namespace spinlab
