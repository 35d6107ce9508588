// The statistics overlay (see overlay.h).
#include "overlay.h"

#include <cinttypes>
#include <cstdio>

void FrameTotals::add(const glyphstream::FrameStats& s) {
  drawn += s.glyphs_drawn;
  rasterized += s.glyphs_rasterized;
  stand_in += s.glyphs_stand_in;
  refined += s.glyphs_refined;
  copies += s.copy_commands;
  stalls += s.stalls;
  draw_calls += s.draw_calls;
  bytes += s.bytes_uploaded;
  stall_ns += s.stall_ns;
  cpu_ns += s.frame_cpu_ns;
  evictions += s.evictions;
  pages = s.pages;
  occupancy = s.occupancy;
  cached = s.cached_glyphs;
  transfer_queue = s.transfer_queue;
  if (s.gpu_timing_available) {
    gpu_timing = true;
    gpu_upload_ns += s.gpu_upload_ns;
    gpu_draw_ns += s.gpu_draw_ns;
  }
}

std::string format_bytes(uint64_t b) {
  char buf[32];
  if (b < 10 * 1024) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 " B", b);
  } else if (b < 10 * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1024 * 1024));
  }
  return buf;
}

std::vector<std::string> stats_lines(const OverlayState& s, const FrameTotals& last) {
  std::vector<std::string> lines;
  char buf[160];
  std::snprintf(buf, sizeof buf, "backend  %s%s", s.backend.c_str(),
                s.backend == "vulkan" ? (last.transfer_queue ? "   copies on transfer queue"
                                                             : "   copies on graphics queue")
                                      : "");
  lines.push_back(buf);
  std::snprintf(buf, sizeof buf, "upload mode  %s   [M] cycles", s.upload_mode.c_str());
  lines.push_back(buf);
  std::snprintf(buf, sizeof buf, "frame  %6.2f ms   cpu %6.2f ms", s.last_frame_ms, s.last_cpu_ms);
  lines.push_back(buf);
  std::snprintf(buf, sizeof buf, "glyphs  %5u drawn  %4u rasterized", last.drawn, last.rasterized);
  lines.push_back(buf);
  std::snprintf(buf, sizeof buf, "upload  %s in %u copies", format_bytes(last.bytes).c_str(),
                last.copies);
  lines.push_back(buf);
  std::snprintf(buf, sizeof buf, "stalls  %u (%.2f ms)   draws %u", last.stalls,
                double(last.stall_ns) / 1e6, last.draw_calls);
  lines.push_back(buf);
  if (last.gpu_timing) {
    std::snprintf(buf, sizeof buf, "gpu     upload %.3f ms  draw %.3f ms",
                  double(last.gpu_upload_ns) / 1e6, double(last.gpu_draw_ns) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "gpu     timing unavailable");
  }
  lines.push_back(buf);
  std::snprintf(buf, sizeof buf, "atlas   %u pages %3.0f%%  %" PRIu64 " glyphs", last.pages,
                last.occupancy * 100, last.cached);
  lines.push_back(buf);
  std::snprintf(buf, sizeof buf, "total   %" PRIu64 " rasterized  %s", s.total_rasterized,
                format_bytes(s.total_bytes).c_str());
  lines.push_back(buf);
  std::snprintf(buf, sizeof buf, "zoom    x%.2f  stand-ins %u  refined %u", s.zoom, last.stand_in,
                last.refined);
  lines.push_back(buf);
  if (s.interactive) lines.push_back("wheel arrows PgUp PgDn Home End   Q quits");
  if (s.interactive) lines.push_back("Ctrl+wheel or +/- zoom, 0 resets");
  return lines;
}

std::vector<std::string> auto_scroll_lines(int frame, int frames, double scroll, size_t lines) {
  char buf[160];
  std::vector<std::string> out;
  std::snprintf(buf, sizeof buf, "auto-scroll  frame %d/%d", frame + 1, frames);
  out.push_back(buf);
  std::snprintf(buf, sizeof buf, "scroll  %.0f px   lines %zu", scroll, lines);
  out.push_back(buf);
  out.push_back("statistics: on stdout");
  return out;
}
