// Zoom without churn (issue 17): TextSystem::draw_text_scaled on real OpenGL, pixels read back.
//  - while the scale changes, every glyph is drawn (exact or a stand-in): no blank glyph, and
//    each lands where the exactly scaled glyph does (no jump when it is refined);
//  - once the scale holds, the output equals a cold render (a fresh TextSystem) within
//    kSettleFrames frames, in every upload mode;
//  - positions follow the application's geometry at scale s across the whole viewport (the CPU
//    reference places each glyph at origin + s * layout position on its own).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"
#include "image_diff.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 240;
const Color kBackground{1, 1, 1, 1};
const char* const kLines[] = {"Zoom: the quick brown fox jumps over 13 lazy dogs.",
                              "Größe ändern — WAVE Typo fij 0123456789 ✓",
                              "Pinch to zoom: 縮放 テキスト"};
// Frames after the last scale change until the output is exact, however far the background
// rasterization has got (no waiting between frames here): the first frame at the held scale
// requests the exact sizes in the background, the second waits in commit() for those still
// missing and draws them.
constexpr int kSettleFrames = 2;

TextStyle base_style() {
  TextStyle s;
  s.font = "Sans 12";
  s.color = Color::from_rgba8(0x202020ffu);
  return s;
}

float line_y(size_t i, float scale) { return 3 + float(i) * 12.0f * 1.4f * scale; }

class Zoom : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = HeadlessGl::create({kWidth, kHeight});
    ASSERT_TRUE(gl.ok()) << gl.status().to_string();
    gl_ = std::move(gl).value();
    auto ref = testing::CpuReference::create();
    ASSERT_TRUE(ref.ok()) << ref.status().to_string();
    ref_ = std::move(ref).value();
  }

  std::unique_ptr<TextSystem> make_system(UploadMode mode, int background_glyphs = 0) {
    TextSystemDesc desc;
    desc.zoom_background_glyphs = background_glyphs;
    desc.upload_mode_set = true;
    desc.upload_mode = mode;
    desc.threads = 2;
    auto ts = TextSystem::create(desc);
    EXPECT_TRUE(ts.ok()) << ts.status().to_string();
    return ts.ok() ? std::move(ts).value() : nullptr;
  }

  // One frame of the scaled text at (x, y); returns the framebuffer.
  std::vector<uint8_t> draw_frame(TextSystem* ts, float x, float y, float scale) {
    gl_->clear(kBackground.r, kBackground.g, kBackground.b, kBackground.a);
    EXPECT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    for (size_t i = 0; i < std::size(kLines); ++i) {
      const Status s =
          ts->draw_text_scaled(x, y + line_y(i, scale), scale, kLines[i], base_style());
      EXPECT_TRUE(s.ok()) << s.to_string();
    }
    EXPECT_TRUE(ts->commit().ok());
    EXPECT_TRUE(ts->flush().ok());
    std::vector<uint8_t> image;
    EXPECT_TRUE(gl_->read_pixels(&image).ok());
    return image;
  }

  // The same frame from a fresh TextSystem: every glyph rasterized exactly.
  std::vector<uint8_t> cold_render(UploadMode mode, float x, float y, float scale) {
    auto ts = make_system(mode);
    if (!ts) return {};
    return draw_frame(ts.get(), x, y, scale);
  }

  // The CPU reference of the exact frame, and each glyph's box.
  std::vector<Rect> reference(float x, float y, float scale) {
    ref_->clear(kWidth, kHeight, kBackground);
    std::vector<Rect> boxes;
    for (size_t i = 0; i < std::size(kLines); ++i) {
      EXPECT_TRUE(
          ref_->draw_text_scaled(x, y + line_y(i, scale), scale, kLines[i], base_style(), &boxes)
              .ok());
    }
    return boxes;
  }

  std::unique_ptr<HeadlessGl> gl_;
  std::unique_ptr<testing::CpuReference> ref_;
};

int ink(const std::vector<uint8_t>& image, const Rect& r) {
  const int x0 = std::max(0, r.x), y0 = std::max(0, r.y);
  const int x1 = std::min(kWidth, r.right()), y1 = std::min(kHeight, r.bottom());
  if (x0 >= x1 || y0 >= y1) return 0;
  return testing::count_ink(image, kWidth, x0, y0, x1, y1, kBackground, 60);
}

// Ink-weighted centre of a box, in px.
bool ink_centre(const std::vector<uint8_t>& image, const Rect& r, double* cx, double* cy) {
  double sum = 0, sx = 0, sy = 0;
  for (int y = std::max(0, r.y); y < std::min(kHeight, r.bottom()); ++y) {
    for (int x = std::max(0, r.x); x < std::min(kWidth, r.right()); ++x) {
      const double w = 255.0 - double(image[(size_t(y) * kWidth + size_t(x)) * 4 + 1]);
      sum += w, sx += w * (x + 0.5), sy += w * (y + 0.5);
    }
  }
  if (sum <= 0) return false;
  *cx = sx / sum, *cy = sy / sum;
  return true;
}

// Every frame of a zoom in and out: each glyph the exact frame inks is inked here too, with
// its ink centred where the exact glyph's is (a stand-in stretched to the exact glyph's place).
TEST_F(Zoom, NoBlankOrMisplacedGlyphWhileZooming) {
  auto ts = make_system(UploadMode::kAsync);
  ASSERT_TRUE(ts);
  int stand_in_frames = 0;
  for (int f = 0; f < 24; ++f) {
    const float scale = 1.0f + 0.25f / 12.0f * float(f < 16 ? f : 32 - f);  // 0.25 px per frame
    const std::vector<uint8_t> image = draw_frame(ts.get(), 5, 2, scale);
    if (ts->last_frame_stats().glyphs_stand_in > 0) ++stand_in_frames;
    const std::vector<Rect> boxes = reference(5, 2, scale);
    ASSERT_FALSE(boxes.empty());
    for (const Rect& box : boxes) {
      const int expected = ink(ref_->image(), box);
      if (expected < 4) continue;  // a dot or a thin stroke: too little ink to judge
      const Rect grown{box.x - 1, box.y - 1, box.w + 2, box.h + 2};
      EXPECT_GE(ink(image, grown), expected / 2)
          << "frame " << f << " scale " << scale << ": glyph at " << box.x << "," << box.y
          << " is blank or faint";
      double ex, ey, gx, gy;
      // Centres inside the glyph's own box (a grown one would take in the neighbours' ink).
      ASSERT_TRUE(ink_centre(ref_->image(), box, &ex, &ey));
      ASSERT_TRUE(ink_centre(image, box, &gx, &gy)) << "frame " << f;
      EXPECT_NEAR(gx, ex, 1.0) << "frame " << f << " glyph at " << box.x << "," << box.y;
    }
  }
  // The zoom did draw stand-ins (else this test would prove nothing about them).
  EXPECT_GT(stand_in_frames, 10);
}

// After the zoom stops: exact within kSettleFrames frames, identical to a cold render, with
// no pause for the background work in between (whatever it finished, the count holds).
TEST_F(Zoom, SettlesToTheColdRenderInEveryUploadMode) {
  for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
    SCOPED_TRACE(std::string(upload_mode_name(mode)));
    auto ts = make_system(mode);
    ASSERT_TRUE(ts);
    float scale = 1.0f;
    for (int f = 0; f < 12; ++f) {  // zooming out and in: stand-ins larger and smaller
      scale = 1.3f + 0.25f / 12.0f * float(f < 6 ? -f : f - 12);
      draw_frame(ts.get(), 4, 3, scale);
    }
    ASSERT_GT(ts->last_frame_stats().glyphs_stand_in, 0u);
    std::vector<uint8_t> settled;
    int frames_after_change = 1;
    uint32_t refined = 0;
    for (; frames_after_change <= kSettleFrames + 1; ++frames_after_change) {
      settled = draw_frame(ts.get(), 4, 3, scale);
      refined += ts->last_frame_stats().glyphs_refined;
      if (ts->last_frame_stats().glyphs_stand_in == 0) break;
    }
    EXPECT_LE(frames_after_change, kSettleFrames);
    EXPECT_GT(refined, 0u);
    const std::vector<uint8_t> cold = cold_render(mode, 4, 3, scale);
    const testing::ImageDiff diff = testing::diff_images(settled, cold, kWidth, kHeight, 0);
    EXPECT_TRUE(diff.match()) << diff.report;
  }
}

// zoom_background_glyphs bounds the background results made resident per frame too (a zoom's
// ladder rung that finishes at once is spread over frames): with a backlog of finished
// background rasters (prefetch() of another size, then finish()), each frame lands at most
// that many, all of them land, and the frames drawn meanwhile stay exact.
TEST_F(Zoom, BackgroundResultsLandAFewPerFrame) {
  constexpr uint32_t kPerFrame = 16;
  auto ts = make_system(UploadMode::kAsync, int(kPerFrame));
  ASSERT_TRUE(ts);
  const std::vector<uint8_t> exact = draw_frame(ts.get(), 4, 3, 1.0f);
  TextStyle other = base_style();
  other.font = "Sans 17";
  for (const char* line : kLines) ASSERT_TRUE(ts->prefetch(line, other).ok());
  ASSERT_TRUE(ts->finish().ok());  // the backlog is complete: only the bound limits landing
  uint32_t most = 0, landed = 0;
  int frames = 0;
  for (; frames < 100; ++frames) {
    EXPECT_EQ(draw_frame(ts.get(), 4, 3, 1.0f), exact) << "frame " << frames;
    const uint32_t now = ts->last_frame_stats().glyphs_rasterized;
    if (now == 0) break;
    most = std::max(most, now);
    landed += now;
  }
  EXPECT_EQ(most, kPerFrame);
  EXPECT_GT(landed, 3 * kPerFrame);  // spread over several frames
  EXPECT_GE(frames, int(landed / kPerFrame));
}

// Settling waits for the exact glyphs requested earlier and at most zoom_background_glyphs
// others per frame (per 4 rasterizer threads; 2 here), and lands at most as many background
// results: a text with more glyphs than that settles over a few frames and still reaches the
// cold render.
TEST_F(Zoom, SettlingIsBoundedPerFrame) {
  constexpr uint32_t kPerFrame = 16;
  auto ts = make_system(UploadMode::kAsync, int(kPerFrame));
  ASSERT_TRUE(ts);
  float scale = 1.0f;
  for (int f = 0; f < 6; ++f) {
    scale = 1.0f + 0.25f / 12.0f * float(f);
    draw_frame(ts.get(), 4, 3, scale);
  }
  std::vector<uint8_t> settled;
  uint32_t most = 0;
  int frames = 0;
  for (; frames < 60; ++frames) {
    settled = draw_frame(ts.get(), 4, 3, scale);
    most = std::max(most, ts->last_frame_stats().glyphs_rasterized);
    if (ts->last_frame_stats().glyphs_stand_in == 0) break;
  }
  EXPECT_LT(frames, 60);
  EXPECT_GE(frames, 3);  // more glyphs than the bound: settling took several frames
  // Per frame: the exact glyphs requested before (a frame's requests, plus ladder requests
  // that were the exact size and are still outstanding: more when the workers are slow, 50
  // seen under load), at most kPerFrame fresh ones, at most kPerFrame landed from the
  // background (frames >= 3 above shows the spreading).
  EXPECT_LE(most, 4 * kPerFrame);
  const std::vector<uint8_t> cold = cold_render(UploadMode::kAsync, 4, 3, scale);
  const testing::ImageDiff diff = testing::diff_images(settled, cold, kWidth, kHeight, 0);
  EXPECT_TRUE(diff.match()) << diff.report;
}

// Text at scale s lands where the application's geometry at scale s is: the CPU reference
// places every glyph at origin + s * layout position independently of the pipeline, with text
// reaching across the whole viewport (origins left, right and below, scales up to 2.5).
TEST_F(Zoom, PositionsFollowTheScaledGeometry) {
  auto ts = make_system(UploadMode::kAsync);
  ASSERT_TRUE(ts);
  const struct {
    float x, y, scale;
  } cases[] = {{0.5f, 0.25f, 1.37f}, {-120.3f, 10.6f, 2.5f}, {300.75f, 120.4f, 0.8f}};
  for (const auto& c : cases) {
    SCOPED_TRACE("origin " + std::to_string(c.x) + "," + std::to_string(c.y) + " scale " +
                 std::to_string(c.scale));
    auto cold = make_system(UploadMode::kAsync);
    ASSERT_TRUE(cold);
    const std::vector<uint8_t> image = draw_frame(cold.get(), c.x, c.y, c.scale);
    reference(c.x, c.y, c.scale);
    const testing::ImageDiff diff = testing::diff_images(image, ref_->image(), kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << diff.report;
    EXPECT_GT(testing::count_ink(image, kWidth, 0, 0, kWidth, kHeight, kBackground, 60), 100);
  }
}

// Underlines and backgrounds scale about the text origin with the glyphs.
TEST_F(Zoom, DecorationsScaleWithTheText) {
  auto ts = make_system(UploadMode::kAsync);
  ASSERT_TRUE(ts);
  TextStyle style = base_style();
  style.markup = true;
  const std::string text =
      "<u>under</u> <s>struck</s> <span background='#ffd080'>marked</span> <span "
      "underline='error'>tpyo</span>";
  const float x = 7.5f, y = 20.25f, scale = 1.75f;
  gl_->clear(kBackground.r, kBackground.g, kBackground.b, kBackground.a);
  ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
  ASSERT_TRUE(ts->draw_text_scaled(x, y, scale, text, style).ok());
  ASSERT_TRUE(ts->flush().ok());
  std::vector<uint8_t> image;
  ASSERT_TRUE(gl_->read_pixels(&image).ok());
  ref_->clear(kWidth, kHeight, kBackground);
  ASSERT_TRUE(ref_->draw_text_scaled(x, y, scale, text, style).ok());
  const testing::ImageDiff diff = testing::diff_images(image, ref_->image(), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
  EXPECT_GT(testing::count_ink(image, kWidth, 0, 0, kWidth, kHeight, kBackground, 60), 100);
}

// A missing glyph's hex box scales with the text: its frame twice as wide (and its line twice as
// thick) at twice the scale, not the width it had at the layout's size.
TEST_F(Zoom, HexBoxesScaleWithTheText) {
  auto ts = make_system(UploadMode::kAsync);
  ASSERT_TRUE(ts);
  const std::string text = "\xF3\xB0\x80\x80";  // U+F0000: no font has it
  int width[2] = {};
  for (int i = 0; i < 2; ++i) {
    const float scale = float(i + 1) * 1.5f;
    std::vector<uint8_t> image;
    for (int frame = 0; frame <= kSettleFrames; ++frame) {  // settled: no stand-in left
      gl_->clear(kBackground.r, kBackground.g, kBackground.b, kBackground.a);
      ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
      ASSERT_TRUE(ts->draw_text_scaled(10, 10, scale, text, base_style()).ok());
      ASSERT_TRUE(ts->commit().ok());
      ASSERT_TRUE(ts->flush().ok());
      ASSERT_TRUE(gl_->read_pixels(&image).ok());
    }
    EXPECT_EQ(ts->last_frame_stats().glyphs_stand_in, 0u);
    // The frame's top edge: the ink of the first inked row below the frame's top line's
    // antialiased first row (the digits sit lower, inside the frame).
    int top = 0;
    while (top < kHeight &&
           testing::count_ink(image, kWidth, 0, top, kWidth, top + 1, kBackground, 60) == 0) {
      ++top;
    }
    ASSERT_LT(top + 1, kHeight) << "scale " << scale << ": no ink";
    width[i] = testing::count_ink(image, kWidth, 0, top + 1, kWidth, top + 2, kBackground, 60);
    // Exact once settled, as the CPU reference draws the scaled layout.
    ref_->clear(kWidth, kHeight, kBackground);
    ASSERT_TRUE(ref_->draw_text_scaled(10, 10, scale, text, base_style()).ok());
    const testing::ImageDiff diff = testing::diff_images(image, ref_->image(), kWidth, kHeight, 2);
    EXPECT_TRUE(diff.match()) << "scale " << scale << ": " << diff.report;
  }
  EXPECT_NEAR(double(width[1]) / double(width[0]), 2.0, 0.15) << width[0] << " / " << width[1];
}

TEST_F(Zoom, RejectsBadScales) {
  auto ts = make_system(UploadMode::kAsync);
  ASSERT_TRUE(ts);
  ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
  for (float bad : {0.0f, -1.0f, std::nanf(""), INFINITY, 1000.0f}) {
    EXPECT_EQ(ts->draw_text_scaled(0, 0, bad, "x", base_style()).code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
  TextStyle huge = base_style();
  huge.font = "Sans 2000";
  EXPECT_EQ(ts->draw_text_scaled(0, 0, 4.0f, "x", huge).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ts->flush().ok());
}

}  // namespace
}  // namespace glyphstream
