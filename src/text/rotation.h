// Rotated and vertical text (--rotate, --gravity): what Pango decides and the pipeline needs.
// A glyph of a rotated layout, or of a run whose gravity is not south (vertical CJK), is drawn
// from a raster made under the rotation (FreeType's outline transform: rasterizer.cpp), cached
// per quantized angle (GlyphKey::angle_bin); positions stay Pango's, moved by the context's
// matrix (pango_matrix_transform_point) so that the rotated layout's bounding box starts at
// (0, 0), as pango-view places it (utils/viewer-render.c, do_output).
#pragma once

#include <pango/pango.h>

#include <cstdint>

#include "text/ink_box.h"
#include "text/layout.h"

namespace glyphstream::text {

// Angle bins (angle_bin, angle_degrees): text/rasterizer.h.

// The rotation of a run's glyphs by its gravity, degrees counter-clockwise on screen: 0 south,
// 90 east, 180 north, -90 west (from pango_gravity_to_rotation).
double gravity_degrees(PangoGravity gravity);

// The box of a glyph whose raster is `box` upright, rotated counter-clockwise about the pen by
// `degrees` (its four corners' bounds, plus 1 px for the rotated raster's own rounding).
// Unknown boxes stay unknown.
InkBox rotate_ink(const InkBox& box, double degrees_ccw);

// pango-view's canvas for a rotated layout: the layout's logical box in whole pixels
// (pango_layout_get_pixel_extents rounds it out: right edge `right_units`, bottom
// `bottom_units`, at least the
// layout's width and height in px, Pango units in; `height_units` as pango_layout_get_height)
// turned by the matrix (pango_matrix_transform_pixel_rectangle).
PangoRectangle rotated_canvas(const PangoMatrix& m, int64_t right_units, int64_t width_units,
                              int64_t bottom_units, int height_units);

// Moves a layout made under a context rotated by `degrees` (glyph positions and decorations in
// layout coordinates) to the rotated layout's coordinates with its canvas' top-left corner at
// (0, 0); width and height become the canvas'. Glyph ink boxes are rotated by their angle.
void rotate_result(LayoutResult* result, double degrees, const PangoRectangle& canvas);

}  // namespace glyphstream::text
