// Multi-spin-coded lattice: geometry, packing, thresholds, SIMD dispatch and the two-colour sweep
// over a ThreadTeam (any split of the groups gives the same bits, see msc_lattice.hpp).
#include "sample/msc_lattice.hpp"

#include <cmath>

#include "core/error.hpp"
#include "sample/msc_kernel.hpp"
#include "sample/thread_team.hpp"

namespace spinlab {

const char* simd_level_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Avx2: return "avx2";
    default: return "scalar";
  }
}

bool simd_level_available(SimdLevel level) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  switch (level) {
    case SimdLevel::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vpopcntdq") &&
             __builtin_cpu_supports("vaes");
    case SimdLevel::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("vaes");
    default: return true;
  }
#else
  return level == SimdLevel::Scalar;
#endif
}

SimdLevel best_simd_level() {
  static const SimdLevel best = simd_level_available(SimdLevel::Avx512) ? SimdLevel::Avx512
                                : simd_level_available(SimdLevel::Avx2) ? SimdLevel::Avx2
                                                                         : SimdLevel::Scalar;
  return best;
}

// ---------------------------------------------------------------------------------------------
std::string MscGeometry::unsupported_reason(int dim, int64_t L) {
  if (dim != 2 && dim != 3) return "only square (2D) and simple-cubic (3D) lattices are multi-spin coded";
  if (L < 8) return "L must be at least 8";
  if (L > (int64_t{1} << 20)) return "L is too large";
  if (L <= 128 ? L % 8 != 0 : !(L == 256 || L == 512 || L % 1024 == 0))
    return "L must be a multiple of 8 up to 128, 256, 512 or a multiple of 1024";
  return {};
}

MscGeometry MscGeometry::make(int dim, int64_t L) {
  const std::string why = unsupported_reason(dim, L);
  if (!why.empty()) throw InputError("multi-spin-coded lattice: " + why + " (got " + std::to_string(dim) + "D, L = " + std::to_string(L) + ")");
  MscGeometry g;
  g.dim = dim;
  g.L = L;
  g.W = L >= 128 ? L / 128 : 1;
  g.bits = L >= 128 ? 64 : static_cast<int>(L / 2);
  g.rows = dim == 2 ? L : L * L;
  g.words = g.rows * g.W;
  return g;
}

namespace {

uint64_t valid_mask(const MscGeometry& g) { return g.bits == 64 ? ~uint64_t{0} : (uint64_t{1} << g.bits) - 1; }

msc::PassArgs base_args(const MscGeometry& g) {
  msc::PassArgs a;
  a.geo = g;
  a.valid = valid_mask(g);
  return a;
}

// Runs f(t, g0, g1) over the groups [0, G) split in contiguous bands, one per team member t.
// Passes too small to pay for waking the team run on the caller alone.
template <class F>
void parallel_groups(int64_t G, ThreadTeam* team, F f) {
  constexpr int64_t kMinGroupsPerThread = 512;  // 256 Ki spins
  if (!team || team->size() == 1 || G < 2 * kMinGroupsPerThread) {
    f(0, int64_t{0}, G);
    return;
  }
  team->run([&](int t, int n) { f(t, G * t / n, G * (t + 1) / n); });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
MscLattice::MscLattice(int dim, int64_t L) : g_(MscGeometry::make(dim, L)) {
  bits_.assign(static_cast<size_t>(2 * g_.words), 0);
}

void MscLattice::fill(Spin s) {
  const uint64_t v = s > 0 ? valid_mask(g_) : 0;
  std::fill(bits_.begin(), bits_.end(), v);
}

void MscLattice::randomize(Rng& rng, int threads) {
  msc::PassArgs a = base_args(g_);
  a.key = ars::make_key(rng.seed(), rng.stream());
  a.id = rng.take_blocks(1);
  std::unique_ptr<ThreadTeam> team = threads > 1 ? std::make_unique<ThreadTeam>(threads) : nullptr;
  for (int c = 0; c < 2; ++c) {
    a.colour = c;
    a.self = colour(c);
    parallel_groups(g_.words / 8, team.get(), [&](int, int64_t g0, int64_t g1) {
      if (simd_level_available(SimdLevel::Avx512))
        msc::randomize_avx512(a, g0, g1);
      else
        msc::randomize_scalar(a, g0, g1);
    });
  }
}

namespace {
// Site of colour c, row r, rank k -> byte index; calls f(c, word index, bit, site index).
template <class F>
void for_each_site(const MscGeometry& g, F f) {
  for (int c = 0; c < 2; ++c)
    for (int64_t r = 0; r < g.rows; ++r) {
      const int64_t y = r % g.L, z = r / g.L;
      const int64_t p = (c + y + z) & 1;
      for (int64_t k = 0; k < g.L / 2; ++k) f(c, r * g.W + k / 64, static_cast<int>(k % 64), p + 2 * k + g.L * r);
    }
}
}  // namespace

void MscLattice::pack(std::span<const Spin> s) {
  if (static_cast<int64_t>(s.size()) != size())
    throw InputError("multi-spin-coded lattice: pack needs " + std::to_string(size()) + " spins");
  std::fill(bits_.begin(), bits_.end(), 0);
  for_each_site(g_, [&](int c, int64_t w, int b, int64_t i) {
    if (s[i] > 0) colour(c)[w] |= uint64_t{1} << b;
  });
}

void MscLattice::unpack(std::span<Spin> s) const {
  if (static_cast<int64_t>(s.size()) != size())
    throw InputError("multi-spin-coded lattice: unpack needs " + std::to_string(size()) + " spins");
  for_each_site(g_, [&](int c, int64_t w, int b, int64_t i) { s[i] = (colour(c)[w] >> b) & 1 ? 1 : -1; });
}

std::vector<Spin> MscLattice::unpack() const {
  std::vector<Spin> s(static_cast<size_t>(size()));
  unpack(s);
  return s;
}

Spin MscLattice::at(int64_t x, int64_t y, int64_t z) const {
  const int c = static_cast<int>((x + y + z) & 1);
  const int64_t k = x / 2, r = y + g_.L * z;
  return (colour(c)[r * g_.W + k / 64] >> (k % 64)) & 1 ? 1 : -1;
}

// ---------------------------------------------------------------------------------------------
MscUpdate::MscUpdate(const MscGeometry& g, MscRule rule, double J, double beta, SimdLevel level, int threads)
    : g_(MscGeometry::make(g.dim, g.L)), rule_(rule), J_(J), level_(level) {
  if (!std::isfinite(J) || J == 0.0) throw InputError("multi-spin-coded kernel: J must be finite and non-zero");
  if (!simd_level_available(level))
    throw InputError(std::string("multi-spin-coded kernel: this CPU cannot run the ") + simd_level_name(level) + " level");
  set_beta(beta);
  set_threads(threads);
}

MscUpdate::~MscUpdate() = default;

void MscUpdate::set_threads(int threads) {
  if (threads < 1 || threads > 1024) throw InputError("--threads must be between 1 and 1024");
  if (threads != threads_ || (threads > 1 && !team_)) team_ = threads > 1 ? std::make_unique<ThreadTeam>(threads) : nullptr;
  threads_ = threads;
}

void MscUpdate::set_beta(double beta) {
  if (!std::isfinite(beta) || beta < 0.0) throw InputError("--beta: values must be finite and >= 0");
  beta_ = beta;
  const int z = 2 * g_.dim;
  for (int n = 0; n < 8; ++n) {
    if (n > z) {
      thr_[n] = 0;
      continue;
    }
    const int n_unsat = J_ > 0 ? n : z - n;  // bonds with J s_i s_j < 0
    const double dE = 2.0 * std::fabs(J_) * (z - 2 * n_unsat);
    const double p = rule_ == MscRule::Metropolis ? (dE <= 0.0 ? 1.0 : std::exp(-beta * dE)) : 1.0 / (1.0 + std::exp(beta * dE));
    thr_[n] = acceptance_threshold(p);
  }
}

std::string MscUpdate::kernel() const { return std::string("msc-") + simd_level_name(level_); }

void MscUpdate::colour_pass(MscLattice& lat, int c, uint64_t seed, uint64_t stream, uint64_t id) {
  msc::PassArgs a = base_args(g_);
  a.colour = c;
  a.self = lat.colour(c);
  a.other = lat.colour(1 - c);
  a.key = ars::make_key(seed, stream);
  a.id = id;
  for (int n = 0; n <= 2 * g_.dim; ++n) {
    if (thr_[n] >= (uint64_t{1} << 32)) {
      a.always |= static_cast<uint8_t>(1u << n);
    } else if (thr_[n] > 0) {
      a.maybe_class[a.nmaybe] = n;
      a.maybe_thr[a.nmaybe] = static_cast<uint32_t>(thr_[n]);
      ++a.nmaybe;
    }
  }
  const auto level = level_;
  parallel_groups(g_.words / 8, team_.get(), [&](int, int64_t g0, int64_t g1) {
    switch (level) {
      case SimdLevel::Avx512: msc::pass_avx512(a, g0, g1); break;
      case SimdLevel::Avx2: msc::pass_avx2(a, g0, g1); break;
      default: msc::pass_scalar(a, g0, g1);
    }
  });
}

void MscUpdate::sweep(MscLattice& lat, Rng& rng) {
  if (lat.geometry().dim != g_.dim || lat.geometry().L != g_.L)
    throw InputError("multi-spin-coded kernel: lattice does not match the update's geometry");
  const uint64_t id = rng.take_blocks(1);
  colour_pass(lat, 0, rng.seed(), rng.stream(), id);
  colour_pass(lat, 1, rng.seed(), rng.stream(), id);
}

MscTotals MscUpdate::measure(const MscLattice& lat) const {
  msc::PassArgs a = base_args(g_);
  a.colour = 0;
  a.self = const_cast<uint64_t*>(lat.colour(0));
  a.other = lat.colour(1);
  const int64_t G = g_.words / 8;
  int64_t up = 0, differ = 0;
  const int nt = team_ ? team_->size() : 1;
  std::vector<msc::Sums> part(nt);
  std::vector<int64_t> up1(nt, 0);
  parallel_groups(G, team_.get(), [&](int t, int64_t g0, int64_t g1) {
    switch (level_) {
      case SimdLevel::Avx512: part[t] = msc::sums_avx512(a, g0, g1); break;
      case SimdLevel::Avx2: part[t] = msc::sums_avx2(a, g0, g1); break;
      default: part[t] = msc::sums_scalar(a, g0, g1);
    }
    const uint64_t* c1 = lat.colour(1);
    int64_t u = 0;
    for (int64_t i = 8 * g0; i < 8 * g1; ++i) u += __builtin_popcountll(c1[i] & a.valid);
    up1[t] = u;
  });
  for (int t = 0; t < nt; ++t) {
    up += part[t].up0 + up1[t];
    differ += part[t].differ;
  }
  MscTotals r;
  const int64_t N = g_.spins();
  r.magnetization = 2 * up - N;
  r.bond_sum = g_.dim * N - 2 * differ;
  return r;
}

bool msc_applies(const IsingModel& model, std::string* why_not) {
  auto no = [&](std::string why) {
    if (why_not) *why_not = std::move(why);
    return false;
  };
  const Lattice* lat = model.lattice();
  if (!lat) return no("not a lattice model");
  if (model.has_frozen()) return no("zealots (frozen spins) use the generic path");
  if (lat->dim() != 2 && lat->dim() != 3) return no("multi-spin coding covers 2D and 3D lattices");
  if (lat->boundary() != Boundary::Periodic) return no("open boundaries use the generic path");
  const int64_t L = lat->extent(0);
  for (int d = 1; d < lat->dim(); ++d)
    if (lat->extent(d) != L) return no("the lattice is not L^D");
  const std::string why = MscGeometry::unsupported_reason(lat->dim(), L);
  if (!why.empty()) return no(why);
  double jl = 0.0, jm = 0.0, h = 0.0;
  if (!lat->is_uniform(&jl) || !model.is_uniform(&jm, &h) || jl == 0.0 || jm != jl)
    return no("couplings are not uniform (or walls were added)");
  if (h != 0.0) return no("a field h uses the generic path");
  return true;
}

}  // namespace spinlab
