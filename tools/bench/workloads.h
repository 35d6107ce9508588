// The benchmark workloads of docs/PERFORMANCE.md (W1 cold page, W2 scroll, W3 zoom, W4 steady)
// plus "burst" (2,000 new 32 px glyphs in one frame: the upload path under load).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "glyphstream/rendering.h"
#include "glyphstream/stats.h"
#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "headless_target.h"
#include "texts/bench_texts.h"

namespace glyphstream::bench {

struct WorkloadSpec {
  std::string workload;  // cold | scroll | zoom | steady | burst
  UploadMode mode = UploadMode::kAsync;
  int threads = 1;
  int frames = 0;  // 0: the workload's default
  bool quick = false;
  // W5 "busy GPU": every frame starts with a busy scene of this work (the application's own
  // drawing) instead of a clear; 0: none. gpu_load_ms is what it was calibrated to (JSON).
  uint32_t busy_work = 0;
  double gpu_load_ms = 0;
  double gpu_load_measured_ms = 0;
  bool gpu_load_wall_clock = false;  // measured by the wall clock (GpuLoad::wall_clock)
  // The control for W5: the CPU idles this long after every frame (outside the measurement),
  // as an application waiting for the display would, with no GPU load.
  double frame_gap_ms = 0;
  // TextSystemDesc::zoom_background_glyphs for this run; 0: the library's default.
  int zoom_background_glyphs = 0;
  // W4 (steady): every draw_text carries a DrawParams::clip (the viewport less 2 px on each
  // side, alternating between two clips), to measure what clipping costs.
  bool clip = false;
  // TextStyle::rendering of every draw (--antialias, --hinting, ...): what a render mode costs.
  RenderingStyle rendering;
  // --render-thread: frames built on a second thread, submitted on this one (TextRenderer,
  // render_thread_loop.h); workloads on one shared TextSystem only (scroll, zoom, steady).
  bool render_thread = false;
};

struct WorkloadResult {
  nlohmann::ordered_json summary;    // one object (the JSON fields the issues name, and more)
  std::vector<double> frame_cpu_ms;  // per measured frame, for plots
  std::vector<FrameStats> frames;    // per measured frame
};

// Progress callback: (done, total).
using Progress = std::function<void(int, int)>;

// Runs one workload on `target`'s backend (GL: in its current context), a fresh TextSystem each
// run.
Result<WorkloadResult> run_workload(tools::HeadlessTarget* target, const WorkloadSpec& spec,
                                    const Progress& progress);

// The p-th percentile (0..1) of v, interpolated; 0 for none.
double percentile(std::vector<double> v, double p);
// The lines of a text (no empty last line for a final newline).
std::vector<std::string> split_lines(std::string_view text);

// Writes a PNG plot of frame CPU time over frames, one line per series (gnuplot).
Status plot_frame_times(const std::string& path, const std::string& title,
                        const std::vector<std::pair<std::string, std::vector<double>>>& series);

}  // namespace glyphstream::bench
