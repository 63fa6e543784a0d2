// Logistic regression (gradient vs finite differences, a known maximum-likelihood answer, a
// separable problem), DBN training determinism, features, the probe on digits, model files.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/datasets.hpp"
#include "learn/dbn.hpp"
#include "learn/logistic.hpp"

using namespace spinlab;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("spinlab_test_dbn_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}

bool have_digits() { return fs::exists(default_digits_path()); }

}  // namespace

TEST(Logistic, GradientMatchesFiniteDifferences) {
  const int64_t n = 40;
  const int32_t d = 5, K = 4;
  Rng r(3, 0);
  std::vector<float> X(n * d);
  std::vector<int32_t> y(n);
  for (float& x : X) x = static_cast<float>(2 * r.uniform() - 1);
  for (int32_t& c : y) c = static_cast<int32_t>(r.below(K));
  std::vector<double> theta(K * d + K);
  for (double& t : theta) t = 0.7 * (2 * r.uniform() - 1);
  std::vector<double> g;
  logistic_objective(theta, X.data(), n, d, y.data(), K, 0.3, &g);
  for (size_t q = 0; q < theta.size(); ++q) {
    const double h = 1e-5;
    std::vector<double> tp = theta, tm = theta;
    tp[q] += h, tm[q] -= h;
    const double fd = (logistic_objective(tp, X.data(), n, d, y.data(), K, 0.3, nullptr) -
                       logistic_objective(tm, X.data(), n, d, y.data(), K, 0.3, nullptr)) / (2 * h);
    EXPECT_NEAR(g[q], fd, 1e-8 * std::max(1.0, std::fabs(fd))) << "parameter " << q;
  }
}

// One feature x = +-1; at x = +1 three rows of class 1 and one of class 0, mirrored at x = -1.
// Without L2 the maximum-likelihood model has p(1 | x = 1) = 3/4 exactly, i.e. (w1 - w0) = log 3
// and b1 - b0 = 0; started from 0 the softmax rows stay opposite, w1 = -w0 = log(3) / 2.
TEST(Logistic, ReachesTheKnownMaximumLikelihoodSolution) {
  const std::vector<float> X = {1, 1, 1, 1, -1, -1, -1, -1};
  const std::vector<int32_t> y = {1, 1, 1, 0, 0, 0, 0, 1};
  LogisticOptions o;
  o.l2 = 0;
  o.standardize = false;
  o.tolerance = 1e-10;
  const LogisticModel m = fit_logistic(X.data(), 8, 1, y.data(), 2, o);
  EXPECT_TRUE(m.converged);
  EXPECT_NEAR(m.W[1] - m.W[0], std::log(3.0), 1e-8);
  EXPECT_NEAR(m.W[1], 0.5 * std::log(3.0), 1e-8);
  EXPECT_NEAR(m.b[1] - m.b[0], 0.0, 1e-8);
  // The objective at the optimum: -(1/8) sum log p = -(6 log(3/4) + 2 log(1/4)) / 8.
  EXPECT_NEAR(m.objective, -(6 * std::log(0.75) + 2 * std::log(0.25)) / 8, 1e-12);
}

// Three separated clusters in 2-D: the probe classifies train and held-out rows perfectly.
TEST(Logistic, SeparatesSeparableClassesExactly) {
  const double cx[3] = {0, 4, -4}, cy[3] = {4, -2, -2};
  std::vector<float> X, Xt;
  std::vector<int32_t> y, yt;
  Rng r(5, 0);
  for (int k = 0; k < 300; ++k) {
    const int c = k % 3;
    auto& XX = k < 150 ? X : Xt;
    auto& yy = k < 150 ? y : yt;
    XX.push_back(static_cast<float>(cx[c] + (2 * r.uniform() - 1)));
    XX.push_back(static_cast<float>(cy[c] + (2 * r.uniform() - 1)));
    yy.push_back(c);
  }
  LogisticOptions o;
  o.l2 = 1e-3;
  const LogisticModel m = fit_logistic(X.data(), 150, 2, y.data(), 3, o);
  EXPECT_TRUE(m.converged);
  EXPECT_EQ(logistic_accuracy(m, X.data(), 150, y.data()).mean, 1.0);
  const Estimate a = logistic_accuracy(m, Xt.data(), 150, yt.data());
  EXPECT_EQ(a.mean, 1.0);
  EXPECT_EQ(a.error, 0.0);
  std::vector<int32_t> bad = y;
  bad[3] = 7;
  EXPECT_THROW(fit_logistic(X.data(), 150, 2, bad.data(), 3, o), InputError);
}

TEST(Dbn, BadLayersAreRefused) {
  EXPECT_THROW(check_dbn_layers({}), InputError);
  EXPECT_THROW(check_dbn_layers({10, 0}), InputError);
}

// Digits (1500 train / 297 test rows, 10 classes): a 64-32 DBN. The probe on layer-1 features
// beats chance (0.1) by far; training is deterministic; the file round-trips and is checked.
TEST(Dbn, DigitsProbeBeatsChanceAndFilesRoundTrip) {
  if (!have_digits()) GTEST_SKIP() << "digits.csv.gz not installed";
  Dataset tr = load_digits(Split::Train), te = load_digits(Split::Test);
  binarize(tr, 0.5);
  binarize(te, 0.5);
  DbnTrainOptions o;
  o.hidden = {48, 24};
  o.rbm.epochs = 8;
  o.rbm.batch = 20;
  o.rbm.lr = 0.05;
  o.rbm.monitor_rows = 0;
  o.rbm.seed = 2;
  const Dbn a = train_dbn(tr, o), b = train_dbn(tr, o);
  ASSERT_EQ(a.layers.size(), 2u);
  EXPECT_EQ(a.layers[1].nv, 48);
  EXPECT_EQ(a.layers[1].W, b.layers[1].W);
  int32_t w = 0;
  const std::vector<float> f2 = dbn_features(a, te, 2, &w);
  EXPECT_EQ(w, 24);
  EXPECT_EQ(f2.size(), static_cast<size_t>(te.rows) * 24);
  const auto probe = dbn_linear_probe(a, tr, te, LogisticOptions{});
  ASSERT_EQ(probe.size(), 3u);
  for (const auto& p : probe) std::printf("layer %d: test accuracy %.4f +- %.4f\n", p.layer, p.test_accuracy.mean, p.test_accuracy.error);
  EXPECT_GT(probe[0].test_accuracy.mean, 0.7);
  EXPECT_GT(probe[1].test_accuracy.mean, 0.6);
  EXPECT_GT(probe[2].test_accuracy.mean, 0.3);
  EXPECT_GT(probe[1].test_accuracy.error, 0.0);

  const std::string path = scratch("d.dbn").string();
  save_dbn(path, a);
  const Dbn c = load_dbn(path);
  ASSERT_EQ(c.layers.size(), 2u);
  EXPECT_EQ(c.layers[0].W, a.layers[0].W);
  EXPECT_EQ(c.layers[1].c, a.layers[1].c);
  // One flipped byte in the middle: checksum mismatch; a truncated file; a plain RBM file.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (const std::string& bad : {bytes.substr(0, bytes.size() / 2), [&] {
         std::string s = bytes;
         s[s.size() / 2] ^= 1;
         return s;
       }()}) {
    std::ofstream(scratch("bad.dbn"), std::ios::binary) << bad;
    EXPECT_THROW(load_dbn(scratch("bad.dbn").string()), InputError);
  }
  save_rbm(scratch("one.rbm").string(), a.layers[0]);
  EXPECT_THROW(load_dbn(scratch("one.rbm").string()), InputError);
  EXPECT_THROW(load_dbn(scratch("missing.dbn").string()), InputError);
  std::error_code ec;
  fs::remove_all(scratch("").parent_path(), ec);
}
