#include "text/resize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace glyphstream::text {
namespace {

// The definition, computed directly: each output pixel is the area-weighted mean of the source
// cells its footprint overlaps (double precision, 2D window per pixel).
std::vector<uint8_t> reference(const std::vector<uint8_t>& src, int sw, int sh, int dw, int dh) {
  std::vector<uint8_t> out(size_t(dw) * dh * 4);
  const double sx = double(sw) / dw, sy = double(sh) / dh;
  for (int y = 0; y < dh; ++y) {
    for (int x = 0; x < dw; ++x) {
      double acc[4] = {0, 0, 0, 0}, area = 0;
      for (int yy = 0; yy < sh; ++yy) {
        const double wy = std::min(yy + 1.0, (y + 1) * sy) - std::max(double(yy), y * sy);
        if (wy <= 0) continue;
        for (int xx = 0; xx < sw; ++xx) {
          const double wx = std::min(xx + 1.0, (x + 1) * sx) - std::max(double(xx), x * sx);
          if (wx <= 0) continue;
          for (int c = 0; c < 4; ++c) acc[c] += wx * wy * src[(size_t(yy) * sw + xx) * 4 + c];
          area += wx * wy;
        }
      }
      uint8_t* p = &out[(size_t(y) * dw + x) * 4];
      for (int c = 0; c < 4; ++c) p[c] = uint8_t(std::clamp(std::lround(acc[c] / area), 0L, 255L));
      for (int c = 0; c < 3; ++c) p[c] = std::min(p[c], p[3]);
    }
  }
  return out;
}

std::vector<uint8_t> random_premultiplied(int w, int h, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> px(size_t(w) * h * 4);
  for (size_t i = 0; i < px.size(); i += 4) {
    const uint8_t a = uint8_t(rng() % 256);
    for (int c = 0; c < 3; ++c) px[i + c] = a ? uint8_t(rng() % (a + 1u)) : 0;
    px[i + 3] = a;
  }
  return px;
}

struct Case {
  int sw, sh, dw, dh;
};

TEST(ResizeBox, MatchesTheDirectDefinitionWithinRounding) {
  // Emoji sizes: the 136 x 128 strike down to UI sizes, up past it, and odd ratios.
  const Case cases[] = {{136, 128, 17, 16},   {136, 128, 40, 37}, {136, 128, 135, 127},
                        {136, 128, 200, 188}, {7, 5, 3, 2},       {5, 7, 11, 13},
                        {1, 1, 4, 4},         {64, 64, 1, 1}};
  uint32_t seed = 1;
  for (const Case& k : cases) {
    const std::vector<uint8_t> src = random_premultiplied(k.sw, k.sh, seed++);
    std::vector<uint8_t> got(size_t(k.dw) * k.dh * 4);
    resize_box_rgba(src.data(), k.sw * 4, k.sw, k.sh, false, got.data(), k.dw, k.dh);
    const std::vector<uint8_t> want = reference(src, k.sw, k.sh, k.dw, k.dh);
    int worst = 0;
    for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
    EXPECT_LE(worst, 1) << k.sw << "x" << k.sh << " -> " << k.dw << "x" << k.dh;
    for (size_t i = 0; i < got.size(); i += 4) {
      ASSERT_LE(std::max({got[i], got[i + 1], got[i + 2]}), got[i + 3]) << "not premultiplied";
    }
  }
}

TEST(ResizeBox, ReadsBgraWithAPitch) {
  // A 3 x 2 BGRA image with 4 padding bytes per row: only the channel order and rows change.
  const int sw = 3, sh = 2, pitch = sw * 4 + 4;
  std::vector<uint8_t> rgba = random_premultiplied(sw, sh, 99);
  std::vector<uint8_t> bgra(size_t(pitch) * sh, 0xEE);
  for (int y = 0; y < sh; ++y) {
    for (int x = 0; x < sw; ++x) {
      const uint8_t* s = &rgba[(size_t(y) * sw + x) * 4];
      uint8_t* d = &bgra[size_t(y) * pitch + size_t(x) * 4];
      d[0] = s[2], d[1] = s[1], d[2] = s[0], d[3] = s[3];
    }
  }
  std::vector<uint8_t> a(size_t(2) * 1 * 4), b(a.size());
  resize_box_rgba(rgba.data(), sw * 4, sw, sh, false, a.data(), 2, 1);
  resize_box_rgba(bgra.data(), pitch, sw, sh, true, b.data(), 2, 1);
  EXPECT_EQ(a, b);
}

TEST(ResizeBox, UniformColourStaysExact) {
  std::vector<uint8_t> src(size_t(136) * 128 * 4);
  for (size_t i = 0; i < src.size(); i += 4)
    src[i] = 200, src[i + 1] = 100, src[i + 2] = 0, src[i + 3] = 255;
  std::vector<uint8_t> out(size_t(29) * 27 * 4);
  resize_box_rgba(src.data(), 136 * 4, 136, 128, false, out.data(), 29, 27);
  for (size_t i = 0; i < out.size(); i += 4) {
    ASSERT_EQ(out[i], 200);
    ASSERT_EQ(out[i + 1], 100);
    ASSERT_EQ(out[i + 2], 0);
    ASSERT_EQ(out[i + 3], 255);
  }
}

}  // namespace
}  // namespace glyphstream::text
