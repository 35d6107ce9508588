#include "text/layout.h"

#include "text/rasterizer.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace glyphstream::text {
namespace {

class LayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = Layouter::create(&registry_);
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    layouter_ = std::move(created).value();
  }

  LayoutResult lay(std::string_view text, const std::string& font = "Sans 24", float wrap = 0,
                   bool markup = false) {
    LayoutParams p;
    p.font = font;
    p.wrap_width = wrap;
    p.markup = markup;
    auto r = layouter_->layout(text, p);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? std::move(r).value() : LayoutResult{};
  }

  Status lay_error(std::string_view text, const std::string& font = "Sans 24",
                   bool markup = false) {
    LayoutParams p;
    p.font = font;
    p.markup = markup;
    auto r = layouter_->layout(text, p);
    EXPECT_FALSE(r.ok());
    return r.status();
  }

  // Family and file of every face that served `r`, lower-cased, for "which font" checks.
  std::string faces_text(const LayoutResult& r) {
    std::string s;
    for (FaceId id : r.faces_used) {
      FaceSource src = registry_.source(id);
      s += src.family + " (" + src.path + "); ";
    }
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  }

  FontRegistry registry_;
  std::unique_ptr<Layouter> layouter_;
};

TEST_F(LayoutTest, AsciiAdvancesOnOneLine) {
  LayoutResult r = lay("Hello, world");
  ASSERT_EQ(r.glyphs.size(), 12u);
  EXPECT_EQ(r.line_count, 1);
  EXPECT_GT(r.width, 100);
  EXPECT_LT(r.width, 300);
  EXPECT_GT(r.line_height, 20);
  EXPECT_GT(r.baseline, 15);
  EXPECT_LT(r.baseline, r.line_height);
  for (size_t i = 1; i < r.glyphs.size(); ++i) EXPECT_GT(r.glyphs[i].x, r.glyphs[i - 1].x) << i;
  for (const ShapedGlyph& g : r.glyphs) {
    EXPECT_FLOAT_EQ(g.y, r.baseline);
    EXPECT_EQ(g.size_26_6, 24u * 64);
    EXPECT_FALSE(g.has_color);
    EXPECT_FALSE(g.is_color_font);
  }
  ASSERT_EQ(r.faces_used.size(), 1u);
  FaceSource src = registry_.source(r.faces_used[0]);
  EXPECT_FALSE(src.path.empty());
  EXPECT_FALSE(src.family.empty());
}

TEST_F(LayoutTest, SubpixelPositionsAreKept) {
  // With unrounded positions some glyph of a long string sits off the integer grid.
  LayoutResult r = lay("iiiiiiiiiiiiiiiiiiiiiiiiii the quick brown fox", "Sans 17");
  bool fractional = false;
  for (const ShapedGlyph& g : r.glyphs) fractional |= g.x != std::floor(g.x);
  EXPECT_TRUE(fractional);
}

TEST_F(LayoutTest, PixelSizesAt72Dpi) {
  LayoutResult a = lay("M", "Sans 24"), b = lay("M", "Sans 24px"), c = lay("M", "Sans 48");
  ASSERT_EQ(a.glyphs.size(), 1u);
  EXPECT_EQ(a.glyphs[0].size_26_6, 24u * 64);
  EXPECT_EQ(b.glyphs[0].size_26_6, 24u * 64);
  EXPECT_EQ(c.glyphs[0].size_26_6, 48u * 64);
  EXPECT_NEAR(c.line_height, 2 * a.line_height, 2);
  EXPECT_EQ(lay("M", "Sans 10.5").glyphs[0].size_26_6, 672u);
}

TEST_F(LayoutTest, FontWithoutSizeUses16Px) {
  LayoutResult r = lay("a", "Sans");
  ASSERT_EQ(r.glyphs.size(), 1u);
  EXPECT_EQ(r.glyphs[0].size_26_6, 16u * 64);
}

TEST_F(LayoutTest, WrappingGivesSeveralLines) {
  const std::string text = "The quick brown fox jumps over the lazy dog and keeps running far away";
  LayoutResult r = lay(text, "Sans 20", 200);
  EXPECT_GE(r.line_count, 3);
  EXPECT_LE(r.width, 200.5f);
  float max_y = 0;
  for (const ShapedGlyph& g : r.glyphs) max_y = std::max(max_y, g.y);
  EXPECT_GT(max_y, r.baseline + r.line_height);  // later lines lie lower
  // A word longer than the width is broken between characters (WORD_CHAR), and Pango ends
  // every broken line with the hyphen it inserts (as pango-view draws it).
  LayoutResult w = lay(std::string(60, 'x'), "Sans 20", 100);
  EXPECT_GE(w.line_count, 5);
  EXPECT_EQ(w.glyphs.size(), 60u + size_t(w.line_count - 1));
  const uint32_t x_glyph = w.glyphs[0].glyph_id;
  int hyphens = 0;
  for (size_t i = 0; i + 1 < w.glyphs.size(); ++i) {
    if (w.glyphs[i].glyph_id == x_glyph) continue;
    ++hyphens;
    EXPECT_GT(w.glyphs[i + 1].y, w.glyphs[i].y) << "a hyphen ends its line";
  }
  EXPECT_EQ(hyphens, w.line_count - 1);
}

TEST_F(LayoutTest, HyphenEndsAWordBrokenAcrossLines) {
  // "opportunities" does not fit in 80 px: Pango breaks inside the word and ends the first
  // line with the hyphen it shapes in (its width counted when choosing the break; the oracle
  // case wrap_hyphens checks where, against pango-cairo).
  LayoutResult r = lay("opportunities", "DejaVu Sans 16", 80);
  ASSERT_EQ(r.line_count, 2);
  ASSERT_EQ(r.glyphs.size(), 14u);
  size_t first_line = 0;
  while (first_line < r.glyphs.size() && r.glyphs[first_line].y == r.glyphs[0].y) ++first_line;
  ASSERT_GT(first_line, 1u);
  LayoutResult hyphen = lay("\xE2\x80\x90", "DejaVu Sans 16");  // U+2010 HYPHEN
  ASSERT_EQ(hyphen.glyphs.size(), 1u);
  EXPECT_EQ(r.glyphs[first_line - 1].glyph_id, hyphen.glyphs[0].glyph_id);
}

TEST_F(LayoutTest, ScriptsAndTheFacesThatServeThem) {
  // Not an assertion of particular fonts (other tests do that): a record for reports.
  const std::pair<const char*, const char*> samples[] = {
      {"Latin", "Héllo wörld"}, {"Cyrillic", "Привет"},       {"Greek", "Καλημέρα"},
      {"Arabic", "مرحبا"},      {"Hebrew", "שלום"},           {"Devanagari", "नमस्ते"},
      {"CJK", "漢字中文"},      {"Emoji", "\xF0\x9F\x98\x80"}};
  for (const auto& [script, text] : samples) {
    LayoutResult r = lay(text);
    EXPECT_FALSE(r.faces_used.empty()) << script;
    std::printf("%-10s -> %s\n", script, faces_text(r).c_str());
  }
}

TEST_F(LayoutTest, NewlinesMakeLines) {
  LayoutResult r = lay("one\ntwo\nthree");
  EXPECT_EQ(r.line_count, 3);
  EXPECT_EQ(r.glyphs.size(), 11u);
}

TEST_F(LayoutTest, LatinCyrillicGreekShareAFace) {
  LayoutResult r = lay("Ægir Привет Καλημέρα");
  EXPECT_EQ(r.faces_used.size(), 1u) << faces_text(r);
  EXPECT_EQ(r.glyphs.size(), 20u);
  for (const ShapedGlyph& g : r.glyphs) EXPECT_NE(g.glyph_id, 0u);
}

TEST_F(LayoutTest, CjkServedByWenQuanYi) {
  LayoutResult r = lay("漢字テスト中文");
  ASSERT_EQ(r.glyphs.size(), 7u);
  EXPECT_NE(faces_text(r).find("wenquanyi"), std::string::npos) << faces_text(r);
  for (size_t i = 1; i < r.glyphs.size(); ++i) EXPECT_GT(r.glyphs[i].x, r.glyphs[i - 1].x);
}

TEST_F(LayoutTest, EmojiServedByNotoColorEmoji) {
  LayoutResult r = lay("ok 😀🎉");
  ASSERT_EQ(r.glyphs.size(), 5u);
  const ShapedGlyph& smile = r.glyphs[3];
  EXPECT_TRUE(smile.is_color_font);
  FaceSource src = registry_.source(smile.face);
  EXPECT_EQ(src.family, "Noto Color Emoji") << src.path;
  // Served from a 109 px strike scaled by a matrix: the size must be the requested one.
  EXPECT_EQ(smile.size_26_6, 24u * 64);
  EXPECT_FALSE(r.glyphs[0].is_color_font);
}

TEST_F(LayoutTest, ArabicIsRightToLeftFromAnArabicFace) {
  // "مرحبا" shaped: glyphs come in visual order, so the first logical letter is the rightmost.
  LayoutResult r = lay("مرحبا بالعالم");
  ASSERT_GE(r.glyphs.size(), 10u);
  const std::string faces = faces_text(r);
  // fontconfig's sans-serif list puts DejaVu Sans (which covers Arabic) before Noto Sans Arabic.
  EXPECT_TRUE(faces.find("arabic") != std::string::npos ||
              faces.find("dejavu") != std::string::npos)
      << faces;
  for (const ShapedGlyph& g : r.glyphs) EXPECT_NE(g.glyph_id, 0u);
  EXPECT_GT(r.width, 50);
  EXPECT_EQ(r.line_count, 1);
}

TEST_F(LayoutTest, HebrewFromAHebrewCapableFace) {
  LayoutResult r = lay("שלום עולם");
  EXPECT_EQ(r.glyphs.size(), 9u);
  const std::string faces = faces_text(r);
  EXPECT_TRUE(faces.find("hebrew") != std::string::npos ||
              faces.find("dejavu") != std::string::npos)
      << faces;
}

TEST_F(LayoutTest, DevanagariFromADevanagariFace) {
  LayoutResult r = lay("नमस्ते दुनिया");
  ASSERT_GT(r.glyphs.size(), 5u);
  const std::string faces = faces_text(r);
  EXPECT_NE(faces.find("devanagari"), std::string::npos) << faces;
  // Conjuncts: fewer glyphs than code points is typical; at least no hex boxes.
  for (const ShapedGlyph& g : r.glyphs) EXPECT_NE(g.glyph_id, 0u);
}

TEST_F(LayoutTest, MarkupColours) {
  LayoutResult r =
      lay("a<span foreground=\"#ff0000\">b</span><span foreground=\"#00ff0080\">c</span>",
          "Sans 24", 0, true);
  ASSERT_EQ(r.glyphs.size(), 3u);
  EXPECT_FALSE(r.glyphs[0].has_color);
  EXPECT_TRUE(r.glyphs[1].has_color);
  EXPECT_EQ(r.glyphs[1].color_rgba, 0xFF0000FFu);
  EXPECT_TRUE(r.glyphs[2].has_color);
  EXPECT_EQ(r.glyphs[2].color_rgba, 0x00FF0080u);
  // Bold is a different face (or at least the markup is parsed, not drawn).
  LayoutResult b = lay("<b>bold</b> plain", "Sans 24", 0, true);
  EXPECT_EQ(b.glyphs.size(), 10u);
}

TEST_F(LayoutTest, InvalidMarkupIsAnError) {
  Status s = lay_error("<span foreground=\"red\">unclosed", "Sans 24", true);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("markup"), std::string::npos) << s.message();
  Status t = lay_error("<nosuchtag>x</nosuchtag>", "Sans 24", true);
  EXPECT_EQ(t.code(), ErrorCode::kInvalidArgument);
  // Without markup the same text is plain text.
  EXPECT_EQ(lay("<b>x").glyphs.size(), 4u);
}

TEST_F(LayoutTest, InvalidUtf8NamesTheOffset) {
  Status s = lay_error(std::string("abc\xC0\xAF", 5));  // overlong '/'
  EXPECT_EQ(s.code(), ErrorCode::kInvalidUtf8);
  EXPECT_NE(s.message().find('3'), std::string::npos) << s.message();
  EXPECT_EQ(lay_error("ab\xED\xA0\x80").code(), ErrorCode::kInvalidUtf8);  // surrogate
  EXPECT_EQ(lay_error("ab\xE6\xBC").code(), ErrorCode::kInvalidUtf8);      // truncated
}

TEST_F(LayoutTest, SizeOutOfRangeIsAnError) {
  for (const char* font : {"Sans 0", "Sans -5", "Sans 10000", "Sans 4097px", "Sans nan", "Sans inf",
                           "Sans 0px", "Sans -12px"}) {
    Status s = lay_error("x", font);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << font;
    EXPECT_NE(s.message().find("size"), std::string::npos) << font << ": " << s.message();
  }
  EXPECT_EQ(lay("x", "Sans 4096").glyphs.size(), 1u);
  LayoutParams p;
  p.wrap_width = -1;
  EXPECT_EQ(layouter_->layout("x", p).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(LayoutTest, UnknownFamilyFallsBack) {
  LayoutResult r = lay("Fallback", "NoSuchFamilyXyzzy 20");
  ASSERT_EQ(r.glyphs.size(), 8u);
  ASSERT_FALSE(r.faces_used.empty());
  EXPECT_FALSE(registry_.source(r.faces_used[0]).path.empty());
  for (const ShapedGlyph& g : r.glyphs) EXPECT_NE(g.glyph_id, 0u);
}

TEST_F(LayoutTest, EmptyText) {
  LayoutResult r = lay("");
  EXPECT_TRUE(r.glyphs.empty());
  EXPECT_EQ(r.line_count, 1);
  EXPECT_EQ(r.width, 0);
}

TEST_F(LayoutTest, EmbeddedNulIsLaidOutAsAReplacementCharacter) {
  const std::string text("ab\0cd", 5);
  LayoutResult r = lay(text);
  // Nothing after the NUL is lost: a, b, the replacement glyph, c, d.
  ASSERT_EQ(r.glyphs.size(), 5u);
  for (size_t i = 1; i < r.glyphs.size(); ++i) EXPECT_GT(r.glyphs[i].x, r.glyphs[i - 1].x);
  LayoutResult m = lay(std::string("<b>a\0b</b>", 10), "Sans 24", 0, true);
  EXPECT_EQ(m.glyphs.size(), 3u);
  LayoutResult only = lay(std::string(3, '\0'));
  EXPECT_EQ(only.glyphs.size(), 3u);
}

TEST_F(LayoutTest, UnknownCharacterBecomesAHexBox) {
  // A private-use code point no installed font covers is drawn as pango-cairo draws it: a
  // frame glyph and the code point's six hex digits (two rows of three) in a monospace face.
  LayoutResult r =
      lay("a\xF3\xB0\x80\x80"
          "b");  // U+F0000
  ASSERT_EQ(r.glyphs.size(), 9u);
  const ShapedGlyph& frame = r.glyphs[1];
  EXPECT_TRUE(frame.glyph_id & kHexFrameGlyphFlag);
  double frame_path_width = 0, frame_line_width = 0;
  hex_frame_geometry(frame.glyph_id, frame.size_26_6, &frame_path_width, &frame_line_width);
  const float frame_width = float(frame_path_width);
  EXPECT_GT(frame_width, 10.0f);
  EXPECT_LT(frame.y, r.glyphs[0].y);  // the frame's top edge, above the baseline
  for (int i = 2; i < 8; ++i) {
    EXPECT_NE(r.glyphs[i].face, r.glyphs[0].face) << "digits come from the mini font";
    EXPECT_LT(r.glyphs[i].size_26_6, r.glyphs[0].size_26_6);
    EXPECT_GT(r.glyphs[i].x, frame.x);
    EXPECT_LT(r.glyphs[i].x, frame.x + frame_width);
  }
  EXPECT_EQ(r.glyphs[2].y, r.glyphs[4].y);  // a row of three
  EXPECT_LT(r.glyphs[2].y, r.glyphs[5].y);  // above the second row
  // pango-cairo's advance: the frame plus 1.5 pad on each side.
  EXPECT_GT(r.glyphs[8].x, frame.x + frame_width);
}

TEST_F(LayoutTest, PlainTextHasNoDecorations) {
  EXPECT_TRUE(lay("plain text").decorations.empty());
  EXPECT_TRUE(lay("<b>bold</b> only", "Sans 24", 0, true).decorations.empty());
}

TEST_F(LayoutTest, UnderlinesAsPangoPlacesThem) {
  LayoutResult single = lay("<u>abc</u>", "DejaVu Sans 20", 0, true);
  ASSERT_EQ(single.decorations.size(), 1u);
  const Decoration& u = single.decorations[0];
  EXPECT_EQ(u.kind, DecorationKind::kSolidLine);
  EXPECT_EQ(u.layer, DecorationLayer::kAboveGlyphs);
  EXPECT_FALSE(u.has_color);        // the style's colour
  EXPECT_GT(u.y, single.baseline);  // below the baseline
  EXPECT_GT(u.h, 0.5f);
  EXPECT_NEAR(u.w, single.width, 0.5f);
  LayoutResult dbl = lay("<span underline='double'>abc</span>", "DejaVu Sans 20", 0, true);
  ASSERT_EQ(dbl.decorations.size(), 2u);
  const Decoration& upper =
      dbl.decorations[0].y < dbl.decorations[1].y ? dbl.decorations[0] : dbl.decorations[1];
  const Decoration& lower = &upper == &dbl.decorations[0] ? dbl.decorations[1] : dbl.decorations[0];
  EXPECT_GT(lower.y, upper.y + upper.h);  // two lines with a gap
  LayoutResult low = lay("<span underline='low'>gjp</span>", "DejaVu Sans 20", 0, true);
  ASSERT_EQ(low.decorations.size(), 1u);
  EXPECT_GT(low.decorations[0].y, u.y);  // below the descenders
  LayoutResult error = lay("<span underline='error'>speling</span>", "DejaVu Sans 20", 0, true);
  ASSERT_EQ(error.decorations.size(), 1u);
  EXPECT_EQ(error.decorations[0].kind, DecorationKind::kErrorSquiggle);
  LayoutResult red =
      lay("<span underline='single' underline_color='#ff0000'>x</span>", "Sans 20", 0, true);
  ASSERT_EQ(red.decorations.size(), 1u);
  EXPECT_TRUE(red.decorations[0].has_color);
  EXPECT_EQ(red.decorations[0].color_rgba, 0xff0000ffu);
}

TEST_F(LayoutTest, OverlineStrikethroughAndBackground) {
  LayoutResult r =
      lay("<span background='#00ff00' foreground='#0000ff'><span overline='single'>ab</span> "
          "<s>cd</s></span>",
          "DejaVu Sans 20", 0, true);
  ASSERT_GE(r.decorations.size(), 3u);
  // Pango's order: a run's background before its glyphs, lines after.
  const Decoration& bg = r.decorations[0];
  EXPECT_EQ(bg.kind, DecorationKind::kBackground);
  EXPECT_EQ(bg.layer, DecorationLayer::kBelowGlyphs);
  EXPECT_TRUE(bg.has_color);
  EXPECT_EQ(bg.color_rgba, 0x00ff00ffu);  // no bgalpha: opaque
  EXPECT_NEAR(bg.y, 0.0f, 0.5f);
  EXPECT_NEAR(bg.h, r.line_height, 0.5f);
  int overlines = 0, strikes = 0;
  for (const Decoration& d : r.decorations) {
    if (d.kind != DecorationKind::kSolidLine) continue;
    EXPECT_TRUE(d.has_color);
    EXPECT_EQ(d.color_rgba, 0x0000ffffu);  // lines take the run's foreground colour
    if (d.y < r.baseline * 0.4f) ++overlines;
    if (d.y > r.baseline * 0.4f && d.y < r.baseline) ++strikes;
  }
  EXPECT_EQ(overlines, 1);
  EXPECT_EQ(strikes, 1);
}

TEST_F(LayoutTest, OneMegabyteLineWithoutSpaces) {
  const std::string text(1 << 20, 'w');
  const auto t0 = std::chrono::steady_clock::now();
  LayoutResult r = lay(text, "Sans 12");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.glyphs.size(), text.size());
  EXPECT_EQ(r.line_count, 1);
  // Past Pango's int range (about 2 million px) positions and width still grow monotonically.
  ASSERT_EQ(r.glyphs.size(), text.size());
  const float advance = r.glyphs[1].x - r.glyphs[0].x;
  EXPECT_GT(advance, 5);
  EXPECT_NEAR(r.glyphs.back().x, advance * (text.size() - 1), advance * text.size() * 1e-4);
  EXPECT_NEAR(r.width, advance * text.size(), advance * text.size() * 1e-4);
  bool monotonic = true;
  for (size_t i = 1; i < r.glyphs.size(); ++i) monotonic &= r.glyphs[i].x >= r.glyphs[i - 1].x;
  EXPECT_TRUE(monotonic);
  std::printf("1 MB line laid out in %.2f s\n", s);
}

TEST_F(LayoutTest, SecondLayoutOfTheSameFontReusesTheFace) {
  LayoutResult a = lay("abc"), b = lay("xyz");
  EXPECT_EQ(a.faces_used, b.faces_used);
  EXPECT_EQ(registry_.size(), a.faces_used.size());
}

TEST_F(LayoutTest, AddFontFileErrors) {
  Status missing = layouter_->add_font_file("/nonexistent/dir/font.ttf");
  EXPECT_EQ(missing.code(), ErrorCode::kIoError);
  EXPECT_NE(missing.message().find("/nonexistent/dir/font.ttf"), std::string::npos);
  Status not_a_font = layouter_->add_font_file("/etc/hostname");
  EXPECT_FALSE(not_a_font.ok());
  EXPECT_EQ(not_a_font.code(), ErrorCode::kFontLoadFailed) << not_a_font.to_string();
}

// A copy of DejaVu Sans renamed to "Glyphs Sans" (same length, so nothing moves) is a family
// fontconfig has never seen: it lays out only after add_font_file. (The file is left in place:
// fontconfig's configuration is process-wide and may open it later.)
TEST_F(LayoutTest, AddFontFileMakesANewFamilyAvailable) {
  std::ifstream in("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), 100000u);
  auto rename_all = [&](const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = bytes.find(from, pos)) != std::string::npos; pos += to.size()) {
      bytes.replace(pos, to.size(), to);
    }
  };
  rename_all("DejaVu", "Glyphs");
  rename_all(std::string("D\0e\0j\0a\0V\0u", 11), std::string("G\0l\0y\0p\0h\0s", 11));
  const std::string path = ::testing::TempDir() + "/glyphstream_glyphs_sans.ttf";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
  }
  LayoutResult before = lay("abc", "Glyphs Sans 20");
  ASSERT_FALSE(before.faces_used.empty());
  EXPECT_NE(registry_.source(before.faces_used[0]).path, path);

  Status added = layouter_->add_font_file(path);
  ASSERT_TRUE(added.ok()) << added.to_string();
  LayoutResult after = lay("abc", "Glyphs Sans 20");
  ASSERT_EQ(after.faces_used.size(), 1u);
  EXPECT_EQ(registry_.source(after.faces_used[0]).path, path);

  // Application fonts are process-wide (fontconfig's current configuration): a new Layouter
  // sees the family too.
  FontRegistry other_registry;
  auto other = Layouter::create(&other_registry);
  ASSERT_TRUE(other.ok());
  auto r = (*other)->layout("abc", LayoutParams{"Glyphs Sans 20", 0, false, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(other_registry.source(r->faces_used[0]).path, path);
}

TEST_F(LayoutTest, AddTruncatedFontFileFails) {
  std::ifstream in("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const std::string path = ::testing::TempDir() + "/glyphstream_truncated_for_layout.ttf";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size() / 3));
  }
  Status s = layouter_->add_font_file(path);
  EXPECT_EQ(s.code(), ErrorCode::kFontLoadFailed) << s.to_string();
  EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.message();
  std::remove(path.c_str());
}

TEST_F(LayoutTest, ManySizesKeepWorking) {
  // More distinct sizes than the font cache holds: the cache is refilled, ids stay stable.
  FaceId first = 0;
  for (int i = 0; i < 300; ++i) {
    LayoutResult r = lay("z", "Sans " + std::to_string(8 + i * 0.25));
    ASSERT_EQ(r.glyphs.size(), 1u);
    if (i == 0) first = r.glyphs[0].face;
    EXPECT_EQ(r.glyphs[0].face, first);
    EXPECT_EQ(r.glyphs[0].size_26_6, static_cast<uint32_t>(std::lround((8 + i * 0.25) * 64)));
  }
  EXPECT_EQ(lay("z", "Sans 8").glyphs[0].face, first);
}

// A FIFO (or directory) given as a font file is refused at once instead of blocking forever.
TEST_F(LayoutTest, AddFontFileRefusesFifosAndDirectories) {
  const std::string fifo = ::testing::TempDir() + "glyphstream-font-fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const Status s = layouter_->add_font_file(fifo);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  EXPECT_NE(s.message().find("not a regular file"), std::string::npos) << s.message();
  std::remove(fifo.c_str());
  EXPECT_EQ(layouter_->add_font_file("/tmp").code(), ErrorCode::kInvalidArgument);
}

// Sizes from every source are checked: each size word of the description (Pango drops sizes it
// cannot place), markup size and font attributes, and the effective size after markup scales.
TEST_F(LayoutTest, EverySizeFromDescriptionOrMarkupIsChecked) {
  EXPECT_EQ(lay_error("Hi", "Sans 99999 Bold").code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(lay_error("Hi", "Sans 30 Bold").message().find("size comes last"), std::string::npos);
  EXPECT_EQ(lay_error("<span size='1000000000'>Hi</span>", "Sans 24", true).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(lay_error("<span font='Sans 0'>Hi</span>", "Sans 24", true).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(lay_error("<span font_size='0'>Hi</span>", "Sans 24", true).code(),
            ErrorCode::kInvalidArgument);
  std::string big = "Hi";
  for (int i = 0; i < 40; ++i) big = "<big>" + big + "</big>";  // 1.2^40 x 24 px
  EXPECT_EQ(lay_error(big, "Sans 24", true).code(), ErrorCode::kInvalidArgument);
  // 102 levels: 1.2^102 x 2 px overflows Pango's int sizes and its line metrics (the fuzzer's
  // nested_big_overflow); refused before those metrics are used, not wrapped into range.
  std::string huge = "hug";
  for (int i = 0; i < 102; ++i) huge = "<big>" + huge + "</big>";
  const Status overflow = lay_error(huge, "Sans 2px", true);
  EXPECT_EQ(overflow.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(overflow.message().find("markup scales"), std::string::npos);
  // 45 nested <sub> shrink a control character's hex box below 1/64 px: nothing of it is
  // emitted at size 0 (the fuzzer's nested_sub_hex_box).
  std::string tiny = ",FGy\x13";
  for (int i = 0; i < 45; ++i) tiny = "<sub>" + tiny + "</sub>";
  const LayoutResult small = lay(tiny, "Sans 43px", 0, true);
  EXPECT_FALSE(small.glyphs.empty());
  for (const ShapedGlyph& g : small.glyphs) EXPECT_GT(g.size_26_6, 0u);
  // In range: fine.
  EXPECT_FALSE(lay("<span size='30720'>Hi</span>", "Sans Bold 22", 0, true).glyphs.empty());
}

// A wrapped paragraph taller than Pango's int y (130k letters at 64 px in a 256 px column, ~2.6
// million px) is refused, never laid out with wrapped-around line positions (the fuzzer's
// tall_wrapped_paragraph; UBSan in the line placement).
TEST_F(LayoutTest, ParagraphTallerThanPangoCanMeasureIsRefused) {
  LayoutParams p;
  p.font = "Sans 64px";
  p.wrap_width = 256;
  const auto r = layouter_->layout(std::string(130562, 'O'), p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("taller than Pango can measure"), std::string::npos);
}

// Paragraphs are laid out one by one: each one's glyphs sit below the previous paragraph's
// height, markup spanning a paragraph break colours both sides, and without a wrap width a
// right-to-left paragraph is aligned to the widest paragraph as within one Pango layout.
TEST_F(LayoutTest, ParagraphsStackAndKeepMarkupAcrossBreaks) {
  const LayoutResult one = lay("abc");
  const LayoutResult three = lay("abc\r\nabc\nabc", "Sans 24", 300);
  ASSERT_EQ(three.glyphs.size(), 9u);
  EXPECT_EQ(three.line_count, 3);
  EXPECT_FLOAT_EQ(three.height, 3 * one.height);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FLOAT_EQ(three.glyphs[3 * i].y, one.glyphs[0].y + i * one.height);
    EXPECT_FLOAT_EQ(three.glyphs[3 * i].x, one.glyphs[0].x);
  }
  const LayoutResult marked = lay("<span foreground='#ff0000'>a\nb</span>c", "Sans 24", 300, true);
  ASSERT_EQ(marked.glyphs.size(), 3u);
  EXPECT_TRUE(marked.glyphs[0].has_color && marked.glyphs[1].has_color);
  EXPECT_FALSE(marked.glyphs[2].has_color);
  const LayoutResult mixed = lay("a much longer latin line\n\u05e9\u05dc\u05d5\u05dd");
  ASSERT_FALSE(mixed.glyphs.empty());
  EXPECT_GT(mixed.glyphs.back().x, mixed.width / 2) << "the Hebrew line is right-aligned";
  const LayoutResult trailing = lay("abc\n");
  EXPECT_EQ(trailing.line_count, 2);
  EXPECT_FLOAT_EQ(trailing.height, 2 * one.height);
}

}  // namespace
}  // namespace glyphstream::text
