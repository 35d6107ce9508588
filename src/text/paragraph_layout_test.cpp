// The layouter lays a text out one PangoLayout per paragraph; pango-view (and the oracle) lay it
// out as ONE PangoLayout. For every paragraph option, alone and combined, with and without a
// wrap width, over texts of several paragraphs (bidi, neutral paragraphs, markup decorations,
// CJK and emoji, tabs), every glyph, decoration, the height, the width and the line count must
// be where that one layout puts them. The reference layout below is set up as pango-view's
// make_layout() does it, written out here with Pango's own calls (not paragraph_options.cpp).
#include <gtest/gtest.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangoft2.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "text/decoration_collector.h"
#include "text/fontconfig_setup.h"
#include "text/layout.h"
#include "text/rasterizer.h"

namespace glyphstream::text {
namespace {

constexpr float kTolerancePx = 0.01f;

struct RefGlyph {
  uint32_t id;
  float x, y;
};
struct Reference {
  std::vector<RefGlyph> glyphs;
  std::vector<Decoration> decorations;
  float width = 0, height = 0;
  int lines = 0;
};

PangoFontMap* reference_font_map() {
  static PangoFontMap* map = [] {
    PangoFontMap* m = pango_ft2_font_map_new();
    pango_ft2_font_map_set_resolution(PANGO_FT2_FONT_MAP(m), 72, 72);
    pango_fc_font_map_set_default_substitute(PANGO_FC_FONT_MAP(m), substitute_no_hinting, nullptr,
                                             nullptr);
    return m;
  }();
  return map;
}

// pango-view's do_output() and make_layout() (Pango 1.50, --pixels), one layout of the text.
Reference whole_text_layout(const std::string& text, const std::string& font, float wrap,
                            bool markup, const ParagraphStyle& p) {
  PangoContext* context = pango_font_map_create_context(reference_font_map());
  pango_context_set_round_glyph_positions(context, FALSE);
  pango_context_set_language(context, p.language.empty()
                                          ? pango_language_get_default()
                                          : pango_language_from_string(p.language.c_str()));
  pango_context_set_base_dir(context, p.rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
  PangoLayout* layout = pango_layout_new(context);
  if (markup) {
    pango_layout_set_markup(layout, text.c_str(), int(text.size()));
  } else {
    pango_layout_set_text(layout, text.c_str(), int(text.size()));
  }
  pango_layout_set_auto_dir(layout, !p.no_auto_dir);
  const PangoEllipsizeMode ellipsize[] = {PANGO_ELLIPSIZE_NONE, PANGO_ELLIPSIZE_START,
                                          PANGO_ELLIPSIZE_MIDDLE, PANGO_ELLIPSIZE_END};
  pango_layout_set_ellipsize(layout, ellipsize[int(p.ellipsize)]);
  pango_layout_set_justify(layout, p.justify);
  pango_layout_set_justify_last_line(layout, p.justify_last_line);
  pango_layout_set_single_paragraph_mode(layout, p.single_par);
  const PangoWrapMode wrap_mode[] = {PANGO_WRAP_WORD_CHAR, PANGO_WRAP_WORD, PANGO_WRAP_CHAR};
  pango_layout_set_wrap(layout, wrap_mode[int(p.wrap)]);
  PangoFontDescription* desc = pango_font_description_from_string(font.c_str());
  if (wrap > 0) pango_layout_set_width(layout, int(std::lround(wrap * PANGO_SCALE)));
  if (p.height > 0) pango_layout_set_height(layout, int(std::lround(p.height * PANGO_SCALE)));
  if (p.height < 0) pango_layout_set_height(layout, int(p.height));
  if (p.indent != 0) pango_layout_set_indent(layout, int(std::lround(p.indent * PANGO_SCALE)));
  if (p.spacing != 0) {
    pango_layout_set_spacing(layout, int(std::lround(p.spacing * PANGO_SCALE)));
    pango_layout_set_line_spacing(layout, 0.0f);
  }
  if (p.line_spacing > 0) pango_layout_set_line_spacing(layout, p.line_spacing);
  PangoAlignment align = p.align == Align::kCenter  ? PANGO_ALIGN_CENTER
                         : p.align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                    : PANGO_ALIGN_LEFT;
  if (align != PANGO_ALIGN_CENTER && p.rtl) {
    align = align == PANGO_ALIGN_LEFT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
  }
  pango_layout_set_alignment(layout, align);
  pango_layout_set_font_description(layout, desc);
  if (!p.tabs.empty()) {
    PangoTabArray* tabs = pango_tab_array_new(int(p.tabs.size()), FALSE);
    for (size_t i = 0; i < p.tabs.size(); ++i) {
      pango_tab_array_set_tab(tabs, int(i), PANGO_TAB_LEFT,
                              int(std::lround(p.tabs[i] * PANGO_SCALE)));
    }
    pango_layout_set_tabs(layout, tabs);
    pango_tab_array_free(tabs);
  }

  Reference ref;
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  ref.width = logical.width / float(PANGO_SCALE);
  ref.height = logical.height / float(PANGO_SCALE);
  ref.lines = pango_layout_get_line_count(layout);
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  PangoLayoutLine* current = nullptr;
  int pen = 0;
  do {
    if (pango_layout_iter_get_line_readonly(iter) != current) {
      current = pango_layout_iter_get_line_readonly(iter);
      PangoRectangle line;
      pango_layout_iter_get_line_extents(iter, nullptr, &line);
      pen = line.x;
    }
    PangoLayoutRun* run = pango_layout_iter_get_run_readonly(iter);
    if (run == nullptr) continue;
    pen += run->start_x_offset;
    const int baseline = pango_layout_iter_get_run_baseline(iter);
    for (int i = 0; i < run->glyphs->num_glyphs; ++i) {
      const PangoGlyphInfo& g = run->glyphs->glyphs[i];
      if (g.glyph != PANGO_GLYPH_EMPTY) {
        ref.glyphs.push_back({g.glyph, (pen + g.geometry.x_offset) / float(PANGO_SCALE),
                              (baseline + g.geometry.y_offset) / float(PANGO_SCALE)});
      }
      pen += g.geometry.width;
    }
    pen += run->end_x_offset;
  } while (pango_layout_iter_next_run(iter));
  pango_layout_iter_free(iter);
  if (has_decorations(layout)) collect_decorations(layout, &ref.decorations);
  pango_font_description_free(desc);
  g_object_unref(layout);
  g_object_unref(context);
  return ref;
}

struct TextCase {
  const char* name;
  std::string text;
  bool markup;
};

const std::vector<TextCase>& texts() {
  static const std::vector<TextCase> cases = {
      {"latin",
       "Paragraph one is short.\nThe second paragraph is a good deal longer and has to wrap at "
       "least once or twice.\n\nAfter an empty one, the last.",
       false},
      {"bidi", "שלום עולם, מה שלומך היום?\n123 456\nHello there, world.\n(!)\nمرحبا بالعالم\n42",
       false},
      {"leading_neutral", "12:30 —\n...\nשלום רב לכולם\nabc", false},
      {"markup",
       "<u>Underlined text that runs across</u> a line <span background='#ffe0a0'>with a "
       "background\nand a second</span> paragraph <s>struck</s> and <span "
       "underline='error'>squiggled</span>.",
       true},
      {"cjk_emoji", "漢字とかなの文章です。😀 絵文字も入ります\n中文段落，包含标点。🎉 再见", false},
      {"tabs", "a\tb\tc\nlonger word\tx\ty\n\tlead", false},
      {"empty", "", false},
      {"separators_only", "\n\n\r\n\u2029", false},
      {"rtl_then_empty", "\u05e9\u05dc\u05d5\u05dd\n\n42\n", false},
  };
  return cases;
}

using Modify = std::function<void(ParagraphStyle&)>;
struct StyleCase {
  const char* name;
  Modify modify;
};

const std::vector<StyleCase>& styles() {
  static const std::vector<StyleCase> cases = {
      {"default", [](ParagraphStyle&) {}},
      {"center", [](ParagraphStyle& p) { p.align = Align::kCenter; }},
      {"right", [](ParagraphStyle& p) { p.align = Align::kRight; }},
      {"rtl", [](ParagraphStyle& p) { p.rtl = true; }},
      {"rtl_right",
       [](ParagraphStyle& p) {
         p.rtl = true;
         p.align = Align::kRight;
       }},
      {"no_auto_dir", [](ParagraphStyle& p) { p.no_auto_dir = true; }},
      {"no_auto_dir_rtl_center",
       [](ParagraphStyle& p) {
         p.no_auto_dir = p.rtl = true;
         p.align = Align::kCenter;
       }},
      {"indent", [](ParagraphStyle& p) { p.indent = 24; }},
      {"hanging", [](ParagraphStyle& p) { p.indent = -24; }},
      {"hanging_right",
       [](ParagraphStyle& p) {
         p.indent = -24;
         p.align = Align::kRight;
       }},
      {"indent_center",
       [](ParagraphStyle& p) {
         p.indent = 30;
         p.align = Align::kCenter;
       }},
      {"spacing", [](ParagraphStyle& p) { p.spacing = 6; }},
      {"negative_spacing", [](ParagraphStyle& p) { p.spacing = -3; }},
      {"line_spacing", [](ParagraphStyle& p) { p.line_spacing = 1.5f; }},
      {"line_spacing_spacing",
       [](ParagraphStyle& p) {
         p.line_spacing = 1.5f;
         p.spacing = 6;
       }},
      {"tight_line_spacing", [](ParagraphStyle& p) { p.line_spacing = 0.8f; }},
      {"justify", [](ParagraphStyle& p) { p.justify = true; }},
      {"justify_last_line", [](ParagraphStyle& p) { p.justify = p.justify_last_line = true; }},
      {"wrap_word", [](ParagraphStyle& p) { p.wrap = WrapMode::kWord; }},
      {"wrap_char", [](ParagraphStyle& p) { p.wrap = WrapMode::kChar; }},
      {"ellipsize_end", [](ParagraphStyle& p) { p.ellipsize = EllipsizeMode::kEnd; }},
      {"ellipsize_start_2_lines",
       [](ParagraphStyle& p) {
         p.ellipsize = EllipsizeMode::kStart;
         p.height = -2;
       }},
      {"ellipsize_middle_1_line",
       [](ParagraphStyle& p) {
         p.ellipsize = EllipsizeMode::kMiddle;
         p.height = -1;
       }},
      {"ellipsize_end_50px",
       [](ParagraphStyle& p) {
         p.ellipsize = EllipsizeMode::kEnd;
         p.height = 50;
       }},
      {"height_50px_no_ellipsis", [](ParagraphStyle& p) { p.height = 50; }},
      {"single_par", [](ParagraphStyle& p) { p.single_par = true; }},
      {"single_par_center",
       [](ParagraphStyle& p) {
         p.single_par = true;
         p.align = Align::kCenter;
       }},
      {"tabs",
       [](ParagraphStyle& p) {
         p.tabs = {40, 120};
       }},
      {"language_ja", [](ParagraphStyle& p) { p.language = "ja"; }},
      {"language_zh", [](ParagraphStyle& p) { p.language = "zh-cn"; }},
      {"center_ellipsize_rtl",
       [](ParagraphStyle& p) {
         p.align = Align::kCenter;
         p.ellipsize = EllipsizeMode::kEnd;
         p.rtl = true;
       }},
      {"right_justify_spacing_hanging",
       [](ParagraphStyle& p) {
         p.align = Align::kRight;
         p.justify = true;
         p.spacing = 4;
         p.indent = -16;
       }},
  };
  return cases;
}

void expect_same(const LayoutResult& got, const Reference& want, float wrap) {
  EXPECT_EQ(got.line_count, want.lines);
  EXPECT_NEAR(got.height, want.height, kTolerancePx);
  if (wrap <= 0) {
    EXPECT_NEAR(got.width, want.width, kTolerancePx);
  }
  int reported = 0;
  size_t i = 0;
  for (const RefGlyph& r : want.glyphs) {
    ASSERT_LT(i, got.glyphs.size());
    const ShapedGlyph& g = got.glyphs[i];
    if (r.id & PANGO_GLYPH_UNKNOWN_FLAG) {
      // Single-paragraph mode shows its separators: pango-cairo's arrow (one glyph). Anything
      // else would be a hex box: its frame, then its digits.
      const uint32_t ch = r.id & ~PANGO_GLYPH_UNKNOWN_FLAG;
      if (ch == '\n' || ch == 0x2028 || ch == 0x2029) {
        EXPECT_TRUE(g.glyph_id & kLineBreakArrowGlyphFlag) << "glyph " << i;
        ++i;
        continue;
      }
      EXPECT_TRUE(g.glyph_id & kHexFrameGlyphFlag) << "glyph " << i;
      i += 1 + (ch > 0xFFFF ? 6 : 4);
      continue;
    }
    ++i;
    if (g.glyph_id == r.id && std::fabs(g.x - r.x) <= kTolerancePx &&
        std::fabs(g.y - r.y) <= kTolerancePx) {
      continue;
    }
    if (++reported > 3) continue;
    ADD_FAILURE() << "glyph " << i - 1 << ": id " << g.glyph_id << " at " << g.x << "," << g.y
                  << "; one layout: id " << r.id << " at " << r.x << "," << r.y;
  }
  EXPECT_EQ(i, got.glyphs.size());
  ASSERT_EQ(got.decorations.size(), want.decorations.size());
  for (size_t i = 0; i < got.decorations.size(); ++i) {
    const Decoration& d = got.decorations[i];
    const Decoration& r = want.decorations[i];
    EXPECT_EQ(d.kind, r.kind) << "decoration " << i;
    EXPECT_NEAR(d.x, r.x, kTolerancePx) << "decoration " << i;
    EXPECT_NEAR(d.y, r.y, kTolerancePx) << "decoration " << i;
    EXPECT_NEAR(d.w, r.w, kTolerancePx) << "decoration " << i;
    EXPECT_NEAR(d.h, r.h, kTolerancePx) << "decoration " << i;
  }
}

TEST(ParagraphLayout, EveryOptionPlacesParagraphsAsOneLayoutOfTheWholeText) {
  FontRegistry registry;
  auto layouter = Layouter::create(&registry);
  ASSERT_TRUE(layouter.ok()) << layouter.status().to_string();
  const std::string font = "DejaVu Sans 16";
  for (const TextCase& t : texts()) {
    for (const StyleCase& s : styles()) {
      for (float wrap : {0.0f, 180.0f}) {
        SCOPED_TRACE(std::string(t.name) + " / " + s.name + " / wrap " + std::to_string(wrap));
        LayoutParams params;
        params.font = font;
        params.wrap_width = wrap;
        params.markup = t.markup;
        s.modify(params.paragraph);
        auto got = (*layouter)->layout(t.text, params);
        ASSERT_TRUE(got.ok()) << got.status().to_string();
        expect_same(*got, whole_text_layout(t.text, font, wrap, t.markup, params.paragraph), wrap);
      }
    }
  }
}

// What the options do, on their own terms (the test above shows they do it where Pango does).
TEST(ParagraphLayout, OptionsChangeTheLayoutAsTheirNamesSay) {
  FontRegistry registry;
  auto created = Layouter::create(&registry);
  ASSERT_TRUE(created.ok());
  Layouter& layouter = **created;
  auto lay = [&](std::string_view text, float wrap, const Modify& modify) {
    LayoutParams params;
    params.font = "DejaVu Sans 16";
    params.wrap_width = wrap;
    modify(params.paragraph);
    auto r = layouter.layout(text, params);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? std::move(r).value() : LayoutResult{};
  };
  const std::string two = "wide first paragraph\nnarrow";
  const LayoutResult left = lay(two, 0, [](ParagraphStyle&) {});
  const LayoutResult right = lay(two, 0, [](ParagraphStyle& p) { p.align = Align::kRight; });
  // Without a width, the short paragraph moves to the widest line's right edge.
  EXPECT_GT(right.glyphs.back().x, left.glyphs.back().x + 50);
  EXPECT_FLOAT_EQ(right.width, left.width);
  const LayoutResult spaced = lay(two, 0, [](ParagraphStyle& p) { p.spacing = 10; });
  EXPECT_NEAR(spaced.height, left.height + 10, 0.01);  // between the two paragraphs too
  // Where each paragraph's own layout moved to (what questions asked of it must add).
  ASSERT_EQ(right.line_offsets.size(), 2u);
  EXPECT_EQ(right.line_offsets[0].dx, 0);
  EXPECT_EQ(right.line_offsets[0].dy, 0);
  EXPECT_NEAR(right.line_offsets[1].dx, right.glyphs.back().x - left.glyphs.back().x, 0.01);
  EXPECT_NEAR(right.line_offsets[1].dy, left.line_height, 0.01);
  ASSERT_EQ(spaced.line_offsets.size(), 2u);
  EXPECT_NEAR(spaced.line_offsets[1].dy, left.line_height + 10, 0.01);
  EXPECT_EQ(spaced.line_offsets[1].dx, 0);
  const LayoutResult spread = lay(two, 0, [](ParagraphStyle& p) { p.line_spacing = 2; });
  EXPECT_GT(spread.glyphs.back().y, left.glyphs.back().y + 10);
  const LayoutResult single = lay(two, 0, [](ParagraphStyle& p) { p.single_par = true; });
  EXPECT_EQ(single.line_count, 1);
  const std::string long_text =
      "A paragraph long enough to need several lines at this width, and then some more words.";
  const LayoutResult wrapped = lay(long_text, 150, [](ParagraphStyle&) {});
  const LayoutResult ellipsized =
      lay(long_text, 150, [](ParagraphStyle& p) { p.ellipsize = EllipsizeMode::kEnd; });
  EXPECT_GT(wrapped.line_count, 2);
  EXPECT_EQ(ellipsized.line_count, 1);
  const LayoutResult two_lines = lay(long_text, 150, [](ParagraphStyle& p) {
    p.ellipsize = EllipsizeMode::kEnd;
    p.height = -2;
  });
  EXPECT_EQ(two_lines.line_count, 2);
  const LayoutResult hanging = lay(long_text, 150, [](ParagraphStyle& p) { p.indent = -20; });
  // The second line's first glyph starts its line: at the left edge, or 20 px in when hanging.
  auto second_line_x = [](const LayoutResult& r) {
    for (const ShapedGlyph& g : r.glyphs) {
      if (g.y > r.glyphs.front().y + 1) return g.x;
    }
    return -1.0f;
  };
  EXPECT_NEAR(second_line_x(wrapped), 0, 0.01);
  EXPECT_NEAR(second_line_x(hanging), 20, 0.01);
}

TEST(ParagraphLayout, InvalidStylesAreRefusedBeforeLayout) {
  FontRegistry registry;
  auto created = Layouter::create(&registry);
  ASSERT_TRUE(created.ok());
  LayoutParams params;
  params.paragraph.line_spacing = std::nanf("");
  EXPECT_EQ((*created)->layout("x", params).status().code(), ErrorCode::kInvalidArgument);
  params.paragraph = {};
  params.paragraph.rotate = 1e30f;
  EXPECT_EQ((*created)->layout("x", params).status().code(), ErrorCode::kInvalidArgument);
  params.paragraph.rotate = std::nanf("");
  EXPECT_EQ((*created)->layout("x", params).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace glyphstream::text
