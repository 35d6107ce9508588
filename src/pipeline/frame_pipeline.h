// The frame pipeline (issue 25): the parts that turn a frame's draws into a frame packet
// (frame_packet.h: uploads, draws, the frame token), and the code that runs them between
// draw_text() and flush(). The packet goes to a FrameSink (frame_sink.h): in single-thread mode
// the device, at once; in render-thread mode the render thread (render_link.h). TextSystem's
// facade (src/text_system.cpp) validates, checks the owner thread and lays out; its Impl
// derives from this.
//
//   commit()            every miss rasterized (RasterScheduler, first-use order) and placed by
//                       pack_one(); the stager writes the pixels and uploads (the upload
//                       contract, stager.h)
//   pack_direct()       a glyph rasterized here, straight into its atlas rectangle
//   place_prepared()    a glyph a worker measured, placed here; the worker renders it into the
//                       page (RasterScheduler::render_into_pages, issue 26)
//   pack_one()          one bitmap into the atlas and the glyph cache; a full atlas pinned by
//                       this frame is flushed mid-frame, else the glyph is refused with a reason
//                       (glyph_fit.h: refusal_reason) and drawn as nothing
//   mid_frame_flush()   uploads, draws what is resident, closes the frame, waits for the GPU and
//                       starts the next frame number, so that nothing is pinned but the queue
#pragma once

#include <cstdint>
#include <memory>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "core/thread_pool.h"
#include "glyphstream/stats.h"
#include "glyphstream/status.h"
#include "gpu/gpu_device.h"
#include "pipeline/draw_batcher.h"
#include "pipeline/frame_sink.h"
#include "pipeline/frame_stats.h"
#include "pipeline/raster_scheduler.h"
#include "pipeline/scaled_glyphs.h"
#include "pipeline/stager.h"
#include "text/font_registry.h"
#include "text/rasterizer.h"

namespace glyphstream::pipeline {

struct FramePipeline {
  // The parts, in the order they are made (and the reverse of the order they go).
  text::FontRegistry registry;
  std::unique_ptr<ThreadPool> pool;
  std::unique_ptr<gpu::GpuDevice> gpu;  // single-thread mode; else the TextRenderer's
  std::unique_ptr<FrameSink> sink;      // where the frame's device work goes
  std::unique_ptr<atlas::Atlas> atlas;
  atlas::GlyphCache cache;
  std::unique_ptr<RasterScheduler> raster;
  std::unique_ptr<Stager> stager;
  DrawBatcher batcher;
  FrameStatsAccumulator frame_stats{&registry};
  std::unique_ptr<ScaledGlyphs> scaled;  // draw_text_scaled()

  // The frame number (the backends' frame token) and the viewport of the frame being built.
  uint64_t frame = 0;
  int viewport_w = 0, viewport_h = 0;

  FrameStats& stats() { return frame_stats.current(); }
  Status commit();
  // Places one rasterized glyph in the atlas and the glyph cache (a failed bitmap is counted).
  Status pack_one(const atlas::GlyphKey& key, Result<text::GlyphBitmap>& bitmap);
  // Rasterizes one glyph on this thread straight into its atlas rectangle (issue 26): the
  // outline's box is allocated, then rendered into the page's memory at the page's stride (no
  // glyph buffer, no copy). A glyph that cannot go that way (colour, monochrome, larger than a
  // page, an error) lands in `spare` and goes through pack_one(); the caller keeps `spare`
  // alive until the stager has written it.
  Status pack_direct(const atlas::GlyphKey& key, text::Rasterizer& rasterizer,
                     Result<text::GlyphBitmap>& spare);
  // Makes the workers render grey glyphs straight into their pages (after the atlas and the
  // raster scheduler are made, before any draw).
  void render_pages_on_workers();
  // A worker's measured glyph (its box) placed and entered; where the worker renders it.
  Result<PagePlacement> place_prepared(const atlas::GlyphKey& key, const text::GlyphBitmap& box);
  // Room for a glyph of bm's box (none for an empty one), flushing mid-frame when the atlas is
  // full and pinned; false when refused (counted, drawn as nothing).
  Result<bool> allocate_for(const atlas::GlyphKey& key, const text::GlyphBitmap& bm,
                            atlas::Allocation* out);
  // Enters a placed glyph in the glyph cache and the frame's counts.
  void enter(const atlas::GlyphKey& key, const text::GlyphBitmap& bm, float draw_scale,
             const atlas::Allocation& alloc);
  // A placed glyph whose rendering failed: out of the cache and the atlas, counted.
  void drop_unrendered(const atlas::GlyphKey& key, atlas::AllocHandle handle, const Status& status);
  void drop_evicted() {
    for (const atlas::AllocHandle& h : atlas->take_evicted()) cache.erase_handle(h);
  }
  Status mid_frame_flush();
  // Render-thread mode: what the render side reported (upload statistics and failures, GPU
  // timings) joins the frames' statistics and the stager; the first failure is returned.
  Status collect_results();
};

}  // namespace glyphstream::pipeline
