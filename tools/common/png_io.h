// PNG reading and writing (libpng) for the tools and tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::tools {

// Writes width x height pixels, top row first; channels 1 (grey), 3 (RGB) or 4 (RGBA).
Status write_png(const std::string& path, const uint8_t* pixels, int width, int height,
                 int channels);

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgba;  // always RGBA8, top row first
};
Result<Image> read_png(const std::string& path);

}  // namespace glyphstream::tools
