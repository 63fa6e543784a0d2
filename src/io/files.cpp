// Edge-list and spin-state readers with line-numbered errors; atomic file writes.
#include "io/files.hpp"
#include "io/parse.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.hpp"

namespace spinlab {
namespace {

std::string read_text(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string strip_comment(const std::string& line) {
  auto p = line.find('#');
  return p == std::string::npos ? line : line.substr(0, p);
}

[[noreturn]] void fail(const std::string& source, size_t line, const std::string& what) {
  throw InputError(source + ":" + std::to_string(line) + ": " + what);
}

}  // namespace

Graph parse_edge_list(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  std::string line;
  size_t lineno = 0;
  int64_t declared_n = -1, max_index = -1;
  bool seen_edge = false;
  std::vector<Edge> edges;
  constexpr int64_t kMaxVertices = std::numeric_limits<int32_t>::max();
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream ls(strip_comment(line));
    std::vector<std::string> tok;
    for (std::string t; ls >> t;) tok.push_back(t);
    if (tok.empty()) continue;
    if (tok.size() == 1 && !seen_edge && declared_n < 0) {
      if (!parse_int(tok[0], &declared_n) || declared_n < 1 || declared_n > kMaxVertices)
        fail(source, lineno, "expected the number of vertices (1 .. 2^31-1), got '" + tok[0] + "'");
      continue;
    }
    if (tok.size() != 3)
      fail(source, lineno, "expected 'i j J' (3 fields), got " + std::to_string(tok.size()) + " fields");
    int64_t i, j;
    double w;
    if (!parse_int(tok[0], &i) || !parse_int(tok[1], &j))
      fail(source, lineno, "vertex indices must be integers, got '" + tok[0] + " " + tok[1] + "'");
    if (i < 0 || j < 0 || i >= kMaxVertices || j >= kMaxVertices)
      fail(source, lineno, "vertex index out of range (0-based, below 2^31-1)");
    if (declared_n >= 0 && (i >= declared_n || j >= declared_n))
      fail(source, lineno, "vertex index >= declared N = " + std::to_string(declared_n));
    if (!parse_real(tok[2], &w) || !std::isfinite(w))
      fail(source, lineno, "coupling must be a finite number, got '" + tok[2] + "'");
    if (i == j) fail(source, lineno, "self-loop on vertex " + std::to_string(i));
    seen_edge = true;
    max_index = std::max({max_index, i, j});
    edges.push_back({static_cast<int32_t>(i), static_cast<int32_t>(j), w});
  }
  int64_t n = declared_n >= 0 ? declared_n : max_index + 1;
  if (n <= 0) throw InputError(source + ": no vertices (empty edge list)");
  // Peak while building: per vertex spins, fields, offsets and degree counts; per edge the
  // list, its sorted copy and both CSR directions.
  const double need = 40.0 * static_cast<double>(n) + 80.0 * static_cast<double>(edges.size());
  if (need > 0.8 * static_cast<double>(physical_memory_bytes()))
    throw InputError(source + ": " + std::to_string(n) + " vertices and " + std::to_string(edges.size()) +
                     " edges need about " + std::to_string(static_cast<int64_t>(need / (1 << 30))) +
                     " GiB; this machine has " + std::to_string(physical_memory_bytes() >> 30) + " GiB");
  try {
    return Graph::from_edges(static_cast<int32_t>(n), edges);
  } catch (const InputError& e) {
    throw InputError(source + ": " + e.what());
  }
}

Graph read_edge_list(const std::string& path) { return parse_edge_list(read_text(path), path); }

std::vector<Spin> read_spin_state(const std::string& path, int32_t n) {
  std::istringstream in(read_text(path));
  std::vector<Spin> s;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string body = strip_comment(line);
    for (char& c : body)
      if (c == ',') c = ' ';
    std::istringstream ls(body);
    for (std::string t; ls >> t;) {
      int64_t v;
      if (!parse_int(t, &v) || (v != 1 && v != -1))
        fail(path, lineno, "spins must be +1 or -1, got '" + t + "'");
      s.push_back(static_cast<Spin>(v));
    }
  }
  if (static_cast<int64_t>(s.size()) != n)
    throw InputError(path + ": " + std::to_string(s.size()) + " spins, the model has " + std::to_string(n));
  return s;
}

std::string format_spin_state(std::span<const Spin> s, const std::string& comment) {
  std::string text = "# " + comment + "\n";
  text.reserve(text.size() + 3 * s.size());
  for (size_t i = 0; i < s.size(); ++i) text += s[i] > 0 ? ((i + 1) % 32 ? "1 " : "1\n") : ((i + 1) % 32 ? "-1 " : "-1\n");
  text += "\n";
  return text;
}

std::vector<Spin> read_spin_samples(const std::string& path, int32_t* n) {
  std::istringstream in(read_text(path));
  std::vector<Spin> out;
  std::string line;
  size_t lineno = 0;
  int64_t width = -1;
  while (std::getline(in, line)) {
    ++lineno;
    std::string body = strip_comment(line);
    for (char& c : body)
      if (c == ',' || c == '\t' || c == '\r') c = ' ';
    std::istringstream ls(body);
    int64_t count = 0;
    for (std::string t; ls >> t; ++count) {
      int64_t v;
      if (!parse_int(t, &v) || (v != 1 && v != -1 && v != 0))
        fail(path, lineno, "spins must be +1/-1 (or 1/0), got '" + t + "'");
      out.push_back(static_cast<Spin>(v == 0 ? -1 : v));
    }
    if (count == 0) continue;
    if (width < 0) width = count;
    else if (count != width)
      fail(path, lineno, std::to_string(count) + " spins, the first sample has " + std::to_string(width));
  }
  if (width < 1) throw InputError(path + ": no samples");
  if (width > 100000) throw InputError(path + ": more than 100000 spins per sample");
  *n = static_cast<int32_t>(width);
  return out;
}

int64_t physical_memory_bytes() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<int64_t>(pages) * size : int64_t{1} << 34;
}

void check_writable(const std::string& path) {
  if (path.empty() || path == "-") return;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a file");
  const std::string probe = path + ".probe." + std::to_string(::getpid());
  {
    std::ofstream out(probe, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path + ": cannot write (" + std::strerror(errno) + ")");
  }
  std::remove(probe.c_str());
}

void write_file_atomic(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path + ": cannot write (" + std::strerror(errno) + ")");
    out << content;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw InputError(path + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot rename into place (" + std::strerror(err) + ")");
  }
}

}  // namespace spinlab
