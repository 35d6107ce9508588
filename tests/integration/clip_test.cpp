// DrawParams::clip and culling through the public API, on real OpenGL and real Vulkan (the
// validation layer on, any message failing the test), against the CPU reference (which clips by
// the pixel-centre rule on its own) and against the same frame drawn without a clip or in a
// viewport that shows everything.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/text_system.h"
#include "gpu_pixel_test.h"
#include "headless_target.h"
#include "image_diff.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 480;
constexpr int kHeight = 160;
const Color kBackground{1, 1, 1, 1};

using testing::style_of;

using Call = testing::DrawCall;

// UTF-8 of one code point.
std::string utf8_of(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += char(c);
  } else if (c < 0x800) {
    s += char(0xc0 | (c >> 6)), s += char(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    s += char(0xe0 | (c >> 12)), s += char(0x80 | ((c >> 6) & 0x3f)), s += char(0x80 | (c & 0x3f));
  } else {
    s += char(0xf0 | (c >> 18)), s += char(0x80 | ((c >> 12) & 0x3f));
    s += char(0x80 | ((c >> 6) & 0x3f)), s += char(0x80 | (c & 0x3f));
  }
  return s;
}

// The pixels of `image` (w x h) that differ from `other`, inside (in == true) or outside a rect.
int differing(const std::vector<uint8_t>& image, const std::vector<uint8_t>& other, int w, int h,
              const Rect& r, bool in) {
  int n = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const bool inside = x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
      const size_t i = (size_t(y) * size_t(w) + size_t(x)) * 4;
      if (inside == in && !std::equal(&image[i], &image[i] + 4, &other[i])) ++n;
    }
  }
  return n;
}

class Clip : public testing::GpuPixelTest {
 protected:
  Clip() : GpuPixelTest(kWidth, kHeight) {}

  std::unique_ptr<TextSystem> make_system() {
    TextSystemDesc desc;
    return create_system(desc);
  }

  // One frame of `calls` on a fresh system (the same rasters whatever else was drawn before);
  // the read-back image, and the frame's statistics in *stats.
  std::vector<uint8_t> render(const std::vector<Call>& calls, FrameStats* stats = nullptr,
                              bool with_clips = true) {
    auto ts = make_system();
    if (!ts) return {};
    const int w = target_->width(), h = target_->height();
    EXPECT_TRUE(target_->clear(kBackground).ok());
    EXPECT_TRUE(ts->begin_frame(w, h).ok());
    for (const Call& c : calls) {
      DrawParams params;
      if (with_clips) params.clip = c.clip;
      const Status s = c.scale == 1
                           ? ts->draw_text(c.x, c.y, c.text, c.style, params)
                           : ts->draw_text_scaled(c.x, c.y, c.scale, c.text, c.style, params);
      EXPECT_TRUE(s.ok()) << s.to_string();
    }
    EXPECT_TRUE(ts->flush().ok());
    if (stats) *stats = ts->last_frame_stats();
    std::vector<uint8_t> image;
    EXPECT_TRUE(target_->read_pixels(&image).ok());
    return image;
  }
};

const std::string kDecorated =
    "<span background='#ffd0a0'>back</span> <u>under</u> <s>strike</s> "
    "<span underline='error' underline_color='red'>squiggle</span>";

// Several different clips (whole and fractional edges, one empty, one none) with glyphs, emoji,
// scaled glyphs and every decoration kind: the GPU agrees with the CPU reference, and the clips
// cost no draw call (the frame without them makes as many).
TEST_P(Clip, DifferentClipsInOneDrawCallMatchTheCpuReference) {
  const std::vector<Call> calls = {
      {4, 4, "Clipped left half 😀 text", style_of("Sans 20"), RectF{0, 0, 120, 40}},
      {4.25f, 34, "Fractional clip: edges at .3 and .7 px", style_of("Sans 16", 0xa02020ffu),
       RectF{10.3f, 36.7f, 201.4f, 11.3f}},
      {200, 4, "Unclipped text", style_of("Sans 18", 0x2040a0ffu), std::nullopt},
      {200, 30, "Empty clip draws nothing", style_of("Sans 18"), RectF{210, 30, 0, 20}},
      {4, 60, kDecorated, style_of("Sans 18", 0x202020ffu, true), RectF{30, 62, 300, 14}},
      {4, 100, "Scaled and clipped", style_of("Sans 12"), RectF{50, 100, 150, 30}, 2.0f},
      {330, 96, "Tall clip", style_of("Serif Italic 30"), RectF{340, 60, 40.5f, 200}},
  };
  FrameStats clipped_stats, unclipped_stats;
  const std::vector<uint8_t> gpu = render(calls, &clipped_stats);
  render(calls, &unclipped_stats, /*with_clips=*/false);
  ref_->clear(kWidth, kHeight, kBackground);
  for (const Call& c : calls) {
    ref_->set_clip(c.clip);
    ASSERT_TRUE(ref_->draw_text_scaled(c.x, c.y, c.scale, c.text, c.style).ok());
  }
  const testing::ImageDiff diff = testing::diff_images(gpu, ref_->image(), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
  EXPECT_GT(testing::count_ink(gpu, kWidth, 0, 0, kWidth, kHeight, kBackground, 40), 1000);
  EXPECT_EQ(clipped_stats.draw_calls, unclipped_stats.draw_calls);
  EXPECT_GE(clipped_stats.draw_calls, 1u);
  EXPECT_GT(clipped_stats.glyphs_culled, unclipped_stats.glyphs_culled);
  EXPECT_LT(clipped_stats.glyphs_rasterized, unclipped_stats.glyphs_rasterized);
}

// A clip on whole pixels: inside it the frame equals the unclipped frame byte for byte, outside
// it nothing is lit; for draw_text, draw_text_scaled and decorations alike.
TEST_P(Clip, WholePixelClipKeepsExactPixelsInsideAndNothingOutside) {
  const Rect r{37, 13, 231, 97};
  const RectF clip{float(r.x), float(r.y), float(r.w), float(r.h)};
  const std::vector<Call> calls = {
      {0, 0, "Wide text crossing every edge of the clip 😀", style_of("Sans 26"), clip},
      {-3, 40, kDecorated, style_of("Sans 20", 0x303030ffu, true), clip},
      {10, 70, "Scaled text ÅÉÎ", style_of("Sans 14"), clip, 2.5f},
      {200, 100, "مرحبا بالعالم", style_of("Sans 22", 0x208020ffu), clip},
  };
  const std::vector<uint8_t> unclipped = render(calls, nullptr, /*with_clips=*/false);
  const std::vector<uint8_t> clipped = render(calls);
  EXPECT_TRUE(target_->clear(kBackground).ok());
  std::vector<uint8_t> background;
  ASSERT_TRUE(target_->read_pixels(&background).ok());
  EXPECT_EQ(differing(clipped, unclipped, kWidth, kHeight, r, /*in=*/true), 0);
  EXPECT_EQ(differing(clipped, background, kWidth, kHeight, r, /*in=*/false), 0);
  // The case means something: ink inside the clip and outside it in the unclipped frame.
  EXPECT_GT(differing(unclipped, background, kWidth, kHeight, r, /*in=*/true), 1000);
  EXPECT_GT(differing(unclipped, background, kWidth, kHeight, r, /*in=*/false), 1000);
}

// NaN, infinities and negative sizes are refused with a message; nothing of the call is queued.
TEST_P(Clip, BadClipsAreRefused) {
  auto ts = make_system();
  ASSERT_NE(ts, nullptr);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const RectF bad[] = {{nan, 0, 10, 10}, {0, nan, 10, 10}, {0, 0, nan, 10},
                       {0, 0, 10, nan},  {inf, 0, 10, 10}, {0, -inf, 10, 10},
                       {0, 0, inf, 10},  {0, 0, 10, -1},   {0, 0, -0.5f, 10}};
  ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
  for (const RectF& r : bad) {
    DrawParams params;
    params.clip = r;
    const Status a = ts->draw_text(4, 4, "refused", style_of("Sans 16"), params);
    EXPECT_EQ(a.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(a.message().find("clip"), std::string::npos) << a.message();
    const Status b = ts->draw_text_scaled(4, 4, 2, "refused", style_of("Sans 16"), params);
    EXPECT_EQ(b.code(), ErrorCode::kInvalidArgument);
  }
  ASSERT_TRUE(ts->flush().ok());
  EXPECT_EQ(ts->last_frame_stats().glyphs_requested, 0u);
  EXPECT_EQ(ts->last_frame_stats().draw_calls, 0u);
}

// An empty clip draws nothing and rasterizes nothing, also with decorations.
TEST_P(Clip, EmptyClipDrawsNothing) {
  FrameStats stats;
  const std::vector<uint8_t> image =
      render({{4, 4, "Nothing at all", style_of("Sans 20"), RectF{4, 4, 300, 0}},
              {4, 40, kDecorated, style_of("Sans 20", 0x202020ffu, true), RectF{0, 0, 0, 0}},
              {4, 80, "Nor scaled", style_of("Sans 20"), RectF{1e9f, 1e9f, 5, 5}, 3.0f}},
             &stats);
  EXPECT_EQ(testing::count_ink(image, kWidth, 0, 0, kWidth, kHeight, kBackground, 0), 0);
  EXPECT_GT(stats.glyphs_requested, 0u);
  EXPECT_EQ(stats.glyphs_culled, stats.glyphs_requested);
  EXPECT_EQ(stats.glyphs_rasterized, 0u);
  EXPECT_EQ(stats.draw_calls, 0u);
}

// A long text (Latin lines on screen, then lines of distinct CJK characters below it) in a
// viewport that shows part of it: the glyphs wholly outside are culled and never rasterized,
// and the image equals the same text drawn in a viewport tall enough to show (and cull)
// nothing.
TEST_P(Clip, GlyphsOutsideTheViewportAreCulledAndNeverRasterized) {
  std::string text;
  for (int line = 0; line < 6; ++line) {
    text += "Line " + std::to_string(line) + ": pack my box with five dozen liquor jugs.\n";
  }
  for (int line = 0; line < 48; ++line) {
    for (int i = 0; i < 30; ++i) text += utf8_of(char32_t(0x4e00 + line * 30 + i));
    text += '\n';
  }
  const TextStyle style = style_of("Sans 14");
  const float x = 3, y = 2;
  // Where every glyph with pixels lands (the CPU reference rasterizes them all).
  std::vector<Rect> boxes;
  ref_->clear(kWidth, kHeight, kBackground);
  ASSERT_TRUE(ref_->draw_text_scaled(x, y, 1, text, style, &boxes).ok());
  uint32_t visible = 0, far_below = 0;
  for (const Rect& b : boxes) {
    if (b.y < kHeight && b.y + b.h > 0 && b.x < kWidth && b.x + b.w > 0) ++visible;
    if (b.y > kHeight + 40) ++far_below;  // far past any margin of the ink boxes
  }
  ASSERT_GT(far_below, 500u);

  FrameStats culled_stats;
  const std::vector<uint8_t> image = render({{x, y, text, style, std::nullopt}}, &culled_stats);
  EXPECT_GE(culled_stats.glyphs_culled, far_below);
  EXPECT_LE(culled_stats.glyphs_culled, culled_stats.glyphs_requested - visible);
  EXPECT_LE(culled_stats.glyphs_drawn, culled_stats.glyphs_requested - culled_stats.glyphs_culled);
  EXPECT_GE(culled_stats.glyphs_drawn, visible);
  // The CPU reference draws everything: the culled frame shows the same.
  const testing::ImageDiff diff = testing::diff_images(image, ref_->image(), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;

  // A viewport tall enough for the whole text: nothing culled, every glyph rasterized.
  const int tall = 1200;
  ASSERT_TRUE(target_->resize(kWidth, tall).ok());
  FrameStats tall_stats;
  const std::vector<uint8_t> tall_image = render({{x, y, text, style, std::nullopt}}, &tall_stats);
  EXPECT_EQ(tall_stats.glyphs_culled, 0u);
  EXPECT_EQ(tall_stats.glyphs_requested, culled_stats.glyphs_requested);
  // The distinct CJK glyphs far below were rasterized there, never in the culled frame.
  EXPECT_LE(culled_stats.glyphs_rasterized + far_below, tall_stats.glyphs_rasterized);
  ASSERT_EQ(tall_image.size(), size_t(kWidth) * tall * 4);
  const std::vector<uint8_t> top(tall_image.begin(), tall_image.begin() + image.size());
  EXPECT_EQ(top, image) << "the culled frame differs from the same rows drawn unculled";
  std::printf("culling: %u of %u glyphs culled, %u rasterized (unculled: %u)\n",
              culled_stats.glyphs_culled, culled_stats.glyphs_requested,
              culled_stats.glyphs_rasterized, tall_stats.glyphs_rasterized);
}

INSTANTIATE_TEST_SUITE_P(Backends, Clip, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(gpu_api_name(info.param));
                         });

}  // namespace
}  // namespace glyphstream
