// Rasterization throughput (issue 5): grayscale Latin and CJK at 16-32 px, all four sub-pixel
// bins, with 1..N worker threads, beside bare FreeType on the same glyphs in the same run.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::bench {

Result<nlohmann::ordered_json> run_raster_workload(const std::vector<int>& thread_counts,
                                                   bool quick);

}  // namespace glyphstream::bench
