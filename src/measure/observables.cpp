// Region magnetisation, spin product and lattice correlation function observables.
#include "measure/observables.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace spinlab {
namespace {

class RegionMagnetization final : public Observable {
 public:
  RegionMagnetization(std::string name, std::vector<int32_t> sites)
      : name_(std::move(name)), sites_(std::move(sites)) {}
  std::vector<std::string> names() const override { return {name_}; }
  void measure(std::span<const Spin> s, std::span<double> out) const override {
    int64_t m = 0;
    for (int32_t i : sites_) m += s[i];
    out[0] = static_cast<double>(m);
  }

 private:
  std::string name_;
  std::vector<int32_t> sites_;
};

class SpinProduct final : public Observable {
 public:
  SpinProduct(int32_t i, int32_t j) : i_(i), j_(j) {}
  std::vector<std::string> names() const override {
    return {"s" + std::to_string(i_) + "*s" + std::to_string(j_)};
  }
  void measure(std::span<const Spin> s, std::span<double> out) const override {
    out[0] = static_cast<double>(s[i_] * s[j_]);
  }

 private:
  int32_t i_, j_;
};

class CorrelationFunction final : public Observable {
 public:
  explicit CorrelationFunction(const Lattice& lat) : lat_(lat) {
    int32_t lmin = lat.extent(0);
    for (int d = 1; d < lat.dim(); ++d) lmin = std::min(lmin, lat.extent(d));
    rmax_ = lat.boundary() == Boundary::Periodic ? lmin / 2 : lmin - 1;
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> n;
    for (int32_t r = 0; r <= rmax_; ++r) n.push_back("G(" + std::to_string(r) + ")");
    return n;
  }
  void measure(std::span<const Spin> s, std::span<double> out) const override {
    const int32_t N = static_cast<int32_t>(lat_.num_sites());
    for (int32_t r = 0; r <= rmax_; ++r) {
      int64_t sum = 0, count = 0;
      for (int d = 0; d < lat_.dim(); ++d) {
        const int32_t L = lat_.extent(d);
        for (int32_t i = 0; i < N; ++i) {
          auto c = lat_.coords(i);
          int32_t v = c[d] + r;
          if (v >= L) {
            if (lat_.boundary() == Boundary::Open) continue;
            v -= L;
          }
          c[d] = v;
          sum += s[i] * s[lat_.site(c[0], c[1], c[2])];
          ++count;
        }
      }
      out[r] = count ? static_cast<double>(sum) / static_cast<double>(count) : 0.0;
    }
  }

 private:
  Lattice lat_;
  int32_t rmax_ = 0;
};

}  // namespace

std::unique_ptr<Observable> region_magnetization(std::string name, std::vector<int32_t> sites,
                                                 int32_t n) {
  if (sites.empty()) throw InputError("region '" + name + "' has no sites");
  for (int32_t i : sites)
    if (i < 0 || i >= n)
      throw InputError("region '" + name + "': site " + std::to_string(i) + " outside 0.." +
                       std::to_string(n - 1));
  return std::make_unique<RegionMagnetization>(std::move(name), std::move(sites));
}

std::unique_ptr<Observable> spin_product(int32_t i, int32_t j, int32_t n) {
  if (i < 0 || i >= n || j < 0 || j >= n)
    throw InputError("spin product s" + std::to_string(i) + "*s" + std::to_string(j) +
                     ": site outside 0.." + std::to_string(n - 1));
  return std::make_unique<SpinProduct>(i, j);
}

std::unique_ptr<Observable> correlation_function(const Lattice& lattice) {
  return std::make_unique<CorrelationFunction>(lattice);
}

}  // namespace spinlab
