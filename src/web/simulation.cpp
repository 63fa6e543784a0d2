// The lab's simulation thread. Metropolis and heat-bath run on the multi-spin-coded packed lattice
// (sample/msc_lattice.hpp, the fastest kernel for these sizes); Wolff and Swendsen-Wang run on a
// byte state through make_move (which picks the lattice cluster kernels). Switching between the
// two converts the state. Averages use measure/'s estimate_mean over the frames since the last
// change of beta, algorithm, sweeps per frame or start, the first half discarded as thermalisation.
#include "web/simulation.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "core/lattice.hpp"
#include "core/model.hpp"
#include "core/rng.hpp"
#include "exact/oracles.hpp"
#include "measure/chi_accumulator.hpp"
#include "measure/estimators.hpp"
#include "sample/move.hpp"
#include "sample/msc_lattice.hpp"
#include "probe/site_function.hpp"
#include "probe/walls.hpp"
#include "web/frame.hpp"
#include "web/views.hpp"

namespace spinlab::web {
namespace {

bool is_packed_algo(const std::string& a) { return a == "metropolis" || a == "heatbath"; }

// The state and the move of one simulation; lives on the simulation's thread only.
class Engine {
 public:
  // The lattice and hysteresis views run on the periodic L x L square (packed kernels where no
  // field is on); the chambers view on the preset's open box, byte state and make_move (Wolff and
  // Swendsen-Wang take their CSR kernels there: the lattice cluster kernels need a uniform torus).
  Engine(const SimConfig& c)
      : L_(c.L), beta_(c.beta), algo_(c.algo), rng_(c.seed, 0), packable_(c.view != "chambers"),
        lattice_(c.view == "chambers" ? chambers_preset().lattice : Lattice::square(c.L)) {}

  void restart(const std::string& start) {
    bytes_.assign(static_cast<size_t>(L_) * L_, Spin{-1});
    if (start == "hot")
      for (auto& s : bytes_) s = (rng_.next_u32() & 1u) ? Spin{1} : Spin{-1};
    packed_valid_ = false;
    bytes_valid_ = true;
    move_.reset();  // Wolff re-tunes its clusters per sweep from the new state
    sweeps_since_move_ = 0;
  }

  void set_beta(double beta) {
    beta_ = beta;
    if (msc_) msc_->set_beta(beta);
    move_.reset();  // rebuilt (and re-tuned) at the new beta
  }
  // The probe rectangle and its field; a field moves the run to the byte state with a model that
  // has per-site fields (the packed kernels and the lattice cluster kernels take no field).
  void set_probe(const std::optional<std::array<int, 4>>& rect, double h) {
    if (rect == rect_ && h == h_) return;
    const bool model_changes = field_on() || (rect && h != 0.0);
    rect_ = rect;
    h_ = h;
    if (model_changes) {
      field_model_.reset();
      move_.reset();
    }
  }
  // The hysteresis view's uniform field h on every site.
  void set_uniform_field(double h) {
    if (h == uniform_h_) return;
    uniform_h_ = h;
    field_model_.reset();
    move_.reset();
  }
  // New walls (chambers view): the model and the move are rebuilt.
  void set_lattice(Lattice lattice) {
    lattice_ = std::move(lattice);
    model_.reset();
    field_model_.reset();
    move_.reset();
  }
  const Lattice& lattice() const { return lattice_; }
  /// The model without fields (energies are measured on it).
  const IsingModel& model() {
    if (!model_) model_ = std::make_unique<IsingModel>(IsingModel::on_lattice(lattice_));
    return *model_;
  }
  const std::optional<std::array<int, 4>>& rect() const { return rect_; }
  double probe_h() const { return h_; }
  /// Sum of the spins in the rectangle (bytes_ must be current: call after measure()).
  int64_t rect_magnetization() const {
    int64_t m = 0;
    const auto& r = *rect_;
    for (int y = r[1]; y < r[3]; ++y)
      for (int x = r[0]; x < r[2]; ++x) m += bytes_[static_cast<size_t>(x) + static_cast<size_t>(L_) * y];
    return m;
  }

  void set_algo(const std::string& algo) {
    if (algo == algo_) return;
    algo_ = algo;
    msc_.reset();
    move_.reset();
  }

  void sweeps(int n) {
    if (use_packed()) {
      if (!packed_) packed_ = std::make_unique<MscLattice>(2, L_);
      if (!packed_valid_) {
        packed_->pack(bytes_);
        packed_valid_ = true;
      }
      if (!msc_)
        msc_ = std::make_unique<MscUpdate>(packed_->geometry(),
                                           algo_ == "heatbath" ? MscRule::HeatBath : MscRule::Metropolis,
                                           1.0, beta_);
      for (int k = 0; k < n; ++k) msc_->sweep(*packed_, rng_);
      bytes_valid_ = false;
    } else {
      if (packed_valid_ && !bytes_valid_) packed_->unpack(bytes_);
      bytes_valid_ = true;
      packed_valid_ = false;
      model();
      if (field_on() && !field_model_) {
        if (rect_ && h_ != 0.0) {
          std::vector<double> h(static_cast<size_t>(L_) * L_, uniform_h_);
          const auto& r = *rect_;
          for (int y = r[1]; y < r[3]; ++y)
            for (int x = r[0]; x < r[2]; ++x) h[static_cast<size_t>(x) + static_cast<size_t>(L_) * y] += h_;
          field_model_ = std::make_unique<IsingModel>(lattice_.to_graph(), std::move(h));
        } else {
          // The uniform field as hysteresis() builds it (the lattice's graph with per-site fields),
          // so that the loops have the same single-spin dynamics (sequential CSR sweeps) as
          // `spinlab hysteresis`: the checkerboard order would give other loops at a finite rate.
          field_model_ = std::make_unique<IsingModel>(model().graph(), std::vector<double>(model().size(), uniform_h_));
        }
      }
      if (!move_) {
        move_ = make_move(algo_, field_on() ? *field_model_ : *model_, beta_);
        sweeps_since_move_ = 0;
      }
      for (int k = 0; k < n; ++k) {
        move_->sweep(bytes_, rng_);
        // Wolff counts clusters per sweep while "thermalising"; freeze after 20 sweeps so that the
        // measured sweeps do not depend on the state.
        if (++sweeps_since_move_ == 20) move_->end_thermalization(bytes_, rng_);
      }
    }
    total_sweeps_ += n;
  }

  // E/N (the couplings' energy, without the probe's field) and M/N of the current state; makes
  // bytes_ current (for the frame).
  void measure(double& e, double& m) {
    const double n = static_cast<double>(L_) * L_;
    if (!bytes_valid_) {
      const MscTotals t = msc_->measure(*packed_);
      e = t.energy(1.0) / n;
      m = static_cast<double>(t.magnetization) / n;
      packed_->unpack(bytes_);
      bytes_valid_ = true;
    } else if (model_ || !packable_) {
      e = model().energy(bytes_) / n;
      m = static_cast<double>(IsingModel::magnetization(bytes_)) / n;
    } else {
      // No graph was built (packed algorithms, e.g. right after a restart): measure by popcount
      // on the packed copy instead of building an O(N) graph just for E.
      if (!packed_) packed_ = std::make_unique<MscLattice>(2, L_);
      if (!packed_valid_) {
        packed_->pack(bytes_);
        packed_valid_ = true;
      }
      if (!meter_) meter_ = std::make_unique<MscUpdate>(packed_->geometry(), MscRule::Metropolis, 1.0, beta_);
      const MscTotals t = meter_->measure(*packed_);
      e = t.energy(1.0) / n;
      m = static_cast<double>(t.magnetization) / n;
    }
  }

  std::string kernel() const {
    if (use_packed()) return msc_ ? msc_->kernel() : "msc";
    return move_ ? move_->kernel() : algo_;
  }
  const std::vector<Spin>& spins() const { return bytes_; }
  int64_t total_sweeps() const { return total_sweeps_; }
  double beta() const { return beta_; }
  const std::string& algo() const { return algo_; }

 private:
  int L_;
  double beta_;
  std::string algo_;
  Rng rng_;
  std::vector<Spin> bytes_;
  bool bytes_valid_ = false, packed_valid_ = false;
  std::unique_ptr<MscLattice> packed_;
  std::unique_ptr<MscUpdate> msc_;
  std::unique_ptr<MscUpdate> meter_;  // measurements on the packed copy only
  std::unique_ptr<IsingModel> model_;
  std::unique_ptr<Move> move_;
  int64_t sweeps_since_move_ = 0, total_sweeps_ = 0;
  std::optional<std::array<int, 4>> rect_;
  double h_ = 0.0;
  std::unique_ptr<IsingModel> field_model_;  // the lattice with h on the rectangle's sites / everywhere
  bool packable_;
  Lattice lattice_;
  double uniform_h_ = 0.0;

  bool field_on() const { return (rect_.has_value() && h_ != 0.0) || uniform_h_ != 0.0; }
  bool use_packed() const { return packable_ && is_packed_algo(algo_) && !field_on(); }
};

// Probe statistics: <M_rect> and Cov[M_rect, M] from measure/'s ChiAccumulator (probe F = M_rect,
// observable phi = M), after kProbeSkip frames following each change.
constexpr int kProbeSkip = 50;
nlohmann::json probe_json(const ChiAccumulator& acc, double area) {
  if (acc.samples() < 64) return nullptr;
  const ChiEstimates c = acc.estimate();
  return {{"frames", acc.samples()},
          {"m_rect", {{"mean", c.probe_mean[0].mean / area}, {"error", c.probe_mean[0].error / area}}},
          {"cov", {{"mean", c.chi[0].mean / area}, {"error", c.chi[0].error / area}}}};
}

// Per-frame samples since the last reset, at most kMaxSamples: when full, neighbouring pairs are
// averaged (the series becomes one of block means, whose mean and binning error stay valid).
class Series {
 public:
  static constexpr size_t kMaxSamples = 8192;
  void clear() {
    x_.clear();
    stride_ = 1;
    partial_ = 0.0;
    partial_n_ = 0;
  }
  void add(double v) {
    partial_ += v;
    if (++partial_n_ < stride_) return;
    x_.push_back(partial_ / static_cast<double>(stride_));
    partial_ = 0.0;
    partial_n_ = 0;
    if (x_.size() == kMaxSamples) {
      for (size_t i = 0; i < kMaxSamples / 2; ++i) x_[i] = 0.5 * (x_[2 * i] + x_[2 * i + 1]);
      x_.resize(kMaxSamples / 2);
      stride_ *= 2;
    }
  }
  /// Mean of the second half with its error; null until 16 samples are in that half.
  nlohmann::json estimate() const {
    const size_t half = x_.size() / 2;
    if (x_.size() - half < 16) return nullptr;
    const Estimate e = estimate_mean(std::span<const double>(x_).subspan(half));
    return {{"mean", e.mean}, {"error", e.error}, {"tau_int", e.tau_int * static_cast<double>(stride_)},
            {"frames", (x_.size() - half) * stride_}};
  }

 private:
  std::vector<double> x_;
  size_t stride_ = 1;
  double partial_ = 0.0;
  size_t partial_n_ = 0;
};

// Wall inferences running in the whole server (each a detached thread over its own copies): the
// rest wait for a free slot, so that closing and reopening tabs cannot pile them up.
constexpr int kMaxInferences = 2;
std::atomic<int> g_inferences{0};

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Simulation::Simulation(SimConfig config) : config_(std::move(config)) { touch(); }

Simulation::~Simulation() { stop(); }

void Simulation::start() { thread_ = std::thread([this] { run(); }); }

void Simulation::stop() {
  {
    std::lock_guard lk(mu_);
    stop_.store(true);
  }
  cv_commands_.notify_all();
  cv_frames_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool Simulation::post(const SimCommand& c) {
  {
    std::lock_guard lk(mu_);
    if (pending_.remove_bonds.size() + pending_.restore_bonds.size() + c.remove_bonds.size() + c.restore_bonds.size() >
        kMaxPendingBonds)
      return false;
    if (c.beta) pending_.beta = c.beta;
    if (c.algo) pending_.algo = c.algo;
    if (c.sweeps_per_frame) pending_.sweeps_per_frame = c.sweeps_per_frame;
    if (c.start) pending_.start = c.start;
    if (c.paused) pending_.paused = c.paused;
    pending_.steps += c.steps;
    if (c.rect) pending_.rect = c.rect;
    if (c.probe_h) pending_.probe_h = c.probe_h;
    if (c.reset_bonds) {  // the preset's wall, then the edits that follow
      pending_.reset_bonds = true;
      pending_.remove_bonds.clear();
      pending_.restore_bonds.clear();
    }
    // The edits stay disjoint (a later edit of a bond replaces an earlier one), so that applying
    // all removals and then all restorations keeps their order.
    for (const LabBond& b : c.remove_bonds) {
      std::erase(pending_.restore_bonds, b);
      pending_.remove_bonds.push_back(b);
    }
    for (const LabBond& b : c.restore_bonds) {
      std::erase(pending_.remove_bonds, b);
      pending_.restore_bonds.push_back(b);
    }
    pending_.infer = pending_.infer || c.infer;
    if (c.infer_auto) pending_.infer_auto = c.infer_auto;
    if (c.field_max) pending_.field_max = c.field_max;
    if (c.steps_per_branch) pending_.steps_per_branch = c.steps_per_branch;
    has_pending_ = true;
  }
  touch();
  cv_commands_.notify_all();
  return true;
}

std::optional<Frame> Simulation::wait_frame(uint64_t after_seq, std::chrono::milliseconds timeout) {
  std::unique_lock lk(mu_);
  cv_frames_.wait_for(lk, timeout, [&] { return stop_.load() || frame_.seq > after_seq; });
  if (stop_.load() || frame_.seq <= after_seq) return std::nullopt;
  return frame_;
}

Frame Simulation::latest() const {
  std::lock_guard lk(mu_);
  return frame_;
}

void Simulation::run() {
  // A failure inside the engine (e.g. out of memory) must not take the server down: the page
  // gets one frame {"error": ...} and the simulation stops.
  try {
    run_loop();
  } catch (const std::exception& e) {
    {
      std::lock_guard lk(mu_);
      frame_.seq += 1;
      frame_.json = std::make_shared<const std::string>(nlohmann::json{{"seq", frame_.seq}, {"error", e.what()}}.dump());
    }
    cv_frames_.notify_all();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let streams deliver it
    stop_.store(true);
    cv_frames_.notify_all();
  }
}

namespace {

// The chambers lattice after bond edits: the current removed bonds (or the preset's, after a
// reset), minus the restored ones, plus the removed ones.
Lattice edited_chambers(const Lattice& current, const SimCommand& c) {
  const ChambersPreset preset = chambers_preset();
  std::set<std::pair<int32_t, int>> removed;
  for (const auto& b : (c.reset_bonds ? preset.lattice : current).removed_bonds()) removed.insert({b.site, b.dir});
  const Lattice& box = preset.lattice;
  for (const LabBond& b : c.restore_bonds) removed.erase({box.site(b[0], b[1]), b[2]});
  for (const LabBond& b : c.remove_bonds) removed.insert({box.site(b[0], b[1]), b[2]});
  Lattice lat = Lattice::square(box.extent(0), Boundary::Open);
  for (const auto& [site, dir] : removed) lat.remove_bond(site, dir);
  return lat;
}

nlohmann::json removed_bonds_json(const Lattice& lat) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : lat.removed_bonds()) {
    const auto c = lat.coords(b.site);
    out.push_back({c[0], c[1], b.dir});
  }
  return out;
}

}  // namespace

void Simulation::run_loop() {
  const std::string& view = config_.view;
  Engine engine(config_);
  engine.restart(config_.start);
  int spf = config_.sweeps_per_frame;
  bool paused = false;
  int steps = 0;
  Series e_series, m_series;
  ChiAccumulator probe_acc(1, 1);
  int probe_frames = 0;  // frames since the last change (the first kProbeSkip are not used)
  nlohmann::json probe_stats = nullptr;
  nlohmann::json e_avg = nullptr, m_avg = nullptr;
  std::optional<ChambersStats> chambers;
  if (view == "chambers") chambers.emplace(engine.model());
  std::optional<HysteresisRun> hyst;
  if (view == "hysteresis") hyst.emplace(config_.field_max, config_.steps);
  nlohmann::json curves = nullptr, block_map = nullptr, inference = nullptr;
  bool infer_auto = false;
  struct InferenceSlot {
    std::mutex mu;
    std::atomic<bool> done{false};
    uint64_t generation = 0;
    nlohmann::json result;
  };
  std::shared_ptr<InferenceSlot> inferring;
  uint64_t model_generation = 0;
  auto last_infer = std::chrono::steady_clock::time_point{};
  auto last_stats = std::chrono::steady_clock::time_point{};
  const auto frame_interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / config_.max_fps));
  auto next_frame = std::chrono::steady_clock::now();
  std::vector<uint8_t> bits;
  uint64_t seq = 0;
  bool first = true;

  while (!stop_.load()) {
    SimCommand c;
    {
      std::unique_lock lk(mu_);
      // Wait while paused (until a command) or until the next frame slot (pacing).
      auto ready = [&] { return stop_.load() || has_pending_; };
      if (!first) {
        if (paused && steps == 0) cv_commands_.wait(lk, ready);
        else cv_commands_.wait_until(lk, next_frame, ready);
      }
      if (stop_.load()) break;
      if (has_pending_) {
        c = std::move(pending_);
        pending_ = SimCommand{};
        has_pending_ = false;
      }
    }
    bool reset = false, infer_now = c.infer;
    if (c.beta && *c.beta != engine.beta()) engine.set_beta(*c.beta), reset = true;
    if (c.algo && *c.algo != engine.algo()) engine.set_algo(*c.algo), reset = true;
    if (c.sweeps_per_frame && *c.sweeps_per_frame != spf) spf = *c.sweeps_per_frame, reset = true;
    if (c.start) engine.restart(*c.start), reset = true;
    if (c.paused) paused = *c.paused;
    steps += c.steps;
    if (chambers) {
      if (c.rect) chambers->set_probe(*c.rect);  // the curves start again; the map and counts go on
      if (c.reset_bonds || !c.remove_bonds.empty() || !c.restore_bonds.empty()) {
        engine.set_lattice(edited_chambers(engine.lattice(), c));
        reset = true;
      }
      if (c.infer_auto) infer_auto = *c.infer_auto;
    } else if (c.rect || c.probe_h) {
      engine.set_probe(c.rect ? *c.rect : engine.rect(), c.probe_h ? *c.probe_h : engine.probe_h());
      reset = true;
    }
    if (hyst && (c.field_max || c.steps_per_branch)) {
      hyst.emplace(c.field_max.value_or(hyst->H()), c.steps_per_branch.value_or(hyst->steps()));
      reset = true;
    }
    if (reset) {
      probe_acc = ChiAccumulator(1, 1);
      probe_frames = 0;
      probe_stats = nullptr;
      e_series.clear();
      m_series.clear();
      e_avg = m_avg = nullptr;
      if (chambers) {
        chambers->reset(engine.model());
        inference = nullptr;
        ++model_generation;  // an inference still running is for the old model
      }
      if (hyst) {
        // Every loop from the saturated state m = -1 at h = -H, as hysteresis() runs them (a hot
        // start asked for now keeps its random state).
        hyst->restart();
        if (!c.start) engine.restart("cold");
      }
    }
    const bool frame_due = std::chrono::steady_clock::now() >= next_frame;
    const bool visible = reset || c.rect || infer_now || c.paused.has_value();  // a frame shows the pause
    if (paused && steps == 0 && !visible && !first) continue;  // a command that changed nothing visible
    if (!paused && !frame_due && !visible && !first) continue;  // woken early by a command

    // Run the frame's sweeps (none for the first frame, a restart or a change while paused).
    // A restart shows its start state first.
    const bool run_sweeps = !first && !c.start && (!paused || steps > 0) && !(paused && visible && steps == 0);
    if (run_sweeps) {
      if (hyst) engine.set_uniform_field(hyst->field());
      if (chambers) {
        // One configuration per sweep into the view's statistics.
        for (int k = 0; k < spf; ++k) {
          engine.sweeps(1);
          chambers->add(engine.model(), engine.spins());
        }
      } else {
        engine.sweeps(spf);
      }
      if (paused) --steps;
    }
    first = false;
    double e = 0.0, m = 0.0;
    engine.measure(e, m);
    if (run_sweeps && hyst) hyst->record(m);
    double m_rect = 0.0, area = 1.0;
    if (engine.rect()) {
      const auto& r = *engine.rect();
      area = static_cast<double>(r[2] - r[0]) * (r[3] - r[1]);
      m_rect = static_cast<double>(engine.rect_magnetization());
    }
    if (run_sweeps) {
      e_series.add(e);
      m_series.add(std::fabs(m));
      if (engine.rect() && ++probe_frames > kProbeSkip) {
        const double f[1] = {m_rect}, phi[1] = {m * engine.model().size()};
        probe_acc.add(f, phi);
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (chambers) {
      // The pseudo-likelihood fit takes seconds on the 80 x 80 box: it runs on a thread of its own
      // over a copy of the counts (one at a time), and the frames go on meanwhile. The thread
      // shares only its result slot, so a simulation that stops need not wait for it.
      if (inferring && inferring->done.load()) {
        std::lock_guard lk(inferring->mu);
        if (inferring->generation == model_generation) inference = std::move(inferring->result);
        inferring.reset();
      }
      const bool wanted = infer_now || (infer_auto && now - last_infer > std::chrono::seconds(1));
      if (wanted && !inferring && g_inferences.load() < kMaxInferences) {
        if (auto counts = chambers->counts_snapshot()) {
          ++g_inferences;
          inferring = std::make_shared<InferenceSlot>();
          inferring->generation = model_generation;
          std::thread([slot = inferring, counts, lat = engine.lattice()] {
            nlohmann::json r;
            try {
              r = ChambersStats::infer_from(*counts, lat);
            } catch (const std::exception& e) {
              r = {{"error", e.what()}};
            }
            std::lock_guard lk(slot->mu);
            slot->result = std::move(r);
            slot->done.store(true);
            --g_inferences;
          }).detach();
          last_infer = now;
        } else if (infer_now) {
          inference = {{"samples", chambers->samples()}, {"needs", ChambersStats::kCountBlocks * ChambersStats::kChunk}};
        }
      }
    }
    if (now - last_stats > std::chrono::milliseconds(100) || paused || visible) {  // estimate_mean is O(n log n)
      e_avg = e_series.estimate();
      m_avg = m_series.estimate();
      probe_stats = engine.rect() ? probe_json(probe_acc, area) : nullptr;
      if (chambers) {
        curves = chambers->curves_json();
        block_map = chambers->map_json();
      }
      last_stats = now;
    }
    const bool periodic = view == "lattice";
    nlohmann::json exact_j = nullptr;
    if (periodic) {  // Onsager's values: the periodic lattice without a field, L -> infinity
      const OnsagerResult exact = onsager(engine.beta());
      exact_j = {{"e", exact.energy_per_spin}, {"abs_m", exact.spontaneous_magnetization}};
    }
    nlohmann::json j = {{"seq", ++seq},
                        {"t_ms", unix_ms()},
                        {"view", view},
                        {"L", config_.L},
                        {"beta", engine.beta()},
                        {"algo", engine.algo()},
                        {"kernel", engine.kernel()},
                        {"sweeps_per_frame", spf},
                        {"sweeps", engine.total_sweeps()},
                        {"paused", paused},
                        {"e", e},
                        {"m", m},
                        {"abs_m", std::fabs(m)},
                        {"avg", {{"e", e_avg}, {"abs_m", m_avg}}},
                        {"exact", exact_j}};
    if (engine.rect())
      j["probe"] = {{"rect", *engine.rect()}, {"h", engine.probe_h()}, {"m_rect", m_rect / area}, {"stats", probe_stats}};
    else
      j["probe"] = nullptr;
    if (chambers) {
      const Lattice& lat = engine.lattice();
      j["chambers"] = {{"walls", removed_bonds_json(lat)},
                       {"walls_merged", merge_walls(lat, lat.removed_bonds())},
                       {"samples", chambers->samples()},
                       {"curves", curves},
                       {"map", block_map},
                       {"inference", inference},
                       {"inferring", inferring != nullptr},
                       {"infer_auto", infer_auto}};
    }
    if (hyst) j["hysteresis"] = hyst->state();
    std::string text = j.dump();
    text.pop_back();  // the spins go in by hand: base64 needs no escaping
    text += ",\"spins\":\"";
    pack_spins_rowmajor(engine.spins(), bits);
    base64_append(bits, text);
    text += "\"}";
    {
      std::lock_guard lk(mu_);
      frame_.seq = seq;
      frame_.json = std::make_shared<const std::string>(std::move(text));
    }
    cv_frames_.notify_all();
    next_frame = std::max(next_frame + frame_interval, now);
  }
  cv_frames_.notify_all();
}

}  // namespace spinlab::web
