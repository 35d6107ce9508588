// percentile() and split_lines() (workloads.h), and a workload run's summary (workload_summary.h).
#include "workload_summary.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "render_thread_loop.h"

namespace glyphstream::bench {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double rank = p * double(v.size() - 1);
  const size_t lo = size_t(std::floor(rank)), hi = size_t(std::ceil(rank));
  return v[lo] + (v[hi] - v[lo]) * (rank - double(lo));
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

void summarize(const WorkloadSpec& spec, WorkloadResult* r) {
  auto& j = r->summary;
  const auto& f = r->frames;
  std::vector<double> commit_us;
  std::vector<double> bytes, copies;
  uint64_t total_bytes = 0, glyph_bytes = 0, copy_total = 0, stalls = 0, evictions = 0,
           rasterized = 0, drawn = 0, culled = 0;
  double stall_ms = 0;
  // Timings arrive late, each in exactly one frame's statistics; frame numbers repeat across the
  // fresh text systems of cold and burst runs, so they are listed, not keyed by frame.
  std::vector<std::pair<uint64_t, uint64_t>> gpu_by_frame;
  bool gpu_available = false;
  for (const FrameStats& s : f) {
    commit_us.push_back(double(s.commit_cpu_ns) / 1e3);
    bytes.push_back(double(s.bytes_uploaded));
    copies.push_back(double(s.copy_commands));
    total_bytes += s.bytes_uploaded;
    glyph_bytes += s.glyph_bytes;
    copy_total += s.copy_commands;
    stalls += s.stalls;
    stall_ms += double(s.stall_ns) / 1e6;
    evictions += s.evictions;
    rasterized += s.glyphs_rasterized;
    drawn += s.glyphs_drawn;
    culled += s.glyphs_culled;
    if (s.gpu_timing_available) {
      gpu_available = true;
      gpu_by_frame.emplace_back(s.gpu_upload_ns, s.gpu_draw_ns);
    }
  }
  j["workload"] = spec.workload;
  j["upload_mode"] = upload_mode_name(spec.mode);
  j["backend"] = f.empty() ? "" : gpu_api_name(f.front().backend);
  j["transfer_queue"] = !f.empty() && f.front().transfer_queue;
  j["threads"] = spec.threads;
  if (spec.frame_gap_ms > 0) j["frame_gap_ms"] = spec.frame_gap_ms;
  if (spec.zoom_background_glyphs > 0) j["zoom_background_glyphs"] = spec.zoom_background_glyphs;
  if (spec.clip) j["clip"] = true;
  if (spec.rendering != RenderingStyle{}) {
    j["antialias"] = int(spec.rendering.antialias);
    j["hinting"] = int(spec.rendering.hinting);
    j["hint_metrics"] = int(spec.rendering.hint_metrics);
    j["whole_pixel_positions"] = spec.rendering.whole_pixel_positions;
    if (spec.rendering.antialias == Antialias::kSubpixel) {
      j["subpixel_order"] = int(spec.rendering.subpixel_order);
      // Whether LCD text was drawn as such (false: greyscale, no dual-source blending).
      j["lcd_text"] = !f.empty() && f.front().lcd_text;
    }
  }
  if (spec.busy_work) {
    j["gpu_load_ms"] = spec.gpu_load_ms;
    j["gpu_load_measured_ms"] = spec.gpu_load_measured_ms;
    j["gpu_load_work"] = spec.busy_work;
    j["gpu_load_timer"] = spec.gpu_load_wall_clock ? "wall clock (the GPU timer missed most of "
                                                     "the pass)"
                                                   : "gpu";
  }
  j["frames"] = f.size();
  j["frame_cpu_ms_p50"] = percentile(r->frame_cpu_ms, 0.5);
  j["frame_cpu_ms_p99"] = percentile(r->frame_cpu_ms, 0.99);
  j["frame_cpu_ms_max"] = percentile(r->frame_cpu_ms, 1.0);
  j["commit_cpu_us_p50"] = percentile(commit_us, 0.5);
  j["commit_cpu_us_max"] = percentile(commit_us, 1.0);
  j["bytes_uploaded"] = total_bytes;
  j["glyph_bytes"] = glyph_bytes;
  j["bytes_per_glyph_byte"] = glyph_bytes ? double(total_bytes) / double(glyph_bytes) : 0.0;
  j["bytes_per_frame_max"] = percentile(bytes, 1.0);
  j["copy_commands"] = copy_total;
  j["copy_commands_per_frame_max"] = percentile(copies, 1.0);
  j["stalls"] = stalls;
  j["stall_ms"] = stall_ms;
  j["glyphs_rasterized"] = rasterized;
  j["glyphs_drawn"] = drawn;
  j["glyphs_culled"] = culled;
  j["evictions"] = evictions;
  if (gpu_available && !gpu_by_frame.empty()) {
    double up = 0, dr = 0;
    for (const auto& [upload_ns, draw_ns] : gpu_by_frame)
      up += double(upload_ns) / 1e6, dr += double(draw_ns) / 1e6;
    j["gpu_upload_ms"] = up / double(gpu_by_frame.size());  // mean per measured frame
    j["gpu_draw_ms"] = dr / double(gpu_by_frame.size());
  } else {
    j["gpu_upload_ms"] = "unavailable";
    j["gpu_draw_ms"] = "unavailable";
  }
  if (!f.empty()) {
    j["pages"] = f.back().pages;
    j["occupancy"] = f.back().occupancy;
  }
  summarize_handoff(r->frame_cpu_ms, f, spec.render_thread, &j);
  // Kept in the JSON so that plots can be drawn on another machine (--replot).
  j["frame_cpu_ms_series"] = r->frame_cpu_ms;
}

}  // namespace glyphstream::bench
