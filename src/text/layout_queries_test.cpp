// LayoutQueries on real Pango layouts and fonts: the answers an application builds editing on
// (hit testing, carets, selections, cursor motion, lines, fonts), for scripts and shapes of text
// that each stress one of them. tests/oracle/layout_query_test.cpp compares the same answers
// with one PangoLayout of the whole text for every oracle case.
#include "text/layout_queries.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "text/layout.h"

namespace glyphstream::text {
namespace {

class LayoutQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = Layouter::create(&registry_);
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    layouter_ = std::move(created).value();
  }

  std::shared_ptr<const LayoutQueries> lay(std::string_view text, float wrap = 0,
                                           bool markup = false,
                                           const std::string& font = "DejaVu Sans 20") {
    LayoutParams p;
    p.font = font;
    p.wrap_width = wrap;
    p.markup = markup;
    p.keep_queries = true;
    auto r = layouter_->layout(text, p);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (!r.ok()) return nullptr;
    result_ = std::move(r).value();
    EXPECT_NE(result_.queries, nullptr);
    return result_.queries;
  }

  // Every position reached by moving right from 0 until the move leaves the text.
  static std::vector<size_t> walk_right(const LayoutQueries& q) {
    std::vector<size_t> seen{0};
    for (size_t i = 0, guard = 0; guard < 1000; ++guard) {
      const CursorMove m = q.move_cursor_visually(i, +1, true);
      if (m.off_end) break;
      i = m.index;
      seen.push_back(i);
    }
    return seen;
  }

  FontRegistry registry_;
  std::unique_ptr<Layouter> layouter_;
  LayoutResult result_;
};

TEST_F(LayoutQueriesTest, LatinLineCaretsHitsAndSelection) {
  auto q = lay("Hello world");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->text(), "Hello world");
  const std::vector<LayoutLine> lines = q->lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].start, 0u);
  EXPECT_EQ(lines[0].length, 11u);
  EXPECT_TRUE(lines[0].is_paragraph_start);
  EXPECT_FALSE(lines[0].rtl);
  EXPECT_FLOAT_EQ(lines[0].logical.w, result_.width);
  EXPECT_FLOAT_EQ(lines[0].logical.h, result_.height);
  EXPECT_FLOAT_EQ(lines[0].baseline, result_.baseline);
  EXPECT_GT(lines[0].ink.w, 0);

  // Carets grow left to right; strong equals weak without bidi.
  float last_x = -1;
  for (size_t i = 0; i <= 11; ++i) {
    const Caret c = q->caret(i);
    EXPECT_EQ(c.strong, c.weak) << i;
    EXPECT_GT(c.strong.x, last_x) << i;
    EXPECT_EQ(c.strong.w, 0);
    EXPECT_FLOAT_EQ(c.strong.h, lines[0].logical.h);
    last_x = c.strong.x;
  }
  EXPECT_EQ(q->caret(0).strong.x, 0);
  EXPECT_FLOAT_EQ(q->caret(11).strong.x, result_.width);

  // The middle of each character's box hits it, its left half leading, its right trailing.
  const float mid_y = lines[0].logical.h / 2;
  for (size_t i = 0; i < 11; ++i) {
    const float x0 = q->caret(i).strong.x, x1 = q->caret(i + 1).strong.x;
    const HitTest lead = q->hit_test(x0 + (x1 - x0) * 0.25f, mid_y);
    EXPECT_EQ(lead.index, i);
    EXPECT_EQ(lead.trailing, 0);
    EXPECT_TRUE(lead.inside);
    const HitTest trail = q->hit_test(x0 + (x1 - x0) * 0.75f, mid_y);
    EXPECT_EQ(trail.index, i);
    EXPECT_EQ(trail.trailing, 1);
    EXPECT_EQ(trail.caret_index, i + 1);
    EXPECT_EQ(lead.caret_index, i);
  }

  const std::vector<RectF> sel = q->selection_rects(6, 11);  // "world"
  ASSERT_EQ(sel.size(), 1u);
  EXPECT_FLOAT_EQ(sel[0].x, q->caret(6).strong.x);
  EXPECT_FLOAT_EQ(sel[0].x + sel[0].w, q->caret(11).strong.x);
  EXPECT_EQ(sel[0].y, lines[0].logical.y);
  EXPECT_EQ(sel[0].h, lines[0].logical.h);
  EXPECT_EQ(q->selection_rects(11, 6), sel);  // swapped
  EXPECT_TRUE(q->selection_rects(3, 3).empty());

  std::vector<size_t> expected(12);
  for (size_t i = 0; i < expected.size(); ++i) expected[i] = i;
  EXPECT_EQ(walk_right(*q), expected);
  const CursorMove left = q->move_cursor_visually(0, -1, true);
  EXPECT_TRUE(left.off_start);
  EXPECT_EQ(left.index, 0u);
  EXPECT_EQ(q->move_cursor_visually(5, -1, true).index, 4u);

  const std::string font = q->font_at(0);
  EXPECT_NE(font.find("DejaVu Sans"), std::string::npos) << font;
  EXPECT_NE(font.find("20"), std::string::npos) << font;
}

TEST_F(LayoutQueriesTest, WrappedParagraphsMapToWholeTextIndicesAndCoordinates) {
  const std::string text =
      "The quick brown fox jumps over the lazy dog.\nSecond paragraph, wrapped as well "
      "as the first one was.\r\n\nAfter an empty one.";
  auto q = lay(text, 160);
  ASSERT_TRUE(q);
  const std::vector<LayoutLine> lines = q->lines();
  ASSERT_EQ(int(lines.size()), result_.line_count);
  ASSERT_GE(lines.size(), 6u);
  int paragraphs = 0;
  float y = 0;
  size_t covered = 0;
  for (const LayoutLine& l : lines) {
    paragraphs += l.is_paragraph_start;
    EXPECT_FLOAT_EQ(l.logical.y, y) << "lines are stacked";
    y += l.logical.h;
    EXPECT_GE(l.start, covered);
    covered = l.start + l.length;
    EXPECT_LE(l.logical.w, 160.0f);
    EXPECT_GT(l.baseline, l.logical.y);
    EXPECT_LT(l.baseline, l.logical.y + l.logical.h);
    // The middle of the line hits a character of it; a caret at its start sits on it.
    const HitTest hit = q->hit_test(l.logical.x + l.logical.w / 2, l.logical.y + l.logical.h / 2);
    if (l.length > 0) {
      EXPECT_GE(hit.index, l.start);
      EXPECT_LT(hit.index, l.start + l.length);
      EXPECT_TRUE(hit.inside);
    } else {
      EXPECT_EQ(hit.index, l.start);
    }
    EXPECT_FLOAT_EQ(q->caret(l.start).strong.y, l.logical.y);
  }
  EXPECT_EQ(paragraphs, 4);
  EXPECT_FLOAT_EQ(y, result_.height);
  EXPECT_EQ(covered, text.size());
  const size_t second = text.find("Second");
  EXPECT_EQ(lines[0].start, 0u);
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(),
                          [&](const LayoutLine& l) { return l.start == second; }));

  // Selecting everything covers every line that has text, top to bottom.
  const std::vector<RectF> all = q->selection_rects(0, text.size());
  ASSERT_GE(all.size(), lines.size() - 1);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i].y, all[i - 1].y);
  // Motion crosses the separators: \n and \r\n each count as one step.
  const std::vector<size_t> walk = walk_right(*q);
  EXPECT_EQ(walk.back(), text.size());
  EXPECT_TRUE(std::find(walk.begin(), walk.end(), second) != walk.end());
  EXPECT_TRUE(std::find(walk.begin(), walk.end(), text.find("\r\n")) != walk.end());
  EXPECT_TRUE(std::find(walk.begin(), walk.end(), text.find("\r\n") + 1) == walk.end());
  // A caret inside a separator is the paragraph's end.
  EXPECT_EQ(q->caret(text.find("\r\n") + 1).strong, q->caret(text.find("\r\n")).strong);
}

TEST_F(LayoutQueriesTest, BidiHasTwoCaretsAtADirectionBoundary) {
  for (const std::string text : {"abc \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D def",             // Hebrew
                                 "Hello \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 x"}) {  // Arabic
    SCOPED_TRACE(text);
    auto q = lay(text);
    ASSERT_TRUE(q);
    const size_t boundary = text.find(' ') + 1;  // after the Latin word and its space
    const Caret c = q->caret(boundary);
    EXPECT_NE(c.strong.x, c.weak.x) << "strong and weak carets split at the boundary";
    EXPECT_EQ(q->caret(1).strong, q->caret(1).weak);
    // The right-to-left run is drawn reversed: its first character is right of its last.
    const size_t rtl_end = text.rfind(' ');
    EXPECT_GT(q->caret(boundary + 2).strong.x, q->caret(rtl_end - 2).strong.x);
    // One visual run per direction: selecting across the boundary gives two rectangles.
    EXPECT_EQ(q->selection_rects(1, boundary + 4).size(), 2u);
    // Walking right visits every grapheme boundary once and ends at the visual end.
    std::vector<size_t> walk = walk_right(*q);
    const size_t steps = walk.size();
    std::sort(walk.begin(), walk.end());
    walk.erase(std::unique(walk.begin(), walk.end()), walk.end());
    EXPECT_GE(walk.size() + 1, steps) << "no position visited twice (but the run edge)";
    EXPECT_TRUE(q->move_cursor_visually(0, -1, true).off_start);
  }
}

TEST_F(LayoutQueriesTest, CjkEmojiAndCombiningMarksMoveByGrapheme) {
  {
    const std::string cjk = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x83\x86\xE3\x82\xAD";
    auto q = lay(cjk, 0, false, "Sans 20");
    ASSERT_TRUE(q);
    EXPECT_EQ(walk_right(*q), (std::vector<size_t>{0, 3, 6, 9, 12, 15}));
    for (float x = 1; x < result_.width; x += 3) EXPECT_EQ(q->hit_test(x, 10).index % 3, 0u);
    EXPECT_EQ(q->caret(4).strong, q->caret(3).strong) << "inside a character: its start";
    // A fallback font with the glyphs, not the Latin one.
    EXPECT_NE(q->font_at(0), "");
    EXPECT_EQ(q->font_at(0).find("DejaVu"), std::string::npos) << q->font_at(0);
  }
  {
    // a, waving hand + skin tone (one grapheme of 8 bytes), b.
    const std::string emoji =
        "a\xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD"
        "b";
    auto q = lay(emoji, 0, false, "Sans 20");
    ASSERT_TRUE(q);
    EXPECT_EQ(walk_right(*q), (std::vector<size_t>{0, 1, 9, 10}));
    std::string font = q->font_at(1);
    std::transform(font.begin(), font.end(), font.begin(), ::tolower);
    EXPECT_NE(font.find("emoji"), std::string::npos) << font;
    EXPECT_EQ(q->selection_rects(1, 9).size(), 1u);
  }
  {
    // e + combining acute, x, a + combining ring + combining dot below.
    const std::string marks =
        "e\xCC\x81x"
        "a\xCC\x8A\xCC\xA3"
        "z";
    auto q = lay(marks);
    ASSERT_TRUE(q);
    EXPECT_EQ(walk_right(*q), (std::vector<size_t>{0, 3, 4, 9, 10}));
    const float x0 = q->caret(0).strong.x, x1 = q->caret(3).strong.x;
    const HitTest hit = q->hit_test(x0 + (x1 - x0) * 0.75f, 10);
    EXPECT_EQ(hit.index, 0u);
    EXPECT_EQ(hit.trailing, 2) << "trailing counts the grapheme's characters";
    EXPECT_EQ(hit.caret_index, 3u) << "the caret goes after the whole grapheme";
  }
}

// Pango 1.50 moved left from just after a zero-width character at the start of a line (a byte
// order mark, a zero-width space, a mark after U+2028) to the line's end, so Left cycled over
// the line for ever, and Left from the end of a last line of nothing else stayed there (both
// found by layout_query_fuzzer). Walking left now reaches the start.
TEST_F(LayoutQueriesTest, LeftPastAZeroWidthLineStartReachesTheStart) {
  const std::vector<std::string> texts = {
      "\xEF\xBB\xBF"
      "ab",  // a byte order mark
      "x\n\xE2\x80\x8B"
      "ab",  // a zero-width space starting a paragraph
      "ab\xE2\x80\xA8\xCC\x82"
      "cd",  // a mark after a line separator
      "\xE2\x80\x8B"
      "abc def",                      // a zero-width space starting the text
      "ab\xE2\x80\xA8\xCC\xA7",       // a last line of one mark
      "ab\xE2\x80\xA8\xE2\x80\x8B"};  // a last line of one zero-width space
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    auto q = lay(text);
    ASSERT_NE(q, nullptr);
    size_t index = q->text().size(), steps = 0;
    for (bool strong : {true, false}) {
      index = q->text().size();
      for (steps = 0; steps < 40; ++steps) {
        const CursorMove m = q->move_cursor_visually(index, -1, strong);
        if (m.off_start) break;
        ASSERT_FALSE(m.off_end);
        ASSERT_LT(m.index, index) << "moving left from " << index;  // left-to-right text
        index = m.index;
      }
      EXPECT_LT(steps, 40u);
      for (size_t from = 1; from <= q->text().size(); ++from) {  // every position but the start
        if (from < q->text().size() && (uint8_t(q->text()[from]) & 0xC0) == 0x80) continue;
        const CursorMove m = q->move_cursor_visually(from, -1, strong);
        EXPECT_FALSE(m.off_end);
        EXPECT_LT(m.index, from) << "moving left from " << from;
      }
    }
  }
}

// The same fault mirrored: on a right-to-left line that starts with a zero-width character (a
// right-to-left mark, a zero-width space), Right from just after it went to the line's far
// (left) end. Right from every position now moves toward the start.
TEST_F(LayoutQueriesTest, RightPastAZeroWidthRtlLineStartMovesTowardTheStart) {
  for (const char* text : {"\xE2\x80\x8F\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D",     // RLM + shalom
                           "\xE2\x80\x8B\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"}) {  // ZWSP + shalom
    SCOPED_TRACE(text);
    auto q = lay(text);
    ASSERT_NE(q, nullptr);
    for (bool strong : {true, false}) {
      for (size_t from = 1; from <= q->text().size(); ++from) {  // every position but the start
        if (from < q->text().size() && (uint8_t(q->text()[from]) & 0xC0) == 0x80) continue;
        const CursorMove m = q->move_cursor_visually(from, +1, strong);
        EXPECT_FALSE(m.off_end);
        EXPECT_LT(m.index, from) << "moving right from " << from;  // right-to-left text
      }
    }
  }
}

// Right through wrapped right-to-left text stopped at the first line break: Pango moved from a
// wrapped line's start to the line above's end, the same index, and did so again at every press.
TEST_F(LayoutQueriesTest, RightThroughWrappedRtlTextCrossesItsLineBreaks) {
  std::string text;
  for (int i = 0; i < 12; ++i) text += "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D ";  // "shalom "
  auto q = lay(text, 150);
  ASSERT_NE(q, nullptr);
  ASSERT_GT(q->lines().size(), 2u);
  for (bool strong : {true, false}) {
    size_t index = q->text().size(), steps = 0;
    for (; steps < 200; ++steps) {
      const CursorMove m = q->move_cursor_visually(index, +1, strong);
      if (m.off_start) break;
      ASSERT_NE(m.index, index) << "stuck at " << index;
      index = m.index;
    }
    EXPECT_LT(steps, 200u);
    EXPECT_EQ(index, 0u);
  }
}

TEST_F(LayoutQueriesTest, MarkupIndicesAreIntoThePlainText) {
  auto q = lay("<b>bold</b> and <span foreground=\"red\">red</span> &amp; done", 0, true);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->text(), "bold and red & done");
  EXPECT_NE(q->font_at(0).find("Bold"), std::string::npos) << q->font_at(0);
  EXPECT_EQ(q->font_at(5).find("Bold"), std::string::npos) << q->font_at(5);
  EXPECT_EQ(q->lines()[0].length, q->text().size());
  EXPECT_EQ(walk_right(*q).back(), q->text().size());
  const float right = q->caret(q->text().size()).strong.x;
  EXPECT_EQ(q->hit_test(right + 50, 5).index + 1, q->text().size());
}

TEST_F(LayoutQueriesTest, EmptyTextOutOfRangeIndicesAndPointsOutside) {
  auto empty = lay("");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->text(), "");
  ASSERT_EQ(empty->lines().size(), 1u);
  EXPECT_EQ(empty->lines()[0].length, 0u);
  EXPECT_GT(empty->caret(0).strong.h, 0);
  EXPECT_EQ(empty->hit_test(10, 10).index, 0u);
  EXPECT_TRUE(empty->selection_rects(0, 5).empty());
  EXPECT_TRUE(empty->move_cursor_visually(0, 1, true).off_end);
  EXPECT_TRUE(empty->move_cursor_visually(0, -1, true).off_start);
  EXPECT_EQ(empty->font_at(0), "");

  auto q = lay("one two\nthree");
  ASSERT_TRUE(q);
  const size_t n = q->text().size();
  EXPECT_EQ(q->caret(1000).strong, q->caret(n).strong);
  EXPECT_EQ(q->caret(size_t(-1)).strong, q->caret(n).strong);
  EXPECT_EQ(q->selection_rects(0, 1000), q->selection_rects(0, n));
  EXPECT_EQ(q->move_cursor_visually(1000, -1, true).index, n - 1);
  EXPECT_TRUE(q->move_cursor_visually(1000, +1, true).off_end);
  EXPECT_EQ(q->font_at(1000), "");
  EXPECT_EQ(q->font_at(7), "") << "a separator has no font";

  const HitTest above = q->hit_test(-50, -50);
  EXPECT_EQ(above.index, 0u);
  EXPECT_FALSE(above.inside);
  const HitTest below = q->hit_test(1e9f, 1e9f);
  EXPECT_EQ(below.index + size_t(below.trailing), n);
  EXPECT_FALSE(below.inside);
  const HitTest left_of_second = q->hit_test(-5, q->lines()[1].logical.y + 2);
  EXPECT_EQ(left_of_second.index, 8u);
  EXPECT_FALSE(left_of_second.inside);
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    const HitTest h = q->hit_test(bad, bad);
    EXPECT_LE(h.index, n);
  }
}

TEST_F(LayoutQueriesTest, AnswersOutliveTheLayouterAndComeFromAnyThread) {
  auto q = lay("Kept after its layouter \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\nsecond line", 120);
  ASSERT_TRUE(q);
  const std::vector<LayoutLine> before = q->lines();
  const Caret caret_before = q->caret(5);
  // Another thread asks while this one lays out more text with the same fonts.
  std::thread asker([&] {
    for (int i = 0; i < 200; ++i) {
      EXPECT_EQ(q->lines().size(), before.size());
      EXPECT_EQ(q->caret(5).strong, caret_before.strong);
      (void)q->hit_test(float(i), float(i % 40));
      (void)q->move_cursor_visually(size_t(i % 40), i % 2 ? 1 : -1, true);
      (void)q->font_at(size_t(i % 40));
    }
  });
  for (int i = 0; i < 50; ++i) {
    LayoutParams p;
    p.font = "DejaVu Sans " + std::to_string(10 + i);
    ASSERT_TRUE(layouter_->layout("more text " + std::to_string(i), p).ok());
  }
  asker.join();
  result_ = LayoutResult();
  layouter_.reset();
  EXPECT_EQ(q->lines().size(), before.size());
  EXPECT_EQ(q->caret(5).strong, caret_before.strong);
  EXPECT_NE(q->font_at(0), "");
}

// add_font_file() changes the font map, so Pango lays a kept layout out again at its next
// query (docs/ARCHITECTURE.md, "Layout objects"): with the fonts of the text unchanged, the
// answers are the same.
TEST_F(LayoutQueriesTest, AKeptLayoutAnswersTheSameAfterAFontIsAdded) {
  auto q = lay("Font \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D change\nsecond", 100);
  ASSERT_TRUE(q);
  const std::vector<LayoutLine> before = q->lines();
  const std::vector<RectF> selection = q->selection_rects(2, 20);
  const Status added = layouter_->add_font_file("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  if (!added.ok()) GTEST_SKIP() << added.to_string();
  const std::vector<LayoutLine> after = q->lines();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].start, before[i].start);
    EXPECT_EQ(after[i].logical, before[i].logical);
  }
  EXPECT_EQ(q->selection_rects(2, 20), selection);
}

}  // namespace
}  // namespace glyphstream::text
