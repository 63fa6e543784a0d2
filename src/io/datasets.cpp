// Data-set readers (digits CSV, IDX, CSV, .npy; gzip or plain via zlib) and binarisation.
#include "io/datasets.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>

#include "core/error.hpp"
#include "io/parse.hpp"

namespace spinlab {
namespace {

[[noreturn]] void fail(const std::string& source, size_t line, const std::string& what) {
  throw InputError(source + ":" + std::to_string(line) + ": " + what);
}

// The whole (decompressed) content of a file; gzread passes plain files through unchanged.
std::string read_maybe_gz(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a file");
  if (!std::filesystem::exists(path, ec)) throw InputError(path + ": no such file");
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  gzbuffer(f, 1 << 17);
  std::string out;
  char buf[1 << 16];
  while (true) {
    const int got = gzread(f, buf, sizeof buf);
    if (got < 0) {
      int err = 0;
      std::string msg = gzerror(f, &err);
      gzclose(f);
      throw InputError(path + ": read error (" + msg + ")");
    }
    if (got == 0) break;
    out.append(buf, static_cast<size_t>(got));
  }
  gzclose(f);
  return out;
}

void default_shape(Dataset& d) {
  const auto s = static_cast<int32_t>(std::lround(std::sqrt(static_cast<double>(d.cols))));
  if (s * s == d.cols) {
    d.width = d.height = s;
  } else {
    d.width = d.cols;
    d.height = 1;
  }
}

uint32_t be32(const std::string& b, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 3]));
}

// Splits a text line into fields at commas, tabs and spaces (runs of blanks are one separator;
// an empty field between two commas is an error the caller reports).
bool split_fields(std::string_view line, std::vector<std::string_view>* out) {
  out->clear();
  size_t p = 0;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (p < line.size()) {
    while (p < line.size() && blank(line[p])) ++p;
    if (p == line.size()) break;
    size_t q = p;
    while (q < line.size() && line[q] != ',' && !blank(line[q])) ++q;
    out->push_back(line.substr(p, q - p));
    while (q < line.size() && blank(line[q])) ++q;
    if (q < line.size() && line[q] == ',') {
      ++q;
      size_t r = q;
      while (r < line.size() && blank(line[r])) ++r;
      if (r == line.size() || line[r] == ',') return false;  // "a,,b" or trailing comma
    }
    p = q;
  }
  return true;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Split parse_split(const std::string& s) {
  if (s == "train") return Split::Train;
  if (s == "test") return Split::Test;
  if (s == "all") return Split::All;
  throw InputError("--split: expected train, test or all, got '" + s + "'");
}

std::string default_digits_path() { return "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"; }
std::string default_fashion_mnist_dir() { return "/usr/share/datasets/fashion-mnist"; }

Dataset load_digits(Split split, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError(path + ": no such file (install the Debian package python3-sklearn: make deps)");
  const std::string text = read_maybe_gz(path);
  Dataset d;
  d.source = path;
  d.cols = 64;
  d.width = d.height = 8;
  d.scale = 16.0;
  std::vector<std::string_view> f;
  size_t lineno = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++lineno;
    if (!split_fields(line, &f)) fail(path, lineno, "empty field");
    if (f.empty()) continue;
    if (f.size() != 65)
      fail(path, lineno, "wrong image size: expected 64 pixels and a label (65 fields), got " +
                             std::to_string(f.size()));
    for (int k = 0; k < 65; ++k) {
      double v;
      if (!parse_real(f[k], &v) || !std::isfinite(v) || v < 0 || v > (k < 64 ? 16 : 9) || v != std::floor(v))
        fail(path, lineno, "field " + std::to_string(k + 1) + ": expected an integer in 0.." +
                               (k < 64 ? "16" : "9") + ", got '" + std::string(f[k]) + "'");
      if (k < 64) d.x.push_back(static_cast<float>(v));
      else d.labels.push_back(static_cast<int32_t>(v));
    }
    ++d.rows;
  }
  if (d.rows == 0) throw InputError(path + ": empty file (no rows)");
  if (split != Split::All) {
    const int64_t cut = std::min<int64_t>(1500, d.rows);
    const int64_t lo = split == Split::Train ? 0 : cut, hi = split == Split::Train ? cut : d.rows;
    if (hi <= lo) throw InputError(path + ": no rows in the test split (needs more than 1500 rows)");
    d.x = std::vector<float>(d.x.begin() + lo * 64, d.x.begin() + hi * 64);
    d.labels = std::vector<int32_t>(d.labels.begin() + lo, d.labels.begin() + hi);
    d.rows = hi - lo;
  }
  d.source = std::string("digits:") + (split == Split::Train ? "train" : split == Split::Test ? "test" : "all");
  return d;
}

Dataset read_idx_images(const std::string& images_path, const std::string& labels_path) {
  const std::string b = read_maybe_gz(images_path);
  if (b.empty()) throw InputError(images_path + ": empty file");
  if (b.size() < 16 || be32(b, 0) != 0x00000803u)
    throw InputError(images_path + ": not an IDX image file (expected magic 0x00000803, uint8, 3 dimensions)");
  const uint32_t n = be32(b, 4), h = be32(b, 8), w = be32(b, 12);
  if (n == 0 || h == 0 || w == 0 || static_cast<uint64_t>(h) * w > (1u << 24))
    throw InputError(images_path + ": wrong image size " + std::to_string(n) + " x " + std::to_string(h) +
                     " x " + std::to_string(w));
  const uint64_t need = 16 + static_cast<uint64_t>(n) * h * w;
  if (b.size() != need)
    throw InputError(images_path + ": " + std::to_string(b.size()) + " bytes, the header (" + std::to_string(n) +
                     " images of " + std::to_string(h) + " x " + std::to_string(w) + ") needs " + std::to_string(need));
  Dataset d;
  d.source = images_path;
  d.rows = n;
  d.cols = static_cast<int32_t>(h * w);
  d.width = static_cast<int32_t>(w);
  d.height = static_cast<int32_t>(h);
  d.scale = 255.0;
  d.x.resize(need - 16);
  for (size_t i = 0; i < d.x.size(); ++i) d.x[i] = static_cast<float>(static_cast<uint8_t>(b[16 + i]));
  if (!labels_path.empty()) {
    const std::string l = read_maybe_gz(labels_path);
    if (l.size() < 8 || be32(l, 0) != 0x00000801u)
      throw InputError(labels_path + ": not an IDX label file (expected magic 0x00000801)");
    if (be32(l, 4) != n || l.size() != 8 + static_cast<size_t>(n))
      throw InputError(labels_path + ": " + std::to_string(be32(l, 4)) + " labels for " + std::to_string(n) +
                       " images in " + images_path);
    d.labels.resize(n);
    for (uint32_t i = 0; i < n; ++i) d.labels[i] = static_cast<uint8_t>(l[8 + i]);
  }
  return d;
}

Dataset load_fashion_mnist(Split split, const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError(dir + ": no such directory (install the Debian package dataset-fashion-mnist: make deps)");
  auto part = [&](const std::string& prefix) {
    Dataset d = read_idx_images(dir + "/" + prefix + "-images-idx3-ubyte.gz", dir + "/" + prefix + "-labels-idx1-ubyte.gz");
    if (d.width != 28 || d.height != 28)
      throw InputError(d.source + ": wrong image size " + std::to_string(d.width) + " x " + std::to_string(d.height) +
                       ", Fashion-MNIST has 28 x 28");
    return d;
  };
  Dataset d;
  if (split == Split::Test) {
    d = part("t10k");
  } else {
    d = part("train");
    if (split == Split::All) {
      Dataset t = part("t10k");
      d.x.insert(d.x.end(), t.x.begin(), t.x.end());
      d.labels.insert(d.labels.end(), t.labels.begin(), t.labels.end());
      d.rows += t.rows;
    }
  }
  d.source = std::string("fashion-mnist:") + (split == Split::Train ? "train" : split == Split::Test ? "test" : "all");
  return d;
}

Dataset read_csv_rows(const std::string& path) {
  const std::string text = read_maybe_gz(path);
  Dataset d;
  d.source = path;
  std::vector<std::string_view> f;
  size_t lineno = 0, start = 0;
  bool first_data_line = true;
  int64_t width = -1;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++lineno;
    if (auto h = line.find('#'); h != std::string_view::npos) line = line.substr(0, h);
    if (!split_fields(line, &f)) fail(path, lineno, "empty field");
    if (f.empty()) continue;
    double v;
    if (first_data_line) {
      first_data_line = false;
      // A header: some field is not a number (and not nan/inf, which numbers-with-typos would be).
      bool header = false;
      for (auto t : f)
        if (!parse_real(t, &v)) header = true;
      if (header) {
        bool any_number = false;
        for (auto t : f)
          if (parse_real(t, &v)) any_number = true;
        if (!any_number) continue;
      }
    }
    if (width < 0) {
      width = static_cast<int64_t>(f.size());
      if (width > (1 << 24)) fail(path, lineno, "more than 2^24 values per row");
    } else if (static_cast<int64_t>(f.size()) != width) {
      fail(path, lineno, std::to_string(f.size()) + " values, the first row has " + std::to_string(width));
    }
    for (size_t k = 0; k < f.size(); ++k) {
      if (!parse_real(f[k], &v)) fail(path, lineno, "field " + std::to_string(k + 1) + " is not a number: '" + std::string(f[k]) + "'");
      if (!std::isfinite(v)) fail(path, lineno, "field " + std::to_string(k + 1) + " is " + std::string(f[k]) + " (NaN/inf refused)");
      d.x.push_back(static_cast<float>(v));
    }
    d.lines.push_back(static_cast<int64_t>(lineno));
    ++d.rows;
  }
  if (d.rows == 0) throw InputError(path + ": empty file (no rows of values)");
  d.cols = static_cast<int32_t>(width);
  default_shape(d);
  return d;
}

NpyArray read_npy(const std::string& path) {
  const std::string b = read_maybe_gz(path);
  if (b.empty()) throw InputError(path + ": empty file");
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0) throw InputError(path + ": not a .npy file (bad magic)");
  const int major = static_cast<uint8_t>(b[6]);
  size_t hlen, hstart;
  if (major == 1) {
    hlen = static_cast<uint8_t>(b[8]) | (static_cast<size_t>(static_cast<uint8_t>(b[9])) << 8);
    hstart = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12) throw InputError(path + ": truncated .npy header");
    hlen = 0;
    for (int k = 0; k < 4; ++k) hlen |= static_cast<size_t>(static_cast<uint8_t>(b[8 + k])) << (8 * k);
    hstart = 12;
  } else {
    throw InputError(path + ": unsupported .npy version " + std::to_string(major));
  }
  if (hstart + hlen > b.size()) throw InputError(path + ": truncated .npy header");
  const std::string header = b.substr(hstart, hlen);
  auto value_of = [&](const std::string& key) {
    const size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) throw InputError(path + ": .npy header lacks '" + key + "'");
    size_t c = header.find(':', k);
    if (c == std::string::npos) throw InputError(path + ": malformed .npy header");
    ++c;
    while (c < header.size() && header[c] == ' ') ++c;
    return c;
  };
  size_t p = value_of("descr");
  if (p >= header.size() || (header[p] != '\'' && header[p] != '"')) throw InputError(path + ": malformed descr");
  const size_t q = header.find(header[p], p + 1);
  const std::string descr = header.substr(p + 1, q - p - 1);
  p = value_of("fortran_order");
  const bool fortran = header.compare(p, 4, "True") == 0;
  p = value_of("shape");
  if (header[p] != '(') throw InputError(path + ": malformed shape");
  const size_t close = header.find(')', p);
  NpyArray a;
  {
    std::string dims = header.substr(p + 1, close - p - 1);
    size_t s = 0;
    while (s < dims.size()) {
      size_t e = dims.find(',', s);
      if (e == std::string::npos) e = dims.size();
      std::string t = dims.substr(s, e - s);
      t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
      if (!t.empty()) {
        int64_t v;
        if (!parse_int(t, &v) || v < 0) throw InputError(path + ": malformed shape '" + dims + "'");
        a.shape.push_back(v);
      }
      s = e + 1;
    }
  }
  if (descr.size() < 3) throw InputError(path + ": unsupported dtype '" + descr + "'");
  const char order = descr[0], kind = descr[1];
  int64_t size = 0;
  if (!parse_int(descr.substr(2), &size)) throw InputError(path + ": unsupported dtype '" + descr + "'");
  if (order == '>' && size > 1) throw InputError(path + ": big-endian dtype '" + descr + "' not supported");
  const bool ok = (kind == 'f' && (size == 4 || size == 8)) || (kind == 'b' && size == 1) ||
                  ((kind == 'u' || kind == 'i') && (size == 1 || size == 2 || size == 4 || size == 8));
  if (!ok) throw InputError(path + ": unsupported dtype '" + descr + "' (expected u1, i1..i8, u2..u8, b1, f4 or f8)");
  int64_t count = 1;
  for (int64_t s : a.shape) {
    if (s != 0 && count > (int64_t{1} << 40) / s) throw InputError(path + ": array too large");
    count *= s;
  }
  const size_t data0 = hstart + hlen;
  if (b.size() - data0 != static_cast<size_t>(count * size))
    throw InputError(path + ": " + std::to_string(b.size() - data0) + " data bytes, shape and dtype '" + descr +
                     "' need " + std::to_string(count * size));
  a.data.resize(count);
  const char* src = b.data() + data0;
  for (int64_t i = 0; i < count; ++i) {
    const char* e = src + i * size;
    double v = 0;
    if (kind == 'f' && size == 4) { float t; std::memcpy(&t, e, 4); v = t; }
    else if (kind == 'f') { std::memcpy(&v, e, 8); }
    else if (kind == 'b' || (kind == 'u' && size == 1)) { v = static_cast<uint8_t>(*e); }
    else if (kind == 'i' && size == 1) { v = static_cast<int8_t>(*e); }
    else if (kind == 'u' && size == 2) { uint16_t t; std::memcpy(&t, e, 2); v = t; }
    else if (kind == 'i' && size == 2) { int16_t t; std::memcpy(&t, e, 2); v = t; }
    else if (kind == 'u' && size == 4) { uint32_t t; std::memcpy(&t, e, 4); v = t; }
    else if (kind == 'i' && size == 4) { int32_t t; std::memcpy(&t, e, 4); v = t; }
    else if (kind == 'u') { uint64_t t; std::memcpy(&t, e, 8); v = static_cast<double>(t); }
    else { int64_t t; std::memcpy(&t, e, 8); v = static_cast<double>(t); }
    a.data[i] = v;
  }
  if (fortran && a.shape.size() >= 2) {  // column-major to row-major (2-D; higher ranks reversed likewise)
    std::vector<double> rm(a.data.size());
    const size_t nd = a.shape.size();
    std::vector<int64_t> idx(nd, 0);
    for (int64_t lin = 0; lin < count; ++lin) {
      // idx: the C-order multi-index of element lin; its Fortran offset
      int64_t off = 0, stride = 1;
      for (size_t k = 0; k < nd; ++k) {
        off += idx[k] * stride;
        stride *= a.shape[k];
      }
      rm[lin] = a.data[off];
      for (size_t k = nd; k-- > 0;) {
        if (++idx[k] < a.shape[k]) break;
        idx[k] = 0;
      }
    }
    a.data.swap(rm);
  }
  return a;
}

Dataset read_npy_rows(const std::string& path) {
  NpyArray a = read_npy(path);
  if (a.shape.size() != 2)
    throw InputError(path + ": expected a 2-D array (rows x values), got " + std::to_string(a.shape.size()) + " dimensions");
  if (a.shape[0] == 0 || a.shape[1] == 0) throw InputError(path + ": empty array");
  if (a.shape[1] > (1 << 24)) throw InputError(path + ": more than 2^24 values per row");
  Dataset d;
  d.source = path;
  d.rows = a.shape[0];
  d.cols = static_cast<int32_t>(a.shape[1]);
  d.x.resize(a.data.size());
  for (size_t i = 0; i < a.data.size(); ++i) {
    if (!std::isfinite(a.data[i]))
      throw InputError(path + ": row " + std::to_string(i / d.cols) + ", column " + std::to_string(i % d.cols) +
                       " is NaN/inf");
    d.x[i] = static_cast<float>(a.data[i]);
  }
  default_shape(d);
  return d;
}

Dataset load_dataset(const std::string& spec, Split split) {
  if (spec == "digits") return load_digits(split);
  if (spec == "fashion-mnist") return load_fashion_mnist(split);
  if (split == Split::Test)
    throw InputError(spec + ": --split test needs a named data set (digits, fashion-mnist); pass the test file itself");
  if (ends_with(spec, ".npy") || ends_with(spec, ".npy.gz")) return read_npy_rows(spec);
  if (ends_with(spec, "-ubyte") || ends_with(spec, "-ubyte.gz")) return read_idx_images(spec);
  return read_csv_rows(spec);
}

void binarize(Dataset& d, double threshold) {
  if (!(threshold > 0.0 && threshold <= 1.0)) throw InputError("binarisation threshold must lie in (0, 1]");
  const auto cut = static_cast<float>(threshold * d.scale);
  for (float& v : d.x) v = v >= cut ? 1.0f : 0.0f;
  d.scale = 1.0;
}

void require_binary(const Dataset& d) {
  if (d.rows == 0) throw InputError(d.source + ": empty data set");
  for (size_t i = 0; i < d.x.size(); ++i)
    if (d.x[i] != 0.0f && d.x[i] != 1.0f) {
      const size_t r = i / d.cols;
      const std::string where = r < d.lines.size() ? ":" + std::to_string(d.lines[r]) + ": " : ": row " + std::to_string(r + 1) + ", ";
      char v[32];
      std::snprintf(v, sizeof v, "%g", static_cast<double>(d.x[i]));
      throw InputError(d.source + where + "column " + std::to_string(i % d.cols + 1) + ": value " + v +
                       " is not 0 or 1 (binary data required; --binarize T thresholds it)");
    }
}

void set_image_shape(Dataset& d, int32_t width, int32_t height) {
  if (width < 1 || height < 1 || static_cast<int64_t>(width) * height != d.cols)
    throw InputError(d.source + ": wrong image size " + std::to_string(width) + " x " + std::to_string(height) +
                     " for rows of " + std::to_string(d.cols) + " values");
  d.width = width;
  d.height = height;
}

void require_columns(const Dataset& d, int32_t expected, const std::string& what) {
  if (d.cols != expected)
    throw InputError(d.source + ": wrong image size: rows have " + std::to_string(d.cols) + " values, " + what +
                     " expects " + std::to_string(expected));
}

}  // namespace spinlab
