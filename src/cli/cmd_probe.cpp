// `spinlab probe`: the fluctuation-dissipation susceptibilities chi = Cov[phi, F] of probes F
// against observables phi, with Pearson correlations, an optional finite-difference check and
// a trace of the cumulative estimates.
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "cli/probe_flags.hpp"
#include "core/error.hpp"
#include "probe/chi.hpp"

namespace spinlab::cli {
namespace {

struct ProbeFlags {
  GeometryFlags geo;
  ChiRunFlags run;
  double check_fd = 0.0;
  std::string trace;
};

nlohmann::json row_json(const std::vector<Estimate>& v, size_t p, const std::vector<SiteFunction>& obs) {
  nlohmann::json j = nlohmann::json::object();
  for (size_t k = 0; k < obs.size(); ++k) j[obs[k].name] = to_json(v[p * obs.size() + k]);
  return j;
}

int run_probe(const ProbeFlags& f) {
  const Geometry g = build_geometry(f.geo);
  ChiOptions o = chi_options(f.run);
  o.finite_difference_h = f.check_fd;
  if (f.geo.probes.empty()) throw InputError("--probe: give at least one probe (x0,y0,w,h, a region name, sI, ...)");
  for (const auto& spec : f.geo.probes) o.probes.push_back(resolve_site_function(spec, g, "--probe " + spec, false));
  o.observables = resolve_observables(f.geo.observe, g);
  if (!f.trace.empty()) {  // 40 points per decade-ish, log-spaced from 100 sweeps to the end
    for (double t = 100; t < static_cast<double>(f.run.sweeps); t *= 1.12) o.trace_sweeps.push_back(static_cast<int64_t>(t));
    o.trace_sweeps.push_back(f.run.sweeps);
  }
  ProgressLine line("probe", f.run.quiet);
  o.progress = line.callback();
  const ChiResult r = measure_chi(g.model, o);
  line(1.0);
  const size_t P = o.probes.size(), K = o.observables.size();
  const auto& est = r.estimates;

  if (!f.trace.empty()) {
    std::ostringstream csv;
    csv << "sweeps,probe,observable,pearson,pearson_error,chi,chi_error\n";
    csv.precision(10);
    for (const auto& pt : r.trace)
      for (size_t p = 0; p < P; ++p)
        for (size_t k = 0; k < K; ++k) {
          const Estimate& pe = pt.estimates.pearson[p * K + k];
          const Estimate& ce = pt.estimates.chi[p * K + k];
          csv << pt.sweeps << ",\"" << o.probes[p].name << "\"," << o.observables[k].name << "," << pe.mean << ","
              << pe.error << "," << ce.mean << "," << ce.error << "\n";
        }
    write_output(f.trace, csv.str());
  }
  if (f.run.json) {
    nlohmann::json j;
    j["command"] = "probe";
    j["model"] = g.description;
    j["beta"] = f.run.beta;
    j["algo"] = r.algo;
    j["sweeps"] = (f.run.sweeps / f.run.chains) * f.run.chains;
    j["therm"] = f.run.therm;
    j["chains"] = f.run.chains;
    j["seed"] = f.run.seed;
    j["measurements"] = est.samples;
    j["blocks"] = est.num_blocks;
    nlohmann::json probes = nlohmann::json::array();
    for (size_t p = 0; p < P; ++p) {
      nlohmann::json pj;
      pj["name"] = o.probes[p].name;
      pj["sites"] = o.probes[p].sites.size();
      pj["mean"] = to_json(est.probe_mean[p]);
      pj["chi"] = row_json(est.chi, p, o.observables);
      pj["pearson"] = row_json(est.pearson, p, o.observables);
      if (!r.finite_difference.empty()) pj["finite_difference"] = row_json(r.finite_difference, p, o.observables);
      probes.push_back(pj);
    }
    // The first probe's results at the top level (the one-probe case reads naturally).
    j["chi"] = probes[0]["chi"];
    j["pearson"] = probes[0]["pearson"];
    if (!r.finite_difference.empty()) {
      j["finite_difference"] = probes[0]["finite_difference"];
      j["finite_difference_h"] = f.check_fd;
    }
    j["probes"] = probes;
    nlohmann::json obs = nlohmann::json::object();
    for (size_t k = 0; k < K; ++k) obs[o.observables[k].name] = to_json(est.observable_mean[k]);
    j["observable_means"] = obs;
    j["warnings"] = r.warnings;
    j["seconds"] = r.seconds;
    std::printf("%s\n", j.dump(2).c_str());
    std::fflush(stdout);
    for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    return 0;
  }
  std::printf("# %s, beta = %g, %s, %lld measured sweeps in %d chains, %.1f s\n", g.description.c_str(), f.run.beta,
              r.algo.c_str(), static_cast<long long>((f.run.sweeps / f.run.chains) * f.run.chains), f.run.chains, r.seconds);
  for (size_t p = 0; p < P; ++p) {
    std::printf("probe %s (%zu sites), <F> = %.5g +- %.2g\n", o.probes[p].name.c_str(), o.probes[p].num_terms(),
                est.probe_mean[p].mean, est.probe_mean[p].error);
    std::printf("  %-14s %26s %8s %22s%s\n", "observable", "chi = Cov[phi,F]", "tau_int", "pearson",
                r.finite_difference.empty() ? "" : "        finite difference");
    for (size_t k = 0; k < K; ++k) {
      const Estimate& c = est.chi[p * K + k];
      const Estimate& q = est.pearson[p * K + k];
      std::printf("  %-14s %14.6g +- %-9.3g %8.1f %10.5f +- %-8.2g", o.observables[k].name.c_str(), c.mean, c.error,
                  c.tau_int, q.mean, q.error);
      if (!r.finite_difference.empty()) {
        const Estimate& d = r.finite_difference[p * K + k];
        std::printf(" %12.6g +- %-9.3g (z = %+.2f)", d.mean, d.error,
                    (d.mean - c.mean) / std::sqrt(d.error * d.error + c.error * c.error));
      }
      std::printf("\n");
    }
  }
  std::fflush(stdout);
  for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  return 0;
}

}  // namespace

void register_probe(CLI::App& app, Action& run) {
  auto* cmd = app.add_subcommand("probe", "FDT susceptibilities chi = Cov[phi, F] of probes against observables");
  cmd->footer(
      "One run measures every probe against every observable: chi[p][k] = Cov[phi_k, F_p] = (1/beta) d<phi_k>/dh\n"
      "for a field h on F_p, with jackknife errors, and the Pearson correlations. --check-fd H reruns at fields\n"
      "+H and -H on each probe and prints (<phi>_+ - <phi>_-) / (2 beta H) beside chi.\n"
      "Example: spinlab probe --preset chambers --beta 0.44 --probe 10,10,6,6 --observe left,right,bottom");
  auto f = std::make_shared<ProbeFlags>();
  add_geometry_flags(cmd, f->geo, true);
  add_chi_run_flags(cmd, f->run);
  cmd->add_option("--check-fd", f->check_fd, "finite-difference check with probe field H (e.g. 0.02)");
  cmd->add_option("--trace", f->trace, "write the cumulative Pearson and chi estimates against sweeps to FILE.csv");
  cmd->callback([&run, f] { run = [f] { return run_probe(*f); }; });
}

}  // namespace spinlab::cli
