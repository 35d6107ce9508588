#include "pipeline/raster_scheduler.h"

#include <algorithm>
#include <tuple>

#include "pipeline/clock.h"
#include "pipeline/layout_cache.h"

namespace glyphstream::pipeline {

RasterScheduler::RasterScheduler(ThreadPool* pool, text::FontRegistry* registry) : pool_(pool) {
  for (int i = 0; i < pool_->size(); ++i) {
    rasterizers_.push_back(std::make_unique<text::Rasterizer>(registry, &color_strikes_));
  }
  arenas_.resize(size_t(pool_->size()));
}

bool RasterScheduler::add_miss(const atlas::GlyphKey& key) {
  if (!miss_set_.insert(key).second) return false;
  misses_.push_back(key);
  return true;
}

void RasterScheduler::dispatch(size_t first) {
  // New glyphs go to the workers now, while the caller goes on with layout; commit() collects
  // the bitmaps. The first queue of an interval waits for a call with a few new glyphs (one
  // or two are quicker on the caller in commit() than waking a worker); once it is open,
  // every new glyph joins it.
  miss_queued_.resize(misses_.size());
  const size_t new_misses = misses_.size() - first;
  if (pool_->size() > 1 && new_misses > 0 &&
      (raster_queue_open() || new_misses >= kEagerRasterMin)) {
    queue_misses(first);
  }
}

bool RasterScheduler::prefetch_idle() {
  std::lock_guard lock(prefetch_mutex_);
  return prefetched_.empty() && prefetch_inflight_.empty();
}

void RasterScheduler::prefetch(std::span<const text::ShapedGlyph> glyphs,
                               const atlas::GlyphCache& cache) {
  std::vector<atlas::GlyphKey> keys;
  {
    std::lock_guard lock(prefetch_mutex_);
    for (const text::ShapedGlyph& g : glyphs) {
      int px, py;
      const atlas::GlyphKey key = glyph_key_for(g, 0, 0, &px, &py);
      if (cache.find(key) || prefetched_.count(key) || prefetch_inflight_.count(key)) continue;
      if (!reserve_prefetch(key)) continue;
      prefetch_inflight_.insert(key);
      keys.push_back(key);
    }
  }
  submit_prefetch_jobs(keys);
}

void RasterScheduler::prefetch_keys(std::span<const atlas::GlyphKey> keys,
                                    const atlas::GlyphCache& cache, size_t max_new,
                                    std::vector<atlas::GlyphKey>* submitted) {
  // The cache is the caller's: it is asked before the lock, which the workers take to publish
  // results (a long hold made them queue, and unlocking then cost the caller their wake-ups).
  std::vector<atlas::GlyphKey> candidates;
  candidates.reserve(std::min(keys.size(), 4 * max_new));
  for (const atlas::GlyphKey& key : keys) {
    if (!cache.find(key)) candidates.push_back(key);
  }
  std::vector<atlas::GlyphKey> fresh;
  {
    std::lock_guard lock(prefetch_mutex_);
    for (const atlas::GlyphKey& key : candidates) {
      if (fresh.size() >= max_new) break;
      if (prefetched_.count(key) || prefetch_inflight_.count(key)) continue;
      if (!reserve_prefetch(key)) break;
      prefetch_inflight_.insert(key);
      fresh.push_back(key);
    }
  }
  submit_prefetch_jobs(fresh);
  submitted->insert(submitted->end(), fresh.begin(), fresh.end());
}

void RasterScheduler::submit_prefetch_jobs(const std::vector<atlas::GlyphKey>& keys) {
  // prefetch()'s background jobs (drawn glyphs go through the raster queue instead). Batches of
  // 8, so that a line's colour emoji (each 0.1-0.3 ms: PNG inflate and scaling) spread over the
  // workers instead of queueing on one.
  constexpr size_t kBatch = 8;
  std::vector<std::function<void(int)>> jobs;
  jobs.reserve((keys.size() + kBatch - 1) / kBatch);
  for (size_t b = 0; b < keys.size(); b += kBatch) {
    std::vector<atlas::GlyphKey> batch(keys.begin() + long(b),
                                       keys.begin() + long(std::min(keys.size(), b + kBatch)));
    jobs.emplace_back([this, batch = std::move(batch)](int worker) {
      // The batch's results are published under one lock: one lock per glyph made 15 workers
      // and the caller's draw_text() queue on prefetch_mutex_.
      std::vector<Result<text::GlyphBitmap>> done;
      done.reserve(batch.size());
      for (const atlas::GlyphKey& k : batch) {
        if (cancelled_.load(std::memory_order_relaxed)) break;  // the TextSystem is going
        done.push_back(rasterize_guarded(worker, k));
      }
      {
        std::lock_guard lock(prefetch_mutex_);
        for (size_t j = 0; j < batch.size(); ++j) {
          prefetch_inflight_.erase(batch[j]);
          keep_prefetched(batch[j], j < done.size() ? std::move(done[j])
                                                    : Status(ErrorCode::kInternal, "cancelled"));
        }
      }
      prefetch_ready_.notify_all();  // commit() may be waiting for one of these
    });
  }
  // One hand-off for all: the caller (mid-frame, in draw_text_scaled) does not contend with
  // the workers it wakes.
  pool_->submit_batch(std::move(jobs));
}

Status RasterScheduler::rasterize_and_pack(const atlas::GlyphCache& cache, RasterBatch& batch,
                                           const PackFn& pack, uint64_t* rasterize_ns,
                                           const PackDirectFn& pack_here) {
  // Nothing more comes for this interval: the workers finish what is queued and leave.
  close_raster_queue();
  plan(batch);
  start_unclaimed(batch, rasterize_ns, pack_here != nullptr);
  // The caller packs each glyph in miss order (the atlas layout does not depend on thread
  // timing) as soon as its bitmap is there, and rasterizes the next glyph nobody has taken
  // while it would otherwise wait: packing overlaps rasterization instead of following it.
  Status status;
  for (size_t i = 0; i < misses_.size() && status.ok(); ++i) {
    if (batch.here[i]) {
      status = pack_here(misses_[i], *rasterizers_[0], batch.bitmaps[i]);
      continue;
    }
    if (!batch.have[i]) await_miss(i, batch, rasterize_ns);
    if (const text::KeptOutline* kept = kept_outline(i)) {
      status = place_kept(i, *kept, batch.bitmaps[i].value());  // rendered by the workers
      continue;
    }
    status = pack(misses_[i], batch.bitmaps[i]);
  }
  if (status.ok()) status = pack_extras(cache, batch, pack);
  return status;
}

void RasterScheduler::plan(RasterBatch& batch) {
  // Misses are queued for the workers (draw_text() pushed them while it went on laying out),
  // rasterized already (prefetch), in flight as a prefetch job, or still to do.
  const size_t n = misses_.size();
  miss_queued_.resize(n);
  batch.bitmaps.reserve(n);
  batch.have.assign(n, false);
  batch.here.assign(n, false);
  pool_->drain_inline();
  std::lock_guard lock(prefetch_mutex_);
  const bool prefetching = !prefetched_.empty() || !prefetch_inflight_.empty();
  for (size_t i = 0; i < n; ++i) {
    batch.bitmaps.emplace_back(Status(ErrorCode::kInternal, "not rasterized"));
    if (miss_queued_[i].queue != UINT32_MAX) continue;
    if (prefetching && collect_prefetched(i, batch)) continue;
    if (prefetching && prefetch_inflight_.count(misses_[i])) {
      batch.any_in_flight = true;
    } else {
      batch.to_rasterize.push_back(i);
    }
  }
}

void RasterScheduler::start_unclaimed(RasterBatch& batch, uint64_t* rasterize_ns, bool pack_here) {
  // Glyphs nobody started: a few are quicker here than any hand-off; more go to a queue that
  // the workers and the caller share.
  std::vector<size_t>& to_rasterize = batch.to_rasterize;
  if (pool_->size() > 1 && to_rasterize.size() > kInlineRasterLimit) {
    RasterQueue& q = open_raster_queue(to_rasterize.size());
    std::vector<size_t> overflow;
    for (size_t i : to_rasterize) {
      if (!queue_miss(i)) overflow.push_back(i);
    }
    q.close();
    to_rasterize.swap(overflow);
  }
  if (pack_here) {  // rasterized as they are packed, straight into their pages
    for (size_t i : to_rasterize) batch.here[i] = true;
  } else if (!to_rasterize.empty()) {
    const auto t = rasterize_ns ? Clock::now() : Clock::time_point{};
    for (size_t i : to_rasterize) rasterize_here(i, batch);
    if (rasterize_ns) *rasterize_ns += ns_since(t);
  }
}

void RasterScheduler::await_miss(size_t i, RasterBatch& batch, uint64_t* rasterize_ns) {
  const auto t = rasterize_ns ? Clock::now() : Clock::time_point{};
  if (miss_queued_[i].queue != UINT32_MAX) {
    RasterQueue& q = *raster_queues_[miss_queued_[i].queue];
    RasterItem& item = q[miss_queued_[i].index];
    while (!item.done.load(std::memory_order_acquire)) {
      if (const size_t j = q.try_take(); j != RasterQueue::kNone) {
        rasterize_item(0, q[j], interval_);
        continue;
      }
      if (render_queue_) {  // glyphs placed already wait for a worker: render one meanwhile
        if (const size_t j = render_queue_->jobs.try_take(); j != ClaimQueue<RenderJob>::kNone) {
          render_job(0, *render_queue_, j);
          continue;
        }
      }
      item.done.wait(0, std::memory_order_acquire);
    }
    batch.bitmaps[i] = std::move(item.bitmap);
    batch.have[i] = true;
  } else {
    bool failed = false;
    {
      std::unique_lock lock(prefetch_mutex_);
      prefetch_ready_.wait(lock, [&] {
        return collect_prefetched(i, batch) || !prefetch_inflight_.count(misses_[i]);
      });
      failed = !batch.have[i];
    }
    if (failed) rasterize_here(i, batch);  // its job failed: rasterize here for the error
  }
  if (rasterize_ns) *rasterize_ns += ns_since(t);
}

Status RasterScheduler::pack_extras(const atlas::GlyphCache& cache, RasterBatch& batch,
                                    const PackFn& pack) {
  if (batch.any_in_flight) {
    finish_page_writes();  // its jobs leave the pool: waiting for it to be idle then ends
    pool_->wait_idle();
  }
  // Prefetched glyphs nobody asked for yet are made resident too, in key order so that the
  // atlas does not depend on thread timing.
  {
    std::lock_guard lock(prefetch_mutex_);
    for (auto& [key, bitmap] : prefetched_) {
      prefetch_bytes_ -= std::min(prefetch_bytes_, bitmap.pixels.size());
      if (!cache.find(key) && !miss_set_.count(key))
        batch.extras.emplace_back(key, std::move(bitmap));
    }
    prefetched_.clear();
  }
  std::sort(batch.extras.begin(), batch.extras.end(), [](const auto& a, const auto& b) {
    const auto& x = a.first;
    const auto& y = b.first;
    return std::tie(x.face_id, x.glyph_id, x.size_26_6, x.subpixel_bin, x.angle_bin, x.flags) <
           std::tie(y.face_id, y.glyph_id, y.size_26_6, y.subpixel_bin, y.angle_bin, y.flags);
  });
  if (batch.extras.size() > extras_per_commit_) {  // the rest land in the next commits
    std::lock_guard lock(prefetch_mutex_);
    for (size_t i = extras_per_commit_; i < batch.extras.size(); ++i) {
      prefetch_bytes_ += batch.extras[i].second.value().pixels.size();
      prefetched_.emplace(batch.extras[i].first, std::move(batch.extras[i].second).value());
    }
    batch.extras.erase(batch.extras.begin() + std::ptrdiff_t(extras_per_commit_),
                       batch.extras.end());
  }
  for (auto& [key, bitmap] : batch.extras) GS_TRY(pack(key, bitmap));
  return {};
}

namespace {

// A prefetch job's bytes before it runs: the em square rounded up, one byte a pixel.
size_t estimated_bytes(const atlas::GlyphKey& key) {
  const size_t side = size_t(key.size_26_6 / 64) + 1;
  return side * side;
}

}  // namespace

bool RasterScheduler::reserve_prefetch(const atlas::GlyphKey& key) {
  const size_t bytes = estimated_bytes(key);
  if (prefetch_bytes_ + bytes > prefetch_budget_) {
    prefetch_refused_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  prefetch_bytes_ += bytes;
  return true;
}

void RasterScheduler::keep_prefetched(const atlas::GlyphKey& key,
                                      Result<text::GlyphBitmap>&& bitmap) {
  prefetch_bytes_ -= std::min(prefetch_bytes_, estimated_bytes(key));
  if (!bitmap.ok()) return;
  const size_t bytes = bitmap.value().pixels.size();
  if (cancelled_.load(std::memory_order_relaxed) || prefetch_bytes_ + bytes > prefetch_budget_) {
    prefetch_refused_.fetch_add(1, std::memory_order_relaxed);
    return;  // rasterized again if it is drawn
  }
  prefetch_bytes_ += bytes;
  prefetched_.emplace(key, std::move(bitmap).value());
}

bool RasterScheduler::collect_prefetched(size_t i, RasterBatch& batch) {
  auto it = prefetched_.find(misses_[i]);
  if (it == prefetched_.end()) return false;
  prefetch_bytes_ -= std::min(prefetch_bytes_, it->second.pixels.size());
  batch.bitmaps[i] = std::move(it->second);
  prefetched_.erase(it);
  batch.have[i] = true;
  return true;
}

void RasterScheduler::rasterize_here(size_t i, RasterBatch& batch) {
  const atlas::GlyphKey& k = misses_[i];
  batch.bitmaps[i] = rasterizers_[0]->rasterize(
      {k.face_id, k.glyph_id, k.size_26_6, k.subpixel_bin, k.angle_bin, k.flags});
  batch.have[i] = true;
}

void RasterScheduler::end_interval() {
  ++interval_;  // the workers' kept outlines are done with: each arena is reused
  misses_.clear();
  miss_set_.clear();
  miss_queued_.clear();
  raster_queues_.clear();  // workers still finishing an item hold their queue
}

void RasterScheduler::forget_unfinished(const atlas::GlyphCache& cache) noexcept {
  if (misses_.empty()) return;
  ++interval_;
  std::erase_if(misses_, [&](const atlas::GlyphKey& k) {
    if (!cache.find(k)) return false;
    miss_set_.erase(k);
    return true;
  });
  miss_queued_.clear();
  raster_queues_.clear();
}

void RasterScheduler::stop() {
  finish_page_writes();
  close_raster_queue();
  pool_->wait_idle();
}

void RasterScheduler::cancel() {
  cancelled_.store(true, std::memory_order_relaxed);
  if (render_queue_) render_queue_->jobs.close();  // the placed glyphs are rendered, then they go
  close_raster_queue();
  pool_->cancel_queued();
  pool_->wait_idle();
}

RasterQueue& RasterScheduler::open_raster_queue(size_t workers) {
  if (raster_queues_.empty() || raster_queues_.back()->closed()) {
    raster_queues_.push_back(std::make_shared<RasterQueue>());
    raster_queue_jobs_ = 0;
  }
  // A job per worker for the whole interval, instead of one hand-off per batch of glyphs: a
  // worker sleeps in the queue between draw_text() calls and leaves when it is closed. More
  // join as more glyphs come.
  const std::shared_ptr<RasterQueue>& q = raster_queues_.back();
  workers = std::min(workers, size_t(pool_->size() - 1));
  std::vector<std::function<void(int)>> jobs;
  for (; raster_queue_jobs_ < workers; ++raster_queue_jobs_) {
    jobs.emplace_back([this, q, interval = interval_](int worker) {
      q->drain([&](size_t i) { rasterize_item(worker, (*q)[i], interval); });
    });
  }
  pool_->submit_batch(std::move(jobs));
  return *q;
}

bool RasterScheduler::queue_miss(size_t i) {
  RasterQueue& q = *raster_queues_.back();
  RasterItem* item = q.push();
  if (!item) return false;
  item->key = misses_[i];
  miss_queued_[i] = {uint32_t(raster_queues_.size() - 1), uint32_t(q.size() - 1)};
  return true;
}

void RasterScheduler::queue_misses(size_t first) {
  RasterQueue& q = open_raster_queue(0);
  {
    std::lock_guard lock(prefetch_mutex_);
    const bool prefetching = !prefetched_.empty() || !prefetch_inflight_.empty();
    for (size_t i = first; i < misses_.size(); ++i) {
      const atlas::GlyphKey& k = misses_[i];
      if (prefetching && (prefetched_.count(k) || prefetch_inflight_.count(k))) continue;
      if (!queue_miss(i)) break;  // full: commit() rasterizes the rest
    }
  }
  q.publish();
  open_raster_queue((q.size() + kGlyphsPerWorker - 1) / kGlyphsPerWorker);
}

Result<text::GlyphBitmap> RasterScheduler::rasterize_guarded(int worker, const atlas::GlyphKey& k) {
  try {
    return rasterizers_[size_t(worker)]->rasterize(
        {k.face_id, k.glyph_id, k.size_26_6, k.subpixel_bin, k.angle_bin, k.flags});
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInternal, std::string("rasterize: ") + e.what());
  }
}

void RasterScheduler::rasterize_item(int worker, RasterItem& item, uint64_t interval) noexcept {
  try {
    // Cancelled (the TextSystem is going): the item keeps its "not rasterized" error.
    if (!cancelled_.load(std::memory_order_relaxed)) {
      if (into_pages_) {
        prepare_item(worker, item, interval);
      } else {
        item.bitmap = rasterize_guarded(worker, item.key);
      }
    }
  } catch (...) {
    try {
      item.bitmap = Status(ErrorCode::kOutOfMemory, "rasterize: out of memory");
    } catch (...) {  // the item keeps its "not rasterized" error
    }
  }
  // Whoever waits for this glyph is woken, whatever happened above.
  item.done.store(1, std::memory_order_release);
  item.done.notify_one();
}

}  // namespace glyphstream::pipeline
