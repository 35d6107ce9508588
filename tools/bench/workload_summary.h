// A workload run's summary: the JSON object a run of glyphstream-bench reports (percentiles of
// frame CPU, upload bytes and copies, GPU times, the render thread's hand-off).
#pragma once

#include "workloads.h"

namespace glyphstream::bench {

// Fills r->summary from r->frames and r->frame_cpu_ms.
void summarize(const WorkloadSpec& spec, WorkloadResult* r);

}  // namespace glyphstream::bench
