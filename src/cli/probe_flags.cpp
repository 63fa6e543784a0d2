#include "cli/probe_flags.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace spinlab::cli {

void add_geometry_flags(CLI::App* cmd, GeometryFlags& f, bool with_probes) {
  add_model_flags(cmd, f.model);
  cmd->add_option("--preset", f.preset,
                  "chambers: the 80x80 open box with the wall x=40,y=0:53 and regions left, right, bottom");
  cmd->add_option("--region", f.regions,
                  "NAME=x0,y0,w,h (a rectangle of a square lattice) or NAME=sites:LIST (e.g. sites:0-9,20); repeatable");
  if (with_probes) {
    cmd->add_option("--probe", f.probes,
                    "x0,y0,w,h | region NAME | M | sites:LIST | sI (one spin) | sI*sJ (a coupling term); repeatable");
    cmd->add_option("--observe", f.observe,
                    "observables NAME,NAME,...: region names, E, M, sI, sI*sJ (default: every region, or M)");
  }
}

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) || c == '-'; });
}

std::optional<Rect> parse_rect(const std::string& spec, const std::string& flag) {
  const auto parts = split(spec, ',');
  if (parts.size() != 4 || !std::all_of(parts.begin(), parts.end(), all_digits)) return std::nullopt;
  Rect r;
  r.x0 = static_cast<int32_t>(parse_integer(parts[0], flag));
  r.y0 = static_cast<int32_t>(parse_integer(parts[1], flag));
  r.w = static_cast<int32_t>(parse_integer(parts[2], flag));
  r.h = static_cast<int32_t>(parse_integer(parts[3], flag));
  return r;
}

// "s12" -> 12; nullopt when spec is not of that form.
std::optional<int32_t> parse_spin(const std::string& spec, int32_t n, const std::string& flag) {
  if (spec.size() < 2 || spec[0] != 's' || !std::all_of(spec.begin() + 1, spec.end(), ::isdigit)) return std::nullopt;
  const int64_t i = parse_integer(spec.substr(1), flag);
  if (i >= n) throw InputError(flag + ": spin " + spec + " outside s0..s" + std::to_string(n - 1));
  return static_cast<int32_t>(i);
}

}  // namespace

Geometry build_geometry(const GeometryFlags& f) {
  Geometry g;
  if (!f.preset.empty()) {
    if (f.preset != "chambers") throw InputError("--preset: unknown preset '" + f.preset + "' (known: chambers)");
    if (!f.model.lattice.empty() || !f.model.graph.empty() || !f.model.walls.empty())
      throw InputError("--preset chambers fixes the lattice and wall: leave out --lattice/--graph/--wall");
    ChambersPreset p = chambers_preset();
    if (!std::isfinite(f.model.J) || !std::isfinite(f.model.h)) throw InputError("--J and --h must be finite");
    if (f.model.J != 1.0 || f.model.h != 0.0) {
      // Rebuild with the requested J and h on the same geometry.
      Lattice lat = Lattice::square(80, Boundary::Open, f.model.J);
      apply_wall(lat, p.wall);
      g.model = IsingModel::on_lattice(lat, f.model.h);
    } else {
      g.model = IsingModel::on_lattice(p.lattice, 0.0);
    }
    g.rect_regions = p.regions;
    g.true_walls = {p.wall};
    g.description = "chambers preset: 80x80 open square lattice, wall " + p.wall;
  } else {
    g.model = build_model(f.model);
    g.true_walls = f.model.walls;
    g.description = g.model.lattice() ? g.model.lattice()->describe() : "graph " + f.model.graph;
    for (const auto& w : f.model.walls) g.description += ", wall " + w;
  }
  const int32_t n = g.model.size();
  std::vector<SiteFunction> given;
  for (const auto& spec : f.regions) {
    const auto eq = spec.find('=');
    const std::string flag = "--region " + spec;
    if (eq == std::string::npos || eq == 0) throw InputError(flag + ": expected NAME=x0,y0,w,h or NAME=sites:LIST");
    const std::string name = spec.substr(0, eq), body = spec.substr(eq + 1);
    if (name == "E" || name == "M" || parse_spin(name, n, flag))
      throw InputError(flag + ": the name " + name + " is reserved");
    if (body.rfind("sites:", 0) == 0) {
      given.push_back(site_sum(name, parse_site_list(body.substr(6), flag, n), n));
    } else if (auto r = parse_rect(body, flag)) {
      if (!g.model.lattice()) throw InputError(flag + ": rectangles need a --lattice square model; use sites:LIST");
      g.rect_regions.push_back({name, *r});
    } else {
      throw InputError(flag + ": expected NAME=x0,y0,w,h or NAME=sites:LIST");
    }
  }
  for (const auto& r : g.rect_regions)
    g.regions.push_back(site_sum(r.name, rectangle_sites(*g.model.lattice(), r.rect, "--region " + r.name), n));
  for (auto& r : given) g.regions.push_back(std::move(r));
  for (size_t a = 0; a < g.regions.size(); ++a)
    for (size_t b = a + 1; b < g.regions.size(); ++b)
      if (g.regions[a].name == g.regions[b].name) throw InputError("--region: the name " + g.regions[a].name + " is used twice");
  return g;
}

SiteFunction resolve_site_function(const std::string& spec, const Geometry& g, const std::string& flag, bool allow_energy) {
  const int32_t n = g.model.size();
  if (spec.empty()) throw InputError(flag + ": empty name");
  if (spec == "E") {
    if (!allow_energy) throw InputError(flag + ": the energy cannot be a probe (a field on E is a change of beta)");
    return energy_function();
  }
  if (spec == "M") return total_magnetization(n);
  for (const auto& r : g.regions)
    if (r.name == spec) return r;
  if (spec.rfind("sites:", 0) == 0) return site_sum(spec, parse_site_list(spec.substr(6), flag, n), n);
  const auto star = spec.find('*');
  if (star != std::string::npos) {
    auto a = parse_spin(spec.substr(0, star), n, flag), b = parse_spin(spec.substr(star + 1), n, flag);
    if (!a || !b) throw InputError(flag + ": a coupling term is sI*sJ, got '" + spec + "'");
    return spin_product(spec, *a, *b, n);
  }
  if (auto i = parse_spin(spec, n, flag)) return single_spin(*i, n);
  if (auto r = parse_rect(spec, flag)) {
    if (!g.model.lattice()) throw InputError(flag + ": rectangles need a --lattice square model");
    return site_sum(spec, rectangle_sites(*g.model.lattice(), *r, flag), n);
  }
  std::string known;
  for (const auto& r : g.regions) known += (known.empty() ? "" : ", ") + r.name;
  throw InputError(flag + ": unknown region '" + spec + "'" + (known.empty() ? "" : " (regions: " + known + ")"));
}

std::vector<SiteFunction> resolve_observables(const std::string& observe, const Geometry& g) {
  std::vector<SiteFunction> out;
  if (observe.empty()) {
    out = g.regions;
    if (out.empty()) out.push_back(total_magnetization(g.model.size()));
    return out;
  }
  for (const auto& name : split(observe, ','))
    out.push_back(resolve_site_function(name, g, "--observe " + name, true));
  return out;
}

void add_chi_run_flags(CLI::App* cmd, ChiRunFlags& f) {
  cmd->add_option("--beta", f.beta, "inverse temperature")->capture_default_str();
  cmd->add_option("--algo", f.algo, "sampling algorithm (spinlab list); 'a+b' runs both per sweep")->capture_default_str();
  cmd->add_option("--sweeps", f.sweeps, "measured sweeps, in total over the chains")->capture_default_str();
  cmd->add_option("--therm", f.therm, "thermalisation sweeps per chain")->capture_default_str();
  cmd->add_option("--measure-every", f.measure_every, "sweeps between measurements")->capture_default_str();
  cmd->add_option("--seed", f.seed, "random seed (results depend on it and --chains, not on --threads)")
      ->check(seed_validator())
      ->capture_default_str();
  cmd->add_option("--chains", f.chains, "independent chains")->capture_default_str();
  cmd->add_option("--threads", f.threads, "threads running the chains")->capture_default_str();
  cmd->add_option("--init", f.init, "hot | up | down")->capture_default_str();
  cmd->add_flag("--json", f.json, "print JSON (schema in docs/cli.md)");
  cmd->add_flag("--quiet", f.quiet, "no progress line on stderr");
}

ChiOptions chi_options(const ChiRunFlags& f) {
  ChiOptions o;
  o.algo = f.algo;
  o.beta = f.beta;
  o.sweeps = f.sweeps;
  o.therm = f.therm;
  o.measure_every = f.measure_every;
  o.seed = f.seed;
  o.threads = f.threads;
  o.chains = f.chains;
  o.init = parse_init(f.init);
  return o;
}

std::vector<MapSegment> removed_bond_segments(const Lattice& lat, const std::vector<Lattice::BondRef>& bonds,
                                              const std::string& colour, double width) {
  std::vector<MapSegment> out;
  for (const auto& b : bonds) {
    const auto c = lat.coords(b.site);
    MapSegment s;
    if (b.dir == 0) s = {double(c[0] + 1), double(c[1]), double(c[0] + 1), double(c[1] + 1)};
    else s = {double(c[0]), double(c[1] + 1), double(c[0] + 1), double(c[1] + 1)};
    s.colour = colour;
    s.width = width;
    out.push_back(s);
  }
  return out;
}

}  // namespace spinlab::cli
