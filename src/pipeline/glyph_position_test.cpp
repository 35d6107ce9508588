// Glyph positions far outside int's range (issue 23): a layout with huge line heights, or a
// draw_text_scaled() of it at up to 256x, puts glyphs 2^32 px and more away. Converting such a
// float to int is undefined behaviour (in practice it wrapped modulo 2^32 and the glyph landed
// inside the viewport); the pen offsets are clamped instead, far enough that the batcher culls.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "pipeline/layout_cache.h"

namespace glyphstream::pipeline {
namespace {

text::ShapedGlyph glyph_at(double x, double y) {
  text::ShapedGlyph g;
  g.face = 1;
  g.glyph_id = 42;
  g.size_26_6 = 16 * 64;
  g.x = float(x);
  g.y = float(y);
  return g;
}

TEST(GlyphPosition, PenOffsetsBeyondIntRangeAreClampedFarAwayNotWrapped) {
  constexpr double kWrap = 4294967296.0;    // 2^32: wrapped modulo 2^32 this lands at 512 px
  constexpr double kFar = double(1 << 22);  // the batcher culls beyond this
  const float inf = std::numeric_limits<float>::infinity();
  for (const double far : {kWrap + 512, -kWrap + 512, 1e12, -1e12, 3e38, double(inf)}) {
    SCOPED_TRACE(far);
    int dx = 0, dy = 0;
    glyph_key_for_fraction(glyph_at(10, far), 0.25f, 0.5f, &dx, &dy);
    EXPECT_EQ(dx, 10);
    EXPECT_GT(std::fabs(double(dy)), kFar);
    EXPECT_EQ(dy > 0, far > 0);
    const atlas::GlyphKey key = glyph_key_for_fraction(glyph_at(far, 10), 0, 0, &dx, &dy);
    EXPECT_GT(std::fabs(double(dx)), kFar);
    EXPECT_EQ(dx > 0, far > 0);
    EXPECT_LE(key.subpixel_bin, 3);
    int pen_x = 0, pen_y = 0;
    // The draw position adds at most TextSystem::kMaxPosition (2^24): no overflow either.
    glyph_key_for(glyph_at(far, far), -16777216.0f, 16777216.0f, &pen_x, &pen_y);
    EXPECT_GT(std::fabs(double(pen_x)), kFar);
    EXPECT_GT(std::fabs(double(pen_y)), kFar);
  }
  // In range, nothing changes: whole pixels and a quarter-pixel bin.
  int dx = 0, dy = 0;
  const atlas::GlyphKey key = glyph_key_for_fraction(glyph_at(100.5, 20.25), 0.25f, 0, &dx, &dy);
  EXPECT_EQ(dx, 100);
  EXPECT_EQ(dy, 20);
  EXPECT_EQ(key.subpixel_bin, 3);
}

}  // namespace
}  // namespace glyphstream::pipeline
