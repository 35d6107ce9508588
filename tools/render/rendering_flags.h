// glyphstream-render's text quality flags, pango-view's names and value spellings
// (--antialias, --subpixel-order, --hinting, --hint-metrics, --subpixel-positions), turned into
// the library's RenderingStyle (glyphstream/rendering.h). The defaults are glyphstream's (what
// it always drew), which pango-view matches with --hinting none --hint-metrics off
// --subpixel-positions --antialias gray.
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
  std::string hint_metrics = "off";    // on|off
  bool subpixel_positions = true;      // --subpixel-positions / --no-subpixel-positions
};

// Adds the flags; a value outside its spelling is an argument error (exit status 1).
void add_rendering_flags(CLI::App& app, RenderingFlags* flags);
// The style; kInvalidArgument for an unknown value (the flags' checks ran first; the API
// caller's path), kUnsupported for what is not implemented yet (--hint-metrics on).
Result<RenderingStyle> rendering_style(const RenderingFlags& flags);

}  // namespace glyphstream::tools
