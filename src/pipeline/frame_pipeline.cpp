// The frame pipeline's commit, glyph placement and mid-frame flush (issue 25).
#include "pipeline/frame_pipeline.h"

#include "pipeline/clock.h"
#include "pipeline/glyph_fit.h"

namespace glyphstream::pipeline {
namespace {

// Adds the time until it goes (whatever returns) to the frame's pack_ns.
struct PackTimer {
  FrameStats& stats;
  Clock::time_point start = Clock::now();
  ~PackTimer() { stats.pack_ns += ns_since(start); }
};

}  // namespace

Status FramePipeline::commit() {
  // A steady frame (everything cached, nothing staged) costs nothing here.
  if (!raster->has_misses() && !stager->has_work() && raster->prefetch_idle()) return {};
  const auto start = Clock::now();
  pipeline::RasterBatch batch;
  // The stager's pending writes point into `batch`: whatever ends this call (an exception
  // included), the placed glyphs reach their pages before it goes.
  struct OnExit {
    FramePipeline* self;
    ~OnExit() {
      try {
        self->raster->finish_page_writes();  // no worker writes a page past this call
      } catch (...) {  // a failure's message without memory: the glyph stays blank
      }
      self->stager->write_pending_noexcept(self->stats());
      self->raster->forget_unfinished(self->cache);
    }
  } on_exit{this};
  const pipeline::PackFn pack = [this](const atlas::GlyphKey& key,
                                       Result<text::GlyphBitmap>& bitmap) {
    return pack_one(key, bitmap);
  };
  const pipeline::PackDirectFn pack_here =
      [this](const atlas::GlyphKey& key, text::Rasterizer& rasterizer,
             Result<text::GlyphBitmap>& spare) { return pack_direct(key, rasterizer, spare); };
  // Statistics by the commit, not by the glyph (a clock read is 20-250 ns): placing times itself
  // (pack_ns); the rest of the loop is rasterizing, rendering and waiting for the workers.
  const uint64_t pack_before = stats().pack_ns;
  Status status = raster->rasterize_and_pack(cache, batch, pack, nullptr, pack_here);
  raster->finish_page_writes();  // the workers' glyphs are in their pages
  const uint64_t loop_ns = ns_since(start), packed_ns = stats().pack_ns - pack_before;
  stats().rasterize_ns += loop_ns > packed_ns ? loop_ns - packed_ns : 0;
  stager->write_pending(stats());  // before the bitmaps go, and before the dirty rects are taken
  raster->end_interval();
  if (status.ok()) status = stager->upload(stats());
  stats().commit_cpu_ns += ns_since(start);
  return status;
}

Status FramePipeline::pack_one(const atlas::GlyphKey& key, Result<text::GlyphBitmap>& bitmap) {
  const PackTimer pack_timer{stats()};
  if (!bitmap.ok()) {
    frame_stats.glyph_error(key, bitmap.status().message());
    return {};
  }
  // Larger than a page: a smaller raster, drawn scaled up (pipeline/glyph_fit.h).
  const auto fitted = pipeline::fit_glyph_to_page(
      key, &bitmap.value(), atlas->config(),
      [this](const atlas::GlyphKey& k) { return raster->rasterize_now(k); });
  if (!fitted.ok()) {
    frame_stats.glyph_error(key, fitted.status().message());
    return {};
  }
  const text::GlyphBitmap& bm = bitmap.value();
  atlas::Allocation alloc;
  GS_ASSIGN_OR_RETURN(const bool placed, allocate_for(key, bm, &alloc));
  if (!placed) return {};
  // The copy into the page waits for the stager's write_pending(): there, all of a commit's
  // glyphs are copied by every thread, instead of one by one on the caller between allocations.
  if (bm.width > 0 && bm.height > 0) stager->stage(alloc.handle, &bm);
  enter(key, bm, fitted.value(), alloc);
  return {};
}

Status FramePipeline::pack_direct(const atlas::GlyphKey& key, text::Rasterizer& rasterizer,
                                  Result<text::GlyphBitmap>& spare) {
  // Two clock reads a glyph (the placement's time); commit() counts the rest as rasterizing.
  Result<text::PreparedGlyph> prepared = rasterizer.prepare(
      {key.face_id, key.glyph_id, key.size_26_6, key.subpixel_bin, key.angle_bin, key.flags});
  if (!prepared.ok() || !prepared->direct ||
      !pipeline::fits_page(prepared->bitmap, atlas->config())) {
    // The copying way: an error, a whole raster (colour, monochrome, ...), or a glyph larger
    // than a page (rendered into its own pixels, then fitted).
    spare = prepared.ok() ? rasterizer.finish(std::move(prepared).value())
                          : Result<text::GlyphBitmap>(prepared.status());
    return pack_one(key, spare);
  }
  const text::GlyphBitmap& box = prepared->bitmap;  // no pixels: they go to the page
  const auto start = Clock::now();
  atlas::Allocation alloc;
  const Result<bool> placed = allocate_for(key, box, &alloc);
  if (placed.ok() && placed.value()) {
    atlas->mark_dirty(alloc.handle);  // cleared in any case
    enter(key, box, 0.0f, alloc);
  }
  stats().pack_ns += ns_since(start);
  if (!placed.ok() || !placed.value()) return placed.status();
  size_t stride = 0;
  uint8_t* dst = atlas->clear_for_render(alloc.handle, &stride);
  const Status rendered = rasterizer.render_prepared(dst, stride);
  if (!rendered.ok()) drop_unrendered(key, alloc.handle, rendered);
  return {};
}

void FramePipeline::drop_unrendered(const atlas::GlyphKey& key, atlas::AllocHandle handle,
                                    const Status& status) {
  cache.erase_handle(handle);
  atlas->release(handle);
  frame_stats.glyph_error(key, status.message());
}

void FramePipeline::render_pages_on_workers() {
  raster->render_into_pages(
      atlas->config(),
      [this](const atlas::GlyphKey& key, const text::GlyphBitmap& box) {
        return place_prepared(key, box);
      },
      [this](const atlas::GlyphKey& key, atlas::AllocHandle handle, const Status& status) {
        drop_unrendered(key, handle, status);
      });
}

Result<PagePlacement> FramePipeline::place_prepared(const atlas::GlyphKey& key,
                                                    const text::GlyphBitmap& box) {
  const PackTimer pack_timer{stats()};
  atlas::Allocation alloc;
  GS_ASSIGN_OR_RETURN(const bool placed, allocate_for(key, box, &alloc));
  if (!placed) return PagePlacement{};
  atlas->mark_dirty(alloc.handle);  // taken only after finish_page_writes()
  enter(key, box, 0.0f, alloc);
  return PagePlacement{alloc.handle, atlas->render_target(alloc.handle)};
}

Result<bool> FramePipeline::allocate_for(const atlas::GlyphKey& key, const text::GlyphBitmap& bm,
                                         atlas::Allocation* out) {
  if (bm.width <= 0 || bm.height <= 0) return true;  // no pixels: nothing to place
  atlas::AllocResult r = atlas->allocate(bm.format, bm.width, bm.height);
  drop_evicted();
  if (r.status == atlas::AllocStatus::kFull && sink->traits().can_wait_within_frame) {
    // Everything left is pinned by this frame: draw what is queued, start a new frame
    // (which unpins it once the GPU is done), and try again. Embedded Vulkan cannot: the
    // frame ends only when the application submits it, so waiting here would never return.
    GS_TRY(mid_frame_flush());
    r = atlas->allocate(bm.format, bm.width, bm.height);
    drop_evicted();
  }
  if (r.status != atlas::AllocStatus::kOk) {
    // Drawn as nothing; the rest of the frame goes on.
    frame_stats.glyph_error(key, pipeline::refusal_reason(r.status, bm, atlas->config(),
                                                          sink->traits().can_wait_within_frame));
    return false;
  }
  *out = r.alloc;
  return true;
}

void FramePipeline::enter(const atlas::GlyphKey& key, const text::GlyphBitmap& bm, float draw_scale,
                          const atlas::Allocation& alloc) {
  atlas::CachedGlyph entry;
  entry.draw_scale = draw_scale;
  entry.bearing_x = int16_t(bm.left);
  entry.bearing_y = int16_t(bm.top);
  entry.format = bm.format;
  if (bm.width > 0 && bm.height > 0) {
    entry.handle = alloc.handle;
    entry.page = alloc.page;
    entry.rect = alloc.rect;
    stats().glyph_bytes +=
        uint64_t(bm.width) * uint64_t(bm.height) * uint64_t(bytes_per_pixel(bm.format));
  }
  cache.insert(key, entry);
  ++stats().glyphs_rasterized;
  if (scaled->take_request(key)) ++stats().glyphs_refined;
}

Status FramePipeline::mid_frame_flush() {
  // Upload what is staged, draw every queued glyph that is resident, close the frame and wait
  // for the GPU: afterwards nothing is pinned but what is still queued.
  raster->finish_page_writes();  // the glyphs placed so far are in their pages
  stager->write_pending(stats());
  GS_TRY(stager->upload(stats()));
  GS_TRY(batcher.draw(cache, /*keep_unresolved=*/true, *sink, viewport_w, viewport_h, stats()));
  GS_TRY(sink->end_frame(frame, /*app_frame=*/false));
  GS_TRY(sink->finish());
  GS_TRY(collect_results());
  ++stats().mid_frame_flushes;
  ++frame;
  atlas->begin_frame(frame);
  atlas->set_completed_frame(sink->completed_frame());
  atlas->lift_eviction_limit();  // nothing is in flight now: evict whatever it takes
  batcher.touch_queued(cache, *atlas);
  return {};
}

Status FramePipeline::collect_results() {
  Status first;
  for (PacketResult& r : sink->take_results()) {
    if (!r.failed_pages.empty()) stager->mark_resend(r.failed_pages);
    frame_stats.attach_upload_stats(r.stats_frame, r.upload);
    if (!r.timings.empty()) frame_stats.take_gpu_timings(r.timings);
    if (!r.status.ok() && first.ok()) first = std::move(r.status);
  }
  return first;
}

}  // namespace glyphstream::pipeline
