// The statistics overlay: per-frame totals of glyphstream's frame statistics and the lines of
// text the panel shows.
#pragma once

#include <glyphstream/stats.h>

#include <cstdint>
#include <string>
#include <vector>

// Sums every glyphstream frame of one displayed frame (document pass + overlay pass).
struct FrameTotals {
  uint32_t drawn = 0, rasterized = 0, copies = 0, stalls = 0, draw_calls = 0;
  uint32_t stand_in = 0, refined = 0;  // draw_text_scaled: stand-ins drawn, exact replacements
  uint64_t bytes = 0, stall_ns = 0, cpu_ns = 0, evictions = 0;
  uint32_t pages = 0;
  double occupancy = 0;
  uint64_t cached = 0;
  bool gpu_timing = false;
  bool transfer_queue = false;  // Vulkan: uploads on a dedicated transfer queue
  uint64_t gpu_upload_ns = 0, gpu_draw_ns = 0;

  void add(const glyphstream::FrameStats& s);
};

// What the overlay needs to know besides the last frame's totals.
struct OverlayState {
  std::string backend;      // "gl", "vulkan"
  std::string upload_mode;  // "async", ...
  double last_frame_ms = 0, last_cpu_ms = 0;
  uint64_t total_rasterized = 0, total_bytes = 0;
  bool interactive = true;
  float zoom = 1;
};

std::string format_bytes(uint64_t b);

// The statistics lines (interactive, or --show-stats).
std::vector<std::string> stats_lines(const OverlayState& s, const FrameTotals& last);
// The unattended lines: nothing that depends on timing, the upload mode or the backend, so
// that screenshots stay comparable between modes and backends.
std::vector<std::string> auto_scroll_lines(int frame, int frames, double scroll, size_t lines);
