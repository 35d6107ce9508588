// The one image comparison of the tests: two RGBA8 images (top row first) compared channel by
// channel within a tolerance, with a one-line report for assertion messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace glyphstream::testing {

struct ImageDiff {
  bool sizes_ok = true;         // false: an image holds fewer than w*h pixels; nothing compared
  size_t differing_pixels = 0;  // pixels with any channel beyond the tolerance
  int max_channel_diff = 0;
  int first_x = -1, first_y = -1;  // first differing pixel, row-major from the top
  std::string report;              // "images match (...)" or what differs and where

  bool match() const { return sizes_ok && differing_pixels == 0; }
};

ImageDiff diff_images(std::span<const uint8_t> a, std::span<const uint8_t> b, int w, int h,
                      int tolerance);

}  // namespace glyphstream::testing
