// Raster scheduler: turns the glyph keys that missed the cache into bitmaps, on the worker
// pool, while the caller goes on laying out.
//
//   draw_text()  add_miss() per new key, then dispatch(): a call with a few new glyphs opens this
//                commit interval's claim queue (core/claim_queue.h); workers sleep in it and
//                rasterize each key as it is published
//   prefetch()   background jobs whose bitmaps wait in `prefetched_` for a commit
//   commit()     rasterize_and_pack(): every miss, in first-use order, from wherever its bitmap
//                is (queue, prefetch, or rasterized here), handed to the packer; then the
//                prefetched extras in key order. The atlas layout never depends on thread timing.
//   render_into_pages()  (issue 26) the workers then only load and measure a grey outline and
//                keep it; commit() places its box in miss order and hands it back to the
//                workers, which render it straight into its page while the caller places the
//                next ones; finish_page_writes() waits for them before anything reads a page.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "atlas/glyph_cache.h"
#include "core/claim_queue.h"
#include "core/thread_pool.h"
#include "text/layout.h"
#include "text/rasterizer.h"

namespace glyphstream::pipeline {

// A glyph handed to the rasterizer workers, and its bitmap once `done`: with
// render_into_pages(), a grey outline's box only (no pixels) and the outline, kept for later.
struct RasterItem {
  atlas::GlyphKey key;
  Result<text::GlyphBitmap> bitmap{Status(ErrorCode::kInternal, "not rasterized")};
  text::KeptOutline outline;
  std::atomic<uint32_t> done{0};
};
using RasterQueue = ClaimQueue<RasterItem>;

// The bitmaps of one commit. The packer keeps pointers into them until the stager has written
// the pixels: the caller keeps this alive until then.
struct RasterBatch {
  std::vector<Result<text::GlyphBitmap>> bitmaps;  // parallel to the misses
  std::vector<std::pair<atlas::GlyphKey, Result<text::GlyphBitmap>>> extras;  // prefetched
  std::vector<bool> have;
  std::vector<bool> here;            // rasterized by the caller as it packs (PackDirectFn)
  std::vector<size_t> to_rasterize;  // misses nobody has started
  bool any_in_flight = false;        // a miss is in a prefetch job
};

// Places one rasterized glyph (or counts its error).
using PackFn = std::function<Status(const atlas::GlyphKey&, Result<text::GlyphBitmap>&)>;
// Rasterizes one glyph with `rasterizer` (the caller's) and places it, straight into the page
// where it can (FramePipeline::pack_direct); a glyph that goes the copying way keeps its bitmap
// in the third argument (the batch's) until the stager has written it.
using PackDirectFn =
    std::function<Status(const atlas::GlyphKey&, text::Rasterizer&, Result<text::GlyphBitmap>&)>;

// Where a glyph prepared on a worker goes: its allocation and the page memory it is rendered
// into (target.pixels null: not placed, refused and counted by the placer, or no pixels).
struct PagePlacement {
  atlas::AllocHandle handle;
  atlas::RenderTarget target;
};
// Places a prepared glyph's box (no pixels) in the atlas and the glyph cache, in miss order.
using PlaceFn =
    std::function<Result<PagePlacement>(const atlas::GlyphKey&, const text::GlyphBitmap&)>;
// A glyph placed by PlaceFn whose rendering failed afterwards (its slot holds zeros).
using RenderFailedFn =
    std::function<void(const atlas::GlyphKey&, atlas::AllocHandle, const Status&)>;

class RasterScheduler {
 public:
  // Below this many misses, rasterizing on the caller beats any thread hand-off.
  static constexpr size_t kInlineRasterLimit = 8;
  // A draw_text() call with at least this many new glyphs hands them to the workers at once,
  // with a worker per two glyphs (a scrolled-in line's few new glyphs are spread, not
  // rasterized one after another by the caller in commit()).
  static constexpr size_t kEagerRasterMin = 4;
  static constexpr size_t kGlyphsPerWorker = 2;

  RasterScheduler(ThreadPool* pool, text::FontRegistry* registry);
  RasterScheduler(const RasterScheduler&) = delete;
  RasterScheduler& operator=(const RasterScheduler&) = delete;

  // Records a key the cache does not have; false if it is already a miss of this interval.
  bool add_miss(const atlas::GlyphKey& key);
  size_t miss_count() const { return misses_.size(); }
  bool has_misses() const { return !misses_.empty(); }
  // After a draw_text(): hands misses [first, end) to the workers when that is worth it.
  void dispatch(size_t first);
  // True when no prefetched bitmap waits and no prefetch job runs.
  bool prefetch_idle();
  // Rasterizes in the background the glyphs of `glyphs` (at origin 0, 0) that neither the
  // cache nor a prefetch has.
  void prefetch(std::span<const text::ShapedGlyph> glyphs, const atlas::GlyphCache& cache);
  // The same for keys (scaled drawing's background requests): submits at most `max_new` keys
  // that neither the cache nor a prefetch has, and appends them to *submitted.
  void prefetch_keys(std::span<const atlas::GlyphKey> keys, const atlas::GlyphCache& cache,
                     size_t max_new, std::vector<atlas::GlyphKey>* submitted);

  // commit(): every miss, then the prefetched extras (at most extras_per_commit, the rest wait
  // for the next commit), are handed to `pack` (in a fixed order); rasterization time is added
  // to *rasterize_ns (null: not timed, by the glyph; the caller times the whole). With `pack_here`,
  // the misses nobody has started are rasterized by the caller as it reaches them in that order, by
  // pack_here (straight into the page), instead of ahead into bitmaps; the order of placement, and
  // so the atlas, is the same.
  Status rasterize_and_pack(const atlas::GlyphCache& cache, RasterBatch& batch, const PackFn& pack,
                            uint64_t* rasterize_ns, const PackDirectFn& pack_here = nullptr);
  // Bounds the background results one commit makes resident (packing, staging and uploading
  // them is the render thread's work: a zoom's ladder rung of ~400 glyphs is spread over frames).
  void set_extras_per_commit(size_t n) { extras_per_commit_ = n > 0 ? n : SIZE_MAX; }
  // Rasterizes one key on the caller's thread now (an oversize glyph's smaller raster).
  Result<text::GlyphBitmap> rasterize_now(const atlas::GlyphKey& k) {
    return rasterize_guarded(0, k);
  }
  // From now on (before any draw), queued grey outlines whose box fits a page of `page` are
  // rendered by the workers straight into the page memory `place` gives them (issue 26);
  // colour, monochrome, LCD and oversize glyphs keep their bitmaps.
  void render_into_pages(const atlas::AtlasConfig& page, PlaceFn place, RenderFailedFn failed);
  // Returns once every glyph placed so far is rendered into its page (the caller renders too),
  // reporting failures to RenderFailedFn: before the stager writes or uploads, before a
  // mid-frame flush, and before the interval ends. Nothing to do without placed glyphs.
  void finish_page_writes();
  // Ends the commit interval (its misses were all packed, or failed; finish_page_writes() ran).
  void end_interval();
  // After an exception in commit() (misses left behind): keeps the misses not yet placed, for
  // a retry that rasterizes them again (their queue items may have been moved out), and
  // drops those placed already. A normal exit has cleared the misses: nothing to do.
  void forget_unfinished(const atlas::GlyphCache& cache) noexcept;
  // Closes the open queue (its workers leave once the queued glyphs are done) and waits for
  // every background job.
  void stop();
  // For destruction: background jobs not started are dropped, running ones skip their remaining
  // glyphs, queued misses are not rasterized; returns once no job runs (one glyph at most).
  void cancel();

  // Prefetched bitmaps kept (plus the estimated size of those being rasterized) stay within
  // this many bytes (TextSystem: the atlas budget, since no more can be resident at once): a
  // prefetch beyond it starts no more jobs, a result beyond it is not kept. Those glyphs are
  // rasterized when drawn.
  void set_prefetch_budget(size_t bytes) { prefetch_budget_ = bytes; }
  // Glyphs a prefetch did not start or keep for the budget, since creation.
  uint64_t prefetch_refused() const { return prefetch_refused_.load(std::memory_order_relaxed); }

 private:
  // Where a miss went: {queue, index} in the commit interval's raster queues.
  struct QueuedAt {
    uint32_t queue = UINT32_MAX;  // UINT32_MAX: not queued
    uint32_t index = 0;
  };

  bool raster_queue_open() const {
    return !raster_queues_.empty() && !raster_queues_.back()->closed();
  }
  void close_raster_queue() {
    if (raster_queue_open()) raster_queues_.back()->close();
  }
  // The open raster queue (a new one if the last is closed), drained by at least `workers`
  // pool jobs (at most one per worker).
  RasterQueue& open_raster_queue(size_t workers);
  // Pushes miss i to the open queue; false when it is full.
  bool queue_miss(size_t i);
  // Queues misses [first, end) that nobody rasterizes yet (a full queue leaves the rest to
  // commit()).
  void queue_misses(size_t first);
  // Reserves a glyph's estimated bytes for a prefetch job; false when over the budget.
  // prefetch_mutex_ held.
  bool reserve_prefetch(const atlas::GlyphKey& key);
  // Keeps a finished prefetch result within the budget (else drops it); prefetch_mutex_ held.
  void keep_prefetched(const atlas::GlyphKey& key, Result<text::GlyphBitmap>&& bitmap);
  // Hands keys (already marked in flight) to the workers; results land in `prefetched_`.
  void submit_prefetch_jobs(const std::vector<atlas::GlyphKey>& keys);
  // A worker's rasterization; an exception (bad_alloc) becomes an error result, so that whoever
  // waits for this glyph is always woken.
  Result<text::GlyphBitmap> rasterize_guarded(int worker, const atlas::GlyphKey& k);
  // Rasterizes a queued glyph on thread `worker` (or, rendering into pages, prepares it and
  // keeps its outline in the worker's arena for `interval`) and marks it done, whatever happens.
  void rasterize_item(int worker, RasterItem& item, uint64_t interval) noexcept;
  void prepare_item(int worker, RasterItem& item, uint64_t interval);

  // Rendering into pages: the glyphs placed by the caller, taken by the workers in order.
  struct RenderJob {
    const text::KeptOutline* outline = nullptr;
    atlas::RenderTarget target;
    atlas::AllocHandle handle;
    atlas::GlyphKey key;
    Status status;
  };
  struct RenderQueue {
    ClaimQueue<RenderJob> jobs;
    std::atomic<uint32_t> done{0};
  };
  struct Arena {
    text::OutlineArena outlines;
    uint64_t interval = UINT64_MAX;
  };
  // The kept outline of miss i, or nullptr (not queued, or a bitmap).
  const text::KeptOutline* kept_outline(size_t i);
  // Places miss i's box and hands its outline to the workers to render.
  Status place_kept(size_t i, const text::KeptOutline& outline, const text::GlyphBitmap& box);
  RenderQueue& open_render_queue();
  void render_job(int worker, RenderQueue& q, size_t j) noexcept;
  text::OutlineArena& arena(int worker, uint64_t interval);
  void rasterize_here(size_t i, RasterBatch& batch);
  // Moves miss i's prefetched bitmap into the batch; prefetch_mutex_ held.
  bool collect_prefetched(size_t i, RasterBatch& batch);
  // commit()'s first step: where each miss's bitmap will come from.
  void plan(RasterBatch& batch);
  // Starts the misses nobody has taken: on the workers when many, else here.
  void start_unclaimed(RasterBatch& batch, uint64_t* rasterize_ns, bool pack_here);
  // Waits for miss i's bitmap (taking queued glyphs meanwhile).
  void await_miss(size_t i, RasterBatch& batch, uint64_t* rasterize_ns);
  // Prefetched glyphs nobody asked for yet, made resident too, in key order.
  Status pack_extras(const atlas::GlyphCache& cache, RasterBatch& batch, const PackFn& pack);

  ThreadPool* pool_;
  text::ColorStrikeCache color_strikes_;  // decoded emoji strikes, shared by the rasterizers
  std::vector<std::unique_ptr<text::Rasterizer>> rasterizers_;  // one per pool thread index

  std::vector<atlas::GlyphKey> misses_;  // distinct keys not in the cache, in first-use order
  std::unordered_set<atlas::GlyphKey, atlas::GlyphKeyHash> miss_set_;
  std::vector<QueuedAt> miss_queued_;  // parallel to `misses_`
  // This commit interval's rasterizer queues: draw_text() pushes new glyphs to the open one
  // (the last, while not closed), commit() closes it and collects the bitmaps in miss order.
  // finish() closes it too, so a later draw_text() of the same interval opens another.
  std::vector<std::shared_ptr<RasterQueue>> raster_queues_;
  size_t raster_queue_jobs_ = 0;  // pool jobs draining the open queue

  // Prefetch: bitmaps rasterized in the background, waiting for a commit.
  std::mutex prefetch_mutex_;
  std::unordered_map<atlas::GlyphKey, text::GlyphBitmap, atlas::GlyphKeyHash> prefetched_;
  std::unordered_set<atlas::GlyphKey, atlas::GlyphKeyHash> prefetch_inflight_;
  std::condition_variable prefetch_ready_;  // a worker finished a glyph
  size_t extras_per_commit_ = SIZE_MAX;
  size_t prefetch_budget_ = size_t(32) << 20;
  size_t prefetch_bytes_ = 0;  // kept bitmaps + estimates of those in flight; prefetch_mutex_
  std::atomic<uint64_t> prefetch_refused_{0};
  std::atomic<bool> cancelled_{false};

  // Rendering into pages (render_into_pages()); set before any job runs, read-only after.
  bool into_pages_ = false;
  atlas::AtlasConfig page_config_;
  PlaceFn place_;
  RenderFailedFn render_failed_;
  std::vector<Arena> arenas_;                  // per thread index, written by that thread only
  uint64_t interval_ = 0;                      // commit intervals ended so far
  std::shared_ptr<RenderQueue> render_queue_;  // open while placed glyphs wait for workers
  size_t render_unpublished_ = 0;
  static constexpr size_t kRenderPublishBatch = 8;
};

}  // namespace glyphstream::pipeline
