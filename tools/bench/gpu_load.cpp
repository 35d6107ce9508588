#include "gpu_load.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

namespace glyphstream::bench {
namespace {

constexpr uint32_t kMaxWork = kMaxBusySceneWork;

// The GPU timer, checked against the wall clock: a timer that misses the pass would make the
// search double the work without bound.
Result<double> median_pass_ms(tools::HeadlessTarget* target, uint32_t work, int passes) {
  std::vector<double> ms;
  for (int i = 0; i < passes; ++i) {
    const auto start = std::chrono::steady_clock::now();
    GS_ASSIGN_OR_RETURN(const double t, target->time_busy_scene(work));
    const double wall =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (wall > 200 && t < wall / 20) {
      char why[160];
      std::snprintf(why, sizeof why,
                    "GPU load: the timer says %.3f ms for a pass of work %u that took %.1f ms", t,
                    work, wall);
      return Status(ErrorCode::kGpuError, why);
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
  GS_TRY(target->time_busy_scene(1).status());  // compiles the pipeline; the first pass is slow
  uint32_t work = 1;
  double t = 0;
  for (;;) {
    GS_ASSIGN_OR_RETURN(t, median_pass_ms(target, work, 3));
    if (t >= ms / 4 || work >= kMaxWork / 2) break;
    work *= 2;
  }
  // Linear in work (a fixed cost per pass aside): two corrections land within a few percent.
  for (int i = 0; i < 2; ++i) {
    work = scaled_work(work, t, ms);
    GS_ASSIGN_OR_RETURN(t, median_pass_ms(target, work, 3));
  }
  GpuLoad load;
  load.requested_ms = ms;
  load.work = work;
  GS_ASSIGN_OR_RETURN(load.measured_ms, median_pass_ms(target, work, 5));
  return load;
}

}  // namespace glyphstream::bench
