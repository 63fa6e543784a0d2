#include "probe/site_function.hpp"

#include "core/error.hpp"

namespace spinlab {

double SiteFunction::evaluate(const IsingModel& model, std::span<const Spin> s) const {
  double x = energy ? model.energy(s) : 0.0;
  for (const SiteTerm& t : sites) x += t.weight * s[t.site];
  for (const PairTerm& t : pairs) x += t.weight * s[t.a] * s[t.b];
  return x;
}

SiteFunctionSet::SiteFunctionSet(const std::vector<SiteFunction>& functions) {
  for (const SiteFunction& f : functions) {
    Compiled c;
    c.energy = f.energy;
    c.pairs = f.pairs;
    for (const SiteTerm& t : f.sites) {
      if (t.weight != 1.0) {
        c.weighted.push_back(t);
      } else if (!c.runs.empty() && c.runs.back().start + c.runs.back().length == t.site) {
        ++c.runs.back().length;
      } else {
        c.runs.push_back({t.site, 1});
      }
    }
    compiled_.push_back(std::move(c));
  }
}

void SiteFunctionSet::evaluate(const IsingModel& model, std::span<const Spin> s, std::span<double> out) const {
  double energy = 0.0;
  bool have_energy = false;
  for (size_t f = 0; f < compiled_.size(); ++f) {
    const Compiled& c = compiled_[f];
    int64_t sum = 0;
    for (const Run& r : c.runs) {
      const Spin* p = s.data() + r.start;
      int32_t part = 0;  // a run is at most N < 2^31 spins
      for (int32_t k = 0; k < r.length; ++k) part += p[k];
      sum += part;
    }
    double x = static_cast<double>(sum);
    for (const SiteTerm& t : c.weighted) x += t.weight * s[t.site];
    for (const PairTerm& t : c.pairs) x += t.weight * s[t.a] * s[t.b];
    if (c.energy) {
      if (!have_energy) energy = model.energy(s), have_energy = true;
      x += energy;
    }
    out[f] = x;
  }
}

namespace {
void check_site(int32_t i, int32_t n, const std::string& what) {
  if (i < 0 || i >= n)
    throw InputError(what + ": site " + std::to_string(i) + " outside 0.." + std::to_string(n - 1));
}
}  // namespace

SiteFunction site_sum(std::string name, std::vector<int32_t> sites, int32_t n) {
  if (sites.empty()) throw InputError(name + ": the site set is empty");
  SiteFunction f;
  f.name = std::move(name);
  for (int32_t i : sites) {
    check_site(i, n, f.name);
    f.sites.push_back({i, 1.0});
  }
  return f;
}

SiteFunction single_spin(int32_t i, int32_t n) {
  SiteFunction f;
  f.name = "s" + std::to_string(i);
  check_site(i, n, f.name);
  f.sites.push_back({i, 1.0});
  return f;
}

SiteFunction spin_product(std::string name, int32_t a, int32_t b, int32_t n) {
  SiteFunction f;
  f.name = std::move(name);
  check_site(a, n, f.name);
  check_site(b, n, f.name);
  if (a == b) throw InputError(f.name + ": a coupling term needs two different sites");
  f.pairs.push_back({a, b, 1.0});
  return f;
}

SiteFunction energy_function() {
  SiteFunction f;
  f.name = "E";
  f.energy = true;
  return f;
}

SiteFunction total_magnetization(int32_t n) {
  SiteFunction f;
  f.name = "M";
  for (int32_t i = 0; i < n; ++i) f.sites.push_back({i, 1.0});
  return f;
}

std::vector<int32_t> rectangle_sites(const Lattice& lat, const Rect& r, const std::string& what) {
  if (lat.dim() != 2) throw InputError(what + ": rectangles need a square lattice");
  if (r.w <= 0 || r.h <= 0) throw InputError(what + ": rectangle " + rect_string(r) + " has no sites");
  if (r.x0 < 0 || r.y0 < 0 || r.x0 + r.w > lat.extent(0) || r.y0 + r.h > lat.extent(1))
    throw InputError(what + ": rectangle " + rect_string(r) + " leaves the " + std::to_string(lat.extent(0)) + "x" +
                     std::to_string(lat.extent(1)) + " lattice");
  std::vector<int32_t> out;
  for (int32_t y = r.y0; y < r.y0 + r.h; ++y)
    for (int32_t x = r.x0; x < r.x0 + r.w; ++x) out.push_back(lat.site(x, y));
  return out;
}

std::string rect_string(const Rect& r) {
  return std::to_string(r.x0) + "," + std::to_string(r.y0) + "," + std::to_string(r.w) + "," + std::to_string(r.h);
}

ChambersPreset chambers_preset() {
  ChambersPreset p;
  p.lattice = Lattice::square(80, Boundary::Open);
  p.lattice.add_wall(0, 40, 1, 0, 53);
  p.regions = {{"left", {0, 0, 40, 53}}, {"right", {40, 0, 40, 53}}, {"bottom", {0, 53, 80, 27}}};
  return p;
}

}  // namespace spinlab
