// RBM training: CD-k (Hinton 2002), PCD-k (Tieleman 2008) and parallel-tempering chains
// (Desjardins et al. 2010), minibatches, momentum, weight decay, a learning-rate schedule.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "io/datasets.hpp"
#include "learn/rbm.hpp"

namespace spinlab {

enum class RbmTrainer { CD, PCD, PT };

struct RbmTrainOptions {
  int32_t hidden = 256;
  RbmUnits units = RbmUnits::Binary;
  int32_t epochs = 10;
  int32_t batch = 100;
  double lr = 0.01;
  std::string lr_schedule = "constant";  // constant | linear (to 0 at the last update)
  RbmTrainer trainer = RbmTrainer::PCD;
  int32_t k = 1;           // Gibbs steps per update (CD-k, PCD-k; PT: per temperature)
  int32_t temperatures = 0;  // PT: number of inverse temperatures, linear from 1 down to 0
  double momentum = 0.0;
  double weight_decay = 0.0;  // L2 on the weights: gradient - weight_decay * W
  double init_sd = 0.01;      // W ~ N(0, init_sd^2), biases 0 (as scikit-learn's BernoulliRBM)
  bool shuffle = true;        // new minibatch order each epoch (Philox; scikit-learn keeps the file order)
  uint64_t seed = 1;
  int threads = 1;
  int64_t monitor_rows = 10000;  // rows for the per-epoch reconstruction error and pseudo-LL (0: none)
};

struct RbmEpochReport {
  int32_t epoch = 0;              // 1-based
  double seconds = 0;             // training time of this epoch (monitoring excluded)
  double reconstruction_error = 0;  // mean over monitored rows of sum_i (x_i - p(v_i = on | E[h|x]))^2
  double pseudo_log_likelihood = 0;  // scikit-learn's score_samples: nv log sigmoid(F(x~) - F(x)),
                                     // x~ = x with one random unit flipped; mean over monitored rows
  double lr = 0;                   // learning rate at the end of the epoch
  const Rbm* model = nullptr;      // the model after this epoch (valid during the callback only)
};

/// InputError naming the flag for options out of range (train_rbm calls it first).
void check_train_options(const RbmTrainOptions& o);

/// Trains a fresh RBM on binary rows (0/1; throws InputError otherwise) and returns it. Calls
/// on_epoch after every epoch. The result depends on (data, options) only: the thread count
/// changes who computes, not which random numbers are drawn.
Rbm train_rbm(const Dataset& data, const RbmTrainOptions& o,
              const std::function<void(const RbmEpochReport&)>& on_epoch = {});

/// The monitoring quantities of RbmEpochReport for the first `rows` rows (all when rows <= 0);
/// the pseudo-LL flips unit (Philox stream kPll, step `step`) of each row.
void rbm_monitor(const Rbm& m, const Dataset& data, int64_t rows, uint64_t seed, uint64_t step,
                 double* reconstruction_error, double* pseudo_log_likelihood);

}  // namespace spinlab
