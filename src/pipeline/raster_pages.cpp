// The raster scheduler's rendering straight into the atlas pages on the workers (issue 26):
// a worker loads and measures a grey outline and keeps it (prepare_item); commit() places the
// boxes in miss order on the caller (place_kept, the same atlas as for bitmaps) and hands each
// outline to a render queue that the workers drain into page memory while the caller places the
// next glyphs; finish_page_writes() is the barrier before anything reads the pages.
#include "pipeline/glyph_fit.h"
#include "pipeline/raster_scheduler.h"

namespace glyphstream::pipeline {

void RasterScheduler::render_into_pages(const atlas::AtlasConfig& page, PlaceFn place,
                                        RenderFailedFn failed) {
  into_pages_ = place != nullptr && failed != nullptr;
  page_config_ = page;
  place_ = std::move(place);
  render_failed_ = std::move(failed);
}

text::OutlineArena& RasterScheduler::arena(int worker, uint64_t interval) {
  Arena& a = arenas_[size_t(worker)];
  if (a.interval != interval) {  // the outlines of an ended interval are all rendered
    a.outlines.reset();
    a.interval = interval;
  }
  return a.outlines;
}

void RasterScheduler::prepare_item(int worker, RasterItem& item, uint64_t interval) {
  const atlas::GlyphKey& k = item.key;
  text::Rasterizer& r = *rasterizers_[size_t(worker)];
  try {
    Result<text::PreparedGlyph> p =
        r.prepare({k.face_id, k.glyph_id, k.size_26_6, k.subpixel_bin, k.angle_bin, k.flags});
    if (!p.ok()) {
      item.bitmap = p.status();
    } else if (p->keepable && fits_page(p->bitmap, page_config_)) {
      item.outline = r.keep_prepared(arena(worker, interval));
      item.bitmap = std::move(p->bitmap);  // the box: its pixels go to the page
    } else {
      // A whole raster (colour, monochrome, ...), LCD (a bitmap already, not an outline to
      // keep), or one larger than a page (fitted when it is packed).
      item.bitmap = r.finish(std::move(p).value());
    }
  } catch (const std::exception& e) {
    item.outline = {};
    item.bitmap = Status(ErrorCode::kInternal, std::string("rasterize: ") + e.what());
  }
}

const text::KeptOutline* RasterScheduler::kept_outline(size_t i) {
  if (!into_pages_ || miss_queued_[i].queue == UINT32_MAX) return nullptr;
  const RasterItem& item = (*raster_queues_[miss_queued_[i].queue])[miss_queued_[i].index];
  return item.outline.valid() ? &item.outline : nullptr;
}

Status RasterScheduler::place_kept(size_t i, const text::KeptOutline& outline,
                                   const text::GlyphBitmap& box) {
  GS_ASSIGN_OR_RETURN(const PagePlacement placed, place_(misses_[i], box));
  if (placed.target.pixels == nullptr) return {};  // refused (counted) or nothing to draw
  RenderQueue& q = open_render_queue();
  RenderJob* job = q.jobs.push();
  if (job == nullptr) {  // a full queue (2^18 glyphs): rendered here
    RenderJob here{&outline, placed.target, placed.handle, misses_[i], {}};
    here.target.clear();
    here.status = rasterizers_[0]->render_kept(outline, here.target.pixels, here.target.stride);
    if (!here.status.ok()) render_failed_(here.key, here.handle, here.status);
    return {};
  }
  *job = RenderJob{&outline, placed.target, placed.handle, misses_[i], {}};
  if (++render_unpublished_ >= kRenderPublishBatch) {
    q.jobs.publish();
    render_unpublished_ = 0;
  }
  return {};
}

RasterScheduler::RenderQueue& RasterScheduler::open_render_queue() {
  if (!render_queue_) {
    render_queue_ = std::make_shared<RenderQueue>();
    render_unpublished_ = 0;
    // A job per worker: each drains the queue until finish_page_writes() closes it (jobs still
    // preparing this interval's glyphs take theirs once those are done).
    std::vector<std::function<void(int)>> jobs;
    for (int w = 1; w < pool_->size(); ++w) {
      jobs.emplace_back([this, q = render_queue_](int worker) {
        q->jobs.drain([&](size_t j) { render_job(worker, *q, j); });
      });
    }
    pool_->submit_batch(std::move(jobs));
  }
  return *render_queue_;
}

void RasterScheduler::render_job(int worker, RenderQueue& q, size_t j) noexcept {
  RenderJob& job = q.jobs[j];
  try {
    job.target.clear();
    job.status = rasterizers_[size_t(worker)]->render_kept(*job.outline, job.target.pixels,
                                                           job.target.stride);
  } catch (...) {
    try {
      job.status = Status(ErrorCode::kOutOfMemory, "render: out of memory");
    } catch (...) {  // without memory for a message the glyph stays blank
    }
  }
  q.done.fetch_add(1, std::memory_order_release);
  q.done.notify_all();
}

void RasterScheduler::finish_page_writes() {
  if (!render_queue_) return;
  const std::shared_ptr<RenderQueue> q = std::move(render_queue_);
  q->jobs.close();
  for (size_t j; (j = q->jobs.try_take()) != ClaimQueue<RenderJob>::kNone;) render_job(0, *q, j);
  const uint32_t total = uint32_t(q->jobs.size());
  for (uint32_t done; (done = q->done.load(std::memory_order_acquire)) < total;) {
    q->done.wait(done, std::memory_order_acquire);
  }
  for (size_t j = 0; j < total; ++j) {
    const RenderJob& job = q->jobs[j];
    if (!job.status.ok()) render_failed_(job.key, job.handle, job.status);
  }
}

}  // namespace glyphstream::pipeline
