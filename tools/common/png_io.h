// PNG reading and writing (libpng) for the tools and tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::tools {

// Writes width x height pixels, top row first; channels 1 (grey), 3 (RGB) or 4 (RGBA).
Status write_png(const std::string& path, const uint8_t* pixels, int width, int height,
                 int channels);

// Converts premultiplied RGBA8 (what the framebuffer and HeadlessGl::read_pixels hold) to the
// straight alpha a PNG stores, in place: colour = round(colour * 255 / alpha), 0 where alpha is 0.
void unpremultiply_rgba(uint8_t* rgba, size_t pixel_count);

// write_png for a premultiplied RGBA8 framebuffer read-back: un-premultiplies a copy first.
Status write_premultiplied_png(const std::string& path, const uint8_t* rgba, int width, int height);

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgba;  // always RGBA8, top row first
};
Result<Image> read_png(const std::string& path);

}  // namespace glyphstream::tools
