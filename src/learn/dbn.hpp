// Deep belief nets by greedy layer-wise training (Hinton, Osindero & Teh, Neural Comput. 18, 1527
// (2006)): each layer an RBM trained with train_rbm on the layer below's hidden states, and the
// linear probe (logistic regression on each layer's features) that measures what they encode.
//
// What the next layer sees: train_rbm takes binary rows, so layer l+1 is trained on one binary
// sample h ~ p(h | x) per training row x of layer l (drawn once, Philox stream (seed, kDbnSample,
// row) at step l), i.e. on samples of the aggregated posterior, as in Hinton et al. 2006, sec. 4.
// The probe features are the deterministic up-pass of probabilities: f_0 = x (the binary
// pixels), f_{l+1} = E[h | f_l] (sigmoid, or tanh for spin units), the usual "mean-field" features.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/datasets.hpp"
#include "learn/logistic.hpp"
#include "learn/rbm.hpp"
#include "learn/train.hpp"

namespace spinlab {

struct Dbn {
  std::vector<Rbm> layers;  // layers[l].nv == layers[l-1].nh
};

struct DbnTrainOptions {
  std::vector<int32_t> hidden;  // units per layer, bottom up
  RbmTrainOptions rbm;          // for every layer (rbm.hidden is replaced by hidden[l])
};

/// InputError naming --layers for an empty list or sizes outside 1 .. 2^24.
void check_dbn_layers(const std::vector<int32_t>& hidden);

/// Trains layer by layer; on_epoch(layer (0-based), report) after every epoch of every layer.
Dbn train_dbn(const Dataset& data01, const DbnTrainOptions& o,
              const std::function<void(int, const RbmEpochReport&)>& on_epoch = {});

/// Features of layer `layer` (0 = the data itself) for every row: rows x width (row-major).
std::vector<float> dbn_features(const Dbn& m, const Dataset& data01, int layer, int32_t* width);

/// Container file (little endian): magic "SPLDBN\0\0", u32 version = 1, u32 layer count, per
/// layer a u64 byte count and the layer's RBM file bytes (save_rbm's format with its own checksum),
/// then u64 FNV-1a of all preceding bytes. The reader checks all of it and that the layer sizes
/// chain; any failure is one InputError naming the file.
void save_dbn(const std::string& path, const Dbn& m);
Dbn load_dbn(const std::string& path);

struct ProbeResult {
  int layer = 0;
  int32_t features = 0;
  Estimate train_accuracy, test_accuracy;  // binomial standard errors
  int32_t iterations = 0;
  bool converged = false;
  double seconds = 0;
};

/// The linear probe of every layer 0..L: logistic regression on the train rows' features, its
/// accuracy on the test rows. Both data sets need labels (InputError otherwise).
std::vector<ProbeResult> dbn_linear_probe(const Dbn& m, const Dataset& train01, const Dataset& test01,
                                          const LogisticOptions& o);

}  // namespace spinlab
