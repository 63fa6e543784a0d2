// RBM training loop: minibatch gradients from GEMMs (kernels.hpp), negative phases by CD-k,
// PCD-k or parallel tempering, momentum / weight decay / learning-rate schedule.
#include "learn/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "learn/kernels.hpp"

namespace spinlab {
namespace {

using namespace rbm_detail;

// The data rows idx[0..rows) as unit values, into V (rows x nv).
void gather(const Dataset& d, RbmUnits u, const int64_t* idx, int64_t rows, float* V) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = d.row(idx[r]);
    float* v = V + r * d.cols;
    for (int32_t i = 0; i < d.cols; ++i) v[i] = unit_value(u, x[i]);
  }
}

}  // namespace

void rbm_monitor(const Rbm& m, const Dataset& data, int64_t rows, uint64_t seed, uint64_t step,
                 double* reconstruction_error, double* pseudo_log_likelihood) {
  rows = rows <= 0 ? data.rows : std::min(rows, data.rows);
  const int nv = m.nv, nh = m.nh;
  constexpr int64_t kChunk = 512;
  std::vector<float> V(kChunk * nv), Xh(kChunk * nh), Hp(kChunk * nh), Xv(kChunk * nv), P(kChunk * nv), xf(nh);
  std::vector<int64_t> idx(kChunk);
  double rec = 0, pll = 0;
  const float f = m.units == RbmUnits::Binary ? 1.0f : 2.0f;
  for (int64_t r0 = 0; r0 < rows; r0 += kChunk) {
    const int64_t n = std::min(kChunk, rows - r0);
    std::iota(idx.begin(), idx.begin() + n, r0);
    gather(data, m.units, idx.data(), n, V.data());
    sgemm(false, false, static_cast<int>(n), nh, nv, 1.0f, V.data(), nv, m.W.data(), nh, 0.0f, Xh.data(), nh);
    add_bias_rows(Xh.data(), m.c.data(), n, nh);
    mean_units(m.units, Xh.data(), Hp.data(), n * nh, 1.0f);
    sgemm(false, true, static_cast<int>(n), nv, nh, 1.0f, Hp.data(), nh, m.W.data(), nh, 0.0f, Xv.data(), nv);
    add_bias_rows(Xv.data(), m.b.data(), n, nv);
    mean_units(RbmUnits::Binary, Xv.data(), P.data(), n * nv, f);  // p(v_i = on | h) = sigmoid(f x)
    for (int64_t r = 0; r < n; ++r) {
      const float* x = data.row(r0 + r);
      for (int i = 0; i < nv; ++i) {
        const double e = x[i] - P[r * nv + i];
        rec += e * e;
      }
      // Pseudo-likelihood (scikit-learn's BernoulliRBM.score_samples): one random unit flipped.
      const float* v = V.data() + r * nv;
      const float* xh = Xh.data() + r * nh;
      Rng rng(seed, stream_id(kPll, static_cast<uint64_t>(r0 + r)), step);
      const uint32_t i = rng.below(static_cast<uint32_t>(nv));
      double bv = 0;
      for (int t = 0; t < nv; ++t) bv += static_cast<double>(m.b[t]) * v[t];
      const float vi = v[i], flipped = vi == 1.0f ? m.off() : 1.0f, dv = flipped - vi;
      for (int j = 0; j < nh; ++j) xf[j] = xh[j] + dv * m.W[static_cast<size_t>(i) * nh + j];
      const double F = -bv - sum_lse(m.units, xh, nh, 1.0);
      const double Ff = -(bv + static_cast<double>(m.b[i]) * dv) - sum_lse(m.units, xf.data(), nh, 1.0);
      pll += -static_cast<double>(nv) * softplus(-(Ff - F));  // nv log sigmoid(Ff - F)
    }
  }
  *reconstruction_error = rec / static_cast<double>(rows);
  *pseudo_log_likelihood = pll / static_cast<double>(rows);
}

void check_train_options(const RbmTrainOptions& o) {
  if (o.hidden < 1 || o.hidden > (1 << 24)) throw InputError("--hidden must lie in 1 .. 2^24");
  if (o.epochs < 0) throw InputError("--epochs must be >= 0");
  if (o.batch < 1) throw InputError("--batch must be >= 1");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) throw InputError("--lr must be finite and > 0");
  if (o.k < 1) throw InputError("--cd / --pcd: the number of Gibbs steps must be >= 1");
  if (!(o.momentum >= 0 && o.momentum < 1)) throw InputError("--momentum must lie in [0, 1)");
  if (!(o.weight_decay >= 0) || !std::isfinite(o.weight_decay)) throw InputError("--weight-decay must be finite and >= 0");
  if (o.lr_schedule != "constant" && o.lr_schedule != "linear")
    throw InputError("--lr-schedule: expected constant or linear, got '" + o.lr_schedule + "'");
  if (o.trainer == RbmTrainer::PT && o.temperatures < 2) throw InputError("--pt: at least 2 temperatures");
  if (o.threads < 1) throw InputError("--threads must be >= 1");
}

Rbm train_rbm(const Dataset& data, const RbmTrainOptions& o, const std::function<void(const RbmEpochReport&)>& on_epoch) {
  check_train_options(o);
  require_binary(data);
  set_gemm_threads(o.threads);

  Rbm m = Rbm::zeros(data.cols, o.hidden, o.units);
  const int nv = m.nv, nh = m.nh, B = static_cast<int>(std::min<int64_t>(o.batch, data.rows));
  {
    Rng r(o.seed, stream_id(kInitWeights, 0));
    for (float& w : m.W) w = static_cast<float>(o.init_sd * normal(r));
  }
  const int K = o.trainer == RbmTrainer::PT ? o.temperatures : 1;
  std::vector<double> betas(K, 1.0);
  for (int t = 0; t < K && K > 1; ++t) betas[t] = 1.0 - static_cast<double>(t) / (K - 1);

  // Buffers, allocated once. The data rows and the negative samples sit in one stacked matrix
  // VV = [V; Vn] (2 x rows), their hidden means in HH = [E[h|V]; -E[h|Vn]], so that PCD needs one
  // GEMM for both hidden layers and every trainer one GEMM VV^T HH for the weight gradient.
  const size_t sv = words_stride(nv), sh = words_stride(nh);
  std::vector<float> VV(2 * static_cast<size_t>(B) * nv), XX(2 * static_cast<size_t>(B) * nh), HH(XX.size()),
      Xv(static_cast<size_t>(B) * nv), dW(m.W.size(), 0.0f), db(nv, 0.0f), dc(nh, 0.0f);
  std::vector<uint32_t> wv(B * sv), wh(B * sh);
  // Chain states: PCD keeps hidden samples (as scikit-learn), PT keeps (v, h) per temperature.
  std::vector<float> Hc(static_cast<size_t>(B) * nh, m.off());
  std::vector<std::vector<float>> Vt(K, std::vector<float>(Xv.size(), m.off())), Ht(K, std::vector<float>(Hc.size(), m.off())),
      Xt(K, std::vector<float>(Hc.size(), 0.0f));
  std::vector<int64_t> perm(data.rows);
  std::iota(perm.begin(), perm.end(), 0);
  const int64_t batches = (data.rows + B - 1) / B, total_updates = batches * o.epochs;
  uint64_t t_update = 0;
  double lr = o.lr;
  std::vector<float> gb(nv), gc(nh);

  // V ~ p(v | H) at inverse temperature beta.
  auto sample_v = [&](int rows, const float* H, float* Vout, float beta, uint64_t stream_v, uint64_t step) {
    sgemm(false, true, rows, nv, nh, 1.0f, H, nh, m.W.data(), nh, 0.0f, Xv.data(), nv);
    add_bias_rows(Xv.data(), m.b.data(), rows, nv);
    fill_words(o.seed, stream_v, step, rows, nv, wv.data());
    for (int r = 0; r < rows; ++r)
      sample_units(m.units, Xv.data() + static_cast<size_t>(r) * nv, Vout + static_cast<size_t>(r) * nv, nv, beta, wv.data() + r * sv);
  };
  // X = V W + c.
  auto hidden_field = [&](int rows, const float* Vin, float* X) {
    sgemm(false, false, rows, nh, nv, 1.0f, Vin, nv, m.W.data(), nh, 0.0f, X, nh);
    add_bias_rows(X, m.c.data(), rows, nh);
  };
  auto sample_h = [&](int rows, const float* X, float* H, float beta, uint64_t stream_h, uint64_t step) {
    fill_words(o.seed, stream_h, step, rows, nh, wh.data());
    for (int r = 0; r < rows; ++r)
      sample_units(m.units, X + static_cast<size_t>(r) * nh, H + static_cast<size_t>(r) * nh, nh, beta, wh.data() + r * sh);
  };

  for (int32_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    if (o.shuffle) {
      Rng r(o.seed, stream_id(kShuffle, static_cast<uint64_t>(epoch)));
      for (int64_t i = data.rows - 1; i > 0; --i) std::swap(perm[i], perm[r.below(static_cast<uint32_t>(i + 1))]);
    }
    for (int64_t bi = 0; bi < batches; ++bi, ++t_update) {
      const int rows = static_cast<int>(std::min<int64_t>(B, data.rows - bi * B));
      const size_t rv = static_cast<size_t>(rows) * nv, rh = static_cast<size_t>(rows) * nh;
      float *V = VV.data(), *Vn = VV.data() + rv, *Xp = XX.data(), *Xn = XX.data() + rh, *Hp = HH.data(), *Hn = HH.data() + rh;
      const uint64_t step0 = t_update * static_cast<uint64_t>(o.k + 1);
      gather(data, m.units, perm.data() + bi * B, rows, V);
      if (o.trainer == RbmTrainer::PCD) {
        // k - 1 full Gibbs steps of the persistent chains, then the last visible sample, and one
        // GEMM for the hidden fields of data and samples together.
        for (int s = 0; s + 1 < o.k; ++s) {
          sample_v(rows, Hc.data(), Vn, 1.0f, stream_id(kNegVisible, 0), step0 + s);
          hidden_field(rows, Vn, Xn);
          sample_h(rows, Xn, Hc.data(), 1.0f, stream_id(kNegHidden, 0), step0 + s);
        }
        sample_v(rows, Hc.data(), Vn, 1.0f, stream_id(kNegVisible, 0), step0 + o.k - 1);
        hidden_field(2 * rows, V, Xp);
        // The persistent hidden state, sampled from the negative X before the update (scikit-learn's order).
        sample_h(rows, Xn, Hc.data(), 1.0f, stream_id(kNegHidden, 0), step0 + o.k);
      } else {
        hidden_field(rows, V, Xp);  // positive phase
        if (o.trainer == RbmTrainer::CD) {
          // CD-k starts from h ~ p(h | data).
          sample_h(rows, Xp, Hc.data(), 1.0f, stream_id(kPosHidden, 0), step0);
          for (int s = 0; s < o.k; ++s) {
            sample_v(rows, Hc.data(), Vn, 1.0f, stream_id(kNegVisible, 0), step0 + s);
            hidden_field(rows, Vn, Xn);
            if (s + 1 < o.k) sample_h(rows, Xn, Hc.data(), 1.0f, stream_id(kNegHidden, 0), step0 + s);
          }
        } else {
          for (int t = 0; t < K; ++t)
            for (int s = 0; s < o.k; ++s) {
              const auto beta = static_cast<float>(betas[t]);
              sample_v(rows, Ht[t].data(), Vt[t].data(), beta, stream_id(kNegVisible, static_cast<uint64_t>(t) * B), step0 + s);
              hidden_field(rows, Vt[t].data(), Xt[t].data());
              sample_h(rows, Xt[t].data(), Ht[t].data(), beta, stream_id(kNegHidden, static_cast<uint64_t>(t) * B), step0 + s);
            }
          // Replica exchange between neighbouring temperatures (even pairs on even updates, odd on odd):
          // accept with min(1, exp((beta_t - beta_t+1)(E_t - E_t+1))), E = -h.X - b.v, X = W^T v + c.
          auto energy = [&](int t, int r) {
            double e = 0;
            const float *h = Ht[t].data() + static_cast<size_t>(r) * nh, *x = Xt[t].data() + static_cast<size_t>(r) * nh,
                        *v = Vt[t].data() + static_cast<size_t>(r) * nv;
            for (int j = 0; j < nh; ++j) e -= static_cast<double>(h[j]) * x[j];
            for (int i = 0; i < nv; ++i) e -= static_cast<double>(m.b[i]) * v[i];
            return e;
          };
          for (int r = 0; r < rows; ++r) {
            Rng rng(o.seed, stream_id(kPtSwap, static_cast<uint64_t>(r)), t_update);
            for (int t = static_cast<int>(t_update % 2); t + 1 < K; t += 2) {
              const double d = (betas[t] - betas[t + 1]) * (energy(t, r) - energy(t + 1, r));
              if (d >= 0 || rng.uniform() < std::exp(d)) {
                const size_t ov = static_cast<size_t>(r) * nv, oh = static_cast<size_t>(r) * nh;
                std::swap_ranges(Vt[t].begin() + ov, Vt[t].begin() + ov + nv, Vt[t + 1].begin() + ov);
                std::swap_ranges(Ht[t].begin() + oh, Ht[t].begin() + oh + nh, Ht[t + 1].begin() + oh);
                std::swap_ranges(Xt[t].begin() + oh, Xt[t].begin() + oh + nh, Xt[t + 1].begin() + oh);
              }
            }
          }
          std::copy(Vt[0].begin(), Vt[0].begin() + rv, Vn);
          std::copy(Xt[0].begin(), Xt[0].begin() + rh, Xn);
        }
      }
      // Hidden means of data and negatives; the negatives' enter with a minus sign.
      mean_units(m.units, Xp, Hp, 2 * rh, 1.0f);
      for (size_t q = 0; q < rh; ++q) Hn[q] = -Hn[q];
      // Gradient of the mean log-likelihood, <v h>_data - <v h>_model = VV^T HH / rows (and the
      // biases), added by one GEMM straight into the velocity (or into W without momentum / decay).
      lr = o.lr_schedule == "linear" ? o.lr * (1.0 - static_cast<double>(t_update) / static_cast<double>(total_updates)) : o.lr;
      const auto mu = static_cast<float>(o.momentum), step = static_cast<float>(lr / rows),
                 decay = static_cast<float>(lr * o.weight_decay);
      if (mu == 0.0f && decay == 0.0f) {
        sgemm(true, false, nv, nh, 2 * rows, step, VV.data(), nv, HH.data(), nh, 1.0f, m.W.data(), nh);
      } else {
        for (size_t q = 0; q < m.W.size(); ++q) dW[q] = mu * dW[q] - decay * m.W[q];
        sgemm(true, false, nv, nh, 2 * rows, step, VV.data(), nv, HH.data(), nh, 1.0f, dW.data(), nh);
        for (size_t q = 0; q < m.W.size(); ++q) m.W[q] += dW[q];
      }
      std::fill(gb.begin(), gb.end(), 0.0f);
      std::fill(gc.begin(), gc.end(), 0.0f);
      for (int r = 0; r < rows; ++r) {
        const float *v = V + static_cast<size_t>(r) * nv, *vn = Vn + static_cast<size_t>(r) * nv,
                    *hp = Hp + static_cast<size_t>(r) * nh, *hn = Hn + static_cast<size_t>(r) * nh;
        for (int i = 0; i < nv; ++i) gb[i] += v[i] - vn[i];
        for (int j = 0; j < nh; ++j) gc[j] += hp[j] + hn[j];
      }
      for (int i = 0; i < nv; ++i) {
        db[i] = mu * db[i] + step * gb[i];
        m.b[i] += db[i];
      }
      for (int j = 0; j < nh; ++j) {
        dc[j] = mu * dc[j] + step * gc[j];
        m.c[j] += dc[j];
      }
    }
    RbmEpochReport rep;
    rep.epoch = epoch;
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rep.lr = lr;
    rep.model = &m;
    check_finite(m, "training diverged (try a smaller --lr)");
    if (o.monitor_rows > 0)
      rbm_monitor(m, data, o.monitor_rows, o.seed, static_cast<uint64_t>(epoch), &rep.reconstruction_error,
                  &rep.pseudo_log_likelihood);
    if (on_epoch) on_epoch(rep);
  }
  return m;
}

}  // namespace spinlab
