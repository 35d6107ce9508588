// Bare FreeType on a list of raster requests (unhinted load + grayscale render, nothing else;
// or, with `lcd`, FreeType's LCD render with cairo's default filter): the ceiling a
// text::Rasterizer is measured against, in the benchmarks and the throughput test.
// Text-layer code (FreeType and the text headers only), kept out of the installed library.
#pragma once

#include <vector>

#include "text/font_registry.h"
#include "text/rasterizer.h"

namespace glyphstream::baseline {

// Renders every request once per pass for at least `min_seconds`; returns glyphs per second
// (0 if FreeType cannot start). Outline fonts only: colour bitmap faces are skipped.
double bare_freetype_rate(const text::FontRegistry& registry,
                          const std::vector<text::RasterRequest>& requests,
                          double min_seconds = 0.5, bool lcd = false);

}  // namespace glyphstream::baseline
