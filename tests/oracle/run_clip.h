// cairo's clip of a Pango run, and the oracle variant without it (issue 24).
//
// pango_cairo_show_layout draws each run with one cairo_show_glyphs call, and cairo 1.16's
// image backend bounds that call by the union of its glyphs' boxes
// (_cairo_scaled_font_glyph_device_extents: each glyph's ink box from its metrics at its
// position rounded to whole pixels, the union rounded out) and composites within it (where the
// glyphs' boxes overlap, as in joined Arabic, through a mask of that size:
// pixman_composite_glyphs), so whatever a glyph image holds outside the union is cut. An LCD
// glyph's image reaches past its box: FreeType's LCD filter spreads ink up to a pixel beyond the
// outline, and a hinted outline may stand a pixel beyond the box of its metrics. pango-view's
// images lose that spill at a run's outer edge (1 to 35 pixels per LCD case; on the
// slight-hinted Arabic run a whole row, which glyphstream keeps, as cairo does when each glyph
// is drawn by a call of its own). Hinted greyscale glyphs lose a pixel's edge there too (5 to 15
// pixels in 12 of the quality_gray_* cases).
//
// The variant keeps everything else of pango-view's drawing (one cairo_show_glyphs call per
// run, the same glyphs at the same positions, the same compositing path, mask or not) and only
// widens that clip: it appends to every run two glyphs without ink (zero advance, so no
// position, logical extent or decoration moves; no ink box, so neither Pango's ink extents nor
// cairo's overlap test changes) placed just outside the surface's top-left and bottom-right
// corners, so the union of the run's glyph boxes covers the whole surface. Drawing the glyphs
// one call each would also drop the mask where glyphs overlap (their overlapping edges then
// composite twice). run_clip_test.cpp proves that the variant changes pixels only outside each
// run's clip box, within 2 px of it, and none of an unhinted greyscale case.
#pragma once

#include <vector>

#include "glyphstream/status.h"

typedef struct _PangoLayout PangoLayout;  // pango/pango-layout.h

namespace glyphstream::oracle {

struct PixelBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // pixels [x0, x1) x [y0, y1)
  bool contains(int x, int y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

// The clip cairo gives each run's cairo_show_glyphs call when pango_cairo_show_layout draws
// `layout` with the current point at (origin_x, origin_y) and an identity matrix: per run with
// glyphs that reach cairo, the union of each glyph's ink box (cairo's own metrics, in its
// 24.8 fixed point; an inkless glyph counts as its origin) at its position rounded to whole
// pixels (an image surface's font options round glyph positions, and cairo merges them into
// the scaled font it draws with), rounded out to whole pixels. Runs that send cairo no glyph
// have no box. Unrotated layouts without vertical runs only (kInvalidArgument otherwise).
Result<std::vector<PixelBox>> run_clip_boxes(PangoLayout* layout, double origin_x, double origin_y);

// Appends the two inkless glyphs to every run of `layout` (a copy of a glyph of the run's font
// whose ink box is empty: the run's own space, else the font's U+0020), at device (-8, -8) and
// (width + 8, height + 8) for a surface of that size drawn as run_clip_boxes says. cairo keeps
// glyphs up to ten font sizes outside the surface, so both reach its extents; having no ink,
// they draw nothing. Call after every query that must see the layout as Pango made it.
Status widen_run_clips(PangoLayout* layout, double origin_x, double origin_y, int width,
                       int height);

}  // namespace glyphstream::oracle
