#include "text/pango_limits.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "text/layout.h"
#include "text/layout_input.h"

namespace glyphstream::text {
namespace {

std::string repeat(std::string_view piece, size_t n) {
  std::string s;
  s.reserve(piece.size() * n);
  for (size_t i = 0; i < n; ++i) s += piece;
  return s;
}

class PangoLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = Layouter::create(&registry_);
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    layouter_ = std::move(created).value();
  }
  Result<LayoutResult> lay(std::string_view text, float wrap, bool markup = false,
                           const std::string& font = "Sans 22") {
    LayoutParams p;
    p.font = font;
    p.wrap_width = wrap;
    p.markup = markup;
    return layouter_->layout(text, p);
  }
  // Glyphs per line (by baseline), in line order.
  static std::vector<size_t> glyphs_per_line(const LayoutResult& r) {
    std::map<float, size_t> lines;
    for (const ShapedGlyph& g : r.glyphs) ++lines[g.y];
    std::vector<size_t> counts;
    for (const auto& [y, n] : lines) counts.push_back(n);
    return counts;
  }
  FontRegistry registry_;
  std::unique_ptr<Layouter> layouter_;
};

// 200 KB of "word " is about 2.4 million px at 22 px: Pango's int width of the one item
// overflowed, the paragraph "fitted" on one line and was clipped. Every line must hold as many
// words as a short paragraph's lines do.
TEST_F(PangoLimitsTest, LongWrappedParagraphWrapsLikeAShortOne) {
  constexpr float kWidth = 1100;
  auto small = lay(repeat("word ", 400), kWidth);
  ASSERT_TRUE(small.ok()) << small.status().to_string();
  const size_t per_line = glyphs_per_line(small.value()).front();  // glyphs of the first line
  const size_t words_per_line = (per_line + 2) / 5;  // "word " x n, less the last space's glyph
  ASSERT_GT(small.value().line_count, 2);

  for (const bool markup : {false, true}) {
    SCOPED_TRACE(markup ? "inside <span fallback=\"false\">" : "plain");
    const std::string words = repeat("word ", 40000);
    auto big = markup ? lay("<span fallback=\"false\">" + words + "</span>", kWidth, true)
                      : lay(words, kWidth);
    ASSERT_TRUE(big.ok()) << big.status().to_string();
    const LayoutResult& r = big.value();
    const size_t expected_lines = (40000 + words_per_line - 1) / words_per_line;
    EXPECT_EQ(size_t(r.line_count), expected_lines);
    const std::vector<size_t> counts = glyphs_per_line(r);
    ASSERT_EQ(counts.size(), expected_lines);
    for (size_t i = 0; i + 1 < counts.size(); ++i) ASSERT_EQ(counts[i], per_line) << "line " << i;
    EXPECT_LE(r.width, kWidth);
    EXPECT_NEAR(r.height, float(expected_lines) * r.line_height, 1.0f);
  }
}

TEST_F(PangoLimitsTest, ItemCutsKeepTheParagraphsFallbackAttributes) {
  const std::string text = repeat("word ", 2000);  // 10,000 bytes
  PangoAttrList* user = pango_attr_list_new();
  PangoAttribute* off = pango_attr_fallback_new(FALSE);
  off->start_index = 100;
  off->end_index = 5000;
  pango_attr_list_insert(user, off);
  PangoAttrList* split = split_long_items(text, 4096, user);
  ASSERT_NE(split, nullptr);
  GSList* all = pango_attr_list_get_attributes(split);
  std::vector<std::tuple<guint, guint, int>> seen;  // start, end, value
  for (GSList* l = all; l != nullptr; l = l->next) {
    auto* a = static_cast<PangoAttribute*>(l->data);
    ASSERT_EQ(a->klass->type, PANGO_ATTR_FALLBACK);
    seen.emplace_back(a->start_index, a->end_index, reinterpret_cast<PangoAttrInt*>(a)->value);
  }
  g_slist_free_full(all, reinterpret_cast<GDestroyNotify>(pango_attribute_destroy));
  pango_attr_list_unref(split);
  pango_attr_list_unref(user);
  // The user's attribute, cut in pieces that cover [100, 5000) exactly, all false; a new
  // (true) attribute only at a cut after 5000; every cut after a space, at most 4096 apart.
  guint covered_to = 100;
  guint last_cut = 0;
  int markers = 0;
  for (const auto& [start, end, value] : seen) {
    if (start != 100) {
      EXPECT_EQ(text[start - 1], ' ') << start;
      EXPECT_LE(start - last_cut, 4096u);
      last_cut = start;
    }
    if (value == 0) {
      EXPECT_EQ(start, covered_to);
      covered_to = end;
    } else {
      EXPECT_GT(start, 5000u);
      ++markers;
    }
  }
  EXPECT_EQ(covered_to, 5000u);
  EXPECT_EQ(markers, 1);
  EXPECT_EQ(split_long_items("short", 4096, nullptr), nullptr);
}

// Each mark of a run is attached to the base by a walk back over the marks before it:
// 1,000,000 marks took hours. Runs are capped at kMaxClusterMarks; the rest is dropped and
// counted, and markup after the run still applies to the right characters.
TEST_F(PangoLimitsTest, MillionCombiningMarksAreCappedAndCounted) {
  constexpr size_t kMarks = 1000000;
  const std::string marks = repeat("\xCC\x81", kMarks);  // U+0301
  auto r = lay("a" + marks + "<span foreground=\"#ff0000\">x</span>", 0, true);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r.value().marks_dropped, kMarks - kMaxClusterMarks);
  ASSERT_FALSE(r.value().glyphs.empty());
  EXPECT_LE(r.value().glyphs.size(), 2 + kMaxClusterMarks);
  const ShapedGlyph& last = r.value().glyphs.back();  // the red x, after the marks
  EXPECT_TRUE(last.has_color);
  EXPECT_EQ(last.color_rgba >> 8, 0xff0000u);
  for (size_t i = 0; i + 1 < r.value().glyphs.size(); ++i)
    EXPECT_FALSE(r.value().glyphs[i].has_color);

  // A combining grapheme joiner between stacks does not end the run for the shaper.
  auto joined = lay("a" + repeat(repeat("\xCC\x81", 20) + "\xCD\x8F", 50000), 0);
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(joined.value().marks_dropped, 50000u * 21 - kMaxClusterMarks);

  // Legitimate stacks are untouched.
  CappedText capped;
  EXPECT_FALSE(cap_mark_runs("a" + repeat("\xCC\x81", kMaxClusterMarks) + " b\xCC\x81", &capped));
}

// 56 nested <small> scale 16 px below 1/1000 px: Pango's font then has size 0 and the text was
// skipped, drawing nothing with no error. 50 levels were refused already.
TEST_F(PangoLimitsTest, NestedSmallToZeroPixelsIsRefused) {
  for (const char* tag : {"small", "sub"}) {
    for (const int depth : {50, 56, 80}) {
      SCOPED_TRACE(std::string(tag) + " x " + std::to_string(depth));
      const std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
      auto r = lay(repeat(open, depth) + "tiny" + repeat(close, depth), 0, true, "Sans 16");
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find("out of range"), std::string::npos)
          << r.status().message();
    }
  }
}

// A line Pango does not wrap places each tab by summing the advances before it on the line:
// 130k tabs (a fuzzer input) took minutes in Pango alone. Past kMaxUnwrappedTabCost such a
// paragraph is refused with a message; wrapped, the same text is laid out, and everyday
// tab-separated lines stay well inside the bound.
TEST_F(PangoLimitsTest, ManyTabsOnAnUnwrappedLineAreRefusedWrappedLaidOut) {
  const std::string tabs = repeat("\t", 40000);
  auto unwrapped = lay(tabs, 0);
  ASSERT_FALSE(unwrapped.ok());
  EXPECT_EQ(unwrapped.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unwrapped.status().message().find("40000 tabs"), std::string::npos)
      << unwrapped.status().message();
  EXPECT_NE(unwrapped.status().message().find("wrap width"), std::string::npos);

  auto wrapped = lay(tabs + "x", 300);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().to_string();
  EXPECT_EQ(wrapped.value().glyphs.size(), 1u);  // tabs draw nothing; the x is there

  // An ellipsized line is not wrapped either.
  LayoutParams ellipsized;
  ellipsized.font = "Sans 22";
  ellipsized.wrap_width = 300;
  ellipsized.paragraph.ellipsize = EllipsizeMode::kEnd;
  EXPECT_FALSE(layouter_->layout(tabs, ellipsized).ok());

  // The same tabs over many paragraphs (each its own line) and a 1,000-column row pass.
  auto rows = lay(repeat(repeat("\t", 400) + "\n", 100), 0);
  EXPECT_TRUE(rows.ok()) << rows.status().to_string();
  auto columns = lay(repeat("column\t", 1000), 0);
  ASSERT_TRUE(columns.ok()) << columns.status().to_string();
  EXPECT_EQ(columns.value().glyphs.size(), 6000u);
}

// libthai's word breaking takes the square of an unbroken Thai run's length: 1M letters took 24 s
// (130k, a fuzzer input, over 40 s under AddressSanitizer). Without wrapping, items end every
// kMaxThaiRunBytes of such a run; every letter is still drawn, on one line, in order.
TEST_F(PangoLimitsTest, LongThaiRunWithoutWrappingIsCutIntoItems) {
  const std::string run = repeat("\xE0\xB8\x81\xE0\xB8\xB1", 100000);  // U+0E01 U+0E31 (a mark)
  auto r = lay(run, 0, false, "Sans 11");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r.value().line_count, 1);
  EXPECT_EQ(r.value().glyphs.size(), 200000u);
  float previous = -1;
  for (size_t i = 0; i < r.value().glyphs.size(); i += 2) {  // each base after the one before
    ASSERT_GT(r.value().glyphs[i].x, previous) << i;
    previous = r.value().glyphs[i].x;
  }

  // Cuts fall on bases, never before a mark; a run within the bound and other scripts are left
  // alone.
  PangoAttrList* cut = split_long_thai_runs(run, kMaxThaiRunBytes, nullptr);
  ASSERT_NE(cut, nullptr);
  GSList* all = pango_attr_list_get_attributes(cut);
  size_t cuts = 0;
  for (GSList* a = all; a != nullptr; a = a->next, ++cuts) {
    const auto* attr = static_cast<const PangoAttribute*>(a->data);
    EXPECT_EQ(attr->start_index % 6, 0u) << attr->start_index;
  }
  EXPECT_GE(cuts, run.size() / kMaxThaiRunBytes - 1);
  g_slist_free_full(all, reinterpret_cast<GDestroyNotify>(pango_attribute_destroy));
  pango_attr_list_unref(cut);
  EXPECT_EQ(split_long_thai_runs(run.substr(0, kMaxThaiRunBytes), kMaxThaiRunBytes, nullptr),
            nullptr);
  EXPECT_EQ(split_long_thai_runs(repeat("word ", 10000), kMaxThaiRunBytes, nullptr), nullptr);
  EXPECT_EQ(split_long_thai_runs(repeat("\xE0\xB8\x81 ", 10000), kMaxThaiRunBytes, nullptr),
            nullptr);
}

// Each paragraph is laid out with its own copy of the markup attributes around it: 255 nested
// tags around 130k empty paragraphs (a fuzzer input) took 5.5 s natively and 39 s under
// AddressSanitizer, and the cost is the product, so a 16 MiB text could take hours. Past
// kMaxParagraphAttributeCopies the text is refused before any copy is made.
TEST_F(PangoLimitsTest, NestedMarkupAroundManyParagraphsIsRefused) {
  const auto nested = [](int depth, const std::string& inner) {
    return repeat("<b>", depth) + inner + repeat("</b>", depth);
  };
  auto refused = lay(nested(40, repeat("x\n", 1000000)), 0, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("paragraph-attribute pairs"), std::string::npos)
      << refused.status().message();

  // A document's markup: a few spans around many lines, or many tags on one line.
  auto document = lay(nested(3, repeat("line\n", 20000)), 0, true);
  ASSERT_TRUE(document.ok()) << document.status().to_string();
  EXPECT_EQ(document.value().line_count, 20001);
  EXPECT_TRUE(lay(nested(255, "deep"), 0, true).ok());

  std::string text = repeat("a\n", 3);  // 4 paragraphs: a, a, a and the empty last one
  ParagraphAttributes none(nullptr);
  EXPECT_EQ(none.copies(text), 0u);
  PangoAttrList* list = pango_attr_list_new();
  PangoAttribute* whole = pango_attr_weight_new(PANGO_WEIGHT_BOLD);  // all 4
  pango_attr_list_insert(list, whole);
  PangoAttribute* second = pango_attr_style_new(PANGO_STYLE_ITALIC);  // the second "a" only
  second->start_index = 2;
  second->end_index = 3;
  pango_attr_list_insert(list, second);
  ParagraphAttributes two(list);
  EXPECT_EQ(two.copies(text), 5u);
  pango_attr_list_unref(list);
}

TEST(UnwrappedTabCost, CountsCodePointsBeforeEachTabOnItsLine) {
  EXPECT_EQ(unwrapped_tab_cost("").cost, 0u);
  const TabCost plain = unwrapped_tab_cost("ab\t\xC3\xA9\t");  // 2 before, then 4 (é is one)
  EXPECT_EQ(plain.tabs, 2u);
  EXPECT_EQ(plain.cost, 2u + 4u);
  // Paragraph and line separators start a new line, unless one paragraph is laid out whole.
  EXPECT_EQ(unwrapped_tab_cost("abc\n\t").cost, 0u);
  EXPECT_EQ(unwrapped_tab_cost("abc\r\n\t").cost, 0u);
  EXPECT_EQ(unwrapped_tab_cost("abc\xE2\x80\xA9\t").cost, 0u);
  EXPECT_EQ(unwrapped_tab_cost("abc\xE2\x80\xA8\t").cost, 0u);
  EXPECT_EQ(unwrapped_tab_cost("abc\n\t", true).cost, 4u);
  EXPECT_EQ(unwrapped_tab_cost("abc\xE2\x80\xA8\t", true).cost, 0u);
}

}  // namespace
}  // namespace glyphstream::text
