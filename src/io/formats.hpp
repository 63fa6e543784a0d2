// Benchmark and exchange formats: Gset MaxCut, qbsolv .qubo, dimod COO, MaxCut solution files.
//
// Every reader streams its file line by line (no dense N x N matrix, no copy of the whole text),
// checks the declared sizes against physical memory before allocating, and reports malformed
// input as InputError "path:line: what" (count mismatches name the header's line). Writers go
// through write_file_atomic and print numbers in the shortest form that reads back to the same
// double, so write-then-read is exact.
//
// Energy conventions (core/model.hpp): Ising E(s) = -sum J_ij s_i s_j - sum h_i s_i + offset;
// QUBO E(x) = sum_{i<=j} Q_ij x_i x_j + offset; s = 2x - 1; MaxCut cut(s) = sum_{s_i != s_j} w_ij
// and maxcut_to_ising(g).energy(s) = -cut(s) exactly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/graph.hpp"
#include "core/model.hpp"

namespace spinlab {

// ---- Gset (Helmberg & Rendl; Ye's rudy instances G1..G81) ----------------------------------

/// A MaxCut instance: maximise cut(s) = sum over edges with s_i != s_j of w_ij.
struct MaxCutInstance {
  Graph graph;                 // 0-based vertices; duplicate edges summed (cuts are additive)
  int64_t declared_edges = 0;  // m from the header (the number of edge lines)

  double cut(std::span<const Spin> s) const { return cut_value(graph, s); }
  /// The Ising model with energy(s) = -cut(s) exactly: J = -w/2, offset = -W/2 (W = sum of w).
  IsingModel to_ising() const { return maxcut_to_ising(graph); }
};

/// Gset: first line "n m", then m lines "i j w" with 1-based vertices (1 <= i, j <= n, i != j)
/// and a finite weight w (integers, mostly +-1, in the published instances). Blank lines are
/// skipped; there are no comments.
MaxCutInstance read_gset(const std::string& path);
/// Writes g in Gset format (vertices + 1; weights exact).
void write_gset(const std::string& path, const Graph& g);

/// best_known.csv as in shared/data/gset: a header row naming at least the columns `name` and
/// `best_known` (others ignored), one row per instance; RFC 4180 quoting ("a, b" and "" inside).
/// Returns name -> best known cut.
std::map<std::string, int64_t> read_gset_best_known(const std::string& path);

// ---- qbsolv .qubo -------------------------------------------------------------------------

/// qbsolv's format: comment lines start with "c"; one header "p qubo 0 maxDiagonals nDiagonals
/// nElements" (maxDiagonals = number of variables; the topology word is not checked); then
/// nDiagonals lines "i i Q_ii" (linear terms) and nElements lines "i j Q_ij" (i != j), 0-based,
/// in any order. Repeated terms add up (as in Graph); i > j is stored as (j, i). The offset,
/// which the format lacks, travels in the comment "c offset : <value>" (the QUBOTools.jl
/// convention); without it the offset is 0.
Qubo read_qubo(const std::string& path);
/// Writes q with repeated terms merged, sorted: diagonal lines first, then i < j.
void write_qubo(const std::string& path, const Qubo& q);

// ---- dimod COO text -----------------------------------------------------------------------

enum class Vartype { Binary, Spin };

/// dimod.serialization.coo: lines "i j bias" (0-based, i == j: linear bias), '#' comments, an
/// optional header "# vartype=SPIN" or "# vartype=BINARY". dimod's energy is
/// E = sum_i a_i v_i + sum_{i<j} b_ij v_i v_j + offset for either vartype. The offset travels in
/// the comment "# offset=<value>" (a spinlab extension; dimod ignores it). Repeated terms add up.
struct CooModel {
  int32_t n = 0;                   // largest index + 1
  std::vector<Edge> terms;         // as in the file, i <= j (i > j swapped); i == j: linear
  std::optional<Vartype> vartype;  // from the header, when present
  double offset = 0.0;
};
CooModel read_coo(const std::string& path);
/// As a QUBO (the file must be BINARY or have no vartype header): Q_ij = b_ij, Q_ii = a_i.
Qubo read_coo_qubo(const std::string& path);
/// As an Ising model (SPIN or no header). dimod's sign is the opposite of ours:
/// J_ij = -b_ij, h_i = -a_i, so both give the same energy for every state.
IsingModel read_coo_ising(const std::string& path);
/// Writers: "# vartype=..." first, "# offset=..." when nonzero, then terms in dimod's order
/// (variable u ascending: "u u a_u" when a_u != 0, then "u v b_uv" for v > u). Numbers are printed
/// in fixed notation (dimod's reader accepts no exponent), still exactly. When no term mentions
/// the last variable, "n-1 n-1 0" is written so that n survives the round trip.
void write_coo(const std::string& path, const Qubo& q);
void write_coo(const std::string& path, const IsingModel& m);

// ---- MaxCut solutions ---------------------------------------------------------------------

/// How a solution file labels the two sides: x = (1 + s)/2 in {0, 1}, or the spin s in {-1, +1}.
enum class CutLabels { Side01, Spin };

/// One line per vertex, "v label" with v = i + index_base (1 matches Gset numbering, 0 our
/// edge lists); `comment` (may hold several lines) is written first as '#' lines.
void write_cut_solution(const std::string& path, std::span<const Spin> s,
                        CutLabels labels = CutLabels::Side01, int index_base = 1,
                        const std::string& comment = "");
/// Reads such a file for n vertices: every vertex exactly once, any order, '#' comments. Labels
/// 0/1 and -1/+1 are both accepted (1 means s = +1 either way) but not mixed in one file.
std::vector<Spin> read_cut_solution(const std::string& path, int32_t n, int index_base = 1);

}  // namespace spinlab
