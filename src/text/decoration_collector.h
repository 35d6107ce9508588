// Collects the decorations of a PangoLayout by running Pango's own renderer over it with a
// renderer that records rectangles instead of drawing them (glyphs are taken elsewhere).
#pragma once

#include <pango/pango.h>

#include <vector>

#include "text/decoration.h"

namespace glyphstream::text {

// True if the layout's attributes ask for any decoration or background: layouts without them
// skip the renderer pass.
bool has_decorations(PangoLayout* layout);

// Appends the layout's decorations to `out`, in Pango's drawing order: line by line, as
// pango_renderer_draw_layout draws them. With `line_ends`, appends for each line the size of
// `out` after that line's decorations.
void collect_decorations(PangoLayout* layout, std::vector<Decoration>* out,
                         std::vector<size_t>* line_ends = nullptr);

}  // namespace glyphstream::text
