#include "atlas/atlas.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace glyphstream::atlas {
namespace {

bool intersects(const Rect& a, const Rect& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

bool contains(const Rect& outer, const Rect& inner) {
  return inner.x >= outer.x && inner.y >= outer.y && inner.right() <= outer.right() &&
         inner.bottom() <= outer.bottom();
}

// Step counts scale with GLYPHSTREAM_TEST_SCALE (percent) so sanitizer builds stay quick.
int scaled(int n) {
  const char* s = std::getenv("GLYPHSTREAM_TEST_SCALE");
  const int pct = s ? std::max(1, std::atoi(s)) : 100;
  return std::max(1, int(int64_t(n) * pct / 100));
}

#define EXPECT_INVARIANTS(atlas)                   \
  do {                                             \
    const Status st_ = (atlas).check_invariants(); \
    ASSERT_TRUE(st_.ok()) << st_.to_string();      \
  } while (0)

AtlasConfig small_config() {
  AtlasConfig c;
  c.page_width = 128;
  c.page_initial_height = 32;
  c.page_max_height = 128;
  c.memory_budget_bytes = 128 * 128 * 2;  // two R8 pages
  return c;
}

TEST(AtlasTest, DefaultsAreFilledIn) {
  Atlas atlas;
  const AtlasConfig& c = atlas.config();
  EXPECT_EQ(c.page_width, 1024);
  EXPECT_EQ(c.page_initial_height, 256);
  EXPECT_EQ(c.page_max_height, 1024);
  EXPECT_EQ(c.memory_budget_bytes, size_t(32) << 20);
  EXPECT_EQ(c.max_evicted_bytes_per_frame, size_t(8) << 20);
  EXPECT_EQ(atlas.page_count(), 0u);
}

TEST(AtlasTest, AllocationsAreInsideThePageAndDoNotOverlap) {
  Atlas atlas(small_config());
  std::vector<Allocation> allocs;
  std::mt19937 rng(1);
  for (int i = 0; i < 60; ++i) {
    const int w = 2 + int(rng() % 12), h = 2 + int(rng() % 12);
    AllocResult r = atlas.allocate(PixelFormat::kCoverage8, w, h);
    ASSERT_EQ(r.status, AllocStatus::kOk);
    EXPECT_EQ(r.alloc.rect.w, w);
    EXPECT_EQ(r.alloc.rect.h, h);
    EXPECT_EQ(r.alloc.format, PixelFormat::kCoverage8);
    const PageInfo info = atlas.page_info(r.alloc.page);
    EXPECT_TRUE(contains(Rect{0, 0, info.width, info.height}, r.alloc.rect));
    for (const Allocation& o : allocs) {
      if (o.page == r.alloc.page) {
        EXPECT_FALSE(intersects(o.rect, r.alloc.rect));
      }
    }
    allocs.push_back(r.alloc);
    const Allocation* found = atlas.lookup(r.alloc.handle);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->rect, r.alloc.rect);
    EXPECT_INVARIANTS(atlas);
  }
  const AtlasCounters c = atlas.counters();
  EXPECT_EQ(c.live_allocations, allocs.size());
  EXPECT_EQ(c.allocations, allocs.size());
  size_t area = 0;
  for (const Allocation& a : allocs) area += size_t(a.rect.w) * size_t(a.rect.h);
  EXPECT_EQ(c.used_area, area);
  EXPECT_GT(c.occupancy, 0.0);
  EXPECT_LE(c.occupancy, 1.0);
}

TEST(AtlasTest, StaleHandlesNeverAlias) {
  Atlas atlas(small_config());
  atlas.begin_frame(1);
  AllocResult a = atlas.allocate(PixelFormat::kCoverage8, 10, 10);
  ASSERT_EQ(a.status, AllocStatus::kOk);
  atlas.begin_frame(2);
  atlas.set_completed_frame(1);
  atlas.release(a.alloc.handle);
  EXPECT_EQ(atlas.lookup(a.alloc.handle), nullptr);
  AllocResult b = atlas.allocate(PixelFormat::kCoverage8, 10, 10);
  ASSERT_EQ(b.status, AllocStatus::kOk);
  EXPECT_EQ(b.alloc.handle.index, a.alloc.handle.index);  // the slot is reused...
  EXPECT_NE(b.alloc.handle, a.alloc.handle);              // ...under a new generation
  EXPECT_EQ(atlas.lookup(a.alloc.handle), nullptr);
  // Stale and invalid handles are no-ops everywhere.
  const uint8_t pixels[100] = {};
  atlas.touch(a.alloc.handle);
  atlas.write(a.alloc.handle, pixels, 10);
  atlas.release(a.alloc.handle);
  atlas.release(AllocHandle{});
  EXPECT_EQ(atlas.lookup(AllocHandle{}), nullptr);
  EXPECT_EQ(atlas.lookup(AllocHandle{12345, 1}), nullptr);
  EXPECT_NE(atlas.lookup(b.alloc.handle), nullptr);
  EXPECT_EQ(atlas.counters().frees, 1u);
  EXPECT_INVARIANTS(atlas);
}

TEST(AtlasTest, ReleaseReclaimsEmptyShelvesForOtherHeights) {
  AtlasConfig cfg = small_config();
  cfg.memory_budget_bytes = 128 * 128;  // one page
  cfg.page_initial_height = 128;
  Atlas atlas(cfg);
  atlas.begin_frame(1);
  std::vector<AllocHandle> handles;
  // Fill the page with 16-px-tall glyphs.
  for (;;) {
    AllocResult r = atlas.allocate(PixelFormat::kCoverage8, 16, 16);
    if (r.status != AllocStatus::kOk) break;
    handles.push_back(r.alloc.handle);
  }
  EXPECT_EQ(handles.size(), 64u);  // 8 x 8 cells of 16 x 16
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 32, 32).status, AllocStatus::kFull);
  atlas.begin_frame(2);
  atlas.set_completed_frame(1);
  for (AllocHandle h : handles) atlas.release(h);
  EXPECT_EQ(atlas.counters().used_area, 0u);
  EXPECT_INVARIANTS(atlas);
  // The emptied bands take glyphs of another height: a 128-px-tall one spans all of them.
  AllocResult big = atlas.allocate(PixelFormat::kCoverage8, 122, 128);
  ASSERT_EQ(big.status, AllocStatus::kOk);
  EXPECT_EQ(big.alloc.rect.y, 0);
  EXPECT_INVARIANTS(atlas);
}

TEST(AtlasTest, ANewShelfTakesTheWholeBandRatherThanLeaveASliver) {
  AtlasConfig cfg = small_config();
  cfg.page_initial_height = 64;
  cfg.page_max_height = 64;
  cfg.memory_budget_bytes = 128 * 64;  // one page, no growth
  Atlas atlas(cfg);
  atlas.begin_frame(1);
  // A fills the first 32-px shelf; 32 free rows remain below it.
  ASSERT_EQ(atlas.allocate(PixelFormat::kCoverage8, 126, 32).status, AllocStatus::kOk);
  // B needs 31 rows: its shelf takes all 32 (a 1-px leftover could never be used).
  const AllocResult b = atlas.allocate(PixelFormat::kCoverage8, 62, 31);
  ASSERT_EQ(b.status, AllocStatus::kOk);
  // So C, 32 rows, fits beside B; with a 31-row shelf the page would be full.
  const AllocResult c = atlas.allocate(PixelFormat::kCoverage8, 62, 32);
  ASSERT_EQ(c.status, AllocStatus::kOk);
  EXPECT_EQ(c.alloc.rect.y, b.alloc.rect.y);
  EXPECT_INVARIANTS(atlas);
}

TEST(AtlasTest, ReleaseOfAGlyphInFlightWaitsForItsFrame) {
  AtlasConfig cfg = small_config();
  cfg.page_initial_height = 128;
  cfg.memory_budget_bytes = 128 * 128;
  Atlas atlas(cfg);
  atlas.begin_frame(1);
  std::vector<AllocHandle> handles;
  for (;;) {
    AllocResult r = atlas.allocate(PixelFormat::kCoverage8, 30, 30);
    if (r.status != AllocStatus::kOk) break;
    handles.push_back(r.alloc.handle);
  }
  ASSERT_EQ(handles.size(), 16u);
  const Rect freed = atlas.lookup(handles[5])->rect;
  atlas.release(handles[5]);  // frame 1 may still sample it
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 30, 30).status, AllocStatus::kFull);
  EXPECT_INVARIANTS(atlas);
  atlas.begin_frame(2);
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 30, 30).status, AllocStatus::kFull);
  atlas.set_completed_frame(1);
  AllocResult r = atlas.allocate(PixelFormat::kCoverage8, 30, 30);
  ASSERT_EQ(r.status, AllocStatus::kOk);
  EXPECT_EQ(r.alloc.rect, freed);
  EXPECT_INVARIANTS(atlas);
}

TEST(AtlasTest, PagesGrowWithoutMovingLiveGlyphs) {
  Atlas atlas(small_config());
  atlas.begin_frame(1);
  std::vector<std::pair<AllocHandle, Rect>> live;
  std::vector<uint8_t> pixels(14 * 14);
  uint32_t generation = 0;
  int growths_seen = 0;
  for (int i = 0; i < 40; ++i) {
    AllocResult r = atlas.allocate(PixelFormat::kCoverage8, 14, 14);
    ASSERT_EQ(r.status, AllocStatus::kOk);
    std::fill(pixels.begin(), pixels.end(), uint8_t(i + 1));
    atlas.write(r.alloc.handle, pixels.data(), 14);
    live.push_back({r.alloc.handle, r.alloc.rect});
    const PageInfo info = atlas.page_info(0);
    if (info.generation != generation) {
      EXPECT_GT(info.generation, generation);
      generation = info.generation;
      ++growths_seen;
    }
    EXPECT_INVARIANTS(atlas);
  }
  EXPECT_GE(growths_seen, 1);
  EXPECT_EQ(atlas.page_count(), 1u);
  EXPECT_EQ(atlas.page_info(0).height, 128);  // 32 -> 64 -> 128
  EXPECT_EQ(atlas.counters().growths, 2u);
  // Every glyph kept its place and its pixels.
  for (size_t i = 0; i < live.size(); ++i) {
    const Allocation* a = atlas.lookup(live[i].first);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->rect, live[i].second);
    const uint8_t* p = atlas.page_pixels(a->page);
    const size_t stride = atlas.page_stride(a->page);
    EXPECT_EQ(p[size_t(a->rect.y) * stride + size_t(a->rect.x)], uint8_t(i + 1));
    EXPECT_EQ(p[size_t(a->rect.y + 13) * stride + size_t(a->rect.x + 13)], uint8_t(i + 1));
  }
}

TEST(AtlasTest, NewPageWhenThePageIsFullAndSeparateFormats) {
  Atlas atlas(small_config());
  atlas.begin_frame(1);
  int n = 0;
  while (atlas.page_count() < 2) {
    ASSERT_EQ(atlas.allocate(PixelFormat::kCoverage8, 22, 22).status, AllocStatus::kOk);
    ++n;
  }
  EXPECT_EQ(n, 26);  // 5 x 5 cells of 22 px in 128 x 128, then the next page
  EXPECT_EQ(atlas.counters().pages, 2u);
  EXPECT_INVARIANTS(atlas);

  AtlasConfig cfg = small_config();
  cfg.memory_budget_bytes = 1 << 20;
  Atlas mixed(cfg);
  AllocResult a = mixed.allocate(PixelFormat::kCoverage8, 10, 10);
  AllocResult b = mixed.allocate(PixelFormat::kColor32, 10, 10);
  ASSERT_EQ(a.status, AllocStatus::kOk);
  ASSERT_EQ(b.status, AllocStatus::kOk);
  EXPECT_NE(a.alloc.page, b.alloc.page);
  EXPECT_EQ(b.alloc.format, PixelFormat::kColor32);
  EXPECT_EQ(mixed.page_info(b.alloc.page).format, PixelFormat::kColor32);
  EXPECT_EQ(mixed.page_stride(b.alloc.page), 128u * 4);
  EXPECT_EQ(mixed.page_stride(a.alloc.page), 128u);
  EXPECT_EQ(mixed.counters().bytes, 128u * 32 + 128u * 32 * 4);
  EXPECT_INVARIANTS(mixed);
}

TEST(AtlasTest, TooLargeAndInvalidSizes) {
  Atlas atlas(small_config());
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 129, 10).status, AllocStatus::kTooLarge);
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 10, 129).status, AllocStatus::kTooLarge);
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 0, 10).status, AllocStatus::kTooLarge);
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 10, -1).status, AllocStatus::kTooLarge);
  // An RGBA page of this height would not fit the budget at all.
  EXPECT_EQ(atlas.allocate(PixelFormat::kColor32, 128, 128).status, AllocStatus::kTooLarge);
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 128, 128).status, AllocStatus::kOk);
  EXPECT_INVARIANTS(atlas);
}

TEST(AtlasTest, FullWhenEverythingIsPinned) {
  AtlasConfig cfg = small_config();
  cfg.memory_budget_bytes = 128 * 128;
  Atlas atlas(cfg);
  atlas.begin_frame(1);
  atlas.set_completed_frame(0);
  int placed = 0;
  while (atlas.allocate(PixelFormat::kCoverage8, 16, 16).status == AllocStatus::kOk) ++placed;
  EXPECT_EQ(placed, 64);
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 16, 16).status, AllocStatus::kFull);
  EXPECT_GE(atlas.counters().full_results, 2u);
  // Next frame, but frame 1 has not completed on the GPU: still nothing may be evicted.
  atlas.begin_frame(2);
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 16, 16).status, AllocStatus::kFull);
  EXPECT_TRUE(atlas.take_evicted().empty());
  // Once it has, the least recently used shelf goes.
  atlas.set_completed_frame(1);
  AllocResult r = atlas.allocate(PixelFormat::kCoverage8, 16, 16);
  ASSERT_EQ(r.status, AllocStatus::kOk);
  const std::vector<AllocHandle> evicted = atlas.take_evicted();
  EXPECT_EQ(evicted.size(), 8u);  // one shelf of 8 glyphs
  for (AllocHandle h : evicted) EXPECT_EQ(atlas.lookup(h), nullptr);
  EXPECT_EQ(atlas.counters().evictions, 8u);
  EXPECT_EQ(atlas.counters().evicted_shelves, 1u);
  EXPECT_TRUE(atlas.take_evicted().empty());
  EXPECT_INVARIANTS(atlas);
}

TEST(AtlasTest, EvictionIsLeastRecentlyUsedAndSparesTouchedGlyphs) {
  AtlasConfig cfg = small_config();
  cfg.memory_budget_bytes = 128 * 128;
  cfg.page_initial_height = 128;
  Atlas atlas(cfg);
  atlas.begin_frame(1);
  std::vector<AllocHandle> handles;
  for (int i = 0; i < 64; ++i)
    handles.push_back(atlas.allocate(PixelFormat::kCoverage8, 16, 16).alloc.handle);
  const int first_shelf_y = atlas.lookup(handles[0])->rect.y;
  atlas.begin_frame(2);
  atlas.set_completed_frame(1);
  // Frame 2 uses the glyph in the first (oldest) shelf: that shelf must survive.
  atlas.touch(handles[0]);
  for (int i = 0; i < 8; ++i)
    ASSERT_EQ(atlas.allocate(PixelFormat::kCoverage8, 16, 16).status, AllocStatus::kOk);
  ASSERT_NE(atlas.lookup(handles[0]), nullptr);
  EXPECT_EQ(atlas.lookup(handles[0])->rect.y, first_shelf_y);
  for (AllocHandle h : atlas.take_evicted()) EXPECT_NE(h, handles[0]);
  EXPECT_INVARIANTS(atlas);
}

TEST(AtlasTest, EvictionIsRateLimitedPerFrame) {
  AtlasConfig cfg = small_config();
  cfg.memory_budget_bytes = 128 * 128;
  cfg.page_initial_height = 128;
  cfg.max_evicted_bytes_per_frame = 2 * 8 * 16 * 16;  // two shelves of 8 glyphs
  Atlas atlas(cfg);
  atlas.begin_frame(1);
  for (int i = 0; i < 64; ++i)
    ASSERT_EQ(atlas.allocate(PixelFormat::kCoverage8, 16, 16).status, AllocStatus::kOk);
  atlas.begin_frame(2);
  atlas.set_completed_frame(1);
  int placed = 0;
  while (atlas.allocate(PixelFormat::kCoverage8, 16, 16).status == AllocStatus::kOk) ++placed;
  EXPECT_EQ(placed, 16);
  EXPECT_EQ(atlas.counters().evicted_shelves, 2u);
  atlas.begin_frame(3);
  atlas.set_completed_frame(2);
  EXPECT_EQ(atlas.allocate(PixelFormat::kCoverage8, 16, 16).status, AllocStatus::kOk);
  EXPECT_INVARIANTS(atlas);
}

TEST(AtlasTest, WriteCopiesPixelsAndDirtyRectsCoverEverything) {
  AtlasConfig cfg;
  cfg.page_width = 1024;
  cfg.page_initial_height = 1024;
  Atlas atlas(cfg);
  atlas.begin_frame(1);
  std::mt19937 rng(7);
  std::vector<Allocation> written;
  for (int i = 0; i < 2000; ++i) {
    const int w = 4 + int(rng() % 28), h = 8 + int(rng() % 26);
    AllocResult r = atlas.allocate(PixelFormat::kCoverage8, w, h);
    ASSERT_EQ(r.status, AllocStatus::kOk);
    std::vector<uint8_t> px(size_t(w) * size_t(h));
    for (size_t k = 0; k < px.size(); ++k) px[k] = uint8_t(1 + (k + size_t(i)) % 255);
    atlas.write(r.alloc.handle, px.data(), size_t(w));
    written.push_back(r.alloc);
  }
  EXPECT_TRUE(atlas.has_dirty());
  std::vector<Rect> rects = atlas.take_dirty_rects(0);
  EXPECT_FALSE(atlas.has_dirty());
  EXPECT_TRUE(atlas.take_dirty_rects(0).empty());
  EXPECT_LE(rects.size(), 8u);
  EXPECT_GE(rects.size(), 1u);
  const PageInfo info = atlas.page_info(0);
  size_t dirty_area = 0, written_area = 0;
  for (const Rect& r : rects) {
    EXPECT_TRUE(contains(Rect{0, 0, info.width, info.height}, r));
    dirty_area += size_t(r.w) * size_t(r.h);
  }
  const uint8_t* p = atlas.page_pixels(0);
  const size_t stride = atlas.page_stride(0);
  for (size_t i = 0; i < written.size(); ++i) {
    const Rect pr = written[i].rect;
    written_area += size_t(pr.w) * size_t(pr.h);
    // Every written rect lies in the union of the dirty rects (rects of distinct shelves are
    // disjoint, so check row by row).
    for (int y = pr.y; y < pr.bottom(); ++y) {
      int covered = 0;
      for (const Rect& r : rects) {
        if (y >= r.y && y < r.bottom())
          covered += std::max(0, std::min(r.right(), pr.right()) - std::max(r.x, pr.x));
      }
      ASSERT_GE(covered, pr.w) << "row " << y << " of glyph " << i;
    }
    // The first and last pixels of the glyph's rect are its own (no gutter shifts them).
    const size_t last = size_t(pr.w) * size_t(pr.h) - 1;
    EXPECT_EQ(p[size_t(pr.y) * stride + size_t(pr.x)], uint8_t(1 + i % 255));
    EXPECT_EQ(p[size_t(pr.bottom() - 1) * stride + size_t(pr.right() - 1)],
              uint8_t(1 + (last + i) % 255));
  }
  // Coalescing uploads little more than what was written.
  EXPECT_LE(double(dirty_area), 1.6 * double(written_area));

  // A few glyphs in two shelves: few rects, tight.
  atlas.begin_frame(2);
  atlas.set_completed_frame(1);
  std::vector<uint8_t> row(64, 9);
  const uint8_t* one = row.data();
  atlas.write(written[0].handle, one, 0);  // stride 0: the same row repeated
  atlas.write(written[1].handle, one, 0);
  rects = atlas.take_dirty_rects(0);
  ASSERT_GE(rects.size(), 1u);
  EXPECT_LE(rects.size(), 2u);
}

TEST(AtlasTest, DebugImageHasThePageSize) {
  Atlas atlas(small_config());
  ASSERT_EQ(atlas.allocate(PixelFormat::kCoverage8, 10, 10).status, AllocStatus::kOk);
  const std::vector<uint8_t> img = atlas.debug_image(0);
  EXPECT_EQ(img.size(), size_t(128) * 32 * 4);
  EXPECT_TRUE(atlas.debug_image(5).empty());
  // Not all one colour: shelves and allocations are outlined.
  std::set<uint32_t> colours;
  for (size_t i = 0; i < img.size(); i += 4) {
    colours.insert(uint32_t(img[i]) << 16 | uint32_t(img[i + 1]) << 8 | img[i + 2]);
  }
  EXPECT_GE(colours.size(), 3u);
}

// Random alloc / write / release / touch / frame steps with lagging completion; invariants after
// every step. Small pages so that growth, new pages, merges and eviction all happen often.
TEST(AtlasTest, RandomizedOperationsKeepInvariants) {
  const int steps = scaled(120000);
  std::mt19937 rng(12345);
  AtlasConfig cfg;
  cfg.page_width = 512;  // two columns
  cfg.page_initial_height = 32;
  cfg.page_max_height = 128;
  cfg.memory_budget_bytes = 512 * 128 * 3;
  cfg.max_evicted_bytes_per_frame = 512 * 128 / 2;
  Atlas atlas(cfg);
  std::vector<AllocHandle> live;
  uint64_t frame = 1, completed = 0;
  atlas.begin_frame(frame);
  std::vector<uint8_t> px(300 * 4 * 130, 7);
  int ok = 0, full = 0, too_large = 0;
  for (int step = 0; step < steps; ++step) {
    const int op = int(rng() % 100);
    if (op < 45) {
      const bool wide = rng() % 200 == 0;
      const int w = wide ? 200 + int(rng() % 400) : 1 + int(rng() % 30);
      const int h = rng() % 50 == 0 ? 40 + int(rng() % 100) : 1 + int(rng() % 24);
      const PixelFormat f = rng() % 8 == 0 ? PixelFormat::kColor32 : PixelFormat::kCoverage8;
      AllocResult r = atlas.allocate(f, w, h);
      if (r.status == AllocStatus::kOk) {
        ++ok;
        live.push_back(r.alloc.handle);
        if (rng() % 2)
          atlas.write(r.alloc.handle, px.data(), size_t(w) * size_t(bytes_per_pixel(f)));
      } else if (r.status == AllocStatus::kFull) {
        ++full;
      } else {
        ++too_large;
      }
    } else if (op < 60 && !live.empty()) {
      const size_t i = rng() % live.size();
      atlas.release(live[i]);
      live[i] = live.back();
      live.pop_back();
    } else if (op < 80 && !live.empty()) {
      atlas.touch(live[rng() % live.size()]);
    } else if (op < 88) {
      atlas.begin_frame(++frame);
      atlas.take_evicted();
    } else if (op < 94) {
      completed = std::max(completed, frame - 1 - rng() % 3);
      atlas.set_completed_frame(completed);
    } else if (op < 97) {
      atlas.take_dirty_rects(rng() % std::max<size_t>(1, atlas.page_count()));
    } else {
      for (AllocHandle h : atlas.take_evicted()) {
        EXPECT_EQ(atlas.lookup(h), nullptr);
      }
      std::erase_if(live, [&](AllocHandle h) { return atlas.lookup(h) == nullptr; });
    }
    const Status st = atlas.check_invariants();
    ASSERT_TRUE(st.ok()) << "step " << step << ": " << st.to_string();
  }
  const AtlasCounters c = atlas.counters();
  EXPECT_GT(ok, steps / 10);
  EXPECT_GT(full, 0);
  EXPECT_GT(too_large, 0);
  EXPECT_GT(c.evictions, 0u);
  EXPECT_GT(c.growths, 0u);
  EXPECT_GT(c.frees, 0u);
  EXPECT_GT(c.pages, 1u);
}

// A simulated GPU completes frames 1-3 frames late. For every frame we record the rects it
// samples (glyphs allocated or touched in it); no allocation may overlap a rect of a frame that
// has not completed, and nothing touched in the current frame may be evicted.
TEST(AtlasTest, EvictionNeverReusesRegionsOfFramesInFlight) {
  const int frames = scaled(3000);
  std::mt19937 rng(99);
  AtlasConfig cfg;
  cfg.page_width = 256;
  cfg.page_initial_height = 64;
  cfg.page_max_height = 256;
  cfg.memory_budget_bytes = 256 * 256 * 2;
  cfg.max_evicted_bytes_per_frame = 256 * 256;
  Atlas atlas(cfg);
  struct Use {
    uint16_t page;
    Rect rect;
  };
  std::map<uint64_t, std::vector<Use>> used;  // frame -> rects sampled by it
  std::vector<AllocHandle> live;
  uint64_t completed = 0;
  size_t reuse_checks = 0, evicted_total = 0, full = 0;
  for (uint64_t f = 1; f <= uint64_t(frames); ++f) {
    atlas.begin_frame(f);
    // The GPU finishes frames with a lag of 1..3.
    const uint64_t lag = 1 + rng() % 3;
    if (f > lag && f - lag > completed) completed = f - lag;
    atlas.set_completed_frame(completed);
    for (auto it = used.begin(); it != used.end() && it->first <= completed;) it = used.erase(it);
    std::vector<Use>& now = used[f];
    std::set<uint32_t> touched_now;
    // Draw some cached glyphs.
    const size_t draws = live.empty() ? 0 : rng() % std::min<size_t>(live.size(), 40);
    for (size_t i = 0; i < draws; ++i) {
      const AllocHandle h = live[rng() % live.size()];
      const Allocation* a = atlas.lookup(h);
      ASSERT_NE(a, nullptr);
      atlas.touch(h);
      now.push_back({a->page, a->rect});
      touched_now.insert(h.index);
    }
    // New glyphs.
    const int news = int(rng() % 30);
    for (int i = 0; i < news; ++i) {
      const int w = 2 + int(rng() % 24), h = 2 + int(rng() % 24);
      AllocResult r = atlas.allocate(PixelFormat::kCoverage8, w, h);
      for (AllocHandle e : atlas.take_evicted()) {
        ASSERT_EQ(touched_now.count(e.index), 0u) << "evicted a glyph drawn in this frame";
        std::erase(live, e);
        ++evicted_total;
      }
      if (r.status != AllocStatus::kOk) {
        ++full;
        continue;
      }
      const Rect pr = r.alloc.rect;
      for (const auto& [frame, uses] : used) {
        for (const Use& u : uses) {
          ++reuse_checks;
          ASSERT_FALSE(u.page == r.alloc.page && intersects(u.rect, pr))
              << "frame " << f << " reused a region frame " << frame << " may still sample";
        }
      }
      live.push_back(r.alloc.handle);
      now.push_back({r.alloc.page, pr});
      touched_now.insert(r.alloc.handle.index);
    }
    // Sometimes the owner drops glyphs itself.
    if (!live.empty() && rng() % 4 == 0) {
      const size_t i = rng() % live.size();
      atlas.release(live[i]);
      live[i] = live.back();
      live.pop_back();
    }
    if (f % 64 == 0) EXPECT_INVARIANTS(atlas);
  }
  EXPECT_GT(evicted_total, 100u);
  EXPECT_GT(reuse_checks, 1000u);
  (void)full;
  EXPECT_INVARIANTS(atlas);
}

}  // namespace
}  // namespace glyphstream::atlas

namespace glyphstream::atlas {
namespace {

// Issue 26: a glyph rendered straight into its page gets a zeroed rect (its slot's old pixels
// gone) and its address; its neighbour, right beside it (no gutter), keeps its pixels.
TEST(AtlasTest, ClearForRenderZeroesTheGlyphsRectOnly) {
  AtlasConfig cfg = small_config();
  Atlas atlas(cfg);
  atlas.begin_frame(1);
  AllocResult a = atlas.allocate(PixelFormat::kCoverage8, 10, 7);
  AllocResult b = atlas.allocate(PixelFormat::kCoverage8, 10, 7);
  ASSERT_EQ(a.status, AllocStatus::kOk);
  ASSERT_EQ(b.status, AllocStatus::kOk);
  ASSERT_EQ(a.alloc.rect.right(), b.alloc.rect.x);  // side by side
  const std::vector<uint8_t> full(70, 0xFF);
  atlas.write(a.alloc.handle, full.data(), 10);
  atlas.write(b.alloc.handle, full.data(), 10);
  size_t stride = 0;
  const size_t page_stride = atlas.page_stride(b.alloc.page);
  uint8_t* page = const_cast<uint8_t*>(atlas.page_pixels(b.alloc.page));
  const Rect& r = b.alloc.rect;
  uint8_t* dst = atlas.clear_for_render(b.alloc.handle, &stride);
  ASSERT_NE(dst, nullptr);
  EXPECT_EQ(stride, page_stride);
  EXPECT_EQ(dst, page + size_t(r.y) * stride + size_t(r.x));
  for (int y = r.y; y < r.bottom(); ++y) {
    for (int x = r.x; x < r.right(); ++x) {
      ASSERT_EQ(page[size_t(y) * stride + size_t(x)], 0) << x << "," << y;
    }
  }
  const Rect& ra = a.alloc.rect;  // the neighbour is untouched
  for (int y = ra.y; y < ra.y + ra.h; ++y) {
    for (int x = ra.x; x < ra.x + ra.w; ++x) {
      ASSERT_EQ(page[size_t(y) * stride + size_t(x)], 0xFF) << x << "," << y;
    }
  }
  atlas.release(a.alloc.handle);
  EXPECT_EQ(atlas.clear_for_render(a.alloc.handle, &stride), nullptr);  // stale
  EXPECT_INVARIANTS(atlas);
}

}  // namespace
}  // namespace glyphstream::atlas
