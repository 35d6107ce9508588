// "cold-page" (issue 26): the hidden-style cold page. 2,210 distinct characters (2,000 CJK, 210
// Cyrillic) in one wrapped paragraph per size, at 14, 20 and 32 px: 6,630 distinct glyphs, each
// rasterized, packed and uploaded once, by a fresh TextSystem in a 2560 x 2048 viewport (its
// own target: nothing is culled). Run it as a fresh process (--frames 1, the default) for the
// cold-process numbers: the first run of a process also loads Pango's font map and the fonts.
// Where the time goes is reported part by part: layout (per size: the first layout of a size
// loads its metrics), rasterize, pack (bookkeeping and pixel writes), upload; and the layouts'
// whole wall time, from the first prefetch_layout() (with --prefetch-layout) to the last
// draw_text() (layouts_wall_ms).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "glyphstream/rendering.h"
#include "glyphstream/status.h"
#include "glyphstream/types.h"

namespace glyphstream::bench {

struct ColdPageOptions {
  GpuApi backend = GpuApi::kGl;
  int threads = 1;
  UploadMode mode = UploadMode::kAsync;
  int runs = 0;              // fresh text systems in this process; 0: 1 (the cold one)
  RenderingStyle rendering;  // --antialias, --hinting, ... of every draw
  // --prefetch-layout: the three sizes' paragraphs handed to TextSystem::prefetch_layout()
  // before the frame, so that they are laid out on the workers in parallel and draw_text()
  // finds them cached (or waits for them).
  bool prefetch_layout = false;
  bool linear_light = false;  // --linear-light: an sRGB target, blended in linear light
};

// One row: the first run's parts (the process's cold run) and, with several runs, the p50 of
// the later ones (warm font map, fresh atlas).
Result<nlohmann::ordered_json> run_cold_page_workload(const ColdPageOptions& options);

}  // namespace glyphstream::bench
