// Outlines kept past the next prepare() (issue 26): a rasterizer prepares many glyphs into an
// arena, and another rasterizer on another thread renders them into a page-like buffer at its
// stride; the pixels equal rasterize()'s, the coverage curve included, and nothing outside the
// box is written.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "glyphstream/rendering.h"
#include "text/layout.h"
#include "text/rasterizer.h"
#include "text/rendering_options.h"

namespace glyphstream::text {
namespace {

TEST(KeptOutline, RenderedOnAnotherThreadEqualsRasterize) {
  FontRegistry registry;
  auto layouter = Layouter::create(&registry);
  ASSERT_TRUE(layouter.ok()) << layouter.status().to_string();
  LayoutParams params;
  params.font = "Sans 20";
  auto layout = layouter.value()->layout("Ag 漢字 Привет, quartz!", params);
  ASSERT_TRUE(layout.ok()) << layout.status().to_string();
  RenderingStyle curved;
  curved.coverage_gamma = 1.8f;
  curved.coverage_contrast = 0.4f;
  const uint16_t curve = render_mode::with_curve(0, coverage_curve_of(curved));
  ASSERT_NE(curve, 0);

  struct Case {
    RasterRequest request;
    KeptOutline kept;
  };
  std::vector<Case> cases;
  Rasterizer preparer(&registry);
  OutlineArena arena;
  for (const ShapedGlyph& g : layout->glyphs) {
    for (uint16_t render : {uint16_t(0), curve}) {
      const RasterRequest r{g.face, g.glyph_id, g.size_26_6, uint8_t(g.glyph_id % 4), 0, render};
      auto p = preparer.prepare(r);
      ASSERT_TRUE(p.ok()) << p.status().to_string();
      if (!p->keepable) continue;
      const KeptOutline kept = preparer.keep_prepared(arena);
      ASSERT_TRUE(kept.valid());
      EXPECT_EQ(kept.width, p->bitmap.width);
      EXPECT_EQ(kept.height, p->bitmap.height);
      EXPECT_EQ(preparer.render_prepared(nullptr, 0).code(), ErrorCode::kInternal)
          << "a kept outline is no longer prepared";
      cases.push_back({r, kept});
    }
  }
  ASSERT_GT(cases.size(), 20u);

  constexpr size_t kStride = 131, kRows = 90, kX = 7, kY = 4;
  std::vector<std::vector<uint8_t>> pages(cases.size(), std::vector<uint8_t>(kStride * kRows));
  std::thread renderer([&] {
    Rasterizer other(&registry);
    for (size_t i = 0; i < cases.size(); ++i) {
      std::vector<uint8_t>& page = pages[i];
      std::fill(page.begin(), page.end(), 0xAB);
      for (int y = 0; y < cases[i].kept.height; ++y) {
        std::fill_n(page.begin() + long((kY + size_t(y)) * kStride + kX), cases[i].kept.width, 0);
      }
      EXPECT_TRUE(other.render_kept(cases[i].kept, page.data() + kY * kStride + kX, kStride).ok());
    }
  });
  renderer.join();

  Rasterizer reference(&registry);
  for (size_t i = 0; i < cases.size(); ++i) {
    auto want = reference.rasterize(cases[i].request);
    ASSERT_TRUE(want.ok()) << want.status().to_string();
    ASSERT_LE(size_t(want->width) + kX, kStride);
    ASSERT_LE(size_t(want->height) + kY, kRows);
    for (size_t y = 0; y < kRows; ++y) {
      for (size_t x = 0; x < kStride; ++x) {
        const bool inside =
            y >= kY && y < kY + size_t(want->height) && x >= kX && x < kX + size_t(want->width);
        const uint8_t expected =
            inside ? want->pixels[(y - kY) * size_t(want->width) + (x - kX)] : 0xAB;
        ASSERT_EQ(pages[i][y * kStride + x], expected)
            << "glyph " << cases[i].request.glyph_id << " render " << cases[i].request.render
            << " at " << x << "," << y;
      }
    }
  }
}

TEST(KeptOutline, ArenaBlocksStayPutAndAreReusedWithinABound) {
  OutlineArena arena;
  uint8_t* first = arena.take(100);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 16, 0u);
  first[0] = 42;
  std::vector<uint8_t*> taken;
  for (int i = 0; i < 5000; ++i) taken.push_back(arena.take(1000));  // several blocks
  uint8_t* huge = arena.take(OutlineArena::kBlock * 3);              // larger than a block: its own
  huge[OutlineArena::kBlock * 3 - 1] = 7;
  EXPECT_EQ(first[0], 42) << "earlier outlines never move";
  EXPECT_GE(arena.capacity(), 5000u * 1008 + OutlineArena::kBlock * 3);
  for (size_t i = 1; i < taken.size(); ++i) EXPECT_NE(taken[i], taken[i - 1]);
  arena.reset();
  EXPECT_LE(arena.capacity(), OutlineArena::kKeptBytes);
  EXPECT_EQ(arena.take(16), first) << "the first block is reused";
  OutlineArena big;
  for (int i = 0; i < 100; ++i) big.take(OutlineArena::kBlock);
  big.reset();
  EXPECT_LE(big.capacity(), OutlineArena::kKeptBytes) << "a cold page's blocks are not all kept";
}

}  // namespace
}  // namespace glyphstream::text
