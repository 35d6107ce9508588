// Paragraph options (TextStyle::paragraph) through the whole pipeline on real OpenGL: a centred,
// wrapped, line-spaced markup text drawn with draw_text_scaled lands where its layout says, at
// every scale (each glyph's ink where the CPU reference, placing the layout's glyphs at origin +
// scale * position on its own, puts it; each line centred in the scaled wrap width), and the
// options are refused through the public API as the text layer refuses them.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 720;
constexpr int kHeight = 400;
constexpr float kWrap = 260;
const Color kBackground{1, 1, 1, 1};
const char* const kMarkup =
    "<b>Centred</b> and wrapped <span foreground='#c02020'>markup</span> text, "
    "<u>underlined across a break</u>, drawn scaled.\nA second <i>paragraph</i>.";

TextStyle centred_style() {
  TextStyle s;
  s.font = "DejaVu Sans 13";
  s.color = Color::from_rgba8(0x202020ffu);
  s.markup = true;
  s.wrap_width = kWrap;
  s.paragraph.align = Align::kCenter;
  s.paragraph.line_spacing = 1.3f;
  s.paragraph.spacing = 2;  // no effect next to a line spacing factor, as in Pango
  return s;
}

// Ink-weighted centre of a box (the green channel's darkness), in px.
bool ink_centre(const std::vector<uint8_t>& image, const Rect& r, double* cx, double* cy) {
  double sum = 0, sx = 0, sy = 0;
  for (int y = std::max(0, r.y); y < std::min(kHeight, r.bottom()); ++y) {
    for (int x = std::max(0, r.x); x < std::min(kWidth, r.right()); ++x) {
      const double w = 255.0 - double(image[(size_t(y) * kWidth + size_t(x)) * 4 + 1]);
      sum += w, sx += w * (x + 0.5), sy += w * (y + 0.5);
    }
  }
  if (sum <= 255) return false;  // about one pixel of ink: nothing to place
  *cx = sx / sum, *cy = sy / sum;
  return true;
}

class Paragraph : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = HeadlessGl::create({kWidth, kHeight});
    ASSERT_TRUE(gl.ok()) << gl.status().to_string();
    gl_ = std::move(gl).value();
    auto ts = TextSystem::create({});
    ASSERT_TRUE(ts.ok()) << ts.status().to_string();
    ts_ = std::move(ts).value();
    auto ref = testing::CpuReference::create();
    ASSERT_TRUE(ref.ok()) << ref.status().to_string();
    ref_ = std::move(ref).value();
  }

  // The scaled text, after enough frames at this scale for every glyph to be exact.
  std::vector<uint8_t> draw_settled(float x, float y, float scale) {
    std::vector<uint8_t> image;
    for (int frame = 0; frame < 4; ++frame) {
      gl_->clear(kBackground.r, kBackground.g, kBackground.b, kBackground.a);
      EXPECT_TRUE(ts_->begin_frame(kWidth, kHeight).ok());
      const Status s = ts_->draw_text_scaled(x, y, scale, kMarkup, centred_style());
      EXPECT_TRUE(s.ok()) << s.to_string();
      EXPECT_TRUE(ts_->commit().ok());
      EXPECT_TRUE(ts_->flush().ok());
    }
    EXPECT_EQ(ts_->last_frame_stats().glyphs_stand_in, 0u);
    EXPECT_TRUE(gl_->read_pixels(&image).ok());
    return image;
  }

  std::unique_ptr<HeadlessGl> gl_;
  std::unique_ptr<TextSystem> ts_;
  std::unique_ptr<testing::CpuReference> ref_;
};

TEST_F(Paragraph, CentredWrappedMarkupDrawnScaledLandsWhereTheLayoutSays) {
  for (float scale : {1.0f, 1.5f, 2.25f}) {
    SCOPED_TRACE("scale " + std::to_string(scale));
    const float x = 10.25f, y = 6.5f;
    const std::vector<uint8_t> image = draw_settled(x, y, scale);
    ref_->clear(kWidth, kHeight, kBackground);
    std::vector<Rect> boxes;
    ASSERT_TRUE(ref_->draw_text_scaled(x, y, scale, kMarkup, centred_style(), &boxes).ok());
    ASSERT_GT(boxes.size(), 40u);
    int placed = 0;
    for (const Rect& box : boxes) {
      double ex, ey, gx, gy;
      if (!ink_centre(ref_->image(), box, &ex, &ey)) continue;
      ASSERT_TRUE(ink_centre(image, box, &gx, &gy)) << "glyph at " << box.x << "," << box.y;
      EXPECT_NEAR(gx, ex, 0.5) << "glyph at " << box.x << "," << box.y;
      EXPECT_NEAR(gy, ey, 0.5) << "glyph at " << box.x << "," << box.y;
      ++placed;
    }
    EXPECT_GT(placed, 40);

    // Each line's ink is centred in the scaled wrap width (glyph bearings aside).
    const double middle = x + scale * kWrap / 2;
    std::vector<std::pair<int, int>> ink_cols(kHeight, {kWidth, -1});  // per row: first, last
    for (int row = 0; row < kHeight; ++row) {
      for (int col = 0; col < kWidth; ++col) {
        if (image[(size_t(row) * kWidth + size_t(col)) * 4 + 1] >= 128) continue;
        ink_cols[row].first = std::min(ink_cols[row].first, col);
        ink_cols[row].second = std::max(ink_cols[row].second, col);
      }
    }
    int lines = 0;
    for (int row = 0; row < kHeight;) {
      if (ink_cols[row].second < 0) {
        ++row;
        continue;
      }
      const int top = row;
      int left = kWidth, right = -1;
      for (; row < kHeight && ink_cols[row].second >= 0; ++row) {
        left = std::min(left, ink_cols[row].first);
        right = std::max(right, ink_cols[row].second);
      }
      if (row - top < 4) continue;  // not a line of text
      ++lines;
      EXPECT_NEAR((left + right + 1) / 2.0, middle, 3 * scale) << "line at row " << top;
    }
    EXPECT_GE(lines, 3);
  }
}

TEST_F(Paragraph, BadStylesAreRefusedByEveryEntryPoint) {
  TextStyle bad = centred_style();
  bad.paragraph.indent = std::nanf("");
  TextStyle huge_angle = centred_style();
  huge_angle.paragraph.rotate = 1e30f;
  TextStyle nan_angle = centred_style();
  nan_angle.paragraph.rotate = std::nanf("");
  TextStyle beyond = centred_style();
  beyond.paragraph.rotate = -361;
  ASSERT_TRUE(ts_->begin_frame(kWidth, kHeight).ok());
  for (const auto& [style, code] : {std::pair{bad, ErrorCode::kInvalidArgument},
                                    std::pair{huge_angle, ErrorCode::kInvalidArgument},
                                    std::pair{nan_angle, ErrorCode::kInvalidArgument},
                                    std::pair{beyond, ErrorCode::kInvalidArgument}}) {
    EXPECT_EQ(ts_->draw_text(1, 1, "x", style).code(), code);
    EXPECT_EQ(ts_->draw_text_scaled(1, 1, 2, "x", style).code(), code);
    EXPECT_EQ(ts_->measure("x", style).status().code(), code);
    EXPECT_EQ(ts_->prefetch("x", style).code(), code);
  }
  EXPECT_TRUE(ts_->flush().ok());
  EXPECT_EQ(ts_->last_frame_stats().glyphs_requested, 0u);
}

}  // namespace
}  // namespace glyphstream
