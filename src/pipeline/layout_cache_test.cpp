// The layout cache keys on everything a layout depends on (font, text, wrap width, markup, the
// whole paragraph and rendering styles), a hit lays nothing out and allocates nothing (a steady
// frame's draw_text builds no string or vector), the least recently used layout goes first, and
// texts too large to keep are laid out every time.
#include "pipeline/layout_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>
#include <vector>

namespace {
std::atomic<size_t> g_allocations{0};
// Not inlined, so that the compiler does not pair malloc with the deletes below.
[[gnu::noinline]] void* counted_alloc(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size ? size : 1);
}
}  // namespace

// The replacements below pair malloc with free on purpose; GCC's sanitizer builds still see
// the standard new inlined beside these deletes and warn.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(size_t size) {
  if (void* p = counted_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) {
  if (void* p = counted_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t size, const std::nothrow_t&) noexcept { return counted_alloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return counted_alloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace glyphstream::pipeline {
namespace {

class LayoutCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = text::Layouter::create(&registry_);
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    layouter_ = std::move(created).value();
  }
  std::shared_ptr<CachedLayout> get(const TextStyle& style, uint64_t* ns) {
    auto r = cache_.get(*layouter_, kText, style, ns);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? r.value() : nullptr;
  }
  std::shared_ptr<CachedLayout> get(std::string_view text, const TextStyle& style, uint64_t* ns,
                                    bool with_queries = false) {
    auto r = cache_.get(*layouter_, text, style, ns, with_queries);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? r.value() : nullptr;
  }
  static constexpr const char* kText = "Two paragraphs\nof text";
  text::FontRegistry registry_;
  std::unique_ptr<text::Layouter> layouter_;
  LayoutCache cache_;
};

TEST_F(LayoutCacheTest, EveryParagraphFieldIsPartOfTheKey) {
  const std::vector<std::function<void(ParagraphStyle&)>> changes = {
      [](ParagraphStyle& p) { p.align = Align::kCenter; },
      [](ParagraphStyle& p) { p.justify = true; },
      [](ParagraphStyle& p) { p.justify_last_line = true; },
      [](ParagraphStyle& p) { p.indent = 10; },
      [](ParagraphStyle& p) { p.spacing = 3; },
      [](ParagraphStyle& p) { p.line_spacing = 1.5f; },
      [](ParagraphStyle& p) { p.wrap = WrapMode::kChar; },
      [](ParagraphStyle& p) { p.ellipsize = EllipsizeMode::kEnd; },
      [](ParagraphStyle& p) { p.height = -2; },
      [](ParagraphStyle& p) { p.single_par = true; },
      [](ParagraphStyle& p) { p.rtl = true; },
      [](ParagraphStyle& p) { p.no_auto_dir = true; },
      [](ParagraphStyle& p) { p.language = "ja"; },
      [](ParagraphStyle& p) { p.gravity_hint = GravityHint::kStrong; },
      [](ParagraphStyle& p) { p.tabs = {40}; },
      [](ParagraphStyle& p) {
        p.tabs = {40, 80};
      },
  };
  TextStyle base;
  base.font = "DejaVu Sans 16";
  uint64_t ns = 0;
  std::vector<std::shared_ptr<CachedLayout>> seen{get(base, &ns)};
  for (size_t i = 0; i < changes.size(); ++i) {
    TextStyle changed = base;
    changes[i](changed.paragraph);
    const auto layout = get(changed, &ns);
    for (const auto& other : seen) EXPECT_NE(layout, other) << "change " << i;
    EXPECT_EQ(get(changed, &ns), layout) << "change " << i << " is cached";
    seen.push_back(layout);
  }
  EXPECT_EQ(get(base, &ns), seen.front());
}

TEST_F(LayoutCacheTest, EveryRenderingFieldIsPartOfTheKeyAndOfTheGlyphKeys) {
  const std::vector<std::function<void(RenderingStyle&)>> changes = {
      [](RenderingStyle& r) { r.antialias = Antialias::kNone; },
      [](RenderingStyle& r) { r.subpixel_order = SubpixelOrder::kVbgr; },
      [](RenderingStyle& r) { r.hinting = HintStyle::kSlight; },
      [](RenderingStyle& r) { r.hinting = HintStyle::kFull; },
      [](RenderingStyle& r) { r.whole_pixel_positions = true; },
  };
  TextStyle base;
  base.font = "DejaVu Sans 16";
  uint64_t ns = 0;
  const auto plain = get(base, &ns);
  std::vector<std::shared_ptr<CachedLayout>> seen{plain};
  for (size_t i = 0; i < changes.size(); ++i) {
    TextStyle changed = base;
    changes[i](changed.rendering);
    const auto layout = get(changed, &ns);
    for (const auto& other : seen) EXPECT_NE(layout, other) << "change " << i;
    EXPECT_EQ(get(changed, &ns), layout) << "change " << i << " is cached";
    seen.push_back(layout);
  }
  // The render mode reaches the glyph keys: the same glyph hinted or monochrome is another
  // atlas entry; a whole-pixel glyph has no sub-pixel bin whatever the origin's fraction.
  int dx = 0, dy = 0;
  const atlas::GlyphKey grey = glyph_key_for_fraction(plain->glyphs[0], 0.3f, 0, &dx, &dy);
  const atlas::GlyphKey mono = glyph_key_for_fraction(seen[1]->glyphs[0], 0.3f, 0, &dx, &dy);
  const atlas::GlyphKey full = glyph_key_for_fraction(seen[4]->glyphs[0], 0.3f, 0, &dx, &dy);
  EXPECT_EQ(grey.flags, 0);
  EXPECT_NE(mono.flags, 0);
  EXPECT_NE(full.flags, 0);
  EXPECT_NE(mono.flags, full.flags);
  EXPECT_EQ(grey.subpixel_bin, 1);
  EXPECT_EQ(mono.subpixel_bin, 0);
  EXPECT_EQ(full.subpixel_bin, 0);
  const atlas::GlyphKey whole = glyph_key_for_fraction(seen[5]->glyphs[0], 0.6f, 0, &dx, &dy);
  EXPECT_EQ(whole.flags, 0);
  EXPECT_EQ(whole.subpixel_bin, 0);
  EXPECT_EQ(dx, 1) << "0.6 px rounds to the next pixel";
}

TEST_F(LayoutCacheTest, MinusZeroIsZeroAndAHitAllocatesNothing) {
  TextStyle style;
  style.font = "DejaVu Sans 16";
  style.paragraph.tabs = {40, 120};
  style.paragraph.language = "zh-Hant-TW-x-private1";  // longer than a short string
  uint64_t ns = 0;
  const auto first = get(style, &ns);
  TextStyle minus = style;
  minus.paragraph.indent = -0.0f;
  minus.paragraph.spacing = -0.0f;
  EXPECT_EQ(get(minus, &ns), first);
  EXPECT_EQ(hash_paragraph_style(minus.paragraph), hash_paragraph_style(style.paragraph));

  const uint64_t ns_before = ns;
  const size_t before = g_allocations.load();
  auto hit = cache_.get(*layouter_, kText, style, &ns);
  const size_t after = g_allocations.load();
  ASSERT_TRUE(hit.ok());
  EXPECT_EQ(hit.value(), first);
  EXPECT_EQ(after, before) << "a cached layout's lookup allocated";
  EXPECT_EQ(ns, ns_before) << "a hit lays nothing out";
}

TEST_F(LayoutCacheTest, AMissLaysOutAHitDoesNotAndTheLeastRecentlyUsedGoesFirst) {
  cache_.set_capacity(2);
  TextStyle style;
  style.font = "DejaVu Sans 16";
  uint64_t ns = 0;
  const auto a = get("alpha", style, &ns);
  EXPECT_GT(ns, 0u) << "a miss is laid out";
  const auto b = get("beta", style, &ns);
  uint64_t before = ns;
  EXPECT_EQ(get("alpha", style, &ns), a);  // a hit, and alpha is now the most recent
  EXPECT_EQ(ns, before);
  const auto c = get("gamma", style, &ns);  // evicts beta, the least recently used
  before = ns;
  EXPECT_EQ(get("alpha", style, &ns), a);
  EXPECT_EQ(get("gamma", style, &ns), c);
  EXPECT_EQ(ns, before);
  const auto b2 = get("beta", style, &ns);
  EXPECT_NE(b2, b) << "beta was evicted and laid out again";
  EXPECT_GT(ns, before);
  EXPECT_NE(get("alpha", style, &ns), a) << "alpha went when beta came back";
}

TEST_F(LayoutCacheTest, FontTextWrapWidthAndMarkupArePartOfTheKey) {
  TextStyle base;
  base.font = "DejaVu Sans 16";
  uint64_t ns = 0;
  const auto first = get(kText, base, &ns);
  TextStyle font = base, wrap = base, markup = base;
  font.font = "DejaVu Sans 17";
  wrap.wrap_width = 40;
  markup.markup = true;
  const std::vector<std::shared_ptr<CachedLayout>> others = {
      get(kText, font, &ns), get(kText, wrap, &ns), get(kText, markup, &ns),
      get("Two paragraphs\nof text!", base, &ns)};
  for (size_t i = 0; i < others.size(); ++i) {
    EXPECT_NE(others[i], first) << i;
    for (size_t j = 0; j < i; ++j) EXPECT_NE(others[i], others[j]) << i << " " << j;
  }
  EXPECT_EQ(get(kText, base, &ns), first);
  TextStyle colour = base;  // the colour is applied when drawing: the same layout
  colour.color = Color{1, 0, 0, 1};
  EXPECT_EQ(get(kText, colour, &ns), first);
}

TEST_F(LayoutCacheTest, LargeTextsAndAZeroCapacityAreNeverKept) {
  TextStyle style;
  style.font = "DejaVu Sans 16";
  uint64_t ns = 0;
  const std::string large(LayoutCache::kMaxCachedLayoutBytes + 1, 'x');
  const auto once = get(large, style, &ns);
  EXPECT_NE(get(large, style, &ns), once) << "a text over kMaxCachedLayoutBytes is not kept";
  LayoutCache none;
  none.set_capacity(0);
  auto x = none.get(*layouter_, kText, style, &ns);
  auto y = none.get(*layouter_, kText, style, &ns);
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_NE(x.value(), y.value());
}

// TextLayout's queries need the PangoLayouts: a cached layout without them is replaced by one
// with them, which then serves plain draws too.
TEST_F(LayoutCacheTest, ALayoutWithQueriesReplacesOneWithout) {
  TextStyle style;
  style.font = "DejaVu Sans 16";
  uint64_t ns = 0;
  const auto plain = get(kText, style, &ns);
  EXPECT_FALSE(plain->queries);
  const auto with = get(kText, style, &ns, /*with_queries=*/true);
  EXPECT_NE(with, plain);
  EXPECT_TRUE(with->queries);
  EXPECT_EQ(get(kText, style, &ns), with);
  EXPECT_EQ(get(kText, style, &ns, /*with_queries=*/true), with);
}

}  // namespace
}  // namespace glyphstream::pipeline
