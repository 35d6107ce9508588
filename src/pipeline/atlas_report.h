// What the atlas shows the application in pictures (its pages, for --dump-atlas).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "atlas/atlas.h"

namespace glyphstream::pipeline {

// Debug pictures of the atlas pages (RGBA8), their sizes in *sizes (which may be null).
std::vector<std::vector<uint8_t>> atlas_debug_images(const atlas::Atlas& atlas,
                                                     std::vector<std::pair<int, int>>* sizes);

}  // namespace glyphstream::pipeline
