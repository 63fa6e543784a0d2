// Model flags, value-list parsing, progress line and output helpers for the CLI.
#include "cli/common.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "io/files.hpp"

namespace spinlab::cli {

double parse_number(const std::string& tok, const std::string& flag) {
  char* end = nullptr;
  double v = std::strtod(tok.c_str(), &end);
  if (tok.empty() || *end != '\0' || !std::isfinite(v))
    throw InputError(flag + ": '" + tok + "' is not a finite number");
  return v;
}

int64_t parse_integer(const std::string& tok, const std::string& flag) {
  char* end = nullptr;
  long long v = std::strtoll(tok.c_str(), &end, 10);
  if (tok.empty() || *end != '\0') throw InputError(flag + ": '" + tok + "' is not an integer");
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, sep);) out.push_back(part);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

InitialState parse_init(const std::string& spec) {
  if (spec == "hot") return InitialState::Hot;
  if (spec == "up") return InitialState::Up;
  if (spec == "down") return InitialState::Down;
  throw InputError("--init: expected hot, up or down, got '" + spec + "'");
}

// "x=C[,y=A:B]" -> remove the bonds crossing the plane x = C (between C-1 and C), only for
// A <= y < B when a range is given. Lattice::add_wall checks ranges against the lattice.
void apply_wall(Lattice& lat, const std::string& spec) {
  auto parts = split(spec, ',');
  const std::string flag = "--wall " + spec;
  if (parts.empty() || parts.size() > 2) throw InputError(flag + ": expected AXIS=POS[,AXIS=A:B]");
  auto axis_of = [&](const std::string& a) {
    if (a == "x") return 0;
    if (a == "y") return 1;
    if (a == "z") return 2;
    throw InputError(flag + ": axis must be x, y or z");
  };
  auto eq = parts[0].find('=');
  if (eq == std::string::npos) throw InputError(flag + ": expected AXIS=POS");
  int axis = axis_of(parts[0].substr(0, eq));
  int64_t pos = parse_integer(parts[0].substr(eq + 1), flag);
  int range_axis = -1;
  int64_t lo = 0, hi = 0;
  if (parts.size() == 2) {
    auto eq2 = parts[1].find('=');
    auto colon = parts[1].find(':');
    if (eq2 == std::string::npos || colon == std::string::npos || colon < eq2)
      throw InputError(flag + ": range must be AXIS=A:B");
    range_axis = axis_of(parts[1].substr(0, eq2));
    lo = parse_integer(parts[1].substr(eq2 + 1, colon - eq2 - 1), flag);
    hi = parse_integer(parts[1].substr(colon + 1), flag);
  }
  if (axis >= lat.dim()) throw InputError(flag + ": axis outside the lattice dimension");
  if (range_axis >= lat.dim()) throw InputError(flag + ": range axis outside the lattice dimension");
  if (pos < 0 || pos > lat.extent(axis)) throw InputError(flag + ": position outside the lattice");
  if (range_axis >= 0 && (lo < 0 || hi <= lo || hi > lat.extent(range_axis)))
    throw InputError(flag + ": range is empty or outside the lattice");
  try {
    lat.add_wall(axis, static_cast<int32_t>(pos), range_axis, static_cast<int32_t>(lo), static_cast<int32_t>(hi));
  } catch (const InputError& e) {
    throw InputError(flag + ": " + e.what());
  }
}

void add_model_flags(CLI::App* cmd, ModelFlags& f) {
  cmd->add_option("--lattice", f.lattice, "chain | square | cubic (hypercubic, L per side)")
      ->check(CLI::IsMember({"chain", "square", "cubic"}));
  cmd->add_option("--L", f.L, "linear size of the lattice");
  cmd->add_option("--boundary", f.boundary, "periodic | open")->check(CLI::IsMember({"periodic", "open"}));
  cmd->add_option("--graph", f.graph, "0-based weighted edge list 'i j J' ('#' comments)");
  cmd->add_option("--J", f.J, "uniform coupling for lattices (default 1); scales a --graph's couplings");
  cmd->add_option("--h", f.h, "uniform field on every spin (default 0)");
  cmd->add_option("--wall", f.walls, "remove bonds: x=C[,y=A:B] cuts between columns C-1 and C (rows A<=y<B); repeatable");
}

IsingModel build_model(const ModelFlags& f) {
  if (!std::isfinite(f.J)) throw InputError("--J must be finite");
  if (!std::isfinite(f.h)) throw InputError("--h must be finite");
  if (!f.graph.empty() && !f.lattice.empty()) throw InputError("give either --lattice or --graph, not both");
  if (!f.graph.empty()) {
    if (!f.walls.empty()) throw InputError("--wall applies to --lattice models only");
    Graph g = read_edge_list(f.graph);
    std::vector<Edge> edges(g.edges().begin(), g.edges().end());
    if (f.J != 1.0)
      for (Edge& e : edges) e.w *= f.J;
    int32_t n = g.num_vertices();
    return IsingModel(f.J != 1.0 ? Graph::from_edges(n, edges) : std::move(g), std::vector<double>(n, f.h));
  }
  if (f.lattice.empty()) throw InputError("no model: give --lattice chain|square|cubic --L N, or --graph FILE");
  if (f.L < 1) throw InputError("--L: required with --lattice and must be >= 1");
  const int dim = f.lattice == "chain" ? 1 : f.lattice == "square" ? 2 : 3;
  const double n = std::pow(static_cast<double>(f.L), dim);
  // Peak while building the generic storage (measured ~190 B/site for 2D): two copies of the
  // per-bond J and masks, the edge list, its sorted and merged copies, the CSR arrays, spins, fields.
  const double bytes_per_site = 100.0 * dim + 40.0;
  const double need = n * bytes_per_site;
  if (n > 2147483647.0 || need > 0.8 * static_cast<double>(physical_memory_bytes())) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "--L %lld: a %s lattice of %.3g spins needs about %.3g GiB on the generic path; "
                  "this machine has %.3g GiB",
                  static_cast<long long>(f.L), f.lattice.c_str(), n, need / (1 << 30),
                  static_cast<double>(physical_memory_bytes()) / (1 << 30));
    throw InputError(buf);
  }
  const Boundary b = f.boundary == "open" ? Boundary::Open : Boundary::Periodic;
  const auto L = static_cast<int32_t>(f.L);
  Lattice lat(dim, {L, dim >= 2 ? L : 1, dim >= 3 ? L : 1}, b, f.J);
  for (const auto& w : f.walls) apply_wall(lat, w);
  return IsingModel::on_lattice(lat, f.h);
}

CLI::Validator seed_validator() {
  return CLI::Validator(
      [](std::string& s) {
        return !s.empty() && s.find('-') != std::string::npos ? std::string("must be between 0 and 2^64-1")
                                                             : std::string();
      },
      "0..2^64-1");
}

void check_series_memory(double bytes, const SimulationOptions& o) {
  const double limit = 0.5 * static_cast<double>(physical_memory_bytes());
  if (bytes > limit) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "--sweeps %lld: storing the measurement series needs %.3g GiB (limit %.3g GiB); raise "
                  "--measure-every or lower --sweeps/--threads",
                  static_cast<long long>(o.sweeps), bytes / (1 << 30), limit / (1 << 30));
    throw InputError(buf);
  }
}

nlohmann::json model_json(const ModelFlags& f, const IsingModel& m) {
  nlohmann::json j;
  j["num_spins"] = m.size();
  j["num_bonds"] = m.graph().num_edges();
  if (m.lattice()) {
    j["lattice"] = f.lattice;
    j["L"] = f.L;
    j["boundary"] = f.boundary;
    j["description"] = m.lattice()->describe();
    j["removed_bonds"] = m.lattice()->num_removed_bonds();
  } else {
    j["graph"] = f.graph;
    j["description"] = "graph " + f.graph;
  }
  j["J"] = f.J;
  j["h"] = f.h;
  return j;
}

std::vector<double> parse_value_list(const std::string& spec, const std::string& flag) {
  std::vector<double> out;
  if (spec.find(':') != std::string::npos) {
    auto p = split(spec, ':');
    if (p.size() != 3) throw InputError(flag + ": a range is START:STOP:COUNT, got '" + spec + "'");
    double a = parse_number(p[0], flag), b = parse_number(p[1], flag);
    int64_t n = parse_integer(p[2], flag);
    if (n < 1 || n > 100000) throw InputError(flag + ": COUNT must be between 1 and 100000");
    for (int64_t k = 0; k < n; ++k) out.push_back(n == 1 ? a : a + (b - a) * static_cast<double>(k) / (n - 1));
    return out;
  }
  for (const auto& tok : split(spec, ',')) out.push_back(parse_number(tok, flag));
  if (out.empty()) throw InputError(flag + ": no values");
  return out;
}

void add_temperature_flags(CLI::App* cmd, std::string& beta, std::string& T) {
  cmd->add_option("--beta", beta, "inverse temperature: 0.44 | 0.3,0.4 | START:STOP:COUNT");
  cmd->add_option("--T", T, "temperature instead of --beta (same syntax)");
}

std::vector<double> betas_from_flags(const std::string& beta, const std::string& T) {
  if (!beta.empty() && !T.empty()) throw InputError("give either --beta or --T, not both");
  if (beta.empty() && T.empty()) throw InputError("--beta (or --T) is required");
  std::vector<double> b;
  if (!beta.empty()) {
    b = parse_value_list(beta, "--beta");
    for (double x : b)
      if (x < 0.0) throw InputError("--beta: values must be >= 0");
  } else {
    for (double t : parse_value_list(T, "--T")) {
      if (!(t > 0.0)) throw InputError("--T: temperatures must be > 0");
      if (!std::isfinite(1.0 / t)) throw InputError("--T: temperature too small (1/T overflows)");
      b.push_back(1.0 / t);
    }
  }
  return b;
}

std::vector<int32_t> parse_site_list(const std::string& spec, const std::string& flag, int32_t n) {
  std::vector<int32_t> out;
  auto site = [&](const std::string& tok) {
    int64_t i = parse_integer(tok, flag);
    if (i < 0 || i >= n)
      throw InputError(flag + ": site " + tok + " outside 0.." + std::to_string(n - 1));
    return static_cast<int32_t>(i);
  };
  for (const auto& tok : split(spec, ',')) {
    auto dash = tok.find('-', 1);
    if (dash != std::string::npos) {
      int32_t a = site(tok.substr(0, dash)), b = site(tok.substr(dash + 1));
      if (b < a) throw InputError(flag + ": bad site range '" + tok + "'");
      for (int32_t i = a; i <= b; ++i) out.push_back(i);
    } else {
      out.push_back(site(tok));
    }
  }
  if (out.empty()) throw InputError(flag + ": no sites");
  return out;
}

nlohmann::json to_json(const Estimate& e) {
  auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {{"mean", num(e.mean)}, {"error", num(e.error)}, {"tau_int", num(e.tau_int)}, {"n_eff", num(e.n_eff)}};
}

ProgressLine::ProgressLine(std::string label, bool quiet)
    : label_(std::move(label)), quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

ProgressLine::~ProgressLine() {
  if (printed_ && tty_) std::fprintf(stderr, "\n");
}

void ProgressLine::operator()(double f) {
  if (quiet_) return;
  auto now = std::chrono::steady_clock::now();
  double el = std::chrono::duration<double>(now - start_).count();
  double since = std::chrono::duration<double>(now - last_).count();
  // First line after 2 s; then every 0.2 s on a terminal (rewritten in place), every 5 s in logs.
  if (el < 2.0 || (printed_ && since < (tty_ ? 0.2 : 5.0))) return;
  last_ = now;
  double eta = f > 0.0 ? el * (1.0 - f) / f : 0.0;
  std::fprintf(stderr, "%s[%s] %5.1f%%  elapsed %.1fs  eta %.1fs%s", tty_ ? "\r" : "", label_.c_str(),
               100.0 * f, el, eta, tty_ ? "   " : "\n");
  std::fflush(stderr);
  printed_ = true;
}

void write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return;
  }
  write_file_atomic(path, text);
}

}  // namespace spinlab::cli
