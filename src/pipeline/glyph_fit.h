// Glyphs the atlas cannot take as they are. A glyph whose raster is larger than an atlas page
// (sizes up to 4096 px are accepted, pages are 1024 px by default) is rasterized again at the
// largest size whose raster fits a page and drawn scaled up to its exact size and place, as a
// kScaledGlyph quad (bilinear), the way zoom stand-ins are drawn: the user gets the glyph, slightly
// soft, instead of nothing.
#pragma once

#include <functional>
#include <string>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "glyphstream/status.h"
#include "text/rasterizer.h"

namespace glyphstream::pipeline {

// Whether a raster of bm's box fits a page of `config`.
bool fits_page(const text::GlyphBitmap& bm, const atlas::AtlasConfig& config);

using RasterizeFn = std::function<Result<text::GlyphBitmap>(const atlas::GlyphKey&)>;

// When `bitmap` (the raster of `key`) does not fit a page of `config`, replaces
// it by the raster of the same glyph at the largest size that fits (sub-pixel bin 0) and returns
// the scale that draws it at key's size (> 1: CachedGlyph::draw_scale). Returns 0 and leaves the
// bitmap alone when it fits; an error when no smaller size fits either.
Result<float> fit_glyph_to_page(const atlas::GlyphKey& key, text::GlyphBitmap* bitmap,
                                const atlas::AtlasConfig& config, const RasterizeFn& rasterize);

// Why the atlas refused a glyph (AllocStatus not kOk), in words: larger than a page, a page over
// the budget, or no space with every page pinned by this frame.
std::string refusal_reason(atlas::AllocStatus status, const text::GlyphBitmap& bm,
                           const atlas::AtlasConfig& config, bool can_wait_within_frame);

}  // namespace glyphstream::pipeline
