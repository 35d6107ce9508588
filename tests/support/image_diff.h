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

// diff_images for sRGB-encoded images blended in linear light: a colour channel also matches
// when the two values are within kLinearLightTolerance of each other in linear light. GPUs blend
// sRGB targets at about 8 bits of linear precision: the source and the blend factor each
// rounded to 1/255 of linear light. The NVIDIA H100 differs from the exact float reference by up
// to 0.73/255 (session 10), 1.21/255 (session 11: 48 against 52 encoded, dark text on a light
// background) and 2.03/255 (session 12: 52 against 58 at an edge of dark text on a light
// background, GL and Vulkan identical), which near black is up to 16 encoded levels: the encoding's
// slope there is 12.92. Alpha is stored linearly and keeps `tolerance`.
inline constexpr float kLinearLightTolerance = 2.5f / 255.0f;
ImageDiff diff_images_linear_light(std::span<const uint8_t> a, std::span<const uint8_t> b, int w,
                                   int h, int tolerance);

}  // namespace glyphstream::testing
