#include "gpu_load.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "busy_scene.h"

namespace glyphstream::bench {
namespace {

constexpr uint32_t kMaxWork = kMaxBusySceneWork;

// The GPU timer, checked against the wall clock: a timer that misses most of the pass (Mesa
// llvmpipe's GL timer reported 1.5 ms for a pass that took 200 ms) would make the search
// double the work without bound. Where they disagree that much, the wall clock (which waits
// for the pass) is the measurement, and the load says so.
Result<double> median_pass_ms(tools::HeadlessTarget* target, uint32_t work, int passes,
                              bool* wall_clock_used) {
  std::vector<double> ms;
  for (int i = 0; i < passes; ++i) {
    const auto start = std::chrono::steady_clock::now();
    GS_ASSIGN_OR_RETURN(double t, target->time_busy_scene(work));
    const double wall =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (wall > 20 && t < wall / 20) {
      t = wall;
      *wall_clock_used = true;
    }
    ms.push_back(t);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

uint32_t scaled_work(uint32_t work, double measured_ms, double wanted_ms) {
  const double w = double(work) * wanted_ms / std::max(measured_ms, 1e-6);
  return uint32_t(std::clamp(w, 1.0, double(kMaxWork)));
}

}  // namespace

Result<GpuLoad> calibrate_gpu_load(tools::HeadlessTarget* target, double ms) {
  if (!(ms > 0 && ms <= 100)) {
    return Status(ErrorCode::kInvalidArgument, "GPU load must be in (0, 100] ms");
  }
  GpuLoad load;
  GS_TRY(target->time_busy_scene(1).status());  // compiles the pipeline; the first pass is slow
  uint32_t work = 1;
  double t = 0;
  for (;;) {
    GS_ASSIGN_OR_RETURN(t, median_pass_ms(target, work, 3, &load.wall_clock));
    if (t >= ms / 4 || work >= kMaxWork / 2) break;
    work *= 2;
  }
  // Linear in work (a fixed cost per pass aside): two corrections land within a few percent.
  for (int i = 0; i < 2; ++i) {
    work = scaled_work(work, t, ms);
    GS_ASSIGN_OR_RETURN(t, median_pass_ms(target, work, 3, &load.wall_clock));
  }
  load.requested_ms = ms;
  load.work = work;
  GS_ASSIGN_OR_RETURN(load.measured_ms, median_pass_ms(target, work, 5, &load.wall_clock));
  return load;
}

std::string busy_row_name(const std::string& workload, double measured_ms) {
  char load[32];
  if (measured_ms >= 10) {
    std::snprintf(load, sizeof load, "%.0f", measured_ms);
  } else {
    std::snprintf(load, sizeof load, "%.2g", measured_ms);
  }
  std::string name = "busy-" + workload + "-" + load + "ms";
  for (char& c : name) c = c == '.' ? '_' : c;
  return name;
}

std::string gpu_load_warning(const GpuLoad& load) {
  const double ratio = load.measured_ms / load.requested_ms;
  if (ratio >= 1 - kLoadTolerance && ratio <= 1 + kLoadTolerance) return "";
  char text[200];
  std::snprintf(
      text, sizeof text,
      "GPU load %.3g ms asked, %.3g ms reached (more than %.0f%% off%s); the rows are "
      "named after the load reached",
      load.requested_ms, load.measured_ms, kLoadTolerance * 100,
      load.work <= 1 && ratio > 1 ? ": one iteration per pixel is the least this GPU can do" : "");
  return text;
}

}  // namespace glyphstream::bench
