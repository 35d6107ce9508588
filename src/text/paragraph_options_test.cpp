#include "text/paragraph_options.h"

#include <gtest/gtest.h>
#include <pango/pangoft2.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "text/line_placement.h"

namespace glyphstream::text {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// kInvalidArgument whose message names `field`.
void expect_invalid(const ParagraphStyle& p, const std::string& field) {
  const Status s = check_paragraph_style(p);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << field << ": " << s.to_string();
  EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
}

TEST(ParagraphStyleCheck, DefaultsAndEveryValidValuePass) {
  EXPECT_TRUE(check_paragraph_style({}).ok());
  ParagraphStyle p;
  p.align = Align::kRight;
  p.justify = p.justify_last_line = p.single_par = p.rtl = p.no_auto_dir = true;
  p.indent = -ParagraphStyle::kMaxLength;
  p.spacing = -3;  // Pango takes a negative spacing (lines closer together)
  p.line_spacing = ParagraphStyle::kMaxLineSpacing;
  p.wrap = WrapMode::kChar;
  p.ellipsize = EllipsizeMode::kMiddle;
  p.height = -float(ParagraphStyle::kMaxHeightLines);
  p.language = "zh-Hant-TW";
  p.gravity_hint = GravityHint::kLine;
  p.tabs = {0, 40.5f, 120, ParagraphStyle::kMaxLength};
  EXPECT_TRUE(check_paragraph_style(p).ok()) << check_paragraph_style(p).to_string();
  p.height = ParagraphStyle::kMaxLength;
  EXPECT_TRUE(check_paragraph_style(p).ok());
  p.gravity = Gravity::kAuto;  // upright: Pango resolves it to south
  EXPECT_TRUE(check_paragraph_style(p).ok());
}

TEST(ParagraphStyleCheck, NotANumberInEveryFloatField) {
  for (float bad : {kNaN, kInf, -kInf}) {
    ParagraphStyle p;
    p.indent = bad;
    expect_invalid(p, "indent");
    p = {};
    p.spacing = bad;
    expect_invalid(p, "spacing");
    p = {};
    p.line_spacing = bad;
    expect_invalid(p, "line_spacing");
    p = {};
    p.height = bad;
    expect_invalid(p, "height");
    p = {};
    p.rotate = bad;
    expect_invalid(p, "rotate");
    p = {};
    p.tabs = {10, bad};
    expect_invalid(p, "tabs[1]");
  }
}

TEST(ParagraphStyleCheck, BeyondTheBounds) {
  ParagraphStyle p;
  p.indent = 2 * ParagraphStyle::kMaxLength;
  expect_invalid(p, "indent");
  p = {};
  p.spacing = -2 * ParagraphStyle::kMaxLength;
  expect_invalid(p, "spacing");
  p = {};
  p.line_spacing = ParagraphStyle::kMaxLineSpacing * 1.01f;
  expect_invalid(p, "line_spacing");
  p = {};
  p.height = 1e7f;
  expect_invalid(p, "height");
  p = {};
  p.height = -float(ParagraphStyle::kMaxHeightLines) - 1;
  expect_invalid(p, "height");
  p = {};
  p.rotate = 1e30f;
  expect_invalid(p, "rotate");
  p = {};
  p.tabs = {1e9f};
  expect_invalid(p, "tabs[0]");
}

TEST(ParagraphStyleCheck, NegativeWhereMeaningless) {
  ParagraphStyle p;
  p.line_spacing = -1;
  expect_invalid(p, "line_spacing");
  p = {};
  p.tabs = {-5, 10};
  expect_invalid(p, "tabs[0]");
  p = {};
  p.height = -1.5f;  // negative heights count lines
  expect_invalid(p, "height");
}

TEST(ParagraphStyleCheck, TabStops) {
  ParagraphStyle p;
  p.tabs.assign(1000000, 0.0f);
  for (size_t i = 0; i < p.tabs.size(); ++i) p.tabs[i] = float(i);
  expect_invalid(p, "tabs");
  p.tabs = {10, 30, 20};
  expect_invalid(p, "tabs[2]");
  p.tabs = {10, 10};
  expect_invalid(p, "tabs[1]");
  p.tabs.assign(ParagraphStyle::kMaxTabStops, 0.0f);
  for (size_t i = 0; i < p.tabs.size(); ++i) p.tabs[i] = float(i);
  EXPECT_TRUE(check_paragraph_style(p).ok());
}

TEST(ParagraphStyleCheck, UnknownEnumValues) {
  ParagraphStyle p;
  p.align = static_cast<Align>(7);
  expect_invalid(p, "align");
  p = {};
  p.wrap = static_cast<WrapMode>(3);
  expect_invalid(p, "wrap");
  p = {};
  p.ellipsize = static_cast<EllipsizeMode>(200);
  expect_invalid(p, "ellipsize");
  p = {};
  p.gravity = static_cast<Gravity>(5);
  expect_invalid(p, "gravity");
  p = {};
  p.gravity_hint = static_cast<GravityHint>(3);
  expect_invalid(p, "gravity_hint");
}

TEST(ParagraphStyleCheck, LanguageTags) {
  for (const char* good :
       {"ja", "zh-CN", "zh_TW", "en_US", "sr-Latn-RS", "x-klingon", "de-1996", "ast"}) {
    ParagraphStyle p;
    p.language = good;
    EXPECT_TRUE(check_paragraph_style(p).ok()) << good;
  }
  for (const std::string& bad :
       std::vector<std::string>{"a", "1ja", "ja--JP", "-ja", "ja-", "ja-abcdefghi", "ja JP", "日本",
                                "ja;rm", "en\nUS", std::string("ja\0", 3), std::string(65, 'a')}) {
    ParagraphStyle p;
    p.language = bad;
    expect_invalid(p, "language");
  }
}

TEST(ParagraphStyleCheck, EveryGravityAndAngleWithinBoundsIsAccepted) {
  for (Gravity g :
       {Gravity::kSouth, Gravity::kEast, Gravity::kNorth, Gravity::kWest, Gravity::kAuto}) {
    for (float angle : {0.f, 30.f, -45.f, 90.f, 360.f, -360.f}) {
      ParagraphStyle p;
      p.gravity = g;
      p.rotate = angle;
      EXPECT_TRUE(check_paragraph_style(p).ok()) << int(g) << " " << angle;
    }
  }
}

// --gravity reaches the context as pango-view's do_output() sets it; auto is resolved as Pango
// resolves it under --rotate's matrix (pango_gravity_get_for_matrix), and the context carries
// no matrix (every angle shares its fonts).
TEST(ParagraphOptions, GravityReachesTheContextAndAutoFollowsTheRotation) {
  PangoFontMap* map = pango_ft2_font_map_new();
  ParagraphStyle p;
  p.gravity = Gravity::kEast;
  PangoContext* east = create_context(map, context_options(p));
  EXPECT_EQ(pango_context_get_base_gravity(east), PANGO_GRAVITY_EAST);
  EXPECT_EQ(pango_context_get_matrix(east), nullptr);
  p.gravity = Gravity::kAuto;
  p.rotate = 90;
  PangoContext* rotated = create_context(map, context_options(p));
  EXPECT_EQ(pango_context_get_matrix(rotated), nullptr);
  // Pango's own answer for a context under the matrix: a quarter turn counter-clockwise puts
  // the glyphs' bottoms to the west.
  PangoContext* under_matrix = pango_font_map_create_context(map);
  pango_context_set_base_gravity(under_matrix, PANGO_GRAVITY_AUTO);
  PangoMatrix m = PANGO_MATRIX_INIT;
  pango_matrix_rotate(&m, 90);
  pango_context_set_matrix(under_matrix, &m);
  EXPECT_EQ(pango_context_get_gravity(under_matrix), PANGO_GRAVITY_WEST);
  EXPECT_EQ(pango_context_get_gravity(rotated), PANGO_GRAVITY_WEST);
  p.rotate = 0;
  EXPECT_EQ(context_options(p).base_gravity, PANGO_GRAVITY_SOUTH);
  p.rotate = 30;  // different angles, one context
  ParagraphStyle q = p;
  q.rotate = 31;
  EXPECT_EQ(context_options(p), context_options(q));
  g_object_unref(east);
  g_object_unref(rotated);
  g_object_unref(under_matrix);
  g_object_unref(map);
}

TEST(ParagraphOptions, PangoSideValues) {
  EXPECT_EQ(pango_units(1.5f), 1536);
  EXPECT_EQ(pango_units(-20), -20 * PANGO_SCALE);
  EXPECT_EQ(pango_units(ParagraphStyle::kMaxLength), 1024000000);
  ParagraphStyle p;
  EXPECT_EQ(pango_alignment(p), PANGO_ALIGN_LEFT);
  p.align = Align::kRight;
  EXPECT_EQ(pango_alignment(p), PANGO_ALIGN_RIGHT);
  p.rtl = true;  // pango-view swaps left and right for a right-to-left base direction
  EXPECT_EQ(pango_alignment(p), PANGO_ALIGN_LEFT);
  p.align = Align::kCenter;
  EXPECT_EQ(pango_alignment(p), PANGO_ALIGN_CENTER);

  ParagraphStyle q;
  EXPECT_FALSE(needs_whole_layout(q));
  q.single_par = true;
  EXPECT_TRUE(needs_whole_layout(q));
  q = {};
  q.height = 40;
  EXPECT_TRUE(needs_whole_layout(q));
  q.ellipsize = EllipsizeMode::kEnd;
  q.height = -2;
  EXPECT_FALSE(needs_whole_layout(q));  // lines per paragraph
}

TEST(ParagraphOptions, EveryOptionReachesTheLayoutAndTheContext) {
  PangoFontMap* map = pango_ft2_font_map_new();
  ParagraphStyle p;
  p.align = Align::kCenter;
  p.justify = p.justify_last_line = p.single_par = p.rtl = p.no_auto_dir = true;
  p.indent = -20;
  p.spacing = 4.5f;
  p.line_spacing = 1.5f;
  p.wrap = WrapMode::kChar;
  p.ellipsize = EllipsizeMode::kStart;
  p.height = -3;
  p.language = "ja";
  p.gravity_hint = GravityHint::kStrong;
  p.tabs = {40, 120};
  PangoContext* context = create_context(map, context_options(p));
  EXPECT_EQ(pango_context_get_base_dir(context), PANGO_DIRECTION_RTL);
  EXPECT_STREQ(pango_language_to_string(pango_context_get_language(context)), "ja");
  EXPECT_EQ(pango_context_get_gravity_hint(context), PANGO_GRAVITY_HINT_STRONG);
  EXPECT_EQ(pango_context_get_base_gravity(context), PANGO_GRAVITY_SOUTH);
  EXPECT_FALSE(pango_context_get_round_glyph_positions(context));

  PangoLayout* layout = pango_layout_new(context);
  PangoTabArray* tabs = make_tab_array(p);
  apply_layout_options(layout, p, 300 * PANGO_SCALE, tabs);
  EXPECT_EQ(pango_layout_get_alignment(layout), PANGO_ALIGN_CENTER);
  EXPECT_TRUE(pango_layout_get_justify(layout));
  EXPECT_TRUE(pango_layout_get_justify_last_line(layout));
  EXPECT_TRUE(pango_layout_get_single_paragraph_mode(layout));
  EXPECT_FALSE(pango_layout_get_auto_dir(layout));
  EXPECT_EQ(pango_layout_get_indent(layout), -20 * PANGO_SCALE);
  EXPECT_EQ(pango_layout_get_spacing(layout), 4608);
  EXPECT_FLOAT_EQ(pango_layout_get_line_spacing(layout), 1.5f);
  EXPECT_EQ(pango_layout_get_wrap(layout), PANGO_WRAP_CHAR);
  EXPECT_EQ(pango_layout_get_ellipsize(layout), PANGO_ELLIPSIZE_START);
  EXPECT_EQ(pango_layout_get_height(layout), -3);
  EXPECT_EQ(pango_layout_get_width(layout), 300 * PANGO_SCALE);
  PangoTabArray* got = pango_layout_get_tabs(layout);
  ASSERT_NE(got, nullptr);
  ASSERT_EQ(pango_tab_array_get_size(got), 2);
  PangoTabAlign align;
  int location = 0;
  pango_tab_array_get_tab(got, 1, &align, &location);
  EXPECT_EQ(align, PANGO_TAB_LEFT);
  EXPECT_EQ(location, 120 * PANGO_SCALE);
  EXPECT_FALSE(pango_tab_array_get_positions_in_pixels(got));
  pango_tab_array_free(got);
  pango_tab_array_free(tabs);

  // Height: 0 is pango-view's default (-1), a positive one is px.
  p = {};
  apply_layout_options(layout, p, -1, nullptr);
  EXPECT_EQ(pango_layout_get_height(layout), -1);
  p.height = 40.25f;
  apply_layout_options(layout, p, -1, nullptr);
  EXPECT_EQ(pango_layout_get_height(layout), 41216);
  g_object_unref(layout);
  g_object_unref(context);
  g_object_unref(map);
}

// get_x_offset of pango-layout.c, case by case.
TEST(LinePlacement, XOffsetAsPangoComputesIt) {
  const int W = 100 * PANGO_SCALE, w = 40 * PANGO_SCALE + 3;
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_LEFT, W, w, 0, true), 0);
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_RIGHT, W, w, 0, true), W - w);
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_CENTER, W, w, 0, true), (W - w) / 2);
  // Whole pixels centre on whole pixels.
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_CENTER, W, 41 * PANGO_SCALE, 0, true), 30 * PANGO_SCALE);
  // Indent: first lines move in (right-aligned: to the left), hanging ones the others.
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_LEFT, W, w, 500, true), 500);
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_LEFT, W, w, 500, false), 0);
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_RIGHT, W, w, 500, true), W - w - 500);
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_LEFT, W, w, -500, false), 500);
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_RIGHT, W, w, -500, false), W - w - 500);
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_CENTER, W, w, 500, true), (W - w) / 2);  // no indent
  EXPECT_EQ(line_x_offset(PANGO_ALIGN_RIGHT, 0, w, 500, true), -500);          // an empty layout
}

TEST(LinePlacement, AlignmentSwapsForLinesAgainstTheBaseDirection) {
  EXPECT_EQ(line_alignment(PANGO_ALIGN_LEFT, true, PANGO_DIRECTION_LTR, PANGO_DIRECTION_RTL),
            PANGO_ALIGN_RIGHT);
  EXPECT_EQ(line_alignment(PANGO_ALIGN_LEFT, true, PANGO_DIRECTION_LTR, PANGO_DIRECTION_LTR),
            PANGO_ALIGN_LEFT);
  EXPECT_EQ(line_alignment(PANGO_ALIGN_RIGHT, true, PANGO_DIRECTION_RTL, PANGO_DIRECTION_LTR),
            PANGO_ALIGN_LEFT);
  EXPECT_EQ(line_alignment(PANGO_ALIGN_LEFT, false, PANGO_DIRECTION_LTR, PANGO_DIRECTION_RTL),
            PANGO_ALIGN_LEFT);
  EXPECT_EQ(line_alignment(PANGO_ALIGN_CENTER, true, PANGO_DIRECTION_LTR, PANGO_DIRECTION_RTL),
            PANGO_ALIGN_CENTER);
}

TEST(LinePlacement, StackingWithSpacingAndLineSpacing) {
  // Lines 20 px tall with the baseline 15 px down.
  const int ascent = 15 * PANGO_SCALE, h = 20 * PANGO_SCALE;
  LineStacker plain(0, 0);
  EXPECT_EQ(plain.place(-ascent, h, h), ascent);
  EXPECT_EQ(plain.place(-ascent, h, h), ascent + h);
  EXPECT_EQ(plain.bottom(), 2 * h);
  LineStacker spaced(5 * PANGO_SCALE, 0);
  spaced.place(-ascent, h, h);
  EXPECT_EQ(spaced.place(-ascent, h, h), ascent + h + 5 * PANGO_SCALE);
  EXPECT_EQ(spaced.bottom(), 2 * h + 5 * PANGO_SCALE);
  LineStacker spread(5 * PANGO_SCALE, 1.5f);  // the factor wins over the spacing
  spread.place(-ascent, h, h);
  EXPECT_EQ(spread.place(-ascent, h, h), ascent + 30 * PANGO_SCALE);
  EXPECT_EQ(spread.bottom(), 30 * PANGO_SCALE + h);
}

}  // namespace
}  // namespace glyphstream::text
