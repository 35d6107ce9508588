#include "png_io.h"

#include <png.h>

#include <cstdio>
#include <memory>

namespace glyphstream::tools {
namespace {

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};

}  // namespace

Status write_png(const std::string& path, const uint8_t* pixels, int width, int height,
                 int channels) {
  if (width <= 0 || height <= 0 || (channels != 1 && channels != 3 && channels != 4)) {
    return {ErrorCode::kInvalidArgument, "write_png: bad image shape"};
  }
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) return {ErrorCode::kIoError, "cannot open " + path + " for writing"};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    return {ErrorCode::kOutOfMemory, "libpng could not start"};
  }
  // libpng reports errors by longjmp; nothing with a destructor lives between here and there.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return {ErrorCode::kIoError, "libpng failed while writing " + path};
  }
  png_init_io(png, file.get());
  const int type = channels == 1   ? PNG_COLOR_TYPE_GRAY
                   : channels == 3 ? PNG_COLOR_TYPE_RGB
                                   : PNG_COLOR_TYPE_RGBA;
  png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8, type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height; ++y) {
    png_write_row(png, pixels + size_t(y) * size_t(width) * size_t(channels));
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fflush(file.get()) != 0) return {ErrorCode::kIoError, "cannot write " + path};
  return {};
}

void unpremultiply_rgba(uint8_t* rgba, size_t pixel_count) {
  for (size_t i = 0; i < pixel_count; ++i) {
    uint8_t* p = rgba + 4 * i;
    const unsigned a = p[3];
    if (a == 255) continue;
    for (int c = 0; c < 3; ++c) {
      // A premultiplied channel never exceeds alpha; clamp what rounding in the GPU may add.
      const unsigned v = a == 0 ? 0u : (unsigned(p[c]) * 255u + a / 2) / a;
      p[c] = uint8_t(v > 255 ? 255 : v);
    }
  }
}

Status write_premultiplied_png(const std::string& path, const uint8_t* rgba, int width,
                               int height) {
  if (width <= 0 || height <= 0) return {ErrorCode::kInvalidArgument, "write_png: bad image shape"};
  std::vector<uint8_t> straight(rgba, rgba + size_t(width) * size_t(height) * 4);
  unpremultiply_rgba(straight.data(), size_t(width) * size_t(height));
  return write_png(path, straight.data(), width, height, 4);
}

Result<Image> read_png(const std::string& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) {
    return Status(ErrorCode::kIoError, "cannot read PNG " + path + ": " + image.message);
  }
  image.format = PNG_FORMAT_RGBA;
  Image out;
  out.width = int(image.width);
  out.height = int(image.height);
  out.rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr)) {
    png_image_free(&image);
    return Status(ErrorCode::kIoError, "cannot decode PNG " + path + ": " + image.message);
  }
  return out;
}

}  // namespace glyphstream::tools
