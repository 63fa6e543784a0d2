// bench_network_moves (social/bench.hpp).
#include "social/bench.hpp"

#include <chrono>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "sample/move.hpp"

namespace spinlab {

std::vector<NetworkBenchRow> bench_network_moves(const IsingModel& model, const std::vector<std::string>& algos,
                                                 double beta, int64_t sweeps, uint64_t seed) {
  using Clock = std::chrono::steady_clock;
  if (sweeps < 1) throw InputError("--sweeps must be >= 1");
  if (algos.empty()) throw InputError("--algo: give at least one move");
  std::vector<NetworkBenchRow> rows;
  for (const auto& a : algos) {
    NetworkBenchRow row;
    row.algo = a;
    row.sweeps = sweeps;
    Rng rng(seed, 0);
    std::vector<Spin> s = hot_state(model.size(), rng);
    model.pin(s);
    const auto t0 = Clock::now();
    auto move = make_move(a, model, beta);
    row.setup_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    row.kernel = move->kernel();
    move->sweep(s, rng);
    const auto t1 = Clock::now();
    for (int64_t k = 0; k < sweeps; ++k) move->sweep(s, rng);
    row.seconds = std::chrono::duration<double>(Clock::now() - t1).count();
    row.updates_per_second = static_cast<double>(model.size()) * sweeps / row.seconds;
    row.m_final = static_cast<double>(IsingModel::magnetization(s)) / model.size();
    rows.push_back(row);
  }
  return rows;
}

}  // namespace spinlab
