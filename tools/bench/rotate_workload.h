// "rotate" (issue 22): rotated text at a new angle against new text of the same size. Runs
// alternate, each a fresh TextSystem drawing W1's cold page (mixed text at 14, 20 and 28 px):
// upright, then turned by an angle no run used before (--rotate on every line), so every glyph
// is rasterized either way. Interleaving makes the ratio a same-run ratio on a noisy machine.
#pragma once

#include <nlohmann/json.hpp>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "headless_target.h"

namespace glyphstream::bench {

struct RotateOptions {
  int threads = 1;
  UploadMode mode = UploadMode::kAsync;
  int runs = 0;  // pairs of runs; 0: 7 (quick: 2)
  bool quick = false;
};

// One row: time to complete (begin_frame .. finish) p50 of the upright and the rotated runs,
// glyphs rasterized per run, and the ratios rotated / upright (per frame and per rasterized
// glyph: a turned line may leave the viewport, and culled glyphs are not rasterized).
Result<nlohmann::ordered_json> run_rotate_workload(tools::HeadlessTarget* target,
                                                   const RotateOptions& options);

}  // namespace glyphstream::bench
