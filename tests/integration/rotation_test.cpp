// Rotated text (--rotate) and gravity (vertical CJK) through the whole pipeline on GL and Vulkan
// (validation on): read back and compared with the CPU reference, which rasterizes each glyph
// under its own rotation (FreeType's outline transform) and draws it 1:1 — so a match means the
// GPU drew rasters made turned, never upright bitmaps turned by the sampler. Every upload mode,
// markup decorations (turned rectangles at angles off the right angles), zoom, clipping and
// culling.
#include <gtest/gtest.h>

#include <memory>
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
constexpr int kHeight = 360;
const Color kBackground{1, 1, 1, 1};

TextStyle rotated(float degrees, const std::string& font = "Sans 18", bool markup = false) {
  TextStyle s;
  s.font = font;
  s.color = Color::from_rgba8(0x202020ffu);
  s.markup = markup;
  s.paragraph.rotate = degrees;
  return s;
}

TextStyle gravity(Gravity g, GravityHint hint = GravityHint::kNatural) {
  TextStyle s = rotated(0, "Sans 20");
  s.paragraph.gravity = g;
  s.paragraph.gravity_hint = hint;
  s.paragraph.language = "ja";
  return s;
}

using Call = testing::DrawCall;

const std::string kDecorated =
    "<span background='#c0e0ff'>Turned</span> <u>under</u> <s>struck</s> "
    "<span foreground='#c02020'>red</span>";

std::vector<Call> rotated_calls() {
  return {
      {10.25f, 10, kDecorated, rotated(30, "Sans 17", true)},
      {250.5f, 20, kDecorated, rotated(-45, "Sans 15", true)},
      {20, 150, "Quarter <u>turn</u>", rotated(90, "Sans 16", true)},
      {90.75f, 170, "Upside 😀 down \u0378", rotated(187, "Sans 16")},
      {200, 250, "縦書きの日本語 Latin", gravity(Gravity::kEast)},
      {200, 300, "上下 North", gravity(Gravity::kNorth, GravityHint::kStrong)},
  };
}

class Rotation : public testing::GpuPixelTest {
 protected:
  Rotation() : GpuPixelTest(kWidth, kHeight) {}
  std::unique_ptr<TextSystem> make_system(UploadMode mode = UploadMode::kAsync) {
    return create_system(desc_in(mode));
  }
  // One frame of `calls` on the GPU (scale 0: draw_text, else draw_text_scaled); the pixels.
  std::vector<uint8_t> gpu_frame(TextSystem* ts, const std::vector<Call>& calls, float scale = 0,
                                 const DrawParams& params = {}) {
    EXPECT_TRUE(target_->clear(kBackground).ok());
    EXPECT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    for (const Call& c : calls) {
      const Status s = scale == 0 ? ts->draw_text(c.x, c.y, c.text, c.style, params)
                                  : ts->draw_text_scaled(c.x, c.y, scale, c.text, c.style, params);
      EXPECT_TRUE(s.ok()) << s.to_string();
    }
    EXPECT_TRUE(ts->commit().ok());
    EXPECT_TRUE(ts->flush().ok());
    std::vector<uint8_t> rgba;
    EXPECT_TRUE(target_->read_pixels(&rgba).ok());
    EXPECT_EQ(ts->last_frame_stats().raster_errors, 0u);
    return rgba;
  }
  std::vector<uint8_t> reference(const std::vector<Call>& calls, float scale = 0) {
    ref_->clear(kWidth, kHeight, kBackground);
    for (const Call& c : calls) {
      const Status s = scale == 0 ? ref_->draw_text(c.x, c.y, c.text, c.style)
                                  : ref_->draw_text_scaled(c.x, c.y, scale, c.text, c.style);
      EXPECT_TRUE(s.ok()) << s.to_string();
    }
    return ref_->image();
  }
  void expect_match(const std::vector<uint8_t>& gpu, const std::vector<uint8_t>& want,
                    const std::string& what) {
    const testing::ImageDiff diff = testing::diff_images(gpu, want, kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << what << ": " << diff.report;
    EXPECT_GT(testing::count_ink(gpu, kWidth, 0, 0, kWidth, kHeight, kBackground, 40), 500) << what;
  }
};

TEST_P(Rotation, RotatedAndVerticalTextMatchTheCpuReferenceInEveryMode) {
  const std::vector<Call> calls = rotated_calls();
  const std::vector<uint8_t> want = reference(calls);
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    auto ts = make_system(mode);
    ASSERT_NE(ts, nullptr);
    expect_match(gpu_frame(ts.get(), calls), want, std::string(upload_mode_name(mode)));
    // Again from the cache: every turned raster is found under its angle.
    expect_match(gpu_frame(ts.get(), calls), want, std::string(upload_mode_name(mode)) + " cached");
    EXPECT_EQ(ts->last_frame_stats().glyphs_rasterized, 0u);
  }
}

// The angle is part of the glyph key: the same text at a new angle is rasterized again (never
// an upright raster reused), and the same angle again is not.
TEST_P(Rotation, EachAngleHasItsOwnRasters) {
  auto ts = make_system();
  ASSERT_NE(ts, nullptr);
  const std::string text = "Angles";
  gpu_frame(ts.get(), {{100, 100, text, rotated(0)}});
  const uint32_t upright = ts->last_frame_stats().glyphs_rasterized;
  EXPECT_GT(upright, 0u);
  gpu_frame(ts.get(), {{100, 100, text, rotated(30)}});
  EXPECT_EQ(ts->last_frame_stats().glyphs_rasterized, upright);
  gpu_frame(ts.get(), {{100, 100, text, rotated(30.01f)}});  // the same 1/16 degree bin
  EXPECT_EQ(ts->last_frame_stats().glyphs_rasterized, 0u);
  gpu_frame(ts.get(), {{100, 100, text, rotated(31)}});
  EXPECT_EQ(ts->last_frame_stats().glyphs_rasterized, upright);
}

// draw_text_scaled turns the rotated layout about its origin: once settled (every glyph at its
// exact size, turned) it equals the CPU reference's scaled drawing.
TEST_P(Rotation, ZoomedRotatedTextSettlesToTheReference) {
  auto ts = make_system();
  ASSERT_NE(ts, nullptr);
  const std::vector<Call> calls = {{40, 20, kDecorated, rotated(-30, "Sans 12", true)},
                                   {60, 200, "縦書き Latin", gravity(Gravity::kEast)}};
  const float scale = 1.6f;
  std::vector<uint8_t> gpu;
  for (int frame = 0; frame < 8; ++frame) {
    gpu = gpu_frame(ts.get(), calls, scale);
    if (frame > 2 && ts->last_frame_stats().glyphs_stand_in == 0) break;
  }
  EXPECT_EQ(ts->last_frame_stats().glyphs_stand_in, 0u);
  expect_match(gpu, reference(calls, scale), "scaled 1.6");
}

// A clip on rotated text: nothing lit outside it, exact pixels inside (those of the unclipped
// frame), and glyphs wholly outside are culled (their turned ink boxes miss the clip).
TEST_P(Rotation, ClippedRotatedTextIsExactInsideAndCulledOutside) {
  auto ts = make_system();
  ASSERT_NE(ts, nullptr);
  std::vector<Call> calls;
  for (int i = 0; i < 4; ++i) {
    calls.push_back({20.f + 30.f * float(i), 10.f + 20.f * float(i),
                     "A long line turned by some degrees " + std::to_string(i),
                     rotated(-25.f - 5.f * float(i), "Sans 16")});
  }
  const std::vector<uint8_t> full = gpu_frame(ts.get(), calls);
  DrawParams params;
  params.clip = RectF{150.5f, 120.25f, 140, 90};
  const std::vector<uint8_t> clipped = gpu_frame(ts.get(), calls, 0, params);
  EXPECT_GT(ts->last_frame_stats().glyphs_culled, 0u);
  int inside = 0;
  for (int y = 0; y < kHeight; ++y) {
    for (int x = 0; x < kWidth; ++x) {
      const size_t i = (size_t(y) * kWidth + size_t(x)) * 4;
      const bool in = x + 0.5 >= 150.5 && x + 0.5 < 290.5 && y + 0.5 >= 120.25 && y + 0.5 < 210.25;
      for (int c = 0; c < 4; ++c) {
        if (in) {
          ASSERT_EQ(clipped[i + size_t(c)], full[i + size_t(c)]) << "inside at " << x << "," << y;
        } else {
          ASSERT_EQ(clipped[i + size_t(c)], 255) << "lit outside the clip at " << x << "," << y;
        }
      }
      if (in && full[i] < 200) ++inside;
    }
  }
  EXPECT_GT(inside, 50) << "the clip should hold some text";
}

INSTANTIATE_TEST_SUITE_P(Backends, Rotation, ::testing::Values(GpuApi::kGl, GpuApi::kVulkan),
                         [](const ::testing::TestParamInfo<GpuApi>& info) {
                           return std::string(info.param == GpuApi::kGl ? "Gl" : "Vulkan");
                         });

}  // namespace
}  // namespace glyphstream
