#include "text/slot_bitmap.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/layout.h"
#include "text/rendering_options.h"

namespace glyphstream::text {
namespace {

TEST(SlotBitmap, HorizontalStripesBecomeChannelsAndBgrSwapsThem) {
  // One row of two pixels: stripes (10, 20, 30) (40, 50, 60).
  const std::vector<uint8_t> row = {10, 20, 30, 40, 50, 60};
  GlyphBitmap rgb, bgr;
  lcd_to_rgb(row.data(), 6, 6, 1, /*vertical=*/false, /*swap_rb=*/false, &rgb);
  lcd_to_rgb(row.data(), 6, 6, 1, /*vertical=*/false, /*swap_rb=*/true, &bgr);
  EXPECT_EQ(rgb.format, PixelFormat::kLcd24);
  EXPECT_EQ(rgb.width, 2);
  EXPECT_EQ(rgb.height, 1);
  EXPECT_EQ(rgb.pixels, (std::vector<uint8_t>{10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(bgr.pixels, (std::vector<uint8_t>{30, 20, 10, 60, 50, 40}));
}

TEST(SlotBitmap, VerticalStripesAreRowsAndBottomUpPitchIsHonoured) {
  // One pixel column, two pixels high: six stripe rows.
  const std::vector<uint8_t> rows = {1, 2, 3, 4, 5, 6};
  GlyphBitmap v;
  lcd_to_rgb(rows.data(), 1, 1, 6, /*vertical=*/true, /*swap_rb=*/false, &v);
  EXPECT_EQ(v.width, 1);
  EXPECT_EQ(v.height, 2);
  EXPECT_EQ(v.pixels, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
  GlyphBitmap up;  // the same rows stored bottom-up
  const std::vector<uint8_t> flipped = {6, 5, 4, 3, 2, 1};
  lcd_to_rgb(flipped.data() + 5, -1, 1, 6, /*vertical=*/true, /*swap_rb=*/true, &up);
  EXPECT_EQ(up.pixels, (std::vector<uint8_t>{3, 2, 1, 6, 5, 4}));
}

class LcdRasterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = Layouter::create(&registry_);
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    layouter_ = std::move(created).value();
  }
  RasterRequest request(const char* text, SubpixelOrder order) {
    LayoutParams p;
    p.font = "DejaVu Sans 16";
    p.rendering.antialias = Antialias::kSubpixel;
    p.rendering.subpixel_order = order;
    auto r = layouter_->layout(text, p);
    EXPECT_TRUE(r.ok() && r->glyphs.size() == 1);
    if (!r.ok() || r->glyphs.empty()) return {};
    const ShapedGlyph& g = r->glyphs[0];
    EXPECT_EQ(g.render & render_mode::kLcd, render_mode::kLcd) << "the layout keys LCD glyphs";
    return RasterRequest{g.face, g.glyph_id, g.size_26_6, 0, 0, g.render};
  }
  GlyphBitmap raster(const RasterRequest& req) {
    Rasterizer r(&registry_);
    auto b = r.rasterize(req);
    EXPECT_TRUE(b.ok()) << b.status().to_string();
    return b.ok() ? std::move(b).value() : GlyphBitmap{};
  }
  // Channel c of the first covered pixel of each row (x) or column (y), summed: the leading
  // edge of a stem (horizontal orders) or of a bar (vertical orders).
  static int leading_edge(const GlyphBitmap& b, int c, bool vertical) {
    int sum = 0;
    const int outer = vertical ? b.width : b.height, inner = vertical ? b.height : b.width;
    for (int o = 0; o < outer; ++o) {
      for (int i = 0; i < inner; ++i) {
        const int x = vertical ? o : i, y = vertical ? i : o;
        const uint8_t* p = &b.pixels[(size_t(y) * b.width + x) * 3];
        if (p[0] + p[1] + p[2] == 0) continue;
        sum += p[c];
        break;
      }
    }
    return sum;
  }
  FontRegistry registry_;
  std::unique_ptr<Layouter> layouter_;
};

TEST_F(LcdRasterTest, StripesLandInTheirChannelsForEveryOrder) {
  const GlyphBitmap rgb = raster(request("l", SubpixelOrder::kRgb));
  const GlyphBitmap bgr = raster(request("l", SubpixelOrder::kBgr));
  ASSERT_GT(rgb.width, 0);
  EXPECT_EQ(rgb.format, PixelFormat::kLcd24);
  EXPECT_EQ(rgb.width, bgr.width);
  EXPECT_EQ(rgb.pixels.size(), size_t(rgb.width) * size_t(rgb.height) * 3) << "3 bytes a pixel";
  ASSERT_EQ(rgb.pixels.size(), bgr.pixels.size());
  for (size_t i = 0; i < rgb.pixels.size(); i += 3) {  // bgr is rgb with red and blue swapped
    EXPECT_EQ(rgb.pixels[i], bgr.pixels[i + 2]);
    EXPECT_EQ(rgb.pixels[i + 1], bgr.pixels[i + 1]);
    EXPECT_EQ(rgb.pixels[i + 2], bgr.pixels[i]);
  }
  // The left edge of a stem covers a pixel's right stripe first: blue for rgb (the pixel shows
  // red and green, "red leads"), red for bgr.
  EXPECT_GT(leading_edge(rgb, 2, false), leading_edge(rgb, 0, false));
  EXPECT_GT(leading_edge(bgr, 0, false), leading_edge(bgr, 2, false));
  // Vertical orders: the top edge of a bar ("-") covers a pixel's bottom stripe first.
  const GlyphBitmap vrgb = raster(request("-", SubpixelOrder::kVrgb));
  const GlyphBitmap vbgr = raster(request("-", SubpixelOrder::kVbgr));
  ASSERT_GT(vrgb.height, 0);
  EXPECT_GT(leading_edge(vrgb, 2, true), leading_edge(vrgb, 0, true));
  EXPECT_GT(leading_edge(vbgr, 0, true), leading_edge(vbgr, 2, true));
  // Subpixel rendering is wider than greyscale (the filter spreads a stripe into neighbours).
  RasterRequest grey = request("l", SubpixelOrder::kRgb);
  grey.render = 0;
  const GlyphBitmap g = raster(grey);
  EXPECT_EQ(g.format, PixelFormat::kCoverage8);
  EXPECT_GE(rgb.width, g.width);
}

// An LCD glyph is direct (issue 26's way into the page): prepare() leaves FreeType's LCD bitmap
// in the slot and hands out its kLcd24 box; render_prepared() converts it into caller memory at
// any stride, writing the box and nothing else, as rasterize() gives it. It is not an outline:
// keep_prepared() refuses it and leaves it to render.
TEST_F(LcdRasterTest, PreparedLcdGlyphsConvertStraightIntoCallerMemory) {
  constexpr size_t kStride = 3 * 41 + 2, kRows = 40, kX = 3 * 2, kY = 3;
  int checked = 0;
  for (SubpixelOrder order :
       {SubpixelOrder::kRgb, SubpixelOrder::kBgr, SubpixelOrder::kVrgb, SubpixelOrder::kVbgr}) {
    for (const char* text : {"g", "W", "\u6f22"}) {
      for (uint8_t bin = 0; bin < 4; ++bin) {
        RasterRequest req = request(text, order);
        req.subpixel_bin = bin;
        const GlyphBitmap expected = raster(req);
        ASSERT_EQ(expected.format, PixelFormat::kLcd24);
        Rasterizer r(&registry_);
        auto p = r.prepare(req);
        ASSERT_TRUE(p.ok()) << p.status().to_string();
        ASSERT_TRUE(p->direct);
        EXPECT_FALSE(p->keepable);
        EXPECT_EQ(p->bitmap.format, PixelFormat::kLcd24);
        EXPECT_TRUE(p->bitmap.pixels.empty());
        EXPECT_EQ(p->bitmap.width, expected.width);
        EXPECT_EQ(p->bitmap.height, expected.height);
        EXPECT_EQ(p->bitmap.left, expected.left);
        EXPECT_EQ(p->bitmap.top, expected.top);
        OutlineArena arena;
        EXPECT_FALSE(r.keep_prepared(arena).valid()) << "an LCD bitmap is no outline to keep";
        const size_t row = size_t(expected.width) * 3;
        ASSERT_LE(row + kX, kStride);
        ASSERT_LE(size_t(expected.height) + kY, kRows);
        std::vector<uint8_t> page(kStride * kRows, 0xAB);
        ASSERT_TRUE(r.render_prepared(page.data() + kY * kStride + kX, kStride).ok());
        for (size_t y = 0; y < kRows; ++y) {
          for (size_t x = 0; x < kStride; ++x) {
            const bool inside =
                y >= kY && y < kY + size_t(expected.height) && x >= kX && x < kX + row;
            const uint8_t want = inside ? expected.pixels[(y - kY) * row + (x - kX)] : 0xAB;
            ASSERT_EQ(page[y * kStride + x], want) << text << " at " << x << "," << y;
          }
        }
        EXPECT_EQ(r.render_prepared(page.data(), kStride).code(), ErrorCode::kInternal)
            << "once per prepare()";
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 48);
}

}  // namespace
}  // namespace glyphstream::text
