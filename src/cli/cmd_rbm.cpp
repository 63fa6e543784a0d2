// `spinlab rbm train | eval | sample`: restricted Boltzmann machines on binarised images
// (digits, Fashion-MNIST, CSV/.npy files) with honest likelihoods (AIS and exact log Z).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/common.hpp"
#include "cli/rbm_common.hpp"
#include "core/error.hpp"
#include "io/datasets.hpp"
#include "io/files.hpp"
#include "io/png.hpp"
#include "io/svg_plot.hpp"
#include "learn/kernels.hpp"
#include "learn/logz.hpp"
#include "learn/rbm.hpp"
#include "learn/train.hpp"

namespace spinlab::cli {

// Loads and binarises: digits / fashion-mnist at value/scale >= T (T = 0.5 unless --binarize);
// files must hold 0/1 unless --binarize T is given (then value / largest value >= T).
Dataset load_binary(const DataFlags& f, const std::string& default_split) {
  if (f.data.empty()) throw InputError("--data digits|fashion-mnist|FILE is required");
  const bool named = f.data == "digits" || f.data == "fashion-mnist";
  const std::string split = !f.split.empty() ? f.split : named ? default_split : "all";
  Dataset d = load_dataset(f.data, parse_split(split));
  if (f.binarize >= 0 && !(f.binarize > 0 && f.binarize <= 1)) throw InputError("--binarize: threshold must lie in (0, 1]");
  if (named) {
    binarize(d, f.binarize >= 0 ? f.binarize : 0.5);
  } else if (f.binarize >= 0) {
    float mx = 0;
    for (float v : d.x) mx = std::max(mx, v);
    d.scale = mx > 0 ? mx : 1.0;
    binarize(d, f.binarize);
  }
  require_binary(d);
  return d;
}

void add_data_flags(CLI::App* cmd, DataFlags& f, const std::string& split_help) {
  cmd->add_option("--data", f.data, "digits | fashion-mnist | FILE (.csv/.txt/.npy, optionally .gz; rows of 0/1)");
  cmd->add_option("--split", f.split, split_help);
  cmd->add_option("--binarize", f.binarize,
                  "threshold T: a pixel is 1 when value / full scale >= T (default 0.5 for digits and "
                  "fashion-mnist; files must be 0/1 unless given, full scale = largest value)");
}

const char* units_name(RbmUnits u) { return u == RbmUnits::Binary ? "binary" : "spin"; }

// auto: bf16 AMX tiles where the CPU has them (the faster backend), else OpenBLAS fp32.
void set_gemm(const std::string& g) {
  using rbm_detail::GemmBackend;
  if (g == "auto") rbm_detail::set_gemm_backend(rbm_detail::amx_available() ? GemmBackend::Amx : GemmBackend::OpenBlas);
  else if (g == "openblas") rbm_detail::set_gemm_backend(GemmBackend::OpenBlas);
  else if (g == "amx") rbm_detail::set_gemm_backend(GemmBackend::Amx);
  else if (g == "amx-bf16") rbm_detail::set_gemm_backend(GemmBackend::AmxBf16);
  else if (g == "blocked") rbm_detail::set_gemm_backend(GemmBackend::Blocked);
  else throw InputError("--gemm: expected auto, openblas, amx, amx-bf16 or blocked, got '" + g + "'");
  if ((g == "amx" || g == "amx-bf16") && !rbm_detail::amx_available())
    std::fprintf(stderr, "# --gemm %s: no AMX-BF16 on this CPU / kernel, using OpenBLAS\n", g.c_str());
}
const char* gemm_label() {
  switch (rbm_detail::effective_gemm_backend()) {
    case rbm_detail::GemmBackend::Amx: return "AMX gemm (bf16 states x bf16 hi+lo weights, fp32 sums)";
    case rbm_detail::GemmBackend::AmxBf16: return "AMX gemm (bf16, fp32 sums)";
    case rbm_detail::GemmBackend::Blocked: return "blocked sgemm";
    default: return "OpenBLAS sgemm";
  }
}

RbmUnits parse_units(const std::string& u) {
  if (u == "binary") return RbmUnits::Binary;
  if (u == "spin") return RbmUnits::Spin;
  throw InputError("--units: expected binary or spin, got '" + u + "'");
}

namespace {

struct TrainFlags {
  DataFlags data;
  int hidden = 256, epochs = 10, batch = 100, threads = 1, cd = 0, pcd = 0, pt = 0;
  double lr = 0.01, momentum = 0.0, weight_decay = 0.0;
  std::string lr_schedule = "constant", units = "binary", model, gemm = "auto";
  uint64_t seed = 1;
  int64_t monitor_rows = 10000;
  bool json = false, quiet = false, no_shuffle = false;
  // --track-tc: a cheap T scan after every epoch (short chains, few temperatures).
  bool track_tc = false;
  TcFlags tc{"", "", "auto", 12, 2, 300, 1000, 16, 1.1};
  std::string tc_csv, plot;
};

// T_c per epoch, the power-law fit and its outputs (JSON member, CSV, SVG).
struct TcTrack {
  std::vector<double> epochs;
  std::vector<TcResult> results;
  nlohmann::json json(PowerLawFit* fit_out) const {
    std::vector<double> t;
    std::vector<Estimate> y;
    nlohmann::json rows = nlohmann::json::array();
    for (size_t k = 0; k < results.size(); ++k) {
      const TcResult& r = results[k];
      const bool edge = r.order == "aligned" ? r.aligned.at_edge : r.overlap.at_edge;
      rows.push_back({{"epoch", epochs[k]}, {"T_c", to_json(r.T_c)}, {"order", r.order}, {"at_edge", edge},
                      {"mean_field_T", r.mean_field_T}, {"aligned_share", r.aligned_share}, {"overlap_T", to_json(r.overlap.T)},
                      {"aligned_T", to_json(r.aligned.T)}, {"seconds", r.seconds}});
      if (!edge && r.order == "aligned") t.push_back(epochs[k]), y.push_back(r.T_c);
    }
    const PowerLawFit f = fit_power_law(t, y);
    if (fit_out) *fit_out = f;
    nlohmann::json fit{{"model", "T_c = A epoch^gamma (weighted least squares of log T_c on log epoch, over the "
                                 "epochs in the hidden-order phase (order aligned) whose peak is inside the scan)"},
                       {"exponent", to_json(f.exponent)}, {"amplitude", f.amplitude},
                       {"chi2_per_dof", f.chi2_per_dof}, {"points", f.points}, {"grows", f.grows},
                       {"power_law_consistent", f.consistent}, {"grows_as_power_law", f.grows && f.consistent}};
    return {{"epochs", rows}, {"fit", fit}};
  }
};

int run_train(const TrainFlags& f) {
  if (f.model.empty()) throw InputError("--model FILE (output) is required");
  if (f.threads < 1) throw InputError("--threads must be >= 1");
  const int chosen = (f.cd > 0) + (f.pcd > 0) + (f.pt > 0);
  if (chosen > 1) throw InputError("--cd, --pcd and --pt exclude each other");
  if (f.cd < 0 || f.pcd < 0 || f.pt < 0) throw InputError("--cd / --pcd / --pt must be >= 1");
  set_gemm(f.gemm);
  RbmTrainOptions o;
  o.units = parse_units(f.units);
  o.hidden = f.hidden;
  o.epochs = f.epochs;
  o.batch = f.batch;
  o.lr = f.lr;
  o.lr_schedule = f.lr_schedule;
  o.momentum = f.momentum;
  o.weight_decay = f.weight_decay;
  o.seed = f.seed;
  o.threads = f.threads;
  o.monitor_rows = f.monitor_rows;
  o.shuffle = !f.no_shuffle;
  if (f.cd > 0) {
    o.trainer = RbmTrainer::CD;
    o.k = f.cd;
  } else if (f.pt > 0) {
    o.trainer = RbmTrainer::PT;
    o.temperatures = f.pt;
  } else {
    o.trainer = RbmTrainer::PCD;
    o.k = f.pcd > 0 ? f.pcd : 1;
  }
  check_train_options(o);
  check_writable(f.model);
  const Dataset d = load_binary(f.data, "train");
  if (!f.track_tc && (!f.tc_csv.empty() || !f.plot.empty())) throw InputError("--tc-csv and --plot need --track-tc");
  if (!f.tc_csv.empty()) check_writable(f.tc_csv);
  if (!f.plot.empty()) check_writable(f.plot);
  TcOptions tco;
  TcTrack track;
  if (f.track_tc) {
    tco = tc_options(f.tc, "tc-", &d);
    tco.seed = f.seed;
    tco.threads = f.threads;
  }
  const char* method = o.trainer == RbmTrainer::CD ? "cd" : o.trainer == RbmTrainer::PCD ? "pcd" : "pt";
  nlohmann::json epochs = nlohmann::json::array();
  if (!f.quiet)
    std::fprintf(stderr, "# rbm train: %s, %lld rows x %d visible, %d hidden (%s), %s-%d, batch %d, lr %g, %s\n",
                 d.source.c_str(), static_cast<long long>(d.rows), d.cols, o.hidden, units_name(o.units), method,
                 o.trainer == RbmTrainer::PT ? o.temperatures : o.k, o.batch, o.lr,
                 gemm_label());
  if (!f.quiet && !f.json) std::printf("%6s %10s %14s %14s\n", "epoch", "seconds", "recon_error", "pseudo_ll");
  double total = 0;
  const Rbm m = train_rbm(d, o, [&](const RbmEpochReport& r) {
    total += r.seconds;
    epochs.push_back({{"epoch", r.epoch}, {"seconds", r.seconds}, {"reconstruction_error", r.reconstruction_error},
                      {"pseudo_log_likelihood", r.pseudo_log_likelihood}, {"lr", r.lr}});
    if (f.json) {
      if (!f.quiet)
        std::fprintf(stderr, "epoch %d  %.3f s  recon %.4f  pseudo-LL %.4f\n", r.epoch, r.seconds, r.reconstruction_error,
                     r.pseudo_log_likelihood);
    } else {
      std::printf("%6d %10.3f %14.4f %14.4f\n", r.epoch, r.seconds, r.reconstruction_error, r.pseudo_log_likelihood);
      std::fflush(stdout);
    }
    if (f.track_tc) {
      tco.stream_offset = static_cast<uint64_t>(r.epoch) << 24;  // fresh chains every epoch
      track.epochs.push_back(r.epoch);
      try {
        track.results.push_back(rbm_critical_temperature(*r.model, tco));
      } catch (const InputError& e) {
        // A scan whose chains never equilibrate must not end the training: the epoch gets no T_c.
        TcResult none;
        none.T_c = {NAN, NAN, 0.5, 0};
        none.order = "unequilibrated";
        track.results.push_back(none);
        if (!f.quiet) std::fprintf(stderr, "epoch %d  no T_c: %s\n", r.epoch, e.what());
        return;
      }
      const TcResult& t = track.results.back();
      if (!f.quiet)
        std::fprintf(stderr, "epoch %d  T_c = %.4g +- %.2g (%s)  T_mf = %.4g  %.2f s\n", r.epoch, t.T_c.mean, t.T_c.error,
                     t.order.c_str(), t.mean_field_T, t.seconds);
    }
  });
  nlohmann::json tc_j;
  PowerLawFit fit;
  if (f.track_tc) {
    tc_j = track.json(&fit);
    if (!f.tc_csv.empty()) {
      std::string csv = "epoch,T_c,T_c_error,order,at_edge,mean_field_T\n";
      for (size_t k = 0; k < track.results.size(); ++k) {
        const TcResult& t = track.results[k];
        const bool edge = t.order == "aligned" ? t.aligned.at_edge : t.overlap.at_edge;
        char line[256];
        std::snprintf(line, sizeof line, "%d,%.6g,%.6g,%s,%d,%.6g\n", static_cast<int>(track.epochs[k]), t.T_c.mean,
                      t.T_c.error, t.order.c_str(), edge ? 1 : 0, t.mean_field_T);
        csv += line;
      }
      write_output(f.tc_csv, csv);
    }
    if (!f.plot.empty()) {
      PlotPanel p;
      p.title = "T_c of the RBM as a spin model during training (" + d.source + ")";
      p.xlabel = "epoch";
      p.ylabel = "T_c (temperature multiplier)";
      PlotSeries s;
      s.label = "T_c (block-jackknife error)";
      for (size_t k = 0; k < track.results.size(); ++k)
        s.x.push_back(track.epochs[k]), s.y.push_back(track.results[k].T_c.mean), s.error.push_back(track.results[k].T_c.error);
      p.series.push_back(s);
      if (std::isfinite(fit.exponent.mean)) {
        PlotSeries c;
        char label[96];
        std::snprintf(label, sizeof label, "fit %.3g t^(%.3f +- %.3f)", fit.amplitude, fit.exponent.mean, fit.exponent.error);
        c.label = label;
        c.curve = true;
        for (int k = 0; k <= 100; ++k) {
          const double t = 1.0 + (track.epochs.back() - 1.0) * k / 100.0;
          c.x.push_back(t), c.y.push_back(fit.amplitude * std::pow(t, fit.exponent.mean));
        }
        p.series.push_back(c);
      }
      write_output(f.plot, render_svg({p}, 1));
    }
    if (!f.quiet && !f.json)
      std::fprintf(stderr, "# T_c ~ epoch^gamma: gamma = %.4f +- %.4f (chi2/dof %.2f, %d epochs)%s\n", fit.exponent.mean,
                   fit.exponent.error, fit.chi2_per_dof, fit.points,
                   fit.grows && fit.consistent ? ": grows as a power law"
                   : fit.grows             ? ": grows, but not as a power law (chi2/dof too large)"
                                           : ": no significant growth");
  }
  save_rbm(f.model, m);
  if (f.json) {
    nlohmann::json j;
    j["command"] = "rbm train";
    j["data"] = d.source;
    j["rows"] = d.rows;
    j["visible"] = m.nv;
    j["hidden"] = m.nh;
    j["units"] = units_name(m.units);
    j["method"] = method;
    j["k"] = o.k;
    j["temperatures"] = o.temperatures;
    j["batch"] = o.batch;
    j["lr"] = o.lr;
    j["seed"] = o.seed;
    j["threads"] = o.threads;
    j["gemm"] = rbm_detail::gemm_backend_name(rbm_detail::effective_gemm_backend());
    if (rbm_detail::effective_gemm_backend() == rbm_detail::GemmBackend::OpenBlas) j["blas"] = rbm_detail::blas_description();
    j["model"] = f.model;
    j["epochs"] = epochs;
    j["seconds_per_epoch"] = o.epochs > 0 ? total / o.epochs : 0.0;
    if (f.track_tc) j["tc"] = tc_j;
    std::printf("%s\n", j.dump(1).c_str());
  } else if (!f.quiet) {
    std::fprintf(stderr, "# %.3f s per epoch; model written to %s\n", o.epochs > 0 ? total / o.epochs : 0.0, f.model.c_str());
  }
  return 0;
}

struct EvalFlags {
  DataFlags data;
  std::string model, import_sklearn;
  int ais_chains = 100, ais_betas = 20000, threads = 1;
  uint64_t seed = 1;
  bool json = false, no_ais = false;
};

Rbm model_from_flags(const std::string& model, const std::string& import_dir) {
  if (!model.empty() && !import_dir.empty()) throw InputError("--model and --import-sklearn exclude each other");
  if (!import_dir.empty()) return import_sklearn_rbm(import_dir);
  if (model.empty()) throw InputError("--model FILE (or --import-sklearn DIR) is required");
  return load_rbm(model);
}

int run_eval(const EvalFlags& f) {
  if (f.threads < 1) throw InputError("--threads must be >= 1");
  const Rbm m = model_from_flags(f.model, f.import_sklearn);
  const Dataset d = load_binary(f.data, "test");
  require_columns(d, m.nv, "the model (" + std::to_string(m.nv) + " visible units)");
  const auto start = std::chrono::steady_clock::now();
  const Estimate F = mean_free_energy(m, d);
  nlohmann::json j;
  j["command"] = "rbm eval";
  j["model"] = f.model.empty() ? f.import_sklearn : f.model;
  j["data"] = d.source;
  j["rows"] = d.rows;
  j["visible"] = m.nv;
  j["hidden"] = m.nh;
  j["units"] = units_name(m.units);
  j["mean_free_energy"] = to_json(F);
  std::optional<double> exact;
  if (std::min(m.nv, m.nh) <= kExactLogZMaxUnits) exact = exact_log_z(m, f.threads);
  std::optional<AisResult> ais;
  if (!f.no_ais) {
    AisOptions a;
    a.chains = f.ais_chains;
    a.betas = f.ais_betas;
    a.seed = f.seed;
    a.threads = f.threads;
    ais = ais_log_z(m, base_rate_biases(d, m.units), a);
    j["log_z_ais"] = to_json(ais->log_z);
    j["log_z_base"] = ais->log_z_base;
    j["ais_chains"] = a.chains;
    j["ais_betas"] = a.betas;
    j["ais_effective_sample_size"] = ais->effective_sample_size;
    j["log_likelihood"] = to_json(mean_log_likelihood(m, d, ais->log_z));
  }
  if (exact) {
    j["log_z_exact"] = *exact;
    j["log_likelihood_exact"] = to_json(mean_log_likelihood(m, d, Estimate{*exact, 0.0, 0.5, 0.0}));
    if (ais) j["ais_minus_exact_in_errors"] = (ais->log_z.mean - *exact) / ais->log_z.error;
  }
  if (!ais && !exact) throw InputError("--no-ais needs a layer of at most 24 units (exact log Z)");
  j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (f.json) {
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::printf("# %s on %s: %lld rows, %d visible, %d hidden (%s)\n", j["model"].get<std::string>().c_str(),
              d.source.c_str(), static_cast<long long>(d.rows), m.nv, m.nh, units_name(m.units));
  if (ais)
    std::printf("log Z (AIS, %d chains, %d betas) = %.4f +- %.4f   (ESS %.1f)\n", f.ais_chains, f.ais_betas, ais->log_z.mean,
                ais->log_z.error, ais->effective_sample_size);
  if (exact) std::printf("log Z (exact)                    = %.4f\n", *exact);
  if (ais) {
    const Estimate ll = mean_log_likelihood(m, d, ais->log_z);
    std::printf("log-likelihood per example (AIS)  = %.4f +- %.4f nats\n", ll.mean, ll.error);
  }
  if (exact)
    std::printf("log-likelihood per example (exact)= %.4f +- %.4f nats\n", -F.mean - *exact, F.error);
  return 0;
}

struct SampleFlags {
  std::string model, import_sklearn, png, shape;
  int chains = 64, steps = 1000, zoom = 2, columns = 0;
  uint64_t seed = 1;
};

int run_sample(const SampleFlags& f) {
  if (f.png.empty()) throw InputError("--png FILE is required");
  if (f.zoom < 1 || f.zoom > 32) throw InputError("--zoom must lie in 1..32");
  if (f.chains < 1 || f.chains > 10000) throw InputError("--chains must lie in 1..10000");
  const Rbm m = model_from_flags(f.model, f.import_sklearn);
  check_writable(f.png);
  int w = 0, h = 0;
  if (!f.shape.empty()) {
    const auto parts = split(f.shape, 'x');
    if (parts.size() != 2) throw InputError("--shape: expected WxH, got '" + f.shape + "'");
    w = static_cast<int>(parse_integer(parts[0], "--shape"));
    h = static_cast<int>(parse_integer(parts[1], "--shape"));
    if (w < 1 || h < 1 || static_cast<int64_t>(w) * h != m.nv)
      throw InputError("--shape " + f.shape + ": wrong image size for a model with " + std::to_string(m.nv) + " visible units");
  } else {
    const auto s = static_cast<int>(std::lround(std::sqrt(static_cast<double>(m.nv))));
    w = s * s == m.nv ? s : m.nv;
    h = s * s == m.nv ? s : 1;
  }
  const std::vector<float> p = gibbs_samples(m, f.chains, f.steps, f.seed);
  write_png(f.png, tile_images(p, f.chains, w, h, f.columns, 1, f.zoom));
  std::printf("# %d Gibbs chains x %d steps from noise: p(v = on | h) written to %s (%dx%d tiles)\n", f.chains, f.steps,
              f.png.c_str(), w, h);
  return 0;
}

}  // namespace

void register_rbm(CLI::App& app, Action& run) {
  auto* rbm = app.add_subcommand("rbm", "Restricted Boltzmann machines: train, eval (AIS / exact log Z), sample, tc (ordering temperature)");
  rbm->require_subcommand(1);
  {
    auto* cmd = rbm->add_subcommand("train", "Train an RBM by PCD-k (default), CD-k or parallel tempering");
    cmd->footer("Example: spinlab rbm train --data fashion-mnist --hidden 256 --epochs 10 --batch 100 --lr 0.01 --pcd 1 "
                "--model rbm.bin");
    auto f = std::make_shared<TrainFlags>();
    add_data_flags(cmd, f->data, "train (default) | test | all; digits: rows 0-1499 / 1500-1796");
    cmd->add_option("--hidden", f->hidden, "hidden units")->capture_default_str();
    cmd->add_option("--units", f->units, "binary ({0,1}) | spin ({-1,+1}) units")->capture_default_str();
    cmd->add_option("--epochs", f->epochs, "passes over the data")->capture_default_str();
    cmd->add_option("--batch", f->batch, "minibatch size (PCD/PT: also the number of persistent chains)")->capture_default_str();
    cmd->add_option("--lr", f->lr, "learning rate (per mean gradient over the minibatch)")->capture_default_str();
    cmd->add_option("--lr-schedule", f->lr_schedule, "constant | linear (decays to 0 at the last update)")->capture_default_str();
    cmd->add_option("--cd", f->cd, "CD-k: k Gibbs steps from the data");
    cmd->add_option("--pcd", f->pcd, "PCD-k: k Gibbs steps of persistent chains (the default, k = 1)");
    cmd->add_option("--pt", f->pt, "parallel tempering with K inverse temperatures 1 .. 0 (K >= 2)");
    cmd->add_option("--momentum", f->momentum, "momentum in [0, 1)")->capture_default_str();
    cmd->add_option("--weight-decay", f->weight_decay, "L2 weight decay")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed (fixes the result for any --threads)")->capture_default_str()->check(seed_validator());
    cmd->add_option("--threads", f->threads, "GEMM threads")->capture_default_str();
    cmd->add_option("--gemm", f->gemm,
                    "auto (amx where available, else openblas) | openblas (fp32) | amx (AMX tiles: bf16 states x "
                    "bf16 hi+lo weights/probabilities, fp32 sums) | amx-bf16 (AMX, everything rounded to bf16) | "
                    "blocked (our fp32 kernel, for comparison)")
        ->capture_default_str();
    cmd->add_option("--monitor-rows", f->monitor_rows, "rows for the per-epoch reconstruction error and pseudo-LL (0: none)")
        ->capture_default_str();
    cmd->add_flag("--no-shuffle", f->no_shuffle, "keep the file order of minibatches (as scikit-learn)");
    cmd->add_option("--model", f->model, "output model file");
    cmd->add_flag("--json", f->json, "print JSON (epochs, seconds per epoch) on stdout");
    cmd->add_flag("--quiet", f->quiet, "no header / progress on stderr");
    cmd->add_flag("--track-tc", f->track_tc, "after every epoch, scan T and record T_c (see rbm tc; flags --tc-*)");
    add_tc_flags(cmd, f->tc, "tc-");
    cmd->add_option("--tc-csv", f->tc_csv, "with --track-tc: CSV of epoch, T_c, error");
    cmd->add_option("--plot", f->plot, "with --track-tc: SVG of T_c against epoch with the power-law fit");
    cmd->callback([&run, f] { run = [f] { return run_train(*f); }; });
  }
  {
    auto* cmd = rbm->add_subcommand("eval", "Log-likelihood per example by AIS (and exact log Z when a layer has <= 24 units)");
    cmd->footer("Example: spinlab rbm eval --model rbm.bin --data fashion-mnist --split test --ais-chains 100 "
                "--ais-betas 20000 --json");
    auto f = std::make_shared<EvalFlags>();
    add_data_flags(cmd, f->data, "test (default for digits/fashion-mnist) | train | all");
    cmd->add_option("--model", f->model, "model file written by rbm train");
    cmd->add_option("--import-sklearn", f->import_sklearn,
                    "directory with scikit-learn's components_, intercept_hidden_, intercept_visible_ (.npy or .csv)");
    cmd->add_option("--ais-chains", f->ais_chains, "AIS runs")->capture_default_str();
    cmd->add_option("--ais-betas", f->ais_betas, "AIS inverse temperatures (linear 0 .. 1)")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->capture_default_str()->check(seed_validator());
    cmd->add_option("--threads", f->threads, "threads (GEMM, exact enumeration)")->capture_default_str();
    cmd->add_flag("--no-ais", f->no_ais, "exact log Z only (a layer of <= 24 units)");
    cmd->add_flag("--json", f->json, "print JSON (schema in docs/cli.md)");
    cmd->callback([&run, f] { run = [f] { return run_eval(*f); }; });
  }
  {
    auto* cmd = rbm->add_subcommand("sample", "Gibbs chains from noise, drawn as a PNG grid");
    cmd->footer("Example: spinlab rbm sample --model rbm.bin --png grid.png --chains 64 --steps 1000");
    auto f = std::make_shared<SampleFlags>();
    cmd->add_option("--model", f->model, "model file written by rbm train");
    cmd->add_option("--import-sklearn", f->import_sklearn, "a scikit-learn model directory instead");
    cmd->add_option("--png", f->png, "output PNG");
    cmd->add_option("--chains", f->chains, "chains (tiles)")->capture_default_str();
    cmd->add_option("--steps", f->steps, "Gibbs sweeps per chain")->capture_default_str();
    cmd->add_option("--shape", f->shape, "tile shape WxH (default: square when the visible count is a square)");
    cmd->add_option("--zoom", f->zoom, "pixels per unit")->capture_default_str();
    cmd->add_option("--columns", f->columns, "tiles per row (0: square grid)")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->capture_default_str()->check(seed_validator());
    cmd->callback([&run, f] { run = [f] { return run_sample(*f); }; });
  }
  register_rbm_tc(rbm, run);
}

}  // namespace spinlab::cli
