#include "reference_compositor.h"

#include <gtest/gtest.h>

namespace glyphstream::gpu {
namespace {

const uint8_t* px(const std::vector<uint8_t>& img, int w, int x, int y) {
  return img.data() + (size_t(y) * size_t(w) + size_t(x)) * 4;
}

TEST(ReferenceCompositor, CoverageIsPremultipliedColourTimesCoverage) {
  const uint8_t cov[4] = {255, 0, 128, 255};  // 2x2 page
  std::vector<CpuPage> pages = {{PixelFormat::kCoverage8, 2, 2, cov, 2}};
  GlyphInstance g;
  g.x = 1, g.y = 1, g.w = 2, g.h = 2, g.color = 0xff000080;  // red, alpha 128
  DrawBatch b{0, 0, 1};
  std::vector<uint8_t> img;
  composite({&g, 1}, {&b, 1}, pages, 4, 4, &img);
  ASSERT_EQ(img.size(), 64u);
  const uint8_t* p = px(img, 4, 1, 1);
  EXPECT_EQ(p[0], 128);
  EXPECT_EQ(p[1], 0);
  EXPECT_EQ(p[3], 128);
  EXPECT_EQ(px(img, 4, 2, 1)[3], 0);   // coverage 0
  EXPECT_EQ(px(img, 4, 1, 2)[0], 64);  // 128/255 * 128/255 * 255 = 64.25
  EXPECT_EQ(px(img, 4, 0, 0)[3], 0);   // outside the quad
}

TEST(ReferenceCompositor, BlendsOverExistingContent) {
  const uint8_t cov[1] = {255};
  std::vector<CpuPage> pages = {{PixelFormat::kCoverage8, 1, 1, cov, 1}};
  GlyphInstance g;
  g.w = g.h = 1, g.color = 0xff000080;
  DrawBatch b{0, 0, 1};
  std::vector<uint8_t> img(4, 255);  // opaque white
  composite({&g, 1}, {&b, 1}, pages, 1, 1, &img);
  EXPECT_EQ(img[0], 255);
  EXPECT_EQ(img[1], 127);  // 1 - 128/255
  EXPECT_EQ(img[3], 255);
}

TEST(ReferenceCompositor, ColourPagesScaleByAlphaAndClip) {
  const uint8_t texels[8] = {100, 50, 25, 200, 255, 255, 255, 255};  // 2x1, premultiplied
  std::vector<CpuPage> pages = {{}, {PixelFormat::kColor32, 2, 1, texels, 8}};
  GlyphInstance g[2];
  g[0].x = -1, g[0].y = 0, g[0].w = 2, g[0].h = 1, g[0].color = 0x000000ff;  // clipped left
  g[1].x = 1, g[1].y = 0, g[1].w = 4, g[1].h = 3, g[1].color = 0x000000ff;   // past the page
  DrawBatch b{1, 0, 2};
  std::vector<uint8_t> img;
  composite(g, {&b, 1}, pages, 3, 2, &img);
  EXPECT_EQ(px(img, 3, 0, 0)[0], 255);  // texel (1,0) of the first quad
  EXPECT_EQ(px(img, 3, 1, 0)[3], 200);  // texel (0,0) of the second
  EXPECT_EQ(px(img, 3, 2, 0)[3], 255);
  EXPECT_EQ(px(img, 3, 1, 1)[3], 0);  // texel row 1 does not exist: nothing drawn
  // A batch for a page without pixels draws nothing and does not crash.
  DrawBatch missing{0, 0, 2};
  std::vector<uint8_t> empty;
  composite(g, {&missing, 1}, pages, 3, 2, &empty);
  EXPECT_EQ(empty, std::vector<uint8_t>(24, 0));
}

TEST(ReferenceCompositor, RectCoverageIsFractionalOverlap) {
  GlyphInstance r;
  r.x = 0.5f, r.y = 0.f, r.w = 2.f, r.h = 0.25f, r.color = 0xffffffff;
  r.kind = uint32_t(InstanceKind::kRect);
  DrawBatch b{kNoPage, 0, 1};
  std::vector<uint8_t> img;
  composite({&r, 1}, {&b, 1}, {}, 4, 2, &img);
  EXPECT_EQ(px(img, 4, 0, 0)[3], 32);  // 0.5 x 0.25 of the pixel: 31.875
  EXPECT_EQ(px(img, 4, 1, 0)[3], 64);  // 1 x 0.25: 63.75
  EXPECT_EQ(px(img, 4, 2, 0)[3], 32);
  EXPECT_EQ(px(img, 4, 3, 0)[3], 0);
  EXPECT_EQ(px(img, 4, 1, 1)[3], 0);
}

TEST(ReferenceCompositor, ScaledGlyphIsBilinearAtPixelCentres) {
  const uint8_t cov[2] = {0, 255};  // 2x1 texels stretched over 4x1 px
  std::vector<CpuPage> pages = {{PixelFormat::kCoverage8, 2, 1, cov, 2}};
  GlyphInstance g;
  g.w = 4, g.h = 1, g.tw = 2, g.th = 1, g.color = 0xffffffff;
  g.kind = uint32_t(InstanceKind::kScaledGlyph);
  DrawBatch b{0, 0, 1};
  std::vector<uint8_t> img;
  composite({&g, 1}, {&b, 1}, pages, 4, 1, &img);
  // Centres 0.5, 1.5, 2.5, 3.5 px map to texel coordinates -0.25, 0.25, 0.75, 1.25 (minus the
  // half texel): clamped at the ends, 0.25 and 0.75 of the way between.
  EXPECT_EQ(px(img, 4, 0, 0)[3], 0);
  EXPECT_EQ(px(img, 4, 1, 0)[3], 64);
  EXPECT_EQ(px(img, 4, 2, 0)[3], 191);
  EXPECT_EQ(px(img, 4, 3, 0)[3], 255);
}

TEST(ReferenceCompositor, SquiggleInkIsItsBandArea) {
  // Squares of 5 / 2.5 = 2 px, five units of 3 px across 16 px: a band 2 px thick (vertically)
  // along 15 px of zigzag plus two square ends: about 32 px of ink, all inside the rect's rows.
  GlyphInstance s;
  s.x = 2.f, s.y = 3.f, s.w = 16.f, s.h = 5.f, s.color = 0x000000ff;
  s.kind = uint32_t(InstanceKind::kErrorSquiggle);
  DrawBatch b{kNoPage, 0, 1};
  std::vector<uint8_t> img;
  composite({&s, 1}, {&b, 1}, {}, 24, 12, &img);
  double ink = 0;
  for (int y = 0; y < 12; ++y) {
    for (int x = 0; x < 24; ++x) {
      const double a = px(img, 24, x, y)[3] / 255.0;
      EXPECT_TRUE(a == 0 || (y >= 3 && y < 8)) << x << "," << y;
      ink += a;
    }
  }
  EXPECT_NEAR(ink, 15.0 * 2.0 + 2.0, 1.0);  // the ends add two half squares: 2 x (2 x 1) / 2
}

}  // namespace
}  // namespace glyphstream::gpu
