// Data sets of rows (images or plain vectors): scikit-learn's digits, Fashion-MNIST IDX files,
// CSV and .npy files; binarisation; NumPy arrays for model import.
//
// Every reader goes through zlib's gzread, so each file may be gzip-compressed or plain.
// Errors are InputError "path:line: what" for text, "path: what" for binary files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace spinlab {

/// A table of `rows` x `cols` values (row-major, float32), with the shape of one row as an image
/// (width x height = cols; height 1 for plain vectors) and the value that means "full intensity".
struct Dataset {
  std::string source;           // file (or "digits" / "fashion-mnist:train") for messages
  int64_t rows = 0;
  int32_t cols = 0;
  int32_t width = 0, height = 0;  // image shape of a row, width * height == cols
  double scale = 1.0;           // full intensity: 16 (digits), 255 (Fashion-MNIST), 1 (files)
  std::vector<float> x;         // rows * cols raw values
  std::vector<int32_t> labels;  // one per row when the source has labels, else empty
  std::vector<int64_t> lines;   // text sources: the file line of each row (for messages), else empty

  const float* row(int64_t r) const { return x.data() + r * cols; }
};

/// Which part of a data set: the published train/test split, or all rows.
/// digits has no published split: train = rows 0..1499, test = rows 1500..1796 (297 rows).
enum class Split { Train, Test, All };
Split parse_split(const std::string& s);  // "train" | "test" | "all"; InputError otherwise

/// Default locations of the Debian packages python3-sklearn and dataset-fashion-mnist.
std::string default_digits_path();
std::string default_fashion_mnist_dir();

/// scikit-learn's digits.csv.gz: rows of 64 pixel values 0..16 followed by the label (0..9);
/// 8 x 8 images, scale 16. 1797 rows in the shipped file.
Dataset load_digits(Split split = Split::All, const std::string& path = default_digits_path());

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017) in LeCun's IDX format: {train,t10k}-images-idx3-ubyte.gz
/// (magic 0x00000803, 28 x 28 uint8) and the matching labels-idx1 (magic 0x00000801) in dir.
/// Train: 60000 rows, test: 10000; scale 255. Split::All concatenates train then test.
Dataset load_fashion_mnist(Split split, const std::string& dir = default_fashion_mnist_dir());

/// One IDX image file (+ optional label file; "" for none): any count of uint8 images of any size.
Dataset read_idx_images(const std::string& images_path, const std::string& labels_path = "");

/// Text rows: values separated by commas or white space, '#' comments, blank lines skipped; a
/// first line with a non-numeric field is taken as a header. Every row must have the same
/// number of values; NaN/inf are refused (file:line). Scale 1. Image shape: square when cols is
/// a perfect square, else cols x 1.
Dataset read_csv_rows(const std::string& path);

/// A NumPy .npy array (format 1.0-3.0; dtypes u1, i1, b1, i2/u2, i4/u4, i8/u8, f4, f8, little
/// endian or single byte; C or Fortran order), converted to double.
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<double> data;  // row-major
};
NpyArray read_npy(const std::string& path);

/// A 2-D .npy array as a data set (NaN/inf refused, naming the row and column). Scale 1.
Dataset read_npy_rows(const std::string& path);

/// "digits", "fashion-mnist" (with the split) or a file (.csv/.txt[.gz] or .npy[.gz]; the split
/// is ignored for files and must then be train or all).
Dataset load_dataset(const std::string& spec, Split split);

/// Binarises in place: value / scale >= threshold becomes 1, else 0; scale becomes 1.
/// The default threshold 0.5 is the one documented in docs/cli.md (digits: pixel >= 8 of 16;
/// Fashion-MNIST: pixel >= 127.5 of 255).
void binarize(Dataset& d, double threshold = 0.5);

/// Throws InputError naming the source, row and column of the first value that is not 0 or 1.
void require_binary(const Dataset& d);

/// Sets the image shape; InputError unless width * height == cols.
void set_image_shape(Dataset& d, int32_t width, int32_t height);

/// Throws InputError "<source>: wrong image size: rows have C values, expected E (WxH)" unless
/// the rows have `expected` values.
void require_columns(const Dataset& d, int32_t expected, const std::string& what);

}  // namespace spinlab
