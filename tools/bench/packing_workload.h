// The packing workload: how full a page is when it first refuses a glyph, and how long each
// allocation takes, for the atlas's allocator and for a shelf next-fit reference packer, on real
// glyph boxes (laid out with Pango and rasterized with FreeType from the installed fonts).
#pragma once

#include <nlohmann/json.hpp>

#include "glyphstream/status.h"

namespace glyphstream::bench {

struct PackingOptions {
  int page_size = 1024;
  bool quick = false;
};

// One JSON object per (glyph_set, packer) with at least: glyph_set, packer ("glyphstream" or
// "shelf-next-fit"), occupancy (0..1, glyph rect area over page area when the page first refuses
// a glyph), alloc_ns_median, alloc_ns_p99, alloc_ns_max, glyphs_placed, page_size.
Result<nlohmann::json> run_packing_workload(const PackingOptions& options);

}  // namespace glyphstream::bench
