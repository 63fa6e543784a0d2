// Parallel tempering (replica exchange; Hukushima & Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996))
// with two independent replica sets, for spin-glass overlaps, and temperature ladders.
//
// Layout: R inverse temperatures beta_0 < ... < beta_{R-1} ("slots"). Each of the two sets
// (a = 0, b = 1) holds R replicas; exchanges only happen within a set, so the sets stay
// independent Markov chains and q = s^a . s^b / N is an overlap of two independent replicas.
//
// Random streams (ARCHITECTURE.md, "Random streams"): replica r of set c (r = the slot it
// started in) owns stream `stream_base + c R + r` for its whole life, wherever it wanders; the
// exchange decisions of set c use stream `stream_base + 2R + c`. A job running many disorder
// samples passes stream_base = sample_index * streams_per_sample(R), so every sample draws its
// own numbers no matter which thread runs it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/rng.hpp"
#include "sample/move.hpp"

namespace spinlab {

/// R inverse temperatures, geometric between beta_min and beta_max (equivalently geometric in T:
/// T_k / T_{k+1} constant), ascending, endpoints exact. InputError unless 0 < beta_min <= beta_max,
/// both finite, R >= 1, and beta_min == beta_max when R == 1.
std::vector<double> geometric_ladder(double beta_min, double beta_max, int R);

/// One feedback step that evens out exchange acceptance rates, endpoints fixed.
/// For Gaussian energy distributions of width sigma, the exchange between beta and beta + d is
/// accepted with probability A = erfc(d sigma / 2) (Kofke, J. Chem. Phys. 117, 6911 (2002)), so
/// erfc^{-1}(A_k) measures the "thermodynamic length" d_k sigma_k / 2 of interval k. The lengths
/// are spread evenly over their intervals and the new betas cut the total length into R - 1 equal
/// parts (all A equal is the fixed point); the result is mixed with the old ladder as (1 - damping)
/// old + damping new, which keeps it ascending and damps the rates' noise. `acceptance` has R - 1
/// entries (pair k = slots k, k+1); rates are clamped to [1e-6, 1 - 1e-6].
std::vector<double> equalize_acceptance_ladder(std::span<const double> betas,
                                               std::span<const double> acceptance,
                                               double damping = 0.5);

class ParallelTempering {
 public:
  static constexpr int kSets = 2;
  /// Streams one PT run uses (2R replicas + 2 exchange streams): the stride between samples.
  static uint64_t streams_per_sample(size_t R) { return 2 * static_cast<uint64_t>(R) + 2; }

  /// One move per (set, slot) from the registry (`algo`: any name or composite make_move takes);
  /// every replica starts in a hot (random) state drawn from its own stream. The model must
  /// outlive this object. InputError for empty, non-finite, negative or non-ascending betas
  /// (equal neighbours are allowed) and for what make_move rejects.
  ParallelTempering(const IsingModel& model, std::string_view algo, std::vector<double> betas,
                    uint64_t seed, uint64_t stream_base = 0);

  int num_temperatures() const { return static_cast<int>(betas_.size()); }
  const std::vector<double>& betas() const { return betas_; }
  const IsingModel& model() const { return *model_; }
  std::string algo_name() const { return moves_.front()->name(); }
  std::string kernel() const { return moves_.front()->kernel(); }
  int64_t steps() const { return steps_; }

  /// One PT step: one sweep of every replica, then one exchange pass in each set over the pairs
  /// (k, k+1) with k even on even steps and k odd on odd steps, each accepted with
  /// min(1, exp((beta_k - beta_{k+1})(E_k - E_{k+1}))) as threshold / 2^32
  /// (acceptance_threshold); every attempt draws exactly one word of the set's exchange stream.
  void step();
  /// Houdayer cluster moves (Eur. Phys. J. B 22, 479 (2001)): after the sweeps of every step,
  /// at each slot, the two replicas (sets a and b) exchange the spins of one cluster of sites
  /// where they disagree (q_i = s^a_i s^b_i = -1, connected through non-zero couplings, grown
  /// from a random such site drawn from set a's replica stream). s^a_i + s^b_i = 0 on the
  /// cluster, so E_a + E_b and the fields' terms are unchanged and the move is accepted always;
  /// the proposal is symmetric (q is unchanged). It moves whole domains of the overlap, which
  /// single-spin sweeps cannot, and helps in 2D, where the q = -1 clusters do not percolate.
  /// Off by default; refused for dense (SK) models, whose one cluster is all of q = -1.
  void set_houdayer(bool on);
  bool houdayer() const { return houdayer_; }
  /// One Houdayer move at every slot (what step() does after the sweeps when houdayer() is on).
  void houdayer_step();
  /// Houdayer moves made and spins they flipped (per replica) since reset_statistics().
  int64_t houdayer_moves() const { return houdayer_moves_; }
  int64_t houdayer_flipped() const { return houdayer_flipped_; }
  /// Ends thermalisation: calls Move::end_thermalization on every move with its replica.
  void end_thermalization();

  /// The configuration at slot k of set c, and its energy (model.energy, incl. the offset).
  std::span<const Spin> state(int set, int slot) const {
    const int r = slot_replica_[set * R() + slot];
    return {states_.data() + static_cast<size_t>(set * R() + r) * n_, n_};
  }
  double energy(int set, int slot) const {
    return energy_[set * R() + slot_replica_[set * R() + slot]];
  }
  /// Which replica (its starting slot) sits at slot k of set c.
  int replica_at(int set, int slot) const { return slot_replica_[set * R() + slot]; }

  /// New betas for the slots (same count, ascending); replicas stay where they are.
  void set_betas(std::vector<double> betas);
  /// Feedback-tuned ladder: `rounds` rounds of `steps_per_round` steps, each followed by
  /// equalize_acceptance_ladder on the rates of both sets pooled; statistics are reset after.
  /// Does nothing (but run the steps) when R < 3.
  void adapt_ladder(int rounds, int64_t steps_per_round, double damping = 0.5);

  // Statistics since the last reset_statistics().
  /// Attempts and accepted exchanges of pair k (slots k, k+1) in set c.
  int64_t exchange_attempts(int set, int pair) const { return attempts_[set * R() + pair]; }
  int64_t exchange_accepts(int set, int pair) const { return accepts_[set * R() + pair]; }
  /// Accepted / attempted for pair k, both sets pooled (0 when never attempted); R - 1 entries.
  std::vector<double> acceptance_rates() const;
  /// Completed round trips of set c: a replica that arrived at the coldest slot (R - 1), then
  /// reached the hottest slot (0), arrives at slot R - 1 again. The trip time is the number of
  /// steps between the two arrivals. R < 2: no round trips.
  int64_t round_trips(int set) const { return trips_[set]; }
  /// Mean round-trip time in steps over both sets (0 when none completed).
  double mean_round_trip_steps() const;
  void reset_statistics();

 private:
  int R() const { return static_cast<int>(betas_.size()); }
  void exchange_set(int set, int parity);
  void update_ends();
  void houdayer_move(int slot);

  const IsingModel* model_;
  size_t n_;
  std::vector<double> betas_;
  std::vector<std::unique_ptr<Move>> moves_;  // [set * R + slot], bound to the slot's beta
  std::vector<Spin> states_;                  // [(set * R + replica) * N + i]
  std::vector<double> energy_;                // [set * R + replica]
  std::vector<Rng> rngs_;                     // [set * R + replica], then the 2 exchange streams
  std::vector<int> slot_replica_;             // [set * R + slot] -> replica
  int64_t steps_ = 0;
  bool houdayer_ = false;
  std::vector<int32_t> cluster_stack_, disagree_;
  std::vector<uint8_t> in_cluster_;
  // Statistics.
  int64_t houdayer_moves_ = 0, houdayer_flipped_ = 0;
  std::vector<int64_t> attempts_, accepts_;  // [set * R + pair]
  std::vector<int8_t> last_end_;             // [set * R + replica]: -1 none, 0 hottest, 1 coldest
  std::vector<int64_t> trip_start_;          // [set * R + replica]: step of the last arrival at R-1
  std::array<int64_t, kSets> trips_{};
  int64_t trip_steps_ = 0;
};

}  // namespace spinlab
