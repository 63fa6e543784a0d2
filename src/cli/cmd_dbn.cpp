// `spinlab dbn train | eval`: deep belief nets by greedy layer-wise RBM training and the linear
// probe (logistic regression on each layer's features) that measures them.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "cli/rbm_common.hpp"
#include "core/error.hpp"
#include "io/files.hpp"
#include "learn/dbn.hpp"
#include "learn/kernels.hpp"

namespace spinlab::cli {
namespace {

struct ProbeFlags {
  double l2 = 1e-4;
  int iterations = 200;
};

void add_probe_flags(CLI::App* cmd, ProbeFlags& f) {
  cmd->add_option("--probe-l2", f.l2, "L2 penalty (lambda/2)|W|^2 of the logistic regression")->capture_default_str();
  cmd->add_option("--probe-iterations", f.iterations, "L-BFGS iterations at most")->capture_default_str();
}

// The train and test splits of a labelled set (digits: rows 0-1499 / 1500-1796).
std::pair<Dataset, Dataset> probe_data(const DataFlags& f) {
  DataFlags tr = f, te = f;
  if (!f.split.empty()) throw InputError("--split: the probe always fits on the train split and scores the test split");
  tr.split = "train";
  te.split = "test";
  if (f.data != "digits" && f.data != "fashion-mnist")
    throw InputError("--data " + f.data + ": the linear probe needs labelled train/test splits (digits or fashion-mnist)");
  return {load_binary(tr, "train"), load_binary(te, "test")};
}

nlohmann::json probe_json(const std::vector<ProbeResult>& ps) {
  nlohmann::json a = nlohmann::json::array();
  for (const ProbeResult& p : ps)
    a.push_back({{"layer", p.layer}, {"features", p.features}, {"test_accuracy", to_json(p.test_accuracy)},
                 {"train_accuracy", to_json(p.train_accuracy)}, {"iterations", p.iterations},
                 {"converged", p.converged}, {"seconds", p.seconds}});
  return a;
}

void print_probe(const std::vector<ProbeResult>& ps, int64_t test_rows) {
  std::printf("# linear probe (softmax regression, L-BFGS) on each layer's features; accuracy on %lld test rows\n",
              static_cast<long long>(test_rows));
  std::printf("%6s %9s %22s %10s %6s %8s\n", "layer", "features", "test_accuracy", "train_acc", "iters", "seconds");
  for (const ProbeResult& p : ps)
    std::printf("%6d %9d %12.4f +- %.4f %10.4f %6d %8.2f\n", p.layer, p.features, p.test_accuracy.mean,
                p.test_accuracy.error, p.train_accuracy.mean, p.iterations, p.seconds);
}

std::vector<int32_t> parse_layers(const std::string& spec) {
  if (spec.empty()) throw InputError("--layers N1,N2,... is required");
  std::vector<int32_t> out;
  for (const std::string& t : split(spec, ',')) {
    const int64_t v = parse_integer(t, "--layers");
    if (v < 1 || v > (1 << 24)) throw InputError("--layers: every size must lie in 1 .. 2^24, got '" + t + "'");
    out.push_back(static_cast<int32_t>(v));
  }
  check_dbn_layers(out);
  return out;
}

struct DbnTrainFlags {
  DataFlags data;
  ProbeFlags probe;
  std::string layers, units = "binary", model, lr_schedule = "constant";
  int epochs = 10, batch = 100, threads = 1, cd = 0, pcd = 0;
  double lr = 0.01, momentum = 0.0, weight_decay = 0.0;
  uint64_t seed = 1;
  bool json = false, quiet = false, no_probe = false;
};

int run_train(const DbnTrainFlags& f) {
  if (f.model.empty()) throw InputError("--model FILE (output) is required");
  if (f.cd > 0 && f.pcd > 0) throw InputError("--cd and --pcd exclude each other");
  if (f.cd < 0 || f.pcd < 0) throw InputError("--cd / --pcd must be >= 1");
  DbnTrainOptions o;
  o.hidden = parse_layers(f.layers);
  RbmTrainOptions& r = o.rbm;
  r.units = parse_units(f.units);
  r.epochs = f.epochs;
  r.batch = f.batch;
  r.lr = f.lr;
  r.lr_schedule = f.lr_schedule;
  r.momentum = f.momentum;
  r.weight_decay = f.weight_decay;
  r.seed = f.seed;
  r.threads = f.threads;
  r.trainer = f.cd > 0 ? RbmTrainer::CD : RbmTrainer::PCD;
  r.k = f.cd > 0 ? f.cd : f.pcd > 0 ? f.pcd : 1;
  r.monitor_rows = f.quiet ? 0 : 2000;
  check_train_options(r);
  check_writable(f.model);
  const bool named = f.data.data == "digits" || f.data.data == "fashion-mnist";
  const Dataset d = load_binary(f.data, "train");
  if (!f.quiet)
    std::fprintf(stderr, "# dbn train: %s, %lld rows x %d visible, layers %s (%s), %s-%d, batch %d, lr %g, %d epochs per layer\n",
                 d.source.c_str(), static_cast<long long>(d.rows), d.cols, f.layers.c_str(), units_name(r.units),
                 r.trainer == RbmTrainer::CD ? "cd" : "pcd", r.k, r.batch, r.lr, r.epochs);
  nlohmann::json epochs = nlohmann::json::array();
  const auto start = std::chrono::steady_clock::now();
  const Dbn net = train_dbn(d, o, [&](int layer, const RbmEpochReport& e) {
    epochs.push_back({{"layer", layer + 1}, {"epoch", e.epoch}, {"seconds", e.seconds},
                      {"reconstruction_error", e.reconstruction_error}, {"pseudo_log_likelihood", e.pseudo_log_likelihood}});
    if (!f.quiet)
      std::fprintf(stderr, "layer %d epoch %d  %.3f s  recon %.4f  pseudo-LL %.4f\n", layer + 1, e.epoch, e.seconds,
                   e.reconstruction_error, e.pseudo_log_likelihood);
  });
  const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  save_dbn(f.model, net);
  std::vector<ProbeResult> probe;
  int64_t test_rows = 0;
  if (!f.no_probe && named && f.data.split.empty()) {
    auto [tr, te] = probe_data(f.data);
    LogisticOptions lo;
    lo.l2 = f.probe.l2;
    lo.max_iterations = f.probe.iterations;
    probe = dbn_linear_probe(net, tr, te, lo);
    test_rows = te.rows;
  }
  if (f.json) {
    nlohmann::json j;
    j["command"] = "dbn train";
    j["data"] = d.source;
    j["rows"] = d.rows;
    j["visible"] = d.cols;
    nlohmann::json sizes = nlohmann::json::array();
    for (const Rbm& l : net.layers) sizes.push_back(l.nh);
    j["layers"] = sizes;
    j["units"] = units_name(r.units);
    j["epochs_per_layer"] = r.epochs;
    j["seed"] = r.seed;
    j["model"] = f.model;
    j["training_seconds"] = train_seconds;
    j["epochs"] = epochs;
    if (!probe.empty()) j["probe"] = probe_json(probe);
    std::printf("%s\n", j.dump(1).c_str());
  } else {
    std::printf("# DBN %s trained in %.2f s; model written to %s\n", f.layers.c_str(), train_seconds, f.model.c_str());
    if (!probe.empty()) print_probe(probe, test_rows);
  }
  return 0;
}

struct DbnEvalFlags {
  DataFlags data;
  ProbeFlags probe;
  std::string model;
  int threads = 1;
  bool json = false;
};

int run_eval(const DbnEvalFlags& f) {
  if (f.model.empty()) throw InputError("--model FILE is required");
  if (f.threads < 1) throw InputError("--threads must be >= 1");
  const Dbn net = load_dbn(f.model);
  if (f.data.data.empty()) throw InputError("--data digits|fashion-mnist is required");
  auto [tr, te] = probe_data(f.data);
  require_columns(tr, net.layers.front().nv, "the model (" + std::to_string(net.layers.front().nv) + " visible units)");
  rbm_detail::set_gemm_threads(f.threads);
  LogisticOptions lo;
  lo.l2 = f.probe.l2;
  lo.max_iterations = f.probe.iterations;
  const auto probe = dbn_linear_probe(net, tr, te, lo);
  if (f.json) {
    nlohmann::json j;
    j["command"] = "dbn eval";
    j["model"] = f.model;
    j["data"] = f.data.data;
    j["train_rows"] = tr.rows;
    j["test_rows"] = te.rows;
    nlohmann::json sizes = nlohmann::json::array();
    for (const Rbm& l : net.layers) sizes.push_back(l.nh);
    j["layers"] = sizes;
    j["probe_l2"] = lo.l2;
    j["probe"] = probe_json(probe);
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  print_probe(probe, te.rows);
  return 0;
}

}  // namespace

void register_dbn(CLI::App& app, Action& run) {
  auto* dbn = app.add_subcommand("dbn", "Deep belief nets: greedy layer-wise RBMs, linear-probe accuracy per layer");
  dbn->require_subcommand(1);
  {
    auto* cmd = dbn->add_subcommand("train", "Train a DBN layer by layer (each layer an RBM; see rbm train)");
    cmd->footer("Example: spinlab dbn train --data digits --layers 100,50 --epochs 20 --batch 20 --lr 0.05 --model dbn.bin");
    auto f = std::make_shared<DbnTrainFlags>();
    add_data_flags(cmd, f->data, "train (default) | test | all (no probe unless the default)");
    cmd->add_option("--layers", f->layers, "hidden units per layer, bottom up, e.g. 500,250");
    cmd->add_option("--units", f->units, "binary | spin units (all layers)")->capture_default_str();
    cmd->add_option("--epochs", f->epochs, "epochs per layer")->capture_default_str();
    cmd->add_option("--batch", f->batch, "minibatch size")->capture_default_str();
    cmd->add_option("--lr", f->lr, "learning rate")->capture_default_str();
    cmd->add_option("--lr-schedule", f->lr_schedule, "constant | linear")->capture_default_str();
    cmd->add_option("--cd", f->cd, "CD-k");
    cmd->add_option("--pcd", f->pcd, "PCD-k (the default, k = 1)");
    cmd->add_option("--momentum", f->momentum, "momentum in [0, 1)")->capture_default_str();
    cmd->add_option("--weight-decay", f->weight_decay, "L2 weight decay")->capture_default_str();
    cmd->add_option("--seed", f->seed, "random seed")->capture_default_str()->check(seed_validator());
    cmd->add_option("--threads", f->threads, "GEMM threads")->capture_default_str();
    cmd->add_option("--model", f->model, "output model file (DBN container)");
    add_probe_flags(cmd, f->probe);
    cmd->add_flag("--no-probe", f->no_probe, "skip the linear probe after training");
    cmd->add_flag("--json", f->json, "print JSON on stdout");
    cmd->add_flag("--quiet", f->quiet, "no progress on stderr");
    cmd->callback([&run, f] { run = [f] { return run_train(*f); }; });
  }
  {
    auto* cmd = dbn->add_subcommand("eval", "Linear-probe accuracy of every layer (train split fit, test split score)");
    cmd->footer("Example: spinlab dbn eval --model dbn.bin --data digits --json");
    auto f = std::make_shared<DbnEvalFlags>();
    cmd->add_option("--data", f->data.data, "digits | fashion-mnist (labelled train and test splits)");
    cmd->add_option("--binarize", f->data.binarize, "pixel threshold (default 0.5, as in training)");
    cmd->add_option("--model", f->model, "model file written by dbn train");
    cmd->add_option("--threads", f->threads, "GEMM threads")->capture_default_str();
    add_probe_flags(cmd, f->probe);
    cmd->add_flag("--json", f->json, "print JSON (schema in docs/cli.md)");
    cmd->callback([&run, f] { run = [f] { return run_eval(*f); }; });
  }
}

}  // namespace spinlab::cli
