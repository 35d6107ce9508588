// Frame-stats accumulator: the statistics of the frame being built, the last finished one, and
// the finished frames not yet taken (a bounded ring: frames never taken cost O(1) per frame).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "glyphstream/stats.h"
#include "gpu/gpu_device.h"
#include "text/font_registry.h"

namespace glyphstream::pipeline {

struct SinkCpu;  // frame_sink.h

class FrameStatsAccumulator {
 public:
  // Finished frames kept for take(); older ones are dropped.
  static constexpr size_t kMaxFinishedFrames = 100000;

  explicit FrameStatsAccumulator(const text::FontRegistry* registry) : registry_(registry) {}

  FrameStats& current() { return stats_; }
  // The backend every frame reports (set once, after the device is created).
  void set_backend(GpuApi api, bool transfer_queue, bool lcd_text = false) {
    backend_ = api;
    transfer_queue_ = transfer_queue;
    lcd_text_ = lcd_text;
  }
  void begin(uint64_t frame, UploadMode mode, int threads, const atlas::AtlasCounters& counters);
  // Faces that served this frame's text (their families go into fonts_used).
  void note_faces(std::span<const text::FaceId> faces);
  // Counts a glyph that is drawn as nothing, and says why (the first few of a frame).
  void glyph_error(const atlas::GlyphKey& key, const std::string& why);
  // The newest GPU timings (they lag a few frames) go into the current frame.
  void take_gpu_timings(std::span<const gpu::GpuTimings> timings);
  // Render-thread mode: a packet's upload statistics, measured on the render thread, join the
  // frame they belong to (the current one, or a finished one still kept).
  void attach_upload_stats(uint64_t frame, const gpu::UploadStats& upload);
  // The frame thread's time in the sink this frame (frame_sink.h) into the current frame.
  void take_sink_cpu(const SinkCpu& cpu);
  // Closes the current frame with the atlas's state and its CPU time.
  void finish(const atlas::AtlasCounters& counters, size_t cached_glyphs, uint64_t frame_cpu_ns);
  // Attaches timings to the finished frames they measured (after a GPU finish()).
  void attach_gpu_timings(std::span<const gpu::GpuTimings> timings);

  const FrameStats& last() const { return last_; }
  std::vector<FrameStats> take();

 private:
  const text::FontRegistry* registry_;
  FrameStats stats_;
  FrameStats last_;
  std::deque<FrameStats> finished_;
  atlas::AtlasCounters counters_at_frame_start_;
  std::set<text::FaceId> faces_this_frame_;
  GpuApi backend_ = GpuApi::kGl;
  bool transfer_queue_ = false;
  bool lcd_text_ = false;
};

}  // namespace glyphstream::pipeline
