#include "pipeline/frame_stats.h"

#include "pipeline/frame_sink.h"  // SinkCpu
#include "pipeline/stager.h"      // merge_upload_stats

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace glyphstream::pipeline {

void FrameStatsAccumulator::begin(uint64_t frame, UploadMode mode, int threads,
                                  const atlas::AtlasCounters& counters) {
  stats_ = FrameStats{};
  stats_.frame = frame;
  stats_.upload_mode = mode;
  stats_.threads = threads;
  stats_.backend = backend_;
  stats_.transfer_queue = transfer_queue_;
  stats_.lcd_text = lcd_text_;
  counters_at_frame_start_ = counters;
  faces_this_frame_.clear();
}

void FrameStatsAccumulator::note_faces(std::span<const text::FaceId> faces) {
  faces_this_frame_.insert(faces.begin(), faces.end());
}

void FrameStatsAccumulator::glyph_error(const atlas::GlyphKey& key, const std::string& why) {
  ++stats_.raster_errors;
  if (stats_.raster_error_messages.size() >= FrameStats::kMaxErrorMessages) return;
  char size[32];
  std::snprintf(size, sizeof size, "%.2f", double(key.size_26_6) / 64.0);
  stats_.raster_error_messages.push_back("glyph " + std::to_string(key.glyph_id) + " of " +
                                         registry_->source(key.face_id).family + " at " + size +
                                         " px: " + why);
}

void FrameStatsAccumulator::take_gpu_timings(std::span<const gpu::GpuTimings> timings) {
  for (const gpu::GpuTimings& t : timings) {
    stats_.gpu_timing_available = true;
    stats_.gpu_upload_ns = t.upload_ns;
    stats_.gpu_draw_ns = t.draw_ns;
    stats_.gpu_timing_frame = t.frame;
    stats_.gpu_upload_begin_ns = t.upload_begin_ns;
    stats_.gpu_upload_end_ns = t.upload_end_ns;
  }
}

void FrameStatsAccumulator::take_sink_cpu(const SinkCpu& cpu) {
  stats_.device_cpu_ns = cpu.device_ns;
  stats_.handoff_cpu_ns = cpu.handoff_ns;
  stats_.queue_wait_ns = cpu.queue_wait_ns;
  stats_.lock_wait_ns = cpu.lock_wait_ns;
}

void FrameStatsAccumulator::finish(const atlas::AtlasCounters& c, size_t cached_glyphs,
                                   uint64_t frame_cpu_ns) {
  stats_.pages = uint32_t(c.pages);
  stats_.atlas_bytes = c.bytes;
  stats_.occupancy = c.occupancy;
  stats_.evictions = c.evictions - counters_at_frame_start_.evictions;
  stats_.growths = c.growths - counters_at_frame_start_.growths;
  stats_.cached_glyphs = cached_glyphs;
  for (text::FaceId f : faces_this_frame_) {
    const std::string family = registry_->source(f).family;
    if (std::find(stats_.fonts_used.begin(), stats_.fonts_used.end(), family) ==
        stats_.fonts_used.end()) {
      stats_.fonts_used.push_back(family);
    }
  }
  stats_.frame_cpu_ns = frame_cpu_ns;
  last_ = stats_;
  finished_.push_back(stats_);
  if (finished_.size() > kMaxFinishedFrames) finished_.pop_front();
}

void FrameStatsAccumulator::attach_gpu_timings(std::span<const gpu::GpuTimings> timings) {
  for (const gpu::GpuTimings& t : timings) {
    auto attach = [&](FrameStats& f) {
      if (f.frame != t.frame) return;
      f.gpu_timing_available = true;
      f.gpu_upload_ns = t.upload_ns;
      f.gpu_draw_ns = t.draw_ns;
      f.gpu_timing_frame = t.frame;
      f.gpu_upload_begin_ns = t.upload_begin_ns;
      f.gpu_upload_end_ns = t.upload_end_ns;
    };
    attach(last_);
    for (FrameStats& f : finished_) attach(f);
  }
}

void FrameStatsAccumulator::attach_upload_stats(uint64_t frame, const gpu::UploadStats& upload) {
  // The frame being built, or a finished one (kept in last_ and the ring; stats_ is reset at
  // the next begin()).
  if (stats_.frame == frame) merge_upload_stats(stats_, upload);
  if (last_.frame == frame) merge_upload_stats(last_, upload);
  // The newest frames are at the back; a packet runs at most a queue's depth behind.
  for (auto it = finished_.rbegin(); it != finished_.rend(); ++it) {
    if (it->frame == frame) {
      merge_upload_stats(*it, upload);
      return;
    }
  }
}

std::vector<FrameStats> FrameStatsAccumulator::take() {
  std::vector<FrameStats> out(std::make_move_iterator(finished_.begin()),
                              std::make_move_iterator(finished_.end()));
  finished_.clear();
  return out;
}

}  // namespace glyphstream::pipeline
