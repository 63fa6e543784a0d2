// `spinlab infer`: inverse Ising from a file of samples (pseudo-likelihood, or exact maximum
// likelihood by enumeration for N <= 20).
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "learn/boltzmann.hpp"
#include "probe/inverse_ising.hpp"

namespace spinlab::cli {
namespace {

struct InferFlags {
  std::string samples, method = "pl", out;
  double l2 = 1e-4, l1 = 0.0, sigma = 4.0, beta = 1.0;
  int threads = 2, chains = 64, iterations = 60, hidden = 0, restarts = 10;
  uint64_t seed = 1;
  bool json = false, hidden_couplings = false, no_visible_couplings = false;
};

// --hidden H: a Boltzmann machine with H hidden units by exact maximum likelihood (learn/
// boltzmann.hpp), read against the fully visible machine's exact likelihood on the same samples.
int run_infer_hidden(const InferFlags& f, const std::vector<Spin>& s, int32_t n, int64_t M) {
  if (f.method != "exact" && f.method != "ml")
    throw InputError("--hidden: hidden units are fitted by exact maximum likelihood (--method exact), not '" + f.method + "'");
  if (n + f.hidden > 20)
    throw InputError("--hidden: " + std::to_string(n) + " visible + " + std::to_string(f.hidden) +
                     " hidden units > 20 (exact enumeration)");
  HiddenBmOptions o;
  o.hidden = f.hidden;
  o.hidden_couplings = f.hidden_couplings;
  o.visible_couplings = !f.no_visible_couplings;
  o.l2 = f.l2;
  o.restarts = f.restarts;
  o.seed = f.seed;
  std::fprintf(stderr, "[infer] Boltzmann machine, %d visible + %d hidden, %d starts ...\r", n, f.hidden, f.restarts);
  const HiddenBmFit fit = fit_hidden_boltzmann(s, {}, n, o);
  std::fprintf(stderr, "%60s\r", "");
  // The fully visible machine on the same data, for comparison.
  std::vector<double> mean, corr;
  sample_moments(s, n, &mean, &corr);
  const DenseFit fv = fit_exact_ml(mean, corr, n, M, f.l2);
  std::vector<double> h(n), K(static_cast<size_t>(n) * n, 0.0);
  for (int32_t i = 0; i < n; ++i) h[i] = fv.fields[i].mean;
  for (const auto& c : fv.couplings) K[static_cast<size_t>(c.a) * n + c.b] = c.coupling.mean;
  const Estimate ll_fv = pairwise_log_likelihood(s, {}, n, h, K);
  auto unit = [&](int32_t i) { return i < n ? "v" + std::to_string(i) : "h" + std::to_string(i - n); };
  if (f.json) {
    nlohmann::json j;
    j["command"] = "infer";
    j["samples_file"] = f.samples;
    j["method"] = "exact-hidden";
    j["n"] = n;
    j["hidden"] = f.hidden;
    j["samples"] = M;
    j["l2"] = f.l2;
    j["restarts"] = f.restarts;
    j["restarts_converged"] = fit.restarts_converged;
    j["restarts_at_best"] = fit.restarts_at_best;
    j["log_likelihood"] = to_json(fit.log_likelihood);
    j["log_likelihood_fully_visible"] = to_json(ll_fv);
    j["log_z"] = fit.log_z;
    j["gradient_norm"] = fit.gradient_norm;
    nlohmann::json fs = nlohmann::json::array(), cs = nlohmann::json::array();
    for (int32_t i = 0; i < n + f.hidden; ++i) fs.push_back({{"unit", unit(i)}, {"h", fit.fields[i]}});
    for (const auto& c : fit.couplings) cs.push_back({{"a", unit(c.a)}, {"b", unit(c.b)}, {"K", c.K}});
    j["fields"] = fs;
    j["couplings"] = cs;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s: %d visible spins, %lld samples; Boltzmann machine with %d hidden units, exact maximum likelihood "
              "(%d of %d starts at the best optimum)\n",
              f.samples.c_str(), n, static_cast<long long>(M), f.hidden, fit.restarts_at_best, f.restarts);
  std::printf("log-likelihood per sample: %.6f +- %.6f (fully visible machine: %.6f +- %.6f)\n", fit.log_likelihood.mean,
              fit.log_likelihood.error, ll_fv.mean, ll_fv.error);
  std::printf("%6s %6s %12s\n", "a", "b", "K");
  for (const auto& c : fit.couplings)
    if (c.a >= n || c.b >= n) std::printf("%6s %6s %12.6f\n", unit(c.a).c_str(), unit(c.b).c_str(), c.K);
  std::printf("(visible-visible couplings and fields: --json)\n");
  if (!fit.converged) std::fprintf(stderr, "warning: the best start did not reach the gradient tolerance (|grad| = %.3g)\n", fit.gradient_norm);
  return 0;
}

int run_infer(const InferFlags& f) {
  if (f.samples.empty()) throw InputError("--samples FILE is required");
  if (!(f.sigma > 0.0)) throw InputError("--sigma must be > 0");
  if (!(f.beta > 0.0) || !std::isfinite(f.beta)) throw InputError("--beta must be finite and > 0");
  if (!(f.l2 >= 0.0) || !std::isfinite(f.l2) || !(f.l1 >= 0.0) || !std::isfinite(f.l1))
    throw InputError("--l1 and --l2 must be finite and >= 0");
  if (!f.out.empty()) check_writable(f.out);
  int32_t n = 0;
  const std::vector<Spin> s = read_spin_samples(f.samples, &n);
  const int64_t M = static_cast<int64_t>(s.size()) / n;
  if (f.hidden < 0) throw InputError("--hidden must be >= 0");
  if (f.hidden > 0) return run_infer_hidden(f, s, n, M);
  DenseFit fit;
  std::string method_used = f.method;
  if (f.method == "pl") {
    DenseFitOptions o;
    o.l2 = f.l2;
    o.l1 = f.l1;
    o.threads = f.threads;
    fit = infer_pseudolikelihood(s, n, o);
  } else if (f.method == "exact" || f.method == "mcmc" || f.method == "ml") {
    // Maximum likelihood (the fully visible Boltzmann machine): exact moments by enumeration up
    // to 20 spins, persistent Markov chains above.
    std::vector<double> mean, corr;
    sample_moments(s, n, &mean, &corr);
    if (f.method == "exact" || (f.method == "ml" && n <= 20)) {
      fit = fit_exact_ml(mean, corr, n, M, f.l2);
      method_used = "exact";
    } else {
      if (f.chains < 1 || f.chains > 4096) throw InputError("--chains must be between 1 and 4096");
      if (f.iterations < 4 || f.iterations > 100000) throw InputError("--iterations must be between 4 and 100000");
      McmcFitOptions o;
      o.l2 = f.l2;
      o.seed = f.seed;
      o.threads = f.threads;
      o.chains = f.chains;
      o.iterations = f.iterations / 3;
      o.average_iterations = f.iterations - o.iterations;
      o.progress = [](double x) { std::fprintf(stderr, "\r[infer] maximum likelihood by Markov chains: %3.0f%%", 100 * x); };
      fit = fit_mcmc_ml(mean, corr, n, M, o);
      std::fprintf(stderr, "\r%60s\r", "");
      method_used = "mcmc";
    }
  } else {
    throw InputError("--method: expected pl, ml, exact or mcmc, got '" + f.method + "'");
  }
  auto scaled = [&](Estimate e) {
    e.mean /= f.beta;
    e.error /= f.beta;
    return e;
  };
  int bonds = 0;
  std::ostringstream edges;
  edges << "# couplings inferred by spinlab infer (" << method_used << ") from " << f.samples << ": i j J, |J| > "
        << f.sigma << " errors\n" << n << "\n";
  edges.precision(10);
  for (const auto& c : fit.couplings)
    if (std::fabs(c.coupling.mean) > f.sigma * c.coupling.error) {
      ++bonds;
      edges << c.a << " " << c.b << " " << c.coupling.mean / f.beta << "\n";
    }
  if (!f.out.empty()) write_output(f.out, edges.str());
  if (f.json) {
    nlohmann::json j;
    j["command"] = "infer";
    j["samples_file"] = f.samples;
    j["method"] = method_used;
    j["n"] = n;
    j["samples"] = M;
    j["beta"] = f.beta;
    j["l2"] = f.l2;
    j["l1"] = f.l1;
    j["sigma"] = f.sigma;
    j["significant_couplings"] = bonds;
    j["failures"] = fit.failures;
    nlohmann::json cs = nlohmann::json::array(), hs = nlohmann::json::array();
    for (const auto& c : fit.couplings)
      cs.push_back({{"i", c.a}, {"j", c.b}, {"J", to_json(scaled(c.coupling))},
                    {"significant", std::fabs(c.coupling.mean) > f.sigma * c.coupling.error}});
    for (int32_t i = 0; i < n; ++i) hs.push_back({{"i", i}, {"h", to_json(scaled(fit.fields[i]))}});
    j["couplings"] = cs;
    j["fields"] = hs;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s: %d spins, %lld samples, %s, %d couplings with |J| > %g errors\n", f.samples.c_str(), n,
              static_cast<long long>(M), method_used == "pl" ? "pseudo-likelihood" : method_used == "exact" ? "exact maximum likelihood" : "maximum likelihood by Markov chains", bonds, f.sigma);
  std::printf("%6s %6s %14s %12s\n", "i", "j", "J", "error");
  for (const auto& c : fit.couplings)
    if (std::fabs(c.coupling.mean) > f.sigma * c.coupling.error)
      std::printf("%6d %6d %14.6f %12.6f\n", c.a, c.b, c.coupling.mean / f.beta, c.coupling.error / f.beta);
  if (fit.failures > 0) std::fprintf(stderr, "warning: %d fits did not converge\n", fit.failures);
  return 0;
}

}  // namespace

void register_infer(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("infer", "Inverse Ising: couplings and fields from samples");
  cmd->footer(
      "Samples: one configuration per line, +1/-1 (or 1/0) separated by spaces or commas, '#' comments.\n"
      "The fitted parameters are beta J and beta h; --beta B divides them by B.\n"
      "Example: spinlab infer --samples configs.txt --json --out couplings.edges");
  auto f = std::make_shared<InferFlags>();
  cmd->add_option("--samples", f->samples, "file of samples (rows of spins)");
  cmd->add_option("--method", f->method,
                  "pl (pseudo-likelihood) | ml (maximum likelihood: exact for N <= 20, else mcmc) | exact (enumeration, N <= 20) "
                  "| mcmc (persistent Markov chains, N <= 40)")
      ->capture_default_str();
  cmd->add_option("--chains", f->chains, "mcmc: persistent chains")->capture_default_str();
  cmd->add_option("--iterations", f->iterations, "mcmc: Newton iterations (the last two thirds averaged)")->capture_default_str();
  cmd->add_option("--seed", f->seed, "mcmc: seed of the chains; --hidden: seed of the starts")->capture_default_str();
  cmd->add_option("--l2", f->l2, "L2 penalty per sample on the couplings")->capture_default_str();
  cmd->add_option("--l1", f->l1, "L1 penalty per sample on the couplings (pl)")->capture_default_str();
  cmd->add_option("--sigma", f->sigma, "a coupling is a bond when |J| exceeds this many errors")->capture_default_str();
  cmd->add_option("--beta", f->beta, "report J = (beta J) / beta")->capture_default_str();
  cmd->add_option("--threads", f->threads, "threads (nodes fitted in parallel)")->capture_default_str();
  cmd->add_option("--out", f->out, "write the significant couplings as an edge list 'i j J'");
  cmd->add_option("--hidden", f->hidden, "exact: a Boltzmann machine with this many hidden units (visible + hidden <= 20)")->capture_default_str();
  cmd->add_option("--restarts", f->restarts, "--hidden: random starts (the best likelihood is kept)")->capture_default_str();
  cmd->add_flag("--hidden-couplings", f->hidden_couplings, "--hidden: couplings between hidden units too");
  cmd->add_flag("--no-visible-couplings", f->no_visible_couplings, "--hidden: no couplings between visible units");
  cmd->add_flag("--json", f->json, "print JSON (schema in docs/cli.md)");
  cmd->callback([&run, f] { run = [f] { return run_infer(*f); }; });
}

}  // namespace spinlab::cli
