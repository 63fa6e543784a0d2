// RBM energies and conditionals in double (the reference the kernels are tested against),
// the versioned model file and the scikit-learn import.
#include "learn/rbm.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "io/datasets.hpp"
#include "io/files.hpp"

namespace spinlab {
namespace {

constexpr char kMagic[8] = {'S', 'P', 'L', 'R', 'B', 'M', 0, 0};
constexpr uint32_t kVersion = 1;

template <class T>
void put(std::string& s, T v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof v);
}

double sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }

}  // namespace

uint64_t fnv1a64(const char* p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<uint8_t>(p[i]);
    h *= 1099511628211ull;
  }
  return h;
}

double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
double log2cosh(double x) {
  const double a = std::fabs(x);
  return a + std::log1p(std::exp(-2.0 * a));
}

Rbm Rbm::zeros(int32_t nv, int32_t nh, RbmUnits units) {
  if (nv < 1 || nh < 1 || nv > (1 << 24) || nh > (1 << 24))
    throw InputError("RBM sizes must lie in 1 .. 2^24 units, got " + std::to_string(nv) + " visible, " +
                     std::to_string(nh) + " hidden");
  if (static_cast<double>(nv) * nh > 4e9) throw InputError("RBM with more than 4e9 weights");
  Rbm m;
  m.nv = nv;
  m.nh = nh;
  m.units = units;
  m.W.assign(static_cast<size_t>(nv) * nh, 0.0f);
  m.b.assign(nv, 0.0f);
  m.c.assign(nh, 0.0f);
  return m;
}

double Rbm::energy(std::span<const float> v, std::span<const float> h) const {
  double e = 0;
  for (int32_t i = 0; i < nv; ++i) {
    double s = 0;
    for (int32_t j = 0; j < nh; ++j) s += static_cast<double>(W[static_cast<size_t>(i) * nh + j]) * h[j];
    e -= v[i] * (s + b[i]);
  }
  for (int32_t j = 0; j < nh; ++j) e -= static_cast<double>(c[j]) * h[j];
  return e;
}

double Rbm::free_energy(std::span<const float> v) const {
  double f = 0;
  std::vector<double> x(c.begin(), c.end());
  for (int32_t i = 0; i < nv; ++i) {
    f -= static_cast<double>(b[i]) * v[i];
    if (v[i] != 0.0f)
      for (int32_t j = 0; j < nh; ++j) x[j] += static_cast<double>(v[i]) * W[static_cast<size_t>(i) * nh + j];
  }
  for (int32_t j = 0; j < nh; ++j) f -= unit_lse(units, x[j]);
  return f;
}

double Rbm::hidden_free_energy(std::span<const float> h) const {
  double g = 0;
  for (int32_t j = 0; j < nh; ++j) g -= static_cast<double>(c[j]) * h[j];
  for (int32_t i = 0; i < nv; ++i) {
    double a = b[i];
    for (int32_t j = 0; j < nh; ++j) a += static_cast<double>(W[static_cast<size_t>(i) * nh + j]) * h[j];
    g -= unit_lse(units, a);
  }
  return g;
}

std::vector<double> Rbm::p_hidden(std::span<const float> v) const {
  std::vector<double> x(c.begin(), c.end());
  for (int32_t i = 0; i < nv; ++i)
    for (int32_t j = 0; j < nh; ++j) x[j] += static_cast<double>(v[i]) * W[static_cast<size_t>(i) * nh + j];
  for (double& t : x) t = sigmoid(units == RbmUnits::Binary ? t : 2.0 * t);
  return x;
}

std::vector<double> Rbm::p_visible(std::span<const float> h) const {
  std::vector<double> a(b.begin(), b.end());
  for (int32_t i = 0; i < nv; ++i)
    for (int32_t j = 0; j < nh; ++j) a[i] += static_cast<double>(W[static_cast<size_t>(i) * nh + j]) * h[j];
  for (double& t : a) t = sigmoid(units == RbmUnits::Binary ? t : 2.0 * t);
  return a;
}

void check_finite(const Rbm& m, const std::string& what) {
  auto scan = [&](const std::vector<float>& v, const char* name) {
    for (size_t k = 0; k < v.size(); ++k)
      if (!std::isfinite(v[k]))
        throw InputError(what + ": " + name + "[" + std::to_string(k) + "] is NaN or infinite");
  };
  scan(m.W, "weights");
  scan(m.b, "visible biases");
  scan(m.c, "hidden biases");
}

void save_rbm(const std::string& path, const Rbm& m) {
  check_finite(m, path);
  write_file_atomic(path, rbm_to_bytes(m));
}

std::string rbm_to_bytes(const Rbm& m) {
  std::string s(kMagic, 8);
  put(s, kVersion);
  put(s, static_cast<uint32_t>(m.units));
  put(s, static_cast<uint32_t>(m.nv));
  put(s, static_cast<uint32_t>(m.nh));
  s.append(reinterpret_cast<const char*>(m.W.data()), m.W.size() * sizeof(float));
  s.append(reinterpret_cast<const char*>(m.b.data()), m.b.size() * sizeof(float));
  s.append(reinterpret_cast<const char*>(m.c.data()), m.c.size() * sizeof(float));
  put(s, fnv1a64(s.data(), s.size()));
  return s;
}

Rbm load_rbm(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a model file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::stringstream ss;
  ss << in.rdbuf();
  return rbm_from_bytes(ss.str(), path);
}

Rbm rbm_from_bytes(const std::string& s, const std::string& path) {
  if (s.empty()) throw InputError(path + ": empty file");
  if (s.size() < 24 || std::memcmp(s.data(), kMagic, 8) != 0)
    throw InputError(path + ": not a spinlab RBM file (bad magic)");
  uint32_t hdr[4];
  std::memcpy(hdr, s.data() + 8, 16);
  if (hdr[0] != kVersion) throw InputError(path + ": RBM file version " + std::to_string(hdr[0]) + ", this build reads 1");
  if (hdr[1] > 1) throw InputError(path + ": unknown unit type " + std::to_string(hdr[1]));
  if (hdr[2] < 1 || hdr[3] < 1 || hdr[2] > (1u << 24) || hdr[3] > (1u << 24))
    throw InputError(path + ": bad sizes " + std::to_string(hdr[2]) + " x " + std::to_string(hdr[3]));
  const uint64_t nparams = static_cast<uint64_t>(hdr[2]) * hdr[3] + hdr[2] + hdr[3];
  const uint64_t need = 24 + 4 * nparams + 8;
  if (s.size() != need)
    throw InputError(path + ": " + std::to_string(s.size()) + " bytes, a " + std::to_string(hdr[2]) + " x " +
                     std::to_string(hdr[3]) + " RBM needs " + std::to_string(need) + " (truncated or corrupt)");
  uint64_t hash;
  std::memcpy(&hash, s.data() + need - 8, 8);
  if (hash != fnv1a64(s.data(), need - 8)) throw InputError(path + ": checksum mismatch (corrupt file)");
  Rbm m = Rbm::zeros(static_cast<int32_t>(hdr[2]), static_cast<int32_t>(hdr[3]), static_cast<RbmUnits>(hdr[1]));
  const char* p = s.data() + 24;
  std::memcpy(m.W.data(), p, m.W.size() * 4);
  p += m.W.size() * 4;
  std::memcpy(m.b.data(), p, m.b.size() * 4);
  p += m.b.size() * 4;
  std::memcpy(m.c.data(), p, m.c.size() * 4);
  check_finite(m, path);
  return m;
}

Rbm import_sklearn_rbm(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw InputError("--import-sklearn " + dir + ": not a directory");
  // Each array as (shape, values) from NAME.npy or NAME.csv.
  auto read = [&](const std::string& name, std::vector<int64_t>* shape) {
    const std::string npy = dir + "/" + name + ".npy", csv = dir + "/" + name + ".csv";
    if (std::filesystem::exists(npy, ec)) {
      NpyArray a = read_npy(npy);
      *shape = a.shape;
      for (size_t k = 0; k < a.data.size(); ++k)
        if (!std::isfinite(a.data[k])) throw InputError(npy + ": element " + std::to_string(k) + " is NaN or infinite");
      return a.data;
    }
    if (std::filesystem::exists(csv, ec)) {
      Dataset d = read_csv_rows(csv);
      *shape = d.rows == 1 ? std::vector<int64_t>{d.cols} : d.cols == 1 ? std::vector<int64_t>{d.rows}
                                                                          : std::vector<int64_t>{d.rows, d.cols};
      return std::vector<double>(d.x.begin(), d.x.end());
    }
    throw InputError(dir + ": neither " + name + ".npy nor " + name + ".csv");
  };
  std::vector<int64_t> sw, sh, sv;
  const std::vector<double> comp = read("components_", &sw);
  const std::vector<double> ch = read("intercept_hidden_", &sh);
  const std::vector<double> cv = read("intercept_visible_", &sv);
  if (sw.size() != 2) throw InputError(dir + "/components_: expected a 2-D array (hidden x visible)");
  const int64_t nh = sw[0], nv = sw[1];
  if (sh.size() != 1 || sh[0] != nh)
    throw InputError(dir + "/intercept_hidden_: expected " + std::to_string(nh) + " values (rows of components_)");
  if (sv.size() != 1 || sv[0] != nv)
    throw InputError(dir + "/intercept_visible_: expected " + std::to_string(nv) + " values (columns of components_)");
  Rbm m = Rbm::zeros(static_cast<int32_t>(nv), static_cast<int32_t>(nh));
  for (int64_t j = 0; j < nh; ++j)
    for (int64_t i = 0; i < nv; ++i) m.W[i * nh + j] = static_cast<float>(comp[j * nv + i]);
  for (int64_t j = 0; j < nh; ++j) m.c[j] = static_cast<float>(ch[j]);
  for (int64_t i = 0; i < nv; ++i) m.b[i] = static_cast<float>(cv[i]);
  check_finite(m, dir);
  return m;
}

}  // namespace spinlab
