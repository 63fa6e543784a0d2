// PNG encoding with libpng's simplified write API (no setjmp), atomic file output, image grids.
#include "io/png.hpp"

#include <png.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "io/files.hpp"

namespace spinlab {

std::string encode_png(const Image& img) {
  if (img.width < 1 || img.height < 1 || (img.channels != 1 && img.channels != 3))
    throw InputError("PNG: bad image " + std::to_string(img.width) + " x " + std::to_string(img.height) + " x " +
                     std::to_string(img.channels) + " (grey or RGB, at least 1 x 1)");
  if (img.pixels.size() != static_cast<size_t>(img.width) * img.height * img.channels)
    throw InputError("PNG: pixel buffer does not match the image size");
  png_image im{};
  im.version = PNG_IMAGE_VERSION;
  im.width = static_cast<png_uint_32>(img.width);
  im.height = static_cast<png_uint_32>(img.height);
  im.format = img.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  const png_int_32 stride = img.width * img.channels;
  png_alloc_size_t size = 0;
  // First call sizes the buffer, the second fills it (libpng manual, "simplified API").
  if (!png_image_write_to_memory(&im, nullptr, &size, 0, img.pixels.data(), stride, nullptr))
    throw InputError(std::string("PNG: encoding failed (") + im.message + ")");
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&im, out.data(), &size, 0, img.pixels.data(), stride, nullptr))
    throw InputError(std::string("PNG: encoding failed (") + im.message + ")");
  out.resize(size);
  png_image_free(&im);
  return out;
}

void write_png(const std::string& path, const Image& img) { write_file_atomic(path, encode_png(img)); }

Image tile_images(std::span<const float> values, int64_t count, int32_t width, int32_t height, int32_t columns,
                  int32_t border, int32_t zoom, uint8_t border_level) {
  if (count < 1 || width < 1 || height < 1 || border < 0 || zoom < 1)
    throw InputError("image grid: need at least one image of at least 1 x 1 pixels");
  if (values.size() != static_cast<size_t>(count) * width * height)
    throw InputError("image grid: " + std::to_string(values.size()) + " values for " + std::to_string(count) +
                     " images of " + std::to_string(width) + " x " + std::to_string(height));
  if (columns <= 0) columns = static_cast<int32_t>(std::ceil(std::sqrt(static_cast<double>(count))));
  const auto rows = static_cast<int32_t>((count + columns - 1) / columns);
  const int64_t W = static_cast<int64_t>(columns) * (width * zoom + border) + border;
  const int64_t H = static_cast<int64_t>(rows) * (height * zoom + border) + border;
  if (W > 65535 || H > 65535) throw InputError("image grid: " + std::to_string(W) + " x " + std::to_string(H) + " pixels is too large");
  Image img;
  img.width = static_cast<int32_t>(W);
  img.height = static_cast<int32_t>(H);
  img.channels = 1;
  img.pixels.assign(static_cast<size_t>(W * H), border_level);
  for (int64_t k = 0; k < count; ++k) {
    const int64_t x0 = border + (k % columns) * (width * zoom + border);
    const int64_t y0 = border + (k / columns) * (height * zoom + border);
    const float* src = values.data() + k * width * height;
    for (int32_t y = 0; y < height * zoom; ++y)
      for (int32_t x = 0; x < width * zoom; ++x) {
        const float v = src[(y / zoom) * width + x / zoom];
        const float c = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
        img.pixels[(y0 + y) * W + x0 + x] = static_cast<uint8_t>(std::lround(255.0f * c));
      }
  }
  return img;
}

}  // namespace spinlab
