// File formats and safe writes: the 0-based weighted edge list, spin-state files, atomic output.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/graph.hpp"
#include "core/model.hpp"

namespace spinlab {

/// Edge list: one edge per line "i j J" (0-based vertices, J finite); '#' starts a comment.
/// An optional first data line holding a single integer gives the number of vertices (so
/// isolated vertices can exist); otherwise N = largest index + 1. Errors name file and line.
Graph read_edge_list(const std::string& path);
Graph parse_edge_list(const std::string& text, const std::string& source);

/// Spin state: N values, each +1 or -1 (nothing else is accepted),
/// separated by white space or commas; '#' comments. Errors name file and line.
std::vector<Spin> read_spin_state(const std::string& path, int32_t n);
/// The text read_spin_state reads back: "# comment", then the N values, 32 per line.
std::string format_spin_state(std::span<const Spin> s, const std::string& comment);

/// Spin samples: one configuration per line, N values +1/-1 (0/1 accepted too, 0 meaning -1)
/// separated by white space or commas; '#' comments; every row must have the same N. Returns
/// the rows concatenated; *n receives N. Errors name file and line.
std::vector<Spin> read_spin_samples(const std::string& path, int32_t* n);

/// Bytes of physical memory on this machine (for refusing sizes that cannot fit up front).
int64_t physical_memory_bytes();

/// Throws InputError naming `path` unless a file can be created there (checked before long runs
/// so that a typo in an output path does not cost the run).
void check_writable(const std::string& path);

/// Writes content to path via a temporary file in the same directory and rename(2), so a
/// reader never sees a half-written file. Throws InputError naming the path on failure.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace spinlab
