// The LCD oracle (RunClip::kNone, run_clip.h) against pango-view's own drawing
// (RunClip::kPangoView, pango_cairo_show_layout as it is), for every unrotated case: the variant
// may change only what cairo's clip of a run cuts.
// - Every case: each pixel that differs lies outside every run's clip box (cairo's union of the
//   run's glyph boxes at whole-pixel positions, rounded out: run_clip_boxes) and within
//   kSpillReachPx of one: ink a glyph image holds beyond its metric box, nothing else.
// - Unhinted greyscale and monochrome cases: byte-identical. Their glyph images lie within their
//   boxes, so the clip cuts nothing; this shows that the two inkless glyphs the variant appends
//   draw nothing and move nothing (no glyph, underline, strikethrough, squiggle or background).
//   Hinted greyscale glyphs do reach beyond their boxes (a pixel, in 12 of the quality_gray_*
//   cases), so the oracle keeps greyscale on pango-view's own drawing (oracle_test.cpp).
// - Cases with vertical runs (gravity east or west), whose clip boxes are not computed:
//   byte-identical.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cairo_oracle.h"
#include "oracle_case.h"

namespace glyphstream::oracle {
namespace {

const std::string kCaseDir = std::string(GLYPHSTREAM_SOURCE_DIR) + "/tests/oracle/cases";

// How far outside a run's clip box a glyph image reaches: FreeType's LCD filter (cairo's
// default, five taps) spreads a subpixel's ink two subpixels, under a pixel, and a hinted
// outline may stand up to a pixel beyond the box of its metrics (measured: 1 px, and 2 px for
// vertical orders with full or medium hinting at 9 px).
constexpr int kSpillReachPx = 2;

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = std::filesystem::path(info.param).stem().string();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

std::vector<std::string> unrotated_cases() {
  std::vector<std::string> out;
  for (const std::string& f : case_files(kCaseDir)) {
    auto c = load_case(f);
    if (!c.ok() || c->paragraph.rotate == 0) out.push_back(f);  // a bad file fails below
  }
  return out;
}

// Pixels from box `b` to (x, y) along the farther axis; 0 inside.
int distance(const PixelBox& b, int x, int y) {
  const int dx = x < b.x0 ? b.x0 - x : x >= b.x1 ? x - b.x1 + 1 : 0;
  const int dy = y < b.y0 ? b.y0 - y : y >= b.y1 ? y - b.y1 + 1 : 0;
  return std::max(dx, dy);
}

class RunClipVariant : public ::testing::TestWithParam<std::string> {};

TEST_P(RunClipVariant, DiffersFromPangoViewOnlyWhereCairoClipsARun) {
  auto loaded = load_case(GetParam());
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  const OracleCase& c = *loaded;
  auto pango_view = render_with_pango_cairo(c, "", RunClip::kPangoView);
  ASSERT_TRUE(pango_view.ok()) << pango_view.status().to_string();
  auto variant = render_with_pango_cairo(c, "", RunClip::kNone);
  ASSERT_TRUE(variant.ok()) << variant.status().to_string();
  ASSERT_EQ(variant->width, pango_view->width);
  ASSERT_EQ(variant->height, pango_view->height);
  ASSERT_EQ(variant->rgba.size(), pango_view->rgba.size());
  const bool lcd = c.rendering.antialias == Antialias::kSubpixel;
  const bool boxes = !pango_view->run_clips.empty();
  if (lcd) {
    ASSERT_TRUE(boxes) << "no run clip boxes";
  }
  int differing = 0, inside = 0, beyond = 0, farthest = 0;
  std::string first_bad;
  for (int y = 0; y < pango_view->height; ++y) {
    for (int x = 0; x < pango_view->width; ++x) {
      const size_t i = (size_t(y) * size_t(pango_view->width) + size_t(x)) * 4;
      if (std::equal(&variant->rgba[i], &variant->rgba[i] + 4, &pango_view->rgba[i])) continue;
      ++differing;
      if (!boxes) continue;
      int nearest = 1 << 30;
      for (const PixelBox& b : pango_view->run_clips)
        nearest = std::min(nearest, distance(b, x, y));
      farthest = std::max(farthest, nearest);
      const bool bad = nearest == 0 || nearest > kSpillReachPx;
      inside += nearest == 0;
      beyond += nearest > kSpillReachPx;
      if (bad && first_bad.empty()) {
        first_bad = "(" + std::to_string(x) + ", " + std::to_string(y) + "), " +
                    std::to_string(nearest) + " px from the nearest run clip box";
      }
    }
  }
  if (!boxes || (!lcd && c.rendering.hinting == HintStyle::kNone)) {
    EXPECT_EQ(differing, 0) << "RunClip::kNone changed " << differing << " pixels of a case "
                            << (boxes ? "of unhinted greyscale glyphs, which cairo's clip of a "
                                        "run does not cut"
                                      : "with vertical runs (no clip boxes to hold them to)");
    return;
  }
  EXPECT_EQ(inside, 0) << inside << " of " << differing
                       << " changed pixels lie inside a run's clip box, first " << first_bad
                       << ": the variant changed more than cairo's clip";
  EXPECT_EQ(beyond, 0) << beyond << " of " << differing << " changed pixels lie more than "
                       << kSpillReachPx << " px outside every run's clip box, first " << first_bad
                       << ": not the LCD filter's spill";
  std::printf("%d pixels differ, none inside the %zu run clip boxes, at most %d px outside\n",
              differing, pango_view->run_clips.size(), farthest);
}

INSTANTIATE_TEST_SUITE_P(Cases, RunClipVariant, ::testing::ValuesIn(unrotated_cases()), case_name);

// The variant is defined for unrotated layouts only; no LCD case is rotated, and asking for a
// rotated one is a clear error, not a silent pango-view image.
TEST(RunClipVariantScope, NoLcdCaseIsRotatedAndRotatedCasesAreRefused) {
  int lcd = 0;
  for (const std::string& f : case_files(kCaseDir)) {
    auto c = load_case(f);
    ASSERT_TRUE(c.ok()) << c.status().to_string();
    if (c->rendering.antialias != Antialias::kSubpixel) continue;
    ++lcd;
    EXPECT_EQ(c->paragraph.rotate, 0) << f << ": an LCD case the RunClip::kNone oracle can't draw";
  }
  EXPECT_GE(lcd, 160);
  auto rotated = load_case(kCaseDir + "/rotate_90_decorations.txt");
  ASSERT_TRUE(rotated.ok()) << rotated.status().to_string();
  ASSERT_NE(rotated->paragraph.rotate, 0);
  EXPECT_EQ(render_with_pango_cairo(*rotated, "", RunClip::kNone).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace glyphstream::oracle
