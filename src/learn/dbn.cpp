// Greedy layer-wise DBN training, up-pass features, the container file and the linear probe.
#include "learn/dbn.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "io/files.hpp"
#include "learn/kernels.hpp"

namespace spinlab {
namespace {

using namespace rbm_detail;

constexpr char kMagic[8] = {'S', 'P', 'L', 'D', 'B', 'N', 0, 0};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxLayers = 64;

// X (rows x m.nh) = E[h | V] for V (rows x m.nv) of unit values, in chunks.
void up_pass(const Rbm& m, const float* V, int64_t rows, float* out) {
  constexpr int64_t kChunk = 1024;
  for (int64_t r0 = 0; r0 < rows; r0 += kChunk) {
    const int64_t n = std::min(kChunk, rows - r0);
    float* o = out + r0 * m.nh;
    sgemm(false, false, static_cast<int>(n), m.nh, m.nv, 1.0f, V + r0 * m.nv, m.nv, m.W.data(), m.nh, 0.0f, o, m.nh);
    add_bias_rows(o, m.c.data(), n, m.nh);
    mean_units(m.units, o, o, static_cast<size_t>(n) * m.nh, 1.0f);
  }
}

// Data rows (0/1) as unit values of model m.
std::vector<float> as_units(const Rbm& m, const Dataset& d) {
  std::vector<float> v(d.x.size());
  for (size_t k = 0; k < v.size(); ++k) v[k] = unit_value(m.units, d.x[k]);
  return v;
}

}  // namespace

void check_dbn_layers(const std::vector<int32_t>& hidden) {
  if (hidden.empty()) throw InputError("--layers: at least one layer size (e.g. 500,250)");
  if (hidden.size() > kMaxLayers) throw InputError("--layers: at most 64 layers");
  for (int32_t h : hidden)
    if (h < 1 || h > (1 << 24)) throw InputError("--layers: every size must lie in 1 .. 2^24, got " + std::to_string(h));
}

Dbn train_dbn(const Dataset& data01, const DbnTrainOptions& o,
              const std::function<void(int, const RbmEpochReport&)>& on_epoch) {
  check_dbn_layers(o.hidden);
  require_binary(data01);
  Dbn net;
  Dataset level = data01;  // the binary rows layer l is trained on
  for (size_t l = 0; l < o.hidden.size(); ++l) {
    RbmTrainOptions ro = o.rbm;
    ro.hidden = o.hidden[l];
    net.layers.push_back(train_rbm(level, ro, [&](const RbmEpochReport& r) {
      if (on_epoch) on_epoch(static_cast<int>(l), r);
    }));
    if (l + 1 == o.hidden.size()) break;
    // The next layer's data: one sample h ~ p(h | row) per row, as 0/1.
    const Rbm& m = net.layers.back();
    const std::vector<float> v = as_units(m, level);
    std::vector<float> p(static_cast<size_t>(level.rows) * m.nh);
    up_pass(m, v.data(), level.rows, p.data());
    Dataset next;
    next.source = data01.source + ":layer" + std::to_string(l + 1);
    next.rows = level.rows;
    next.cols = next.width = m.nh;
    next.height = 1;
    next.labels = level.labels;
    next.x.resize(p.size());
    const size_t stride = words_stride(m.nh);
    std::vector<uint32_t> w(stride);
    for (int64_t r = 0; r < level.rows; ++r) {
      fill_words(o.rbm.seed, stream_id(kDbnSample, static_cast<uint64_t>(r)), l, 1, m.nh, w.data());
      // p(h = on): the mean for binary units, (1 + tanh) / 2 for spin units.
      float* x = next.x.data() + r * m.nh;
      const float* pr = p.data() + r * m.nh;
      for (int32_t j = 0; j < m.nh; ++j) {
        const float on = m.units == RbmUnits::Binary ? pr[j] : 0.5f * (1.0f + pr[j]);
        x[j] = static_cast<float>(w[j] >> 8) * (1.0f / 16777216.0f) < on ? 1.0f : 0.0f;
      }
    }
    level = std::move(next);
  }
  return net;
}

std::vector<float> dbn_features(const Dbn& m, const Dataset& data01, int layer, int32_t* width) {
  if (layer < 0 || layer > static_cast<int>(m.layers.size())) throw InputError("dbn: no layer " + std::to_string(layer));
  require_columns(data01, m.layers.front().nv, "the model (" + std::to_string(m.layers.front().nv) + " visible units)");
  std::vector<float> f = data01.x;  // layer 0: the binary pixels
  int32_t w = data01.cols;
  for (int l = 0; l < layer; ++l) {
    const Rbm& r = m.layers[l];
    // Input to layer l as unit values: data (0/1) at l = 0, the means of the layer below above.
    if (l == 0) f = as_units(r, data01);
    std::vector<float> out(static_cast<size_t>(data01.rows) * r.nh);
    up_pass(r, f.data(), data01.rows, out.data());
    f.swap(out);
    w = r.nh;
  }
  if (width) *width = w;
  return f;
}

void save_dbn(const std::string& path, const Dbn& m) {
  std::string s(kMagic, 8);
  auto put = [&s](auto v) { s.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(kVersion);
  put(static_cast<uint32_t>(m.layers.size()));
  for (const Rbm& r : m.layers) {
    check_finite(r, path);
    const std::string b = rbm_to_bytes(r);
    put(static_cast<uint64_t>(b.size()));
    s += b;
  }
  put(fnv1a64(s.data(), s.size()));
  write_file_atomic(path, s);
}

Dbn load_dbn(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a model file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  if (s.empty()) throw InputError(path + ": empty file");
  if (s.size() < 24 || std::memcmp(s.data(), kMagic, 8) != 0) throw InputError(path + ": not a spinlab DBN file (bad magic)");
  uint32_t version, count;
  std::memcpy(&version, s.data() + 8, 4);
  std::memcpy(&count, s.data() + 12, 4);
  if (version != kVersion) throw InputError(path + ": DBN file version " + std::to_string(version) + ", this build reads 1");
  if (count < 1 || count > kMaxLayers) throw InputError(path + ": bad layer count " + std::to_string(count));
  uint64_t hash;
  std::memcpy(&hash, s.data() + s.size() - 8, 8);
  if (hash != fnv1a64(s.data(), s.size() - 8)) throw InputError(path + ": checksum mismatch (truncated or corrupt file)");
  Dbn m;
  size_t pos = 16;
  for (uint32_t l = 0; l < count; ++l) {
    uint64_t len;
    if (pos + 8 > s.size() - 8) throw InputError(path + ": truncated at layer " + std::to_string(l + 1));
    std::memcpy(&len, s.data() + pos, 8);
    pos += 8;
    if (len > s.size() - 8 - pos) throw InputError(path + ": truncated at layer " + std::to_string(l + 1));
    m.layers.push_back(rbm_from_bytes(s.substr(pos, len), path + " layer " + std::to_string(l + 1)));
    pos += len;
    if (l > 0 && m.layers[l].nv != m.layers[l - 1].nh)
      throw InputError(path + ": layer " + std::to_string(l + 1) + " has " + std::to_string(m.layers[l].nv) +
                       " visible units, the layer below " + std::to_string(m.layers[l - 1].nh) + " hidden");
  }
  if (pos != s.size() - 8) throw InputError(path + ": trailing bytes after the last layer (corrupt)");
  return m;
}

std::vector<ProbeResult> dbn_linear_probe(const Dbn& m, const Dataset& train, const Dataset& test, const LogisticOptions& o) {
  for (const Dataset* d : {&train, &test})
    if (static_cast<int64_t>(d->labels.size()) != d->rows)
      throw InputError(d->source + ": no labels; the linear probe needs labelled data (digits or fashion-mnist)");
  int32_t K = 0;
  for (int32_t y : train.labels) K = std::max(K, y + 1);
  for (int32_t y : test.labels) K = std::max(K, y + 1);
  std::vector<ProbeResult> out;
  for (int l = 0; l <= static_cast<int>(m.layers.size()); ++l) {
    const auto start = std::chrono::steady_clock::now();
    ProbeResult p;
    p.layer = l;
    const std::vector<float> ftr = dbn_features(m, train, l, &p.features);
    const std::vector<float> fte = dbn_features(m, test, l, nullptr);
    const LogisticModel lm = fit_logistic(ftr.data(), train.rows, p.features, train.labels.data(), K, o);
    p.train_accuracy = logistic_accuracy(lm, ftr.data(), train.rows, train.labels.data());
    p.test_accuracy = logistic_accuracy(lm, fte.data(), test.rows, test.labels.data());
    p.iterations = lm.iterations;
    p.converged = lm.converged;
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.push_back(p);
  }
  return out;
}

}  // namespace spinlab
