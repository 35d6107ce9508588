// Per-frame statistics: what every frame cost, CPU and GPU.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "glyphstream/types.h"

namespace glyphstream {

struct FrameStats {
  uint64_t frame = 0;
  UploadMode upload_mode = UploadMode::kAsync;
  int threads = 1;
  GpuApi backend = GpuApi::kGl;  // "backend" in JSON: "gl" or "vulkan"
  // Vulkan: async copies run in their own submissions on a dedicated transfer queue.
  bool transfer_queue = false;
  // LCD text (RenderingStyle Antialias::kSubpixel): whether this system draws it (the device
  // blends with two sources and TextSystemDesc::translucent_target is false). When it does not,
  // LCD text is drawn greyscale and each such draw call (draw_text, draw_text_scaled, layout(),
  // measure(), prefetch(); outside a frame: counted in the next) is counted in
  // lcd_fallback_draws.
  bool lcd_text = false;
  uint32_t lcd_fallback_draws = 0;

  // Glyphs
  uint32_t glyphs_requested = 0;  // glyph quads asked for by draw_text (including spaces)
  // Of those, wholly outside the viewport or their DrawParams::clip (by a conservative box of
  // their ink, known before rasterization): neither rasterized nor queued for drawing.
  uint32_t glyphs_culled = 0;
  uint32_t glyphs_drawn = 0;  // quads with pixels, drawn
  uint32_t glyph_hits = 0;    // found in the cache
  // Of the hits, drawn from their layout's memo (its instances built in an earlier draw and
  // copied: nothing changed since; docs/ARCHITECTURE.md, "Steady frames").
  uint32_t glyphs_memoized = 0;
  uint32_t glyphs_rasterized = 0;  // new this frame
  uint32_t raster_errors = 0;      // glyphs that failed to rasterize or place (drawn as nothing)
  // Why, for the first kMaxErrorMessages of them: each names the glyph, its font and size, and
  // the cause (a broken glyph in the font, a glyph larger than an atlas page, ...).
  std::vector<std::string> raster_error_messages;
  static constexpr size_t kMaxErrorMessages = 8;
  // Combining marks dropped from runs of more than 30 on one base (a warning: Pango's cost is
  // quadratic in such a run; 30 is Unicode's stream-safe limit, see docs/RELIABILITY.md).
  uint32_t marks_dropped = 0;
  uint64_t glyph_bytes = 0;  // bytes of the glyphs newly written to the atlas
  // draw_text_scaled(): quads drawn from a raster of another size (stretched), background
  // rasterizations requested, and requested rasters that became resident this frame.
  uint32_t glyphs_stand_in = 0;
  uint32_t zoom_requests = 0;
  uint32_t glyphs_refined = 0;

  // CPU time, nanoseconds
  uint64_t layout_ns = 0;
  uint64_t rasterize_ns = 0;    // wall time of rasterization (all threads)
  uint64_t pack_ns = 0;         // atlas allocation + staging writes
  uint64_t pixel_write_ns = 0;  // the part of pack_ns that copies glyph pixels into pages
  uint64_t zoom_cpu_ns = 0;     // draw_text_scaled(): stand-in lookups and background requests
  uint64_t commit_cpu_ns = 0;   // all of commit(): rasterize + pack + upload
  uint64_t upload_cpu_ns = 0;   // the upload part of commit()
  uint64_t draw_cpu_ns = 0;     // flush(): instance build + draw calls
  uint64_t frame_cpu_ns = 0;    // begin_frame() to the end of flush()
  // Of frame_cpu_ns, the part spent in the GPU device's calls on this thread (uploads, draw
  // calls, frame ends, fence waits): in single-thread mode, what render-thread mode moves to
  // the render thread; 0 in render-thread mode.
  uint64_t device_cpu_ns = 0;
  // Render-thread mode (TextRenderer): of frame_cpu_ns, the part spent handing the frame to the
  // render thread (copying its uploads and draws into the frame packet, queuing it), and of
  // that, the time blocked on a full packet queue or on the render thread (a mid-frame flush)
  // and on the queue's lock while the render thread held it. 0 in single-thread mode.
  uint64_t handoff_cpu_ns = 0;
  uint64_t queue_wait_ns = 0;
  uint64_t lock_wait_ns = 0;

  // Uploads
  uint64_t bytes_uploaded = 0;
  uint32_t copy_commands = 0;
  uint64_t stall_ns = 0;
  uint32_t stalls = 0;
  uint32_t draw_calls = 0;

  // GPU time from timer queries, for the newest frame measured (may lag a few frames)
  bool gpu_timing_available = false;
  uint64_t gpu_upload_ns = 0;
  uint64_t gpu_draw_ns = 0;
  uint64_t gpu_timing_frame = 0;
  // Vulkan: the device clock (ns) when the frame's first upload command began and its last
  // ended, to compare with other timestamps of the same device (VulkanContext's busy scene);
  // 0 on GL or without uploads.
  uint64_t gpu_upload_begin_ns = 0;
  uint64_t gpu_upload_end_ns = 0;

  // Atlas
  uint32_t pages = 0;
  uint64_t atlas_bytes = 0;
  double occupancy = 0;
  uint64_t evictions = 0;          // this frame
  uint64_t growths = 0;            // this frame
  uint32_t mid_frame_flushes = 0;  // atlas full with everything pinned: queued text drawn early
  uint64_t cached_glyphs = 0;

  std::vector<std::string> fonts_used;  // family names of faces that served this frame's text
};

// One JSON object on one line (for JSON-lines files).
std::string frame_stats_to_json(const FrameStats& stats);

}  // namespace glyphstream
