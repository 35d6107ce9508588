// glyphstream-render's text quality flags, pango-view's names and value spellings
// (--antialias, --subpixel-order, --hinting, --hint-metrics, --subpixel-positions), turned into
// the library's RenderingStyle (glyphstream/rendering.h). The defaults are glyphstream's (what
// it always drew), which pango-view matches with --hinting none --hint-metrics on
// --subpixel-positions --antialias gray. --hint-metrics means what pango-view 1.50 draws with
// it, which is the inverse of its name: rendering_flags.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "glyphstream/rendering.h"
#include "glyphstream/status.h"

namespace glyphstream::tools {

struct RenderingFlags {
  std::string antialias = "gray";      // none|gray|subpixel
  std::string subpixel_order = "rgb";  // rgb|bgr|vrgb|vbgr
  std::string hinting = "none";        // none|auto|slight|medium|full
  std::string hint_metrics = "on";     // on|off, pango-view's (on: HintMetrics::kOff)
  bool subpixel_positions = true;      // --subpixel-positions / --no-subpixel-positions
  // glyphstream's own (pango-view has none): RenderingStyle::coverage_gamma, coverage_contrast
  float coverage_gamma = 0;     // --coverage-gamma: 0 off, else 0.5..3
  float coverage_contrast = 0;  // --coverage-contrast: 0..1
  // --linear-light (glyphstream's own): an sRGB target and TextSystemDesc::linear_light, so
  // that coverage blends in linear light. A property of the target, not of the style.
  bool linear_light = false;
};

// Adds the flags; a value outside its spelling is an argument error (exit status 1).
void add_rendering_flags(CLI::App& app, RenderingFlags* flags);
// The style; kInvalidArgument for an unknown value (the flags' checks ran first; the API
// caller's path; also a coverage flag out of its bounds or NaN).
Result<RenderingStyle> rendering_style(const RenderingFlags& flags);

}  // namespace glyphstream::tools
