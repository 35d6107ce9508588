#include <nlohmann/json.hpp>

#include "glyphstream/stats.h"

namespace glyphstream {

std::string frame_stats_to_json(const FrameStats& s) {
  nlohmann::ordered_json j;
  j["frame"] = s.frame;
  j["upload_mode"] = upload_mode_name(s.upload_mode);
  j["threads"] = s.threads;
  j["backend"] = gpu_api_name(s.backend);
  j["transfer_queue"] = s.transfer_queue;
  j["lcd_text"] = s.lcd_text;
  j["lcd_fallback_draws"] = s.lcd_fallback_draws;
  j["glyphs_requested"] = s.glyphs_requested;
  j["glyphs_culled"] = s.glyphs_culled;
  j["glyphs_memoized"] = s.glyphs_memoized;
  j["glyphs_drawn"] = s.glyphs_drawn;
  j["glyph_hits"] = s.glyph_hits;
  j["glyphs_rasterized"] = s.glyphs_rasterized;
  j["raster_errors"] = s.raster_errors;
  j["raster_error_messages"] = s.raster_error_messages;
  j["marks_dropped"] = s.marks_dropped;
  j["glyph_bytes"] = s.glyph_bytes;
  j["glyphs_stand_in"] = s.glyphs_stand_in;
  j["zoom_requests"] = s.zoom_requests;
  j["glyphs_refined"] = s.glyphs_refined;
  j["layout_ns"] = s.layout_ns;
  j["rasterize_ns"] = s.rasterize_ns;
  j["pack_ns"] = s.pack_ns;
  j["pixel_write_ns"] = s.pixel_write_ns;
  j["zoom_cpu_ns"] = s.zoom_cpu_ns;
  j["commit_cpu_ns"] = s.commit_cpu_ns;
  j["upload_cpu_ns"] = s.upload_cpu_ns;
  j["draw_cpu_ns"] = s.draw_cpu_ns;
  j["frame_cpu_ns"] = s.frame_cpu_ns;
  j["device_cpu_ns"] = s.device_cpu_ns;
  j["handoff_cpu_ns"] = s.handoff_cpu_ns;
  j["queue_wait_ns"] = s.queue_wait_ns;
  j["lock_wait_ns"] = s.lock_wait_ns;
  j["bytes_uploaded"] = s.bytes_uploaded;
  j["copy_commands"] = s.copy_commands;
  j["stall_ns"] = s.stall_ns;
  j["stalls"] = s.stalls;
  j["draw_calls"] = s.draw_calls;
  if (s.gpu_timing_available) {
    j["gpu_upload_ns"] = s.gpu_upload_ns;
    j["gpu_draw_ns"] = s.gpu_draw_ns;
    j["gpu_timing_frame"] = s.gpu_timing_frame;
    if (s.gpu_upload_end_ns) {
      j["gpu_upload_begin_ns"] = s.gpu_upload_begin_ns;
      j["gpu_upload_end_ns"] = s.gpu_upload_end_ns;
    }
  } else {
    j["gpu_upload_ns"] = "unavailable";
    j["gpu_draw_ns"] = "unavailable";
  }
  j["pages"] = s.pages;
  j["atlas_bytes"] = s.atlas_bytes;
  j["occupancy"] = s.occupancy;
  j["evictions"] = s.evictions;
  j["growths"] = s.growths;
  j["mid_frame_flushes"] = s.mid_frame_flushes;
  j["cached_glyphs"] = s.cached_glyphs;
  j["fonts_used"] = s.fonts_used;
  // Font names come from font files: never let a bad byte in one make this throw.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace glyphstream
