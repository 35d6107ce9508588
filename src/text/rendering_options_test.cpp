// RenderingStyle on the text side: the bounds, the render mode byte, and fontconfig's word on
// hinting a font (Debian's rules, which the oracle's pango-cairo follows too).
#include "text/rendering_options.h"

#include <fontconfig/fontconfig.h>
#include <gtest/gtest.h>

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
  EXPECT_EQ(check_rendering_style(r).code(), ErrorCode::kUnsupported);
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
