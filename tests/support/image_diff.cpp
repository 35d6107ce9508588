#include "image_diff.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "gpu/srgb.h"

namespace glyphstream::testing {
namespace {

std::string describe(const ImageDiff& d, std::span<const uint8_t> a, std::span<const uint8_t> b,
                     int w, int tolerance) {
  char buf[256];
  if (d.differing_pixels == 0) {
    std::snprintf(buf, sizeof buf, "images match (max channel difference %d)", d.max_channel_diff);
    return buf;
  }
  const size_t o = (size_t(d.first_y) * size_t(w) + size_t(d.first_x)) * 4;
  std::snprintf(buf, sizeof buf,
                "%zu pixels differ by more than %d (max %d); first at (%d,%d): "
                "%u,%u,%u,%u vs %u,%u,%u,%u",
                d.differing_pixels, tolerance, d.max_channel_diff, d.first_x, d.first_y, a[o],
                a[o + 1], a[o + 2], a[o + 3], b[o], b[o + 1], b[o + 2], b[o + 3]);
  return buf;
}

ImageDiff compare(std::span<const uint8_t> a, std::span<const uint8_t> b, int w, int h,
                  int tolerance, bool linear_light);

}  // namespace

ImageDiff diff_images(std::span<const uint8_t> a, std::span<const uint8_t> b, int w, int h,
                      int tolerance) {
  return compare(a, b, w, h, tolerance, false);
}

ImageDiff diff_images_linear_light(std::span<const uint8_t> a, std::span<const uint8_t> b, int w,
                                   int h, int tolerance) {
  return compare(a, b, w, h, tolerance, true);
}

namespace {

ImageDiff compare(std::span<const uint8_t> a, std::span<const uint8_t> b, int w, int h,
                  int tolerance, bool linear_light) {
  ImageDiff d;
  const size_t size = size_t(std::max(w, 0)) * size_t(std::max(h, 0)) * 4;
  if (a.size() < size || b.size() < size) {
    d.sizes_ok = false;
    d.report = "image size mismatch: " + std::to_string(a.size()) + " and " +
               std::to_string(b.size()) + " bytes for " + std::to_string(w) + " x " +
               std::to_string(h) + " pixels";
    return d;
  }
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t o = (size_t(y) * size_t(w) + size_t(x)) * 4;
      int worst = 0;
      bool differs = false;
      for (int c = 0; c < 4; ++c) {
        const int diff = std::abs(int(a[o + c]) - int(b[o + c]));
        worst = std::max(worst, diff);
        if (diff <= tolerance) continue;
        differs = differs || c == 3 || !linear_light ||
                  std::fabs(gpu::srgb_to_linear(a[o + c] / 255.f) -
                            gpu::srgb_to_linear(b[o + c] / 255.f)) > kLinearLightTolerance;
      }
      d.max_channel_diff = std::max(d.max_channel_diff, worst);
      if (differs && d.differing_pixels++ == 0) d.first_x = x, d.first_y = y;
    }
  }
  d.report = describe(d, a, b, w, tolerance);
  return d;
}

}  // namespace

}  // namespace glyphstream::testing
