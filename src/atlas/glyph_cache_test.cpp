#include "atlas/glyph_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

namespace glyphstream::atlas {
namespace {

GlyphKey key(uint32_t glyph, uint32_t size = 16 * 64, uint8_t bin = 0) {
  GlyphKey k;
  k.face_id = 1;
  k.glyph_id = glyph;
  k.size_26_6 = size;
  k.subpixel_bin = bin;
  return k;
}

CachedGlyph glyph(uint32_t index, uint32_t generation = 1) {
  CachedGlyph g;
  g.handle = AllocHandle{index, generation};
  g.rect = Rect{int(index), 0, 5, 5};
  return g;
}

TEST(GlyphCacheTest, InsertFindErase) {
  GlyphCache cache;
  EXPECT_EQ(cache.find(key(1)), nullptr);
  cache.insert(key(1), glyph(10));
  cache.insert(key(2), glyph(11));
  CachedGlyph space;  // no pixels
  cache.insert(key(3), space);
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_NE(cache.find(key(1)), nullptr);
  EXPECT_EQ(cache.find(key(1))->handle, (AllocHandle{10, 1}));
  EXPECT_TRUE(cache.find(key(3))->empty());
  // Keys differing only in size or sub-pixel bin are different glyphs.
  EXPECT_EQ(cache.find(key(1, 17 * 64)), nullptr);
  EXPECT_EQ(cache.find(key(1, 16 * 64, 2)), nullptr);

  cache.erase_handle(AllocHandle{10, 2});  // stale generation: not the owner
  EXPECT_NE(cache.find(key(1)), nullptr);
  cache.erase_handle(AllocHandle{10, 1});
  EXPECT_EQ(cache.find(key(1)), nullptr);
  EXPECT_EQ(cache.size(), 2u);
  cache.erase_handle(AllocHandle{10, 1});  // no-op
  cache.erase_handle(AllocHandle{});
  EXPECT_EQ(cache.size(), 2u);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.find(key(2)), nullptr);
}

TEST(GlyphCacheTest, ReinsertMovesTheEntryToTheNewAllocation) {
  GlyphCache cache;
  cache.insert(key(1), glyph(10));
  cache.insert(key(1), glyph(20));
  EXPECT_EQ(cache.size(), 1u);
  cache.erase_handle(AllocHandle{10, 1});  // the old allocation no longer owns the key
  ASSERT_NE(cache.find(key(1)), nullptr);
  EXPECT_EQ(cache.find(key(1))->handle, (AllocHandle{20, 1}));
  cache.erase_handle(AllocHandle{20, 1});
  EXPECT_EQ(cache.find(key(1)), nullptr);
}

TEST(GlyphCacheTest, HashSpreadsSimilarKeys) {
  GlyphKeyHash hash;
  std::set<size_t> buckets;
  for (uint32_t g = 0; g < 256; ++g) {
    for (uint8_t bin = 0; bin < 4; ++bin) buckets.insert(hash(key(g, 16 * 64, bin)) % 4096);
  }
  EXPECT_GT(buckets.size(), 800u);  // 1024 keys over 4096 buckets: few collisions
}

// Per-operation cost does not grow with the cache size (constant on average): 10x the entries
// cost about the same per operation. Both sizes miss the CPU caches, so this compares the
// algorithm, not the memory hierarchy; the bound is loose for a shared, noisy machine.
TEST(GlyphCacheTest, OperationsStayConstantTimeAsTheCacheGrows) {
  auto time_per_op = [](uint32_t n) {
    GlyphCache cache;
    for (uint32_t i = 0; i < n; ++i) cache.insert(key(i), glyph(i));
    const auto start = std::chrono::steady_clock::now();
    size_t hits = 0;
    for (uint32_t r = 0; r < 20000; ++r) {
      const uint32_t i = (r * 2654435761u) % n;
      hits += cache.find(key(i)) != nullptr;
      cache.erase_handle(AllocHandle{i, 1});
      cache.insert(key(i), glyph(i));
    }
    EXPECT_EQ(hits, 20000u);
    EXPECT_EQ(cache.size(), n);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const double small = time_per_op(30000);
  const double large = time_per_op(300000);
  EXPECT_LT(large, small * 4 + 0.005);  // a linear cost would be 10x
}

}  // namespace
}  // namespace glyphstream::atlas
