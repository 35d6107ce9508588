// draw_text()'s queueing of a laid-out text: each glyph keyed for its position, culled when its
// ink box lies wholly outside the call's clip (pipeline/clip.h), else queued in the batcher as a
// cache hit or a miss for the raster scheduler; then the layout's decorations.
#pragma once

#include <cstdint>

#include "pipeline/layout_cache.h"
#include "pipeline/scaled_glyphs.h"

namespace glyphstream::pipeline {

// Queues layout L with its top-left corner at (x, y) (finite, within TextSystem::kMaxPosition)
// in `default_color` (straight RGBA8), drawn inside t.clip.
void queue_text(const ScaledDrawTarget& t, CachedLayout& L, float x, float y,
                uint32_t default_color);

}  // namespace glyphstream::pipeline
