// Data-set loaders (digits, Fashion-MNIST IDX, CSV, .npy; gzip or plain) and the PNG writer.
#include <gtest/gtest.h>

#include <png.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "io/datasets.hpp"
#include "io/png.hpp"

using namespace spinlab;
namespace fs = std::filesystem;

namespace {

const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("spinlab_test_datasets_" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(fs::temp_directory_path() / ("spinlab_test_datasets_" + std::to_string(::getpid())), ec);
    });
    return d;
  }();
  return dir;
}

std::string write(const std::string& name, const std::string& bytes) {
  const std::string p = (scratch() / name).string();
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string write_gz(const std::string& name, const std::string& bytes) {
  const std::string p = (scratch() / name).string();
  gzFile f = gzopen(p.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  return p;
}

// The InputError message of f(), or "" when nothing was thrown.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string npy(const std::string& descr, const std::string& shape, const std::string& data, bool fortran = false) {
  std::string h = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>(h.size() >> 8);
  return out + h + data;
}

std::string be32(uint32_t v) {
  std::string s(4, '\0');
  for (int k = 0; k < 4; ++k) s[k] = static_cast<char>((v >> (24 - 8 * k)) & 0xff);
  return s;
}

}  // namespace

TEST(Datasets, DigitsShapeScaleAndSplit) {
  if (!fs::exists(default_digits_path())) GTEST_SKIP() << "python3-sklearn not installed";
  Dataset d = load_digits();
  EXPECT_EQ(d.rows, 1797);
  EXPECT_EQ(d.cols, 64);
  EXPECT_EQ(d.width, 8);
  EXPECT_EQ(d.height, 8);
  EXPECT_EQ(d.labels.size(), 1797u);
  EXPECT_EQ(d.scale, 16.0);
  // The first row of digits.csv.gz (sklearn's load_digits().data[0]) and its label 0.
  EXPECT_EQ(d.x[2], 5.0f);
  EXPECT_EQ(d.x[3], 13.0f);
  EXPECT_EQ(d.labels[0], 0);
  EXPECT_EQ(load_digits(Split::Train).rows, 1500);
  Dataset t = load_digits(Split::Test);
  EXPECT_EQ(t.rows, 297);
  EXPECT_EQ(t.x[0], d.x[1500 * 64]);
  binarize(d);
  EXPECT_EQ(d.x[2], 0.0f);  // 5/16 < 0.5
  EXPECT_EQ(d.x[3], 1.0f);  // 13/16 >= 0.5
  EXPECT_NO_THROW(require_binary(d));
}

TEST(Datasets, FashionMnistShapes) {
  if (!fs::exists(default_fashion_mnist_dir())) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  Dataset test = load_fashion_mnist(Split::Test);
  EXPECT_EQ(test.rows, 10000);
  EXPECT_EQ(test.cols, 784);
  EXPECT_EQ(test.width, 28);
  EXPECT_EQ(test.labels.size(), 10000u);
  EXPECT_EQ(test.labels[0], 9);  // the first test image is an ankle boot
  EXPECT_EQ(test.scale, 255.0);
  Dataset train = load_fashion_mnist(Split::Train);
  EXPECT_EQ(train.rows, 60000);
  EXPECT_EQ(train.cols, 784);
  EXPECT_EQ(train.x.size(), 60000u * 784u);
}

TEST(Datasets, IdxRoundTripAndErrors) {
  std::string img = be32(0x803) + be32(2) + be32(2) + be32(3);
  for (int k = 0; k < 12; ++k) img += static_cast<char>(k * 20);
  std::string lab = be32(0x801) + be32(2) + std::string("\x07\x03", 2);
  Dataset d = read_idx_images(write_gz("i.gz", img), write("l", lab));
  EXPECT_EQ(d.rows, 2);
  EXPECT_EQ(d.cols, 6);
  EXPECT_EQ(d.width, 3);
  EXPECT_EQ(d.height, 2);
  EXPECT_EQ(d.x[11], 220.0f);
  EXPECT_EQ(d.labels[1], 3);
  EXPECT_NE(error_of([&] { read_idx_images(write("t", img.substr(0, 20))); }).find("bytes"), std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_images(write("e", "")); }).find("empty"), std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_images(write("m", be32(0x801) + be32(0) + be32(0) + be32(0))); }).find("magic"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_images(write("i2", img), write("l2", be32(0x801) + be32(3) + "abc")); }).find("3 labels"),
            std::string::npos);
}

TEST(Datasets, CsvRowsHeaderCommentsGzipAndErrors) {
  const std::string text = "# two rows\na,b,c,d\n0,1,1,0\n\n1, 0 ,0,1  # trailing comment\n";
  for (const std::string& p : {write("r.csv", text), write_gz("r.csv.gz", text)}) {
    Dataset d = read_csv_rows(p);
    EXPECT_EQ(d.rows, 2);
    EXPECT_EQ(d.cols, 4);
    EXPECT_EQ(d.width, 2);  // 4 = 2 x 2
    EXPECT_EQ(d.x[4], 1.0f);
    EXPECT_NO_THROW(require_binary(d));
  }
  EXPECT_EQ(read_csv_rows(write("w.txt", "1 0 1\n")).width, 3);  // not a square: 3 x 1
  const std::string ragged = write("ragged.csv", "0,1\n1,0,1\n");
  EXPECT_EQ(error_of([&] { read_csv_rows(ragged); }), ragged + ":2: 3 values, the first row has 2");
  const std::string nan = write("nan.csv", "0,1\n1,nan\n");
  EXPECT_NE(error_of([&] { read_csv_rows(nan); }).find(nan + ":2:"), std::string::npos);
  const std::string empty = write("empty.csv", "# nothing\n\n");
  EXPECT_NE(error_of([&] { read_csv_rows(empty); }).find("empty file"), std::string::npos);
  const std::string gray = write("gray.csv", "0,1\n\n1,0.5\n");
  Dataset g = read_csv_rows(gray);
  EXPECT_EQ(error_of([&] { require_binary(g); }).rfind(gray + ":3: column 2: value 0.5 is not 0 or 1", 0), 0u);
  EXPECT_NE(error_of([&] { read_csv_rows(write("junk.csv", "0,1\n1,x\n")); }).find(":2: field 2 is not a number"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_csv_rows((scratch() / "absent.csv").string()); }).find("no such file"), std::string::npos);
  EXPECT_NE(error_of([&] { set_image_shape(g, 3, 1); }).find("wrong image size"), std::string::npos);
  EXPECT_NE(error_of([&] { require_columns(g, 784, "the model"); }).find("wrong image size"), std::string::npos);
}

TEST(Datasets, NpyDtypesOrdersAndErrors) {
  std::string u8 = std::string("\x00\x01\x01\x00\x01\x01", 6);
  Dataset d = read_npy_rows(write("a.npy", npy("|u1", "(2, 3)", u8)));
  EXPECT_EQ(d.rows, 2);
  EXPECT_EQ(d.cols, 3);
  EXPECT_EQ(d.x[1], 1.0f);
  EXPECT_EQ(d.x[3], 0.0f);
  // float64 in Fortran order: memory [a00 a10 a01 a11 a02 a12]
  double f[6] = {1, 4, 2, 5, 3, 6};
  NpyArray a = read_npy(write_gz("f.npy.gz", npy("<f8", "(2, 3)", std::string(reinterpret_cast<char*>(f), 48), true)));
  ASSERT_EQ(a.shape.size(), 2u);
  for (int k = 0; k < 6; ++k) EXPECT_EQ(a.data[k], k + 1.0);
  float g[2] = {0.25f, -1.5f};
  NpyArray v = read_npy(write("v.npy", npy("<f4", "(2,)", std::string(reinterpret_cast<char*>(g), 8))));
  ASSERT_EQ(v.shape, std::vector<int64_t>{2});
  EXPECT_EQ(v.data[1], -1.5);
  double bad[2] = {0.0, std::nan("")};
  const std::string pn = write("n.npy", npy("<f8", "(1, 2)", std::string(reinterpret_cast<char*>(bad), 16)));
  EXPECT_NE(error_of([&] { read_npy_rows(pn); }).find("NaN"), std::string::npos);
  EXPECT_NE(error_of([&] { read_npy(write("s.npy", npy("<f8", "(2, 3)", "short"))); }).find("data bytes"), std::string::npos);
  EXPECT_NE(error_of([&] { read_npy(write("x.npy", "hello world")); }).find("magic"), std::string::npos);
  EXPECT_NE(error_of([&] { read_npy(write("c.npy", npy("<c16", "(1,)", std::string(16, '\0')))); }).find("dtype"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_npy_rows(write("v1.npy", npy("|u1", "(2,)", "ab"))); }).find("2-D"), std::string::npos);
  EXPECT_NE(error_of([&] { read_npy(write("z.npy", "")); }).find("empty"), std::string::npos);
}

TEST(Datasets, LoadDatasetDispatch) {
  EXPECT_EQ(load_dataset(write("d.csv", "1,0\n"), Split::Train).cols, 2);
  EXPECT_NE(error_of([&] { load_dataset(write("d2.csv", "1,0\n"), Split::Test); }).find("--split test"), std::string::npos);
  EXPECT_THROW(parse_split("validation"), InputError);
}

TEST(Png, RoundTripThroughLibpng) {
  Image img;
  img.width = 5;
  img.height = 3;
  img.channels = 3;
  for (int k = 0; k < 45; ++k) img.pixels.push_back(static_cast<uint8_t>(k * 5));
  const std::string path = (scratch() / "rgb.png").string();
  write_png(path, img);
  png_image in{};
  in.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&in, path.c_str())) << in.message;
  EXPECT_EQ(in.width, 5u);
  EXPECT_EQ(in.height, 3u);
  in.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> back(PNG_IMAGE_SIZE(in));
  ASSERT_TRUE(png_image_finish_read(&in, nullptr, back.data(), 0, nullptr)) << in.message;
  EXPECT_EQ(back, img.pixels);
  EXPECT_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
  EXPECT_THROW(write_png((scratch() / "no/such/dir.png").string(), img), InputError);
}

TEST(Png, TiledGridHasBordersAndTiles) {
  // Three 2 x 2 images in a grid of 2 columns, border 1, zoom 2: (2*(4+1)+1) x (2*(4+1)+1) = 11 x 11.
  std::vector<float> v = {0, 1, 1, 0, 0.5f, 0.5f, 0.5f, 0.5f, 1, 1, 1, 2.0f};
  Image g = tile_images(v, 3, 2, 2, 2, 1, 2, 77);
  EXPECT_EQ(g.width, 11);
  EXPECT_EQ(g.height, 11);
  auto at = [&](int x, int y) { return g.pixels[y * g.width + x]; };
  EXPECT_EQ(at(0, 0), 77);
  EXPECT_EQ(at(1, 1), 0);    // image 0, pixel (0,0), zoomed
  EXPECT_EQ(at(3, 2), 255);  // image 0, pixel (1,0)
  EXPECT_EQ(at(5, 5), 77);   // border between tiles
  EXPECT_EQ(at(6, 1), 128);  // image 1 = 0.5
  EXPECT_EQ(at(1, 6), 255);  // image 2, clamped 2.0 -> white at (1,1) only; (0,0) is 1
  EXPECT_EQ(at(6, 6), 77);   // empty fourth slot stays border grey
  const std::string path = (scratch() / "grid.png").string();
  write_png(path, g);
  png_image in{};
  in.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&in, path.c_str()));
  in.format = PNG_FORMAT_GRAY;
  std::vector<uint8_t> back(PNG_IMAGE_SIZE(in));
  ASSERT_TRUE(png_image_finish_read(&in, nullptr, back.data(), 0, nullptr));
  EXPECT_EQ(back, g.pixels);
  EXPECT_THROW(tile_images(v, 4, 2, 2), InputError);
}
