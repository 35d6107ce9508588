// The raster scheduler on real fonts (FreeType on the worker pool): misses reach the packer in
// first-use order whatever the threads do, prefetched glyphs land after them in key order and
// at most extras_per_commit per commit, cancelled or over-budget background work keeps nothing,
// cached glyphs are never rasterized again, and glyphs rendered by the workers straight into
// their pages make the atlas that bitmaps make.
#include "pipeline/raster_scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <tuple>
#include <vector>

#include "atlas/atlas.h"
#include "pipeline/layout_cache.h"
#include "text/font_registry.h"

namespace glyphstream::pipeline {
namespace {

// The distinct glyph keys of a line of text, in layout order.
std::vector<atlas::GlyphKey> keys_of(text::FontRegistry& registry, const char* utf8) {
  auto layouter = text::Layouter::create(&registry);
  EXPECT_TRUE(layouter.ok()) << layouter.status().to_string();
  text::LayoutParams params;
  params.font = "DejaVu Sans 18";
  auto layout = layouter.value()->layout(utf8, params);
  EXPECT_TRUE(layout.ok()) << layout.status().to_string();
  std::vector<atlas::GlyphKey> keys;
  for (const text::ShapedGlyph& g : layout.value().glyphs) {
    int dx = 0, dy = 0;
    const atlas::GlyphKey k = glyph_key_for_fraction(g, 0, 0, &dx, &dy);
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  }
  return keys;
}

bool key_less(const atlas::GlyphKey& x, const atlas::GlyphKey& y) {
  return std::tie(x.face_id, x.glyph_id, x.size_26_6, x.subpixel_bin) <
         std::tie(y.face_id, y.glyph_id, y.size_26_6, y.subpixel_bin);
}

struct Packed {
  atlas::GlyphKey key;
  std::vector<uint8_t> pixels;
  bool ok = false;
};

// One commit: every miss and the prefetched extras, as the packer sees them.
std::vector<Packed> commit(RasterScheduler& raster, const atlas::GlyphCache& cache) {
  std::vector<Packed> packed;
  RasterBatch batch;
  uint64_t ns = 0;
  const Status s = raster.rasterize_and_pack(
      cache, batch,
      [&](const atlas::GlyphKey& key, Result<text::GlyphBitmap>& bitmap) -> Status {
        packed.push_back(
            {key, bitmap.ok() ? bitmap.value().pixels : std::vector<uint8_t>{}, bitmap.ok()});
        return {};
      },
      &ns);
  EXPECT_TRUE(s.ok()) << s.to_string();
  raster.end_interval();
  return packed;
}

class RasterSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = keys_of(registry_, "Sphinx of black quartz, judge my vow!");
    ASSERT_GE(keys_.size(), 20u);
  }
  text::FontRegistry registry_;
  atlas::GlyphCache cache_;
  std::vector<atlas::GlyphKey> keys_;
};

TEST_F(RasterSchedulerTest, MissesArePackedInFirstUseOrderWhateverTheThreads) {
  std::vector<atlas::GlyphKey> order(keys_.rbegin(), keys_.rend());  // not the layout's order
  std::vector<std::vector<Packed>> runs;
  for (int threads : {1, 4}) {
    ThreadPool pool(threads);
    RasterScheduler raster(&pool, &registry_);
    for (const atlas::GlyphKey& k : order) EXPECT_TRUE(raster.add_miss(k));
    EXPECT_FALSE(raster.add_miss(order[3])) << "a key is one miss per interval";
    EXPECT_EQ(raster.miss_count(), order.size());
    raster.dispatch(0);  // to the workers while "layout goes on"
    runs.push_back(commit(raster, cache_));
    EXPECT_FALSE(raster.has_misses());
    raster.stop();
  }
  for (const std::vector<Packed>& run : runs) {
    ASSERT_EQ(run.size(), order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      EXPECT_EQ(run[i].key, order[i]) << i;
      EXPECT_TRUE(run[i].ok) << i;
    }
  }
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(runs[0][i].pixels, runs[1][i].pixels) << "glyph " << i << " differs by threads";
  }
}

TEST_F(RasterSchedulerTest, PrefetchedGlyphsLandAfterTheMissesInKeyOrderABoundedFewPerCommit) {
  ThreadPool pool(4);
  RasterScheduler raster(&pool, &registry_);
  const std::vector<atlas::GlyphKey> background(keys_.begin(), keys_.begin() + 8);
  std::vector<atlas::GlyphKey> submitted;
  raster.prefetch_keys(background, cache_, 100, &submitted);
  EXPECT_EQ(submitted, background);
  raster.stop();  // every background job done: the test does not depend on timing
  EXPECT_FALSE(raster.prefetch_idle()) << "eight bitmaps wait for a commit";
  raster.set_extras_per_commit(3);

  // A miss that was prefetched comes from the prefetch; another is rasterized now.
  ASSERT_TRUE(raster.add_miss(keys_[10]));
  ASSERT_TRUE(raster.add_miss(keys_[2]));
  std::vector<atlas::GlyphKey> landed;
  std::vector<size_t> per_commit;
  for (int c = 0; c < 5; ++c) {
    const std::vector<Packed> packed = commit(raster, cache_);
    if (c == 0) {
      ASSERT_GE(packed.size(), 2u);
      EXPECT_EQ(packed[0].key, keys_[10]);
      EXPECT_EQ(packed[1].key, keys_[2]);
    }
    const size_t first_extra = c == 0 ? 2 : 0;
    per_commit.push_back(packed.size() - first_extra);
    for (size_t i = first_extra; i < packed.size(); ++i) {
      EXPECT_TRUE(packed[i].ok);
      if (i > first_extra) {
        EXPECT_TRUE(key_less(packed[i - 1].key, packed[i].key)) << "key order";
      }
      landed.push_back(packed[i].key);
    }
  }
  EXPECT_EQ(per_commit, (std::vector<size_t>{3, 3, 1, 0, 0}));
  std::vector<atlas::GlyphKey> want(background.begin(), background.end());
  want.erase(want.begin() + 2);  // drawn as a miss: not an extra
  std::sort(want.begin(), want.end(), key_less);
  std::sort(landed.begin(), landed.end(), key_less);
  EXPECT_EQ(landed, want);
  EXPECT_TRUE(raster.prefetch_idle());
}

TEST_F(RasterSchedulerTest, CachedGlyphsAreNotPrefetched) {
  ThreadPool pool(2);
  RasterScheduler raster(&pool, &registry_);
  cache_.insert(keys_[0], atlas::CachedGlyph{});
  std::vector<atlas::GlyphKey> submitted;
  raster.prefetch_keys(std::span(keys_.data(), 3), cache_, 100, &submitted);
  EXPECT_EQ(submitted, (std::vector<atlas::GlyphKey>{keys_[1], keys_[2]}));
  raster.prefetch_keys(std::span(keys_.data(), 3), cache_, 100, &submitted);
  EXPECT_EQ(submitted.size(), 2u) << "keys in flight or waiting are not submitted twice";
  raster.stop();
}

TEST_F(RasterSchedulerTest, BackgroundWorkBeyondTheBudgetOrAfterCancelKeepsNothing) {
  ThreadPool pool(2);
  {
    RasterScheduler raster(&pool, &registry_);
    raster.set_prefetch_budget(0);
    std::vector<atlas::GlyphKey> submitted;
    raster.prefetch_keys(keys_, cache_, 100, &submitted);
    EXPECT_TRUE(submitted.empty());
    EXPECT_GE(raster.prefetch_refused(), 1u);
    EXPECT_TRUE(raster.prefetch_idle());
  }
  RasterScheduler raster(&pool, &registry_);
  raster.cancel();  // the TextSystem is going
  std::vector<atlas::GlyphKey> submitted;
  raster.prefetch_keys(keys_, cache_, 100, &submitted);
  raster.stop();
  EXPECT_TRUE(raster.prefetch_idle()) << "a cancelled scheduler keeps no background bitmap";
  EXPECT_TRUE(commit(raster, cache_).empty());
}

// Two commits on a small atlas (growth, several pages); returns each page's pixels and the
// placements in order. With into_pages, grey glyphs are rendered by the workers into the pages
// (a barrier every 7 placements stands for a mid-frame flush); else the caller writes bitmaps.
struct AtlasRun {
  std::vector<std::vector<uint8_t>> pages;
  std::vector<std::pair<atlas::GlyphKey, Rect>> placed;
  size_t into_pages = 0, bitmaps = 0;
};
AtlasRun run_atlas(text::FontRegistry& registry, const std::vector<atlas::GlyphKey>& keys,
                   int threads, bool into_pages) {
  ThreadPool pool(threads);
  RasterScheduler raster(&pool, &registry);
  atlas::AtlasConfig cfg;
  cfg.page_width = 128;
  cfg.page_initial_height = 16;
  atlas::Atlas atlas(cfg);
  atlas::GlyphCache cache;
  AtlasRun run;
  const auto allocate = [&](const atlas::GlyphKey& key, const text::GlyphBitmap& bm) {
    const atlas::AllocResult r = atlas.allocate(bm.format, bm.width, bm.height);
    EXPECT_EQ(r.status, atlas::AllocStatus::kOk);
    run.placed.emplace_back(key, r.alloc.rect);
    atlas.mark_dirty(r.alloc.handle);
    return r.alloc.handle;
  };
  if (into_pages) {
    raster.render_into_pages(
        atlas.config(),
        [&](const atlas::GlyphKey& key, const text::GlyphBitmap& box) -> Result<PagePlacement> {
          EXPECT_TRUE(box.pixels.empty());
          const atlas::AllocHandle h = allocate(key, box);
          if (++run.into_pages % 7 == 0) raster.finish_page_writes();
          return PagePlacement{h, atlas.render_target(h)};
        },
        [](const atlas::GlyphKey&, atlas::AllocHandle, const Status& s) {
          ADD_FAILURE() << s.to_string();
        });
  }
  const PackFn pack = [&](const atlas::GlyphKey& key, Result<text::GlyphBitmap>& bm) -> Status {
    EXPECT_TRUE(bm.ok()) << bm.status().to_string();
    if (!bm.ok() || bm->width <= 0) return {};
    ++run.bitmaps;
    atlas.write(allocate(key, bm.value()), bm->pixels.data(),
                size_t(bm->width) * bytes_per_pixel(bm->format));
    return {};
  };
  for (size_t half = 0; half < 2; ++half) {
    for (size_t i = half * keys.size() / 2; i < (half + 1) * keys.size() / 2; ++i) {
      EXPECT_TRUE(raster.add_miss(keys[i]));
    }
    raster.dispatch(0);
    RasterBatch batch;
    uint64_t ns = 0;
    EXPECT_TRUE(raster.rasterize_and_pack(cache, batch, pack, &ns).ok());
    raster.finish_page_writes();
    raster.end_interval();
  }
  raster.stop();
  EXPECT_TRUE(atlas.check_invariants().ok());
  for (size_t p = 0; p < atlas.page_count(); ++p) {
    const uint8_t* px = atlas.page_pixels(p);
    run.pages.emplace_back(px, px + atlas.page_stride(p) * size_t(atlas.page_info(p).height));
  }
  return run;
}

TEST_F(RasterSchedulerTest, RenderedIntoPagesByTheWorkersTheAtlasEqualsTheBitmapPath) {
  std::vector<atlas::GlyphKey> keys = keys_;
  for (const atlas::GlyphKey& k : keys_of(registry_, "漢字かな Привет 😀 ✓")) keys.push_back(k);
  for (atlas::GlyphKey k : keys_) {  // larger variants
    k.size_26_6 = 40 * 64;
    keys.push_back(k);
  }
  const AtlasRun want = run_atlas(registry_, keys, 1, false);
  ASSERT_GT(want.pages.size(), 1u) << "the case should grow and open pages";
  for (int threads : {2, 4}) {
    const AtlasRun got = run_atlas(registry_, keys, threads, true);
    EXPECT_GT(got.into_pages, keys.size() / 2) << threads << " threads";
    EXPECT_EQ(got.placed, want.placed) << threads << " threads: same placements, same order";
    ASSERT_EQ(got.pages.size(), want.pages.size());
    for (size_t p = 0; p < want.pages.size(); ++p) {
      EXPECT_TRUE(got.pages[p] == want.pages[p]) << "page " << p << ", " << threads << " threads";
    }
  }
}

}  // namespace
}  // namespace glyphstream::pipeline
