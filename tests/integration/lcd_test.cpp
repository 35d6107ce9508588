// LCD (subpixel) text, RenderingStyle Antialias::kSubpixel, through the whole pipeline on GL and
// on Vulkan (validation on, any message fails), in every upload mode: every subpixel order,
// Latin, CJK, Arabic, emoji and decorations, translucent and opaque colours, dark on light and
// light on dark, equal to the CPU reference (which rasterizes with the text layer and blends
// each channel with its own coverage); the colour fringe on the side of the order; LCD pages
// grown and evicted never show a stale glyph; turned, zoomed and clipped LCD text; a translucent
// target draws greyscale and says so.
// (pango-cairo agreement: tests/oracle/cases/lcd_*.txt.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "gpu_pixel_test.h"
#include "image_diff.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 560;
constexpr int kHeight = 250;
const char* const kText = "Hamburgefonstiv 0123 日本語 مرحبا";

using Call = testing::DrawCall;

TextStyle lcd_style(const char* font, uint32_t rgba, SubpixelOrder order,
                    HintStyle hint = HintStyle::kNone) {
  TextStyle s = testing::style_of(font, rgba);
  s.rendering.antialias = Antialias::kSubpixel;
  s.rendering.subpixel_order = order;
  s.rendering.hinting = hint;
  return s;
}

// The same style drawn greyscale: what a fallback from LCD must draw.
TextStyle grey_of(TextStyle s) {
  s.rendering.antialias = Antialias::kGray;
  return s;
}

// Every order on its own line at a fractional origin; one translucent, one hinted, one with
// markup (underline, background, emoji) and one greyscale line in the same frame.
std::vector<Call> lcd_lines(uint32_t rgba) {
  std::vector<Call> calls;
  float y = 4;
  for (SubpixelOrder o :
       {SubpixelOrder::kRgb, SubpixelOrder::kBgr, SubpixelOrder::kVrgb, SubpixelOrder::kVbgr}) {
    calls.push_back({8.3f, y, kText, lcd_style("DejaVu Sans 13", rgba, o)});
    y += 20;
  }
  calls.push_back(
      {8.6f, y, kText, lcd_style("Sans 16", (rgba & 0xffffff00u) | 0x90u, SubpixelOrder::kRgb)});
  y += 24;
  calls.push_back(
      {8.0f, y, kText, lcd_style("Sans 12", rgba, SubpixelOrder::kRgb, HintStyle::kFull)});
  y += 20;
  TextStyle markup = lcd_style("Sans 14", rgba, SubpixelOrder::kBgr);
  markup.markup = true;
  calls.push_back({8.2f, y,
                   "<u>Under</u> <span background='#c0e0ff'>back</span> "
                   "<span foreground='#c03020'>red</span> 😀 <s>struck</s>",
                   markup});
  y += 26;
  TextStyle grey = testing::style_of("Sans 14", rgba);
  calls.push_back({8.4f, y, kText, grey});
  return calls;
}

class Lcd : public testing::GpuPixelTest {
 protected:
  Lcd() : GpuPixelTest(kWidth, kHeight) {}

  std::vector<uint8_t> frame(TextSystem& ts, const std::vector<Call>& calls, Color bg) {
    EXPECT_TRUE(target_->clear(bg).ok());
    EXPECT_TRUE(ts.begin_frame(kWidth, kHeight).ok());
    for (const Call& c : calls) {
      const Status s = ts.draw_text(c.x, c.y, c.text, c.style);
      EXPECT_TRUE(s.ok()) << s.to_string();
    }
    EXPECT_TRUE(ts.flush().ok());
    std::vector<uint8_t> rgba;
    EXPECT_TRUE(target_->read_pixels(&rgba).ok());
    return rgba;
  }
  std::vector<uint8_t> reference(const std::vector<Call>& calls, Color bg) {
    ref_->clear(kWidth, kHeight, bg);
    for (const Call& c : calls) EXPECT_TRUE(ref_->draw_text(c.x, c.y, c.text, c.style).ok());
    return ref_->image();
  }
};

// Pixels whose red and blue differ by more than 40: colour fringes (greyscale text has none).
size_t coloured_pixels(const std::vector<uint8_t>& rgba) {
  size_t n = 0;
  for (size_t i = 0; i < rgba.size(); i += 4) n += std::abs(int(rgba[i]) - int(rgba[i + 2])) > 40;
  return n;
}

TEST_P(Lcd, EveryOrderMatchesTheCpuReferenceInEveryUploadModeOnLightAndOnDark) {
  struct Polarity {
    Color background;
    uint32_t text;
  };
  for (const Polarity& p :
       {Polarity{{1, 1, 1, 1}, 0x202020ffu}, Polarity{{0.06f, 0.08f, 0.14f, 1}, 0xf0f0e0ffu}}) {
    const std::vector<Call> calls = lcd_lines(p.text);
    const std::vector<uint8_t> want = reference(calls, p.background);
    for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
      auto ts = create_system(desc_in(mode));
      ASSERT_NE(ts, nullptr);
      const std::vector<uint8_t> gpu = frame(*ts, calls, p.background);
      const testing::ImageDiff diff = testing::diff_images(gpu, want, kWidth, kHeight, 2);
      EXPECT_TRUE(diff.match()) << upload_mode_name(mode) << ": " << diff.report;
      const FrameStats& st = ts->last_frame_stats();
      EXPECT_TRUE(st.lcd_text);
      EXPECT_EQ(st.lcd_fallback_draws, 0u);
      EXPECT_EQ(st.raster_errors, 0u) << frame_stats_to_json(st);
      EXPECT_GT(coloured_pixels(gpu), 500u) << "LCD text has colour fringes";
      // A steady second frame (memoized layouts) draws the same.
      const std::vector<uint8_t> again = frame(*ts, calls, p.background);
      EXPECT_TRUE(testing::diff_images(again, gpu, kWidth, kHeight, 0).match());
      EXPECT_EQ(ts->last_frame_stats().glyphs_rasterized, 0u);
    }
  }
}

// Dark text on white: at the left edge of a stem the pixel's right stripe is covered first, so
// for rgb its blue is darker than its red (red leads), for bgr the reverse; vertical orders at
// the top edge of a bar, the bottom stripe (blue for vrgb).
TEST_P(Lcd, TheColourFringeIsOnTheSideOfTheOrder) {
  auto ts = create_system({});
  ASSERT_NE(ts, nullptr);
  const Color white{1, 1, 1, 1};
  struct Case {
    SubpixelOrder order;
    const char* text;
    bool vertical;
    int sign;  // of (red - blue) at the leading edge
  };
  for (const Case& c :
       {Case{SubpixelOrder::kRgb, "llll", false, 1}, Case{SubpixelOrder::kBgr, "llll", false, -1},
        Case{SubpixelOrder::kVrgb, "--------", true, 1},
        Case{SubpixelOrder::kVbgr, "--------", true, -1}}) {
    const std::vector<uint8_t> img = frame(
        *ts, {{20.f, 20.f, c.text, lcd_style("DejaVu Sans 24", 0x000000ffu, c.order)}}, white);
    long red_minus_blue = 0;
    const int outer = c.vertical ? kWidth : kHeight, inner = c.vertical ? kHeight : kWidth;
    for (int o = 0; o < outer; ++o) {
      for (int i = 0; i < inner; ++i) {
        const int x = c.vertical ? o : i, y = c.vertical ? i : o;
        const uint8_t* p = &img[(size_t(y) * kWidth + size_t(x)) * 4];
        if (p[0] == 255 && p[1] == 255 && p[2] == 255) continue;
        red_minus_blue += int(p[0]) - int(p[2]);
        break;
      }
    }
    EXPECT_GT(red_minus_blue * c.sign, 200) << int(c.order);
  }
}

// A small atlas of LCD pages (R8 three texels a pixel, 128 px wide, starting 32 px high): every
// frame brings new CJK glyphs, pages grow and shelves are evicted, and every frame still equals
// the reference.
TEST_P(Lcd, LcdPagesGrowAndEvictWithoutStaleGlyphsInEveryUploadMode) {
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    TextSystemDesc desc = desc_in(mode);
    desc.page_width = 128;
    desc.page_initial_height = 32;
    desc.page_max_height = 128;
    desc.atlas_budget_bytes = 2 * 128 * 128 * 3;  // two LCD pages at their largest
    desc.frames_in_flight = 2;
    auto ts = create_system(desc);
    ASSERT_NE(ts, nullptr);
    uint64_t evictions = 0, growths = 0;
    const Color white{1, 1, 1, 1};
    for (int f = 0; f < 16; ++f) {
      std::string utf8;
      for (int i = 0; i < 10; ++i) {
        const char32_t c = char32_t(0x4e00 + f * 10 + i);
        utf8 += char(0xe0 | (c >> 12));
        utf8 += char(0x80 | ((c >> 6) & 0x3f));
        utf8 += char(0x80 | (c & 0x3f));
      }
      const std::vector<Call> calls = {
          {6.25f, 10, utf8, lcd_style("Sans 20", 0x202020ffu, SubpixelOrder::kRgb)}};
      const std::vector<uint8_t> gpu = frame(*ts, calls, white);
      const testing::ImageDiff diff =
          testing::diff_images(gpu, reference(calls, white), kWidth, kHeight, 2);
      ASSERT_TRUE(diff.match()) << upload_mode_name(mode) << " frame " << f << ": " << diff.report;
      evictions += ts->last_frame_stats().evictions;
      growths += ts->last_frame_stats().growths;
    }
    EXPECT_GT(evictions, 0u) << "the test must evict LCD shelves";
    EXPECT_GT(growths, 0u) << "the test must grow LCD pages";
  }
}

// LCD text turned (--rotate 30, its decorations too), zoomed (draw_text_scaled, settled) and
// clipped: the same pixels as the CPU reference (the stripes stay the screen's: FreeType renders
// the turned outline in LCD mode).
TEST_P(Lcd, RotatedZoomedAndClippedLcdTextMatchesTheCpuReference) {
  auto ts = create_system({});
  ASSERT_NE(ts, nullptr);
  const Color white{1, 1, 1, 1};
  TextStyle turned = lcd_style("Sans 16", 0x203060ffu, SubpixelOrder::kRgb);
  turned.markup = true;
  turned.paragraph.rotate = 30;
  const TextStyle zoomed = lcd_style("Sans 11", 0x202020ffu, SubpixelOrder::kBgr);
  const RectF clip{40.5f, 20.25f, 400.f, 150.f};
  DrawParams params;
  params.clip = clip;
  std::vector<uint8_t> gpu;
  for (int frame = 0; frame < 8; ++frame) {  // the zoom settles on exact glyphs
    ASSERT_TRUE(target_->clear(white).ok());
    ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    ASSERT_TRUE(ts->draw_text(30.25f, 60, "Turned <u>LCD</u> 日本", turned, params).ok());
    ASSERT_TRUE(ts->draw_text_scaled(200.5f, 150, 1.6f, "Zoomed LCD text", zoomed, params).ok());
    ASSERT_TRUE(ts->flush().ok());
    ASSERT_TRUE(target_->read_pixels(&gpu).ok());
  }
  EXPECT_TRUE(ts->last_frame_stats().lcd_text);
  EXPECT_EQ(ts->last_frame_stats().glyphs_stand_in, 0u) << "settled";
  ref_->clear(kWidth, kHeight, white);
  ref_->set_clip(clip);
  ASSERT_TRUE(ref_->draw_text(30.25f, 60, "Turned <u>LCD</u> 日本", turned).ok());
  ASSERT_TRUE(ref_->draw_text_scaled(200.5f, 150, 1.6f, "Zoomed LCD text", zoomed).ok());
  const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
  EXPECT_GT(coloured_pixels(gpu), 100u);
}

// LCD text over transparency has no right answer: with TextSystemDesc::translucent_target it is
// drawn greyscale, exactly as Antialias::kGray draws it, and every such call is counted (a
// measure() outside the frame in the next frame).
TEST_P(Lcd, ATranslucentTargetDrawsGreyscaleAndCountsEveryFallback) {
  TextSystemDesc desc;
  desc.translucent_target = true;
  auto ts = create_system(desc);
  ASSERT_NE(ts, nullptr);
  const Color clear{0, 0, 0, 0};
  const TextStyle lcd = lcd_style("Sans 16", 0x606060ffu, SubpixelOrder::kRgb);
  const TextStyle grey = grey_of(lcd);
  ASSERT_TRUE(ts->measure(kText, lcd).ok());
  const std::vector<uint8_t> a = frame(*ts, {{10.5f, 20, kText, lcd}, {10, 60, "x", lcd}}, clear);
  const FrameStats st = ts->last_frame_stats();
  EXPECT_FALSE(st.lcd_text);
  EXPECT_EQ(st.lcd_fallback_draws, 3u) << "the measure() before the frame and two draws";
  EXPECT_NE(frame_stats_to_json(st).find("\"lcd_fallback_draws\":3"), std::string::npos);
  const std::vector<uint8_t> b = frame(*ts, {{10.5f, 20, kText, grey}, {10, 60, "x", grey}}, clear);
  EXPECT_EQ(ts->last_frame_stats().lcd_fallback_draws, 0u);
  EXPECT_TRUE(testing::diff_images(a, b, kWidth, kHeight, 0).match());
  EXPECT_EQ(coloured_pixels(a), 0u);
  EXPECT_GT(testing::count_ink(a, kWidth, 0, 0, kWidth, kHeight, clear, 40), 100);
}

// An LCD page's texture is three texels a pixel wide: with pages so wide that three times that
// is past the device's texture size (16384 px: 49,152 texels, beyond every device's limit), LCD
// text is drawn greyscale and counted, as without dual-source blending, never refused.
TEST_P(Lcd, PagesTooWideForAnLcdTextureDrawGreyscale) {
  TextSystemDesc desc;
  desc.page_width = TextSystemDesc::kMaxPageSize;
  desc.page_initial_height = 64;
  desc.page_max_height = 64;
  auto ts = create_system(desc);
  ASSERT_NE(ts, nullptr);
  const Color white{1, 1, 1, 1};
  const TextStyle lcd = lcd_style("Sans 16", 0x303030ffu, SubpixelOrder::kRgb);
  const TextStyle grey = grey_of(lcd);
  const std::vector<uint8_t> a = frame(*ts, {{10.5f, 20, kText, lcd}}, white);
  EXPECT_FALSE(ts->last_frame_stats().lcd_text);
  EXPECT_EQ(ts->last_frame_stats().lcd_fallback_draws, 1u);
  const std::vector<uint8_t> b = frame(*ts, {{10.5f, 20, kText, grey}}, white);
  EXPECT_TRUE(testing::diff_images(a, b, kWidth, kHeight, 0).match());
  EXPECT_GT(testing::count_ink(a, kWidth, 0, 0, kWidth, kHeight, white, 40), 100);
}

INSTANTIATE_TEST_SUITE_P(Backends, Lcd, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const auto& info) { return std::string(gpu_api_name(info.param)); });

}  // namespace
}  // namespace glyphstream
