// The layout cache keys on the whole paragraph style, and a hit allocates nothing (a steady
// frame's draw_text builds no string or vector).
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

}  // namespace
}  // namespace glyphstream::pipeline
