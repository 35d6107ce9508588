// TextLayout's answers against Pango's for every oracle case: the text laid out by
// TextSystem::layout() (one PangoLayout per paragraph inside) and by the oracle as one
// PangoLayout of the whole text (cairo_oracle.cpp's fill_layout, as pango-view lays it out),
// asked the same questions:
// - lines(): every line's byte range, direction and paragraph start, its logical and ink
//   extents and its baseline;
// - hit_test() on a grid of points inside and around the layout (index, trailing, inside);
// - caret() at every grapheme boundary (strong and weak);
// - move_cursor_visually() from every grapheme boundary, left and right, strong and weak;
// - selection_rects() for ranges within a line, across lines and paragraphs, and everything
//   (Pango's pango_layout_line_get_x_ranges of every line the range touches, at the line's
//   logical extents);
// - font_at() at every grapheme boundary (pango_font_describe of the run's font).
// Tolerance: none, but for ink extents. Both sides convert the same integer Pango units to px
// (double / 1024, then float), so every index, logical rectangle, caret, selection rectangle
// and baseline is compared for exact equality. Ink extents come from the fonts' own glyph ink
// boxes, and the two sides' fonts are different backends of the same files (pangoft2 in the
// library, pangocairo in the oracle): they agree within kInkTolerancePx (colour bitmaps and
// missing-glyph boxes are measured by each backend's own rounding: up to 9/1024 px seen). With
// hint metrics on and a hint style, within kHintedInkTolerancePx: cairo's glyph boxes are then
// the hinted outlines' rounded out to whole pixels, the library's the unhinted outlines'
// (text/hint_metrics.h; positions and logical extents stay exact).
#include <gtest/gtest.h>
#include <pango/pango.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cairo_oracle.h"
#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"
#include "oracle_case.h"
#include "oracle_style.h"

namespace glyphstream::oracle {
namespace {

constexpr float kInkTolerancePx = 1.0f / 64;
constexpr float kHintedInkTolerancePx = 2.0f;  // 2 px seen (DejaVu Sans 16, --hinting full)
const std::string kCaseDir = std::string(GLYPHSTREAM_SOURCE_DIR) + "/tests/oracle/cases";

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = std::filesystem::path(info.param).stem().string();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

float px(int64_t units) { return static_cast<float>(double(units) / PANGO_SCALE); }
RectF rect(const PangoRectangle& r) { return {px(r.x), px(r.y), px(r.width), px(r.height)}; }

struct Unref {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};

// Byte offsets of every grapheme boundary (Pango's cursor positions), the end included.
std::vector<size_t> boundaries(PangoLayout* layout) {
  const char* text = pango_layout_get_text(layout);
  int n = 0;
  const PangoLogAttr* attrs = pango_layout_get_log_attrs_readonly(layout, &n);
  std::vector<size_t> out;
  const char* p = text;
  for (int i = 0; i < n; ++i) {
    if (attrs[i].is_cursor_position) out.push_back(size_t(p - text));
    if (*p == '\0') break;
    p = g_utf8_next_char(p);
  }
  return out;
}

std::vector<LayoutLine> pango_lines(PangoLayout* layout) {
  std::vector<LayoutLine> out;
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    const PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
    PangoRectangle ink, logical;
    pango_layout_iter_get_line_extents(iter, &ink, &logical);
    LayoutLine l;
    l.start = size_t(line->start_index);
    l.length = size_t(line->length);
    l.logical = rect(logical);
    l.ink = rect(ink);
    l.baseline = px(pango_layout_iter_get_baseline(iter));
    l.is_paragraph_start = line->is_paragraph_start;
    l.rtl = line->resolved_dir == PANGO_DIRECTION_RTL;
    out.push_back(l);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return out;
}

std::vector<RectF> pango_selection(PangoLayout* layout, size_t start, size_t end) {
  std::vector<RectF> out;
  const size_t size = std::strlen(pango_layout_get_text(layout));
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    PangoLayoutIter* next = pango_layout_iter_copy(iter);
    const size_t line_end = pango_layout_iter_next_line(next)
                                ? size_t(pango_layout_iter_get_line_readonly(next)->start_index)
                                : size;
    pango_layout_iter_free(next);
    if (start >= line_end || end <= size_t(line->start_index)) continue;
    int* ranges = nullptr;
    int n = 0;
    pango_layout_line_get_x_ranges(line, int(start), int(end), &ranges, &n);
    for (int r = 0; r < n; ++r) {
      out.push_back({px(ranges[2 * r]), px(logical.y), px(ranges[2 * r + 1] - ranges[2 * r]),
                     px(logical.height)});
    }
    g_free(ranges);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return out;
}

size_t pango_move_past(PangoLayout* layout, size_t index, int characters) {
  const char* text = pango_layout_get_text(layout);
  const char* p = text + index;
  for (; characters > 0 && *p != '\0'; --characters) p = g_utf8_next_char(p);
  return size_t(p - text);
}

CursorMove pango_move(PangoLayout* layout, size_t index, int direction, bool strong) {
  const char* text = pango_layout_get_text(layout);
  int new_index = 0, trailing = 0;
  pango_layout_move_cursor_visually(layout, strong, int(index), 0, direction, &new_index,
                                    &trailing);
  CursorMove m;
  if (new_index < 0) {
    m.off_start = true;
  } else if (new_index == G_MAXINT) {
    m.off_end = true;
    m.index = std::strlen(text);
  } else {
    m.index = pango_move_past(layout, size_t(new_index), trailing);
  }
  return m;
}

// Pango's step before a line's first cursor, or past its last, lands on the line's end; toward
// the line's start side (left on a left-to-right line, right on a right-to-left one) that is the
// far end of the same line, from which the key cycles over the line (text/cursor_motion.cpp).
bool pango_cycles_over_the_line(PangoLayout* layout, size_t index, int direction,
                                const CursorMove& want) {
  if (want.off_start || want.off_end) return false;
  int line_no = 0;
  pango_layout_index_to_line_x(layout, int(index), FALSE, &line_no, nullptr);
  const PangoLayoutLine* line = pango_layout_get_line_readonly(layout, line_no);
  if (line == nullptr) return false;
  const bool rtl = line->resolved_dir == PANGO_DIRECTION_RTL;
  const size_t start = size_t(line->start_index), end = start + size_t(line->length);
  return (direction < 0) != rtl && index != start && want.index == end;
}

std::string pango_font_at(PangoLayout* layout, size_t index) {
  int line_no = 0;
  pango_layout_index_to_line_x(layout, int(index), FALSE, &line_no, nullptr);
  PangoLayoutLine* line = pango_layout_get_line_readonly(layout, line_no);
  for (GSList* r = line->runs; r != nullptr; r = r->next) {
    const PangoItem* item = static_cast<PangoLayoutRun*>(r->data)->item;
    if (int(index) < item->offset || int(index) >= item->offset + item->length) continue;
    PangoFontDescription* desc = pango_font_describe(item->analysis.font);
    char* name = pango_font_description_to_string(desc);
    std::string out = name;
    g_free(name);
    pango_font_description_free(desc);
    return out;
  }
  return {};
}

std::string describe(const LayoutLine& l) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "[%zu +%zu] logical %g,%g %gx%g ink %g,%g %gx%g baseline %g par %d rtl %d", l.start,
                l.length, l.logical.x, l.logical.y, l.logical.w, l.logical.h, l.ink.x, l.ink.y,
                l.ink.w, l.ink.h, l.baseline, l.is_paragraph_start, l.rtl);
  return buf;
}

std::string describe(const RectF& r) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%g,%g %gx%g", r.x, r.y, r.w, r.h);
  return buf;
}

void compare_with_pango(const OracleCase& c) {
  // The text system first: it makes colour bitmap fonts scale in the process's fontconfig
  // configuration, which the oracle's font map shares (see oracle_test.cpp).
  auto gl = HeadlessGl::create({64, 64});
  ASSERT_TRUE(gl.ok()) << gl.status().to_string();
  auto ts = TextSystem::create({});
  ASSERT_TRUE(ts.ok()) << ts.status().to_string();
  auto laid_out = (*ts)->layout(c.text, text_style(c));
  ASSERT_TRUE(laid_out.ok()) << laid_out.status().to_string();
  const TextLayout& ours = *laid_out;
  // A gravity: the same backend as the library's (cairo_oracle.h says why); else pango-cairo.
  const bool gravity = c.paragraph.gravity != Gravity::kSouth;
  if (gravity && c.rendering.hint_metrics == HintMetrics::kOn) {
    GTEST_SKIP() << "a gravity is compared with Pango's FT2 layout, which has no hint metrics "
                    "(oracle_test holds the case's pixels to pango-cairo's)";
  }
  const float ink_tolerance =
      c.rendering.hint_metrics == HintMetrics::kOn && c.rendering.hinting != HintStyle::kNone
          ? kHintedInkTolerancePx
          : kInkTolerancePx;
  auto made = gravity ? pango_ft2_layout(c) : pango_cairo_layout(c);
  ASSERT_TRUE(made.ok()) << made.status().to_string();
  std::unique_ptr<PangoLayout, Unref> owner(*made);
  PangoLayout* pango = owner.get();

  ASSERT_EQ(ours.text(), pango_layout_get_text(pango));
  const size_t size = ours.text().size();

  const std::vector<LayoutLine> lines = ours.lines(), want_lines = pango_lines(pango);
  ASSERT_EQ(lines.size(), want_lines.size());
  float worst_ink = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    LayoutLine got = lines[i];
    const RectF& want_ink = want_lines[i].ink;
    const float ink_error =
        std::max({std::fabs(got.ink.x - want_ink.x), std::fabs(got.ink.y - want_ink.y),
                  std::fabs(got.ink.w - want_ink.w), std::fabs(got.ink.h - want_ink.h)});
    worst_ink = std::max(worst_ink, ink_error);
    EXPECT_LE(ink_error, ink_tolerance) << "line " << i << " ink";
    got.ink = want_ink;  // everything else: exact
    EXPECT_EQ(describe(got), describe(want_lines[i])) << "line " << i;
  }

  PangoRectangle extents;
  pango_layout_get_extents(pango, nullptr, &extents);
  const float width = px(extents.width), height = px(extents.height);
  int hits = 0;
  for (float y = -8.f; y < height + 8.f; y += 2.75f) {
    for (float x = -12.f; x < width + 12.f; x += 1.25f) {
      int index = 0, trailing = 0;
      const bool inside = pango_layout_xy_to_index(pango, int(x * PANGO_SCALE),
                                                   int(y * PANGO_SCALE), &index, &trailing);
      const HitTest got = ours.hit_test(x, y);
      EXPECT_EQ(got.index, size_t(index)) << "at " << x << ", " << y;
      EXPECT_EQ(got.trailing, trailing) << "at " << x << ", " << y;
      EXPECT_EQ(got.inside, bool(inside)) << "at " << x << ", " << y;
      EXPECT_EQ(got.caret_index, pango_move_past(pango, size_t(index), trailing));
      ++hits;
    }
  }

  const std::vector<size_t> marks = boundaries(pango);
  ASSERT_FALSE(marks.empty());
  for (size_t i : marks) {
    PangoRectangle strong, weak;
    pango_layout_get_cursor_pos(pango, int(i), &strong, &weak);
    const Caret caret = ours.caret(i);
    EXPECT_EQ(describe(caret.strong), describe(rect(strong))) << "caret at " << i;
    EXPECT_EQ(describe(caret.weak), describe(rect(weak))) << "weak caret at " << i;
    for (int direction : {-1, 1}) {
      for (bool strong_cursor : {true, false}) {
        const CursorMove want = pango_move(pango, i, direction, strong_cursor);
        const CursorMove got = ours.move_cursor_visually(i, direction, strong_cursor);
        if (pango_cycles_over_the_line(pango, i, direction, want)) {
          // Pango sends the caret toward the line's start side to the far end of the same line
          // (the key then cycles over the line): ours steps on instead (text/cursor_motion.cpp,
          // repair_move). Everything else equals Pango.
          EXPECT_TRUE(got.index != want.index || got.off_start || got.off_end)
              << "from " << i << " by " << direction << (strong_cursor ? " (strong)" : " (weak)");
          continue;
        }
        if (want.index == i && !want.off_start && !want.off_end) {
          // Pango does not move at all (its weak caret, moving right from the end of a
          // right-to-left line over left-to-right text): ours leaves the line instead
          // (text/cursor_motion.cpp, repair_move). Everything else equals Pango.
          EXPECT_TRUE(got.index != i || got.off_start || got.off_end)
              << "stuck at " << i << " by " << direction
              << (strong_cursor ? " (strong)" : " (weak)");
          continue;
        }
        EXPECT_EQ(got.index, want.index)
            << "from " << i << " by " << direction << (strong_cursor ? " (strong)" : " (weak)");
        EXPECT_EQ(got.off_start, want.off_start) << "from " << i << " by " << direction;
        EXPECT_EQ(got.off_end, want.off_end) << "from " << i << " by " << direction;
      }
    }
    if (i < size) {
      EXPECT_EQ(ours.font_at(i), pango_font_at(pango, i)) << "font at " << i;
    }
  }

  // Ranges: everything, each line's own, and pairs of boundaries a few apart.
  std::vector<std::pair<size_t, size_t>> ranges{{0, size}};
  for (const LayoutLine& l : want_lines) ranges.push_back({l.start, l.start + l.length});
  for (size_t a = 0; a < marks.size(); a += 3) {
    for (size_t step : {size_t(1), size_t(5), size_t(17)}) {
      if (a + step < marks.size()) ranges.push_back({marks[a], marks[a + step]});
    }
  }
  for (const auto& [start, end] : ranges) {
    const std::vector<RectF> got = ours.selection_rects(start, end);
    const std::vector<RectF> want = pango_selection(pango, start, end);
    std::string got_text, want_text;
    for (const RectF& r : got) got_text += describe(r) + "; ";
    for (const RectF& r : want) want_text += describe(r) + "; ";
    EXPECT_EQ(got_text, want_text) << "selection " << start << ".." << end;
  }
  std::printf("%s: %zu lines, %d points, %zu boundaries, %zu ranges compared; ink within %g px\n",
              c.name.c_str(), lines.size(), hits, marks.size(), ranges.size(), worst_ink);
}

class LayoutQuery : public ::testing::TestWithParam<std::string> {};

TEST_P(LayoutQuery, AnswersEqualOnePangoLayoutOfTheWholeText) {
  auto loaded = load_case(GetParam());
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  compare_with_pango(*loaded);
}

// What the oracle cases hold little of: many paragraphs (the library's one PangoLayout per
// paragraph against Pango's one for the whole text), right-to-left paragraphs aligned to the
// widest one without a wrap width, every paragraph separator, empty paragraphs, cursor motion
// across all of them.
TEST(LayoutQueryParagraphs, AnswersEqualOnePangoLayoutOfTheWholeText) {
  const char* const kHebrew = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D";
  const char* const kArabic = "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7";
  const std::string texts[] = {
      std::string("Left to right first\n") + kHebrew + " " + kHebrew + " abc\nthen " + kArabic +
          " mixed\n\n" + kArabic + "\r\nlast line",
      std::string(kHebrew) + " starts right to left, with a longer Latin tail\nshort\r" + kArabic +
          "\xE2\x80\xA9" + "paragraph separator\n",
      "one\n\n\ntwo\r\n\r\nthree " + std::string(kHebrew),
      std::string(kArabic) + " " + kArabic + " " + kArabic + " " + kArabic + "\n" + kHebrew +
          "\nwrapped Latin words go on and on past the width of the layout box",
  };
  for (const std::string& text : texts) {
    for (float width : {0.0f, 150.0f}) {
      OracleCase c;
      c.name = "paragraphs";
      c.text = text;
      c.width = width;
      SCOPED_TRACE("width " + std::to_string(width) + ": " + text);
      compare_with_pango(c);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, LayoutQuery, ::testing::ValuesIn(case_files(kCaseDir)), case_name);

}  // namespace
}  // namespace glyphstream::oracle
