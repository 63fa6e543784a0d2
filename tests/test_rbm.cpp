// RBM: energies, conditionals and gradients against enumeration and finite differences; exact
// log Z against brute force; AIS against exact log Z; training; model files; GEMM kernels.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/datasets.hpp"
#include "learn/kernels.hpp"
#include "learn/logz.hpp"
#include "learn/rbm.hpp"
#include "learn/train.hpp"

using namespace spinlab;
namespace fs = std::filesystem;

namespace {

const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("spinlab_test_rbm_" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(fs::temp_directory_path() / ("spinlab_test_rbm_" + std::to_string(::getpid())), ec);
    });
    return d;
  }();
  return dir;
}

Rbm random_rbm(int nv, int nh, RbmUnits u, double scale, uint64_t seed) {
  Rbm m = Rbm::zeros(nv, nh, u);
  Rng r(seed, 0);
  for (float& w : m.W) w = static_cast<float>(scale * (2 * r.uniform() - 1));
  for (float& b : m.b) b = static_cast<float>(scale * (2 * r.uniform() - 1));
  for (float& c : m.c) c = static_cast<float>(scale * (2 * r.uniform() - 1));
  return m;
}

std::vector<float> bits(uint64_t x, int n, float off) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = (x >> i) & 1 ? 1.0f : off;
  return v;
}

// log sum_h exp(-E(v, h)) by enumeration.
double log_marginal(const Rbm& m, const std::vector<float>& v) {
  double mx = -1e300, s = 0;
  std::vector<double> e;
  for (uint64_t y = 0; y < (uint64_t{1} << m.nh); ++y) e.push_back(-m.energy(v, bits(y, m.nh, m.off())));
  for (double x : e) mx = std::max(mx, x);
  for (double x : e) s += std::exp(x - mx);
  return mx + std::log(s);
}

Dataset tiny_data(int nv, int rows, uint64_t seed) {
  Dataset d;
  d.source = "tiny";
  d.rows = rows;
  d.cols = nv;
  d.width = nv;
  d.height = 1;
  Rng r(seed, 1);
  for (int k = 0; k < rows * nv; ++k) d.x.push_back(r.uniform() < 0.3 + 0.4 * ((k % nv) % 2) ? 1.0f : 0.0f);
  return d;
}

// Mean log-likelihood of data under m, by exact log Z (double).
double exact_ll(const Rbm& m, const Dataset& d) {
  double s = 0;
  for (int64_t r = 0; r < d.rows; ++r) {
    std::vector<float> v(d.row(r), d.row(r) + d.cols);
    for (float& x : v) x = unit_value(m.units, x);
    s -= m.free_energy(v);
  }
  return s / d.rows - exact_log_z(m);
}

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class RbmUnitsTest : public ::testing::TestWithParam<RbmUnits> {};

TEST_P(RbmUnitsTest, FreeEnergyAndConditionalsMatchEnumeration) {
  const Rbm m = random_rbm(6, 4, GetParam(), 1.0, 3);
  for (uint64_t x = 0; x < 64; ++x) {
    const auto v = bits(x, 6, m.off());
    EXPECT_NEAR(-m.free_energy(v), log_marginal(m, v), 1e-9);
    // p(h_j = on | v) = sum over h with h_j on of e^{-E} / sum over all h.
    const auto p = m.p_hidden(v);
    for (int j = 0; j < 4; ++j) {
      double on = 0, all = 0;
      for (uint64_t y = 0; y < 16; ++y) {
        const double w = std::exp(-m.energy(v, bits(y, 4, m.off())));
        all += w;
        if ((y >> j) & 1) on += w;
      }
      EXPECT_NEAR(p[j], on / all, 1e-12);
    }
  }
  for (uint64_t y = 0; y < 16; ++y) {
    const auto h = bits(y, 4, m.off());
    const auto p = m.p_visible(h);
    for (int i = 0; i < 6; ++i) {
      double on = 0, all = 0;
      for (uint64_t x = 0; x < 64; ++x) {
        const double w = std::exp(-m.energy(bits(x, 6, m.off()), h));
        all += w;
        if ((x >> i) & 1) on += w;
      }
      EXPECT_NEAR(p[i], on / all, 1e-12);
    }
    // hidden free energy: p(h) = e^{-G(h)} / Z
    double s = 0;
    for (uint64_t x = 0; x < 64; ++x) s += std::exp(-m.energy(bits(x, 6, m.off()), h));
    EXPECT_NEAR(-m.hidden_free_energy(h), std::log(s), 1e-9);
  }
}

TEST_P(RbmUnitsTest, ExactLogZMatchesBruteForceEnumeratingEitherLayer) {
  for (auto [nv, nh] : {std::pair{6, 4}, std::pair{4, 7}, std::pair{9, 9}}) {
    const Rbm m = random_rbm(nv, nh, GetParam(), 1.5, 10 + nv);
    const double bf = brute_force_log_z(m);
    EXPECT_NEAR(exact_log_z(m, 1), bf, 1e-10 * std::fabs(bf) + 1e-10) << nv << "x" << nh;
    EXPECT_NEAR(exact_log_z(m, 3), bf, 1e-10 * std::fabs(bf) + 1e-10) << nv << "x" << nh;
  }
  EXPECT_NE(error_of([&] { exact_log_z(Rbm::zeros(30, 25, GetParam())); }).find("at most 24"), std::string::npos);
}

TEST_P(RbmUnitsTest, LogLikelihoodGradientMatchesFiniteDifferences) {
  // d<log p(v)>/dW_ij = <v_i E[h_j|v]>_data - <v_i h_j>_model, the quantity the trainers estimate
  // (Hinton 2002); model moments by enumeration, compared with central differences of the exact LL.
  Rbm m = random_rbm(6, 4, GetParam(), 0.7, 5);
  const Dataset d = tiny_data(6, 40, 8);
  const double Z = exact_log_z(m);
  std::vector<double> model(24, 0.0), data(24, 0.0), mb(6, 0.0), db(6, 0.0), mc(4, 0.0), dc(4, 0.0);
  for (uint64_t x = 0; x < 64; ++x) {
    const auto v = bits(x, 6, m.off());
    const double pv = std::exp(-m.free_energy(v) - Z);
    const auto ph = m.p_hidden(v);
    for (int i = 0; i < 6; ++i) {
      mb[i] += pv * v[i];
      for (int j = 0; j < 4; ++j) {
        const double eh = GetParam() == RbmUnits::Binary ? ph[j] : 2 * ph[j] - 1;
        model[i * 4 + j] += pv * v[i] * eh;
        if (i == 0) mc[j] += pv * eh;
      }
    }
  }
  for (int64_t r = 0; r < d.rows; ++r) {
    std::vector<float> v(d.row(r), d.row(r) + 6);
    for (float& x : v) x = unit_value(m.units, x);
    const auto ph = m.p_hidden(v);
    for (int i = 0; i < 6; ++i) {
      db[i] += v[i] / d.rows;
      for (int j = 0; j < 4; ++j) {
        const double eh = GetParam() == RbmUnits::Binary ? ph[j] : 2 * ph[j] - 1;
        data[i * 4 + j] += v[i] * eh / d.rows;
        if (i == 0) dc[j] += eh / d.rows;
      }
    }
  }
  const float eps = 1.0f / 512;  // exactly representable, so W +- eps is exact in float
  auto fd = [&](float* p) {
    const float keep = *p;
    *p = keep + eps;
    const double up = exact_ll(m, d);
    *p = keep - eps;
    const double down = exact_ll(m, d);
    *p = keep;
    return (up - down) / (2 * eps);
  };
  for (int q = 0; q < 24; ++q) EXPECT_NEAR(fd(&m.W[q]), data[q] - model[q], 2e-5) << "W " << q;
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(fd(&m.b[i]), db[i] - mb[i], 2e-5) << "b " << i;
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(fd(&m.c[j]), dc[j] - mc[j], 2e-5) << "c " << j;
}

INSTANTIATE_TEST_SUITE_P(Units, RbmUnitsTest, ::testing::Values(RbmUnits::Binary, RbmUnits::Spin),
                         [](const auto& info) { return info.param == RbmUnits::Binary ? "Binary" : "Spin"; });

TEST(Rbm, BlockedGemmMatchesOpenBlas) {
  Rng r(2, 0);
  for (auto [m, n, k] : {std::tuple{7, 33, 300}, std::tuple{100, 256, 784}, std::tuple{65, 5, 1}}) {
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        std::vector<float> A(m * k), B(k * n), C1(m * n), C2(m * n);
        for (float& x : A) x = static_cast<float>(r.uniform() - 0.5);
        for (float& x : B) x = static_cast<float>(r.uniform() - 0.5);
        for (size_t q = 0; q < C1.size(); ++q) C1[q] = C2[q] = static_cast<float>(q % 7);
        const int lda = ta ? m : k, ldb = tb ? k : n;
        rbm_detail::set_gemm_backend(rbm_detail::GemmBackend::OpenBlas);
        rbm_detail::sgemm(ta, tb, m, n, k, 0.5f, A.data(), lda, B.data(), ldb, 2.0f, C1.data(), n);
        rbm_detail::sgemm_blocked(ta, tb, m, n, k, 0.5f, A.data(), lda, B.data(), ldb, 2.0f, C2.data(), n);
        for (size_t q = 0; q < C1.size(); ++q) ASSERT_NEAR(C1[q], C2[q], 1e-4 * (1 + std::fabs(C1[q]))) << m << " " << ta << tb;
      }
  }
}

// OpenBLAS 0.3.21 falls back to its SSE3 kernels on CPUs it does not know; ours must not stay there
// where the CPU has AVX2 (the sgemm above is then checked on the kernels it switched to).
TEST(Rbm, OpenBlasRunsVectorKernelsWhereTheCpuHasThem) {
  if (std::getenv("OPENBLAS_CORETYPE")) GTEST_SKIP() << "OPENBLAS_CORETYPE set by the user";
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) GTEST_SKIP() << "no AVX2";
  const std::string core = rbm_detail::openblas_core();
  for (const char* generic : {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom"}) EXPECT_NE(core, generic);
  EXPECT_NE(rbm_detail::blas_description().find(core), std::string::npos);
}

TEST(Rbm, AisAgreesWithExactLogZOn20Hidden) {
  // A 64 x 20 RBM trained briefly on binarised digits (so the weights have structure), then AIS
  // with a fixed seed: |AIS - exact| < 3 AIS errors.
  if (!fs::exists(default_digits_path())) GTEST_SKIP() << "python3-sklearn not installed";
  Dataset d = load_digits(Split::Train);
  binarize(d);
  RbmTrainOptions o;
  o.hidden = 20;
  o.epochs = 3;
  o.batch = 20;
  o.lr = 0.05;
  o.monitor_rows = 0;
  const Rbm m = train_rbm(d, o);
  const double exact = exact_log_z(m, 2);
  AisOptions a;
  a.chains = 100;
  a.betas = 1000;
  a.seed = 1;
  const AisResult r = ais_log_z(m, base_rate_biases(d, m.units), a);
  ASSERT_GT(r.log_z.error, 0.0);
  EXPECT_LT(std::fabs(r.log_z.mean - exact), 3 * r.log_z.error) << r.log_z.mean << " +- " << r.log_z.error << " exact " << exact;
  EXPECT_LT(r.log_z.error, 0.5);
  EXPECT_GT(r.effective_sample_size, 2.0);
}

TEST(Rbm, AisSpinUnitsAgreesWithExact) {
  const Rbm m = random_rbm(12, 8, RbmUnits::Spin, 0.4, 21);
  AisOptions a;
  a.chains = 200;
  a.betas = 500;
  const AisResult r = ais_log_z(m, std::vector<float>(12, 0.0f), a);
  EXPECT_LT(std::fabs(r.log_z.mean - exact_log_z(m)), 3 * r.log_z.error + 1e-9) << r.log_z.mean << " +- " << r.log_z.error;
}

TEST(Rbm, TrainingIncreasesTestLikelihoodAndFollowsTheSeed) {
  if (!fs::exists(default_digits_path())) GTEST_SKIP() << "python3-sklearn not installed";
  Dataset train = load_digits(Split::Train), test = load_digits(Split::Test);
  binarize(train);
  binarize(test);
  for (RbmTrainer t : {RbmTrainer::PCD, RbmTrainer::CD, RbmTrainer::PT}) {
    RbmTrainOptions o;
    o.hidden = 16;
    o.batch = 20;
    o.lr = 0.05;
    o.trainer = t;
    o.temperatures = 4;
    o.momentum = 0.5;
    o.monitor_rows = 500;
    o.epochs = 0;
    const Rbm m0 = train_rbm(train, o);
    o.epochs = 4;
    std::vector<RbmEpochReport> reps;
    const Rbm m1 = train_rbm(train, o, [&](const RbmEpochReport& r) { reps.push_back(r); });
    ASSERT_EQ(reps.size(), 4u);
    const Estimate ll0 = mean_log_likelihood(m0, test, {exact_log_z(m0), 0.0}),
                   ll1 = mean_log_likelihood(m1, test, {exact_log_z(m1), 0.0});
    // From ~ -64 log 2 = -44.4 nats at the start to well above -35 after 4 epochs.
    EXPECT_NEAR(ll0.mean, -64 * std::log(2.0), 0.5);
    EXPECT_GT(ll1.mean, -35.0) << static_cast<int>(t);
    EXPECT_GT(ll1.mean - ll0.mean, 10 * ll1.error);
    EXPECT_GT(reps.back().pseudo_log_likelihood, reps.front().pseudo_log_likelihood - 2.0);
    EXPECT_LT(reps.back().reconstruction_error, 16.0);
    // Same seed, other thread count: the same model bit for bit.
    o.threads = 2;
    o.monitor_rows = 0;
    const Rbm m2 = train_rbm(train, o);
    EXPECT_EQ(m1.W, m2.W);
    EXPECT_EQ(m1.c, m2.c);
    o.seed = 2;
    EXPECT_NE(train_rbm(train, o).W, m1.W);
  }
}

TEST(Rbm, SpinUnitsTrain) {
  const Dataset d = tiny_data(10, 400, 3);
  RbmTrainOptions o;
  o.hidden = 6;
  o.units = RbmUnits::Spin;
  o.batch = 10;
  o.lr = 0.05;
  o.monitor_rows = 0;
  o.epochs = 0;
  const Rbm m0 = train_rbm(d, o);
  o.epochs = 5;
  const Rbm m1 = train_rbm(d, o);
  EXPECT_GT(exact_ll(m1, d), exact_ll(m0, d) + 0.1);
}

TEST(Rbm, SaveLoadRoundTripAndBadFiles) {
  const Rbm m = random_rbm(7, 3, RbmUnits::Spin, 1.0, 4);
  const std::string p = (scratch() / "m.bin").string();
  save_rbm(p, m);
  const Rbm back = load_rbm(p);
  EXPECT_EQ(back.nv, 7);
  EXPECT_EQ(back.nh, 3);
  EXPECT_EQ(back.units, RbmUnits::Spin);
  EXPECT_EQ(back.W, m.W);
  EXPECT_EQ(back.b, m.b);
  EXPECT_EQ(back.c, m.c);
  std::ifstream in(p, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto write = [&](const std::string& name, const std::string& b) {
    const std::string q = (scratch() / name).string();
    std::ofstream(q, std::ios::binary) << b;
    return q;
  };
  EXPECT_NE(error_of([&] { load_rbm(write("t.bin", bytes.substr(0, bytes.size() - 5))); }).find("truncated"), std::string::npos);
  EXPECT_NE(error_of([&] { load_rbm(write("e.bin", "")); }).find("empty"), std::string::npos);
  EXPECT_NE(error_of([&] { load_rbm(write("g.bin", "GARBAGE-GARBAGE-GARBAGE-GARBAGE")); }).find("magic"), std::string::npos);
  std::string flipped = bytes;
  flipped[30] ^= 0x40;
  EXPECT_NE(error_of([&] { load_rbm(write("f.bin", flipped)); }).find("checksum"), std::string::npos);
  Rbm bad = m;
  bad.W[2] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(error_of([&] { save_rbm((scratch() / "n.bin").string(), bad); }).find("NaN"), std::string::npos);
  // A file with a NaN weight and a valid checksum (as another writer could produce) is refused too.
  std::string nan_bytes = bytes;
  const float qnan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(nan_bytes.data() + 24 + 4 * 2, &qnan, 4);
  uint64_t h = 1469598103934665603ull;  // FNV-1a over everything but the trailing hash
  for (size_t i = 0; i + 8 < nan_bytes.size(); ++i) {
    h ^= static_cast<uint8_t>(nan_bytes[i]);
    h *= 1099511628211ull;
  }
  std::memcpy(nan_bytes.data() + nan_bytes.size() - 8, &h, 8);
  EXPECT_NE(error_of([&] { load_rbm(write("nan.bin", nan_bytes)); }).find("weights[2] is NaN"), std::string::npos);
}

TEST(Rbm, ImportsScikitLearnArrays) {
  const fs::path dir = scratch() / "sk";
  fs::create_directories(dir);
  // components_ (2 hidden x 3 visible) as CSV, intercepts as CSV rows.
  std::ofstream(dir / "components_.csv") << "1,2,3\n4,5,6\n";
  std::ofstream(dir / "intercept_hidden_.csv") << "0.5,-0.5\n";
  std::ofstream(dir / "intercept_visible_.csv") << "0.1\n0.2\n0.3\n";
  const Rbm m = import_sklearn_rbm(dir.string());
  EXPECT_EQ(m.nv, 3);
  EXPECT_EQ(m.nh, 2);
  EXPECT_EQ(m.W[0 * 2 + 1], 4.0f);  // W[i=0][j=1] = components_[1][0]
  EXPECT_EQ(m.W[2 * 2 + 0], 3.0f);
  EXPECT_EQ(m.c[1], -0.5f);
  EXPECT_FLOAT_EQ(m.b[2], 0.3f);
  std::ofstream(dir / "intercept_visible_.csv") << "0.1\n0.2\n";
  EXPECT_NE(error_of([&] { import_sklearn_rbm(dir.string()); }).find("3 values"), std::string::npos);
  std::ofstream(dir / "intercept_visible_.csv") << "0.1\nnan\n0.3\n";
  EXPECT_NE(error_of([&] { import_sklearn_rbm(dir.string()); }).find(":2:"), std::string::npos);
}

TEST(Rbm, GibbsSamplesFollowTheSeed) {
  const Rbm m = random_rbm(16, 5, RbmUnits::Binary, 1.0, 9);
  const auto a = gibbs_samples(m, 4, 10, 1), b = gibbs_samples(m, 4, 10, 1), c = gibbs_samples(m, 4, 10, 2);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (float p : a) EXPECT_TRUE(p >= 0 && p <= 1);
}

TEST(Rbm, KernelsSaturateWithoutNaNForHugeFields) {
  // -ffast-math kernels: fields far beyond exp's range must give probabilities 0 / 1, not NaN
  // (a 784 x 20 Fashion-MNIST RBM at lr 0.05 diverged to NaN before the clamp).
  std::vector<float> x(64), p(64), s(64);
  for (int j = 0; j < 64; ++j) x[j] = (j % 2 ? 1.0f : -1.0f) * (100.0f + 1000.0f * j);
  std::vector<uint32_t> w(64, 0x80000000u);
  rbm_detail::mean_units(RbmUnits::Binary, x.data(), p.data(), 64, 1.0f);
  rbm_detail::sample_units(RbmUnits::Binary, x.data(), s.data(), 64, 1.0f, w.data());
  for (int j = 0; j < 64; ++j) {
    EXPECT_NEAR(p[j], j % 2 ? 1.0f : 0.0f, 1e-30) << x[j];  // sigmoid(-80) = 1.8e-35 at the clamp
    EXPECT_EQ(s[j], j % 2 ? 1.0f : 0.0f) << x[j];
  }
  EXPECT_NEAR(rbm_detail::sum_lse(RbmUnits::Binary, x.data(), 2, 1.0), 1100.0, 1e-9);  // softplus(-100) + softplus(1100)
}

TEST(Rbm, ThreadedGemmsGiveTheSameModel) {
  // Products large enough for the thread team (rows split in 16-row panels, single-threaded
  // OpenBLAS per slice): 1, 2 and 3 threads train bit-identical models.
  const Dataset d = tiny_data(400, 300, 5);
  RbmTrainOptions o;
  o.hidden = 64;
  o.epochs = 1;
  o.batch = 100;
  o.monitor_rows = 0;
  o.momentum = 0.5;
  const Rbm m1 = train_rbm(d, o);
  for (int t : {2, 3}) {
    o.threads = t;
    const Rbm mt = train_rbm(d, o);
    EXPECT_EQ(mt.W, m1.W) << t << " threads";
    EXPECT_EQ(mt.b, m1.b);
  }
  AisOptions a;
  a.chains = 64;
  a.betas = 20;
  const Rbm big = random_rbm(400, 128, RbmUnits::Binary, 0.05, 2);
  const double z1 = ais_log_z(big, std::vector<float>(400, 0.0f), a).log_z.mean;
  a.threads = 2;
  EXPECT_EQ(ais_log_z(big, std::vector<float>(400, 0.0f), a).log_z.mean, z1);
}

TEST(Rbm, WeightDecayShrinksWeightsAndTheLinearScheduleEndsNearZero) {
  const Dataset d = tiny_data(16, 200, 6);
  RbmTrainOptions o;
  o.hidden = 8;
  o.epochs = 3;
  o.batch = 20;
  o.lr = 0.1;
  o.monitor_rows = 0;
  auto norm = [](const Rbm& m) {
    double s = 0;
    for (float w : m.W) s += static_cast<double>(w) * w;
    return s;
  };
  const double plain = norm(train_rbm(d, o));
  o.weight_decay = 1.0;
  o.momentum = 0.9;
  EXPECT_LT(norm(train_rbm(d, o)), 0.5 * plain);
  o.weight_decay = 0;
  o.momentum = 0;
  o.lr_schedule = "linear";
  std::vector<RbmEpochReport> reps;
  train_rbm(d, o, [&](const RbmEpochReport& r) { reps.push_back(r); });
  ASSERT_EQ(reps.size(), 3u);
  EXPECT_NEAR(reps.back().lr, 0.1 / 30, 1e-12);  // 30 updates: lr (1 - 29/30) at the last
  EXPECT_NEAR(reps.front().lr, 0.1 * (1 - 9.0 / 30), 1e-12);
  o.lr_schedule = "cosine";
  EXPECT_THROW(train_rbm(d, o), InputError);
}
