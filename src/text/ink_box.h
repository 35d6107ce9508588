// Conservative ink boxes of glyphs, known at layout time (before any rasterization), so that the
// pipeline can cull a glyph outside the viewport or its clip without rasterizing it. From the
// font's bounding box (the OpenType 'head' table: it holds every glyph of the face), scaled to
// the size, plus margins for the sub-pixel shift and rounding: never smaller than the raster.
#pragma once

#include <cstdint>

typedef struct _PangoFont PangoFont;  // <pango/pango.h>, for font_ink_box() only

namespace glyphstream::text {

// Every pixel a glyph's raster may cover lies in columns [pen_x + x0, pen_x + x1) and rows
// [pen_y + y0, pen_y + y1): px, y down, from the glyph's integer pen position (the pipeline's
// pen_x / pen_y; the sub-pixel bin is inside). The default covers everything (never culled).
struct InkBox {
  int16_t x0 = INT16_MIN, y0 = INT16_MIN;
  int16_t x1 = INT16_MAX, y1 = INT16_MAX;
  bool known() const { return x0 != INT16_MIN; }
  friend bool operator==(const InkBox&, const InkBox&) = default;
};

// The box of every glyph of `font` at size_px (its 'head' bounding box with margins; colour
// fonts also get at least [-0.5, 2] em across and [-1.5, 1] em down from the baseline, since
// their strikes are scaled to the size and their 'head' box need not describe them). Unknown
// (the default box) without a 'head' table.
InkBox font_ink_box(PangoFont* font, double size_px, bool color);

// The box of a glyph the rasterizer draws itself (a hex box's frame, kHexFrameGlyphFlag; a shown
// line separator's arrow, kLineBreakArrowGlyphFlag: rasterizer.h), from its id and size, with
// the same margins; unknown for any other glyph.
InkBox flagged_glyph_ink(uint32_t glyph_id, uint32_t size_26_6);

// From a 'head' table's bytes (big-endian, at least 54 bytes); unknown if it is not one.
InkBox ink_box_from_head(const uint8_t* head, unsigned bytes, double size_px, bool color);

}  // namespace glyphstream::text
