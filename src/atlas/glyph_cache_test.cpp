#include "atlas/glyph_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <unordered_set>

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

TEST(GlyphCacheTest, ReserveKeepsEntriesAndTheirAddresses) {
  GlyphCache cache;
  cache.insert(key(1), glyph(1));
  const CachedGlyph* first = cache.find(key(1));
  cache.reserve(5000);  // rehashes: nodes stay where they are
  EXPECT_EQ(cache.find(key(1)), first);
  const uint64_t epoch = cache.epoch();
  for (uint32_t g = 2; g <= 4000; ++g) cache.insert(key(g, 16 * 64 + g % 7), glyph(g));
  EXPECT_EQ(cache.epoch(), epoch);  // inserts never move entries
  EXPECT_EQ(cache.find(key(1)), first);
  EXPECT_EQ(cache.size(), 4000u);
  GlyphKey found;
  ASSERT_NE(cache.find_nearest_size(key(9, 20 * 64), &found), nullptr);
  EXPECT_EQ(found.size_26_6, 16u * 64 + 9 % 7);
}

// Stand-ins for scaled drawing: the next larger size, else the next smaller; pixels before
// empty rasters; bin 0 among equal sizes; never another glyph; evicted sizes forgotten.
TEST(GlyphCacheTest, NearestSizePrefersTheNextLargerRaster) {
  GlyphCache cache;
  GlyphKey found;
  EXPECT_EQ(cache.find_nearest_size(key(1, 20 * 64), &found), nullptr);
  cache.insert(key(2, 20 * 64), glyph(1));  // another glyph at the very size
  EXPECT_EQ(cache.find_nearest_size(key(1, 20 * 64), &found), nullptr);
  cache.insert(key(1, 12 * 64), glyph(2));
  cache.insert(key(1, 18 * 64), glyph(3));
  cache.insert(key(1, 24 * 64, 2), glyph(4));
  cache.insert(key(1, 24 * 64, 0), glyph(5));
  cache.insert(key(1, 32 * 64), glyph(6));
  EXPECT_EQ(cache.find_nearest_size(key(1, 20 * 64), &found)->handle, (AllocHandle{5, 1}));
  EXPECT_EQ(found, key(1, 24 * 64, 0));
  EXPECT_EQ(cache.find_nearest_size(key(1, 40 * 64), &found)->handle, (AllocHandle{6, 1}));
  EXPECT_EQ(found.size_26_6, 32u * 64);
  EXPECT_EQ(cache.find_nearest_size(key(1, 10 * 64), &found)->handle, (AllocHandle{2, 1}));
  cache.erase_handle(AllocHandle{5, 1});
  cache.erase_handle(AllocHandle{4, 1});
  cache.erase_handle(AllocHandle{6, 1});
  EXPECT_EQ(cache.find_nearest_size(key(1, 20 * 64), &found)->handle, (AllocHandle{3, 1}));
  cache.insert(key(1, 21 * 64), CachedGlyph{});  // empty: only when nothing else is there
  EXPECT_EQ(cache.find_nearest_size(key(1, 20 * 64), &found)->handle, (AllocHandle{3, 1}));
  cache.clear();
  EXPECT_EQ(cache.find_nearest_size(key(1, 20 * 64), &found), nullptr);
}

// Rotated rasters (GlyphKey::angle_bin) are other glyphs, also for zoom stand-ins: a glyph at
// another angle is another shape.
TEST(GlyphCacheTest, AngleBinsAreDistinctKeysAndStandInsKeepTheAngle) {
  GlyphCache cache;
  GlyphKey turned = key(1);
  turned.angle_bin = 480;  // 30 degrees
  cache.insert(key(1), glyph(10));
  EXPECT_EQ(cache.find(turned), nullptr);
  EXPECT_NE(GlyphKeyHash()(turned), GlyphKeyHash()(key(1)));
  GlyphKey found;
  GlyphKey turned_larger = turned;
  turned_larger.size_26_6 = 20 * 64;
  EXPECT_EQ(cache.find_nearest_size(turned_larger, &found), nullptr);  // only upright cached
  cache.insert(turned, glyph(11));
  ASSERT_NE(cache.find(turned), nullptr);
  EXPECT_EQ(cache.find(turned)->handle, (AllocHandle{11, 1}));
  ASSERT_NE(cache.find_nearest_size(turned_larger, &found), nullptr);
  EXPECT_EQ(found.angle_bin, 480);
  EXPECT_EQ(cache.find_nearest_size(turned_larger, &found)->handle, (AllocHandle{11, 1}));
  cache.erase_handle(AllocHandle{11, 1});
  EXPECT_EQ(cache.find_nearest_size(turned_larger, &found), nullptr);
  EXPECT_NE(cache.find(key(1)), nullptr);
}

TEST(GlyphCacheTest, RenderModesAreSeparateEntriesAndNeverStandInForEachOther) {
  GlyphCache cache;
  GlyphKey hinted = key(1, 20 * 64);
  hinted.flags = 0x06;
  cache.insert(key(1, 20 * 64), glyph(1));
  cache.insert(hinted, glyph(2));
  EXPECT_EQ(cache.find(key(1, 20 * 64))->handle, (AllocHandle{1, 1}));
  EXPECT_EQ(cache.find(hinted)->handle, (AllocHandle{2, 1}));
  GlyphKey wanted = hinted, found;
  wanted.size_26_6 = 24 * 64;
  EXPECT_EQ(cache.find_nearest_size(wanted, &found)->handle, (AllocHandle{2, 1}));
  EXPECT_EQ(found, hinted);
  GlyphKey mono = wanted;
  mono.flags = 0x01;
  EXPECT_EQ(cache.find_nearest_size(mono, &found), nullptr) << "no monochrome raster cached";
  // Erasing one mode's entry keeps the other's stand-in.
  cache.erase_handle(AllocHandle{1, 1});
  EXPECT_EQ(cache.find_nearest_size(wanted, &found)->handle, (AllocHandle{2, 1}));
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

// Constant time on average, whatever the size: with realistic keys (many faces, glyph ids,
// sizes and bins) the hash leaves no long bucket chains, so a lookup costs the same at 300k
// entries as at 300. (Structural rather than timed: timings on a shared machine are noise.)
TEST(GlyphCacheTest, RealisticKeysLeaveNoLongBucketChains) {
  std::unordered_set<GlyphKey, GlyphKeyHash> keys;
  for (uint32_t face = 1; face <= 6; ++face) {
    for (uint32_t glyph = 0; glyph < 5000; ++glyph) {
      for (uint32_t size : {12u * 64, 16u * 64, 24u * 64, 32u * 64 + 32}) {
        GlyphKey k = key(glyph, size, uint8_t(glyph % 4));
        k.face_id = face;
        keys.insert(k);
      }
    }
  }
  ASSERT_EQ(keys.size(), 120000u);
  size_t longest = 0;
  for (size_t b = 0; b < keys.bucket_count(); ++b) longest = std::max(longest, keys.bucket_size(b));
  EXPECT_LE(keys.load_factor(), 1.0f);
  EXPECT_LE(longest, 12u);  // a random hash gives ~8 at this size; a poor one gives hundreds

  GlyphCache cache;
  uint32_t i = 0;
  for (const GlyphKey& k : keys) cache.insert(k, glyph(i++));
  EXPECT_EQ(cache.size(), keys.size());
  i = 0;
  for (const GlyphKey& k : keys) {
    const CachedGlyph* g = cache.find(k);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->handle.index, i++);
  }
}

// Issue 26's flat tables (entries in chunks, an open-addressing key index with tombstones, a
// chain of sizes per glyph, slot-indexed handles) against a plain model: a long random mix of
// inserts, replacements, evictions and reuse of allocation slots under new generations, every
// lookup and stand-in checked after every step.
TEST(GlyphCacheTest, RandomInsertsReplacementsAndEvictionsMatchAModel) {
  std::mt19937 rng(26);
  GlyphCache cache;
  std::map<std::tuple<uint32_t, uint32_t, uint8_t>, CachedGlyph> model;  // glyph, size, bin
  std::map<uint32_t, uint32_t> generation;                               // slot -> last generation
  std::map<uint32_t, std::tuple<uint32_t, uint32_t, uint8_t>> owner;     // slot -> live key
  const auto key_of = [](const std::tuple<uint32_t, uint32_t, uint8_t>& t) {
    return key(std::get<0>(t), std::get<1>(t), std::get<2>(t));
  };
  for (int step = 0; step < 40000; ++step) {
    const std::tuple<uint32_t, uint32_t, uint8_t> k{
        uint32_t(rng() % 300), uint32_t(8 + rng() % 6) * 64, uint8_t(rng() % 4)};
    if (rng() % 3 != 0 || owner.empty()) {  // insert or replace, in a free slot
      uint32_t slot = uint32_t(rng() % 4000);
      while (owner.count(slot)) slot = (slot + 1) % 4000;
      if (auto it = model.find(k); it != model.end() && it->second.handle.valid()) {
        owner.erase(it->second.handle.index);
      }
      const CachedGlyph g = glyph(slot, ++generation[slot]);
      cache.insert(key_of(k), g);
      model[k] = g;
      owner[slot] = k;
    } else {  // evict a random live slot
      auto it = owner.begin();
      std::advance(it, long(rng() % owner.size()));
      cache.erase_handle(AllocHandle{it->first, generation[it->first]});
      cache.erase_handle(AllocHandle{it->first, generation[it->first] + 7});  // stale: no-op
      model.erase(it->second);
      owner.erase(it);
    }
    ASSERT_EQ(cache.size(), model.size()) << "step " << step;
    if (step % 97 != 0) continue;
    for (const auto& [mk, mg] : model) {
      const CachedGlyph* g = cache.find(key_of(mk));
      ASSERT_NE(g, nullptr) << "step " << step;
      ASSERT_EQ(g->handle, mg.handle);
    }
    for (uint32_t id = 0; id < 300; id += 7) {  // the stand-in: nearest size at or above
      GlyphKey found;
      const CachedGlyph* g = cache.find_nearest_size(key(id, 10 * 64), &found);
      std::tuple<bool, uint32_t, uint8_t> best{true, 0, 0};
      bool any = false;
      for (const auto& [mk, mg] : model) {
        if (std::get<0>(mk) != id) continue;
        const bool below = std::get<1>(mk) < 10 * 64;
        const uint32_t d = below ? 10 * 64 - std::get<1>(mk) : std::get<1>(mk) - 10 * 64;
        const std::tuple<bool, uint32_t, uint8_t> r{below, d, std::get<2>(mk)};
        if (!any || r < best) best = r;
        any = true;
      }
      ASSERT_EQ(g != nullptr, any) << "glyph " << id << " step " << step;
      if (!any) continue;
      const auto want =
          std::get<0>(best) ? 10 * 64 - std::get<1>(best) : 10 * 64 + std::get<1>(best);
      EXPECT_EQ(found.size_26_6, want);
      EXPECT_EQ(found.subpixel_bin, std::get<2>(best));
      EXPECT_EQ(g, cache.find(found));
    }
  }
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.find(key(1)), nullptr);
}

}  // namespace
}  // namespace glyphstream::atlas
