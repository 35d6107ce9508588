// RenderingStyle on the text side: the bounds, the render mode byte, and fontconfig's word on
// hinting a font (Debian's rules, which the oracle's pango-cairo follows too).
#include "text/rendering_options.h"

#include <fontconfig/fontconfig.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace glyphstream::text {
namespace {

void expect_invalid(const RenderingStyle& r, const std::string& field) {
  const Status s = check_rendering_style(r);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << field;
  EXPECT_NE(s.message().find(field), std::string::npos) << s.to_string();
}

TEST(RenderingStyleCheck, DefaultsAndEveryImplementedValuePass) {
  EXPECT_TRUE(check_rendering_style({}).ok());
  for (Antialias aa : {Antialias::kGray, Antialias::kNone}) {
    for (int h = 0; h <= int(HintStyle::kFull); ++h) {
      for (int o = 0; o <= int(SubpixelOrder::kVbgr); ++o) {
        RenderingStyle r;
        r.antialias = aa;
        r.hinting = static_cast<HintStyle>(h);
        r.subpixel_order = static_cast<SubpixelOrder>(o);
        r.whole_pixel_positions = (h & 1) != 0;
        EXPECT_TRUE(check_rendering_style(r).ok()) << h << " " << o;
      }
    }
  }
}

TEST(RenderingStyleCheck, ValuesOutsideTheEnumsAreInvalidAndTheUnimplementedUnsupported) {
  RenderingStyle r;
  r.antialias = static_cast<Antialias>(3);
  expect_invalid(r, "antialias");
  r = {};
  r.subpixel_order = static_cast<SubpixelOrder>(4);
  expect_invalid(r, "subpixel_order");
  r = {};
  r.hinting = static_cast<HintStyle>(5);
  expect_invalid(r, "hinting");
  r = {};
  r.hinting = static_cast<HintStyle>(255);
  expect_invalid(r, "hinting");
  r = {};
  r.hint_metrics = static_cast<HintMetrics>(2);
  expect_invalid(r, "hint_metrics");
  r = {};
  r.antialias = Antialias::kSubpixel;
  r.subpixel_order = SubpixelOrder::kVbgr;
  EXPECT_TRUE(check_rendering_style(r).ok()) << "LCD glyphs, every order";
  r.subpixel_order = static_cast<SubpixelOrder>(4);
  expect_invalid(r, "subpixel_order");
  r = {};
  r.hint_metrics = HintMetrics::kOn;
  EXPECT_TRUE(check_rendering_style(r).ok()) << "hint metrics on is implemented";
}

TEST(RenderingStyleCheck, CoverageCurveBounds) {
  RenderingStyle r;
  for (float g : {0.f, 0.5f, 1.f, 2.2f, 3.f}) {
    r.coverage_gamma = g;
    EXPECT_TRUE(check_rendering_style(r).ok()) << g;
  }
  for (float g : {std::nanf(""), -1.f, 0.4f, 3.1f, 1e30f, -0.f - 1e-30f}) {
    r.coverage_gamma = g;
    expect_invalid(r, "coverage_gamma");
  }
  r = {};
  for (float c : {0.f, 0.2f, 1.f}) {
    r.coverage_contrast = c;
    EXPECT_TRUE(check_rendering_style(r).ok()) << c;
  }
  for (float c : {std::nanf(""), -0.1f, 1.1f, 1e30f}) {
    r.coverage_contrast = c;
    expect_invalid(r, "coverage_contrast");
  }
}

TEST(CoverageCurve, QuantizesAndMapsAsDocumented) {
  RenderingStyle r;
  EXPECT_EQ(coverage_curve_of(r), 0) << "off by default";
  r.coverage_gamma = 1;
  EXPECT_EQ(coverage_curve_of(r), 0) << "gamma 1 without contrast is off too";
  r.coverage_gamma = 1.43f;
  r.coverage_contrast = 0.45f;
  const uint8_t c = coverage_curve_of(r);
  EXPECT_FLOAT_EQ(curve_gamma(c), 1.4f);
  EXPECT_FLOAT_EQ(curve_contrast(c), 0.4f);
  for (float g = 0.5f; g <= 3.001f; g += 0.1f) {
    for (float k = 0; k <= 1.001f; k += 0.2f) {
      r.coverage_gamma = g, r.coverage_contrast = k;
      const uint8_t q = coverage_curve_of(r);
      EXPECT_NEAR(curve_gamma(q), g, 1e-4) << g << " " << k;
      EXPECT_NEAR(curve_contrast(q), k, 1e-4) << g << " " << k;
    }
  }
  // The table: ends fixed; gamma 2 lifts half coverage to its square root; contrast 1 to 3/4.
  r = {};
  r.coverage_gamma = 2;
  uint8_t px[3] = {0, 128, 255};
  apply_coverage_curve(coverage_curve_of(r), px, 3);
  EXPECT_EQ(px[0], 0);
  EXPECT_EQ(px[1], 181);  // 255 * sqrt(128 / 255)
  EXPECT_EQ(px[2], 255);
  r = {};
  r.coverage_contrast = 1;
  uint8_t half = 128;
  apply_coverage_curve(coverage_curve_of(r), &half, 1);
  EXPECT_EQ(half, 192);  // 255 * (a + a (1 - a)) = 191.75, a = 128 / 255
  r.coverage_gamma = 0.5f;
  uint8_t thin = 128;
  apply_coverage_curve(coverage_curve_of(r), &thin, 1);
  EXPECT_EQ(thin, 144);  // 255 * 0.75196^2
  // In the render mode word, above the mode byte.
  const uint16_t word = render_mode::with_curve(render_mode::kMono, c);
  EXPECT_EQ(render_mode::curve(word), c);
  EXPECT_EQ(word & 0xff, render_mode::kMono);
}

TEST(RenderMode, FollowsTheStyleAndTheFontAsCairoMergesThem) {
  using namespace render_mode;
  const FontHinting hinted{true, kHintSlight, false};
  const FontHinting refuses{false, kHintSlight, false};
  const FontHinting autohinted{true, kHintMedium, true};
  RenderingStyle r;
  EXPECT_EQ(render_mode_of(r, hinted), 0) << "the default is grey and unhinted";
  r.hinting = HintStyle::kFull;
  EXPECT_EQ(hint(render_mode_of(r, hinted)), kHintFull);
  EXPECT_EQ(render_mode_of(r, refuses), 0) << "a font fontconfig keeps unhinted";
  EXPECT_EQ(render_mode_of(r, autohinted) & kAutohint, kAutohint);
  r.hinting = HintStyle::kAuto;
  EXPECT_EQ(hint(render_mode_of(r, hinted)), kHintSlight) << "auto: the font's hint style";
  EXPECT_EQ(hint(render_mode_of(r, autohinted)), kHintMedium);
  r.hinting = HintStyle::kNone;
  EXPECT_EQ(render_mode_of(r, autohinted), 0) << "no auto-hinter without hinting";
  r.antialias = Antialias::kNone;
  EXPECT_EQ(render_mode_of(r, hinted), kMono);
  r.hinting = HintStyle::kSlight;
  EXPECT_EQ(render_mode_of(r, hinted), kMono | (kHintSlight << kHintShift));
  EXPECT_EQ(render_mode_of(r, hinted) & ~kAllBits, 0);
}

TEST(RenderMode, SubpixelCarriesTheLcdBitAndTheOrder) {
  using namespace render_mode;
  const FontHinting hinted{true, kHintSlight, false};
  RenderingStyle r;
  r.antialias = Antialias::kSubpixel;
  for (int o = 0; o <= int(SubpixelOrder::kVbgr); ++o) {
    r.subpixel_order = static_cast<SubpixelOrder>(o);
    const uint8_t mode = render_mode_of(r, hinted);
    EXPECT_EQ(mode & kLcd, kLcd);
    EXPECT_EQ(order(mode), r.subpixel_order);
    EXPECT_EQ(vertical_lcd(mode), o >= int(SubpixelOrder::kVrgb));
    EXPECT_EQ(mode & kMono, 0);
    EXPECT_EQ(mode & ~kAllBits, 0);
  }
  r.antialias = Antialias::kGray;
  r.subpixel_order = SubpixelOrder::kBgr;
  EXPECT_EQ(render_mode_of(r, hinted), 0) << "the order means nothing without subpixel";
}

FontHinting hinting_of(const char* family, double px) {
  FcPattern* p = FcPatternCreate();
  FcPatternAddString(p, FC_FAMILY, reinterpret_cast<const FcChar8*>(family));
  FcPatternAddDouble(p, FC_PIXEL_SIZE, px);
  const FontHinting h = font_hinting(p);
  FcPatternDestroy(p);
  return h;
}

TEST(FontHintingTest, FontRulesOfTheConfigurationApply) {
  // Debian's fontconfig-config: hintslight for everything (10-hinting-slight.conf), no hinting
  // for WenQuanYi Micro Hei (65-wqy-microhei.conf) and for DejaVu Sans below 7.5 px
  // (20-unhint-small-dejavu-sans.conf); scripts/install-deps.sh installs them.
  const FontHinting dejavu = hinting_of("DejaVu Sans", 12);
  EXPECT_TRUE(dejavu.hinting);
  EXPECT_EQ(dejavu.style, render_mode::kHintSlight);
  EXPECT_FALSE(hinting_of("DejaVu Sans", 6).hinting);
  EXPECT_FALSE(hinting_of("WenQuanYi Micro Hei", 12).hinting);
  EXPECT_TRUE(font_hinting(nullptr).hinting);
}

}  // namespace
}  // namespace glyphstream::text
