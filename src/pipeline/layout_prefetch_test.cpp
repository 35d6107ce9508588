// Layouts on worker threads (LayoutPrefetcher) against the caller's own: every oracle case's
// glyphs, lines and decorations equal; a queued job taken by the caller; the layout cache's
// prefetch bounds, errors and cancellation.
#include "pipeline/layout_prefetch.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "oracle_case.h"
#include "pipeline/layout_cache.h"

namespace glyphstream::pipeline {
namespace {

const std::string kCaseDir = std::string(GLYPHSTREAM_SOURCE_DIR) + "/tests/oracle/cases";

text::LayoutParams params_of(const oracle::OracleCase& c) {
  text::LayoutParams p;
  p.font = c.font;
  p.wrap_width = c.width;
  p.markup = c.markup;
  p.paragraph = c.paragraph;
  p.rendering = c.rendering;
  return p;
}

// Every field of the two layouts equal (floats bit for bit).
void expect_same(const std::string& name, const Result<text::LayoutResult>& a,
                 const Result<text::LayoutResult>& b) {
  ASSERT_EQ(a.ok(), b.ok()) << name;
  if (!a.ok()) {
    EXPECT_EQ(a.status().code(), b.status().code()) << name;
    EXPECT_EQ(a.status().message(), b.status().message()) << name;
    return;
  }
  const text::LayoutResult& x = a.value();
  const text::LayoutResult& y = b.value();
  ASSERT_EQ(x.glyphs.size(), y.glyphs.size()) << name;
  for (size_t i = 0; i < x.glyphs.size(); ++i) {
    const text::ShapedGlyph &g = x.glyphs[i], &h = y.glyphs[i];
    SCOPED_TRACE(name + " glyph " + std::to_string(i));
    EXPECT_EQ(g.face, h.face);
    EXPECT_EQ(g.glyph_id, h.glyph_id);
    EXPECT_EQ(g.size_26_6, h.size_26_6);
    EXPECT_EQ(std::memcmp(&g.x, &h.x, sizeof g.x), 0) << g.x << " " << h.x;
    EXPECT_EQ(std::memcmp(&g.y, &h.y, sizeof g.y), 0) << g.y << " " << h.y;
    EXPECT_EQ(g.color_rgba, h.color_rgba);
    EXPECT_EQ(g.has_color, h.has_color);
    EXPECT_EQ(g.has_alpha, h.has_alpha);
    EXPECT_EQ(g.is_color_font, h.is_color_font);
    EXPECT_EQ(g.render, h.render);
    EXPECT_EQ(g.whole_pixel, h.whole_pixel);
    EXPECT_EQ(g.ink, h.ink);
    EXPECT_EQ(g.angle_bin, h.angle_bin);
  }
  EXPECT_EQ(x.width, y.width) << name;
  EXPECT_EQ(x.height, y.height) << name;
  EXPECT_EQ(x.line_height, y.line_height) << name;
  EXPECT_EQ(x.baseline, y.baseline) << name;
  EXPECT_EQ(x.line_count, y.line_count) << name;
  EXPECT_EQ(x.faces_used, y.faces_used) << name;
  EXPECT_EQ(x.marks_dropped, y.marks_dropped) << name;
  ASSERT_EQ(x.line_offsets.size(), y.line_offsets.size()) << name;
  for (size_t i = 0; i < x.line_offsets.size(); ++i) {
    EXPECT_EQ(x.line_offsets[i].dx, y.line_offsets[i].dx) << name << " line " << i;
    EXPECT_EQ(x.line_offsets[i].dy, y.line_offsets[i].dy) << name << " line " << i;
  }
  ASSERT_EQ(x.decorations.size(), y.decorations.size()) << name;
  for (size_t i = 0; i < x.decorations.size(); ++i) {
    const text::Decoration &d = x.decorations[i], &e = y.decorations[i];
    EXPECT_EQ(d.kind, e.kind) << name;
    EXPECT_EQ(d.layer, e.layer) << name;
    EXPECT_TRUE(d.x == e.x && d.y == e.y && d.w == e.w && d.h == e.h)
        << name << " decoration " << i;
    EXPECT_EQ(d.color_rgba, e.color_rgba) << name;
  }
  for (int i = 0; i < 6; ++i) EXPECT_EQ(x.matrix[i], y.matrix[i]) << name;
}

// Holds worker threads until released: jobs queued behind it stay queued.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  int holding = 0;
  void hold(ThreadPool& pool, int workers) {
    for (int i = 0; i < workers; ++i) {
      pool.submit([this](int) {
        std::unique_lock<std::mutex> lock(mutex);
        ++holding;
        cv.notify_all();
        cv.wait(lock, [this] { return open; });
      });
    }
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return holding == workers; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    open = true;
    cv.notify_all();
  }
};

TEST(LayoutPrefetch, WorkersLayOutEveryOracleCaseAsTheCallerDoes) {
  text::FontRegistry registry;
  auto serial = text::Layouter::create(&registry);
  ASSERT_TRUE(serial.ok()) << serial.status().message();
  std::vector<oracle::OracleCase> cases;
  for (const std::string& file : oracle::case_files(kCaseDir)) {
    auto c = oracle::load_case(file);
    ASSERT_TRUE(c.ok()) << file << ": " << c.status().message();
    cases.push_back(std::move(c).value());
  }
  ASSERT_GT(cases.size(), 100u);
  ThreadPool pool(4);
  LayoutPrefetcher prefetcher(&pool, &registry);
  ASSERT_TRUE(prefetcher.enabled());
  size_t glyphs = 0;
  // Twice over: the second round meets fonts each worker loaded for other cases.
  for (int round = 0; round < 2; ++round) {
    std::vector<std::shared_ptr<PendingLayout>> pending;
    for (const oracle::OracleCase& c : cases) {
      pending.push_back(std::make_shared<PendingLayout>(c.text, params_of(c)));
      prefetcher.submit(pending.back());
    }
    pool.wait_idle();
    for (size_t i = 0; i < cases.size(); ++i) {
      ASSERT_TRUE(pending[i]->done()) << cases[i].name;
      const auto parallel = LayoutPrefetcher::take(*pending[i], nullptr);
      const auto own = serial.value()->layout(cases[i].text, params_of(cases[i]));
      expect_same(cases[i].name, own, parallel);
      if (own.ok()) glyphs += own.value().glyphs.size();
    }
  }
  EXPECT_EQ(prefetcher.laid_out_on_workers(), 2 * cases.size());
  EXPECT_GT(glyphs, 2 * 5000u);  // the cases are laid out, not refused
}

TEST(LayoutPrefetch, AQueuedJobIsLaidOutByTheCallerOnceAndTheWorkerSkipsIt) {
  text::FontRegistry registry;
  auto own = text::Layouter::create(&registry);
  ASSERT_TRUE(own.ok());
  ThreadPool pool(2);
  LayoutPrefetcher prefetcher(&pool, &registry);
  Gate gate;
  gate.hold(pool, 1);
  text::LayoutParams params;
  params.font = "DejaVu Sans 20";
  auto pending = std::make_shared<PendingLayout>("Hello, world", params);
  prefetcher.submit(pending);
  EXPECT_FALSE(pending->done());
  const auto taken = LayoutPrefetcher::take(*pending, own.value().get());  // no wait
  gate.release();
  pool.wait_idle();
  expect_same("hello", own.value()->layout("Hello, world", params), taken);
  EXPECT_EQ(prefetcher.laid_out_on_workers(), 0u);
}

TextStyle style_of(const char* font) {
  TextStyle s;
  s.font = font;
  return s;
}

TEST(LayoutPrefetch, CacheTakesThePrefetchedLayoutAndItsError) {
  text::FontRegistry registry;
  auto layouter = text::Layouter::create(&registry);
  ASSERT_TRUE(layouter.ok());
  ThreadPool pool(3);
  LayoutPrefetcher prefetcher(&pool, &registry);
  LayoutCache cache;
  cache.set_prefetcher(&prefetcher);
  const TextStyle style = style_of("DejaVu Sans 14");
  EXPECT_EQ(cache.prefetch("Привет, мир", style), LayoutCache::Prefetch::kQueued);
  EXPECT_EQ(cache.prefetch("Привет, мир", style), LayoutCache::Prefetch::kAlreadyQueued);
  EXPECT_EQ(cache.prefetch("bad \xff utf8", style), LayoutCache::Prefetch::kQueued);
  EXPECT_EQ(cache.prefetch("size", style_of("DejaVu Sans 0")), LayoutCache::Prefetch::kQueued);
  uint64_t ns = 0;
  auto got = cache.get(*layouter.value(), "Привет, мир", style, &ns);
  ASSERT_TRUE(got.ok());
  auto again = cache.get(*layouter.value(), "Привет, мир", style, &ns);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(got.value(), again.value());  // cached: one layout
  text::LayoutParams params;
  params.font = style.font;
  expect_same("privet", layouter.value()->layout("Привет, мир", params),
              text::LayoutResult(*got.value()));
  // The errors come back from the call that uses the text, as without a prefetch.
  auto bad = cache.get(*layouter.value(), "bad \xff utf8", style, &ns);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidUtf8);
  pool.wait_idle();
  cache.harvest();  // a finished error is dropped: laid out (and reported) again when drawn
  EXPECT_EQ(cache.pending(), 0u);
  auto size = cache.get(*layouter.value(), "size", style_of("DejaVu Sans 0"), &ns);
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.status().code(), ErrorCode::kInvalidArgument);
  // Cached already: nothing queued.
  EXPECT_EQ(cache.prefetch("Привет, мир", style), LayoutCache::Prefetch::kCached);
  // Each text laid out once: by a worker, or by the caller that took it before any started.
  EXPECT_LE(prefetcher.laid_out_on_workers(), 3u);
}

TEST(LayoutPrefetch, BoundsAndCancellation) {
  text::FontRegistry registry;
  ThreadPool pool(2);
  Gate gate;
  {
    LayoutPrefetcher prefetcher(&pool, &registry);
    LayoutCache cache;
    cache.set_prefetcher(&prefetcher);
    gate.hold(pool, 1);  // every job stays queued
    const TextStyle style = style_of("DejaVu Sans 12");
    EXPECT_EQ(cache.prefetch(std::string(LayoutCache::kMaxCachedLayoutBytes + 1, 'a'), style),
              LayoutCache::Prefetch::kRefused);
    for (size_t i = 0; i < LayoutCache::kMaxPendingLayouts; ++i) {
      EXPECT_EQ(cache.prefetch("text " + std::to_string(i), style), LayoutCache::Prefetch::kQueued);
    }
    EXPECT_EQ(cache.prefetch("one more", style), LayoutCache::Prefetch::kRefused);
    EXPECT_EQ(cache.pending(), LayoutCache::kMaxPendingLayouts);
    EXPECT_EQ(cache.prefetch_refused(), 2u);
    // Destroyed with 256 jobs queued: they do nothing when they run.
  }
  gate.release();
  pool.wait_idle();
  {
    LayoutPrefetcher prefetcher(&pool, &registry);
    LayoutCache cache;
    cache.set_prefetcher(&prefetcher);
    gate.open = false;
    gate.holding = 0;
    gate.hold(pool, 1);
    const TextStyle style = style_of("DejaVu Sans 12");
    const std::string big(60 * 1024, 'b');  // bytes bound: 4 MiB of queued text
    size_t queued = 0;
    for (int i = 0; i < 100; ++i) {
      if (cache.prefetch(big + std::to_string(i), style) == LayoutCache::Prefetch::kQueued) {
        ++queued;
      }
    }
    EXPECT_EQ(queued, LayoutCache::kMaxPendingBytes / (big.size() + 2));
    pool.cancel_queued();  // as ~TextSystem does
    gate.release();
    pool.wait_idle();
    EXPECT_EQ(prefetcher.laid_out_on_workers(), 0u);
  }
}

// A worker's Layouter outlives its TextSystem and serves the next one (its font map warm): the
// faces it names are then the new registry's.
TEST(LayoutPrefetch, SpareLayoutersNameTheNextRegistrysFaces) {
  text::LayoutParams params;
  params.font = "DejaVu Sans 18";
  const std::string text = "Spare layouters: 流式 Привет";
  {
    text::FontRegistry first;
    ThreadPool pool(3);
    LayoutPrefetcher prefetcher(&pool, &first);
    for (int i = 0; i < 4; ++i) prefetcher.submit(std::make_shared<PendingLayout>(text, params));
    pool.wait_idle();
  }
  text::FontRegistry second;  // ids shifted by a face registered first
  second.register_file("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 0, "DejaVu Serif");
  auto own = text::Layouter::create(&second);
  ASSERT_TRUE(own.ok());
  ThreadPool pool(3);
  LayoutPrefetcher prefetcher(&pool, &second);
  std::vector<std::shared_ptr<PendingLayout>> pending;
  for (int i = 0; i < 4; ++i) {
    pending.push_back(std::make_shared<PendingLayout>(text, params));
    prefetcher.submit(pending.back());
  }
  pool.wait_idle();
  const auto expected = own.value()->layout(text, params);
  ASSERT_TRUE(expected.ok());
  EXPECT_GT(expected.value().faces_used.front(), 0u);
  for (auto& p : pending) expect_same("spare", expected, LayoutPrefetcher::take(*p, nullptr));
  EXPECT_EQ(prefetcher.laid_out_on_workers(), 4u);
}

TEST(LayoutPrefetch, DisabledWithoutWorkers) {
  text::FontRegistry registry;
  ThreadPool pool(1);
  LayoutPrefetcher prefetcher(&pool, &registry);
  LayoutCache cache;
  cache.set_prefetcher(&prefetcher);
  EXPECT_EQ(cache.prefetch("x", style_of("DejaVu Sans 12")), LayoutCache::Prefetch::kDisabled);
  EXPECT_EQ(cache.pending(), 0u);
}

}  // namespace
}  // namespace glyphstream::pipeline
