// social_target: targeted-field strategies on network realisations (social/target.hpp).
#include "social/target.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>

#include "core/error.hpp"
#include "measure/parallel.hpp"
#include "sample/move.hpp"

namespace spinlab {
namespace {

// Indices of the K largest scores (ties: larger degree, then lower index).
std::vector<int32_t> top_k(const std::vector<double>& score, const Graph& g, int K) {
  std::vector<int32_t> idx(score.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) {
    return score[a] != score[b] ? score[a] > score[b] : g.degree(a) > g.degree(b);
  });
  idx.resize(K);
  return idx;
}

struct Run {
  double final_m = 0.0;
  double flip_time = -1.0;  // -1: did not flip
};

Estimate mean_error(const std::vector<double>& x) {
  Estimate e;
  if (x.empty()) {
    e.mean = e.error = NAN;
    return e;
  }
  double s = 0.0, s2 = 0.0;
  for (double v : x) s += v, s2 += v * v;
  const double n = static_cast<double>(x.size());
  e.mean = s / n;
  e.error = n > 1 ? std::sqrt(std::max(0.0, (s2 - s * s / n) / (n - 1)) / n) : NAN;
  e.n_eff = n;  // independent runs
  return e;
}

}  // namespace

TargetResult social_target(const NetworkOptions& network, const TargetOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.budget < 1) throw InputError("--budget must be >= 1");
  if (!std::isfinite(o.h)) throw InputError("--h must be finite");
  if (!(o.beta >= 0.0) || !std::isfinite(o.beta)) throw InputError("--beta must be finite and >= 0");
  if (o.max_sweeps < 1) throw InputError("--sweeps must be >= 1");
  if (o.replicas < 2) throw InputError("--replicas must be >= 2");
  if (o.networks < 1) throw InputError("--networks must be >= 1");
  for (const auto& s : o.strategies)
    if (s != "hubs" && s != "random" && s != "bridges" && s != "walls")
      throw InputError("--strategies: unknown strategy '" + s + "' (known: hubs, random, bridges, walls)");
  const int S = static_cast<int>(o.strategies.size());
  TargetResult result;
  std::vector<std::vector<Run>> runs(S);
  std::vector<std::string> why_not(S);
  ProgressCounter progress(static_cast<double>(o.networks) * S * o.replicas * o.max_sweeps, o.progress);
  for (int r = 0; r < o.networks; ++r) {
    NetworkOptions no = network;
    no.seed = network.seed + static_cast<uint64_t>(r);
    const SocialNetwork net = build_network(no);
    if (r == 0) result.description = net.description;
    const Graph& g = net.model.graph();
    const int32_t n = net.model.size();
    if (o.budget > n) throw InputError("--budget exceeds the number of nodes");
    if (!o.start.empty() && static_cast<int32_t>(o.start.size()) != n)
      throw InputError("--state: " + std::to_string(o.start.size()) + " spins, the network has " + std::to_string(n));
    std::vector<Spin> start = o.start.empty() ? std::vector<Spin>(n, -1) : o.start;
    net.model.pin(start);
    std::vector<std::vector<int32_t>> fixed_targets(S);
    std::vector<double> between;
    for (int k = 0; k < S; ++k) {
      const std::string& s = o.strategies[k];
      std::vector<double> score(n, 0.0);
      if (s == "hubs") {
        for (int32_t v = 0; v < n; ++v) score[v] = g.degree(v);
      } else if (s == "bridges") {
        if (between.empty()) between = betweenness(g);
        score = between;
      } else if (s == "walls") {
        const auto off = g.offsets();
        const auto nb = g.neighbors();
        double total = 0.0;
        for (int32_t v = 0; v < n; ++v) {
          for (int64_t e = off[v]; e < off[v + 1]; ++e) score[v] += start[nb[e]] != start[v];
          if (net.model.is_frozen(v)) score[v] = -1.0;  // a zealot cannot be tilted
          total += std::max(0.0, score[v]);
        }
        if (total == 0.0) {
          why_not[k] = "the start state has no domain walls: add zealots of the other opinion (--zealots SITES:+1) or give --state";
          continue;
        }
      }
      if (s != "random") fixed_targets[k] = top_k(score, g, o.budget);
    }
    const int tasks = S * o.replicas;
    std::vector<std::vector<Spin>> final_states(S);
    std::vector<std::vector<Run>> local(S, std::vector<Run>(o.replicas));
    parallel_tasks(tasks, o.threads, [&](int t) {
      const int k = t / o.replicas, q = t % o.replicas;
      if (!why_not[k].empty()) return;
      // Stream: (network, strategy, replica) -- never the thread.
      Rng rng(o.seed, (static_cast<uint64_t>(r) * S + k) * 1'000'003ULL + q);
      std::vector<int32_t> targets = fixed_targets[k];
      if (o.strategies[k] == "random") {
        std::vector<int32_t> idx(n);
        std::iota(idx.begin(), idx.end(), 0);
        for (int j = 0; j < o.budget; ++j) std::swap(idx[j], idx[j + rng.below(static_cast<uint32_t>(n - j))]);
        targets.assign(idx.begin(), idx.begin() + o.budget);
      }
      std::vector<double> h(net.model.fields().begin(), net.model.fields().end());
      for (int32_t v : targets) h[v] += o.h;
      const IsingModel m = net.model.with_fields(std::move(h));
      auto move = make_move(o.algo, m, o.beta);
      std::vector<Spin> s = start;
      Run run;
      for (int64_t sweep = 1; sweep <= o.max_sweeps; ++sweep) {
        move->sweep(s, rng);
        if (run.flip_time < 0 && IsingModel::magnetization(s) > 0) run.flip_time = static_cast<double>(sweep);
        if (sweep % 16 == 0) progress.add(16);
      }
      progress.add(o.max_sweeps % 16);
      run.final_m = static_cast<double>(IsingModel::magnetization(s)) / n;
      if (r == 0 && q == 0 && result.final_state.empty()) final_states[k] = s;
      local[k][q] = run;
    });
    for (int k = 0; k < S; ++k)
      if (why_not[k].empty()) runs[k].insert(runs[k].end(), local[k].begin(), local[k].end());
    for (int k = 0; k < S && result.final_state.empty(); ++k)
      if (!final_states[k].empty()) result.final_state = final_states[k];
  }
  for (int k = 0; k < S; ++k) {
    StrategyResult sr;
    sr.name = o.strategies[k];
    if (!why_not[k].empty()) {
      sr.applicable = false;
      sr.why_not = why_not[k];
      result.strategies.push_back(sr);
      continue;
    }
    std::vector<double> fm, ft;
    for (const Run& run : runs[k]) {
      fm.push_back(run.final_m);
      if (run.flip_time >= 0) ft.push_back(run.flip_time);
    }
    sr.runs = static_cast<int>(runs[k].size());
    sr.final_magnetization = mean_error(fm);
    sr.time_to_flip = mean_error(ft);
    sr.flipped_fraction = static_cast<double>(ft.size()) / std::max<size_t>(1, runs[k].size());
    result.strategies.push_back(sr);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace spinlab
