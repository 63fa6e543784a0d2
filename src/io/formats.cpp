// Gset, .qubo, dimod COO and MaxCut-solution readers/writers: streaming, line-numbered errors.
#include "io/formats.hpp"
#include "io/parse.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>

#include "core/error.hpp"
#include "io/files.hpp"

namespace spinlab {
namespace {

[[noreturn]] void fail(const std::string& source, size_t line, const std::string& what) {
  throw InputError(source + ":" + std::to_string(line) + ": " + what);
}

// Reads a text file line by line (the files can be large: G81 has 40000 edges, QUBO files
// millions of terms), dropping a trailing '\r' so that CRLF files read like LF files.
class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
      throw InputError(path + ": is a directory, not a file");
    in_.open(path, std::ios::binary);
    if (!in_) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  }
  bool next(std::string_view* line) {
    if (!std::getline(in_, buf_)) {
      if (in_.bad()) throw InputError(path_ + ": read error after line " + std::to_string(lineno_));
      return false;
    }
    ++lineno_;
    if (!buf_.empty() && buf_.back() == '\r') buf_.pop_back();
    *line = buf_;
    return true;
  }
  size_t line() const { return lineno_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
  std::string buf_;
  size_t lineno_ = 0;
};

// Up to kMax whitespace-separated tokens of a line; count() is the true number (may exceed kMax).
class Tokens {
 public:
  static constexpr size_t kMax = 8;
  explicit Tokens(std::string_view s) {
    size_t p = 0;
    while (true) {
      while (p < s.size() && is_space(s[p])) ++p;
      if (p == s.size()) break;
      size_t q = p;
      while (q < s.size() && !is_space(s[q])) ++q;
      if (count_ < kMax) tok_[count_] = s.substr(p, q - p);
      ++count_;
      p = q;
    }
  }
  size_t count() const { return count_; }
  std::string_view operator[](size_t k) const { return tok_[k]; }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }
  std::array<std::string_view, kMax> tok_{};
  size_t count_ = 0;
};

std::string_view trim(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return s;
}

// A comment body "offset", "offset: v", "offset = v" (but not "offsets ...").
bool is_offset_key(std::string_view rest) {
  return rest.starts_with("offset") && (rest.size() == 6 || rest[6] == ' ' || rest[6] == '\t' ||
                                        rest[6] == ':' || rest[6] == '=');
}

std::string shown(std::string_view t) { return "'" + std::string(t.substr(0, 40)) + "'"; }

double finite_real(const LineReader& r, std::string_view t, const char* what) {
  double v = 0.0;
  if (!parse_real(t, &v) || !std::isfinite(v))
    fail(r.path(), r.line(), std::string(what) + " must be a finite number, got " + shown(t));
  return v;
}

// Shortest text that reads back as the same double ("1", "-0.5", "1e-300").
std::string format_exact(double v, std::chars_format f = std::chars_format::general) {
  if (v == 0.0) v = 0.0;  // no "-0"
  char buf[1100];         // fixed notation of a subnormal needs ~330 characters
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, f);
  if (ec != std::errc()) throw InputError("cannot format the number " + std::to_string(v));
  return std::string(buf, p);
}

// Refuses sizes whose graph could not be built in memory, before allocating anything (same
// estimate as read_edge_list: per vertex ~40 bytes, per term ~80 bytes at the peak).
void check_memory(const std::string& source, int64_t n, int64_t terms) {
  const double need = 40.0 * static_cast<double>(n) + 80.0 * static_cast<double>(terms);
  if (need > 0.8 * static_cast<double>(physical_memory_bytes()))
    throw InputError(source + ": " + std::to_string(n) + " variables and " + std::to_string(terms) +
                     " terms need about " + std::to_string(static_cast<int64_t>(need / (1 << 30))) +
                     " GiB; this machine has " + std::to_string(physical_memory_bytes() >> 30) +
                     " GiB");
}

Graph build_graph(const std::string& source, int64_t n, const std::vector<Edge>& edges) {
  try {
    return Graph::from_edges(static_cast<int32_t>(n), edges);
  } catch (const InputError& e) {
    throw InputError(source + ": " + e.what());
  }
}

constexpr int64_t kMaxVertices = std::numeric_limits<int32_t>::max();

// Sorted (i, j) with repeated terms summed; i <= j on input.
std::vector<Edge> merged_terms(std::vector<Edge> t) {
  std::stable_sort(t.begin(), t.end(),
                   [](const Edge& a, const Edge& b) { return a.i != b.i ? a.i < b.i : a.j < b.j; });
  std::vector<Edge> out;
  for (const Edge& e : t) {
    if (!out.empty() && out.back().i == e.i && out.back().j == e.j)
      out.back().w += e.w;
    else
      out.push_back(e);
  }
  return out;
}

// Checks a Qubo before writing and returns its terms with i <= j, merged and sorted.
std::vector<Edge> checked_qubo_terms(const std::string& path, const Qubo& q) {
  if (q.n < 0) throw InputError(path + ": QUBO with a negative number of variables");
  if (!std::isfinite(q.offset)) throw InputError(path + ": QUBO offset is not finite");
  std::vector<Edge> t;
  t.reserve(q.terms.size());
  for (Edge e : q.terms) {
    if (e.i < 0 || e.j < 0 || e.i >= q.n || e.j >= q.n)
      throw InputError(path + ": QUBO term (" + std::to_string(e.i) + ", " + std::to_string(e.j) +
                       ") outside 0.." + std::to_string(q.n - 1));
    if (!std::isfinite(e.w)) throw InputError(path + ": QUBO term with a non-finite coefficient");
    if (e.i > e.j) std::swap(e.i, e.j);
    t.push_back(e);
  }
  t = merged_terms(std::move(t));
  for (const Edge& e : t)
    if (!std::isfinite(e.w))
      throw InputError(path + ": repeated QUBO terms sum to a non-finite value");
  return t;
}

}  // namespace

// ---- Gset ---------------------------------------------------------------------------------

MaxCutInstance read_gset(const std::string& path) {
  LineReader r(path);
  std::string_view line;
  int64_t n = -1, m = -1;
  size_t header_line = 0;
  std::vector<Edge> edges;
  while (r.next(&line)) {
    Tokens t(line);
    if (t.count() == 0) continue;
    if (n < 0) {
      if (t.count() != 2 || !parse_int(t[0], &n) || !parse_int(t[1], &m))
        fail(path, r.line(), "expected the header 'n m' (two integers)");
      if (n < 1 || n > kMaxVertices) fail(path, r.line(), "n must be in 1 .. 2^31-1");
      if (m < 0 || m > (int64_t{1} << 50)) fail(path, r.line(), "m must be in 0 .. 2^50");
      check_memory(path, n, m);
      header_line = r.line();
      edges.reserve(static_cast<size_t>(m));
      continue;
    }
    if (t.count() != 3)
      fail(path, r.line(),
           "expected 'i j w' (3 fields), got " + std::to_string(t.count()) +
               (t.count() == 2 ? " (a second header?)" : ""));
    int64_t i, j;
    if (!parse_int(t[0], &i) || !parse_int(t[1], &j))
      fail(path, r.line(), "vertices must be integers, got " + shown(t[0]) + " " + shown(t[1]));
    if (i < 1 || j < 1 || i > n || j > n)
      fail(path, r.line(), "vertex outside 1.." + std::to_string(n) + " (Gset is 1-based)");
    if (i == j) fail(path, r.line(), "self-loop on vertex " + std::to_string(i));
    const double w = finite_real(r, t[2], "the weight");
    if (static_cast<int64_t>(edges.size()) == m)
      fail(path, r.line(),
           "more edges than the m = " + std::to_string(m) + " declared on line " +
               std::to_string(header_line));
    edges.push_back({static_cast<int32_t>(i - 1), static_cast<int32_t>(j - 1), w});
  }
  if (n < 0) throw InputError(path + ": empty file (expected the header 'n m')");
  if (static_cast<int64_t>(edges.size()) != m)
    fail(path, header_line,
         "the header declares m = " + std::to_string(m) + " edges, the file has " +
             std::to_string(edges.size()));
  MaxCutInstance inst;
  inst.graph = build_graph(path, n, edges);
  inst.declared_edges = m;
  return inst;
}

void write_gset(const std::string& path, const Graph& g) {
  std::string out = std::to_string(g.num_vertices()) + " " + std::to_string(g.num_edges()) + "\n";
  for (const Edge& e : g.edges())
    out += std::to_string(e.i + 1) + " " + std::to_string(e.j + 1) + " " + format_exact(e.w) + "\n";
  write_file_atomic(path, out);
}

namespace {

// One CSV record of a single line (RFC 4180 quoting, no line breaks inside quotes).
std::vector<std::string> split_csv(std::string_view line, const std::string& path, size_t lineno) {
  std::vector<std::string> fields(1);
  bool in_quotes = false, was_quoted = false;
  for (size_t k = 0; k < line.size(); ++k) {
    const char c = line[k];
    if (in_quotes) {
      if (c == '"' && k + 1 < line.size() && line[k + 1] == '"') {
        fields.back() += '"';
        ++k;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty() && !was_quoted) {
      in_quotes = was_quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
    } else {
      fields.back() += c;
    }
  }
  if (in_quotes) fail(path, lineno, "unterminated quoted field");
  return fields;
}

}  // namespace

std::map<std::string, int64_t> read_gset_best_known(const std::string& path) {
  LineReader r(path);
  std::string_view line;
  std::vector<std::string> header;
  size_t name_col = 0, best_col = 0;
  std::map<std::string, int64_t> best;
  while (r.next(&line)) {
    if (trim(line).empty()) continue;
    std::vector<std::string> f = split_csv(line, path, r.line());
    for (std::string& x : f) x = std::string(trim(x));
    if (header.empty()) {
      header = f;
      auto col = [&](const char* name) {
        auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end())
          fail(path, r.line(), std::string("the header has no column '") + name + "'");
        return static_cast<size_t>(it - header.begin());
      };
      name_col = col("name");
      best_col = col("best_known");
      continue;
    }
    if (f.size() != header.size())
      fail(path, r.line(),
           std::to_string(f.size()) + " fields, the header has " + std::to_string(header.size()));
    int64_t v;
    if (!parse_int(f[best_col], &v))
      fail(path, r.line(), "best_known must be an integer, got " + shown(f[best_col]));
    if (f[name_col].empty()) fail(path, r.line(), "empty instance name");
    if (!best.emplace(f[name_col], v).second)
      fail(path, r.line(), "instance " + f[name_col] + " listed twice");
  }
  if (header.empty()) throw InputError(path + ": empty file (expected a CSV header)");
  return best;
}

// ---- .qubo --------------------------------------------------------------------------------

Qubo read_qubo(const std::string& path) {
  LineReader r(path);
  std::string_view line;
  Qubo q;
  int64_t n = -1, n_diag = 0, n_elem = 0, seen_diag = 0, seen_elem = 0;
  size_t header_line = 0, offset_line = 0;
  while (r.next(&line)) {
    Tokens t(line);
    if (t.count() == 0) continue;
    if (t[0][0] == 'c') {  // qbsolv: a line starting with 'c' is a comment
      // "c offset : <v>" (QUBOTools.jl); "c offset: <v>", "c offset <v>" and "c offset=<v>" too.
      std::string_view rest = trim(trim(line).substr(1));
      if (is_offset_key(rest)) {
        rest = trim(rest.substr(6));
        if (!rest.empty() && (rest[0] == ':' || rest[0] == '=')) rest = trim(rest.substr(1));
        if (offset_line)
          fail(path, r.line(),
               "second offset comment (first on line " + std::to_string(offset_line) + ")");
        q.offset = finite_real(r, rest, "the offset");
        offset_line = r.line();
      }
      continue;
    }
    if (t[0] == "p") {
      if (n >= 0)
        fail(path, r.line(),
             "second 'p qubo' header (the first is on line " + std::to_string(header_line) + ")");
      if (t.count() != 6 || t[1] != "qubo")
        fail(path, r.line(), "expected 'p qubo <topology> maxDiagonals nDiagonals nElements'");
      if (!parse_int(t[3], &n) || !parse_int(t[4], &n_diag) || !parse_int(t[5], &n_elem))
        fail(path, r.line(), "maxDiagonals, nDiagonals and nElements must be integers");
      if (n < 0 || n > kMaxVertices) fail(path, r.line(), "maxDiagonals must be in 0 .. 2^31-1");
      if (n_diag < 0 || n_elem < 0 || n_diag > (int64_t{1} << 50) || n_elem > (int64_t{1} << 50))
        fail(path, r.line(), "nDiagonals and nElements must be in 0 .. 2^50");
      check_memory(path, n, n_diag + n_elem);
      q.n = static_cast<int32_t>(n);
      q.terms.reserve(static_cast<size_t>(n_diag + n_elem));
      header_line = r.line();
      continue;
    }
    if (n < 0) fail(path, r.line(), "data before the 'p qubo ...' header");
    if (t.count() != 3)
      fail(path, r.line(), "expected 'i j value' (3 fields), got " + std::to_string(t.count()));
    int64_t i, j;
    if (!parse_int(t[0], &i) || !parse_int(t[1], &j))
      fail(path, r.line(), "indices must be integers, got " + shown(t[0]) + " " + shown(t[1]));
    if (i < 0 || j < 0 || i >= n || j >= n)
      fail(path, r.line(),
           "index outside 0.." + std::to_string(n - 1) + " (maxDiagonals = " + std::to_string(n) +
               ")");
    const double v = finite_real(r, t[2], "the coefficient");
    if (i == j) {
      if (++seen_diag > n_diag)
        fail(path, r.line(),
             "more diagonal terms than nDiagonals = " + std::to_string(n_diag) + " (line " +
                 std::to_string(header_line) + ")");
    } else if (++seen_elem > n_elem) {
      fail(path, r.line(),
           "more off-diagonal terms than nElements = " + std::to_string(n_elem) + " (line " +
               std::to_string(header_line) + ")");
    }
    if (i > j) std::swap(i, j);
    q.terms.push_back({static_cast<int32_t>(i), static_cast<int32_t>(j), v});
  }
  if (n < 0) throw InputError(path + ": no 'p qubo ...' header");
  if (seen_diag != n_diag || seen_elem != n_elem)
    fail(path, header_line,
         "the header declares " + std::to_string(n_diag) + " diagonal and " +
             std::to_string(n_elem) + " off-diagonal terms, the file has " +
             std::to_string(seen_diag) + " and " + std::to_string(seen_elem));
  return q;
}

void write_qubo(const std::string& path, const Qubo& q) {
  const std::vector<Edge> t = checked_qubo_terms(path, q);
  int64_t n_diag = 0;
  for (const Edge& e : t) n_diag += e.i == e.j;
  std::string out = "c QUBO written by spinlab: E(x) = sum_{i<=j} Q_ij x_i x_j + offset\n";
  if (q.offset != 0.0) out += "c offset : " + format_exact(q.offset) + "\n";
  out += "p qubo 0 " + std::to_string(q.n) + " " + std::to_string(n_diag) + " " +
         std::to_string(static_cast<int64_t>(t.size()) - n_diag) + "\n";
  for (int pass = 0; pass < 2; ++pass)  // diagonal first, as qbsolv writes them
    for (const Edge& e : t)
      if ((e.i == e.j) == (pass == 0))
        out += std::to_string(e.i) + " " + std::to_string(e.j) + " " + format_exact(e.w) + "\n";
  write_file_atomic(path, out);
}

// ---- dimod COO ----------------------------------------------------------------------------

CooModel read_coo(const std::string& path) {
  LineReader r(path);
  std::string_view line;
  CooModel c;
  int64_t max_index = -1;
  size_t vartype_line = 0, offset_line = 0;
  while (r.next(&line)) {
    std::string_view body = trim(line);
    if (body.empty()) continue;
    if (body[0] == '#') {
      std::string_view rest = trim(body.substr(1));
      // dimod: '#.*?vartype[:=][ \t]*(name)'; spinlab: '# offset=<value>' (or ':').
      if (auto p = rest.find("vartype"); p != std::string_view::npos && p + 7 < rest.size() &&
                                         (rest[p + 7] == '=' || rest[p + 7] == ':')) {
        std::string name(Tokens(rest.substr(p + 8))[0]);
        for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        Vartype v;
        if (name == "SPIN")
          v = Vartype::Spin;
        else if (name == "BINARY")
          v = Vartype::Binary;
        else
          fail(path, r.line(), "unknown vartype " + shown(name) + " (SPIN or BINARY)");
        if (vartype_line && *c.vartype != v)
          fail(path, r.line(),
               "vartype differs from the one on line " + std::to_string(vartype_line));
        c.vartype = v;
        vartype_line = r.line();
      } else if (is_offset_key(rest)) {
        rest = trim(rest.substr(6));
        if (!rest.empty() && (rest[0] == '=' || rest[0] == ':')) rest = trim(rest.substr(1));
        if (offset_line)
          fail(path, r.line(),
               "second offset comment (first on line " + std::to_string(offset_line) + ")");
        c.offset = finite_real(r, rest, "the offset");
        offset_line = r.line();
      }
      continue;
    }
    Tokens t(body);
    if (t.count() != 3)
      fail(path, r.line(), "expected 'i j bias' (3 fields), got " + std::to_string(t.count()));
    int64_t i, j;
    if (!parse_int(t[0], &i) || !parse_int(t[1], &j))
      fail(path, r.line(), "indices must be integers, got " + shown(t[0]) + " " + shown(t[1]));
    if (i < 0 || j < 0 || i >= kMaxVertices || j >= kMaxVertices)
      fail(path, r.line(), "index outside 0 .. 2^31-2");
    const double v = finite_real(r, t[2], "the bias");
    if (i > j) std::swap(i, j);
    max_index = std::max(max_index, j);
    c.terms.push_back({static_cast<int32_t>(i), static_cast<int32_t>(j), v});
  }
  c.n = static_cast<int32_t>(max_index + 1);
  check_memory(path, c.n, static_cast<int64_t>(c.terms.size()));
  return c;
}

Qubo read_coo_qubo(const std::string& path) {
  CooModel c = read_coo(path);
  if (c.vartype == Vartype::Spin)
    throw InputError(path + ": the header says vartype=SPIN; expected BINARY");
  Qubo q;
  q.n = c.n;
  q.terms = std::move(c.terms);
  q.offset = c.offset;
  return q;
}

IsingModel read_coo_ising(const std::string& path) {
  CooModel c = read_coo(path);
  if (c.vartype == Vartype::Binary)
    throw InputError(path + ": the header says vartype=BINARY; expected SPIN");
  std::vector<double> h(c.n, 0.0);
  std::vector<Edge> edges;
  edges.reserve(c.terms.size());
  for (const Edge& e :
       c.terms) {  // dimod: E = +sum b s s + sum a s; ours: E = -sum J s s - sum h s
    if (e.i == e.j)
      h[e.i] -= e.w;
    else
      edges.push_back({e.i, e.j, -e.w});
  }
  for (size_t i = 0; i < h.size(); ++i)
    if (!std::isfinite(h[i]))
      throw InputError(path + ": repeated linear terms of variable " + std::to_string(i) +
                       " sum to a non-finite value");
  Graph g = build_graph(path, c.n, edges);
  return IsingModel(std::move(g), std::move(h), c.offset);
}

namespace {

// dimod's order: u ascending; "u u a_u" (when nonzero) before "u v b_uv", v > u ascending.
// `terms` are sorted by (i, j) and merged; linear ones have i == j.
void write_coo_terms(const std::string& path, int32_t n, const std::vector<Edge>& terms,
                     double offset, Vartype vt) {
  std::string out = vt == Vartype::Spin ? "# vartype=SPIN\n" : "# vartype=BINARY\n";
  if (offset != 0.0) out += "# offset=" + format_exact(offset, std::chars_format::fixed) + "\n";
  bool last_seen = false;
  for (const Edge& e : terms) {
    if (e.i == e.j && e.w == 0.0) continue;
    out += std::to_string(e.i) + " " + std::to_string(e.j) + " " +
           format_exact(e.w, std::chars_format::fixed) + "\n";
    last_seen = last_seen || e.j == n - 1;
  }
  if (n > 0 && !last_seen) out += std::to_string(n - 1) + " " + std::to_string(n - 1) + " 0\n";
  write_file_atomic(path, out);
}

}  // namespace

void write_coo(const std::string& path, const Qubo& q) {
  write_coo_terms(path, q.n, checked_qubo_terms(path, q), q.offset, Vartype::Binary);
}

void write_coo(const std::string& path, const IsingModel& m) {
  std::vector<Edge> t;
  t.reserve(static_cast<size_t>(m.graph().num_edges()) + m.size());
  for (int32_t i = 0; i < m.size(); ++i)
    if (m.field(i) != 0.0) t.push_back({i, i, -m.field(i)});
  m.graph().for_each_edge([&](int32_t i, int32_t j, double w) { t.push_back({i, j, -w}); });
  write_coo_terms(path, m.size(), merged_terms(std::move(t)), m.offset(), Vartype::Spin);
}

// ---- MaxCut solutions ---------------------------------------------------------------------

void write_cut_solution(const std::string& path, std::span<const Spin> s, CutLabels labels,
                        int index_base, const std::string& comment) {
  if (index_base != 0 && index_base != 1) throw InputError(path + ": index base must be 0 or 1");
  std::string out;
  if (!comment.empty()) {
    size_t p = 0;
    while (p < comment.size()) {
      size_t q = comment.find('\n', p);
      if (q == std::string::npos) q = comment.size();
      out += "# " + comment.substr(p, q - p) + "\n";
      p = q + 1;
    }
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != 1 && s[i] != -1)
      throw InputError(path + ": spin " + std::to_string(i) + " is neither +1 nor -1");
    const char* label =
        labels == CutLabels::Side01 ? (s[i] > 0 ? "1" : "0") : (s[i] > 0 ? "1" : "-1");
    out += std::to_string(i + index_base) + " " + label + "\n";
  }
  write_file_atomic(path, out);
}

std::vector<Spin> read_cut_solution(const std::string& path, int32_t n, int index_base) {
  if (index_base != 0 && index_base != 1) throw InputError(path + ": index base must be 0 or 1");
  if (n < 0) throw InputError(path + ": negative number of vertices");
  LineReader r(path);
  std::string_view line;
  std::vector<Spin> s(n, 0);
  int32_t seen = 0;
  size_t zero_line = 0, minus_line = 0;  // first line using label 0 / label -1
  while (r.next(&line)) {
    std::string_view body = line.substr(0, line.find('#'));
    Tokens t(body);
    if (t.count() == 0) continue;
    if (t.count() != 2)
      fail(path, r.line(), "expected 'vertex label' (2 fields), got " + std::to_string(t.count()));
    int64_t v, x;
    if (!parse_int(t[0], &v)) fail(path, r.line(), "vertex must be an integer, got " + shown(t[0]));
    if (v < index_base || v >= static_cast<int64_t>(n) + index_base)
      fail(path, r.line(),
           "vertex " + std::to_string(v) + " outside " + std::to_string(index_base) + ".." +
               std::to_string(static_cast<int64_t>(n) - 1 + index_base));
    if (!parse_int(t[1], &x) || (x != 0 && x != 1 && x != -1))
      fail(path, r.line(), "label must be 0/1 or -1/+1, got " + shown(t[1]));
    if (x == 0 && !zero_line) zero_line = r.line();
    if (x == -1 && !minus_line) minus_line = r.line();
    if (zero_line && minus_line)
      fail(path, r.line(),
           "mixes 0/1 sides (line " + std::to_string(zero_line) + ") and -1/+1 spins (line " +
               std::to_string(minus_line) + ")");
    Spin& slot = s[static_cast<size_t>(v - index_base)];
    if (slot != 0) fail(path, r.line(), "vertex " + std::to_string(v) + " listed twice");
    slot = x == 1 ? 1 : -1;
    ++seen;
  }
  if (seen != n) {
    const auto it = std::find(s.begin(), s.end(), 0);
    throw InputError(path + ": " + std::to_string(seen) + " of " + std::to_string(n) +
                     " vertices given; vertex " + std::to_string((it - s.begin()) + index_base) +
                     " is missing");
  }
  return s;
}

}  // namespace spinlab
