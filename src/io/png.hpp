// PNG output via libpng (grey or RGB, 8 bit) and tiling many equally sized images into a grid.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace spinlab {

/// An 8-bit image, row-major, `channels` bytes per pixel (1 = grey, 3 = RGB).
struct Image {
  int32_t width = 0, height = 0, channels = 1;
  std::vector<uint8_t> pixels;  // height * width * channels
};

/// Encodes img as PNG (libpng's simplified API) and writes it atomically (io/files.hpp).
/// InputError naming the path when the image is malformed or the file cannot be written.
void write_png(const std::string& path, const Image& img);
/// The PNG bytes without writing a file.
std::string encode_png(const Image& img);

/// Tiles `count` grey images of width x height values each (row-major, concatenated in `values`,
/// intensities in [0, 1]: 0 black, 1 white; clamped) into a grid of `columns` tiles per row,
/// `border` pixels of grey level `border_level` (0..255) between and around the tiles; each tile
/// pixel is drawn as a `zoom` x `zoom` block. columns <= 0 picks ceil(sqrt(count)).
Image tile_images(std::span<const float> values, int64_t count, int32_t width, int32_t height,
                  int32_t columns = 0, int32_t border = 1, int32_t zoom = 1, uint8_t border_level = 128);

}  // namespace spinlab
