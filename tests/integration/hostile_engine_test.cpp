// Hostile input, round 3 (issue 23), the engine's part, through the public API on real OpenGL
// (Mesa llvmpipe here): glyphs larger than an atlas page, glyphs 2^32 px away, combining marks
// by the million, prefetch beyond the atlas budget. Each frame also draws the good text, which
// must stay exact. docs/RELIABILITY.md lists the cases and their limits.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "glyphstream/text_system.h"
#include "good_text_fixture.h"
#include "text/font_registry.h"
#include "text/layout.h"

namespace glyphstream {
namespace {

std::string repeat(std::string_view piece, size_t n) {
  std::string s;
  s.reserve(piece.size() * n);
  for (size_t i = 0; i < n; ++i) s += piece;
  return s;
}

std::string utf8_of(char32_t c) {
  std::string s;
  if (c < 0x800) {
    s += char(0xC0 | (c >> 6));
  } else {
    s += char(0xE0 | (c >> 12));
    s += char(0x80 | ((c >> 6) & 0x3F));
  }
  s += char(0x80 | (c & 0x3F));
  return s;
}

// Pixels whose largest channel differs from white by more than half, and their bounding box.
struct InkBox {
  int64_t count = 0;
  int x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;
};
InkBox ink_box(const std::vector<uint8_t>& rgba, int width, int height) {
  InkBox b;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = &rgba[(size_t(y) * size_t(width) + size_t(x)) * 4];
      if (255 - std::min({p[0], p[1], p[2]}) <= 128) continue;
      ++b.count;
      b.x0 = std::min(b.x0, x), b.y0 = std::min(b.y0, y);
      b.x1 = std::max(b.x1, x), b.y1 = std::max(b.y1, y);
    }
  }
  return b;
}

class HostileEngine : public testing::GoodTextTest {
 protected:
  HostileEngine() : GoodTextTest(480, 160) {}
};

// Sizes up to 4096 px are accepted and pages are 1024 px: a 3000 px "W" was dropped (exit 0,
// only a raster error). It is drawn from its largest raster that fits a page, scaled up:
// compared with the same glyph at 1000 px (which fits), three times as wide and tall.
class HugeGlyph : public testing::GoodTextTest {
 protected:
  HugeGlyph() : GoodTextTest(3300, 3300) {}
  InkBox draw_w(const char* font) {
    begin_with_good_text();
    EXPECT_TRUE(ts_->draw_text(200, 200, "W", style_of(font)).ok());
    EXPECT_GT(flush_and_count_good_ink(), 50);
    return ink_box(pixels_, width_, height_);
  }
};

TEST_F(HugeGlyph, GlyphOf3000PxIsDrawnScaledUpFromARasterThatFitsAPage) {
  make_system();
  const InkBox small = draw_w("DejaVu Sans 1000px");
  ASSERT_EQ(ts_->last_frame_stats().raster_errors, 0u);
  const uint32_t drawn_small = ts_->last_frame_stats().glyphs_drawn;
  const InkBox big = draw_w("DejaVu Sans 3000px");
  const FrameStats& st = ts_->last_frame_stats();
  EXPECT_EQ(st.raster_errors, 0u) << (st.raster_error_messages.empty()
                                          ? std::string()
                                          : st.raster_error_messages[0]);
  EXPECT_EQ(st.glyphs_drawn, drawn_small);  // the good text and the W
  ASSERT_GT(small.count, 0);
  // Both boxes include the good text at the top left; the W's right and bottom edges are its own.
  const double w_small = small.x1 - 200.0, h_small = small.y1 - 200.0;
  EXPECT_NEAR(big.x1 - 200.0, 3 * w_small, 0.01 * 3 * w_small + 6);
  EXPECT_NEAR(big.y1 - 200.0, 3 * h_small, 0.01 * 3 * h_small + 6);
  EXPECT_NEAR(double(big.count), 9.0 * double(small.count), 0.03 * 9.0 * double(small.count));
}

// A glyph 2^32 px below the origin (4096 paragraphs with a line height of 2^30 Pango units: larger
// ones overflow inside Pango):
// its position wrapped through int and, drawn at the right y, it landed inside the viewport.
TEST_F(HostileEngine, GlyphTwoToThe32PxAwayIsNotDrawnInTheViewport) {
  text::FontRegistry registry;
  auto layouter = text::Layouter::create(&registry);
  ASSERT_TRUE(layouter.ok());
  text::LayoutParams params;
  params.font = "Sans 20px";
  params.markup = true;
  auto text_with = [](size_t breaks) {
    return "<span line_height=\"1073741824\">" + repeat("\n", breaks) + "X</span>";
  };
  auto y_after = [&](size_t breaks) {
    auto laid = layouter.value()->layout(text_with(breaks), params);
    EXPECT_TRUE(laid.ok()) << laid.status().to_string();
    EXPECT_EQ(laid.ok() ? laid.value().glyphs.size() : 0, 1u);
    return laid.ok() && !laid.value().glyphs.empty() ? double(laid.value().glyphs[0].y) : 0.0;
  };
  constexpr double kTwoTo32 = 4294967296.0;
  const double y0 = y_after(0), line = y_after(1) - y0;
  ASSERT_GT(line, 1e6);
  const size_t breaks = size_t(std::llround((kTwoTo32 - y0) / line));
  const std::string text = text_with(breaks);
  const double far = y_after(breaks);
  ASSERT_LT(std::fabs(far - kTwoTo32), double(TextSystem::kMaxPosition) - 1000) << far;
  // Where the wrapped position would have drawn it: at y = 80, mid-viewport.
  const double draw_y = 80.0 - (std::round(far) - kTwoTo32);

  make_system();
  begin_with_good_text();
  TextStyle style = style_of("Sans 20px");
  style.markup = true;
  ASSERT_TRUE(ts_->draw_text(240, float(draw_y), text, style).ok());
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact(/*whole_frame=*/true);  // nothing but the good text
}

// One base with 1,000,000 combining marks took hours in Pango (quadratic in the run); runs are
// capped at kMaxClusterMarks, the rest dropped and counted in the frame's statistics.
TEST_F(HostileEngine, MillionMarksOnOneBaseAreCappedAndCounted) {
  make_system();
  begin_with_good_text();
  const std::string marks = "a" + repeat("\xCC\x81", 1000000);
  ASSERT_TRUE(ts_->draw_text(300, 100, marks, good_style()).ok());
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
  const FrameStats& st = ts_->last_frame_stats();
  EXPECT_EQ(st.marks_dropped, 1000000u - text::kMaxClusterMarks);
  EXPECT_NE(frame_stats_to_json(st).find("\"marks_dropped\":999970"), std::string::npos);
  const InkBox ink = ink_box(pixels_, width_, height_);
  EXPECT_GE(ink.x1, 300);  // the base and its marks, right of the good text
}

// prefetch() kept every bitmap until commit: 60 KB of CJK at 400 px held 2.6 GB against a
// 32 MiB atlas budget. What it keeps (and has in flight) is bounded by the atlas budget; glyphs
// beyond it are rasterized when drawn. The destructor drops queued jobs (was 81 s at 1000 px).
TEST_F(HostileEngine, PrefetchStaysWithinTheAtlasBudgetAndDestructionDoesNotWaitForIt) {
  TextSystemDesc desc;
  desc.atlas_budget_bytes = size_t(4) << 20;
  make_system(desc);
  std::string cjk;
  constexpr int kGlyphs = 2000;
  for (char32_t c = 0x4E00; c < 0x4E00 + kGlyphs; ++c) cjk += utf8_of(c);
  ASSERT_TRUE(ts_->prefetch(cjk, style_of("Sans 200px")).ok());
  ASSERT_TRUE(ts_->finish().ok());  // every prefetch job has run
  uint64_t bytes = 0, rasterized = 0;
  for (int frame = 0; frame < 200; ++frame) {
    begin_with_good_text();
    ASSERT_TRUE(ts_->commit().ok());
    EXPECT_GT(flush_and_count_good_ink(), 50);
    const FrameStats& st = ts_->last_frame_stats();
    bytes += st.glyph_bytes;
    rasterized += st.glyphs_rasterized;
    if (frame > 2 && st.glyphs_rasterized == 0) break;
  }
  expect_good_text_exact();
  EXPECT_GT(rasterized, 9u);  // the good text's glyphs, and some of the prefetch
  EXPECT_LT(rasterized, uint64_t(kGlyphs) / 4);
  EXPECT_LE(bytes, desc.atlas_budget_bytes + desc.atlas_budget_bytes / 4);

  // A budget large enough for everything: destruction drops the queued prefetch jobs.
  TextSystemDesc large;
  large.atlas_budget_bytes = size_t(4) << 30;
  make_system(large);
  ASSERT_TRUE(ts_->prefetch(cjk, style_of("Sans 400px")).ok());
  const auto start = std::chrono::steady_clock::now();
  ts_.reset();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("destructor_ms", std::to_string(ms));
  std::printf("TextSystem destroyed %.1f ms after a prefetch of %d glyphs at 400 px\n", ms,
              kGlyphs);
}

}  // namespace
}  // namespace glyphstream
