// Glyphs the rasterizer draws itself rather than loading from a face (their ids carry a flag,
// text/rasterizer.h): a missing glyph's hex-box frame, the arrow of a shown line separator and
// a rotated decoration's rectangle, each pixel covered by its exact area. Also the encodings of
// their ids (declared in rasterizer.h beside the flags).
#pragma once

#include "text/rasterizer.h"

namespace glyphstream::text {

GlyphBitmap render_hex_frame(const RasterRequest& r);         // kHexFrameGlyphFlag
GlyphBitmap render_line_break_arrow(const RasterRequest& r);  // kLineBreakArrowGlyphFlag
GlyphBitmap render_rotated_rect(const RasterRequest& r);      // kRotatedRectGlyphFlag

}  // namespace glyphstream::text
