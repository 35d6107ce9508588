// TextLayout's implementation (glyphstream/text_layout.h): the CachedLayout the LayoutCache
// holds (so drawing and querying share one layout), the colour it is drawn in, and which
// TextSystem made it (its glyph keys name that system's faces and cache entries).
#pragma once

#include <cstdint>
#include <memory>

#include "glyphstream/status.h"
#include "glyphstream/text_layout.h"
#include "pipeline/layout_cache.h"

namespace glyphstream {

struct TextLayout::Impl {
  std::shared_ptr<pipeline::CachedLayout> layout;  // never null
  uint32_t color = 0;                              // the style's colour, RGBA8
  uint64_t maker = 0;                              // LayoutCache::id() of the making system
};

namespace pipeline {

TextLayout make_text_layout(std::shared_ptr<CachedLayout> layout, const Color& color,
                            const LayoutCache& cache);
// The layout to draw with the text system that owns `cache`: null for an empty TextLayout,
// kInvalidArgument for one made by another text system (its faces and glyph entries are that
// system's).
Result<const TextLayout::Impl*> layout_to_draw(const TextLayout& layout, const LayoutCache& cache);

}  // namespace pipeline
}  // namespace glyphstream
