// Stager: owns the upload contract, end to end. A newcomer finds the contract here; each clause
// names the code that keeps it.
//
// THE UPLOAD CONTRACT (docs/ARCHITECTURE.md, "The upload contract")
//
//  1. Ordering. commit() uploads every glyph queued before it; flush() commits first if needed,
//     so a glyph is on the GPU before the draw that uses it, in the frame it first appears.
//     -> FramePipeline::commit() ends with Stager::upload(); TextSystem::Impl::flush() commits
//        when misses or a resend are pending; FramePipeline::mid_frame_flush() uploads before it
//        draws. GpuDevice::upload() returns only when later draws see the pixels; in
//        render-thread mode the upload is a step of the frame packet, before its draws.
//  2. No accumulation loss. Each page has one CPU image that always holds every live glyph (the
//     "back buffer", atlas::Atlas::page_pixels()); GPU-visible staging only carries the dirty
//     rectangles of one commit. Nothing is swapped, so nothing written earlier can be lost.
//     -> Stager::stage() marks a placed glyph dirty; Stager::write_pending() copies its pixels
//        into the page image BEFORE Stager::upload() takes the dirty rects; a failed upload
//        (say, another GL context current) marks its pages for a whole resend
//        (resend_page_, Stager::upload(); in render-thread mode Stager::mark_resend() with the
//        pages the render side reports), because their dirty rects were taken already. A
//        render-thread packet copies the dirty rects' pixels when the upload is queued.
//  3. Only dirty pixels move, coalesced per shelf band and merged when that wastes little.
//     -> atlas::Atlas::take_dirty_rects() coalesces; Stager::upload() hands only those rects
//        (gpu::PageUpload::dirty) to the device.
//  4. No stalls, and stalls are counted. A staging slot is rewritten only after the GPU is done
//     with it (GL fence, Vulkan timeline value); a wait for it is measured (stall_ns, stalls).
//     -> gpu::GpuDevice::upload() (src/gpu/gpu_device.cpp: acquire_slot()) asks the backend
//        whether the slot is idle (Backend::staging_slot_idle), times Backend::wait_staging_slot
//        when it is not and counts it into gpu::UploadStats; Stager::upload() merges those into
//        the frame's statistics in ONE place (merge_upload_stats()), for commits and mid-frame
//        flushes alike (render-thread mode: on the render thread, merged by the same function
//        when the packet's result comes back, FrameStatsAccumulator::attach_upload_stats()).
//  5. Kill switch: --sync-uploads, GLYPHSTREAM_SYNC_UPLOADS=1, or
//     TextSystem::set_upload_mode(UploadMode::kSync); pixel-identical (tests prove it).
//     -> Stager::initial_mode() reads the environment; Stager::set_mode() switches.
//  6. Baseline: UploadMode::kWholePage, for benchmarks only.
//     -> passed through Stager::upload() to GpuDevice::upload(), which sends whole pages.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "atlas/atlas.h"
#include "core/thread_pool.h"
#include "glyphstream/stats.h"
#include "glyphstream/text_system_desc.h"
#include "glyphstream/types.h"
#include "gpu/gpu_device.h"
#include "pipeline/frame_sink.h"
#include "text/rasterizer.h"

namespace glyphstream::pipeline {

// Adds one upload's statistics to a frame's: the one merge of upload statistics (clause 4).
void merge_upload_stats(FrameStats& frame, const gpu::UploadStats& upload);

class Stager {
 public:
  // Below this many bytes, waking the workers for the pixel copies costs more than the copies
  // (a zoom's landing of 128 small glyphs is ~20 us on one thread). Above it, a few large
  // glyphs are shared too: their first writes into fresh page rows fault the memory in (44
  // glyphs, 388 KB: 1.0 ms on one thread of the GPU machine).
  static constexpr size_t kParallelWriteMinBytes = 128 * 1024;
  static constexpr size_t kWritesPerChunk = 4;

  // Uploads go to `sink` (frame_sink.h): the device at once, or a frame packet for the render
  // thread.
  Stager(atlas::Atlas* atlas, FrameSink* sink, ThreadPool* pool, UploadMode mode);
  Stager(const Stager&) = delete;
  Stager& operator=(const Stager&) = delete;

  // Clause 5: desc.upload_mode when set, else GLYPHSTREAM_SYNC_UPLOADS=1 selects sync.
  static UploadMode initial_mode(const TextSystemDesc& desc);
  UploadMode mode() const { return mode_; }
  void set_mode(UploadMode mode) { mode_ = mode; }

  // Clause 2: a glyph placed at `handle`; its pixels are copied by write_pending(). The bitmap
  // must stay alive until then.
  void stage(atlas::AllocHandle handle, const text::GlyphBitmap* bitmap);
  // Copies the staged glyphs into their page images, in parallel from kParallelWriteMinBytes;
  // the time is added to stats.pack_ns and stats.pixel_write_ns.
  void write_pending(FrameStats& stats);
  // The same, one by one if the parallel attempt throws (for destructors).
  void write_pending_noexcept(FrameStats& stats) noexcept;

  // True when a commit has something to upload.
  bool has_work() const { return atlas_->has_dirty() || resend_pending_; }
  bool resend_pending() const { return resend_pending_; }
  // Clauses 1-4, 6: takes the dirty rects of every page (a page whose last upload failed is sent
  // whole) and hands them to the device in the current mode; merges the upload statistics.
  Status upload(FrameStats& stats);
  // Render-thread mode: pages whose upload failed on the render thread; the next upload sends
  // them whole (clause 2).
  void mark_resend(std::span<const uint32_t> pages);

 private:
  struct PendingWrite {
    atlas::AllocHandle handle;
    const text::GlyphBitmap* bitmap;
  };
  void copy_pending(const PendingWrite& w) noexcept;

  atlas::Atlas* atlas_;
  FrameSink* sink_;
  ThreadPool* pool_;
  UploadMode mode_;
  std::vector<PendingWrite> pending_writes_;
  size_t pending_bytes_ = 0;
  // Pages whose last upload failed: their dirty rects were taken, so the next upload sends them
  // whole. Nothing written is ever lost.
  std::vector<bool> resend_page_;
  bool resend_pending_ = false;
};

}  // namespace glyphstream::pipeline
