// Boltzmann machines with hidden units against enumeration: the gradient against finite
// differences, a hidden "star" model recovered from its exact visible marginal (which no pairwise
// model of the visible spins can represent), and the maximum-likelihood property on samples.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "learn/boltzmann.hpp"
#include "probe/inverse_ising.hpp"

namespace spinlab {
namespace {

// The visible marginal of a star: one hidden spin coupled to every one of n visible spins with
// coupling k, no fields: P(v) = 2 cosh(k sum_i v_i) / Z. Rows: all 2^n patterns; weights: P(v).
void star_marginal(int32_t n, double k, std::vector<Spin>* rows, std::vector<double>* p) {
  const int S = 1 << n;
  rows->clear();
  p->assign(S, 0.0);
  double Z = 0;
  for (int c = 0; c < S; ++c) {
    int m = 0;
    for (int i = 0; i < n; ++i) {
      const Spin s = (c >> i) & 1 ? 1 : -1;
      rows->push_back(s);
      m += s;
    }
    (*p)[c] = 2.0 * std::cosh(k * m);
    Z += (*p)[c];
  }
  for (double& x : *p) x /= Z;
}

double entropy(const std::vector<double>& p) {
  double h = 0;
  for (double x : p)
    if (x > 0) h -= x * std::log(x);
  return h;
}

TEST(HiddenBoltzmann, GradientMatchesFiniteDifferences) {
  Rng rng(3, 0);
  std::vector<Spin> rows;
  for (int r = 0; r < 40; ++r)
    for (int i = 0; i < 4; ++i) rows.push_back(rng.uniform() < 0.4 + 0.1 * i ? 1 : -1);
  HiddenBmOptions o;
  o.hidden = 2;
  o.hidden_couplings = true;
  o.l2 = 0.03;
  const HiddenBmProblem pb(rows, {}, 4, o);
  ASSERT_EQ(pb.num_parameters(), 6u + 15u);
  std::vector<double> x(pb.num_parameters());
  for (double& v : x) v = 0.8 * (rng.uniform() - 0.5);
  std::vector<double> g;
  pb.objective(x, &g);
  for (size_t k = 0; k < x.size(); ++k) {
    std::vector<double> xp = x, xm = x;
    xp[k] += 1e-5;
    xm[k] -= 1e-5;
    const double fd = (pb.objective(xp, nullptr) - pb.objective(xm, nullptr)) / 2e-5;
    EXPECT_NEAR(g[k], fd, 1e-7) << "parameter " << k;
  }
}

// The exact marginal of a 6-spin star (k = 0.8): one hidden unit reaches the entropy (the best
// any model can do) and finds |K_i,h| = 0.8 with no visible-visible coupling; the fully visible
// machine (exact ML, probe/inverse_ising) stays strictly below, by the KL it cannot close.
TEST(HiddenBoltzmann, RecoversAHiddenStarThatNoPairwiseModelCanRepresent) {
  const int32_t n = 6;
  std::vector<Spin> rows;
  std::vector<double> p;
  star_marginal(n, 0.8, &rows, &p);
  const double best = -entropy(p);
  HiddenBmOptions o;
  o.hidden = 1;
  const HiddenBmFit fit = fit_hidden_boltzmann(rows, p, n, o);
  EXPECT_TRUE(fit.converged);
  EXPECT_GE(fit.restarts_at_best, 1);
  EXPECT_LT(fit.restarts_at_best, o.restarts);  // the landscape has another optimum: restarts matter
  EXPECT_NEAR(fit.log_likelihood.mean, best, 1e-10);
  double sign = 0;
  for (const auto& c : fit.couplings) {
    if (c.b == n) {  // visible - hidden
      if (sign == 0) sign = c.K > 0 ? 1 : -1;
      EXPECT_NEAR(sign * c.K, 0.8, 1e-4) << c.a;
    } else {
      EXPECT_NEAR(c.K, 0.0, 1e-4) << c.a << " " << c.b;
    }
  }
  for (double h : fit.fields) EXPECT_NEAR(h, 0.0, 1e-4);

  // Fully visible: exact ML on the moments, then its exact likelihood on the same distribution.
  std::vector<double> mean(n, 0.0), corr(n * n, 0.0);
  for (size_t c = 0; c < p.size(); ++c)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) corr[i * n + j] += p[c] * rows[c * n + i] * rows[c * n + j];
  const DenseFit fv = fit_exact_ml(mean, corr, n, 0);
  std::vector<double> h(n), K(n * n, 0.0);
  for (int i = 0; i < n; ++i) h[i] = fv.fields[i].mean;
  for (const auto& c : fv.couplings) K[c.a * n + c.b] = c.coupling.mean;
  EXPECT_EQ(fv.failures, 0);  // strong couplings: the damped Newton steps of fit_exact_ml must converge
  const Estimate ll_fv = pairwise_log_likelihood(rows, p, n, h, K);
  // It is the pairwise maximum: moving any coupling lowers the likelihood.
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; b += 2)
      for (double d : {-1e-3, 1e-3}) {
        std::vector<double> K2 = K;
        K2[a * n + b] += d;
        EXPECT_LT(pairwise_log_likelihood(rows, p, n, h, K2).mean, ll_fv.mean) << a << " " << b;
      }
  EXPECT_LT(ll_fv.mean, best - 1e-3);  // KL(P || best pairwise) > 0: the fourth-order term of log cosh
  // Hidden units cannot do worse than none: with the visible couplings kept, zero hidden couplings
  // reproduce the fully visible optimum.
  EXPECT_GT(fit.log_likelihood.mean, ll_fv.mean);
}

// From 4000 exact samples of the star: the maximum-likelihood fit is at least as likely as the
// true parameters on those samples, and its likelihood carries the standard error of the mean of
// log P(v) (sd / sqrt(4000)).
TEST(HiddenBoltzmann, FitOnSamplesIsAtLeastAsLikelyAsTheTruth) {
  const int32_t n = 6;
  std::vector<Spin> all;
  std::vector<double> p;
  star_marginal(n, 0.8, &all, &p);
  Rng rng(7, 1);
  std::vector<Spin> rows;
  for (int r = 0; r < 4000; ++r) {
    double u = rng.uniform(), acc = 0;
    size_t c = 0;
    while (c + 1 < p.size() && (acc += p[c]) < u) ++c;
    rows.insert(rows.end(), all.begin() + c * n, all.begin() + (c + 1) * n);
  }
  HiddenBmOptions o;
  o.hidden = 1;
  o.visible_couplings = false;  // the true family: a star and fields
  const HiddenBmFit fit = fit_hidden_boltzmann(rows, {}, n, o);
  // The truth as the same problem's parameters: fields 0, every visible-hidden K = 0.8.
  const HiddenBmProblem pb(rows, {}, n, o);
  std::vector<double> truth(pb.num_parameters(), 0.0);
  for (size_t q = 0; q < pb.pairs().size(); ++q) truth[n + 1 + q] = 0.8;
  const double f_truth = pb.objective(truth, nullptr);
  EXPECT_LE(-fit.log_likelihood.mean, f_truth + 1e-9);
  EXPECT_GT(fit.log_likelihood.error, 0.0);
  EXPECT_EQ(fit.log_likelihood.n_eff, 4000.0);
  // The fitted couplings lie near the truth (4000 samples: a few hundredths).
  for (const auto& c : fit.couplings) EXPECT_NEAR(std::fabs(c.K), 0.8, 0.1);
}

TEST(HiddenBoltzmann, BadInput) {
  std::vector<Spin> rows{1, -1, 1, 1};
  HiddenBmOptions o;
  o.hidden = 19;
  EXPECT_THROW(fit_hidden_boltzmann(rows, {}, 2, o), InputError);  // 21 units
  o.hidden = -1;
  EXPECT_THROW(fit_hidden_boltzmann(rows, {}, 2, o), InputError);
  o.hidden = 1;
  std::vector<Spin> bad{1, 0, 1, 1};
  EXPECT_THROW(fit_hidden_boltzmann(bad, {}, 2, o), InputError);
  const std::vector<double> w{1.0, NAN};
  EXPECT_THROW(fit_hidden_boltzmann(rows, w, 2, o), InputError);
  o.restarts = 0;
  EXPECT_THROW(fit_hidden_boltzmann(rows, {}, 2, o), InputError);
}

}  // namespace
}  // namespace spinlab
