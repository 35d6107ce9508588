// pango-cairo's rounding with hint metrics on, applied to pangoft2's extents: the arithmetic,
// and a font of a marked map against one of an unmarked map (the oracle's hint_metrics_on_*
// cases hold whole layouts to pango-cairo itself).
#include "text/hint_metrics.h"

#include <gtest/gtest.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangoft2.h>

#include "text/hex_box.h"

namespace glyphstream::text {
namespace {

TEST(HintMetrics, LogicalRectsRoundOutAwayFromTheBaseline) {
  // DejaVu Sans 17: ascent 16159, descent 4105 Pango units (15.78 + 4.01 px).
  PangoRectangle r{0, -16159, 9000, 20264};
  hint_logical_rect(&r);
  EXPECT_EQ(r.y, -16 * PANGO_SCALE);
  EXPECT_EQ(r.height, 21 * PANGO_SCALE);  // 16 + 5: each side up, not the sum rounded
  EXPECT_EQ(r.width, 9000) << "advances are not rounded";
  PangoRectangle whole{0, -16 * PANGO_SCALE, 0, 20 * PANGO_SCALE};
  hint_logical_rect(&whole);
  EXPECT_EQ(whole.y, -16 * PANGO_SCALE);
  EXPECT_EQ(whole.height, 20 * PANGO_SCALE) << "whole pixels stay";
  PangoRectangle below{0, 300, 0, 1000};  // a rectangle below the baseline (upside down)
  hint_logical_rect(&below);
  EXPECT_EQ(below.y, PANGO_SCALE);
}

TEST(HintMetrics, HintPxIsCairosHint) {
  EXPECT_EQ(hint_px(7.27), 8);
  EXPECT_EQ(hint_px(8.0), 8);
  EXPECT_EQ(hint_px(8.000001), 8) << "within cairo's 1e-5";
  EXPECT_EQ(hint_px(0), 0);
}

TEST(HintMetrics, FontsOfAMarkedMapReportPangoCairosRoundedExtents) {
  PangoFontMap* maps[2] = {pango_ft2_font_map_new(), pango_ft2_font_map_new()};
  mark_metrics_hinted(maps[1]);
  PangoFont* fonts[2];
  PangoFontDescription* desc = pango_font_description_from_string("DejaVu Sans 17px");
  for (int i = 0; i < 2; ++i) {
    pango_ft2_font_map_set_resolution(PANGO_FT2_FONT_MAP(maps[i]), 72, 72);
    PangoContext* context = pango_font_map_create_context(maps[i]);
    install_pango_cairo_metrics(maps[i], context);
    fonts[i] = pango_font_map_load_font(maps[i], context, desc);
    g_object_unref(context);
    ASSERT_NE(fonts[i], nullptr);
  }
  pango_font_description_free(desc);
  EXPECT_FALSE(metrics_hinted(fonts[0]));
  EXPECT_TRUE(metrics_hinted(fonts[1]));
  const PangoGlyph o = pango_fc_font_get_glyph(PANGO_FC_FONT(fonts[0]), 'o');
  PangoRectangle ink[2], logical[2];
  for (int i = 0; i < 2; ++i) pango_font_get_glyph_extents(fonts[i], o, &ink[i], &logical[i]);
  EXPECT_EQ(logical[1].width, logical[0].width);
  EXPECT_EQ(logical[1].y, PANGO_UNITS_FLOOR(logical[0].y));
  EXPECT_EQ(logical[1].y % PANGO_SCALE, 0);
  EXPECT_EQ(logical[1].height % PANGO_SCALE, 0);
  EXPECT_GT(logical[1].height, logical[0].height);
  // The ink box: whole pixels around the unrounded one.
  for (int v : {ink[1].x, ink[1].y, ink[1].width, ink[1].height}) EXPECT_EQ(v % PANGO_SCALE, 0);
  EXPECT_LE(ink[1].x, ink[0].x);
  EXPECT_LE(ink[1].y, ink[0].y);
  EXPECT_GE(ink[1].x + ink[1].width, ink[0].x + ink[0].width);
  EXPECT_GE(ink[1].y + ink[1].height, ink[0].y + ink[0].height);
  // Font metrics (an empty line's height): ascent and descent up to whole pixels.
  PangoFontMetrics* m[2] = {pango_font_get_metrics(fonts[0], nullptr),
                            pango_font_get_metrics(fonts[1], nullptr)};
  EXPECT_EQ(pango_font_metrics_get_ascent(m[1]),
            PANGO_UNITS_CEIL(pango_font_metrics_get_ascent(m[0])));
  EXPECT_EQ(pango_font_metrics_get_descent(m[1]),
            PANGO_UNITS_CEIL(pango_font_metrics_get_descent(m[0])));
  EXPECT_EQ(pango_font_metrics_get_height(m[1]),
            PANGO_UNITS_CEIL(pango_font_metrics_get_height(m[0])));
  for (int i = 0; i < 2; ++i) {
    pango_font_metrics_unref(m[i]);
    g_object_unref(fonts[i]);
    g_object_unref(maps[i]);
  }
}

}  // namespace
}  // namespace glyphstream::text
