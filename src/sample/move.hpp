// The Move interface every sampler implements, and the registry that names them.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/rng.hpp"

namespace spinlab {

/// One Markov-chain update rule bound to a model. A move owns its work buffers (allocated once,
/// never per sweep) and holds a reference to the model, which must outlive it.
class Move {
 public:
  virtual ~Move() = default;
  /// One sweep: N single-spin attempts, one Swendsen-Wang update, or Wolff clusters until
  /// at least N spins were flipped in total (see the registry descriptions).
  virtual void sweep(std::span<Spin> s, Rng& rng) = 0;
  virtual void set_beta(double beta) = 0;
  virtual double beta() const = 0;
  virtual std::string name() const = 0;
  /// Which code path runs (e.g. "csr-table", "csr"), reported in results.
  virtual std::string kernel() const { return "generic"; }
  /// Called once when thermalisation ends. Moves that tune themselves while thermalising
  /// (Wolff's clusters per sweep) freeze their settings here: adapting during measurement
  /// would make the sweep length depend on the state and bias the averages. A move that has
  /// not tuned enough yet may run further (thermalisation) sweeps on s first.
  virtual void end_thermalization(std::span<Spin> s, Rng& rng) {}
  /// Threads inside one sweep, for moves that split a sweep (heatbath-colored); returns how many
  /// the move will use (1 for the others). Results never depend on it.
  virtual int set_threads(int threads) { return 1; }
};

/// Single-spin moves also expose the exact probability their kernel uses to flip spin i in
/// state s (the tests build transition matrices from it to check detailed balance).
class SingleSpinMove : public Move {
 public:
  virtual double flip_probability(int32_t i, std::span<const Spin> s) const = 0;
  /// Update spin i once, exactly as the sweep does.
  virtual void update_site(int32_t i, std::span<Spin> s, Rng& rng) = 0;
};

using MoveFactory = std::function<std::unique_ptr<Move>(const IsingModel&, double beta)>;

struct MoveInfo {
  std::string name;
  std::string description;
  MoveFactory make;
  /// False for opinion dynamics that do not sample the Boltzmann distribution (majority rule,
  /// voter, majority-vote): the equilibrium tests skip them and `spinlab list` marks them.
  bool equilibrium = true;
};

/// Every registered algorithm, in the order `spinlab list` prints them.
const std::vector<MoveInfo>& move_registry();

/// Builds a move from a name, or a composite "a+b+..." that runs each part once per sweep
/// (e.g. "wolff+metropolis"). Unknown names and unsuitable models throw InputError.
std::unique_ptr<Move> make_move(std::string_view spec, const IsingModel& model, double beta);

}  // namespace spinlab
