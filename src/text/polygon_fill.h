// Shapes the rasterizer fills itself, each pixel covered by the exact area of the shape inside
// it (cairo's grey antialiasing): a hex box's frame, a shown line separator's arrow
// (rasterizer.h), and the decorations of rotated text (kRotatedRectGlyphFlag), all of which may
// be turned by a rotated layout's angle.
#pragma once

#include <utility>
#include <vector>

#include "text/rasterizer.h"

namespace glyphstream::text {

using Polygon = std::vector<std::pair<double, double>>;  // px from the pen, y down

// Coverage of the sum of `polygons`, each weighted by its sign (+1 a shape, -1 a hole inside
// the shape before it), clamped to [0, 1]; the bitmap's left / top relative to the pen as
// GlyphBitmap has them (top: rows above the baseline). Empty when nothing is covered.
GlyphBitmap fill_polygons(const std::vector<Polygon>& polygons, const std::vector<double>& signs);

// `p` turned counter-clockwise on screen by `degrees` about the pen, then moved right by `dx`.
Polygon turned(const Polygon& p, double degrees_ccw, double dx);

// Premultiplied RGBA `in` (a colour strike scaled to the size) turned counter-clockwise by
// `degrees` about the pen and moved right by `dx` px, bilinear, as cairo samples a rotated image.
GlyphBitmap turn_color_bitmap(const GlyphBitmap& in, double degrees_ccw, double dx);

}  // namespace glyphstream::text
