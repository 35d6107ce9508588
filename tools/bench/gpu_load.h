// The bench's W5 "busy GPU": the application's own GPU work before the text, a busy scene
// (HeadlessTarget::draw_busy_scene) whose work is calibrated to a GPU time with timer queries.
#pragma once

#include <cstdint>
#include <string>

#include "glyphstream/status.h"
#include "headless_target.h"

namespace glyphstream::bench {

struct GpuLoad {
  double requested_ms = 0;
  uint32_t work = 0;        // shader iterations per pixel
  double measured_ms = 0;   // median of a few passes at `work`
  bool wall_clock = false;  // the GPU timer missed most of a pass: the wall clock measured it
};

// Finds the work whose pass takes `ms` of GPU time on `target` at its current size: doubles
// until a pass takes a quarter of it, scales linearly, corrects twice, then measures (the wall
// clock where the GPU timer misses most of a pass). kUnsupported without GPU timers;
// kInvalidArgument for ms outside (0, 100].
Result<GpuLoad> calibrate_gpu_load(tools::HeadlessTarget* target, double ms);

// W5 rows are named by workload and the load reached, not the one asked for (0.05 ms asked ran
// 0.5..1.9 ms on llvmpipe): "busy-scroll-4ms", "busy-burst-0_5ms", "busy-scroll-12ms" (two
// significant digits below 10 ms, whole milliseconds above; '.' becomes '_').
std::string busy_row_name(const std::string& workload, double measured_ms);
// A warning when the load reached differs from the request by more than kLoadTolerance
// (25%) either way, else "".
constexpr double kLoadTolerance = 0.25;
std::string gpu_load_warning(const GpuLoad& load);

}  // namespace glyphstream::bench
