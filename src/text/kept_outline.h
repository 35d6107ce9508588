// Outlines kept past the next prepare() (issue 26): the FreeType side of
// Rasterizer::keep_prepared() and render_kept() (text/rasterizer.h declares OutlineArena and
// KeptOutline). Internal to src/text.
#pragma once

#include <ft2build.h>
#include FT_FREETYPE_H

#include <cstddef>
#include <cstdint>

#include "text/rasterizer.h"

namespace glyphstream::text {

// Copies `outline` (points, contour ends, tags, flags) into `arena`; the box and the rest of the
// KeptOutline are the caller's to fill.
KeptOutline keep_outline(const FT_Outline& outline, OutlineArena& arena);
// Renders `outline` (at its box's origin) into a width x height box at `dst`, rows `stride`
// bytes apart (zero: FreeType writes covered pixels only), with `library`'s grey rasterizer.
FT_Error render_grey_outline(FT_Library library, const FT_Outline& outline, int width, int height,
                             uint8_t* dst, size_t stride);
// Renders a kept outline (already at its box's origin) into `dst`, rows `stride` bytes apart,
// with `library`'s grey rasterizer; FreeType's error, 0 on success.
FT_Error render_kept_outline(FT_Library library, const KeptOutline& kept, uint8_t* dst,
                             size_t stride);

}  // namespace glyphstream::text
