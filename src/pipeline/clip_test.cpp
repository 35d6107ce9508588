// Clipping and culling (pipeline/clip.h): the clip checks, the pixel-centre rule, and the ink
// boxes that culling trusts, against the real rasters of glyphs chosen to reach far from their
// pen (stacked combining marks, Arabic ligatures, emoji, hex boxes, italic overhang, very wide
// and very tall glyphs) at several positions and scales: a culled glyph never has a visible
// pixel.
#include "pipeline/clip.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "pipeline/layout_cache.h"
#include "text/layout.h"
#include "text/rasterizer.h"

namespace glyphstream::pipeline {
namespace {

gpu::InstanceClip pixels(int x0, int y0, int x1, int y1) {
  gpu::InstanceClip c;
  c.x0 = uint16_t(x0), c.y0 = uint16_t(y0), c.x1 = uint16_t(x1), c.y1 = uint16_t(y1);
  return c;
}

TEST(Clip, ChecksRefuseNonFiniteAndNegativeClips) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(check_clip(std::nullopt, "draw_text").ok());
  EXPECT_TRUE(check_clip(RectF{-5, -5, 0, 0}, "draw_text").ok());
  EXPECT_TRUE(check_clip(RectF{1e30f, 2, 3, 4}, "draw_text").ok());
  for (const RectF& r : {RectF{nan, 0, 1, 1}, RectF{0, 0, 1, nan}, RectF{0, -inf, 1, 1},
                         RectF{0, 0, inf, 1}, RectF{0, 0, -1, 1}, RectF{0, 0, 1, -0.25f}}) {
    const Status s = check_clip(r, "draw_text");
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.message().rfind("draw_text: DrawParams::clip must", 0), 0u) << s.message();
  }
}

TEST(Clip, PixelCentreRule) {
  // No clip: the viewport.
  EXPECT_EQ(clip_pixels(std::nullopt, 640, 480), pixels(0, 0, 640, 480));
  // Whole pixels: exactly those.
  EXPECT_EQ(clip_pixels(RectF{10, 20, 5, 3}, 640, 480), pixels(10, 20, 15, 23));
  // A centre on the left/top edge is in, on the right/bottom edge out.
  EXPECT_EQ(clip_pixels(RectF{10.5f, 20.5f, 2, 2}, 640, 480), pixels(10, 20, 12, 22));
  // Fractional edges keep the pixels whose centre they contain.
  EXPECT_EQ(clip_pixels(RectF{10.6f, 20.4f, 1.8f, 0.2f}, 640, 480), pixels(11, 20, 12, 21));
  // Narrower than a pixel and between two centres: nothing.
  EXPECT_TRUE(clip_empty(clip_pixels(RectF{10.6f, 0, 0.8f, 100}, 640, 480)));
  EXPECT_TRUE(clip_empty(clip_pixels(RectF{10, 10, 0, 50}, 640, 480)));
  // Clamped to the viewport, also far away.
  EXPECT_EQ(clip_pixels(RectF{-100, -7.2f, 1000, 10}, 640, 480), pixels(0, 0, 640, 3));
  EXPECT_TRUE(clip_empty(clip_pixels(RectF{1e30f, 0, 1e30f, 10}, 640, 480)));
  EXPECT_TRUE(clip_empty(clip_pixels(RectF{-1e30f, 0, 10, 10}, 640, 480)));
  EXPECT_EQ(clip_pixels(RectF{-1e30f, 0, 3e30f, 10}, 32768, 480), pixels(0, 0, 32768, 10));
}

TEST(Clip, OutsideTestsEveryPixelAQuadTouches) {
  const gpu::InstanceClip c = pixels(10, 10, 20, 20);
  EXPECT_FALSE(outside(c, 19.9, 10, 25, 12));  // touches column 19
  EXPECT_TRUE(outside(c, 20, 10, 25, 12));
  EXPECT_FALSE(outside(c, 0, 0, 10.1, 10.1));
  EXPECT_TRUE(outside(c, 0, 0, 10, 30));
  // An unknown ink box is culled by an empty clip only.
  EXPECT_FALSE(glyph_outside(c, text::InkBox{}, 30000, 30000, 1));
  EXPECT_TRUE(glyph_outside(pixels(5, 5, 5, 9), text::InkBox{}, 6, 6, 1));
}

// Every glyph of `text`, drawn at four fractional origins and four scales, rasterized as the
// pipeline keys it: its raster's edge pixels are never outside its ink box.
void expect_boxes_hold(text::Layouter& layouter, text::Rasterizer& raster, const std::string& text,
                       const std::string& font, bool markup, int* checked,
                       const ParagraphStyle& paragraph = {}) {
  text::LayoutParams params;
  params.font = font;
  params.markup = markup;
  params.paragraph = paragraph;
  auto layout = layouter.layout(text, params);
  ASSERT_TRUE(layout.ok()) << layout.status().to_string();
  for (const text::ShapedGlyph& g : layout.value().glyphs) {
    ASSERT_TRUE(g.ink.known()) << font << ": glyph " << g.glyph_id << " of \"" << text << "\"";
    // Every glyph's box scales with it, a hex box's frame included (its id is relative).
    for (const float scale : {1.0f, 0.37f, 1.8f, 4.3f}) {
      for (const float frac : {0.0f, 0.25f, 0.55f, 0.8f}) {
        text::ShapedGlyph s = g;  // scaled about the layout origin, as draw_text_scaled does
        s.x = g.x * scale, s.y = g.y * scale;
        s.size_26_6 = uint32_t(std::max<long>(1, std::lround(double(g.size_26_6) * scale)));
        int pen_x = 0, pen_y = 0;
        const atlas::GlyphKey key = glyph_key_for(s, 300 + frac, 400 + frac, &pen_x, &pen_y);
        auto bm = raster.rasterize(
            {key.face_id, key.glyph_id, key.size_26_6, key.subpixel_bin, key.angle_bin});
        ASSERT_TRUE(bm.ok()) << bm.status().to_string();
        const text::GlyphBitmap& b = bm.value();
        if (b.width == 0 || b.height == 0) continue;
        const int x0 = pen_x + b.left, y0 = pen_y - b.top;
        const int x1 = x0 + b.width, y1 = y0 + b.height;
        ASSERT_GE(std::min(x0, y0), 0);
        const std::string what = font + ", glyph " + std::to_string(g.glyph_id) + " of \"" + text +
                                 "\" at scale " + std::to_string(scale);
        // Each edge row and column of the raster is inside the box.
        EXPECT_FALSE(glyph_outside(pixels(x0, 0, x0 + 1, 65535), g.ink, pen_x, pen_y, scale))
            << what << ": left edge";
        EXPECT_FALSE(glyph_outside(pixels(x1 - 1, 0, x1, 65535), g.ink, pen_x, pen_y, scale))
            << what << ": right edge";
        EXPECT_FALSE(glyph_outside(pixels(0, y0, 65535, y0 + 1), g.ink, pen_x, pen_y, scale))
            << what << ": top edge";
        EXPECT_FALSE(glyph_outside(pixels(0, y1 - 1, 65535, y1), g.ink, pen_x, pen_y, scale))
            << what << ": bottom edge";
        ++*checked;
      }
    }
  }
}

TEST(Clip, InkBoxesHoldEveryRaster) {
  text::FontRegistry registry;
  auto layouter = text::Layouter::create(&registry);
  ASSERT_TRUE(layouter.ok()) << layouter.status().to_string();
  text::Rasterizer raster(&registry);
  const std::string texts[] = {
      "Z\u0334\u0321\u0322\u031b\u0347\u0348\u0349\u034d\u034e\u0344\u033d\u033e\u033f\u0342 "
      "a\u0301\u0302\u0303\u0304\u0308\u030a\u0323\u0324\u0325\u0330 \u1ec6 \u1eb7",
      "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 \ufdfd \ufdfa",
      "\U0001f600\U0001f680 \U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 "
      "\U0001f3f3\ufe0f\u200d\U0001f308",
      "hex boxes: \u0378 \U0010fffd \ue000, a shown separator: a\u2028b",
      "fjord \u0192 \u0283 \u222b \u222e \u2a0c \u01fa \u1e68 \U0001d56c",
      "\u0e17\u0e35\u0e48 \u0e19\u0e31\u0e49\u0e19 \u0f62\u0f92\u0fb1 \u0928\u092e\u0938\u094d"
      "\u0924\u0947",
  };
  int checked = 0;
  for (const char* font : {"Sans 11", "Sans Italic 31", "Serif Bold Italic 17", "Mono 9"}) {
    for (const std::string& t : texts) {
      expect_boxes_hold(*layouter.value(), raster, t, font, false, &checked);
    }
  }
  expect_boxes_hold(*layouter.value(), raster,
                    "<span rise='12000'>up</span><span rise='-9000'>down</span> "
                    "<span font='40'>big</span><i>italic f</i>",
                    "Sans 14", true, &checked);
  EXPECT_GT(checked, 2000);
}

// Rotated text (--rotate, vertical gravity): the boxes are the upright ones turned, and still
// hold every raster made under the rotation, decorations drawn as rotated rectangles included.
TEST(Clip, RotatedInkBoxesHoldEveryRotatedRaster) {
  text::FontRegistry registry;
  auto layouter = text::Layouter::create(&registry);
  ASSERT_TRUE(layouter.ok()) << layouter.status().to_string();
  text::Rasterizer raster(&registry);
  int checked = 0;
  for (const float angle : {30.f, -45.f, 90.f, 187.f}) {
    ParagraphStyle p;
    p.rotate = angle;
    expect_boxes_hold(*layouter.value(), raster,
                      "fjord \u0192 <u>under</u> <span background='#ccc'>back</span> "
                      "<s>struck</s> \U0001f600 \u0378 a\u2028b",
                      "Sans Italic 23", true, &checked, p);
  }
  for (const Gravity g : {Gravity::kEast, Gravity::kWest, Gravity::kNorth}) {
    ParagraphStyle p;
    p.gravity = g;
    expect_boxes_hold(*layouter.value(), raster, "\u65e5\u672c\u8a9e Latin \u3001\u3002", "Sans 19",
                      false, &checked, p);
  }
  EXPECT_GT(checked, 400);
}

}  // namespace
}  // namespace glyphstream::pipeline
